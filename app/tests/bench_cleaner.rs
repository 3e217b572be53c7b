//! The log cleaner's throughput in the browser: one pass over a partition of
//! 1M records spread over 10k keys, the same workload as the native criterion
//! bench `engine/benches/cleaner.rs`. Run in headless Chromium with
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kplay-app --target
//! wasm32-unknown-unknown --release --test bench_cleaner -- --nocapture`.
//! The figure is printed (records/s); only correctness is asserted.
#![cfg(target_arch = "wasm32")]

use kplay_engine::cleaner::clean;
use kplay_engine::config::TopicConfig;
use kplay_engine::log::Log;
use kplay_engine::record::RecordInput;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORDS: u64 = 1_000_000;
const KEYS: u64 = 10_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn clean_1m_records_over_10k_keys() {
    let cfg =
        TopicConfig::from_overrides([("cleanup.policy", "compact"), ("segment.bytes", "16777216")])
            .expect("config");
    let value = [7u8; 100];
    let mut log = Log::new(cfg.log_config(), 0);
    for i in 0..RECORDS {
        let key = format!("key-{:05}", i % KEYS);
        log.append(RecordInput::new(Some(key.as_bytes()), Some(&value), 1), 1)
            .expect("append");
    }
    log.roll(1);
    log.advance_high_watermark(log.log_end_offset())
        .expect("hw");

    let t0 = now_ms();
    let r = clean(&mut log, &cfg, 2).expect("clean");
    let elapsed_ms = now_ms() - t0;

    assert_eq!(r.records_before, RECORDS);
    assert_eq!(r.records_after, KEYS);
    assert_eq!(r.keys_kept, KEYS as usize);
    // The survivors are exactly the last KEYS offsets (the latest value per key).
    let offsets: Vec<i64> = log.iter().map(|x| x.offset).collect();
    let first = (RECORDS - KEYS) as i64;
    assert_eq!(offsets, (first..RECORDS as i64).collect::<Vec<_>>());
    let rate = RECORDS as f64 / (elapsed_ms / 1000.0);
    console_log!(
        "cleaner in wasm: {RECORDS} records over {KEYS} keys in {elapsed_ms:.1} ms = {:.2} M records/s",
        rate / 1e6
    );
}
