//! # Offsets, commits, lag, resets and delivery semantics
//!
//! This is where real pipelines lose or duplicate data, and kplay makes it
//! countable. The module is split by Kafka concept:
//!
//! | module | Kafka concept | main types |
//! |---|---|---|
//! | [`committed`] | a group's **position** (next offset to fetch) and **committed offset**, kept apart; commit strategies; `auto.offset.reset` on `OffsetOutOfRange` | [`committed::GroupOffsets`], [`committed::CommitStrategy`], [`committed::AutoOffsetReset`] |
//! | [`delivery`] | a deterministic produce → poll → process → sink → commit simulation with crash injection and a ledger of records processed once / twice+ / never | [`delivery::DeliveryConfig`], [`delivery::DeliverySim`], [`delivery::Ledger`] |
//! | [`dlq`] | dead-letter topic for poison records, with Kafka Connect-style headers, and replay | [`dlq::DeadLetterQueue`], [`dlq::DlqRecord`] |
//! | [`lag`] | lag as `kafka-consumer-groups` prints it, the consumer's own `records-lag`, lag in time, a bounded lag history, alert thresholds, time to drain | [`lag::LagHistory`], [`lag::LagAlert`], [`lag::estimate_time_to_drain`] |
//! | [`reset`] | `kafka-consumer-groups --reset-offsets` with every `--to-*`/`--shift-by`/`--by-duration` option and the dry-run table | [`reset::ResetSpec`], [`reset::plan_reset`], [`reset::ResetPlan`] |
//! | [`describe`] | the `kafka-consumer-groups --describe` table, rendered byte-exactly and parsed back | [`describe::DescribeRow`], [`describe::render_describe`], [`describe::parse_describe`] |
//!
//! ## Position versus committed offset
//!
//! A consumer's **position** for a partition is the offset of the next record
//! `poll()` will return; it moves as soon as records are handed to the
//! application. The **committed offset** is what the group coordinator stores in
//! `__consumer_offsets`; it only moves when the application (or auto-commit)
//! commits, and it is where a restarted consumer resumes. Every duplicate and
//! every loss in a pipeline is a gap between these two numbers and the
//! application's own progress:
//!
//! * commit **after** processing → a crash replays `position − committed`
//!   records: *at-least-once*, duplicates but no loss;
//! * commit **before** processing → a crash skips the committed-but-unprocessed
//!   records: *at-most-once*, loss but no duplicates;
//! * auto-commit → depends on when the timer fires relative to processing.
//!
//! An idempotent sink (upsert by key, or dedupe by offset) turns the duplicates
//! of at-least-once into no-ops: "idempotency wins".
//!
//! ## Lag
//!
//! `kafka-consumer-groups --describe` prints `LAG = LOG-END-OFFSET − CURRENT-OFFSET`
//! where `LOG-END-OFFSET` is the **high watermark** (ListOffsets LATEST with
//! `READ_UNCOMMITTED`) and `CURRENT-OFFSET` the **committed** offset
//! (`ConsumerGroupCommand.getLag`). The consumer's own metric `records-lag` is
//! `HW − position` (or `LSO − position` under `read_committed`,
//! `SubscriptionState.partitionLag`). See [`lag`].
//!
//! ## Retention
//!
//! Retention deletes whole segments and moves the log start offset forward. A
//! consumer whose position falls below it gets `OFFSET_OUT_OF_RANGE` and follows
//! `auto.offset.reset`; every record it skipped is **lost** — "retention shorter
//! than worst-case lag loses data". The delivery simulation runs the shared
//! [`crate::retention`] module on its topic.

pub mod committed;
pub mod delivery;
pub mod describe;
pub mod dlq;
pub mod lag;
pub mod reset;

/// A topic partition (`orders-3`): the same type the group module uses, so
/// assignments and offsets key the same maps.
pub use crate::group::TopicPartition;

/// A consumer group's state as the admin client reports it
/// (`org.apache.kafka.common.GroupState`; `toString` gives the names below).
///
/// This is a minimal local mirror so that resets and describe can be driven
/// before the group coordinator model exists; map the coordinator's state into
/// it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum ConsumerGroupState {
    /// No members; offsets may remain.
    Empty,
    /// Members are joining.
    PreparingRebalance,
    /// Waiting for the leader's assignment.
    CompletingRebalance,
    /// Members have their assignments.
    Stable,
    /// The group no longer exists.
    Dead,
    /// KIP-848: the coordinator is computing a target assignment.
    Assigning,
    /// KIP-848: members converge to the target assignment.
    Reconciling,
}

impl ConsumerGroupState {
    /// Whether the group has no active members (the only states in which
    /// `--reset-offsets` is allowed: `Empty` and `Dead`).
    pub fn is_inactive(self) -> bool {
        matches!(self, Self::Empty | Self::Dead)
    }
}

impl std::fmt::Display for ConsumerGroupState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Empty => "Empty",
            Self::PreparingRebalance => "PreparingRebalance",
            Self::CompletingRebalance => "CompletingRebalance",
            Self::Stable => "Stable",
            Self::Dead => "Dead",
            Self::Assigning => "Assigning",
            Self::Reconciling => "Reconciling",
        })
    }
}
