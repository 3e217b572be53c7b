//! The partitioners' published vectors (KAFKA.md §1.2, §2.2) compiled to wasm
//! and checked in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test wasm_partitioner`):
//! the browser computes exactly the partitions the real clients compute.
#![cfg(target_arch = "wasm32")]

use std::num::NonZeroU32;

use kplay_engine::partitioner::{
    crc32, java_partition_for_key, key_partition_per_client, murmur2, rd_fnv1a, PartitionerKind,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SHORT: &str = "1234";
const LONG: &str = "PreAmbleWillBeRemoved,ThePrePartThatIs";

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

#[wasm_bindgen_test]
fn kafka_utils_test_murmur2() {
    // clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java testMurmur2
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
        assert_eq!(murmur2(k), h);
    }
    // kafka-python test_murmur2_java_compatibility, 1000 partitions.
    for (k, p) in [
        (&b""[..], 681),
        (b"a", 524),
        (b"ab", 434),
        (b"abc", 107),
        (b"123456789", 566),
        (b"\x00 ", 742),
    ] {
        assert_eq!(java_partition_for_key(k, 1000), p);
    }
}

#[wasm_bindgen_test]
fn librdkafka_unittest_murmur2_and_fnv1a() {
    // src/rdmurmur2.c unittest_murmur2 and src/rdfnv1a.c unittest_fnv1a.
    let keys = [
        "kafka",
        "giberish123456789",
        SHORT,
        &SHORT[1..],
        &SHORT[2..],
        &SHORT[3..],
        LONG,
        &LONG[1..],
        &LONG[2..],
        &LONG[3..],
        "",
    ];
    let murmur: [u32; 11] = [
        0xd067_cf64,
        0x8f55_2b0c,
        0x9fc9_7b14,
        0xe7c0_09ca,
        0x8739_30da,
        0x5a4b_5ca1,
        0x7842_4f1c,
        0x4a62_b377,
        0xe0e4_e09e,
        0x62b8_b43f,
        0x106e_08d9,
    ];
    let fnv: [u32; 11] = [
        0x0d33_c4e1,
        0x77a5_8295,
        0x023b_dd03,
        0x2dea_3cd2,
        0x740f_a83e,
        0x310c_a263,
        0x65cb_d69c,
        0x6e49_c79a,
        0x69ee_d356,
        0x6abc_c023,
        0x7ee3_623b,
    ];
    for ((k, m), f) in keys.iter().zip(murmur).zip(fnv) {
        assert_eq!(murmur2(k.as_bytes()) as u32, m, "murmur2 {k:?}");
        assert_eq!(rd_fnv1a(k.as_bytes()), f, "fnv1a {k:?}");
    }
}

#[wasm_bindgen_test]
fn librdkafka_0048_partitioners_and_unsigned_crc32() {
    // tests/0048-partitioner.c do_test_partitioners, 17 partitions (keyed rows).
    let keys: [&[u8]; 3] = [
        b"23456",
        b"this is another string with more length to it perhaps",
        b"hejsan",
    ];
    let expect: [(PartitionerKind, [u32; 3]); 6] = [
        (
            PartitionerKind::Consistent,
            [0xb1b4_51d7, 0xb015_0df7, 0xd077_037e],
        ),
        (
            PartitionerKind::ConsistentRandom,
            [0xb1b4_51d7, 0xb015_0df7, 0xd077_037e],
        ),
        (
            PartitionerKind::Murmur2,
            [0x058d_780f, 0x4f77_03da, 0x5ec1_9395],
        ),
        (
            PartitionerKind::Murmur2Random,
            [0x058d_780f, 0x4f77_03da, 0x5ec1_9395],
        ),
        (
            PartitionerKind::Fnv1a,
            [0x27e6_f469, 0x155e_3e5f, 0x17b1_e27a],
        ),
        (
            PartitionerKind::Fnv1aRandom,
            [0x27e6_f469, 0x155e_3e5f, 0x17b1_e27a],
        ),
    ];
    for (kind, hashes) in expect {
        for (k, h) in keys.iter().zip(hashes) {
            assert_eq!(kind.partition_key(k, nz(17)), Some(h % 17), "{kind}");
        }
    }
    // Empty key: consistent → crc32("") = 0 → 0; consistent_random → random.
    assert_eq!(crc32(b""), 0);
    assert_eq!(
        PartitionerKind::ConsistentRandom.partition_key(b"", nz(17)),
        None
    );
    assert_eq!(
        PartitionerKind::Fnv1a.partition_key(b"", nz(17)),
        Some(0x7ee3_623b % 17)
    );
    // Sarama TestConsistentCRCHashPartitioner: unsigned CRC32 (SheetJS → 26, not 70).
    for (k, p) in [
        ("abc123def456", 57),
        ("SheetJS", 26),
        ("9e8c7f4cf45857cfff7645d6", 24),
        ("3900446192ff85a5f67da10c", 75),
        ("0f4407b7a67d6d27de372198", 50),
    ] {
        assert_eq!(
            PartitionerKind::Consistent.partition_key(k.as_bytes(), nz(100)),
            Some(p)
        );
    }
}

#[wasm_bindgen_test]
fn one_key_two_clients_in_the_browser() {
    // tulios/kafkajs#1154: TT0124 on 15 partitions.
    let row = key_partition_per_client(b"TT0124", nz(15));
    let get = |k: PartitionerKind| row.iter().find(|r| r.0 == k).and_then(|r| r.1);
    assert_eq!(get(PartitionerKind::Java), Some(10));
    assert_eq!(get(PartitionerKind::ConsistentRandom), Some(9));
    assert_eq!(get(PartitionerKind::Random), None);
}
