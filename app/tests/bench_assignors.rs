//! Assignor timing in the browser: 10,000 partitions over 1,000 members with
//! each assignor, timed with `performance.now()` and printed. Run (release):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p kplay-app --target wasm32-unknown-unknown --release --test bench_assignors -- --nocapture`.
//! Asserts only correctness (every partition owned exactly once, balance
//! within one for the balanced assignors); the figures are for reading.
#![cfg(target_arch = "wasm32")]

use kplay_engine::group::{AssignmentInput, Assignor, MemberSubscription};
use std::collections::BTreeSet;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const PARTITIONS: i32 = 10_000;
const MEMBERS: usize = 1_000;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

#[wasm_bindgen_test]
fn assign_10k_partitions_over_1k_members() {
    let topics = [("orders".to_owned(), PARTITIONS)].into_iter().collect();
    let members: Vec<MemberSubscription> = (0..MEMBERS)
        .map(|i| MemberSubscription::new(format!("consumer-{i:04}"), vec!["orders".to_owned()]))
        .collect();
    let input = AssignmentInput::new(topics, members).unwrap();
    for a in Assignor::ALL {
        let t0 = now_ms();
        let out = a.assign(&input).unwrap();
        let ms = now_ms() - t0;
        console_log!("{a:>20}: {ms:8.1} ms for {PARTITIONS} partitions over {MEMBERS} members");
        let mut seen = BTreeSet::new();
        for list in out.assignment.values() {
            for tp in list {
                assert!(seen.insert(tp.clone()), "{a}: {tp} assigned twice");
            }
        }
        assert_eq!(seen.len(), PARTITIONS as usize, "{a}");
        let sizes: Vec<usize> = out.assignment.values().map(Vec::len).collect();
        let (lo, hi) = (sizes.iter().min(), sizes.iter().max());
        // One topic, same subscriptions: every assignor gives 10 each.
        assert_eq!((lo, hi), (Some(&10), Some(&10)), "{a}");
    }
}
