//! Retention tests: UnifiedLogTest cases (KAFKA.md §5) and properties.
//!
//! The example tests run natively and, compiled to wasm, in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test retention`);
//! the proptest property is host-only.

use kplay_engine::cluster::{Cluster, NewTopic};
use kplay_engine::config::TopicConfig;
use kplay_engine::log::Log;
use kplay_engine::record::{batch_size_in_bytes, RecordInput};
use kplay_engine::retention::{delete_old_segments, DeletionReason, RetentionScheduler};
use kplay_engine::table::{IsolationLevel, Table};
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn rec(ts: i64) -> RecordInput<'static> {
    RecordInput::new(None, Some(b"test"), ts)
}

fn batch() -> i64 {
    i64::from(batch_size_in_bytes(&[rec(10)]))
}

fn config(overrides: &[(&str, String)]) -> TopicConfig {
    TopicConfig::from_overrides(overrides.iter().map(|(k, v)| (*k, v.as_str()))).unwrap()
}

/// 15 single-record appends with `segment.bytes` = 5 records → segments 0–4, 5–9, 10–14.
fn fifteen(cfg: &TopicConfig, ts: i64) -> Log {
    let mut log = Log::new(cfg.log_config(), 0);
    for _ in 0..15 {
        log.append(rec(ts), ts).unwrap();
    }
    log.advance_high_watermark(log.log_end_offset()).unwrap();
    assert_eq!(log.segments().len(), 3);
    log
}

#[test]
fn should_delete_size_based_segments() {
    let cfg = config(&[
        ("segment.bytes", (5 * batch()).to_string()),
        ("retention.bytes", (10 * batch()).to_string()),
    ]);
    let mut log = fifteen(&cfg, 10);
    let r = delete_old_segments(&mut log, &cfg, 20);
    assert_eq!(log.segments().len(), 2);
    assert_eq!(log.log_start_offset(), 5);
    assert_eq!(r.deleted.len(), 1);
    assert_eq!(
        r.deleted[0].reason,
        DeletionReason::RetentionSizeBreach {
            retention_bytes: 10 * batch(),
            log_size_bytes: 15 * batch() as u64
        }
    );
    assert_eq!(
        (r.log_start_offset_before, r.log_start_offset_after),
        (0, 5)
    );
    assert_eq!(r.records_deleted(), 5);
}

#[test]
fn should_not_delete_size_based_segments_when_under_retention_size() {
    let cfg = config(&[
        ("segment.bytes", (5 * batch()).to_string()),
        ("retention.bytes", (15 * batch()).to_string()),
    ]);
    let mut log = fifteen(&cfg, 10);
    let r = delete_old_segments(&mut log, &cfg, 20);
    assert_eq!(log.segments().len(), 3);
    assert!(r.deleted.is_empty());
}

#[test]
fn should_delete_time_based_segments_ready_to_be_deleted() {
    for policy in ["delete", "compact,delete"] {
        let cfg = config(&[
            ("segment.bytes", (5 * batch()).to_string()),
            ("retention.ms", "10000".into()),
            ("cleanup.policy", policy.into()),
        ]);
        let mut log = fifteen(&cfg, 10);
        // Strictly greater than retention.ms: at exactly 10 + 10000 nothing goes.
        assert!(delete_old_segments(&mut log, &cfg, 10_010)
            .deleted
            .is_empty());
        let r = delete_old_segments(&mut log, &cfg, 10_011);
        assert_eq!(log.segments().len(), 1, "{policy}");
        assert!(log.active_segment().is_empty());
        assert_eq!(log.log_start_offset(), 15);
        assert_eq!(log.log_end_offset(), 15);
        assert!(r.rolled_new_active_segment);
        assert_eq!(r.deleted.len(), 3);
        assert!(matches!(
            r.deleted[2].reason,
            DeletionReason::RetentionMsBreach {
                retention_ms: 10_000,
                largest_timestamp: 10
            }
        ));
    }
}

#[test]
fn should_delete_start_offset_breached_segments_when_policy_does_not_include_delete() {
    let cfg = config(&[
        ("segment.bytes", (5 * batch()).to_string()),
        ("retention.ms", "10000".into()),
        ("cleanup.policy", "compact".into()),
    ]);
    let mut log = Log::new(cfg.log_config(), 0);
    for _ in 0..15 {
        log.append(rec(10), 10).unwrap();
    }
    log.advance_high_watermark(15).unwrap();
    log.delete_records_before(5, 20).unwrap();
    delete_old_segments(&mut log, &cfg, 1_000_000);
    // Time retention does not apply to a compact-only topic.
    assert_eq!(log.segments().len(), 2);
    assert!(log.segments()[0].base_offset() <= 5);
    assert_eq!(log.log_start_offset(), 5);
    // A log start inside a segment keeps that segment.
    log.delete_records_before(7, 30).unwrap();
    delete_old_segments(&mut log, &cfg, 1_000_000);
    assert_eq!(log.segments()[0].base_offset(), 5);
    assert_eq!(log.log_start_offset(), 7);
}

#[test]
fn test_delete_old_segments_respects_the_high_watermark() {
    let cfg = config(&[
        ("segment.bytes", (5 * batch()).to_string()),
        ("retention.ms", "100".into()),
    ]);
    let mut log = Log::new(cfg.log_config(), 0);
    for _ in 0..15 {
        log.append(rec(10), 10).unwrap();
    }
    // No HW: nothing may go, however old.
    assert!(delete_old_segments(&mut log, &cfg, 1_000_000)
        .deleted
        .is_empty());
    // HW inside the second segment: only the first goes.
    log.advance_high_watermark(7).unwrap();
    let r = delete_old_segments(&mut log, &cfg, 1_000_000);
    assert_eq!(r.deleted.len(), 1);
    assert_eq!(log.log_start_offset(), 5);
    // HW at a segment boundary: that segment may go too.
    log.advance_high_watermark(10).unwrap();
    delete_old_segments(&mut log, &cfg, 1_000_000);
    assert_eq!(log.log_start_offset(), 10);
    assert_eq!(log.segments().len(), 1);
}

#[test]
fn only_a_prefix_is_deleted_by_time() {
    let cfg = config(&[
        ("segment.bytes", (5 * batch()).to_string()),
        ("retention.ms", "100".into()),
    ]);
    let mut log = Log::new(cfg.log_config(), 0);
    // Segment 0 has a future timestamp: it blocks the older segment behind it.
    for ts in [500, 500, 500, 500, 500, 10, 10, 10, 10, 10, 10] {
        log.append(rec(ts), 0).unwrap();
    }
    log.advance_high_watermark(11).unwrap();
    assert!(delete_old_segments(&mut log, &cfg, 300).deleted.is_empty());
    // Once segment 0 is old enough, everything goes, the active segment included.
    let r = delete_old_segments(&mut log, &cfg, 601);
    assert_eq!(r.deleted.len(), 3);
    assert!(r.rolled_new_active_segment);
    assert_eq!(log.log_start_offset(), 11);
}

#[test]
fn scheduler_runs_after_initial_delay_then_every_interval() {
    let mut cluster = Cluster::new(1, 7);
    cluster
        .create_topic(NewTopic {
            name: "logs".into(),
            partitions: 1,
            replication_factor: 1,
            configs: vec![("retention.ms".into(), "1000".into())],
        })
        .unwrap();
    let topic = cluster.topic_mut("logs").unwrap();
    topic.produce(0, rec(0), 0).unwrap();
    topic.produce(0, rec(0), 0).unwrap();
    let mut s = RetentionScheduler::new(0);
    assert_eq!(s.next_run_ms(), 30_000);
    assert!(s.poll([&mut *topic], 29_999).is_empty());
    let out = s.poll([&mut *topic], 30_000);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].2.log_start_offset_after, 2);
    assert_eq!(s.next_run_ms(), 330_000);
    // A clock jump over several intervals runs once and keeps the fixed rate.
    s.poll([&mut *topic], 1_000_000);
    assert_eq!(s.next_run_ms(), 1_230_000);
    assert!(RetentionScheduler::with_intervals(0, 0, 0).is_err());
    // A compacted topic is left to the cleaner thread.
    let t2 =
        TopicConfig::from_overrides([("cleanup.policy", "compact,delete"), ("retention.ms", "1")])
            .unwrap();
    topic.set_config(t2);
    topic
        .produce(0, RecordInput::new(Some(b"k"), Some(b"v"), 0), 0)
        .unwrap();
    assert!(s.poll([&mut *topic], 2_000_000).is_empty());
    assert_eq!(
        Table::from_topic(topic, IsolationLevel::ReadUncommitted)
            .unwrap()
            .len(),
        1,
        "the record is still there"
    );
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn retention_deletes_a_prefix_of_whole_segments_below_the_hw(
        timestamps in proptest::collection::vec(0i64..1000, 1..40),
        seg_records in 1i64..6,
        hw_frac in 0.0f64..=1.0,
        retention_ms in -1i64..1000,
        retention_records in -1i64..30,
        now in 0i64..2000,
    ) {
        let cfg = config(&[
            ("segment.bytes", (seg_records * batch()).to_string()),
            ("retention.ms", retention_ms.to_string()),
            ("retention.bytes", if retention_records < 0 { "-1".into() } else { (retention_records * batch()).to_string() }),
        ]);
        let mut log = Log::new(cfg.log_config(), 0);
        for &ts in &timestamps {
            log.append(rec(ts), 0).unwrap();
        }
        let hw = (log.log_end_offset() as f64 * hw_frac) as i64;
        log.advance_high_watermark(hw).unwrap();
        let before: Vec<(i64, i64)> = log.segments().iter().map(|s| (s.base_offset(), s.next_offset())).collect();
        let offsets_before: Vec<i64> = log.iter().map(|r| r.offset).collect();
        let r = delete_old_segments(&mut log, &cfg, now);
        // Whole segments, a prefix, in order.
        let deleted: Vec<(i64, i64)> = r.deleted.iter().map(|d| (d.base_offset, d.next_offset)).collect();
        prop_assert_eq!(&deleted[..], &before[..deleted.len()]);
        // Never at or above the HW.
        prop_assert!(r.deleted.iter().all(|d| d.next_offset <= hw));
        // The new log start is the first remaining segment's base; the rest is untouched.
        prop_assert_eq!(log.log_start_offset(), log.segments()[0].base_offset());
        let start = log.log_start_offset();
        let rest: Vec<i64> = offsets_before.into_iter().filter(|&o| o >= start).collect();
        prop_assert_eq!(log.iter().map(|r| r.offset).collect::<Vec<_>>(), rest);
        // Size retention leaves at least retention.bytes when it deleted anything for size.
        if r.deleted.iter().any(|d| matches!(d.reason, DeletionReason::RetentionSizeBreach { .. })) {
            prop_assert!(retention_records >= 0);
        }
        prop_assert!(log.log_start_offset() <= log.high_watermark());
    }
}
