//! Kafka's assignor test cases (KAFKA.md §3.5; the full set is in
//! `engine/tests/assignors.rs`) compiled to wasm and run in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test wasm_groups`),
//! so the Consumer groups page assigns exactly as the native engine does.
#![cfg(target_arch = "wasm32")]

use kplay_engine::group::{
    AssignmentInput, AssignmentOutcome, Assignor, Group, GroupConfig, MemberSubscription,
    RebalanceProtocol, TopicPartition,
};
use std::collections::{BTreeMap, BTreeSet};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn tps(s: &str) -> Vec<TopicPartition> {
    s.split(", ")
        .filter(|x| !x.is_empty())
        .filter_map(|x| {
            let (t, p) = x.rsplit_once('-')?;
            Some(TopicPartition::new(t, p.parse().ok()?))
        })
        .collect()
}

fn run(a: Assignor, ts: &[(&str, i32)], ms: &[(&str, &[&str])]) -> AssignmentOutcome {
    let topics = ts.iter().map(|(t, n)| (t.to_string(), *n)).collect();
    let members = ms
        .iter()
        .map(|(id, t)| MemberSubscription::new(*id, t.iter().map(|x| x.to_string()).collect()))
        .collect();
    a.assign(&AssignmentInput::new(topics, members).unwrap())
        .unwrap()
}

fn lists(exp: &[(&str, &str)]) -> BTreeMap<String, Vec<TopicPartition>> {
    exp.iter().map(|(m, s)| (m.to_string(), tps(s))).collect()
}

fn sets(o: &AssignmentOutcome) -> BTreeMap<String, BTreeSet<TopicPartition>> {
    o.assignment
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
        .collect()
}

const T12: &[&str] = &["topic1", "topic2"];

/// RangeAssignorTest.testTwoConsumersTwoTopicsSixPartitions (case 4).
#[wasm_bindgen_test]
fn range_4_two_consumers_two_topics_six_partitions() {
    let o = run(
        Assignor::Range,
        &[("topic1", 3), ("topic2", 3)],
        &[("consumer1", T12), ("consumer2", T12)],
    );
    let want = lists(&[
        ("consumer1", "topic1-0, topic1-1, topic2-0, topic2-1"),
        ("consumer2", "topic1-2, topic2-2"),
    ]);
    assert_eq!(o.sorted(), want);
}

/// RoundRobinAssignorTest.testMultipleConsumersMixedTopics (case 10), exact lists.
#[wasm_bindgen_test]
fn roundrobin_10_multiple_consumers_mixed_topics() {
    let o = run(
        Assignor::RoundRobin,
        &[("topic1", 3), ("topic2", 2)],
        &[
            ("consumer1", &["topic1"]),
            ("consumer2", T12),
            ("consumer3", &["topic1"]),
        ],
    );
    let want = lists(&[
        ("consumer1", "topic1-0"),
        ("consumer2", "topic1-1, topic2-0, topic2-1"),
        ("consumer3", "topic1-2"),
    ]);
    assert_eq!(o.assignment, want);
}

/// AbstractStickyAssignorTest.testTwoConsumersTwoTopicsSixPartitions (case 16),
/// exact lists, both sticky assignors.
#[wasm_bindgen_test]
fn sticky_16_two_consumers_two_topics_fresh() {
    for a in [Assignor::Sticky, Assignor::CooperativeSticky] {
        let o = run(
            a,
            &[("topic1", 3), ("topic2", 3)],
            &[("consumer1", T12), ("consumer2", T12)],
        );
        let want = lists(&[
            ("consumer1", "topic1-0, topic1-2, topic2-1"),
            ("consumer2", "topic1-1, topic2-0, topic2-2"),
        ]);
        assert_eq!(o.assignment, want, "{a}");
    }
}

/// KIP-848 server-side RangeAssignorTest, different subscriptions (case 29).
#[wasm_bindgen_test]
fn server_range_29_different_subscriptions() {
    let o = run(
        Assignor::ServerRange,
        &[("T1", 3), ("T2", 3), ("T3", 2)],
        &[("A", &["T1", "T2"]), ("B", &["T3"]), ("C", &["T2", "T3"])],
    );
    let want: BTreeMap<String, BTreeSet<TopicPartition>> = [
        ("A", "T1-0, T1-1, T1-2, T2-0, T2-1"),
        ("B", "T3-0"),
        ("C", "T2-2, T3-1"),
    ]
    .iter()
    .map(|(m, s)| (m.to_string(), tps(s).into_iter().collect()))
    .collect();
    assert_eq!(sets(&o), want);
}

/// The page's lesson, through the group protocol: a seventh consumer on six
/// partitions sits idle, with every assignor (cooperative where supported).
#[wasm_bindgen_test]
fn seventh_consumer_sits_idle_through_the_group_protocol() {
    for a in Assignor::ALL {
        let protocol = if a.supports_cooperative() {
            RebalanceProtocol::Cooperative
        } else {
            RebalanceProtocol::Eager
        };
        let config = GroupConfig {
            assignor: a,
            protocol,
            ..GroupConfig::default()
        };
        let mut g = Group::new([("orders".to_owned(), 6)].into_iter().collect(), config).unwrap();
        for i in 1..=7 {
            g.add_member(&format!("c{i}"), None, &["orders".to_owned()], i * 10_000)
                .unwrap();
            g.tick(i * 10_000 + 9_000).unwrap();
            assert!(!g.is_rebalancing(), "{a} after c{i}");
        }
        let owned: Vec<usize> = g.assignment().values().map(Vec::len).collect();
        assert_eq!(owned.iter().filter(|&&n| n == 0).count(), 1, "{a}");
        assert_eq!(owned.iter().filter(|&&n| n == 1).count(), 6, "{a}");
    }
}
