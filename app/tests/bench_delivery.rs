//! Delivery throughput in the browser: 1M records through produce → poll →
//! process → sink → commit with lag sampling, compiled to wasm and run in
//! headless Chromium, timed with `performance.now()` (the configuration of
//! the engine's criterion bench `engine/benches/delivery.rs`, plus one crash
//! and denser lag sampling, so the figures roughly compare). Asserts correctness only (the ledger balances,
//! the lag history stays bounded); the speed is printed, not asserted.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kplay-app --target wasm32-unknown-unknown --release --test bench_delivery -- --nocapture`
#![cfg(target_arch = "wasm32")]

use kplay_engine::offsets::committed::CommitStrategy;
use kplay_engine::offsets::delivery::{CrashAt, CrashStep, DeliveryConfig, DeliverySim, SinkMode};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const N: u64 = 1_000_000;

#[wasm_bindgen_test]
fn delivery_1m_records_in_the_browser() {
    let Some(perf) = web_sys::window().and_then(|w| w.performance()) else {
        panic!("no window.performance in the test page");
    };
    let cfg = DeliveryConfig {
        partitions: 6,
        records: N,
        keys: 10_000,
        produce_per_sec: 20_000.0,
        consume_per_sec: 25_000.0,
        strategy: CommitStrategy::ManualSync,
        sink: SinkMode::UpsertByKey,
        // Sampled every 10 simulated ms (the native bench: every 1 s) so the
        // ~5,000 samples of the 49 s run must be downsampled into 256 buckets.
        lag_sample_interval_ms: 10,
        lag_history_capacity: 256,
        // One crash before a commit, so the ledger has duplicates to balance.
        crashes: vec![CrashAt {
            batch: 1_000,
            step: CrashStep::BeforeCommit,
        }],
        ..DeliveryConfig::default()
    };
    let t0 = perf.now();
    let mut sim = DeliverySim::new(cfg).expect("valid config");
    let report = sim.run().expect("runs");
    let ms = perf.now() - t0;
    console_log!(
        "delivery wasm: {N} records in {ms:.0} ms = {:.0} records/s; simulated {} s, {} batches, {} lag samples in {} buckets",
        N as f64 / (ms / 1_000.0),
        report.end_ms / 1_000,
        report.batches,
        sim.lag_history().sample_count(),
        sim.lag_history().buckets().len()
    );
    let l = report.ledger;
    assert_eq!(l.produced, N);
    assert_eq!(l.pending, 0);
    assert!(l.balances(), "{l:?}");
    assert_eq!(l.processed_once + l.duplicated + l.lost, N);
    assert!(
        l.duplicated > 0,
        "the crash before the commit replays a batch"
    );
    assert_eq!(l.lost, 0, "commit after processing never loses");
    assert_eq!(
        report.sink.duplicate_effects, 0,
        "upsert absorbs duplicates"
    );
    assert!(sim.lag_history().buckets().len() <= 256);
    assert!(sim.lag_history().sample_count() > 4 * 256);
}
