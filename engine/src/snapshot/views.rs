//! What an operator reads off a [`Snapshot`]: replica health, lag, hot
//! partitions, retention at risk, time to drain, and a planner input.
//!
//! * **Under-replicated**: `|ISR| < |replicas|` (the broker metric
//!   `UnderReplicatedPartitions`); **offline**: no leader
//!   (`OfflinePartitionsCount`); **under min ISR**: `|ISR| <
//!   min.insync.replicas` (`UnderMinIsrPartitionCount`: `acks=all` produces
//!   fail with `NOT_ENOUGH_REPLICAS`). KAFKA-REPLICATION.md §2.6, §2.9.
//! * **Lag** is `kafka-consumer-groups --describe`'s: `LOG-END-OFFSET −
//!   CURRENT-OFFSET` with the high watermark, `-` without a committed offset
//!   ([`crate::offsets::lag::cli_lag`]); rows are ordered as the tool orders
//!   them ([`crate::offsets::describe::describe_rows`]'s rule). A committed
//!   offset beyond the log end (an arbitrary commit, or a log truncated after
//!   an unclean election) gives a negative lag, printed as the tool prints it
//!   and flagged; totals and alerts count it as 0 and say so.
//! * **Alert level** of a group: its total lag against the 10,000 / 100,000
//!   thresholds of [`crate::offsets::lag::LagThresholds`] (the sum, as
//!   `kafka_consumergroup_lag_sum` of kafka_exporter).
//! * **Time lag** of a partition: lag ÷ the partition's measured
//!   records/s (how long the producer takes to write that many records — the
//!   age of the oldest unconsumed record at a steady rate). When it exceeds
//!   `retention.ms` the group will find its next records deleted; a committed
//!   offset below the log start offset already has (the consumer resets by
//!   `auto.offset.reset` and skips or re-reads).
//! * **Time to drain**: [`crate::offsets::lag::estimate_time_to_drain`] with
//!   the measured produce rate and the group's measured commit rate as the
//!   consume rate.
//! * **Hot partitions**: the 2×-median rule of [`crate::skew`] on the
//!   measured records/s and bytes/s per partition (on retained records,
//!   `log_end − log_start`, when rates were not measured); the sampled key
//!   hashes give the heaviest keys.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{GroupSnapshot, PartitionSnapshot, Snapshot, TopicSnapshot};
use crate::offsets::describe::{DescribeRow, MISSING};
use crate::offsets::lag::{
    cli_lag, estimate_time_to_drain, AlertLevel, DrainEstimate, LagThresholds, PartitionRates,
};
use crate::planner::PlanInput;
use crate::skew::{median, HOT_PARTITION_FACTOR};

/// Health of one partition. `None` flags mean the source did not show
/// leader and ISR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartitionHealth {
    /// Partition index.
    pub partition: i32,
    /// `|ISR| < |replicas|`.
    pub under_replicated: Option<bool>,
    /// No leader.
    pub offline: Option<bool>,
    /// `|ISR| < min.insync.replicas` (unknown without the config).
    pub under_min_isr: Option<bool>,
}

/// What the hot-partition rule measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LoadBasis {
    /// Measured records/s and bytes/s.
    Rate,
    /// Retained records (`log_end − log_start`), rates unknown.
    RetainedRecords,
    /// Nothing to compare.
    None,
}

/// A key hash seen in the samples.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampledKey {
    /// Java `Utils.murmur2` of the key.
    pub murmur2: i32,
    /// Sampled records with this key hash.
    pub records: u64,
    /// Partitions the key was sampled from (ascending).
    pub partitions: Vec<i32>,
}

/// The topic view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TopicView {
    /// Topic name.
    pub name: String,
    /// Partition count.
    pub partitions: usize,
    /// Replicas of the first partition (as `kafka-topics --describe` prints
    /// `ReplicationFactor`).
    pub replication_factor: usize,
    /// Per-partition health, in partition order.
    pub health: Vec<PartitionHealth>,
    /// Under-replicated partitions.
    pub under_replicated: usize,
    /// Offline partitions.
    pub offline: usize,
    /// Partitions under `min.insync.replicas`.
    pub under_min_isr: usize,
    /// Sum of the measured records/s (`None` if any partition is unmeasured).
    pub records_per_s: Option<f64>,
    /// Sum of the measured bytes/s (`None` if any partition is unmeasured).
    pub bytes_per_s: Option<f64>,
    /// Retained records, Σ (`log_end − log_start`), where known.
    pub retained_records: u64,
    /// What [`hot_partitions`](Self::hot_partitions) compared.
    pub load_basis: LoadBasis,
    /// Partitions above 2× the median load (records or bytes).
    pub hot_partitions: Vec<i32>,
    /// Mean sampled record size (key + value), bytes.
    pub mean_record_bytes: Option<f64>,
    /// The most frequent sampled key hashes (at most 10).
    pub top_keys: Vec<SampledKey>,
    /// `retention.ms`, when configured (−1 = unlimited).
    pub retention_ms: Option<i64>,
}

/// One row of a group's lag table, in the `kafka-consumer-groups` layout.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LagRow {
    /// TOPIC.
    pub topic: String,
    /// PARTITION.
    pub partition: i32,
    /// CURRENT-OFFSET.
    pub committed: Option<i64>,
    /// LOG-END-OFFSET.
    pub log_end_offset: Option<i64>,
    /// LAG, exactly as the tool prints it (may be negative, see the module docs).
    pub lag: Option<i64>,
    /// CONSUMER-ID, `None` for `-`.
    pub member_id: Option<String>,
    /// HOST.
    pub host: Option<String>,
    /// CLIENT-ID.
    pub client_id: Option<String>,
    /// Lag ÷ the partition's records/s, ms.
    pub time_lag_ms: Option<f64>,
}

/// A warning about a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum GroupWarning {
    /// The lag in time exceeds `retention.ms`: records will be deleted before
    /// the group reads them.
    RetentionShorterThanLag {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// Estimated time lag, ms.
        time_lag_ms: f64,
        /// The topic's `retention.ms`.
        retention_ms: i64,
    },
    /// The committed offset is below the log start offset: those records are
    /// already gone (`OFFSET_OUT_OF_RANGE` on the next fetch).
    CommittedBeforeLogStart {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// Committed offset.
        committed: i64,
        /// Log start offset.
        log_start_offset: i64,
    },
    /// The committed offset is beyond the log end (negative lag).
    CommittedBeyondLogEnd {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
        /// The (negative) lag.
        lag: i64,
    },
}

/// Time until a group has caught up, at the measured rates
/// ([`estimate_time_to_drain`], named by topic-partition).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Drain {
    /// No partition lags.
    Drained,
    /// The slowest partition catches up after `ms`.
    Finite {
        /// Milliseconds until every partition is drained.
        ms: f64,
        /// Topic of the slowest partition.
        topic: String,
        /// The slowest partition.
        partition: i32,
    },
    /// This partition is consumed no faster than it is produced.
    Never {
        /// Topic.
        topic: String,
        /// Partition.
        partition: i32,
    },
}

/// The group view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupView {
    /// `group.id`.
    pub group_id: String,
    /// State, when known.
    pub state: Option<String>,
    /// Assignor, when known.
    pub protocol: Option<String>,
    /// Members.
    pub members: usize,
    /// The lag table, in the tool's row order.
    pub rows: Vec<LagRow>,
    /// Σ max(lag, 0) over rows with a lag.
    pub total_lag: i64,
    /// Largest lag of one partition (`None` when no row has a lag).
    pub max_lag: Option<i64>,
    /// Alert level of `total_lag` (10k warning, 100k critical).
    pub alert: AlertLevel,
    /// Largest time lag over the rows, ms.
    pub worst_time_lag_ms: Option<f64>,
    /// Time to drain at the measured rates; `None` when a rate is unknown.
    pub drain: Option<Drain>,
    /// Warnings.
    pub warnings: Vec<GroupWarning>,
}

impl GroupView {
    /// The rows as [`crate::offsets::describe::DescribeRow`]s, ready for
    /// [`crate::offsets::describe::render_describe`] (the byte-exact
    /// `kafka-consumer-groups --describe` table): `-` for what is unknown.
    pub fn describe_rows(&self) -> Vec<DescribeRow> {
        let dash = |v: &Option<String>| Some(v.clone().unwrap_or_else(|| MISSING.to_owned()));
        self.rows
            .iter()
            .map(|r| DescribeRow {
                group: self.group_id.clone(),
                topic: Some(r.topic.clone()),
                partition: Some(r.partition),
                current_offset: r.committed,
                log_end_offset: r.log_end_offset,
                lag: r.lag,
                consumer_id: dash(&r.member_id),
                host: dash(&r.host),
                client_id: dash(&r.client_id),
            })
            .collect()
    }
}

fn partition_health(p: &PartitionSnapshot, min_isr: Option<i64>) -> PartitionHealth {
    if !p.replica_state_known {
        return PartitionHealth {
            partition: p.partition,
            under_replicated: None,
            offline: None,
            under_min_isr: None,
        };
    }
    PartitionHealth {
        partition: p.partition,
        under_replicated: Some(p.isr.len() < p.replicas.len()),
        offline: Some(p.leader.is_none()),
        under_min_isr: min_isr.map(|m| (p.isr.len() as i64) < m),
    }
}

fn config_i64(t: &TopicSnapshot, key: &str) -> Option<i64> {
    t.configs.get(key).and_then(|v| v.trim().parse().ok())
}

/// Partitions above [`HOT_PARTITION_FACTOR`] × the median of `loads`
/// (records or bytes), as [`crate::skew`] decides; with a median of 0 every
/// non-empty partition is hot.
fn hot(loads: &[(i32, u64, u64)]) -> Vec<i32> {
    let records: Vec<u64> = loads.iter().map(|l| l.1).collect();
    let bytes: Vec<u64> = loads.iter().map(|l| l.2).collect();
    let (mr, mb) = (median(&records), median(&bytes));
    let over = |v: u64, m: f64| {
        if m == 0.0 {
            v > 0
        } else {
            v as f64 > HOT_PARTITION_FACTOR * m
        }
    };
    loads
        .iter()
        .filter(|l| over(l.1, mr) || over(l.2, mb))
        .map(|l| l.0)
        .collect()
}

/// The view of one topic.
pub fn topic_view(t: &TopicSnapshot) -> TopicView {
    let mut parts: Vec<&PartitionSnapshot> = t.partitions.iter().collect();
    crate::sort::sort_by_key(&mut parts, |p| p.partition);
    let min_isr = config_i64(t, "min.insync.replicas");
    let health: Vec<PartitionHealth> = parts.iter().map(|p| partition_health(p, min_isr)).collect();
    let count = |f: fn(&PartitionHealth) -> Option<bool>| {
        health.iter().filter(|h| f(h) == Some(true)).count()
    };
    let sum = |f: fn(&PartitionSnapshot) -> Option<f64>| -> Option<f64> {
        parts.iter().map(|p| f(p)).sum()
    };
    let records_per_s = sum(|p| p.records_per_s);
    let bytes_per_s = sum(|p| p.bytes_per_s);
    let retained = |p: &PartitionSnapshot| match (p.log_start_offset, p.log_end_offset) {
        (Some(s), Some(e)) => u64::try_from(e.saturating_sub(s)).unwrap_or(0),
        _ => 0,
    };
    let retained_records = parts
        .iter()
        .map(|p| retained(p))
        .fold(0u64, u64::saturating_add);
    // Rates are scaled to milli-units so the integer median of skew.rs applies.
    let milli = |v: Option<f64>| (v.unwrap_or(0.0) * 1000.0).round() as u64;
    let (load_basis, loads): (LoadBasis, Vec<(i32, u64, u64)>) =
        if !parts.is_empty() && records_per_s.is_some() {
            (
                LoadBasis::Rate,
                parts
                    .iter()
                    .map(|p| (p.partition, milli(p.records_per_s), milli(p.bytes_per_s)))
                    .collect(),
            )
        } else if parts.iter().any(|p| p.log_end_offset.is_some()) {
            (
                LoadBasis::RetainedRecords,
                parts
                    .iter()
                    .map(|p| (p.partition, retained(p), 0))
                    .collect(),
            )
        } else {
            (LoadBasis::None, Vec::new())
        };
    let samples: Vec<&super::Sample> = parts.iter().filter_map(|p| p.sample.as_ref()).collect();
    let sampled: u64 = samples.iter().map(|s| s.records).sum();
    let mean_record_bytes = (sampled > 0).then(|| {
        let total: f64 = samples
            .iter()
            .flat_map(|s| s.key_bytes.iter().chain(&s.value_bytes))
            .map(|&b| b as f64)
            .sum();
        total / sampled as f64
    });
    let mut keys: BTreeMap<i32, (u64, Vec<i32>)> = BTreeMap::new();
    for p in &parts {
        if let Some(s) = &p.sample {
            for &h in &s.key_murmur2 {
                let e = keys.entry(h).or_default();
                e.0 += 1;
                if e.1.last() != Some(&p.partition) {
                    e.1.push(p.partition);
                }
            }
        }
    }
    let mut top_keys: Vec<SampledKey> = keys
        .into_iter()
        .map(|(murmur2, (records, partitions))| SampledKey {
            murmur2,
            records,
            partitions,
        })
        .collect();
    crate::sort::sort_by(&mut top_keys, |a, b| {
        b.records.cmp(&a.records).then(a.murmur2.cmp(&b.murmur2))
    });
    top_keys.truncate(10);
    TopicView {
        name: t.name.clone(),
        partitions: parts.len(),
        replication_factor: parts.first().map_or(0, |p| p.replicas.len()),
        under_replicated: count(|h| h.under_replicated),
        offline: count(|h| h.offline),
        under_min_isr: count(|h| h.under_min_isr),
        health,
        records_per_s,
        bytes_per_s,
        retained_records,
        load_basis,
        hot_partitions: hot(&loads),
        mean_record_bytes,
        top_keys,
        retention_ms: config_i64(t, "retention.ms"),
    }
}

/// The view of one group against the snapshot's topics.
pub fn group_view(s: &Snapshot, g: &GroupSnapshot) -> GroupView {
    let partition = |topic: &str, p: i32| {
        s.topic(topic).and_then(|t| {
            t.partitions
                .iter()
                .find(|x| x.partition == p)
                .map(|x| (t, x))
        })
    };
    // Row order of ConsumerGroupCommand: members with partitions by assignment
    // size descending (stable), each member's partitions by topic/partition,
    // then committed partitions nobody owns.
    let mut members: Vec<&super::MemberSnapshot> = g
        .members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    crate::sort::sort_by_key(&mut members, |m| std::cmp::Reverse(m.assignment.len()));
    let offsets: BTreeMap<(&str, i32), &super::OffsetSnapshot> = crate::sort::btree_map(
        g.offsets
            .iter()
            .map(|o| ((o.topic.as_str(), o.partition), o)),
    );
    let mut owned = std::collections::BTreeSet::new();
    let mut order: Vec<(&str, i32, Option<&super::MemberSnapshot>)> = Vec::new();
    for m in members {
        let mut tps: Vec<(&str, i32)> = m
            .assignment
            .iter()
            .map(|a| (a.topic.as_str(), a.partition))
            .collect();
        crate::sort::sort(&mut tps);
        tps.dedup();
        for tp in tps {
            if owned.insert(tp) {
                order.push((tp.0, tp.1, Some(m)));
            }
        }
    }
    for &(t, p) in offsets.keys() {
        if !owned.contains(&(t, p)) {
            order.push((t, p, None));
        }
    }
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    let mut rates = Vec::new();
    let mut rates_known = true;
    for (topic, p, m) in order {
        let o = offsets.get(&(topic, p));
        let committed = o.and_then(|o| o.committed);
        let topic_part = partition(topic, p);
        let log_end_offset = o
            .and_then(|o| o.log_end_offset)
            .or_else(|| topic_part.and_then(|(_, x)| x.log_end_offset));
        let lag = log_end_offset.and_then(|l| cli_lag(l, committed));
        let produce = topic_part.and_then(|(_, x)| x.records_per_s);
        let time_lag_ms = match (lag, produce) {
            (Some(l), Some(r)) if l > 0 && r > 0.0 => Some(l as f64 / r * 1000.0),
            (Some(l), _) if l <= 0 => Some(0.0),
            _ => None,
        };
        if let Some(l) = lag.filter(|&l| l < 0) {
            warnings.push(GroupWarning::CommittedBeyondLogEnd {
                topic: topic.to_owned(),
                partition: p,
                lag: l,
            });
        }
        if let (Some(c), Some(start)) =
            (committed, topic_part.and_then(|(_, x)| x.log_start_offset))
        {
            if c < start {
                warnings.push(GroupWarning::CommittedBeforeLogStart {
                    topic: topic.to_owned(),
                    partition: p,
                    committed: c,
                    log_start_offset: start,
                });
            }
        }
        let retention = topic_part
            .and_then(|(t, _)| config_i64(t, "retention.ms"))
            .filter(|&r| r >= 0);
        if let (Some(tl), Some(r)) = (time_lag_ms, retention) {
            if tl > r as f64 {
                warnings.push(GroupWarning::RetentionShorterThanLag {
                    topic: topic.to_owned(),
                    partition: p,
                    time_lag_ms: tl,
                    retention_ms: r,
                });
            }
        }
        if let Some(l) = lag {
            match (produce, o.and_then(|o| o.committed_per_s)) {
                (Some(pr), Some(c)) => rates.push((
                    PartitionRates {
                        lag: l.max(0),
                        consume_per_sec: c,
                        produce_per_sec: pr,
                    },
                    topic,
                    p,
                )),
                _ if l <= 0 => {}
                _ => rates_known = false,
            }
        }
        rows.push(LagRow {
            topic: topic.to_owned(),
            partition: p,
            committed,
            log_end_offset,
            lag,
            member_id: m.map(|m| m.member_id.clone()),
            host: m.map(|m| m.host.clone()),
            client_id: m.map(|m| m.client_id.clone()),
            time_lag_ms,
        });
    }
    let total_lag = rows
        .iter()
        .filter_map(|r| r.lag)
        .map(|l| l.max(0))
        .fold(0i64, i64::saturating_add);
    let max_lag = rows.iter().filter_map(|r| r.lag).max();
    let worst_time_lag_ms = rows
        .iter()
        .filter_map(|r| r.time_lag_ms)
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |a| a.max(v)))
        });
    let drain = if rates_known {
        let input: Vec<PartitionRates> = rates.iter().map(|r| r.0).collect();
        let name = |i: usize| rates.get(i).map(|r| (r.1.to_owned(), r.2));
        match estimate_time_to_drain(&input) {
            Ok(DrainEstimate::Drained) => Some(Drain::Drained),
            Ok(DrainEstimate::Finite {
                ms,
                slowest_partition,
            }) => name(slowest_partition).map(|(topic, partition)| Drain::Finite {
                ms,
                topic,
                partition,
            }),
            Ok(DrainEstimate::Never { partition: i }) => {
                name(i).map(|(topic, partition)| Drain::Never { topic, partition })
            }
            Err(_) => None,
        }
    } else {
        None
    };
    GroupView {
        group_id: g.group_id.clone(),
        state: g.state.clone(),
        protocol: g.protocol.clone(),
        members: g.members.len(),
        rows,
        total_lag,
        max_lag,
        alert: LagThresholds::default().level(total_lag),
        worst_time_lag_ms,
        drain,
        warnings,
    }
}

/// Views of every topic and group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SnapshotView {
    /// Topics, in snapshot order.
    pub topics: Vec<TopicView>,
    /// Groups, in snapshot order.
    pub groups: Vec<GroupView>,
}

/// Views of every topic and group of `s`.
pub fn snapshot_view(s: &Snapshot) -> SnapshotView {
    SnapshotView {
        topics: s.topics.iter().map(topic_view).collect(),
        groups: s.groups.iter().map(|g| group_view(s, g)).collect(),
    }
}

/// Why a planner input could not be derived.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanFromSnapshotError {
    /// `UNKNOWN_TOPIC_OR_PARTITION`.
    #[error("UNKNOWN_TOPIC_OR_PARTITION: topic {0:?} is not in the snapshot")]
    UnknownTopic(String),
    /// The topic has no partitions to take a replication factor from.
    #[error("topic {0:?} has no partitions in the snapshot")]
    NoPartitions(String),
}

/// A planner input measured from one topic of the cluster: ingress (the
/// measured bytes/s, or records/s × the sampled mean record size), record
/// size, `retention.ms` / `retention.bytes`, replication factor,
/// `min.insync.replicas`, `compression.type`, the groups that commit on the
/// topic (fan-out) and their largest member count, today's broker count and
/// bootstrap servers. Values the cluster does not show stay unset, so the
/// planner applies its documented defaults or asks for them.
pub fn plan_input_for_topic(s: &Snapshot, topic: &str) -> Result<PlanInput, PlanFromSnapshotError> {
    let t = s
        .topic(topic)
        .ok_or_else(|| PlanFromSnapshotError::UnknownTopic(topic.to_owned()))?;
    let v = topic_view(t);
    if v.partitions == 0 {
        return Err(PlanFromSnapshotError::NoPartitions(topic.to_owned()));
    }
    let mut input = PlanInput {
        topic: Some(t.name.clone()),
        replication_factor: Some(v.replication_factor as f64),
        avg_record_bytes: v.mean_record_bytes,
        ..PlanInput::default()
    };
    match (v.bytes_per_s, v.records_per_s, v.mean_record_bytes) {
        (Some(b), _, _) => input.ingress_mb_per_s = Some(b / 1.0e6),
        (None, Some(r), Some(_)) => input.records_per_s = Some(r),
        _ => {}
    }
    if let Some(r) = v.retention_ms.filter(|&r| r >= 0) {
        input.retention_hours = Some(r as f64 / 3_600_000.0);
    }
    if let Some(b) = config_i64(t, "retention.bytes").filter(|&b| b >= 0) {
        input.retention_bytes_per_partition = Some(b as f64);
    }
    if let Some(m) = config_i64(t, "min.insync.replicas") {
        input.min_insync_replicas = Some(m as f64);
    }
    if let Some(c) = t.configs.get("compression.type") {
        // `producer` keeps the producer's codec and `uncompressed` stores as is.
        match c.as_str() {
            "gzip" | "snappy" | "lz4" | "zstd" => input.compression_codec = Some(c.clone()),
            "uncompressed" => input.compression_codec = Some("none".into()),
            _ => {}
        }
    }
    let readers: Vec<&GroupSnapshot> = s
        .groups
        .iter()
        .filter(|g| {
            g.offsets.iter().any(|o| o.topic == topic)
                || g.members
                    .iter()
                    .any(|m| m.assignment.iter().any(|a| a.topic == topic))
        })
        .collect();
    if !readers.is_empty() {
        input.consumer_groups = Some(readers.len() as f64);
        input.group_id = readers.first().map(|g| g.group_id.clone());
        let peak = readers.iter().map(|g| g.members.len()).max().unwrap_or(0);
        if peak > 0 {
            input.peak_consumers = Some(peak as f64);
        }
    }
    if !s.cluster.brokers.is_empty() {
        input.brokers = Some(s.cluster.brokers.len() as f64);
        let servers: Vec<String> = s
            .cluster
            .brokers
            .iter()
            .take(3)
            .map(|b| format!("{}:{}", b.host, b.port))
            .collect();
        input.bootstrap_servers = Some(servers.join(","));
    }
    Ok(input)
}
