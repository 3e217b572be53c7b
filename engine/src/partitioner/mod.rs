//! Key → partition, exactly as real Kafka clients do it.
//!
//! One key can land on different partitions depending on the client that
//! produced it: the Java client hashes with murmur2, librdkafka (and every
//! client built on it: confluent-kafka-python/-go/-dotnet, node-rdkafka, kcat)
//! defaults to CRC32. `TT0124` on 15 partitions is partition 10 for Java and 9
//! for librdkafka (tulios/kafkajs#1154).
//!
//! ## Keyed records: pure functions
//!
//! * [`murmur2`], [`to_positive`], [`java_partition_for_key`]: the Java client
//!   (`BuiltInPartitioner.partitionForKey`,
//!   `clients/src/main/java/org/apache/kafka/clients/producer/internals/BuiltInPartitioner.java`):
//!   `Utils.toPositive(Utils.murmur2(serializedKey)) % numPartitions`.
//! * [`crc32`] (librdkafka `rd_crc32`) and [`rd_fnv1a`] (librdkafka `rd_fnv1a`).
//! * [`PartitionerKind`]: the partitioner names the CLI and the app accept
//!   (`java`, and librdkafka's `random`, `consistent`, `consistent_random`,
//!   `murmur2`, `murmur2_random`, `fnv1a`, `fnv1a_random`), with
//!   [`PartitionerKind::raw_hash`] and [`PartitionerKind::partition_key`].
//!
//! ## Null (and empty) keys: stateful, per client and era
//!
//! Where a record without a key goes depends on the client's state (a sticky
//! partition) and on randomness, so it is modelled by stateful partitioners
//! that take the simulated time and a [`RandomSource`]:
//!
//! * [`java::JavaPartitioner`]: pre-2.4 round-robin, KIP-480 sticky-per-batch
//!   (2.4–3.2) and KIP-794 uniform sticky (≥ 3.3) with its `batch.size`
//!   switching, driven by a model of the producer's `RecordAccumulator`.
//! * [`librdkafka::LibrdkafkaPartitioner`]: the sticky random partition held
//!   for `sticky.partitioning.linger.ms`, with librdkafka's exact null/empty-key
//!   rules per partitioner.
//! * [`ClientPartitioner`] wraps both behind one `partition(record, n, now, rng)`.
//!
//! Randomness comes from a [`RandomSource`]: [`SimRng`] in simulations,
//! [`SequentialRandom`] (0, 1, 2, …) to replay Kafka's own unit tests, which
//! mock `ThreadLocalRandom` the same way.

mod crc32;
mod fnv1a;
pub mod java;
pub mod librdkafka;

pub use self::crc32::crc32;
pub use self::fnv1a::{fnv1a32, rd_fnv1a, FNV1A_OFFSET_BASIS, FNV1A_PRIME};

use std::num::NonZeroU32;
use std::str::FromStr;

use crate::clock::Millis;
use crate::record::RecordInput;
use crate::rng::SimRng;

/// Kafka's `Utils.murmur2` (`clients/.../common/utils/Utils.java`): MurmurHash2,
/// seed `0x9747b28c`, returned as a signed 32-bit integer.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let len = data.len();
    let mut h: u32 = SEED ^ (len as u32);
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if !tail.is_empty() {
        h ^= u32::from(tail[0]);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: `x & 0x7fffffff` (not `abs`).
pub fn to_positive(x: i32) -> i32 {
    x & 0x7fff_ffff
}

/// The Java client's partition for a non-null serialized key.
///
/// Kept for existing callers: `num_partitions` must be at least 1, and 0
/// returns partition 0. New code should use [`PartitionerKind::partition_key`]
/// (a `NonZeroU32` makes the zero case impossible) or
/// [`PartitionerKind::key_partition`] (returns [`PartitionError::InvalidPartitions`]).
pub fn java_partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    if num_partitions == 0 {
        return 0;
    }
    (to_positive(murmur2(key)) as u32) % num_partitions
}

/// Errors of partitioning operations.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PartitionError {
    /// `INVALID_PARTITIONS` (37): a topic has at least one partition.
    #[error("INVALID_PARTITIONS: Number of partitions must be larger than 0, got {partitions}")]
    InvalidPartitions {
        /// The partition count that was given.
        partitions: i64,
    },
    /// The partitioner name is neither `java` nor one of librdkafka's.
    #[error(
        "Invalid value \"{}\" for configuration property \"partitioner\": expected one of \
         java, random, consistent, consistent_random, murmur2, murmur2_random, fnv1a, fnv1a_random",
        crate::input::clip(name)
    )]
    UnknownPartitioner {
        /// The name that was given.
        name: String,
    },
    /// `sticky.partitioning.linger.ms` outside librdkafka's range `0..=900000`.
    #[error(
        "Invalid value \"{value}\" for configuration property \"sticky.partitioning.linger.ms\": \
         expected 0..900000"
    )]
    InvalidStickyLinger {
        /// The value that was given.
        value: Millis,
    },
    /// `linger.ms` is negative (Java `ConfigDef` range `atLeast(0)`).
    #[error("Invalid value {value} for configuration linger.ms: Value must be at least 0")]
    InvalidLinger {
        /// The value that was given.
        value: Millis,
    },
}

/// Checks a partition count and turns it into a `NonZeroU32`.
pub fn checked_partitions(num_partitions: u32) -> Result<NonZeroU32, PartitionError> {
    NonZeroU32::new(num_partitions).ok_or(PartitionError::InvalidPartitions { partitions: 0 })
}

/// A source of Java-style random `int`s (`ThreadLocalRandom.nextInt()`, or
/// librdkafka's `rand_r` via `rd_jitter`).
///
/// Kafka's tests replace the random source with a counter
/// (`BuiltInPartitioner.mockRandom = () -> mockRandom.getAndAdd(1)`);
/// [`SequentialRandom`] does the same here.
pub trait RandomSource {
    /// The next random `int` (any value, negative included).
    fn next_int(&mut self) -> i32;

    /// `Utils.toPositive(next_int()) % bound` for `bound ≥ 1`: how both the
    /// Java client and librdkafka's `rd_jitter(0, bound - 1)` pick a
    /// partition uniformly.
    fn next_index(&mut self, bound: NonZeroU32) -> u32 {
        (to_positive(self.next_int()) as u32) % bound.get()
    }
}

impl RandomSource for SimRng {
    fn next_int(&mut self) -> i32 {
        self.next_i32()
    }
}

/// A "random" source returning 0, 1, 2, … as Kafka's unit tests mock it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SequentialRandom {
    next: i32,
}

impl SequentialRandom {
    /// Starts at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// How many values were drawn so far (`mockRandom.get()` in the tests).
    pub fn draws(&self) -> i32 {
        self.next
    }
}

impl RandomSource for SequentialRandom {
    fn next_int(&mut self) -> i32 {
        let v = self.next;
        self.next = self.next.wrapping_add(1);
        v
    }
}

/// A partitioner by the name users configure it with.
///
/// `java` is the Java client's built-in partitioner; the others are
/// librdkafka's `partitioner` property values (`src/rdkafka_conf.c`), whose
/// default is `consistent_random`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionerKind {
    /// Java client: `toPositive(murmur2(key)) % n`.
    Java,
    /// librdkafka `random`: a random partition per keyed message.
    Random,
    /// librdkafka `consistent`: `crc32(key) % n` (NULL/empty key → partition 0).
    Consistent,
    /// librdkafka `consistent_random` (the default): CRC32, random for NULL/empty keys.
    ConsistentRandom,
    /// librdkafka `murmur2`: Java-compatible (NULL key hashed as empty).
    Murmur2,
    /// librdkafka `murmur2_random`: Java-compatible, random for NULL keys.
    Murmur2Random,
    /// librdkafka `fnv1a`: `rd_fnv1a(key) % n` (NULL key hashed as empty).
    Fnv1a,
    /// librdkafka `fnv1a_random`: FNV-1a, random for NULL keys.
    Fnv1aRandom,
}

impl PartitionerKind {
    /// Every partitioner, Java first, then librdkafka's in its documentation order.
    pub const ALL: [Self; 8] = [
        Self::Java,
        Self::Random,
        Self::Consistent,
        Self::ConsistentRandom,
        Self::Murmur2,
        Self::Murmur2Random,
        Self::Fnv1a,
        Self::Fnv1aRandom,
    ];

    /// The configuration name (`java`, `consistent_random`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::Java => "java",
            Self::Random => "random",
            Self::Consistent => "consistent",
            Self::ConsistentRandom => "consistent_random",
            Self::Murmur2 => "murmur2",
            Self::Murmur2Random => "murmur2_random",
            Self::Fnv1a => "fnv1a",
            Self::Fnv1aRandom => "fnv1a_random",
        }
    }

    /// Which client library this partitioner belongs to.
    pub fn client(self) -> &'static str {
        match self {
            Self::Java => "Java client",
            _ => "librdkafka",
        }
    }

    /// Whether this is one of librdkafka's partitioners.
    pub fn is_librdkafka(self) -> bool {
        self != Self::Java
    }

    /// The raw hash this partitioner computes for a **non-null** key, as a
    /// signed 32-bit integer, or `None` when the key's partition is chosen at
    /// random (`random` always; `consistent_random` for the empty key, which
    /// librdkafka treats like a null key).
    ///
    /// * `java`, `murmur2`, `murmur2_random`: Kafka's `Utils.murmur2` (before
    ///   `toPositive`).
    /// * `consistent`, `consistent_random`: `rd_crc32`, the `u32` reinterpreted as `i32`.
    /// * `fnv1a`, `fnv1a_random`: `rd_fnv1a` (after its `abs`), the `u32`
    ///   reinterpreted as `i32`.
    pub fn raw_hash(self, key: &[u8]) -> Option<i32> {
        match self {
            Self::Java | Self::Murmur2 | Self::Murmur2Random => Some(murmur2(key)),
            Self::Random => None,
            Self::ConsistentRandom if key.is_empty() => None,
            Self::Consistent | Self::ConsistentRandom => Some(crc32(key) as i32),
            Self::Fnv1a | Self::Fnv1aRandom => Some(rd_fnv1a(key) as i32),
        }
    }

    /// The partition of a **non-null** key when it is decided by the key's
    /// hash, or `None` when it is random (see [`raw_hash`](Self::raw_hash)).
    ///
    /// murmur2 partitioners mask the sign bit (`& 0x7fffffff`, Java's
    /// `toPositive`); CRC32 and FNV-1a take the unsigned hash modulo `n`.
    #[inline]
    pub fn partition_key(self, key: &[u8], num_partitions: NonZeroU32) -> Option<u32> {
        let n = num_partitions.get();
        match self {
            Self::Java | Self::Murmur2 | Self::Murmur2Random => {
                Some((to_positive(murmur2(key)) as u32) % n)
            }
            Self::Random => None,
            Self::ConsistentRandom if key.is_empty() => None,
            Self::Consistent | Self::ConsistentRandom => Some(crc32(key) % n),
            Self::Fnv1a | Self::Fnv1aRandom => Some(rd_fnv1a(key) % n),
        }
    }

    /// [`partition_key`](Self::partition_key) with a checked partition count.
    pub fn key_partition(
        self,
        key: &[u8],
        num_partitions: u32,
    ) -> Result<Option<u32>, PartitionError> {
        Ok(self.partition_key(key, checked_partitions(num_partitions)?))
    }
}

impl std::fmt::Display for PartitionerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for PartitionerKind {
    type Err = PartitionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| PartitionError::UnknownPartitioner { name: s.to_owned() })
    }
}

/// One row of "where does this key go, per client": the partition of a
/// non-null key under every partitioner (`None` = random).
pub fn key_partition_per_client(
    key: &[u8],
    num_partitions: NonZeroU32,
) -> [(PartitionerKind, Option<u32>); 8] {
    PartitionerKind::ALL.map(|k| (k, k.partition_key(key, num_partitions)))
}

/// Producer settings that decide where records without a key go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PartitionerConfig {
    /// Which Java client generation to model for null keys.
    pub java_null_key: java::JavaNullKeyMode,
    /// Java `batch.size` (default 16384); also KIP-794's sticky limit.
    pub batch_size: u32,
    /// Java `linger.ms` (0 up to 3.9, 5 from 4.0).
    pub linger_ms: Millis,
    /// librdkafka `sticky.partitioning.linger.ms` (default `2 × linger.ms` = 10).
    pub sticky_partitioning_linger_ms: Millis,
}

impl Default for PartitionerConfig {
    fn default() -> Self {
        Self {
            java_null_key: java::JavaNullKeyMode::UniformSticky,
            batch_size: java::DEFAULT_BATCH_SIZE,
            linger_ms: 0,
            sticky_partitioning_linger_ms: librdkafka::DEFAULT_STICKY_PARTITIONING_LINGER_MS,
        }
    }
}

/// A producer's partitioner with its null-key state: the Java client's or
/// librdkafka's, chosen by [`PartitionerKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientPartitioner {
    /// The Java client (murmur2 + one of the null-key generations).
    Java(java::JavaPartitioner),
    /// librdkafka with one of its partitioners.
    Librdkafka(librdkafka::LibrdkafkaPartitioner),
}

impl ClientPartitioner {
    /// A partitioner of `kind` configured by `config` (validated).
    pub fn new(kind: PartitionerKind, config: &PartitionerConfig) -> Result<Self, PartitionError> {
        Ok(match kind {
            PartitionerKind::Java => Self::Java(java::JavaPartitioner::new(
                config.java_null_key,
                config.batch_size,
                config.linger_ms,
            )?),
            _ => Self::Librdkafka(librdkafka::LibrdkafkaPartitioner::new(
                kind,
                config.sticky_partitioning_linger_ms,
            )?),
        })
    }

    /// The partitioner's name.
    pub fn kind(&self) -> PartitionerKind {
        match self {
            Self::Java(_) => PartitionerKind::Java,
            Self::Librdkafka(p) => p.kind(),
        }
    }

    /// The partition `record` goes to, among `num_partitions`, at `now`.
    /// Updates the null-key state (and, for Java, the accumulator model).
    pub fn partition<R: RandomSource>(
        &mut self,
        record: &RecordInput<'_>,
        num_partitions: u32,
        now: Millis,
        rng: &mut R,
    ) -> Result<u32, PartitionError> {
        match self {
            Self::Java(p) => p.partition(record, num_partitions, now, rng),
            Self::Librdkafka(p) => p.partition(record.key, num_partitions, now, rng),
        }
    }
}
