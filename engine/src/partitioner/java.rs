//! The Java client's partitioner, keyed and keyless, in its three generations.
//!
//! Keyed records always go to `toPositive(murmur2(serializedKey)) % n` over
//! **all** partitions of the topic (`BuiltInPartitioner.partitionForKey`); an
//! empty key is hashed like any other key (murmur2("") = `0x106e08d9`).
//! Where a record **without** a key goes changed twice:
//!
//! * [`JavaNullKeyMode::RoundRobin`] — Kafka ≤ 2.3 (`DefaultPartitioner` at
//!   tag `2.3.0`): a per-topic counter initialised to
//!   `ThreadLocalRandom.nextInt()`, `toPositive(counter++) % available`.
//! * [`JavaNullKeyMode::StickyPerBatch`] — Kafka 2.4–3.2, KIP-480
//!   (`DefaultPartitioner` + `StickyPartitionCache`): one sticky partition per
//!   topic, replaced by a *different* random partition whenever a record —
//!   keyed or not — would need a **new batch** on the sticky partition
//!   (`KafkaProducer.doSend` → `append(abortOnNewBatch=true)` →
//!   `partitioner.onNewBatch(topic, cluster, prevPartition)`).
//! * [`JavaNullKeyMode::UniformSticky`] — Kafka ≥ 3.3, KIP-794
//!   (`BuiltInPartitioner` + `RecordAccumulator.append`): the sticky partition
//!   counts the bytes produced to it; it switches (to a uniformly random
//!   partition, possibly the same one) once `producedBytes ≥ batch.size` *and*
//!   the partition's last batch is full, or unconditionally once
//!   `producedBytes ≥ 2 × batch.size` (KAFKA-14156). Adaptive partitioning
//!   (weighting by queue sizes and broker latency) is **not** modelled: with no
//!   load statistics the built-in partitioner is uniform, which is what it does
//!   whenever all queues are equal.
//!
//! Both sticky generations depend on the producer's batches, so
//! [`JavaPartitioner`] carries a small model of the `RecordAccumulator`: per
//! partition the number of closed batches and the last (open) batch with its
//! estimated size, write limit and record count, sized exactly as
//! `MemoryRecordsBuilder` does for uncompressed v2 batches (61-byte header,
//! `DefaultRecord.sizeInBytes` per record, new batch buffer
//! `max(batch.size, estimateSizeInBytesUpperBound(record))`).
//!
//! The sender thread is modelled as running whenever the simulated clock moves
//! forward: on a call with a later `now` than the previous call, closed (full)
//! batches are drained, and the last batch too once it is full or `linger.ms`
//! has elapsed since it was created. Within one millisecond nothing is sent,
//! exactly like Kafka's unit tests, which never run the sender.
//! [`JavaPartitioner::drain_all`] flushes explicitly.
//!
//! Every partition is assumed to have a leader ("available").

use std::num::NonZeroU32;

use super::{checked_partitions, murmur2, to_positive, PartitionError, RandomSource};
use crate::clock::Millis;
use crate::record::{record_size_in_bytes, size_of_varint, RecordInput, RECORD_BATCH_OVERHEAD};

/// Java `batch.size` default (`ProducerConfig`).
pub const DEFAULT_BATCH_SIZE: u32 = 16_384;

/// `DefaultRecord.MAX_RECORD_OVERHEAD`: 1 (attributes) + 5 (length varint) +
/// 10 (timestamp varlong) + 5 (offset varint).
pub const MAX_RECORD_OVERHEAD: u32 = 21;

/// How many random draws KIP-480's "pick a different partition" loop may
/// take before settling on the next partition. Java loops forever; a bound
/// keeps a degenerate [`RandomSource`] from hanging the page.
const MAX_PICKS: u32 = 1_000;

/// Which Java client generation decides where keyless records go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JavaNullKeyMode {
    /// Kafka ≤ 2.3: round-robin per record.
    RoundRobin,
    /// Kafka 2.4–3.2: KIP-480 sticky partitioner, one batch per stick.
    StickyPerBatch,
    /// Kafka ≥ 3.3: KIP-794 uniform sticky, switching on produced bytes.
    UniformSticky,
}

impl JavaNullKeyMode {
    /// All generations, oldest first.
    pub const ALL: [Self; 3] = [Self::RoundRobin, Self::StickyPerBatch, Self::UniformSticky];

    /// A short name (`round_robin`, `sticky_per_batch`, `uniform_sticky`).
    pub fn name(self) -> &'static str {
        match self {
            Self::RoundRobin => "round_robin",
            Self::StickyPerBatch => "sticky_per_batch",
            Self::UniformSticky => "uniform_sticky",
        }
    }

    /// The Kafka versions that behave this way.
    pub fn versions(self) -> &'static str {
        match self {
            Self::RoundRobin => "Kafka ≤ 2.3",
            Self::StickyPerBatch => "Kafka 2.4–3.2 (KIP-480)",
            Self::UniformSticky => "Kafka ≥ 3.3 (KIP-794)",
        }
    }
}

/// The accumulator's last batch of one partition (uncompressed, magic v2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchState {
    /// `estimatedBytesWritten()`: batch header plus the records so far.
    pub estimated_bytes: u32,
    /// `writeLimit`: the buffer size the batch was allocated with.
    pub write_limit: u32,
    /// Records in the batch.
    pub records: u32,
    /// `closeForRecordAppends()` was called (a record did not fit).
    pub closed: bool,
    /// When the batch was created (for `linger.ms`).
    pub created_at: Millis,
    /// Timestamp of the first record (timestamp deltas are relative to it).
    pub base_timestamp: Millis,
}

impl BatchState {
    /// `MemoryRecordsBuilder.isFull()`.
    pub fn is_full(&self) -> bool {
        self.closed || (self.records > 0 && self.write_limit <= self.estimated_bytes)
    }

    fn next_record_size(&self, record: &RecordInput<'_>) -> u32 {
        let offset_delta = i32::try_from(self.records).unwrap_or(i32::MAX);
        record_size_in_bytes(
            offset_delta,
            record.timestamp.saturating_sub(self.base_timestamp),
            record,
        )
    }

    /// `MemoryRecordsBuilder.hasRoomFor(...)`: never when full; always for
    /// the first record; otherwise if the record fits under the write limit.
    pub fn has_room_for(&self, record: &RecordInput<'_>) -> bool {
        if self.is_full() {
            return false;
        }
        if self.records == 0 {
            return true;
        }
        u64::from(self.write_limit)
            >= u64::from(self.estimated_bytes) + u64::from(self.next_record_size(record))
    }
}

/// One partition's queue in the accumulator model.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionQueue {
    /// Closed batches waiting for the sender (all full).
    pub closed_batches: u32,
    /// The last batch, the only one records can still be appended to.
    pub last: Option<BatchState>,
}

impl PartitionQueue {
    /// `RecordAccumulator.allBatchesFull`: the last batch is full, or there is none.
    pub fn all_batches_full(&self) -> bool {
        self.last.is_none_or(|b| b.is_full())
    }

    /// Batches queued (closed plus the last one).
    pub fn queued_batches(&self) -> u32 {
        self.closed_batches + u32::from(self.last.is_some())
    }

    /// `RecordAccumulator.tryAppend`: append to the last batch if it has room
    /// and return the appended bytes; otherwise close it and return `None`.
    fn try_append(&mut self, record: &RecordInput<'_>) -> Option<u32> {
        let last = self.last.as_mut()?;
        if last.has_room_for(record) {
            let size = last.next_record_size(record);
            last.estimated_bytes = last.estimated_bytes.saturating_add(size);
            last.records += 1;
            Some(size)
        } else {
            last.closed = true;
            None
        }
    }

    /// `RecordAccumulator.appendNewBatch`: a new batch holding `record`;
    /// returns its `estimatedSizeInBytes()` (the header counts).
    fn append_new_batch(&mut self, record: &RecordInput<'_>, batch_size: u32, now: Millis) -> u32 {
        // The previous batch (closed by the failed tryAppend) joins the closed ones.
        if self.last.take().is_some() {
            self.closed_batches += 1;
        }
        let size = record_size_in_bytes(0, 0, record);
        let estimated = RECORD_BATCH_OVERHEAD.saturating_add(size);
        self.last = Some(BatchState {
            estimated_bytes: estimated,
            write_limit: batch_size.max(batch_size_upper_bound(record)),
            records: 1,
            closed: false,
            created_at: now,
            base_timestamp: record.timestamp,
        });
        estimated
    }

    /// Keyed/plain append: into the last batch, or a new one.
    fn append(&mut self, record: &RecordInput<'_>, batch_size: u32, now: Millis) -> u32 {
        match self.try_append(record) {
            Some(n) => n,
            None => self.append_new_batch(record, batch_size, now),
        }
    }
}

/// `AbstractRecords.estimateSizeInBytesUpperBound` for v2, uncompressed:
/// `RECORD_BATCH_OVERHEAD + DefaultRecord.recordSizeUpperBound(key, value, headers)`.
pub fn batch_size_upper_bound(record: &RecordInput<'_>) -> u32 {
    let field = |b: Option<&[u8]>| match b {
        None => 1,
        Some(b) => len_varint(b.len()) + b.len() as u32,
    };
    let mut size = MAX_RECORD_OVERHEAD
        + field(record.key)
        + field(record.value)
        + len_varint(record.headers.len());
    for h in record.headers {
        size += len_varint(h.key.len()) + h.key.len() as u32 + field(h.value);
    }
    RECORD_BATCH_OVERHEAD.saturating_add(size)
}

fn len_varint(len: usize) -> u32 {
    size_of_varint(i32::try_from(len).unwrap_or(i32::MAX))
}

/// KIP-794's `StickyPartitionInfo`: the sticky partition and the bytes
/// produced to it since it was picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StickyPartitionInfo {
    /// The current sticky partition.
    pub partition: u32,
    /// `producedBytes`.
    pub produced_bytes: u64,
}

/// The Java producer's partitioner for one topic, with its null-key state
/// and the accumulator model.
///
/// Invariants (checked by `debug_check_invariants` in debug builds): there is
/// one queue per partition; a sticky partition is a valid index; a queue's
/// closed batches are all full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaPartitioner {
    mode: JavaNullKeyMode,
    batch_size: u32,
    linger_ms: Millis,
    queues: Vec<PartitionQueue>,
    /// KIP-794 state.
    sticky: Option<StickyPartitionInfo>,
    /// KIP-480 `StickyPartitionCache.indexCache` entry.
    sticky_480: Option<u32>,
    /// ≤ 2.3 round-robin counter.
    counter: Option<i32>,
    last_now: Option<Millis>,
}

impl JavaPartitioner {
    /// A partitioner for `mode` with `batch.size` and `linger.ms`
    /// (`linger.ms` must be ≥ 0; `batch.size` 0 is allowed as in Java, the
    /// sticky limit is then `max(1, batch.size)`).
    pub fn new(
        mode: JavaNullKeyMode,
        batch_size: u32,
        linger_ms: Millis,
    ) -> Result<Self, PartitionError> {
        if linger_ms < 0 {
            return Err(PartitionError::InvalidLinger { value: linger_ms });
        }
        Ok(Self {
            mode,
            batch_size,
            linger_ms,
            queues: Vec::new(),
            sticky: None,
            sticky_480: None,
            counter: None,
            last_now: None,
        })
    }

    /// The null-key generation.
    pub fn mode(&self) -> JavaNullKeyMode {
        self.mode
    }

    /// KIP-794's current sticky partition and produced bytes.
    pub fn sticky_info(&self) -> Option<StickyPartitionInfo> {
        self.sticky
    }

    /// KIP-480's current sticky partition.
    pub fn sticky_partition_480(&self) -> Option<u32> {
        self.sticky_480
    }

    /// The accumulator model, one queue per partition.
    pub fn queues(&self) -> &[PartitionQueue] {
        &self.queues
    }

    /// The sender sends everything queued (`producer.flush()`).
    pub fn drain_all(&mut self) {
        for q in &mut self.queues {
            *q = PartitionQueue::default();
        }
    }

    fn sticky_batch_size(&self) -> u64 {
        u64::from(self.batch_size.max(1))
    }

    /// The partition `record` goes to among `num_partitions` at `now`; also
    /// appends it to the accumulator model.
    pub fn partition<R: RandomSource>(
        &mut self,
        record: &RecordInput<'_>,
        num_partitions: u32,
        now: Millis,
        rng: &mut R,
    ) -> Result<u32, PartitionError> {
        let n = checked_partitions(num_partitions)?;
        self.resize(n);
        self.run_sender(now);
        let p = match (record.key, self.mode) {
            (Some(key), JavaNullKeyMode::StickyPerBatch) => {
                let p = (to_positive(murmur2(key)) as u32) % n.get();
                self.append_480(p, true, record, n, now, rng)
            }
            (Some(key), _) => {
                let p = (to_positive(murmur2(key)) as u32) % n.get();
                self.append_plain(p, record, now);
                p
            }
            (None, JavaNullKeyMode::RoundRobin) => {
                let c = match self.counter {
                    Some(c) => c,
                    None => rng.next_int(),
                };
                self.counter = Some(c.wrapping_add(1));
                let p = (to_positive(c) as u32) % n.get();
                self.append_plain(p, record, now);
                p
            }
            (None, JavaNullKeyMode::StickyPerBatch) => {
                let p = match self.sticky_480 {
                    Some(p) => p,
                    None => self.next_partition_480(None, n, rng),
                };
                self.append_480(p, false, record, n, now, rng)
            }
            (None, JavaNullKeyMode::UniformSticky) => self.append_794(record, n, now, rng),
        };
        #[cfg(debug_assertions)]
        self.debug_check_invariants();
        Ok(p)
    }

    fn resize(&mut self, n: NonZeroU32) {
        let n = n.get();
        if self.queues.len() != n as usize {
            self.queues.resize(n as usize, PartitionQueue::default());
        }
        if self.sticky.is_some_and(|s| s.partition >= n) {
            self.sticky = None;
        }
        if self.sticky_480.is_some_and(|p| p >= n) {
            self.sticky_480 = None;
        }
    }

    /// The sender runs when simulated time has moved since the last call.
    fn run_sender(&mut self, now: Millis) {
        let moved = self.last_now.is_some_and(|t| now > t);
        self.last_now = Some(self.last_now.map_or(now, |t| t.max(now)));
        if !moved {
            return;
        }
        let linger = self.linger_ms;
        for q in &mut self.queues {
            q.closed_batches = 0;
            if q.last
                .is_some_and(|b| b.is_full() || now.saturating_sub(b.created_at) >= linger)
            {
                q.last = None;
            }
        }
    }

    fn queue(&mut self, p: u32) -> Option<&mut PartitionQueue> {
        self.queues.get_mut(p as usize)
    }

    fn append_plain(&mut self, p: u32, record: &RecordInput<'_>, now: Millis) {
        let bs = self.batch_size;
        if let Some(q) = self.queue(p) {
            q.append(record, bs, now);
        }
    }

    /// `StickyPartitionCache.nextPartition(topic, cluster, prevPartition)`:
    /// only replaces the sticky partition if it is unset or equals `prev`;
    /// with ≥ 2 partitions the new one differs from the old one.
    fn next_partition_480<R: RandomSource>(
        &mut self,
        prev: Option<u32>,
        n: NonZeroU32,
        rng: &mut R,
    ) -> u32 {
        let old = self.sticky_480;
        if old.is_some() && old != prev {
            return old.unwrap_or(0);
        }
        let new = if n.get() == 1 {
            0
        } else {
            let mut picked = None;
            for _ in 0..MAX_PICKS {
                let cand = rng.next_index(n);
                if Some(cand) != old {
                    picked = Some(cand);
                    break;
                }
            }
            picked.unwrap_or_else(|| old.map_or(0, |o| (o + 1) % n.get()))
        };
        self.sticky_480 = Some(new);
        new
    }

    /// KIP-480: `append(abortOnNewBatch=true)`; on abort, `onNewBatch` and
    /// re-partition (keyed records keep their partition).
    fn append_480<R: RandomSource>(
        &mut self,
        p: u32,
        keyed: bool,
        record: &RecordInput<'_>,
        n: NonZeroU32,
        now: Millis,
        rng: &mut R,
    ) -> u32 {
        if self.queue(p).and_then(|q| q.try_append(record)).is_some() {
            return p;
        }
        self.next_partition_480(Some(p), n, rng);
        let p2 = if keyed {
            p
        } else {
            self.sticky_480.unwrap_or(p)
        };
        self.append_plain(p2, record, now);
        p2
    }

    /// KIP-794 `BuiltInPartitioner.nextPartition` without load stats:
    /// `partitions[toPositive(random) % n]`.
    fn next_partition_794<R: RandomSource>(
        &mut self,
        n: NonZeroU32,
        rng: &mut R,
    ) -> StickyPartitionInfo {
        let info = StickyPartitionInfo {
            partition: rng.next_index(n),
            produced_bytes: 0,
        };
        self.sticky = Some(info);
        info
    }

    /// `BuiltInPartitioner.updatePartitionInfo`: add the appended bytes and
    /// switch when `producedBytes ≥ batch.size && enableSwitch` or
    /// `producedBytes ≥ 2 × batch.size`.
    fn update_partition_info<R: RandomSource>(
        &mut self,
        appended: u32,
        enable_switch: bool,
        n: NonZeroU32,
        rng: &mut R,
    ) {
        let limit = self.sticky_batch_size();
        let Some(info) = self.sticky.as_mut() else {
            return;
        };
        info.produced_bytes = info.produced_bytes.saturating_add(u64::from(appended));
        let produced = info.produced_bytes;
        if (produced >= limit && enable_switch) || produced >= 2 * limit {
            self.next_partition_794(n, rng);
        }
    }

    /// `RecordAccumulator.partitionChanged`: if all batches of the sticky
    /// partition are full, try a deferred switch; true if it switched.
    fn partition_changed<R: RandomSource>(&mut self, p: u32, n: NonZeroU32, rng: &mut R) -> bool {
        let full = self
            .queues
            .get(p as usize)
            .is_none_or(PartitionQueue::all_batches_full);
        if full {
            self.update_partition_info(0, true, n, rng);
        }
        self.sticky.is_none_or(|s| s.partition != p)
    }

    /// KIP-794 `RecordAccumulator.append` for a keyless record.
    fn append_794<R: RandomSource>(
        &mut self,
        record: &RecordInput<'_>,
        n: NonZeroU32,
        now: Millis,
        rng: &mut R,
    ) -> u32 {
        let bs = self.batch_size;
        // A switch resets producedBytes to 0, so the loop runs at most twice.
        for _ in 0..3 {
            let info = match self.sticky {
                Some(i) => i,
                None => self.next_partition_794(n, rng),
            };
            let p = info.partition;
            if self.partition_changed(p, n, rng) {
                continue;
            }
            if let Some(appended) = self.queue(p).and_then(|q| q.try_append(record)) {
                let enable = self
                    .queues
                    .get(p as usize)
                    .is_none_or(PartitionQueue::all_batches_full);
                self.update_partition_info(appended, enable, n, rng);
                return p;
            }
            if self.partition_changed(p, n, rng) {
                continue;
            }
            let appended = self
                .queue(p)
                .map_or(0, |q| q.append_new_batch(record, bs, now));
            let enable = self
                .queues
                .get(p as usize)
                .is_none_or(PartitionQueue::all_batches_full);
            self.update_partition_info(appended, enable, n, rng);
            return p;
        }
        // Unreachable in practice (see above); append where the sticky points.
        let p = self.sticky.map_or(0, |s| s.partition);
        self.append_plain(p, record, now);
        p
    }

    #[cfg(debug_assertions)]
    fn debug_check_invariants(&self) {
        let n = self.queues.len() as u32;
        debug_assert!(self.sticky.is_none_or(|s| s.partition < n));
        debug_assert!(self.sticky_480.is_none_or(|p| p < n));
        for q in &self.queues {
            debug_assert!(q
                .last
                .is_none_or(|b| b.records > 0 && b.estimated_bytes > RECORD_BATCH_OVERHEAD));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::partitioner::SequentialRandom;
    use crate::rng::SimRng;

    fn keyless(value: &[u8]) -> RecordInput<'_> {
        RecordInput::new(None, Some(value), 0)
    }

    #[test]
    fn test_uniform_built_in_partitioner() {
        // RecordAccumulatorTest.testUniformBuiltInPartitioner: batch.size=1024,
        // random mocked as 0,1,2,…, 3 partitions, time never moves.
        let mut p = JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 1024, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let small = b"value".as_slice();
        let large = vec![0u8; 1024];
        // Small record: switch to the first partition (random 0).
        assert_eq!(p.partition(&keyless(small), 3, 0, &mut rnd).unwrap(), 0);
        assert_eq!(rnd.draws(), 1);
        // Large record: sticky limit exceeded but the batch is incomplete → stay.
        assert_eq!(p.partition(&keyless(&large), 3, 0, &mut rnd).unwrap(), 0);
        assert_eq!(rnd.draws(), 1);
        // Next large records complete the previous batch → switch each time.
        assert_eq!(p.partition(&keyless(&large), 3, 0, &mut rnd).unwrap(), 1);
        assert_eq!(rnd.draws(), 2);
        assert_eq!(p.partition(&keyless(&large), 3, 0, &mut rnd).unwrap(), 2);
        assert_eq!(rnd.draws(), 3);
        assert_eq!(p.partition(&keyless(&large), 3, 0, &mut rnd).unwrap(), 0);
        assert_eq!(rnd.draws(), 4);
    }

    #[test]
    fn uniform_sticky_switches_after_batch_size_bytes_when_batches_drain() {
        // With the sender draining between records (time moves each call),
        // all batches are "full" (queue empty) and the switch happens at the
        // first append that brings producedBytes to ≥ batch.size.
        let mut p = JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 1000, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [0u8; 100];
        let mut parts = Vec::new();
        for t in 0..20 {
            parts.push(p.partition(&keyless(&v), 3, t, &mut rnd).unwrap());
        }
        // Each record here opens a new 61 + 108 = 169-byte batch (the previous
        // one was sent): 6 records reach 1014 ≥ 1000, so the 7th goes elsewhere.
        assert_eq!(&parts[..7], &[0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(parts.iter().filter(|&&x| x == 1).count(), 6);
    }

    #[test]
    fn uniform_sticky_hard_switch_at_twice_batch_size() {
        // batch.size 100, 500-byte values: each record opens its own batch
        // (write limit = upper bound 586 > 570 written, so never "full"), the
        // switch stays disabled, but 570 ≥ 2 × 100 forces it after every record.
        let mut p = JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 100, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [1u8; 500];
        let got: Vec<u32> = (0..5)
            .map(|_| p.partition(&keyless(&v), 4, 0, &mut rnd).unwrap())
            .collect();
        assert_eq!(got, vec![0, 1, 2, 3, 0]);
    }

    #[test]
    fn uniform_sticky_deferred_switch_waits_for_a_full_batch() {
        // batch.size 1000, 500-byte values (570 bytes as a new batch): the 2nd
        // record does not fit → batch closed, 570 < 1000 → no switch, new
        // batch (1140 bytes produced, but that batch is not full) → stay; the
        // 3rd closes it and switches. Two records per partition.
        let mut p = JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 1000, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [1u8; 500];
        let got: Vec<u32> = (0..6)
            .map(|_| p.partition(&keyless(&v), 3, 0, &mut rnd).unwrap())
            .collect();
        assert_eq!(got, vec![0, 0, 1, 1, 2, 2]);
    }

    #[test]
    fn kip_480_sticky_changes_on_new_batch_to_a_different_partition() {
        // batch.size 1024, 100-byte values. Java 2.4 quirk: the very first
        // keyless record finds no batch on the freshly picked sticky partition
        // (random 0 → p0), so onNewBatch moves it at once (random 1 → p1).
        let mut p = JavaPartitioner::new(JavaNullKeyMode::StickyPerBatch, 1024, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [0u8; 100];
        let mut runs: Vec<(u32, usize)> = Vec::new();
        for _ in 0..40 {
            let x = p.partition(&keyless(&v), 3, 0, &mut rnd).unwrap();
            match runs.last_mut() {
                Some((q, c)) if *q == x => *c += 1,
                _ => runs.push((x, 1)),
            }
        }
        // Records are 108 bytes (106-byte body + 2-byte zig-zag length):
        // 61 + 8×108 = 925 fits, a 9th would make 1033 > 1024 → 8 per batch.
        assert_eq!(runs[0].1, 8);
        assert_eq!(
            runs.iter().map(|r| r.0).take(4).collect::<Vec<_>>(),
            vec![1, 2, 0, 1]
        );
        for w in runs.windows(2) {
            assert_ne!(w[0].0, w[1].0, "the new sticky partition always differs");
        }
    }

    #[test]
    fn kip_480_keyed_record_needing_a_new_batch_moves_the_sticky_partition() {
        let mut p = JavaPartitioner::new(JavaNullKeyMode::StickyPerBatch, 16_384, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [0u8; 10];
        // random 0 → p0, no batch → onNewBatch → random 1 → p1.
        assert_eq!(p.partition(&keyless(&v), 3, 0, &mut rnd).unwrap(), 1);
        assert_eq!(p.sticky_partition_480(), Some(1));
        // "key-1" → p0 of 3 (KAFKA.md sample table) opens a batch on p0:
        // onNewBatch(prev=0) leaves the sticky partition (1) alone.
        let rec0 = RecordInput::new(Some(b"key-1"), Some(&v), 1);
        assert_eq!(p.partition(&rec0, 3, 0, &mut rnd).unwrap(), 0);
        assert_eq!((p.sticky_partition_480(), rnd.draws()), (Some(1), 2));
        // Time moves: the sender drains everything (linger.ms 0). "key-0" → p1
        // opens a new batch on the sticky partition: onNewBatch(prev=1) moves
        // the sticky partition to a different one (random 2 → p2).
        let rec1 = RecordInput::new(Some(b"key-0"), Some(&v), 1);
        assert_eq!(p.partition(&rec1, 3, 1, &mut rnd).unwrap(), 1);
        assert_eq!((p.sticky_partition_480(), rnd.draws()), (Some(2), 3));
    }

    #[test]
    fn round_robin_before_2_4_starts_at_a_random_counter() {
        let mut p = JavaPartitioner::new(JavaNullKeyMode::RoundRobin, 16_384, 0).unwrap();
        let mut rnd = SequentialRandom::new();
        let v = [0u8; 10];
        let got: Vec<u32> = (0..7)
            .map(|_| p.partition(&keyless(&v), 3, 0, &mut rnd).unwrap())
            .collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2, 0]);
        assert_eq!(rnd.draws(), 1, "only the counter's initial value is random");
        // A counter starting at a negative int uses toPositive, not abs.
        let mut p = JavaPartitioner::new(JavaNullKeyMode::RoundRobin, 16_384, 0).unwrap();
        let mut rng = SimRng::seeded(5);
        let mut probe = rng.clone();
        let c0 = probe.next_int();
        assert_eq!(
            p.partition(&keyless(&v), 7, 0, &mut rng).unwrap(),
            (to_positive(c0) as u32) % 7
        );
    }

    #[test]
    fn keyed_records_use_murmur2_in_every_mode_and_empty_key_is_hashed() {
        for mode in JavaNullKeyMode::ALL {
            let mut p = JavaPartitioner::new(mode, 16_384, 0).unwrap();
            let mut rng = SimRng::seeded(1);
            let rec = RecordInput::new(Some(b"user-42"), Some(b"v"), 0);
            assert_eq!(p.partition(&rec, 12, 0, &mut rng).unwrap(), 4);
            let empty = RecordInput::new(Some(b""), Some(b"v"), 0);
            // kafka-python vector: b'' → 681 of 1000.
            assert_eq!(p.partition(&empty, 1000, 0, &mut rng).unwrap(), 681);
        }
    }

    #[test]
    fn upper_bound_matches_java_for_a_1024_byte_value() {
        // 61 + 21 + 1 (null key) + 2 + 1024 (value) + 1 (no headers).
        let v = vec![0u8; 1024];
        assert_eq!(batch_size_upper_bound(&keyless(&v)), 1110);
        // The actual batch is smaller, so it is not full (what the test above relies on).
        assert_eq!(
            RECORD_BATCH_OVERHEAD + record_size_in_bytes(0, 0, &keyless(&v)),
            1094
        );
    }

    #[test]
    fn rejects_zero_partitions_and_negative_linger() {
        assert!(JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 1, -1).is_err());
        let mut p = JavaPartitioner::new(JavaNullKeyMode::UniformSticky, 1, 0).unwrap();
        assert_eq!(
            p.partition(&keyless(b"x"), 0, 0, &mut SimRng::seeded(1)),
            Err(PartitionError::InvalidPartitions { partitions: 0 })
        );
    }
}
