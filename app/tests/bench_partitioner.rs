//! Key → partition speed in the browser (wasm): 1M 16-byte keys per
//! partitioner, timed with `performance.now()` and printed as ns/key.
//! Only correctness is asserted (speed is reported, never tested):
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kplay-app --target wasm32-unknown-unknown --release --test bench_partitioner -- --nocapture`
#![cfg(target_arch = "wasm32")]

use std::num::NonZeroU32;

use kplay_engine::partitioner::{murmur2, to_positive, PartitionerKind};
use kplay_engine::rng::SimRng;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const KEYS: usize = 1_000_000;
const KEY_LEN: usize = 16;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn partition_one_million_16_byte_keys() {
    let mut buf = vec![0u8; KEYS * KEY_LEN];
    SimRng::seeded(7).fill_bytes(&mut buf);
    let n = NonZeroU32::new(12).unwrap_or(NonZeroU32::MIN);
    // Published vector first: TT0124 on 15 partitions, Java 10 / librdkafka 9.
    let n15 = NonZeroU32::new(15).unwrap_or(NonZeroU32::MIN);
    assert_eq!(
        PartitionerKind::Java.partition_key(b"TT0124", n15),
        Some(10)
    );
    assert_eq!(
        PartitionerKind::ConsistentRandom.partition_key(b"TT0124", n15),
        Some(9)
    );
    for kind in [
        PartitionerKind::Java,
        PartitionerKind::Consistent,
        PartitionerKind::Fnv1a,
    ] {
        let mut counts = [0u64; 12];
        let t0 = now_ms();
        for key in buf.chunks_exact(KEY_LEN) {
            if let Some(p) = kind.partition_key(key, n) {
                if let Some(c) = counts.get_mut(p as usize) {
                    *c += 1;
                }
            }
        }
        let ms = now_ms() - t0;
        console_log!(
            "{kind}: {:.1} ns/key ({} keys of {} bytes in {:.1} ms)",
            ms * 1e6 / KEYS as f64,
            KEYS,
            KEY_LEN,
            ms
        );
        // Every key was placed, and roughly uniformly (random keys).
        assert_eq!(counts.iter().sum::<u64>(), KEYS as u64);
        let expected = KEYS as f64 / 12.0;
        for c in counts {
            assert!(
                (c as f64 - expected).abs() < 0.05 * expected,
                "{kind}: {counts:?}"
            );
        }
    }
    // The Java partitioner agrees with murmur2 as Kafka's Utils computes it.
    for key in buf.chunks_exact(KEY_LEN).take(1_000) {
        let expect = (to_positive(murmur2(key)) as u32) % 12;
        assert_eq!(PartitionerKind::Java.partition_key(key, n), Some(expect));
    }
}
