//! The CLI's untrusted inputs, parsed where the fuzz targets can reach them.
//!
//! `kplay assign` reads a JSON file and `kplay partition` reads a partition
//! count and keys; both go through these functions, and so do the fuzz
//! targets in `fuzz/`, so what is fuzzed is exactly what the CLI runs. (`kplay
//! plan` reads its input with [`crate::planner::plan_from_json`].)
//!
//! ## Limits
//!
//! Kafka has no per-topic partition cap beyond the Java `int` of the
//! protocol (`CreateTopicsRequest.numPartitions` is `int32`), but kplay is a
//! simulator that keeps every partition in memory: the assignors build
//! per-partition lists, maps and sorts (`range` alone allocated 68 GB for
//! 2^31 − 1 partitions). The caps below keep one `kplay assign` under about a
//! second and a hundred MB on a laptop for every assignor (the sticky ones
//! are the slowest), and each is stated in the error message:
//!
//! * [`MAX_ASSIGN_PARTITIONS_PER_TOPIC`] partitions per topic (the same cap as
//!   [`crate::cluster::MAX_PARTITIONS_PER_TOPIC`]);
//! * [`MAX_ASSIGN_PARTITIONS`] partitions over all topics;
//! * [`MAX_ASSIGN_MEMBERS`] members;
//! * [`MAX_ASSIGN_WORK`] for partitions × members (the sticky assignors
//!   compare members per partition);
//! * [`MAX_ASSIGN_SUBSCRIPTIONS`] entries in all the members' `topics` lists
//!   (every assignor walks each member's subscription per topic).
//!
//! `kplay partition` needs no partition cap: a key's partition is its hash
//! modulo the count, so [`partition_keys`] does no per-partition work and any
//! count Kafka allows (1 to 2^31 − 1) is accepted.

use std::collections::BTreeMap;
use std::num::NonZeroU32;

use serde::Deserialize;

use crate::cluster::MAX_PARTITIONS_PER_TOPIC;
use crate::group::{AssignmentInput, MemberSubscription, TopicPartition};
use crate::input::{clip, clip_message, parse_i64, IntError};
use crate::partitioner::{ClientPartitioner, PartitionerConfig, PartitionerKind};
use crate::record::RecordInput;
use crate::rng::SimRng;
use crate::topic::TopicName;

/// Most partitions of one topic `kplay assign` accepts.
pub const MAX_ASSIGN_PARTITIONS_PER_TOPIC: i64 = MAX_PARTITIONS_PER_TOPIC as i64;
/// Most partitions over all topics of one `kplay assign` input.
pub const MAX_ASSIGN_PARTITIONS: u64 = 100_000;
/// Most members of one `kplay assign` input.
pub const MAX_ASSIGN_MEMBERS: usize = 10_000;
/// Most partitions × members of one `kplay assign` input.
pub const MAX_ASSIGN_WORK: u64 = 2_000_000;
/// Most topic subscriptions (entries of the members' `topics` lists) of one
/// `kplay assign` input.
pub const MAX_ASSIGN_SUBSCRIPTIONS: usize = 100_000;

/// An input the CLI refuses, with the message it prints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct CliInputError(pub String);

impl CliInputError {
    fn new(msg: impl Into<String>) -> Self {
        Self(msg.into())
    }
}

/// Deserializes a JSON document that must be an object. serde fills a
/// struct from a JSON array by position (`[50, null, 2]`), a shape nobody
/// documents, so anything but `{…}` at the top level is refused. Duplicate
/// and unknown fields are the struct's business (serde refuses duplicates).
/// Parser messages quote the input only briefly.
pub fn from_json_object<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    // JSON whitespace (RFC 8259 §2); a document starting with `{` is an object.
    let start = text.trim_start_matches([' ', '\t', '\n', '\r']);
    if !start.starts_with('{') {
        return Err(match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => format!(
                "expected a JSON object {{…}} at the top level, found {}",
                json_kind(&v)
            ),
            Err(e) => clip_message(&e.to_string()).into_owned(),
        });
    }
    serde_json::from_str(text).map_err(|e| clip_message(&e.to_string()).into_owned())
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
    topics: BTreeMap<String, serde_json::Value>,
    members: Vec<InputMember>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputMember {
    member_id: String,
    #[serde(default)]
    group_instance_id: Option<String>,
    topics: Vec<String>,
    #[serde(default)]
    owned: Vec<TopicPartition>,
    #[serde(default)]
    generation: Option<i32>,
}

/// A partition count from JSON: a whole number in Kafka's `int32` range.
fn topic_partitions(topic: &str, v: &serde_json::Value) -> Result<i32, CliInputError> {
    let n = v.as_i64().filter(|_| v.is_number());
    let bad = |shown: String| {
        CliInputError::new(format!(
            "INVALID_PARTITIONS: Number of partitions for topic '{}' must be a whole number between 1 and {} (a Java int), got {shown}",
            clip(topic),
            i32::MAX
        ))
    };
    match n {
        Some(n) if (1..=i64::from(i32::MAX)).contains(&n) => {
            if n > MAX_ASSIGN_PARTITIONS_PER_TOPIC {
                return Err(CliInputError::new(format!(
                    "INVALID_PARTITIONS: topic '{topic}' has {n} partitions; kplay assigns at most {MAX_ASSIGN_PARTITIONS_PER_TOPIC} partitions per topic (a simulator keeps every partition in memory; Kafka itself allows up to {})",
                    i32::MAX
                )));
            }
            Ok(n as i32)
        }
        Some(n) => Err(bad(n.to_string())),
        None => Err(bad(clip(&v.to_string()).into_owned())),
    }
}

/// Parses `kplay assign`'s input file (see `cli/src/assign.rs` for the
/// format) into an [`AssignmentInput`].
///
/// Refused: anything but a JSON object; unknown or duplicate fields; members
/// with an empty `topics` list (such a consumer does not join a group; the
/// sticky assignors would otherwise deal it partitions, as Java's
/// `allSubscriptionsEqual` skips an empty first subscription); topic names that
/// break Kafka's rules ([`TopicName::new`], as `kplay run` and the pages
/// check them); partition counts outside 1..=2^31 − 1; members referring to a
/// topic missing from `topics` (the CLI is strict, see `kplay assign`'s
/// docs); and inputs above the [limits](self#limits).
pub fn parse_assign_input(text: &str) -> Result<AssignmentInput, CliInputError> {
    let file: InputFile =
        from_json_object(text).map_err(|e| CliInputError::new(format!("malformed input: {e}")))?;
    let mut topics = BTreeMap::new();
    let mut total: u64 = 0;
    for (t, n) in &file.topics {
        TopicName::new(t)
            .map_err(|e| CliInputError::new(format!("INVALID_TOPIC_EXCEPTION: {e}")))?;
        let n = topic_partitions(t, n)?;
        total += n as u64;
        topics.insert(t.clone(), n);
    }
    if total > MAX_ASSIGN_PARTITIONS {
        return Err(CliInputError::new(format!(
            "the topics have {total} partitions in all; kplay assigns at most {MAX_ASSIGN_PARTITIONS} partitions per run (a simulator keeps every partition in memory)"
        )));
    }
    let members = file.members.len();
    if members > MAX_ASSIGN_MEMBERS {
        return Err(CliInputError::new(format!(
            "{members} members; kplay assigns to at most {MAX_ASSIGN_MEMBERS} members per run"
        )));
    }
    let work = total.saturating_mul(members as u64);
    if work > MAX_ASSIGN_WORK {
        return Err(CliInputError::new(format!(
            "{total} partitions × {members} members = {work}; kplay assigns at most {MAX_ASSIGN_WORK} partition-member pairs per run (the sticky assignors weigh every member for every partition)"
        )));
    }
    let subscriptions: usize = file.members.iter().map(|m| m.topics.len()).sum();
    if subscriptions > MAX_ASSIGN_SUBSCRIPTIONS {
        return Err(CliInputError::new(format!(
            "the members list {subscriptions} topic subscriptions in all; kplay assigns at most {MAX_ASSIGN_SUBSCRIPTIONS} per run"
        )));
    }
    let mut out = Vec::with_capacity(members);
    for m in file.members {
        if m.topics.is_empty() {
            return Err(CliInputError::new(format!(
                "member '{}' subscribes to no topic: a Kafka consumer with an empty subscription is not a group member (KafkaConsumer.subscribe(emptyList) is unsubscribe(), so it never joins)",
                clip(&m.member_id)
            )));
        }
        for t in m.topics.iter().chain(m.owned.iter().map(|tp| &tp.topic)) {
            if !topics.contains_key(t) {
                return Err(CliInputError::new(format!(
                    "UNKNOWN_TOPIC_OR_PARTITION: member '{}' refers to topic '{}', which is not in \"topics\"",
                    clip(&m.member_id),
                    clip(t)
                )));
            }
        }
        out.push(MemberSubscription {
            member_id: m.member_id,
            group_instance_id: m.group_instance_id,
            topics: m.topics,
            owned: m.owned,
            generation: m.generation,
        });
    }
    AssignmentInput::new(topics, out).map_err(|e| CliInputError::new(e.to_string()))
}

/// Parses `kplay partition --partitions N`: Kafka's partition count is a Java
/// `int`, so 1 to 2147483647.
pub fn parse_partition_count(s: &str) -> Result<NonZeroU32, CliInputError> {
    let out_of_range = |shown: &str| {
        CliInputError::new(format!(
            "INVALID_PARTITIONS: Number of partitions must be between 1 and {} (Kafka's partition count is a Java int), got {shown}",
            i32::MAX
        ))
    };
    match parse_i64(s) {
        Ok(n) if (1..=i64::from(i32::MAX)).contains(&n) => {
            NonZeroU32::new(n as u32).ok_or_else(|| out_of_range(s.trim()))
        }
        Ok(_) | Err(IntError::OutOfRange) => Err(out_of_range(&clip(s.trim()))),
        Err(IntError::NotANumber) => Err(CliInputError::new(format!(
            "INVALID_PARTITIONS: --partitions must be a whole number between 1 and {}, got '{}'",
            i32::MAX,
            clip(s)
        ))),
    }
}

/// Where one key goes: its partition and the partitioner's raw hash (`None`
/// when the partition is random).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyPartition {
    /// The partition, in `0..num_partitions`.
    pub partition: u32,
    /// [`PartitionerKind::raw_hash`] of the key.
    pub hash: Option<i32>,
}

/// The partition of each (non-null) key under `kind`, as `kplay partition`
/// prints them: the keys are produced in order at simulated time 0, and
/// random choices come from a [`SimRng`] seeded with `seed`.
///
/// Keyed records never touch per-partition state (the Java client's
/// accumulator queues, which [`ClientPartitioner`] models for null keys), so
/// the Java partitioner is evaluated as `murmur2 mod n` directly and the work
/// is linear in the keys' bytes whatever the partition count.
pub fn partition_keys(
    kind: PartitionerKind,
    keys: &[Vec<u8>],
    num_partitions: NonZeroU32,
    seed: u64,
) -> Result<Vec<KeyPartition>, CliInputError> {
    let mut rng = SimRng::seeded(seed);
    let mut librdkafka = if kind == PartitionerKind::Java {
        None
    } else {
        Some(
            ClientPartitioner::new(kind, &PartitionerConfig::default())
                .map_err(|e| CliInputError::new(e.to_string()))?,
        )
    };
    keys.iter()
        .map(|key| {
            let partition = match &mut librdkafka {
                None => kind.partition_key(key, num_partitions).unwrap_or(0),
                Some(p) => p
                    .partition(
                        &RecordInput::new(Some(key), None, 0),
                        num_partitions.get(),
                        0,
                        &mut rng,
                    )
                    .map_err(|e| CliInputError::new(e.to_string()))?,
            };
            Ok(KeyPartition {
                partition,
                hash: kind.raw_hash(key),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_counts_are_java_ints() {
        // Issue 16 finding 14.
        assert_eq!(parse_partition_count("6").unwrap().get(), 6);
        assert_eq!(
            parse_partition_count("2147483647").unwrap().get(),
            2_147_483_647
        );
        for bad in [
            "0",
            "-1",
            "2147483648",
            "4294967295",
            "4294967296",
            "99999999999999999999999",
        ] {
            let e = parse_partition_count(bad).unwrap_err().to_string();
            assert!(
                e.starts_with("INVALID_PARTITIONS: Number of partitions must be between 1 and 2147483647 (Kafka's partition count is a Java int), got "),
                "{bad}: {e}"
            );
        }
        let e = parse_partition_count("six").unwrap_err().to_string();
        assert!(e.contains("must be a whole number"), "{e}");
    }

    #[test]
    fn huge_partition_counts_cost_nothing_per_partition() {
        // Issue 16 finding 12: 2^31 - 1 partitions used to allocate 85 GB.
        let n = parse_partition_count("2147483647").unwrap();
        let keys = vec![b"user-42".to_vec(), Vec::new()];
        for kind in PartitionerKind::ALL {
            let got = partition_keys(kind, &keys, n, 0).unwrap();
            assert_eq!(got.len(), 2);
            assert!(got.iter().all(|k| k.partition < n.get()));
        }
    }

    #[test]
    fn partition_keys_match_the_client_partitioner() {
        let keys: Vec<Vec<u8>> = (0..50).map(|i| format!("key-{i}").into_bytes()).collect();
        let n = NonZeroU32::new(7).unwrap();
        for kind in PartitionerKind::ALL {
            let mut p = ClientPartitioner::new(kind, &PartitionerConfig::default()).unwrap();
            let mut rng = SimRng::seeded(3);
            let want: Vec<u32> = keys
                .iter()
                .map(|k| {
                    p.partition(&RecordInput::new(Some(k), None, 0), 7, 0, &mut rng)
                        .unwrap()
                })
                .collect();
            let got: Vec<u32> = partition_keys(kind, &keys, n, 3)
                .unwrap()
                .iter()
                .map(|k| k.partition)
                .collect();
            assert_eq!(got, want, "{kind}");
        }
    }

    #[test]
    fn assign_input_refuses_invalid_topic_names() {
        // Issue 16 finding 15.
        let long = "t".repeat(261);
        for name in ["a b", "<script>", ".", "..", long.as_str(), ""] {
            let text = serde_json::json!({"topics": {name: 1}, "members": []}).to_string();
            let e = parse_assign_input(&text).unwrap_err().to_string();
            assert!(
                e.starts_with("INVALID_TOPIC_EXCEPTION: Topic name is invalid"),
                "{name}: {e}"
            );
        }
    }

    #[test]
    fn assign_input_must_be_an_object() {
        let e = parse_assign_input(r#"[{"t":1},[]]"#)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "malformed input: expected a JSON object {…} at the top level, found an array"
        );
    }

    #[test]
    fn empty_subscriptions_are_refused() {
        // Found by the assign_json fuzz target: the sticky assignors gave
        // orders-2 to a member subscribed to nothing (and, in debug builds,
        // the engine's invariant check panicked).
        let e = parse_assign_input(
            r#"{"topics":{"orders":4},"members":[{"member_id":"c1","topics":["orders"]},{"member_id":"c3","topics":[]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("member 'c3' subscribes to no topic"), "{e}");
    }

    #[test]
    fn duplicate_fields_are_refused() {
        // Found by the assign_json fuzz target while the input went through
        // serde_json::Value, where the last duplicate silently won.
        let e = parse_assign_input(
            r#"{"topics":{"t":1},"members":[{"member_id":"1","topics":[],"topics":["t"]}]}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("duplicate field `topics`"), "{e}");
    }

    #[test]
    fn assign_input_caps_the_work() {
        // Issue 16 finding 13: 2^31 - 1 partitions aborted on a 68 GB allocation.
        let e = parse_assign_input(r#"{"topics":{"t":2147483647},"members":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("kplay assigns at most 10000 partitions per topic"),
            "{e}"
        );
        let e = parse_assign_input(r#"{"topics":{"t":2147483648},"members":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("between 1 and 2147483647"), "{e}");
        let e = parse_assign_input(r#"{"topics":{"t":1.5},"members":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("got 1.5"), "{e}");
        let topics: serde_json::Map<String, serde_json::Value> =
            (0..11).map(|i| (format!("t{i}"), 10_000.into())).collect();
        let text = serde_json::json!({"topics": topics, "members": []}).to_string();
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.contains("110000 partitions in all"), "{e}");
        let members: Vec<serde_json::Value> = (0..300)
            .map(|i| serde_json::json!({"member_id": format!("m{i}"), "topics": ["t"]}))
            .collect();
        let text = serde_json::json!({"topics": {"t": 10_000}, "members": members}).to_string();
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.contains("partition-member pairs"), "{e}");
        let topics: Vec<String> = (0..2_000).map(|i| format!("t{i}")).collect();
        let members: Vec<serde_json::Value> = (0..51)
            .map(|i| serde_json::json!({"member_id": format!("m{i}"), "topics": topics}))
            .collect();
        let tmap: serde_json::Map<String, serde_json::Value> =
            topics.iter().map(|t| (t.clone(), 1.into())).collect();
        let text = serde_json::json!({"topics": tmap, "members": members}).to_string();
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.contains("102000 topic subscriptions in all"), "{e}");
    }

    #[test]
    fn assign_errors_quote_long_ids_briefly() {
        let id = "m".repeat(70_000);
        let text = serde_json::json!({"topics": {"t": 1}, "members": [
            {"member_id": id, "topics": ["t"]}, {"member_id": id, "topics": ["t"]}]})
        .to_string();
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.len() < 200, "{}", e.len());
        let text = format!(r#"{{"topics": {{"t": "{id}"}}, "members": []}}"#);
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.len() < 300, "{}", e.len());
        let text = format!(r#"{{"{id}": 1}}"#);
        let e = parse_assign_input(&text).unwrap_err().to_string();
        assert!(e.len() < 300, "{}", e.len());
    }
}
