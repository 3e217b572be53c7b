//! `kplay assign` end to end, running the built binary.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

static N: AtomicUsize = AtomicUsize::new(0);

fn kplay_assign(assignor: &str, input: &str, json: bool) -> Output {
    let dir = std::env::temp_dir().join(format!("kplay-assign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("input-{}.json", N.fetch_add(1, Ordering::SeqCst)));
    std::fs::write(&path, input).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kplay"));
    cmd.args(["assign", "--assignor", assignor, "--input"])
        .arg(&path);
    if json {
        cmd.arg("--json");
    }
    cmd.output().unwrap()
}

fn json_ok(assignor: &str, input: &str) -> serde_json::Value {
    let out = kplay_assign(assignor, input, true);
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn err(assignor: &str, input: &str) -> String {
    let out = kplay_assign(assignor, input, true);
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const SEVEN_ON_SIX: &str = r#"{"topics": {"orders": 6, "payments": 3}, "members": [
  {"member_id": "c1", "topics": ["orders"]}, {"member_id": "c2", "topics": ["orders"]},
  {"member_id": "c3", "topics": ["orders"]}, {"member_id": "c4", "topics": ["orders"]},
  {"member_id": "c5", "topics": ["orders"]}, {"member_id": "c6", "topics": ["orders"]},
  {"member_id": "c7", "group_instance_id": null, "topics": ["orders"]}]}"#;

#[test]
fn range_json_sorted_every_member_present_seventh_idle() {
    let v = json_ok("range", SEVEN_ON_SIX);
    let a = v["assignment"].as_object().unwrap();
    assert_eq!(a.len(), 7);
    assert_eq!(
        a["c1"],
        serde_json::json!([{"topic": "orders", "partition": 0}])
    );
    assert_eq!(a["c7"], serde_json::json!([]));
    // payments has no subscriber: nobody gets it
    assert!(!v.to_string().contains("payments"));
}

#[test]
fn roundrobin_lists_sorted_by_topic_then_partition() {
    let input = r#"{"topics": {"topic1": 3, "topic2": 3},
      "members": [{"member_id": "consumer1", "topics": ["topic1", "topic2"]},
                  {"member_id": "consumer2", "topics": ["topic2", "topic1"]}]}"#;
    let v = json_ok("roundrobin", input);
    // Kafka: consumer1 [t1-0, t1-2, t2-1], consumer2 [t1-1, t2-0, t2-2] (KAFKA.md §3.5 #11)
    assert_eq!(
        v["assignment"]["consumer2"],
        serde_json::json!([{"topic":"topic1","partition":1},{"topic":"topic2","partition":0},{"topic":"topic2","partition":2}])
    );
}

#[test]
fn sticky_output_sorted_even_when_kafka_order_is_not() {
    // KAFKA.md §3.5 #18: Kafka lists consumer1 as [t1-0, t2-1, t2-0]; the CLI sorts.
    let input = r#"{"topics": {"topic1": 2, "topic2": 3}, "members": [
      {"member_id": "consumer1", "topics": ["topic1","topic2"], "owned": [{"topic":"topic1","partition":0},{"topic":"topic2","partition":1}], "generation": 1},
      {"member_id": "consumer2", "topics": ["topic1","topic2"], "owned": [{"topic":"topic1","partition":1},{"topic":"topic2","partition":2}], "generation": 1}]}"#;
    let v = json_ok("sticky", input);
    assert_eq!(
        v["assignment"]["consumer1"],
        serde_json::json!([{"topic":"topic1","partition":0},{"topic":"topic2","partition":0},{"topic":"topic2","partition":1}])
    );
}

#[test]
fn cooperative_sticky_prints_first_round_sticky_prints_final() {
    // KAFKA.md §3.5 #19: t2-0 moves from consumer1 to consumer3.
    let input = r#"{"topics": {"topic1": 2, "topic2": 2}, "members": [
      {"member_id": "consumer1", "topics": ["topic1","topic2"], "owned": [{"topic":"topic1","partition":0},{"topic":"topic2","partition":0}], "generation": 1},
      {"member_id": "consumer2", "topics": ["topic1","topic2"], "owned": [{"topic":"topic1","partition":1},{"topic":"topic2","partition":1}], "generation": 1},
      {"member_id": "consumer3", "topics": ["topic1","topic2"], "owned": [], "generation": 1}]}"#;
    let coop = json_ok("cooperative-sticky", input);
    assert_eq!(coop["assignment"]["consumer3"], serde_json::json!([]));
    let eager = json_ok("sticky", input);
    assert_eq!(
        eager["assignment"]["consumer3"],
        serde_json::json!([{"topic":"topic2","partition":0}])
    );
    let table = kplay_assign("cooperative-sticky", input, false);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(text.contains("topic2-0 -> consumer3"), "{text}");
    assert!(text.contains("(idle)"), "{text}");
}

#[test]
fn table_output_is_readable() {
    let out = kplay_assign("uniform", SEVEN_ON_SIX, false);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MEMBER"));
    assert_eq!(text.matches("(idle)").count(), 1, "{text}");
}

#[test]
fn unknown_assignor_is_an_error() {
    assert!(err("fair", SEVEN_ON_SIX).contains("Unknown assignor 'fair'"));
}

#[test]
fn unknown_topic_is_an_error() {
    let input =
        r#"{"topics": {"orders": 6}, "members": [{"member_id": "c1", "topics": ["ordres"]}]}"#;
    assert!(err("range", input).contains("'ordres'"));
    let owned = r#"{"topics": {"orders": 6}, "members": [{"member_id": "c1", "topics": ["orders"], "owned": [{"topic":"gone","partition":0}]}]}"#;
    assert!(err("sticky", owned).contains("'gone'"));
}

#[test]
fn malformed_inputs_are_errors() {
    assert!(err("range", "{not json").contains("malformed input"));
    let zero =
        r#"{"topics": {"orders": 0}, "members": [{"member_id": "c1", "topics": ["orders"]}]}"#;
    assert!(err("range", zero).contains("INVALID_PARTITIONS"));
    let neg =
        r#"{"topics": {"orders": -2}, "members": [{"member_id": "c1", "topics": ["orders"]}]}"#;
    assert!(err("range", neg).contains("INVALID_PARTITIONS"));
    let dup = r#"{"topics": {"orders": 2}, "members": [{"member_id": "c1", "topics": ["orders"]}, {"member_id": "c1", "topics": ["orders"]}]}"#;
    assert!(err("range", dup).contains("duplicate member id 'c1'"));
    let bad_partition = r#"{"topics": {"orders": 2}, "members": [{"member_id": "c1", "topics": ["orders"], "owned": [{"topic":"orders","partition":5}]}]}"#;
    assert!(err("sticky", bad_partition).contains("UNKNOWN_TOPIC_OR_PARTITION"));
}

/// Issue 16 finding 11: a 70,000-character member id panicked the table.
#[test]
fn long_member_ids_are_cut_in_the_table_not_a_panic() {
    let id = "m".repeat(70_000);
    let input = format!(
        r#"{{"topics": {{"t": 2}}, "members": [{{"member_id": "{id}", "topics": ["t"]}}]}}"#
    );
    let out = kplay_assign("range", &input, false);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(
        s.contains(&format!("{}…      2  t-0, t-1", "m".repeat(63))),
        "{}",
        &s[..200]
    );
    let v = json_ok("range", &input);
    assert!(v["assignment"][&id].is_array());
}

/// Issue 16 finding 13: 2^31 - 1 partitions aborted on a 68 GB allocation.
#[test]
fn partition_and_member_counts_are_capped_with_the_reason() {
    for assignor in [
        "range",
        "server-range",
        "roundrobin",
        "sticky",
        "cooperative-sticky",
        "uniform",
    ] {
        let e = err(
            assignor,
            r#"{"topics": {"t": 2147483647}, "members": [{"member_id": "c1", "topics": ["t"]}]}"#,
        );
        assert!(
            e.contains("topic 't' has 2147483647 partitions; kplay assigns at most 10000 partitions per topic"),
            "{assignor}: {e}"
        );
    }
    let e = err("range", r#"{"topics": {"t": 4294967296}, "members": []}"#);
    assert!(
        e.contains("must be a whole number between 1 and 2147483647"),
        "{e}"
    );
}

/// The largest accepted input finishes quickly for every assignor.
#[test]
#[allow(clippy::disallowed_methods)] // a test may time the binary
fn inputs_at_the_caps_finish_quickly() {
    // 10,000 partitions × 200 members = the 2,000,000 pair cap.
    let members: Vec<String> = (0..200)
        .map(|i| format!(r#"{{"member_id": "c{i}", "topics": ["t"]}}"#))
        .collect();
    let input = format!(
        r#"{{"topics": {{"t": 10000}}, "members": [{}]}}"#,
        members.join(",")
    );
    for assignor in [
        "range",
        "server-range",
        "roundrobin",
        "sticky",
        "cooperative-sticky",
        "uniform",
    ] {
        let started = std::time::Instant::now();
        let v = json_ok(assignor, &input);
        let total: usize = v["assignment"]
            .as_object()
            .unwrap()
            .values()
            .map(|l| l.as_array().unwrap().len())
            .sum();
        assert_eq!(total, 10_000, "{assignor}");
        // Generous for a debug build on a shared machine.
        assert!(
            started.elapsed().as_secs() < 60,
            "{assignor}: {:?}",
            started.elapsed()
        );
    }
}

/// Issue 16 finding 15: topic names follow Kafka's rules, as in `kplay run`.
#[test]
fn invalid_topic_names_are_refused() {
    let long = "t".repeat(261);
    for name in ["a b", "<script>", ".", "..", long.as_str()] {
        let input = serde_json::json!({"topics": {name: 1}, "members": [{"member_id": "c1", "topics": [name]}]}).to_string();
        let e = err("range", &input);
        assert!(
            e.contains("INVALID_TOPIC_EXCEPTION: Topic name is invalid"),
            "{name}: {e}"
        );
    }
}

/// A JSON array is not an input file (serde would fill the struct by position).
#[test]
fn arrays_are_not_input_files() {
    let e = err(
        "range",
        r#"[{"t": 1}, [{"member_id": "c1", "topics": ["t"]}]]"#,
    );
    assert!(e.contains("expected a JSON object"), "{e}");
}

/// Issue 16 finding 17: a long unknown assignor name is quoted briefly.
#[test]
fn a_long_unknown_assignor_is_quoted_briefly() {
    let e = err(&"x".repeat(100_000), SEVEN_ON_SIX);
    assert!(e.len() < 300, "{} bytes", e.len());
    assert!(e.contains("Unknown assignor 'xxxx"), "{e}");
}
