//! A deterministic delivery simulation: produce → poll → process → write to a
//! sink → commit, on the simulated clock, with crash injection at any step and
//! a ledger that counts every produced record as processed once, more than
//! once (duplicates) or never (lost).
//!
//! ## The loop
//!
//! A producer writes `records` keyed records at `produce_per_sec` (record `i`
//! has key `i mod keys`, placed with Java's murmur2 partitioner, timestamp =
//! its produce time). One consumer owns every partition and loops:
//!
//! 1. `poll()`: make sure every partition has a valid position (committed
//!    offset, or `auto.offset.reset` when there is none or it fell below the log
//!    start — see [`GroupOffsets::ensure_valid_position`]); fetch up to
//!    `max.poll.records` (500) records, partition by partition, rotating the
//!    starting partition; the position moves past them at once.
//! 2. process each record (taking `1 / consume_per_sec` s) and write it to
//!    the sink; a *poison* record fails, is retried `max_retries` times and then
//!    goes to the dead-letter queue;
//! 3. commit according to the [`CommitStrategy`].
//!
//! Crash points ([`CrashStep`]) in the order they occur:
//!
//! * commit after processing (`ManualSync`, `ManualAsync`, `AutoCommit`):
//!   `AfterPoll` → `MidBatch{processed}` → `AfterWrite` → `BeforeCommit` →
//!   `AfterCommit`. `AfterWrite` and `BeforeCommit` are the same instant for a
//!   synchronous commit; for `ManualAsync`, `AfterCommit` means the commit was
//!   *sent* but its response (applied at the next `poll()`) never arrived, so
//!   it is lost. For `AutoCommit` there is no commit at the end of a batch and
//!   `BeforeCommit`/`AfterCommit` equal `AfterWrite`.
//! * `CommitBeforeProcessing`: `AfterPoll` → `BeforeCommit` → `AfterCommit` →
//!   `MidBatch{processed}` → `AfterWrite`.
//!
//! A crash forgets every position; after `restart_delay_ms` the consumer
//! resumes from the committed offsets (or `auto.offset.reset` if none).
//! Meanwhile the producer keeps going and lag grows.
//!
//! ## The ledger ([`Ledger`])
//!
//! For every produced record kplay counts how many times it was *handled*
//! (written to the sink, or dead-lettered). When the run has drained:
//!
//! * `processed_once` = records handled exactly once;
//! * `duplicated` = records handled two or more times, and
//!   `duplicate_deliveries` = the extra handlings, `Σ (count − 1)`;
//! * `lost` = records never handled = `lost_committed_unprocessed` (a commit
//!   covered them before they were processed) + `lost_to_offset_reset` (the
//!   consumer jumped over them: retention deleted them before they were read,
//!   or `auto.offset.reset=latest` skipped them).
//!
//! and always `processed_once + duplicated + lost == produced` and
//! `processed_once + duplicated + duplicate_deliveries == handlings`.
//!
//! Note a real Kafka subtlety the simulation reproduces: with
//! `auto.offset.reset=latest`, a consumer that crashes **before its first
//! commit** restarts at the high watermark and skips everything produced so
//! far, even when it commits after processing.
//!
//! ## Sinks ([`SinkMode`])
//!
//! * `AppendOnly` — every write adds a row: duplicates become duplicate rows.
//! * `UpsertByKey` — rows keyed by record key; rewriting a record is a no-op.
//! * `DedupeByOffset` — the sink stores the highest offset written per
//!   partition with the data and ignores writes at or below it.
//!
//! Whatever the mode, the report also computes the warehouse-style view
//! `MAX(offset) per key` over the raw writes (the dbt dedupe from the
//! curriculum), which hides duplicates downstream.
//!
//! ## Retention
//!
//! Optional `retention.ms` / `retention.bytes` on the simulated clock, applied
//! every `check_interval_ms` by [`crate::retention::apply_to_topic`]
//! (`UnifiedLog.deleteOldSegments`: size pass, then time pass, whole segments
//! below the high watermark only).

use std::collections::HashMap;

use super::committed::{
    AutoCommitTiming, AutoOffsetReset, CommitError, CommitStrategy, GroupOffsets, PositionSource,
};
use super::dlq::{DeadLetterQueue, DlqError, Failure};
use super::lag::{cli_lag, AlertLevel, LagAlert, LagError, LagHistory, LagThresholds};
use super::TopicPartition;
use crate::clock::Millis;
use crate::cluster::{Cluster, CreateTopicError, NewTopic};
use crate::log::Log;
use crate::partitioner::java_partition_for_key;
use crate::record::RecordInput;
use crate::retention;
use crate::topic::ProduceError;

/// Where in the batch lifecycle a crash happens (see the module docs for the
/// order per strategy).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum CrashStep {
    /// Right after `poll()` returned, before anything else.
    AfterPoll,
    /// After `processed` records of the batch were written to the sink.
    MidBatch {
        /// Records of the batch processed before the crash.
        processed: usize,
    },
    /// After the whole batch was written to the sink.
    AfterWrite,
    /// Just before the commit is sent.
    BeforeCommit,
    /// Just after the commit (sync: acknowledged; async: sent, response lost).
    AfterCommit,
}

/// A crash of the consumer during batch number `batch` (0-based count of
/// non-empty polls).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CrashAt {
    /// Batch number.
    pub batch: u64,
    /// Where in that batch.
    pub step: CrashStep,
}

/// How the sink applies writes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum SinkMode {
    /// Append a row per write (a plain warehouse table).
    #[default]
    AppendOnly,
    /// Upsert by record key.
    UpsertByKey,
    /// Ignore writes at or below the highest offset already written per partition.
    DedupeByOffset,
}

/// Poison records and the DLQ.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoisonConfig {
    /// Every `every`-th produced record (1-based) cannot be processed.
    pub every: u64,
    /// Retries after the first failed attempt before dead-lettering.
    pub max_retries: u32,
    /// Back-off between attempts.
    pub retry_backoff_ms: Millis,
    /// DLQ topic name.
    pub dlq_topic: String,
}

/// Retention on the source topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RetentionSettings {
    /// `retention.ms` (−1 = infinite).
    pub retention_ms: i64,
    /// `retention.bytes` per partition (−1 = unlimited).
    pub retention_bytes: i64,
    /// `segment.bytes` (small, so segments roll often).
    pub segment_bytes: i32,
    /// `log.retention.check.interval.ms` (broker default 300000).
    pub check_interval_ms: Millis,
}

/// Configuration of a delivery run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeliveryConfig {
    /// Source topic name.
    pub topic: String,
    /// Consumer group id.
    pub group: String,
    /// Partitions of the source topic (1..=10 000).
    pub partitions: u32,
    /// Records to produce (1..=100 000 000).
    pub records: u64,
    /// Distinct keys (≥ 1).
    pub keys: u64,
    /// Value size in bytes (1..=1 MiB).
    pub value_bytes: usize,
    /// Producer rate, records per second (> 0).
    pub produce_per_sec: f64,
    /// Consumer processing rate, records per second (> 0).
    pub consume_per_sec: f64,
    /// `max.poll.records` (≥ 1; default 500).
    pub max_poll_records: usize,
    /// Commit strategy.
    pub strategy: CommitStrategy,
    /// Sink behaviour.
    pub sink: SinkMode,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// Crash schedule.
    pub crashes: Vec<CrashAt>,
    /// Offset committed for every partition before the run starts (as if an
    /// earlier run, or `--reset-offsets --execute`, had committed it); `None`
    /// starts a brand-new group that relies on `auto.offset.reset`.
    pub initial_committed: Option<i64>,
    /// Time from a crash until the consumer polls again.
    pub restart_delay_ms: Millis,
    /// Poison records and DLQ, if any.
    pub poison: Option<PoisonConfig>,
    /// Retention, if any.
    pub retention: Option<RetentionSettings>,
    /// How often lag is sampled (≥ 1 ms).
    pub lag_sample_interval_ms: Millis,
    /// Buckets kept by the lag history (≥ 2).
    pub lag_history_capacity: usize,
    /// Alert thresholds.
    pub thresholds: LagThresholds,
    /// Idle wait of an empty poll (`fetch.max.wait.ms`, default 500).
    pub fetch_max_wait_ms: Millis,
    /// Stop the run after this much simulated time (a guard).
    pub max_sim_ms: Millis,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            topic: "events".into(),
            group: "pipeline".into(),
            partitions: 3,
            records: 10_000,
            keys: 1_000,
            value_bytes: 16,
            produce_per_sec: 1_000.0,
            consume_per_sec: 2_000.0,
            max_poll_records: super::committed::DEFAULT_MAX_POLL_RECORDS,
            strategy: CommitStrategy::ManualSync,
            sink: SinkMode::AppendOnly,
            auto_offset_reset: AutoOffsetReset::Earliest,
            crashes: Vec::new(),
            initial_committed: None,
            restart_delay_ms: 3_000,
            poison: None,
            retention: None,
            lag_sample_interval_ms: 1_000,
            lag_history_capacity: super::lag::DEFAULT_HISTORY_CAPACITY,
            thresholds: LagThresholds::default(),
            fetch_max_wait_ms: 500,
            max_sim_ms: 365 * 86_400_000,
        }
    }
}

/// Errors of a delivery run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DeliveryError {
    /// A configuration value is out of range.
    #[error("invalid delivery config: {field} {reason}")]
    InvalidConfig {
        /// The field.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Creating the topic failed.
    #[error(transparent)]
    CreateTopic(#[from] CreateTopicError),
    /// Producing failed.
    #[error(transparent)]
    Produce(#[from] ProduceError),
    /// The consumer failed (e.g. `auto.offset.reset=none` and out of range).
    #[error(transparent)]
    Consumer(#[from] CommitError),
    /// The DLQ failed.
    #[error(transparent)]
    Dlq(#[from] DlqError),
    /// Lag bookkeeping failed.
    #[error(transparent)]
    Lag(#[from] LagError),
}

/// A crash that happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrashEvent {
    /// Batch number.
    pub batch: u64,
    /// Step.
    pub step: CrashStep,
    /// When.
    pub at_ms: Millis,
    /// Records in the batch.
    pub batch_len: usize,
    /// Records of the batch handled before the crash.
    pub handled_in_batch: usize,
}

/// A position reset by `auto.offset.reset`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetEvent {
    /// When.
    pub at_ms: Millis,
    /// Which partition.
    pub partition: i32,
    /// Why.
    pub source: PositionSource,
    /// From where (for out-of-range).
    pub from: Option<i64>,
    /// To where.
    pub to: i64,
    /// Offsets jumped over that were never handled (lost).
    pub lost: u64,
}

/// The once / duplicate / lost ledger. See the module docs for the identities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    /// Records produced.
    pub produced: u64,
    /// Handled exactly once.
    pub processed_once: u64,
    /// Handled two or more times.
    pub duplicated: u64,
    /// Extra handlings of duplicated records, `Σ (count − 1)`.
    pub duplicate_deliveries: u64,
    /// Never handled.
    pub lost: u64,
    /// Lost because a commit covered them before processing.
    pub lost_committed_unprocessed: u64,
    /// Lost because `auto.offset.reset` jumped over them (retention or `latest`).
    pub lost_to_offset_reset: u64,
    /// Total handlings (sink writes + DLQ writes).
    pub handlings: u64,
    /// DLQ writes (a poison record dead-lettered twice counts twice).
    pub dead_lettered: u64,
    /// Records still ahead of the consumer (0 once the run has drained).
    pub pending: u64,
}

impl Ledger {
    /// `processed_once + duplicated + lost + pending == produced` and
    /// `processed_once + duplicated + duplicate_deliveries == handlings`.
    pub fn balances(&self) -> bool {
        self.processed_once + self.duplicated + self.lost + self.pending == self.produced
            && self.processed_once + self.duplicated + self.duplicate_deliveries == self.handlings
            && self.lost_committed_unprocessed + self.lost_to_offset_reset == self.lost
    }
}

/// What the sink looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct SinkReport {
    /// Mode.
    pub mode: SinkMode,
    /// Write attempts.
    pub writes: u64,
    /// Rows visible in the sink table.
    pub rows: u64,
    /// Visible rows beyond one per distinct source record (the duplicate effects).
    pub duplicate_effects: u64,
    /// Writes ignored (`DedupeByOffset`) or that changed nothing (`UpsertByKey` rewrites).
    pub absorbed_writes: u64,
    /// Rows of the warehouse view `MAX(offset) per key` over the raw writes.
    pub max_offset_view_rows: u64,
    /// Whether that view equals "latest record per key" over every record ever written.
    pub max_offset_view_consistent: bool,
}

/// One partition's offsets for the timeline view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionTimeline {
    /// Partition.
    pub partition: i32,
    /// Log start offset.
    pub log_start: i64,
    /// Committed offset.
    pub committed: Option<i64>,
    /// Consumer position (None while crashed).
    pub position: Option<i64>,
    /// High watermark.
    pub high_watermark: i64,
    /// Log end offset.
    pub log_end: i64,
    /// `kafka-consumer-groups` lag (HW − committed).
    pub lag: Option<i64>,
}

/// Summary of a run.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DeliveryReport {
    /// The ledger.
    pub ledger: Ledger,
    /// The sink.
    pub sink: SinkReport,
    /// Crashes that happened.
    pub crashes: Vec<CrashEvent>,
    /// Scheduled crashes never reached (their batch never came).
    pub crashes_not_reached: Vec<CrashAt>,
    /// Offset resets.
    pub resets: Vec<ResetEvent>,
    /// Non-empty polls.
    pub batches: u64,
    /// Simulated end time.
    pub end_ms: Millis,
    /// Whether the run hit `max_sim_ms` before draining.
    pub truncated: bool,
    /// Highest total lag sampled.
    pub peak_lag: i64,
    /// Alert level at the end.
    pub alert_level: AlertLevel,
    /// Segments deleted by retention.
    pub segments_deleted: u64,
}

const POISON_MARK: u8 = b'!';
const FLAG_SKIPPED: u8 = 1;
const FLAG_DLQ: u8 = 2;

#[derive(Debug, Clone, Copy)]
struct Fetched {
    partition: i32,
    offset: i64,
    timestamp: Millis,
    key_id: u64,
    poison: bool,
}

#[derive(Debug, Clone)]
struct Sink {
    mode: SinkMode,
    writes: u64,
    distinct_written: u64,
    upsert: HashMap<u64, (i32, i64)>,
    max_offset: Vec<i64>,
    accepted: u64,
    absorbed: u64,
    /// MAX(offset) per key over raw writes.
    view: HashMap<u64, i64>,
}

/// A running delivery simulation. Drive it with [`DeliverySim::step`] (one
/// poll cycle) or [`DeliverySim::run`].
#[derive(Debug, Clone)]
pub struct DeliverySim {
    cfg: DeliveryConfig,
    cluster: Cluster,
    offsets: GroupOffsets,
    tps: Vec<TopicPartition>,
    dlq: Option<DeadLetterQueue>,
    now_us: i64,
    produced: u64,
    counts: Vec<Vec<u32>>,
    flags: Vec<Vec<u8>>,
    key_ids: Vec<Vec<u32>>,
    handlings: u64,
    dead_lettered: u64,
    sink: Sink,
    history: LagHistory,
    alert: LagAlert,
    peak_lag: i64,
    batches: u64,
    crash_events: Vec<CrashEvent>,
    resets: Vec<ResetEvent>,
    pending_crashes: Vec<CrashAt>,
    down_until_us: Option<i64>,
    pending_async: Vec<(usize, i64)>,
    next_auto_commit_us: i64,
    next_sample_us: i64,
    next_retention_us: i64,
    segments_deleted: u64,
    rotate: usize,
    done: bool,
    truncated: bool,
    value: Vec<u8>,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> DeliveryError {
    DeliveryError::InvalidConfig {
        field,
        reason: reason.into(),
    }
}

/// The slowest producer or consumer a run accepts (records per second).
pub const MIN_RATE_PER_SEC: f64 = 0.001;
/// The fastest producer or consumer a run accepts (records per second).
pub const MAX_RATE_PER_SEC: f64 = 1e9;
/// The longest simulated run (`max_sim_ms`), 100 years: the clock counts
/// microseconds in an `i64`, which this keeps far from overflowing.
pub const MAX_SIM_MS: Millis = 100 * 365 * 86_400_000;

impl DeliveryConfig {
    /// An upper bound on the poll cycles ([`DeliverySim::step`] calls) a run
    /// of this configuration can take, so a caller can refuse a run that
    /// would not finish in reasonable time *before* starting it.
    ///
    /// Each non-empty poll consumes at least one record, and every crash can
    /// make the consumer read every record again; each empty poll waits
    /// `fetch.max.wait.ms` (or until the next record is produced, one wake per
    /// record); the run lasts at most `max_sim_ms`, or until the producer is
    /// done and the consumer has processed everything (again after each
    /// crash), retries and back-off included.
    pub fn poll_cycle_bound(&self) -> u64 {
        let crashes = self.crashes.len() as f64;
        let records = self.records as f64;
        let retries = self.poison.as_ref().map_or(0.0, |p| {
            (records / p.every.max(1) as f64)
                * f64::from(p.max_retries)
                * (p.retry_backoff_ms.max(0) as f64 / 1e3 + 1.0 / self.consume_per_sec)
        });
        let span_s = records / self.produce_per_sec
            + (1.0 + crashes) * records / self.consume_per_sec
            + retries
            + crashes * self.restart_delay_ms.max(0) as f64 / 1e3;
        let span_ms = (span_s * 1e3).min(self.max_sim_ms as f64);
        let idle = span_ms / self.fetch_max_wait_ms.max(1) as f64 + records + 1.0;
        let busy = records * (1.0 + crashes) + 2.0 * crashes;
        let total = idle + busy;
        if total.is_finite() && total < u64::MAX as f64 {
            total.ceil() as u64
        } else {
            u64::MAX
        }
    }
}

fn validate(cfg: &DeliveryConfig) -> Result<(), DeliveryError> {
    if cfg.partitions == 0 || cfg.partitions > crate::cluster::MAX_PARTITIONS_PER_TOPIC {
        return Err(invalid(
            "partitions",
            format!("must be in 1..=10000, got {}", cfg.partitions),
        ));
    }
    if cfg.records == 0 || cfg.records > 100_000_000 {
        return Err(invalid(
            "records",
            format!("must be in 1..=100000000, got {}", cfg.records),
        ));
    }
    if cfg.keys == 0 || cfg.keys > u64::from(u32::MAX) {
        return Err(invalid(
            "keys",
            format!("must be in 1..=4294967295, got {}", cfg.keys),
        ));
    }
    if cfg.value_bytes == 0 || cfg.value_bytes > 1 << 20 {
        return Err(invalid(
            "value_bytes",
            format!("must be in 1..=1048576, got {}", cfg.value_bytes),
        ));
    }
    for (field, r) in [
        ("produce_per_sec", cfg.produce_per_sec),
        ("consume_per_sec", cfg.consume_per_sec),
    ] {
        // A rate only "above 0" let 1e-320 records/s through: one record
        // then takes longer than simulated time can count, and the run either
        // never ends or saturates the clock.
        if !r.is_finite() || !(MIN_RATE_PER_SEC..=MAX_RATE_PER_SEC).contains(&r) {
            return Err(invalid(
                field,
                format!(
                    "must be a rate from {MIN_RATE_PER_SEC} to {MAX_RATE_PER_SEC:e} records/s, got {r}"
                ),
            ));
        }
    }
    if cfg.max_poll_records == 0 || cfg.max_poll_records > 1_000_000 {
        return Err(invalid(
            "max_poll_records",
            format!("must be in 1..=1000000, got {}", cfg.max_poll_records),
        ));
    }
    if let CommitStrategy::AutoCommit { interval_ms, .. } = cfg.strategy {
        // `auto.commit.interval.ms` is a Java int in `ConsumerConfig`
        // (Type.INT, atLeast(0)); kplay also refuses 0 (no interval).
        if interval_ms <= 0 || interval_ms > Millis::from(i32::MAX) {
            return Err(CommitError::InvalidAutoCommitInterval { value: interval_ms }.into());
        }
    }
    if cfg.restart_delay_ms < 0 {
        return Err(invalid("restart_delay_ms", "must not be negative"));
    }
    if cfg.lag_sample_interval_ms <= 0 {
        return Err(invalid("lag_sample_interval_ms", "must be at least 1"));
    }
    if cfg.fetch_max_wait_ms <= 0 {
        return Err(invalid("fetch_max_wait_ms", "must be at least 1"));
    }
    if cfg.max_sim_ms <= 0 || cfg.max_sim_ms > MAX_SIM_MS {
        return Err(invalid(
            "max_sim_ms",
            format!(
                "must be from 1 to {MAX_SIM_MS} (100 simulated years), got {}",
                cfg.max_sim_ms
            ),
        ));
    }
    if let Some(p) = &cfg.poison {
        if p.every == 0 {
            return Err(invalid("poison.every", "must be at least 1"));
        }
        if p.retry_backoff_ms < 0 {
            return Err(invalid("poison.retry_backoff_ms", "must not be negative"));
        }
        if p.max_retries > 1_000 {
            return Err(invalid("poison.max_retries", "must be at most 1000"));
        }
    }
    if let Some(r) = &cfg.retention {
        if r.check_interval_ms <= 0 {
            return Err(invalid("retention.check_interval_ms", "must be at least 1"));
        }
    }
    Ok(())
}

impl DeliverySim {
    /// Validates `cfg` and sets up the cluster, topic, DLQ and consumer.
    pub fn new(cfg: DeliveryConfig) -> Result<Self, DeliveryError> {
        validate(&cfg)?;
        let mut cluster = Cluster::new(1, 0);
        let mut configs = Vec::new();
        if let Some(r) = &cfg.retention {
            configs.push(("retention.ms".to_owned(), r.retention_ms.to_string()));
            configs.push(("retention.bytes".to_owned(), r.retention_bytes.to_string()));
            configs.push(("segment.bytes".to_owned(), r.segment_bytes.to_string()));
        }
        cluster.create_topic(NewTopic {
            name: cfg.topic.clone(),
            partitions: i64::from(cfg.partitions),
            replication_factor: 1,
            configs,
        })?;
        let dlq = match &cfg.poison {
            Some(p) => Some(DeadLetterQueue::new(&p.dlq_topic, 0)?),
            None => None,
        };
        let n = cfg.partitions as usize;
        let tps: Vec<TopicPartition> = (0..cfg.partitions as i32)
            .map(|p| TopicPartition::new(cfg.topic.clone(), p))
            .collect();
        let mut pending_crashes = cfg.crashes.clone();
        crate::sort::sort_by_key(&mut pending_crashes, |c| c.batch);
        let next_auto = match cfg.strategy {
            CommitStrategy::AutoCommit { interval_ms, .. } => interval_ms * 1_000,
            _ => i64::MAX,
        };
        let next_ret = cfg
            .retention
            .map_or(i64::MAX, |r| r.check_interval_ms * 1_000);
        let value = vec![b'v'; cfg.value_bytes];
        let mut offsets = GroupOffsets::new(cfg.group.clone());
        if let Some(c) = cfg.initial_committed {
            for tp in &tps {
                offsets.commit(tp, c, 0)?;
            }
        }
        Ok(Self {
            offsets,
            tps,
            dlq,
            now_us: 0,
            produced: 0,
            counts: vec![Vec::new(); n],
            flags: vec![Vec::new(); n],
            key_ids: vec![Vec::new(); n],
            handlings: 0,
            dead_lettered: 0,
            sink: Sink {
                mode: cfg.sink,
                writes: 0,
                distinct_written: 0,
                upsert: HashMap::new(),
                max_offset: vec![-1; n],
                accepted: 0,
                absorbed: 0,
                view: HashMap::new(),
            },
            history: LagHistory::new(cfg.lag_history_capacity, cfg.lag_sample_interval_ms)?,
            alert: LagAlert::new(cfg.thresholds),
            peak_lag: 0,
            batches: 0,
            crash_events: Vec::new(),
            resets: Vec::new(),
            pending_crashes,
            down_until_us: None,
            pending_async: Vec::new(),
            next_auto_commit_us: next_auto,
            next_sample_us: 0,
            next_retention_us: next_ret,
            segments_deleted: 0,
            rotate: 0,
            done: false,
            truncated: false,
            value,
            cluster,
            cfg,
        })
    }

    /// Simulated now in ms.
    pub fn now(&self) -> Millis {
        self.now_us / 1_000
    }
    /// Whether the run has drained (or was truncated).
    pub fn is_done(&self) -> bool {
        self.done
    }
    /// The configuration.
    pub fn config(&self) -> &DeliveryConfig {
        &self.cfg
    }
    /// The simulated cluster (source topic).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }
    /// The group's positions and committed offsets.
    pub fn offsets(&self) -> &GroupOffsets {
        &self.offsets
    }
    /// The DLQ, if configured.
    pub fn dlq(&self) -> Option<&DeadLetterQueue> {
        self.dlq.as_ref()
    }
    /// The lag history (total lag across partitions).
    pub fn lag_history(&self) -> &LagHistory {
        &self.history
    }
    /// The lag alert.
    pub fn lag_alert(&self) -> &LagAlert {
        &self.alert
    }
    /// Crash events so far.
    pub fn crash_events(&self) -> &[CrashEvent] {
        &self.crash_events
    }
    /// Offset resets so far.
    pub fn reset_events(&self) -> &[ResetEvent] {
        &self.resets
    }

    /// Non-empty polls so far (the batch counter crashes refer to).
    pub fn batches(&self) -> u64 {
        self.batches
    }
    /// Segments deleted by retention so far.
    pub fn segments_deleted(&self) -> u64 {
        self.segments_deleted
    }
    /// Scheduled crashes not reached yet.
    pub fn pending_crashes(&self) -> &[CrashAt] {
        &self.pending_crashes
    }

    /// Schedules a crash at `step` of the next batch (the app's crash buttons).
    pub fn crash_next_batch(&mut self, step: CrashStep) {
        let batch = self.batches;
        self.pending_crashes.push(CrashAt { batch, step });
        crate::sort::sort_by_key(&mut self.pending_crashes, |c| c.batch);
    }

    /// The group's state as the admin client would report it: `Stable` while
    /// the consumer runs (a crashed member stays in the group until
    /// `session.timeout.ms`, which kplay does not model separately), `Empty`
    /// once the run has drained and the consumer has closed (left the group).
    pub fn group_state(&self) -> super::ConsumerGroupState {
        if self.done {
            super::ConsumerGroupState::Empty
        } else {
            super::ConsumerGroupState::Stable
        }
    }

    /// `kafka-consumer-groups --reset-offsets --execute` for this run's group:
    /// only when the group is inactive ([`DeliverySim::group_state`] `Empty`,
    /// i.e. the run has drained), else Kafka's `GroupNotInactive` error. The
    /// plan's offsets are committed and positions cleared; then a consumer
    /// joins again and resumes from the new committed offsets, so a reset to
    /// an earlier offset replays (duplicates) and a reset forward skips
    /// (counted as lost once the run drains again). A truncated run stays done.
    pub fn execute_reset(
        &mut self,
        plan: &super::reset::ResetPlan,
    ) -> Result<(), super::reset::ResetError> {
        let state = self.group_state();
        if !state.is_inactive() {
            return Err(super::reset::ResetError::GroupNotInactive {
                group: self.cfg.group.clone(),
                state,
            });
        }
        let now = self.now();
        plan.execute(&mut self.offsets, now)?;
        if !self.truncated {
            self.done = false;
        }
        #[cfg(debug_assertions)]
        self.offsets.debug_check_invariants();
        Ok(())
    }

    fn log(&self, p: usize) -> Option<&Log> {
        self.cluster
            .topic(&self.cfg.topic)
            .and_then(|t| t.partition(p as i32))
            .map(|p| p.log())
    }

    /// Per-partition offsets for the timeline view.
    pub fn timeline(&self) -> Vec<PartitionTimeline> {
        (0..self.tps.len())
            .filter_map(|p| {
                let log = self.log(p)?;
                let o = self.offsets.get(&self.tps[p]);
                Some(PartitionTimeline {
                    partition: p as i32,
                    log_start: log.log_start_offset(),
                    committed: o.committed,
                    position: o.position,
                    high_watermark: log.high_watermark(),
                    log_end: log.log_end_offset(),
                    lag: cli_lag(log.high_watermark(), o.committed),
                })
            })
            .collect()
    }

    /// Total lag for the chart: Σ HW − committed (log start when nothing is committed).
    pub fn total_lag(&self) -> i64 {
        (0..self.tps.len())
            .filter_map(|p| {
                let log = self.log(p)?;
                let c = self
                    .offsets
                    .committed(&self.tps[p])
                    .unwrap_or(log.log_start_offset());
                Some((log.high_watermark() - c).max(0))
            })
            .sum()
    }

    fn produce_due(&mut self) -> Result<(), DeliveryError> {
        let per_us = 1e6 / self.cfg.produce_per_sec;
        while self.produced < self.cfg.records {
            let t_us = (self.produced as f64 * per_us) as i64;
            if t_us > self.now_us {
                break;
            }
            let i = self.produced;
            let key = (i % self.cfg.keys).to_le_bytes();
            let p = java_partition_for_key(&key, self.cfg.partitions) as usize;
            let poison = self
                .cfg
                .poison
                .as_ref()
                .is_some_and(|c| (i + 1).is_multiple_of(c.every));
            self.value[0] = if poison { POISON_MARK } else { b'v' };
            let ts = t_us / 1_000;
            let Some(t) = self.cluster.topic_mut(&self.cfg.topic) else {
                break;
            };
            let offset = t.produce(
                p as i32,
                RecordInput::new(Some(&key), Some(&self.value), ts),
                ts,
            )?;
            if let (Some(c), Some(f), Some(k)) = (
                self.counts.get_mut(p),
                self.flags.get_mut(p),
                self.key_ids.get_mut(p),
            ) {
                debug_assert_eq!(c.len() as i64, offset);
                c.push(0);
                f.push(0);
                k.push((i % self.cfg.keys) as u32);
            }
            self.produced += 1;
        }
        Ok(())
    }

    fn next_produce_us(&self) -> Option<i64> {
        (self.produced < self.cfg.records)
            .then(|| (self.produced as f64 * 1e6 / self.cfg.produce_per_sec).ceil() as i64)
    }

    fn housekeeping(&mut self) -> Result<(), DeliveryError> {
        if let Some(r) = self.cfg.retention {
            if self.now_us >= self.next_retention_us {
                let now = self.now();
                if let Some(t) = self.cluster.topic_mut(&self.cfg.topic) {
                    // The topic was created with this run's retention.ms,
                    // retention.bytes and segment.bytes.
                    self.segments_deleted += retention::apply_to_topic(t, now)
                        .iter()
                        .map(|(_, report)| report.deleted.len() as u64)
                        .sum::<u64>();
                }
                // The next check after now, computed (a loop of one interval
                // at a time would spin after a long idle jump).
                let step = r.check_interval_ms.saturating_mul(1_000).max(1);
                if self.next_retention_us <= self.now_us {
                    let behind = (self.now_us - self.next_retention_us) / step + 1;
                    self.next_retention_us = self
                        .next_retention_us
                        .saturating_add(behind.saturating_mul(step));
                }
            }
        }
        self.maybe_sample()
    }

    fn maybe_sample(&mut self) -> Result<(), DeliveryError> {
        if self.now_us >= self.next_sample_us {
            let lag = self.total_lag();
            let now = self.now();
            self.history.record(now, lag)?;
            self.alert.update(now, lag);
            self.peak_lag = self.peak_lag.max(lag);
            let step = self.cfg.lag_sample_interval_ms * 1_000;
            self.next_sample_us += ((self.now_us - self.next_sample_us) / step + 1) * step;
        }
        Ok(())
    }

    fn handle(&mut self, r: &Fetched) {
        if let Some(c) = self
            .counts
            .get_mut(r.partition as usize)
            .and_then(|v| v.get_mut(r.offset as usize))
        {
            *c = c.saturating_add(1);
        }
        self.handlings += 1;
    }

    fn write_to_sink(&mut self, r: &Fetched) {
        let first_time = self
            .counts
            .get(r.partition as usize)
            .and_then(|v| v.get(r.offset as usize))
            .is_some_and(|&c| c == 0);
        let s = &mut self.sink;
        s.writes += 1;
        if first_time {
            s.distinct_written += 1;
        }
        let e = s.view.entry(r.key_id).or_insert(r.offset);
        *e = (*e).max(r.offset);
        match s.mode {
            SinkMode::AppendOnly => s.accepted += 1,
            SinkMode::UpsertByKey => {
                s.upsert.insert(r.key_id, (r.partition, r.offset));
                if !first_time {
                    s.absorbed += 1;
                }
            }
            SinkMode::DedupeByOffset => {
                if let Some(m) = s.max_offset.get_mut(r.partition as usize) {
                    if r.offset > *m {
                        *m = r.offset;
                        s.accepted += 1;
                    } else {
                        s.absorbed += 1;
                    }
                }
            }
        }
        self.handle(r);
    }

    fn take_crash(&mut self, step_matches: impl Fn(CrashStep) -> bool) -> Option<CrashStep> {
        let batch = self.batches;
        let idx = self
            .pending_crashes
            .iter()
            .position(|c| c.batch == batch && step_matches(c.step))?;
        Some(self.pending_crashes.remove(idx).step)
    }

    fn crash(&mut self, step: CrashStep, batch_len: usize, handled: usize) {
        self.crash_events.push(CrashEvent {
            batch: self.batches,
            step,
            at_ms: self.now(),
            batch_len,
            handled_in_batch: handled,
        });
        self.offsets.forget_positions();
        self.pending_async.clear();
        self.down_until_us = Some(self.now_us + self.cfg.restart_delay_ms * 1_000);
        self.batches += 1;
        // Crashes scheduled for this batch at later steps can no longer happen.
        let b = self.batches;
        self.pending_crashes.retain(|c| c.batch >= b);
    }

    fn commit_positions(&mut self) {
        let now = self.now();
        self.offsets.commit_positions(now);
    }

    fn ensure_positions(&mut self) -> Result<(), DeliveryError> {
        let now = self.now();
        for p in 0..self.tps.len() {
            let Some(log) = self
                .cluster
                .topic(&self.cfg.topic)
                .and_then(|t| t.partition(p as i32))
                .map(|x| x.log())
            else {
                continue;
            };
            let r = self.offsets.ensure_valid_position(
                &self.tps[p],
                log,
                self.cfg.auto_offset_reset,
            )?;
            if matches!(
                r.source,
                PositionSource::OutOfRange | PositionSource::NoCommittedOffset
            ) {
                let from = r.previous.unwrap_or(0).max(0);
                let mut lost = 0;
                if let (Some(counts), Some(flags)) = (self.counts.get(p), self.flags.get_mut(p)) {
                    let lo = if r.source == PositionSource::NoCommittedOffset {
                        0
                    } else {
                        from as usize
                    };
                    let hi = (r.position.max(0) as usize).min(counts.len());
                    for o in lo..hi {
                        if counts[o] == 0 && flags[o] & FLAG_SKIPPED == 0 {
                            flags[o] |= FLAG_SKIPPED;
                            lost += 1;
                        }
                    }
                }
                self.resets.push(ResetEvent {
                    at_ms: now,
                    partition: p as i32,
                    source: r.source,
                    from: r.previous,
                    to: r.position,
                    lost,
                });
            }
        }
        Ok(())
    }

    fn fetch(&mut self) -> Vec<Fetched> {
        let n = self.tps.len();
        let mut out = Vec::new();
        let max = self.cfg.max_poll_records;
        let mut updates = Vec::new();
        if let Some(topic) = self.cluster.topic(&self.cfg.topic) {
            for k in 0..n {
                if out.len() >= max {
                    break;
                }
                let p = (self.rotate + k) % n;
                let Some(pos) = self.offsets.position(&self.tps[p]) else {
                    continue;
                };
                let Some(part) = topic.partition(p as i32) else {
                    continue;
                };
                let Ok(f) = part.log().fetch(pos, max - out.len(), u64::MAX) else {
                    continue;
                };
                for r in &f.records {
                    let key_id = r
                        .key
                        .and_then(|k| <[u8; 8]>::try_from(k).ok())
                        .map_or(0, u64::from_le_bytes);
                    out.push(Fetched {
                        partition: p as i32,
                        offset: r.offset,
                        timestamp: r.timestamp,
                        key_id,
                        poison: r.value.and_then(|v| v.first()) == Some(&POISON_MARK),
                    });
                }
                updates.push((p, f.next_fetch_offset));
            }
        }
        for (p, next) in updates {
            let _ = self.offsets.seek(&self.tps[p], next);
        }
        self.rotate = (self.rotate + 1) % n.max(1);
        out
    }

    fn caught_up(&self) -> bool {
        (0..self.tps.len()).all(|p| {
            let hw = self.log(p).map_or(0, Log::high_watermark);
            self.offsets
                .position(&self.tps[p])
                .is_some_and(|pos| pos >= hw)
        })
    }

    /// One poll cycle (or one idle wait). Returns `Ok(false)` once done.
    ///
    /// On return the producer has caught up with the simulated clock (every
    /// record due by [`DeliverySim::now`] is in the log), so a view taken
    /// between steps shows the log end, high watermark and lag as of now.
    pub fn step(&mut self) -> Result<bool, DeliveryError> {
        let more = self.step_inner()?;
        if more {
            self.produce_due()?;
        }
        Ok(more)
    }

    fn step_inner(&mut self) -> Result<bool, DeliveryError> {
        if self.done {
            return Ok(false);
        }
        if self.now_us / 1_000 > self.cfg.max_sim_ms {
            self.done = true;
            self.truncated = true;
            return Ok(false);
        }
        self.produce_due()?;
        self.housekeeping()?;
        if let Some(until) = self.down_until_us {
            if self.now_us < until {
                self.now_us = until;
                return Ok(true);
            }
            self.down_until_us = None;
        }
        // poll(): async commit responses arrive; in-poll auto-commit; positions.
        let now = self.now();
        for (p, off) in std::mem::take(&mut self.pending_async) {
            self.offsets.commit(&self.tps[p], off, now)?;
        }
        if let CommitStrategy::AutoCommit {
            interval_ms,
            timing: AutoCommitTiming::InPoll,
        } = self.cfg.strategy
        {
            if self.now_us >= self.next_auto_commit_us {
                self.commit_positions();
                self.next_auto_commit_us = self.now_us + interval_ms * 1_000;
            }
        }
        self.ensure_positions()?;
        let batch = self.fetch();
        if batch.is_empty() {
            if self.produced >= self.cfg.records && self.caught_up() {
                // Drained: the consumer closes. With auto-commit, `close()`
                // commits the consumed positions first
                // (`ConsumerCoordinator.close` → `maybeAutoCommitOffsetsSync`).
                if matches!(self.cfg.strategy, CommitStrategy::AutoCommit { .. }) {
                    self.commit_positions();
                }
                self.done = true;
                // Sample one last time so the chart and the alert end at the final lag.
                let lag = self.total_lag();
                let now = self.now();
                if self.history.buckets().last().is_none_or(|b| b.end <= now) {
                    self.history.record(now, lag)?;
                }
                self.alert.update(now, lag);
                return Ok(false);
            }
            let wake = self
                .next_produce_us()
                .map_or(self.now_us + self.cfg.fetch_max_wait_ms * 1_000, |t| {
                    t.min(self.now_us + self.cfg.fetch_max_wait_ms * 1_000)
                });
            self.now_us = wake.max(self.now_us + 1);
            return Ok(true);
        }
        self.process_batch(&batch)?;
        Ok(true)
    }

    fn process_batch(&mut self, batch: &[Fetched]) -> Result<(), DeliveryError> {
        let len = batch.len();
        let before = matches!(self.cfg.strategy, CommitStrategy::CommitBeforeProcessing);
        if self.take_crash(|s| s == CrashStep::AfterPoll).is_some() {
            self.crash(CrashStep::AfterPoll, len, 0);
            return Ok(());
        }
        if before {
            if self.take_crash(|s| s == CrashStep::BeforeCommit).is_some() {
                self.crash(CrashStep::BeforeCommit, len, 0);
                return Ok(());
            }
            self.commit_positions();
            if self.take_crash(|s| s == CrashStep::AfterCommit).is_some() {
                self.crash(CrashStep::AfterCommit, len, 0);
                return Ok(());
            }
        }
        let mid = self.take_crash(|s| matches!(s, CrashStep::MidBatch { .. }));
        let crash_after = match mid {
            Some(CrashStep::MidBatch { processed }) => Some(processed.min(len)),
            _ => None,
        };
        let per_record_us = (1e6 / self.cfg.consume_per_sec).max(0.0);
        let mut spent = 0.0f64;
        let start_us = self.now_us;
        for (i, r) in batch.iter().enumerate() {
            if crash_after == Some(i) {
                self.crash(CrashStep::MidBatch { processed: i }, len, i);
                return Ok(());
            }
            spent += per_record_us;
            if r.poison {
                if let Some(p) = self.cfg.poison.clone() {
                    spent += per_record_us * f64::from(p.max_retries)
                        + (p.retry_backoff_ms as f64) * 1_000.0 * f64::from(p.max_retries);
                    self.now_us = start_us.saturating_add(spent as i64);
                    let key = r.key_id.to_le_bytes();
                    let tp = &self.tps[r.partition as usize];
                    let now = self.now();
                    let group = self.cfg.group.clone();
                    if let Some(dlq) = self.dlq.as_mut() {
                        dlq.send_parts(
                            Some(&key),
                            Some(&[POISON_MARK]),
                            r.offset,
                            r.timestamp,
                            Failure {
                                original: tp,
                                error: "PoisonRecordException: cannot deserialize value",
                                group: &group,
                                retries: p.max_retries,
                            },
                            now,
                        )?;
                    }
                    self.dead_lettered += 1;
                    if let Some(f) = self
                        .flags
                        .get_mut(r.partition as usize)
                        .and_then(|v| v.get_mut(r.offset as usize))
                    {
                        *f |= FLAG_DLQ;
                    }
                    self.handle(r);
                }
            } else {
                self.now_us = start_us.saturating_add(spent as i64);
                self.write_to_sink(r);
            }
            self.maybe_sample()?;
            if let CommitStrategy::AutoCommit {
                interval_ms,
                timing: AutoCommitTiming::Background,
            } = self.cfg.strategy
            {
                // Every interval that elapsed during this record would commit
                // the same positions again: commit once and move the deadline
                // past now (computed, not looped: a slow record spans many).
                if self.now_us >= self.next_auto_commit_us {
                    self.commit_positions();
                    let step = interval_ms.saturating_mul(1_000).max(1);
                    let behind = (self.now_us - self.next_auto_commit_us) / step + 1;
                    self.next_auto_commit_us = self
                        .next_auto_commit_us
                        .saturating_add(behind.saturating_mul(step));
                }
            }
        }
        self.now_us = start_us.saturating_add(spent as i64);
        if crash_after == Some(len) {
            self.crash(CrashStep::MidBatch { processed: len }, len, len);
            return Ok(());
        }
        if self.take_crash(|s| s == CrashStep::AfterWrite).is_some() {
            self.crash(CrashStep::AfterWrite, len, len);
            return Ok(());
        }
        if !before {
            if self.take_crash(|s| s == CrashStep::BeforeCommit).is_some() {
                self.crash(CrashStep::BeforeCommit, len, len);
                return Ok(());
            }
            match self.cfg.strategy {
                CommitStrategy::ManualSync => self.commit_positions(),
                CommitStrategy::ManualAsync => {
                    self.pending_async = (0..self.tps.len())
                        .filter_map(|p| self.offsets.position(&self.tps[p]).map(|o| (p, o)))
                        .collect();
                }
                _ => {}
            }
            if self.take_crash(|s| s == CrashStep::AfterCommit).is_some() {
                self.crash(CrashStep::AfterCommit, len, len);
                return Ok(());
            }
        }
        self.batches += 1;
        Ok(())
    }

    /// Runs until drained (or `max_sim_ms`) and reports.
    pub fn run(&mut self) -> Result<DeliveryReport, DeliveryError> {
        while self.step()? {}
        Ok(self.report())
    }

    /// The ledger as of now.
    pub fn ledger(&self) -> Ledger {
        let mut l = Ledger {
            produced: self.produced,
            handlings: self.handlings,
            dead_lettered: self.dead_lettered,
            ..Ledger::default()
        };
        for p in 0..self.counts.len() {
            let counts = &self.counts[p];
            let flags = self.flags.get(p);
            // A truncated run (max_sim_ms) stopped early: what the consumer
            // never reached is pending, not lost.
            let frontier = if self.done && !self.truncated {
                counts.len()
            } else {
                // Records at or beyond the furthest point the consumer has reached are pending.
                let committed = self.offsets.committed(&self.tps[p]).unwrap_or(0);
                let pos = self.offsets.position(&self.tps[p]).unwrap_or(committed);
                (pos.max(committed).max(0) as usize).min(counts.len())
            };
            for (o, &c) in counts.iter().enumerate() {
                match c {
                    0 if o >= frontier => l.pending += 1,
                    0 => {
                        l.lost += 1;
                        if flags
                            .and_then(|f| f.get(o))
                            .is_some_and(|f| f & FLAG_SKIPPED != 0)
                        {
                            l.lost_to_offset_reset += 1;
                        } else {
                            l.lost_committed_unprocessed += 1;
                        }
                    }
                    1 => l.processed_once += 1,
                    n => {
                        l.duplicated += 1;
                        l.duplicate_deliveries += u64::from(n - 1);
                    }
                }
            }
        }
        l
    }

    /// The sink's state.
    pub fn sink_report(&self) -> SinkReport {
        let s = &self.sink;
        let (rows, dup) = match s.mode {
            SinkMode::AppendOnly => (s.accepted, s.writes - s.distinct_written),
            SinkMode::UpsertByKey => (s.upsert.len() as u64, 0),
            SinkMode::DedupeByOffset => (s.accepted, 0),
        };
        // Independent check of the view: per key, the highest offset among the
        // records that were written to the sink at least once.
        let mut expected: HashMap<u64, i64> = HashMap::new();
        for (p, counts) in self.counts.iter().enumerate() {
            let (Some(keys), Some(flags)) = (self.key_ids.get(p), self.flags.get(p)) else {
                continue;
            };
            for (o, &c) in counts.iter().enumerate() {
                let dlq = flags.get(o).is_some_and(|f| f & FLAG_DLQ != 0);
                if c > 0 && !dlq {
                    if let Some(&k) = keys.get(o) {
                        let e = expected.entry(u64::from(k)).or_insert(o as i64);
                        *e = (*e).max(o as i64);
                    }
                }
            }
        }
        SinkReport {
            mode: s.mode,
            writes: s.writes,
            rows,
            duplicate_effects: dup,
            absorbed_writes: s.absorbed,
            max_offset_view_rows: s.view.len() as u64,
            max_offset_view_consistent: expected == s.view,
        }
    }

    /// The warehouse view `MAX(offset) per key`: key id → (offset).
    pub fn max_offset_view(&self) -> &HashMap<u64, i64> {
        &self.sink.view
    }

    /// The final report.
    pub fn report(&self) -> DeliveryReport {
        DeliveryReport {
            ledger: self.ledger(),
            sink: self.sink_report(),
            crashes: self.crash_events.clone(),
            crashes_not_reached: self.pending_crashes.clone(),
            resets: self.resets.clone(),
            batches: self.batches,
            end_ms: self.now(),
            truncated: self.truncated,
            peak_lag: self.peak_lag,
            alert_level: self.alert.level(),
            segments_deleted: self.segments_deleted,
        }
    }
}

/// Builds and runs a simulation in one call.
pub fn simulate(cfg: DeliveryConfig) -> Result<DeliveryReport, DeliveryError> {
    DeliverySim::new(cfg)?.run()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Everything produced up front (1e9 records/s), one partition, full
    /// 500-record batches: batch `b` holds offsets `500b .. 500b + 500`.
    fn upfront(records: u64, strategy: CommitStrategy, crashes: Vec<CrashAt>) -> DeliveryConfig {
        DeliveryConfig {
            partitions: 1,
            records,
            produce_per_sec: 1e9,
            consume_per_sec: 2_000.0,
            strategy,
            crashes,
            ..DeliveryConfig::default()
        }
    }

    fn crash(batch: u64, step: CrashStep) -> Vec<CrashAt> {
        vec![CrashAt { batch, step }]
    }

    #[test]
    fn async_commit_lost_in_flight_replays_the_batch() {
        let r = simulate(upfront(
            2_000,
            CommitStrategy::ManualAsync,
            crash(1, CrashStep::AfterCommit),
        ))
        .unwrap();
        assert_eq!((r.ledger.duplicated, r.ledger.lost), (500, 0));
    }

    #[test]
    fn commit_before_processing_loses_the_committed_unprocessed_gap() {
        let r = simulate(upfront(
            2_000,
            CommitStrategy::CommitBeforeProcessing,
            crash(1, CrashStep::AfterCommit),
        ))
        .unwrap();
        assert_eq!(
            (
                r.ledger.lost,
                r.ledger.lost_committed_unprocessed,
                r.ledger.duplicated
            ),
            (500, 500, 0)
        );
        let r = simulate(upfront(
            2_000,
            CommitStrategy::CommitBeforeProcessing,
            crash(1, CrashStep::MidBatch { processed: 200 }),
        ))
        .unwrap();
        assert_eq!((r.ledger.processed_once, r.ledger.lost), (1_700, 300));
        // Crashing before the commit is harmless: nothing was processed or committed.
        let r = simulate(upfront(
            2_000,
            CommitStrategy::CommitBeforeProcessing,
            crash(1, CrashStep::BeforeCommit),
        ))
        .unwrap();
        assert_eq!(
            (r.ledger.processed_once, r.ledger.lost, r.ledger.duplicated),
            (2_000, 0, 0)
        );
    }

    #[test]
    fn background_auto_commit_can_lose_records_in_poll_auto_commit_cannot() {
        // 50 records/s: a 500-record batch takes 10 s, the 5 s auto-commit timer
        // fires mid-batch and commits offset 500 while records 250.. are unprocessed.
        let cfg = |timing| DeliveryConfig {
            consume_per_sec: 50.0,
            ..upfront(
                1_000,
                CommitStrategy::AutoCommit {
                    interval_ms: 5_000,
                    timing,
                },
                crash(0, CrashStep::MidBatch { processed: 400 }),
            )
        };
        let bg = simulate(cfg(AutoCommitTiming::Background)).unwrap();
        assert_eq!((bg.ledger.lost, bg.ledger.duplicated), (100, 0));
        let in_poll = simulate(cfg(AutoCommitTiming::InPoll)).unwrap();
        assert_eq!((in_poll.ledger.lost, in_poll.ledger.duplicated), (0, 400));
    }

    #[test]
    fn idempotent_sinks_absorb_duplicates_and_the_max_offset_view_hides_them() {
        for sink in [
            SinkMode::AppendOnly,
            SinkMode::UpsertByKey,
            SinkMode::DedupeByOffset,
        ] {
            let cfg = DeliveryConfig {
                sink,
                keys: 50,
                ..upfront(
                    2_000,
                    CommitStrategy::ManualSync,
                    crash(1, CrashStep::AfterWrite),
                )
            };
            let r = simulate(cfg).unwrap();
            assert_eq!(r.ledger.duplicated, 500);
            let expected = if sink == SinkMode::AppendOnly { 500 } else { 0 };
            assert_eq!(r.sink.duplicate_effects, expected, "{sink:?}");
            assert_eq!(r.sink.max_offset_view_rows, 50);
            assert!(r.sink.max_offset_view_consistent);
        }
    }

    #[test]
    fn poison_records_go_to_the_dlq_and_are_counted_once() {
        let cfg = DeliveryConfig {
            poison: Some(PoisonConfig {
                every: 100,
                max_retries: 3,
                retry_backoff_ms: 100,
                dlq_topic: "events.DLQ".into(),
            }),
            ..upfront(1_000, CommitStrategy::ManualSync, vec![])
        };
        let mut sim = DeliverySim::new(cfg).unwrap();
        let r = sim.run().unwrap();
        assert_eq!(
            (
                r.ledger.dead_lettered,
                r.ledger.processed_once,
                r.ledger.lost
            ),
            (10, 1_000, 0)
        );
        let dlq = sim.dlq().unwrap().read_from(0).unwrap();
        assert_eq!(dlq.len(), 10);
        assert_eq!(
            (
                dlq[0].original_offset,
                dlq[0].retries,
                dlq[0].group.as_str()
            ),
            (99, 3, "pipeline")
        );
    }

    fn falling_behind(reset: AutoOffsetReset) -> DeliveryConfig {
        DeliveryConfig {
            partitions: 1,
            records: 5_000,
            produce_per_sec: 1_000.0,
            consume_per_sec: 500.0,
            auto_offset_reset: reset,
            retention: Some(RetentionSettings {
                retention_ms: 2_000,
                retention_bytes: -1,
                segment_bytes: 5_000,
                check_interval_ms: 500,
            }),
            ..DeliveryConfig::default()
        }
    }

    #[test]
    fn retention_shorter_than_lag_loses_data_with_earliest_and_latest() {
        let e = simulate(falling_behind(AutoOffsetReset::Earliest)).unwrap();
        assert!(e.ledger.lost > 0);
        assert_eq!(e.ledger.lost, e.ledger.lost_to_offset_reset);
        assert_eq!(e.ledger.duplicated, 0);
        assert!(e.ledger.balances());
        assert!(e
            .resets
            .iter()
            .any(|x| x.source == PositionSource::OutOfRange));
        let lost_in_resets: u64 = e.resets.iter().map(|x| x.lost).sum();
        assert_eq!(lost_in_resets, e.ledger.lost);
        assert!(e.segments_deleted > 0);
        let l = simulate(falling_behind(AutoOffsetReset::Latest)).unwrap();
        assert!(
            l.ledger.lost > e.ledger.lost,
            "latest jumps to the head and skips the whole backlog"
        );
        assert!(l.ledger.balances());
        let none_without_commit = simulate(falling_behind(AutoOffsetReset::None)).unwrap_err();
        assert!(matches!(
            none_without_commit,
            DeliveryError::Consumer(CommitError::NoOffsetForPartition { .. })
        ));
        let err = simulate(DeliveryConfig {
            initial_committed: Some(0),
            ..falling_behind(AutoOffsetReset::None)
        })
        .unwrap_err();
        assert!(
            matches!(
                err,
                DeliveryError::Consumer(CommitError::OffsetOutOfRange { .. })
            ),
            "{err}"
        );
        // Retention longer than the worst lag loses nothing.
        let mut ok = falling_behind(AutoOffsetReset::Earliest);
        ok.retention = Some(RetentionSettings {
            retention_ms: 60_000,
            ..ok.retention.unwrap()
        });
        assert_eq!(simulate(ok).unwrap().ledger.lost, 0);
    }

    #[test]
    fn latest_without_a_commit_skips_what_was_produced_before_the_restart() {
        let cfg = DeliveryConfig {
            auto_offset_reset: AutoOffsetReset::Latest,
            ..upfront(
                1_000,
                CommitStrategy::ManualSync,
                crash(0, CrashStep::AfterPoll),
            )
        };
        let r = simulate(cfg).unwrap();
        // First start: record 0 existed already? No: at t = 0 all 1000 are produced, so
        // the very first position is the HW and nothing is ever consumed.
        assert_eq!(r.ledger.lost, 1_000);
        assert_eq!(r.ledger.lost_to_offset_reset, 1_000);
    }

    #[test]
    fn lag_alert_and_bounded_history() {
        let cfg = DeliveryConfig {
            records: 30_000,
            produce_per_sec: 2_000.0,
            consume_per_sec: 1_000.0,
            lag_history_capacity: 16,
            lag_sample_interval_ms: 100,
            thresholds: LagThresholds::new(1_000, 10_000, 0).unwrap(),
            ..DeliveryConfig::default()
        };
        let mut sim = DeliverySim::new(cfg).unwrap();
        let r = sim.run().unwrap();
        assert!(sim.lag_history().buckets().len() <= 16);
        assert!(sim.lag_history().sample_count() > 100);
        assert!(r.peak_lag >= 10_000);
        let levels: Vec<AlertLevel> = sim.lag_alert().transitions().iter().map(|t| t.to).collect();
        assert_eq!(
            levels,
            vec![
                AlertLevel::Warning,
                AlertLevel::Critical,
                AlertLevel::Warning,
                AlertLevel::Ok
            ]
        );
        assert_eq!(r.alert_level, AlertLevel::Ok);
    }

    #[test]
    fn reset_needs_an_inactive_group_and_to_earliest_replays_everything() {
        use crate::offsets::reset::{plan_reset, ResetScope, ResetSpec};
        use crate::offsets::ConsumerGroupState;
        let mut sim = DeliverySim::new(upfront(1_000, CommitStrategy::ManualSync, vec![])).unwrap();
        sim.step().unwrap();
        assert_eq!(sim.group_state(), ConsumerGroupState::Stable);
        let scope = ResetScope::Topics(vec![("events".into(), None)]);
        let err = plan_reset(
            sim.cluster(),
            sim.offsets(),
            sim.group_state(),
            &scope,
            ResetSpec::ToEarliest,
            sim.now(),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Assignments can only be reset if the group 'pipeline' is inactive, but the current state is Stable."
        );
        // A plan computed while inactive cannot be executed against a running group either.
        let mut done =
            DeliverySim::new(upfront(1_000, CommitStrategy::ManualSync, vec![])).unwrap();
        done.run().unwrap();
        let plan = plan_reset(
            done.cluster(),
            done.offsets(),
            done.group_state(),
            &scope,
            ResetSpec::ToEarliest,
            done.now(),
        )
        .unwrap();
        assert!(matches!(
            sim.execute_reset(&plan),
            Err(crate::offsets::reset::ResetError::GroupNotInactive { .. })
        ));
        assert_eq!(done.group_state(), ConsumerGroupState::Empty);
        done.execute_reset(&plan).unwrap();
        assert_eq!(done.group_state(), ConsumerGroupState::Stable);
        let r = done.run().unwrap();
        assert_eq!((r.ledger.duplicated, r.ledger.lost), (1_000, 0));
        assert!(r.ledger.balances());
        // --shift-by -100 replays the last 100 records of the partition.
        let mut shifted =
            DeliverySim::new(upfront(1_000, CommitStrategy::ManualSync, vec![])).unwrap();
        shifted.run().unwrap();
        let plan = plan_reset(
            shifted.cluster(),
            shifted.offsets(),
            shifted.group_state(),
            &scope,
            ResetSpec::ShiftBy(-100),
            shifted.now(),
        )
        .unwrap();
        assert_eq!(plan.rows[0].new_offset, 900);
        shifted.execute_reset(&plan).unwrap();
        let r = shifted.run().unwrap();
        assert_eq!(
            (r.ledger.processed_once, r.ledger.duplicated, r.ledger.lost),
            (900, 100, 0)
        );
    }

    #[test]
    fn closing_after_the_drain_auto_commits_and_clears_the_alert() {
        // Consumer at half the producer's rate: lag goes critical, then drains.
        let cfg = DeliveryConfig {
            records: 3_000,
            consume_per_sec: 500.0,
            strategy: CommitStrategy::default_auto_commit(),
            thresholds: LagThresholds::new(100, 400, 0).unwrap(),
            lag_sample_interval_ms: 250,
            ..DeliveryConfig::default()
        };
        let mut sim = DeliverySim::new(cfg).unwrap();
        let r = sim.run().unwrap();
        assert!(r.peak_lag >= 400);
        assert_eq!(
            r.alert_level,
            AlertLevel::Ok,
            "the final sample feeds the alert"
        );
        for t in sim.timeline() {
            assert_eq!(t.committed, Some(t.high_watermark), "close() auto-commits");
            assert_eq!(t.lag, Some(0));
        }
        assert_eq!(sim.total_lag(), 0);
    }

    #[test]
    fn rates_that_would_stand_simulated_time_still_are_refused() {
        // Issue 16 #3–#5: 1e-320 records/s passed the old "> 0" check.
        for (produce, consume) in [(1e-320, 2_000.0), (1_000.0, 1e-320), (0.0009, 1.0)] {
            let Err(e) = DeliverySim::new(DeliveryConfig {
                produce_per_sec: produce,
                consume_per_sec: consume,
                ..DeliveryConfig::default()
            }) else {
                panic!("{produce}/{consume} records/s accepted");
            };
            assert!(e.to_string().contains("from 0.001 to"), "{e}");
        }
        // Issue 16 #2: auto.commit.interval.ms is a Java int.
        let Err(e) = DeliverySim::new(DeliveryConfig {
            strategy: CommitStrategy::AutoCommit {
                interval_ms: i64::MAX,
                timing: AutoCommitTiming::Background,
            },
            ..DeliveryConfig::default()
        }) else {
            panic!("auto.commit.interval.ms = Long.MAX accepted");
        };
        assert!(e.to_string().contains("at most 2147483647"), "{e}");
    }

    #[test]
    fn a_slow_record_spanning_many_auto_commit_intervals_takes_one_step() {
        // One record every 1,000 s against a 1 ms background auto-commit: the
        // old loop committed once per elapsed interval (10^6 per record).
        let cfg = DeliveryConfig {
            records: 3,
            produce_per_sec: 1e6,
            consume_per_sec: MIN_RATE_PER_SEC,
            strategy: CommitStrategy::AutoCommit {
                interval_ms: 1,
                timing: AutoCommitTiming::Background,
            },
            ..DeliveryConfig::default()
        };
        let bound = cfg.poll_cycle_bound();
        let mut sim = DeliverySim::new(cfg).unwrap();
        let mut steps = 0u64;
        while sim.step().unwrap() {
            steps += 1;
            assert!(
                steps <= bound,
                "took more poll cycles than the bound {bound}"
            );
        }
        let r = sim.report();
        assert!(!r.truncated);
        assert_eq!((r.ledger.processed_once, r.ledger.lost), (3, 0));
    }

    #[test]
    fn a_truncated_run_counts_what_it_never_reached_as_pending_not_lost() {
        // Issue 16 #5: the run stopped by max_sim_ms reported 9,999 "lost"
        // under commit-after-processing, which loses nothing.
        let cfg = DeliveryConfig {
            records: 1_000,
            produce_per_sec: 1e6,
            consume_per_sec: 10.0,
            max_sim_ms: 5_000,
            ..DeliveryConfig::default()
        };
        let r = DeliverySim::new(cfg).unwrap().run().unwrap();
        assert!(r.truncated);
        assert_eq!(r.ledger.lost, 0);
        assert!(r.ledger.pending > 0, "{:?}", r.ledger);
        assert_eq!(r.ledger.pending + r.ledger.processed_once, 1_000);
        assert!(r.ledger.balances());
    }

    #[test]
    fn the_poll_cycle_bound_holds_for_ordinary_runs() {
        for cfg in [
            DeliveryConfig::default(),
            DeliveryConfig {
                produce_per_sec: 3.0,
                records: 200,
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                consume_per_sec: 400.0,
                crashes: vec![CrashAt {
                    batch: 3,
                    step: CrashStep::AfterWrite,
                }],
                ..DeliveryConfig::default()
            },
        ] {
            let bound = cfg.poll_cycle_bound();
            let mut sim = DeliverySim::new(cfg).unwrap();
            let mut steps = 0u64;
            while sim.step().unwrap() {
                steps += 1;
            }
            assert!(steps <= bound, "{steps} steps > bound {bound}");
        }
    }

    #[test]
    fn between_steps_the_log_holds_everything_due_by_now() {
        // 1,000 records/s: record i is due at i ms, so by `now` ms there are now + 1.
        let mut sim = DeliverySim::new(DeliveryConfig {
            records: 3_000,
            consume_per_sec: 500.0,
            ..DeliveryConfig::default()
        })
        .unwrap();
        let mut steps = 0;
        while sim.step().unwrap() {
            steps += 1;
            let leo: i64 = sim.timeline().iter().map(|t| t.log_end).sum();
            assert_eq!(leo, (sim.now() + 1).min(3_000), "after step {steps}");
        }
        assert!(steps > 5);
    }

    #[test]
    fn bad_configs_are_errors() {
        for cfg in [
            DeliveryConfig {
                partitions: 0,
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                records: 0,
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                consume_per_sec: f64::NAN,
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                max_poll_records: 0,
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                strategy: CommitStrategy::AutoCommit {
                    interval_ms: 0,
                    timing: AutoCommitTiming::InPoll,
                },
                ..DeliveryConfig::default()
            },
            DeliveryConfig {
                topic: "bad topic".into(),
                ..DeliveryConfig::default()
            },
        ] {
            assert!(DeliverySim::new(cfg).is_err());
        }
    }

    fn step_strategy() -> impl Strategy<Value = CrashStep> {
        prop_oneof![
            Just(CrashStep::AfterPoll),
            (0usize..600).prop_map(|processed| CrashStep::MidBatch { processed }),
            Just(CrashStep::AfterWrite),
            Just(CrashStep::BeforeCommit),
            Just(CrashStep::AfterCommit),
        ]
    }

    fn crashes() -> impl Strategy<Value = Vec<CrashAt>> {
        proptest::collection::vec(
            (0u64..12, step_strategy()).prop_map(|(batch, step)| CrashAt { batch, step }),
            0..6,
        )
    }

    fn base(
        partitions: u32,
        records: u64,
        produce: f64,
        max_poll: usize,
        strategy: CommitStrategy,
        crashes: Vec<CrashAt>,
    ) -> DeliveryConfig {
        DeliveryConfig {
            partitions,
            records,
            keys: 37,
            produce_per_sec: produce,
            consume_per_sec: 1_500.0,
            max_poll_records: max_poll,
            strategy,
            crashes,
            restart_delay_ms: 700,
            ..DeliveryConfig::default()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20))]

        #[test]
        fn commit_after_processing_never_loses(
            partitions in 1u32..4, records in 1u64..2_500, produce in prop_oneof![Just(800.0), Just(1e9)],
            max_poll in prop_oneof![Just(500usize), 1usize..200],
            strategy in prop_oneof![
                Just(CommitStrategy::ManualSync),
                Just(CommitStrategy::ManualAsync),
                Just(CommitStrategy::AutoCommit { interval_ms: 1_000, timing: AutoCommitTiming::InPoll }),
            ],
            crashes in crashes(),
        ) {
            let r = simulate(base(partitions, records, produce, max_poll, strategy, crashes)).unwrap();
            prop_assert_eq!(r.ledger.lost, 0);
            prop_assert!(r.ledger.balances());
            prop_assert_eq!(r.ledger.produced, records);
            prop_assert!(!r.truncated);
        }

        #[test]
        fn commit_before_processing_loses_exactly_the_gap(
            partitions in 1u32..4, records in 1u64..2_500, produce in prop_oneof![Just(800.0), Just(1e9)],
            max_poll in prop_oneof![Just(500usize), 1usize..200],
            crashes in crashes(),
        ) {
            let r = simulate(base(partitions, records, produce, max_poll, CommitStrategy::CommitBeforeProcessing, crashes)).unwrap();
            let gap: u64 = r.crashes.iter().map(|c| match c.step {
                CrashStep::AfterCommit | CrashStep::MidBatch { .. } | CrashStep::AfterWrite => (c.batch_len - c.handled_in_batch) as u64,
                _ => 0,
            }).sum();
            prop_assert_eq!(r.ledger.lost, gap);
            prop_assert_eq!(r.ledger.lost_committed_unprocessed, gap);
            prop_assert_eq!(r.ledger.duplicated, 0);
            prop_assert!(r.ledger.balances());
        }

        #[test]
        fn ledger_always_balances_and_idempotent_sinks_have_no_duplicate_effects(
            partitions in 1u32..4, records in 1u64..2_000,
            strategy in prop_oneof![
                Just(CommitStrategy::ManualSync),
                Just(CommitStrategy::ManualAsync),
                Just(CommitStrategy::CommitBeforeProcessing),
                Just(CommitStrategy::AutoCommit { interval_ms: 300, timing: AutoCommitTiming::InPoll }),
                Just(CommitStrategy::AutoCommit { interval_ms: 300, timing: AutoCommitTiming::Background }),
            ],
            sink in prop_oneof![Just(SinkMode::AppendOnly), Just(SinkMode::UpsertByKey), Just(SinkMode::DedupeByOffset)],
            reset in prop_oneof![Just(AutoOffsetReset::Earliest), Just(AutoOffsetReset::Latest)],
            retention in proptest::option::of(500i64..5_000),
            poison in proptest::option::of(3u64..50),
            crashes in crashes(),
        ) {
            let cfg = DeliveryConfig {
                sink,
                auto_offset_reset: reset,
                consume_per_sec: 600.0,
                retention: retention.map(|ms| RetentionSettings { retention_ms: ms, retention_bytes: -1, segment_bytes: 3_000, check_interval_ms: 250 }),
                poison: poison.map(|every| PoisonConfig { every, max_retries: 2, retry_backoff_ms: 10, dlq_topic: "dlq".into() }),
                ..base(partitions, records, 1_000.0, 500, strategy, crashes)
            };
            let r = simulate(cfg).unwrap();
            prop_assert!(r.ledger.balances(), "{:?}", r.ledger);
            prop_assert_eq!(r.ledger.pending, 0);
            prop_assert!(r.sink.max_offset_view_consistent);
            if sink == SinkMode::AppendOnly {
                prop_assert_eq!(r.sink.writes - r.sink.rows, 0);
                if poison.is_none() {
                    prop_assert_eq!(r.sink.duplicate_effects, r.ledger.duplicate_deliveries);
                }
            } else {
                prop_assert_eq!(r.sink.duplicate_effects, 0);
            }
        }
    }
}
