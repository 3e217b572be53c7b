//! The log cleaner: compaction of `cleanup.policy=compact` topics.
//!
//! This is Kafka's `LogCleaner` / `LogCleanerManager`
//! (`core/src/main/scala/kafka/log/LogCleaner.scala`, `LogCleanerManager.scala`)
//! and the record filter of `MemoryRecords.filterTo`, run as explicit steps on
//! the simulated clock.
//!
//! ## Which part of a log is cleaned
//!
//! A log is split by two offsets:
//!
//! * the **first dirty offset** — the cleaner checkpoint kept per partition
//!   ([`Log::cleaner_checkpoint`]); the log start offset if there is none, or
//!   if the checkpoint lies below the log start or above the log end offset
//!   (`LogCleanerManager.cleanableOffsets`);
//! * the **first uncleanable offset** — the smallest of the last stable offset
//!   (the high watermark, or the first offset of a still-open transaction), the
//!   base offset of the active segment, and the base offset of the first dirty
//!   segment whose largest timestamp is newer than `now − min.compaction.lag.ms`;
//!   then rounded *down* to the base offset of the segment that contains it
//!   (`LogCleanerManager.calculateCleanableBytes`). The active segment is never
//!   cleaned.
//!
//! `clean bytes` are the sizes of the segments below the first dirty offset,
//! `cleanable bytes` those of the segments from the one holding the first dirty
//! offset up to the first uncleanable offset, and the **dirty ratio** is
//! `cleanable / (clean + cleanable)`. The cleaner thread picks a log only if
//! `ratio > min.cleanable.dirty.ratio` (strictly greater, as in
//! `grabFilthiestCompactedLog`), or if `max.compaction.lag.ms` has passed since
//! the first batch of its oldest dirty segment and there are cleanable bytes.
//! Among eligible logs the highest ratio wins. Logs with no bytes are skipped.
//!
//! ## One cleaning pass ([`clean`])
//!
//! 1. **Offset map** over `[first dirty, first uncleanable)`: for every record
//!    with a key in a non-control batch that is not part of an aborted
//!    transaction, `map[key] = offset` (later offsets win; tombstones too). The
//!    map holds at most `log.cleaner.dedupe.buffer.size / 24 × load factor`
//!    keys (`SkimpyOffsetMap`: a 16-byte MD5 plus an 8-byte offset per slot;
//!    kplay uses exact keys, so there are no hash collisions); when it is full
//!    the pass ends early and cleans only what was mapped.
//! 2. **Recopy** every segment from the log start up to the end of the mapped
//!    range (the clean head too), in groups whose total size is at most
//!    `segment.bytes` (`groupSegmentsBySize`), so small cleaned segments merge.
//!    A record is kept iff no newer record with its key was mapped, and it has a
//!    value or is a tombstone whose batch has no delete horizon yet or
//!    `now < horizon`. Records without a key are dropped. Records past the
//!    mapped range are kept. Aborted transactional batches are dropped whole;
//!    commit/abort markers are kept while their transaction still has batches
//!    in the log, then get a delete horizon and are dropped by a later pass.
//! 3. **Batches**: a batch emptied by the filter disappears, except the last
//!    batch of a still-active producer (kept *empty* to preserve its sequence
//!    numbers) and the batch that ends right at the first uncleanable offset
//!    (kept empty so that the last offset is not lost).
//! 4. **Tombstones** (KIP-534): the first pass that recopies a batch holding a
//!    tombstone (or a discardable marker) stamps `delete horizon = now +
//!    delete.retention.ms` on it ([`crate::log::BatchInfo::delete_horizon_ms`]);
//!    a later pass at `now ≥ horizon` drops it. There is no separate trigger:
//!    tombstones leave only when the partition is cleaned again.
//! 5. **Offsets never change.** Removed records leave gaps; a fetch at a removed
//!    offset returns the next record that exists.
//!
//! The checkpoint then moves to the end of the mapped range. Each pass returns a
//! [`CleanReport`] with the removed offsets, so a UI can show what disappeared.
//!
//! ## Transactions
//!
//! Kafka keeps an aborted-transaction index per segment; kplay derives it from
//! the log ([`TransactionIndex::scan`]): a transactional data batch opens a
//! transaction for its producer, and a control batch (key `{version: int16,
//! type: int16}`, `ABORT` = 0, `COMMIT` = 1, `ControlRecordType`) closes it.
//! Producer state (`lastRecordsOfActiveProducers`) is derived the same way; all
//! producers seen in the log count as active (no `producer.id.expiration.ms`).
//!
//! ## Simplifications
//!
//! * Exact keys instead of MD5 hashes in the offset map (no collisions).
//! * Segment grouping ignores index sizes and the 2³¹ relative-offset limit.
//! * A cleaned segment keeps the creation time of the last segment of its group
//!   (Kafka copies the last segment's modification time).

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::clock::Millis;
use crate::config::TopicConfig;
use crate::log::{BatchInfo, Log, RecordView, Segment};
use crate::retention::{self, RetentionReport};
use crate::topic::Topic;

/// `log.cleaner.dedupe.buffer.size` default: 128 MiB.
pub const DEFAULT_DEDUPE_BUFFER_SIZE: i64 = 134_217_728;
/// `log.cleaner.io.buffer.load.factor` default.
pub const DEFAULT_IO_BUFFER_LOAD_FACTOR: f64 = 0.9;
/// `log.cleaner.backoff.ms` default: how long the cleaner thread sleeps when
/// no log needs cleaning.
pub const DEFAULT_BACKOFF_MS: i64 = 15_000;
/// Bytes per offset-map slot in `SkimpyOffsetMap`: a 16-byte MD5 hash plus an
/// 8-byte offset.
pub const OFFSET_MAP_BYTES_PER_ENTRY: i64 = 24;

/// Broker-side cleaner settings (`KafkaConfig` / `CleanerConfig`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CleanerConfig {
    /// `log.cleaner.dedupe.buffer.size` (default 134217728): memory for the
    /// offset maps of all cleaner threads.
    pub dedupe_buffer_size: i64,
    /// `log.cleaner.io.buffer.load.factor` (default 0.9): how full an offset
    /// map may get before a pass stops mapping.
    pub io_buffer_load_factor: f64,
    /// `log.cleaner.threads` (default 1): the dedupe buffer is split between them.
    pub threads: i32,
    /// `log.cleaner.backoff.ms` (default 15000).
    pub backoff_ms: i64,
}

impl Default for CleanerConfig {
    fn default() -> Self {
        Self {
            dedupe_buffer_size: DEFAULT_DEDUPE_BUFFER_SIZE,
            io_buffer_load_factor: DEFAULT_IO_BUFFER_LOAD_FACTOR,
            threads: 1,
            backoff_ms: DEFAULT_BACKOFF_MS,
        }
    }
}

impl CleanerConfig {
    /// Number of offset-map slots of one cleaner thread:
    /// `min(dedupe.buffer.size / threads, Int.MaxValue) / 24`.
    pub fn offset_map_slots(&self) -> Result<i64, CleanError> {
        self.validate()?;
        let memory = (self.dedupe_buffer_size / i64::from(self.threads)).min(i64::from(i32::MAX));
        Ok(memory / OFFSET_MAP_BYTES_PER_ENTRY)
    }

    /// How many keys one pass may map (`(slots × load factor).toInt`).
    ///
    /// Errors like Kafka's `Cleaner` constructor when that is not more than one:
    /// "offset map is too small to fit in even a single message".
    pub fn max_offset_map_entries(&self) -> Result<usize, CleanError> {
        let slots = self.offset_map_slots()?;
        let desired = slots as f64 * self.io_buffer_load_factor;
        if desired <= 1.0 {
            return Err(CleanError::OffsetMapTooSmall {
                slots,
                load_factor: self.io_buffer_load_factor,
            });
        }
        Ok(desired as usize)
    }

    /// Validates the settings (`ConfigException` wording).
    pub fn validate(&self) -> Result<(), CleanError> {
        let bad = |name: &str, value: String, reason: &str| CleanError::InvalidConfig {
            name: name.to_owned(),
            value,
            reason: reason.to_owned(),
        };
        if self.threads < 1 {
            return Err(bad(
                "log.cleaner.threads",
                self.threads.to_string(),
                "Value must be at least 1",
            ));
        }
        if self.dedupe_buffer_size < 0 {
            return Err(bad(
                "log.cleaner.dedupe.buffer.size",
                self.dedupe_buffer_size.to_string(),
                "Value must be at least 0",
            ));
        }
        if !(self.io_buffer_load_factor > 0.0 && self.io_buffer_load_factor <= 1.0) {
            return Err(bad(
                "log.cleaner.io.buffer.load.factor",
                self.io_buffer_load_factor.to_string(),
                "Value must be in (0.0, 1.0]",
            ));
        }
        if self.backoff_ms < 0 {
            return Err(bad(
                "log.cleaner.backoff.ms",
                self.backoff_ms.to_string(),
                "Value must be at least 0",
            ));
        }
        Ok(())
    }
}

/// Errors from a cleaning step.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CleanError {
    /// The topic is not compacted; the cleaner only picks logs whose
    /// `cleanup.policy` contains `compact`.
    #[error("The log cleaner only cleans compacted topics, but cleanup.policy={policy}")]
    NotCompacted {
        /// The topic's `cleanup.policy`.
        policy: String,
    },
    /// There is no dirty, cleanable segment (Kafka never cleans an empty range).
    #[error("Nothing to clean: the first dirty offset {first_dirty_offset} is not below the first uncleanable offset {first_uncleanable_offset} (the active segment, the last stable offset and min.compaction.lag.ms bound the cleanable range)")]
    NothingToClean {
        /// The first dirty offset.
        first_dirty_offset: i64,
        /// The first uncleanable offset.
        first_uncleanable_offset: i64,
    },
    /// `Cleaner`'s `require`: the offset map cannot hold even one key.
    #[error("offset map is too small to fit in even a single message, so log cleaning will never make progress. You can increase log.cleaner.dedupe.buffer.size or decrease log.cleaner.threads ({slots} slots, load factor {load_factor})")]
    OffsetMapTooSmall {
        /// Slots of the offset map.
        slots: i64,
        /// `log.cleaner.io.buffer.load.factor`.
        load_factor: f64,
    },
    /// The first dirty batch holds more keys than the offset map can take, so
    /// the pass cannot make progress.
    #[error("The offset map (at most {max_entries} keys) filled up inside the first dirty batch at offset {first_dirty_offset}; increase log.cleaner.dedupe.buffer.size")]
    OffsetMapFullAtFirstBatch {
        /// Keys the map may hold.
        max_entries: usize,
        /// The first dirty offset.
        first_dirty_offset: i64,
    },
    /// `ConfigException` for a broker cleaner setting.
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    InvalidConfig {
        /// Config name.
        name: String,
        /// Value given.
        value: String,
        /// Why.
        reason: String,
    },
    /// The log refused the cleaned segments (an internal consistency failure).
    #[error("KAFKA_STORAGE_ERROR: the cleaned segments from offset {base_offset} could not replace the originals")]
    SegmentSwapRejected {
        /// Base offset of the first replaced segment.
        base_offset: i64,
    },
}

// ---------------------------------------------------------------------------------------------
// Control records and the transaction index
// ---------------------------------------------------------------------------------------------

/// The type of a control record (`ControlRecordType`), read from the record's
/// key `{version: int16, type: int16}` (big-endian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ControlRecordType {
    /// `ABORT` (type 0): the producer's transaction was aborted.
    Abort,
    /// `COMMIT` (type 1): the producer's transaction was committed.
    Commit,
    /// Any other type (e.g. 2 = `LEADER_CHANGE`), or a key that does not parse.
    Unknown,
}

impl ControlRecordType {
    /// Parses a control record key (`ControlRecordType.parse`). Keys shorter than
    /// four bytes or with a negative version are `Unknown`.
    pub fn parse(key: Option<&[u8]>) -> Self {
        match key {
            Some([v0, v1, t0, t1, ..]) if i16::from_be_bytes([*v0, *v1]) >= 0 => {
                match i16::from_be_bytes([*t0, *t1]) {
                    0 => Self::Abort,
                    1 => Self::Commit,
                    _ => Self::Unknown,
                }
            }
            _ => Self::Unknown,
        }
    }

    /// The key bytes of a version-0 control record of this type.
    pub fn key(self) -> [u8; 4] {
        match self {
            Self::Abort => [0, 0, 0, 0],
            Self::Commit => [0, 0, 0, 1],
            Self::Unknown => [0, 0, 0xff, 0xff],
        }
    }

    /// The value of an end-transaction marker (`EndTransactionMarker`:
    /// version int16 = 0, coordinator epoch int32).
    pub fn end_txn_marker_value(coordinator_epoch: i32) -> [u8; 6] {
        let e = coordinator_epoch.to_be_bytes();
        [0, 0, e[0], e[1], e[2], e[3]]
    }
}

/// An aborted transaction (`AbortedTxn`): its producer, first offset, and the
/// offset of its `ABORT` marker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AbortedTxn {
    /// Producer id.
    pub producer_id: i64,
    /// First offset of the transaction's data.
    pub first_offset: i64,
    /// Offset of the `ABORT` marker.
    pub last_offset: i64,
}

/// The last record of a producer (`LastRecord`): the last offset of its last
/// data batch (if any) and its epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastRecord {
    /// Last offset of the producer's last data batch, `None` if only markers remain.
    pub last_data_offset: Option<i64>,
    /// The producer's latest epoch.
    pub producer_epoch: i16,
}

/// Transaction state derived from a log: aborted transactions (Kafka's
/// `.txnindex`), open transactions (which bound the last stable offset) and
/// each producer's last record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionIndex {
    /// Aborted transactions ordered by first offset.
    pub aborted: Vec<AbortedTxn>,
    /// First offset of the earliest transaction that has no marker yet.
    pub first_unstable_offset: Option<i64>,
    /// Per producer id, its last record.
    pub producers: HashMap<i64, LastRecord>,
}

impl TransactionIndex {
    /// Scans the log's batches once (control records are read by seeking).
    pub fn scan(log: &Log) -> Self {
        let mut idx = Self::default();
        let mut open: HashMap<i64, i64> = HashMap::new();
        for seg in log.segments() {
            for b in seg.batches() {
                let a = b.attributes;
                if a.producer_id < 0 {
                    continue;
                }
                let entry = idx.producers.entry(a.producer_id).or_insert(LastRecord {
                    last_data_offset: None,
                    producer_epoch: a.producer_epoch,
                });
                entry.producer_epoch = a.producer_epoch;
                if a.is_control {
                    let kind = control_type_of(seg, b);
                    let first = open.remove(&a.producer_id);
                    if kind == Some(ControlRecordType::Abort) {
                        // Once the cleaner removed all data of an aborted
                        // transaction, the entry starts at its marker (Kafka's
                        // index keeps the original first offset; the cleaner
                        // treats both the same way).
                        idx.aborted.push(AbortedTxn {
                            producer_id: a.producer_id,
                            first_offset: first.unwrap_or(b.base_offset),
                            last_offset: b.last_offset,
                        });
                    }
                } else {
                    entry.last_data_offset = Some(b.last_offset);
                    if a.is_transactional {
                        open.entry(a.producer_id).or_insert(b.base_offset);
                    }
                }
            }
        }
        crate::sort::sort_by_key(&mut idx.aborted, |t| t.first_offset);
        idx.first_unstable_offset = open.values().copied().min();
        idx
    }

    /// `UnifiedLog.lastStableOffset`: the high watermark, or the first offset of
    /// an open transaction if that is lower.
    pub fn last_stable_offset(&self, log: &Log) -> i64 {
        self.first_unstable_offset
            .map_or(log.high_watermark(), |f| f.min(log.high_watermark()))
    }

    /// Aborted transactions overlapping `[start, upper)` (`collectAbortedTransactions`).
    fn collect(&self, start: i64, upper: i64) -> Vec<AbortedTxn> {
        self.aborted
            .iter()
            .filter(|t| t.last_offset >= start && t.first_offset < upper)
            .copied()
            .collect()
    }
}

/// The control type of a control batch; `None` for an empty (already cleaned) one.
fn control_type_of(seg: &Segment, b: &BatchInfo) -> Option<ControlRecordType> {
    seg.records_from(b.base_offset)
        .next()
        .filter(|r| r.offset <= b.last_offset)
        .map(|r| ControlRecordType::parse(r.key))
}

/// `CleanedTransactionMetadata`: tracks which transactions are ongoing while
/// batches are read in offset order.
#[derive(Debug, Default)]
struct TxnMeta {
    pending: Vec<AbortedTxn>,
    next: usize,
    ongoing_committed: HashSet<i64>,
    /// producer id → last observed batch offset of its aborted transaction.
    ongoing_aborted: HashMap<i64, Option<i64>>,
}

impl TxnMeta {
    fn new(mut aborted: Vec<AbortedTxn>) -> Self {
        crate::sort::sort_by_key(&mut aborted, |t| t.first_offset);
        Self {
            pending: aborted,
            ..Self::default()
        }
    }

    fn consume_up_to(&mut self, offset: i64) {
        while let Some(t) = self.pending.get(self.next) {
            if t.first_offset > offset {
                break;
            }
            self.ongoing_aborted.entry(t.producer_id).or_insert(None);
            self.next += 1;
        }
    }

    /// `onControlBatchRead`: whether the marker may be discarded.
    fn on_control(&mut self, b: &BatchInfo, kind: Option<ControlRecordType>) -> bool {
        self.consume_up_to(b.last_offset);
        let pid = b.attributes.producer_id;
        match kind {
            // An empty control batch was already cleaned: safe to discard.
            None => true,
            Some(ControlRecordType::Abort) => {
                !matches!(self.ongoing_aborted.remove(&pid), Some(Some(_)))
            }
            Some(ControlRecordType::Commit) => !self.ongoing_committed.remove(&pid),
            Some(ControlRecordType::Unknown) => false,
        }
    }

    /// `onBatchRead`: whether the data batch belongs to an aborted transaction.
    fn on_batch(&mut self, b: &BatchInfo) -> bool {
        self.consume_up_to(b.last_offset);
        if !b.attributes.is_transactional {
            return false;
        }
        let pid = b.attributes.producer_id;
        if let Some(last) = self.ongoing_aborted.get_mut(&pid) {
            *last = Some(b.last_offset);
            true
        } else {
            self.ongoing_committed.insert(pid);
            false
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Which logs to clean
// ---------------------------------------------------------------------------------------------

/// Why a log is eligible for cleaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CleanTrigger {
    /// `dirty ratio > min.cleanable.dirty.ratio`.
    DirtyRatio,
    /// `max.compaction.lag.ms` passed since the oldest dirty segment's first
    /// batch, and there are cleanable bytes.
    MaxCompactionLag,
}

/// `LogToClean`: the cleaner's view of one log at `now`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LogToClean {
    /// First dirty offset (the checkpoint, or the log start offset).
    pub first_dirty_offset: i64,
    /// First uncleanable offset, a segment base offset.
    pub first_uncleanable_offset: i64,
    /// Whether the stored checkpoint was out of range and reset to the log start
    /// (`forceUpdateCheckpoint`).
    pub checkpoint_reset: bool,
    /// The last stable offset used.
    pub last_stable_offset: i64,
    /// Bytes of the segments below the first dirty offset.
    pub clean_bytes: u64,
    /// Bytes of the segments from the first dirty offset to the first uncleanable offset.
    pub cleanable_bytes: u64,
    /// `clean_bytes + cleanable_bytes`.
    pub total_bytes: u64,
    /// `cleanable_bytes / total_bytes` (0 when the log has no bytes; Kafka skips such logs).
    pub cleanable_ratio: f64,
    /// `min.cleanable.dirty.ratio` it is compared with.
    pub min_cleanable_ratio: f64,
    /// `LogCleanerManager.maxCompactionDelay`: how long past `max.compaction.lag.ms`
    /// the oldest dirty segment is (0 when not past).
    pub max_compaction_delay_ms: i64,
    /// Why the cleaner thread would pick this log, `None` if it would not.
    pub trigger: Option<CleanTrigger>,
}

impl LogToClean {
    /// Whether the cleaner thread would clean this log now.
    pub fn is_eligible(&self) -> bool {
        self.trigger.is_some()
    }
}

/// `LogSegment.largestTimestamp`: the largest record timestamp, or the file's
/// modification time (modelled by the creation time) when it holds no records.
pub(crate) fn largest_timestamp(seg: &Segment) -> Millis {
    seg.max_timestamp().unwrap_or(seg.created_ms())
}

/// Index of the segment containing `offset` (the floor segment), or 0.
fn floor_segment(log: &Log, offset: i64) -> usize {
    log.segments()
        .partition_point(|s| s.base_offset() <= offset)
        .saturating_sub(1)
}

/// Assesses a log like `LogCleanerManager.cleanableOffsets` + `LogToClean` +
/// the eligibility filter of `grabFilthiestCompactedLog`. Pure: the log is not
/// changed (a checkpoint reset is only reported).
pub fn assess(log: &Log, config: &TopicConfig, now: Millis) -> LogToClean {
    let txns = TransactionIndex::scan(log);
    assess_with(log, config, &txns, now)
}

fn assess_with(
    log: &Log,
    config: &TopicConfig,
    txns: &TransactionIndex,
    now: Millis,
) -> LogToClean {
    let segs = log.segments();
    let active = log.active_segment();
    let log_start = log.log_start_offset();
    let checkpoint = log.cleaner_checkpoint().unwrap_or(log_start);
    let (first_dirty, checkpoint_reset) =
        if checkpoint < log_start || checkpoint > log.log_end_offset() {
            (log_start, true)
        } else {
            (checkpoint, false)
        };
    let lso = txns.last_stable_offset(log);
    let first_dirty_seg = floor_segment(log, first_dirty);
    let non_active_dirty = segs
        .get(first_dirty_seg..segs.len().saturating_sub(1))
        .unwrap_or_default();
    let min_lag = config.min_compaction_lag_ms.max(0);
    let lag_bound = (min_lag > 0)
        .then(|| {
            non_active_dirty
                .iter()
                .find(|s| largest_timestamp(s) > now.saturating_sub(min_lag))
                .map(Segment::base_offset)
        })
        .flatten();
    let uncleanable = [Some(lso), Some(active.base_offset()), lag_bound]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(active.base_offset())
        .max(first_dirty);
    // calculateCleanableBytes: round down to the base of the first non-active
    // segment from `uncleanable` on, or the active segment.
    let unc_seg = floor_segment(log, uncleanable);
    let first_uncleanable = if unc_seg + 1 < segs.len() {
        segs[unc_seg].base_offset()
    } else {
        active.base_offset()
    };
    let clean_bytes: u64 = segs
        .iter()
        .take_while(|s| s.base_offset() < first_dirty)
        .map(Segment::size_in_bytes)
        .sum();
    let from = first_dirty.min(first_uncleanable);
    let cleanable_bytes: u64 = segs
        .get(floor_segment(log, from)..)
        .unwrap_or_default()
        .iter()
        .take_while(|s| s.base_offset() < first_uncleanable)
        .map(Segment::size_in_bytes)
        .sum();
    let total_bytes = clean_bytes + cleanable_bytes;
    let cleanable_ratio = if total_bytes == 0 {
        0.0
    } else {
        cleanable_bytes as f64 / total_bytes as f64
    };
    // maxCompactionDelay: first-batch timestamps > 0 only (Kafka filters out
    // NO_TIMESTAMP this way, so a timestamp of 0 is ignored too).
    let earliest = non_active_dirty
        .iter()
        .filter_map(Segment::first_batch_timestamp)
        .filter(|&t| t > 0)
        .min()
        .unwrap_or(Millis::MAX);
    let clean_until = now.saturating_sub(config.max_compaction_lag_ms.max(0));
    let max_compaction_delay_ms = if earliest < clean_until {
        clean_until.saturating_sub(earliest)
    } else {
        0
    };
    let trigger = if total_bytes == 0 {
        None
    } else if cleanable_ratio > config.min_cleanable_dirty_ratio {
        Some(CleanTrigger::DirtyRatio)
    } else if max_compaction_delay_ms > 0 && cleanable_bytes > 0 {
        Some(CleanTrigger::MaxCompactionLag)
    } else {
        None
    };
    LogToClean {
        first_dirty_offset: first_dirty,
        first_uncleanable_offset: first_uncleanable,
        checkpoint_reset,
        last_stable_offset: lso,
        clean_bytes,
        cleanable_bytes,
        total_bytes,
        cleanable_ratio,
        min_cleanable_ratio: config.min_cleanable_dirty_ratio,
        max_compaction_delay_ms,
        trigger,
    }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

/// Why the cleaner removed a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum RemovalReason {
    /// A newer record with the same key exists.
    Superseded,
    /// A tombstone whose batch's delete horizon has passed.
    TombstoneExpired,
    /// A record without a key (counted by Kafka as an "invalid message").
    NoKey,
    /// A record of an aborted transaction.
    AbortedTransaction,
    /// A commit/abort marker whose transaction has no batches left and whose
    /// delete horizon has passed.
    TransactionMarkerExpired,
}

/// One record removed by a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RemovedRecord {
    /// Its offset (offsets are never reused; this one becomes a gap).
    pub offset: i64,
    /// Why it went.
    pub reason: RemovalReason,
}

/// A segment before or after a pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SegmentSpan {
    /// Base offset.
    pub base_offset: i64,
    /// One past the last offset covered.
    pub next_offset: i64,
    /// Size in bytes.
    pub size_in_bytes: u64,
    /// Records stored.
    pub record_count: usize,
}

impl SegmentSpan {
    fn of(s: &Segment) -> Self {
        Self {
            base_offset: s.base_offset(),
            next_offset: s.next_offset(),
            size_in_bytes: s.size_in_bytes(),
            record_count: s.record_count(),
        }
    }
}

/// What one cleaning pass did (Kafka's `CleanerStats` plus what a UI needs).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CleanReport {
    /// When the pass ran.
    pub now: Millis,
    /// The assessment the pass started from (dirty ratio before, trigger, …).
    pub before: LogToClean,
    /// End of the mapped range: the new cleaner checkpoint.
    pub end_offset: i64,
    /// The offset map filled up, so only `[first dirty, end_offset)` was cleaned.
    pub offset_map_full: bool,
    /// Records read to build the offset map.
    pub map_records_read: u64,
    /// Distinct keys in the offset map.
    pub keys_mapped: usize,
    /// The segments recopied, before the pass.
    pub segments_before: Vec<SegmentSpan>,
    /// The cleaned segments that replaced them (one per size group).
    pub segments_after: Vec<SegmentSpan>,
    /// Records in the recopied segments before the pass (`messagesRead`).
    pub records_before: u64,
    /// Records kept (`messagesWritten`).
    pub records_after: u64,
    /// Bytes of the recopied segments before (`bytesRead`).
    pub bytes_before: u64,
    /// Bytes of the cleaned segments (`bytesWritten`).
    pub bytes_after: u64,
    /// Distinct keys among the kept data records of the recopied segments.
    pub keys_kept: usize,
    /// Tombstones still in the recopied segments after the pass.
    pub tombstones_kept: usize,
    /// Tombstones removed (expired or superseded).
    pub tombstones_removed: usize,
    /// Batches that got a delete horizon in this pass.
    pub delete_horizons_set: usize,
    /// Batches kept although empty (producer state / last batch of the round).
    pub empty_batches_retained: usize,
    /// Every removed record, in offset order.
    pub removed: Vec<RemovedRecord>,
    /// The dirty ratio after the pass.
    pub dirty_ratio_after: f64,
}

impl CleanReport {
    /// Number of segments recopied.
    pub fn segments_cleaned(&self) -> usize {
        self.segments_before.len()
    }

    /// Checks the report's invariants (debug builds only): kept + removed =
    /// read, removed offsets strictly increase, the checkpoint does not pass
    /// the first uncleanable offset, sizes do not grow.
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            assert_eq!(
                self.records_before,
                self.records_after + self.removed.len() as u64
            );
            assert!(self.removed.windows(2).all(|w| w[0].offset < w[1].offset));
            assert!(self.end_offset <= self.before.first_uncleanable_offset);
            assert!(self.end_offset > self.before.first_dirty_offset);
            assert!(self.records_after <= self.records_before);
            assert_eq!(
                self.segments_before.first().map(|s| s.base_offset),
                self.segments_after.first().map(|s| s.base_offset)
            );
            assert_eq!(
                self.segments_before.last().map(|s| s.next_offset),
                self.segments_after.last().map(|s| s.next_offset)
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Cleaning
// ---------------------------------------------------------------------------------------------

/// A fast non-cryptographic hasher for the offset map (the FxHash mix).
#[derive(Default)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut v = [0u8; 8];
            v.copy_from_slice(c);
            self.add(u64::from_le_bytes(v));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut v = [0u8; 8];
            for (d, s) in v.iter_mut().zip(rest) {
                *d = *s;
            }
            self.add(u64::from_le_bytes(v));
        }
    }
    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    /// The raw FxHash state is a poor bucket index: its last step is a
    /// multiply, so low output bits depend only on low input bits, and keys
    /// that differ only in their last bytes (`key-00000` … `key-09999`) fall
    /// into 32 distinct values of the low 14 bits. hashbrown picks buckets
    /// from the low bits, so 10k such keys piled into a few probe chains and
    /// most of a pass went to `HashMap::insert` and key comparisons (far worse
    /// in wasm, without SIMD probing). murmur3's 64-bit finaliser spreads them
    /// (≈ 7.4k distinct buckets for 10k keys). Results do not change: the maps
    /// only answer `get`, `insert` and `len`.
    #[inline]
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

type OffsetMap<'a> = HashMap<&'a [u8], i64, BuildHasherDefault<FxHasher>>;

/// Walks a segment batch by batch, handing each batch with its stored records.
fn for_each_batch<'a>(seg: &'a Segment, mut f: impl FnMut(&BatchInfo, &[RecordView<'a>]) -> bool) {
    let mut recs = seg.records().peekable();
    let mut buf: Vec<RecordView<'a>> = Vec::new();
    for b in seg.batches() {
        buf.clear();
        while let Some(r) = recs.next_if(|r| r.offset <= b.last_offset) {
            buf.push(r);
        }
        if !f(b, &buf) {
            return;
        }
    }
}

/// `groupSegmentsBySize`: consecutive segments whose total (pre-clean) size is
/// at most `max_size`; each group becomes one cleaned segment.
pub fn group_segments_by_size(sizes: &[u64], max_size: i64) -> Vec<std::ops::Range<usize>> {
    let max = u64::try_from(max_size).unwrap_or(0);
    let mut groups = Vec::new();
    let mut i = 0;
    while i < sizes.len() {
        let start = i;
        let mut total = sizes[i];
        i += 1;
        while i < sizes.len() && total + sizes[i] <= max {
            total += sizes[i];
            i += 1;
        }
        groups.push(start..i);
    }
    groups
}

/// Cleans one partition now with the default broker cleaner settings.
/// See [`clean_with`].
pub fn clean(log: &mut Log, config: &TopicConfig, now: Millis) -> Result<CleanReport, CleanError> {
    clean_with(log, config, &CleanerConfig::default(), now)
}

/// Cleans the log if the cleaner thread would pick it now (see [`assess`]);
/// `Ok(None)` if it is not eligible.
pub fn clean_if_eligible(
    log: &mut Log,
    config: &TopicConfig,
    cleaner: &CleanerConfig,
    now: Millis,
) -> Result<Option<CleanReport>, CleanError> {
    if !config.cleanup_policy.compact || !assess(log, config, now).is_eligible() {
        return Ok(None);
    }
    clean_with(log, config, cleaner, now).map(Some)
}

/// One cleaning pass over `log` at `now` (`Cleaner.doClean`), whether or not
/// the dirty ratio has reached `min.cleanable.dirty.ratio` — the report's
/// `before.trigger` says whether Kafka's cleaner thread would have picked it.
///
/// Errors: the topic is not compacted; there is no cleanable range; the offset
/// map is too small for the cleaner settings.
pub fn clean_with(
    log: &mut Log,
    config: &TopicConfig,
    cleaner: &CleanerConfig,
    now: Millis,
) -> Result<CleanReport, CleanError> {
    if !config.cleanup_policy.compact {
        return Err(CleanError::NotCompacted {
            policy: config.cleanup_policy.to_string(),
        });
    }
    let max_entries = cleaner.max_offset_map_entries()?;
    let txns = TransactionIndex::scan(log);
    let before = assess_with(log, config, &txns, now);
    let first_dirty = before.first_dirty_offset;
    let first_uncleanable = before.first_uncleanable_offset;
    if first_dirty >= first_uncleanable {
        return Err(CleanError::NothingToClean {
            first_dirty_offset: first_dirty,
            first_uncleanable_offset: first_uncleanable,
        });
    }
    let pass = build_and_recopy(log, config, &txns, &before, max_entries, now)?;
    let (replacement, mut report) = pass;
    let recopied = report.segments_before.len();
    if !log.replace_segments(0, recopied, replacement) {
        return Err(CleanError::SegmentSwapRejected {
            base_offset: report.segments_before.first().map_or(0, |s| s.base_offset),
        });
    }
    log.set_cleaner_checkpoint(Some(report.end_offset));
    report.dirty_ratio_after = assess(log, config, now).cleanable_ratio;
    report.debug_check_invariants();
    log.debug_check_invariants();
    Ok(report)
}

/// Builds the offset map and the cleaned segments; the log is not changed.
fn build_and_recopy(
    log: &Log,
    config: &TopicConfig,
    txns: &TransactionIndex,
    before: &LogToClean,
    max_entries: usize,
    now: Millis,
) -> Result<(Vec<Segment>, CleanReport), CleanError> {
    let first_dirty = before.first_dirty_offset;
    let first_uncleanable = before.first_uncleanable_offset;
    let segs = log.segments();

    // ---- 1. offset map over [first_dirty, first_uncleanable) (buildOffsetMap)
    let dirty_from = floor_segment(log, first_dirty);
    let dirty: Vec<&Segment> = segs
        .get(dirty_from..)
        .unwrap_or_default()
        .iter()
        .take_while(|s| s.base_offset() < first_uncleanable)
        .collect();
    let estimate: usize = dirty.iter().map(|s| s.record_count()).sum();
    let mut map: OffsetMap<'_> =
        HashMap::with_capacity_and_hasher(estimate.min(max_entries).min(4096), Default::default());
    let mut latest: i64 = -1;
    let mut full = false;
    let mut map_records_read = 0u64;
    let mut meta = TxnMeta::new(txns.collect(first_dirty, first_uncleanable));
    for (n, seg) in dirty.iter().enumerate() {
        let next_base = dirty
            .get(n + 1)
            .map_or(first_uncleanable, |s| s.base_offset());
        for_each_batch(seg, |b, records| {
            if b.attributes.is_control {
                meta.on_control(b, records.first().map(|r| ControlRecordType::parse(r.key)));
            } else if !meta.on_batch(b) {
                for r in records {
                    if let Some(key) = r.key {
                        if r.offset >= first_dirty {
                            if map.len() < max_entries {
                                map.insert(key, r.offset);
                            } else {
                                full = true;
                                return false;
                            }
                        }
                    }
                    map_records_read += 1;
                }
            }
            if b.last_offset >= first_dirty {
                latest = b.last_offset;
            }
            true
        });
        if full {
            break;
        }
        latest = next_base - 1;
    }
    let end_offset = latest + 1;
    if end_offset <= first_dirty {
        return Err(CleanError::OffsetMapFullAtFirstBatch {
            max_entries,
            first_dirty_offset: first_dirty,
        });
    }

    // ---- 2. recopy [log start, end_offset) in size groups (cleanSegments / cleanInto)
    let recopy: Vec<&Segment> = segs
        .iter()
        .take_while(|s| s.base_offset() < end_offset)
        .collect();
    let sizes: Vec<u64> = recopy.iter().map(|s| s.size_in_bytes()).collect();
    let groups = group_segments_by_size(&sizes, i64::from(config.segment_bytes));
    let upper = recopy.last().map_or(end_offset, |s| s.next_offset());
    let start = recopy.first().map_or(end_offset, |s| s.base_offset());
    let mut meta = TxnMeta::new(txns.collect(start, upper));
    let drm = config.delete_retention_ms;

    let mut out = Vec::with_capacity(groups.len());
    let mut removed: Vec<RemovedRecord> = Vec::new();
    let mut kept_keys: HashSet<&[u8], BuildHasherDefault<FxHasher>> = HashSet::default();
    let (mut records_before, mut records_after) = (0u64, 0u64);
    let (mut tombstones_kept, mut tombstones_removed) = (0usize, 0usize);
    let (mut horizons_set, mut empty_retained) = (0usize, 0usize);
    let mut kept: Vec<RecordView<'_>> = Vec::new();
    for g in groups {
        let group = recopy.get(g).unwrap_or_default();
        let (Some(first), Some(last)) = (group.first(), group.last()) else {
            continue;
        };
        let mut cleaned = Segment::new(first.base_offset(), last.created_ms());
        for seg in group {
            for_each_batch(seg, |b, records| {
                records_before += records.len() as u64;
                let a = b.attributes;
                let control_kind = a
                    .is_control
                    .then(|| records.first().map(|r| ControlRecordType::parse(r.key)));
                let can_discard = match control_kind {
                    Some(kind) => meta.on_control(b, kind),
                    None => meta.on_batch(b),
                };
                let discard_records = if a.is_control {
                    can_discard && b.delete_horizon_ms.is_some_and(|h| h <= now)
                } else {
                    can_discard
                };
                let last_of_producer = a.producer_id >= 0
                    && txns.producers.get(&a.producer_id).is_some_and(|lr| {
                        match lr.last_data_offset {
                            Some(o) => b.last_offset == o,
                            None => a.is_control && a.producer_epoch == lr.producer_epoch,
                        }
                    });
                let retain_empty = last_of_producer || b.last_offset + 1 == first_uncleanable;
                let marker_for_empty_txn = can_discard && a.is_control;
                kept.clear();
                let mut kept_tombstone = false;
                for r in records {
                    let verdict = if discard_records {
                        Err(if a.is_control {
                            RemovalReason::TransactionMarkerExpired
                        } else {
                            RemovalReason::AbortedTransaction
                        })
                    } else if a.is_control || r.offset > latest {
                        Ok(())
                    } else if let Some(key) = r.key {
                        let latest_for_key = r.offset >= map.get(key).copied().unwrap_or(-1);
                        let retain_deletes = b.delete_horizon_ms.is_none_or(|h| now < h);
                        if !latest_for_key {
                            Err(RemovalReason::Superseded)
                        } else if r.value.is_none() && !retain_deletes {
                            Err(RemovalReason::TombstoneExpired)
                        } else {
                            Ok(())
                        }
                    } else {
                        Err(RemovalReason::NoKey)
                    };
                    let is_tombstone = !a.is_control && r.value.is_none();
                    match verdict {
                        Ok(()) => {
                            if is_tombstone {
                                kept_tombstone = true;
                                tombstones_kept += 1;
                            }
                            if !a.is_control {
                                if let Some(k) = r.key {
                                    kept_keys.insert(k);
                                }
                            }
                            kept.push(*r);
                        }
                        Err(reason) => {
                            if is_tombstone {
                                tombstones_removed += 1;
                            }
                            removed.push(RemovedRecord {
                                offset: r.offset,
                                reason,
                            });
                        }
                    }
                }
                if !kept.is_empty() {
                    let mut nb = *b;
                    if (kept_tombstone || marker_for_empty_txn) && b.delete_horizon_ms.is_none() {
                        nb.delete_horizon_ms = Some(now.saturating_add(drm));
                        horizons_set += 1;
                    }
                    records_after += kept.len() as u64;
                    cleaned.push_recopied_batch(nb, kept.iter().copied());
                } else if retain_empty {
                    empty_retained += 1;
                    cleaned.push_recopied_batch(*b, std::iter::empty());
                }
                true
            });
        }
        out.push(cleaned.finish_recopy(last.next_offset()));
    }

    let report = CleanReport {
        now,
        before: *before,
        end_offset,
        offset_map_full: full,
        map_records_read,
        keys_mapped: map.len(),
        segments_before: recopy.iter().map(|s| SegmentSpan::of(s)).collect(),
        segments_after: out.iter().map(SegmentSpan::of).collect(),
        records_before,
        records_after,
        bytes_before: sizes.iter().sum(),
        bytes_after: out.iter().map(Segment::size_in_bytes).sum(),
        keys_kept: kept_keys.len(),
        tombstones_kept,
        tombstones_removed,
        delete_horizons_set: horizons_set,
        empty_batches_retained: empty_retained,
        removed,
        dirty_ratio_after: 0.0,
    };
    Ok((out, report))
}

// ---------------------------------------------------------------------------------------------
// Topics and the automatic cleaner thread
// ---------------------------------------------------------------------------------------------

/// A cleaning pass on one partition of a topic.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartitionCleanReport {
    /// Topic name.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// What the pass did.
    pub report: CleanReport,
}

/// `grabFilthiestCompactedLog` over one topic: the eligible partition with the
/// highest dirty ratio (the lowest partition number wins a tie), or `None`.
pub fn filthiest_partition(topic: &Topic, now: Millis) -> Option<(i32, LogToClean)> {
    if !topic.config().cleanup_policy.compact {
        return None;
    }
    let mut best: Option<(i32, LogToClean)> = None;
    for p in topic.partitions() {
        let ltc = assess(p.log(), topic.config(), now);
        if !ltc.is_eligible() {
            continue;
        }
        if best.is_none_or(|(_, b)| ltc.cleanable_ratio > b.cleanable_ratio) {
            best = Some((p.index(), ltc));
        }
    }
    best
}

/// Cleans the filthiest eligible partition of `topic`, if any.
pub fn clean_filthiest(
    topic: &mut Topic,
    cleaner: &CleanerConfig,
    now: Millis,
) -> Result<Option<PartitionCleanReport>, CleanError> {
    let Some((partition, _)) = filthiest_partition(topic, now) else {
        return Ok(None);
    };
    let config = topic.config().clone();
    let name = topic.name().to_string();
    let Some(p) = topic.partition_mut(partition) else {
        return Ok(None);
    };
    let report = clean_with(p.log_mut(), &config, cleaner, now)?;
    Ok(Some(PartitionCleanReport {
        topic: name,
        partition,
        report,
    }))
}

/// What the automatic cleaner did at one wake-up.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum CleanerEvent {
    /// A partition was cleaned.
    Cleaned(Box<PartitionCleanReport>),
    /// Retention deleted segments of a compacted partition (the cleaner thread
    /// runs `deleteOldSegments` on compacted logs after each attempt,
    /// `CleanerThread.cleanFilthiestLog`; time/size only under `compact,delete`).
    Retention {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// What was deleted.
        report: RetentionReport,
    },
}

/// The automatic cleaner thread (`LogCleaner.CleanerThread`): on each wake-up
/// it cleans the filthiest eligible log, again and again while one is
/// eligible, applies retention to compacted logs after each attempt,
/// and then sleeps `log.cleaner.backoff.ms`.
#[derive(Debug, Clone, PartialEq)]
pub struct LogCleaner {
    config: CleanerConfig,
    next_wakeup_ms: Millis,
}

/// Upper bound on passes per wake-up (each pass makes progress; this only
/// guards against a logic error looping forever in the browser).
const MAX_PASSES_PER_WAKEUP: usize = 10_000;

impl LogCleaner {
    /// A cleaner thread started at `now` (it wakes immediately).
    pub fn new(config: CleanerConfig, now: Millis) -> Result<Self, CleanError> {
        config.max_offset_map_entries()?;
        Ok(Self {
            config,
            next_wakeup_ms: now,
        })
    }

    /// The settings in force.
    pub fn config(&self) -> &CleanerConfig {
        &self.config
    }

    /// When the thread wakes up next.
    pub fn next_wakeup_ms(&self) -> Millis {
        self.next_wakeup_ms
    }

    /// Runs the thread if it is due at `now`; returns what it did (empty if it
    /// was still sleeping).
    pub fn poll<'a>(
        &mut self,
        topics: impl IntoIterator<Item = &'a mut Topic>,
        now: Millis,
    ) -> Result<Vec<CleanerEvent>, CleanError> {
        if now < self.next_wakeup_ms {
            return Ok(Vec::new());
        }
        let mut topics: Vec<&'a mut Topic> = topics.into_iter().collect();
        let mut events = Vec::new();
        for _ in 0..MAX_PASSES_PER_WAKEUP {
            // grabFilthiestCompactedLog over every topic.
            let mut best: Option<(usize, i32, f64)> = None;
            for (i, t) in topics.iter().enumerate() {
                if let Some((p, ltc)) = filthiest_partition(t, now) {
                    if best.is_none_or(|(_, _, r)| ltc.cleanable_ratio > r) {
                        best = Some((i, p, ltc.cleanable_ratio));
                    }
                }
            }
            let cleaned = match best.and_then(|(i, p, _)| topics.get_mut(i).map(|t| (t, p))) {
                Some((t, p)) => {
                    let config = t.config().clone();
                    let name = t.name().to_string();
                    match t.partition_mut(p) {
                        Some(part) => {
                            let report = clean_with(part.log_mut(), &config, &self.config, now)?;
                            events.push(CleanerEvent::Cleaned(Box::new(PartitionCleanReport {
                                topic: name,
                                partition: p,
                                report,
                            })));
                            true
                        }
                        None => false,
                    }
                }
                None => false,
            };
            for t in topics.iter_mut() {
                // LogCleanerManager.deletableLogs: every compacted log (retention
                // itself then decides what its policy allows).
                if !t.config().cleanup_policy.compact {
                    continue;
                }
                let name = t.name().to_string();
                for (partition, report) in retention::apply_to_topic(t, now) {
                    if !report.deleted.is_empty() {
                        events.push(CleanerEvent::Retention {
                            topic: name.clone(),
                            partition,
                            report,
                        });
                    }
                }
            }
            if !cleaned {
                break;
            }
        }
        self.next_wakeup_ms = now.saturating_add(self.config.backoff_ms);
        Ok(events)
    }
}
