//! `kplay partition`: which partition does each key land on.
//!
//! ```text
//! kplay partition --partitions N [--partitioner NAME] [--hex] [--json] [--seed S] [KEY ...]
//! ```
//!
//! Keys come from the arguments or, when none are given, one per line on
//! stdin (a trailing `\r` is dropped; an empty line is the empty key). With
//! `--hex` every key is hex-encoded bytes (`""` = empty key). NAME is `java`
//! (default) or one of librdkafka's `random`, `consistent`,
//! `consistent_random`, `murmur2`, `murmur2_random`, `fnv1a`, `fnv1a_random`.
//!
//! `--json` prints one object per key: `{"key":"<as given>","partition":P,"hash":H}`
//! where H is the partitioner's raw hash as a signed 32-bit integer (murmur2
//! as `Utils.murmur2` returns it; CRC32/FNV-1a as the `u32` reinterpreted as
//! `i32`). `hash` is omitted when the key's partition is random: always for
//! `random`, and for the empty key under `consistent_random`.
//!
//! Random choices are deterministic: they come from a `SimRng` seeded with
//! `--seed` (default 0), all keys produced at simulated time 0, so keys that
//! librdkafka sends to its sticky partition (the empty key under
//! `consistent_random`) share one partition within a run.

use std::io::Read as _;

use kplay_engine::partitioner::{ClientPartitioner, PartitionerConfig, PartitionerKind};
use kplay_engine::record::RecordInput;
use kplay_engine::rng::SimRng;

/// Arguments of `kplay partition`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Number of partitions of the topic (at least 1).
    #[arg(long, allow_negative_numbers = true)]
    partitions: i64,
    /// `java` (default) or a librdkafka partitioner name.
    #[arg(long, default_value = "java")]
    partitioner: String,
    /// Keys are hex-encoded bytes.
    #[arg(long)]
    hex: bool,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    json: bool,
    /// Seed for random partitioners (deterministic output).
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Keys (read from stdin, one per line, when none are given).
    keys: Vec<String>,
}

#[derive(serde::Serialize)]
struct Row {
    key: String,
    partition: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    hash: Option<i32>,
}

fn decode_hex(s: &str) -> Result<Vec<u8>, String> {
    let b = s.as_bytes();
    if !b.len().is_multiple_of(2) {
        return Err(format!("invalid hex key \"{s}\": odd number of digits"));
    }
    let digit = |c: u8| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!(
                "invalid hex key \"{s}\": '{}' is not a hex digit",
                c as char
            )),
        }
    };
    b.chunks_exact(2)
        .map(|p| Ok(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

fn read_stdin_keys() -> Result<Vec<Vec<u8>>, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read keys from stdin: {e}"))?;
    if buf.is_empty() {
        return Ok(Vec::new());
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
    }
    Ok(buf
        .split(|&c| c == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l).to_vec())
        .collect())
}

pub(crate) fn run(args: Args) -> Result<(), String> {
    let kind: PartitionerKind = args.partitioner.parse().map_err(|e| format!("{e}"))?;
    let n = u32::try_from(args.partitions)
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| {
            format!(
                "INVALID_PARTITIONS: Number of partitions must be larger than 0, got {}",
                args.partitions
            )
        })?;
    let given: Vec<Vec<u8>> = if args.keys.is_empty() {
        read_stdin_keys()?
    } else {
        args.keys.iter().map(|k| k.as_bytes().to_vec()).collect()
    };
    let mut partitioner =
        ClientPartitioner::new(kind, &PartitionerConfig::default()).map_err(|e| e.to_string())?;
    let mut rng = SimRng::seeded(args.seed);
    let mut rows = Vec::with_capacity(given.len());
    for raw in &given {
        let shown = String::from_utf8_lossy(raw).into_owned();
        let key = if args.hex {
            decode_hex(shown.trim())?
        } else {
            raw.clone()
        };
        let rec = RecordInput::new(Some(&key), None, 0);
        let partition = partitioner
            .partition(&rec, n, 0, &mut rng)
            .map_err(|e| e.to_string())?;
        rows.push(Row {
            key: shown,
            partition,
            hash: kind.raw_hash(&key),
        });
    }
    let mut out = String::new();
    if args.json {
        for r in &rows {
            let line = serde_json::to_string(r).map_err(|e| e.to_string())?;
            out.push_str(&line);
            out.push('\n');
        }
    } else {
        let width = rows
            .iter()
            .map(|r| r.key.chars().count())
            .max()
            .unwrap_or(0)
            .max(3);
        out.push_str(&format!(
            "# partitioner {kind} ({}), {n} partitions\n",
            kind.client()
        ));
        out.push_str(&format!(
            "{:<width$}  {:>9}  {:>11}\n",
            "KEY", "PARTITION", "HASH"
        ));
        for r in &rows {
            let hash = r.hash.map_or_else(|| "-".to_owned(), |h| h.to_string());
            out.push_str(&format!(
                "{:<width$}  {:>9}  {:>11}\n",
                r.key, r.partition, hash
            ));
        }
    }
    print!("{out}");
    Ok(())
}
