//! `partition_args`: `kplay partition --partitions N --partitioner NAME KEY…`
//! through `cli_input::parse_partition_count` and
//! `cli_input::partition_keys`, exactly as the CLI runs them.
//!
//! Input layout: line 1 is N as typed, line 2 the partitioner name, every
//! further line a key (bytes).
//!
//! Checks: N is accepted exactly when it is a whole number in 1..=2^31 − 1
//! (an independent `i128` reading of the text); every key gets a partition
//! in `0..N`; the hash is the partitioner's; and for hash-placed keys the
//! partition is recomputed independently from the hash (murmur2 partitioners
//! mask the sign bit, `Utils.toPositive`; CRC32 and FNV-1a take the unsigned
//! value modulo N). The work is linear in the keys whatever N is.

use kplay_engine::cli_input::{parse_partition_count, partition_keys};
use kplay_engine::partitioner::PartitionerKind;

use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct PartitionArgs;

impl Target for PartitionArgs {
    fn name(&self) -> &'static str {
        "partition_args"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "java",
            "random",
            "consistent",
            "consistent_random",
            "murmur2",
            "murmur2_random",
            "fnv1a",
            "fnv1a_random",
            "\n",
            "\n\n",
            "+1",
            " 7 ",
            "1000",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let mut lines = input.split(|&b| b == b'\n');
        let n_text = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
        let kind_text = String::from_utf8_lossy(lines.next().unwrap_or_default()).into_owned();
        let keys: Vec<Vec<u8>> = lines.map(<[u8]>::to_vec).collect();

        let independent = n_text
            .trim()
            .parse::<i128>()
            .ok()
            .filter(|n| (1..=i128::from(i32::MAX)).contains(n));
        let n = match (parse_partition_count(&n_text), independent) {
            (Ok(n), Some(want)) if i128::from(n.get()) == want => n,
            (Err(e), None) => {
                let m = e.to_string();
                check_error_len("partition count error", &m)?;
                return Ok(label_of("err-n", &m, 30));
            }
            (got, want) => {
                return Err(format!(
                    "--partitions {n_text:?}: parsed {got:?}, expected {want:?}"
                ));
            }
        };
        let kind: PartitionerKind = match kind_text.parse() {
            Ok(k) => k,
            Err(e) => {
                check_error_len("partitioner error", &e.to_string())?;
                return Ok("err-kind".to_owned());
            }
        };
        let placed =
            partition_keys(kind, &keys, n, 0).map_err(|e| format!("partition_keys: {e}"))?;
        if placed.len() != keys.len() {
            return Err(format!("{} keys, {} placements", keys.len(), placed.len()));
        }
        for (key, p) in keys.iter().zip(&placed) {
            if p.partition >= n.get() {
                return Err(format!("{kind}: partition {} of {n}", p.partition));
            }
            if p.hash != kind.raw_hash(key) {
                return Err(format!(
                    "{kind}: hash {:?} is not the partitioner's",
                    p.hash
                ));
            }
            let want = match (kind, p.hash) {
                (_, None) => None,
                (
                    PartitionerKind::Java
                    | PartitionerKind::Murmur2
                    | PartitionerKind::Murmur2Random,
                    Some(h),
                ) => Some(((h & 0x7fff_ffff) as u32) % n.get()),
                (_, Some(h)) => Some((h as u32) % n.get()),
            };
            if want.is_some_and(|w| w != p.partition) {
                return Err(format!(
                    "{kind}: key placed on {} but its hash says {want:?}",
                    p.partition
                ));
            }
        }
        Ok(format!("ok:{kind}:{}", keys.len().min(3)))
    }
}
