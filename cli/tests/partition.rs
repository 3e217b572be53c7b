//! `kplay partition` end to end (runs the built binary).

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn kplay(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .arg("partition")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kplay");
    {
        let mut sin = child.stdin.take().expect("stdin");
        if let Some(data) = stdin {
            sin.write_all(data).expect("write stdin");
        }
    }
    child.wait_with_output().expect("wait")
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    assert!(
        o.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn java_default_json_matches_kafka_vectors() {
    let o = kplay(
        &[
            "--partitions",
            "12",
            "--json",
            "user-42",
            "hello",
            "order-1001",
        ],
        None,
    );
    let rows = json_lines(&o);
    let got: Vec<(String, i64, i64)> = rows
        .iter()
        .map(|r| {
            (
                r["key"].as_str().unwrap().to_owned(),
                r["partition"].as_i64().unwrap(),
                r["hash"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("user-42".into(), 4, 1_459_644_460),
            ("hello".into(), 9, 2_132_663_229),
            ("order-1001".into(), 6, 297_523_878),
        ]
    );
    // Field order as documented: key, partition, hash.
    let first = String::from_utf8(o.stdout).unwrap();
    assert!(first.starts_with("{\"key\":\"user-42\",\"partition\":4,\"hash\":1459644460}"));
}

#[test]
fn one_key_two_clients() {
    let java = json_lines(&kplay(&["--partitions", "15", "--json", "TT0124"], None));
    let rd = json_lines(&kplay(
        &[
            "--partitions",
            "15",
            "--partitioner",
            "consistent_random",
            "--json",
            "TT0124",
        ],
        None,
    ));
    assert_eq!(java[0]["partition"], 10);
    assert_eq!(rd[0]["partition"], 9);
}

#[test]
fn librdkafka_0048_hashes_are_signed_32_bit() {
    let cases = [
        ("consistent", 0xb1b4_51d7_u32 as i32),
        ("murmur2", 0x858d_780f_u32 as i32),
        ("fnv1a", 0x27e6_f469),
    ];
    for (name, h) in cases {
        let rows = json_lines(&kplay(
            &[
                "--partitions",
                "17",
                "--partitioner",
                name,
                "--json",
                "23456",
            ],
            None,
        ));
        assert_eq!(rows[0]["hash"].as_i64().unwrap(), i64::from(h), "{name}");
        let expect = if name == "murmur2" {
            (h & 0x7fff_ffff) as u32
        } else {
            h as u32
        } % 17;
        assert_eq!(
            rows[0]["partition"].as_u64().unwrap(),
            u64::from(expect),
            "{name}"
        );
    }
}

#[test]
fn stdin_keys_and_empty_line_is_the_empty_key() {
    let rows = json_lines(&kplay(
        &["--partitions", "1000", "--json"],
        Some(b"a\r\n\nabc\n"),
    ));
    let keys: Vec<&str> = rows.iter().map(|r| r["key"].as_str().unwrap()).collect();
    assert_eq!(keys, vec!["a", "", "abc"]);
    // kafka-python vectors: b'a' → 524, b'' → 681, b'abc' → 107 of 1000.
    let parts: Vec<i64> = rows
        .iter()
        .map(|r| r["partition"].as_i64().unwrap())
        .collect();
    assert_eq!(parts, vec![524, 681, 107]);
}

#[test]
fn hex_keys() {
    // kafka-python: b'\x00 ' → 742 of 1000; empty hex line = empty key → 681.
    let rows = json_lines(&kplay(
        &["--partitions", "1000", "--hex", "--json"],
        Some(b"0020\n\n"),
    ));
    assert_eq!(rows[0]["key"], "0020");
    assert_eq!(rows[0]["partition"], 742);
    assert_eq!(rows[1]["key"], "");
    assert_eq!(rows[1]["partition"], 681);
    let o = kplay(&["--partitions", "3", "--hex", "zz"], None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("invalid hex key"));
    let o = kplay(&["--partitions", "3", "--hex", "abc"], None);
    assert!(!o.status.success());
}

#[test]
fn random_partitioners_omit_hash_and_are_seeded() {
    let args = [
        "--partitions",
        "50",
        "--partitioner",
        "random",
        "--json",
        "a",
        "b",
        "c",
        "d",
        "e",
    ];
    let a = json_lines(&kplay(&args, None));
    assert!(a.iter().all(|r| r.get("hash").is_none()));
    assert!(a.iter().all(|r| r["partition"].as_u64().unwrap() < 50));
    let b = json_lines(&kplay(&args, None));
    assert_eq!(a, b, "same seed, same output");
    let mut seeded = args.to_vec();
    seeded.extend(["--seed", "7"]);
    let c = json_lines(&kplay(&seeded, None));
    assert_ne!(a, c);
    // consistent_random: the empty key is random (no hash), other keys hashed.
    let rows = json_lines(&kplay(
        &[
            "--partitions",
            "17",
            "--partitioner",
            "consistent_random",
            "--json",
        ],
        Some(b"\nhejsan\n"),
    ));
    assert!(rows[0].get("hash").is_none());
    assert_eq!(rows[1]["partition"], 0xd077_037e_u32 % 17);
}

#[test]
fn errors_are_clear_and_non_zero() {
    for (args, needle) in [
        (vec!["--partitions", "0", "k"], "INVALID_PARTITIONS"),
        (vec!["--partitions", "-3", "k"], "INVALID_PARTITIONS"),
        (
            vec!["--partitions", "3", "--partitioner", "crc32", "k"],
            "partitioner",
        ),
    ] {
        let o = kplay(&args, None);
        assert!(!o.status.success(), "{args:?}");
        assert!(o.stdout.is_empty());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn table_output() {
    let o = kplay(&["--partitions", "6", "key-0", "key-1"], None);
    assert!(o.status.success());
    let s = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<Vec<&str>> = s
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines,
        vec![
            vec!["key-0", "1", "29210041"],
            vec!["key-1", "0", "193331640"]
        ]
    );
}

/// Issue 16 finding 10: a 64 KB key (32 KB with --hex) panicked on a format
/// width above u16::MAX. The table cuts long keys; --json keeps them whole.
#[test]
fn long_keys_are_cut_in_the_table_not_a_panic() {
    let key = "k".repeat(65_536);
    let o = kplay(&["--partitions", "6", &key], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = String::from_utf8(o.stdout).unwrap();
    let row = s.lines().nth(2).unwrap();
    assert!(row.starts_with(&format!("{}…  ", "k".repeat(63))), "{row}");
    let hex = "6b".repeat(33_000);
    let o = kplay(&["--partitions", "6", "--hex", &hex], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = json_lines(&kplay(&["--partitions", "6", "--json", &key], None));
    assert_eq!(v[0]["key"].as_str().unwrap().len(), 65_536);
    // A bad long hex key is quoted briefly.
    let o = kplay(&["--partitions", "6", "--hex", &"z".repeat(100_000)], None);
    assert!(!o.status.success());
    assert!(o.stderr.len() < 300, "{} bytes", o.stderr.len());
}

/// Issue 16 findings 12 and 14: partition counts are Java ints (1 to
/// 2147483647) and cost nothing per partition.
#[test]
#[allow(clippy::disallowed_methods)] // a test may time the binary
fn partition_counts_are_java_ints_and_cheap() {
    let started = std::time::Instant::now();
    for kind in [
        "java",
        "random",
        "consistent_random",
        "murmur2_random",
        "fnv1a",
    ] {
        let v = json_lines(&kplay(
            &[
                "--partitions",
                "2147483647",
                "--partitioner",
                kind,
                "--json",
                "a",
                "",
            ],
            None,
        ));
        assert_eq!(v.len(), 2);
    }
    assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    let v = json_lines(&kplay(
        &["--partitions", "2147483647", "--json", "TT0124"],
        None,
    ));
    let hash = v[0]["hash"].as_i64().unwrap();
    assert_eq!(
        v[0]["partition"].as_i64().unwrap(),
        (hash & 0x7fff_ffff) % 2_147_483_647
    );
    for n in ["4294967295", "4294967296", "2147483648", "0", "-1"] {
        let o = kplay(&["--partitions", n, "--partitioner", "random", "k"], None);
        assert!(!o.status.success(), "{n}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!(
                "Number of partitions must be between 1 and 2147483647 (Kafka's partition count is a Java int), got {n}"
            )),
            "{n}: {err}"
        );
    }
}

/// A reader that stops early (`kplay partition … | head -1`) closes the
/// pipe; kplay used to panic with "failed printing to stdout: Broken pipe".
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kplay"))
        .args(["partition", "--partitions", "3"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kplay");
    drop(child.stdout.take()); // the reader is gone before kplay writes
    {
        let mut sin = child.stdin.take().expect("stdin");
        let keys: String = (0..100_000).map(|i| format!("key-{i}\n")).collect();
        sin.write_all(keys.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}
