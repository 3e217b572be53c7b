//! A topic scenario: everything that defines the first playground view, as
//! plain data that round-trips through a URL query string.
//!
//! The app keeps the shareable truth in the URL; the CLI's `kplay run` takes
//! the same fields as flags. [`TopicScenario::build`] replays the scenario into
//! a fresh [`Cluster`] deterministically, so a link always shows the same logs.
//!
//! Query format (every field optional, defaults in [`TopicScenario::default`]):
//!
//! ```text
//! topic=orders&partitions=3&segment_bytes=1024&ops=g100s7.ruser-1=hello.nnull-key-value
//! ```
//!
//! `ops` is a `.`-separated list of produce operations:
//!
//! * `g<count>s<seed>` — generate `count` records with keys `key-0..key-49`
//!   drawn by a seeded RNG and ~100-byte values;
//! * `r<key>=<value>` — one record with that key (the empty key is allowed);
//! * `r<key>` — a tombstone (null value) for that key;
//! * `n=<value>` — one record with a null key.
//!
//! Keys and values are percent-encoded (every byte outside `[A-Za-z0-9_-]`),
//! so the separators `.`, `=` never appear inside them.
//!
//! Keyed records go where the Java client puts them (murmur2, see
//! [`crate::partitioner`]). Null-key records go round-robin, the Java client's
//! behaviour before 2.4 — a simplification on this page; the Partitioning page
//! models the sticky partitioners.

use crate::cluster::{Cluster, CreateTopicError, NewTopic};
use crate::input::{clip, parse_i64, IntError};
use crate::partitioner::java_partition_for_key;
use crate::record::RecordInput;
use crate::rng::SimRng;
use crate::topic::ProduceError;

/// The most records one generate operation may produce.
pub const MAX_GENERATE: u64 = 100_000;
/// The most records a whole scenario may produce.
pub const MAX_TOTAL_RECORDS: u64 = 1_000_000;
/// The most produce operations in one scenario (keeps links short).
pub const MAX_OPS: usize = 500;
/// The most partitions the topic page shows.
pub const MAX_PARTITIONS: i64 = 1_000;

/// One produce operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProduceOp {
    /// Generate `count` records from `seed`.
    Generate {
        /// Number of records.
        count: u64,
        /// RNG seed for keys.
        seed: u64,
    },
    /// One typed record.
    Record {
        /// `None` = null key.
        key: Option<Vec<u8>>,
        /// `None` = null value (tombstone).
        value: Option<Vec<u8>>,
    },
}

/// Errors from parsing a share link or replaying a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// A query field could not be parsed.
    #[error(
        "invalid share link: field '{}' has value '{}': {reason}",
        clip(field),
        clip(value)
    )]
    MalformedField {
        /// Field name.
        field: String,
        /// Its raw value.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// A produce operation could not be parsed.
    #[error(
        "invalid share link: produce operation #{index} ('{}') {reason}",
        clip(op)
    )]
    MalformedOp {
        /// 1-based position in `ops`.
        index: usize,
        /// The raw operation.
        op: String,
        /// What is wrong.
        reason: String,
    },
    /// Too many records, operations or partitions.
    #[error("{what} is {requested}, more than kplay's limit of {max}")]
    LimitExceeded {
        /// What exceeded the limit.
        what: String,
        /// The requested amount.
        requested: u64,
        /// The limit.
        max: u64,
    },
    /// A partition count below 1. `kafka-topics.sh --create --partitions N`
    /// refuses it (`TopicCommand.createTopic`: "The partitions must be greater
    /// than 0"); only the Admin API's `CreateTopics` takes `-1`, meaning the
    /// broker's `num.partitions`, and kafka-topics.sh sends that when
    /// `--partitions` is left out. The topic page and `kplay run` mirror
    /// kafka-topics.sh, so `-1` is refused rather than silently made 1.
    #[error("INVALID_PARTITIONS: The partitions must be greater than 0 (got {requested}; kafka-topics.sh refuses it too, and the broker default num.partitions applies only when --partitions is left out)")]
    InvalidPartitions {
        /// The count asked for.
        requested: i64,
    },
    /// Creating the topic failed.
    #[error(transparent)]
    CreateTopic(#[from] CreateTopicError),
    /// Producing failed.
    #[error(transparent)]
    Produce(#[from] ProduceError),
}

/// Everything that defines the topic playground view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicScenario {
    /// Topic name (validated on build).
    pub topic: String,
    /// Partition count (validated on build).
    pub partitions: i64,
    /// `segment.bytes` for the topic (small by default so segments are visible).
    pub segment_bytes: i64,
    /// Produce operations, in order.
    pub ops: Vec<ProduceOp>,
}

impl Default for TopicScenario {
    fn default() -> Self {
        Self {
            topic: "orders".to_owned(),
            partitions: 3,
            segment_bytes: 4096,
            ops: Vec::new(),
        }
    }
}

/// Percent-encodes every byte outside `[A-Za-z0-9_-]`.
pub fn percent_encode(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// Decodes `%XX` escapes; any other byte is taken literally.
pub fn percent_decode(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s
                .get(i + 1..i + 3)
                .ok_or_else(|| format!("truncated escape at byte {i}"))?;
            let v = u8::from_str_radix(hex, 16).map_err(|_| format!("bad escape '%{hex}'"))?;
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(out)
}

fn parse_op(index: usize, op: &str) -> Result<ProduceOp, ScenarioError> {
    let bad = |reason: &str| ScenarioError::MalformedOp {
        index,
        op: op.to_owned(),
        reason: reason.to_owned(),
    };
    if let Some(rest) = op.strip_prefix('g') {
        let (count, seed) = rest
            .split_once('s')
            .ok_or_else(|| bad("should look like g<count>s<seed>"))?;
        let count: u64 = count
            .parse()
            .map_err(|_| bad("has a count that is not a whole number"))?;
        let seed: u64 = seed
            .parse()
            .map_err(|_| bad("has a seed that is not a whole number"))?;
        if count == 0 {
            return Err(bad("generates zero records"));
        }
        if count > MAX_GENERATE {
            return Err(ScenarioError::LimitExceeded {
                what: "records in one generate operation".into(),
                requested: count,
                max: MAX_GENERATE,
            });
        }
        return Ok(ProduceOp::Generate { count, seed });
    }
    let decode = |s: &str| percent_decode(s).map_err(|e| bad(&e));
    if let Some(rest) = op.strip_prefix('n') {
        let value = rest
            .strip_prefix('=')
            .ok_or_else(|| bad("should look like n=<value>"))?;
        return Ok(ProduceOp::Record {
            key: None,
            value: Some(decode(value)?),
        });
    }
    if let Some(rest) = op.strip_prefix('r') {
        return Ok(match rest.split_once('=') {
            Some((k, v)) => ProduceOp::Record {
                key: Some(decode(k)?),
                value: Some(decode(v)?),
            },
            None => ProduceOp::Record {
                key: Some(decode(rest)?),
                value: None,
            },
        });
    }
    Err(bad("should start with g, r or n"))
}

fn encode_op(op: &ProduceOp) -> String {
    match op {
        ProduceOp::Generate { count, seed } => format!("g{count}s{seed}"),
        ProduceOp::Record { key: None, value } => {
            format!("n={}", percent_encode(value.as_deref().unwrap_or_default()))
        }
        ProduceOp::Record {
            key: Some(k),
            value: Some(v),
        } => format!("r{}={}", percent_encode(k), percent_encode(v)),
        ProduceOp::Record {
            key: Some(k),
            value: None,
        } => format!("r{}", percent_encode(k)),
    }
}

fn parse_int(field: &str, value: &str) -> Result<i64, ScenarioError> {
    parse_i64(value).map_err(|e| ScenarioError::MalformedField {
        field: field.to_owned(),
        value: value.to_owned(),
        reason: match e {
            IntError::NotANumber => "not a whole number".to_owned(),
            IntError::OutOfRange => format!(
                "out of range: a whole number from {} to {} (a Java long)",
                i64::MIN,
                i64::MAX
            ),
        },
    })
}

impl TopicScenario {
    /// Parses `(name, value)` query pairs (already URL-decoded). Unknown fields
    /// are ignored so other views can share the query string.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ScenarioError> {
        let mut s = Self::default();
        for (k, v) in pairs {
            match k {
                "topic" => s.topic = v.to_owned(),
                "partitions" => s.partitions = parse_int(k, v)?,
                "segment_bytes" => s.segment_bytes = parse_int(k, v)?,
                "ops" => s.ops = Self::parse_ops(v)?,
                _ => {}
            }
        }
        Ok(s)
    }

    /// Parses the `ops` field.
    pub fn parse_ops(v: &str) -> Result<Vec<ProduceOp>, ScenarioError> {
        if v.is_empty() {
            return Ok(Vec::new());
        }
        let parts: Vec<&str> = v.split('.').collect();
        if parts.len() > MAX_OPS {
            return Err(ScenarioError::LimitExceeded {
                what: "produce operations".into(),
                requested: parts.len() as u64,
                max: MAX_OPS as u64,
            });
        }
        parts
            .iter()
            .enumerate()
            .map(|(i, op)| parse_op(i + 1, op))
            .collect()
    }

    /// The `ops` field value for these operations.
    pub fn ops_query(&self) -> String {
        self.ops.iter().map(encode_op).collect::<Vec<_>>().join(".")
    }

    /// `(name, value)` pairs for the URL query (values not yet URL-encoded).
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut q = vec![
            ("topic", self.topic.clone()),
            ("partitions", self.partitions.to_string()),
            ("segment_bytes", self.segment_bytes.to_string()),
        ];
        if !self.ops.is_empty() {
            q.push(("ops", self.ops_query()));
        }
        q
    }

    /// Total records the operations produce.
    pub fn total_records(&self) -> u64 {
        self.ops
            .iter()
            .map(|op| match op {
                ProduceOp::Generate { count, .. } => *count,
                ProduceOp::Record { .. } => 1,
            })
            .fold(0u64, u64::saturating_add)
    }

    /// Replays the scenario into a fresh single-broker cluster. Each record
    /// advances the simulated clock by 1 ms.
    pub fn build(&self) -> Result<Cluster, ScenarioError> {
        if self.partitions < 1 {
            return Err(ScenarioError::InvalidPartitions {
                requested: self.partitions,
            });
        }
        if self.partitions > MAX_PARTITIONS {
            return Err(ScenarioError::LimitExceeded {
                what: "partitions".into(),
                requested: self.partitions as u64,
                max: MAX_PARTITIONS as u64,
            });
        }
        let total = self.total_records();
        if total > MAX_TOTAL_RECORDS {
            return Err(ScenarioError::LimitExceeded {
                what: "records in the scenario".into(),
                requested: total,
                max: MAX_TOTAL_RECORDS,
            });
        }
        let mut cluster = Cluster::new(1, 0);
        cluster.create_topic(NewTopic {
            name: self.topic.clone(),
            partitions: self.partitions,
            replication_factor: 1,
            configs: vec![("segment.bytes".into(), self.segment_bytes.to_string())],
        })?;
        let mut round_robin: u32 = 0;
        let mut key_buf = String::new();
        let mut value_buf = String::new();
        for op in &self.ops {
            match op {
                ProduceOp::Generate { count, seed } => {
                    let mut rng = SimRng::seeded(*seed);
                    for i in 0..*count {
                        key_buf.clear();
                        value_buf.clear();
                        use std::fmt::Write;
                        let _ = write!(key_buf, "key-{}", rng.below(50));
                        let _ = write!(
                            value_buf,
                            "{{\"seq\":{i},\"payload\":\"{:0>76}\"}}",
                            rng.next_u32()
                        );
                        produce(
                            &mut cluster,
                            &self.topic,
                            Some(key_buf.as_bytes()),
                            Some(value_buf.as_bytes()),
                            &mut round_robin,
                        )?;
                    }
                }
                ProduceOp::Record { key, value } => {
                    produce(
                        &mut cluster,
                        &self.topic,
                        key.as_deref(),
                        value.as_deref(),
                        &mut round_robin,
                    )?;
                }
            }
        }
        Ok(cluster)
    }
}

fn produce(
    cluster: &mut Cluster,
    topic: &str,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    round_robin: &mut u32,
) -> Result<(), ScenarioError> {
    let now = cluster.advance(1);
    let Some(t) = cluster.topic_mut(topic) else {
        return Err(ScenarioError::Produce(
            ProduceError::UnknownTopicOrPartition {
                topic: topic.to_owned(),
                partition: -1,
            },
        ));
    };
    let n = t.partition_count();
    let partition = match key {
        Some(k) => java_partition_for_key(k, n),
        None => {
            let p = *round_robin % n.max(1);
            *round_robin = round_robin.wrapping_add(1);
            p
        }
    };
    t.produce(partition as i32, RecordInput::new(key, value, now), now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trips() {
        let s = TopicScenario {
            topic: "pay.ments".into(),
            partitions: 6,
            segment_bytes: 2048,
            ops: vec![
                ProduceOp::Generate {
                    count: 100,
                    seed: 7,
                },
                ProduceOp::Record {
                    key: Some(b"user=1.x%".to_vec()),
                    value: Some("héllo".as_bytes().to_vec()),
                },
                ProduceOp::Record {
                    key: Some(Vec::new()),
                    value: Some(Vec::new()),
                },
                ProduceOp::Record {
                    key: Some(b"gone".to_vec()),
                    value: None,
                },
                ProduceOp::Record {
                    key: None,
                    value: Some(b"no key".to_vec()),
                },
            ],
        };
        let q = s.to_query();
        let back = TopicScenario::from_query(q.iter().map(|(k, v)| (*k, v.as_str()))).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn malformed_links_are_clear_errors() {
        let e = TopicScenario::from_query([("partitions", "three")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid share link: field 'partitions' has value 'three': not a whole number"
        );
        let e = TopicScenario::from_query([("ops", "g10s1.x")]).unwrap_err();
        assert!(
            e.to_string()
                .contains("operation #2 ('x') should start with g, r or n"),
            "{e}"
        );
        assert!(TopicScenario::from_query([("ops", "g0s1")]).is_err());
        assert!(TopicScenario::from_query([("ops", "g999999999s1")]).is_err());
        assert!(TopicScenario::from_query([("ops", "rk=%zz")]).is_err());
        assert!(TopicScenario::from_query([("ops", "rk=%4")]).is_err());
        assert!(TopicScenario::from_query([("ops", "n")]).is_err());
    }

    #[test]
    fn build_places_generated_records_and_counts_them() {
        let s = TopicScenario {
            ops: vec![ProduceOp::Generate {
                count: 100,
                seed: 1,
            }],
            ..TopicScenario::default()
        };
        let c = s.build().unwrap();
        let t = c.topic("orders").unwrap();
        let counts = t.record_counts();
        assert_eq!(counts.iter().sum::<usize>(), 100);
        // Every record is on the partition murmur2 chooses for its key.
        for p in t.partitions() {
            for r in p.log().iter() {
                let k = r.key.unwrap();
                assert_eq!(java_partition_for_key(k, 3) as i32, p.index());
            }
        }
        // Deterministic: the same scenario gives the same logs.
        assert_eq!(
            s.build().unwrap().topic("orders").unwrap().record_counts(),
            counts
        );
    }

    #[test]
    fn build_reports_kafka_errors() {
        let bad_name = TopicScenario {
            topic: "..".into(),
            ..TopicScenario::default()
        };
        assert_eq!(
            bad_name.build().unwrap_err().to_string(),
            "INVALID_TOPIC_EXCEPTION: Topic name is invalid: '..' is not allowed"
        );
        let zero = TopicScenario {
            partitions: 0,
            ..TopicScenario::default()
        };
        assert!(matches!(
            zero.build(),
            Err(ScenarioError::InvalidPartitions { requested: 0 })
        ));
        let huge = TopicScenario {
            partitions: 5_000,
            ..TopicScenario::default()
        };
        assert!(matches!(
            huge.build(),
            Err(ScenarioError::LimitExceeded { .. })
        ));
    }

    #[test]
    fn minus_one_partitions_is_refused_like_kafka_topics() {
        // Issue 16 finding 9: -1 used to become 1 partition silently.
        let s = TopicScenario {
            partitions: -1,
            ..TopicScenario::default()
        };
        let e = s.build().unwrap_err();
        assert_eq!(e, ScenarioError::InvalidPartitions { requested: -1 });
        assert!(
            e.to_string()
                .starts_with("INVALID_PARTITIONS: The partitions must be greater than 0 (got -1;"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_numbers_and_long_values_in_links() {
        // Issue 16 finding 17.
        let e = TopicScenario::from_query([("segment_bytes", "9223372036854775808")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid share link: field 'segment_bytes' has value '9223372036854775808': out of range: a whole number from -9223372036854775808 to 9223372036854775807 (a Java long)"
        );
        let long = "x".repeat(100_000);
        let e = TopicScenario::from_query([("partitions", long.as_str())]).unwrap_err();
        assert!(e.to_string().len() < 200, "{}", e.to_string().len());
        let e = TopicScenario::from_query([("ops", long.as_str())]).unwrap_err();
        assert!(e.to_string().len() < 200, "{}", e.to_string().len());
    }

    #[test]
    fn null_keys_go_round_robin() {
        let s = TopicScenario {
            ops: (0..6)
                .map(|_| ProduceOp::Record {
                    key: None,
                    value: Some(b"v".to_vec()),
                })
                .collect(),
            ..TopicScenario::default()
        };
        let c = s.build().unwrap();
        assert_eq!(c.topic("orders").unwrap().record_counts(), vec![2, 2, 2]);
    }
}
