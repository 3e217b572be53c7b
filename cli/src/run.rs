//! `kplay run`: create a topic, produce a workload, print each partition's log.
//!
//! ```text
//! kplay run --topic orders --partitions 3 --records 100 [--seed 7] [--segment-bytes 4096] [--json]
//! ```
//!
//! The same fields as the app's topic page share link (`engine::scenario`), so
//! `--ops` accepts a link's `ops` value verbatim.

use std::fmt::Write as _;

use kplay_engine::scenario::{ProduceOp, TopicScenario};
use serde::Serialize;

/// Arguments of `kplay run`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Topic name (Kafka's rules: [a-zA-Z0-9._-], 1..=249 chars, not "." or "..").
    #[arg(long, default_value = "orders")]
    topic: String,
    /// Number of partitions, 1 to 1000 (kplay's topic-page limit). Like
    /// kafka-topics.sh, 0 and negative counts (-1 included) are refused: -1
    /// means the broker default num.partitions only in the Admin API.
    #[arg(long, default_value_t = 3, allow_negative_numbers = true)]
    partitions: i64,
    /// `segment.bytes` for the topic.
    #[arg(long, default_value_t = 4096, allow_negative_numbers = true)]
    segment_bytes: i64,
    /// Generate this many records (keys key-0..key-49, ~100-byte values).
    #[arg(long)]
    records: Option<u64>,
    /// Seed for generated keys.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Produce operations in the share-link format (e.g. `g100s7.ruser-1=hello`).
    #[arg(long)]
    ops: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct PartitionOut {
    partition: i32,
    log_start_offset: i64,
    high_watermark: i64,
    log_end_offset: i64,
    records: usize,
    size_bytes: u64,
    segments: Vec<SegmentOut>,
}

#[derive(Serialize)]
struct SegmentOut {
    base_offset: i64,
    next_offset: i64,
    records: usize,
    size_bytes: u64,
}

#[derive(Serialize)]
struct RunOut {
    topic: String,
    partitions: Vec<PartitionOut>,
}

pub(crate) fn run(args: Args) -> Result<(), String> {
    let mut scenario = TopicScenario {
        topic: args.topic,
        partitions: args.partitions,
        segment_bytes: args.segment_bytes,
        ops: Vec::new(),
    };
    if let Some(ops) = &args.ops {
        scenario.ops = TopicScenario::parse_ops(ops).map_err(|e| e.to_string())?;
    }
    match args.records {
        Some(0) => return Err("--records must be at least 1".to_owned()),
        Some(count) => scenario.ops.push(ProduceOp::Generate {
            count,
            seed: args.seed,
        }),
        None => {}
    }
    let cluster = scenario.build().map_err(|e| e.to_string())?;
    let topic = cluster
        .topic(&scenario.topic)
        .ok_or_else(|| format!("topic {} was not created", scenario.topic))?;
    let out = RunOut {
        topic: topic.name().to_string(),
        partitions: topic
            .partitions()
            .iter()
            .map(|p| {
                let log = p.log();
                PartitionOut {
                    partition: p.index(),
                    log_start_offset: log.log_start_offset(),
                    high_watermark: log.high_watermark(),
                    log_end_offset: log.log_end_offset(),
                    records: log.record_count(),
                    size_bytes: log.size_in_bytes(),
                    segments: log
                        .segments()
                        .iter()
                        .map(|s| SegmentOut {
                            base_offset: s.base_offset(),
                            next_offset: s.next_offset(),
                            records: s.record_count(),
                            size_bytes: s.size_in_bytes(),
                        })
                        .collect(),
                }
            })
            .collect(),
    };
    let mut text = String::new();
    if args.json {
        let s = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        text.push_str(&s);
        text.push('\n');
    } else {
        let _ = writeln!(
            text,
            "{:<10} {:>16} {:>14} {:>14} {:>9} {:>11} {:>9}",
            "PARTITION",
            "LOG-START-OFFSET",
            "HIGH-WATERMARK",
            "LOG-END-OFFSET",
            "RECORDS",
            "SIZE-BYTES",
            "SEGMENTS"
        );
        for p in &out.partitions {
            let _ = writeln!(
                text,
                "{:<10} {:>16} {:>14} {:>14} {:>9} {:>11} {:>9}",
                p.partition,
                p.log_start_offset,
                p.high_watermark,
                p.log_end_offset,
                p.records,
                p.size_bytes,
                p.segments.len()
            );
        }
    }
    crate::emit(&text)
}
