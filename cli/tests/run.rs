use std::process::Command;

fn kplay(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .expect("run kplay")
}

#[test]
fn run_json_reports_every_partition_and_all_records() {
    let out = kplay(&["run", "--partitions", "4", "--records", "200", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let parts = v["partitions"].as_array().unwrap();
    assert_eq!(parts.len(), 4);
    let total: u64 = parts.iter().map(|p| p["records"].as_u64().unwrap()).sum();
    assert_eq!(total, 200);
    for p in parts {
        assert_eq!(p["log_end_offset"], p["records"]);
        assert_eq!(p["high_watermark"], p["log_end_offset"]);
        let segs = p["segments"].as_array().unwrap();
        // 4096-byte segments cannot hold ~50 records of ~160 bytes: the log rolled.
        assert!(segs.len() > 1, "{p}");
    }
}

#[test]
fn run_table_has_a_header_and_one_line_per_partition() {
    let out = kplay(&["run", "--partitions", "2", "--records", "10"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("PARTITION"));
}

#[test]
fn run_rejects_bad_input_with_kafkas_errors() {
    let out = kplay(&["run", "--topic", "..", "--records", "1"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Topic name is invalid: '..' is not allowed")
    );
    let out = kplay(&["run", "--partitions", "0"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("INVALID_PARTITIONS"));
    let out = kplay(&["run", "--partitions", "-3"]);
    assert!(!out.status.success());
    let out = kplay(&["run", "--records", "0"]);
    assert!(!out.status.success());
    let out = kplay(&["run", "--ops", "zzz"]);
    assert!(!out.status.success());
}

/// Issue 16 finding 9: `-1` silently became 1 partition. kafka-topics.sh
/// refuses it ("The partitions must be greater than 0"); so does kplay run.
#[test]
fn minus_one_partitions_is_refused_not_clamped() {
    let out = kplay(&["run", "--partitions", "-1", "--records", "3"]);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("INVALID_PARTITIONS: The partitions must be greater than 0 (got -1;"),
        "{err}"
    );
}

/// Issue 16 finding 17: a long bad value is quoted briefly on stderr.
#[test]
fn long_bad_values_are_quoted_briefly() {
    let ops = "x".repeat(100_000);
    let out = kplay(&["run", "--ops", &ops]);
    assert!(!out.status.success());
    assert!(out.stderr.len() < 300, "{} bytes", out.stderr.len());
    let topic = "a b".repeat(30_000);
    let out = kplay(&["run", "--topic", &topic]);
    assert!(!out.status.success());
    assert!(out.stderr.len() < 300, "{} bytes", out.stderr.len());
}
