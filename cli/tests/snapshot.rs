//! `kplay snapshot` against librdkafka's in-process mock cluster
//! (`rdkafka::mocking::MockCluster`, speaking the Kafka wire protocol on a
//! local socket). The mock serves Metadata, ListOffsets, Fetch, Produce,
//! OffsetCommit and OffsetFetch; it does not implement ListGroups,
//! DescribeGroups or DescribeConfigs, so those sections must come back in
//! `unavailable` rather than abort the snapshot.
//!
//! `KPLAY_UPDATE_FIXTURES=1` rewrites `tests/fixtures/snapshot-mock.json`
//! from the snapshot this test takes.

use std::collections::BTreeMap;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kplay_engine::partitioner::{crc32, murmur2};
use kplay_engine::snapshot::Snapshot;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::{Offset, TopicPartitionList};

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(args)
        .output()
        .unwrap()
}

fn producer(bootstrap: &str) -> BaseProducer {
    ClientConfig::new()
        .set("bootstrap.servers", bootstrap)
        .set("linger.ms", "0")
        .create()
        .unwrap()
}

const ORDERS_PARTITIONS: u32 = 4;

/// The keys produced to `orders`: 12 users, user-i sent i + 1 times
/// (78 records) in interleaved rounds, so partitions get different counts
/// and samples mix keys.
fn orders_keys() -> Vec<String> {
    (0..12)
        .flat_map(|round| (round..12).map(|i| format!("user-{i}")))
        .collect()
}

fn tmp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kplay-snapshot-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn snapshot_of_the_mock_cluster() {
    let mock = MockCluster::new(3).unwrap();
    let bootstrap = mock.bootstrap_servers();
    mock.create_topic("orders", ORDERS_PARTITIONS as i32, 3)
        .unwrap();
    mock.create_topic("payments", 2, 1).unwrap();

    // Keyed records through librdkafka's default partitioner
    // (consistent_random: CRC32(key) % partitions).
    let p = producer(&bootstrap);
    let keys = orders_keys();
    for k in &keys {
        p.send(
            BaseRecord::to("orders")
                .key(k.as_str())
                .payload("v-0123456789"),
        )
        .map_err(|(e, _)| e)
        .unwrap();
        p.poll(Duration::ZERO);
    }
    p.flush(Duration::from_secs(10)).unwrap();
    let mut expected: BTreeMap<i32, Vec<&String>> = BTreeMap::new();
    for k in &keys {
        expected
            .entry((crc32(k.as_bytes()) % ORDERS_PARTITIONS) as i32)
            .or_default()
            .push(k);
    }

    // Group "billing" commits explicit offsets: half of partition 0, all of 1, none of 2 and 3.
    let half0 = expected.get(&0).map_or(0, Vec::len) as i64 / 2;
    let end1 = expected.get(&1).map_or(0, Vec::len) as i64;
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "billing")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset("orders", 0, Offset::Offset(half0))
        .unwrap();
    tpl.add_partition_offset("orders", 1, Offset::Offset(end1))
        .unwrap();
    c.commit(&tpl, CommitMode::Sync).unwrap();
    drop(c);

    // Group "shipping" subscribes, reads everything and commits what it read.
    let c: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", &bootstrap)
        .set("group.id", "shipping")
        .set("client.id", "shipper")
        .set("enable.auto.commit", "false")
        .set("auto.offset.reset", "earliest")
        .create()
        .unwrap();
    c.subscribe(&["orders"]).unwrap();
    let mut read = 0;
    // At most 300 polls of 100 ms (the group join takes a few seconds on the mock).
    for _ in 0..300 {
        if read == keys.len() {
            break;
        }
        if let Some(m) = c.poll(Duration::from_millis(100)) {
            m.unwrap();
            read += 1;
        }
    }
    assert_eq!(
        read,
        keys.len(),
        "the subscribed consumer read every record"
    );
    c.commit_consumer_state(CommitMode::Sync).unwrap();
    drop(c);

    // payments-0 receives records throughout the snapshot; payments-1 stays idle.
    let stop = Arc::new(AtomicBool::new(false));
    let feeder = {
        let (stop, bootstrap) = (stop.clone(), bootstrap.clone());
        std::thread::spawn(move || {
            let p = producer(&bootstrap);
            let mut n = 0u64;
            while !stop.load(Ordering::SeqCst) {
                let key = format!("pay-{}", n % 5);
                let _ = p.send(
                    BaseRecord::to("payments")
                        .partition(0)
                        .key(&key)
                        .payload("x"),
                );
                p.poll(Duration::ZERO);
                n += 1;
                std::thread::sleep(Duration::from_millis(20));
            }
            p.flush(Duration::from_secs(5)).unwrap();
        })
    };
    std::thread::sleep(Duration::from_millis(300));

    let out_path = tmp("mock.json");
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        &bootstrap,
        "--group",
        "billing",
        "--group",
        "shipping",
        "--rate-window-s",
        "1",
        "--sample-records",
        "10",
        "--timeout-ms",
        "2000",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    stop.store(true, Ordering::SeqCst);
    feeder.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&out_path).unwrap();
    let snap = Snapshot::from_json(&text).unwrap();
    let raw: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(raw["version"], 1);

    // Cluster: the mock's three brokers.
    let mut ids: Vec<i32> = snap.cluster.brokers.iter().map(|b| b.id).collect();
    ids.sort();
    assert_eq!(ids, vec![1, 2, 3]);

    // Topics, partitions, replicas/ISR, watermarks.
    let orders = snap.topic("orders").unwrap();
    assert_eq!(orders.partitions.len(), ORDERS_PARTITIONS as usize);
    for part in &orders.partitions {
        assert_eq!(part.replicas.len(), 3);
        let mut isr = part.isr.clone();
        let mut replicas = part.replicas.clone();
        isr.sort();
        replicas.sort();
        assert_eq!(isr, replicas, "all replicas in sync on the mock");
        assert!(part.leader.is_some_and(|l| part.replicas.contains(&l)));
        let want = expected.get(&part.partition).map_or(0, Vec::len) as i64;
        assert_eq!(part.log_start_offset, Some(0));
        assert_eq!(
            part.log_end_offset,
            Some(want),
            "partition {}",
            part.partition
        );
        assert_eq!(part.records_per_s, Some(0.0), "orders is idle");
        // Sample: the last (up to) 10 keys, hashed like Java and librdkafka.
        let s = part.sample.as_ref().unwrap();
        let keys_here = expected.get(&part.partition).cloned().unwrap_or_default();
        let last: Vec<&String> = keys_here[keys_here.len().saturating_sub(10)..].to_vec();
        assert_eq!(s.records, last.len() as u64);
        assert_eq!(
            s.key_murmur2,
            last.iter()
                .map(|k| murmur2(k.as_bytes()))
                .collect::<Vec<_>>()
        );
        assert_eq!(
            s.key_crc32,
            last.iter().map(|k| crc32(k.as_bytes())).collect::<Vec<_>>()
        );
        assert!(s
            .key_crc32
            .iter()
            .all(|h| (h % ORDERS_PARTITIONS) as i32 == part.partition));
        assert_eq!(
            s.key_bytes,
            last.iter().map(|k| k.len() as u64).collect::<Vec<_>>()
        );
        assert!(s.value_bytes.iter().all(|&b| b == 12));
        assert_eq!(s.keys_hex, None, "no key bytes without --include-keys");
    }
    let payments = snap.topic("payments").unwrap();
    let pay0 = &payments.partitions[0];
    let pay1 = &payments.partitions[1];
    assert_eq!(pay0.replicas.len(), 1);
    assert!(
        pay0.records_per_s.is_some_and(|r| r > 0.0),
        "{:?}",
        pay0.records_per_s
    );
    assert!(pay0.bytes_per_s.is_some_and(|b| b > 0.0));
    assert_eq!(pay1.records_per_s, Some(0.0));
    assert_eq!(pay1.log_end_offset, Some(0));

    // The group: committed offsets and lag as kafka-consumer-groups prints them.
    let billing = snap
        .groups
        .iter()
        .find(|g| g.group_id == "billing")
        .unwrap();
    type Row = (String, i32, Option<i64>, Option<i64>, Option<i64>);
    let rows: Vec<Row> = billing
        .offsets
        .iter()
        .map(|o| {
            (
                o.topic.clone(),
                o.partition,
                o.committed,
                o.log_end_offset,
                o.lag,
            )
        })
        .collect();
    let leo0 = expected.get(&0).map_or(0, Vec::len) as i64;
    assert_eq!(
        rows,
        vec![
            (
                "orders".into(),
                0,
                Some(half0),
                Some(leo0),
                Some(leo0 - half0)
            ),
            ("orders".into(), 1, Some(end1), Some(end1), Some(0)),
        ]
    );

    let shipping = snap
        .groups
        .iter()
        .find(|g| g.group_id == "shipping")
        .unwrap();
    assert_eq!(shipping.offsets.len(), expected.len());
    for o in &shipping.offsets {
        let leo = expected.get(&o.partition).map_or(0, Vec::len) as i64;
        assert_eq!(
            (o.committed, o.log_end_offset, o.lag),
            (Some(leo), Some(leo), Some(0))
        );
    }

    // Degraded sections: recorded with the broker's error, not fatal.
    let sections: Vec<&str> = snap
        .unavailable
        .iter()
        .map(|u| u.section.as_str())
        .collect();
    assert!(sections.contains(&"groups"), "{sections:?}");
    assert!(
        sections.iter().any(|s| s.starts_with("configs")),
        "{sections:?}"
    );
    assert!(snap.unavailable.iter().all(|u| !u.error.is_empty()));

    if std::env::var_os("KPLAY_UPDATE_FIXTURES").is_some() {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/snapshot-mock.json");
        std::fs::create_dir_all(fixture.parent().unwrap()).unwrap();
        std::fs::write(fixture, &text).unwrap();
    }

    // A topic or a group that does not exist: a clear error, exit 2.
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        &bootstrap,
        "--topic",
        "nope",
        "--rate-window-s",
        "0",
        "--timeout-ms",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: UNKNOWN_TOPIC_OR_PARTITION"),
        "{err}"
    );
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        &bootstrap,
        "--group",
        "ghost",
        "--rate-window-s",
        "0",
        "--timeout-ms",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("GROUP_ID_NOT_FOUND") && err.contains("ghost"),
        "{err}"
    );
    drop(mock);
}

#[test]
fn unreachable_broker_is_a_clear_error() {
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        "127.0.0.1:1",
        "--timeout-ms",
        "1000",
        "--rate-window-s",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot read cluster metadata"),
        "{err}"
    );
}

#[test]
fn secrets_from_command_config_are_never_printed() {
    let cfg = tmp("client.properties");
    std::fs::write(
        &cfg,
        "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\nsasl.username=alice\nsasl.password=hunter2-secret\n",
    )
    .unwrap();
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        "127.0.0.1:1",
        "--command-config",
        cfg.to_str().unwrap(),
        "--timeout-ms",
        "1000",
        "--rate-window-s",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("hunter2"), "{all}");
}

#[test]
fn serve_refuses_non_loopback_addresses() {
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        "127.0.0.1:1",
        "--watch",
        "--serve",
        "0.0.0.0:8081",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a loopback"));
}

#[test]
fn committed_fixture_is_a_valid_snapshot() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/snapshot-mock.json");
    let snap = Snapshot::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert!(snap.topic("orders").is_some());
    assert!(!snap.unavailable.is_empty());
}

/// `GET path` on `addr`, returning (status line, body).
fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    assert!(head.contains("Access-Control-Allow-Origin: *"), "{head}");
    (
        head.lines().next().unwrap_or("").to_owned(),
        body.to_owned(),
    )
}

/// The `--watch` child, stopped (by its own handle) however the test ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn watch_serves_successive_snapshots_on_loopback() {
    use std::io::BufRead;
    let mock = MockCluster::new(1).unwrap();
    let bootstrap = mock.bootstrap_servers();
    mock.create_topic("live", 1, 1).unwrap();
    let mut child = KillOnDrop(
        Command::new(env!("CARGO_BIN_EXE_kplay"))
            .args([
                "snapshot",
                "--bootstrap-server",
                &bootstrap,
                "--watch",
                "--interval-s",
                "1",
                "--rate-window-s",
                "0",
                "--timeout-ms",
                "500",
                "--serve",
                "127.0.0.1:0",
            ])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(20)).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    let p = producer(&bootstrap);
    let mut seen: Vec<(i64, i64)> = Vec::new();
    for i in 0..200 {
        let (status, body) = http_get(&addr, "/snapshot.json");
        if status.contains("200") {
            let s = Snapshot::from_json(&body).unwrap();
            let leo = s.topic("live").unwrap().partitions[0]
                .log_end_offset
                .unwrap();
            if seen.last().is_none_or(|l| l.0 != s.taken_at_ms) {
                seen.push((s.taken_at_ms, leo));
                p.send(BaseRecord::to("live").key("k").payload("v"))
                    .map_err(|(e, _)| e)
                    .unwrap();
                p.flush(Duration::from_secs(5)).unwrap();
            }
        } else {
            assert!(status.contains("503"), "{status}");
        }
        if seen.len() >= 2 || i == 199 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, _) = http_get(&addr, "/elsewhere");
    drop(child);
    assert!(status.contains("404"), "{status}");
    assert_eq!(seen.len(), 2, "two successive snapshots served: {seen:?}");
    assert!(seen[1].0 > seen[0].0);
    assert!(
        seen[1].1 > seen[0].1,
        "the record produced in between shows: {seen:?}"
    );
}

#[test]
fn authorization_errors_are_clear_and_fatal() {
    use rdkafka::types::{RDKafkaApiKey, RDKafkaRespErr};
    let mock = MockCluster::new(1).unwrap();
    let bootstrap = mock.bootstrap_servers();
    mock.create_topic("orders", 1, 1).unwrap();
    // Every OffsetFetch of the run is refused (the CLI reads offsets twice).
    mock.request_errors(
        RDKafkaApiKey::OffsetFetch,
        &[RDKafkaRespErr::RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED; 8],
    );
    let out = kplay(&[
        "snapshot",
        "--bootstrap-server",
        &bootstrap,
        "--group",
        "billing",
        "--rate-window-s",
        "0",
        "--timeout-ms",
        "2000",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot read committed offsets of group \"billing\"")
            && err.contains("authoriz"),
        "{err}"
    );
}
