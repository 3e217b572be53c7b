#![cfg(not(target_arch = "wasm32"))]
//! Properties of cluster snapshots (host only: proptest needs OS randomness).
//!
//! * Any valid snapshot survives serialize → parse unchanged.
//! * Any accepted snapshot gives consistent views: health flags follow
//!   replicas/ISR/leader, every lag is `log end − committed` or unknown,
//!   totals count only non-negative lag and negative lag is always flagged.
//! * No input makes the parser or the importers panic.
//!
//! `KPLAY_UPDATE_FIXTURES=1` also writes the 1,000-partition / 100-group
//! synthetic snapshot to `tests/fixtures/snapshot-1000p-100g.json` (the app's
//! speed check imports it).

use kplay_engine::partitioner::{crc32, murmur2};
use kplay_engine::snapshot::import::import_text;
use kplay_engine::snapshot::views::{group_view, snapshot_view, topic_view, GroupWarning};
use kplay_engine::snapshot::{
    BrokerInfo, GroupSnapshot, MemberSnapshot, OffsetSnapshot, PartitionSnapshot, Sample, Snapshot,
    TopicPartitionRef, TopicSnapshot,
};
use proptest::prelude::*;

fn partition_strategy(index: i32, brokers: i32) -> impl Strategy<Value = PartitionSnapshot> {
    (
        proptest::sample::subsequence((1..=brokers).collect::<Vec<_>>(), 0..=brokers as usize),
        any::<prop::sample::Index>(),
        any::<bool>(),
        0i64..1_000,
        0i64..1_000_000,
        proptest::option::of(0.0f64..1e6),
        proptest::collection::vec((proptest::option::of(any::<[u8; 3]>()), 0u64..100), 0..6),
    )
        .prop_map(
            move |(replicas, pick, has_leader, start, len, rate, sample)| {
                let isr: Vec<i32> = replicas.iter().copied().filter(|r| r % 2 == 1).collect();
                let leader = (has_leader && !replicas.is_empty())
                    .then(|| replicas[pick.index(replicas.len())]);
                let mut s = Sample {
                    records: sample.len() as u64,
                    ..Sample::default()
                };
                for (k, v) in &sample {
                    if let Some(k) = k {
                        s.key_murmur2.push(murmur2(k));
                        s.key_crc32.push(crc32(k));
                        s.key_bytes.push(3);
                    }
                    s.value_bytes.push(*v);
                }
                PartitionSnapshot {
                    partition: index,
                    leader,
                    replicas,
                    isr,
                    log_start_offset: Some(start),
                    log_end_offset: Some(start + len),
                    records_per_s: rate,
                    bytes_per_s: rate.map(|r| r * 10.0),
                    sample: Some(s),
                    replica_state_known: true,
                    replica_sizes: Vec::new(),
                }
            },
        )
}

fn snapshot_strategy() -> impl Strategy<Value = Snapshot> {
    (1i32..5, 1usize..4)
        .prop_flat_map(|(brokers, topics)| {
            let topic_s = proptest::collection::vec(1i32..6, topics).prop_flat_map(move |counts| {
                counts
                    .into_iter()
                    .enumerate()
                    .map(|(t, n)| {
                        (0..n)
                            .map(|p| partition_strategy(p, brokers))
                            .collect::<Vec<_>>()
                            .prop_map(move |partitions| TopicSnapshot {
                                name: format!("topic.{t}_x-{t}"),
                                configs: [("retention.ms".to_owned(), "60000".to_owned())].into(),
                                partitions,
                            })
                    })
                    .collect::<Vec<_>>()
            });
            let groups = proptest::collection::vec(
                proptest::collection::vec(
                    (
                        0usize..4,
                        0i32..6,
                        proptest::option::of(0i64..1_100_000),
                        any::<bool>(),
                    ),
                    0..8,
                ),
                0..4,
            );
            (topic_s, groups, Just(brokers), "[ -~<>&\"]{0,12}")
        })
        .prop_map(|(topics, groups, brokers, gname)| {
            let groups = groups
                .into_iter()
                .enumerate()
                .map(|(gi, rows)| {
                    let mut offsets: Vec<OffsetSnapshot> = Vec::new();
                    let mut members = vec![MemberSnapshot {
                        member_id: format!("m-{gi}"),
                        client_id: "c".into(),
                        host: "/127.0.0.1".into(),
                        assignment: Vec::new(),
                    }];
                    for (t, p, committed, owned) in rows {
                        let Some(topic) = topics.get(t % topics.len()) else {
                            continue;
                        };
                        let Some(part) = topic.partitions.get(p as usize % topic.partitions.len())
                        else {
                            continue;
                        };
                        if offsets
                            .iter()
                            .any(|o| o.topic == topic.name && o.partition == part.partition)
                        {
                            continue;
                        }
                        let leo = part.log_end_offset;
                        offsets.push(OffsetSnapshot {
                            topic: topic.name.clone(),
                            partition: part.partition,
                            committed,
                            log_end_offset: leo,
                            lag: leo.and_then(|l| committed.map(|c| l - c)),
                            committed_per_s: committed.map(|_| 5.0),
                        });
                        if owned {
                            members[0].assignment.push(TopicPartitionRef {
                                topic: topic.name.clone(),
                                partition: part.partition,
                            });
                        }
                    }
                    GroupSnapshot {
                        group_id: format!("{gname}{gi}"),
                        state: Some("Stable".into()),
                        protocol: Some("range".into()),
                        members,
                        offsets,
                    }
                })
                .collect();
            let mut s = Snapshot::empty(1_700_000_000_000);
            s.cluster.brokers = (1..=brokers)
                .map(|id| BrokerInfo {
                    id,
                    host: format!("k{id}"),
                    port: 9092,
                    rack: None,
                })
                .collect();
            s.topics = topics;
            s.groups = groups;
            s
        })
}

/// `back` equals `s`, except that a rate may differ in its last bit:
/// serde_json (without its `float_roundtrip` feature, which the engine does
/// not enable) parses some 17-digit decimals one ulp off.
fn same_up_to_float_parsing(back: &Snapshot, s: &Snapshot) -> Result<(), TestCaseError> {
    let mut back = back.clone();
    for (bt, st) in back.topics.iter_mut().zip(&s.topics) {
        for (bp, sp) in bt.partitions.iter_mut().zip(&st.partitions) {
            for (b, v) in [
                (&mut bp.records_per_s, sp.records_per_s),
                (&mut bp.bytes_per_s, sp.bytes_per_s),
            ] {
                match (*b, v) {
                    (Some(x), Some(y)) => {
                        prop_assert!(
                            (x - y).abs() <= y.abs() * 4.0 * f64::EPSILON,
                            "{} vs {}",
                            x,
                            y
                        );
                        *b = Some(y);
                    }
                    (x, y) => prop_assert_eq!(x, y),
                }
            }
        }
    }
    prop_assert_eq!(&back, s);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn serialize_then_parse_is_the_identity(s in snapshot_strategy()) {
        prop_assert_eq!(s.validate(), Ok(()));
        let back = Snapshot::from_json(&s.to_json_pretty()).unwrap();
        same_up_to_float_parsing(&back, &s)?;
        let compact = serde_json::to_string(&s).unwrap();
        same_up_to_float_parsing(&Snapshot::from_json(&compact).unwrap(), &s)?;
    }

    #[test]
    fn views_are_consistent(s in snapshot_strategy()) {
        let view = snapshot_view(&s);
        for (t, v) in s.topics.iter().zip(&view.topics) {
            prop_assert_eq!(v.partitions, t.partitions.len());
            for (p, h) in t.partitions.iter().zip(&v.health) {
                prop_assert_eq!(h.partition, p.partition);
                prop_assert_eq!(h.under_replicated, Some(p.isr.len() < p.replicas.len()));
                prop_assert_eq!(h.offline, Some(p.leader.is_none()));
            }
            prop_assert!(v.hot_partitions.iter().all(|h| t.partitions.iter().any(|p| p.partition == *h)));
        }
        for (g, v) in s.groups.iter().zip(&view.groups) {
            let mut negative = 0;
            let mut total = 0i64;
            for r in &v.rows {
                let want = match (r.log_end_offset, r.committed) {
                    (Some(l), Some(c)) => Some(l - c),
                    _ => None,
                };
                prop_assert_eq!(r.lag, want);
                if let Some(l) = r.lag {
                    if l < 0 { negative += 1 } else { total += l }
                }
                prop_assert!(r.time_lag_ms.is_none_or(|t| t >= 0.0));
            }
            prop_assert!(v.total_lag >= 0);
            prop_assert_eq!(v.total_lag, total);
            let flagged = v.warnings.iter().filter(|w| matches!(w, GroupWarning::CommittedBeyondLogEnd { .. })).count();
            prop_assert_eq!(flagged, negative);
            // Every committed or owned partition gets exactly one row.
            prop_assert!(v.rows.len() >= g.offsets.len());
            prop_assert_eq!(group_view(&s, g), v.clone());
        }
    }

    #[test]
    fn any_text_is_answered_without_a_panic(text in "(?s).{0,400}") {
        let _ = Snapshot::from_json(&text);
        let _ = import_text(&text, 0);
    }

    #[test]
    fn mutated_snapshots_are_answered_without_a_panic(
        s in snapshot_strategy(), at in any::<prop::sample::Index>(), byte in any::<u8>()
    ) {
        let mut json = serde_json::to_string(&s).unwrap().into_bytes();
        let i = at.index(json.len());
        json[i] = byte;
        if let Ok(text) = String::from_utf8(json) {
            if let Ok(parsed) = Snapshot::from_json(&text) {
                let _ = snapshot_view(&parsed);
            }
            let _ = import_text(&text, 0);
        }
    }
}

/// A deterministic 1,000-partition / 100-group snapshot: 10 topics of 100
/// partitions (RF 3 over 6 brokers), 8 sampled keys per partition, each
/// group committing on one topic's 100 partitions.
fn synthetic() -> Snapshot {
    let mut s = Snapshot::empty(1_700_000_000_000);
    s.cluster.cluster_id = Some("synthetic".into());
    s.cluster.controller = Some(1);
    s.cluster.brokers = (1..=6)
        .map(|id| BrokerInfo {
            id,
            host: format!("kafka-{id}.example"),
            port: 9092,
            rack: Some(format!("rack-{}", id % 3)),
        })
        .collect();
    for t in 0..10 {
        let partitions = (0..100)
            .map(|p: i32| {
                let replicas: Vec<i32> = (0..3).map(|r| (p + t + r) % 6 + 1).collect();
                let isr = if p % 17 == 0 {
                    replicas[..2].to_vec()
                } else {
                    replicas.clone()
                };
                let keys: Vec<String> = (0..8)
                    .map(|k| format!("key-{}", (p * 8 + k) % 300))
                    .collect();
                let rate = if p == 7 {
                    900.0
                } else {
                    100.0 + f64::from(p % 10)
                };
                PartitionSnapshot {
                    partition: p,
                    leader: (p % 97 != 5).then_some(replicas[0]),
                    isr,
                    replicas,
                    log_start_offset: Some(i64::from(p) * 10),
                    log_end_offset: Some(1_000_000 + i64::from(p) * 1_000),
                    records_per_s: Some(rate),
                    bytes_per_s: Some(rate * 520.0),
                    sample: Some(Sample {
                        records: 8,
                        key_murmur2: keys.iter().map(|k| murmur2(k.as_bytes())).collect(),
                        key_crc32: keys.iter().map(|k| crc32(k.as_bytes())).collect(),
                        key_bytes: keys.iter().map(|k| k.len() as u64).collect(),
                        value_bytes: vec![512; 8],
                        timestamps_ms: Vec::new(),
                        keys_hex: None,
                    }),
                    replica_state_known: true,
                    replica_sizes: Vec::new(),
                }
            })
            .collect();
        s.topics.push(TopicSnapshot {
            name: format!("events-{t}"),
            configs: [
                ("retention.ms".to_owned(), "604800000".to_owned()),
                ("min.insync.replicas".to_owned(), "2".to_owned()),
                ("cleanup.policy".to_owned(), "delete".to_owned()),
            ]
            .into(),
            partitions,
        });
    }
    for g in 0..100 {
        let topic = format!("events-{}", g % 10);
        let members: Vec<MemberSnapshot> = (0..4)
            .map(|m| MemberSnapshot {
                member_id: format!("consumer-{m}-{g:04}"),
                client_id: format!("consumer-{m}"),
                host: format!("/10.0.{g}.{m}"),
                assignment: (0..25)
                    .map(|i| TopicPartitionRef {
                        topic: topic.clone(),
                        partition: m * 25 + i,
                    })
                    .collect(),
            })
            .collect();
        let offsets = (0..100)
            .map(|p: i32| {
                let leo = 1_000_000 + i64::from(p) * 1_000;
                let committed = leo - i64::from((g * 37 + p) % 50) * 400;
                OffsetSnapshot {
                    topic: topic.clone(),
                    partition: p,
                    committed: Some(committed),
                    log_end_offset: Some(leo),
                    lag: Some(leo - committed),
                    committed_per_s: Some(150.0),
                }
            })
            .collect();
        s.groups.push(GroupSnapshot {
            group_id: format!("group-{g:03}"),
            state: Some("Stable".into()),
            protocol: Some(
                if g % 2 == 0 {
                    "range"
                } else {
                    "cooperative-sticky"
                }
                .into(),
            ),
            members,
            offsets,
        });
    }
    s
}

#[test]
#[allow(clippy::disallowed_methods)] // Timing is printed, never asserted.
fn synthetic_1000_partitions_100_groups() {
    let s = synthetic();
    assert_eq!(
        s.topics.iter().map(|t| t.partitions.len()).sum::<usize>(),
        1_000
    );
    assert_eq!(s.groups.len(), 100);
    let json = serde_json::to_string(&s).unwrap();
    let started = std::time::Instant::now();
    let parsed = Snapshot::from_json(&json).unwrap();
    let view = snapshot_view(&parsed);
    eprintln!(
        "1,000 partitions / 100 groups ({} bytes): parse + validate + views in {:?}",
        json.len(),
        started.elapsed()
    );
    assert_eq!(parsed, s);
    // Partition 7 of each topic runs at 900/s against a median near 105/s.
    assert!(view.topics.iter().all(|t| t.hot_partitions == vec![7]));
    // p % 17 == 0 → 6 under-replicated partitions per topic (0, 17, …, 85);
    // p = 5 has no leader.
    assert!(view
        .topics
        .iter()
        .all(|t| t.under_replicated == 6 && t.offline == 1));
    assert!(view
        .groups
        .iter()
        .all(|g| g.rows.len() == 100 && g.total_lag > 0));
    let t = topic_view(&parsed.topics[0]);
    assert_eq!(t.partitions, 100);
    if std::env::var_os("KPLAY_UPDATE_FIXTURES").is_some() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/snapshot-1000p-100g.json");
        std::fs::write(path, &json).unwrap();
    }
}
