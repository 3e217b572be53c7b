//! LogCleanerTest cases (KAFKA.md §4.1, the same as `tests/cleaner.rs`) run in
//! headless Chromium (`cargo test -p kplay-engine --target wasm32-unknown-unknown
//! --test wasm_cleaner`), so the cleaner behind the Compaction page is proven to
//! behave in the browser exactly as natively.
#![cfg(target_arch = "wasm32")]

use kplay_engine::cleaner::{clean, clean_with, CleanerConfig, RemovalReason};
use kplay_engine::config::TopicConfig;
use kplay_engine::log::{Log, LogConfig};
use kplay_engine::record::RecordInput;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DRM: i64 = 86_400_000;

fn compact() -> TopicConfig {
    TopicConfig::from_overrides([("cleanup.policy", "compact")]).expect("config")
}

fn append_kv(log: &mut Log, key: &str, value: Option<&str>, ts: i64) {
    log.append(
        RecordInput::new(Some(key.as_bytes()), value.map(str::as_bytes), ts),
        ts,
    )
    .expect("append");
    log.advance_high_watermark(log.log_end_offset())
        .expect("hw");
}

/// `LogTestUtils.offsetsInLog`: offsets of records with a value.
fn offsets_in_log(log: &Log) -> Vec<i64> {
    log.iter()
        .filter(|r| r.value.is_some())
        .map(|r| r.offset)
        .collect()
}

fn keys_in_log(log: &Log) -> Vec<String> {
    log.iter()
        .filter(|r| r.value.is_some())
        .map(|r| String::from_utf8_lossy(r.key.unwrap_or_default()).into_owned())
        .collect()
}

/// `LogCleanerTest.testPartialSegmentClean`: an offset map holding one key
/// cleans one dirty offset per pass.
#[wasm_bindgen_test]
fn partial_segment_clean_in_the_browser() {
    let mut log = Log::new(LogConfig::default(), 0);
    for k in ["0", "1", "0", "1", "0"] {
        append_kv(&mut log, k, Some(k), 1);
    }
    log.roll(1);
    let one_key = CleanerConfig {
        dedupe_buffer_size: 48,
        io_buffer_load_factor: 0.75,
        ..CleanerConfig::default()
    };
    assert_eq!(one_key.max_offset_map_entries(), Ok(1));
    log.set_cleaner_checkpoint(Some(2));
    let r = clean_with(&mut log, &compact(), &one_key, 0).expect("pass 1");
    assert!(r.offset_map_full);
    assert_eq!(r.end_offset, 3);
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (
            vec!["1".into(), "0".into(), "1".into(), "0".into()],
            vec![1, 2, 3, 4]
        )
    );
    clean_with(&mut log, &compact(), &one_key, 0).expect("pass 2");
    assert_eq!(offsets_in_log(&log), vec![2, 3, 4]);
    let r = clean_with(&mut log, &compact(), &one_key, 0).expect("pass 3");
    assert!(!r.offset_map_full);
    assert_eq!(offsets_in_log(&log), vec![3, 4]);
}

/// `LogCleanerTest.testLogCleanerStats`: messages read/written and the removed offsets.
#[wasm_bindgen_test]
fn log_cleaner_stats_in_the_browser() {
    let mut log = Log::new(LogConfig::default(), 0);
    for k in ["0", "1", "0", "1", "0"] {
        append_kv(&mut log, k, Some(k), 1);
    }
    log.roll(1);
    log.set_cleaner_checkpoint(Some(2));
    let r = clean(&mut log, &compact(), 0).expect("clean");
    assert_eq!((r.records_before, r.records_after), (5, 2));
    assert_eq!(r.keys_kept, 2);
    assert_eq!(offsets_in_log(&log), vec![3, 4]);
    assert_eq!(
        r.removed.iter().map(|x| x.offset).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert!(r
        .removed
        .iter()
        .all(|x| x.reason == RemovalReason::Superseded));
}

/// `LogCleanerTest.testCleanTombstone…`: the delete horizon starts at the
/// clean (KIP-534), and a later pass at the horizon drops the tombstone.
#[wasm_bindgen_test]
fn tombstone_horizon_in_the_browser() {
    let mut log = Log::new(LogConfig::default(), 0);
    append_kv(&mut log, "0", Some("v"), 0);
    append_kv(&mut log, "0", None, 0);
    log.roll(1);
    let now = 10 * DRM;
    let r = clean(&mut log, &compact(), now).expect("clean");
    assert_eq!((r.tombstones_kept, r.delete_horizons_set), (1, 1));
    append_kv(&mut log, "1", Some("v"), now);
    log.roll(now);
    clean(&mut log, &compact(), now + DRM - 1).expect("before the horizon");
    assert_eq!(log.iter().map(|r| r.offset).collect::<Vec<_>>(), vec![1, 2]);
    append_kv(&mut log, "2", Some("v"), now);
    log.roll(now);
    let r = clean(&mut log, &compact(), now + DRM).expect("at the horizon");
    assert_eq!(log.iter().map(|r| r.offset).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(r.tombstones_removed, 1);
}
