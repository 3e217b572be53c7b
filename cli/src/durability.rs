//! `kplay durability --input SCENARIO.json [--json]`
//!
//! Runs a replication scenario on the simulated clock and prints the
//! durability ledger and every partition's final state. Input:
//!
//! ```json
//! {"seed": 1, "brokers": 3,
//!  "topic": {"name": "t", "partitions": 1, "replication_factor": 3,
//!            "replica_assignment": {"0": [0, 1, 2]},
//!            "configs": {"min.insync.replicas": "2", "unclean.leader.election.enable": "false"}},
//!  "producer": {"acks": "all", "enable.idempotence": "true", "transactional.id": "tx-1"},
//!  "consumer": {"isolation.level": "read_committed"},
//!  "steps": [{"at_ms": 0, "produce": {"records": 100}}, {"at_ms": 5, "kill_broker": 1},
//!            {"at_ms": 600000, "run_until": {}}]}
//! ```
//!
//! Steps: `produce` `{records, partition?}`, `kill_broker` N, `start_broker` N,
//! `shutdown_broker` N, `stop_fetching` / `resume_fetching` `{broker}`,
//! `drop_produce_responses` `{broker, count}`, `begin_transaction` /
//! `commit_transaction` / `abort_transaction` `{}`, `run_until` `{}`, and
//! kplay extras: `slow_broker` `{broker, delay_ms}`, `partition_network` /
//! `heal_network` `{brokers: [a, b]}`, `elect_preferred_leaders` `{}`,
//! `send_offsets_to_transaction` `{group, offsets: {"0": 5}}`,
//! `fence_producer` `{}` (a new instance with the same `transactional.id`).
//! Config values are Kafka property strings; numbers and booleans are
//! accepted too (the reader is `kplay_engine::durability::json`, which the
//! fuzz target `durability_json` runs too). Output (`--json`): see the issue
//! contract; the readable form prints the same numbers.

use kplay_engine::durability::{self, json::scenario_from_json, IsolationLevel};
use serde_json::Value;
use std::path::PathBuf;

/// Arguments of `kplay durability`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Scenario JSON file.
    #[arg(long)]
    input: PathBuf,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}
pub(crate) fn run(a: Args) -> Result<(), String> {
    let text = std::fs::read_to_string(&a.input)
        .map_err(|e| format!("cannot read {}: {e}", a.input.display()))?;
    let v: Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", a.input.display()))?;
    let s = scenario_from_json(&v)?;
    let r = durability::run(&s).map_err(|e| e.to_string())?;
    if a.json {
        crate::emit(&format!(
            "{}\n",
            serde_json::to_string(&r).map_err(|e| e.to_string())?
        ))?;
        return Ok(());
    }
    let readable = match s.isolation_level {
        IsolationLevel::ReadCommitted => "read_committed",
        IsolationLevel::ReadUncommitted => "read_uncommitted",
    };
    crate::emit(&format!("sent                 {}\n", r.sent))?;
    crate::emit(&format!("acknowledged         {}\n", r.acknowledged))?;
    crate::emit(&format!("acknowledged_lost    {}\n", r.acknowledged_lost))?;
    for (cause, n) in &r.lost_by {
        crate::emit(&format!("  lost by {cause}: {n}\n"))?;
    }
    crate::emit(&format!("duplicates           {}\n", r.duplicates))?;
    for (e, n) in &r.failed {
        crate::emit(&format!("failed {e:<33} {n}\n"))?;
    }
    crate::emit(&format!("readable_committed   {}\n", r.readable_committed))?;
    crate::emit(&format!(
        "readable_uncommitted {}\n",
        r.readable_uncommitted
    ))?;
    crate::emit(&format!(
        "(the scenario's consumer uses isolation.level={readable})\n"
    ))?;
    crate::emit("\n")?;
    for p in &r.partitions {
        let leader = p.leader.map_or("none".to_owned(), |l| l.to_string());
        let list = |v: &[i32]| v.iter().map(i32::to_string).collect::<Vec<_>>().join(",");
        let leos = p
            .log_end_offsets
            .iter()
            .map(|(b, o)| format!("{b}:{o}"))
            .collect::<Vec<_>>()
            .join(" ");
        crate::emit(&format!(
            "Partition: {}  Leader: {leader}  Replicas: {}  Isr: {}  LeaderEpoch: {}  HW: {}  LSO: {}  LEO: {leos}\n",
            p.partition,
            list(&p.replicas),
            list(&p.isr),
            p.leader_epoch,
            p.high_watermark,
            p.last_stable_offset
        ))?;
    }
    crate::emit("\n")?;
    for e in &r.events {
        crate::emit(&format!("{:>8} ms  {}\n", e.at_ms, e.event))?;
    }
    Ok(())
}
