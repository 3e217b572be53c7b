//! `kplay durability --input SCENARIO.json [--json]`, run as a binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn write_input(name: &str, json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kplay-durability-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.json"));
    std::fs::write(&path, json).unwrap();
    path
}

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .unwrap()
}

fn run_json(name: &str, json: &str) -> serde_json::Value {
    let path = write_input(name, json);
    let out = kplay(&["durability", "--input", path.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn run_err(name: &str, json: &str) -> String {
    let path = write_input(name, json);
    let out = kplay(&["durability", "--input", path.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(2), "{name} should fail");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn acks_1_leader_loss_in_the_contract_shape() {
    let v = run_json(
        "acks1",
        r#"{"seed": 1, "brokers": 3,
            "topic": {"name": "t", "partitions": 1, "replication_factor": 3,
                      "replica_assignment": {"0": [0, 1, 2]}},
            "producer": {"acks": "1"},
            "steps": [{"at_ms": 0, "produce": {"records": 100}}, {"at_ms": 0, "kill_broker": 0},
                      {"at_ms": 20000, "start_broker": 0}, {"at_ms": 60000, "run_until": {}}]}"#,
    );
    assert_eq!(v["sent"], 100);
    assert_eq!(v["acknowledged"], 100);
    assert_eq!(v["acknowledged_lost"], 100);
    assert_eq!(v["duplicates"], 0);
    assert_eq!(v["failed"], serde_json::json!({}));
    let p = &v["partitions"][0];
    assert_eq!(p["partition"], 0);
    assert_eq!(p["leader"], 1);
    assert_eq!(p["leader_epoch"], 1);
    assert_eq!(p["high_watermark"], 0);
    assert_eq!(p["last_stable_offset"], 0);
    assert_eq!(
        p["log_end_offsets"],
        serde_json::json!({"0": 0, "1": 0, "2": 0})
    );
    assert!(v["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"].as_str().unwrap().contains("truncated")));
}

#[test]
fn two_brokers_down_with_min_isr_2_is_offline_or_refused() {
    let v = run_json(
        "minisr",
        r#"{"brokers": 3,
            "topic": {"partitions": 2, "replication_factor": 3,
                      "configs": {"min.insync.replicas": 2}},
            "producer": {"delivery.timeout.ms": 40000},
            "consumer": {"isolation.level": "read_committed"},
            "steps": [{"at_ms": 0, "kill_broker": 1}, {"at_ms": 0, "shutdown_broker": 2},
                      {"at_ms": 10000, "produce": {"records": 20}}]}"#,
    );
    assert_eq!(v["sent"], 20);
    assert_eq!(v["acknowledged"], 0);
    assert_eq!(v["failed"]["NOT_ENOUGH_REPLICAS"], 20);
    for p in v["partitions"].as_array().unwrap() {
        assert_eq!(p["isr"], serde_json::json!([0]));
    }
}

#[test]
fn offline_partition_has_null_leader() {
    let v = run_json(
        "offline",
        r#"{"brokers": 2, "topic": {"partitions": 1, "replication_factor": 2, "replica_assignment": {"0": [0, 1]}},
            "steps": [{"at_ms": 0, "kill_broker": 1}, {"at_ms": 10000, "kill_broker": 0},
                      {"at_ms": 30000, "run_until": {}}]}"#,
    );
    assert_eq!(v["partitions"][0]["leader"], serde_json::Value::Null);
    assert_eq!(v["partitions"][0]["isr"], serde_json::json!([0]));
}

#[test]
fn bad_scenarios_are_clear_errors() {
    let cases = [
        (
            "unknown_step",
            r#"{"brokers": 3, "steps": [{"at_ms": 0, "explode": {}}]}"#,
            "unknown step 'explode'",
        ),
        (
            "unknown_field",
            r#"{"brokers": 3, "colour": "red"}"#,
            "unknown field 'colour'",
        ),
        (
            "broker_range",
            r#"{"brokers": 3, "steps": [{"at_ms": 0, "kill_broker": 7}]}"#,
            "broker 7 does not exist",
        ),
        (
            "rf",
            r#"{"brokers": 2, "topic": {"replication_factor": 3}}"#,
            "INVALID_REPLICATION_FACTOR",
        ),
        (
            "config",
            r#"{"brokers": 1, "topic": {"configs": {"min.insync.replica": "2"}}}"#,
            "Unknown topic config name: min.insync.replica",
        ),
        (
            "value",
            r#"{"brokers": 1, "producer": {"acks": "2"}}"#,
            "Invalid value 2 for configuration acks",
        ),
        (
            "conflict",
            r#"{"brokers": 1, "producer": {"enable.idempotence": "true", "acks": "1"}}"#,
            "Must set acks to all in order to use the idempotent producer.",
        ),
        (
            "too_many",
            r#"{"brokers": 1, "steps": [{"at_ms": 0, "produce": {"records": 999999999}}]}"#,
            "scenario too large",
        ),
        (
            "too_long",
            r#"{"brokers": 1, "steps": [{"at_ms": 999999999999, "run_until": {}}]}"#,
            "scenario too large",
        ),
        (
            "assignment",
            r#"{"brokers": 2, "topic": {"replica_assignment": {"0": [0, 5]}}}"#,
            "broker 5 does not exist",
        ),
        (
            "rf_cap",
            r#"{"brokers": 20, "topic": {"replication_factor": 17}}"#,
            "at most 16 replicas per partition",
        ),
        (
            "copies",
            r#"{"brokers": 5, "topic": {"replication_factor": 5}, "steps": [{"at_ms": 0, "produce": {"records": 2000001}}]}"#,
            "scenario too large",
        ),
        ("not_json", "{", "error"),
    ];
    for (name, json, msg) in cases {
        let err = run_err(name, json);
        assert!(err.contains(msg), "{name}: {err}");
    }
}

#[test]
fn readable_text_output() {
    let path = write_input(
        "text",
        r#"{"brokers": 3, "topic": {"replication_factor": 3}, "steps": [{"at_ms": 0, "produce": {"records": 5}}]}"#,
    );
    let out = kplay(&["durability", "--input", path.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("acknowledged         5"), "{text}");
    assert!(text.contains("Partition: 0  Leader: "), "{text}");
}
