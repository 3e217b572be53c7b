//! Log cleaner tests: LogCleanerTest scenarios (KAFKA.md §4.1, cross-checked
//! with `kafka-ref/compaction_ref.py`), eligibility rules, and a property test
//! against a reference model (latest value per key).
//!
//! The LogCleanerTest cases and eligibility rules run natively and, compiled
//! to wasm, in headless Chromium (`cargo test -p kplay-engine --target
//! wasm32-unknown-unknown --test cleaner`), so the cleaner behind the
//! Compaction page is proven to behave in the browser exactly as natively; the
//! proptest property is host-only.

#[cfg(not(target_arch = "wasm32"))]
use std::collections::HashMap;

use kplay_engine::cleaner::{
    self, assess, clean, clean_with, CleanError, CleanTrigger, CleanerConfig, CleanerEvent,
    ControlRecordType, LogCleaner, RemovalReason,
};
use kplay_engine::cluster::{Cluster, NewTopic};
use kplay_engine::config::TopicConfig;
use kplay_engine::log::{Log, LogConfig};
use kplay_engine::record::{batch_size_in_bytes, BatchAttributes, RecordInput};
use kplay_engine::table::{IsolationLevel, Table};
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const DRM: i64 = 86_400_000;
const LARGE: i64 = i64::MAX - DRM - 1;

fn compact() -> TopicConfig {
    TopicConfig::from_overrides([("cleanup.policy", "compact")]).unwrap()
}

fn new_log() -> Log {
    Log::new(LogConfig::default(), 0)
}

/// Appends one batch of keys (value = key text) and moves the HW to the LEO.
fn append(log: &mut Log, keys: &[i32], pid: i64, txn: bool) -> (i64, i64) {
    let texts: Vec<String> = keys.iter().map(i32::to_string).collect();
    let recs: Vec<RecordInput<'_>> = texts
        .iter()
        .map(|t| RecordInput::new(Some(t.as_bytes()), Some(t.as_bytes()), 1))
        .collect();
    let attrs = BatchAttributes {
        producer_id: pid,
        producer_epoch: if pid >= 0 { 0 } else { -1 },
        base_sequence: if pid >= 0 { 0 } else { -1 },
        is_transactional: txn,
        is_control: false,
    };
    let info = log.append_batch(&recs, attrs, 1).unwrap();
    log.advance_high_watermark(log.log_end_offset()).unwrap();
    (info.first_offset, info.last_offset)
}

fn append_kv(log: &mut Log, key: &str, value: Option<&str>, ts: i64) -> i64 {
    let off = log
        .append(
            RecordInput::new(Some(key.as_bytes()), value.map(str::as_bytes), ts),
            ts,
        )
        .unwrap();
    log.advance_high_watermark(log.log_end_offset()).unwrap();
    off
}

fn marker(log: &mut Log, pid: i64, kind: ControlRecordType) -> i64 {
    let key = kind.key();
    let value = ControlRecordType::end_txn_marker_value(0);
    let attrs = BatchAttributes {
        producer_id: pid,
        producer_epoch: 0,
        base_sequence: -1,
        is_transactional: true,
        is_control: true,
    };
    let info = log
        .append_batch(&[RecordInput::new(Some(&key), Some(&value), 1)], attrs, 1)
        .unwrap();
    log.advance_high_watermark(log.log_end_offset()).unwrap();
    info.first_offset
}

/// `LogTestUtils.keysInLog`: keys of records with key and value in non-control batches.
fn keys_in_log(log: &Log) -> Vec<i32> {
    log.iter()
        .filter(|r| !r.batch.attributes.is_control && r.key.is_some() && r.value.is_some())
        .map(|r| {
            std::str::from_utf8(r.key.unwrap())
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect()
}

/// `offsetsInLog`: offsets of records with key and value, control records included.
fn offsets_in_log(log: &Log) -> Vec<i64> {
    log.iter()
        .filter(|r| r.key.is_some() && r.value.is_some())
        .map(|r| r.offset)
        .collect()
}

fn last_offsets_per_batch(log: &Log) -> Vec<i64> {
    log.segments()
        .iter()
        .flat_map(|s| s.batches().iter().map(|b| b.last_offset))
        .collect()
}

/// A cleaner whose offset map holds exactly one key (LogCleanerTest's
/// `makeCleaner(capacity = 2)` with load factor 0.75 → 1 slot).
fn one_key_cleaner() -> CleanerConfig {
    CleanerConfig {
        dedupe_buffer_size: 48,
        io_buffer_load_factor: 0.75,
        ..CleanerConfig::default()
    }
}

#[test]
fn test_partial_segment_clean() {
    let mut log = new_log();
    for k in [0, 1, 0, 1, 0] {
        append(&mut log, &[k], -1, false);
    }
    log.roll(1);
    let cfg = compact();
    let cc = one_key_cleaner();
    assert_eq!(cc.max_offset_map_entries(), Ok(1));

    log.set_cleaner_checkpoint(Some(2));
    let r = clean_with(&mut log, &cfg, &cc, 0).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![1, 0, 1, 0], vec![1, 2, 3, 4])
    );
    assert!(r.offset_map_full);
    assert_eq!(r.end_offset, 3);
    assert_eq!(log.cleaner_checkpoint(), Some(3));

    let r = clean_with(&mut log, &cfg, &cc, 0).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![0, 1, 0], vec![2, 3, 4])
    );
    assert_eq!(r.end_offset, 4);

    let r = clean_with(&mut log, &cfg, &cc, 0).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![1, 0], vec![3, 4])
    );
    assert!(!r.offset_map_full);
    assert_eq!(r.end_offset, 5);
}

#[test]
fn test_log_cleaner_stats() {
    let mut log = new_log();
    for k in [0, 1, 0, 1, 0] {
        append(&mut log, &[k], -1, false);
    }
    log.roll(1);
    log.set_cleaner_checkpoint(Some(2));
    let r = clean(&mut log, &compact(), 0).unwrap();
    assert_eq!(r.end_offset, 5);
    assert_eq!(r.records_before, 5); // messagesRead
    assert_eq!(r.records_after, 2); // messagesWritten
    assert_eq!(r.keys_kept, 2);
    assert_eq!(offsets_in_log(&log), vec![3, 4]);
    let removed: Vec<(i64, RemovalReason)> =
        r.removed.iter().map(|x| (x.offset, x.reason)).collect();
    assert_eq!(
        removed,
        vec![
            (0, RemovalReason::Superseded),
            (1, RemovalReason::Superseded),
            (2, RemovalReason::Superseded)
        ]
    );
    assert!(r.bytes_after < r.bytes_before);
    assert_eq!(r.dirty_ratio_after, 0.0);
}

#[test]
fn test_log_to_clean_with_uncleanable_section() {
    // One record per segment: segment.bytes = one batch.
    let one = batch_size_in_bytes(&[RecordInput::new(Some(b"0"), Some(b"0"), 1)]) as i32;
    let mut log = Log::new(
        LogConfig {
            segment_bytes: one,
            ..LogConfig::default()
        },
        0,
    );
    for i in 0..8 {
        let k = i.to_string();
        log.append(
            RecordInput::new(Some(k.as_bytes()), Some(k.as_bytes()), 1),
            1,
        )
        .unwrap();
    }
    assert_eq!(log.segments().len(), 8);
    let segs: Vec<(i64, u64)> = log
        .segments()
        .iter()
        .map(|s| (s.base_offset(), s.size_in_bytes()))
        .collect();
    // firstDirty = seg2.base; the HW (hence LSO) at seg4.base makes seg4 uncleanable.
    log.set_cleaner_checkpoint(Some(segs[2].0));
    log.advance_high_watermark(segs[4].0).unwrap();
    let ltc = assess(&log, &compact(), 0);
    assert_eq!(ltc.first_dirty_offset, segs[2].0);
    assert_eq!(ltc.first_uncleanable_offset, segs[4].0);
    assert_eq!(ltc.clean_bytes, segs[0].1 + segs[1].1);
    assert_eq!(ltc.cleanable_bytes, segs[2].1 + segs[3].1);
    let expect = ltc.cleanable_bytes as f64 / (ltc.clean_bytes + ltc.cleanable_bytes) as f64;
    assert_eq!(ltc.cleanable_ratio, expect);
}

#[test]
fn uncleanable_offset_rounds_down_to_its_segment() {
    let mut log = new_log();
    for k in 0..5 {
        append(&mut log, &[k], -1, false);
    }
    log.roll(1);
    for k in 0..5 {
        append(&mut log, &[k], -1, false);
    }
    log.roll(1);
    append(&mut log, &[9], -1, false);
    // HW inside the second segment: only the first segment is cleanable.
    log.advance_high_watermark(7).unwrap();
    let ltc = assess(&log, &compact(), 0);
    assert_eq!(ltc.last_stable_offset, 7);
    assert_eq!(ltc.first_uncleanable_offset, 5);
    let r = clean(&mut log, &compact(), 0).unwrap();
    assert_eq!(r.end_offset, 5);
    assert_eq!(r.records_before, 5);
    assert_eq!(
        r.records_after, 5,
        "keys 0..4 are all distinct in the cleaned range"
    );
}

#[test]
fn test_cleaning_with_deletes() {
    let mut log = Log::new(
        LogConfig {
            segment_bytes: 1024,
            ..LogConfig::default()
        },
        0,
    );
    let mut n = 0;
    while log.segments().len() < 2 {
        append(&mut log, &[n], -1, false);
        n += 1;
    }
    let keys = keys_in_log(&log);
    assert!(keys.len() > 10);
    let deleted: Vec<i32> = keys.iter().copied().filter(|k| k % 2 == 0).collect();
    for k in &deleted {
        append_kv(&mut log, &k.to_string(), None, 1);
    }
    while log.segments().len() < 4 {
        append(&mut log, &[n], -1, false);
        n += 1;
    }
    let r = clean(&mut log, &compact(), 1).unwrap();
    let left = keys_in_log(&log);
    assert!(
        left.iter().all(|k| !deleted.contains(k)),
        "no deleted key remains"
    );
    assert!(keys
        .iter()
        .filter(|k| *k % 2 == 1)
        .all(|k| left.contains(k)));
    assert!(
        r.tombstones_kept >= deleted.len() - 1,
        "tombstones survive their first pass"
    );
}

#[test]
fn test_clean_tombstone_horizon_is_based_on_clean_time() {
    // A tombstone with an ancient record timestamp is still retained: the
    // delete horizon starts at the clean, not at the record's timestamp.
    let mut log = new_log();
    append_kv(&mut log, "0", Some("v"), 0);
    append_kv(&mut log, "0", None, 0);
    log.roll(1);
    let now = 10 * DRM;
    let r = clean(&mut log, &compact(), now).unwrap();
    assert_eq!(r.tombstones_kept, 1);
    assert_eq!(r.delete_horizons_set, 1);
    let b = log.segments()[0].batches().last().copied().unwrap();
    assert_eq!(b.delete_horizon_ms, Some(now + DRM));
    // New dirty data and a second pass before the horizon: still there.
    append_kv(&mut log, "1", Some("v"), now);
    log.roll(now);
    clean(&mut log, &compact(), now + DRM - 1).unwrap();
    assert_eq!(offsets_in_log(&log), vec![2]);
    assert_eq!(log.iter().map(|r| r.offset).collect::<Vec<_>>(), vec![1, 2]);
    // A pass at the horizon drops it.
    append_kv(&mut log, "2", Some("v"), now);
    log.roll(now);
    let r = clean(&mut log, &compact(), now + DRM).unwrap();
    assert_eq!(log.iter().map(|r| r.offset).collect::<Vec<_>>(), vec![2, 3]);
    assert_eq!(r.tombstones_removed, 1);
    assert!(r
        .removed
        .iter()
        .any(|x| x.offset == 1 && x.reason == RemovalReason::TombstoneExpired));
}

#[test]
fn tombstone_two_pass_lifecycle_matches_reference_model() {
    // compaction_ref.py own check: put k0, tombstone k0, put k1, roll; passes from the log start.
    let mut log = new_log();
    append_kv(&mut log, "0", Some("v"), 1);
    append_kv(&mut log, "0", None, 1);
    append_kv(&mut log, "1", Some("v"), 1);
    log.roll(1);
    let all = |log: &Log| log.iter().map(|r| r.offset).collect::<Vec<_>>();
    clean(&mut log, &compact(), 1000).unwrap();
    let recs: Vec<(i64, Option<Vec<u8>>)> = log
        .iter()
        .map(|r| (r.offset, r.value.map(<[u8]>::to_vec)))
        .collect();
    assert_eq!(recs, vec![(1, None), (2, Some(b"v".to_vec()))]);
    log.set_cleaner_checkpoint(None);
    clean(&mut log, &compact(), 1000 + DRM - 1).unwrap();
    assert_eq!(all(&log), vec![1, 2]);
    log.set_cleaner_checkpoint(None);
    clean(&mut log, &compact(), 1000 + DRM).unwrap();
    assert_eq!(all(&log), vec![2]);
    // Offsets never move: the gap stays, a fetch at 0 returns offset 2.
    assert_eq!(log.fetch(0, 10, u64::MAX).unwrap().records[0].offset, 2);
}

#[test]
fn quiet_partition_keeps_its_tombstones() {
    // No separate trigger for expired tombstones: without new dirty data the
    // partition is not cleaned again.
    let mut log = new_log();
    append_kv(&mut log, "a", None, 1);
    log.roll(1);
    append_kv(&mut log, "b", Some("v"), 1);
    clean(&mut log, &compact(), 5).unwrap();
    let ltc = assess(&log, &compact(), 5 + 10 * DRM);
    assert!(!ltc.is_eligible());
    assert_eq!(
        clean(&mut log, &compact(), 5 + 10 * DRM).unwrap_err(),
        CleanError::NothingToClean {
            first_dirty_offset: 1,
            first_uncleanable_offset: 1
        }
    );
    assert_eq!(log.iter().next().map(|r| r.offset), Some(0));
}

#[test]
fn unkeyed_records_are_dropped() {
    // LogCleanerTest.testCleaningWithUnkeyedMessages: a topic switched from delete to compact.
    let mut log = new_log();
    append_kv(&mut log, "k", Some("1"), 1);
    log.append(RecordInput::new(None, Some(b"x"), 1), 1)
        .unwrap();
    append_kv(&mut log, "k", Some("2"), 1);
    log.roll(1);
    let r = clean(&mut log, &compact(), 1).unwrap();
    let reasons: Vec<_> = r.removed.iter().map(|x| (x.offset, x.reason)).collect();
    assert_eq!(
        reasons,
        vec![(0, RemovalReason::Superseded), (1, RemovalReason::NoKey)]
    );
    assert_eq!(offsets_in_log(&log), vec![2]);
}

#[test]
fn test_basic_transaction_aware_cleaning() {
    let mut log = new_log();
    append(&mut log, &[1, 2], 1, true);
    append(&mut log, &[2, 3], 2, true);
    append(&mut log, &[3, 4], 1, true);
    marker(&mut log, 1, ControlRecordType::Abort);
    marker(&mut log, 2, ControlRecordType::Commit);
    append(&mut log, &[2], 1, true);
    marker(&mut log, 1, ControlRecordType::Commit);
    log.roll(1);
    let idx = cleaner::TransactionIndex::scan(&log);
    assert_eq!(idx.aborted.len(), 1);
    assert_eq!(
        (idx.aborted[0].first_offset, idx.aborted[0].last_offset),
        (0, 6)
    );
    let r = clean(&mut log, &compact(), 0).unwrap();
    assert_eq!(keys_in_log(&log), vec![3, 2]);
    assert_eq!(offsets_in_log(&log), vec![3, 6, 7, 8, 9]);
    let aborted: Vec<i64> = r
        .removed
        .iter()
        .filter(|x| x.reason == RemovalReason::AbortedTransaction)
        .map(|x| x.offset)
        .collect();
    assert_eq!(aborted, vec![0, 1, 4, 5]);
    // The aborted-transaction index is unchanged: the ABORT marker stays.
    let after = cleaner::TransactionIndex::scan(&log).aborted;
    assert_eq!((after.len(), after[0].last_offset), (1, 6));
}

#[test]
fn test_commit_marker_removal() {
    let mut log = new_log();
    let cfg = compact();
    append(&mut log, &[1], 1, true);
    append(&mut log, &[2, 3], 1, true);
    marker(&mut log, 1, ControlRecordType::Commit);
    append(&mut log, &[2], 1, true);
    marker(&mut log, 1, ControlRecordType::Commit);
    log.roll(1);
    clean(&mut log, &cfg, LARGE).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![1, 3, 2], vec![0, 2, 3, 4, 5])
    );
    append(&mut log, &[1, 3], 1, true);
    marker(&mut log, 1, ControlRecordType::Commit);
    log.roll(1);
    clean(&mut log, &cfg, LARGE).unwrap();
    // Marker 3 is kept: its transaction still had batches during this pass.
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![2, 1, 3], vec![3, 4, 5, 6, 7, 8])
    );
    log.set_cleaner_checkpoint(Some(0));
    let r = clean(&mut log, &cfg, LARGE).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![2, 1, 3], vec![3, 4, 5, 6, 7, 8])
    );
    assert!(
        r.delete_horizons_set >= 1,
        "the now-discardable marker gets a horizon"
    );
    log.set_cleaner_checkpoint(Some(0));
    let r = clean(&mut log, &cfg, i64::MAX).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![2, 1, 3], vec![4, 5, 6, 7, 8])
    );
    assert!(r
        .removed
        .iter()
        .any(|x| x.offset == 3 && x.reason == RemovalReason::TransactionMarkerExpired));
}

#[test]
fn test_duplicate_check_after_cleaning() {
    let mut log = new_log();
    append(&mut log, &[1, 2, 3], 1, false);
    append(&mut log, &[3, 1, 4], 2, false);
    append(&mut log, &[1, 4], 3, false);
    log.roll(1);
    let r = clean(&mut log, &compact(), 0).unwrap();
    // Each producer's last batch is kept (with its sequence numbers) even where emptied.
    assert_eq!(last_offsets_per_batch(&log), vec![2, 5, 7]);
    assert_eq!(keys_in_log(&log), vec![2, 3, 1, 4]);
    assert_eq!(offsets_in_log(&log), vec![1, 3, 6, 7]);
    assert_eq!(r.empty_batches_retained, 0);
    let batches: Vec<_> = log.segments()[0].batches().to_vec();
    assert_eq!(
        batches
            .iter()
            .map(|b| b.attributes.producer_id)
            .collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
}

#[test]
fn test_deleted_batches_with_no_messages_read() {
    let mut log = new_log();
    let cfg = compact();
    append(&mut log, &[1], 1, true);
    marker(&mut log, 1, ControlRecordType::Abort);
    append(&mut log, &[2], 1, true);
    append(&mut log, &[2], 1, true);
    marker(&mut log, 1, ControlRecordType::Commit);
    log.roll(1);
    clean(&mut log, &cfg, LARGE).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![2], vec![1, 3, 4])
    );
    // runTwoPassClean
    log.set_cleaner_checkpoint(Some(0));
    clean(&mut log, &cfg, LARGE).unwrap();
    log.set_cleaner_checkpoint(Some(0));
    clean(&mut log, &cfg, LARGE + DRM + 1).unwrap();
    assert_eq!(
        (keys_in_log(&log), offsets_in_log(&log)),
        (vec![2], vec![3, 4])
    );
}

#[test]
fn open_transaction_bounds_the_cleanable_range() {
    let mut log = new_log();
    append(&mut log, &[1], -1, false);
    append(&mut log, &[1], -1, false);
    log.roll(1);
    append(&mut log, &[7], 5, true); // open transaction at offset 2
    append(&mut log, &[1], -1, false);
    log.roll(1);
    append(&mut log, &[1], -1, false);
    let ltc = assess(&log, &compact(), 0);
    assert_eq!(ltc.last_stable_offset, 2);
    assert_eq!(ltc.first_uncleanable_offset, 2);
    marker(&mut log, 5, ControlRecordType::Commit);
    assert_eq!(assess(&log, &compact(), 0).first_uncleanable_offset, 4);
}

#[test]
fn dirty_ratio_must_exceed_min_cleanable_ratio() {
    let one = batch_size_in_bytes(&[RecordInput::new(Some(b"0"), Some(b"0"), 1)]) as i32;
    let mut log = Log::new(
        LogConfig {
            segment_bytes: one,
            ..LogConfig::default()
        },
        0,
    );
    for i in 0..5 {
        append(&mut log, &[i], -1, false);
    }
    log.set_cleaner_checkpoint(Some(2)); // clean 0..2, dirty 2..4, active 4
    let at = |ratio: &str| {
        let cfg = TopicConfig::from_overrides([
            ("cleanup.policy", "compact"),
            ("min.cleanable.dirty.ratio", ratio),
        ])
        .unwrap();
        assess(&log, &cfg, 0)
    };
    assert_eq!(at("0.5").cleanable_ratio, 0.5);
    assert_eq!(at("0.5").trigger, None, "0.5 is not > 0.5");
    assert_eq!(at("0.49").trigger, Some(CleanTrigger::DirtyRatio));
    let mut log2 = log.clone();
    let cfg = TopicConfig::from_overrides([("cleanup.policy", "compact")]).unwrap();
    assert_eq!(
        cleaner::clean_if_eligible(&mut log2, &cfg, &CleanerConfig::default(), 0),
        Ok(None)
    );
    assert_eq!(log2, log);
}

#[test]
fn max_compaction_lag_forces_cleaning_and_ignores_zero_timestamps() {
    let mut log = new_log();
    append_kv(&mut log, "a", Some("1"), 100);
    log.roll(100);
    append_kv(&mut log, "a", Some("2"), 200);
    log.set_cleaner_checkpoint(Some(0));
    let cfg = TopicConfig::from_overrides([
        ("cleanup.policy", "compact"),
        ("min.cleanable.dirty.ratio", "1.0"),
        ("max.compaction.lag.ms", "1000"),
    ])
    .unwrap();
    assert_eq!(
        assess(&log, &cfg, 1100).trigger,
        None,
        "100 < 1100-1000 is false"
    );
    let ltc = assess(&log, &cfg, 1101);
    assert_eq!(ltc.trigger, Some(CleanTrigger::MaxCompactionLag));
    assert_eq!(ltc.max_compaction_delay_ms, 1);
    // Kafka ignores first-batch timestamps <= 0 (maxCompactionDelay filters `_ > 0`).
    let mut zero = new_log();
    append_kv(&mut zero, "a", Some("1"), 0);
    zero.roll(0);
    append_kv(&mut zero, "a", Some("2"), 0);
    assert_eq!(assess(&zero, &cfg, 1_000_000).trigger, None);
}

#[test]
fn min_compaction_lag_holds_back_young_segments() {
    let mut log = new_log();
    append_kv(&mut log, "a", Some("1"), 100);
    log.roll(100);
    append_kv(&mut log, "a", Some("2"), 500);
    log.roll(500);
    append_kv(&mut log, "a", Some("3"), 900);
    let cfg = TopicConfig::from_overrides([
        ("cleanup.policy", "compact"),
        ("min.compaction.lag.ms", "300"),
    ])
    .unwrap();
    // At 700: segment 1 (largest ts 500) is younger than 700-300 → uncleanable from offset 1.
    assert_eq!(assess(&log, &cfg, 700).first_uncleanable_offset, 1);
    assert_eq!(assess(&log, &cfg, 801).first_uncleanable_offset, 2);
    let r = clean(&mut log, &cfg, 700).unwrap();
    assert_eq!(r.end_offset, 1);
    assert!(r.removed.is_empty());
}

#[test]
fn small_cleaned_segments_are_grouped_up_to_segment_bytes() {
    assert_eq!(
        cleaner::group_segments_by_size(&[5, 5, 5], 10),
        vec![0..2, 2..3]
    );
    assert_eq!(
        cleaner::group_segments_by_size(&[0, 12, 0], 10),
        vec![0..1, 1..2, 2..3]
    );
    let five = 5 * batch_size_in_bytes(&[RecordInput::new(Some(b"0"), Some(b"0"), 1)]) as i32;
    let cfg = TopicConfig::from_overrides([
        ("cleanup.policy", "compact"),
        ("segment.bytes", &five.to_string()),
    ])
    .unwrap();
    let mut log = Log::new(cfg.log_config(), 0);
    for _ in 0..4 {
        for _ in 0..5 {
            append(&mut log, &[0], -1, false);
        }
    }
    append(&mut log, &[1], -1, false);
    assert_eq!(log.segments().len(), 5);
    clean(&mut log, &cfg, 1).unwrap();
    // Pre-clean sizes are full, so the first pass keeps 4 groups (3 empty, 1 with key 0).
    assert_eq!(log.segments().len(), 5);
    append(&mut log, &[2], -1, false);
    log.roll(1);
    append(&mut log, &[3], -1, false);
    clean(&mut log, &cfg, 1).unwrap();
    // Now the small cleaned segments merge into one.
    let bases: Vec<i64> = log.segments().iter().map(|s| s.base_offset()).collect();
    assert_eq!(bases, vec![0, 22]);
    assert_eq!(offsets_in_log(&log), vec![19, 20, 21, 22]);
}

#[test]
fn cleaner_errors_read_like_kafka() {
    let mut log = new_log();
    append(&mut log, &[1], -1, false);
    log.roll(1);
    let e = clean(&mut log, &TopicConfig::default(), 0).unwrap_err();
    assert_eq!(
        e.to_string(),
        "The log cleaner only cleans compacted topics, but cleanup.policy=delete"
    );
    let tiny = CleanerConfig {
        dedupe_buffer_size: 24,
        io_buffer_load_factor: 1.0,
        ..CleanerConfig::default()
    };
    assert!(matches!(
        clean_with(&mut log, &compact(), &tiny, 0),
        Err(CleanError::OffsetMapTooSmall { slots: 1, .. })
    ));
    let bad = CleanerConfig {
        threads: 0,
        ..CleanerConfig::default()
    };
    assert_eq!(
        bad.validate().unwrap_err().to_string(),
        "Invalid value 0 for configuration log.cleaner.threads: Value must be at least 1"
    );
    // A batch with more keys than the map holds cannot make progress.
    let mut wide = new_log();
    append(&mut wide, &[1, 2, 3], -1, false);
    wide.roll(1);
    assert!(matches!(
        clean_with(&mut wide, &compact(), &one_key_cleaner(), 0),
        Err(CleanError::OffsetMapFullAtFirstBatch {
            max_entries: 1,
            first_dirty_offset: 0
        })
    ));
    assert_eq!(
        CleanerConfig::default().max_offset_map_entries(),
        Ok(5_033_164)
    );
}

#[test]
fn automatic_cleaner_picks_the_filthiest_partition_and_backs_off() {
    let mut cluster = Cluster::new(1, 1);
    cluster
        .create_topic(NewTopic {
            name: "users".into(),
            partitions: 2,
            replication_factor: 1,
            configs: vec![
                ("cleanup.policy".into(), "compact".into()),
                ("segment.bytes".into(), "300".into()),
            ],
        })
        .unwrap();
    let topic = cluster.topic_mut("users").unwrap();
    for i in 0..40 {
        let k = format!("k{}", i % 3);
        let v = i.to_string();
        topic
            .produce(
                0,
                RecordInput::new(Some(k.as_bytes()), Some(v.as_bytes()), 10),
                10,
            )
            .unwrap();
        if i % 4 == 0 {
            topic
                .produce(
                    1,
                    RecordInput::new(Some(k.as_bytes()), Some(v.as_bytes()), 10),
                    10,
                )
                .unwrap();
        }
    }
    let before = Table::from_topic(topic, IsolationLevel::ReadUncommitted).unwrap();
    let p0 = assess(topic.partition(0).unwrap().log(), topic.config(), 1000);
    let p1 = assess(topic.partition(1).unwrap().log(), topic.config(), 1000);
    assert!(p0.is_eligible() && p1.is_eligible());
    let mut lc = LogCleaner::new(CleanerConfig::default(), 1000).unwrap();
    let events = lc.poll([&mut *topic], 1000).unwrap();
    let cleaned: Vec<i32> = events
        .iter()
        .filter_map(|e| match e {
            CleanerEvent::Cleaned(r) => Some(r.partition),
            CleanerEvent::Retention { .. } => None,
        })
        .collect();
    // Highest ratio first; the other one on the same wake-up.
    let first = if p0.cleanable_ratio >= p1.cleanable_ratio {
        0
    } else {
        1
    };
    assert_eq!(cleaned, vec![first, 1 - first]);
    assert_eq!(lc.next_wakeup_ms(), 16_000);
    assert!(lc.poll([&mut *topic], 15_999).unwrap().is_empty());
    // Nothing is eligible any more.
    assert!(lc.poll([&mut *topic], 16_000).unwrap().is_empty());
    // The table a consumer rebuilds is the same before and after.
    let after = Table::from_topic(topic, IsolationLevel::ReadUncommitted).unwrap();
    let entries = |t: &Table| {
        t.iter()
            .map(|(k, e)| (k.to_vec(), e.value.clone(), e.offset))
            .collect::<Vec<_>>()
    };
    assert_eq!(entries(&after), entries(&before));
    assert_eq!(after.len(), 3);
    assert!(after.records_read < before.records_read);
}

// ------------------------------------------------------------------------------------------------
// Property test against a reference model
// ------------------------------------------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Clone)]
enum Op {
    Append(Vec<(u8, Option<u8>)>),
    Roll,
    Advance(i64),
    Clean,
}

#[cfg(not(target_arch = "wasm32"))]
fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => proptest::collection::vec((0u8..6, proptest::option::weighted(0.8, any::<u8>())), 1..4).prop_map(Op::Append),
        1 => Just(Op::Roll),
        2 => (0i64..150).prop_map(Op::Advance),
        2 => Just(Op::Clean),
    ]
}

#[cfg(not(target_arch = "wasm32"))]
type Owned = (i64, Option<Vec<u8>>, Option<Vec<u8>>);

#[cfg(not(target_arch = "wasm32"))]
fn snapshot(log: &Log) -> Vec<Owned> {
    log.iter()
        .map(|r| {
            (
                r.offset,
                r.key.map(<[u8]>::to_vec),
                r.value.map(<[u8]>::to_vec),
            )
        })
        .collect()
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn cleaning_keeps_the_latest_value_per_key(ops in proptest::collection::vec(op(), 1..60)) {
        let cfg = TopicConfig::from_overrides([
            ("cleanup.policy", "compact"),
            ("delete.retention.ms", "100"),
            ("segment.bytes", "250"),
        ]).unwrap();
        let mut log = Log::new(cfg.log_config(), 0);
        let mut now = 1i64;
        let mut history: Vec<Owned> = Vec::new();
        let mut reference: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
        for op in ops {
            match op {
                Op::Append(kvs) => {
                    let keys: Vec<[u8; 1]> = kvs.iter().map(|(k, _)| [*k]).collect();
                    let vals: Vec<Option<[u8; 1]>> = kvs.iter().map(|(_, v)| v.map(|v| [v])).collect();
                    let recs: Vec<RecordInput<'_>> = keys.iter().zip(&vals)
                        .map(|(k, v)| RecordInput::new(Some(k), v.as_ref().map(|v| &v[..]), now)).collect();
                    let info = log.append_batch(&recs, BatchAttributes::default(), now).unwrap();
                    log.advance_high_watermark(log.log_end_offset()).unwrap();
                    for (i, (k, v)) in keys.iter().zip(&vals).enumerate() {
                        history.push((info.first_offset + i as i64, Some(k.to_vec()), v.map(|v| v.to_vec())));
                        match v {
                            Some(v) => { reference.insert(k.to_vec(), v.to_vec()); }
                            None => { reference.remove(&k[..]); }
                        }
                    }
                }
                Op::Roll => log.roll(now),
                Op::Advance(d) => now += d,
                Op::Clean => {
                    let before = snapshot(&log);
                    let active_before: Vec<i64> = log.active_segment().records().map(|r| r.offset).collect();
                    let Ok(report) = clean(&mut log, &cfg, now) else { continue };
                    let after = snapshot(&log);
                    let e = report.end_offset;
                    // Offsets strictly increase and every kept record is unchanged.
                    prop_assert!(after.windows(2).all(|w| w[0].0 < w[1].0));
                    prop_assert!(after.iter().all(|r| before.contains(r)));
                    // Nothing at or past the end of the cleaned range changed (active segment included).
                    let tail = |v: &Vec<Owned>| v.iter().filter(|r| r.0 >= e).cloned().collect::<Vec<_>>();
                    prop_assert_eq!(tail(&before), tail(&after));
                    let active_after: Vec<i64> = log.active_segment().records().map(|r| r.offset).collect();
                    prop_assert_eq!(active_before, active_after);
                    // Per key, below the end: at most one record, and the latest value is there.
                    for k in 0u8..6 {
                        let key = Some(vec![k]);
                        let latest = history.iter().filter(|r| r.1 == key && r.0 < e).max_by_key(|r| r.0);
                        let present: Vec<&Owned> = after.iter().filter(|r| r.1 == key && r.0 < e).collect();
                        prop_assert!(present.len() <= 1);
                        if let Some(l) = latest {
                            if l.2.is_some() {
                                prop_assert_eq!(present, vec![l]);
                            } else if let Some(p) = present.first() {
                                prop_assert_eq!(*p, l); // a tombstone until it expires
                            }
                        }
                    }
                    // Removed = before − after, in the report.
                    let removed: Vec<i64> = report.removed.iter().map(|r| r.offset).collect();
                    let gone: Vec<i64> = before.iter().filter(|r| !after.contains(r)).map(|r| r.0).collect();
                    prop_assert_eq!(removed, gone);
                    // A consumer from the beginning rebuilds the same table.
                    let table = Table::from_log(0, &log, IsolationLevel::ReadUncommitted).unwrap();
                    let got: HashMap<Vec<u8>, Vec<u8>> = table.iter().map(|(k, v)| (k.to_vec(), v.value.clone())).collect();
                    prop_assert_eq!(&got, &reference);
                }
            }
        }
    }
}
