//! Key → partition, as the Java client does it.
//!
//! `BuiltInPartitioner.partitionForKey`
//! (`clients/src/main/java/org/apache/kafka/clients/producer/internals/BuiltInPartitioner.java`):
//! `Utils.toPositive(Utils.murmur2(serializedKey)) % numPartitions`.

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
/// `num_partitions` must be at least 1; 0 returns partition 0.
pub fn java_partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    if num_partitions == 0 {
        return 0;
    }
    (to_positive(murmur2(key)) as u32) % num_partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_utils_test_murmur2_vectors() {
        // UtilsTest.testMurmur2
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58_897_971,
            ),
            (b"abc", 479_470_107),
        ];
        for (k, h) in cases {
            assert_eq!(murmur2(k), h, "{:?}", std::str::from_utf8(k));
        }
    }

    #[test]
    fn kafka_python_partitions_with_1000() {
        // kafka-python test_murmur2_java_compatibility
        let cases: [(&[u8], u32); 6] = [
            (b"", 681),
            (b"a", 524),
            (b"ab", 434),
            (b"abc", 107),
            (b"123456789", 566),
            (b"\x00 ", 742),
        ];
        for (k, p) in cases {
            assert_eq!(java_partition_for_key(k, 1000), p);
        }
    }
}
