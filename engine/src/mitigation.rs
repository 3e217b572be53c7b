//! Hot-key mitigations, side by side, each with what it costs in ordering.
//!
//! Kafka only guarantees order **within a partition**, so every way of
//! spreading one key's records over several partitions gives up some order.
//! [`Mitigation`] lists the usual fixes; [`Mitigation::ordering_cost`] states
//! the cost in one sentence, and [`simulate`] runs a [`Workload`] through a
//! client partitioner with the mitigation applied and returns the
//! [`SkewReport`] so the page can compare them.
//!
//! * [`Mitigation::CompoundKey`]: key = `{key}@{bucket}` with
//!   `bucket = timestamp / bucket_ms` (e.g. `article_id` + hour bucket).
//! * [`Mitigation::SaltedKey`]: key = `hex(sha256(key))[:2] + ":" + key`, see
//!   [`salted_key`].
//! * [`Mitigation::HotKeySpreading`]: a custom partitioner that sends the
//!   named hot keys round-robin over `spread` consecutive partitions starting
//!   at the key's own partition, and every other key as usual.
//! * [`Mitigation::MorePartitions`]: a larger partition count; keys remap,
//!   see [`remap_report`] ("which keys move when 12 → 16").

use std::collections::BTreeSet;
use std::io::Write as _;
use std::num::NonZeroU32;

use sha2::{Digest, Sha256};

use crate::clock::Millis;
use crate::partitioner::{
    checked_partitions, ClientPartitioner, PartitionError, PartitionerConfig, PartitionerKind,
};
use crate::record::RecordInput;
use crate::rng::SimRng;
use crate::skew::{SkewError, SkewReport, SkewTracker};
use crate::workload::{Workload, WorkloadError, WorkloadSpec};

/// Errors of mitigation operations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum MitigationError {
    /// Kafka refuses to reduce a topic's partition count
    /// (`CreatePartitions`: `INVALID_PARTITIONS`).
    #[error(
        "INVALID_PARTITIONS: Topic currently has {current} partitions, which is higher than the \
         requested {requested}."
    )]
    PartitionCountDecrease {
        /// Current count.
        current: u32,
        /// Requested count.
        requested: u32,
    },
    /// A bucket or spread of 0.
    #[error("Invalid value {value} for {name}: must be at least 1")]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: i64,
    },
    /// From the partitioner.
    #[error(transparent)]
    Partition(#[from] PartitionError),
    /// From the workload.
    #[error(transparent)]
    Workload(#[from] WorkloadError),
    /// From skew tracking.
    #[error(transparent)]
    Skew(#[from] SkewError),
}

/// A mitigation to compare.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Mitigation {
    /// No mitigation (the baseline).
    None,
    /// Compound key `{key}@{timestamp / bucket_ms}`.
    CompoundKey {
        /// Bucket width, e.g. 3 600 000 for an hour.
        bucket_ms: i64,
    },
    /// Salted key `hex(sha256(key))[:2] + ":" + key`.
    SaltedKey,
    /// Hot keys round-robin over `spread` partitions.
    HotKeySpreading {
        /// The keys to spread.
        hot_keys: Vec<Vec<u8>>,
        /// How many partitions each hot key uses (≥ 1, capped at the count).
        spread: u32,
    },
    /// Grow the topic to `partitions`.
    MorePartitions {
        /// The new partition count.
        partitions: u32,
    },
}

impl Mitigation {
    /// A short name for labels.
    pub fn name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::CompoundKey { .. } => "compound key",
            Self::SaltedKey => "salted key",
            Self::HotKeySpreading { .. } => "hot-key spreading",
            Self::MorePartitions { .. } => "more partitions",
        }
    }

    /// What the mitigation costs in ordering, in one sentence.
    pub fn ordering_cost(&self) -> &'static str {
        match self {
            Self::None => "No cost: every record of a key is in one partition, in produce order.",
            Self::CompoundKey { .. } => {
                "Order holds per key within one time bucket only: records of the same key in \
                 different buckets may be on different partitions and be consumed out of order \
                 across bucket boundaries; consumers must merge buckets (e.g. by timestamp)."
            }
            Self::SaltedKey => {
                "No ordering cost, because the salt hex(sha256(key))[:2] is a function of the key \
                 itself: a key still maps to exactly one partition. For the same reason it does \
                 not split a single hot key, it only moves it; consumers must strip the \"xx:\" \
                 prefix and compacted topics keep the salted key."
            }
            Self::HotKeySpreading { .. } => {
                "Order is lost for the hot keys: their records are spread over several partitions \
                 and may be consumed out of order, by different consumers; other keys keep \
                 per-key order. Consumers of a hot key must re-order or aggregate."
            }
            Self::MorePartitions { .. } => {
                "Adding partitions remaps existing keys (hash % n changes): records of a moved key \
                 written before and after the change sit in different partitions, so its order \
                 breaks once at the switch, and compacted topics keep stale values in the old \
                 partition. It does not split a single hot key."
            }
        }
    }

    fn validate(&self) -> Result<(), MitigationError> {
        match self {
            Self::CompoundKey { bucket_ms } if *bucket_ms < 1 => {
                Err(MitigationError::InvalidParameter {
                    name: "bucket_ms",
                    value: *bucket_ms,
                })
            }
            Self::HotKeySpreading { spread: 0, .. } => Err(MitigationError::InvalidParameter {
                name: "spread",
                value: 0,
            }),
            Self::MorePartitions { partitions: 0 } => {
                Err(PartitionError::InvalidPartitions { partitions: 0 }.into())
            }
            _ => Ok(()),
        }
    }
}

/// Writes the compound key `{key}@{timestamp.div_euclid(bucket_ms)}` into `out`
/// (cleared first). `bucket_ms` must be ≥ 1.
pub fn compound_key(
    key: &[u8],
    timestamp: i64,
    bucket_ms: i64,
    out: &mut Vec<u8>,
) -> Result<(), MitigationError> {
    if bucket_ms < 1 {
        return Err(MitigationError::InvalidParameter {
            name: "bucket_ms",
            value: bucket_ms,
        });
    }
    out.clear();
    out.extend_from_slice(key);
    out.push(b'@');
    // Writing into a Vec cannot fail; no temporary String is allocated.
    let _ = write!(out, "{}", timestamp.div_euclid(bucket_ms));
    Ok(())
}

/// Writes the salted key into `out` (cleared first):
/// `hex(sha256(key))[:2] + ":" + key`.
///
/// `[:2]` means the **first two lowercase hex characters** of the SHA-256
/// digest, i.e. its first byte — 256 possible salts. Example: sha256("") =
/// `e3b0c442…`, so the empty key becomes `e3:`.
pub fn salted_key(key: &[u8], out: &mut Vec<u8>) {
    salted_key_with(key, key, out);
}

/// Like [`salted_key`] but the salt is taken from `salt_input` (for example
/// the key plus a record sequence number), which does split a hot key over
/// up to 256 sub-keys — and loses its per-key order.
pub fn salted_key_with(salt_input: &[u8], key: &[u8], out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(salt_input);
    let first = digest.first().copied().unwrap_or(0);
    out.clear();
    out.push(HEX[usize::from(first >> 4)]);
    out.push(HEX[usize::from(first & 0x0f)]);
    out.push(b':');
    out.extend_from_slice(key);
}

/// A custom partitioner that spreads the named hot keys over `spread`
/// partitions (`(base + i) % n`, `i` round-robin per hot key, `base` the
/// key's own partition), other keys as `kind` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HotKeySpreader {
    hot: BTreeSet<Vec<u8>>,
    spread: u32,
    next: u64,
}

impl HotKeySpreader {
    /// Spreads `hot_keys` over `spread` (≥ 1) partitions each.
    pub fn new(
        hot_keys: impl IntoIterator<Item = Vec<u8>>,
        spread: u32,
    ) -> Result<Self, MitigationError> {
        if spread == 0 {
            return Err(MitigationError::InvalidParameter {
                name: "spread",
                value: 0,
            });
        }
        Ok(Self {
            hot: crate::sort::btree_set(hot_keys),
            spread,
            next: 0,
        })
    }

    /// If `key` is hot, its partition for this record: `base_partition`
    /// shifted round-robin by 0..spread (at most `n` distinct partitions).
    pub fn spread_partition(
        &mut self,
        key: &[u8],
        base_partition: u32,
        n: NonZeroU32,
    ) -> Option<u32> {
        if !self.hot.contains(key) {
            return None;
        }
        let width = u64::from(self.spread.min(n.get()));
        let shift = self.next % width;
        self.next = self.next.wrapping_add(1);
        Some(((u64::from(base_partition) + shift) % u64::from(n.get())) as u32)
    }
}

/// One key whose partition changes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyMove {
    /// The key.
    pub key: Vec<u8>,
    /// Its partition before.
    pub from: u32,
    /// Its partition after.
    pub to: u32,
}

/// Which keys move when a topic grows.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RemapReport {
    /// The partitioner the keys were placed with.
    pub partitioner: PartitionerKind,
    /// Partition count before.
    pub from_partitions: u32,
    /// Partition count after.
    pub to_partitions: u32,
    /// Keys whose partition differs, in input order.
    pub moved: Vec<KeyMove>,
    /// Keys that stay.
    pub unchanged: usize,
    /// Keys with no fixed partition under this partitioner (random).
    pub unplaced: usize,
    /// `moved / (moved + unchanged)`, 0 when there are none.
    pub moved_fraction: f64,
}

/// Which of `keys` land on a different partition after growing the topic
/// from `from` to `to` partitions under `kind`. Kafka cannot shrink a topic,
/// so `to < from` is an error.
pub fn remap_report<'a>(
    kind: PartitionerKind,
    keys: impl IntoIterator<Item = &'a [u8]>,
    from: u32,
    to: u32,
) -> Result<RemapReport, MitigationError> {
    let nf = checked_partitions(from)?;
    let nt = checked_partitions(to)?;
    if to < from {
        return Err(MitigationError::PartitionCountDecrease {
            current: from,
            requested: to,
        });
    }
    let mut moved = Vec::new();
    let (mut unchanged, mut unplaced) = (0usize, 0usize);
    for key in keys {
        match (kind.partition_key(key, nf), kind.partition_key(key, nt)) {
            (Some(a), Some(b)) if a != b => moved.push(KeyMove {
                key: key.to_vec(),
                from: a,
                to: b,
            }),
            (Some(_), Some(_)) => unchanged += 1,
            _ => unplaced += 1,
        }
    }
    let placed = moved.len() + unchanged;
    Ok(RemapReport {
        partitioner: kind,
        from_partitions: from,
        to_partitions: to,
        moved_fraction: if placed == 0 {
            0.0
        } else {
            moved.len() as f64 / placed as f64
        },
        moved,
        unchanged,
        unplaced,
    })
}

/// A producer partitioner with a [`Mitigation`] applied, fed one record at a
/// time, counting what lands where in a [`SkewTracker`].
///
/// This is [`simulate`] taken apart so a caller (the app) can feed records in
/// chunks — one animation frame's worth at a time — and read a report
/// between chunks. For each record it rewrites the key (compound / salted),
/// asks the client partitioner (the same [`ClientPartitioner`] as a real
/// producer, default [`PartitionerConfig`]), lets the [`HotKeySpreader`]
/// override the partition of a hot key, and counts the record's
/// `DefaultRecord.sizeInBytes` as its bytes.
///
/// Invariant: the tracker has [`partition_count`](Self::partition_count)
/// partitions and every record produced was counted exactly once.
#[derive(Debug, Clone)]
pub struct MitigatedProducer {
    mitigation: Mitigation,
    num_partitions: NonZeroU32,
    partitioner: ClientPartitioner,
    spreader: Option<HotKeySpreader>,
    rng: SimRng,
    tracker: SkewTracker,
    key_buf: Vec<u8>,
    value: Vec<u8>,
}

impl MitigatedProducer {
    /// A `kind` producer for a topic of `num_partitions` with `mitigation`
    /// (`MorePartitions` replaces `num_partitions`, and must not be smaller:
    /// Kafka cannot shrink a topic). `seed` seeds the partitioner's
    /// randomness (random partitioners, sticky null-key partitions).
    pub fn new(
        kind: PartitionerKind,
        num_partitions: u32,
        mitigation: &Mitigation,
        seed: u64,
    ) -> Result<Self, MitigationError> {
        mitigation.validate()?;
        checked_partitions(num_partitions)?;
        let n = match mitigation {
            Mitigation::MorePartitions { partitions } => {
                if *partitions < num_partitions {
                    return Err(MitigationError::PartitionCountDecrease {
                        current: num_partitions,
                        requested: *partitions,
                    });
                }
                *partitions
            }
            _ => num_partitions,
        };
        let nz = checked_partitions(n)?;
        let spreader = match mitigation {
            Mitigation::HotKeySpreading { hot_keys, spread } => {
                Some(HotKeySpreader::new(hot_keys.iter().cloned(), *spread)?)
            }
            _ => None,
        };
        Ok(Self {
            mitigation: mitigation.clone(),
            num_partitions: nz,
            partitioner: ClientPartitioner::new(kind, &PartitionerConfig::default())?,
            spreader,
            rng: SimRng::seeded(seed),
            tracker: SkewTracker::new(n)?,
            key_buf: Vec::with_capacity(64),
            value: Vec::new(),
        })
    }

    /// The topic's partition count (after `MorePartitions`).
    pub fn partition_count(&self) -> u32 {
        self.num_partitions.get()
    }

    /// Produces one record with `key`, a value of `value_bytes` bytes and
    /// CreateTime `timestamp`; returns the partition it went to.
    pub fn produce(
        &mut self,
        key: &[u8],
        timestamp: Millis,
        value_bytes: u32,
    ) -> Result<u32, MitigationError> {
        if self.value.len() != value_bytes as usize {
            self.value.resize(value_bytes as usize, 0);
        }
        let key: &[u8] = match &self.mitigation {
            Mitigation::CompoundKey { bucket_ms } => {
                compound_key(key, timestamp, *bucket_ms, &mut self.key_buf)?;
                &self.key_buf
            }
            Mitigation::SaltedKey => {
                salted_key(key, &mut self.key_buf);
                &self.key_buf
            }
            _ => key,
        };
        let n = self.num_partitions;
        let rec = RecordInput::new(Some(key), Some(&self.value), timestamp);
        let mut p = self
            .partitioner
            .partition(&rec, n.get(), timestamp, &mut self.rng)?;
        if let Some(s) = self.spreader.as_mut() {
            if let Some(sp) = s.spread_partition(key, p, n) {
                p = sp;
            }
        }
        let bytes = crate::record::record_size_in_bytes(0, 0, &rec);
        self.tracker.record(p, Some(key), u64::from(bytes))?;
        Ok(p)
    }

    /// The counts so far.
    pub fn tracker(&self) -> &SkewTracker {
        &self.tracker
    }

    /// The skew report so far, with the `top_n` heaviest keys (as produced,
    /// i.e. after salting/compounding).
    pub fn report(&self, top_n: usize) -> SkewReport {
        self.tracker.report(top_n, None)
    }
}

/// Runs `records` records of `spec` through a `kind` producer partitioner
/// on `num_partitions` with `mitigation` applied, and reports the skew
/// (top `top_n` keys, as produced — i.e. after salting/compounding).
/// `MorePartitions` replaces `num_partitions`. The same as feeding
/// [`MitigatedProducer::new`]`(kind, num_partitions, mitigation, spec.seed ^ 0x5EED)`
/// with the workload's records.
pub fn simulate(
    spec: &WorkloadSpec,
    records: u64,
    kind: PartitionerKind,
    num_partitions: u32,
    mitigation: &Mitigation,
    top_n: usize,
) -> Result<SkewReport, MitigationError> {
    let mut producer =
        MitigatedProducer::new(kind, num_partitions, mitigation, spec.seed ^ 0x5EED)?;
    let mut workload = Workload::new(*spec)?;
    for _ in 0..records {
        let r = workload.next_record();
        producer.produce(r.key, r.timestamp, r.value_bytes)?;
    }
    Ok(producer.report(top_n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::KeyChoice;

    #[test]
    fn salted_key_is_first_two_hex_chars_of_sha256() {
        let mut out = Vec::new();
        salted_key(b"", &mut out);
        assert_eq!(out, b"e3:"); // sha256("") = e3b0c442…
        salted_key(b"abc", &mut out);
        assert_eq!(out, b"ba:abc"); // sha256("abc") = ba7816bf…
    }

    #[test]
    fn compound_key_uses_the_bucket() {
        let mut out = Vec::new();
        compound_key(b"article-7", 7_200_000, 3_600_000, &mut out).unwrap();
        assert_eq!(out, b"article-7@2");
        compound_key(b"a", 3_599_999, 3_600_000, &mut out).unwrap();
        assert_eq!(out, b"a@0");
        assert!(compound_key(b"a", 0, 0, &mut out).is_err());
    }

    #[test]
    fn remap_12_to_16_reports_exactly_the_keys_that_move() {
        let keys: Vec<Vec<u8>> = (0..500)
            .map(|i| format!("article-{i}").into_bytes())
            .collect();
        for kind in [
            PartitionerKind::Java,
            PartitionerKind::ConsistentRandom,
            PartitionerKind::Fnv1a,
        ] {
            let r = remap_report(kind, keys.iter().map(Vec::as_slice), 12, 16).unwrap();
            let n12 = NonZeroU32::new(12).unwrap();
            let n16 = NonZeroU32::new(16).unwrap();
            let expected: Vec<&[u8]> = keys
                .iter()
                .map(Vec::as_slice)
                .filter(|k| kind.partition_key(k, n12) != kind.partition_key(k, n16))
                .collect();
            let got: Vec<&[u8]> = r.moved.iter().map(|m| m.key.as_slice()).collect();
            assert_eq!(got, expected, "{kind}");
            assert_eq!(r.moved.len() + r.unchanged, 500);
            for m in &r.moved {
                assert_eq!(Some(m.from), kind.partition_key(&m.key, n12));
                assert_eq!(Some(m.to), kind.partition_key(&m.key, n16));
            }
            // h % 12 == h % 16 iff h % 48 < 12: about 3/4 of the keys move.
            assert!(
                (0.65..0.85).contains(&r.moved_fraction),
                "{}",
                r.moved_fraction
            );
        }
        assert_eq!(
            remap_report(PartitionerKind::Java, [b"k".as_slice()], 16, 12),
            Err(MitigationError::PartitionCountDecrease {
                current: 16,
                requested: 12
            })
        );
        let r = remap_report(PartitionerKind::Random, [b"k".as_slice()], 12, 16).unwrap();
        assert_eq!(r.unplaced, 1);
    }

    #[test]
    fn hot_key_spreading_clears_the_alarm_and_every_cost_is_stated() {
        let spec = WorkloadSpec {
            keys: 1_000,
            choice: KeyChoice::HotKey { percent: 30.0 },
            ..WorkloadSpec::default()
        };
        let base = simulate(
            &spec,
            20_000,
            PartitionerKind::Java,
            12,
            &Mitigation::None,
            3,
        )
        .unwrap();
        assert!(base.alarm);
        let spread = Mitigation::HotKeySpreading {
            hot_keys: vec![b"key-0".to_vec()],
            spread: 12,
        };
        let fixed = simulate(&spec, 20_000, PartitionerKind::Java, 12, &spread, 3).unwrap();
        assert!(!fixed.alarm, "{:?}", fixed.max_over_median_records);
        assert_eq!(fixed.top_keys[0].partitions.len(), 12);
        // Salting with the key's own hash moves the hot key but keeps it whole.
        let salted = simulate(
            &spec,
            20_000,
            PartitionerKind::Java,
            12,
            &Mitigation::SaltedKey,
            3,
        )
        .unwrap();
        assert!(salted.alarm);
        assert_eq!(salted.top_keys[0].partitions.len(), 1);
        // More partitions: still one partition for the hot key.
        let more = Mitigation::MorePartitions { partitions: 16 };
        let grown = simulate(&spec, 20_000, PartitionerKind::Java, 12, &more, 3).unwrap();
        assert_eq!(grown.partitions.len(), 16);
        assert!(grown.alarm);
        for m in [
            Mitigation::None,
            Mitigation::CompoundKey {
                bucket_ms: 3_600_000,
            },
            Mitigation::SaltedKey,
            spread,
            more,
        ] {
            assert!(m.ordering_cost().len() > 20, "{}", m.name());
        }
    }

    #[test]
    fn compound_key_spreads_a_hot_key_over_time() {
        // 10 records/s for 10 simulated minutes with 1-minute buckets: the hot
        // key becomes 10 different keys.
        let spec = WorkloadSpec {
            keys: 100,
            choice: KeyChoice::HotKey { percent: 50.0 },
            rate_per_sec: 10.0,
            ..WorkloadSpec::default()
        };
        let m = Mitigation::CompoundKey { bucket_ms: 60_000 };
        let r = simulate(&spec, 6_000, PartitionerKind::Java, 12, &m, 20).unwrap();
        let hot: Vec<_> = r
            .top_keys
            .iter()
            .filter(|k| k.key.as_deref().is_some_and(|k| k.starts_with(b"key-0@")))
            .collect();
        assert_eq!(hot.len(), 10);
        assert!(hot.iter().all(|k| k.partitions.len() == 1));
    }

    #[test]
    fn producer_fed_in_chunks_reports_like_simulate() {
        let spec = WorkloadSpec {
            keys: 200,
            choice: KeyChoice::Zipf { s: 1.1 },
            time_bucket_ms: Some(1_000),
            ..WorkloadSpec::default()
        };
        for m in [
            Mitigation::None,
            Mitigation::CompoundKey { bucket_ms: 2_000 },
            Mitigation::SaltedKey,
            Mitigation::HotKeySpreading {
                hot_keys: vec![b"key-0@0".to_vec()],
                spread: 3,
            },
            Mitigation::MorePartitions { partitions: 9 },
        ] {
            for kind in [PartitionerKind::Java, PartitionerKind::Random] {
                let whole = simulate(&spec, 3_000, kind, 6, &m, 5).unwrap();
                let mut p = MitigatedProducer::new(kind, 6, &m, spec.seed ^ 0x5EED).unwrap();
                let mut w = Workload::new(spec).unwrap();
                let mut placed = vec![0u64; p.partition_count() as usize];
                for _chunk in 0..3 {
                    for _ in 0..1_000 {
                        let r = w.next_record();
                        let at = p.produce(r.key, r.timestamp, r.value_bytes).unwrap();
                        placed[at as usize] += 1;
                    }
                }
                assert_eq!(p.report(5), whole, "{} {kind}", m.name());
                assert_eq!(p.tracker().records_per_partition(), placed.as_slice());
            }
        }
        assert!(MitigatedProducer::new(PartitionerKind::Java, 0, &Mitigation::None, 1).is_err());
    }

    #[test]
    fn invalid_parameters() {
        let spec = WorkloadSpec::default();
        let bad = [
            Mitigation::CompoundKey { bucket_ms: 0 },
            Mitigation::HotKeySpreading {
                hot_keys: vec![],
                spread: 0,
            },
            Mitigation::MorePartitions { partitions: 0 },
            Mitigation::MorePartitions { partitions: 6 },
        ];
        for m in bad {
            assert!(
                simulate(&spec, 10, PartitionerKind::Java, 12, &m, 1).is_err(),
                "{m:?}"
            );
        }
    }
}
