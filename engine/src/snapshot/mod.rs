//! A real cluster, as data: the versioned snapshot `kplay snapshot` writes,
//! its validation, the views derived from it and importers for the text the
//! Kafka tools print.
//!
//! The engine never speaks Kafka's protocol (it is sans-io and runs in the
//! browser). The CLI reads a cluster with librdkafka and writes a
//! [`Snapshot`]; the app (or anyone) reads it back with [`Snapshot::from_json`],
//! which rejects hostile or malformed input with a [`SnapshotError`] naming
//! the problem and never panics.
//!
//! The JSON layout is fixed by issue 15 (other tools read it); fields beyond
//! it are allowed and ignored on input:
//!
//! ```text
//! {"version": 1, "taken_at_ms": …,
//!  "cluster": {"cluster_id", "controller", "brokers": [{"id", "host", "port", "rack"}]},
//!  "topics": [{"name", "configs": {…}, "partitions": [{"partition", "leader", "replicas", "isr",
//!     "log_start_offset", "log_end_offset", "records_per_s", "bytes_per_s",
//!     "sample": {"records", "key_murmur2", "key_crc32", "key_bytes", "value_bytes"}}]}],
//!  "groups": [{"group_id", "state", "protocol", "members": [{"member_id", "client_id", "host",
//!     "assignment": [{"topic", "partition"}]}],
//!     "offsets": [{"topic", "partition", "committed", "log_end_offset", "lag"}]}],
//!  "unavailable": [{"section", "error"}]}
//! ```
//!
//! * [`views`] derives what an operator looks at: under-replicated and
//!   offline partitions, lag as `kafka-consumer-groups --describe` prints it,
//!   hot partitions by the 2×-median rule of [`crate::skew`], retention
//!   shorter than a group's lag in time, time to drain, and a
//!   [`crate::planner::PlanInput`] measured from the cluster.
//! * [`import`] parses pasted `kafka-topics --describe` and
//!   `kafka-consumer-groups --describe` text and `kafka-log-dirs --describe`
//!   JSON into the same model, for people without kplay's CLI.
//!
//! Names are data: a group id such as `<b>x</b>` is legal in Kafka and kept
//! verbatim (the app shows it as text, never as markup). Topic names follow
//! Kafka's rules (`[a-zA-Z0-9._-]`, at most 249 characters), so a topic
//! named with markup is rejected.

pub mod import;
pub mod views;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::topic::TopicName;

/// The snapshot format version this engine reads and writes.
pub const SNAPSHOT_VERSION: u32 = 1;
/// Largest snapshot text accepted, in bytes (64 MiB).
pub const MAX_SNAPSHOT_BYTES: usize = 64 * 1024 * 1024;
/// Most brokers in a snapshot.
pub const MAX_BROKERS: usize = 10_000;
/// Most topics in a snapshot.
pub const MAX_TOPICS: usize = 100_000;
/// Most partitions over all topics.
pub const MAX_PARTITIONS: usize = 100_000;
/// Most replicas of one partition (Kafka's replication factor is a 16-bit short).
pub const MAX_REPLICAS: usize = 32_767;
/// Most consumer groups.
pub const MAX_GROUPS: usize = 10_000;
/// Most group members over all groups.
pub const MAX_MEMBERS: usize = 100_000;
/// Most committed-offset rows and assignment entries over all groups (each).
pub const MAX_GROUP_ROWS: usize = 1_000_000;
/// Most sampled records over all partitions.
pub const MAX_SAMPLED_RECORDS: usize = 1_000_000;
/// Most configs per topic.
pub const MAX_CONFIGS: usize = 1_000;
/// Longest string (group id, host, config value, error text, …), in bytes.
pub const MAX_STRING_BYTES: usize = 4_096;
/// Most `unavailable` entries.
pub const MAX_UNAVAILABLE: usize = 1_000;
/// Longest key written with `--include-keys`, in hex digits (a 32 KiB key).
pub const MAX_KEY_HEX_CHARS: usize = 65_536;
/// Largest accepted rate (records/s or bytes/s): 10^15.
pub const MAX_RATE: f64 = 1.0e15;
/// Largest record part accepted in a sample (Kafka's records are at most
/// 2^31 − 1 bytes).
pub const MAX_RECORD_PART_BYTES: u64 = i32::MAX as u64;

/// One snapshot of a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Format version, [`SNAPSHOT_VERSION`].
    pub version: u32,
    /// Wall-clock time the snapshot was taken, ms since the Unix epoch.
    pub taken_at_ms: i64,
    /// Cluster identity and brokers.
    pub cluster: ClusterInfo,
    /// Topics, by name.
    pub topics: Vec<TopicSnapshot>,
    /// Consumer groups.
    pub groups: Vec<GroupSnapshot>,
    /// Sections that could not be read, with the broker's error.
    #[serde(default)]
    pub unavailable: Vec<Unavailable>,
}

/// Cluster identity (Metadata response).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterInfo {
    /// `cluster.id` (`null` when the broker did not say).
    #[serde(deserialize_with = "present")]
    pub cluster_id: Option<String>,
    /// The controller's broker id (`null` when unknown).
    #[serde(deserialize_with = "present")]
    pub controller: Option<i32>,
    /// Live brokers.
    pub brokers: Vec<BrokerInfo>,
}

/// A broker as the Metadata response lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrokerInfo {
    /// `node.id` / `broker.id`.
    pub id: i32,
    /// Advertised host.
    pub host: String,
    /// Advertised port.
    pub port: u16,
    /// `broker.rack`, when set.
    #[serde(deserialize_with = "present")]
    pub rack: Option<String>,
}

/// One topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopicSnapshot {
    /// Topic name (Kafka's rules).
    pub name: String,
    /// Topic configs kplay models (`retention.ms`, `cleanup.policy`, …), as
    /// strings, exactly as DescribeConfigs returns them.
    #[serde(default)]
    pub configs: BTreeMap<String, String>,
    /// Partitions, by index.
    pub partitions: Vec<PartitionSnapshot>,
}

/// One partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionSnapshot {
    /// Partition index.
    pub partition: i32,
    /// Leader broker id; `null` when the partition has no leader (offline).
    /// `-1` (Kafka's `LeaderAndIsr.NO_LEADER`) is read as `null`.
    #[serde(deserialize_with = "present")]
    pub leader: Option<i32>,
    /// Assigned replicas, preferred leader first.
    pub replicas: Vec<i32>,
    /// In-sync replicas.
    pub isr: Vec<i32>,
    /// Log start offset (ListOffsets EARLIEST).
    #[serde(deserialize_with = "present")]
    pub log_start_offset: Option<i64>,
    /// Log end offset as the tools print it: the high watermark (ListOffsets
    /// LATEST, `read_uncommitted`).
    #[serde(deserialize_with = "present")]
    pub log_end_offset: Option<i64>,
    /// Records appended per second over the rate window.
    #[serde(deserialize_with = "present")]
    pub records_per_s: Option<f64>,
    /// Bytes (key + value, uncompressed) appended per second: records/s ×
    /// the sample's mean record size.
    #[serde(deserialize_with = "present")]
    pub bytes_per_s: Option<f64>,
    /// The last records of the partition, summarised.
    #[serde(deserialize_with = "present")]
    pub sample: Option<Sample>,
    /// `false` when the source does not show leader and ISR (imported
    /// `kafka-log-dirs` output); the health flags are then unknown.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub replica_state_known: bool,
    /// Replica sizes on disk (from `kafka-log-dirs --describe`), when known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub replica_sizes: Vec<ReplicaSize>,
}

/// Deserializes an `Option` field that must be present (`null` allowed):
/// serde would otherwise read a missing `Option` field as `None`, and a
/// snapshot missing `leader` would show every partition offline.
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d)
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One replica's log directory entry (`kafka-log-dirs --describe`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicaSize {
    /// Broker hosting the replica.
    pub broker: i32,
    /// Log directory.
    pub log_dir: String,
    /// Bytes on disk.
    pub size: u64,
    /// `offsetLag` as the tool prints it.
    pub offset_lag: i64,
    /// An intra-broker move target.
    pub is_future: bool,
}

/// A summary of the last records of a partition: hashes and sizes, never
/// key or value bytes (unless `keys_hex` was asked for).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Records sampled (with or without a key).
    pub records: u64,
    /// Java's `Utils.murmur2` of each keyed record's key (signed), in offset order.
    pub key_murmur2: Vec<i32>,
    /// librdkafka's CRC32 of each keyed record's key, same order.
    pub key_crc32: Vec<u32>,
    /// Key size of each keyed record, same order.
    pub key_bytes: Vec<u64>,
    /// Value size of each sampled record (0 for a tombstone), in offset order.
    pub value_bytes: Vec<u64>,
    /// Record timestamps (ms), in offset order, when known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timestamps_ms: Vec<i64>,
    /// The keys in hex, only with `kplay snapshot --include-keys`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keys_hex: Option<Vec<String>>,
}

impl Sample {
    /// Mean key + value size of a sampled record, bytes; `None` when empty.
    pub fn mean_record_bytes(&self) -> Option<f64> {
        if self.records == 0 {
            return None;
        }
        let total: f64 = self
            .key_bytes
            .iter()
            .chain(&self.value_bytes)
            .map(|&b| b as f64)
            .sum();
        Some(total / self.records as f64)
    }
}

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSnapshot {
    /// `group.id` (any string; kept verbatim).
    pub group_id: String,
    /// Group state (`Stable`, `Empty`, `PreparingRebalance`, …); `null` when
    /// DescribeGroups was unavailable.
    #[serde(deserialize_with = "present")]
    pub state: Option<String>,
    /// The assignor (`range`, `cooperative-sticky`, …); `null` when unknown.
    #[serde(deserialize_with = "present")]
    pub protocol: Option<String>,
    /// Members with their assignment.
    #[serde(default)]
    pub members: Vec<MemberSnapshot>,
    /// Committed offsets and lag.
    #[serde(default)]
    pub offsets: Vec<OffsetSnapshot>,
}

/// A group member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSnapshot {
    /// CONSUMER-ID.
    pub member_id: String,
    /// CLIENT-ID.
    pub client_id: String,
    /// HOST (usually `/<ip>`).
    pub host: String,
    /// Assigned partitions.
    #[serde(default)]
    pub assignment: Vec<TopicPartitionRef>,
}

/// A topic-partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TopicPartitionRef {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
}

/// One committed-offset row of a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OffsetSnapshot {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// CURRENT-OFFSET: the committed offset (`null`, or Kafka's `-1`, when none).
    #[serde(deserialize_with = "present")]
    pub committed: Option<i64>,
    /// LOG-END-OFFSET: the high watermark.
    #[serde(deserialize_with = "present")]
    pub log_end_offset: Option<i64>,
    /// LAG = LOG-END-OFFSET − CURRENT-OFFSET (`kafka-consumer-groups` rules).
    #[serde(deserialize_with = "present")]
    pub lag: Option<i64>,
    /// Committed offsets advanced per second over the rate window (the
    /// group's measured consume rate), when measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub committed_per_s: Option<f64>,
}

/// A section the snapshot could not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    /// Which section (`groups`, `configs:orders`, `group:g1`, …).
    pub section: String,
    /// The broker's (or client's) error.
    pub error: String,
}

/// Why a snapshot was rejected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The text is larger than [`MAX_SNAPSHOT_BYTES`].
    #[error("snapshot is {bytes} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Size given.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Not JSON, or a field has the wrong type or is missing.
    #[error("not a kplay snapshot: {0}")]
    Json(String),
    /// A version this engine does not read.
    #[error("unsupported snapshot version {found}: this kplay reads version {SNAPSHOT_VERSION}")]
    UnsupportedVersion {
        /// The version found (as JSON text).
        found: String,
    },
    /// A count above its limit.
    #[error("too many {what}: {count}; the limit is {limit}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// Count found.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A field with a value Kafka cannot have.
    #[error("{path}: {reason}")]
    Invalid {
        /// Where, e.g. `topics[2].partitions[0].isr`.
        path: String,
        /// What is wrong.
        reason: String,
    },
}

fn invalid(path: impl Into<String>, reason: impl Into<String>) -> SnapshotError {
    SnapshotError::Invalid {
        path: path.into(),
        reason: reason.into(),
    }
}

fn too_many(what: &'static str, count: usize, limit: usize) -> Result<(), SnapshotError> {
    if count > limit {
        return Err(SnapshotError::TooMany { what, count, limit });
    }
    Ok(())
}

fn check_str(path: &str, s: &str) -> Result<(), SnapshotError> {
    if s.len() > MAX_STRING_BYTES {
        return Err(invalid(
            path,
            format!("{} bytes; the limit is {MAX_STRING_BYTES}", s.len()),
        ));
    }
    Ok(())
}

fn check_offset(path: &str, v: Option<i64>) -> Result<(), SnapshotError> {
    if let Some(o) = v {
        if o < 0 {
            return Err(invalid(path, format!("offset {o} is negative")));
        }
    }
    Ok(())
}

fn check_rate(path: &str, v: Option<f64>) -> Result<(), SnapshotError> {
    if let Some(r) = v {
        if !r.is_finite() || !(0.0..=MAX_RATE).contains(&r) {
            return Err(invalid(
                path,
                format!("rate {r} must be finite, >= 0 and <= {MAX_RATE:e}"),
            ));
        }
    }
    Ok(())
}

fn check_broker_id(path: &str, id: i32) -> Result<(), SnapshotError> {
    if id < 0 {
        return Err(invalid(path, format!("broker id {id} is negative")));
    }
    Ok(())
}

#[derive(Deserialize)]
struct VersionProbe {
    version: Option<serde_json::Value>,
}

impl Snapshot {
    /// An empty snapshot taken at `taken_at_ms`.
    pub fn empty(taken_at_ms: i64) -> Self {
        Self {
            version: SNAPSHOT_VERSION,
            taken_at_ms,
            cluster: ClusterInfo::default(),
            topics: Vec::new(),
            groups: Vec::new(),
            unavailable: Vec::new(),
        }
    }

    /// Parses and validates a snapshot. The size is checked before parsing,
    /// the version before the rest; then [`Snapshot::validate`].
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        if text.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge {
                bytes: text.len(),
                limit: MAX_SNAPSHOT_BYTES,
            });
        }
        let probe: VersionProbe =
            serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        match probe.version {
            None => return Err(SnapshotError::Json("missing field `version`".into())),
            Some(v) if v.as_u64() == Some(u64::from(SNAPSHOT_VERSION)) => {}
            Some(v) => {
                // Quoted briefly, cut on a character boundary (a byte
                // truncate panicked inside a multi-byte character).
                let found = crate::input::clip(&v.to_string()).into_owned();
                return Err(SnapshotError::UnsupportedVersion { found });
            }
        }
        let mut s: Snapshot =
            serde_json::from_str(text).map_err(|e| SnapshotError::Json(e.to_string()))?;
        s.normalize();
        s.validate()?;
        Ok(s)
    }

    /// Pretty JSON (what `kplay snapshot` writes).
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads Kafka's `-1` sentinels (no leader, no committed offset) as `null`.
    pub fn normalize(&mut self) {
        for t in &mut self.topics {
            for p in &mut t.partitions {
                if p.leader == Some(-1) {
                    p.leader = None;
                }
            }
        }
        for g in &mut self.groups {
            for o in &mut g.offsets {
                if o.committed == Some(-1) {
                    o.committed = None;
                }
            }
        }
    }

    /// Checks every limit and every relation Kafka guarantees: partition
    /// indexes unique and non-negative, replicas distinct, ISR ⊆ replicas,
    /// leader among the replicas, `log_start_offset <= log_end_offset`, rates
    /// finite, samples consistent, lag = log end − committed.
    pub fn validate(&self) -> Result<(), SnapshotError> {
        if self.version != SNAPSHOT_VERSION {
            return Err(SnapshotError::UnsupportedVersion {
                found: self.version.to_string(),
            });
        }
        if self.taken_at_ms < 0 {
            return Err(invalid(
                "taken_at_ms",
                "must be >= 0 (ms since the Unix epoch)",
            ));
        }
        too_many("brokers", self.cluster.brokers.len(), MAX_BROKERS)?;
        too_many("topics", self.topics.len(), MAX_TOPICS)?;
        too_many("groups", self.groups.len(), MAX_GROUPS)?;
        too_many(
            "unavailable entries",
            self.unavailable.len(),
            MAX_UNAVAILABLE,
        )?;
        let partitions: usize = self.topics.iter().map(|t| t.partitions.len()).sum();
        too_many("partitions", partitions, MAX_PARTITIONS)?;
        let sampled: usize = self
            .topics
            .iter()
            .flat_map(|t| &t.partitions)
            .filter_map(|p| p.sample.as_ref())
            .map(|s| s.value_bytes.len().max(s.key_murmur2.len()))
            .sum();
        too_many("sampled records", sampled, MAX_SAMPLED_RECORDS)?;
        let members: usize = self.groups.iter().map(|g| g.members.len()).sum();
        too_many("group members", members, MAX_MEMBERS)?;
        let rows: usize = self.groups.iter().map(|g| g.offsets.len()).sum();
        too_many("group offset rows", rows, MAX_GROUP_ROWS)?;
        let assigned: usize = self
            .groups
            .iter()
            .flat_map(|g| &g.members)
            .map(|m| m.assignment.len())
            .sum();
        too_many("assigned partitions", assigned, MAX_GROUP_ROWS)?;

        if let Some(id) = &self.cluster.cluster_id {
            check_str("cluster.cluster_id", id)?;
        }
        if let Some(c) = self.cluster.controller {
            check_broker_id("cluster.controller", c)?;
        }
        let mut ids = BTreeSet::new();
        for (i, b) in self.cluster.brokers.iter().enumerate() {
            let path = format!("cluster.brokers[{i}]");
            check_broker_id(&format!("{path}.id"), b.id)?;
            if !ids.insert(b.id) {
                return Err(invalid(
                    format!("{path}.id"),
                    format!("duplicate broker id {}", b.id),
                ));
            }
            check_str(&format!("{path}.host"), &b.host)?;
            if let Some(r) = &b.rack {
                check_str(&format!("{path}.rack"), r)?;
            }
        }
        let mut names = BTreeSet::new();
        for (ti, t) in self.topics.iter().enumerate() {
            let path = format!("topics[{ti}]");
            TopicName::new(&t.name).map_err(|e| invalid(format!("{path}.name"), e.to_string()))?;
            if !names.insert(t.name.as_str()) {
                return Err(invalid(
                    format!("{path}.name"),
                    format!("duplicate topic {:?}", t.name),
                ));
            }
            too_many("configs of one topic", t.configs.len(), MAX_CONFIGS)?;
            for (k, v) in &t.configs {
                check_str(&format!("{path}.configs"), k)?;
                check_str(&format!("{path}.configs[{k:?}]"), v)?;
            }
            let mut seen = BTreeSet::new();
            for (pi, p) in t.partitions.iter().enumerate() {
                validate_partition(&format!("{path}.partitions[{pi}]"), p)?;
                if !seen.insert(p.partition) {
                    return Err(invalid(
                        format!("{path}.partitions[{pi}].partition"),
                        format!("duplicate partition {}", p.partition),
                    ));
                }
            }
        }
        let mut groups = BTreeSet::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let path = format!("groups[{gi}]");
            check_str(&format!("{path}.group_id"), &g.group_id)?;
            if !groups.insert(g.group_id.as_str()) {
                return Err(invalid(
                    format!("{path}.group_id"),
                    format!("duplicate group {:?}", g.group_id),
                ));
            }
            for (f, v) in [("state", &g.state), ("protocol", &g.protocol)] {
                if let Some(v) = v {
                    check_str(&format!("{path}.{f}"), v)?;
                }
            }
            for (mi, m) in g.members.iter().enumerate() {
                let mp = format!("{path}.members[{mi}]");
                check_str(&format!("{mp}.member_id"), &m.member_id)?;
                check_str(&format!("{mp}.client_id"), &m.client_id)?;
                check_str(&format!("{mp}.host"), &m.host)?;
                for (ai, a) in m.assignment.iter().enumerate() {
                    validate_tp(&format!("{mp}.assignment[{ai}]"), &a.topic, a.partition)?;
                }
            }
            let mut seen = BTreeSet::new();
            for (oi, o) in g.offsets.iter().enumerate() {
                let op = format!("{path}.offsets[{oi}]");
                validate_tp(&op, &o.topic, o.partition)?;
                if !seen.insert((o.topic.as_str(), o.partition)) {
                    return Err(invalid(
                        op,
                        format!("duplicate offset row for {}-{}", o.topic, o.partition),
                    ));
                }
                check_offset(&format!("{op}.committed"), o.committed)?;
                check_offset(&format!("{op}.log_end_offset"), o.log_end_offset)?;
                check_rate(&format!("{op}.committed_per_s"), o.committed_per_s)?;
                let expected = match (o.log_end_offset, o.committed) {
                    (Some(l), Some(c)) => Some(l - c),
                    _ => None,
                };
                if o.lag != expected {
                    return Err(invalid(
                        format!("{op}.lag"),
                        format!(
                            "lag {} does not match LOG-END-OFFSET - CURRENT-OFFSET ({}); \
                             kafka-consumer-groups prints '-' when either is missing",
                            opt(o.lag),
                            opt(expected)
                        ),
                    ));
                }
            }
        }
        for (i, u) in self.unavailable.iter().enumerate() {
            check_str(&format!("unavailable[{i}].section"), &u.section)?;
            check_str(&format!("unavailable[{i}].error"), &u.error)?;
        }
        Ok(())
    }

    /// The topic named `name`.
    pub fn topic(&self, name: &str) -> Option<&TopicSnapshot> {
        self.topics.iter().find(|t| t.name == name)
    }

    /// Appends `other`'s topics, groups and unavailable sections: a topic or
    /// group already present is replaced by `other`'s (later pastes win),
    /// brokers are merged by id, and the cluster id and controller are taken
    /// from `other` when it has them. The result is validated.
    pub fn merge(&mut self, other: Snapshot) -> Result<(), SnapshotError> {
        if other.cluster.cluster_id.is_some() {
            self.cluster.cluster_id = other.cluster.cluster_id;
        }
        if other.cluster.controller.is_some() {
            self.cluster.controller = other.cluster.controller;
        }
        for b in other.cluster.brokers {
            match self.cluster.brokers.iter_mut().find(|x| x.id == b.id) {
                Some(x) => *x = b,
                None => self.cluster.brokers.push(b),
            }
        }
        for t in other.topics {
            match self.topics.iter_mut().find(|x| x.name == t.name) {
                Some(x) => *x = t,
                None => self.topics.push(t),
            }
        }
        for g in other.groups {
            match self.groups.iter_mut().find(|x| x.group_id == g.group_id) {
                Some(x) => *x = g,
                None => self.groups.push(g),
            }
        }
        self.unavailable.extend(other.unavailable);
        self.taken_at_ms = self.taken_at_ms.max(other.taken_at_ms);
        self.validate()
    }
}

fn opt(v: Option<i64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn validate_tp(path: &str, topic: &str, partition: i32) -> Result<(), SnapshotError> {
    TopicName::new(topic).map_err(|e| invalid(format!("{path}.topic"), e.to_string()))?;
    if partition < 0 {
        return Err(invalid(
            format!("{path}.partition"),
            format!("partition {partition} is negative"),
        ));
    }
    Ok(())
}

fn validate_partition(path: &str, p: &PartitionSnapshot) -> Result<(), SnapshotError> {
    if p.partition < 0 {
        return Err(invalid(
            format!("{path}.partition"),
            format!("partition {} is negative", p.partition),
        ));
    }
    if p.replicas.len() > MAX_REPLICAS || p.isr.len() > MAX_REPLICAS {
        return Err(invalid(
            format!("{path}.replicas"),
            format!("more than {MAX_REPLICAS} replicas"),
        ));
    }
    let mut replicas = BTreeSet::new();
    for &r in &p.replicas {
        check_broker_id(&format!("{path}.replicas"), r)?;
        if !replicas.insert(r) {
            return Err(invalid(
                format!("{path}.replicas"),
                format!("broker {r} listed twice"),
            ));
        }
    }
    let mut isr = BTreeSet::new();
    for &r in &p.isr {
        if !replicas.contains(&r) {
            return Err(invalid(
                format!("{path}.isr"),
                format!("broker {r} is in the ISR but not a replica (the ISR is a subset of the replicas)"),
            ));
        }
        if !isr.insert(r) {
            return Err(invalid(
                format!("{path}.isr"),
                format!("broker {r} listed twice"),
            ));
        }
    }
    if let Some(l) = p.leader {
        check_broker_id(&format!("{path}.leader"), l)?;
        if p.replica_state_known && !replicas.contains(&l) {
            return Err(invalid(
                format!("{path}.leader"),
                format!("leader {l} is not one of the replicas"),
            ));
        }
    }
    check_offset(&format!("{path}.log_start_offset"), p.log_start_offset)?;
    check_offset(&format!("{path}.log_end_offset"), p.log_end_offset)?;
    if let (Some(s), Some(e)) = (p.log_start_offset, p.log_end_offset) {
        if s > e {
            return Err(invalid(
                format!("{path}.log_start_offset"),
                format!("log start offset {s} is after the log end offset {e}"),
            ));
        }
    }
    check_rate(&format!("{path}.records_per_s"), p.records_per_s)?;
    check_rate(&format!("{path}.bytes_per_s"), p.bytes_per_s)?;
    for (i, r) in p.replica_sizes.iter().enumerate() {
        check_broker_id(&format!("{path}.replica_sizes[{i}].broker"), r.broker)?;
        check_str(&format!("{path}.replica_sizes[{i}].log_dir"), &r.log_dir)?;
    }
    if let Some(s) = &p.sample {
        validate_sample(&format!("{path}.sample"), s)?;
    }
    Ok(())
}

fn validate_sample(path: &str, s: &Sample) -> Result<(), SnapshotError> {
    let keyed = s.key_murmur2.len();
    for (name, len) in [
        ("key_crc32", s.key_crc32.len()),
        ("key_bytes", s.key_bytes.len()),
    ] {
        if len != keyed {
            return Err(invalid(
                format!("{path}.{name}"),
                format!("{len} entries but key_murmur2 has {keyed} (one per keyed record)"),
            ));
        }
    }
    if s.value_bytes.len() as u64 != s.records {
        return Err(invalid(
            format!("{path}.value_bytes"),
            format!(
                "{} entries but records is {} (one per sampled record)",
                s.value_bytes.len(),
                s.records
            ),
        ));
    }
    if keyed as u64 > s.records {
        return Err(invalid(
            format!("{path}.key_murmur2"),
            format!("{keyed} keyed records but only {} sampled", s.records),
        ));
    }
    if !s.timestamps_ms.is_empty() && s.timestamps_ms.len() as u64 != s.records {
        return Err(invalid(
            format!("{path}.timestamps_ms"),
            format!(
                "{} entries but records is {}",
                s.timestamps_ms.len(),
                s.records
            ),
        ));
    }
    for (name, v) in [("key_bytes", &s.key_bytes), ("value_bytes", &s.value_bytes)] {
        if let Some(b) = v.iter().find(|&&b| b > MAX_RECORD_PART_BYTES) {
            return Err(invalid(
                format!("{path}.{name}"),
                format!("{b} bytes is larger than Kafka's largest record (2^31 - 1 bytes)"),
            ));
        }
    }
    if let Some(keys) = &s.keys_hex {
        if keys.len() != keyed {
            return Err(invalid(
                format!("{path}.keys_hex"),
                format!("{} entries but key_murmur2 has {keyed}", keys.len()),
            ));
        }
        for k in keys {
            if k.len() > MAX_KEY_HEX_CHARS
                || k.len() % 2 != 0
                || !k.bytes().all(|b| b.is_ascii_hexdigit())
            {
                return Err(invalid(
                    format!("{path}.keys_hex"),
                    format!("each key must be an even number of hex digits, at most {MAX_KEY_HEX_CHARS}"),
                ));
            }
        }
    }
    Ok(())
}
