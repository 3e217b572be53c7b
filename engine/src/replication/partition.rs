//! One partition's replicas: leader, leader epoch, ISR, every replica's log,
//! the high watermark and KIP-101 truncation.
//!
//! Sources: `core/src/main/scala/kafka/cluster/Partition.scala`
//! (`maybeIncrementLeaderHW`, `maybeShrinkIsr`, `maybeExpandIsr`,
//! `checkEnoughReplicasReachOffset`, `appendRecordsToLeader`),
//! `core/src/main/scala/kafka/cluster/Replica.scala` (`updateFetchStateOrThrow`,
//! `isCaughtUp`), `LeaderEpochFileCache.endOffsetFor` and
//! `AbstractFetcherThread.getOffsetTruncationState` (KAFKA-REPLICATION.md §2).
//!
//! Invariants (checked after each mutation in debug builds by
//! [`ReplicatedPartition::debug_check_consistency`]):
//! * every replica: `log start ≤ LSO ≤ HW ≤ LEO`;
//! * the ISR is a non-empty subset of the replicas without repeats;
//! * a leader, when there is one, is a replica in the ISR;
//! * every replica's leader-epoch cache is increasing in epoch and start offset
//!   and starts at or below its LEO.

use crate::clock::Millis;
use crate::log::{Log, LogConfig};
use crate::producer::idempotence::{ControlType, ProducerStateTable};
use crate::record::{BatchAttributes, HeaderInput, RecordInput};

/// An owned record: key, value, headers, timestamp (for rebuilding a log).
type OwnedRecord = (
    Option<Vec<u8>>,
    Option<Vec<u8>>,
    Vec<(String, Option<Vec<u8>>)>,
    Millis,
);

/// One replica of a partition, hosted by one broker.
#[derive(Debug, Clone)]
pub struct Replica {
    broker: i32,
    log: Log,
    /// Leader-epoch cache: (epoch, start offset), increasing.
    epochs: Vec<(i32, i64)>,
    producers: ProducerStateTable,
    // --- what the leader knows about this replica as a follower ---
    /// The follower's LEO as of its last fetch (its fetch offset).
    pub(crate) known_leo: i64,
    /// `lastCaughtUpTimeMs`.
    pub(crate) last_caught_up_ms: Millis,
    /// `lastFetchLeaderLogEndOffset`.
    pub(crate) last_fetch_leader_leo: i64,
    /// `lastFetchTimeMs`.
    pub(crate) last_fetch_ms: Millis,
    // --- the follower's own fetcher state ---
    /// When this follower next fetches.
    pub(crate) next_fetch_ms: Millis,
    /// The leader epoch this follower has validated (truncated) against.
    pub(crate) validated_epoch: Option<i32>,
}

impl Replica {
    fn new(broker: i32, config: LogConfig, now: Millis) -> Self {
        Self {
            broker,
            log: Log::new(config, now),
            epochs: Vec::new(),
            producers: ProducerStateTable::default(),
            known_leo: 0,
            last_caught_up_ms: 0,
            last_fetch_leader_leo: 0,
            last_fetch_ms: 0,
            next_fetch_ms: now,
            validated_epoch: None,
        }
    }
    /// The hosting broker.
    pub fn broker(&self) -> i32 {
        self.broker
    }
    /// This replica's log.
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// Log end offset.
    pub fn log_end_offset(&self) -> i64 {
        self.log.log_end_offset()
    }
    /// This replica's high watermark (a follower's lags the leader's).
    pub fn high_watermark(&self) -> i64 {
        self.log.high_watermark()
    }
    /// Last stable offset: `min(first unstable offset, HW)`.
    pub fn last_stable_offset(&self) -> i64 {
        self.producers
            .last_stable_offset(self.log.high_watermark())
            .max(self.log.log_start_offset())
    }
    /// The producer-state table (idempotence and transactions).
    pub fn producer_state(&self) -> &ProducerStateTable {
        &self.producers
    }
    /// The leader-epoch cache: `(epoch, start offset)` pairs.
    pub fn leader_epochs(&self) -> &[(i32, i64)] {
        &self.epochs
    }
    /// The latest epoch in the cache.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.last().map(|e| e.0)
    }
    /// Epoch of the batch at `offset` (largest entry starting at or before it).
    fn epoch_at(&self, offset: i64) -> Option<i32> {
        self.epochs
            .iter()
            .rev()
            .find(|(_, s)| *s <= offset)
            .map(|e| e.0)
    }
    /// `LeaderEpochFileCache.endOffsetFor(requested)`: the largest epoch ≤
    /// `requested` and its end offset (the next epoch's start, or the LEO for
    /// the latest). `None` is `UNDEFINED_EPOCH_OFFSET`.
    pub fn end_offset_for(&self, requested: i32) -> Option<(i32, i64)> {
        let i = self.epochs.iter().rposition(|(e, _)| *e <= requested)?;
        let end = self
            .epochs
            .get(i + 1)
            .map_or(self.log.log_end_offset(), |n| n.1);
        Some((self.epochs[i].0, end))
    }
    fn assign_epoch(&mut self, epoch: i32, start: i64) {
        if self.latest_epoch().is_none_or(|l| epoch > l) {
            self.epochs.push((epoch, start));
        }
    }

    /// Appends a batch, updating the epoch cache and producer state.
    fn append(
        &mut self,
        records: &[RecordInput<'_>],
        attrs: BatchAttributes,
        epoch: i32,
        now: Millis,
    ) -> Option<(i64, i64)> {
        let info = self.log.append_batch(records, attrs, now).ok()?;
        self.assign_epoch(epoch, info.first_offset);
        self.note_batch(records, attrs, info.first_offset, info.last_offset);
        Some((info.first_offset, info.last_offset))
    }

    fn note_batch(
        &mut self,
        records: &[RecordInput<'_>],
        attrs: BatchAttributes,
        first: i64,
        last: i64,
    ) {
        if attrs.is_control {
            if let Some(kind) = ControlType::from_key(records.first().and_then(|r| r.key)) {
                self.producers
                    .on_marker(attrs.producer_id, attrs.producer_epoch, first, kind);
            }
        } else {
            self.producers.on_data_batch(
                attrs.producer_id,
                attrs.producer_epoch,
                attrs.base_sequence,
                first,
                last,
                attrs.is_transactional,
            );
        }
    }

    /// Truncates the log to `offset` (keeps `[log start, offset)`): the log is
    /// rebuilt from its batches, the epoch cache is cut, producer state is
    /// rebuilt from the remaining batches (as `UnifiedLog.truncateTo` and
    /// `ProducerStateManager` reload do). Returns how many offsets were removed.
    fn truncate_to(&mut self, offset: i64, now: Millis) -> i64 {
        let leo = self.log.log_end_offset();
        if offset >= leo {
            return 0;
        }
        let offset = offset.max(self.log.log_start_offset());
        let hw = self.log.high_watermark().min(offset);
        let mut fresh = Log::new(self.log.config(), now);
        let mut producers = ProducerStateTable::default();
        {
            let mut owned: Vec<OwnedRecord> = Vec::new();
            let mut attrs = BatchAttributes::default();
            let mut base = -1i64;
            let flush = |owned: &mut Vec<OwnedRecord>,
                         attrs: BatchAttributes,
                         fresh: &mut Log,
                         producers: &mut ProducerStateTable| {
                if owned.is_empty() {
                    return;
                }
                let headers: Vec<Vec<HeaderInput<'_>>> = owned
                    .iter()
                    .map(|(_, _, h, _): &OwnedRecord| {
                        h.iter()
                            .map(|(k, v)| HeaderInput {
                                key: k,
                                value: v.as_deref(),
                            })
                            .collect()
                    })
                    .collect();
                let inputs: Vec<RecordInput<'_>> = owned
                    .iter()
                    .zip(&headers)
                    .map(|((k, v, _, ts), h)| RecordInput {
                        key: k.as_deref(),
                        value: v.as_deref(),
                        headers: h,
                        timestamp: *ts,
                    })
                    .collect();
                if let Ok(info) = fresh.append_batch(&inputs, attrs, now) {
                    let mut dummy = Replica::new(-1, LogConfig::default(), now);
                    std::mem::swap(&mut dummy.producers, producers);
                    dummy.note_batch(&inputs, attrs, info.first_offset, info.last_offset);
                    std::mem::swap(&mut dummy.producers, producers);
                }
                owned.clear();
            };
            for r in self.log.iter() {
                if r.offset >= offset {
                    break;
                }
                if r.batch.base_offset != base {
                    flush(&mut owned, attrs, &mut fresh, &mut producers);
                    base = r.batch.base_offset;
                    attrs = r.batch.attributes;
                }
                owned.push((
                    r.key.map(<[u8]>::to_vec),
                    r.value.map(<[u8]>::to_vec),
                    r.headers
                        .iter()
                        .map(|(k, v)| (k.to_owned(), v.map(<[u8]>::to_vec)))
                        .collect(),
                    r.timestamp,
                ));
            }
            flush(&mut owned, attrs, &mut fresh, &mut producers);
        }
        let _ = fresh.advance_high_watermark(hw.min(fresh.log_end_offset()));
        self.log = fresh;
        self.producers = producers;
        self.epochs.retain(|(_, s)| *s < offset);
        leo - self.log.log_end_offset()
    }

    fn set_high_watermark(&mut self, hw: i64) {
        let hw = hw.clamp(self.log.log_start_offset(), self.log.log_end_offset());
        if hw == self.log.high_watermark() {
            return;
        }
        let _ = self.log.advance_high_watermark(hw);
        self.producers.prune_completed(hw);
    }
}

/// What a follower fetch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FetchOutcome {
    /// Offsets the follower truncated before fetching (KIP-101).
    pub truncated: i64,
    /// LEO before truncation, when it truncated.
    pub truncated_from: i64,
    /// Records copied to the follower.
    pub records: usize,
    /// The follower joined the ISR.
    pub joined_isr: bool,
    /// The leader's high watermark moved.
    pub hw_advanced: bool,
}

/// A replicated partition: assignment, leader, leader epoch, ISR and replicas.
#[derive(Debug, Clone)]
pub struct ReplicatedPartition {
    partition: i32,
    replicas: Vec<Replica>,
    leader: Option<i32>,
    leader_epoch: i32,
    /// The replica whose log was last the partition's truth (the last leader).
    last_leader: Option<i32>,
    isr: Vec<i32>,
}

impl ReplicatedPartition {
    /// A new partition: every replica in the ISR, leader = first replica
    /// (`ReplicationControlManager.createTopic`: ISR = active replicas, leader
    /// = `isr[0]`, leader epoch 0).
    pub fn new(partition: i32, replicas: &[i32], config: LogConfig, now: Millis) -> Self {
        let mut p = Self {
            partition,
            replicas: replicas
                .iter()
                .map(|&b| Replica::new(b, config, now))
                .collect(),
            leader: None,
            leader_epoch: -1,
            last_leader: None,
            isr: replicas.to_vec(),
        };
        if let Some(&first) = replicas.first() {
            p.set_leader(Some(first), now);
        }
        p
    }

    /// Partition id.
    pub fn partition(&self) -> i32 {
        self.partition
    }
    /// The replica set in assignment order (`replicas[0]` is preferred).
    pub fn replica_ids(&self) -> Vec<i32> {
        self.replicas.iter().map(|r| r.broker).collect()
    }
    /// The replicas.
    pub fn replicas(&self) -> &[Replica] {
        &self.replicas
    }
    /// The replica on `broker`.
    pub fn replica(&self, broker: i32) -> Option<&Replica> {
        self.replicas.iter().find(|r| r.broker == broker)
    }
    pub(crate) fn replica_mut(&mut self, broker: i32) -> Option<&mut Replica> {
        self.replicas.iter_mut().find(|r| r.broker == broker)
    }
    /// The leader, `None` when offline.
    pub fn leader(&self) -> Option<i32> {
        self.leader
    }
    /// The leader's replica.
    pub fn leader_replica(&self) -> Option<&Replica> {
        self.leader.and_then(|l| self.replica(l))
    }
    /// The replica whose log is the partition's truth: the leader, or while
    /// offline the last leader.
    pub fn truth_replica(&self) -> Option<&Replica> {
        self.leader
            .or(self.last_leader)
            .and_then(|l| self.replica(l))
    }
    /// Leader epoch (bumped on every leader change).
    pub fn leader_epoch(&self) -> i32 {
        self.leader_epoch
    }
    /// In-sync replicas.
    pub fn isr(&self) -> &[i32] {
        &self.isr
    }
    /// The partition's high watermark (the leader's), 0 when offline.
    pub fn high_watermark(&self) -> i64 {
        self.truth_replica().map_or(0, Replica::high_watermark)
    }
    /// The partition's last stable offset (the leader's).
    pub fn last_stable_offset(&self) -> i64 {
        self.truth_replica().map_or(0, Replica::last_stable_offset)
    }

    /// Installs a new leader (or none), bumping the epoch. The new leader
    /// starts a leader-epoch entry at its LEO; followers reset their
    /// fetch state (`Replica.resetReplicaState`: ISR members caught up now,
    /// others never) and must re-validate their log against the new epoch.
    pub(crate) fn set_leader(&mut self, leader: Option<i32>, now: Millis) {
        self.leader_epoch += 1;
        self.leader = leader;
        if let Some(l) = leader {
            self.last_leader = Some(l);
            let epoch = self.leader_epoch;
            let isr = self.isr.clone();
            for r in &mut self.replicas {
                if r.broker == l {
                    let leo = r.log.log_end_offset();
                    r.assign_epoch(epoch, leo);
                    r.validated_epoch = Some(epoch);
                } else {
                    r.validated_epoch = None;
                    r.known_leo = 0;
                    r.last_fetch_leader_leo = 0;
                    r.last_caught_up_ms = if isr.contains(&r.broker) { now } else { 0 };
                    r.next_fetch_ms = r.next_fetch_ms.min(now);
                }
            }
        }
        self.debug_check_consistency();
    }

    pub(crate) fn set_isr(&mut self, isr: Vec<i32>) {
        self.isr = isr;
    }

    /// The effective `min.insync.replicas`: `min(config, RF)` (KAFKA-15583, 3.7+).
    pub fn effective_min_isr(&self, min_insync_replicas: i32) -> usize {
        (min_insync_replicas.max(1) as usize).min(self.replicas.len())
    }

    /// `Partition.appendRecordsToLeader` for a leader append: returns the
    /// first and last offsets. The caller checks leadership and min ISR.
    pub(crate) fn append_to_leader(
        &mut self,
        records: &[RecordInput<'_>],
        attrs: BatchAttributes,
        min_isr: i32,
        now: Millis,
    ) -> Option<(i64, i64)> {
        let leader = self.leader?;
        let epoch = self.leader_epoch;
        let out = self.replica_mut(leader)?.append(records, attrs, epoch, now);
        self.maybe_increment_hw(min_isr);
        self.debug_check_touched(&[leader]);
        out
    }

    /// `Partition.maybeIncrementLeaderHW`: HW = min LEO over the ISR (the
    /// leader's own LEO and each follower's last fetch offset), only forward,
    /// and not at all while the ISR is below the effective min ISR (3.7+).
    pub(crate) fn maybe_increment_hw(&mut self, min_isr: i32) -> bool {
        let Some(leader) = self.leader else {
            return false;
        };
        if self.isr.len() < self.effective_min_isr(min_isr) {
            return false;
        }
        let mut hw = i64::MAX;
        for r in &self.replicas {
            if r.broker == leader {
                hw = hw.min(r.log.log_end_offset());
            } else if self.isr.contains(&r.broker) {
                hw = hw.min(r.known_leo);
            }
        }
        let Some(lr) = self.replica_mut(leader) else {
            return false;
        };
        if hw != i64::MAX && hw > lr.log.high_watermark() {
            lr.set_high_watermark(hw);
            return true;
        }
        false
    }

    /// The replicas the leader would drop from the ISR now
    /// (`Partition.getOutOfSyncReplicas`: not at the leader's LEO and not
    /// caught up within `replica.lag.time.max.ms`).
    pub(crate) fn out_of_sync_replicas(&self, now: Millis, lag_max_ms: i64) -> Vec<i32> {
        let Some(leader) = self.leader_replica() else {
            return Vec::new();
        };
        let leo = leader.log.log_end_offset();
        self.replicas
            .iter()
            .filter(|r| r.broker != leader.broker && self.isr.contains(&r.broker))
            .filter(|r| !(r.known_leo == leo || now - r.last_caught_up_ms <= lag_max_ms))
            .map(|r| r.broker)
            .collect()
    }

    /// KIP-101/KIP-279 truncation of `follower` against the leader, run
    /// before its first fetch in a new leader epoch. Returns (from, removed).
    pub(crate) fn validate_follower(&mut self, follower: i32, now: Millis) -> (i64, i64) {
        let Some(leader) = self.leader else {
            return (0, 0);
        };
        let epoch = self.leader_epoch;
        let (Some(l), Some(f)) = (self.replica(leader), self.replica(follower)) else {
            return (0, 0);
        };
        let from = f.log.log_end_offset();
        let target = match f.latest_epoch() {
            None => from,
            Some(fe) => match l.end_offset_for(fe) {
                // UNDEFINED_EPOCH_OFFSET: truncate to the high watermark.
                None => f.log.high_watermark(),
                Some((le, lend)) => {
                    let fend = f.end_offset_for(le).map_or(from, |x| x.1);
                    lend.min(fend).min(from)
                }
            },
        };
        let Some(f) = self.replica_mut(follower) else {
            return (0, 0);
        };
        let removed = f.truncate_to(target, now);
        f.validated_epoch = Some(epoch);
        self.debug_check_touched(&[follower]);
        (from, removed)
    }

    /// One follower fetch (`ReplicaFetcherThread` + `Partition.updateFollowerFetchState`):
    /// the leader records the follower's fetch offset, updates
    /// `lastCaughtUpTimeMs`, may add it to the ISR and advance the HW, then
    /// returns up to `max_bytes` of records which the follower appends; the
    /// follower's HW becomes `min(leader HW, its LEO)`.
    pub(crate) fn follower_fetch(
        &mut self,
        follower: i32,
        now: Millis,
        min_isr: i32,
        max_bytes: u64,
        may_join_isr: bool,
    ) -> FetchOutcome {
        let mut out = FetchOutcome::default();
        let Some(leader) = self.leader else {
            return out;
        };
        if follower == leader {
            return out;
        }
        if self
            .replica(follower)
            .is_some_and(|f| f.validated_epoch != Some(self.leader_epoch))
        {
            let (from, removed) = self.validate_follower(follower, now);
            out.truncated = removed;
            out.truncated_from = from;
        }
        let (leader_leo, leader_hw, epoch_start) = match self.replica(leader) {
            Some(l) => (
                l.log.log_end_offset(),
                l.log.high_watermark(),
                l.epochs.last().map_or(0, |e| e.1),
            ),
            None => return out,
        };
        let Some(f) = self.replica_mut(follower) else {
            return out;
        };
        let fetch_offset = f.log.log_end_offset();
        // Replica.updateFetchStateOrThrow
        if fetch_offset >= leader_leo {
            f.last_caught_up_ms = f.last_caught_up_ms.max(now);
        } else if fetch_offset >= f.last_fetch_leader_leo {
            f.last_caught_up_ms = f.last_caught_up_ms.max(f.last_fetch_ms);
        }
        f.last_fetch_leader_leo = f.last_fetch_leader_leo.max(leader_leo);
        f.last_fetch_ms = now;
        f.known_leo = fetch_offset;
        // Partition.maybeExpandIsr: caught up to the HW and into this epoch.
        if may_join_isr
            && !self.isr.contains(&follower)
            && fetch_offset >= leader_hw
            && fetch_offset >= epoch_start
        {
            self.isr.push(follower);
            out.joined_isr = true;
        }
        out.hw_advanced = self.maybe_increment_hw(min_isr);
        // Copy the records from the leader's log into the follower's, batch by batch.
        let (Some(li), Some(fi)) = (
            self.replicas.iter().position(|r| r.broker == leader),
            self.replicas.iter().position(|r| r.broker == follower),
        ) else {
            return out;
        };
        let (l, f) = if li < fi {
            let (a, b) = self.replicas.split_at_mut(fi);
            (&a[li], &mut b[0])
        } else {
            let (a, b) = self.replicas.split_at_mut(li);
            (&b[0], &mut a[fi])
        };
        if let Ok(res) = l
            .log
            .read_up_to(fetch_offset, leader_leo, usize::MAX, max_bytes)
        {
            let views = &res.records;
            let mut i = 0;
            while i < views.len() {
                let base = views[i].batch.base_offset;
                let attrs = views[i].batch.attributes;
                let epoch = l.epoch_at(views[i].offset).unwrap_or(0);
                let mut j = i;
                let mut headers: Vec<Vec<HeaderInput<'_>>> = Vec::new();
                while j < views.len() && views[j].batch.base_offset == base {
                    headers.push(
                        views[j]
                            .headers
                            .iter()
                            .map(|(k, v)| HeaderInput { key: k, value: v })
                            .collect(),
                    );
                    j += 1;
                }
                let mut inputs: Vec<RecordInput<'_>> = Vec::with_capacity(j - i);
                for (v, h) in views[i..j].iter().zip(&headers) {
                    inputs.push(RecordInput {
                        key: v.key,
                        value: v.value,
                        headers: h,
                        timestamp: v.timestamp,
                    });
                }
                if f.append(&inputs, attrs, epoch, now).is_some() {
                    out.records += inputs.len();
                }
                i = j;
            }
        }
        let hw_now = l.log.high_watermark();
        let hw = hw_now.min(f.log.log_end_offset());
        f.set_high_watermark(hw.max(f.log.high_watermark().min(f.log.log_end_offset())));
        self.debug_check_touched(&[leader, follower]);
        out
    }

    /// Whether `follower` is fully caught up (nothing to fetch, HW known).
    pub(crate) fn follower_idle(&self, follower: i32) -> bool {
        let (Some(l), Some(f)) = (self.leader_replica(), self.replica(follower)) else {
            return true;
        };
        f.validated_epoch == Some(self.leader_epoch)
            && f.log.log_end_offset() == l.log.log_end_offset()
            && f.known_leo == f.log.log_end_offset()
            && f.log.high_watermark() == l.log.high_watermark()
    }

    /// Checks the invariants listed in the module docs (debug builds only).
    #[inline]
    pub fn debug_check_consistency(&self) {
        #[cfg(debug_assertions)]
        {
            self.debug_check_membership();
            for r in &self.replicas {
                Self::debug_check_replica(r);
            }
        }
    }

    /// The invariants after a mutation that touched only these replicas.
    #[inline]
    fn debug_check_touched(&self, brokers: &[i32]) {
        #[cfg(debug_assertions)]
        {
            self.debug_check_membership();
            for b in brokers {
                if let Some(r) = self.replica(*b) {
                    Self::debug_check_replica(r);
                }
            }
        }
        let _ = brokers;
    }

    #[cfg(debug_assertions)]
    fn debug_check_membership(&self) {
        assert!(!self.isr.is_empty(), "the ISR is never empty (no ELR)");
        let replicas = crate::sort::btree_set(self.replicas.iter().map(|r| r.broker));
        let isr = crate::sort::btree_set(self.isr.iter().copied());
        assert_eq!(isr.len(), self.isr.len(), "ISR has no repeats");
        assert!(isr.is_subset(&replicas), "ISR ⊆ replicas");
        if let Some(l) = self.leader {
            assert!(isr.contains(&l), "leader ∈ ISR");
        }
    }

    #[cfg(debug_assertions)]
    fn debug_check_replica(r: &Replica) {
        let lso = r.last_stable_offset();
        assert!(r.log.log_start_offset() <= lso);
        assert!(lso <= r.log.high_watermark(), "LSO ≤ HW");
        assert!(r.log.high_watermark() <= r.log.log_end_offset(), "HW ≤ LEO");
        for w in r.epochs.windows(2) {
            assert!(w[0].0 < w[1].0 && w[0].1 <= w[1].1, "epoch cache increases");
        }
        if let Some(last) = r.epochs.last() {
            assert!(last.1 <= r.log.log_end_offset());
        }
    }
}
