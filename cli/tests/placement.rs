//! `kplay placement`, run as a binary.

use std::process::{Command, Output};

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> Vec<Vec<i64>> {
    let out = kplay(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["partitions"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            assert_eq!(p["partition"], i as i64);
            p["replicas"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_i64().unwrap())
                .collect()
        })
        .collect()
}

#[test]
fn classic_text_is_like_kafka_topics_describe() {
    let out = kplay(&[
        "placement",
        "--brokers",
        "5",
        "--partitions",
        "10",
        "--replication-factor",
        "3",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    // AdminRackAwareTest.testReplicaAssignment (fixed start index 0).
    assert_eq!(
        lines[0],
        "Partition: 0  Leader: 0  Replicas: 0,1,2  Isr: 0,1,2"
    );
    assert_eq!(
        lines[5],
        "Partition: 5  Leader: 0  Replicas: 0,2,3  Isr: 0,2,3"
    );
    assert_eq!(
        lines[9],
        "Partition: 9  Leader: 4  Replicas: 4,1,2  Isr: 4,1,2"
    );
}

#[test]
fn classic_rack_aware_json() {
    let got = json(&[
        "placement",
        "--brokers",
        "6",
        "--racks",
        "rack1,rack3,rack3,rack2,rack2,rack1",
        "--partitions",
        "7",
        "--replication-factor",
        "3",
        "--json",
    ]);
    assert_eq!(
        got,
        vec![
            vec![0, 3, 1],
            vec![3, 1, 5],
            vec![1, 5, 4],
            vec![5, 4, 2],
            vec![4, 2, 0],
            vec![2, 0, 3],
            vec![0, 4, 2]
        ]
    );
    let got = json(&[
        "placement",
        "--brokers",
        "5",
        "--partitions",
        "2",
        "--replication-factor",
        "3",
        "--start-index",
        "2",
        "--json",
    ]);
    assert_eq!(got, vec![vec![2, 0, 1], vec![3, 1, 2]]);
}

#[test]
fn kraft_placer_with_broker_ids() {
    // StripedReplicaPlacerTest.testSuccessfulPlacement: brokers 0,3,2,1.
    let got = json(&[
        "placement",
        "--brokers",
        "4",
        "--broker-ids",
        "0,3,2,1",
        "--partitions",
        "5",
        "--replication-factor",
        "3",
        "--placer",
        "kraft",
        "--json",
    ]);
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
}

#[test]
fn errors_are_kafkas_and_exit_non_zero() {
    let cases: [(&[&str], &str); 5] = [
        (&["placement", "--brokers", "2", "--partitions", "1", "--replication-factor", "3"], "Replication factor: 3 larger than available brokers: 2."),
        (&["placement", "--brokers", "2", "--partitions", "1", "--replication-factor", "3", "--placer", "kraft"], "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered."),
        (&["placement", "--brokers", "3", "--partitions", "0", "--replication-factor", "1"], "Number of partitions must be larger than 0."),
        (&["placement", "--brokers", "3", "--racks", "a,b", "--partitions", "1", "--replication-factor", "1"], "--racks lists 2 racks"),
        (&["placement", "--brokers", "3", "--partitions", "1", "--replication-factor", "1", "--placer", "zk"], "unknown --placer"),
    ];
    for (args, msg) in cases {
        let out = kplay(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(msg), "{args:?}: {err}");
        assert!(!err.contains("panicked"));
    }
}
