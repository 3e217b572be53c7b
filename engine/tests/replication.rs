//! Replication worked examples: the published placement vectors of Kafka's
//! `AdminRackAwareTest` and `StripedReplicaPlacerTest`, and one durability
//! scenario per seed preset (acks=1 leader loss, min ISR, unclean election,
//! retries without idempotence, aborted transactions, zombie fencing).
//!
//! They run natively and, compiled to wasm, in headless Chromium (`cargo test
//! -p kplay-engine --target wasm32-unknown-unknown --test replication`).

use kplay_engine::durability::{run, Action, IsolationLevel, Scenario, Simulation, Step};
use kplay_engine::replication::placement::{
    assign_replicas_to_brokers, rack_alternated_broker_list, striped_place, BrokerMetadata,
    JdkRandom, MockRandom, PlacementError, RackList, UsableBroker,
};
use kplay_engine::replication::ClusterConfig;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn plain(ids: &[i32]) -> Vec<BrokerMetadata> {
    ids.iter()
        .map(|&id| BrokerMetadata { id, rack: None })
        .collect()
}

fn racked(m: &[(i32, &str)]) -> Vec<BrokerMetadata> {
    m.iter()
        .map(|&(id, r)| BrokerMetadata {
            id,
            rack: Some(r.to_owned()),
        })
        .collect()
}

fn classic(b: &[BrokerMetadata], parts: i32, rf: i32, fixed: i32, start: i32) -> Vec<Vec<i32>> {
    assign_replicas_to_brokers(b, parts, rf, fixed, start, &mut JdkRandom::new(0))
        .unwrap()
        .into_values()
        .collect()
}

#[test]
fn classic_rack_unaware_vector() {
    // AdminRackAwareTest.testReplicaAssignment
    let got = classic(&plain(&[0, 1, 2, 3, 4]), 10, 3, 0, -1);
    let want = [
        [0, 1, 2],
        [1, 2, 3],
        [2, 3, 4],
        [3, 4, 0],
        [4, 0, 1],
        [0, 2, 3],
        [1, 3, 4],
        [2, 4, 0],
        [3, 0, 1],
        [4, 1, 2],
    ];
    assert_eq!(got, want.map(|r| r.to_vec()).to_vec());
    // Computed with kafka-ref/placement_ref.py: start index 2; 6 brokers.
    let got = classic(&plain(&[0, 1, 2, 3, 4]), 10, 3, 2, -1);
    let want = [
        [2, 0, 1],
        [3, 1, 2],
        [4, 2, 3],
        [0, 3, 4],
        [1, 4, 0],
        [2, 1, 3],
        [3, 2, 4],
        [4, 3, 0],
        [0, 4, 1],
        [1, 0, 2],
    ];
    assert_eq!(got, want.map(|r| r.to_vec()).to_vec());
    let got = classic(&plain(&[0, 1, 2, 3, 4, 5]), 12, 3, 0, -1);
    assert_eq!(got[6], vec![0, 2, 3]);
    assert_eq!(got[11], vec![5, 1, 2]);
}

#[test]
fn classic_errors_read_like_kafka() {
    let b = plain(&[0, 1, 2, 3, 4]);
    let mut r = JdkRandom::new(0);
    let e = assign_replicas_to_brokers(&b, 10, 6, 0, -1, &mut r).unwrap_err();
    assert_eq!(
        e.to_string(),
        "INVALID_REPLICATION_FACTOR: Replication factor: 6 larger than available brokers: 5."
    );
    assert_eq!(
        assign_replicas_to_brokers(&b, 10, 0, 0, -1, &mut r),
        Err(PlacementError::NonPositiveReplicationFactor)
    );
    assert_eq!(
        assign_replicas_to_brokers(&b, 0, 3, 0, -1, &mut r),
        Err(PlacementError::InvalidPartitions)
    );
    let mut partial = racked(&[(0, "rack1"), (1, "rack3"), (2, "rack3"), (3, "rack2")]);
    partial.push(BrokerMetadata { id: 4, rack: None });
    assert_eq!(
        assign_replicas_to_brokers(&partial, 6, 5, 0, -1, &mut r),
        Err(PlacementError::PartialRackInformation)
    );
}

#[test]
fn classic_rack_aware_vectors() {
    // testGetRackAlternatedBrokerListAndAssignReplicasToBrokers
    let m = [
        (0, "rack1"),
        (1, "rack3"),
        (2, "rack3"),
        (3, "rack2"),
        (4, "rack2"),
        (5, "rack1"),
    ];
    let pairs: Vec<(i32, String)> = m.iter().map(|&(i, r)| (i, r.to_owned())).collect();
    assert_eq!(rack_alternated_broker_list(&pairs), [0, 3, 1, 5, 4, 2]);
    assert_eq!(rack_alternated_broker_list(&pairs[..5]), [0, 3, 1, 4, 2]);
    let got = classic(&racked(&m), 7, 3, 0, 0);
    let want = [
        [0, 3, 1],
        [3, 1, 5],
        [1, 5, 4],
        [5, 4, 2],
        [4, 2, 0],
        [2, 0, 3],
        [0, 4, 2],
    ];
    assert_eq!(got, want.map(|r| r.to_vec()).to_vec());
    // Computed: testAssignmentWithRackAware (fixed 2) and
    // testSkipBrokerWithReplicaAlreadyAssigned.
    let m2 = [
        (0, "rack1"),
        (1, "rack2"),
        (2, "rack2"),
        (3, "rack3"),
        (4, "rack3"),
        (5, "rack1"),
    ];
    let got = classic(&racked(&m2), 6, 3, 2, 0);
    let want = [
        [3, 2, 0],
        [5, 4, 1],
        [2, 0, 3],
        [4, 1, 5],
        [0, 3, 2],
        [1, 5, 4],
    ];
    assert_eq!(got, want.map(|r| r.to_vec()).to_vec());
    let m3 = [(0, "a"), (1, "b"), (2, "c"), (3, "a"), (4, "a")];
    let got = classic(&racked(&m3), 6, 4, 2, -1);
    let want = [
        [2, 0, 1, 3],
        [3, 1, 2, 4],
        [4, 2, 1, 3],
        [0, 1, 2, 3],
        [1, 4, 2, 3],
        [2, 4, 1, 3],
    ];
    assert_eq!(got, want.map(|r| r.to_vec()).to_vec());
}

fn ub(v: &[(i32, Option<&str>, bool)]) -> Vec<UsableBroker> {
    v.iter()
        .map(|&(id, rack, fenced)| UsableBroker {
            id,
            rack: rack.map(str::to_owned),
            fenced,
        })
        .collect()
}

fn rack_list(brokers: &[(i32, Option<&str>, bool)], rf: i32, calls: usize) -> Vec<Vec<i32>> {
    let mut rnd = MockRandom::new();
    let mut l = RackList::new(&ub(brokers), &mut rnd);
    (0..calls).map(|_| l.place(rf, &mut rnd).unwrap()).collect()
}

#[test]
fn striped_placer_upstream_vectors() {
    let f = false;
    let t = true;
    assert_eq!(
        rack_list(
            &[
                (3, None, f),
                (1, None, t),
                (0, None, f),
                (4, None, f),
                (2, None, f)
            ],
            4,
            5
        ),
        vec![
            vec![3, 4, 0, 2],
            vec![4, 0, 2, 3],
            vec![0, 2, 3, 4],
            vec![2, 3, 4, 0],
            vec![0, 4, 3, 2]
        ]
    );
    assert_eq!(
        rack_list(&[(3, None, f), (1, None, t), (2, None, f)], 3, 4),
        vec![vec![3, 2, 1], vec![2, 3, 1], vec![3, 2, 1], vec![2, 3, 1]]
    );
    let multi = [
        (11, Some("1"), f),
        (10, Some("1"), f),
        (30, Some("3"), f),
        (31, Some("3"), f),
        (21, Some("2"), f),
        (20, Some("2"), t),
    ];
    assert_eq!(
        rack_list(&multi, 4, 3),
        vec![
            vec![11, 21, 31, 10],
            vec![21, 30, 10, 20],
            vec![31, 11, 21, 30]
        ]
    );
    let invalid = [
        (11, Some("1"), f),
        (10, Some("1"), f),
        (30, Some("3"), t),
        (31, Some("3"), t),
        (20, Some("2"), t),
        (21, Some("2"), t),
        (41, Some("4"), f),
        (40, Some("4"), t),
    ];
    assert_eq!(
        rack_list(&invalid, 4, 3),
        vec![
            vec![41, 11, 21, 30],
            vec![10, 20, 31, 41],
            vec![41, 21, 30, 11]
        ]
    );
    // testSuccessfulPlacement, via the placer.
    let got = striped_place(
        &ub(&[(0, None, f), (3, None, f), (2, None, f), (1, None, f)]),
        5,
        3,
        &mut MockRandom::new(),
    )
    .unwrap();
    assert_eq!(
        got,
        vec![
            vec![2, 3, 0],
            vec![3, 0, 1],
            vec![0, 1, 2],
            vec![1, 2, 3],
            vec![1, 0, 2]
        ]
    );
    let got = striped_place(
        &ub(&[(0, None, f), (1, None, t)]),
        3,
        1,
        &mut MockRandom::new(),
    )
    .unwrap();
    assert_eq!(got, vec![vec![0], vec![0], vec![0]]);
    // Computed extras.
    let three = [
        (0, Some("a"), f),
        (1, Some("a"), f),
        (2, Some("b"), f),
        (3, Some("b"), f),
        (4, Some("c"), f),
        (5, Some("c"), f),
    ];
    assert_eq!(
        striped_place(&ub(&three), 6, 3, &mut MockRandom::new()).unwrap(),
        vec![
            vec![3, 4, 1],
            vec![5, 0, 2],
            vec![1, 3, 4],
            vec![2, 5, 0],
            vec![4, 1, 3],
            vec![0, 2, 5]
        ]
    );
}

#[test]
fn striped_even_distribution_vector() {
    // StripedReplicaPlacerTest.testEvenDistribution: 4 brokers, 200 partitions, RF 2.
    let b = ub(&[
        (0, None, false),
        (1, None, false),
        (2, None, false),
        (3, None, false),
    ]);
    let got = striped_place(&b, 200, 2, &mut MockRandom::new()).unwrap();
    let mut counts = std::collections::BTreeMap::new();
    for r in got {
        *counts.entry((r[0], r[1])).or_insert(0) += 1;
    }
    let want = [
        ((0, 1), 14),
        ((0, 2), 22),
        ((0, 3), 14),
        ((1, 0), 17),
        ((1, 2), 17),
        ((1, 3), 16),
        ((2, 0), 13),
        ((2, 1), 17),
        ((2, 3), 20),
        ((3, 0), 20),
        ((3, 1), 19),
        ((3, 2), 11),
    ];
    assert_eq!(counts.into_iter().collect::<Vec<_>>(), want.to_vec());
}

#[test]
fn striped_errors_read_like_kafka() {
    let mut r = MockRandom::new();
    let two = ub(&[(0, None, false), (1, None, false)]);
    assert_eq!(
        striped_place(&two, 1, 3, &mut r).unwrap_err().to_string(),
        "INVALID_REPLICATION_FACTOR: Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."
    );
    assert!(striped_place(&two, 1, 0, &mut r)
        .unwrap_err()
        .to_string()
        .ends_with("Invalid replication factor 0: the replication factor must be positive."));
    let fenced = ub(&[(11, Some("1"), true), (10, Some("1"), true)]);
    assert!(striped_place(&fenced, 1, 1, &mut r)
        .unwrap_err()
        .to_string()
        .ends_with("All brokers are currently fenced."));
}

// ------------------------------------------------------------ scenarios

fn scenario(
    topic: &[(&str, &str)],
    producer: &[(&str, &str)],
    steps: Vec<(i64, Action)>,
) -> Scenario {
    Scenario {
        seed: 1,
        brokers: 3,
        partitions: 1,
        replication_factor: 3,
        replica_assignment: Some(vec![vec![0, 1, 2]]),
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
        steps: steps
            .into_iter()
            .map(|(at_ms, action)| Step { at_ms, action })
            .collect(),
    }
}

fn produce(records: u64) -> Action {
    Action::Produce {
        records,
        partition: None,
    }
}

fn balanced(r: &kplay_engine::durability::DurabilityReport) {
    assert_eq!(r.pending, 0);
    assert_eq!(r.sent, r.acknowledged + r.failed.values().sum::<u64>());
}

/// acks=1: the leader acknowledges before followers copy; killed at once,
/// a follower takes over and the acknowledged records are gone for good.
#[test]
fn acks_1_leader_loss_loses_acknowledged_records() {
    let s = scenario(
        &[],
        &[("acks", "1")],
        vec![
            (0, produce(100)),
            (0, Action::KillBroker(0)),
            (20_000, Action::StartBroker(0)),
            (60_000, Action::RunUntil),
        ],
    );
    let r = run(&s).unwrap();
    balanced(&r);
    assert_eq!(r.acknowledged, 100);
    assert_eq!(r.acknowledged_lost, 100);
    assert_eq!(
        r.lost_by.get("leader failover before replication"),
        Some(&100)
    );
    let p = &r.partitions[0];
    assert_eq!(p.leader, Some(1));
    // Broker 0 came back, truncated (KIP-101) and rejoined the ISR.
    assert_eq!(p.log_end_offsets.get("0"), Some(&0));
    assert_eq!(p.isr.len(), 3);
    assert!(r.events.iter().any(|e| e.event.contains("truncated")));

    // Same with acks=all: nothing acknowledged is lost, the retries land on
    // the new leader once the old one is fenced.
    let s = scenario(
        &[],
        &[],
        vec![
            (0, produce(100)),
            (0, Action::KillBroker(0)),
            (60_000, Action::RunUntil),
        ],
    );
    let r = run(&s).unwrap();
    balanced(&r);
    assert_eq!(
        (r.acknowledged, r.acknowledged_lost, r.duplicates),
        (100, 0, 0)
    );
    assert_eq!(r.readable_committed, 100);
}

/// acks=all + min.insync.replicas=2: one broker down is fine, two down
/// refuses writes with NOT_ENOUGH_REPLICAS (nothing is written).
#[test]
fn min_isr_2_survives_one_broker_and_refuses_at_two() {
    let topic = [("min.insync.replicas", "2")];
    let s = scenario(
        &topic,
        &[],
        vec![
            (0, Action::KillBroker(2)),
            (10_000, produce(50)),
            (20_000, Action::RunUntil),
        ],
    );
    let r = run(&s).unwrap();
    balanced(&r);
    assert_eq!((r.acknowledged, r.acknowledged_lost), (50, 0));
    assert_eq!(r.partitions[0].isr, vec![0, 1]);
    assert_eq!(r.partitions[0].high_watermark, 50);

    let s = scenario(
        &topic,
        &[("delivery.timeout.ms", "60000")],
        vec![
            (0, Action::KillBroker(1)),
            (0, Action::KillBroker(2)),
            (10_000, produce(50)),
            (200_000, Action::RunUntil),
        ],
    );
    let r = run(&s).unwrap();
    balanced(&r);
    assert_eq!(r.acknowledged, 0);
    assert_eq!(r.failed.get("NOT_ENOUGH_REPLICAS"), Some(&50));
    assert_eq!(r.partitions[0].log_end_offsets.get("0"), Some(&0));
}

/// Unclean election: the ISR shrinks to the leader, which acknowledges alone
/// and dies; an out-of-sync replica takes over and the records are lost.
#[test]
fn unclean_election_loses_acknowledged_records() {
    let steps = vec![
        (0, Action::StopFetching(1)),
        (0, Action::StopFetching(2)),
        (0, produce(10)),
        (50_000, produce(40)),
        (50_100, Action::KillBroker(0)),
        (50_100, Action::ResumeFetching(1)),
        (50_100, Action::ResumeFetching(2)),
        (120_000, Action::RunUntil),
    ];
    let r = run(&scenario(
        &[("unclean.leader.election.enable", "true")],
        &[],
        steps.clone(),
    ))
    .unwrap();
    balanced(&r);
    assert_eq!(r.acknowledged, 50);
    assert_eq!(r.acknowledged_lost, 50);
    assert_eq!(r.lost_by.get("unclean leader election"), Some(&50));
    assert_eq!(r.partitions[0].leader, Some(1));
    assert!(r.events.iter().any(|e| e.event.contains("UNCLEAN")));

    // With unclean election off the partition stays offline instead.
    let r = run(&scenario(&[], &[], steps)).unwrap();
    assert_eq!(r.acknowledged_lost, 0);
    assert_eq!(r.partitions[0].leader, None);
    assert_eq!(r.partitions[0].isr, vec![0]);
}

/// Lost produce responses: without idempotence the retries write the
/// records again; with it the broker answers with the original offsets.
#[test]
fn retries_without_idempotence_duplicate() {
    let steps = vec![
        (
            0,
            Action::DropProduceResponses {
                broker: 0,
                count: 3,
            },
        ),
        (0, produce(30)),
        (1, produce(30)),
        (2, produce(30)),
        (100_000, Action::RunUntil),
    ];
    let off = [("enable.idempotence", "false")];
    let r = run(&scenario(&[], &off, steps.clone())).unwrap();
    balanced(&r);
    assert_eq!((r.acknowledged, r.duplicates), (90, 90));
    assert_eq!(r.readable_uncommitted, 180);
    assert_eq!(r.partitions[0].high_watermark, 180);

    let r = run(&scenario(&[], &[], steps)).unwrap();
    balanced(&r);
    assert_eq!((r.acknowledged, r.duplicates), (90, 0));
    assert_eq!(r.readable_committed, 90);
}

/// A transaction aborted mid-way: read_uncommitted sees its records,
/// read_committed does not; the markers take offsets.
#[test]
fn aborted_transaction_is_invisible_to_read_committed() {
    let tx = [("transactional.id", "tx-1")];
    let steps = vec![
        (0, Action::BeginTransaction),
        (0, produce(5)),
        (10, Action::CommitTransaction),
        (100, Action::BeginTransaction),
        (100, produce(5)),
        (200, Action::AbortTransaction),
        (1_000, Action::RunUntil),
    ];
    let r = run(&scenario(&[], &tx, steps)).unwrap();
    balanced(&r);
    assert_eq!(r.acknowledged, 10);
    assert_eq!(r.readable_committed, 5);
    assert_eq!(r.readable_uncommitted, 10);
    // 10 data records + 2 markers.
    assert_eq!(r.partitions[0].high_watermark, 12);
    assert_eq!(r.partitions[0].last_stable_offset, 12);
}

/// An open transaction holds the LSO back; `transaction.timeout.ms` aborts it.
#[test]
fn open_transaction_holds_lso_until_timeout_aborts_it() {
    let tx = [
        ("transactional.id", "tx-1"),
        ("transaction.timeout.ms", "10000"),
    ];
    let s = scenario(
        &[],
        &tx,
        vec![
            (0, produce(3)),
            (1, Action::BeginTransaction),
            (1, produce(4)),
            (100, Action::RunUntil),
        ],
    );
    let mut sim = Simulation::new(&s).unwrap();
    for st in &s.steps {
        sim.advance_to(st.at_ms).unwrap();
        let _ = sim.apply(&st.action);
    }
    let r = sim.report();
    // The first 3 sends happen outside a transaction and fail at once.
    assert_eq!(r.failed.get("INVALID_TXN_STATE"), Some(&3));
    assert_eq!(r.partitions[0].high_watermark, 4);
    assert_eq!(r.partitions[0].last_stable_offset, 0);
    assert_eq!(sim.consume(0, IsolationLevel::ReadCommitted).len(), 0);
    sim.advance_to(20_000).unwrap();
    let r = sim.report();
    assert_eq!(r.partitions[0].last_stable_offset, 5);
    assert_eq!(r.readable_committed, 0);
    assert!(r
        .events
        .iter()
        .any(|e| e.event.contains("transaction.timeout.ms")));
}

/// A zombie: another instance with the same transactional.id initialises;
/// the old producer's commit is refused and its records never commit.
#[test]
fn zombie_producer_is_fenced() {
    let tx = [("transactional.id", "tx-1")];
    let steps = vec![
        (0, Action::BeginTransaction),
        (0, produce(5)),
        (10, Action::FenceProducer),
        (20, produce(5)),
        (30, Action::CommitTransaction),
        (1_000, Action::RunUntil),
    ];
    let s = scenario(&[], &tx, steps);
    let r = run(&s).unwrap();
    balanced(&r);
    assert_eq!(r.acknowledged, 5);
    assert_eq!(r.failed.get("INVALID_PRODUCER_EPOCH"), Some(&5), "{r:?}");
    assert_eq!(r.readable_committed, 0);
    assert!(r.events.iter().any(|e| e.event.contains("zombie")));
}

/// sendOffsetsToTransaction: offsets are committed with the transaction only.
#[test]
fn offsets_commit_with_the_transaction() {
    let tx = [("transactional.id", "tx-1")];
    let s = scenario(&[], &tx, vec![]);
    let mut sim = Simulation::new(&s).unwrap();
    sim.apply(&Action::BeginTransaction).unwrap();
    sim.apply(&produce(2)).unwrap();
    let so = Action::SendOffsetsToTransaction {
        group: "g".into(),
        offsets: vec![(0, 7)],
    };
    sim.apply(&so).unwrap();
    sim.apply(&Action::AbortTransaction).unwrap();
    sim.advance_to(100).unwrap();
    assert_eq!(sim.coordinator.committed_offset("g", 0), None);
    sim.apply(&Action::BeginTransaction).unwrap();
    sim.apply(&so).unwrap();
    sim.apply(&Action::CommitTransaction).unwrap();
    sim.advance_to(200).unwrap();
    assert_eq!(sim.coordinator.committed_offset("g", 0), Some(7));
}

/// A slow follower falls out of the ISR after replica.lag.time.max.ms and
/// rejoins when it catches up; controlled shutdown moves leadership at once;
/// preferred election moves it back.
#[test]
fn isr_shrink_expand_and_leader_moves() {
    let s = scenario(&[], &[], vec![]);
    let mut sim = Simulation::new(&s).unwrap();
    sim.apply(&Action::StopFetching(2)).unwrap();
    sim.apply(&produce(10)).unwrap();
    sim.advance_to(29_000).unwrap();
    assert_eq!(sim.cluster.partitions()[0].isr(), [0, 1, 2]);
    sim.advance_to(46_000).unwrap();
    assert_eq!(sim.cluster.partitions()[0].isr(), [0, 1]);
    sim.apply(&Action::ResumeFetching(2)).unwrap();
    sim.advance_to(47_000).unwrap();
    assert_eq!(sim.cluster.partitions()[0].isr(), [0, 1, 2]);
    sim.apply(&Action::ShutdownBroker(0)).unwrap();
    assert_eq!(sim.cluster.partitions()[0].leader(), Some(1));
    sim.apply(&Action::StartBroker(0)).unwrap();
    sim.advance_to(48_000).unwrap();
    sim.apply(&Action::ElectPreferredLeaders).unwrap();
    assert_eq!(sim.cluster.partitions()[0].leader(), Some(0));
    assert!(sim.cluster.partitions()[0].leader_epoch() >= 2);
}

/// Same scenario, same seed → same report (determinism on both targets).
#[test]
fn placement_by_seed_is_deterministic() {
    let mut s = scenario(
        &[],
        &[],
        vec![
            (0, produce(30)),
            (5, Action::KillBroker(1)),
            (30_000, Action::RunUntil),
        ],
    );
    s.replica_assignment = None;
    s.partitions = 3;
    let a = run(&s).unwrap();
    let b = run(&s).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.acknowledged, 30);
    assert_eq!(a.acknowledged_lost, 0);
}
