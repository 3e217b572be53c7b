//! The topic page's view model, derived from a [`TopicScenario`].
//!
//! Views aggregate: a partition shows counts, offsets, a bounded number of
//! segment blocks and its latest records — never one DOM node per record.

use kplay_engine::scenario::{ProduceOp, ScenarioError, TopicScenario};

/// At most this many segment blocks are drawn per partition; the rest are summarised.
pub const MAX_SEGMENT_BLOCKS: usize = 12;
/// Latest records shown per partition.
pub const TAIL_RECORDS: usize = 3;

/// One segment block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentBlock {
    /// First offset.
    pub base_offset: i64,
    /// One past the last offset.
    pub next_offset: i64,
    /// Bytes.
    pub size_bytes: u64,
    /// Whether this is the active segment.
    pub active: bool,
}

/// A record as the page prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordLine {
    /// Offset.
    pub offset: i64,
    /// Key rendered for display (`null` for a null key).
    pub key: String,
    /// Value rendered for display (`null` for a tombstone), shortened.
    pub value: String,
}

/// One partition's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionView {
    /// Partition number.
    pub partition: i32,
    /// Records stored.
    pub records: usize,
    /// Bytes stored.
    pub size_bytes: u64,
    /// Log start offset.
    pub log_start_offset: i64,
    /// High watermark.
    pub high_watermark: i64,
    /// Log end offset.
    pub log_end_offset: i64,
    /// The newest segments (oldest first), at most [`MAX_SEGMENT_BLOCKS`].
    pub segments: Vec<SegmentBlock>,
    /// Segments not drawn.
    pub hidden_segments: usize,
    /// The latest records, newest last.
    pub tail: Vec<RecordLine>,
}

/// The whole topic view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicView {
    /// Topic name.
    pub topic: String,
    /// Per-partition summaries.
    pub partitions: Vec<PartitionView>,
    /// Total records.
    pub total_records: usize,
    /// Largest partition's record count (for bar widths).
    pub max_records: usize,
}

/// Renders bytes for display: UTF-8 when printable, else hex; shortened to `max` chars.
pub fn display_bytes(b: Option<&[u8]>, max: usize) -> String {
    let Some(b) = b else {
        return "null".to_owned();
    };
    let s = match std::str::from_utf8(b) {
        Ok(s) if !s.chars().any(char::is_control) => format!("\"{s}\""),
        _ => format!(
            "0x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    };
    if s.chars().count() > max {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        s
    }
}

impl TopicView {
    /// Replays `scenario` and summarises every partition.
    pub fn build(scenario: &TopicScenario) -> Result<Self, ScenarioError> {
        let cluster = scenario.build()?;
        let Some(topic) = cluster.topic(&scenario.topic) else {
            return Ok(Self {
                topic: scenario.topic.clone(),
                partitions: Vec::new(),
                total_records: 0,
                max_records: 0,
            });
        };
        let partitions: Vec<PartitionView> = topic
            .partitions()
            .iter()
            .map(|p| {
                let log = p.log();
                let segs = log.segments();
                let hidden = segs.len().saturating_sub(MAX_SEGMENT_BLOCKS);
                let last = segs.len().saturating_sub(1);
                let segments = segs
                    .iter()
                    .enumerate()
                    .skip(hidden)
                    .map(|(i, s)| SegmentBlock {
                        base_offset: s.base_offset(),
                        next_offset: s.next_offset(),
                        size_bytes: s.size_in_bytes(),
                        active: i == last,
                    })
                    .collect();
                let from = (log.log_end_offset() - TAIL_RECORDS as i64).max(log.log_start_offset());
                let tail = log
                    .read_up_to(from, log.log_end_offset(), TAIL_RECORDS, u64::MAX)
                    .map(|f| {
                        f.records
                            .iter()
                            .map(|r| RecordLine {
                                offset: r.offset,
                                key: display_bytes(r.key, 24),
                                value: display_bytes(r.value, 32),
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                PartitionView {
                    partition: p.index(),
                    records: log.record_count(),
                    size_bytes: log.size_in_bytes(),
                    log_start_offset: log.log_start_offset(),
                    high_watermark: log.high_watermark(),
                    log_end_offset: log.log_end_offset(),
                    segments,
                    hidden_segments: hidden,
                    tail,
                }
            })
            .collect();
        Ok(Self {
            topic: topic.name().to_string(),
            total_records: partitions.iter().map(|p| p.records).sum(),
            max_records: partitions.iter().map(|p| p.records).max().unwrap_or(0),
            partitions,
        })
    }
}

/// The next generate operation's seed: distinct per operation, deterministic.
pub fn next_seed(scenario: &TopicScenario) -> u64 {
    scenario.ops.len() as u64 + 1
}

/// Parses the "records to generate" field.
pub fn parse_generate_count(s: &str) -> Result<u64, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n as u64),
        Ok(n) => Err(format!("Records to generate must be at least 1 (got {n}).")),
        Err(_) => Err(format!(
            "Records to generate must be a whole number (got '{}').",
            kplay_engine::input::clip(s.trim())
        )),
    }
}

/// Parses the partitions field of the create form. Counts below 1 (Kafka's
/// `-1` included) are answered by the engine with `INVALID_PARTITIONS` and
/// its explanation, never clamped (issue 16 #9).
pub fn parse_partitions(s: &str) -> Result<i64, String> {
    let t = s.trim();
    t.parse::<i64>().map_err(|_| {
        format!(
            "Partitions must be a whole number from 1 to 2147483647 (got '{}').",
            kplay_engine::input::clip(t)
        )
    })
}

/// Appends a produce operation (returns the new scenario).
pub fn with_op(scenario: &TopicScenario, op: ProduceOp) -> TopicScenario {
    let mut s = scenario.clone();
    s.ops.push(op);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_minus_one_is_explained_not_clamped() {
        let s = TopicScenario {
            partitions: parse_partitions("-1").unwrap(),
            ..TopicScenario::default()
        };
        let e = TopicView::build(&s).unwrap_err().to_string();
        assert!(
            e.contains("INVALID_PARTITIONS") && e.contains("num.partitions"),
            "{e}"
        );
        assert!(parse_partitions("three")
            .unwrap_err()
            .contains("whole number"));
        assert_eq!(parse_partitions(" 12 "), Ok(12));
    }

    #[test]
    fn view_counts_match_the_log() {
        let s = TopicScenario {
            ops: vec![ProduceOp::Generate {
                count: 100,
                seed: 1,
            }],
            ..TopicScenario::default()
        };
        let v = TopicView::build(&s).unwrap();
        assert_eq!(v.total_records, 100);
        assert_eq!(v.partitions.len(), 3);
        for p in &v.partitions {
            assert_eq!(p.log_end_offset as usize, p.records);
            assert!(p.tail.len() <= TAIL_RECORDS);
            assert!(p.segments.len() <= MAX_SEGMENT_BLOCKS);
            assert!(p.segments.last().is_some_and(|s| s.active));
        }
    }

    #[test]
    fn form_fields_reject_bad_numbers() {
        assert!(parse_generate_count("0").is_err());
        assert!(parse_generate_count("-4").is_err());
        assert!(parse_generate_count("x").is_err());
        assert_eq!(parse_generate_count(" 100 "), Ok(100));
        assert!(parse_partitions("3.5").is_err());
    }

    #[test]
    fn display_bytes_shortens_and_hexes() {
        assert_eq!(display_bytes(None, 10), "null");
        assert_eq!(display_bytes(Some(b"ab"), 10), "\"ab\"");
        assert_eq!(display_bytes(Some(&[0, 1]), 10), "0x0001");
        assert_eq!(display_bytes(Some(b"abcdefghij"), 6), "\"abcd…");
    }
}
