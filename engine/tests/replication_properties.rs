#![cfg(not(target_arch = "wasm32"))]
//! Property tests of the replication model over random fault schedules
//! (host only: proptest). Every poll also runs the partitions' debug
//! consistency check (LSO ≤ HW ≤ LEO on every replica, leader ∈ ISR ⊆
//! replicas), so any schedule that breaks an invariant fails here.

use kplay_engine::durability::{run, Action, IsolationLevel, Scenario, Simulation, Step};
use kplay_engine::replication::ClusterConfig;
use proptest::prelude::*;
use std::collections::BTreeSet;

const END: i64 = 90_000;

fn fault() -> impl Strategy<Value = Action> {
    let b = 0..3i32;
    prop_oneof![
        4 => (1..60u64, proptest::option::of(0..3i32)).prop_map(|(records, partition)| Action::Produce { records, partition }),
        1 => b.clone().prop_map(Action::KillBroker),
        1 => b.clone().prop_map(Action::StartBroker),
        1 => b.clone().prop_map(Action::ShutdownBroker),
        1 => b.clone().prop_map(Action::StopFetching),
        1 => b.clone().prop_map(Action::ResumeFetching),
        1 => (b.clone(), 1..4u32).prop_map(|(broker, count)| Action::DropProduceResponses { broker, count }),
        1 => (b.clone(), b.clone()).prop_map(|(x, y)| Action::PartitionNetwork(x, y)),
        1 => (b.clone(), 0..2_000i64).prop_map(|(broker, delay_ms)| Action::SlowBroker { broker, delay_ms }),
        1 => Just(Action::ElectPreferredLeaders),
    ]
}

fn schedule() -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec((0..END, fault()), 1..25).prop_map(|mut v| {
        v.sort_by_key(|(t, _)| *t);
        let mut steps: Vec<Step> = v
            .into_iter()
            .map(|(at_ms, action)| Step { at_ms, action })
            .collect();
        // Heal everything at the end so that retries can finish.
        for b in 0..3 {
            steps.push(Step {
                at_ms: END,
                action: Action::StartBroker(b),
            });
            steps.push(Step {
                at_ms: END,
                action: Action::ResumeFetching(b),
            });
            steps.push(Step {
                at_ms: END,
                action: Action::SlowBroker {
                    broker: b,
                    delay_ms: 0,
                },
            });
            for c in 0..3 {
                steps.push(Step {
                    at_ms: END,
                    action: Action::HealNetwork(b, c),
                });
            }
        }
        steps.push(Step {
            at_ms: END + 60_000,
            action: Action::RunUntil,
        });
        steps
    })
}

fn scenario(topic: &[(&str, &str)], producer: &[(&str, &str)], steps: Vec<Step>) -> Scenario {
    Scenario {
        seed: 7,
        brokers: 3,
        partitions: 3,
        replication_factor: 3,
        replica_assignment: None,
        topic_configs: topic
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        producer_configs: producer
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        isolation_level: IsolationLevel::ReadCommitted,
        cluster: ClusterConfig::default(),
        steps,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// acks=all, min.insync.replicas=2, RF 3, unclean election off: whatever
    /// the schedule, no acknowledged record is ever lost; with idempotence
    /// (the default) there are no duplicates; the ledger balances.
    #[test]
    fn acks_all_min_isr_2_never_loses_acknowledged_records(steps in schedule()) {
        let r = run(&scenario(&[("min.insync.replicas", "2")], &[], steps)).unwrap();
        prop_assert_eq!(r.acknowledged_lost, 0, "{:?}", r.events);
        prop_assert_eq!(r.duplicates, 0, "{:?}", r.events);
        prop_assert_eq!(r.pending, 0);
        prop_assert_eq!(r.sent, r.acknowledged + r.failed.values().sum::<u64>());
        for p in &r.partitions {
            prop_assert!(p.last_stable_offset <= p.high_watermark);
            if let Some(l) = p.leader {
                prop_assert!(p.high_watermark <= p.log_end_offsets[&l.to_string()]);
            }
        }
    }

    /// Whatever the settings (acks=1, unclean election on, no idempotence),
    /// the ledger balances and every acknowledged record is either in the
    /// log or attributed to a loss.
    #[test]
    fn the_ledger_always_balances(
        steps in schedule(),
        acks in prop_oneof![Just("0"), Just("1"), Just("all")],
        unclean in any::<bool>(),
    ) {
        let unclean = unclean.to_string();
        let topic = [("unclean.leader.election.enable", unclean.as_str())];
        let r = run(&scenario(&topic, &[("acks", acks), ("enable.idempotence", "false")], steps)).unwrap();
        prop_assert_eq!(r.pending, 0);
        prop_assert_eq!(r.sent, r.acknowledged + r.failed.values().sum::<u64>());
        prop_assert_eq!(r.lost_by.values().sum::<u64>(), r.acknowledged_lost);
        prop_assert!(r.acknowledged_lost <= r.acknowledged);
        prop_assert!(r.readable_committed <= r.readable_uncommitted);
    }
}

fn txn_action() -> impl Strategy<Value = Action> {
    prop_oneof![
        3 => (1..20u64).prop_map(|records| Action::Produce { records, partition: None }),
        2 => Just(Action::BeginTransaction),
        1 => Just(Action::CommitTransaction),
        1 => Just(Action::AbortTransaction),
        1 => (0..3i32).prop_map(Action::KillBroker),
        1 => (0..3i32).prop_map(Action::StartBroker),
        1 => (0..3i32).prop_map(|broker| Action::DropProduceResponses { broker, count: 1 }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// read_committed never returns a record of a transaction the producer
    /// aborted, and never more than read_uncommitted.
    #[test]
    fn read_committed_never_returns_aborted_records(
        actions in proptest::collection::vec((0..200i64, txn_action()), 1..40),
    ) {
        let s = scenario(&[], &[("transactional.id", "tx"), ("transaction.timeout.ms", "5000")], Vec::new());
        let mut sim = Simulation::new(&s).unwrap();
        let mut actions = actions;
        actions.sort_by_key(|(t, _)| *t);
        let mut current: Vec<u64> = Vec::new();
        let mut aborted: BTreeSet<u64> = BTreeSet::new();
        let mut sent = 0u64;
        for (dt, a) in actions {
            let at = sim.now() + dt;
            sim.advance_to(at).unwrap();
            let ok = sim.apply(&a).is_ok();
            match a {
                Action::Produce { records, .. } => {
                    current.extend(sent..sent + records);
                    sent += records;
                }
                Action::BeginTransaction if ok => current.clear(),
                Action::AbortTransaction if ok => aborted.extend(current.drain(..)),
                Action::CommitTransaction if ok => current.clear(),
                _ => {}
            }
        }
        for b in 0..3 {
            sim.apply(&Action::StartBroker(b)).unwrap();
        }
        let now = sim.now();
        sim.advance_to(now + 60_000).unwrap();
        let r = sim.report();
        for p in 0..3 {
            let committed = sim.consume(p, IsolationLevel::ReadCommitted);
            for id in &committed {
                prop_assert!(!aborted.contains(id), "aborted record {} was read_committed", id);
            }
            prop_assert!(committed.len() <= sim.consume(p, IsolationLevel::ReadUncommitted).len());
        }
        prop_assert_eq!(r.sent, sent);
        prop_assert_eq!(r.sent, r.acknowledged + r.failed.values().sum::<u64>() + r.pending);
        for p in &r.partitions {
            prop_assert!(p.last_stable_offset <= p.high_watermark);
        }
    }
}
