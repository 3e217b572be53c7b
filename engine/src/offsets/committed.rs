//! A group's positions and committed offsets, commit strategies, and
//! `auto.offset.reset`.
//!
//! For every partition a consumer group reads, Kafka keeps two different
//! numbers:
//!
//! * the **position** — in the consumer's memory (`SubscriptionState`), the
//!   offset of the next record `poll()` returns. It advances the moment records
//!   are handed to the application.
//! * the **committed offset** — in the coordinator (`__consumer_offsets`), the
//!   offset a restarted or newly assigned consumer resumes from. By convention it
//!   is "the offset of the next record to process", i.e. last processed + 1.
//!
//! [`GroupOffsets`] keeps both, per partition, apart. A crash discards every
//! position; the committed offsets survive.
//!
//! ## Commit strategies ([`CommitStrategy`])
//!
//! * `AutoCommit` (`enable.auto.commit=true`, `auto.commit.interval.ms`=5000):
//!   the Java classic consumer commits the positions **inside `poll()`** once the
//!   interval has elapsed (`ConsumerCoordinator.maybeAutoCommitOffsetsAsync`),
//!   i.e. the records returned by the *previous* poll. librdkafka and the KIP-848
//!   `AsyncKafkaConsumer` commit from a **background timer** the offsets of the
//!   records already handed to the application — which may not be processed yet.
//!   [`AutoCommitTiming`] selects which.
//! * `ManualSync` / `ManualAsync` (`commitSync()` / `commitAsync()` after the
//!   batch has been written to the sink): at-least-once.
//! * `CommitBeforeProcessing`: commit right after `poll()`, then process:
//!   at-most-once.
//!
//! ## `auto.offset.reset`
//!
//! Used when the group has no committed offset for a partition, and when a
//! fetch position is out of range (below the log start after retention, or past
//! the log end) — `FetchCollector` (KAFKA.md §5):
//! `earliest` → the log start offset, `latest` → the high watermark, `none` →
//! `OffsetOutOfRangeException` / `NoOffsetForPartitionException`. Java's and
//! librdkafka's default is `latest`.

use std::collections::BTreeMap;

use super::TopicPartition;
use crate::clock::Millis;
use crate::log::Log;

/// Default `auto.commit.interval.ms` (`ConsumerConfig`): 5000.
pub const DEFAULT_AUTO_COMMIT_INTERVAL_MS: Millis = 5_000;

/// Default `max.poll.records` (`ConsumerConfig`): 500.
pub const DEFAULT_MAX_POLL_RECORDS: usize = 500;

/// `auto.offset.reset`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum AutoOffsetReset {
    /// Reset to the log start offset (ListOffsets EARLIEST).
    Earliest,
    /// Reset to the high watermark (ListOffsets LATEST); Java's default.
    #[default]
    Latest,
    /// Throw: `OffsetOutOfRangeException` / `NoOffsetForPartitionException`.
    None,
}

impl std::str::FromStr for AutoOffsetReset {
    type Err = CommitError;
    /// Parses Kafka's values (`earliest`, `latest`, `none`) and librdkafka's
    /// aliases (`smallest`/`beginning`, `largest`/`end`, `error`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "earliest" | "smallest" | "beginning" => Ok(Self::Earliest),
            "latest" | "largest" | "end" => Ok(Self::Latest),
            "none" | "error" => Ok(Self::None),
            other => Err(CommitError::InvalidAutoOffsetReset {
                value: other.to_owned(),
            }),
        }
    }
}

/// When auto-commit fires relative to the application's processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum AutoCommitTiming {
    /// Java classic consumer: inside `poll()`, committing what previous polls
    /// returned (processed by then in a synchronous loop).
    InPoll,
    /// librdkafka / KIP-848 async consumer: a background timer commits the
    /// offsets of records already handed out, processed or not.
    Background,
}

/// How the application commits offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CommitStrategy {
    /// `enable.auto.commit=true` with `auto.commit.interval.ms`.
    AutoCommit {
        /// `auto.commit.interval.ms` (must be > 0).
        interval_ms: Millis,
        /// Which client behaviour to model.
        timing: AutoCommitTiming,
    },
    /// `commitSync()` after the whole batch has been written to the sink.
    ManualSync,
    /// `commitAsync()` after the batch; the commit is applied when its response
    /// arrives (at the next `poll()`), so a crash before that loses it.
    ManualAsync,
    /// `commitSync()` right after `poll()`, before processing (at-most-once).
    CommitBeforeProcessing,
}

impl CommitStrategy {
    /// Java's default: auto-commit every 5 s from `poll()`.
    pub const fn default_auto_commit() -> Self {
        Self::AutoCommit {
            interval_ms: DEFAULT_AUTO_COMMIT_INTERVAL_MS,
            timing: AutoCommitTiming::InPoll,
        }
    }
}

/// Errors from commits, seeks and position lookups.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommitError {
    /// A negative offset was committed or sought.
    #[error("Invalid negative offset {offset} for partition {partition}")]
    InvalidOffset {
        /// The partition.
        partition: TopicPartition,
        /// The offending offset.
        offset: i64,
    },
    /// `auto.offset.reset=none` and the position is outside the log
    /// (`OffsetOutOfRangeException`).
    #[error("Fetch position FetchPosition{{offset={requested}}} is out of range for partition {partition} (log start {log_start}, high watermark {high_watermark})")]
    OffsetOutOfRange {
        /// The partition.
        partition: TopicPartition,
        /// The position that was out of range.
        requested: i64,
        /// The log start offset.
        log_start: i64,
        /// The high watermark.
        high_watermark: i64,
    },
    /// `auto.offset.reset=none` and nothing is committed (`NoOffsetForPartitionException`).
    #[error("Undefined offset with no reset policy for partitions: [{partition}]")]
    NoOffsetForPartition {
        /// The partition.
        partition: TopicPartition,
    },
    /// An unknown `auto.offset.reset` value (`ConfigException`).
    #[error("Invalid value {value} for configuration auto.offset.reset: String must be one of: latest, earliest, none")]
    InvalidAutoOffsetReset {
        /// The value given.
        value: String,
    },
    /// `auto.commit.interval.ms` must be positive in kplay (Kafka accepts 0,
    /// which would commit on every poll; kplay asks for ≥ 1 ms) and, as in
    /// `ConsumerConfig` (`Type.INT`), fit a Java int.
    #[error(
        "Invalid value {value} for configuration auto.commit.interval.ms: Value must be at least 1 and at most 2147483647 (a Java int)"
    )]
    InvalidAutoCommitInterval {
        /// The value given.
        value: Millis,
    },
}

/// Offsets of one partition for one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct PartitionOffsets {
    /// The consumer's position (next offset to fetch); `None` when no consumer
    /// holds the partition or the consumer has not initialised it yet.
    pub position: Option<i64>,
    /// The committed offset (next offset to process); `None` if never committed.
    pub committed: Option<i64>,
    /// Simulated time of the last commit.
    pub committed_at: Option<Millis>,
}

/// Why a fetch position was (re)initialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PositionSource {
    /// Resumed from the committed offset.
    Committed,
    /// No committed offset: `auto.offset.reset` applied.
    NoCommittedOffset,
    /// The position was outside `[log start, high watermark]`: `auto.offset.reset` applied.
    OutOfRange,
    /// The position was already valid.
    Unchanged,
}

/// Outcome of [`GroupOffsets::ensure_valid_position`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PositionResolution {
    /// The position now in force.
    pub position: i64,
    /// What happened.
    pub source: PositionSource,
    /// The previous position (or committed offset) before a reset, if any.
    pub previous: Option<i64>,
    /// Offsets that were jumped over without being consumed (a reset forward:
    /// below-log-start records deleted by retention, or records skipped by
    /// `latest`). These are the "lost to retention" records.
    pub skipped: i64,
}

/// Positions and committed offsets of one consumer group, per partition.
///
/// Invariant (checked in debug builds after each mutation): every stored
/// offset is `>= 0`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct GroupOffsets {
    group_id: String,
    partitions: BTreeMap<TopicPartition, PartitionOffsets>,
}

impl GroupOffsets {
    /// An empty offset table for `group_id`.
    pub fn new(group_id: impl Into<String>) -> Self {
        Self {
            group_id: group_id.into(),
            partitions: BTreeMap::new(),
        }
    }

    /// The group id.
    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    /// Every partition the group has state for, in topic/partition order.
    pub fn iter(&self) -> impl Iterator<Item = (&TopicPartition, &PartitionOffsets)> {
        self.partitions.iter()
    }

    /// The offsets of one partition (all `None` if unknown).
    pub fn get(&self, tp: &TopicPartition) -> PartitionOffsets {
        self.partitions.get(tp).copied().unwrap_or_default()
    }

    /// The committed offset of `tp`.
    pub fn committed(&self, tp: &TopicPartition) -> Option<i64> {
        self.get(tp).committed
    }

    /// The consumer's position on `tp`.
    pub fn position(&self, tp: &TopicPartition) -> Option<i64> {
        self.get(tp).position
    }

    /// Committed offsets only (what `listConsumerGroupOffsets` returns).
    pub fn committed_offsets(&self) -> BTreeMap<TopicPartition, i64> {
        crate::sort::btree_map(
            self.partitions
                .iter()
                .filter_map(|(tp, o)| o.committed.map(|c| (tp.clone(), c))),
        )
    }

    /// Commits `offset` (the next offset to process) for `tp` (OffsetCommit).
    /// A commit may move backwards — Kafka stores whatever is committed.
    pub fn commit(
        &mut self,
        tp: &TopicPartition,
        offset: i64,
        now: Millis,
    ) -> Result<(), CommitError> {
        if offset < 0 {
            return Err(CommitError::InvalidOffset {
                partition: tp.clone(),
                offset,
            });
        }
        let e = self.partitions.entry(tp.clone()).or_default();
        e.committed = Some(offset);
        e.committed_at = Some(now);
        self.debug_check_invariants();
        Ok(())
    }

    /// Commits every current position (`commitSync()` with no arguments).
    /// Returns how many partitions were committed.
    pub fn commit_positions(&mut self, now: Millis) -> usize {
        let mut n = 0;
        for o in self.partitions.values_mut() {
            if let Some(p) = o.position {
                o.committed = Some(p);
                o.committed_at = Some(now);
                n += 1;
            }
        }
        self.debug_check_invariants();
        n
    }

    /// Sets the position of `tp` (`seek`).
    pub fn seek(&mut self, tp: &TopicPartition, offset: i64) -> Result<(), CommitError> {
        if offset < 0 {
            return Err(CommitError::InvalidOffset {
                partition: tp.clone(),
                offset,
            });
        }
        match self.partitions.get_mut(tp) {
            Some(e) => e.position = Some(offset),
            None => {
                self.partitions.insert(
                    tp.clone(),
                    PartitionOffsets {
                        position: Some(offset),
                        ..PartitionOffsets::default()
                    },
                );
            }
        }
        self.debug_check_invariants();
        Ok(())
    }

    /// A crash (or losing the partitions in a rebalance): every in-memory
    /// position is forgotten; committed offsets survive.
    pub fn forget_positions(&mut self) {
        for o in self.partitions.values_mut() {
            o.position = None;
        }
    }

    /// Makes sure `tp` has a valid fetch position in `log`, as the consumer does
    /// before fetching (`SubscriptionState` + `FetchCollector`):
    ///
    /// 1. no position → resume from the committed offset, else apply `reset`;
    /// 2. a position outside `[log_start_offset, high_watermark]` → the broker
    ///    answers `OFFSET_OUT_OF_RANGE` (a position in `(HW, LEO]` is valid on
    ///    the broker but kplay's consumer never gets there) → apply `reset`.
    ///
    /// `reset = None` returns the Java exceptions' errors. The number of
    /// offsets jumped over is reported in [`PositionResolution::skipped`].
    pub fn ensure_valid_position(
        &mut self,
        tp: &TopicPartition,
        log: &Log,
        reset: AutoOffsetReset,
    ) -> Result<PositionResolution, CommitError> {
        let start = log.log_start_offset();
        let hw = log.high_watermark();
        let cur = self.get(tp);
        let (candidate, from_committed) = match (cur.position, cur.committed) {
            (Some(p), _) => (Some(p), false),
            (None, Some(c)) => (Some(c), true),
            (None, None) => (None, false),
        };
        let resolution = match candidate {
            Some(p) if p >= start && p <= log.log_end_offset() => PositionResolution {
                position: p,
                source: if from_committed {
                    PositionSource::Committed
                } else {
                    PositionSource::Unchanged
                },
                previous: None,
                skipped: 0,
            },
            Some(p) => {
                let to = match reset {
                    AutoOffsetReset::Earliest => start,
                    AutoOffsetReset::Latest => hw,
                    AutoOffsetReset::None => {
                        return Err(CommitError::OffsetOutOfRange {
                            partition: tp.clone(),
                            requested: p,
                            log_start: start,
                            high_watermark: hw,
                        })
                    }
                };
                PositionResolution {
                    position: to,
                    source: PositionSource::OutOfRange,
                    previous: Some(p),
                    skipped: (to - p).max(0),
                }
            }
            None => {
                let to = match reset {
                    AutoOffsetReset::Earliest => start,
                    AutoOffsetReset::Latest => hw,
                    AutoOffsetReset::None => {
                        return Err(CommitError::NoOffsetForPartition {
                            partition: tp.clone(),
                        })
                    }
                };
                PositionResolution {
                    position: to,
                    source: PositionSource::NoCommittedOffset,
                    previous: None,
                    skipped: 0,
                }
            }
        };
        if resolution.source != PositionSource::Unchanged {
            self.partitions.entry(tp.clone()).or_default().position = Some(resolution.position);
            self.debug_check_invariants();
        }
        Ok(resolution)
    }

    /// Checks the invariants (debug builds only).
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        for (tp, o) in &self.partitions {
            assert!(o.position.is_none_or(|p| p >= 0), "{tp}: negative position");
            assert!(
                o.committed.is_none_or(|c| c >= 0),
                "{tp}: negative committed offset"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::LogConfig;
    use crate::record::RecordInput;

    fn log_with(n: usize, segment_records: usize) -> Log {
        let one = crate::record::batch_size_in_bytes(&[RecordInput::new(None, Some(b"vv"), 0)]);
        let mut log = Log::new(
            LogConfig {
                segment_bytes: (one as usize * segment_records) as i32,
                ..LogConfig::default()
            },
            0,
        );
        for _ in 0..n {
            log.append(RecordInput::new(None, Some(b"vv"), 0), 0)
                .unwrap();
        }
        log.advance_high_watermark(n as i64).unwrap();
        log
    }

    fn tp() -> TopicPartition {
        TopicPartition::new("orders", 0)
    }

    #[test]
    fn position_and_committed_are_kept_apart_and_a_crash_keeps_only_committed() {
        let mut g = GroupOffsets::new("g");
        g.seek(&tp(), 7).unwrap();
        g.commit(&tp(), 4, 100).unwrap();
        assert_eq!(g.position(&tp()), Some(7));
        assert_eq!(g.committed(&tp()), Some(4));
        g.forget_positions();
        assert_eq!(g.position(&tp()), None);
        let log = log_with(10, 100);
        let r = g
            .ensure_valid_position(&tp(), &log, AutoOffsetReset::Latest)
            .unwrap();
        assert_eq!((r.position, r.source), (4, PositionSource::Committed));
    }

    #[test]
    fn negative_offsets_are_rejected() {
        let mut g = GroupOffsets::new("g");
        assert!(matches!(
            g.commit(&tp(), -1, 0),
            Err(CommitError::InvalidOffset { offset: -1, .. })
        ));
        assert!(g.seek(&tp(), -5).is_err());
    }

    #[test]
    fn retention_below_position_follows_auto_offset_reset() {
        // 20 records, segments of 5: delete the two oldest → log start 10.
        let mut log = log_with(20, 5);
        log.delete_oldest_segments(2, 0);
        assert_eq!(log.log_start_offset(), 10);
        for (reset, expect) in [
            (AutoOffsetReset::Earliest, 10),
            (AutoOffsetReset::Latest, 20),
        ] {
            let mut g = GroupOffsets::new("g");
            g.commit(&tp(), 3, 0).unwrap();
            let r = g.ensure_valid_position(&tp(), &log, reset).unwrap();
            assert_eq!(r.source, PositionSource::OutOfRange);
            assert_eq!(r.position, expect);
            assert_eq!(
                r.skipped,
                expect - 3,
                "records 3..{expect} are never consumed"
            );
        }
        let mut g = GroupOffsets::new("g");
        g.commit(&tp(), 3, 0).unwrap();
        let err = g
            .ensure_valid_position(&tp(), &log, AutoOffsetReset::None)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Fetch position FetchPosition{offset=3} is out of range for partition orders-0 (log start 10, high watermark 20)"
        );
    }

    #[test]
    fn no_committed_offset_uses_the_reset_policy() {
        let mut log = log_with(20, 5);
        log.delete_oldest_segments(1, 0);
        let mut g = GroupOffsets::new("g");
        let r = g
            .ensure_valid_position(&tp(), &log, AutoOffsetReset::Earliest)
            .unwrap();
        assert_eq!(
            (r.position, r.source, r.skipped),
            (5, PositionSource::NoCommittedOffset, 0)
        );
        let mut g = GroupOffsets::new("g");
        assert_eq!(
            g.ensure_valid_position(&tp(), &log, AutoOffsetReset::Latest)
                .unwrap()
                .position,
            20
        );
        let mut g = GroupOffsets::new("g");
        assert_eq!(
            g.ensure_valid_position(&tp(), &log, AutoOffsetReset::None)
                .unwrap_err()
                .to_string(),
            "Undefined offset with no reset policy for partitions: [orders-0]"
        );
    }

    #[test]
    fn auto_offset_reset_parses_kafka_and_librdkafka_names() {
        assert_eq!(
            "smallest".parse::<AutoOffsetReset>(),
            Ok(AutoOffsetReset::Earliest)
        );
        assert_eq!(
            "latest".parse::<AutoOffsetReset>(),
            Ok(AutoOffsetReset::Latest)
        );
        assert_eq!(
            "error".parse::<AutoOffsetReset>(),
            Ok(AutoOffsetReset::None)
        );
        assert!("oldest".parse::<AutoOffsetReset>().is_err());
    }
}
