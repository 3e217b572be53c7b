//! The `kafka-consumer-groups --describe --group G` table: rendered exactly
//! as the tool prints it, and parsed back from pasted output.
//!
//! Source: `tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java`
//! (`printOffsets`, `printOffsetFormat`, `getLag`, `collectGroupsOffsets`;
//! KAFKA.md §7.1). The format string is
//!
//! ```text
//! "\n%-{G}s %-{T}s %-10s %-15s %-15s %-15s %-{C}s %-{H}s %s"
//! ```
//!
//! with `G`, `T`, `C`, `H` = `max(15, longest value)` over all rows of the
//! group/topic/consumer-id/host columns (`-` counts as 1). Java's `%-Ns` pads to
//! at least `N` and never truncates. Every `printf` starts with `\n` and a
//! `println()` follows the last row, so the output is a blank line, the header,
//! one line per row and a final newline; there are no trailing spaces after
//! `CLIENT-ID`. Missing values print as `-` (`MISSING_COLUMN_VALUE`).
//!
//! Row order ([`describe_rows`]): members with a non-empty assignment, by
//! assignment size descending (stable); within a member by topic then partition
//! (as `describePartitions` sorts); then partitions with a committed offset
//! but no owner, with `-` for consumer, host and client.

use std::collections::BTreeSet;

use super::committed::GroupOffsets;
use super::lag::cli_lag;
use super::{ConsumerGroupState, TopicPartition};
use crate::cluster::Cluster;

/// `MISSING_COLUMN_VALUE`.
pub const MISSING: &str = "-";

/// One row of the describe table. `None` prints as `-`.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct DescribeRow {
    /// GROUP.
    pub group: String,
    /// TOPIC.
    pub topic: Option<String>,
    /// PARTITION.
    pub partition: Option<i32>,
    /// CURRENT-OFFSET: the committed offset.
    pub current_offset: Option<i64>,
    /// LOG-END-OFFSET: the high watermark.
    pub log_end_offset: Option<i64>,
    /// LAG: LOG-END-OFFSET − CURRENT-OFFSET.
    pub lag: Option<i64>,
    /// CONSUMER-ID.
    pub consumer_id: Option<String>,
    /// HOST (usually `/<ip>`).
    pub host: Option<String>,
    /// CLIENT-ID.
    pub client_id: Option<String>,
}

fn s_or_dash(v: Option<&str>) -> &str {
    v.unwrap_or(MISSING)
}

fn n_or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| MISSING.to_owned(), |x| x.to_string())
}

/// Java's `%-Ns`: left-justified, padded with spaces to at least `width`
/// characters (counted in UTF-16 units by Java; kplay counts `char`s, the same
/// for every legal topic and group name).
fn pad(out: &mut String, s: &str, width: usize) {
    out.push_str(s);
    for _ in s.chars().count()..width {
        out.push(' ');
    }
}

/// Renders one group's table byte-exactly as `kafka-consumer-groups --describe`
/// prints it to stdout (from the leading `\n` to the final newline).
pub fn render_describe(rows: &[DescribeRow]) -> String {
    let width = |f: &dyn Fn(&DescribeRow) -> usize| rows.iter().map(f).fold(15, usize::max);
    let g = width(&|r| r.group.chars().count());
    let t = width(&|r| s_or_dash(r.topic.as_deref()).chars().count());
    let c = width(&|r| s_or_dash(r.consumer_id.as_deref()).chars().count());
    let h = width(&|r| s_or_dash(r.host.as_deref()).chars().count());
    let mut out = String::new();
    let mut line = |cols: [&str; 9]| {
        out.push('\n');
        let widths = [g, t, 10, 15, 15, 15, c, h];
        for (col, w) in cols.iter().zip(widths) {
            pad(&mut out, col, w);
            out.push(' ');
        }
        out.push_str(cols[8]);
    };
    line([
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    ]);
    for r in rows {
        let (p, co, leo, lag) = (
            n_or_dash(r.partition),
            n_or_dash(r.current_offset),
            n_or_dash(r.log_end_offset),
            n_or_dash(r.lag),
        );
        line([
            &r.group,
            s_or_dash(r.topic.as_deref()),
            &p,
            &co,
            &leo,
            &lag,
            s_or_dash(r.consumer_id.as_deref()),
            s_or_dash(r.host.as_deref()),
            s_or_dash(r.client_id.as_deref()),
        ]);
    }
    out.push('\n');
    out
}

/// The message the tool prints for a group state before (or instead of) the
/// table, with the stream it goes to; `None` for `Stable`.
///
/// (`ConsumerGroupCommand.shouldPrintMemberState`.)
pub fn describe_state_message(group: &str, state: ConsumerGroupState) -> Option<(Stream, String)> {
    match state {
        ConsumerGroupState::Dead => Some((
            Stream::Stdout,
            format!("\nError: Consumer group '{group}' does not exist."),
        )),
        ConsumerGroupState::Empty => Some((
            Stream::Stderr,
            format!("\nConsumer group '{group}' has no active members."),
        )),
        ConsumerGroupState::Stable => None,
        _ => Some((
            Stream::Stderr,
            format!("\nWarning: Consumer group '{group}' is rebalancing."),
        )),
    }
}

/// Output stream of a CLI message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Stdout,
    /// Standard error.
    Stderr,
}

/// A member of the group as describe sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct MemberView {
    /// CONSUMER-ID (`<client.id>-<uuid>` in classic groups).
    pub consumer_id: String,
    /// HOST, e.g. `/10.0.0.5`.
    pub host: String,
    /// CLIENT-ID.
    pub client_id: String,
    /// Assigned partitions.
    pub assignment: Vec<TopicPartition>,
}

/// Builds the describe rows of a group from its members, its committed offsets
/// and the cluster's logs (LOG-END-OFFSET = high watermark). Partitions of
/// unknown topics get `-` for LOG-END-OFFSET and LAG.
pub fn describe_rows(
    offsets: &GroupOffsets,
    members: &[MemberView],
    cluster: &Cluster,
) -> Vec<DescribeRow> {
    let group = offsets.group_id().to_owned();
    let hw = |tp: &TopicPartition| {
        cluster
            .topic(&tp.topic)
            .and_then(|t| t.partition(tp.partition))
            .map(|p| p.log().high_watermark())
    };
    let row = |tp: &TopicPartition, m: Option<&MemberView>| {
        let committed = offsets.committed(tp);
        let leo = hw(tp);
        DescribeRow {
            group: group.clone(),
            topic: Some(tp.topic.clone()),
            partition: Some(tp.partition),
            current_offset: committed,
            log_end_offset: leo,
            lag: leo.and_then(|l| cli_lag(l, committed)),
            consumer_id: Some(m.map_or(MISSING, |m| &m.consumer_id).to_owned()),
            host: Some(m.map_or(MISSING, |m| &m.host).to_owned()),
            client_id: Some(m.map_or(MISSING, |m| &m.client_id).to_owned()),
        }
    };
    let mut ordered: Vec<&MemberView> = members
        .iter()
        .filter(|m| !m.assignment.is_empty())
        .collect();
    crate::sort::sort_by_key(&mut ordered, |m| std::cmp::Reverse(m.assignment.len()));
    let mut rows = Vec::new();
    let mut assigned = BTreeSet::new();
    for m in ordered {
        let mut tps: Vec<&TopicPartition> = m.assignment.iter().collect();
        crate::sort::sort(&mut tps);
        tps.dedup();
        for tp in tps {
            assigned.insert(tp.clone());
            rows.push(row(tp, Some(m)));
        }
    }
    for (tp, _) in offsets.committed_offsets() {
        if !assigned.contains(&tp) {
            rows.push(row(&tp, None));
        }
    }
    rows
}

/// Errors from [`parse_describe`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DescribeParseError {
    /// No line contains both `TOPIC` and `PARTITION`.
    #[error("no describe header found: expected a line containing TOPIC and PARTITION (paste the output of kafka-consumer-groups --describe)")]
    NoHeader,
    /// The header lacks a column kplay needs.
    #[error("line {line}: header has no {column} column")]
    MissingColumn {
        /// 1-based line number.
        line: usize,
        /// The missing column name.
        column: &'static str,
    },
    /// A row has fewer fields than the header.
    #[error("line {line}: expected {expected} columns, found {found}: {text:?}")]
    TooFewColumns {
        /// 1-based line number.
        line: usize,
        /// Columns in the header.
        expected: usize,
        /// Columns in the row.
        found: usize,
        /// The row's text.
        text: String,
    },
    /// A numeric column holds something else.
    #[error("line {line}: {column} must be a number or '-', found {value:?}")]
    NotANumber {
        /// 1-based line number.
        line: usize,
        /// Column name.
        column: &'static str,
        /// The value found.
        value: String,
    },
}

/// Parses pasted `kafka-consumer-groups --describe` output (one or several
/// groups, with or without the `GROUP` column — before 2.3 there was none —
/// with or without `--verbose`'s `LEADER-EPOCH`). Columns are located by
/// header name; rows are split on runs of whitespace and any extra fields are
/// joined into the last column (CLIENT-ID). Blank lines and the tool's
/// messages (`Consumer group ...`, `Warning: ...`, `Error: ...`) are skipped.
/// Rows without a GROUP column get an empty `group`.
pub fn parse_describe(text: &str) -> Result<Vec<DescribeRow>, DescribeParseError> {
    let mut header: Option<Vec<&str>> = None;
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty()
            || line.starts_with("Consumer group ")
            || line.starts_with("Warning:")
            || line.starts_with("Error:")
        {
            continue;
        }
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.contains(&"TOPIC") && fields.contains(&"PARTITION") {
            for column in [
                "TOPIC",
                "PARTITION",
                "CURRENT-OFFSET",
                "LOG-END-OFFSET",
                "LAG",
            ] {
                if !fields.contains(&column) {
                    return Err(DescribeParseError::MissingColumn {
                        line: line_no,
                        column,
                    });
                }
            }
            header = Some(fields);
            continue;
        }
        let Some(h) = header.as_ref() else { continue };
        if fields.len() < h.len() {
            return Err(DescribeParseError::TooFewColumns {
                line: line_no,
                expected: h.len(),
                found: fields.len(),
                text: line.to_owned(),
            });
        }
        let mut row = DescribeRow::default();
        for (idx, name) in h.iter().enumerate() {
            let value = if idx + 1 == h.len() {
                fields[idx..].join(" ")
            } else {
                fields[idx].to_owned()
            };
            let text_opt = (value != MISSING).then(|| value.clone());
            let num = |column: &'static str| -> Result<Option<i64>, DescribeParseError> {
                match &text_opt {
                    None => Ok(None),
                    Some(v) => {
                        v.parse::<i64>()
                            .map(Some)
                            .map_err(|_| DescribeParseError::NotANumber {
                                line: line_no,
                                column,
                                value: v.clone(),
                            })
                    }
                }
            };
            match *name {
                "GROUP" => row.group = value,
                "TOPIC" => row.topic = text_opt,
                "PARTITION" => {
                    row.partition =
                        match num("PARTITION")? {
                            None => None,
                            Some(p) => Some(i32::try_from(p).map_err(|_| {
                                DescribeParseError::NotANumber {
                                    line: line_no,
                                    column: "PARTITION",
                                    value: value.clone(),
                                }
                            })?),
                        }
                }
                "CURRENT-OFFSET" => row.current_offset = num("CURRENT-OFFSET")?,
                "LOG-END-OFFSET" => row.log_end_offset = num("LOG-END-OFFSET")?,
                "LAG" => row.lag = num("LAG")?,
                "CONSUMER-ID" => row.consumer_id = text_opt,
                "HOST" => row.host = text_opt,
                "CLIENT-ID" => row.client_id = text_opt,
                _ => {} // LEADER-EPOCH and future columns are ignored.
            }
        }
        rows.push(row);
    }
    if header.is_none() {
        return Err(DescribeParseError::NoHeader);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NewTopic;
    use crate::record::RecordInput;
    use proptest::prelude::*;

    fn row(
        g: &str,
        t: &str,
        p: i32,
        co: Option<i64>,
        leo: i64,
        member: Option<(&str, &str, &str)>,
    ) -> DescribeRow {
        DescribeRow {
            group: g.into(),
            topic: Some(t.into()),
            partition: Some(p),
            current_offset: co,
            log_end_offset: Some(leo),
            lag: cli_lag(leo, co),
            consumer_id: Some(member.map_or("-", |m| m.0).into()),
            host: Some(member.map_or("-", |m| m.1).into()),
            client_id: Some(member.map_or("-", |m| m.2).into()),
        }
    }

    #[test]
    fn renders_the_minimum_widths_byte_exactly() {
        let rows = vec![
            row(
                "my-group",
                "orders",
                0,
                Some(5),
                10,
                Some(("c1", "/10.0.0.5", "consumer-1")),
            ),
            row("my-group", "payments", 0, None, 3, None),
        ];
        let expected = "\n\
GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID\n\
my-group        orders          0          5               10              5               c1              /10.0.0.5       consumer-1\n\
my-group        payments        0          -               3               -               -               -               -\n";
        assert_eq!(render_describe(&rows), expected);
    }

    #[test]
    fn long_names_widen_their_columns_for_every_row() {
        let cid = "consumer-1-8b9c0e7a-4d4f-4e41-9a3e-0d6f6b1c2a11"; // 11 + 36 = 47 chars
        let rows = vec![
            row(
                "analytics-warehouse",
                "orders.v2.eu-west-1",
                11,
                Some(100),
                250,
                Some((cid, "/192.168.100.200", "consumer-1")),
            ),
            row(
                "analytics-warehouse",
                "x",
                2,
                Some(7),
                7,
                Some((cid, "/192.168.100.200", "consumer-1")),
            ),
        ];
        let out = render_describe(&rows);
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines[0], "");
        assert_eq!(
            lines[1],
            format!(
                "{:<19} {:<19} {:<10} {:<15} {:<15} {:<15} {:<47} {:<16} {}",
                "GROUP",
                "TOPIC",
                "PARTITION",
                "CURRENT-OFFSET",
                "LOG-END-OFFSET",
                "LAG",
                "CONSUMER-ID",
                "HOST",
                "CLIENT-ID"
            )
        );
        assert_eq!(
            lines[3],
            "analytics-warehouse x                   2          7               7               0               consumer-1-8b9c0e7a-4d4f-4e41-9a3e-0d6f6b1c2a11 /192.168.100.200 consumer-1"
        );
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[4], "");
        assert!(lines.iter().all(|l| !l.ends_with(' ')));
    }

    #[test]
    fn rows_follow_the_tools_order_and_lag_uses_the_high_watermark() {
        let mut c = Cluster::new(1, 0);
        for name in ["a", "b"] {
            c.create_topic(NewTopic {
                name: name.into(),
                partitions: 3,
                replication_factor: 1,
                configs: vec![],
            })
            .unwrap();
        }
        for p in 0..3 {
            for _ in 0..(p + 2) {
                c.topic_mut("a")
                    .unwrap()
                    .produce(p, RecordInput::new(None, Some(b"v"), 0), 0)
                    .unwrap();
            }
        }
        let mut o = GroupOffsets::new("g");
        o.commit(&TopicPartition::new("a", 0), 1, 0).unwrap();
        o.commit(&TopicPartition::new("a", 2), 4, 0).unwrap();
        o.commit(&TopicPartition::new("b", 1), 0, 0).unwrap();
        let members = vec![
            MemberView {
                consumer_id: "small".into(),
                host: "/h1".into(),
                client_id: "c1".into(),
                assignment: vec![TopicPartition::new("a", 0)],
            },
            MemberView {
                consumer_id: "idle".into(),
                host: "/h3".into(),
                client_id: "c3".into(),
                assignment: vec![],
            },
            MemberView {
                consumer_id: "big".into(),
                host: "/h2".into(),
                client_id: "c2".into(),
                assignment: vec![TopicPartition::new("a", 2), TopicPartition::new("a", 1)],
            },
        ];
        let rows = describe_rows(&o, &members, &c);
        type Got = (String, i32, Option<i64>, Option<i64>, Option<i64>, String);
        let got: Vec<Got> = rows
            .iter()
            .map(|r| {
                (
                    r.topic.clone().unwrap(),
                    r.partition.unwrap(),
                    r.current_offset,
                    r.log_end_offset,
                    r.lag,
                    r.consumer_id.clone().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a".into(), 1, None, Some(3), None, "big".into()),
                ("a".into(), 2, Some(4), Some(4), Some(0), "big".into()),
                ("a".into(), 0, Some(1), Some(2), Some(1), "small".into()),
                ("b".into(), 1, Some(0), Some(0), Some(0), "-".into()),
            ]
        );
    }

    #[test]
    fn state_messages_match_the_tool() {
        assert_eq!(
            describe_state_message("g", ConsumerGroupState::Empty),
            Some((
                Stream::Stderr,
                "\nConsumer group 'g' has no active members.".into()
            ))
        );
        assert_eq!(
            describe_state_message("g", ConsumerGroupState::PreparingRebalance)
                .unwrap()
                .1,
            "\nWarning: Consumer group 'g' is rebalancing."
        );
        assert_eq!(
            describe_state_message("g", ConsumerGroupState::Dead)
                .unwrap()
                .1,
            "\nError: Consumer group 'g' does not exist."
        );
        assert_eq!(
            describe_state_message("g", ConsumerGroupState::Stable),
            None
        );
    }

    #[test]
    fn parses_rendered_output_back() {
        let rows = vec![
            row(
                "my-group",
                "orders",
                0,
                Some(5),
                10,
                Some(("c1", "/10.0.0.5", "consumer 1")),
            ),
            row("my-group", "payments", 3, None, 3, None),
        ];
        let parsed = parse_describe(&render_describe(&rows)).unwrap();
        let mut expect = rows.clone();
        expect[1].consumer_id = None;
        expect[1].host = None;
        expect[1].client_id = None;
        assert_eq!(
            parsed, expect,
            "client id with a space is rejoined; '-' becomes None"
        );
    }

    #[test]
    fn parses_pre_2_3_output_without_group_and_verbose_output() {
        let old = "\nConsumer group 'g' has no active members.\n\nTOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\nt 0 1 5 4 - - -\n";
        let r = parse_describe(old).unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(
            (r[0].group.as_str(), r[0].lag, r[0].consumer_id.clone()),
            ("", Some(4), None)
        );
        let verbose = "GROUP TOPIC PARTITION LEADER-EPOCH CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\ng t 2 0 3 9 6 id /h c\n";
        let r = parse_describe(verbose).unwrap();
        assert_eq!(
            (r[0].partition, r[0].current_offset, r[0].log_end_offset),
            (Some(2), Some(3), Some(9))
        );
    }

    #[test]
    fn malformed_input_gives_clear_errors() {
        assert_eq!(
            parse_describe("hello\nworld"),
            Err(DescribeParseError::NoHeader)
        );
        let e = parse_describe("GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\ng t x 1 2 1 a b c").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2: PARTITION must be a number or '-', found \"x\""
        );
        let e = parse_describe("GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\ng t 1 2").unwrap_err();
        assert!(matches!(
            e,
            DescribeParseError::TooFewColumns {
                line: 2,
                expected: 9,
                found: 4,
                ..
            }
        ));
        let e = parse_describe("TOPIC PARTITION LAG").unwrap_err();
        assert_eq!(
            e,
            DescribeParseError::MissingColumn {
                line: 1,
                column: "CURRENT-OFFSET"
            }
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn parser_never_panics(s in "\\PC{0,200}") {
            let _ = parse_describe(&s);
        }

        #[test]
        fn parser_never_panics_on_header_plus_garbage(s in "[ a-z0-9\\-\\n]{0,200}") {
            let text = format!("GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID\n{s}");
            let _ = parse_describe(&text);
        }

        #[test]
        fn render_then_parse_round_trips(
            specs in proptest::collection::vec(("[a-z][a-z0-9._-]{0,25}", 0i32..100, proptest::option::of(0i64..1_000), 0i64..2_000, proptest::option::of("[a-z0-9-]{1,40}")), 1..8),
        ) {
            let rows: Vec<DescribeRow> = specs.iter().map(|(t, p, co, leo, cid)| {
                let m = cid.as_deref().map(|c| (c, "/10.1.2.3", "client"));
                row("grp", t, *p, *co, *leo, m)
            }).collect();
            let parsed = parse_describe(&render_describe(&rows)).unwrap();
            prop_assert_eq!(parsed.len(), rows.len());
            for (a, b) in parsed.iter().zip(&rows) {
                prop_assert_eq!(&a.topic, &b.topic);
                prop_assert_eq!(a.partition, b.partition);
                prop_assert_eq!(a.current_offset, b.current_offset);
                prop_assert_eq!(a.lag, b.lag);
            }
        }
    }
}
