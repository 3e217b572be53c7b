//! FNV-1a 32-bit, and librdkafka's variant of it (`src/rdfnv1a.c`).
//!
//! librdkafka's `rd_fnv1a` runs plain FNV-1a (offset basis `0x811C9DC5`,
//! prime `0x01000193`) over the key bytes, then reinterprets the hash as a
//! signed `int32` and takes its absolute value (`if (h < 0) h = -h;`) before
//! returning it as `uint32`. This matches Sarama's default
//! `NewHashPartitioner`, not its `NewReferenceHashPartitioner`. Note that
//! `-INT32_MIN` overflows back to `INT32_MIN`, so a hash of exactly
//! `0x80000000` stays `0x80000000` (wrapping negation models that exactly).

/// FNV-1a offset basis (32-bit).
pub const FNV1A_OFFSET_BASIS: u32 = 0x811C_9DC5;
/// FNV-1a prime (32-bit).
pub const FNV1A_PRIME: u32 = 0x0100_0193;

/// Plain 32-bit FNV-1a of `data`.
pub fn fnv1a32(data: &[u8]) -> u32 {
    let mut h = FNV1A_OFFSET_BASIS;
    for &b in data {
        h ^= u32::from(b);
        h = h.wrapping_mul(FNV1A_PRIME);
    }
    h
}

/// librdkafka's `rd_fnv1a(key, len)`: FNV-1a, then the absolute value of the
/// hash read as `int32` (wrapping, so `0x80000000` maps to itself).
pub fn rd_fnv1a(data: &[u8]) -> u32 {
    let h = fnv1a32(data) as i32;
    (if h < 0 { h.wrapping_neg() } else { h }) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn librdkafka_unittest_fnv1a_vectors() {
        // src/rdfnv1a.c unittest_fnv1a: same 12 keys as the murmur2 unit test.
        let short = "1234";
        let long = "PreAmbleWillBeRemoved,ThePrePartThatIs";
        let cases: [(&str, u32); 11] = [
            ("kafka", 0x0d33_c4e1),
            ("giberish123456789", 0x77a5_8295),
            (short, 0x023b_dd03),
            (&short[1..], 0x2dea_3cd2),
            (&short[2..], 0x740f_a83e),
            (&short[3..], 0x310c_a263),
            (long, 0x65cb_d69c),
            (&long[1..], 0x6e49_c79a),
            (&long[2..], 0x69ee_d356),
            (&long[3..], 0x6abc_c023),
            ("", 0x7ee3_623b),
        ];
        for (k, h) in cases {
            assert_eq!(rd_fnv1a(k.as_bytes()), h, "{k:?}");
        }
    }

    #[test]
    fn librdkafka_0048_fnv1a_vectors() {
        assert_eq!(rd_fnv1a(b"23456"), 0x27e6_f469);
        assert_eq!(
            rd_fnv1a(b"this is another string with more length to it perhaps"),
            0x155e_3e5f
        );
        assert_eq!(rd_fnv1a(b"hejsan"), 0x17b1_e27a);
    }

    #[test]
    fn abs_is_applied_to_negative_hashes_only() {
        // "hejsan": plain FNV-1a is 0xe84e1d86, negative as int32; librdkafka negates it.
        assert_eq!(fnv1a32(b"hejsan"), 0xe84e_1d86);
        assert_eq!(rd_fnv1a(b"hejsan"), 0x17b1_e27a);
        // "kafka" is positive and passes through unchanged.
        assert_eq!(fnv1a32(b"kafka"), rd_fnv1a(b"kafka"));
        // The empty key's plain hash is the offset basis, negative too.
        assert_eq!(fnv1a32(b""), FNV1A_OFFSET_BASIS);
    }
}
