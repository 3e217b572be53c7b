//! Checks shared by the native property tests (driven by proptest) and the
//! wasm tests in headless Chromium (driven by a seeded loop), so the engine is
//! held to the same properties in both places.
#![allow(dead_code)]

use kplay_engine::log::{FetchError, Log, LogConfig};
use kplay_engine::record::RecordInput;
use kplay_engine::rng::SimRng;

/// One step of a random log workload.
#[derive(Debug, Clone)]
pub(crate) enum Step {
    /// Append a record with this key (None = null) and value length.
    Append {
        key: Option<u8>,
        value_len: usize,
        dt: i64,
    },
    /// Retention: delete the n oldest segments.
    DeleteOldest(usize),
}

/// A random workload from a seed.
pub(crate) fn steps_from_seed(seed: u64, n: usize) -> Vec<Step> {
    let mut rng = SimRng::seeded(seed);
    (0..n)
        .map(|_| {
            if rng.below(20) == 0 {
                Step::DeleteOldest(rng.below(3) as usize)
            } else {
                Step::Append {
                    key: (rng.below(4) != 0).then(|| rng.below(16) as u8),
                    value_len: rng.below(200) as usize,
                    dt: rng.below(50) as i64,
                }
            }
        })
        .collect()
}

/// Runs `steps` against a log and a naive model (a `Vec` of every appended
/// record), asserting after each step:
/// * append returns dense, strictly increasing offsets (= the model's index);
/// * fetch from the log start returns exactly the model's records from there,
///   identical bytes and timestamps;
/// * fetch below the log start is `OffsetOutOfRange` and never returns a
///   record below the log start;
/// * `log_start <= high_watermark <= log_end`.
pub(crate) fn check_log_against_model(steps: &[Step], segment_bytes: i32) {
    let mut log = Log::new(
        LogConfig {
            segment_bytes,
            ..LogConfig::default()
        },
        0,
    );
    let mut model: Vec<(Option<Vec<u8>>, Vec<u8>, i64)> = Vec::new();
    let mut now = 0i64;
    for step in steps {
        match step {
            Step::Append { key, value_len, dt } => {
                now += dt;
                let k = key.map(|k| vec![k; 3]);
                let v: Vec<u8> = (0..*value_len)
                    .map(|i| (i as u8).wrapping_mul(31))
                    .collect();
                let off = log
                    .append(RecordInput::new(k.as_deref(), Some(&v), now), now)
                    .expect("append within limits");
                assert_eq!(off, model.len() as i64, "offsets are dense");
                model.push((k, v, now));
                log.advance_high_watermark(log.log_end_offset())
                    .expect("hw to leo");
            }
            Step::DeleteOldest(n) => {
                log.delete_oldest_segments(*n, now);
            }
        }
        let start = log.log_start_offset();
        assert!(start <= log.high_watermark() && log.high_watermark() <= log.log_end_offset());
        let mut offset = start;
        let mut seen = 0usize;
        loop {
            let f = log
                .fetch(offset, 7, 512)
                .expect("fetch at or above log start");
            if f.records.is_empty() {
                break;
            }
            let mut prev = offset - 1;
            for r in &f.records {
                assert!(r.offset > prev, "offsets strictly increase");
                assert!(r.offset >= start, "never below log start");
                prev = r.offset;
                let (k, v, ts) = &model[r.offset as usize];
                assert_eq!(r.key, k.as_deref());
                assert_eq!(r.value, Some(v.as_slice()));
                assert_eq!(r.timestamp, *ts);
                seen += 1;
            }
            offset = f.next_fetch_offset;
        }
        assert_eq!(
            seen as i64,
            log.log_end_offset() - start,
            "every record from log start is readable"
        );
        if start > 0 {
            assert!(matches!(
                log.fetch(start - 1, 10, u64::MAX),
                Err(FetchError::OffsetOutOfRange { requested, log_start, .. }) if requested == start - 1 && log_start == start
            ));
        }
    }
}
