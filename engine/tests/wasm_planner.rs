//! The capacity planner compiled to wasm and run in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test wasm_planner`):
//! the worked examples of `engine/tests/planner.rs` give the same figures in
//! the browser, where the Planner page runs them.
#![cfg(target_arch = "wasm32")]

use kplay_engine::planner::report::Constraint;
use kplay_engine::planner::{plan, Plan, PlanInput, PlanInputError};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn ok(input: &PlanInput) -> Plan {
    match plan(input) {
        Ok(p) => p,
        Err(e) => panic!("expected a plan, got {e:?}"),
    }
}

#[wasm_bindgen_test]
fn seed_figure_is_1814_tb_not_60_in_the_browser() {
    // 100 × 10 MB/s = 10^9 B/s; × 604 800 s = 6.048e14 per copy; × 3 = 1.8144e15 bytes.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(1000.0),
        retention_hours: Some(168.0),
        replication_factor: Some(3.0),
        ..PlanInput::default()
    });
    assert_eq!(p.disk_bytes_total, 1_814_400_000_000_000);
    // Brokers computed: only RF binds → 3; 1000 / 10 = 100 partitions → 102 (multiple of 3).
    assert_eq!(p.brokers, 3);
    assert_eq!(p.broker_sizing.binding, Constraint::ReplicationFactor);
    assert_eq!(p.partitions, 102);
}

#[wasm_bindgen_test]
fn worked_example_in_the_browser() {
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(50.0),
        peak_to_average: Some(2.0),
        retention_hours: Some(24.0),
        replication_factor: Some(3.0),
        min_insync_replicas: Some(2.0),
        compression_codec: Some("lz4".into()),
        compression_ratio: Some(2.0),
        consumer_groups: Some(2.0),
        producer_mb_per_s_per_partition: Some(20.0),
        consumer_mb_per_s_per_partition: Some(25.0),
        peak_consumers: Some(3.0),
        brokers: Some(4.0),
        headroom: Some(0.25),
        topic: Some("orders".into()),
        ..PlanInput::default()
    });
    // max(100/20, 100/25, 3 × 2) = 6 → multiple of 4 = 8.
    assert_eq!(p.partitions, 8);
    // 50e6 × 86 400 × 3 ÷ 2 × 1.25 = 8.1e12; ÷ 4 = 2.025e12.
    assert_eq!(p.disk_bytes_total, 8_100_000_000_000);
    assert_eq!(p.disk_bytes_per_broker, 2_025_000_000_000);
    // Wire peak 100 ÷ 2 = 50: in 50 × 3 ÷ 4 = 37.5, out 50 × (2 + 3 − 1) ÷ 4 = 50.
    assert_eq!(p.broker_network_in_mb_per_s, 37.5);
    assert_eq!(p.broker_network_out_mb_per_s, 50.0);
    assert!(p
        .exports
        .kafka_topics_command
        .contains("--partitions 8 --replication-factor 3"));
}

#[wasm_bindgen_test]
fn invalid_input_is_an_error_not_a_panic_in_the_browser() {
    let e = plan(&PlanInput {
        ingress_mb_per_s: Some(-1.0),
        retention_hours: Some(f64::NAN),
        replication_factor: Some(0.0),
        ..PlanInput::default()
    });
    let fields: Vec<&str> = match &e {
        Err(errors) => errors
            .iter()
            .filter_map(|e| match e {
                PlanInputError::InvalidValue { field, .. } => Some(*field),
                _ => None,
            })
            .collect(),
        Ok(_) => Vec::new(),
    };
    assert_eq!(
        fields,
        ["ingress_mb_per_s", "retention_hours", "replication_factor"]
    );
}
