//! The transaction coordinator: `transactional.id` → producer id and epoch,
//! the open transaction's partitions and offsets, fencing, markers and
//! `transaction.timeout.ms`.
//!
//! Sources: `TransactionCoordinator.scala` (`handleInitProducerId`,
//! `handleEndTransaction`, `abortTimedOutTransactions`),
//! `TransactionMetadata.scala`, and the client's `TransactionManager`
//! (KAFKA.md §6). Simplification: the coordinator is always available (the
//! `__transaction_state` partitions are not modelled) and writes markers as
//! soon as each partition's leader accepts them (retrying until then).

use crate::clock::Millis;
use crate::producer::idempotence::ControlType;
use crate::replication::{KafkaError, ReplicatedCluster};
use std::collections::{BTreeMap, BTreeSet};

/// The coordinator's view of one `transactional.id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionMetadata {
    /// Producer id.
    pub producer_id: i64,
    /// Current epoch; older epochs are fenced.
    pub producer_epoch: i16,
    /// Partitions added to the open transaction (`AddPartitionsToTxn`).
    pub partitions: BTreeSet<i32>,
    /// When the transaction started (first `AddPartitionsToTxn`), if open.
    pub started_ms: Option<Millis>,
    /// `transaction.timeout.ms`.
    pub timeout_ms: Millis,
    /// Offsets sent with `sendOffsetsToTransaction`, committed on commit.
    pub pending_offsets: BTreeMap<(String, i32), i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PendingMarker {
    partition: i32,
    producer_id: i64,
    producer_epoch: i16,
    kind: ControlType,
}

/// A transaction coordinator plus the producer-id allocator.
#[derive(Debug, Clone, Default)]
pub struct TransactionCoordinator {
    next_producer_id: i64,
    txns: BTreeMap<String, TransactionMetadata>,
    pending_markers: Vec<PendingMarker>,
    committed_offsets: BTreeMap<(String, i32), i64>,
    events: Vec<(Millis, String)>,
}

impl TransactionCoordinator {
    /// `InitProducerId` without a `transactional.id`: a fresh producer id, epoch 0.
    pub fn init_producer_id(&mut self) -> (i64, i16) {
        let pid = self.next_producer_id;
        self.next_producer_id += 1;
        (pid, 0)
    }

    /// `initTransactions()` → `InitProducerId(transactional.id)`: the same
    /// producer id with the epoch bumped, aborting an open transaction of
    /// the previous incarnation — which fences it (`PRODUCER_FENCED`).
    pub fn init_transactions(
        &mut self,
        transactional_id: &str,
        timeout_ms: Millis,
        cluster: &mut ReplicatedCluster,
        now: Millis,
    ) -> (i64, i16) {
        if !self.txns.contains_key(transactional_id) {
            let pid = self.next_producer_id;
            self.next_producer_id += 1;
            self.txns.insert(
                transactional_id.to_owned(),
                TransactionMetadata {
                    producer_id: pid,
                    producer_epoch: -1,
                    partitions: BTreeSet::new(),
                    started_ms: None,
                    timeout_ms,
                    pending_offsets: BTreeMap::new(),
                },
            );
        }
        // Bump first, so the abort markers carry the new epoch and every
        // broker then refuses the old incarnation (INVALID_PRODUCER_EPOCH).
        let Some(t) = self.txns.get_mut(transactional_id) else {
            return (-1, -1);
        };
        t.producer_epoch = t.producer_epoch.saturating_add(1);
        t.timeout_ms = timeout_ms;
        let ids = (t.producer_id, t.producer_epoch);
        self.end(
            transactional_id,
            ControlType::Abort,
            cluster,
            now,
            "fenced by a new initTransactions",
        );
        ids
    }

    fn current(
        &self,
        transactional_id: &str,
        epoch: i16,
    ) -> Result<&TransactionMetadata, KafkaError> {
        let t = self
            .txns
            .get(transactional_id)
            .ok_or(KafkaError::InvalidTxnState)?;
        if epoch < t.producer_epoch {
            return Err(KafkaError::ProducerFenced);
        }
        Ok(t)
    }

    /// `AddPartitionsToTxn`.
    pub fn add_partition(
        &mut self,
        transactional_id: &str,
        epoch: i16,
        partition: i32,
        now: Millis,
    ) -> Result<(), KafkaError> {
        self.current(transactional_id, epoch)?;
        if let Some(t) = self.txns.get_mut(transactional_id) {
            t.partitions.insert(partition);
            t.started_ms.get_or_insert(now);
        }
        Ok(())
    }

    /// `AddOffsetsToTxn` + `TxnOffsetCommit`: offsets become visible on commit.
    pub fn add_offsets(
        &mut self,
        transactional_id: &str,
        epoch: i16,
        group: &str,
        offsets: &[(i32, i64)],
        now: Millis,
    ) -> Result<(), KafkaError> {
        self.current(transactional_id, epoch)?;
        if let Some(t) = self.txns.get_mut(transactional_id) {
            t.started_ms.get_or_insert(now);
            for &(p, o) in offsets {
                t.pending_offsets.insert((group.to_owned(), p), o);
            }
        }
        Ok(())
    }

    /// `EndTxn(commit | abort)`: writes a marker to every partition of the
    /// transaction (each takes an offset) and, on commit, the offsets.
    pub fn end_transaction(
        &mut self,
        transactional_id: &str,
        epoch: i16,
        commit: bool,
        cluster: &mut ReplicatedCluster,
        now: Millis,
    ) -> Result<(), KafkaError> {
        self.current(transactional_id, epoch)?;
        let kind = if commit {
            ControlType::Commit
        } else {
            ControlType::Abort
        };
        self.end(
            transactional_id,
            kind,
            cluster,
            now,
            if commit { "commit" } else { "abort" },
        );
        Ok(())
    }

    fn end(
        &mut self,
        transactional_id: &str,
        kind: ControlType,
        cluster: &mut ReplicatedCluster,
        now: Millis,
        why: &str,
    ) {
        let Some(t) = self.txns.get_mut(transactional_id) else {
            return;
        };
        if t.started_ms.is_none() && t.partitions.is_empty() {
            return;
        }
        let partitions = std::mem::take(&mut t.partitions);
        let offsets = std::mem::take(&mut t.pending_offsets);
        t.started_ms = None;
        let (pid, epoch) = (t.producer_id, t.producer_epoch);
        if kind == ControlType::Commit {
            for (k, v) in offsets {
                self.committed_offsets.insert(k, v);
            }
        }
        self.events.push((
            now,
            format!(
                "transaction {transactional_id} {} ({why}), markers to partitions [{}]",
                if kind == ControlType::Commit {
                    "committed"
                } else {
                    "aborted"
                },
                partitions
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ));
        for partition in partitions {
            self.pending_markers.push(PendingMarker {
                partition,
                producer_id: pid,
                producer_epoch: epoch,
                kind,
            });
        }
        self.write_markers(cluster, now);
    }

    fn write_markers(&mut self, cluster: &mut ReplicatedCluster, now: Millis) {
        let mut left = Vec::new();
        for m in std::mem::take(&mut self.pending_markers) {
            if cluster
                .append_marker(m.partition, m.producer_id, m.producer_epoch, m.kind, now)
                .is_err()
            {
                left.push(m);
            }
        }
        self.pending_markers = left;
    }

    /// Markers still to write (their partitions had no usable leader).
    pub fn pending_marker_count(&self) -> usize {
        self.pending_markers.len()
    }

    /// Retries pending markers and aborts transactions open longer than
    /// `transaction.timeout.ms` (bumping the epoch, as `abortTimedOutTransactions` does).
    pub fn poll(&mut self, cluster: &mut ReplicatedCluster, now: Millis) {
        let expired: Vec<String> = self
            .txns
            .iter()
            .filter(|(_, t)| {
                t.started_ms
                    .is_some_and(|s| now >= s.saturating_add(t.timeout_ms))
            })
            .map(|(k, _)| k.clone())
            .collect();
        for id in expired {
            if let Some(t) = self.txns.get_mut(&id) {
                t.producer_epoch = t.producer_epoch.saturating_add(1);
            }
            self.end(
                &id,
                ControlType::Abort,
                cluster,
                now,
                "transaction.timeout.ms expired",
            );
        }
        if !self.pending_markers.is_empty() {
            self.write_markers(cluster, now);
        }
    }

    /// The next transaction timeout.
    pub fn next_wakeup(&self) -> Millis {
        self.txns
            .values()
            .filter_map(|t| t.started_ms.map(|s| s.saturating_add(t.timeout_ms)))
            .min()
            .unwrap_or(Millis::MAX)
    }

    /// The committed offset of `group` for `partition` (via transactions).
    pub fn committed_offset(&self, group: &str, partition: i32) -> Option<i64> {
        self.committed_offsets
            .get(&(group.to_owned(), partition))
            .copied()
    }

    /// The coordinator's state for a transactional id.
    pub fn transaction(&self, transactional_id: &str) -> Option<&TransactionMetadata> {
        self.txns.get(transactional_id)
    }

    /// Takes the coordinator's timeline entries.
    pub fn take_events(&mut self) -> Vec<(Millis, String)> {
        std::mem::take(&mut self.events)
    }
}
