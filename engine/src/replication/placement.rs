//! Replica placement at topic creation: where each partition's replicas go.
//!
//! Two algorithms, ported from Kafka and checked against its published test
//! vectors (`engine/tests/replication.rs`, KAFKA-REPLICATION.md §1):
//!
//! * [`assign_replicas_to_brokers`] — the classic, rack-aware
//!   `AdminUtils.assignReplicasToBrokers`
//!   (`server-common/src/main/java/org/apache/kafka/admin/AdminUtils.java`,
//!   formerly `core/.../admin/AdminUtils.scala`). ZooKeeper-era topic creation
//!   and `kafka-reassign-partitions --generate` use it.
//! * [`striped_place`] — KRaft's `StripedReplicaPlacer`
//!   (`metadata/src/main/java/org/apache/kafka/metadata/placement/StripedReplicaPlacer.java`),
//!   which the KRaft controller uses for CreateTopics.
//!
//! Both take their randomness from a [`JavaRandom`]: [`JdkRandom`] is
//! `java.util.Random` bit for bit, [`MockRandom`] is the LCG of Kafka's
//! `server-common/src/test/java/org/apache/kafka/server/util/MockRandom.java`
//! that the upstream tests use. The *preferred leader* of a partition is its
//! first replica (`PartitionRegistration.preferredReplica`).

use std::collections::{BTreeMap, BTreeSet};

/// A source of Java `Random` draws: only `next(bits)` differs between
/// generators; `nextInt(bound)` and `Collections.shuffle` are the JDK's code.
pub trait JavaRandom {
    /// `Random.next(bits)`: the top `bits` bits of the next state, as an `int`.
    fn next_bits(&mut self, bits: u32) -> i32;

    /// `Random.nextInt(bound)` exactly as the JDK computes it (rejection
    /// sampling when `bound` is not a power of two). `bound` must be
    /// positive; 0 or less returns 0 instead of throwing.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound <= 0 {
            return 0;
        }
        let mut r = self.next_bits(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            // `u - r + m < 0` in Java int arithmetic means overflow: draw again.
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next_bits(31);
        }
    }
}

/// `Collections.shuffle(list, rnd)`: `for i in (2..=size).rev() swap(i-1, rnd.nextInt(i))`.
pub fn java_shuffle<T>(v: &mut [T], rnd: &mut dyn JavaRandom) {
    let mut i = v.len();
    while i > 1 {
        let j = rnd.next_int(i as i32) as usize;
        v.swap(i - 1, j);
        i -= 1;
    }
}

/// Kafka's test `MockRandom`: `state = state * 2862933555777941757 + 3037000493`,
/// `next(bits) = (int)(state >>> (64 - bits))`. The default state is 17.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MockRandom {
    state: u64,
}

impl MockRandom {
    /// `new MockRandom()` (state 17).
    pub fn new() -> Self {
        Self::with_state(17)
    }
    /// `new MockRandom(state)`.
    pub fn with_state(state: u64) -> Self {
        Self { state }
    }
}

impl Default for MockRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl JavaRandom for MockRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self
            .state
            .wrapping_mul(2_862_933_555_777_941_757)
            .wrapping_add(3_037_000_493);
        (self.state >> (64 - bits.clamp(1, 32))) as u32 as i32
    }
}

/// `java.util.Random` (48-bit LCG), bit for bit: `new Random(seed)` then `next(bits)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JdkRandom {
    seed: u64,
}

const JDK_MULTIPLIER: u64 = 0x5_DEEC_E66D;
const JDK_MASK: u64 = (1 << 48) - 1;

impl JdkRandom {
    /// `new Random(seed)` (the seed is scrambled as the JDK does).
    pub fn new(seed: i64) -> Self {
        Self {
            seed: (seed as u64 ^ JDK_MULTIPLIER) & JDK_MASK,
        }
    }
}

impl JavaRandom for JdkRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(JDK_MULTIPLIER).wrapping_add(0xB)) & JDK_MASK;
        (self.seed >> (48 - bits.clamp(1, 32))) as u32 as i32
    }
}

/// A broker as the classic placer sees it (`BrokerMetadata`: id and optional rack).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerMetadata {
    /// `broker.id`.
    pub id: i32,
    /// `broker.rack`, if set.
    pub rack: Option<String>,
}

/// A broker as KRaft's placer sees it (`UsableBroker`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsableBroker {
    /// `node.id`.
    pub id: i32,
    /// `broker.rack`, if set.
    pub rack: Option<String>,
    /// Fenced brokers are used only when no unfenced broker is left in a rack.
    pub fenced: bool,
}

/// Placement errors, named after Kafka's exceptions and with their messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PlacementError {
    /// `InvalidPartitionsException` (classic placer).
    #[error("INVALID_PARTITIONS: Number of partitions must be larger than 0.")]
    InvalidPartitions,
    /// `InvalidPartitionsException` (KRaft controller, `ReplicationControlManager`).
    #[error("INVALID_PARTITIONS: Number of partitions was set to an invalid non-positive value.")]
    NonPositivePartitions,
    /// `InvalidReplicationFactorException` (classic placer).
    #[error("INVALID_REPLICATION_FACTOR: Replication factor must be larger than 0.")]
    NonPositiveReplicationFactor,
    /// `InvalidReplicationFactorException` (classic placer).
    #[error("INVALID_REPLICATION_FACTOR: Replication factor: {requested} larger than available brokers: {brokers}.")]
    ReplicationFactorAboveBrokers {
        /// The requested replication factor.
        requested: i32,
        /// Brokers available.
        brokers: usize,
    },
    /// `AdminOperationException` when only some brokers have a rack.
    #[error("Not all brokers have rack information for replica rack aware assignment.")]
    PartialRackInformation,
    /// `InvalidReplicationFactorException` from `StripedReplicaPlacer` via the controller.
    #[error("INVALID_REPLICATION_FACTOR: Unable to replicate the partition {requested} time(s): {reason}")]
    Unreplicable {
        /// The requested replication factor.
        requested: i32,
        /// The placer's message, e.g. "All brokers are currently fenced."
        reason: String,
    },
    /// A broker id appears twice in the broker list.
    #[error("INVALID_REQUEST: broker id {id} is listed more than once")]
    DuplicateBroker {
        /// The repeated id.
        id: i32,
    },
}

/// `AdminUtils.replicaIndex`: the follower index for replica `replica_index`
/// of a partition led by `first_replica_index`. Never the leader's index.
fn replica_index(first: usize, second_shift: i64, replica_index: usize, n: usize) -> usize {
    if n <= 1 {
        return first;
    }
    let shift = 1 + (second_shift + replica_index as i64).rem_euclid(n as i64 - 1);
    ((first as i64 + shift).rem_euclid(n as i64)) as usize
}

/// `AdminUtils.getRackAlternatedBrokerList`: brokers grouped by rack (each
/// group ascending), racks in name order, then round-robin over the racks.
pub fn rack_alternated_broker_list(brokers: &[(i32, String)]) -> Vec<i32> {
    let mut by_rack: BTreeMap<&str, Vec<i32>> = BTreeMap::new();
    for (id, rack) in brokers {
        by_rack.entry(rack.as_str()).or_default().push(*id);
    }
    let mut groups: Vec<std::vec::IntoIter<i32>> = by_rack
        .into_values()
        .map(|mut v| {
            crate::sort::sort(&mut v);
            v.into_iter()
        })
        .collect();
    let mut out = Vec::with_capacity(brokers.len());
    let mut r = 0;
    while out.len() < brokers.len() && !groups.is_empty() {
        if let Some(b) = groups[r].next() {
            out.push(b);
        }
        r = (r + 1) % groups.len();
    }
    out
}

/// The classic `AdminUtils.assignReplicasToBrokers(brokers, nPartitions,
/// replicationFactor, fixedStartIndex, startPartitionId)`.
///
/// * `fixed_start_index >= 0` fixes both random draws (start index and the
///   second-replica shift) to that value, as the upstream tests do; `-1`
///   draws both from `rnd` (`RAND.nextInt(n)` twice).
/// * Brokers are used in the given order (ZK topic creation sorts them by id
///   first; `kafka-reassign-partitions --generate` does not).
/// * Rack-aware when any broker has a rack; then every broker must have one.
///
/// Returns partition id → replicas (preferred leader first).
pub fn assign_replicas_to_brokers(
    brokers: &[BrokerMetadata],
    n_partitions: i32,
    replication_factor: i32,
    fixed_start_index: i32,
    start_partition_id: i32,
    rnd: &mut dyn JavaRandom,
) -> Result<BTreeMap<i32, Vec<i32>>, PlacementError> {
    if n_partitions <= 0 {
        return Err(PlacementError::InvalidPartitions);
    }
    if replication_factor <= 0 {
        return Err(PlacementError::NonPositiveReplicationFactor);
    }
    if replication_factor as usize > brokers.len() {
        return Err(PlacementError::ReplicationFactorAboveBrokers {
            requested: replication_factor,
            brokers: brokers.len(),
        });
    }
    let mut seen = BTreeSet::new();
    for b in brokers {
        if !seen.insert(b.id) {
            return Err(PlacementError::DuplicateBroker { id: b.id });
        }
    }
    let rf = replication_factor as usize;
    if brokers.iter().all(|b| b.rack.is_none()) {
        let ids: Vec<i32> = brokers.iter().map(|b| b.id).collect();
        Ok(assign_rack_unaware(
            &ids,
            n_partitions,
            rf,
            fixed_start_index,
            start_partition_id,
            rnd,
        ))
    } else {
        let racked: Option<Vec<(i32, String)>> = brokers
            .iter()
            .map(|b| b.rack.clone().map(|r| (b.id, r)))
            .collect();
        let racked = racked.ok_or(PlacementError::PartialRackInformation)?;
        Ok(assign_rack_aware(
            &racked,
            n_partitions,
            rf,
            fixed_start_index,
            start_partition_id,
            rnd,
        ))
    }
}

fn draws(n: usize, fixed_start_index: i32, rnd: &mut dyn JavaRandom) -> (usize, i64) {
    if fixed_start_index >= 0 {
        (fixed_start_index as usize, i64::from(fixed_start_index))
    } else {
        let start = rnd.next_int(n as i32) as usize;
        let shift = i64::from(rnd.next_int(n as i32));
        (start, shift)
    }
}

fn assign_rack_unaware(
    brokers: &[i32],
    n_partitions: i32,
    rf: usize,
    fixed_start_index: i32,
    start_partition_id: i32,
    rnd: &mut dyn JavaRandom,
) -> BTreeMap<i32, Vec<i32>> {
    let n = brokers.len();
    let (start, mut shift) = draws(n, fixed_start_index, rnd);
    let first_partition = start_partition_id.max(0) as usize;
    let mut out = BTreeMap::new();
    for current in first_partition..first_partition + n_partitions as usize {
        if current > 0 && current.is_multiple_of(n) {
            shift += 1;
        }
        let first = (current + start) % n;
        let mut replicas = Vec::with_capacity(rf);
        replicas.push(brokers[first]);
        for j in 0..rf - 1 {
            replicas.push(brokers[replica_index(first, shift, j, n)]);
        }
        out.insert(current as i32, replicas);
    }
    out
}

fn assign_rack_aware(
    brokers: &[(i32, String)],
    n_partitions: i32,
    rf: usize,
    fixed_start_index: i32,
    start_partition_id: i32,
    rnd: &mut dyn JavaRandom,
) -> BTreeMap<i32, Vec<i32>> {
    let rack_of: BTreeMap<i32, &str> =
        crate::sort::btree_map(brokers.iter().map(|(id, r)| (*id, r.as_str())));
    let num_racks = crate::sort::btree_set(brokers.iter().map(|(_, r)| r.as_str())).len();
    let arranged = rack_alternated_broker_list(brokers);
    let n = arranged.len();
    let (start, mut shift) = draws(n, fixed_start_index, rnd);
    let first_partition = start_partition_id.max(0) as usize;
    let mut out = BTreeMap::new();
    for current in first_partition..first_partition + n_partitions as usize {
        if current > 0 && current.is_multiple_of(n) {
            shift += 1;
        }
        let first = (current + start) % n;
        let leader = arranged[first];
        let mut replicas = vec![leader];
        let mut racks_used = BTreeSet::from([rack_of[&leader]]);
        let mut brokers_used = BTreeSet::from([leader]);
        let mut k = 0usize;
        for _ in 0..rf - 1 {
            // Terminates: within n consecutive k every broker index but the
            // leader's is visited, and once all racks (or brokers) are used
            // the corresponding condition is waived.
            let mut guard = 0usize;
            loop {
                let broker = arranged[replica_index(first, shift * num_racks as i64, k, n)];
                let rack = rack_of[&broker];
                k += 1;
                guard += 1;
                let rack_ok = !racks_used.contains(rack) || racks_used.len() == num_racks;
                let broker_ok = !brokers_used.contains(&broker) || brokers_used.len() == n;
                if (rack_ok && broker_ok) || guard > 4 * n + 4 {
                    replicas.push(broker);
                    racks_used.insert(rack);
                    brokers_used.insert(broker);
                    break;
                }
            }
        }
        out.insert(current as i32, replicas);
    }
    out
}

// ---------------------------------------------------------------------------
// KRaft StripedReplicaPlacer
// ---------------------------------------------------------------------------

/// `StripedReplicaPlacer.BrokerList`.
#[derive(Debug, Clone, Default)]
struct BrokerList {
    brokers: Vec<i32>,
    index: usize,
    offset: usize,
    epoch: i32,
}

impl BrokerList {
    fn initialize(&mut self, rnd: &mut dyn JavaRandom) {
        if !self.brokers.is_empty() {
            crate::sort::sort(&mut self.brokers);
            self.offset = rnd.next_int(self.brokers.len() as i32) as usize;
        }
    }
    fn shuffle(&mut self, rnd: &mut dyn JavaRandom) {
        java_shuffle(&mut self.brokers, rnd);
    }
    fn next(&mut self, epoch: i32) -> Option<i32> {
        if self.brokers.is_empty() {
            return None;
        }
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % self.brokers.len();
        }
        if self.index >= self.brokers.len() {
            return None;
        }
        let b = self.brokers[(self.index + self.offset) % self.brokers.len()];
        self.index += 1;
        Some(b)
    }
}

#[derive(Debug, Clone, Default)]
struct Rack {
    fenced: BrokerList,
    unfenced: BrokerList,
}

impl Rack {
    fn next(&mut self, epoch: i32) -> Option<i32> {
        self.unfenced
            .next(epoch)
            .or_else(|| self.fenced.next(epoch))
    }
}

/// Java `String.hashCode` over UTF-16 code units.
fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(i32::from(c)))
}

/// Iteration order of a `java.util.HashMap<Optional<String>, _>` built by
/// inserting `keys` in order: by bucket `(h ^ h>>>16) & (cap-1)` then
/// insertion order, with the table doubling past 0.75 load (no treeification).
fn java_hashmap_order(keys: &[Option<String>]) -> Vec<usize> {
    let mut cap = 16usize;
    while keys.len() > cap * 3 / 4 {
        cap *= 2;
    }
    let bucket = |k: &Option<String>| {
        let h = k.as_deref().map_or(0, java_string_hash);
        ((h ^ ((h as u32) >> 16) as i32) as u32 as usize) & (cap - 1)
    };
    let mut idx: Vec<usize> = (0..keys.len()).collect();
    crate::sort::sort_by_key(&mut idx, |&i| bucket(&keys[i]));
    idx
}

/// `StripedReplicaPlacer.RackList`: the placer's state for one `place()` call.
#[derive(Debug, Clone)]
pub struct RackList {
    /// Rack names in `Optional` order (empty first, then by name).
    names: Vec<Option<String>>,
    /// Racks, indexed like `insertion`.
    racks: Vec<Rack>,
    /// Rack keys in insertion order (index into `racks`).
    keys: Vec<Option<String>>,
    /// HashMap iteration order of `keys`.
    hash_order: Vec<usize>,
    num_total: usize,
    num_unfenced: usize,
    epoch: i32,
    offset: usize,
}

impl RackList {
    /// `new RackList(random, brokers.iterator())`.
    pub fn new(brokers: &[UsableBroker], rnd: &mut dyn JavaRandom) -> Self {
        let mut keys: Vec<Option<String>> = Vec::new();
        let mut racks: Vec<Rack> = Vec::new();
        let mut num_unfenced = 0;
        for b in brokers {
            let i = match keys.iter().position(|k| *k == b.rack) {
                Some(i) => i,
                None => {
                    keys.push(b.rack.clone());
                    racks.push(Rack::default());
                    keys.len() - 1
                }
            };
            if b.fenced {
                racks[i].fenced.brokers.push(b.id);
            } else {
                racks[i].unfenced.brokers.push(b.id);
                num_unfenced += 1;
            }
        }
        let hash_order = java_hashmap_order(&keys);
        for &i in &hash_order {
            racks[i].fenced.initialize(rnd);
            racks[i].unfenced.initialize(rnd);
        }
        let mut names = keys.clone();
        crate::sort::sort(&mut names); // None < Some(_), then String order
        let offset = if names.is_empty() {
            0
        } else {
            rnd.next_int(names.len() as i32) as usize
        };
        Self {
            names,
            racks,
            keys,
            hash_order,
            num_total: brokers.len(),
            num_unfenced,
            epoch: 0,
            offset,
        }
    }

    fn rack_index(&self, name_index: usize) -> usize {
        let name = &self.names[name_index];
        self.keys.iter().position(|k| k == name).unwrap_or(0)
    }

    fn shuffle(&mut self, rnd: &mut dyn JavaRandom) {
        java_shuffle(&mut self.names, rnd);
        for k in 0..self.hash_order.len() {
            let i = self.hash_order[k];
            self.racks[i].fenced.shuffle(rnd);
            self.racks[i].unfenced.shuffle(rnd);
        }
    }

    /// `RackList.place(replicationFactor)`: one partition's replicas.
    pub fn place(
        &mut self,
        replication_factor: i32,
        rnd: &mut dyn JavaRandom,
    ) -> Result<Vec<i32>, PlacementError> {
        let unreplicable = |reason: String| PlacementError::Unreplicable {
            requested: replication_factor,
            reason,
        };
        if replication_factor <= 0 {
            return Err(unreplicable(format!(
                "Invalid replication factor {replication_factor}: the replication factor must be positive."
            )));
        }
        if replication_factor as usize > self.num_total {
            return Err(unreplicable(format!(
                "The target replication factor of {replication_factor} cannot be reached because only {} broker(s) are registered.",
                self.num_total
            )));
        }
        if self.num_unfenced == 0 {
            return Err(unreplicable("All brokers are currently fenced.".to_owned()));
        }
        if self.epoch as usize == self.num_unfenced && self.num_unfenced > 1 {
            self.shuffle(rnd);
            self.epoch = 0;
        }
        if self.offset == self.names.len() {
            self.offset = 0;
        }
        let n = self.names.len();
        let mut out = Vec::with_capacity(replication_factor as usize);
        // Leader: the first rack from `offset` with an unfenced broker left.
        let mut first_rack: Option<usize>;
        let mut probe = self.offset;
        let mut tries = 0;
        loop {
            let ri = self.rack_index(probe);
            if let Some(b) = self.racks[ri].unfenced.next(self.epoch) {
                out.push(b);
                first_rack = Some(probe);
                break;
            }
            probe = (probe + 1) % n;
            tries += 1;
            if tries > 2 * n + 2 {
                return Err(unreplicable("All brokers are currently fenced.".to_owned()));
            }
        }
        // Followers: walk racks from `offset`, skipping the leader's rack once.
        let mut rack_index = self.offset;
        for _ in 1..replication_factor {
            let mut tries = 0;
            loop {
                let mut result = None;
                if first_rack == Some(rack_index) {
                    first_rack = None;
                } else {
                    let ri = self.rack_index(rack_index);
                    result = self.racks[ri].next(self.epoch);
                }
                rack_index = (rack_index + 1) % n;
                if let Some(b) = result {
                    out.push(b);
                    break;
                }
                tries += 1;
                if tries > 4 * self.num_total + 4 * n + 4 {
                    return Err(unreplicable(format!(
                        "The target replication factor of {replication_factor} cannot be reached because only {} broker(s) are registered.",
                        self.num_total
                    )));
                }
            }
        }
        self.epoch += 1;
        self.offset += 1;
        Ok(out)
    }
}

/// `StripedReplicaPlacer.place(PlacementSpec(0, nPartitions, rf), cluster)`:
/// one fresh [`RackList`] per call, `place(rf)` once per partition.
pub fn striped_place(
    brokers: &[UsableBroker],
    n_partitions: i32,
    replication_factor: i32,
    rnd: &mut dyn JavaRandom,
) -> Result<Vec<Vec<i32>>, PlacementError> {
    if n_partitions <= 0 {
        return Err(PlacementError::NonPositivePartitions);
    }
    let mut seen = BTreeSet::new();
    for b in brokers {
        if !seen.insert(b.id) {
            return Err(PlacementError::DuplicateBroker { id: b.id });
        }
    }
    let mut list = RackList::new(brokers, rnd);
    (0..n_partitions)
        .map(|_| list.place(replication_factor, rnd))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mock_random_sanity_values() {
        let mut r = MockRandom::new();
        let v: Vec<i32> = (0..5).map(|_| r.next_bits(31)).collect();
        assert_eq!(
            v,
            [1370951335, 1457695759, 324654877, 1936075447, 437157150]
        );
        let mut r = MockRandom::new();
        let v: Vec<i32> = (0..6).map(|_| r.next_int(3)).collect();
        assert_eq!(v, [1, 1, 1, 1, 0, 1]);
        let mut r = MockRandom::new();
        let v: Vec<i32> = (0..6).map(|_| r.next_int(4)).collect();
        assert_eq!(v, [2, 2, 0, 3, 0, 3]);
    }

    #[test]
    fn jdk_random_matches_java() {
        // The well-known first value of `new Random(0).nextInt()`.
        let mut r = JdkRandom::new(0);
        assert_eq!(r.next_bits(32), -1_155_484_576);
    }

    #[test]
    fn broker_list_next_follows_epochs() {
        let mut l = BrokerList {
            brokers: vec![0, 1, 2, 3],
            ..BrokerList::default()
        };
        let a: Vec<Option<i32>> = (0..6).map(|_| l.next(0)).collect();
        assert_eq!(a, [Some(0), Some(1), Some(2), Some(3), None, None]);
        let b: Vec<Option<i32>> = (0..5).map(|_| l.next(1)).collect();
        assert_eq!(b, [Some(1), Some(2), Some(3), Some(0), None]);
    }

    #[test]
    fn hashmap_order_of_single_char_racks_is_by_char() {
        let keys = vec![Some("3".to_owned()), Some("1".to_owned()), None];
        assert_eq!(java_hashmap_order(&keys), vec![2, 1, 0]);
    }
}
