//! Cluster snapshots: the versioned JSON `kplay snapshot` writes, its
//! validation against hostile input, the derived views, the importers of the
//! Kafka tools' output, and the planner input measured from a cluster.
//!
//! They run natively and, compiled to wasm, in headless Chromium (`cargo test
//! -p kplay-engine --target wasm32-unknown-unknown --test snapshot`), so the
//! app's import gives the same answers as the CLI.

use kplay_engine::offsets::describe::{parse_describe, render_describe};
use kplay_engine::offsets::lag::AlertLevel;
use kplay_engine::planner;
use kplay_engine::snapshot::import::{
    detect, import_text, parse_groups_describe, parse_log_dirs, parse_topics_describe, ImportError,
    PastedFormat,
};
use kplay_engine::snapshot::views::{
    group_view, plan_input_for_topic, snapshot_view, topic_view, Drain, GroupWarning, LoadBasis,
};
use kplay_engine::snapshot::{Snapshot, SnapshotError, MAX_PARTITIONS, MAX_SNAPSHOT_BYTES};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// The snapshot the CLI test took of librdkafka's mock cluster.
const MOCK: &str = include_str!("../../tests/fixtures/snapshot-mock.json");

/// A worked example: 3 brokers; `orders` with one healthy, one
/// under-replicated and one offline partition; two groups.
const WORKED: &str = r#"{
  "version": 1, "taken_at_ms": 1700000000000,
  "cluster": {"cluster_id": "abc", "controller": 1, "brokers": [
    {"id": 1, "host": "k1", "port": 9092, "rack": "a"},
    {"id": 2, "host": "k2", "port": 9092, "rack": "b"},
    {"id": 3, "host": "k3", "port": 9092, "rack": null}]},
  "topics": [{"name": "orders",
    "configs": {"retention.ms": "60000", "min.insync.replicas": "2", "compression.type": "lz4",
                "retention.bytes": "-1"},
    "partitions": [
      {"partition": 0, "leader": 1, "replicas": [1,2,3], "isr": [1,2,3],
       "log_start_offset": 100, "log_end_offset": 5000, "records_per_s": 10, "bytes_per_s": 1000,
       "sample": {"records": 3, "key_murmur2": [7, 7], "key_crc32": [1, 1], "key_bytes": [10, 10],
                  "value_bytes": [90, 90, 0]}},
      {"partition": 1, "leader": 2, "replicas": [2,3,1], "isr": [2,3],
       "log_start_offset": 0, "log_end_offset": 4000, "records_per_s": 10, "bytes_per_s": 1000,
       "sample": {"records": 1, "key_murmur2": [9], "key_crc32": [2], "key_bytes": [10],
                  "value_bytes": [90]}},
      {"partition": 2, "leader": -1, "replicas": [3,1,2], "isr": [3],
       "log_start_offset": 0, "log_end_offset": 9000, "records_per_s": 50, "bytes_per_s": 5000,
       "sample": null, "extra_field_from_a_newer_tool": true}]}],
  "groups": [
    {"group_id": "billing", "state": "Stable", "protocol": "range",
     "members": [{"member_id": "c-1-u", "client_id": "c-1", "host": "/10.0.0.5",
                  "assignment": [{"topic": "orders", "partition": 0}]},
                 {"member_id": "c-2-u", "client_id": "c-2", "host": "/10.0.0.6",
                  "assignment": [{"topic": "orders", "partition": 2}, {"topic": "orders", "partition": 1}]}],
     "offsets": [
       {"topic": "orders", "partition": 0, "committed": 3800, "log_end_offset": 5000, "lag": 1200,
        "committed_per_s": 30},
       {"topic": "orders", "partition": 1, "committed": 4000, "log_end_offset": 4000, "lag": 0,
        "committed_per_s": 10},
       {"topic": "orders", "partition": 2, "committed": 9000, "log_end_offset": 9000, "lag": 0,
        "committed_per_s": 50}]},
    {"group_id": "<b>audit</b>", "state": "Empty", "protocol": null, "members": [],
     "offsets": [{"topic": "orders", "partition": 1, "committed": -1, "log_end_offset": 4000, "lag": null},
                 {"topic": "orders", "partition": 2, "committed": 50, "log_end_offset": 9000, "lag": 8950}]}],
  "unavailable": [{"section": "configs:payments", "error": "TopicAuthorizationFailed"}]
}"#;

fn worked() -> Snapshot {
    Snapshot::from_json(WORKED).expect("worked example is valid")
}

#[test]
fn the_mock_cluster_snapshot_reads_and_its_views_agree() {
    let s = Snapshot::from_json(MOCK).unwrap();
    let orders = s.topic("orders").unwrap();
    let v = topic_view(orders);
    assert_eq!(v.replication_factor, 3);
    assert_eq!((v.under_replicated, v.offline), (0, 0));
    assert_eq!(v.load_basis, LoadBasis::Rate);
    let g = s.groups.iter().find(|g| g.group_id == "billing").unwrap();
    let gv = group_view(&s, g);
    for r in &gv.rows {
        let want = match (r.log_end_offset, r.committed) {
            (Some(l), Some(c)) => Some(l - c),
            _ => None,
        };
        assert_eq!(r.lag, want);
    }
    assert!(gv.total_lag > 0);
    // Round trip.
    assert_eq!(Snapshot::from_json(&s.to_json_pretty()).unwrap(), s);
}

#[test]
fn health_flags_follow_replicas_isr_and_leader() {
    let s = worked();
    let v = topic_view(&s.topics[0]);
    let flags: Vec<(Option<bool>, Option<bool>, Option<bool>)> = v
        .health
        .iter()
        .map(|h| (h.under_replicated, h.offline, h.under_min_isr))
        .collect();
    assert_eq!(
        flags,
        vec![
            (Some(false), Some(false), Some(false)),
            (Some(true), Some(false), Some(false)),
            // leader -1 is Kafka's NO_LEADER: offline; ISR [3] < min.insync.replicas 2.
            (Some(true), Some(true), Some(true)),
        ]
    );
    assert_eq!((v.under_replicated, v.offline, v.under_min_isr), (2, 1, 1));
    assert_eq!(s.topics[0].partitions[2].leader, None);
    assert_eq!(v.replication_factor, 3);
}

#[test]
fn hot_partitions_by_twice_the_median_rate_and_top_keys_from_samples() {
    let v = topic_view(&worked().topics[0]);
    // records/s 10, 10, 50: median 10, 50 > 2 × 10.
    assert_eq!(v.hot_partitions, vec![2]);
    assert_eq!(v.records_per_s, Some(70.0));
    assert_eq!(v.bytes_per_s, Some(7000.0));
    assert_eq!(v.retained_records, 4900 + 4000 + 9000);
    assert_eq!(v.top_keys[0].murmur2, 7);
    assert_eq!(v.top_keys[0].records, 2);
    assert_eq!(v.top_keys[1].partitions, vec![1]);
    // (10 + 10 + 90 + 90 + 0 + 10 + 90) / 4 sampled records.
    assert_eq!(v.mean_record_bytes, Some(75.0));
}

#[test]
fn lag_rows_in_the_tool_order_with_time_lag_retention_and_drain() {
    let s = worked();
    let gv = group_view(&s, &s.groups[0]);
    // c-2-u owns 2 partitions, so its rows come first, by partition.
    let order: Vec<(i32, Option<&str>)> = gv
        .rows
        .iter()
        .map(|r| (r.partition, r.member_id.as_deref()))
        .collect();
    assert_eq!(
        order,
        vec![(1, Some("c-2-u")), (2, Some("c-2-u")), (0, Some("c-1-u"))]
    );
    assert_eq!(gv.total_lag, 1200);
    assert_eq!(gv.max_lag, Some(1200));
    assert_eq!(gv.alert, AlertLevel::Ok);
    // 1200 records at 10 records/s = 120 s behind; retention.ms is 60 s.
    assert_eq!(gv.worst_time_lag_ms, Some(120_000.0));
    assert_eq!(
        gv.warnings,
        vec![GroupWarning::RetentionShorterThanLag {
            topic: "orders".into(),
            partition: 0,
            time_lag_ms: 120_000.0,
            retention_ms: 60_000,
        }]
    );
    // Consumed at 30/s while produced at 10/s: 1200 / 20 = 60 s.
    assert_eq!(
        gv.drain,
        Some(Drain::Finite {
            ms: 60_000.0,
            topic: "orders".into(),
            partition: 0
        })
    );

    let audit = group_view(&s, &s.groups[1]);
    assert_eq!(
        audit.group_id, "<b>audit</b>",
        "names are data, kept verbatim"
    );
    // committed -1 is Kafka's "no offset": LAG prints '-'.
    assert_eq!(audit.rows[0].committed, None);
    assert_eq!(audit.rows[0].lag, None);
    assert_eq!(audit.total_lag, 8950);
    assert_eq!(audit.drain, None, "no commit rate measured");
    assert!(audit.rows.iter().all(|r| r.member_id.is_none()));
}

#[test]
fn alert_levels_and_negative_lag_follow_the_tool() {
    let mut s = worked();
    let o = &mut s.groups[1].offsets[1];
    o.committed = Some(9_100);
    o.lag = Some(-100);
    s.validate().unwrap();
    let v = group_view(&s, &s.groups[1]);
    assert_eq!(
        v.rows[1].lag,
        Some(-100),
        "printed as kafka-consumer-groups does"
    );
    assert_eq!(v.total_lag, 0);
    assert!(matches!(
        v.warnings[0],
        GroupWarning::CommittedBeyondLogEnd { lag: -100, .. }
    ));

    // The 10k / 100k levels on the group's total lag.
    for (lag, level) in [
        (9_999, AlertLevel::Ok),
        (10_000, AlertLevel::Warning),
        (150_000, AlertLevel::Critical),
    ] {
        let mut s = worked();
        let o = &mut s.groups[1].offsets[1];
        (o.committed, o.log_end_offset, o.lag) = (Some(0), Some(lag), Some(lag));
        s.validate().unwrap();
        assert_eq!(group_view(&s, &s.groups[1]).alert, level, "lag {lag}");
    }
}

#[test]
fn committed_before_log_start_is_flagged() {
    let mut s = worked();
    let o = &mut s.groups[0].offsets[0];
    o.committed = Some(50);
    o.lag = Some(4950);
    let v = group_view(&s, &s.groups[0]);
    assert!(v.warnings.contains(&GroupWarning::CommittedBeforeLogStart {
        topic: "orders".into(),
        partition: 0,
        committed: 50,
        log_start_offset: 100,
    }));
}

#[test]
fn planner_input_measured_from_the_cluster() {
    let s = worked();
    let input = plan_input_for_topic(&s, "orders").unwrap();
    assert_eq!(input.ingress_mb_per_s, Some(7000.0 / 1e6));
    assert_eq!(input.retention_hours, Some(60_000.0 / 3_600_000.0));
    assert_eq!(input.retention_bytes_per_partition, None, "-1 = unlimited");
    assert_eq!(input.replication_factor, Some(3.0));
    assert_eq!(input.min_insync_replicas, Some(2.0));
    assert_eq!(input.compression_codec.as_deref(), Some("lz4"));
    assert_eq!(input.consumer_groups, Some(2.0));
    assert_eq!(input.peak_consumers, Some(2.0));
    assert_eq!(input.brokers, Some(3.0));
    assert_eq!(input.avg_record_bytes, Some(75.0));
    assert_eq!(
        input.bootstrap_servers.as_deref(),
        Some("k1:9092,k2:9092,k3:9092")
    );
    let plan = planner::plan(&input).expect("the measured input plans");
    assert_eq!(plan.brokers, 3);
    assert!(matches!(
        plan_input_for_topic(&s, "nope"),
        Err(e) if e.to_string().starts_with("UNKNOWN_TOPIC_OR_PARTITION")
    ));
}

fn reject(json: &str) -> SnapshotError {
    Snapshot::from_json(json).expect_err("must be rejected")
}

fn replace(from: &str, to: &str) -> String {
    assert!(WORKED.contains(from), "{from}");
    WORKED.replacen(from, to, 1)
}

#[test]
fn hostile_input_is_rejected_with_a_message_naming_the_problem() {
    let cases: Vec<(String, &str)> = vec![
        (replace(r#""version": 1"#, r#""version": 2"#), "unsupported snapshot version 2"),
        (replace(r#""version": 1"#, r#""version": "1""#), "unsupported snapshot version \"1\""),
        (replace(r#""version": 1,"#, ""), "missing field `version`"),
        (replace(r#""log_end_offset": 5000"#, r#""log_end_offset": 1e30"#), "not a kplay snapshot"),
        (
            replace(r#""log_end_offset": 5000"#, r#""log_end_offset": 9223372036854775808"#),
            "not a kplay snapshot",
        ),
        (replace(r#""port": 9092"#, r#""port": 70000"#), "not a kplay snapshot"),
        (replace(r#""taken_at_ms": 1700000000000,"#, ""), "missing field `taken_at_ms`"),
        (
            replace(r#""name": "orders""#, r#""name": "<script>alert(1)</script>""#),
            "topics[0].name: Topic name is invalid: '<script>alert(1)</script>' contains one or more characters",
        ),
        (replace(r#""isr": [2,3]"#, r#""isr": [2,4]"#), "topics[0].partitions[1].isr: broker 4 is in the ISR but not a replica"),
        (replace(r#""leader": 2,"#, r#""leader": 7,"#), "topics[0].partitions[1].leader: leader 7 is not one of the replicas"),
        (replace(r#""replicas": [2,3,1]"#, r#""replicas": [2,3,3]"#), "broker 3 listed twice"),
        (replace(r#""partition": 1, "leader""#, r#""partition": 0, "leader""#), "duplicate partition 0"),
        (replace(r#""log_start_offset": 100"#, r#""log_start_offset": 6000"#), "log start offset 6000 is after the log end offset 5000"),
        (replace(r#""records_per_s": 50"#, r#""records_per_s": -1"#), "records_per_s: rate -1"),
        (replace(r#""lag": 1200"#, r#""lag": 7"#), "groups[0].offsets[0].lag: lag 7 does not match"),
        (replace(r#""key_crc32": [1, 1]"#, r#""key_crc32": [1]"#), "key_crc32: 1 entries but key_murmur2 has 2"),
        (replace(r#""value_bytes": [90]"#, r#""value_bytes": [90, 1]"#), "value_bytes: 2 entries but records is 1"),
        (replace(r#""key_bytes": [10]"#, r#""key_bytes": [4294967296]"#), "larger than Kafka's largest record"),
        (replace(r#""group_id": "billing""#, r#""group_id": "<b>audit</b>""#), "duplicate group"),
        (replace(r#""leader": 2,"#, ""), "missing field `leader`"),
        (replace(r#""lag": 0,"#, ""), "missing field `lag`"),
        (replace(r#""sample": null, "#, ""), "missing field `sample`"),
        ("[1,2]".into(), "not a kplay snapshot"),
        ("{\"version\":1".into(), "not a kplay snapshot"),
        (String::new(), "not a kplay snapshot"),
    ];
    for (json, want) in cases {
        let e = reject(&json).to_string();
        assert!(e.contains(want), "expected {want:?} in {e:?}");
    }
    let long_group = format!("\"{}\"", "g".repeat(5000));
    let e = reject(&replace(r#""billing""#, &long_group)).to_string();
    assert!(
        e.contains("groups[0].group_id: 5000 bytes; the limit is 4096"),
        "{e}"
    );
}

#[test]
fn oversized_input_and_too_many_partitions_are_refused_with_the_limit() {
    let huge = " ".repeat(MAX_SNAPSHOT_BYTES + 1);
    assert_eq!(
        Snapshot::from_json(&huge),
        Err(SnapshotError::TooLarge {
            bytes: MAX_SNAPSHOT_BYTES + 1,
            limit: MAX_SNAPSHOT_BYTES
        })
    );
    let part = r#"{"partition":0,"leader":null,"replicas":[],"isr":[],"log_start_offset":null,"log_end_offset":null,"records_per_s":null,"bytes_per_s":null,"sample":null}"#;
    let n = MAX_PARTITIONS + 1;
    let topics: Vec<String> = (0..n.div_ceil(1000))
        .map(|t| {
            let parts: Vec<String> = (0..1000.min(n - t * 1000))
                .map(|p| part.replacen("\"partition\":0", &format!("\"partition\":{p}"), 1))
                .collect();
            format!(
                r#"{{"name":"t{t}","configs":{{}},"partitions":[{}]}}"#,
                parts.join(",")
            )
        })
        .collect();
    let json = format!(
        r#"{{"version":1,"taken_at_ms":0,"cluster":{{"cluster_id":null,"controller":null,"brokers":[]}},"topics":[{}],"groups":[]}}"#,
        topics.join(",")
    );
    assert_eq!(
        Snapshot::from_json(&json).unwrap_err().to_string(),
        format!("too many partitions: {n}; the limit is {MAX_PARTITIONS}")
    );
}

/// KAFKA.md §7.2, the 3.8+ layout.
const TOPICS_DESCRIBE: &str = "Topic: orders\tTopicId: NPmZHyhbR9y00wMglMH2sg\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: min.insync.replicas=2,cleanup.policy=compact,leader.replication.throttled.replicas=0:1,1:2
\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3\tElr: \tLastKnownElr: 
\tTopic: orders\tPartition: 2\tLeader: none\tReplicas: 3,1,2\tIsr: 3\tElr: N/A\tLastKnownElr: N/A
";

#[test]
fn kafka_topics_describe_is_imported() {
    let topics = parse_topics_describe(TOPICS_DESCRIBE).unwrap();
    assert_eq!(topics.len(), 1);
    let t = &topics[0];
    assert_eq!(
        t.configs.get("min.insync.replicas").map(String::as_str),
        Some("2")
    );
    assert_eq!(
        t.configs
            .get("leader.replication.throttled.replicas")
            .map(String::as_str),
        Some("0:1,1:2"),
        "commas inside a value stay in the value"
    );
    let v = topic_view(t);
    assert_eq!(
        (v.partitions, v.under_replicated, v.offline, v.under_min_isr),
        (3, 2, 1, 1)
    );
    assert_eq!(t.partitions[1].replicas, vec![2, 3, 1]);

    // Tabs turned into spaces by a paste, and the ≤ 2.3 header layout.
    let spaced = TOPICS_DESCRIBE.replace('\t', "    ");
    assert_eq!(parse_topics_describe(&spaced).unwrap(), topics);
    let old = "Topic:orders\tPartitionCount:1\tReplicationFactor:1\tConfigs:\n\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n";
    assert_eq!(parse_topics_describe(old).unwrap()[0].partitions.len(), 1);

    let bad = TOPICS_DESCRIBE.replace("Leader: 2", "Leader: two");
    assert_eq!(
        parse_topics_describe(&bad).unwrap_err().to_string(),
        "line 3: Leader must be a broker id or 'none', found \"two\""
    );
    let bad = TOPICS_DESCRIBE.replace("Isr: 2,3", "Isr: 2,x");
    assert!(parse_topics_describe(&bad)
        .unwrap_err()
        .to_string()
        .starts_with("line 3: Isr"));
    let e = parse_topics_describe("hello\n").unwrap_err().to_string();
    assert!(
        e.starts_with("line 1: expected a line starting with 'Topic:'"),
        "{e}"
    );
    // ISR outside the replicas is caught by the snapshot's rules.
    let bad = TOPICS_DESCRIBE.replace("Isr: 2,3", "Isr: 2,9");
    let e = import_text(&bad, 0).unwrap_err().to_string();
    assert!(
        e.contains("broker 9 is in the ISR but not a replica"),
        "{e}"
    );
}

/// KAFKA.md §7.1's rendered example.
const GROUPS_DESCRIBE: &str = "
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID             HOST            CLIENT-ID
my-group        orders          0          5               10              5               consumer-1-1b2c-uuid    /10.0.0.5       consumer-1
my-group        orders          1          7               7               0               consumer-1-1b2c-uuid    /10.0.0.5       consumer-1
my-group        payments        0          -               3               -               -                       -               -
";

#[test]
fn kafka_consumer_groups_describe_is_imported() {
    let groups = parse_groups_describe(GROUPS_DESCRIBE).unwrap();
    assert_eq!(groups.len(), 1);
    let g = &groups[0];
    assert_eq!(g.group_id, "my-group");
    assert_eq!(g.members.len(), 1);
    assert_eq!(g.members[0].assignment.len(), 2);
    assert_eq!(g.members[0].host, "/10.0.0.5");
    let (fmt, s) = import_text(GROUPS_DESCRIBE, 42).unwrap();
    assert_eq!(fmt, PastedFormat::GroupsDescribe);
    let v = group_view(&s, &s.groups[0]);
    assert_eq!(v.total_lag, 5);
    assert_eq!(v.rows.len(), 3);
    assert_eq!(v.rows[2].lag, None);
    // Rendered back in the tool's layout, it reads as the same rows.
    let table = render_describe(&v.describe_rows());
    assert!(table.starts_with("\nGROUP           TOPIC           PARTITION  CURRENT-OFFSET"));
    assert_eq!(
        parse_describe(&table).unwrap(),
        parse_describe(GROUPS_DESCRIBE).unwrap()
    );
    let bad = GROUPS_DESCRIBE.replace("5               10", "x               10");
    let e = import_text(&bad, 0).unwrap_err();
    assert!(matches!(e, ImportError::Groups(_)));
    assert!(e.to_string().starts_with("line 3: CURRENT-OFFSET"), "{e}");
}

/// KAFKA-REPLICATION.md §5.1, the 3.6+ layout with the two status lines.
const LOG_DIRS: &str = r#"Querying brokers for log directories information
Received log directory information from brokers 1,2
{"brokers":[{"broker":1,"logDirs":[{"partitions":[{"partition":"my-orders-0","size":1048576,"offsetLag":0,"isFuture":false},{"partition":"my-orders-2","size":524288,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/var/lib/kafka/data"}]},{"broker":2,"logDirs":[{"partitions":[{"partition":"my-orders-0","size":1048570,"offsetLag":0,"isFuture":false}],"error":"org.apache.kafka.common.errors.KafkaStorageException","logDir":"/d2"}]}],"version":1}"#;

#[test]
fn kafka_log_dirs_json_is_imported() {
    let s = parse_log_dirs(LOG_DIRS).unwrap();
    let t = s.topic("my-orders").expect("split on the last '-'");
    assert_eq!(t.partitions.len(), 2);
    assert_eq!(t.partitions[0].replicas, vec![1, 2]);
    assert_eq!(t.partitions[0].replica_sizes.len(), 2);
    assert_eq!(s.unavailable[0].section, "log-dir:2:/d2");
    let v = topic_view(t);
    assert!(v
        .health
        .iter()
        .all(|h| h.offline.is_none() && h.under_replicated.is_none()));
    assert_eq!((v.offline, v.under_replicated), (0, 0));
    let e = parse_log_dirs(&LOG_DIRS.replace("my-orders-2", "my-orders-x")).unwrap_err();
    assert!(
        e.to_string()
            .contains("\"my-orders-x\" is not <topic>-<partition>"),
        "{e}"
    );
    let e = parse_log_dirs(&LOG_DIRS.replace("\"size\":524288", "\"size\":-5")).unwrap_err();
    assert!(e.to_string().starts_with("kafka-log-dirs JSON:"), "{e}");
    assert!(parse_log_dirs(&LOG_DIRS.replace("\"version\":1", "\"version\":2")).is_err());
    // Round trip of the imported model through the snapshot JSON.
    assert_eq!(Snapshot::from_json(&s.to_json_pretty()).unwrap(), s);
}

#[test]
fn pasted_text_is_recognised_and_merged() {
    assert_eq!(detect(WORKED), Some(PastedFormat::Snapshot));
    assert_eq!(detect(LOG_DIRS), Some(PastedFormat::LogDirs));
    assert_eq!(detect(TOPICS_DESCRIBE), Some(PastedFormat::TopicsDescribe));
    assert_eq!(detect(GROUPS_DESCRIBE), Some(PastedFormat::GroupsDescribe));
    assert_eq!(detect("<html>"), None);
    assert_eq!(
        import_text("<html>", 0).unwrap_err(),
        ImportError::Unrecognised
    );
    let (_, mut s) = import_text(TOPICS_DESCRIBE, 1).unwrap();
    let (_, groups) = import_text(GROUPS_DESCRIBE, 2).unwrap();
    s.merge(groups).unwrap();
    let view = snapshot_view(&s);
    assert_eq!(view.topics.len(), 1);
    assert_eq!(view.groups[0].group_id, "my-group");
    assert_eq!(s.taken_at_ms, 2);
}

#[test]
fn an_unsupported_version_is_quoted_on_a_character_boundary() {
    // Fuzz finding: a version string of multi-byte characters panicked
    // (`String::truncate` inside a character) instead of being refused.
    let text = format!("{{\"version\": \"{}\"}}", "é".repeat(100));
    let e = kplay_engine::snapshot::Snapshot::from_json(&text)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(e.contains("éé") && e.contains('…'), "{e}");
}
