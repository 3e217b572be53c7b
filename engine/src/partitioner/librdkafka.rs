//! librdkafka's partitioners and its sticky partition for keyless messages.
//!
//! Sources: `src/rdkafka_msg.c` (the partitioner functions,
//! `rd_kafka_msg_sticky_partition` and the dispatcher
//! `rd_kafka_msg_partitioner`), `src/rdkafka_topic.c` (where
//! `random_partitioner` is decided), `src/rdkafka_conf.c` (defaults).
//!
//! ## The partitioner functions
//!
//! | name | key → partition |
//! |---|---|
//! | `random` | `rd_jitter(0, cnt-1)` |
//! | `consistent` | `rd_crc32(key) % cnt` (NULL/empty → crc32 of nothing = 0 → partition 0) |
//! | `consistent_random` | `keylen == 0` ? random : consistent |
//! | `murmur2` | `(rd_murmur2(key) & 0x7fffffff) % cnt` (NULL → murmur2("") = `0x106e08d9`) |
//! | `murmur2_random` | `key == NULL` ? random : murmur2 |
//! | `fnv1a` | `rd_fnv1a(key) % cnt` (NULL → `0x7ee3623b`) |
//! | `fnv1a_random` | `key == NULL` ? random : fnv1a |
//!
//! ## The dispatcher and the sticky partition
//!
//! `rd_kafka_topic_new0` sets `random_partitioner = true` when
//! `sticky.partitioning.linger.ms == 0` or the partitioner is `consistent`,
//! `murmur2` or `fnv1a`. When it is **false**, a message with a NULL key — or
//! an empty key under `consistent_random` — does not call the partitioner at
//! all: it goes to the topic's *sticky* partition, which
//! `rd_kafka_msg_sticky_partition` re-picks with the `random` partitioner once
//! `sticky.partitioning.linger.ms` has passed since the last pick
//! (`rd_interval`: strictly more than the interval, measured from the last
//! pick). Consequences, all modelled here:
//!
//! * `consistent`/`murmur2`/`fnv1a` + NULL key → hash of empty input → one
//!   fixed partition.
//! * `consistent_random` + NULL **or empty** key → sticky random.
//! * `murmur2_random`/`fnv1a_random` + NULL key → sticky random, but an
//!   **empty** key is hashed like `""` (librdkafka issue #4510).
//! * `random` + NULL key → sticky random; any non-null key (empty included) →
//!   a fresh random partition per message.
//! * With `sticky.partitioning.linger.ms = 0` nothing is sticky: the `_random`
//!   partitioners pick a random partition per message.
//!
//! Simplification: every partition is assumed to have a leader (librdkafka's
//! "available" check and its one retry never trigger).

use std::num::NonZeroU32;

use super::{
    checked_partitions, crc32, murmur2, rd_fnv1a, to_positive, PartitionError, PartitionerKind,
    RandomSource,
};
use crate::clock::Millis;

/// librdkafka's default `sticky.partitioning.linger.ms`: `2 × linger.ms`
/// with `linger.ms` = 5 ms.
pub const DEFAULT_STICKY_PARTITIONING_LINGER_MS: Millis = 10;
/// The largest `sticky.partitioning.linger.ms` librdkafka accepts.
pub const MAX_STICKY_PARTITIONING_LINGER_MS: Millis = 900_000;

/// The sticky partition librdkafka keeps per topic for keyless messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StickyPartition {
    /// The current sticky partition (`rkt_sticky_partition`).
    pub partition: u32,
    /// When it was picked (`rkt_sticky_intvl.ri_ts_last`).
    pub picked_at: Millis,
}

/// A librdkafka producer's partitioner for one topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibrdkafkaPartitioner {
    kind: PartitionerKind,
    sticky_linger_ms: Millis,
    sticky: Option<StickyPartition>,
}

impl LibrdkafkaPartitioner {
    /// A partitioner named `kind` with `sticky.partitioning.linger.ms`.
    ///
    /// `kind` must be one of librdkafka's partitioners (not
    /// [`PartitionerKind::Java`]); the linger must be in `0..=900000`.
    pub fn new(
        kind: PartitionerKind,
        sticky_partitioning_linger_ms: Millis,
    ) -> Result<Self, PartitionError> {
        if kind == PartitionerKind::Java {
            return Err(PartitionError::UnknownPartitioner {
                name: "java (not a librdkafka partitioner)".to_owned(),
            });
        }
        if !(0..=MAX_STICKY_PARTITIONING_LINGER_MS).contains(&sticky_partitioning_linger_ms) {
            return Err(PartitionError::InvalidStickyLinger {
                value: sticky_partitioning_linger_ms,
            });
        }
        Ok(Self {
            kind,
            sticky_linger_ms: sticky_partitioning_linger_ms,
            sticky: None,
        })
    }

    /// The partitioner's name.
    pub fn kind(&self) -> PartitionerKind {
        self.kind
    }

    /// The current sticky partition, if one was picked.
    pub fn sticky(&self) -> Option<StickyPartition> {
        self.sticky
    }

    /// librdkafka's `rkt_conf.random_partitioner`: when true, keyless
    /// messages call the partitioner directly (no sticky partition).
    pub fn random_partitioner(&self) -> bool {
        self.sticky_linger_ms == 0
            || matches!(
                self.kind,
                PartitionerKind::Consistent | PartitionerKind::Murmur2 | PartitionerKind::Fnv1a
            )
    }

    /// Whether a message with this key goes to the sticky partition
    /// (the dispatcher's test in `rd_kafka_msg_partitioner`).
    pub fn uses_sticky(&self, key: Option<&[u8]>) -> bool {
        !self.random_partitioner()
            && match key {
                None => true,
                Some(k) => k.is_empty() && self.kind == PartitionerKind::ConsistentRandom,
            }
    }

    /// The partition of a message with `key` (`None` = NULL key) among
    /// `num_partitions` at simulated time `now`.
    pub fn partition<R: RandomSource>(
        &mut self,
        key: Option<&[u8]>,
        num_partitions: u32,
        now: Millis,
        rng: &mut R,
    ) -> Result<u32, PartitionError> {
        let n = checked_partitions(num_partitions)?;
        if self.uses_sticky(key) {
            return Ok(self.sticky_partition(n, now, rng));
        }
        Ok(partitioner_fn(self.kind, key, n, rng))
    }

    /// `rd_kafka_msg_sticky_partition`: re-pick with `random` when more than
    /// `sticky.partitioning.linger.ms` has passed since the last pick.
    fn sticky_partition<R: RandomSource>(
        &mut self,
        n: NonZeroU32,
        now: Millis,
        rng: &mut R,
    ) -> u32 {
        let keep = self.sticky.filter(|s| {
            s.partition < n.get() && now.saturating_sub(s.picked_at) <= self.sticky_linger_ms
        });
        let s = match keep {
            Some(s) => s,
            None => {
                let s = StickyPartition {
                    partition: rng.next_index(n),
                    picked_at: now,
                };
                self.sticky = Some(s);
                s
            }
        };
        s.partition
    }
}

/// The partitioner function itself (`rd_kafka_msg_partitioner_<name>`),
/// called when the dispatcher does not use the sticky partition.
pub fn partitioner_fn<R: RandomSource>(
    kind: PartitionerKind,
    key: Option<&[u8]>,
    n: NonZeroU32,
    rng: &mut R,
) -> u32 {
    let bytes = key.unwrap_or(&[]);
    let cnt = n.get();
    match kind {
        PartitionerKind::Random => rng.next_index(n),
        PartitionerKind::Consistent => crc32(bytes) % cnt,
        PartitionerKind::ConsistentRandom => {
            if bytes.is_empty() {
                rng.next_index(n)
            } else {
                crc32(bytes) % cnt
            }
        }
        PartitionerKind::Murmur2 | PartitionerKind::Java => {
            (to_positive(murmur2(bytes)) as u32) % cnt
        }
        PartitionerKind::Murmur2Random => match key {
            None => rng.next_index(n),
            Some(k) => (to_positive(murmur2(k)) as u32) % cnt,
        },
        PartitionerKind::Fnv1a => rd_fnv1a(bytes) % cnt,
        PartitionerKind::Fnv1aRandom => match key {
            None => rng.next_index(n),
            Some(k) => rd_fnv1a(k) % cnt,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partitioner::SequentialRandom;
    use crate::rng::SimRng;

    const LONG: &[u8] = b"this is another string with more length to it perhaps";

    /// tests/0048-partitioner.c `do_test_partitioners`, keys
    /// `{NULL, "", "23456", LONG, "hejsan"}`, `sticky.partitioning.linger.ms=0`;
    /// `None` = random (-1 in the C test).
    fn expected_0048(kind: PartitionerKind) -> [Option<u32>; 5] {
        use PartitionerKind::*;
        match kind {
            Random => [None, None, None, None, None],
            Consistent => [
                Some(0),
                Some(0),
                Some(0xb1b4_51d7),
                Some(0xb015_0df7),
                Some(0xd077_037e),
            ],
            ConsistentRandom => [
                None,
                None,
                Some(0xb1b4_51d7),
                Some(0xb015_0df7),
                Some(0xd077_037e),
            ],
            Murmur2 => [
                Some(0x106e_08d9),
                Some(0x106e_08d9),
                Some(0x058d_780f),
                Some(0x4f77_03da),
                Some(0x5ec1_9395),
            ],
            Murmur2Random => [
                None,
                Some(0x106e_08d9),
                Some(0x058d_780f),
                Some(0x4f77_03da),
                Some(0x5ec1_9395),
            ],
            Fnv1a => [
                Some(0x7ee3_623b),
                Some(0x7ee3_623b),
                Some(0x27e6_f469),
                Some(0x155e_3e5f),
                Some(0x17b1_e27a),
            ],
            Fnv1aRandom => [
                None,
                Some(0x7ee3_623b),
                Some(0x27e6_f469),
                Some(0x155e_3e5f),
                Some(0x17b1_e27a),
            ],
            Java => [None; 5],
        }
    }

    #[test]
    fn test_0048_partitioners_with_17_and_7_partitions() {
        let keys: [Option<&[u8]>; 5] =
            [None, Some(b""), Some(b"23456"), Some(LONG), Some(b"hejsan")];
        for part_cnt in [17u32, 7] {
            for kind in PartitionerKind::ALL
                .into_iter()
                .filter(|k| k.is_librdkafka())
            {
                let mut p = LibrdkafkaPartitioner::new(kind, 0).unwrap();
                for (key, exp) in keys.iter().zip(expected_0048(kind)) {
                    let Some(h) = exp else { continue };
                    // Deterministic entries must not depend on the random stream.
                    for seed in 0..4 {
                        let mut rng = SimRng::seeded(seed);
                        let got = p.partition(*key, part_cnt, 0, &mut rng).unwrap();
                        assert_eq!(got, h % part_cnt, "{kind} {key:?} @{part_cnt}");
                    }
                }
            }
        }
    }

    #[test]
    fn random_entries_of_0048_really_vary() {
        // The -1 entries: over many seeds more than one partition shows up.
        let keys: [Option<&[u8]>; 5] =
            [None, Some(b""), Some(b"23456"), Some(LONG), Some(b"hejsan")];
        for kind in PartitionerKind::ALL
            .into_iter()
            .filter(|k| k.is_librdkafka())
        {
            for (key, exp) in keys.iter().zip(expected_0048(kind)) {
                if exp.is_some() {
                    continue;
                }
                let mut p = LibrdkafkaPartitioner::new(kind, 0).unwrap();
                let mut rng = SimRng::seeded(9);
                let seen: std::collections::BTreeSet<u32> = (0..200)
                    .map(|_| p.partition(*key, 17, 0, &mut rng).unwrap())
                    .collect();
                assert!(seen.len() > 5, "{kind} {key:?}: {seen:?}");
            }
        }
    }

    #[test]
    fn null_and_empty_key_rules_with_sticky_linger() {
        use PartitionerKind::*;
        // (kind, null key sticky?, empty key sticky?)
        let rules = [
            (Random, true, false),
            (Consistent, false, false),
            (ConsistentRandom, true, true),
            (Murmur2, false, false),
            (Murmur2Random, true, false),
            (Fnv1a, false, false),
            (Fnv1aRandom, true, false),
        ];
        for (kind, null_sticky, empty_sticky) in rules {
            let p = LibrdkafkaPartitioner::new(kind, 10).unwrap();
            assert_eq!(p.uses_sticky(None), null_sticky, "{kind} null");
            assert_eq!(p.uses_sticky(Some(b"")), empty_sticky, "{kind} empty");
            assert!(!p.uses_sticky(Some(b"k")), "{kind} keyed");
            let p0 = LibrdkafkaPartitioner::new(kind, 0).unwrap();
            assert!(!p0.uses_sticky(None), "{kind}: linger 0 disables sticky");
        }
    }

    #[test]
    fn sticky_partition_held_for_linger_then_repicked() {
        let mut p = LibrdkafkaPartitioner::new(PartitionerKind::ConsistentRandom, 10).unwrap();
        let mut rng = SequentialRandom::new();
        // First keyless message picks random 0 → partition 0.
        assert_eq!(p.partition(None, 3, 100, &mut rng).unwrap(), 0);
        // Held (empty key too under consistent_random) until more than 10 ms passed.
        assert_eq!(p.partition(Some(b""), 3, 105, &mut rng).unwrap(), 0);
        assert_eq!(p.partition(None, 3, 110, &mut rng).unwrap(), 0);
        assert_eq!(rng.draws(), 1);
        // 11 ms after the pick: re-picked with the next random (1).
        assert_eq!(p.partition(None, 3, 111, &mut rng).unwrap(), 1);
        assert_eq!(
            p.sticky(),
            Some(StickyPartition {
                partition: 1,
                picked_at: 111
            })
        );
        // Keyed messages never touch the sticky partition.
        assert_eq!(
            p.partition(Some(b"23456"), 17, 500, &mut rng).unwrap(),
            0xb1b4_51d7 % 17
        );
        assert_eq!(rng.draws(), 2);
    }

    #[test]
    fn test_0114_long_linger_keeps_one_partition_short_spreads() {
        // tests/0114-sticky_partitioning.cpp: 3 partitions; a run of keyless
        // messages lands on one partition with 5000 ms and on several with 1 ms.
        let run = |linger: Millis| {
            let mut p =
                LibrdkafkaPartitioner::new(PartitionerKind::ConsistentRandom, linger).unwrap();
            let mut rng = SimRng::seeded(3);
            (0..1000)
                .map(|i| p.partition(None, 3, i, &mut rng).unwrap())
                .collect::<std::collections::BTreeSet<u32>>()
                .len()
        };
        assert_eq!(run(5000), 1);
        assert!(run(1) > 1);
    }

    #[test]
    fn rejects_bad_inputs() {
        assert_eq!(
            LibrdkafkaPartitioner::new(PartitionerKind::Murmur2, 900_001),
            Err(PartitionError::InvalidStickyLinger { value: 900_001 })
        );
        assert!(LibrdkafkaPartitioner::new(PartitionerKind::Murmur2, -1).is_err());
        assert!(LibrdkafkaPartitioner::new(PartitionerKind::Java, 10).is_err());
        let mut p = LibrdkafkaPartitioner::new(PartitionerKind::Random, 10).unwrap();
        assert_eq!(
            p.partition(None, 0, 0, &mut SimRng::seeded(1)),
            Err(PartitionError::InvalidPartitions { partitions: 0 })
        );
    }
}
