//! Capacity planner: worked examples computed by hand, safety checks, invalid
//! input, and properties.
//!
//! The example tests run natively and, compiled to wasm, in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test planner`),
//! where the Planner page runs them; the proptest properties are host-only.

use kplay_engine::planner::report::Constraint;
use kplay_engine::planner::{
    model, outcome_json, plan, plan_from_json, Plan, PlanInput, PlanInputError, WarningCode,
};
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn base() -> PlanInput {
    PlanInput {
        ingress_mb_per_s: Some(50.0),
        retention_hours: Some(24.0),
        replication_factor: Some(3.0),
        ..PlanInput::default()
    }
}

fn ok(input: &PlanInput) -> Plan {
    match plan(input) {
        Ok(p) => p,
        Err(e) => panic!("expected a plan, got {e:?}"),
    }
}

fn errs(input: &PlanInput) -> Vec<PlanInputError> {
    match plan(input) {
        Ok(p) => panic!(
            "expected errors, got a plan with {} partitions",
            p.partitions
        ),
        Err(e) => e,
    }
}

fn has(p: &Plan, code: WarningCode) -> bool {
    p.warnings.iter().any(|w| w.code == code)
}

fn field_errors(e: &[PlanInputError]) -> Vec<&'static str> {
    e.iter()
        .filter_map(|e| match e {
            PlanInputError::InvalidValue { field, .. }
            | PlanInputError::MissingField { field, .. } => Some(*field),
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The seed's figure: "100 producers writing 10MB/s with 7-day retention uses
// about 60TB of disk (with 3x replication)".
// ---------------------------------------------------------------------------

#[test]
fn seed_100_producers_10_mb_s_7_days_rf3_is_1814_tb_not_60() {
    // 100 producers × 10 MB/s = 1000 MB/s = 10^9 bytes/s.
    // 7 days = 7 × 24 × 3600 s = 604 800 s → 6.048 × 10^14 bytes = 604.8 TB per copy.
    // × RF 3 = 1.8144 × 10^15 bytes = 1814.4 TB = 1.8144 PB
    //        = 1.8144e15 / 2^40 = 1650.19 TiB.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(100.0 * 10.0),
        retention_hours: Some(7.0 * 24.0),
        replication_factor: Some(3.0),
        ..PlanInput::default()
    });
    assert_eq!(p.disk_bytes_total, 1_814_400_000_000_000);
    // Brokers computed: only RF binds → 3; 1000 / 10 = 100 partitions → 102 (multiple of 3).
    assert_eq!(p.brokers, 3);
    assert_eq!(p.broker_sizing.binding, Constraint::ReplicationFactor);
    assert_eq!(p.partitions, 102);
    let tib = p.disk_bytes_total as f64 / model::TIB;
    assert!((tib - 1650.19).abs() < 0.01, "{tib}");
    // The article's "about 60 TB" is 30× too low.
    assert!(p.disk_bytes_total as f64 / 60.0e12 > 30.0);

    // With the "~4x" lz4 ratio the same article uses: 1814.4 / 4 = 453.6 TB (412.55 TiB).
    let p4 = ok(&PlanInput {
        ingress_mb_per_s: Some(1000.0),
        retention_hours: Some(168.0),
        replication_factor: Some(3.0),
        compression_codec: Some("lz4".into()),
        compression_ratio: Some(4.0),
        ..PlanInput::default()
    });
    assert_eq!(p4.disk_bytes_total, 453_600_000_000_000);

    // Reading "10 MB/s" as the total: 10^7 × 604 800 × 3 = 1.8144 × 10^13 = 18.144 TB (16.50 TiB).
    let total10 = ok(&PlanInput {
        ingress_mb_per_s: Some(10.0),
        retention_hours: Some(168.0),
        replication_factor: Some(3.0),
        ..PlanInput::default()
    });
    assert_eq!(total10.disk_bytes_total, 18_144_000_000_000);
    // None of the readings is "about 60 TB".
    for b in [
        p.disk_bytes_total,
        p4.disk_bytes_total,
        total10.disk_bytes_total,
    ] {
        let tb = b as f64 / 1e12;
        assert!(!(40.0..=80.0).contains(&tb), "{tb} TB");
    }
}

// ---------------------------------------------------------------------------
// A full worked example with fixed brokers.
// ---------------------------------------------------------------------------

fn worked() -> PlanInput {
    PlanInput {
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
        broker_price_per_month: Some(500.0),
        storage_price_per_gb_month: Some(0.1),
        topic: Some("orders".into()),
        ..PlanInput::default()
    }
}

#[test]
fn worked_example_partitions_disk_network_cost() {
    let p = ok(&worked());
    // Peak t = 50 × 2 = 100 MB/s. t/p = 100/20 = 5, t/c = 100/25 = 4,
    // peak consumers × 2 = 6 → 6, rounded up to a multiple of 4 brokers → 8.
    assert_eq!(p.partitions_unrounded, 6.0);
    assert_eq!(p.partitions, 8);
    assert_eq!(p.brokers, 4);
    // Disk = 50 × 10^6 × 24 × 3600 × 3 ÷ 2 × 1.25
    //      = 4.32e12 × 3 = 1.296e13 ÷ 2 = 6.48e12 × 1.25 = 8.1e12 bytes (8.1 TB).
    assert_eq!(p.disk_bytes_total, 8_100_000_000_000);
    // Per broker: 8.1e12 ÷ 4 = 2.025e12.
    assert_eq!(p.disk_bytes_per_broker, 2_025_000_000_000);
    // retention.bytes view: 50e6 × 86 400 ÷ 2 ÷ 8 partitions = 2.7e11 bytes per partition.
    assert_eq!(p.retention_bytes_per_partition, 270_000_000_000);
    // Network (compressed bytes at peak): 100 ÷ 2 = 50 MB/s on the wire.
    // in = 50 × 3 ÷ 4 = 37.5; out = 50 × (2 + 3 − 1) ÷ 4 = 50.
    assert_eq!(p.broker_network_in_mb_per_s, 37.5);
    assert_eq!(p.broker_network_out_mb_per_s, 50.0);
    // Cost: 4 × 500 + 8100 GB × 0.1 = 2000 + 810 = 2810.
    let cost = p.cost.as_ref().map(|c| c.total_per_month);
    assert!(cost.is_some_and(|c| (c - 2810.0).abs() < 1e-6), "{cost:?}");
    // Each output carries its formula and the inputs it used.
    let disk = p
        .derivations
        .iter()
        .find(|d| d.output == "disk_bytes_total");
    assert!(disk.is_some_and(|d| d.formula.contains("RF")
        && d.inputs
            .iter()
            .any(|t| t.name == "compression_ratio" && t.value == 2.0)));
    // A safe plan: RF 3, min ISR 2, acks=all.
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
}

#[test]
fn worked_example_exports() {
    let p = ok(&worked());
    let cmd = &p.exports.kafka_topics_command;
    assert!(cmd
        .starts_with("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic orders"));
    assert!(cmd.contains("--partitions 8 --replication-factor 3"));
    // 24 h × 3 600 000 ms/h = 86 400 000 ms.
    assert!(cmd.contains("--config retention.ms=86400000"));
    assert!(cmd.contains("--config min.insync.replicas=2"));
    assert!(cmd.contains("--config compression.type=lz4"));
    assert!(!cmd.contains("retention.bytes"));
    let prod = &p.exports.producer_properties;
    for line in [
        "acks=all",
        "enable.idempotence=true",
        "compression.type=lz4",
        "batch.size=16384",
        "linger.ms=5",
    ] {
        assert!(prod.lines().any(|l| l == line), "missing {line} in\n{prod}");
    }
    assert!(p
        .exports
        .consumer_properties
        .lines()
        .any(|l| l == "group.id=orders-consumer"));
    // The plan as JSON carries the contract fields.
    let v: serde_json::Value =
        serde_json::from_str(&outcome_json(&Ok(p.clone()))).unwrap_or_default();
    assert_eq!(v["partitions"], 8);
    assert_eq!(v["disk_bytes_total"], 8_100_000_000_000u64);
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));
}

// ---------------------------------------------------------------------------
// Computed broker counts and the binding constraint.
// ---------------------------------------------------------------------------

#[test]
fn brokers_bound_by_network() {
    // 100 MB/s, RF 3, 3 groups; NIC 1 Gbit/s × 125 × 0.8 = 100 MB/s usable.
    // Totals: in = 100 × 3 = 300, out = 100 × (3 + 3 − 1) = 500 → ceil(500/100) = 5 brokers.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(100.0),
        consumer_groups: Some(3.0),
        broker_nic_gbit_per_s: Some(1.0),
        nic_target_utilisation: Some(0.8),
        ..base()
    });
    assert_eq!(p.brokers, 5);
    assert_eq!(p.broker_sizing.binding, Constraint::Network);
    assert_eq!(p.broker_sizing.for_network, Some(5));
    // 100 / 10 = 10 partitions, already a multiple of 5; out per broker = 500 / 5 = 100.
    assert_eq!(p.partitions, 10);
    assert_eq!(p.broker_network_out_mb_per_s, 100.0);
}

#[test]
fn brokers_bound_by_disk() {
    // 50 MB/s × 86 400 s × 3 = 1.296e13 bytes = 12 960 GB; 2000 GB disks → ceil(6.48) = 7.
    let p = ok(&PlanInput {
        broker_disk_gb: Some(2000.0),
        ..base()
    });
    assert_eq!(p.disk_bytes_total, 12_960_000_000_000);
    assert_eq!(p.brokers, 7);
    assert_eq!(p.broker_sizing.binding, Constraint::Disk);
    // 50/10 = 5 partitions → multiple of 7 = 7; per broker 12 960 GB / 7 ≤ 2000 GB.
    assert_eq!(p.partitions, 7);
    assert!(p.disk_bytes_per_broker <= 2_000_000_000_000);
}

#[test]
fn brokers_bound_by_partition_guidance() {
    // 10 000 MB/s at 1 MB/s per partition → 10 000 partitions × RF 3 = 30 000 replicas;
    // 30 000 / 4000 = 7.5 → 8 brokers; 10 000 is a multiple of 8; 3750 replicas per broker.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(10_000.0),
        producer_mb_per_s_per_partition: Some(1.0),
        consumer_mb_per_s_per_partition: Some(1.0),
        ..base()
    });
    assert_eq!(p.brokers, 8);
    assert_eq!(p.partitions, 10_000);
    assert_eq!(p.partition_replicas_per_broker, 3750);
    assert_eq!(p.broker_sizing.binding, Constraint::PartitionsPerBroker);
    assert!(!has(&p, WarningCode::PartitionsPerBrokerAboveGuidance));
}

#[test]
fn brokers_bound_by_replication_factor_when_nothing_else_given() {
    let p = ok(&base());
    assert_eq!(p.brokers, 3);
    assert_eq!(p.broker_sizing.binding, Constraint::ReplicationFactor);
    // 50 / 10 = 5 → multiple of 3 = 6.
    assert_eq!(p.partitions, 6);
}

// ---------------------------------------------------------------------------
// Warnings.
// ---------------------------------------------------------------------------

#[test]
fn too_many_partitions_for_given_brokers_warns_with_failover_cost() {
    // 16 000 partitions × RF 3 on 3 brokers = 16 000 replicas per broker > 4000.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(16_000.0),
        producer_mb_per_s_per_partition: Some(1.0),
        consumer_mb_per_s_per_partition: Some(1.0),
        brokers: Some(3.0),
        ..base()
    });
    assert_eq!(p.partitions, 16_002);
    assert!(has(&p, WarningCode::TooFewBrokersForPartitions));
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::TooFewBrokersForPartitions);
    // 16 002 / 3 = 5334 leaders × 5 ms = 26.67 s.
    assert!(w.is_some_and(|w| w.message.contains("26.67 s")), "{w:?}");
}

#[test]
fn cluster_guidance_warns() {
    // 70 000 partitions × RF 3 = 210 000 replicas > 200 000.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(70_000.0),
        producer_mb_per_s_per_partition: Some(1.0),
        consumer_mb_per_s_per_partition: Some(1.0),
        ..base()
    });
    assert!(has(&p, WarningCode::PartitionsPerClusterAboveGuidance));
    // Computed brokers keep each broker within 4000 replicas.
    assert!(p.partition_replicas_per_broker <= 4000);
}

#[test]
fn min_isr_equal_to_rf_warns_that_one_broker_loss_stops_writes() {
    let p = ok(&PlanInput {
        min_insync_replicas: Some(3.0),
        ..base()
    });
    assert!(has(&p, WarningCode::MinIsrStopsWritesOnBrokerLoss));
    let ok2 = ok(&PlanInput {
        min_insync_replicas: Some(2.0),
        ..base()
    });
    assert!(!has(&ok2, WarningCode::MinIsrStopsWritesOnBrokerLoss));
    assert!(!has(&ok2, WarningCode::MinIsrOne));
    // acks=1 does not check min.insync.replicas.
    let acks1 = ok(&PlanInput {
        min_insync_replicas: Some(3.0),
        acks: Some("1".into()),
        ..base()
    });
    assert!(!has(&acks1, WarningCode::MinIsrStopsWritesOnBrokerLoss));
}

#[test]
fn min_isr_above_rf_mentions_the_3_7_cap() {
    let p = ok(&PlanInput {
        min_insync_replicas: Some(4.0),
        ..base()
    });
    let w = p
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::MinIsrStopsWritesOnBrokerLoss);
    assert!(w.is_some_and(|w| w.message.contains("KAFKA-15583")));
}

#[test]
fn default_min_isr_one_is_flagged_with_acks_all() {
    assert!(has(&ok(&base()), WarningCode::MinIsrOne));
}

#[test]
fn rf_one_warns() {
    let p = ok(&PlanInput {
        replication_factor: Some(1.0),
        ..base()
    });
    assert!(has(&p, WarningCode::NoReplication));
}

#[test]
fn retention_shorter_than_consumer_outage_warns() {
    let p = ok(&PlanInput {
        consumer_outage_hours: Some(48.0),
        ..base()
    });
    assert!(has(&p, WarningCode::RetentionShorterThanOutage));
    let fine = ok(&PlanInput {
        consumer_outage_hours: Some(12.0),
        ..base()
    });
    assert!(!has(&fine, WarningCode::RetentionShorterThanOutage));
}

#[test]
fn retention_bytes_only() {
    // retention.bytes 10^9 per partition; 50 MB/s → 5 partitions → 6 (3 brokers).
    // Disk = 10^9 × 6 × 3 = 1.8e10 bytes. Hours covered = 10^9 × 6 ÷ (50 × 10^6) ÷ 3600 = 120 s = 1/30 h.
    let p = ok(&PlanInput {
        retention_hours: None,
        retention_bytes_per_partition: Some(1e9),
        ..base()
    });
    assert_eq!(p.partitions, 6);
    assert_eq!(p.disk_bytes_total, 18_000_000_000);
    assert!((p.effective_retention_hours - 1.0 / 30.0).abs() < 1e-12);
    assert!(p.exports.kafka_topics_command.contains("retention.ms=-1"));
    assert!(p
        .exports
        .kafka_topics_command
        .contains("retention.bytes=1000000000"));
}

#[test]
fn retention_bytes_below_time_retention_warns_and_caps_disk() {
    // Time view: 50e6 × 86 400 ÷ 6 partitions = 7.2e11 bytes per partition > 10^9.
    let p = ok(&PlanInput {
        retention_bytes_per_partition: Some(1e9),
        consumer_outage_hours: Some(1.0),
        ..base()
    });
    assert!(has(&p, WarningCode::RetentionBytesCutsRetentionTime));
    // Effective retention 1/30 h < 1 h outage.
    assert!(has(&p, WarningCode::RetentionShorterThanOutage));
    assert_eq!(p.disk_bytes_total, 18_000_000_000);
}

#[test]
fn disk_and_network_shortfall_on_given_brokers_warn() {
    let p = ok(&PlanInput {
        brokers: Some(3.0),
        broker_disk_gb: Some(1000.0),
        broker_nic_gbit_per_s: Some(0.1),
        ..base()
    });
    assert!(has(&p, WarningCode::DiskExceedsBroker));
    assert!(has(&p, WarningCode::NetworkExceedsNic));
    // 12 960 GB ÷ 1000 GB → 13 brokers needed.
    assert_eq!(p.broker_sizing.for_disk, Some(13));
}

// ---------------------------------------------------------------------------
// Producer estimate.
// ---------------------------------------------------------------------------

#[test]
fn producer_estimate_by_acks() {
    // 5 in flight × 16 384 bytes ÷ (2 × 1 ms) = 40.96 MB/s for acks=all;
    // ÷ 1 ms = 81.92 MB/s for acks=1; acks=0 is not bounded by acknowledgements.
    let with = |acks: &str| {
        ok(&PlanInput {
            avg_record_bytes: Some(500.0),
            acks: Some(acks.into()),
            ..base()
        })
        .producer_estimate
        .and_then(|e| e.ceiling_mb_per_s_per_partition)
    };
    assert!(with("all").is_some_and(|c| (c - 40.96).abs() < 1e-9));
    assert!(with("1").is_some_and(|c| (c - 81.92).abs() < 1e-9));
    assert_eq!(with("0"), None);
}

#[test]
fn producer_estimate_batch_fill_and_warning() {
    // 1000 MB/s over 10 partitions (100 MB/s per partition measured), RTT 10 ms:
    // ceiling = 5 × 16 384 ÷ 0.02 s = 4.096 MB/s < 100 MB/s planned → warning.
    let p = ok(&PlanInput {
        ingress_mb_per_s: Some(1000.0),
        producer_mb_per_s_per_partition: Some(100.0),
        consumer_mb_per_s_per_partition: Some(100.0),
        brokers: Some(5.0),
        avg_record_bytes: Some(1000.0),
        rtt_ms: Some(10.0),
        ..base()
    });
    assert_eq!(p.partitions, 10);
    assert!(has(&p, WarningCode::ProducerCeilingBelowPlannedRate));
    let e = p.producer_estimate.as_ref();
    assert!(e.is_some_and(|e| e.label == "estimate" && e.model.contains("max.in.flight")));
    // 100 MB/s = 100 000 bytes/ms × 5 ms linger > 16 384: batches fill, capacity 16 384.
    assert!(e.is_some_and(|e| e.expected_batch_bytes == 16_384.0));
}

#[test]
fn idempotence_needs_acks_all_and_at_most_5_in_flight() {
    let p = ok(&PlanInput {
        max_in_flight: Some(6.0),
        ..base()
    });
    assert!(has(&p, WarningCode::IdempotenceUnavailable));
    assert!(p
        .exports
        .producer_properties
        .lines()
        .any(|l| l == "enable.idempotence=false"));
}

// ---------------------------------------------------------------------------
// Growth and key remapping.
// ---------------------------------------------------------------------------

#[test]
fn growth_over_horizon() {
    // +100 %/year over 24 months → × 4: 50 → 200 MB/s → 20 partitions → 21 (3 brokers);
    // disk × 4 = 1.296e13 × 4 = 5.184e13.
    let p = ok(&PlanInput {
        annual_growth: Some(1.0),
        horizon_months: Some(24.0),
        ..base()
    });
    assert_eq!(p.growth_multiplier, 4.0);
    assert_eq!(p.partitions, 21);
    assert_eq!(p.disk_bytes_total, 51_840_000_000_000);
}

#[test]
fn doubling_partitions_remaps_about_half_the_keys() {
    let f = model::fraction_of_keys_remapped(12, 24, 2000);
    assert!((0.4..0.6).contains(&f), "{f}");
    assert_eq!(model::fraction_of_keys_remapped(12, 12, 100), 0.0);
    let p = ok(&base());
    assert!(p.notes.iter().any(|n| n.contains("remaps keys")));
}

#[test]
fn computed_brokers_can_round_to_fewer_partitions_documented() {
    // n0 = peak_consumers × 2 = 10. On 4 brokers → 12; on 5 → 10 (see the module docs).
    assert_eq!(model::round_up_to_multiple(10, 4), Some(12));
    assert_eq!(model::round_up_to_multiple(10, 5), Some(10));
    assert_eq!(model::round_up_to_multiple(u64::MAX, 2), None);
}

// ---------------------------------------------------------------------------
// Invalid input: errors naming the field, never clamped.
// ---------------------------------------------------------------------------

#[test]
fn rf_zero_is_an_error() {
    let e = errs(&PlanInput {
        replication_factor: Some(0.0),
        ..base()
    });
    assert_eq!(field_errors(&e), vec!["replication_factor"]);
}

#[test]
fn negative_zero_nan_infinite_ingress_are_errors() {
    for v in [-1.0, 0.0, f64::NAN, f64::INFINITY, 1.0e8 + 1.0] {
        let e = errs(&PlanInput {
            ingress_mb_per_s: Some(v),
            ..base()
        });
        assert_eq!(field_errors(&e), vec!["ingress_mb_per_s"], "{v}");
    }
    // 100 TB/s exactly is accepted.
    assert!(plan(&PlanInput {
        ingress_mb_per_s: Some(1.0e8),
        retention_hours: Some(1.0),
        ..base()
    })
    .is_ok());
}

#[test]
fn absurd_values_are_errors() {
    let cases: Vec<(PlanInput, &str)> = vec![
        (
            PlanInput {
                replication_factor: Some(32_768.0),
                ..base()
            },
            "replication_factor",
        ),
        (
            PlanInput {
                replication_factor: Some(2.5),
                ..base()
            },
            "replication_factor",
        ),
        (
            PlanInput {
                retention_hours: Some(876_601.0),
                ..base()
            },
            "retention_hours",
        ),
        (
            PlanInput {
                retention_hours: Some(-1.0),
                ..base()
            },
            "retention_hours",
        ),
        (
            PlanInput {
                compression_ratio: Some(0.5),
                ..base()
            },
            "compression_ratio",
        ),
        (
            PlanInput {
                headroom: Some(-0.1),
                ..base()
            },
            "headroom",
        ),
        (
            PlanInput {
                peak_to_average: Some(0.5),
                ..base()
            },
            "peak_to_average",
        ),
        (
            PlanInput {
                brokers: Some(0.0),
                ..base()
            },
            "brokers",
        ),
        (
            PlanInput {
                consumer_groups: Some(-1.0),
                ..base()
            },
            "consumer_groups",
        ),
        (
            PlanInput {
                producer_mb_per_s_per_partition: Some(0.0),
                ..base()
            },
            "producer_mb_per_s_per_partition",
        ),
        (
            PlanInput {
                consumer_mb_per_s_per_partition: Some(f64::NAN),
                ..base()
            },
            "consumer_mb_per_s_per_partition",
        ),
        (
            PlanInput {
                peak_consumers: Some(1.5),
                ..base()
            },
            "peak_consumers",
        ),
        (
            PlanInput {
                min_insync_replicas: Some(0.0),
                ..base()
            },
            "min_insync_replicas",
        ),
        (
            PlanInput {
                nic_target_utilisation: Some(1.5),
                ..base()
            },
            "nic_target_utilisation",
        ),
        (
            PlanInput {
                linger_ms: Some(-5.0),
                ..base()
            },
            "linger_ms",
        ),
        (
            PlanInput {
                acks: Some("2".into()),
                ..base()
            },
            "acks",
        ),
        (
            PlanInput {
                compression_codec: Some("brotli".into()),
                ..base()
            },
            "compression_codec",
        ),
        (
            PlanInput {
                topic: Some("my topic; rm -rf /".into()),
                ..base()
            },
            "topic",
        ),
        (
            PlanInput {
                bootstrap_servers: Some("a:9092 && b".into()),
                ..base()
            },
            "bootstrap_servers",
        ),
        (
            PlanInput {
                ingress_mb_per_s: None,
                ..base()
            },
            "ingress_mb_per_s",
        ),
        (
            PlanInput {
                replication_factor: None,
                ..base()
            },
            "replication_factor",
        ),
        (
            PlanInput {
                retention_hours: None,
                ..base()
            },
            "retention_hours",
        ),
        (
            PlanInput {
                ingress_mb_per_s: None,
                records_per_s: Some(1000.0),
                ..base()
            },
            "avg_record_bytes",
        ),
    ];
    for (input, field) in cases {
        let e = errs(&input);
        assert_eq!(field_errors(&e), vec![field], "{e:?}");
        assert!(e[0].to_string().contains(field), "{}", e[0]);
    }
}

#[test]
fn rf_above_brokers_is_kafkas_error() {
    let e = errs(&PlanInput {
        brokers: Some(2.0),
        ..base()
    });
    assert_eq!(
        e.iter().map(ToString::to_string).collect::<Vec<_>>(),
        vec!["Replication factor: 3 larger than available brokers: 2.".to_owned()]
    );
}

#[test]
fn conflicting_fields_are_errors() {
    let e = errs(&PlanInput {
        records_per_s: Some(1000.0),
        avg_record_bytes: Some(100.0),
        ..base()
    });
    assert!(matches!(
        e[0],
        PlanInputError::ConflictingFields {
            first: "ingress_mb_per_s",
            ..
        }
    ));
    let e = errs(&PlanInput {
        compression_codec: Some("none".into()),
        compression_ratio: Some(3.0),
        ..base()
    });
    assert!(matches!(
        e[0],
        PlanInputError::ConflictingFields {
            first: "compression_codec",
            ..
        }
    ));
}

#[test]
fn all_errors_reported_at_once() {
    let e = errs(&PlanInput {
        ingress_mb_per_s: Some(-1.0),
        replication_factor: Some(0.0),
        headroom: Some(-1.0),
        ..base()
    });
    assert_eq!(
        field_errors(&e),
        vec!["ingress_mb_per_s", "replication_factor", "headroom"]
    );
}

#[test]
fn invalid_input_is_an_error_not_a_panic() {
    // Negative, NaN and zero, with nothing else given: every field named, in order.
    let e = errs(&PlanInput {
        ingress_mb_per_s: Some(-1.0),
        retention_hours: Some(f64::NAN),
        replication_factor: Some(0.0),
        ..PlanInput::default()
    });
    assert_eq!(
        field_errors(&e),
        vec!["ingress_mb_per_s", "retention_hours", "replication_factor"]
    );
}

#[test]
fn records_per_s_gives_ingress() {
    // 50 000 records/s × 1000 bytes = 5 × 10^7 bytes/s = 50 MB/s: same disk as base().
    let p = ok(&PlanInput {
        ingress_mb_per_s: None,
        records_per_s: Some(50_000.0),
        avg_record_bytes: Some(1000.0),
        ..base()
    });
    assert_eq!(p.disk_bytes_total, ok(&base()).disk_bytes_total);
}

#[test]
fn results_too_large_are_errors_not_saturated() {
    // 10^8 MB/s at 10^-6 MB/s per partition = 10^14 partitions > 2^31 − 1.
    let e = errs(&PlanInput {
        ingress_mb_per_s: Some(1.0e8),
        producer_mb_per_s_per_partition: Some(1.0e-6),
        ..base()
    });
    assert!(matches!(
        e[0],
        PlanInputError::ResultOutOfRange {
            quantity: "partition count",
            ..
        }
    ));
    // 10^8 MB/s × 100 years × RF 32767 ≈ 1e28 bytes > 2^64.
    let e = errs(&PlanInput {
        ingress_mb_per_s: Some(1.0e8),
        retention_hours: Some(876_600.0),
        replication_factor: Some(32_767.0),
        ..base()
    });
    assert!(
        e.iter()
            .any(|e| matches!(e, PlanInputError::ResultOutOfRange { .. })),
        "{e:?}"
    );
}

#[test]
fn json_unknown_field_is_rejected_by_name() {
    let e = match plan_from_json(
        r#"{"ingress_mb_per_s": 10, "retention_hour": 24, "replication_factor": 3}"#,
    ) {
        Err(e) => e,
        Ok(_) => panic!("unknown field accepted"),
    };
    assert!(
        e[0].to_string().contains("unknown field `retention_hour`"),
        "{}",
        e[0]
    );
}

#[test]
fn failed_plan_json_has_nulls_and_errors() {
    let out = outcome_json(&plan_from_json(
        r#"{"ingress_mb_per_s": -5, "retention_hours": 24, "replication_factor": 0}"#,
    ));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
    assert!(v["partitions"].is_null());
    let errors = v["errors"].as_array().cloned().unwrap_or_default();
    assert_eq!(errors.len(), 2, "{out}");
    assert!(errors[0]
        .as_str()
        .is_some_and(|s| s.contains("ingress_mb_per_s")));
    assert!(errors[1]
        .as_str()
        .is_some_and(|s| s.contains("replication_factor")));
}

// ---------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------

#[cfg(not(target_arch = "wasm32"))]
fn input(ingress: f64, rf: u32, brokers: Option<u32>, hours: f64, ratio: f64) -> PlanInput {
    PlanInput {
        ingress_mb_per_s: Some(ingress),
        retention_hours: Some(hours),
        replication_factor: Some(f64::from(rf)),
        brokers: brokers.map(f64::from),
        compression_ratio: Some(ratio),
        compression_codec: Some("zstd".into()),
        consumer_groups: Some(2.0),
        peak_consumers: Some(4.0),
        ..PlanInput::default()
    }
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn more_ingress_never_fewer_partitions_or_less_disk(
        a in 0.1f64..5_000.0, extra in 0.0f64..5_000.0, rf in 1u32..5, b in 5u32..20,
        hours in 1.0f64..1000.0, ratio in 1.0f64..8.0,
    ) {
        let lo = plan(&input(a, rf, Some(b), hours, ratio));
        let hi = plan(&input(a + extra, rf, Some(b), hours, ratio));
        prop_assert!(lo.is_ok() && hi.is_ok());
        if let (Ok(lo), Ok(hi)) = (lo, hi) {
            prop_assert!(hi.partitions >= lo.partitions);
            prop_assert!(hi.disk_bytes_total >= lo.disk_bytes_total);
            prop_assert!(hi.broker_network_in_mb_per_s >= lo.broker_network_in_mb_per_s);
        }
        // With computed brokers, disk and the unrounded partition need stay monotone.
        let lo = plan(&input(a, rf, None, hours, ratio));
        let hi = plan(&input(a + extra, rf, None, hours, ratio));
        if let (Ok(lo), Ok(hi)) = (lo, hi) {
            prop_assert!(hi.partitions_unrounded >= lo.partitions_unrounded);
            prop_assert!(hi.disk_bytes_total >= lo.disk_bytes_total);
        }
    }

    #[test]
    fn rf_scales_disk_linearly(a in 0.1f64..5_000.0, rf in 1u32..10, hours in 1.0f64..1000.0, ratio in 1.0f64..8.0) {
        let one = plan(&input(a, 1, Some(10), hours, ratio));
        let k = plan(&input(a, rf, Some(10), hours, ratio));
        if let (Ok(one), Ok(k)) = (one, k) {
            // Each total is computed in f64 and rounded up to a whole byte: they agree
            // within rf bytes, or within f64's relative precision (2^-52 per operation,
            // a few operations) once totals pass 2^53 bytes and single bytes blur.
            let scaled = u128::from(one.disk_bytes_total) * u128::from(rf);
            let got = u128::from(k.disk_bytes_total);
            let tolerance = u128::from(rf).max(scaled / (1u128 << 48));
            prop_assert!(got.abs_diff(scaled) <= tolerance, "{got} vs {scaled}");
        } else {
            prop_assert!(false, "plans failed");
        }
    }

    #[test]
    fn more_brokers_never_more_disk_per_broker(
        a in 0.1f64..5_000.0, rf in 1u32..4, b in 4u32..40, more in 1u32..20,
        bytes_retention in proptest::bool::ANY,
    ) {
        let mk = |brokers: u32| {
            let mut i = input(a, rf, Some(brokers), 24.0, 2.0);
            if bytes_retention {
                i.retention_hours = None;
                i.retention_bytes_per_partition = Some(1.0e9);
            }
            plan(&i)
        };
        if let (Ok(lo), Ok(hi)) = (mk(b), mk(b + more)) {
            prop_assert!(hi.disk_bytes_per_broker <= lo.disk_bytes_per_broker);
            prop_assert!(hi.broker_network_in_mb_per_s <= lo.broker_network_in_mb_per_s);
        } else {
            prop_assert!(false, "plans failed");
        }
    }

    #[test]
    fn any_numbers_give_a_consistent_plan_or_named_errors(
        ingress in prop_oneof![Just(f64::NAN), Just(f64::INFINITY), -1e3f64..1e9],
        rf in prop_oneof![Just(f64::NAN), -5.0f64..40_000.0, 1.0f64..6.0],
        brokers in proptest::option::of(prop_oneof![-2.0f64..200_000.0, 1.0f64..50.0]),
        hours in prop_oneof![Just(f64::NEG_INFINITY), -10.0f64..1e6],
        p in prop_oneof![Just(0.0), 1e-9f64..1e3],
        disk in proptest::option::of(prop_oneof![-1.0f64..1e5, 1e3f64..1e4]),
        nic in proptest::option::of(0.01f64..100.0),
    ) {
        let i = PlanInput {
            ingress_mb_per_s: Some(ingress),
            replication_factor: Some(rf.round()),
            brokers: brokers.map(f64::round),
            retention_hours: Some(hours),
            producer_mb_per_s_per_partition: Some(p),
            broker_disk_gb: disk,
            broker_nic_gbit_per_s: nic,
            ..PlanInput::default()
        };
        match plan(&i) {
            Ok(plan) => {
                prop_assert!(plan.partitions > 0 && plan.partitions % plan.brokers == 0);
                prop_assert!(plan.brokers >= plan.inputs.replication_factor);
                prop_assert!(u128::from(plan.disk_bytes_per_broker) * u128::from(plan.brokers)
                    >= u128::from(plan.disk_bytes_total));
            }
            Err(e) => {
                prop_assert!(!e.is_empty());
                for e in e {
                    let s = e.to_string();
                    prop_assert!(!s.is_empty());
                }
            }
        }
    }
}

/// Issue 16 finding 8: Long.MAX_VALUE as a 64-bit float is 2^63, and the
/// export printed `retention.bytes=9223372036854775808`. Whole numbers are
/// exact up to 2^53 − 1; above, the input is refused.
#[test]
fn retention_bytes_export_is_exactly_the_input_or_refused() {
    for text in [
        r#"{"ingress_mb_per_s": 50, "replication_factor": 3, "retention_bytes_per_partition": 9223372036854775807}"#,
        r#"{"ingress_mb_per_s": 50, "replication_factor": 3, "retention_bytes_per_partition": 9007199254740993}"#,
    ] {
        let e = plan_from_json(text).unwrap_err();
        assert_eq!(e.len(), 1, "{e:?}");
        let msg = e[0].to_string();
        assert!(
            msg.starts_with("Invalid value ")
                && msg.contains("for field retention_bytes_per_partition: Value must be at most 9007199254740991"),
            "{msg}"
        );
    }
    let p = plan_from_json(
        r#"{"ingress_mb_per_s": 50, "replication_factor": 3, "retention_bytes_per_partition": 9007199254740991}"#,
    )
    .unwrap();
    assert!(
        p.exports
            .kafka_topics_command
            .contains("--config retention.bytes=9007199254740991"),
        "{}",
        p.exports.kafka_topics_command
    );
}

/// Issue 16 finding 16: serde fills a struct from a JSON array by position.
#[test]
fn plan_input_must_be_a_json_object() {
    for text in ["[50,null,null,2,24,null,3]", "50", "\"x\"", "null", "[]"] {
        let e = plan_from_json(text).unwrap_err();
        assert_eq!(e.len(), 1);
        assert!(
            e[0].to_string().starts_with(
                "Invalid plan input: expected a JSON object {…} at the top level, found "
            ),
            "{text}: {}",
            e[0]
        );
    }
}

/// Issue 16 finding 17: errors quote long input briefly.
#[test]
fn plan_errors_quote_long_input_briefly() {
    let long = "x".repeat(1_000_000);
    for text in [
        format!(r#"{{"{long}": 1}}"#),
        format!(
            r#"{{"topic": "{long}", "ingress_mb_per_s": 1, "replication_factor": 1, "retention_hours": 1}}"#
        ),
        format!(r#"{{"ingress_mb_per_s": "{long}"}}"#),
        format!(r#"{{"topic": "{long}"#),
    ] {
        let e = plan_from_json(&text).unwrap_err();
        for err in e {
            let m = err.to_string();
            assert!(m.len() < 2_000, "{} bytes: {}", m.len(), &m[..200]);
        }
    }
}

/// Found by the plan_json fuzz target: positive values as small as 1e-320
/// passed "> 0" and gave an infinite producer ceiling or effective retention.
#[test]
fn tiny_positive_values_are_refused_not_infinite() {
    for text in [
        r#"{"records_per_s":2,"avg_record_bytes":2,"retention_bytes_per_partition":4,"replication_factor":2,"rtt_ms":8e-320,"acks":"1"}"#,
        r#"{"records_per_s":1e-320,"avg_record_bytes":512,"retention_bytes_per_partition":4,"replication_factor":2}"#,
        r#"{"ingress_mb_per_s":1e-300,"retention_bytes_per_partition":4,"replication_factor":2}"#,
    ] {
        let e = plan_from_json(text).unwrap_err();
        assert!(
            e.iter().any(|e| e
                .to_string()
                .contains("Value must be at least 0.000001 (smaller positive values")),
            "{text}: {e:?}"
        );
    }
    let p = plan_from_json(
        r#"{"ingress_mb_per_s":0.000001,"retention_bytes_per_partition":9007199254740991,"replication_factor":1,"rtt_ms":0.000001,"avg_record_bytes":1}"#,
    )
    .unwrap();
    assert!(p.effective_retention_hours.is_finite());
}
