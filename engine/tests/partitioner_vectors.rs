//! Every published hash/partition vector from KAFKA.md §1.2 and §2.2
//! (cross-checked with kafka-ref/verify_hashes.py), plus property tests.
//!
//! The vectors run natively and, compiled to wasm, in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test
//! partitioner_vectors`): the browser computes exactly the partitions the real
//! clients compute. The proptest property is host-only.

use std::num::NonZeroU32;

use kplay_engine::partitioner::{
    crc32, java_partition_for_key, key_partition_per_client, murmur2, rd_fnv1a, to_positive,
    ClientPartitioner, PartitionError, PartitionerConfig, PartitionerKind,
};
use kplay_engine::record::RecordInput;
use kplay_engine::rng::SimRng;
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn nz(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}

#[test]
fn kafka_utils_test_murmur2() {
    // clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java testMurmur2.
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
        assert_eq!(murmur2(k), h, "{k:?}");
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
        assert_eq!(java_partition_for_key(k, 1000), p, "{k:?}");
    }
}

#[test]
fn librdkafka_unittest_murmur2_and_fnv1a() {
    // src/rdmurmur2.c unittest_murmur2 and src/rdfnv1a.c unittest_fnv1a
    // (unsigned hex of the hash).
    let short = "1234";
    let long = "PreAmbleWillBeRemoved,ThePrePartThatIs";
    let cases: [(&str, u32, u32); 11] = [
        ("kafka", 0xd067_cf64, 0x0d33_c4e1),
        ("giberish123456789", 0x8f55_2b0c, 0x77a5_8295),
        (short, 0x9fc9_7b14, 0x023b_dd03),
        (&short[1..], 0xe7c0_09ca, 0x2dea_3cd2),
        (&short[2..], 0x8739_30da, 0x740f_a83e),
        (&short[3..], 0x5a4b_5ca1, 0x310c_a263),
        (long, 0x7842_4f1c, 0x65cb_d69c),
        (&long[1..], 0x4a62_b377, 0x6e49_c79a),
        (&long[2..], 0xe0e4_e09e, 0x69ee_d356),
        (&long[3..], 0x62b8_b43f, 0x6abc_c023),
        ("", 0x106e_08d9, 0x7ee3_623b),
    ];
    for (k, m, f) in cases {
        assert_eq!(murmur2(k.as_bytes()) as u32, m, "murmur2 {k:?}");
        assert_eq!(rd_fnv1a(k.as_bytes()), f, "fnv1a {k:?}");
    }
}

#[test]
fn librdkafka_0048_partitioners() {
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
}

#[test]
fn kafkajs_java_compatible_murmur2() {
    let cases: [(&str, i32); 17] = [
        ("0", 971_027_396),
        ("1", -1_993_445_489),
        ("128", -326_012_175),
        ("2187", -1_508_407_203),
        ("16384", -325_739_742),
        ("78125", -1_654_490_814),
        ("279936", 1_462_227_128),
        ("823543", -2_014_198_330),
        ("2097152", 607_668_903),
        ("4782969", -1_182_699_775),
        ("10000000", -1_830_336_757),
        ("19487171", -1_603_849_305),
        ("35831808", -857_013_643),
        ("62748517", -1_167_431_028),
        ("105413504", -381_294_639),
        ("170859375", -1_658_323_481),
        ("100:48069", 1_009_543_857),
    ];
    for (k, h) in cases {
        assert_eq!(murmur2(k.as_bytes()), h, "{k:?}");
        assert_eq!(PartitionerKind::Java.raw_hash(k.as_bytes()), Some(h));
    }
}

#[test]
fn sarama_murmur2_and_partitions_of_100() {
    let hashes: [(&str, u32); 6] = [
        ("foo", 597_841_616),
        ("bar", 988_958_145),
        ("baz", 1_973_573_280),
        ("", 275_646_681),
        ("kafka", 3_496_464_228),
        ("sarama", 770_765_511),
    ];
    for (k, h) in hashes {
        assert_eq!(murmur2(k.as_bytes()) as u32, h, "{k:?}");
    }
    for (k, p) in [
        ("foo", 16),
        ("bar", 45),
        ("baz", 80),
        ("kafka", 80),
        ("sarama", 11),
    ] {
        assert_eq!(java_partition_for_key(k.as_bytes(), 100), p, "{k:?}");
        assert_eq!(
            PartitionerKind::Murmur2Random.partition_key(k.as_bytes(), nz(100)),
            Some(p)
        );
    }
}

#[test]
fn sarama_consistent_crc_is_unsigned() {
    // TestConsistentCRCHashPartitioner, 100 partitions (= librdkafka consistent).
    let cases = [
        ("abc123def456", 57),
        ("SheetJS", 26), // a signed modulo would give 70
        ("9e8c7f4cf45857cfff7645d6", 24),
        ("3900446192ff85a5f67da10c", 75),
        ("0f4407b7a67d6d27de372198", 50),
    ];
    for (k, p) in cases {
        assert_eq!(
            PartitionerKind::Consistent.partition_key(k.as_bytes(), nz(100)),
            Some(p),
            "{k:?}"
        );
        assert_eq!(
            PartitionerKind::ConsistentRandom.partition_key(k.as_bytes(), nz(100)),
            Some(p)
        );
    }
    assert_eq!((crc32(b"SheetJS") as i32) % 100, -70);
}

#[test]
fn kafka_md_sample_table() {
    // key, murmur2, Java p@3/6/12, crc32, librdkafka default p@3/6/12, rd_fnv1a
    type Row = (&'static str, i32, [u32; 3], u32, [u32; 3], u32);
    let rows: [Row; 5] = [
        (
            "key-0",
            29_210_041,
            [1, 1, 1],
            2_045_480_940,
            [0, 0, 0],
            1_491_088_857,
        ),
        (
            "key-1",
            193_331_640,
            [0, 0, 0],
            250_396_538,
            [2, 2, 2],
            1_474_311_238,
        ),
        (
            "user-42",
            1_459_644_460,
            [1, 4, 4],
            2_097_592_435,
            [1, 1, 7],
            39_875_499,
        ),
        (
            "hello",
            2_132_663_229,
            [0, 3, 9],
            907_060_870,
            [1, 4, 10],
            1_335_831_723,
        ),
        (
            "order-1001",
            297_523_878,
            [0, 0, 6],
            230_890_041,
            [0, 3, 9],
            1_854_980_724,
        ),
    ];
    for (k, m, jp, c, rp, f) in rows {
        let key = k.as_bytes();
        assert_eq!(murmur2(key), m, "{k}");
        assert_eq!(crc32(key), c, "{k}");
        assert_eq!(rd_fnv1a(key), f, "{k}");
        for (i, n) in [3, 6, 12].into_iter().enumerate() {
            assert_eq!(
                PartitionerKind::Java.partition_key(key, nz(n)),
                Some(jp[i]),
                "{k}@{n}"
            );
            assert_eq!(
                PartitionerKind::ConsistentRandom.partition_key(key, nz(n)),
                Some(rp[i]),
                "{k}@{n}"
            );
        }
    }
}

#[test]
fn same_key_different_client_different_partition() {
    // tulios/kafkajs#1154: TT0124 on 15 partitions.
    let row = key_partition_per_client(b"TT0124", nz(15));
    let get = |k: PartitionerKind| row.iter().find(|r| r.0 == k).and_then(|r| r.1);
    assert_eq!(get(PartitionerKind::Java), Some(10));
    assert_eq!(get(PartitionerKind::ConsistentRandom), Some(9));
    assert_eq!(get(PartitionerKind::Murmur2Random), Some(10));
    assert_eq!(get(PartitionerKind::Random), None);
    // confluent-kafka-python#1481, 50 partitions.
    let k = br#"Struct{documentKey={"_id": "638d1b94ce8def06be68b439"}}"#;
    assert_eq!(PartitionerKind::Java.partition_key(k, nz(50)), Some(40));
    assert_eq!(
        PartitionerKind::ConsistentRandom.partition_key(k, nz(50)),
        Some(36)
    );
}

#[test]
fn raw_hash_conventions() {
    // CRC32/FNV: the u32 reinterpreted as i32; murmur2: Utils.murmur2 itself.
    assert_eq!(
        PartitionerKind::Consistent.raw_hash(b"23456"),
        Some(0xb1b4_51d7_u32 as i32)
    );
    assert_eq!(PartitionerKind::Fnv1a.raw_hash(b""), Some(0x7ee3_623b));
    assert_eq!(
        PartitionerKind::Murmur2.raw_hash(b"23456"),
        Some(0x858d_780f_u32 as i32)
    );
    assert_eq!(to_positive(0x858d_780f_u32 as i32), 0x058d_780f);
    assert_eq!(PartitionerKind::Random.raw_hash(b"x"), None);
    assert_eq!(PartitionerKind::ConsistentRandom.raw_hash(b""), None);
    assert_eq!(
        PartitionerKind::Murmur2Random.raw_hash(b""),
        Some(0x106e_08d9)
    );
}

#[test]
fn names_parse_and_unknown_is_an_error() {
    for k in PartitionerKind::ALL {
        assert_eq!(k.name().parse::<PartitionerKind>(), Ok(k));
    }
    assert_eq!(
        "crc32".parse::<PartitionerKind>(),
        Err(PartitionError::UnknownPartitioner {
            name: "crc32".into()
        })
    );
    assert_eq!(
        PartitionerKind::Java.key_partition(b"k", 0),
        Err(PartitionError::InvalidPartitions { partitions: 0 })
    );
}

#[test]
fn java_vs_librdkafka_empty_key() {
    // Java hashes an empty key (kafka-python: b'' → 681 of 1000);
    // librdkafka's default treats it like a null key (sticky random).
    let cfg = PartitionerConfig::default();
    let mut java = ClientPartitioner::new(PartitionerKind::Java, &cfg).unwrap();
    let mut rng = SimRng::seeded(1);
    let empty = RecordInput::new(Some(b""), Some(b"v"), 0);
    for t in 0..50 {
        assert_eq!(java.partition(&empty, 1000, t, &mut rng).unwrap(), 681);
    }
    let mut rd = ClientPartitioner::new(PartitionerKind::ConsistentRandom, &cfg).unwrap();
    let seen: std::collections::BTreeSet<u32> = (0..50)
        .map(|t| rd.partition(&empty, 1000, t * 11, &mut rng).unwrap())
        .collect();
    assert!(seen.len() > 1, "{seen:?}");
}

const HASH_KINDS: [PartitionerKind; 4] = [
    PartitionerKind::Java,
    PartitionerKind::Consistent,
    PartitionerKind::Murmur2,
    PartitionerKind::Fnv1a,
];

#[test]
fn hundred_thousand_random_keys_are_near_uniform() {
    let mut rng = SimRng::seeded(2024);
    let n = 12u32;
    let mut counts = [[0u32; 12]; 4];
    let mut key = [0u8; 16];
    for _ in 0..100_000 {
        rng.fill_bytes(&mut key);
        for (i, k) in HASH_KINDS.iter().enumerate() {
            let p = k.partition_key(&key, nz(n)).unwrap();
            counts[i][p as usize] += 1;
        }
    }
    let expected = 100_000.0 / f64::from(n);
    for (i, c) in counts.iter().enumerate() {
        for &x in c {
            let dev = (f64::from(x) - expected).abs() / expected;
            assert!(dev < 0.04, "{:?}: {c:?}", HASH_KINDS[i]);
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn partition_in_range_and_stable(
        key in proptest::collection::vec(any::<u8>(), 0..40),
        n in 1u32..500,
        seed in any::<u64>(),
    ) {
        for kind in PartitionerKind::ALL {
            let a = kind.partition_key(&key, nz(n));
            prop_assert_eq!(a, kind.partition_key(&key, nz(n)));
            if let Some(p) = a { prop_assert!(p < n); }
            prop_assert_eq!(a.is_some(), kind.raw_hash(&key).is_some());
            // The stateful partitioners agree with the pure function for keyed
            // records and always stay in range.
            let mut cp = ClientPartitioner::new(kind, &PartitionerConfig::default()).unwrap();
            let mut rng = SimRng::seeded(seed);
            for t in 0..3 {
                let rec = RecordInput::new(Some(&key), None, t);
                let p = cp.partition(&rec, n, t, &mut rng).unwrap();
                prop_assert!(p < n);
                if let Some(h) = a { prop_assert_eq!(p, h); }
                let null = RecordInput::new(None, Some(&key), t);
                prop_assert!(cp.partition(&null, n, t, &mut rng).unwrap() < n);
            }
        }
    }
}
