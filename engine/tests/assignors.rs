//! Kafka's own assignor test cases (KAFKA.md §3.5, cases 1–37), plus property
//! tests of the invariants every assignor must keep.
//!
//! The cases run natively and, compiled to wasm, in headless Chromium
//! (`cargo test -p kplay-engine --target wasm32-unknown-unknown --test assignors`),
//! so the Consumer groups page assigns exactly as the native engine does; the
//! proptest properties are host-only.

use kplay_engine::group::{
    AssignmentInput, AssignmentOutcome, Assignor, Group, GroupConfig, MemberSubscription,
    RebalanceProtocol, TopicPartition,
};
#[cfg(not(target_arch = "wasm32"))]
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// "topic1-0, topic2-1" → partitions, in order.
fn tps(s: &str) -> Vec<TopicPartition> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| {
            let (t, p) = x.rsplit_once('-').unwrap();
            TopicPartition::new(t, p.parse().unwrap())
        })
        .collect()
}

fn topics(ts: &[(&str, i32)]) -> BTreeMap<String, i32> {
    ts.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

fn member(id: &str, ts: &[&str]) -> MemberSubscription {
    MemberSubscription::new(id, ts.iter().map(|t| t.to_string()).collect())
}

fn owning(id: &str, ts: &[&str], owned: &[TopicPartition], gen: i32) -> MemberSubscription {
    member(id, ts).with_owned(owned.to_vec(), gen)
}

fn run(a: Assignor, ts: &[(&str, i32)], members: Vec<MemberSubscription>) -> AssignmentOutcome {
    let input = AssignmentInput::new(topics(ts), members).unwrap();
    a.assign(&input).unwrap()
}

fn as_sets(o: &AssignmentOutcome) -> BTreeMap<String, BTreeSet<TopicPartition>> {
    o.assignment
        .iter()
        .map(|(k, v)| (k.clone(), v.iter().cloned().collect()))
        .collect()
}

fn expect_sets(o: &AssignmentOutcome, exp: &[(&str, &str)]) {
    let want: BTreeMap<String, BTreeSet<TopicPartition>> = exp
        .iter()
        .map(|(m, s)| (m.to_string(), tps(s).into_iter().collect()))
        .collect();
    assert_eq!(as_sets(o), want);
}

fn expect_lists(o: &AssignmentOutcome, exp: &[(&str, &str)]) {
    let want: BTreeMap<String, Vec<TopicPartition>> =
        exp.iter().map(|(m, s)| (m.to_string(), tps(s))).collect();
    assert_eq!(o.assignment, want);
}

const T12: &[&str] = &["topic1", "topic2"];

// ---------------------------------------------------------------- RangeAssignorTest (sets)

#[test]
fn range_1_one_consumer_multiple_topics() {
    let o = run(
        Assignor::Range,
        &[("topic1", 1), ("topic2", 2)],
        vec![member("consumer1", T12)],
    );
    expect_sets(&o, &[("consumer1", "topic1-0, topic2-0, topic2-1")]);
}

#[test]
fn range_2_two_consumers_one_topic_one_partition() {
    let o = run(
        Assignor::Range,
        &[("topic1", 1)],
        vec![
            member("consumer1", &["topic1"]),
            member("consumer2", &["topic1"]),
        ],
    );
    expect_sets(&o, &[("consumer1", "topic1-0"), ("consumer2", "")]);
}

#[test]
fn range_3_multiple_consumers_mixed_topics() {
    let o = run(
        Assignor::Range,
        &[("topic1", 3), ("topic2", 2)],
        vec![
            member("consumer1", &["topic1"]),
            member("consumer2", T12),
            member("consumer3", &["topic1"]),
        ],
    );
    expect_sets(
        &o,
        &[
            ("consumer1", "topic1-0"),
            ("consumer2", "topic1-1, topic2-0, topic2-1"),
            ("consumer3", "topic1-2"),
        ],
    );
}

#[test]
fn range_4_two_consumers_two_topics_six_partitions() {
    let o = run(
        Assignor::Range,
        &[("topic1", 3), ("topic2", 3)],
        vec![member("consumer1", T12), member("consumer2", T12)],
    );
    expect_sets(
        &o,
        &[
            ("consumer1", "topic1-0, topic1-1, topic2-0, topic2-1"),
            ("consumer2", "topic1-2, topic2-2"),
        ],
    );
}

#[test]
fn range_5_two_static_consumers_instance_id_wins_over_member_id() {
    let o = run(
        Assignor::Range,
        &[("topic1", 3), ("topic2", 3)],
        vec![
            member("consumer-b", T12).with_instance_id("instance1"),
            member("consumer-a", T12).with_instance_id("instance2"),
        ],
    );
    expect_sets(
        &o,
        &[
            ("consumer-b", "topic1-0, topic1-1, topic2-0, topic2-1"),
            ("consumer-a", "topic1-2, topic2-2"),
        ],
    );
}

#[test]
fn range_6_static_before_dynamic() {
    let o = run(
        Assignor::Range,
        &[("topic1", 3), ("topic2", 3)],
        vec![
            member("consumer-b", T12).with_instance_id("instance1"),
            member("consumer-a", T12),
        ],
    );
    expect_sets(
        &o,
        &[
            ("consumer-b", "topic1-0, topic1-1, topic2-0, topic2-1"),
            ("consumer-a", "topic1-2, topic2-2"),
        ],
    );
}

#[test]
fn range_7_static_member_assignment_persistent() {
    let ts = &[("topic1", 5), ("topic2", 4)];
    let statics = || {
        vec![
            member("consumer1", T12).with_instance_id("instance1"),
            member("consumer2", T12).with_instance_id("instance2"),
            member("consumer3", T12).with_instance_id("instance3"),
        ]
    };
    let mut ms = statics();
    ms.push(member("consumer4", T12));
    let o = run(Assignor::Range, ts, ms);
    expect_sets(
        &o,
        &[
            ("consumer1", "topic1-0, topic1-1, topic2-0"),
            ("consumer2", "topic1-2, topic2-1"),
            ("consumer3", "topic1-3, topic2-2"),
            ("consumer4", "topic1-4, topic2-3"),
        ],
    );
    // consumer4 replaced by dynamic consumer5: same partitions.
    let mut ms = statics();
    ms.push(member("consumer5", T12));
    let o = run(Assignor::Range, ts, ms);
    assert_eq!(
        as_sets(&o)["consumer5"],
        tps("topic1-4, topic2-3").into_iter().collect()
    );
}

#[test]
fn range_8_uniform_subscription_remainders_to_first() {
    let all = &["t1", "t2", "t3"];
    let o = run(
        Assignor::Range,
        &[("t1", 6), ("t2", 7), ("t3", 2)],
        vec![
            member("consumer0", all),
            member("consumer1", all),
            member("consumer2", all),
        ],
    );
    expect_sets(
        &o,
        &[
            ("consumer0", "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0"),
            ("consumer1", "t1-2, t1-3, t2-3, t2-4, t3-1"),
            ("consumer2", "t1-4, t1-5, t2-5, t2-6"),
        ],
    );
}

#[test]
fn range_9_non_equal_subscription() {
    let all = &["t1", "t2", "t3"];
    let o = run(
        Assignor::Range,
        &[("t1", 6), ("t2", 7), ("t3", 2)],
        vec![
            member("consumer0", all),
            member("consumer1", all),
            member("consumer2", &["t1", "t3"]),
        ],
    );
    expect_sets(
        &o,
        &[
            ("consumer0", "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0"),
            ("consumer1", "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1"),
            ("consumer2", "t1-4, t1-5"),
        ],
    );
}

#[test]
fn range_unknown_topic_is_skipped_and_member_gets_nothing() {
    // AbstractPartitionAssignor skips topics without metadata.
    let o = run(
        Assignor::Range,
        &[("topic1", 2)],
        vec![
            member("consumer1", &["topic1"]),
            member("consumer2", &["nope"]),
        ],
    );
    expect_sets(
        &o,
        &[("consumer1", "topic1-0, topic1-1"), ("consumer2", "")],
    );
}

// ---------------------------------------------------------------- RoundRobinAssignorTest (lists)

#[test]
fn roundrobin_10_multiple_consumers_mixed_topics() {
    let o = run(
        Assignor::RoundRobin,
        &[("topic1", 3), ("topic2", 2)],
        vec![
            member("consumer1", &["topic1"]),
            member("consumer2", T12),
            member("consumer3", &["topic1"]),
        ],
    );
    expect_lists(
        &o,
        &[
            ("consumer1", "topic1-0"),
            ("consumer2", "topic1-1, topic2-0, topic2-1"),
            ("consumer3", "topic1-2"),
        ],
    );
}

#[test]
fn roundrobin_11_two_dynamic_consumers() {
    let o = run(
        Assignor::RoundRobin,
        &[("topic1", 3), ("topic2", 3)],
        vec![member("consumer1", T12), member("consumer2", T12)],
    );
    expect_lists(
        &o,
        &[
            ("consumer1", "topic1-0, topic1-2, topic2-1"),
            ("consumer2", "topic1-1, topic2-0, topic2-2"),
        ],
    );
}

#[test]
fn roundrobin_12_two_static_consumers() {
    let o = run(
        Assignor::RoundRobin,
        &[("topic1", 3), ("topic2", 3)],
        vec![
            member("consumer-b", T12).with_instance_id("instance1"),
            member("consumer-a", T12).with_instance_id("instance2"),
        ],
    );
    expect_lists(
        &o,
        &[
            ("consumer-b", "topic1-0, topic1-2, topic2-1"),
            ("consumer-a", "topic1-1, topic2-0, topic2-2"),
        ],
    );
}

#[test]
fn roundrobin_13_static_member_assignment_persistent() {
    let o = run(
        Assignor::RoundRobin,
        &[("topic1", 3), ("topic2", 3)],
        vec![
            member("consumer1", T12).with_instance_id("instance1"),
            member("consumer2", T12).with_instance_id("instance2"),
            member("consumer3", T12).with_instance_id("instance3"),
            member("consumer4", T12),
        ],
    );
    expect_lists(
        &o,
        &[
            ("consumer1", "topic1-0, topic2-1"),
            ("consumer2", "topic1-1, topic2-2"),
            ("consumer3", "topic1-2"),
            ("consumer4", "topic2-0"),
        ],
    );
}

#[test]
fn roundrobin_14_static_assignment_survives_member_id_change() {
    let ts = &[("topic1", 5), ("topic2", 5)];
    for ids in [
        ["consumer1", "consumer2", "consumer3"],
        ["consumer1", "consumer5", "consumer4"],
    ] {
        let o = run(
            Assignor::RoundRobin,
            ts,
            vec![
                member(ids[0], T12).with_instance_id("instance1"),
                member(ids[1], T12).with_instance_id("instance2"),
                member(ids[2], T12).with_instance_id("instance3"),
            ],
        );
        assert_eq!(
            o.assignment[ids[0]],
            tps("topic1-0, topic1-3, topic2-1, topic2-4")
        );
        assert_eq!(o.assignment[ids[1]], tps("topic1-1, topic1-4, topic2-2"));
        assert_eq!(o.assignment[ids[2]], tps("topic1-2, topic2-0, topic2-3"));
    }
}

#[test]
fn roundrobin_15_javadoc_example_is_unbalanced() {
    let o = run(
        Assignor::RoundRobin,
        &[("t0", 1), ("t1", 2), ("t2", 3)],
        vec![
            member("C0", &["t0"]),
            member("C1", &["t0", "t1"]),
            member("C2", &["t0", "t1", "t2"]),
        ],
    );
    expect_lists(
        &o,
        &[
            ("C0", "t0-0"),
            ("C1", "t1-0"),
            ("C2", "t1-1, t2-0, t2-1, t2-2"),
        ],
    );
}

// ---------------------------------------------------------------- AbstractStickyAssignorTest (lists)

const STICKIES: [Assignor; 2] = [Assignor::Sticky, Assignor::CooperativeSticky];

#[test]
fn sticky_16_two_consumers_two_topics_fresh() {
    for a in STICKIES {
        let o = run(
            a,
            &[("topic1", 3), ("topic2", 3)],
            vec![member("consumer1", T12), member("consumer2", T12)],
        );
        expect_lists(
            &o,
            &[
                ("consumer1", "topic1-0, topic1-2, topic2-1"),
                ("consumer2", "topic1-1, topic2-0, topic2-2"),
            ],
        );
        assert_eq!(o.partitions_transferring_ownership, Some(BTreeMap::new()));
    }
}

#[test]
fn sticky_17_mixed_subscriptions_general_builder() {
    for a in STICKIES {
        let o = run(
            a,
            &[("topic1", 3), ("topic2", 2)],
            vec![
                member("consumer1", &["topic1"]),
                member("consumer2", T12),
                member("consumer3", &["topic1"]),
            ],
        );
        expect_lists(
            &o,
            &[
                ("consumer1", "topic1-0, topic1-2"),
                ("consumer2", "topic2-0, topic2-1"),
                ("consumer3", "topic1-1"),
            ],
        );
        if a == Assignor::Sticky {
            assert_eq!(o.partitions_transferring_ownership, None);
        }
    }
}

#[test]
fn sticky_18_consumer_owning_min_quota_expected_max_quota() {
    for a in STICKIES {
        let o = run(
            a,
            &[("topic1", 2), ("topic2", 3)],
            vec![
                owning("consumer1", T12, &tps("topic1-0, topic2-1"), 1),
                owning("consumer2", T12, &tps("topic1-1, topic2-2"), 1),
            ],
        );
        expect_lists(
            &o,
            &[
                ("consumer1", "topic1-0, topic2-1, topic2-0"),
                ("consumer2", "topic1-1, topic2-2"),
            ],
        );
    }
}

#[test]
fn sticky_19_more_max_quota_owners_than_expected() {
    for a in STICKIES {
        let o = run(
            a,
            &[("topic1", 2), ("topic2", 2)],
            vec![
                owning("consumer1", T12, &tps("topic1-0, topic2-0"), 1),
                owning("consumer2", T12, &tps("topic1-1, topic2-1"), 1),
                owning("consumer3", T12, &[], 1),
            ],
        );
        let pto: BTreeMap<_, _> =
            [(TopicPartition::new("topic2", 0), "consumer3".to_string())].into();
        assert_eq!(o.partitions_transferring_ownership, Some(pto));
        let c3 = if a == Assignor::Sticky {
            "topic2-0"
        } else {
            ""
        };
        expect_lists(
            &o,
            &[
                ("consumer1", "topic1-0"),
                ("consumer2", "topic1-1, topic2-1"),
                ("consumer3", c3),
            ],
        );
    }
}

#[test]
fn sticky_20_all_consumers_under_min_quota() {
    for a in STICKIES {
        let o = run(
            a,
            &[("topic1", 2), ("topic2", 3)],
            vec![
                owning("consumer1", T12, &tps("topic1-0"), 1),
                owning("consumer2", T12, &tps("topic1-1"), 1),
                owning("consumer3", T12, &[], 1),
            ],
        );
        expect_lists(
            &o,
            &[
                ("consumer1", "topic1-0, topic2-1"),
                ("consumer2", "topic1-1, topic2-2"),
                ("consumer3", "topic2-0"),
            ],
        );
        assert_eq!(o.partitions_transferring_ownership, Some(BTreeMap::new()));
    }
}

#[test]
fn sticky_21_add_remove_consumer_one_topic() {
    for a in STICKIES {
        let ts = &[("topic", 3)];
        let t = &["topic"];
        let r1 = run(a, ts, vec![member("consumer1", t)]);
        expect_lists(&r1, &[("consumer1", "topic-0, topic-1, topic-2")]);
        let r2 = run(
            a,
            ts,
            vec![
                owning("consumer1", t, &r1.assignment["consumer1"], 1),
                owning("consumer2", t, &[], 1),
            ],
        );
        let pto: BTreeMap<_, _> =
            [(TopicPartition::new("topic", 2), "consumer2".to_string())].into();
        assert_eq!(r2.partitions_transferring_ownership, Some(pto));
        let coop = a == Assignor::CooperativeSticky;
        expect_lists(
            &r2,
            &[
                ("consumer1", "topic-0, topic-1"),
                ("consumer2", if coop { "" } else { "topic-2" }),
            ],
        );
        let r2 = if coop {
            // follow-up rebalance hands topic-2 over
            let f = run(
                a,
                ts,
                vec![
                    owning("consumer1", t, &r2.assignment["consumer1"], 1),
                    owning("consumer2", t, &r2.assignment["consumer2"], 1),
                ],
            );
            expect_lists(
                &f,
                &[("consumer1", "topic-0, topic-1"), ("consumer2", "topic-2")],
            );
            f
        } else {
            r2
        };
        let r3 = run(
            a,
            ts,
            vec![owning("consumer2", t, &r2.assignment["consumer2"], 2)],
        );
        expect_sets(&r3, &[("consumer2", "topic-0, topic-1, topic-2")]);
    }
}

#[test]
fn sticky_22_add_remove_two_consumers_two_topics() {
    for a in STICKIES {
        let ts = &[("topic1", 3), ("topic2", 4)];
        let r1 = run(
            a,
            ts,
            vec![member("consumer1", T12), member("consumer2", T12)],
        );
        expect_lists(
            &r1,
            &[
                ("consumer1", "topic1-0, topic1-2, topic2-1, topic2-3"),
                ("consumer2", "topic1-1, topic2-0, topic2-2"),
            ],
        );
        let r2 = run(
            a,
            ts,
            vec![
                owning("consumer1", T12, &r1.assignment["consumer1"], 1),
                owning("consumer2", T12, &r1.assignment["consumer2"], 1),
                owning("consumer3", T12, &[], 1),
                owning("consumer4", T12, &[], 1),
            ],
        );
        let pto: BTreeMap<_, _> = [
            (TopicPartition::new("topic1", 2), "consumer3".to_string()),
            (TopicPartition::new("topic2", 3), "consumer3".to_string()),
            (TopicPartition::new("topic2", 2), "consumer4".to_string()),
        ]
        .into();
        assert_eq!(r2.partitions_transferring_ownership, Some(pto));
        if a == Assignor::Sticky {
            expect_lists(
                &r2,
                &[
                    ("consumer1", "topic1-0, topic2-1"),
                    ("consumer2", "topic2-0, topic1-1"),
                    ("consumer3", "topic1-2, topic2-3"),
                    ("consumer4", "topic2-2"),
                ],
            );
            let r3 = run(
                a,
                ts,
                vec![
                    owning("consumer3", T12, &r2.assignment["consumer3"], 1),
                    owning("consumer4", T12, &r2.assignment["consumer4"], 1),
                ],
            );
            expect_lists(
                &r3,
                &[
                    ("consumer3", "topic1-2, topic2-3, topic1-0, topic2-1"),
                    ("consumer4", "topic2-2, topic1-1, topic2-0"),
                ],
            );
        } else {
            // round 1 withholds the three transferring partitions
            expect_lists(
                &r2,
                &[
                    ("consumer1", "topic1-0, topic2-1"),
                    ("consumer2", "topic2-0, topic1-1"),
                    ("consumer3", ""),
                    ("consumer4", ""),
                ],
            );
        }
    }
}

/// Re-runs the assignor with everyone owning their last result until stable
/// (CooperativeStickyAssignorTest.verifyValidityAndBalance follow-ups).
fn settle(
    a: Assignor,
    ts: &[(&str, i32)],
    mut res: AssignmentOutcome,
    ids: &[&str],
) -> AssignmentOutcome {
    for _ in 0..4 {
        let ms = ids
            .iter()
            .map(|c| owning(c, T12, &res.assignment[*c], 1))
            .collect();
        let next = run(a, ts, ms);
        if as_sets(&next) == as_sets(&res) {
            return next;
        }
        res = next;
    }
    res
}

fn per_topic(o: &AssignmentOutcome) -> BTreeMap<String, (usize, usize)> {
    o.assignment
        .iter()
        .map(|(c, v)| {
            let a = v.iter().filter(|tp| tp.topic == "topic1").count();
            (c.clone(), (a, v.len() - a))
        })
        .collect()
}

#[test]
fn sticky_23_topic_balance_after_reassignment() {
    for a in STICKIES {
        let ts = &[("topic1", 12), ("topic2", 12)];
        let coop = a == Assignor::CooperativeSticky;
        let r1 = run(a, ts, vec![member("consumer1", T12)]);
        let mut r2 = run(
            a,
            ts,
            vec![
                owning("consumer1", T12, &r1.assignment["consumer1"], 1),
                owning("consumer2", T12, &[], 1),
            ],
        );
        if coop {
            r2 = settle(a, ts, r2, &["consumer1", "consumer2"]);
        }
        assert!(
            per_topic(&r2).values().all(|&c| c == (6, 6)),
            "{:?}",
            per_topic(&r2)
        );
        let ids = ["consumer1", "consumer2", "consumer3", "consumer4"];
        let mut r3 = run(
            a,
            ts,
            ids.iter()
                .map(|c| {
                    owning(
                        c,
                        T12,
                        r2.assignment.get(*c).map(Vec::as_slice).unwrap_or(&[]),
                        1,
                    )
                })
                .collect(),
        );
        if coop {
            r3 = settle(a, ts, r3, &ids);
        }
        assert!(
            per_topic(&r3).values().all(|&c| c == (3, 3)),
            "{:?}",
            per_topic(&r3)
        );
        let r4 = run(
            a,
            ts,
            vec![
                owning("consumer3", T12, &r3.assignment["consumer3"], 1),
                owning("consumer4", T12, &r3.assignment["consumer4"], 1),
            ],
        );
        assert!(
            per_topic(&r4).values().all(|&c| c == (6, 6)),
            "{:?}",
            per_topic(&r4)
        );
    }
}

#[test]
fn sticky_24_poor_round_robin_scenario_is_balanced() {
    let all = &["topic1", "topic2", "topic3", "topic4", "topic5"];
    let odd = &["topic1", "topic3", "topic5"];
    let ts = &[
        ("topic1", 2),
        ("topic2", 1),
        ("topic3", 2),
        ("topic4", 1),
        ("topic5", 2),
    ];
    for a in STICKIES {
        let o = run(
            a,
            ts,
            vec![
                member("c1", all),
                member("c2", odd),
                member("c3", odd),
                member("c4", all),
            ],
        );
        assert!(
            o.assignment.values().all(|v| v.len() == 2),
            "{:?}",
            o.assignment
        );
    }
    // round robin gives c3 nothing here
    let rr = run(
        Assignor::RoundRobin,
        ts,
        vec![
            member("c1", all),
            member("c2", odd),
            member("c3", odd),
            member("c4", all),
        ],
    );
    assert!(rr.assignment["c3"].len() < 2);
}

#[test]
fn sticky_25_26_partition_claimed_twice_in_same_generation() {
    for (n, c1) in [(3, "topic-1"), (4, "topic-1, topic-3")] {
        for a in STICKIES {
            let t = &["topic"];
            let o = run(
                a,
                &[("topic", n)],
                vec![
                    owning("consumer1", t, &tps("topic-0, topic-1"), 1),
                    owning("consumer2", t, &tps("topic-0, topic-2"), 1),
                    owning("consumer3", t, &[], 1),
                ],
            );
            let c3 = if a == Assignor::Sticky { "topic-0" } else { "" };
            expect_lists(
                &o,
                &[
                    ("consumer1", c1),
                    ("consumer2", "topic-2"),
                    ("consumer3", c3),
                ],
            );
        }
    }
}

#[test]
fn sticky_27_cooperative_with_old_version_subscriptions() {
    let t = &["topic1"];
    let o = run(
        Assignor::CooperativeSticky,
        &[("topic1", 3)],
        vec![
            owning("consumer1", t, &tps("topic1-0"), 1),
            owning("consumer2", t, &tps("topic1-1"), 1),
            owning("consumer3", t, &[], 1),
        ],
    );
    expect_lists(
        &o,
        &[
            ("consumer1", "topic1-0"),
            ("consumer2", "topic1-1"),
            ("consumer3", "topic1-2"),
        ],
    );
}

#[test]
fn sticky_28_javadoc_example_2_general_builder() {
    let ts = &[("t0", 1), ("t1", 2), ("t2", 3)];
    let r1 = run(
        Assignor::Sticky,
        ts,
        vec![
            member("C0", &["t0"]),
            member("C1", &["t0", "t1"]),
            member("C2", &["t0", "t1", "t2"]),
        ],
    );
    expect_sets(
        &r1,
        &[
            ("C0", "t0-0"),
            ("C1", "t1-0, t1-1"),
            ("C2", "t2-0, t2-1, t2-2"),
        ],
    );
    let r2 = run(
        Assignor::Sticky,
        ts,
        vec![
            owning("C1", &["t0", "t1"], &r1.assignment["C1"], 1),
            owning("C2", &["t0", "t1", "t2"], &r1.assignment["C2"], 1),
        ],
    );
    expect_sets(
        &r2,
        &[("C1", "t1-0, t1-1, t0-0"), ("C2", "t2-0, t2-1, t2-2")],
    );
}

// ---------------------------------------------------------------- KIP-848 server-side

#[test]
fn server_range_29_different_subscriptions() {
    let o = run(
        Assignor::ServerRange,
        &[("T1", 3), ("T2", 3), ("T3", 2)],
        vec![
            member("A", &["T1", "T2"]),
            member("B", &["T3"]),
            member("C", &["T2", "T3"]),
        ],
    );
    expect_sets(
        &o,
        &[
            ("A", "T1-0, T1-1, T1-2, T2-0, T2-1"),
            ("B", "T3-0"),
            ("C", "T2-2, T3-1"),
        ],
    );
}

#[test]
fn server_range_30_more_members_than_partitions() {
    let both = &["T1", "T3"];
    let o = run(
        Assignor::ServerRange,
        &[("T1", 3), ("T3", 2)],
        vec![member("A", both), member("B", both), member("C", both)],
    );
    expect_sets(
        &o,
        &[("A", "T1-0, T3-0"), ("B", "T1-1, T3-1"), ("C", "T1-2")],
    );
}

#[test]
fn server_side_assignors_reject_non_existent_topic() {
    for a in [Assignor::ServerRange, Assignor::Uniform] {
        let input =
            AssignmentInput::new(topics(&[("T1", 3)]), vec![member("A", &["T1", "T9"])]).unwrap();
        let err = a.assign(&input).unwrap_err();
        assert!(err.to_string().contains("non-existent topic 'T9'"), "{err}");
    }
}

fn b64url(s: &str) -> [u8; 16] {
    let alpha = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut bits = 0u32;
    let mut nbits = 0;
    let mut out = Vec::new();
    for c in s.bytes() {
        let v = alpha.iter().position(|&a| a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        nbits += 6;
        if nbits >= 8 {
            nbits -= 8;
            out.push((bits >> nbits) as u8);
            bits &= (1 << nbits) - 1;
        }
    }
    out.try_into().unwrap()
}

/// Topic ids used by OptimizedUniformAssignmentBuilderTest.
fn uniform(ts: &[(&str, i32)], members: Vec<MemberSubscription>) -> AssignmentOutcome {
    let ids: BTreeMap<String, [u8; 16]> = [
        ("topic1", "T1-A4s3VTwiI5CTbEp6POw"),
        ("topic2", "T2-B4s3VTwiI5YHbPp6YUe"),
        ("topic3", "T3-CU8fVTLCz5YMkLoDQsa"),
    ]
    .into_iter()
    .map(|(t, u)| (t.to_string(), b64url(u)))
    .collect();
    let input = AssignmentInput::new(topics(ts), members)
        .unwrap()
        .with_topic_ids(ids);
    Assignor::Uniform.assign(&input).unwrap()
}

#[test]
fn uniform_31_first_assignment_hash_set_order_puts_topic3_first() {
    let t = &["topic1", "topic3"];
    let o = uniform(
        &[("topic1", 3), ("topic3", 2)],
        vec![member("A", t), member("B", t)],
    );
    expect_sets(
        &o,
        &[
            ("A", "topic1-0, topic3-0, topic3-1"),
            ("B", "topic1-1, topic1-2"),
        ],
    );
}

#[test]
fn uniform_32_more_members_than_partitions() {
    let t = &["topic3"];
    let o = uniform(
        &[("topic3", 2)],
        vec![member("A", t), member("B", t), member("C", t)],
    );
    expect_sets(&o, &[("A", "topic3-0"), ("B", "topic3-1"), ("C", "")]);
}

#[test]
fn uniform_33_unbalanced_previous_assignment() {
    let o = uniform(
        &[("topic1", 3), ("topic2", 3)],
        vec![
            owning("A", T12, &tps("topic1-0, topic1-1, topic2-0, topic2-1"), 1),
            owning("B", T12, &tps("topic1-2, topic2-2"), 1),
        ],
    );
    expect_sets(
        &o,
        &[
            ("A", "topic1-0, topic1-1, topic2-0"),
            ("B", "topic1-2, topic2-1, topic2-2"),
        ],
    );
}

#[test]
fn uniform_34_partitions_added() {
    let o = uniform(
        &[("topic1", 6), ("topic2", 5)],
        vec![
            owning("A", T12, &tps("topic1-0, topic1-2, topic2-0"), 1),
            owning("B", T12, &tps("topic1-1, topic2-1, topic2-2"), 1),
        ],
    );
    expect_sets(
        &o,
        &[
            (
                "A",
                "topic1-0, topic1-2, topic1-3, topic2-0, topic2-3, topic2-4",
            ),
            ("B", "topic1-1, topic1-4, topic1-5, topic2-1, topic2-2"),
        ],
    );
}

#[test]
fn uniform_35_member_added() {
    let o = uniform(
        &[("topic1", 3), ("topic2", 3)],
        vec![
            owning("A", T12, &tps("topic1-0, topic1-2, topic2-0"), 1),
            owning("B", T12, &tps("topic1-1, topic2-1, topic2-2"), 1),
            member("C", T12),
        ],
    );
    expect_sets(
        &o,
        &[
            ("A", "topic1-0, topic1-2"),
            ("B", "topic1-1, topic2-1"),
            ("C", "topic2-0, topic2-2"),
        ],
    );
}

#[test]
fn uniform_36_member_removed() {
    let o = uniform(
        &[("topic1", 3), ("topic2", 3)],
        vec![
            owning("A", T12, &tps("topic1-0, topic2-0"), 1),
            owning("B", T12, &tps("topic1-1, topic2-1"), 1),
        ],
    );
    expect_sets(
        &o,
        &[
            ("A", "topic1-0, topic2-0, topic2-2"),
            ("B", "topic1-1, topic1-2, topic2-1"),
        ],
    );
}

#[test]
fn uniform_37_subscription_removed() {
    let t = &["topic2"];
    let o = uniform(
        &[("topic1", 2), ("topic2", 2)],
        vec![
            owning("A", t, &tps("topic1-0, topic2-0"), 1),
            owning("B", t, &tps("topic1-1, topic2-1"), 1),
        ],
    );
    expect_sets(&o, &[("A", "topic2-0"), ("B", "topic2-1")]);
}

// ---------------------------------------------------------------- general behaviour

#[test]
fn seventh_consumer_on_six_partitions_sits_idle_with_every_assignor() {
    for a in Assignor::ALL {
        let ms = (1..=7)
            .map(|i| member(&format!("c{i}"), &["orders"]))
            .collect();
        let o = run(a, &[("orders", 6)], ms);
        assert_eq!(o.assignment.len(), 7, "{a}");
        assert_eq!(
            o.assignment.values().filter(|v| v.is_empty()).count(),
            1,
            "{a}"
        );
        assert_eq!(o.assignment.values().map(Vec::len).sum::<usize>(), 6, "{a}");
    }
}

/// The Consumer groups page's lesson, through the group protocol: a seventh
/// consumer joining a group on six partitions sits idle, with every assignor
/// (cooperative rebalancing where the assignor supports it).
#[test]
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

#[test]
fn assignor_names_parse_like_kafka() {
    for a in Assignor::ALL {
        assert_eq!(a.name().parse::<Assignor>().unwrap(), a);
    }
    assert_eq!(
        "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            .parse::<Assignor>()
            .unwrap(),
        Assignor::CooperativeSticky
    );
    assert!("RANGE".parse::<Assignor>().is_err());
}

#[test]
fn input_validation_rejects_bad_counts_and_duplicates() {
    assert!(AssignmentInput::new(topics(&[("t", 0)]), vec![]).is_err());
    assert!(AssignmentInput::new(topics(&[("t", -3)]), vec![]).is_err());
    assert!(AssignmentInput::new(
        topics(&[("t", 1)]),
        vec![member("a", &["t"]), member("a", &["t"])]
    )
    .is_err());
    assert!(AssignmentInput::new(
        topics(&[("t", 1)]),
        vec![owning("a", &["t"], &tps("t-1"), 1)]
    )
    .is_err());
}

// ---------------------------------------------------------------- properties

#[cfg(not(target_arch = "wasm32"))]
fn arb_group() -> impl Strategy<Value = (BTreeMap<String, i32>, Vec<MemberSubscription>)> {
    (1usize..4, 1usize..9).prop_flat_map(|(nt, nm)| {
        (
            proptest::collection::vec(1i32..9, nt),
            proptest::collection::vec(proptest::collection::vec(any::<bool>(), nt), nm),
        )
            .prop_map(move |(counts, subs)| {
                let topics: BTreeMap<String, i32> = counts
                    .iter()
                    .enumerate()
                    .map(|(i, &c)| (format!("t{i}"), c))
                    .collect();
                let members = subs
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let mut ts: Vec<String> = s
                            .iter()
                            .enumerate()
                            .filter(|(_, &b)| b)
                            .map(|(j, _)| format!("t{j}"))
                            .collect();
                        if ts.is_empty() {
                            ts.push("t0".into());
                        }
                        MemberSubscription::new(format!("m{i}"), ts)
                    })
                    .collect();
                (topics, members)
            })
    })
}

#[cfg(not(target_arch = "wasm32"))]
fn check_valid(
    a: Assignor,
    input: &AssignmentInput,
    o: &AssignmentOutcome,
    full: bool,
) -> Result<(), TestCaseError> {
    let mut owner = BTreeMap::new();
    prop_assert_eq!(o.assignment.len(), input.members().len());
    for m in input.members() {
        for tp in &o.assignment[&m.member_id] {
            prop_assert!(
                m.topics.contains(&tp.topic),
                "{} got unsubscribed {}",
                m.member_id,
                tp
            );
            prop_assert!(
                owner.insert(tp.clone(), m.member_id.clone()).is_none(),
                "{} twice ({})",
                tp,
                a
            );
        }
    }
    if full {
        for m in input.members() {
            for t in &m.topics {
                for p in 0..input.topics()[t] {
                    prop_assert!(
                        owner.contains_key(&TopicPartition::new(t.clone(), p)),
                        "{}-{} unassigned by {}",
                        t,
                        p,
                        a
                    );
                }
            }
        }
    }
    Ok(())
}

#[cfg(not(target_arch = "wasm32"))]
proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_subscribed_partition_owned_exactly_once((ts, ms) in arb_group()) {
        let input = AssignmentInput::new(ts, ms).unwrap();
        for a in Assignor::ALL {
            let o = a.assign(&input).unwrap();
            check_valid(a, &input, &o, true)?;
        }
    }

    #[test]
    fn roundrobin_and_uniform_balance_within_one(n in 1i32..40, m in 1usize..12, two in any::<bool>()) {
        let mut ts = vec![("a", n)];
        if two { ts.push(("b", n / 2 + 1)); }
        let subs: Vec<&str> = ts.iter().map(|(t, _)| *t).collect();
        let ms: Vec<_> = (0..m).map(|i| member(&format!("c{i}"), &subs)).collect();
        for a in [Assignor::RoundRobin, Assignor::Uniform, Assignor::Sticky, Assignor::CooperativeSticky] {
            let o = run(a, &ts, ms.clone());
            let sizes: Vec<usize> = o.assignment.values().map(Vec::len).collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            prop_assert!(max - min <= 1, "{} {:?}", a, sizes);
        }
    }

    #[test]
    fn sticky_moves_only_the_leavers_partitions(n in 1i32..40, m in 2usize..10, leaver in 0usize..10) {
        let leaver = leaver % m;
        let ts = [("a", n), ("b", n / 3 + 1)];
        let subs = ["a", "b"];
        let ids: Vec<String> = (0..m).map(|i| format!("c{i}")).collect();
        for a in [Assignor::Sticky, Assignor::CooperativeSticky, Assignor::Uniform] {
            let r1 = run(a, &ts, ids.iter().map(|i| member(i, &subs)).collect());
            let ms: Vec<_> = ids.iter().enumerate().filter(|(i, _)| *i != leaver)
                .map(|(_, id)| owning(id, &subs, &r1.assignment[id], 1)).collect();
            let r2 = run(a, &ts, ms);
            let total = (n + n / 3 + 1) as usize;
            let left = r1.assignment[&ids[leaver]].len();
            // Minimum movement: only the leaver's partitions change owner,
            // unless a survivor is above the new ceiling quota.
            let ceil = total.div_ceil(m - 1);
            let mut excess = 0;
            for id in ids.iter().filter(|i| **i != ids[leaver]) {
                excess += r1.assignment[id].len().saturating_sub(ceil);
            }
            let mut moved = 0;
            for id in ids.iter().filter(|i| **i != ids[leaver]) {
                let before: BTreeSet<_> = r1.assignment[id].iter().collect();
                moved += r2.assignment[id].iter().filter(|tp| !before.contains(tp)).count();
            }
            prop_assert!(moved <= left + excess, "{}: moved {} > {} + {}", a, moved, left, excess);
            // nothing the survivors owned was taken away unless over quota
            for id in ids.iter().filter(|i| **i != ids[leaver]) {
                let after: BTreeSet<_> = r2.assignment[id].iter().collect();
                let lost = r1.assignment[id].iter().filter(|tp| !after.contains(tp)).count();
                prop_assert!(lost <= r1.assignment[id].len().saturating_sub(ceil), "{} lost {} partitions", id, lost);
            }
        }
    }
}
