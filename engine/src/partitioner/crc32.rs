//! CRC-32 as librdkafka's `rd_crc32` computes it (`src/rdcrc32.h/.c`).
//!
//! This is the standard CRC-32/ISO-HDLC (zlib's `crc32`): polynomial
//! `0x04C11DB7` reflected (`0xEDB88320`), initial value `0xFFFFFFFF`, final
//! XOR `0xFFFFFFFF`, input and output reflected. librdkafka's `consistent`
//! and `consistent_random` partitioners treat the result as **unsigned**
//! before taking it modulo the partition count (Sarama's
//! `NewConsistentCRCHashPartitioner` does the same: `SheetJS` → 26 of 100,
//! where a signed modulo would give 70).
//!
//! The implementation is table driven, eight bytes per step ("slicing by 8"),
//! with tables built at compile time, so a 16-byte key costs two table rounds.

/// The eight 256-entry tables for slicing-by-8, built at compile time.
static TABLES: [[u32; 256]; 8] = make_tables();

const fn make_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut s = 1;
        while s < 8 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            s += 1;
        }
        i += 1;
    }
    t
}

#[inline]
fn t(table: usize, byte: u32) -> u32 {
    TABLES[table & 7][(byte & 0xff) as usize]
}

/// CRC-32 (ISO-HDLC / zlib) of `data`, as librdkafka's `rd_crc32(data, len)`.
///
/// The empty input (and librdkafka's NULL key, which it hashes as zero bytes)
/// gives `0`, so `consistent` sends a null or empty key to partition 0.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = t(7, lo)
            ^ t(6, lo >> 8)
            ^ t(5, lo >> 16)
            ^ t(4, lo >> 24)
            ^ t(3, hi)
            ^ t(2, hi >> 8)
            ^ t(1, hi >> 16)
            ^ t(0, hi >> 24);
    }
    for &b in chunks.remainder() {
        crc = t(0, crc ^ u32::from(b)) ^ (crc >> 8);
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bit-at-a-time reference, the textbook definition.
    fn crc32_bitwise(data: &[u8]) -> u32 {
        let mut c = !0u32;
        for &b in data {
            c ^= u32::from(b);
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
        }
        !c
    }

    #[test]
    fn check_value_of_the_crc_catalogue() {
        // CRC-32/ISO-HDLC "check" value (CRC RevEng catalogue).
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn librdkafka_0048_crc32_vectors() {
        // tests/0048-partitioner.c, `consistent` row.
        assert_eq!(crc32(b"23456"), 0xb1b4_51d7);
        assert_eq!(
            crc32(b"this is another string with more length to it perhaps"),
            0xb015_0df7
        );
        assert_eq!(crc32(b"hejsan"), 0xd077_037e);
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(256))]
        #[test]
        fn sliced_equals_bitwise(data in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            proptest::prop_assert_eq!(crc32(&data), crc32_bitwise(&data));
        }
    }
}
