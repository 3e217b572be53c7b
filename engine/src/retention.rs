//! Time and size retention: deleting old segments from the head of a log.
//!
//! This is `UnifiedLog.deleteOldSegments` (`core/src/main/scala/kafka/log/UnifiedLog.scala`),
//! run per partition every `log.retention.check.interval.ms` (300000) by the
//! log manager (`LogManager.cleanupLogs`). Three passes, in this order:
//!
//! 1. **Log start offset breach** (always, whatever the `cleanup.policy`):
//!    delete segments whose *next* segment starts at or below the log start
//!    offset (e.g. after `DeleteRecords`).
//! 2. **Size** (`retention.bytes`, *per partition*; only if the policy contains
//!    `delete` and `retention.bytes ≥ 0`): if the log's size is at least
//!    `retention.bytes`, let `diff = size − retention.bytes` and walk the
//!    segments oldest first, deleting while `diff − segment.size ≥ 0`.
//! 3. **Time** (`retention.ms`; only with `delete`, and `retention.ms ≥ 0`;
//!    −1 is infinite): walk oldest first, deleting while
//!    `now − segment.largestTimestamp > retention.ms`, where `largestTimestamp`
//!    is the largest record timestamp in the segment (CreateTime: producers'
//!    timestamps matter) or, for an empty segment, its creation time.
//!
//! Common rules (`deletableSegments`):
//!
//! * only a **prefix** is deleted: the walk stops at the first segment that may
//!   not go;
//! * only segments wholly **below the high watermark** (`next segment base, or
//!   the LEO for the last segment, ≤ HW`), so the log start never passes the HW;
//! * **whole segments** only, and never a last segment that is empty;
//! * the active segment *can* go (time retention on an idle partition): a new,
//!   empty active segment is rolled at the log end offset first;
//! * the new log start offset is the base offset of the first remaining segment.
//!
//! Who runs it: the log manager's periodic task ([`RetentionScheduler`]) for
//! topics whose policy does not contain `compact` (`LogManager.cleanupLogs`),
//! and the cleaner thread ([`crate::cleaner::LogCleaner`]) for compacted topics
//! after each cleaning attempt (`LogCleanerManager.deletableLogs`).
//! [`delete_old_segments`] itself may be called on any log.

use crate::clock::Millis;
use crate::config::TopicConfig;
use crate::log::{Log, Segment};
use crate::topic::Topic;

/// `log.retention.check.interval.ms` default.
pub const DEFAULT_RETENTION_CHECK_INTERVAL_MS: i64 = 300_000;
/// `log.initial.task.delay.ms` default (`LogManager.InitialTaskDelayMs`):
/// the first retention check runs this long after start-up.
pub const DEFAULT_INITIAL_TASK_DELAY_MS: i64 = 30_000;

/// Why a segment was deleted (`SegmentDeletionReason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DeletionReason {
    /// `StartOffsetBreach`: the whole segment lies below the log start offset.
    LogStartOffsetBreach {
        /// The log start offset at the time.
        log_start_offset: i64,
    },
    /// `RetentionSizeBreach`: the partition was over `retention.bytes`.
    RetentionSizeBreach {
        /// `retention.bytes`.
        retention_bytes: i64,
        /// The partition's size before this pass.
        log_size_bytes: u64,
    },
    /// `RetentionMsBreach`: the newest record is older than `retention.ms`.
    RetentionMsBreach {
        /// `retention.ms`.
        retention_ms: i64,
        /// The segment's largest timestamp.
        largest_timestamp: Millis,
    },
}

/// A deleted segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DeletedSegment {
    /// Base offset.
    pub base_offset: i64,
    /// One past the last offset covered.
    pub next_offset: i64,
    /// Size in bytes.
    pub size_in_bytes: u64,
    /// Records it held.
    pub record_count: usize,
    /// Why it was deleted.
    pub reason: DeletionReason,
}

/// What one retention check did to a partition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetentionReport {
    /// When the check ran.
    pub now: Millis,
    /// Log start offset before.
    pub log_start_offset_before: i64,
    /// Log start offset after (the base of the first remaining segment).
    pub log_start_offset_after: i64,
    /// Deleted segments, oldest first.
    pub deleted: Vec<DeletedSegment>,
    /// Whether every segment went and an empty active segment was rolled at the LEO.
    pub rolled_new_active_segment: bool,
}

impl RetentionReport {
    /// Records deleted, in total.
    pub fn records_deleted(&self) -> usize {
        self.deleted.iter().map(|d| d.record_count).sum()
    }

    /// Checks the report's invariants (debug builds only): deleted segments are
    /// contiguous from the old head and the log start only moves forward.
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            assert!(self.log_start_offset_after >= self.log_start_offset_before);
            assert!(self
                .deleted
                .windows(2)
                .all(|w| w[0].next_offset == w[1].base_offset));
        }
    }
}

/// `deletableSegments`: how many leading segments satisfy `predicate` (given the
/// segment and whether a next one exists), are wholly below the high watermark,
/// and are not an empty last segment.
fn deletable_prefix(
    log: &Log,
    mut predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
) -> usize {
    let segs = log.segments();
    let hw = log.high_watermark();
    let mut n = 0;
    for (i, seg) in segs.iter().enumerate() {
        let next = segs.get(i + 1);
        let upper = next.map_or(log.log_end_offset(), Segment::base_offset);
        let is_last_and_empty = next.is_none() && seg.size_in_bytes() == 0;
        // Same order as Kafka: the HW check short-circuits the (stateful) predicate.
        if hw >= upper && predicate(seg, next) && !is_last_and_empty {
            n += 1;
        } else {
            break;
        }
    }
    n
}

fn delete_prefix(
    log: &mut Log,
    count: usize,
    reason: impl Fn(&Segment) -> DeletionReason,
    now: Millis,
    report: &mut RetentionReport,
) {
    if count == 0 {
        return;
    }
    if count >= log.segments().len() {
        report.rolled_new_active_segment = true;
    }
    for seg in log.delete_oldest_segments(count, now) {
        report.deleted.push(DeletedSegment {
            base_offset: seg.base_offset(),
            next_offset: seg.next_offset(),
            size_in_bytes: seg.size_in_bytes(),
            record_count: seg.record_count(),
            reason: reason(&seg),
        });
    }
}

/// One retention check of a partition at `now` (`UnifiedLog.deleteOldSegments`).
pub fn delete_old_segments(log: &mut Log, config: &TopicConfig, now: Millis) -> RetentionReport {
    let mut report = RetentionReport {
        now,
        log_start_offset_before: log.log_start_offset(),
        log_start_offset_after: log.log_start_offset(),
        deleted: Vec::new(),
        rolled_new_active_segment: false,
    };

    // 1. log start offset breach
    let log_start = log.log_start_offset();
    let n = deletable_prefix(log, |_, next| {
        next.is_some_and(|s| s.base_offset() <= log_start)
    });
    delete_prefix(
        log,
        n,
        |_| DeletionReason::LogStartOffsetBreach {
            log_start_offset: log_start,
        },
        now,
        &mut report,
    );

    if config.cleanup_policy.delete {
        // 2. size
        let size = log.size_in_bytes();
        let retention_bytes = config.retention_bytes;
        if let Ok(limit) = u64::try_from(retention_bytes) {
            if size >= limit {
                let mut diff = size - limit;
                let n = deletable_prefix(log, |seg, _| {
                    let ok = diff >= seg.size_in_bytes();
                    if ok {
                        diff -= seg.size_in_bytes();
                    }
                    ok
                });
                delete_prefix(
                    log,
                    n,
                    |_| DeletionReason::RetentionSizeBreach {
                        retention_bytes,
                        log_size_bytes: size,
                    },
                    now,
                    &mut report,
                );
            }
        }
        // 3. time
        let retention_ms = config.retention_ms;
        if retention_ms >= 0 {
            let n = deletable_prefix(log, |seg, _| {
                now.saturating_sub(crate::cleaner::largest_timestamp(seg)) > retention_ms
            });
            delete_prefix(
                log,
                n,
                |seg| DeletionReason::RetentionMsBreach {
                    retention_ms,
                    largest_timestamp: crate::cleaner::largest_timestamp(seg),
                },
                now,
                &mut report,
            );
        }
    }
    report.log_start_offset_after = log.log_start_offset();
    report.debug_check_invariants();
    report
}

/// Runs [`delete_old_segments`] on every partition of `topic`; returns each
/// partition's report.
pub fn apply_to_topic(topic: &mut Topic, now: Millis) -> Vec<(i32, RetentionReport)> {
    let config = topic.config().clone();
    (0..topic.partition_count() as i32)
        .filter_map(|p| {
            let part = topic.partition_mut(p)?;
            Some((p, delete_old_segments(part.log_mut(), &config, now)))
        })
        .collect()
}

/// Errors from configuring the retention scheduler.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RetentionError {
    /// `ConfigException` for a broker setting.
    #[error("Invalid value {value} for configuration {name}: Value must be at least {min}")]
    InvalidConfig {
        /// Config name.
        name: String,
        /// The value given.
        value: i64,
        /// The minimum.
        min: i64,
    },
}

/// The log manager's periodic retention task (`kafka-log-retention`): first run
/// `log.initial.task.delay.ms` after start, then every
/// `log.retention.check.interval.ms`, at a fixed rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionScheduler {
    interval_ms: i64,
    next_run_ms: Millis,
}

impl RetentionScheduler {
    /// A scheduler started at `now` with Kafka's defaults (30 s initial delay, 5 min interval).
    pub fn new(now: Millis) -> Self {
        Self {
            interval_ms: DEFAULT_RETENTION_CHECK_INTERVAL_MS,
            next_run_ms: now.saturating_add(DEFAULT_INITIAL_TASK_DELAY_MS),
        }
    }

    /// A scheduler with explicit `log.initial.task.delay.ms` (≥ 0) and
    /// `log.retention.check.interval.ms` (≥ 1).
    pub fn with_intervals(
        now: Millis,
        initial_delay_ms: i64,
        interval_ms: i64,
    ) -> Result<Self, RetentionError> {
        if initial_delay_ms < 0 {
            return Err(RetentionError::InvalidConfig {
                name: "log.initial.task.delay.ms".into(),
                value: initial_delay_ms,
                min: 0,
            });
        }
        if interval_ms < 1 {
            return Err(RetentionError::InvalidConfig {
                name: "log.retention.check.interval.ms".into(),
                value: interval_ms,
                min: 1,
            });
        }
        Ok(Self {
            interval_ms,
            next_run_ms: now.saturating_add(initial_delay_ms),
        })
    }

    /// When the next check runs.
    pub fn next_run_ms(&self) -> Millis {
        self.next_run_ms
    }

    /// If a check is due at `now`, runs retention on every partition of every
    /// non-compacted topic (once — checks missed while the clock jumped would only have
    /// deleted a subset, since nothing was appended meanwhile) and schedules
    /// the next one. Returns `(topic, partition, report)` for partitions where
    /// something was deleted.
    pub fn poll<'a>(
        &mut self,
        topics: impl IntoIterator<Item = &'a mut Topic>,
        now: Millis,
    ) -> Vec<(String, i32, RetentionReport)> {
        if now < self.next_run_ms {
            return Vec::new();
        }
        let missed = (now - self.next_run_ms) / self.interval_ms;
        self.next_run_ms = self
            .next_run_ms
            .saturating_add(self.interval_ms.saturating_mul(missed.saturating_add(1)));
        let mut out = Vec::new();
        for t in topics {
            if t.config().cleanup_policy.compact {
                continue; // the cleaner thread handles compacted topics
            }
            let name = t.name().to_string();
            for (p, r) in apply_to_topic(t, now) {
                if !r.deleted.is_empty() {
                    out.push((name.clone(), p, r));
                }
            }
        }
        out
    }
}
