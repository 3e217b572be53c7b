//! Partition skew: is one partition hot, which keys make it hot, and which
//! consumer suffers.
//!
//! A [`SkewTracker`] counts records and bytes per partition and per key as
//! they are produced (or is filled from a [`Topic`]'s logs), and
//! [`SkewTracker::report`] summarises it:
//!
//! * records and bytes per partition;
//! * the max/median ratio of records per partition (and of bytes);
//! * the **hot-partition alarm**: a partition holding more than
//!   [`HOT_PARTITION_FACTOR`] (2×) the median, by records or by bytes. This is
//!   the rule of thumb operators use for a hot key; Kafka itself has no such
//!   metric (brokers expose per-partition `BytesInPerSec`/`MessagesInPerSec`
//!   and sizes, and tools compare them);
//! * the top keys by volume (bytes, then records);
//! * given a partition → consumer map (from an assignor), the consumer that
//!   owns the hottest partition.
//!
//! The median of an even number of partitions is the mean of the two middle
//! values. When the median is 0 (most partitions idle) every non-empty
//! partition is hot and the ratio is reported as `None` (unbounded).

use std::collections::BTreeMap;

use crate::topic::Topic;

/// A partition is hot when it holds more than this many times the median.
pub const HOT_PARTITION_FACTOR: f64 = 2.0;

/// Errors of skew tracking.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SkewError {
    /// `INVALID_PARTITIONS`: a topic has at least one partition.
    #[error("INVALID_PARTITIONS: Number of partitions must be larger than 0, got {partitions}")]
    InvalidPartitions {
        /// The count given.
        partitions: u32,
    },
    /// `UNKNOWN_TOPIC_OR_PARTITION`: the partition is not in the topic.
    #[error(
        "UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition \
         (partition {partition} of {partitions})"
    )]
    UnknownPartition {
        /// The partition given.
        partition: u32,
        /// The topic's partition count.
        partitions: u32,
    },
}

/// Records and bytes of one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionLoad {
    /// Partition index.
    pub partition: u32,
    /// Records produced to it.
    pub records: u64,
    /// Bytes produced to it.
    pub bytes: u64,
    /// Whether it holds more than 2× the median (records or bytes).
    pub hot: bool,
}

/// The volume of one key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyVolume {
    /// The key; `None` aggregates all records without a key.
    pub key: Option<Vec<u8>>,
    /// Records with this key.
    pub records: u64,
    /// Bytes of records with this key.
    pub bytes: u64,
    /// Partitions this key landed on, ascending (one for a hash partitioner).
    pub partitions: Vec<u32>,
}

/// A skew summary.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SkewReport {
    /// Per partition, in partition order.
    pub partitions: Vec<PartitionLoad>,
    /// Total records.
    pub total_records: u64,
    /// Total bytes.
    pub total_bytes: u64,
    /// Median records per partition.
    pub median_records: f64,
    /// Median bytes per partition.
    pub median_bytes: f64,
    /// The partition with most records (lowest index on ties); `None` if empty.
    pub hottest_partition: Option<u32>,
    /// max/median of records; `None` when the median is 0.
    pub max_over_median_records: Option<f64>,
    /// max/median of bytes; `None` when the median is 0.
    pub max_over_median_bytes: Option<f64>,
    /// Partitions above 2× the median (records or bytes).
    pub hot_partitions: Vec<u32>,
    /// True when any partition is hot.
    pub alarm: bool,
    /// The heaviest keys, by bytes then records (then key order).
    pub top_keys: Vec<KeyVolume>,
    /// The consumer owning [`hottest_partition`](Self::hottest_partition),
    /// when an owner map was given and names it.
    pub hot_partition_owner: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct KeyStats {
    records: u64,
    bytes: u64,
    partitions: Vec<u32>,
}

impl KeyStats {
    fn add(&mut self, partition: u32, bytes: u64) {
        self.records += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        if let Err(i) = self.partitions.binary_search(&partition) {
            self.partitions.insert(i, partition);
        }
    }
}

/// Counts records and bytes per partition and per key.
///
/// Keys are stored in a `BTreeMap` (deterministic, no hashing randomness);
/// a key allocates once, on first sight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkewTracker {
    records: Vec<u64>,
    bytes: Vec<u64>,
    keys: BTreeMap<Vec<u8>, KeyStats>,
    null_keys: KeyStats,
}

impl SkewTracker {
    /// A tracker for a topic with `num_partitions` partitions (≥ 1).
    pub fn new(num_partitions: u32) -> Result<Self, SkewError> {
        if num_partitions == 0 {
            return Err(SkewError::InvalidPartitions { partitions: 0 });
        }
        Ok(Self {
            records: vec![0; num_partitions as usize],
            bytes: vec![0; num_partitions as usize],
            keys: BTreeMap::new(),
            null_keys: KeyStats::default(),
        })
    }

    /// A tracker filled from every record stored in `topic`'s logs (bytes are
    /// each record's `DefaultRecord.sizeInBytes`).
    pub fn from_topic(topic: &Topic) -> Result<Self, SkewError> {
        let mut t = Self::new(topic.partition_count())?;
        for (i, p) in topic.partitions().iter().enumerate() {
            for r in p.log().iter() {
                t.record(i as u32, r.key, u64::from(r.size_in_bytes))?;
            }
        }
        Ok(t)
    }

    /// The number of partitions tracked.
    pub fn partition_count(&self) -> u32 {
        self.records.len() as u32
    }

    /// Counts one record of `bytes` with `key` on `partition`.
    pub fn record(
        &mut self,
        partition: u32,
        key: Option<&[u8]>,
        bytes: u64,
    ) -> Result<(), SkewError> {
        let partitions = self.partition_count();
        let (Some(r), Some(b)) = (
            self.records.get_mut(partition as usize),
            self.bytes.get_mut(partition as usize),
        ) else {
            return Err(SkewError::UnknownPartition {
                partition,
                partitions,
            });
        };
        *r += 1;
        *b = b.saturating_add(bytes);
        let stats = match key {
            None => &mut self.null_keys,
            Some(k) => match self.keys.get_mut(k) {
                Some(s) => s,
                None => self.keys.entry(k.to_vec()).or_default(),
            },
        };
        stats.add(partition, bytes);
        Ok(())
    }

    /// Records per partition.
    pub fn records_per_partition(&self) -> &[u64] {
        &self.records
    }

    /// Bytes per partition.
    pub fn bytes_per_partition(&self) -> &[u64] {
        &self.bytes
    }

    /// Summarises the counts: per-partition load, ratios, alarm, the `top_n`
    /// heaviest keys, and the owner of the hottest partition from `owners`
    /// (partition → consumer id, e.g. from an assignor).
    pub fn report(&self, top_n: usize, owners: Option<&BTreeMap<u32, String>>) -> SkewReport {
        let median_records = median(&self.records);
        let median_bytes = median(&self.bytes);
        let is_hot = |v: u64, med: f64| v as f64 > HOT_PARTITION_FACTOR * med;
        let partitions: Vec<PartitionLoad> = self
            .records
            .iter()
            .zip(&self.bytes)
            .enumerate()
            .map(|(i, (&records, &bytes))| PartitionLoad {
                partition: i as u32,
                records,
                bytes,
                hot: is_hot(records, median_records) || is_hot(bytes, median_bytes),
            })
            .collect();
        let max_records = self.records.iter().copied().max().unwrap_or(0);
        let max_bytes = self.bytes.iter().copied().max().unwrap_or(0);
        let hottest_partition = if max_records == 0 {
            None
        } else {
            self.records
                .iter()
                .position(|&r| r == max_records)
                .map(|i| i as u32)
        };
        let ratio = |max: u64, med: f64| (med > 0.0).then(|| max as f64 / med);
        let hot_partitions: Vec<u32> = partitions
            .iter()
            .filter(|p| p.hot)
            .map(|p| p.partition)
            .collect();
        let mut top: Vec<KeyVolume> = self
            .keys
            .iter()
            .map(|(k, s)| KeyVolume {
                key: Some(k.clone()),
                records: s.records,
                bytes: s.bytes,
                partitions: s.partitions.clone(),
            })
            .collect();
        if self.null_keys.records > 0 {
            top.push(KeyVolume {
                key: None,
                records: self.null_keys.records,
                bytes: self.null_keys.bytes,
                partitions: self.null_keys.partitions.clone(),
            });
        }
        crate::sort::sort_by(&mut top, |a, b| {
            b.bytes
                .cmp(&a.bytes)
                .then(b.records.cmp(&a.records))
                .then_with(|| a.key.cmp(&b.key))
        });
        top.truncate(top_n);
        let hot_partition_owner = hottest_partition
            .and_then(|p| owners.and_then(|o| o.get(&p)))
            .cloned();
        SkewReport {
            total_records: self.records.iter().sum(),
            total_bytes: self.bytes.iter().fold(0u64, |a, &b| a.saturating_add(b)),
            median_records,
            median_bytes,
            hottest_partition,
            max_over_median_records: ratio(max_records, median_records),
            max_over_median_bytes: ratio(max_bytes, median_bytes),
            alarm: !hot_partitions.is_empty(),
            hot_partitions,
            partitions,
            top_keys: top,
            hot_partition_owner,
        }
    }
}

/// Median of `values` (mean of the two middle values for an even count);
/// 0 for no values.
pub fn median(values: &[u64]) -> f64 {
    let mut v = values.to_vec();
    crate::sort::sort(&mut v);
    let n = v.len();
    if n == 0 {
        return 0.0;
    }
    let hi = v.get(n / 2).copied().unwrap_or(0) as f64;
    if n % 2 == 1 {
        return hi;
    }
    let lo = v.get(n / 2 - 1).copied().unwrap_or(0) as f64;
    (lo + hi) / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partitioner::PartitionerKind;
    use crate::workload::{KeyChoice, Workload, WorkloadSpec};
    use std::num::NonZeroU32;

    fn run(choice: KeyChoice, keys: u64) -> SkewReport {
        let n = NonZeroU32::new(12).unwrap();
        let spec = WorkloadSpec {
            keys,
            choice,
            ..WorkloadSpec::default()
        };
        let mut w = Workload::new(spec).unwrap();
        let mut t = SkewTracker::new(12).unwrap();
        for _ in 0..20_000 {
            let r = w.next_record();
            let p = PartitionerKind::Java.partition_key(r.key, n).unwrap();
            t.record(p, Some(r.key), u64::from(r.value_bytes)).unwrap();
        }
        t.report(3, None)
    }

    #[test]
    fn alarm_fires_for_a_hot_key_and_not_for_uniform() {
        let hot = run(KeyChoice::HotKey { percent: 30.0 }, 1_000);
        assert!(hot.alarm);
        // key-0 takes 30% of traffic, so it tops the list and its partition is hot.
        assert_eq!(hot.top_keys[0].key.as_deref(), Some(b"key-0".as_slice()));
        let hot_p = hot.top_keys[0].partitions[0];
        assert_eq!(hot.hottest_partition, Some(hot_p));
        assert!(hot.hot_partitions.contains(&hot_p));
        assert!(hot.max_over_median_records.unwrap() > 2.0);

        let uniform = run(KeyChoice::Uniform, 1_000);
        assert!(!uniform.alarm, "{:?}", uniform.max_over_median_records);
        assert!(uniform.max_over_median_records.unwrap() < 1.3);
    }

    #[test]
    fn owner_of_the_hot_partition_and_median_rules() {
        let mut t = SkewTracker::new(4).unwrap();
        for (p, n) in [(0, 10), (1, 10), (2, 30), (3, 12)] {
            for _ in 0..n {
                t.record(p, Some(b"k"), 100).unwrap();
            }
        }
        let owners: BTreeMap<u32, String> =
            [(2, "consumer-b".to_owned()), (0, "consumer-a".to_owned())].into();
        let r = t.report(5, Some(&owners));
        // median of [10,10,12,30] = 11; 30 > 22 → hot; 12 is not.
        assert_eq!(r.median_records, 11.0);
        assert_eq!(r.hot_partitions, vec![2]);
        assert_eq!(r.hot_partition_owner.as_deref(), Some("consumer-b"));
        assert_eq!(r.top_keys.len(), 1);
        assert_eq!(r.top_keys[0].partitions, vec![0, 1, 2, 3]);
        assert_eq!((r.total_records, r.total_bytes), (62, 6_200));
    }

    #[test]
    fn median_zero_makes_any_loaded_partition_hot() {
        let mut t = SkewTracker::new(3).unwrap();
        t.record(1, None, 5).unwrap();
        let r = t.report(1, None);
        assert_eq!(r.max_over_median_records, None);
        assert_eq!(r.hot_partitions, vec![1]);
        assert_eq!(r.top_keys[0].key, None);
        let empty = SkewTracker::new(3).unwrap().report(3, None);
        assert!(!empty.alarm);
        assert_eq!(empty.hottest_partition, None);
    }

    #[test]
    fn errors() {
        assert_eq!(
            SkewTracker::new(0),
            Err(SkewError::InvalidPartitions { partitions: 0 })
        );
        let mut t = SkewTracker::new(2).unwrap();
        assert_eq!(
            t.record(2, None, 1),
            Err(SkewError::UnknownPartition {
                partition: 2,
                partitions: 2
            })
        );
    }

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3, 1, 2]), 2.0);
        assert_eq!(median(&[4, 1, 3, 2]), 2.5);
        assert_eq!(median(&[]), 0.0);
    }
}
