//! A compacted topic read as a table: the latest value per key.
//!
//! This is what a consumer that reads a compacted topic from the beginning
//! reconstructs (Kafka Streams' `KTable`/`GlobalKTable` restore, or any
//! changelog consumer): each record with a key and a value *puts* the key, a
//! tombstone (null value) *deletes* it, records without a key are ignored.
//! `docs/design.html` ("Log Compaction") guarantees that a consumer starting at
//! offset 0 sees at least the final value of every key, and every tombstone if
//! it finishes within `delete.retention.ms`, so the table built from a
//! compacted log equals the table built from the uncompacted one.
//!
//! Reading stops at the high watermark (`read_uncommitted`) or at the last
//! stable offset skipping aborted transactional records (`read_committed`),
//! as a consumer would. Control records are never returned to consumers.
//!
//! Invariant (checked by `debug_check_invariants`): there are never more
//! entries than puts (records with a value) read.

use std::collections::{BTreeMap, HashMap};

use crate::cleaner::TransactionIndex;
use crate::clock::Millis;
use crate::log::{FetchError, Log, RecordView};
use crate::topic::Topic;

/// The consumer's `isolation.level`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum IsolationLevel {
    /// `read_uncommitted` (the default): everything up to the high watermark.
    #[default]
    ReadUncommitted,
    /// `read_committed`: up to the last stable offset, aborted records skipped.
    ReadCommitted,
}

/// The current value of one key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TableEntry {
    /// The latest value.
    pub value: Vec<u8>,
    /// Partition it was read from.
    pub partition: i32,
    /// Offset of the record that set it.
    pub offset: i64,
    /// That record's timestamp.
    pub timestamp: Millis,
}

/// The latest value per key of a compacted topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    entries: BTreeMap<Vec<u8>, TableEntry>,
    /// Records applied (puts and tombstones).
    pub records_read: u64,
    /// Tombstones applied.
    pub tombstones_read: u64,
    /// Records skipped because they had no key.
    pub unkeyed_skipped: u64,
    /// Records skipped because their transaction was aborted (`read_committed`).
    pub aborted_skipped: u64,
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Applies one consumed record: a put, a delete (tombstone), or nothing
    /// (no key).
    pub fn apply(&mut self, partition: i32, record: &RecordView<'_>) {
        let Some(key) = record.key else {
            self.unkeyed_skipped += 1;
            return;
        };
        self.records_read += 1;
        match record.value {
            Some(v) => {
                self.entries.insert(
                    key.to_vec(),
                    TableEntry {
                        value: v.to_vec(),
                        partition,
                        offset: record.offset,
                        timestamp: record.timestamp,
                    },
                );
            }
            None => {
                self.tombstones_read += 1;
                self.entries.remove(key);
            }
        }
    }

    /// Reads `log` from its log start offset like a consumer of `partition`
    /// and applies every record.
    pub fn read_log(
        &mut self,
        partition: i32,
        log: &Log,
        isolation: IsolationLevel,
    ) -> Result<(), FetchError> {
        let txns = TransactionIndex::scan(log);
        let upper = match isolation {
            IsolationLevel::ReadUncommitted => log.high_watermark(),
            IsolationLevel::ReadCommitted => txns.last_stable_offset(log),
        };
        let mut aborted: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        if isolation == IsolationLevel::ReadCommitted {
            for t in &txns.aborted {
                aborted
                    .entry(t.producer_id)
                    .or_default()
                    .push((t.first_offset, t.last_offset));
            }
        }
        let fetched = log.read_up_to(log.log_start_offset(), upper, usize::MAX, u64::MAX)?;
        for r in &fetched.records {
            let a = r.batch.attributes;
            if a.is_control {
                continue;
            }
            if a.is_transactional
                && aborted
                    .get(&a.producer_id)
                    .is_some_and(|v| v.iter().any(|&(f, l)| f <= r.offset && r.offset <= l))
            {
                self.aborted_skipped += 1;
                continue;
            }
            self.apply(partition, r);
        }
        self.debug_check_invariants();
        Ok(())
    }

    /// The table of one log.
    pub fn from_log(
        partition: i32,
        log: &Log,
        isolation: IsolationLevel,
    ) -> Result<Self, FetchError> {
        let mut t = Self::new();
        t.read_log(partition, log, isolation)?;
        Ok(t)
    }

    /// The table of a whole topic (all partitions, in partition order; with a
    /// key-based partitioner each key lives in one partition).
    pub fn from_topic(topic: &Topic, isolation: IsolationLevel) -> Result<Self, FetchError> {
        let mut t = Self::new();
        for p in topic.partitions() {
            t.read_log(p.index(), p.log(), isolation)?;
        }
        Ok(t)
    }

    /// The current value of `key`.
    pub fn get(&self, key: &[u8]) -> Option<&TableEntry> {
        self.entries.get(key)
    }
    /// Number of live keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether no key is live.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Live keys and their entries, in key byte order.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &TableEntry)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_slice(), v))
    }

    /// Checks invariants (debug builds only): entries never exceed the puts read.
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            assert!(
                self.entries.len() as u64
                    <= self.records_read - self.tombstones_read.min(self.records_read)
            );
        }
    }
}
