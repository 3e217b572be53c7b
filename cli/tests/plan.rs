//! `kplay plan --input FILE.json [--json]`, run as a binary.

use std::path::PathBuf;
use std::process::{Command, Output};

fn write_input(name: &str, json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kplay-plan-tests-{}", std::process::id()));
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

fn plan_json(name: &str, json: &str) -> (Output, serde_json::Value) {
    let path = write_input(name, json);
    let out = kplay(&["plan", "--input", path.to_str().unwrap(), "--json"]);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out, v)
}

/// The hand-computed example of the engine tests, with every contract field.
const WORKED: &str = r#"{
  "ingress_mb_per_s": 50, "peak_to_average": 2, "retention_hours": 24,
  "replication_factor": 3, "min_insync_replicas": 2,
  "compression_codec": "lz4", "compression_ratio": 2,
  "consumer_groups": 2, "producer_mb_per_s_per_partition": 20,
  "consumer_mb_per_s_per_partition": 25, "peak_consumers": 3,
  "brokers": 4, "headroom": 0.25
}"#;

#[test]
fn json_output_of_a_worked_example() {
    let (out, v) = plan_json("worked", WORKED);
    assert_eq!(out.status.code(), Some(0));
    // partitions: max(100/20, 100/25, 3 × 2) = 6 → multiple of 4 = 8.
    assert_eq!(v["partitions"], 8);
    assert_eq!(v["brokers"], 4);
    // 50e6 × 86 400 × 3 ÷ 2 × 1.25 = 8.1e12 bytes; ÷ 4 = 2.025e12.
    assert_eq!(v["disk_bytes_total"], 8_100_000_000_000u64);
    assert_eq!(v["disk_bytes_per_broker"], 2_025_000_000_000u64);
    // (100 ÷ 2) × 3 ÷ 4 = 37.5 in; (100 ÷ 2) × (2 + 3 − 1) ÷ 4 = 50 out.
    assert_eq!(v["broker_network_in_mb_per_s"], 37.5);
    assert_eq!(v["broker_network_out_mb_per_s"], 50.0);
    assert_eq!(v["warnings"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0));
    assert!(v["exports"]["kafka_topics_command"]
        .as_str()
        .is_some_and(|c| c.contains("--partitions 8 --replication-factor 3")));
}

#[test]
fn brokers_computed_when_absent() {
    // Seed: 100 × 10 MB/s for 7 days at RF 3 = 1.8144e15 bytes; 16 000 GB disks →
    // ceil(1.8144e15 / 1.6e13) = ceil(113.4) = 114 brokers, bound by disk.
    let (out, v) = plan_json(
        "seed",
        r#"{"ingress_mb_per_s": 1000, "retention_hours": 168, "replication_factor": 3,
            "min_insync_replicas": 2, "broker_disk_gb": 16000}"#,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(v["disk_bytes_total"], 1_814_400_000_000_000u64);
    assert_eq!(v["brokers"], 114);
    assert_eq!(v["broker_sizing"]["binding"], "disk");
}

#[test]
fn invalid_input_exits_non_zero_with_errors_in_json() {
    let (out, v) = plan_json(
        "invalid",
        r#"{"ingress_mb_per_s": -10, "retention_hours": 24, "replication_factor": 0}"#,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(v["partitions"].is_null());
    assert!(v["disk_bytes_total"].is_null());
    let errors: Vec<String> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].contains("ingress_mb_per_s"));
    assert!(errors[1].contains("replication_factor"));
    // stderr explains too.
    assert!(String::from_utf8_lossy(&out.stderr).contains("replication_factor"));
}

#[test]
fn rf_larger_than_brokers_is_an_error() {
    let (out, v) = plan_json(
        "rf-brokers",
        r#"{"ingress_mb_per_s": 10, "retention_hours": 24, "replication_factor": 3, "brokers": 2}"#,
    );
    assert_ne!(out.status.code(), Some(0));
    assert_eq!(
        v["errors"][0],
        "Replication factor: 3 larger than available brokers: 2."
    );
}

#[test]
fn unknown_field_is_rejected() {
    let (out, v) = plan_json(
        "typo",
        r#"{"ingress_mb_per_s": 10, "retention_hour": 24, "replication_factor": 3}"#,
    );
    assert_ne!(out.status.code(), Some(0));
    assert!(v["errors"][0]
        .as_str()
        .is_some_and(|e| e.contains("unknown field `retention_hour`")));
}

#[test]
fn unreadable_file_is_an_error_in_json_too() {
    let out = kplay(&["plan", "--input", "/nonexistent/kplay-plan.json", "--json"]);
    assert_ne!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["errors"][0]
        .as_str()
        .is_some_and(|e| e.contains("cannot read")));
}

#[test]
fn readable_report_shows_derivations_and_warnings() {
    let path = write_input(
        "readable",
        r#"{"ingress_mb_per_s": 50, "retention_hours": 24, "replication_factor": 3,
            "min_insync_replicas": 3, "consumer_outage_hours": 48}"#,
    );
    let out = kplay(&["plan", "--input", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // 50e6 × 86 400 × 3 = 1.296e13 bytes.
    assert!(text.contains("12960000000000 bytes = 12.960 TB"), "{text}");
    assert!(text.contains("formula: average_ingress × 10^6 × retention_hours × 3600 × RF"));
    assert!(text.contains("min.insync.replicas 3 ≥ replication_factor 3"));
    assert!(text.contains("shorter than the worst-case consumer outage"));
    assert!(
        text.contains("kafka-topics.sh --bootstrap-server localhost:9092 --create --topic events")
    );
}

#[test]
fn readable_invalid_input_goes_to_stderr() {
    let path = write_input(
        "readable-invalid",
        r#"{"ingress_mb_per_s": 10, "retention_hours": 24}"#,
    );
    let out = kplay(&["plan", "--input", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Missing required field replication_factor")
    );
}

/// Issue 16 finding 16: a JSON array was accepted as a positional plan.
#[test]
fn a_json_array_is_refused() {
    let path = write_input("array", "[50,null,null,2,24,null,3]");
    let out = kplay(&["plan", "--input", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "Invalid plan input: expected a JSON object {…} at the top level, found an array"
        ),
        "{err}"
    );
}

/// Issue 16 finding 8: the export printed retention.bytes=9223372036854775808.
#[test]
fn retention_bytes_above_exact_range_is_refused() {
    let path = write_input(
        "long-max",
        r#"{"ingress_mb_per_s": 50, "replication_factor": 3, "retention_bytes_per_partition": 9223372036854775807}"#,
    );
    let out = kplay(&["plan", "--input", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("9223372036854775808"), "{stdout}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("retention_bytes_per_partition: Value must be at most 9007199254740991"),
        "{err}"
    );
}
