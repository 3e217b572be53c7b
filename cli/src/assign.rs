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
//! **Validation and limits** (`kplay_engine::cli_input::parse_assign_input`,
//! shared with the fuzz targets): the file must be a JSON object; every
//! member subscribes to at least one topic (a consumer with an empty
//! subscription does not join a group); topic names
//! follow Kafka's rules (`[a-zA-Z0-9._-]`, 1 to 249 characters, not `.` or
//! `..`), as `kplay run` and the pages check them; partition counts are 1 to
//! 2147483647 (a Java int). kplay keeps every partition in memory, so it
//! assigns at most 10,000 partitions per topic, 100,000 in all, 10,000
//! members, 2,000,000 partitions × members and 100,000 topic subscriptions
//! (entries of the members' `topics` lists); each refusal says which limit.
//! The table cuts member ids longer than 64 characters with `…`.
//!
//! **cooperative-sticky** prints the assignor's output *for this round*, as
//! Kafka's `CooperativeStickyAssignor.assign` returns it: a partition that
//! changes owner is left out (its current owner must revoke it first) and is
//! assigned by the follow-up rebalance. The readable table lists those
//! partitions as "pending".
//!
//! Output (`--json`): `{"assignment": {"c1": [{"topic": "orders", "partition": 0}, …]}}`,
//! every member present, each list sorted by topic then partition.

use std::fmt::Write as _;

use kplay_engine::cli_input::parse_assign_input;
use kplay_engine::group::Assignor;
use std::path::PathBuf;

/// Widest MEMBER column of the table; longer ids are cut with `…` (the JSON
/// output keeps them whole).
const MAX_MEMBER_COLUMN: usize = 64;

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

pub(crate) fn run(args: Args) -> Result<(), String> {
    let assignor: Assignor = args.assignor.parse().map_err(|e| format!("{e}"))?;
    let text = std::fs::read_to_string(&args.input)
        .map_err(|e| format!("cannot read {}: {e}", args.input.display()))?;
    let input = parse_assign_input(&text).map_err(|e| e.to_string())?;
    let outcome = assignor.assign(&input).map_err(|e| e.to_string())?;
    let sorted = outcome.sorted();
    if args.json {
        let out = serde_json::json!({ "assignment": sorted });
        let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        return crate::emit(&format!("{text}\n"));
    }
    let mut out = String::new();
    let _ = writeln!(out, "assignor: {assignor}");
    let width = sorted
        .keys()
        .map(|m| m.chars().count())
        .max()
        .unwrap_or(6)
        .clamp(6, MAX_MEMBER_COLUMN);
    let _ = writeln!(out, "{:<width$}  {:>5}  PARTITIONS", "MEMBER", "COUNT");
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
        let _ = writeln!(
            out,
            "{:<width$}  {:>5}  {list}",
            cell(member, MAX_MEMBER_COLUMN),
            parts.len()
        );
    }
    if assignor == Assignor::CooperativeSticky {
        if let Some(p) = outcome
            .partitions_transferring_ownership
            .filter(|p| !p.is_empty())
        {
            out.push('\n');
            out.push_str("pending (revoked by their current owner first, assigned in the follow-up rebalance):\n");
            for (tp, to) in p {
                let _ = writeln!(out, "  {tp} -> {}", cell(&to, MAX_MEMBER_COLUMN));
            }
        }
    }
    crate::emit(&out)
}

/// `s` cut to `max` characters, the last replaced by `…` when cut.
fn cell(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => s.into(),
        Some(_) => {
            let mut c: String = s.chars().take(max - 1).collect();
            c.push('…');
            c.into()
        }
    }
}
