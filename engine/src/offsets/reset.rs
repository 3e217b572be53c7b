//! `kafka-consumer-groups --reset-offsets`, option by option.
//!
//! Source: `tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java`
//! (`resetOffsets`, `resetOffsetsForInactiveGroup`) and
//! `tools/src/main/java/org/apache/kafka/tools/GroupOffsetsResetter.java`
//! (`resetToEarliest`, `resetToLatest`, `resetToOffset`, `resetByShiftBy`,
//! `resetToDateTime`, `resetByDuration`, `checkOffsetsRange`,
//! `printOffsetsToReset`).
//!
//! * Only an **inactive** group (state `Empty` or `Dead`, or unknown) can be
//!   reset; otherwise the tool prints
//!   `Error: Assignments can only be reset if the group 'G' is inactive, but the current state is Stable.`
//!   and resets nothing ([`ResetError::GroupNotInactive`]).
//! * `--to-earliest` → log start offset; `--to-latest` → high watermark
//!   (ListOffsets LATEST, read_uncommitted).
//! * `--to-offset N` and `--shift-by N` are **clamped** to
//!   `[log start offset, high watermark]` (`checkOffsetsRange`, which logs
//!   "New offset (N) is higher than latest offset for topic partition T-P. Value will be set to E."
//!   or "... is lower than earliest offset ..."). This clamping is Kafka's own
//!   behaviour, not a kplay convenience; the warnings are returned in
//!   [`ResetPlan::warnings`]. `--shift-by` needs a committed offset
//!   ("Cannot shift offset for partition T-P since there is no current committed offset").
//! * `--to-datetime` / `--by-duration` → ListOffsets by timestamp: the first
//!   offset whose record timestamp is ≥ the target; if none, the tool prints
//!   `Warn: Partition P from topic T is empty. Falling back to latest known offset.`
//!   and uses the high watermark. `--by-duration` takes an ISO-8601 duration
//!   (`PnDTnHnMn.nS`, `java.time.Duration.parse`) subtracted from *now* — the
//!   simulated now here.
//! * `--dry-run` (the default without `--execute`) prints the plan;
//!   [`ResetPlan::render_table`] gives that table byte-exactly.
//!
//! Partitions: `--all-topics` resets the partitions the group has committed
//! offsets for; `--topic T` every partition of `T`; `--topic T:0,2` those.

use std::collections::BTreeMap;

use super::committed::{CommitError, GroupOffsets};
use super::{ConsumerGroupState, TopicPartition};
use crate::clock::Millis;
use crate::cluster::Cluster;
use crate::log::Log;

/// What to reset to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ResetSpec {
    /// `--to-earliest`.
    ToEarliest,
    /// `--to-latest`.
    ToLatest,
    /// `--to-offset N` (clamped).
    ToOffset(i64),
    /// `--shift-by N` from the committed offset (clamped).
    ShiftBy(i64),
    /// `--to-datetime` as a timestamp in simulated ms (see [`parse_datetime`]).
    ToDatetime(Millis),
    /// `--by-duration` as milliseconds before now (see [`parse_duration`]).
    ByDuration(Millis),
    /// `--to-current`: the committed offset, or the high watermark if none.
    ToCurrent,
}

/// Which partitions to reset.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ResetScope {
    /// `--all-topics`: every partition the group has a committed offset for.
    AllTopics,
    /// `--topic T` (all partitions, `None`) or `--topic T:0,1` (listed ones), repeatable.
    Topics(Vec<(String, Option<Vec<i32>>)>),
}

/// Errors that stop a reset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResetError {
    /// The group has active members.
    #[error("Assignments can only be reset if the group '{group}' is inactive, but the current state is {state}.")]
    GroupNotInactive {
        /// Group id.
        group: String,
        /// Its state.
        state: ConsumerGroupState,
    },
    /// Partitions that do not exist (`UnknownTopicOrPartitionException`).
    #[error("The partitions \"{partitions}\" do not exist")]
    UnknownTopicOrPartition {
        /// Comma-separated `topic-partition` list.
        partitions: String,
    },
    /// `--shift-by` on a partition without a committed offset.
    #[error(
        "Cannot shift offset for partition {partition} since there is no current committed offset"
    )]
    NoCommittedOffsetToShift {
        /// The partition.
        partition: TopicPartition,
    },
    /// Shift/offset arithmetic overflowed.
    #[error("offset arithmetic overflowed for partition {partition}")]
    Overflow {
        /// The partition.
        partition: TopicPartition,
    },
    /// A `--to-datetime` value that does not parse.
    #[error("Error parsing timestamp '{value}': expected yyyy-MM-dd'T'HH:mm:ss.SSS with an optional Z or ±hh:mm")]
    InvalidDatetime {
        /// What was given.
        value: String,
    },
    /// A `--by-duration` value that does not parse (`DateTimeParseException`).
    #[error("Text cannot be parsed to a Duration: '{value}'")]
    InvalidDuration {
        /// What was given.
        value: String,
    },
    /// `--by-duration` must not be negative in kplay.
    #[error("--by-duration must not be negative: '{value}'")]
    NegativeDuration {
        /// What was given.
        value: String,
    },
    /// Applying the plan failed.
    #[error(transparent)]
    Commit(#[from] CommitError),
}

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetRow {
    /// The partition.
    pub partition: TopicPartition,
    /// The committed offset before (not printed by the tool; for the UI).
    pub previous: Option<i64>,
    /// NEW-OFFSET.
    pub new_offset: i64,
}

/// The computed reset (what `--dry-run` shows and `--execute` commits).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetPlan {
    /// Group id.
    pub group: String,
    /// Rows sorted by topic then partition (the tool's HashMap order is
    /// unspecified; kplay sorts).
    pub rows: Vec<ResetRow>,
    /// Clamping warnings (logged by the tool) and "empty partition" warnings
    /// (printed to stdout by the tool), in row order.
    pub warnings: Vec<String>,
}

impl ResetPlan {
    /// The table exactly as `GroupOffsetsResetter.printOffsetsToReset` prints it:
    /// `"%n%-{G}s %-{T}s %-10s %s"` with `G`/`T` = `max(15, longest)`, a header only
    /// if there is something to reset, then `println()`.
    pub fn render_table(&self) -> String {
        render_reset_table(std::slice::from_ref(self))
    }

    /// `--execute`: commits every new offset and clears positions (the group is
    /// inactive, so there are none that matter).
    pub fn execute(&self, offsets: &mut GroupOffsets, now: Millis) -> Result<(), ResetError> {
        for r in &self.rows {
            offsets.commit(&r.partition, r.new_offset, now)?;
        }
        offsets.forget_positions();
        Ok(())
    }
}

/// Several groups' plans in one table (`--all-groups`), as the tool prints them.
pub fn render_reset_table(plans: &[ResetPlan]) -> String {
    let g = plans
        .iter()
        .map(|p| p.group.chars().count())
        .fold(15, usize::max);
    let t = plans
        .iter()
        .flat_map(|p| p.rows.iter().map(|r| r.partition.topic.chars().count()))
        .fold(15, usize::max);
    let mut out = String::new();
    let mut line = |a: &str, b: &str, c: &str, d: &str| {
        out.push('\n');
        out.push_str(&format!("{a:<g$} {b:<t$} {c:<10} {d}"));
    };
    // `groupAssignmentsToReset` is non-empty when any group was processed.
    if !plans.is_empty() {
        line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET");
    }
    for p in plans {
        for r in &p.rows {
            line(
                &p.group,
                &r.partition.topic,
                &r.partition.partition.to_string(),
                &r.new_offset.to_string(),
            );
        }
    }
    out.push('\n');
    out
}

/// The first offset in `log` whose timestamp is ≥ `ts` (ListOffsets by
/// timestamp). Kafka searches the time index then batches by max timestamp;
/// with monotonic timestamps that is the same record. `None` if no record
/// qualifies.
pub fn offset_for_timestamp(log: &Log, ts: Millis) -> Option<i64> {
    log.iter()
        .filter(|r| r.offset < log.high_watermark())
        .find(|r| r.timestamp >= ts)
        .map(|r| r.offset)
}

/// Computes the reset (`--dry-run`); apply it with [`ResetPlan::execute`].
pub fn plan_reset(
    cluster: &Cluster,
    offsets: &GroupOffsets,
    state: ConsumerGroupState,
    scope: &ResetScope,
    spec: ResetSpec,
    now: Millis,
) -> Result<ResetPlan, ResetError> {
    let group = offsets.group_id().to_owned();
    if !state.is_inactive() {
        return Err(ResetError::GroupNotInactive { group, state });
    }
    let committed = offsets.committed_offsets();
    let mut tps: Vec<TopicPartition> = match scope {
        ResetScope::AllTopics => committed.keys().cloned().collect(),
        ResetScope::Topics(list) => {
            let mut v = Vec::new();
            for (topic, parts) in list {
                match parts {
                    Some(ps) => v.extend(ps.iter().map(|&p| TopicPartition::new(topic.clone(), p))),
                    None => match cluster.topic(topic) {
                        Some(t) => v.extend(
                            t.partitions()
                                .iter()
                                .map(|p| TopicPartition::new(topic.clone(), p.index())),
                        ),
                        // describeTopics fails for an unknown topic.
                        None => v.push(TopicPartition::new(topic.clone(), 0)),
                    },
                }
            }
            v
        }
    };
    crate::sort::sort(&mut tps);
    tps.dedup();
    let mut logs: BTreeMap<TopicPartition, &Log> = BTreeMap::new();
    let mut missing = Vec::new();
    for tp in &tps {
        match cluster
            .topic(&tp.topic)
            .and_then(|t| t.partition(tp.partition))
        {
            Some(p) => {
                logs.insert(tp.clone(), p.log());
            }
            None => missing.push(tp.to_string()),
        }
    }
    if !missing.is_empty() {
        return Err(ResetError::UnknownTopicOrPartition {
            partitions: missing.join(","),
        });
    }
    let mut rows = Vec::new();
    let mut warnings = Vec::new();
    for (tp, log) in logs {
        let start = log.log_start_offset();
        let latest = log.high_watermark();
        let previous = committed.get(&tp).copied();
        let clamp = |requested: i64, warnings: &mut Vec<String>| {
            if requested > latest {
                warnings.push(format!(
                    "New offset ({requested}) is higher than latest offset for topic partition {tp}. Value will be set to {latest}."
                ));
                latest
            } else if requested < start {
                warnings.push(format!(
                    "New offset ({requested}) is lower than earliest offset for topic partition {tp}. Value will be set to {start}."
                ));
                start
            } else {
                requested
            }
        };
        let by_time = |ts: Millis, warnings: &mut Vec<String>| match offset_for_timestamp(log, ts) {
            Some(o) => o,
            None => {
                warnings.push(format!(
                    "Warn: Partition {} from topic {} is empty. Falling back to latest known offset.",
                    tp.partition, tp.topic
                ));
                latest
            }
        };
        let new_offset = match spec {
            ResetSpec::ToEarliest => start,
            ResetSpec::ToLatest => latest,
            ResetSpec::ToCurrent => previous.unwrap_or(latest),
            ResetSpec::ToOffset(n) => clamp(n, &mut warnings),
            ResetSpec::ShiftBy(n) => {
                let Some(c) = previous else {
                    return Err(ResetError::NoCommittedOffsetToShift { partition: tp });
                };
                let Some(target) = c.checked_add(n) else {
                    return Err(ResetError::Overflow { partition: tp });
                };
                clamp(target, &mut warnings)
            }
            ResetSpec::ToDatetime(ts) => by_time(ts, &mut warnings),
            ResetSpec::ByDuration(d) => by_time(now.saturating_sub(d), &mut warnings),
        };
        rows.push(ResetRow {
            partition: tp,
            previous,
            new_offset,
        });
    }
    Ok(ResetPlan {
        group,
        rows,
        warnings,
    })
}

/// Parses a `java.time.Duration` ISO-8601 string (`PnDTnHnMn.nS`, optional
/// leading sign, case-insensitive) into milliseconds. Negative durations are
/// rejected (the tool would reset into the future).
pub fn parse_duration(s: &str) -> Result<Millis, ResetError> {
    let bad = || ResetError::InvalidDuration {
        value: s.to_owned(),
    };
    let upper = s.trim().to_ascii_uppercase();
    let (neg, rest) = match upper.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, upper.strip_prefix('+').unwrap_or(&upper)),
    };
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    if rest.is_empty() {
        return Err(bad());
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => {
            if t.is_empty() {
                return Err(bad());
            }
            (d, Some(t))
        }
        None => (rest, None),
    };
    let mut total: i128 = 0;
    let mut parse_part = |part: &str, units: &[(char, i128)]| -> Result<(), ResetError> {
        let mut num = String::new();
        let mut next_unit = 0;
        for ch in part.chars() {
            if ch.is_ascii_digit() || ch == '.' || ch == '-' || ch == '+' {
                num.push(ch);
                continue;
            }
            let idx = units[next_unit..]
                .iter()
                .position(|(u, _)| *u == ch)
                .ok_or_else(bad)?
                + next_unit;
            let ms_per = units[idx].1;
            if num.is_empty() {
                return Err(bad());
            }
            let ms: i128 = if let Some((i, f)) = num.split_once('.') {
                if ch != 'S'
                    || f.is_empty()
                    || f.len() > 9
                    || !f.bytes().all(|b| b.is_ascii_digit())
                {
                    return Err(bad());
                }
                let whole: i128 = i.parse().map_err(|_| bad())?;
                let frac: i128 = format!("{f:0<9}").parse().map_err(|_| bad())?;
                let sign = if i.starts_with('-') { -1 } else { 1 };
                whole * 1000 + sign * frac / 1_000_000
            } else {
                num.parse::<i128>().map_err(|_| bad())? * ms_per
            };
            total = total.checked_add(ms).ok_or_else(bad)?;
            num.clear();
            next_unit = idx + 1;
        }
        if num.is_empty() {
            Ok(())
        } else {
            Err(bad())
        }
    };
    parse_part(date, &[('D', 86_400_000)])?;
    if let Some(t) = time {
        parse_part(t, &[('H', 3_600_000), ('M', 60_000), ('S', 1_000)])?;
    }
    let total = if neg { -total } else { total };
    if total < 0 {
        return Err(ResetError::NegativeDuration {
            value: s.to_owned(),
        });
    }
    Millis::try_from(total).map_err(|_| bad())
}

/// Parses `--to-datetime` (`Utils.getDateTime`): `yyyy-MM-dd'T'HH:mm:ss.SSS`
/// optionally followed by `Z` or `±hh:mm`/`±hhmm`; seconds and millis may be
/// omitted. Returns milliseconds since the Unix epoch. Kafka uses the JVM's
/// local zone when no zone is given; kplay has no local zone and uses UTC.
pub fn parse_datetime(s: &str) -> Result<Millis, ResetError> {
    let bad = || ResetError::InvalidDatetime {
        value: s.to_owned(),
    };
    let s_trim = s.trim();
    let (date, time) = s_trim.split_once('T').ok_or_else(bad)?;
    let dp: Vec<&str> = date.split('-').collect();
    if dp.len() != 3 || dp[0].len() != 4 || dp[1].len() != 2 || dp[2].len() != 2 {
        return Err(bad());
    }
    let num = |x: &str| -> Result<i64, ResetError> {
        if x.is_empty() || !x.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        x.parse().map_err(|_| bad())
    };
    let (y, mo, d) = (num(dp[0])?, num(dp[1])?, num(dp[2])?);
    // Split off the zone.
    let (clock, offset_min) = if let Some(c) = time.strip_suffix('Z') {
        (c, 0)
    } else if let Some(pos) = time.rfind(['+', '-']) {
        let (c, z) = time.split_at(pos);
        let sign = if z.starts_with('-') { -1 } else { 1 };
        let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
        if digits.len() != 4 {
            return Err(bad());
        }
        let (hh, mm) = (num(&digits[..2])?, num(&digits[2..])?);
        if hh > 23 || mm > 59 {
            return Err(bad());
        }
        (c, sign * (hh * 60 + mm))
    } else {
        (time, 0)
    };
    let (hms, millis) = match clock.split_once('.') {
        Some((a, b)) if b.len() == 3 => (a, num(b)?),
        Some(_) => return Err(bad()),
        None => (clock, 0),
    };
    let tp: Vec<&str> = hms.split(':').collect();
    if !(2..=3).contains(&tp.len()) || tp.iter().any(|p| p.len() != 2) {
        return Err(bad());
    }
    let (h, mi) = (num(tp[0])?, num(tp[1])?);
    let sec = if tp.len() == 3 { num(tp[2])? } else { 0 };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > month_days[(mo - 1) as usize]
        || h > 23
        || mi > 59
        || sec > 59
    {
        return Err(bad());
    }
    // Days from civil (Howard Hinnant's algorithm).
    let yy = if mo <= 2 { y - 1 } else { y };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Ok(((days * 86_400 + h * 3_600 + mi * 60 + sec - offset_min * 60) * 1_000) + millis)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::NewTopic;
    use crate::record::RecordInput;

    /// Topic "orders" with 2 partitions: p0 has 20 records (ts = 1000·offset), the
    /// two oldest 5-record segments deleted ⇒ log start 10; p1 has 3 records.
    fn setup() -> (Cluster, GroupOffsets) {
        let mut c = Cluster::new(1, 0);
        let one = crate::record::batch_size_in_bytes(&[RecordInput::new(None, Some(b"v"), 0)]);
        c.create_topic(NewTopic {
            name: "orders".into(),
            partitions: 2,
            replication_factor: 1,
            configs: vec![("segment.bytes".into(), (5 * one).to_string())],
        })
        .unwrap();
        let t = c.topic_mut("orders").unwrap();
        for i in 0..20 {
            t.produce(0, RecordInput::new(None, Some(b"v"), i * 1_000), i * 1_000)
                .unwrap();
        }
        for i in 0..3 {
            t.produce(1, RecordInput::new(None, Some(b"v"), i * 1_000), i * 1_000)
                .unwrap();
        }
        t.partition_mut(0)
            .unwrap()
            .log_mut()
            .delete_oldest_segments(2, 0);
        let mut g = GroupOffsets::new("billing");
        g.commit(&TopicPartition::new("orders", 0), 12, 0).unwrap();
        g.commit(&TopicPartition::new("orders", 1), 1, 0).unwrap();
        (c, g)
    }

    fn new_offsets(p: &ResetPlan) -> Vec<i64> {
        p.rows.iter().map(|r| r.new_offset).collect()
    }

    fn plan(spec: ResetSpec) -> ResetPlan {
        let (c, g) = setup();
        plan_reset(
            &c,
            &g,
            ConsumerGroupState::Empty,
            &ResetScope::AllTopics,
            spec,
            25_000,
        )
        .unwrap()
    }

    #[test]
    fn each_option_computes_kafkas_offsets() {
        assert_eq!(new_offsets(&plan(ResetSpec::ToEarliest)), vec![10, 0]);
        assert_eq!(new_offsets(&plan(ResetSpec::ToLatest)), vec![20, 3]);
        assert_eq!(new_offsets(&plan(ResetSpec::ToCurrent)), vec![12, 1]);
        assert_eq!(new_offsets(&plan(ResetSpec::ToOffset(15))), vec![15, 3]);
        assert_eq!(new_offsets(&plan(ResetSpec::ShiftBy(-1))), vec![11, 0]);
        // First record with timestamp ≥ 13 500 is offset 14; p1 has none ⇒ latest.
        let p = plan(ResetSpec::ToDatetime(13_500));
        assert_eq!(new_offsets(&p), vec![14, 3]);
        assert_eq!(p.warnings, vec!["Warn: Partition 1 from topic orders is empty. Falling back to latest known offset."]);
        // now 25 000 − 10 s ⇒ ts 15 000 ⇒ offset 15.
        assert_eq!(new_offsets(&plan(ResetSpec::ByDuration(10_000)))[0], 15);
    }

    #[test]
    fn to_offset_and_shift_by_are_clamped_like_check_offsets_range() {
        let p = plan(ResetSpec::ToOffset(2));
        assert_eq!(new_offsets(&p), vec![10, 2]);
        assert_eq!(
            p.warnings,
            vec!["New offset (2) is lower than earliest offset for topic partition orders-0. Value will be set to 10."]
        );
        let p = plan(ResetSpec::ShiftBy(100));
        assert_eq!(new_offsets(&p), vec![20, 3]);
        assert_eq!(p.warnings[1], "New offset (101) is higher than latest offset for topic partition orders-1. Value will be set to 3.");
        assert_eq!(new_offsets(&plan(ResetSpec::ShiftBy(-100))), vec![10, 0]);
    }

    #[test]
    fn dry_run_table_is_byte_exact() {
        let p = plan(ResetSpec::ToEarliest);
        assert_eq!(
            p.render_table(),
            "\nGROUP           TOPIC           PARTITION  NEW-OFFSET\nbilling         orders          0          10\nbilling         orders          1          0\n"
        );
        let long = ResetPlan {
            group: "a-much-longer-group-name".into(),
            rows: vec![ResetRow {
                partition: TopicPartition::new("orders.eu-west-1.v2", 7),
                previous: None,
                new_offset: 123,
            }],
            warnings: vec![],
        };
        assert_eq!(
            long.render_table(),
            "\nGROUP                    TOPIC               PARTITION  NEW-OFFSET\na-much-longer-group-name orders.eu-west-1.v2 7          123\n"
        );
        // Nothing to reset at all: just the trailing println().
        assert_eq!(render_reset_table(&[]), "\n");
    }

    #[test]
    fn only_inactive_groups_can_be_reset() {
        let (c, g) = setup();
        let err = plan_reset(
            &c,
            &g,
            ConsumerGroupState::Stable,
            &ResetScope::AllTopics,
            ResetSpec::ToEarliest,
            0,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Assignments can only be reset if the group 'billing' is inactive, but the current state is Stable."
        );
        assert!(plan_reset(
            &c,
            &g,
            ConsumerGroupState::Dead,
            &ResetScope::AllTopics,
            ResetSpec::ToEarliest,
            0
        )
        .is_ok());
        assert!(plan_reset(
            &c,
            &g,
            ConsumerGroupState::PreparingRebalance,
            &ResetScope::AllTopics,
            ResetSpec::ToEarliest,
            0
        )
        .is_err());
    }

    #[test]
    fn execute_commits_and_dry_run_does_not() {
        let (c, mut g) = setup();
        let p = plan_reset(
            &c,
            &g,
            ConsumerGroupState::Empty,
            &ResetScope::Topics(vec![("orders".into(), Some(vec![1]))]),
            ResetSpec::ToLatest,
            0,
        )
        .unwrap();
        assert_eq!(
            g.committed(&TopicPartition::new("orders", 1)),
            Some(1),
            "planning is a dry run"
        );
        p.execute(&mut g, 5).unwrap();
        assert_eq!(g.committed(&TopicPartition::new("orders", 1)), Some(3));
        assert_eq!(
            g.committed(&TopicPartition::new("orders", 0)),
            Some(12),
            "not in scope"
        );
    }

    #[test]
    fn scope_and_shift_errors() {
        let (c, g) = setup();
        let err = plan_reset(
            &c,
            &g,
            ConsumerGroupState::Empty,
            &ResetScope::Topics(vec![("orders".into(), Some(vec![5]))]),
            ResetSpec::ToEarliest,
            0,
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "The partitions \"orders-5\" do not exist");
        let fresh = GroupOffsets::new("new");
        let err = plan_reset(
            &c,
            &fresh,
            ConsumerGroupState::Empty,
            &ResetScope::Topics(vec![("orders".into(), None)]),
            ResetSpec::ShiftBy(1),
            0,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Cannot shift offset for partition orders-0 since there is no current committed offset"
        );
        // --all-topics for a group without offsets resets nothing.
        let p = plan_reset(
            &c,
            &fresh,
            ConsumerGroupState::Empty,
            &ResetScope::AllTopics,
            ResetSpec::ToEarliest,
            0,
        )
        .unwrap();
        assert!(p.rows.is_empty());
    }

    #[test]
    fn iso_durations_and_datetimes() {
        assert_eq!(parse_duration("PT1H30M").unwrap(), 5_400_000);
        assert_eq!(parse_duration("P1DT2H").unwrap(), 93_600_000);
        assert_eq!(parse_duration("pt0.5s").unwrap(), 500);
        assert_eq!(
            parse_duration("PT-1H").unwrap_err(),
            ResetError::NegativeDuration {
                value: "PT-1H".into()
            }
        );
        for bad in ["", "P", "PT", "1H", "PT1H1H", "PT1.5M", "P1H", "PTxS"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_datetime("1970-01-01T00:00:00.000").unwrap(), 0);
        assert_eq!(
            parse_datetime("2024-03-01T12:30:00.250Z").unwrap(),
            1_709_296_200_250
        );
        assert_eq!(
            parse_datetime("2024-03-01T13:30:00.250+01:00").unwrap(),
            1_709_296_200_250
        );
        for bad in [
            "2024-02-30T00:00:00.000",
            "2024-03-01",
            "2024-3-1T00:00",
            "2024-03-01T25:00:00.000",
            "x",
        ] {
            assert!(parse_datetime(bad).is_err(), "{bad}");
        }
    }
}
