//! The Compaction & retention page's view model.
//!
//! The page is one single-partition topic. Everything that defines what is
//! shown lives in the URL query:
//!
//! * one parameter per topic config, with Kafka's name
//!   (`cleanup.policy=compact&segment.bytes=150&…`), validated by
//!   [`TopicConfig`] (errors in Kafka's `ConfigException` words);
//! * `now`: the simulated time in ms (at least the time of the last action);
//! * `ops`: the user's actions in order, each stamped with its simulated time:
//!   `p:k1=v1@0` (produce key `k1` with value `v1`), `p:k1@5` (a tombstone:
//!   null value), `g:100/10@5` (100 updates spread over keys `k1..k10`),
//!   `roll@10` (roll the active segment), `clean@20` (one log-cleaner pass),
//!   `ret@30` (one retention check). In keys and values `%`, `,`, `=` and `@`
//!   are written `%25`, `%2C`, `%3D` and `%40`.
//!
//! [`Scenario::replay`] rebuilds the log deterministically from that; the
//! engine does all the work (`cleaner::clean_with`, `retention::delete_old_segments`,
//! `table::Table`). Views aggregate: at most [`MAX_SEGMENTS`] segment blocks,
//! [`MAX_CELLS`] record cells per block, [`MAX_LIST`] remaining records and
//! table rows, each with a "+N" for the rest.

use std::collections::BTreeMap;

use kplay_engine::cleaner::{self, CleanReport, CleanTrigger, CleanerConfig, RemovalReason};
use kplay_engine::clock::Millis;
use kplay_engine::cluster::{Cluster, NewTopic};
use kplay_engine::config::TopicConfig;
use kplay_engine::record::RecordInput;
use kplay_engine::retention::{self, DeletionReason, RetentionReport};
use kplay_engine::rng::SimRng;
use kplay_engine::table::{IsolationLevel, Table};
use kplay_engine::topic::Topic;

/// The topic configs the page edits, in display order (Kafka's names).
pub const CONFIG_NAMES: [&str; 9] = [
    "cleanup.policy",
    "segment.bytes",
    "segment.ms",
    "min.cleanable.dirty.ratio",
    "min.compaction.lag.ms",
    "max.compaction.lag.ms",
    "delete.retention.ms",
    "retention.ms",
    "retention.bytes",
];

/// The page's defaults. Kafka's defaults are days and gigabytes, so the page
/// starts from a compacted topic with small segments and short times; every
/// one is editable and written to the URL.
pub const PAGE_DEFAULTS: [(&str, &str); 9] = [
    ("cleanup.policy", "compact"),
    ("segment.bytes", "300"),
    ("segment.ms", "604800000"),
    ("min.cleanable.dirty.ratio", "0.5"),
    ("min.compaction.lag.ms", "0"),
    ("max.compaction.lag.ms", "9223372036854775807"),
    ("delete.retention.ms", "1000"),
    ("retention.ms", "60000"),
    ("retention.bytes", "-1"),
];

/// Segment blocks drawn (the newest); older ones are summarised.
pub const MAX_SEGMENTS: usize = 24;
/// Record cells drawn per segment block; the rest are "+N".
pub const MAX_CELLS: usize = 64;
/// Entries of the remaining-records list and rows of the table shown.
pub const MAX_LIST: usize = 200;
/// Largest `N` of one "generate N updates over K keys".
pub const MAX_GENERATE_UPDATES: u64 = 200_000;
/// Largest `K` of one "generate N updates over K keys".
pub const MAX_GENERATE_KEYS: u64 = 100_000;
/// Most actions a link may hold.
pub const MAX_OPS: usize = 2_000;
/// Most records a link may produce in all (each "generate" is capped by
/// [`MAX_GENERATE_UPDATES`]; this caps their sum, so sixty of them cannot
/// freeze the page and exhaust its memory).
pub const MAX_TOTAL_RECORDS: u64 = 500_000;
/// Most record visits the cleaner and retention passes of a link may make
/// in all: each pass is counted as reading every record produced before it.
pub const MAX_PASS_WORK: u64 = 5_000_000;
/// The topic's name on this page.
pub const TOPIC: &str = "compacted";

/// One user action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Produce one record (`value: None` is a tombstone).
    Produce {
        /// Key text.
        key: String,
        /// Value text, `None` for a tombstone.
        value: Option<String>,
    },
    /// `updates` records over keys `k1..k{keys}`, chosen by a seeded RNG.
    Generate {
        /// Number of records.
        updates: u64,
        /// Number of distinct keys.
        keys: u64,
    },
    /// Roll the active segment.
    Roll,
    /// One log-cleaner pass.
    Clean,
    /// One retention check (`deleteOldSegments`).
    Retention,
}

/// An action at a simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// What.
    pub action: Action,
    /// When (ms of simulated time).
    pub at: Millis,
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            ',' => out.push_str("%2C"),
            '=' => out.push_str("%3D"),
            '@' => out.push_str("%40"),
            c => out.push(c),
        }
    }
    out
}

fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).unwrap_or("");
        let c = match code {
            "25" => '%',
            "2C" | "2c" => ',',
            "3D" | "3d" => '=',
            "40" => '@',
            _ => return Err(format!("bad escape '%{code}' (use %25, %2C, %3D or %40)")),
        };
        out.push(c);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    Ok(out)
}

impl Op {
    /// The op as written in the `ops` parameter.
    pub fn encode(&self) -> String {
        let body = match &self.action {
            Action::Produce {
                key,
                value: Some(v),
            } => format!("p:{}={}", escape(key), escape(v)),
            Action::Produce { key, value: None } => format!("p:{}", escape(key)),
            Action::Generate { updates, keys } => format!("g:{updates}/{keys}"),
            Action::Roll => "roll".to_owned(),
            Action::Clean => "clean".to_owned(),
            Action::Retention => "ret".to_owned(),
        };
        format!("{body}@{}", self.at)
    }

    /// Parses one entry of the `ops` parameter.
    pub fn parse(s: &str) -> Result<Self, String> {
        let (body, at) = s
            .rsplit_once('@')
            .ok_or_else(|| "missing '@time' (e.g. roll@10)".to_owned())?;
        let at: Millis = at
            .parse()
            .map_err(|_| format!("time '{at}' is not a whole number of ms"))?;
        if at < 0 {
            return Err(format!("time {at} is negative"));
        }
        let action = if let Some(kv) = body.strip_prefix("p:") {
            match kv.split_once('=') {
                Some((k, v)) => Action::Produce {
                    key: unescape(k)?,
                    value: Some(unescape(v)?),
                },
                None => Action::Produce {
                    key: unescape(kv)?,
                    value: None,
                },
            }
        } else if let Some(g) = body.strip_prefix("g:") {
            let (n, k) = g
                .split_once('/')
                .ok_or_else(|| "generate needs 'g:N/K' (N updates over K keys)".to_owned())?;
            let (updates, keys) = parse_generate(n, k)?;
            Action::Generate { updates, keys }
        } else {
            match body {
                "roll" => Action::Roll,
                "clean" => Action::Clean,
                "ret" => Action::Retention,
                _ => {
                    return Err(format!(
                        "unknown action '{body}' (p:, g:, roll, clean, ret)"
                    ))
                }
            }
        };
        Ok(Self { action, at })
    }
}

/// Parses the two fields of "generate N updates over K keys", with explicit errors.
pub fn parse_generate(n: &str, k: &str) -> Result<(u64, u64), String> {
    let whole = |what: &str, s: &str, max: u64| -> Result<u64, String> {
        match s.trim().parse::<i64>() {
            Ok(v) if v < 1 => Err(format!("{what} must be at least 1 (got {v}).")),
            Ok(v) if v as u64 > max => Err(format!("{what} must be at most {max} (got {v}).")),
            Ok(v) => Ok(v as u64),
            Err(_) => Err(format!(
                "{what} must be a whole number (got '{}').",
                s.trim()
            )),
        }
    };
    Ok((
        whole("Updates to generate", n, MAX_GENERATE_UPDATES)?,
        whole("Keys to spread them over", k, MAX_GENERATE_KEYS)?,
    ))
}

/// Parses a "advance time by" field: a positive whole number of ms.
pub fn parse_advance(s: &str) -> Result<Millis, String> {
    match s.trim().parse::<i64>() {
        Ok(v) if v >= 1 => Ok(v),
        Ok(v) => Err(format!("Advance time by must be at least 1 ms (got {v}).")),
        Err(_) => Err(format!(
            "Advance time by must be a whole number of ms (got '{}').",
            s.trim()
        )),
    }
}

/// Everything a link defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// Topic configs by Kafka name, as typed (validated when replayed).
    pub configs: BTreeMap<String, String>,
    /// Simulated time now.
    pub now: Millis,
    /// Actions in order.
    pub ops: Vec<Op>,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            configs: kplay_engine::sort::btree_map(
                PAGE_DEFAULTS
                    .iter()
                    .map(|&(k, v)| (k.to_owned(), v.to_owned())),
            ),
            now: 0,
            ops: Vec::new(),
        }
    }
}

/// A replayed scenario: the topic after every action that succeeded.
#[derive(Debug, Clone)]
pub struct Replay {
    /// The topic (one partition).
    pub topic: Topic,
    /// Validated configs.
    pub config: TopicConfig,
    /// Simulated time now.
    pub now: Millis,
    /// The last cleaner pass (op index, report).
    pub last_clean: Option<(usize, CleanReport)>,
    /// The last retention check (op index, report).
    pub last_retention: Option<(usize, RetentionReport)>,
    /// The first action that failed (index, message); later actions were not run.
    pub failed: Option<(usize, String)>,
}

fn invalid_link(msg: impl std::fmt::Display) -> String {
    format!("This is an invalid share link: {msg}")
}

impl Scenario {
    /// Reads a scenario from query pairs. Unknown parameters that are not
    /// topic configs are errors (a typo must not be silently ignored).
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        Self::from_query_unshortened(pairs).map_err(|e| crate::url::shorten_message(&e))
    }

    fn from_query_unshortened<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let mut s = Self::default();
        let mut now = None;
        for (k, v) in pairs {
            match k {
                "ops" => {
                    s.ops = Vec::new();
                    for (i, part) in v.split(',').filter(|p| !p.is_empty()).enumerate() {
                        if i >= MAX_OPS {
                            return Err(invalid_link(format!(
                                "more than {MAX_OPS} actions in ops"
                            )));
                        }
                        let op = Op::parse(part).map_err(|e| {
                            invalid_link(format!("ops entry {} '{part}': {e}", i + 1))
                        })?;
                        s.ops.push(op);
                    }
                }
                "now" => {
                    let n: Millis = v.trim().parse().map_err(|_| {
                        invalid_link(format!("now='{v}' is not a whole number of ms"))
                    })?;
                    if n < 0 {
                        return Err(invalid_link(format!("now={n} is negative")));
                    }
                    now = Some(n);
                }
                name => {
                    // Kafka's own check for the name (UnknownConfig) and value.
                    TopicConfig::default().set(name, v).map_err(invalid_link)?;
                    s.configs.insert(name.to_owned(), v.to_owned());
                }
            }
        }
        s.check_work()?;
        let mut last = 0;
        for (i, op) in s.ops.iter().enumerate() {
            if op.at < last {
                return Err(invalid_link(format!(
                    "ops entry {} '{}' is at {} ms, before the previous action at {last} ms (time only moves forward)",
                    i + 1,
                    op.encode(),
                    op.at
                )));
            }
            last = op.at;
        }
        s.now = match now {
            Some(n) if n < last => {
                return Err(invalid_link(format!(
                    "now={n} is before the last action at {last} ms"
                )))
            }
            Some(n) => n,
            None => last,
        };
        Ok(s)
    }

    /// Refuses a scenario whose total work is above the page's bounds
    /// ([`MAX_TOTAL_RECORDS`], [`MAX_PASS_WORK`]): what a link or a form may
    /// ask for in all, not only per action.
    pub fn check_work(&self) -> Result<(), String> {
        let mut produced: u64 = 0;
        let mut pass_work: u64 = 0;
        for op in &self.ops {
            match op.action {
                Action::Produce { .. } => produced = produced.saturating_add(1),
                Action::Generate { updates, .. } => produced = produced.saturating_add(updates),
                Action::Clean | Action::Retention => pass_work = pass_work.saturating_add(produced),
                Action::Roll => {}
            }
        }
        if produced > MAX_TOTAL_RECORDS {
            return Err(invalid_link(format!(
                "its actions produce {produced} records in all; the page replays at most {MAX_TOTAL_RECORDS}"
            )));
        }
        if pass_work > MAX_PASS_WORK {
            return Err(invalid_link(format!(
                "its cleaner and retention passes would read {pass_work} records in all; the page allows at most {MAX_PASS_WORK} (fewer passes, or fewer records before them)"
            )));
        }
        Ok(())
    }

    /// The query pairs for this scenario (all page configs, `now`, `ops`).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut q: Vec<(String, String)> = self
            .configs
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        q.push(("now".to_owned(), self.now.to_string()));
        if !self.ops.is_empty() {
            let ops: Vec<String> = self.ops.iter().map(Op::encode).collect();
            q.push(("ops".to_owned(), ops.join(",")));
        }
        q
    }

    /// This scenario with `action` appended at the current time.
    pub fn with_action(&self, action: Action) -> Self {
        let mut s = self.clone();
        s.ops.push(Op {
            action,
            at: self.now,
        });
        s
    }

    /// This scenario with the clock moved forward by `delta` ms.
    pub fn advanced(&self, delta: Millis) -> Result<Self, String> {
        let now = self.now.checked_add(delta).ok_or_else(|| {
            format!(
                "Simulated time would overflow (now {} + {delta}).",
                self.now
            )
        })?;
        Ok(Self {
            now,
            ..self.clone()
        })
    }

    /// This scenario with the configs replaced (validated first, like Kafka's
    /// `AlterConfigs`): the whole sequence replays under them.
    pub fn with_configs(&self, configs: &BTreeMap<String, String>) -> Result<Self, String> {
        TopicConfig::from_overrides(configs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            configs: configs.clone(),
            ..self.clone()
        })
    }

    /// The validated topic config.
    pub fn topic_config(&self) -> Result<TopicConfig, String> {
        TopicConfig::from_overrides(self.configs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| e.to_string())
    }

    /// Replays every action on a fresh single-partition topic. A config error
    /// is an `Err`; an action that fails stops the replay and is reported in
    /// [`Replay::failed`] (the state before it is kept).
    pub fn replay(&self) -> Result<Replay, String> {
        let config = self.topic_config()?;
        let mut cluster = Cluster::new(1, 0);
        cluster
            .create_topic(NewTopic {
                name: TOPIC.to_owned(),
                partitions: 1,
                replication_factor: 1,
                configs: self
                    .configs
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            })
            .map_err(|e| e.to_string())?;
        let mut topic = cluster
            .topic(TOPIC)
            .cloned()
            .ok_or_else(|| "the topic was not created".to_owned())?;
        let mut replay = Replay {
            topic: topic.clone(),
            config: config.clone(),
            now: self.now,
            last_clean: None,
            last_retention: None,
            failed: None,
        };
        for (i, op) in self.ops.iter().enumerate() {
            if let Err(e) = apply(&mut topic, &config, i, op, &mut replay) {
                replay.failed =
                    Some((i, format!("Action {} ({}) failed: {e}", i + 1, op.encode())));
                break;
            }
        }
        replay.topic = topic;
        Ok(replay)
    }
}

fn apply(
    topic: &mut Topic,
    config: &TopicConfig,
    index: usize,
    op: &Op,
    replay: &mut Replay,
) -> Result<(), String> {
    let now = op.at;
    match &op.action {
        Action::Produce { key, value } => {
            let r = RecordInput::new(
                Some(key.as_bytes()),
                value.as_ref().map(String::as_bytes),
                now,
            );
            topic.produce(0, r, now).map_err(|e| e.to_string())?;
        }
        Action::Generate { updates, keys } => {
            let mut rng = SimRng::seeded(index as u64 + 1);
            for _ in 0..*updates {
                let key = format!("k{}", rng.below(*keys) + 1);
                let leo = topic.partition(0).map_or(0, |p| p.log().log_end_offset());
                let value = format!("v{leo}");
                let r = RecordInput::new(Some(key.as_bytes()), Some(value.as_bytes()), now);
                topic.produce(0, r, now).map_err(|e| e.to_string())?;
            }
        }
        Action::Roll => {
            let p = topic
                .partition_mut(0)
                .ok_or_else(|| "no partition 0".to_owned())?;
            p.log_mut().roll(now);
        }
        Action::Clean => {
            let p = topic
                .partition_mut(0)
                .ok_or_else(|| "no partition 0".to_owned())?;
            let report = cleaner::clean_with(p.log_mut(), config, &CleanerConfig::default(), now)
                .map_err(|e| e.to_string())?;
            replay.last_clean = Some((index, report));
        }
        Action::Retention => {
            let p = topic
                .partition_mut(0)
                .ok_or_else(|| "no partition 0".to_owned())?;
            let report = retention::delete_old_segments(p.log_mut(), config, now);
            replay.last_retention = Some((index, report));
        }
    }
    Ok(())
}

// -------------------------------------------------------------------------------------------
// The view
// -------------------------------------------------------------------------------------------

/// One record cell.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// Offset.
    pub offset: i64,
    /// Key text.
    pub key: String,
    /// Value text (`None`: tombstone).
    pub value: Option<String>,
    /// Hue (0–359) from a hash of the key.
    pub hue: u32,
}

impl Cell {
    /// `offset:key=value` as the page lists it (`null` for a tombstone).
    pub fn entry(&self) -> String {
        format!(
            "{}:{}={}",
            self.offset,
            self.key,
            self.value.as_deref().unwrap_or("null")
        )
    }
}

/// One segment block.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentBlock {
    /// Base offset.
    pub base_offset: i64,
    /// One past the last offset covered.
    pub next_offset: i64,
    /// Bytes.
    pub size_bytes: u64,
    /// Records stored.
    pub records: usize,
    /// The active segment.
    pub active: bool,
    /// Wholly below the cleaner checkpoint (already cleaned).
    pub clean: bool,
    /// The first [`MAX_CELLS`] records.
    pub cells: Vec<Cell>,
    /// Records not drawn.
    pub hidden_cells: usize,
}

/// The dirty-ratio gauge.
#[derive(Debug, Clone, PartialEq)]
pub struct Gauge {
    /// `cleanable / (clean + cleanable)` bytes.
    pub ratio: f64,
    /// `min.cleanable.dirty.ratio`.
    pub min_ratio: f64,
    /// First dirty offset.
    pub first_dirty_offset: i64,
    /// First uncleanable offset.
    pub first_uncleanable_offset: i64,
    /// Clean bytes.
    pub clean_bytes: u64,
    /// Cleanable (dirty) bytes.
    pub cleanable_bytes: u64,
    /// Why Kafka's cleaner thread would pick the log now, in words; `None` if it would not.
    pub trigger: Option<String>,
}

/// One row of the materialised table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// Key.
    pub key: String,
    /// Latest value.
    pub value: String,
    /// Offset that set it.
    pub offset: i64,
}

/// The last cleaner pass, summarised.
#[derive(Debug, Clone, PartialEq)]
pub struct CleanSummary {
    /// Which action (1-based) it was.
    pub action: usize,
    /// Simulated time of the pass.
    pub at: Millis,
    /// Segments recopied.
    pub segments_cleaned: usize,
    /// Segments after (size groups).
    pub segments_after: usize,
    /// Records before/after.
    pub records_before: u64,
    /// Records kept.
    pub records_after: u64,
    /// Bytes before.
    pub bytes_before: u64,
    /// Bytes after.
    pub bytes_after: u64,
    /// Distinct keys kept.
    pub keys_kept: usize,
    /// Tombstones kept.
    pub tombstones_kept: usize,
    /// Tombstones removed.
    pub tombstones_removed: usize,
    /// Dirty ratio before the pass.
    pub ratio_before: f64,
    /// Dirty ratio after the pass.
    pub ratio_after: f64,
    /// Whether Kafka's cleaner thread would have picked the log (else the
    /// pass was forced from the page).
    pub would_kafka_clean: bool,
    /// The new cleaner checkpoint.
    pub checkpoint: i64,
    /// Removed offsets with their reason, the first [`MAX_LIST`].
    pub removed: Vec<(i64, &'static str)>,
    /// Removed offsets not listed.
    pub removed_hidden: usize,
}

/// One deleted segment of the last retention check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedLine {
    /// Base offset.
    pub base_offset: i64,
    /// One past its last offset.
    pub next_offset: i64,
    /// Records it held.
    pub records: usize,
    /// Bytes.
    pub size_bytes: u64,
    /// Why, in Kafka's terms.
    pub reason: String,
}

/// The last retention check, summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionSummary {
    /// Which action (1-based).
    pub action: usize,
    /// Simulated time.
    pub at: Millis,
    /// Log start offset before.
    pub log_start_before: i64,
    /// Log start offset after.
    pub log_start_after: i64,
    /// Deleted segments.
    pub deleted: Vec<DeletedLine>,
    /// Whether every segment went and an empty active segment was rolled.
    pub rolled_new_active: bool,
}

/// What the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct CompactionView {
    /// `cleanup.policy` as Kafka prints it.
    pub policy: String,
    /// Whether the cleaner applies.
    pub compact: bool,
    /// Whether time/size retention applies.
    pub delete: bool,
    /// Simulated time.
    pub now: Millis,
    /// Log start offset.
    pub log_start_offset: i64,
    /// Log end offset.
    pub log_end_offset: i64,
    /// High watermark.
    pub high_watermark: i64,
    /// Cleaner checkpoint, if the log was cleaned.
    pub cleaner_checkpoint: Option<i64>,
    /// Records stored.
    pub records: usize,
    /// Bytes stored.
    pub size_bytes: u64,
    /// Base offset of the active segment.
    pub active_base_offset: i64,
    /// Segment blocks, oldest first (the newest [`MAX_SEGMENTS`]).
    pub segments: Vec<SegmentBlock>,
    /// Older segments not drawn.
    pub hidden_segments: usize,
    /// The dirty-ratio gauge (compacted topics only).
    pub gauge: Option<Gauge>,
    /// Materialised table (first [`MAX_LIST`] keys).
    pub table: Vec<TableRow>,
    /// Keys not shown.
    pub table_hidden: usize,
    /// Remaining records, `offset:key=value` (first [`MAX_LIST`]).
    pub remaining: Vec<String>,
    /// Records not listed.
    pub remaining_hidden: usize,
    /// The last cleaner pass.
    pub last_clean: Option<CleanSummary>,
    /// The last retention check.
    pub last_retention: Option<RetentionSummary>,
    /// The action that failed during the replay, in Kafka's words.
    pub failed: Option<String>,
}

/// A stable hue for a key: FNV-1a of its bytes, mod 360.
pub fn key_hue(key: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in key {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    // murmur3's fmix32, so keys differing in one character get distant hues.
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    h % 360
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn reason_text(r: RemovalReason) -> &'static str {
    match r {
        RemovalReason::Superseded => "superseded by a newer record with the same key",
        RemovalReason::TombstoneExpired => "tombstone past delete.retention.ms",
        RemovalReason::NoKey => "no key",
        RemovalReason::AbortedTransaction => "aborted transaction",
        RemovalReason::TransactionMarkerExpired => "transaction marker expired",
    }
}

fn deletion_text(r: &DeletionReason, now: Millis) -> String {
    match r {
        DeletionReason::LogStartOffsetBreach { log_start_offset } => {
            format!("log start offset breach: wholly below log start offset {log_start_offset}")
        }
        DeletionReason::RetentionSizeBreach {
            retention_bytes,
            log_size_bytes,
        } => format!(
            "retention size breach: log size {log_size_bytes} bytes ≥ retention.bytes={retention_bytes}"
        ),
        DeletionReason::RetentionMsBreach {
            retention_ms,
            largest_timestamp,
        } => format!(
            "retention time breach: now ({now} ms) − newest record ({largest_timestamp} ms) = {} ms > retention.ms={retention_ms}",
            now.saturating_sub(*largest_timestamp)
        ),
    }
}

impl CompactionView {
    /// Builds the view of a replay.
    pub fn build(r: &Replay) -> Self {
        let Some(part) = r.topic.partition(0) else {
            return Self::empty(r);
        };
        let log = part.log();
        let segs = log.segments();
        let checkpoint = log.cleaner_checkpoint();
        let hidden = segs.len().saturating_sub(MAX_SEGMENTS);
        let last = segs.len().saturating_sub(1);
        let segments = segs
            .iter()
            .enumerate()
            .skip(hidden)
            .map(|(i, s)| {
                let cells: Vec<Cell> = s
                    .records()
                    .take(MAX_CELLS)
                    .map(|rec| {
                        let key = rec.key.unwrap_or_default();
                        Cell {
                            offset: rec.offset,
                            key: text(key),
                            value: rec.value.map(text),
                            hue: key_hue(key),
                        }
                    })
                    .collect();
                SegmentBlock {
                    base_offset: s.base_offset(),
                    next_offset: s.next_offset(),
                    size_bytes: s.size_in_bytes(),
                    records: s.record_count(),
                    active: i == last,
                    clean: i != last && checkpoint.is_some_and(|c| s.next_offset() <= c),
                    hidden_cells: s.record_count().saturating_sub(cells.len()),
                    cells,
                }
            })
            .collect();

        let gauge = r.config.cleanup_policy.compact.then(|| {
            let a = cleaner::assess(log, &r.config, r.now);
            Gauge {
                ratio: a.cleanable_ratio,
                min_ratio: a.min_cleanable_ratio,
                first_dirty_offset: a.first_dirty_offset,
                first_uncleanable_offset: a.first_uncleanable_offset,
                clean_bytes: a.clean_bytes,
                cleanable_bytes: a.cleanable_bytes,
                trigger: a.trigger.map(|t| match t {
                    CleanTrigger::DirtyRatio => {
                        "dirty ratio > min.cleanable.dirty.ratio".to_owned()
                    }
                    CleanTrigger::MaxCompactionLag => format!(
                        "max.compaction.lag.ms passed ({} ms overdue)",
                        a.max_compaction_delay_ms
                    ),
                }),
            }
        });

        let (table, table_hidden) = match Table::from_log(0, log, IsolationLevel::ReadUncommitted) {
            Ok(t) => {
                let rows = t
                    .iter()
                    .take(MAX_LIST)
                    .map(|(k, e)| TableRow {
                        key: text(k),
                        value: text(&e.value),
                        offset: e.offset,
                    })
                    .collect();
                (rows, t.len().saturating_sub(MAX_LIST))
            }
            Err(_) => (Vec::new(), 0),
        };

        let remaining: Vec<String> = log
            .iter()
            .take(MAX_LIST)
            .map(|rec| {
                format!(
                    "{}:{}={}",
                    rec.offset,
                    rec.key.map_or_else(|| "null".to_owned(), text),
                    rec.value.map_or_else(|| "null".to_owned(), text)
                )
            })
            .collect();

        let last_clean = r.last_clean.as_ref().map(|(i, c)| CleanSummary {
            action: i + 1,
            at: c.now,
            segments_cleaned: c.segments_cleaned(),
            segments_after: c.segments_after.len(),
            records_before: c.records_before,
            records_after: c.records_after,
            bytes_before: c.bytes_before,
            bytes_after: c.bytes_after,
            keys_kept: c.keys_kept,
            tombstones_kept: c.tombstones_kept,
            tombstones_removed: c.tombstones_removed,
            ratio_before: c.before.cleanable_ratio,
            ratio_after: c.dirty_ratio_after,
            would_kafka_clean: c.before.is_eligible(),
            checkpoint: c.end_offset,
            removed: c
                .removed
                .iter()
                .take(MAX_LIST)
                .map(|x| (x.offset, reason_text(x.reason)))
                .collect(),
            removed_hidden: c.removed.len().saturating_sub(MAX_LIST),
        });
        let last_retention = r.last_retention.as_ref().map(|(i, rr)| RetentionSummary {
            action: i + 1,
            at: rr.now,
            log_start_before: rr.log_start_offset_before,
            log_start_after: rr.log_start_offset_after,
            deleted: rr
                .deleted
                .iter()
                .map(|d| DeletedLine {
                    base_offset: d.base_offset,
                    next_offset: d.next_offset,
                    records: d.record_count,
                    size_bytes: d.size_in_bytes,
                    reason: deletion_text(&d.reason, rr.now),
                })
                .collect(),
            rolled_new_active: rr.rolled_new_active_segment,
        });

        Self {
            policy: r.config.cleanup_policy.to_string(),
            compact: r.config.cleanup_policy.compact,
            delete: r.config.cleanup_policy.delete,
            now: r.now,
            log_start_offset: log.log_start_offset(),
            log_end_offset: log.log_end_offset(),
            high_watermark: log.high_watermark(),
            cleaner_checkpoint: checkpoint,
            records: log.record_count(),
            size_bytes: log.size_in_bytes(),
            active_base_offset: log.active_segment().base_offset(),
            segments,
            hidden_segments: hidden,
            gauge,
            table,
            table_hidden,
            remaining_hidden: log.record_count().saturating_sub(remaining.len()),
            remaining,
            last_clean,
            last_retention,
            failed: r.failed.as_ref().map(|(_, m)| m.clone()),
        }
    }

    fn empty(r: &Replay) -> Self {
        Self {
            policy: r.config.cleanup_policy.to_string(),
            compact: r.config.cleanup_policy.compact,
            delete: r.config.cleanup_policy.delete,
            now: r.now,
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
            cleaner_checkpoint: None,
            records: 0,
            size_bytes: 0,
            active_base_offset: 0,
            segments: Vec::new(),
            hidden_segments: 0,
            gauge: None,
            table: Vec::new(),
            table_hidden: 0,
            remaining: Vec::new(),
            remaining_hidden: 0,
            last_clean: None,
            last_retention: None,
            failed: r.failed.as_ref().map(|(_, m)| m.clone()),
        }
    }
}

/// What the next action would remove, for the "disappearing" animation: the
/// scenario with the action appended, and the offsets it removes (cleaner) or
/// the base offsets of the segments it deletes (retention).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The scenario to navigate to.
    pub next: Scenario,
    /// Offsets the cleaner removes.
    pub removed_offsets: Vec<i64>,
    /// Base offsets of segments retention deletes.
    pub deleted_segments: Vec<i64>,
}

/// Appends `action` and replays; an action that fails is an `Err` with
/// Kafka's message (nothing is added to the URL then).
pub fn preview(current: &Scenario, action: Action) -> Result<Preview, String> {
    if current.ops.len() >= MAX_OPS {
        return Err(format!(
            "A link holds at most {MAX_OPS} actions; clear the actions or use generate."
        ));
    }
    let next = current.with_action(action);
    next.check_work().map_err(|e| {
        e.replace(
            "This is an invalid share link: its actions",
            "These actions",
        )
    })?;
    let r = next.replay()?;
    if let Some((_, e)) = r.failed {
        return Err(e);
    }
    let last = next.ops.len().saturating_sub(1);
    let removed_offsets = r
        .last_clean
        .filter(|(i, _)| *i == last)
        .map(|(_, c)| c.removed.iter().map(|x| x.offset).collect())
        .unwrap_or_default();
    let deleted_segments = r
        .last_retention
        .filter(|(i, _)| *i == last)
        .map(|(_, rr)| rr.deleted.iter().map(|d| d.base_offset).collect())
        .unwrap_or_default();
    Ok(Preview {
        next,
        removed_offsets,
        deleted_segments,
    })
}

/// Checks one config field on its own (for an inline message), in Kafka's words.
pub fn check_config(name: &str, value: &str) -> Option<String> {
    TopicConfig::default()
        .set(name, value)
        .err()
        .map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(q: &[(&str, &str)]) -> Scenario {
        Scenario::from_query(q.iter().copied()).unwrap()
    }

    fn produce(s: &Scenario, k: &str, v: Option<&str>) -> Scenario {
        s.with_action(Action::Produce {
            key: k.to_owned(),
            value: v.map(str::to_owned),
        })
    }

    #[test]
    fn the_total_work_of_a_link_is_bounded() {
        // Issue 16 #1: sixty capped generates froze the page, then exhausted memory.
        let ops = vec!["g:200000/100000@0"; 60].join(",");
        let pairs = [("ops", ops.as_str())];
        let e = Scenario::from_query(pairs.iter().copied()).unwrap_err();
        assert!(
            e.contains("12000000 records") && e.contains("at most 500000"),
            "{e}"
        );
        // Cleaner passes after many records: each reads the whole log.
        let mut ops = vec!["g:200000/10@0".to_owned()];
        ops.extend((1..=30).map(|t| format!("clean@{t}")));
        let ops = ops.join(",");
        let pairs = [("ops", ops.as_str())];
        let e = Scenario::from_query(pairs.iter().copied()).unwrap_err();
        assert!(e.contains("cleaner and retention passes"), "{e}");
        // The same bound holds for a form action, before any replay.
        let two = Scenario::from_query([("ops", "g:200000/10@0,g:200000/10@0")]).unwrap();
        let Err(e) = preview(
            &two,
            Action::Generate {
                updates: 200_000,
                keys: 10,
            },
        ) else {
            panic!("a third 200,000-record generate was accepted");
        };
        assert!(e.starts_with("These actions produce 600000 records"), "{e}");
    }

    #[test]
    fn ops_round_trip_through_the_query_with_escapes() {
        let mut s = Scenario::default();
        s = produce(&s, "a,b=c@d%", Some("x=y,z"));
        s = produce(&s, "k2", None);
        s = s.advanced(10).unwrap().with_action(Action::Roll);
        s = s.with_action(Action::Generate {
            updates: 5,
            keys: 2,
        });
        s = s.advanced(5).unwrap().with_action(Action::Clean);
        let q = s.to_query();
        let back = Scenario::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(back, s);
        let ops = q.iter().find(|(k, _)| k == "ops").unwrap().1.clone();
        assert_eq!(
            ops,
            "p:a%2Cb%3Dc%40d%25=x%3Dy%2Cz@0,p:k2@0,roll@10,g:5/2@10,clean@15"
        );
    }

    #[test]
    fn bad_links_get_clear_errors() {
        for (q, want) in [
            (("ops", "p:k1=v1"), "missing '@time'"),
            (("ops", "zap@1"), "unknown action 'zap'"),
            (("ops", "roll@x"), "not a whole number"),
            (("ops", "g:0/3@1"), "at least 1"),
            (("ops", "p:k%2=v@1"), "bad escape"),
            (
                ("segment.ms", "0"),
                "Invalid value 0 for configuration segment.ms: Value must be at least 1",
            ),
            (
                ("segment.byte", "100"),
                "Unknown topic config name: segment.byte",
            ),
            (("now", "-3"), "negative"),
        ] {
            let e = Scenario::from_query([q]).unwrap_err();
            assert!(e.contains(want), "{q:?}: {e}");
        }
        let e = Scenario::from_query([("ops", "roll@10,roll@5")]).unwrap_err();
        assert!(e.contains("time only moves forward"), "{e}");
        let e = Scenario::from_query([("ops", "roll@10"), ("now", "3")]).unwrap_err();
        assert!(e.contains("before the last action"), "{e}");
        // A cross-field conflict is caught when the configs are applied.
        let e = scenario(&[
            ("min.compaction.lag.ms", "10"),
            ("max.compaction.lag.ms", "5"),
        ])
        .replay()
        .unwrap_err();
        assert!(e.contains("conflict topic config setting"), "{e}");
    }

    /// The e2e scenario: 3 keys, small segments, one pass. Keys outside the
    /// active segment keep only their latest value, offsets keep their gaps,
    /// the active segment is untouched, and the table is the latest per key.
    #[test]
    fn cleaning_keeps_latest_per_key_outside_the_active_segment() {
        let mut s = scenario(&[("segment.bytes", "150")]);
        for (k, v) in [
            ("k1", "a"),
            ("k2", "a"),
            ("k3", "a"),
            ("k1", "b"),
            ("k2", "b"),
            ("k1", "c"),
        ] {
            s = produce(&s, k, Some(v));
        }
        let before = CompactionView::build(&s.replay().unwrap());
        assert!(before.segments.len() >= 2, "{:?}", before.segments);
        let active = before.active_base_offset;
        let p = preview(&s.advanced(10).unwrap(), Action::Clean).unwrap();
        let r = p.next.replay().unwrap();
        let v = CompactionView::build(&r);
        // Reference model: latest offset per key below the active segment.
        let all: Vec<(i64, &str, &str)> = vec![
            (0, "k1", "a"),
            (1, "k2", "a"),
            (2, "k3", "a"),
            (3, "k1", "b"),
            (4, "k2", "b"),
            (5, "k1", "c"),
        ];
        let mut latest = BTreeMap::new();
        for &(o, k, _) in all.iter().filter(|(o, _, _)| *o < active) {
            latest.insert(k, o);
        }
        let want: Vec<String> = all
            .iter()
            .filter(|(o, k, _)| *o >= active || latest.get(k) == Some(o))
            .map(|(o, k, v)| format!("{o}:{k}={v}"))
            .collect();
        assert_eq!(v.remaining, want);
        let removed: Vec<i64> = all
            .iter()
            .map(|x| x.0)
            .filter(|o| !want.iter().any(|w| w.starts_with(&format!("{o}:"))))
            .collect();
        assert_eq!(p.removed_offsets, removed);
        assert!(!removed.is_empty());
        let table: Vec<(String, String)> = v
            .table
            .iter()
            .map(|r| (r.key.clone(), r.value.clone()))
            .collect();
        assert_eq!(
            table,
            vec![
                ("k1".to_owned(), "c".to_owned()),
                ("k2".to_owned(), "b".to_owned()),
                ("k3".to_owned(), "a".to_owned())
            ]
        );
        let c = v.last_clean.unwrap();
        assert_eq!(c.records_before - c.records_after, removed.len() as u64);
        assert_eq!(v.gauge.unwrap().ratio, 0.0);
    }

    #[test]
    fn tombstones_go_after_delete_retention_ms_on_a_later_pass() {
        let mut s = scenario(&[("delete.retention.ms", "100")]);
        s = produce(&s, "k1", Some("a"));
        s = produce(&s, "k1", None);
        s = s.with_action(Action::Roll).with_action(Action::Clean);
        let v = CompactionView::build(&s.replay().unwrap());
        assert_eq!(v.remaining, vec!["1:k1=null"]);
        assert!(v.table.is_empty());
        assert_eq!(v.last_clean.as_ref().unwrap().tombstones_kept, 1);
        // New dirty data, a pass at the horizon drops the tombstone.
        s = produce(&s.advanced(100).unwrap(), "k2", Some("x"));
        s = s.with_action(Action::Roll).with_action(Action::Clean);
        let v = CompactionView::build(&s.replay().unwrap());
        assert_eq!(v.remaining, vec!["2:k2=x"]);
        assert_eq!(v.last_clean.unwrap().tombstones_removed, 1);
    }

    #[test]
    fn cleaning_a_delete_topic_fails_with_kafkas_words_and_stops_the_replay() {
        let s = scenario(&[("cleanup.policy", "delete")]);
        let s = produce(&s, "k", Some("v")).with_action(Action::Roll);
        let e = preview(&s, Action::Clean).unwrap_err();
        assert!(e.contains("only cleans compacted topics"), "{e}");
        let r = s.with_action(Action::Clean).replay().unwrap();
        assert!(r.failed.is_some());
        assert_eq!(CompactionView::build(&r).remaining, vec!["0:k=v"]);
        // Nothing cleanable on a fresh compacted log either.
        let e = preview(&Scenario::default(), Action::Clean).unwrap_err();
        assert!(e.contains("Nothing to clean"), "{e}");
    }

    #[test]
    fn retention_drops_old_segments_from_the_head() {
        let mut s = scenario(&[
            ("cleanup.policy", "delete"),
            ("segment.bytes", "150"),
            ("retention.ms", "100"),
        ]);
        for i in 0..6 {
            s = produce(&s, &format!("k{i}"), Some("v"));
        }
        let s = s.advanced(500).unwrap();
        let before = CompactionView::build(&s.replay().unwrap());
        let p = preview(&s, Action::Retention).unwrap();
        let v = CompactionView::build(&p.next.replay().unwrap());
        let rr = v.last_retention.unwrap();
        // Every segment is older than retention.ms; the active one goes too and
        // a new empty one is rolled at the log end offset.
        assert_eq!(rr.deleted.len(), before.segments.len());
        assert!(rr.rolled_new_active);
        assert_eq!(v.log_start_offset, 6);
        assert_eq!(rr.log_start_after, 6);
        assert!(rr
            .deleted
            .iter()
            .all(|d| d.reason.contains("= 500 ms > retention.ms=100")));
        assert_eq!(
            p.deleted_segments,
            before
                .segments
                .iter()
                .map(|b| b.base_offset)
                .collect::<Vec<_>>()
        );
        assert!(v.remaining.is_empty());
    }

    #[test]
    fn generate_is_deterministic_and_views_are_bounded() {
        // Generate is deterministic and bounded in the view.
        let s = Scenario::default().with_action(Action::Generate {
            updates: 5_000,
            keys: 300,
        });
        let a = CompactionView::build(&s.replay().unwrap());
        let b = CompactionView::build(&s.replay().unwrap());
        assert_eq!(a, b);
        assert!(a.segments.len() <= MAX_SEGMENTS);
        assert!(a.hidden_segments > 0);
        assert!(a.segments.iter().all(|b| b.cells.len() <= MAX_CELLS));
        assert_eq!(a.remaining.len(), MAX_LIST);
        assert_eq!(a.remaining_hidden, 5_000 - MAX_LIST);
        assert_eq!(a.table.len() + a.table_hidden, 300);
        assert!(parse_generate("0", "1").is_err());
        assert!(parse_generate("10", "x").is_err());
        assert!(parse_generate("999999999", "1").is_err());
        assert!(parse_advance("0").is_err());
        assert_eq!(key_hue(b"k1"), key_hue(b"k1"));
        assert_ne!(key_hue(b"k1"), key_hue(b"k2"));
    }

    #[test]
    fn min_compaction_lag_holds_back_young_segments() {
        let mut s = scenario(&[("min.compaction.lag.ms", "1000")]);
        s = produce(&s, "k1", Some("a"));
        s = produce(&s, "k1", Some("b")).with_action(Action::Roll);
        s = produce(&s, "k1", Some("c"));
        // At t=0 the closed segment is too young: nothing to clean.
        let v = CompactionView::build(&s.replay().unwrap());
        assert_eq!(v.gauge.as_ref().unwrap().cleanable_bytes, 0);
        assert!(preview(&s, Action::Clean).is_err());
        let later = s.advanced(1001).unwrap();
        let v = CompactionView::build(&later.replay().unwrap());
        assert!(v.gauge.as_ref().unwrap().trigger.is_some());
        let p = preview(&later, Action::Clean).unwrap();
        assert_eq!(p.removed_offsets, vec![0]);
    }
}
