//! The seam between librdkafka and the engine's snapshot types: plain
//! values in, [`kplay_engine::snapshot`] values out. Nothing here talks to a
//! broker, so the group-membership and config mapping are tested with values
//! built in the test.

use std::collections::BTreeMap;

use kplay_engine::partitioner::{crc32, murmur2};
use kplay_engine::snapshot::{
    GroupSnapshot, MemberSnapshot, OffsetSnapshot, Sample, TopicPartitionRef, MAX_KEY_HEX_CHARS,
};
use rdkafka::admin::ConfigResource;

/// Topic configs kplay models (and shows); everything else is left out.
pub(crate) const MODELLED_CONFIGS: [&str; 16] = [
    "cleanup.policy",
    "compression.type",
    "delete.retention.ms",
    "local.retention.bytes",
    "local.retention.ms",
    "max.compaction.lag.ms",
    "max.message.bytes",
    "message.timestamp.type",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "min.insync.replicas",
    "retention.bytes",
    "retention.ms",
    "segment.bytes",
    "segment.ms",
    "unclean.leader.election.enable",
];

/// The modelled configs of a DescribeConfigs result. Sensitive entries
/// (`is_sensitive`, value withheld by the broker) are never copied.
pub(crate) fn configs_from(resource: &ConfigResource) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for e in &resource.entries {
        if e.is_sensitive || !MODELLED_CONFIGS.contains(&e.name.as_str()) {
            continue;
        }
        if let Some(v) = &e.value {
            out.insert(e.name.clone(), v.clone());
        }
    }
    out
}

/// A member as DescribeGroups returns it (librdkafka's `rd_kafka_group_member_info`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawMember {
    pub(crate) member_id: String,
    pub(crate) client_id: String,
    pub(crate) host: String,
    /// The `ConsumerProtocolAssignment` bytes.
    pub(crate) assignment: Option<Vec<u8>>,
}

/// A group as ListGroups + DescribeGroups return it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawGroup {
    pub(crate) name: String,
    pub(crate) state: String,
    pub(crate) protocol: String,
    pub(crate) protocol_type: String,
    pub(crate) members: Vec<RawMember>,
}

/// Decodes a classic consumer group member's assignment: Kafka's
/// `ConsumerProtocolAssignment` (versions 0–3, all the same layout for the
/// fields read here): `int16 version`, `[string topic, [int32 partition]]`,
/// `bytes user_data` — big-endian, strings with an int16 length, arrays with
/// an int32 count (`clients/src/main/resources/common/message/ConsumerProtocolAssignment.json`).
pub(crate) fn decode_assignment(bytes: &[u8]) -> Result<Vec<TopicPartitionRef>, String> {
    struct R<'a>(&'a [u8]);
    impl R<'_> {
        fn take(&mut self, n: usize) -> Result<&[u8], String> {
            if self.0.len() < n {
                return Err(format!("assignment truncated: needed {n} more bytes"));
            }
            let (a, b) = self.0.split_at(n);
            self.0 = b;
            Ok(a)
        }
        fn i16(&mut self) -> Result<i16, String> {
            let b = self.take(2)?;
            Ok(i16::from_be_bytes([b[0], b[1]]))
        }
        fn i32(&mut self) -> Result<i32, String> {
            let b = self.take(4)?;
            Ok(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        }
    }
    let mut r = R(bytes);
    if bytes.is_empty() {
        return Ok(Vec::new());
    }
    let version = r.i16()?;
    if !(0..=3).contains(&version) {
        return Err(format!(
            "unknown ConsumerProtocolAssignment version {version}"
        ));
    }
    let topics = r.i32()?;
    if topics < 0 {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for _ in 0..topics {
        let len = r.i16()?;
        let len = usize::try_from(len).map_err(|_| "null topic name in assignment".to_owned())?;
        let topic = String::from_utf8(r.take(len)?.to_vec())
            .map_err(|_| "topic name in assignment is not UTF-8".to_owned())?;
        let n = r.i32()?;
        // Each partition takes 4 bytes: a count beyond what is left is corrupt.
        if n < 0 || n as usize > r.0.len() / 4 {
            return Err(format!("assignment of {topic} claims {n} partitions"));
        }
        for _ in 0..n {
            out.push(TopicPartitionRef {
                topic: topic.clone(),
                partition: r.i32()?,
            });
        }
    }
    Ok(out)
}

/// A group snapshot from DescribeGroups (optional) and committed offsets.
/// `committed` is `(topic, partition, committed offset or None)`; rows are
/// kept for partitions with a committed offset or an owner (as
/// `kafka-consumer-groups --describe` shows them). `log_end` gives the high
/// watermark per partition, `committed_per_s` the measured commit rate.
pub(crate) fn group_from(
    group_id: &str,
    described: Option<&RawGroup>,
    committed: &[(String, i32, Option<i64>)],
    log_end: &dyn Fn(&str, i32) -> Option<i64>,
    committed_per_s: &dyn Fn(&str, i32) -> Option<f64>,
) -> Result<GroupSnapshot, String> {
    let mut members = Vec::new();
    if let Some(g) = described {
        for m in &g.members {
            let assignment = match &m.assignment {
                Some(b) => decode_assignment(b)
                    .map_err(|e| format!("group {group_id:?}, member {:?}: {e}", m.member_id))?,
                None => Vec::new(),
            };
            members.push(MemberSnapshot {
                member_id: m.member_id.clone(),
                client_id: m.client_id.clone(),
                host: m.host.clone(),
                assignment,
            });
        }
    }
    let owned: Vec<(&str, i32)> = members
        .iter()
        .flat_map(|m| m.assignment.iter().map(|a| (a.topic.as_str(), a.partition)))
        .collect();
    let mut rows: BTreeMap<(String, i32), Option<i64>> = BTreeMap::new();
    for (t, p, c) in committed {
        if c.is_some() || owned.contains(&(t.as_str(), *p)) {
            rows.insert((t.clone(), *p), *c);
        }
    }
    for (t, p) in owned {
        rows.entry((t.to_owned(), p)).or_insert(None);
    }
    let offsets = rows
        .into_iter()
        .map(|((topic, partition), committed)| {
            let leo = log_end(&topic, partition);
            OffsetSnapshot {
                lag: leo.and_then(|l| kplay_engine::offsets::lag::cli_lag(l, committed)),
                committed_per_s: committed_per_s(&topic, partition),
                topic,
                partition,
                committed,
                log_end_offset: leo,
            }
        })
        .collect();
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    Ok(GroupSnapshot {
        group_id: group_id.to_owned(),
        state: described.and_then(|g| non_empty(&g.state)),
        protocol: described.and_then(|g| non_empty(&g.protocol)),
        members,
        offsets,
    })
}

/// One fetched record, as the sampler sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SampledRecord {
    pub(crate) key: Option<Vec<u8>>,
    pub(crate) value_len: usize,
    pub(crate) timestamp_ms: Option<i64>,
}

/// The sample summary of a partition's last records: Java murmur2 and
/// librdkafka CRC32 of each key (the engine's implementations), sizes,
/// timestamps; the keys themselves (hex) only when `include_keys`.
pub(crate) fn sample_from(records: &[SampledRecord], include_keys: bool) -> Sample {
    let mut s = Sample {
        records: records.len() as u64,
        ..Sample::default()
    };
    let mut keys = Vec::new();
    for r in records {
        if let Some(k) = &r.key {
            s.key_murmur2.push(murmur2(k));
            s.key_crc32.push(crc32(k));
            s.key_bytes.push(k.len() as u64);
            if include_keys {
                keys.push(k.iter().map(|b| format!("{b:02x}")).collect::<String>());
            }
        }
        s.value_bytes.push(r.value_len as u64);
    }
    if records.iter().all(|r| r.timestamp_ms.is_some()) {
        s.timestamps_ms = records.iter().filter_map(|r| r.timestamp_ms).collect();
    }
    // A key too long to write in hex leaves the whole partition's keys out
    // (the caller reports it in `unavailable`).
    if include_keys && keys.iter().all(|k| k.len() <= MAX_KEY_HEX_CHARS) {
        s.keys_hex = Some(keys);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rdkafka::admin::{ConfigEntry, ConfigSource, OwnedResourceSpecifier};

    fn entry(name: &str, value: Option<&str>, sensitive: bool) -> ConfigEntry {
        ConfigEntry {
            name: name.into(),
            value: value.map(Into::into),
            source: ConfigSource::DynamicTopic,
            is_read_only: false,
            is_default: false,
            is_sensitive: sensitive,
        }
    }

    /// Builds `ConsumerProtocolAssignment` v`version` bytes.
    fn assignment(version: i16, topics: &[(&str, &[i32])], user_data: &[u8]) -> Vec<u8> {
        let mut b = version.to_be_bytes().to_vec();
        b.extend((topics.len() as i32).to_be_bytes());
        for (t, ps) in topics {
            b.extend((t.len() as i16).to_be_bytes());
            b.extend(t.as_bytes());
            b.extend((ps.len() as i32).to_be_bytes());
            for p in *ps {
                b.extend(p.to_be_bytes());
            }
        }
        b.extend((user_data.len() as i32).to_be_bytes());
        b.extend(user_data);
        b
    }

    #[test]
    fn configs_keep_modelled_non_sensitive_entries() {
        let r = ConfigResource {
            specifier: OwnedResourceSpecifier::Topic("orders".into()),
            entries: vec![
                entry("retention.ms", Some("604800000"), false),
                entry("cleanup.policy", Some("compact,delete"), false),
                entry("min.insync.replicas", Some("2"), false),
                entry("follower.replication.throttled.replicas", Some(""), false),
                entry("retention.bytes", None, true),
                entry("segment.bytes", Some("1073741824"), true),
            ],
        };
        let c = configs_from(&r);
        assert_eq!(
            c.into_iter().collect::<Vec<_>>(),
            vec![
                ("cleanup.policy".to_owned(), "compact,delete".to_owned()),
                ("min.insync.replicas".to_owned(), "2".to_owned()),
                ("retention.ms".to_owned(), "604800000".to_owned()),
            ]
        );
    }

    #[test]
    fn decodes_every_assignment_version_and_rejects_corrupt_bytes() {
        for v in 0..=3 {
            let b = assignment(v, &[("orders", &[0, 2]), ("pay", &[1])], b"ud");
            assert_eq!(
                decode_assignment(&b).unwrap(),
                vec![
                    TopicPartitionRef {
                        topic: "orders".into(),
                        partition: 0
                    },
                    TopicPartitionRef {
                        topic: "orders".into(),
                        partition: 2
                    },
                    TopicPartitionRef {
                        topic: "pay".into(),
                        partition: 1
                    },
                ]
            );
        }
        assert_eq!(decode_assignment(&[]).unwrap(), vec![]);
        let b = assignment(0, &[("orders", &[0, 2])], b"");
        assert!(decode_assignment(&b[..b.len() - 9]).is_err());
        assert!(decode_assignment(&assignment(9, &[], b"")).is_err());
        let mut huge = assignment(0, &[("t", &[])], b"");
        huge[9..13].copy_from_slice(&i32::MAX.to_be_bytes());
        assert!(decode_assignment(&huge).unwrap_err().contains("claims"));
    }

    #[test]
    fn group_rows_follow_owners_and_commits_with_cli_lag() {
        let g = RawGroup {
            name: "billing".into(),
            state: "Stable".into(),
            protocol: "range".into(),
            protocol_type: "consumer".into(),
            members: vec![
                RawMember {
                    member_id: "c-1-uuid".into(),
                    client_id: "c-1".into(),
                    host: "/10.0.0.5".into(),
                    assignment: Some(assignment(1, &[("orders", &[0, 1])], b"")),
                },
                RawMember {
                    member_id: "c-2-uuid".into(),
                    client_id: "c-2".into(),
                    host: "/10.0.0.6".into(),
                    assignment: None,
                },
            ],
        };
        let committed = vec![
            ("orders".to_owned(), 0, Some(40)),
            ("orders".to_owned(), 1, None),
            ("orders".to_owned(), 2, Some(7)),
            ("orders".to_owned(), 3, None),
        ];
        let leo = |_: &str, p: i32| Some(50 + i64::from(p));
        let rate = |_: &str, p: i32| (p == 0).then_some(2.5);
        let s = group_from("billing", Some(&g), &committed, &leo, &rate).unwrap();
        assert_eq!(s.state.as_deref(), Some("Stable"));
        assert_eq!(s.protocol.as_deref(), Some("range"));
        assert_eq!(s.members.len(), 2);
        assert_eq!(s.members[0].assignment.len(), 2);
        assert!(s.members[1].assignment.is_empty());
        // Partition 3: neither committed nor owned → no row (as the tool).
        let rows: Vec<(i32, Option<i64>, Option<i64>)> = s
            .offsets
            .iter()
            .map(|o| (o.partition, o.committed, o.lag))
            .collect();
        assert_eq!(
            rows,
            vec![
                (0, Some(40), Some(10)),
                (1, None, None),
                (2, Some(7), Some(45))
            ]
        );
        assert_eq!(s.offsets[0].committed_per_s, Some(2.5));
        assert_eq!(s.offsets[1].committed_per_s, None);

        // Without DescribeGroups: offsets only, state and protocol unknown.
        let s = group_from("billing", None, &committed, &leo, &rate).unwrap();
        assert_eq!(
            (s.state, s.protocol, s.members.len(), s.offsets.len()),
            (None, None, 0, 2)
        );
    }

    #[test]
    fn samples_hash_keys_and_hide_them_unless_asked() {
        let recs = vec![
            SampledRecord {
                key: Some(b"user-42".to_vec()),
                value_len: 10,
                timestamp_ms: Some(5),
            },
            SampledRecord {
                key: None,
                value_len: 0,
                timestamp_ms: Some(6),
            },
        ];
        let s = sample_from(&recs, false);
        assert_eq!(s.records, 2);
        assert_eq!(s.key_murmur2, vec![murmur2(b"user-42")]);
        assert_eq!(s.key_crc32, vec![crc32(b"user-42")]);
        assert_eq!((s.key_bytes, s.value_bytes), (vec![7], vec![10, 0]));
        assert_eq!(s.timestamps_ms, vec![5, 6]);
        assert_eq!(s.keys_hex, None);
        let s = sample_from(&recs, true);
        assert_eq!(s.keys_hex, Some(vec!["757365722d3432".to_owned()]));
        let long = vec![SampledRecord {
            key: Some(vec![1; MAX_KEY_HEX_CHARS / 2 + 1]),
            value_len: 1,
            timestamp_ms: None,
        }];
        let s = sample_from(&long, true);
        assert_eq!((s.keys_hex, s.key_bytes), (None, vec![32_769]));
    }
}
