//! The broker's producer state: the idempotence check and the transaction
//! index of one partition replica.
//!
//! Sources: `storage/.../internals/log/ProducerStateManager.java`,
//! `ProducerAppendInfo.java` (`checkProducerEpoch`, `checkSequence`),
//! `ProducerStateEntry.java` (`NUM_BATCHES_TO_RETAIN = 5`,
//! `findDuplicateBatch`) and `UnifiedLog.analyzeAndValidateProducerState`
//! (KAFKA.md §6). Every replica keeps this table and updates it from the
//! batches it appends, leader or follower, and rebuilds it from its log after
//! a truncation, as Kafka reloads producer state.
//!
//! The same table tracks transactions: the first offset of each open
//! transaction (for the last stable offset), completed transactions whose
//! marker is not yet below the high watermark (`unreplicatedTxns`), and the
//! aborted-transaction index that `read_committed` consumers use.

use crate::replication::KafkaError;
use std::collections::{BTreeMap, VecDeque};

/// How many batches per producer the broker remembers for de-duplication
/// (`ProducerStateEntry.NUM_BATCHES_TO_RETAIN`).
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

/// One remembered batch (`BatchMetadata`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchMetadata {
    /// First sequence number.
    pub first_seq: i32,
    /// Last sequence number.
    pub last_seq: i32,
    /// Offset of the first record.
    pub first_offset: i64,
    /// Offset of the last record.
    pub last_offset: i64,
}

/// State kept per producer id (`ProducerStateEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProducerStateEntry {
    /// Latest producer epoch seen.
    pub epoch: i16,
    /// The last [`NUM_BATCHES_TO_RETAIN`] batches, oldest first.
    pub batches: VecDeque<BatchMetadata>,
    /// First offset of the producer's open transaction on this partition.
    pub current_txn_first_offset: Option<i64>,
}

/// What the idempotence check decided for an incoming batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SequenceCheck {
    /// New data in sequence: append it.
    Append,
    /// A retry of a batch already in the log: do not append; answer with the
    /// original offsets (`findDuplicateBatch`).
    Duplicate {
        /// Original first offset.
        first_offset: i64,
        /// Original last offset.
        last_offset: i64,
    },
}

/// A transaction control record's type (`ControlRecordType`: ABORT=0, COMMIT=1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ControlType {
    /// An abort marker.
    Abort,
    /// A commit marker.
    Commit,
}

impl ControlType {
    /// The control record key `{version: int16 = 0, type: int16}`, big-endian.
    pub fn key(self) -> [u8; 4] {
        [0, 0, 0, if self == ControlType::Commit { 1 } else { 0 }]
    }
    /// Parses a control record key.
    pub fn from_key(key: Option<&[u8]>) -> Option<Self> {
        match key? {
            [0, 0, 0, 0] => Some(ControlType::Abort),
            [0, 0, 0, 1] => Some(ControlType::Commit),
            _ => None,
        }
    }
}

/// An entry of the aborted-transaction index (`AbortedTxn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AbortedTxn {
    /// The producer whose transaction was aborted.
    pub producer_id: i64,
    /// First offset of the transaction on this partition.
    pub first_offset: i64,
    /// Offset of the abort marker.
    pub last_offset: i64,
}

/// The producer-state table of one replica.
///
/// Invariant: every open transaction's first offset is in `ongoing`, and
/// `aborted` is in marker-offset order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProducerStateTable {
    producers: BTreeMap<i64, ProducerStateEntry>,
    /// first offset → producer id, for open transactions.
    ongoing: BTreeMap<i64, i64>,
    /// (first offset, marker offset) of completed transactions.
    completed: Vec<(i64, i64)>,
    aborted: Vec<AbortedTxn>,
}

/// `lastSeq` of a batch, wrapping past `Int.MAX` like `DefaultRecordBatch.incrementSequence`.
pub fn last_sequence(base: i32, count: i32) -> i32 {
    let l = i64::from(base) + i64::from(count) - 1;
    if l > i64::from(i32::MAX) {
        (l - i64::from(i32::MAX) - 1) as i32
    } else {
        l as i32
    }
}

fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    next_seq == last_seq.wrapping_add(1) || (next_seq == 0 && last_seq == i32::MAX)
}

impl ProducerStateTable {
    /// The state of one producer, if the broker has any.
    pub fn entry(&self, producer_id: i64) -> Option<&ProducerStateEntry> {
        self.producers.get(&producer_id)
    }

    /// The leader's check of an incoming client batch — a pure function of
    /// the table, like tansu's `idempotent_sequence_check`:
    ///
    /// 1. older epoch → `INVALID_PRODUCER_EPOCH`;
    /// 2. newer epoch → the first sequence must be 0, else `OUT_OF_ORDER_SEQUENCE_NUMBER`;
    /// 3. same epoch and `(first_seq, last_seq)` equal to a remembered batch → duplicate;
    /// 4. same epoch → `first_seq` must follow the last sequence, else `OUT_OF_ORDER_SEQUENCE_NUMBER`;
    /// 5. no state for the producer → any sequence is accepted;
    /// 6. a non-transactional batch while the producer has an open transaction → `INVALID_TXN_STATE`.
    pub fn check(
        &self,
        producer_id: i64,
        epoch: i16,
        first_seq: i32,
        last_seq: i32,
        transactional: bool,
    ) -> Result<SequenceCheck, KafkaError> {
        if producer_id < 0 {
            return Ok(SequenceCheck::Append);
        }
        let Some(e) = self.producers.get(&producer_id) else {
            return Ok(SequenceCheck::Append);
        };
        if epoch < e.epoch {
            return Err(KafkaError::InvalidProducerEpoch);
        }
        if !transactional && e.current_txn_first_offset.is_some() {
            return Err(KafkaError::InvalidTxnState);
        }
        if epoch > e.epoch {
            return if first_seq == 0 {
                Ok(SequenceCheck::Append)
            } else {
                Err(KafkaError::OutOfOrderSequenceNumber)
            };
        }
        if let Some(b) = e
            .batches
            .iter()
            .find(|b| b.first_seq == first_seq && b.last_seq == last_seq)
        {
            return Ok(SequenceCheck::Duplicate {
                first_offset: b.first_offset,
                last_offset: b.last_offset,
            });
        }
        match e.batches.back() {
            // State without batches (only markers seen): accept any sequence.
            None => Ok(SequenceCheck::Append),
            Some(last) if in_sequence(last.last_seq, first_seq) => Ok(SequenceCheck::Append),
            Some(_) => Err(KafkaError::OutOfOrderSequenceNumber),
        }
    }

    /// Records an appended data batch (leader or follower).
    pub fn on_data_batch(
        &mut self,
        producer_id: i64,
        epoch: i16,
        base_sequence: i32,
        first_offset: i64,
        last_offset: i64,
        transactional: bool,
    ) {
        if producer_id < 0 {
            return;
        }
        let e = self.producers.entry(producer_id).or_default();
        if epoch > e.epoch {
            e.batches.clear();
        }
        e.epoch = e.epoch.max(epoch);
        if base_sequence >= 0 {
            let count = (last_offset - first_offset + 1).clamp(1, i64::from(i32::MAX)) as i32;
            e.batches.push_back(BatchMetadata {
                first_seq: base_sequence,
                last_seq: last_sequence(base_sequence, count),
                first_offset,
                last_offset,
            });
            while e.batches.len() > NUM_BATCHES_TO_RETAIN {
                e.batches.pop_front();
            }
        }
        if transactional && e.current_txn_first_offset.is_none() {
            e.current_txn_first_offset = Some(first_offset);
            self.ongoing.insert(first_offset, producer_id);
        }
    }

    /// Records an appended transaction marker at `offset`: the producer's
    /// transaction on this partition ends (and enters the aborted index on abort).
    pub fn on_marker(&mut self, producer_id: i64, epoch: i16, offset: i64, kind: ControlType) {
        let e = self.producers.entry(producer_id).or_default();
        // A marker bumps the epoch the broker knows (testControlRecordBumpsProducerEpoch).
        if epoch > e.epoch {
            e.batches.clear();
            e.epoch = epoch;
        }
        if let Some(first) = e.current_txn_first_offset.take() {
            self.ongoing.remove(&first);
            self.completed.push((first, offset));
            if kind == ControlType::Abort {
                self.aborted.push(AbortedTxn {
                    producer_id,
                    first_offset: first,
                    last_offset: offset,
                });
            }
        }
    }

    /// `firstUnstableOffset`: the first offset of the earliest open
    /// transaction, or of a completed one whose marker is not yet below `high_watermark`.
    pub fn first_unstable_offset(&self, high_watermark: i64) -> Option<i64> {
        let open = self.ongoing.keys().next().copied();
        let unreplicated = self
            .completed
            .iter()
            .filter(|(_, marker)| *marker >= high_watermark)
            .map(|(first, _)| *first)
            .min();
        match (open, unreplicated) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// `UnifiedLog.lastStableOffset` = min(first unstable offset, HW).
    pub fn last_stable_offset(&self, high_watermark: i64) -> i64 {
        self.first_unstable_offset(high_watermark)
            .map_or(high_watermark, |f| f.min(high_watermark))
    }

    /// Forgets completed transactions whose markers are below the HW (they
    /// can no longer hold the LSO back).
    pub fn prune_completed(&mut self, high_watermark: i64) {
        self.completed.retain(|(_, m)| *m >= high_watermark);
    }

    /// The aborted-transaction index, in marker order.
    pub fn aborted(&self) -> &[AbortedTxn] {
        &self.aborted
    }

    /// Producer ids with an open transaction on this partition.
    pub fn open_transactions(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.ongoing.iter().map(|(&first, &pid)| (pid, first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `UnifiedLogTest.testDuplicateAppends`: six single-record batches
    /// (seq 0–5), then a three-record batch (seq 6–8).
    #[test]
    fn upstream_duplicate_appends() {
        let mut t = ProducerStateTable::default();
        let pid = 1;
        let mut offset = 0;
        for seq in 0..6 {
            assert_eq!(t.check(pid, 0, seq, seq, false), Ok(SequenceCheck::Append));
            t.on_data_batch(pid, 0, seq, offset, offset, false);
            offset += 1;
        }
        assert_eq!(t.check(pid, 0, 6, 8, false), Ok(SequenceCheck::Append));
        t.on_data_batch(pid, 0, 6, offset, offset + 2, false);
        // Re-append of the last batch: same offsets.
        assert_eq!(
            t.check(pid, 0, 6, 8, false),
            Ok(SequenceCheck::Duplicate {
                first_offset: 6,
                last_offset: 8
            })
        );
        // Partial overlap is out of order.
        assert_eq!(
            t.check(pid, 0, 7, 8, false),
            Err(KafkaError::OutOfOrderSequenceNumber)
        );
        // seq 2 is the 4th batch from the tail: still remembered.
        assert_eq!(
            t.check(pid, 0, 2, 2, false),
            Ok(SequenceCheck::Duplicate {
                first_offset: 2,
                last_offset: 2
            })
        );
        // seq 1 is older than the 5 remembered batches: out of order.
        assert_eq!(
            t.check(pid, 0, 1, 1, false),
            Err(KafkaError::OutOfOrderSequenceNumber)
        );
        // An older epoch is refused; a newer one must start at 0.
        assert_eq!(
            t.check(pid, -1, 9, 9, false),
            Err(KafkaError::InvalidProducerEpoch)
        );
        assert_eq!(
            t.check(pid, 1, 9, 9, false),
            Err(KafkaError::OutOfOrderSequenceNumber)
        );
        assert_eq!(t.check(pid, 1, 0, 0, false), Ok(SequenceCheck::Append));
    }

    #[test]
    fn sequence_wraps_at_int_max() {
        assert_eq!(last_sequence(i32::MAX, 1), i32::MAX);
        assert_eq!(last_sequence(i32::MAX, 2), 0);
        assert!(in_sequence(i32::MAX, 0));
    }

    /// `ProducerStateManagerTest.testFirstUnstableOffset`.
    #[test]
    fn upstream_first_unstable_offset() {
        let mut t = ProducerStateTable::default();
        t.on_data_batch(1, 0, 0, 99, 99, true);
        t.on_data_batch(2, 0, 0, 105, 105, true);
        assert_eq!(t.first_unstable_offset(0), Some(99));
        t.on_marker(1, 0, 109, ControlType::Commit);
        // pid 1's transaction is decided, but its marker is not yet below the HW.
        assert_eq!(t.first_unstable_offset(109), Some(99));
        assert_eq!(t.first_unstable_offset(110), Some(105));
        t.on_marker(2, 0, 112, ControlType::Abort);
        assert_eq!(t.first_unstable_offset(113), None);
        assert_eq!(t.last_stable_offset(113), 113);
        assert_eq!(
            t.aborted(),
            &[AbortedTxn {
                producer_id: 2,
                first_offset: 105,
                last_offset: 112
            }]
        );
    }

    #[test]
    fn non_transactional_batch_during_open_transaction_is_refused() {
        let mut t = ProducerStateTable::default();
        t.on_data_batch(7, 0, 0, 0, 0, true);
        assert_eq!(t.check(7, 0, 1, 1, false), Err(KafkaError::InvalidTxnState));
    }
}
