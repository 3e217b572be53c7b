//! `kplay assign --assignor NAME --input FILE.json [--json]`
//!
//! Runs one of Kafka's partition assignors over the members and topics in
//! `FILE.json`:
//!
//! ```json
//! {"topics": {"orders": 6, "payments": 3},
//!  "members": [{"member_id": "c1", "group_instance_id": null, "topics": ["orders"],
//!               "owned": [{"topic": "orders", "partition": 0}], "generation": 1}]}
//! ```
//!
//! `group_instance_id`, `owned` and `generation` are optional (`owned` and
//! `generation` feed the sticky assignors and `uniform`). Members are passed to
//! the assignor in file order (that order feeds the Java `HashMap` emulation of
//! the sticky assignors).
//!
//! **Unknown topics.** The CLI is strict: a member subscribed to a topic that
//! is not a key of `topics`, or owning a partition of such a topic, is an
//! error (the engine itself follows Kafka: client-side assignors skip topics
//! without metadata, server-side ones fail).
//!
//! **cooperative-sticky** prints the assignor's output *for this round*, as
//! Kafka's `CooperativeStickyAssignor.assign` returns it: a partition that
//! changes owner is left out (its current owner must revoke it first) and is
//! assigned by the follow-up rebalance. The readable table lists those
//! partitions as "pending".
//!
//! Output (`--json`): `{"assignment": {"c1": [{"topic": "orders", "partition": 0}, …]}}`,
//! every member present, each list sorted by topic then partition.

use kplay_engine::group::{AssignmentInput, Assignor, MemberSubscription, TopicPartition};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Arguments of `kplay assign`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// range, roundrobin, sticky, cooperative-sticky, uniform or server-range.
    #[arg(long)]
    assignor: String,
    /// JSON file with `topics` and `members`.
    #[arg(long)]
    input: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputFile {
    topics: BTreeMap<String, i64>,
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

pub(crate) fn run(args: Args) -> Result<(), String> {
    let assignor: Assignor = args.assignor.parse().map_err(|e| format!("{e}"))?;
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input.display()))?;
    let input = parse_input(&text)?;
    let outcome = assignor.assign(&input).map_err(|e| e.to_string())?;
    let sorted = outcome.sorted();
    if args.json {
        let out = serde_json::json!({ "assignment": sorted });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!("assignor: {assignor}");
    let width = sorted.keys().map(String::len).max().unwrap_or(6).max(6);
    println!("{:<width$}  {:>5}  PARTITIONS", "MEMBER", "COUNT");
    for (member, parts) in &sorted {
        let list = if parts.is_empty() {
            "(idle)".to_owned()
        } else {
            parts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!("{member:<width$}  {:>5}  {list}", parts.len());
    }
    if assignor == Assignor::CooperativeSticky {
        if let Some(p) = outcome
            .partitions_transferring_ownership
            .filter(|p| !p.is_empty())
        {
            println!();
            println!("pending (revoked by their current owner first, assigned in the follow-up rebalance):");
            for (tp, to) in p {
                println!("  {tp} -> {to}");
            }
        }
    }
    Ok(())
}

fn parse_input(text: &str) -> Result<AssignmentInput, String> {
    let file: InputFile =
        serde_json::from_str(text).map_err(|e| format!("malformed input: {e}"))?;
    let mut topics = BTreeMap::new();
    for (t, n) in file.topics {
        let n = i32::try_from(n)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("INVALID_PARTITIONS: Number of partitions for topic '{t}' must be between 1 and {}, got {n}", i32::MAX))?;
        topics.insert(t, n);
    }
    let mut members = Vec::with_capacity(file.members.len());
    for m in file.members {
        for t in m.topics.iter().chain(m.owned.iter().map(|tp| &tp.topic)) {
            if !topics.contains_key(t) {
                return Err(format!(
                    "UNKNOWN_TOPIC_OR_PARTITION: member '{}' refers to topic '{t}', which is not in \"topics\"",
                    m.member_id
                ));
            }
        }
        members.push(MemberSubscription {
            member_id: m.member_id,
            group_instance_id: m.group_instance_id,
            topics: m.topics,
            owned: m.owned,
            generation: m.generation,
        });
    }
    AssignmentInput::new(topics, members).map_err(|e| e.to_string())
}
