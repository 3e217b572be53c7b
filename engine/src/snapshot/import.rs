//! Pasted output of the Kafka tools, read into a [`Snapshot`].
//!
//! * `kafka-topics --describe` ([`parse_topics_describe`]; KAFKA.md §7.2,
//!   `TopicCommand.TopicDescription.printDescription` /
//!   `PartitionDescription.printDescription`): a `Topic:` line with
//!   `PartitionCount`, `ReplicationFactor` and `Configs: k=v,k=v`, then one
//!   line per partition with `Partition`, `Leader` (`none` when offline),
//!   `Replicas` and `Isr`. Fields are `Key: value` pairs separated by tabs;
//!   pasted text whose tabs became spaces is read too, and so is the ≤ 2.3
//!   layout without spaces after the colons (`Topic:orders`).
//! * `kafka-consumer-groups --describe` ([`parse_groups_describe`]; KAFKA.md
//!   §7.1): read with [`crate::offsets::describe::parse_describe`]; rows with
//!   a CONSUMER-ID become members and their assignment.
//! * `kafka-log-dirs --describe` ([`parse_log_dirs`]; KAFKA-REPLICATION.md
//!   §5.1): the JSON line (the two status lines before it are skipped). The
//!   brokers hosting a partition give its replica set (in broker-id order:
//!   the tool does not show the preferred order), sizes and `offsetLag`;
//!   leader and ISR are not shown, so the health flags stay unknown.
//!
//! [`import_text`] detects which of these (or a kplay snapshot) was pasted.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{
    GroupSnapshot, MemberSnapshot, OffsetSnapshot, PartitionSnapshot, ReplicaSize, Snapshot,
    SnapshotError, TopicPartitionRef, TopicSnapshot, MAX_PARTITIONS, MAX_SNAPSHOT_BYTES,
};
use crate::offsets::describe::{parse_describe, DescribeParseError};

/// Why pasted text could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ImportError {
    /// Larger than [`MAX_SNAPSHOT_BYTES`].
    #[error("pasted text is {bytes} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// Size given.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// Not recognised as any supported format.
    #[error("not recognised: paste a kplay snapshot (JSON), or the output of kafka-topics --describe, kafka-consumer-groups --describe or kafka-log-dirs --describe")]
    Unrecognised,
    /// A `kafka-topics --describe` line is malformed.
    #[error("line {line}: {reason}")]
    Topics {
        /// 1-based line number.
        line: usize,
        /// What is wrong, naming the field.
        reason: String,
    },
    /// A `kafka-consumer-groups --describe` table is malformed.
    #[error(transparent)]
    Groups(#[from] DescribeParseError),
    /// The `kafka-log-dirs --describe` JSON is malformed.
    #[error("kafka-log-dirs JSON: {0}")]
    LogDirs(String),
    /// The result breaks a snapshot rule (limits, ISR ⊆ replicas, names, …).
    #[error(transparent)]
    Snapshot(#[from] SnapshotError),
}

fn check_size(text: &str) -> Result<(), ImportError> {
    if text.len() > MAX_SNAPSHOT_BYTES {
        return Err(ImportError::TooLarge {
            bytes: text.len(),
            limit: MAX_SNAPSHOT_BYTES,
        });
    }
    Ok(())
}

/// Field names of `kafka-topics --describe`.
const TOPIC_KEYS: [&str; 13] = [
    "Topic",
    "TopicId",
    "PartitionCount",
    "ReplicationFactor",
    "Configs",
    "MarkedForDeletion",
    "Partition",
    "Leader",
    "Replicas",
    "Isr",
    "Elr",
    "LastKnownElr",
    "Offline",
];

/// Splits a describe line into `(key, value)` pairs. A token `Key:` (or
/// `Key:value`, the ≤ 2.3 layout) with a known key starts a field;
/// `Adding Replicas:` / `Removing Replicas:` are two-word keys.
fn fields(line: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let tokens: Vec<&str> = line.split_whitespace().collect();
    let mut i = 0;
    while i < tokens.len() {
        let tok = tokens[i];
        if (tok == "Adding" || tok == "Removing") && tokens.get(i + 1) == Some(&"Replicas:") {
            out.push((format!("{tok} Replicas"), String::new()));
            i += 2;
            continue;
        }
        if let Some((k, v)) = tok.split_once(':') {
            if TOPIC_KEYS.contains(&k) {
                out.push((k.to_owned(), v.to_owned()));
                i += 1;
                continue;
            }
        }
        match out.last_mut() {
            Some((_, v)) => {
                if !v.is_empty() {
                    v.push(' ');
                }
                v.push_str(tok);
            }
            None => out.push((String::new(), tok.to_owned())),
        }
        i += 1;
    }
    out
}

fn get<'a>(f: &'a [(String, String)], key: &str) -> Option<&'a str> {
    f.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn broker_list(line: usize, field: &str, v: &str) -> Result<Vec<i32>, ImportError> {
    if v.is_empty() || v == "N/A" {
        return Ok(Vec::new());
    }
    v.split(',')
        .map(|x| {
            x.trim().parse::<i32>().map_err(|_| ImportError::Topics {
                line,
                reason: format!("{field} must be comma-separated broker ids, found {v:?}"),
            })
        })
        .collect()
}

/// Splits `Configs: a=1,b=x,y` into pairs; a piece without `=` continues
/// the previous value (values such as
/// `leader.replication.throttled.replicas=0:1,1:2` contain commas).
fn configs(line: usize, v: &str) -> Result<BTreeMap<String, String>, ImportError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for piece in v.split(',').filter(|p| !p.is_empty()) {
        match (piece.split_once('='), out.last_mut()) {
            (Some((k, val)), _) if !k.is_empty() => out.push((k.to_owned(), val.to_owned())),
            (_, Some((_, prev))) => {
                prev.push(',');
                prev.push_str(piece);
            }
            (_, None) => {
                return Err(ImportError::Topics {
                    line,
                    reason: format!("Configs must be key=value pairs, found {piece:?}"),
                })
            }
        }
    }
    Ok(crate::sort::btree_map(out))
}

/// Parses pasted `kafka-topics --describe` output into topics (configs,
/// partitions, leader, replicas, ISR). Offsets and rates are unknown.
pub fn parse_topics_describe(text: &str) -> Result<Vec<TopicSnapshot>, ImportError> {
    check_size(text)?;
    let mut topics: Vec<TopicSnapshot> = Vec::new();
    let mut partitions = 0usize;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        let f = fields(trimmed);
        let Some(name) = get(&f, "Topic") else {
            if trimmed.starts_with("Error") || trimmed.starts_with("WARNING") {
                continue;
            }
            return Err(ImportError::Topics {
                line,
                reason: format!(
                    "expected a line starting with 'Topic:', found {:?}",
                    clip(trimmed)
                ),
            });
        };
        let name = name.to_owned();
        crate::topic::TopicName::new(&name).map_err(|e| ImportError::Topics {
            line,
            reason: e.to_string(),
        })?;
        let idx = match topics.iter().position(|t| t.name == name) {
            Some(i) => i,
            None => {
                topics.push(TopicSnapshot {
                    name: name.clone(),
                    configs: BTreeMap::new(),
                    partitions: Vec::new(),
                });
                topics.len() - 1
            }
        };
        let topic = &mut topics[idx];
        if let Some(p) = get(&f, "Partition") {
            let partition =
                p.parse::<i32>()
                    .ok()
                    .filter(|&p| p >= 0)
                    .ok_or_else(|| ImportError::Topics {
                        line,
                        reason: format!("Partition must be a partition index, found {p:?}"),
                    })?;
            let leader = match get(&f, "Leader") {
                None => {
                    return Err(ImportError::Topics {
                        line,
                        reason: "partition line has no Leader field".into(),
                    })
                }
                Some("none") | Some("-1") => None,
                Some(l) => Some(l.parse::<i32>().map_err(|_| ImportError::Topics {
                    line,
                    reason: format!("Leader must be a broker id or 'none', found {l:?}"),
                })?),
            };
            let replicas = broker_list(
                line,
                "Replicas",
                get(&f, "Replicas").ok_or_else(|| ImportError::Topics {
                    line,
                    reason: "partition line has no Replicas field".into(),
                })?,
            )?;
            let isr = broker_list(
                line,
                "Isr",
                get(&f, "Isr").ok_or_else(|| ImportError::Topics {
                    line,
                    reason: "partition line has no Isr field".into(),
                })?,
            )?;
            partitions += 1;
            if partitions > MAX_PARTITIONS {
                return Err(SnapshotError::TooMany {
                    what: "partitions",
                    count: partitions,
                    limit: MAX_PARTITIONS,
                }
                .into());
            }
            topic.partitions.push(PartitionSnapshot {
                partition,
                leader,
                replicas,
                isr,
                log_start_offset: None,
                log_end_offset: None,
                records_per_s: None,
                bytes_per_s: None,
                sample: None,
                replica_state_known: true,
                replica_sizes: Vec::new(),
            });
        } else {
            if let Some(c) = get(&f, "Configs") {
                topic.configs = configs(line, c)?;
            }
            for key in ["PartitionCount", "ReplicationFactor"] {
                if let Some(v) = get(&f, key) {
                    if v.parse::<u32>().is_err() {
                        return Err(ImportError::Topics {
                            line,
                            reason: format!("{key} must be a number, found {v:?}"),
                        });
                    }
                }
            }
        }
    }
    if topics.is_empty() {
        return Err(ImportError::Topics {
            line: 1,
            reason: "no 'Topic:' line found (paste the output of kafka-topics --describe)".into(),
        });
    }
    Ok(topics)
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Parses pasted `kafka-consumer-groups --describe` output into groups:
/// members (CONSUMER-ID, HOST, CLIENT-ID) with their assignment and one
/// offset row per partition. State and assignor are not in this table.
/// Without a GROUP column (≤ 2.2) the rows belong to one group named `""`.
pub fn parse_groups_describe(text: &str) -> Result<Vec<GroupSnapshot>, ImportError> {
    check_size(text)?;
    let rows = parse_describe(text)?;
    let mut groups: Vec<GroupSnapshot> = Vec::new();
    for r in rows {
        let idx = match groups.iter().position(|g| g.group_id == r.group) {
            Some(i) => i,
            None => {
                groups.push(GroupSnapshot {
                    group_id: r.group.clone(),
                    state: None,
                    protocol: None,
                    members: Vec::new(),
                    offsets: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let g = &mut groups[idx];
        let (Some(topic), Some(partition)) = (r.topic, r.partition) else {
            continue;
        };
        if let Some(id) = r.consumer_id {
            let m = match g.members.iter().position(|m| m.member_id == id) {
                Some(i) => &mut g.members[i],
                None => {
                    g.members.push(MemberSnapshot {
                        member_id: id,
                        client_id: r.client_id.unwrap_or_default(),
                        host: r.host.unwrap_or_default(),
                        assignment: Vec::new(),
                    });
                    let last = g.members.len() - 1;
                    &mut g.members[last]
                }
            };
            m.assignment.push(TopicPartitionRef {
                topic: topic.clone(),
                partition,
            });
        }
        g.offsets.push(OffsetSnapshot {
            topic,
            partition,
            committed: r.current_offset,
            log_end_offset: r.log_end_offset,
            lag: r.lag,
            committed_per_s: None,
        });
    }
    Ok(groups)
}

#[derive(Deserialize)]
struct LogDirsJson {
    version: i64,
    brokers: Vec<LogDirsBroker>,
}

#[derive(Deserialize)]
struct LogDirsBroker {
    broker: i32,
    #[serde(rename = "logDirs")]
    log_dirs: Vec<LogDir>,
}

#[derive(Deserialize)]
struct LogDir {
    #[serde(rename = "logDir")]
    log_dir: String,
    error: Option<String>,
    partitions: Vec<LogDirPartition>,
}

#[derive(Deserialize)]
struct LogDirPartition {
    partition: String,
    size: u64,
    #[serde(rename = "offsetLag")]
    offset_lag: i64,
    #[serde(rename = "isFuture")]
    is_future: bool,
}

/// Parses `kafka-log-dirs --describe` output (the whole 3-line output or
/// just its JSON) into topics whose partitions carry replica sizes and the
/// replica set (brokers hosting a current, non-future replica). Log dirs
/// with an `error` are reported in `unavailable`.
pub fn parse_log_dirs(text: &str) -> Result<Snapshot, ImportError> {
    check_size(text)?;
    let json = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with('{'))
        .ok_or_else(|| ImportError::LogDirs("no JSON line found".into()))?;
    let parsed: LogDirsJson =
        serde_json::from_str(json).map_err(|e| ImportError::LogDirs(e.to_string()))?;
    if parsed.version != 1 {
        return Err(ImportError::LogDirs(format!(
            "unsupported version {}: kafka-log-dirs prints version 1",
            parsed.version
        )));
    }
    let mut snap = Snapshot::empty(0);
    let mut topics: BTreeMap<String, BTreeMap<i32, PartitionSnapshot>> = BTreeMap::new();
    let mut count = 0usize;
    for b in parsed.brokers {
        for d in b.log_dirs {
            if let Some(e) = d.error {
                snap.unavailable.push(super::Unavailable {
                    section: format!("log-dir:{}:{}", b.broker, d.log_dir),
                    error: e,
                });
            }
            for p in d.partitions {
                // TopicPartition.toString() is "<topic>-<partition>": split on the last '-'.
                let (topic, idx) = p
                    .partition
                    .rsplit_once('-')
                    .and_then(|(t, i)| Some((t, i.parse::<i32>().ok().filter(|&i| i >= 0)?)))
                    .ok_or_else(|| {
                        ImportError::LogDirs(format!(
                            "partition {:?} is not <topic>-<partition>",
                            clip(&p.partition)
                        ))
                    })?;
                crate::topic::TopicName::new(topic)
                    .map_err(|e| ImportError::LogDirs(e.to_string()))?;
                let parts = topics.entry(topic.to_owned()).or_default();
                if !parts.contains_key(&idx) {
                    count += 1;
                    if count > MAX_PARTITIONS {
                        return Err(SnapshotError::TooMany {
                            what: "partitions",
                            count,
                            limit: MAX_PARTITIONS,
                        }
                        .into());
                    }
                }
                let e = parts.entry(idx).or_insert_with(|| PartitionSnapshot {
                    partition: idx,
                    leader: None,
                    replicas: Vec::new(),
                    isr: Vec::new(),
                    log_start_offset: None,
                    log_end_offset: None,
                    records_per_s: None,
                    bytes_per_s: None,
                    sample: None,
                    replica_state_known: false,
                    replica_sizes: Vec::new(),
                });
                if !p.is_future && !e.replicas.contains(&b.broker) {
                    e.replicas.push(b.broker);
                }
                e.replica_sizes.push(ReplicaSize {
                    broker: b.broker,
                    log_dir: d.log_dir.clone(),
                    size: p.size,
                    offset_lag: p.offset_lag,
                    is_future: p.is_future,
                });
            }
        }
    }
    for (name, parts) in topics {
        let mut partitions: Vec<PartitionSnapshot> = parts.into_values().collect();
        for p in &mut partitions {
            crate::sort::sort(&mut p.replicas);
        }
        snap.topics.push(TopicSnapshot {
            name,
            configs: BTreeMap::new(),
            partitions,
        });
    }
    snap.validate()?;
    Ok(snap)
}

/// Which format a pasted text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PastedFormat {
    /// A kplay snapshot (JSON with `taken_at_ms`).
    Snapshot,
    /// `kafka-log-dirs --describe` (JSON with `brokers`).
    LogDirs,
    /// `kafka-topics --describe`.
    TopicsDescribe,
    /// `kafka-consumer-groups --describe`.
    GroupsDescribe,
}

/// Guesses the format of pasted text.
pub fn detect(text: &str) -> Option<PastedFormat> {
    let head: String = text.chars().take(4096).collect();
    let json = head.lines().map(str::trim).find(|l| !l.is_empty())?;
    if json.starts_with('{') && head.contains("\"taken_at_ms\"") {
        return Some(PastedFormat::Snapshot);
    }
    if head.contains("\"logDirs\"") || head.contains("\"brokers\"") {
        return Some(PastedFormat::LogDirs);
    }
    if head.contains("CURRENT-OFFSET") {
        return Some(PastedFormat::GroupsDescribe);
    }
    if head.contains("Topic:") {
        return Some(PastedFormat::TopicsDescribe);
    }
    None
}

/// Reads any supported pasted text into a validated snapshot taken at
/// `taken_at_ms` (the time of the paste; the tools' output carries none).
pub fn import_text(text: &str, taken_at_ms: i64) -> Result<(PastedFormat, Snapshot), ImportError> {
    check_size(text)?;
    let format = detect(text).ok_or(ImportError::Unrecognised)?;
    let snap = match format {
        PastedFormat::Snapshot => Snapshot::from_json(text)?,
        PastedFormat::LogDirs => {
            let mut s = parse_log_dirs(text)?;
            s.taken_at_ms = taken_at_ms;
            s
        }
        PastedFormat::TopicsDescribe => {
            let mut s = Snapshot::empty(taken_at_ms);
            s.topics = parse_topics_describe(text)?;
            s
        }
        PastedFormat::GroupsDescribe => {
            let mut s = Snapshot::empty(taken_at_ms);
            s.groups = parse_groups_describe(text)?;
            s
        }
    };
    snap.validate()?;
    Ok((format, snap))
}
