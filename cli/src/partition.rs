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
//! N is a Java `int`, 1 to 2147483647, as Kafka's partition count; any
//! such N costs nothing extra (a key's partition is its hash modulo N). The
//! table cuts keys longer than 64 characters with `…`; `--json` prints them
//! whole.
//!
//! Random choices are deterministic: they come from a `SimRng` seeded with
//! `--seed` (default 0), all keys produced at simulated time 0, so keys that
//! librdkafka sends to its sticky partition (the empty key under
//! `consistent_random`) share one partition within a run.

use std::io::Read as _;

use kplay_engine::cli_input::{parse_partition_count, partition_keys};
use kplay_engine::input::clip;
use kplay_engine::partitioner::PartitionerKind;

/// Widest KEY column of the table; longer keys are cut with `…` (the JSON
/// output keeps them whole).
const MAX_KEY_COLUMN: usize = 64;

/// Arguments of `kplay partition`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Number of partitions of the topic: 1 to 2147483647 (a Java int).
    #[arg(long, allow_hyphen_values = true)]
    partitions: String,
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
        return Err(format!(
            "invalid hex key \"{}\": odd number of digits",
            clip(s)
        ));
    }
    let digit = |c: u8| -> Result<u8, String> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(format!(
                "invalid hex key \"{}\": '{}' is not a hex digit",
                clip(s),
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

pub(crate) fn run(args: Args) -> Result<(), String> {
    let kind: PartitionerKind = args.partitioner.parse().map_err(|e| format!("{e}"))?;
    let n = parse_partition_count(&args.partitions).map_err(|e| e.to_string())?;
    let given: Vec<Vec<u8>> = if args.keys.is_empty() {
        read_stdin_keys()?
    } else {
        args.keys.iter().map(|k| k.as_bytes().to_vec()).collect()
    };
    let shown: Vec<String> = given
        .iter()
        .map(|raw| String::from_utf8_lossy(raw).into_owned())
        .collect();
    let keys: Vec<Vec<u8>> = if args.hex {
        shown
            .iter()
            .map(|s| decode_hex(s.trim()))
            .collect::<Result<_, _>>()?
    } else {
        given
    };
    let placed = partition_keys(kind, &keys, n, args.seed).map_err(|e| e.to_string())?;
    let rows: Vec<Row> = shown
        .into_iter()
        .zip(placed)
        .map(|(key, p)| Row {
            key,
            partition: p.partition,
            hash: p.hash,
        })
        .collect();
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
            .clamp(3, MAX_KEY_COLUMN);
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
                cell(&r.key, MAX_KEY_COLUMN),
                r.partition,
                hash
            ));
        }
    }
    crate::emit(&out)
}
