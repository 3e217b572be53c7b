//! Emulation of the few Java behaviours Kafka's assignors depend on.
//!
//! * `String.compareTo` compares UTF-16 code units ([`str_cmp`]).
//! * `String.hashCode`, `TopicPartition.hashCode`, `Uuid.hashCode`.
//! * `java.util.HashMap`/`HashSet` iteration order ([`hash_order`]): entries are
//!   visited by bucket `(h ^ (h >>> 16)) & (capacity - 1)`, ascending, and in
//!   insertion order inside a bucket; capacity starts at 16 and doubles while
//!   `size > 0.75 · capacity`. (Resizing splits buckets preserving relative
//!   order, so the final order only depends on the final capacity.)
//!
//! The sticky assignors and the KIP-848 `uniform` assignor pick between equal
//! candidates in that order; KAFKA.md §3.3 ("Hash-order caveat").

use std::cmp::Ordering;

/// `java.lang.String.compareTo`: lexicographic over UTF-16 code units.
pub fn str_cmp(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// `java.lang.String.hashCode`: `s[0]·31^(n−1) + … + s[n−1]`, wrapping `int`.
pub fn string_hash(s: &str) -> i32 {
    s.encode_utf16()
        .fold(0i32, |h, u| h.wrapping_mul(31).wrapping_add(i32::from(u)))
}

/// `org.apache.kafka.common.TopicPartition.hashCode`:
/// `31 · (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(topic_hash: i32, partition: i32) -> i32 {
    31i32
        .wrapping_add(partition)
        .wrapping_mul(31)
        .wrapping_add(topic_hash)
}

/// `org.apache.kafka.common.Uuid.hashCode`: `h = msb ^ lsb; (int)(h >> 32) ^ (int) h`.
pub fn uuid_hash(id: &[u8; 16]) -> i32 {
    let mut msb = [0u8; 8];
    let mut lsb = [0u8; 8];
    msb.copy_from_slice(&id[..8]);
    lsb.copy_from_slice(&id[8..]);
    let h = u64::from_be_bytes(msb) ^ u64::from_be_bytes(lsb);
    ((h >> 32) as u32 ^ (h as u32)) as i32
}

/// `Integer.hashCode`: the value itself.
pub fn int_hash(v: i32) -> i32 {
    v
}

fn spread(h: i32) -> u32 {
    let h = h as u32;
    h ^ (h >> 16)
}

/// The capacity of a default `HashMap` holding `len` entries.
pub fn capacity_for(len: usize) -> usize {
    let mut cap = 16usize;
    while len * 4 > cap * 3 {
        cap *= 2;
    }
    cap
}

/// Iteration order of a `java.util.HashMap` into which keys with the given
/// hashes were inserted in slice order (keys assumed distinct): returns the
/// indices of `hashes` in iteration order.
pub fn hash_order(hashes: &[i32]) -> Vec<usize> {
    let mask = capacity_for(hashes.len()) - 1;
    let mut idx: Vec<(usize, usize)> = hashes
        .iter()
        .enumerate()
        .map(|(i, &h)| ((spread(h) as usize) & mask, i))
        .collect();
    crate::sort::sort(&mut idx);
    idx.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        // "hello".hashCode() == 99162322; "polygenelubricants".hashCode() == Integer.MIN_VALUE
        assert_eq!(string_hash("hello"), 99_162_322);
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
        assert_eq!(string_hash(""), 0);
    }

    #[test]
    fn utf16_order_differs_from_utf8_above_bmp() {
        // U+FF61 (one UTF-16 unit 0xFF61) vs U+1F600 (surrogates 0xD83D…): Java puts the emoji first.
        assert_eq!(str_cmp("\u{1F600}", "\u{FF61}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF61}"), Ordering::Greater);
    }

    #[test]
    fn hash_order_is_bucket_then_insertion() {
        // Java: new HashSet<>(List.of("version","brokers")) iterates [version, brokers]? computed by java_hash_order_ref.py
        let keys = ["topic3", "topic1", "topic2"];
        let h: Vec<i32> = keys.iter().map(|k| string_hash(k)).collect();
        let order: Vec<&str> = hash_order(&h).into_iter().map(|i| keys[i]).collect();
        assert_eq!(order, ["topic1", "topic2", "topic3"]); // buckets 2, 3, 4
    }
}
