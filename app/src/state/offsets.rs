//! The Offsets & delivery page's view model, built on the engine's
//! [`DeliverySim`].
//!
//! * [`Scenario`] is what the URL holds: the run's settings and the sequence
//!   of user actions ([`Op`]: steps, "run to the end", crashes, executed
//!   offset resets). [`Scenario::from_query`] parses it with explicit errors;
//!   [`Scenario::to_query`] writes it back.
//! * [`Session`] replays a scenario through the engine **incrementally**:
//!   [`Session::advance`] applies at most a given number of poll cycles, so
//!   the page spreads a long replay (or "play") over animation frames and
//!   never blocks. The same scenario always gives the same simulation.
//! * [`OffsetsView`] is a snapshot for the view: per-partition timelines, the
//!   ledger, the lag history, the describe table, the reset dry-run — all
//!   aggregated, bounded in size whatever the number of records.

use kplay_engine::clock::Millis;
use kplay_engine::offsets::committed::{
    AutoCommitTiming, AutoOffsetReset, CommitStrategy, DEFAULT_AUTO_COMMIT_INTERVAL_MS,
    DEFAULT_MAX_POLL_RECORDS,
};
use kplay_engine::offsets::delivery::{
    CrashAt, CrashEvent, CrashStep, DeliveryConfig, DeliverySim, Ledger, PartitionTimeline,
    PoisonConfig, ResetEvent, RetentionSettings, SinkMode, SinkReport, MAX_RATE_PER_SEC,
    MIN_RATE_PER_SEC,
};

use kplay_engine::offsets::describe::{
    describe_rows, describe_state_message, render_describe, MemberView,
};
use kplay_engine::offsets::lag::{
    estimate_time_to_drain, time_lag_ms, AlertLevel, DrainEstimate, LagBucket, LagThresholds,
    PartitionRates,
};
use kplay_engine::offsets::reset::{
    parse_datetime, parse_duration, plan_reset, ResetScope, ResetSpec,
};
use kplay_engine::offsets::ConsumerGroupState;

/// The page simulates at most this many records (the ledger is recomputed
/// every frame; the CLI and the bench handle larger runs).
pub const MAX_PAGE_RECORDS: u64 = 200_000;
/// At most this many partitions (one timeline bar each).
pub const MAX_PAGE_PARTITIONS: u32 = 64;
/// At most this many user actions in a link.
pub const MAX_OPS: usize = 200;
/// The most poll cycles a link may ask for, counting the worst case of its
/// run ([`DeliveryConfig::poll_cycle_bound`], with each crash and reset as a
/// possible re-read of every record) and every `stepN`. The page applies them
/// in per-frame batches, so this bounds the total time, not one frame.
pub const MAX_LINK_POLL_CYCLES: u64 = 20_000_000;
/// Crash and reset events listed (newest last); older ones are summarised.
pub const MAX_EVENTS_SHOWN: usize = 8;
/// Records processed before a "mid batch" crash when none is given.
pub const DEFAULT_MID_BATCH: usize = 100;
/// `log.retention.check.interval.ms` used by the page (the broker default is
/// 300000; the page checks often so short runs show the effect).
pub const RETENTION_CHECK_MS: Millis = 500;

/// How the application commits (the page's choice list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitChoice {
    /// `enable.auto.commit=true`, committed from `poll()` (Java classic consumer).
    Auto,
    /// `enable.auto.commit=true`, committed by a background timer (librdkafka).
    AutoBackground,
    /// `commitSync()` after processing.
    Sync,
    /// `commitAsync()` after processing.
    Async,
    /// `commitSync()` right after `poll()`, before processing.
    Before,
}

impl CommitChoice {
    /// Every choice, in menu order, with URL token and label.
    pub const ALL: [(CommitChoice, &'static str, &'static str); 5] = [
        (Self::Auto, "auto", "auto-commit (Java: in poll)"),
        (
            Self::AutoBackground,
            "auto-bg",
            "auto-commit (librdkafka: background timer)",
        ),
        (Self::Sync, "sync", "manual commitSync after processing"),
        (Self::Async, "async", "manual commitAsync after processing"),
        (Self::Before, "before", "commit before processing"),
    ];

    /// URL token.
    pub fn token(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(c, _, _)| *c == self)
            .map_or("sync", |(_, t, _)| t)
    }

    fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .iter()
            .find(|(_, t, _)| *t == s)
            .map(|(c, _, _)| *c)
            .ok_or_else(|| {
                format!("commit must be one of auto, auto-bg, sync, async, before (got '{s}')")
            })
    }

    fn strategy(self, interval_ms: Millis) -> CommitStrategy {
        match self {
            Self::Auto => CommitStrategy::AutoCommit {
                interval_ms,
                timing: AutoCommitTiming::InPoll,
            },
            Self::AutoBackground => CommitStrategy::AutoCommit {
                interval_ms,
                timing: AutoCommitTiming::Background,
            },
            Self::Sync => CommitStrategy::ManualSync,
            Self::Async => CommitStrategy::ManualAsync,
            Self::Before => CommitStrategy::CommitBeforeProcessing,
        }
    }
}

/// Sink modes with URL tokens and labels.
pub const SINKS: [(SinkMode, &str, &str); 3] = [
    (SinkMode::AppendOnly, "append", "append-only table"),
    (SinkMode::UpsertByKey, "upsert", "upsert by key"),
    (SinkMode::DedupeByOffset, "dedupe", "dedupe by offset"),
];

/// `auto.offset.reset` values with URL tokens.
pub const RESETS: [(AutoOffsetReset, &str); 3] = [
    (AutoOffsetReset::Earliest, "earliest"),
    (AutoOffsetReset::Latest, "latest"),
    (AutoOffsetReset::None, "none"),
];

/// Crash steps the buttons offer: (token, label).
pub const CRASH_BUTTONS: [(&str, &str); 5] = [
    ("after-poll", "after poll"),
    ("mid", "mid batch"),
    ("after-write", "after write"),
    ("before-commit", "before commit"),
    ("after-commit", "after commit"),
];

/// The run's settings (every one is in the URL).
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Partitions of the source topic.
    pub partitions: u32,
    /// Records to produce.
    pub records: u64,
    /// Distinct keys.
    pub keys: u64,
    /// Producer rate (records/s).
    pub produce_per_sec: f64,
    /// Consumer rate (records/s).
    pub consume_per_sec: f64,
    /// `max.poll.records`.
    pub max_poll_records: usize,
    /// Commit strategy.
    pub commit: CommitChoice,
    /// `auto.commit.interval.ms`.
    pub auto_commit_interval_ms: Millis,
    /// Sink.
    pub sink: SinkMode,
    /// `auto.offset.reset`.
    pub auto_offset_reset: AutoOffsetReset,
    /// `retention.ms` (`None` = infinite, the default `-1`... kplay leaves it off).
    pub retention_ms: Option<i64>,
    /// `segment.bytes` (only used with retention).
    pub segment_bytes: i32,
    /// Every N-th record is poison (`None` = no poison records).
    pub poison_every: Option<u64>,
    /// Retries before a poison record is dead-lettered.
    pub max_retries: u32,
    /// Lag warning threshold.
    pub warning: i64,
    /// Lag critical threshold.
    pub critical: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            partitions: 3,
            records: 10_000,
            keys: 1_000,
            produce_per_sec: 1_000.0,
            consume_per_sec: 2_000.0,
            max_poll_records: DEFAULT_MAX_POLL_RECORDS,
            commit: CommitChoice::Sync,
            auto_commit_interval_ms: DEFAULT_AUTO_COMMIT_INTERVAL_MS,
            sink: SinkMode::AppendOnly,
            auto_offset_reset: AutoOffsetReset::Earliest,
            retention_ms: None,
            segment_bytes: 5_000,
            poison_every: None,
            max_retries: 3,
            warning: 1_000,
            critical: 5_000,
        }
    }
}

impl Settings {
    /// The engine configuration, after the page's own limits.
    pub fn to_config(&self) -> Result<DeliveryConfig, String> {
        if self.records > MAX_PAGE_RECORDS {
            return Err(format!(
                "records: the page simulates at most {MAX_PAGE_RECORDS} records (got {}); the `kplay` CLI and the bench run larger simulations",
                self.records
            ));
        }
        if self.partitions > MAX_PAGE_PARTITIONS {
            return Err(format!(
                "partitions: the page draws at most {MAX_PAGE_PARTITIONS} partitions (got {})",
                self.partitions
            ));
        }
        let thresholds =
            LagThresholds::new(self.warning, self.critical, 0).map_err(|e| e.to_string())?;
        Ok(DeliveryConfig {
            partitions: self.partitions,
            records: self.records,
            keys: self.keys,
            produce_per_sec: self.produce_per_sec,
            consume_per_sec: self.consume_per_sec,
            max_poll_records: self.max_poll_records,
            strategy: self.commit.strategy(self.auto_commit_interval_ms),
            sink: self.sink,
            auto_offset_reset: self.auto_offset_reset,
            poison: self.poison_every.map(|every| PoisonConfig {
                every,
                max_retries: self.max_retries,
                retry_backoff_ms: 100,
                dlq_topic: "events.DLQ".into(),
            }),
            retention: self.retention_ms.map(|retention_ms| RetentionSettings {
                retention_ms,
                retention_bytes: -1,
                segment_bytes: self.segment_bytes,
                check_interval_ms: RETENTION_CHECK_MS,
            }),
            thresholds,
            lag_sample_interval_ms: 250,
            lag_history_capacity: 256,
            ..DeliveryConfig::default()
        })
    }
}

/// A user action, replayed in order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// `stepN`: N poll cycles (N ≥ 1).
    Step(u64),
    /// `run`: until the run drains.
    Run,
    /// `crash:<step>`: crash the consumer at that step of the next batch.
    Crash(CrashStep),
    /// `reset:<spec>`: `--reset-offsets --execute` (group must be inactive).
    Reset(ResetSpec),
}

/// Parses a `--reset-offsets` spec token: `earliest`, `latest`, `current`,
/// `offset:N`, `shift:N`, `datetime:yyyy-MM-ddTHH:mm:ss.SSS`, `duration:PnDTnHnMnS`.
pub fn parse_reset_spec(s: &str) -> Result<ResetSpec, String> {
    let (kind, arg) = s.split_once(':').unwrap_or((s, ""));
    let int = |what: &str| {
        arg.parse::<i64>()
            .map_err(|_| format!("{what} needs a whole number (got '{arg}')"))
    };
    match kind {
        "earliest" if arg.is_empty() => Ok(ResetSpec::ToEarliest),
        "latest" if arg.is_empty() => Ok(ResetSpec::ToLatest),
        "current" if arg.is_empty() => Ok(ResetSpec::ToCurrent),
        "offset" => int("--to-offset").map(ResetSpec::ToOffset),
        "shift" => int("--shift-by").map(ResetSpec::ShiftBy),
        "datetime" => parse_datetime(arg)
            .map(ResetSpec::ToDatetime)
            .map_err(|e| e.to_string()),
        "duration" => parse_duration(arg)
            .map(ResetSpec::ByDuration)
            .map_err(|e| e.to_string()),
        _ => Err(format!(
            "unknown reset '{s}': use earliest, latest, current, offset:N, shift:N, datetime:… or duration:…"
        )),
    }
}

/// The URL token of a reset spec (inverse of [`parse_reset_spec`]).
pub fn reset_spec_token(spec: ResetSpec) -> String {
    match spec {
        ResetSpec::ToEarliest => "earliest".into(),
        ResetSpec::ToLatest => "latest".into(),
        ResetSpec::ToCurrent => "current".into(),
        ResetSpec::ToOffset(n) => format!("offset:{n}"),
        ResetSpec::ShiftBy(n) => format!("shift:{n}"),
        ResetSpec::ToDatetime(ms) => format!("datetime:{}", format_datetime(ms)),
        ResetSpec::ByDuration(ms) => format!("duration:{}", format_duration(ms)),
    }
}

/// The `kafka-consumer-groups` option for a spec.
pub fn reset_spec_flag(spec: ResetSpec) -> String {
    match spec {
        ResetSpec::ToEarliest => "--to-earliest".into(),
        ResetSpec::ToLatest => "--to-latest".into(),
        ResetSpec::ToCurrent => "--to-current".into(),
        ResetSpec::ToOffset(n) => format!("--to-offset {n}"),
        ResetSpec::ShiftBy(n) => format!("--shift-by {n}"),
        ResetSpec::ToDatetime(ms) => format!("--to-datetime {}", format_datetime(ms)),
        ResetSpec::ByDuration(ms) => format!("--by-duration {}", format_duration(ms)),
    }
}

/// `yyyy-MM-ddTHH:mm:ss.SSS` for simulated ms since the epoch (UTC).
pub fn format_datetime(ms: Millis) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1_000 % 60,
        rem % 1_000
    )
}

/// An ISO-8601 duration for ms (`PT1M30.5S`).
pub fn format_duration(ms: Millis) -> String {
    let secs = ms / 1_000;
    let millis = ms % 1_000;
    let (h, m, s) = (secs / 3_600, secs / 60 % 60, secs % 60);
    let mut out = String::from("PT");
    if h > 0 {
        out.push_str(&format!("{h}H"));
    }
    if m > 0 {
        out.push_str(&format!("{m}M"));
    }
    if s > 0 || millis > 0 || (h == 0 && m == 0) {
        if millis > 0 {
            out.push_str(&format!("{s}.{millis:03}S"));
        } else {
            out.push_str(&format!("{s}S"));
        }
    }
    out
}

fn crash_token(step: CrashStep) -> String {
    match step {
        CrashStep::AfterPoll => "after-poll".into(),
        CrashStep::MidBatch { processed } => format!("mid{processed}"),
        CrashStep::AfterWrite => "after-write".into(),
        CrashStep::BeforeCommit => "before-commit".into(),
        CrashStep::AfterCommit => "after-commit".into(),
    }
}

/// Parses a crash step token (`after-poll`, `mid<K>`, `after-write`,
/// `before-commit`, `after-commit`).
pub fn parse_crash_step(s: &str) -> Result<CrashStep, String> {
    match s {
        "after-poll" => Ok(CrashStep::AfterPoll),
        "after-write" => Ok(CrashStep::AfterWrite),
        "before-commit" => Ok(CrashStep::BeforeCommit),
        "after-commit" => Ok(CrashStep::AfterCommit),
        _ => match s.strip_prefix("mid") {
            Some(k) => k
                .parse::<usize>()
                .map(|processed| CrashStep::MidBatch { processed })
                .map_err(|_| format!("crash mid<K> needs a whole number of records (got '{s}')")),
            None => Err(format!(
                "unknown crash step '{s}': use after-poll, mid<K>, after-write, before-commit or after-commit"
            )),
        },
    }
}

impl Op {
    /// URL token.
    pub fn token(&self) -> String {
        match self {
            Op::Step(n) => format!("step{n}"),
            Op::Run => "run".into(),
            Op::Crash(s) => format!("crash:{}", crash_token(*s)),
            Op::Reset(spec) => format!("reset:{}", reset_spec_token(*spec)),
        }
    }

    /// Parses one token.
    pub fn parse(s: &str) -> Result<Op, String> {
        if s == "run" {
            return Ok(Op::Run);
        }
        if let Some(n) = s.strip_prefix("step") {
            return match n.parse::<u64>() {
                Ok(n) if n >= 1 => Ok(Op::Step(n)),
                _ => Err(format!("'{s}': step needs a whole number ≥ 1, like step5")),
            };
        }
        if let Some(c) = s.strip_prefix("crash:") {
            return parse_crash_step(c).map(Op::Crash);
        }
        if let Some(r) = s.strip_prefix("reset:") {
            return parse_reset_spec(r).map(Op::Reset);
        }
        Err(format!(
            "unknown action '{s}': use stepN, run, crash:<step> or reset:<spec>"
        ))
    }
}

/// Settings + actions: everything the URL holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// The run's settings.
    pub settings: Settings,
    /// User actions in order.
    pub ops: Vec<Op>,
    /// The reset spec shown in the dry-run tool.
    pub dry_run: ResetSpec,
}

impl Default for Scenario {
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            ops: Vec::new(),
            dry_run: ResetSpec::ToEarliest,
        }
    }
}

fn parse_num<T: std::str::FromStr>(key: &str, v: &str) -> Result<T, String> {
    v.trim().parse::<T>().map_err(|_| {
        format!(
            "{key} must be a number (got '{}')",
            kplay_engine::input::clip(v)
        )
    })
}

/// A whole number in `min..=max`; the message names the range, whether the
/// input was not a number, negative or too large.
fn parse_int_in(key: &str, v: &str, min: i64, max: i64) -> Result<i64, String> {
    let t = v.trim();
    match t.parse::<i128>() {
        Ok(n) if (i128::from(min)..=i128::from(max)).contains(&n) => Ok(n as i64),
        Ok(_) => Err(format!(
            "{key} must be a whole number from {min} to {max} (got {})",
            kplay_engine::input::clip(t)
        )),
        Err(_) => Err(format!(
            "{key} must be a whole number from {min} to {max} (got '{}')",
            kplay_engine::input::clip(t)
        )),
    }
}

fn parse_positive_u64(key: &str, v: &str) -> Result<u64, String> {
    parse_int_in(key, v, 1, i64::MAX).map(|n| n as u64)
}

fn parse_rate(key: &str, v: &str) -> Result<f64, String> {
    let r = parse_num::<f64>(key, v)?;
    if !r.is_finite() || !(MIN_RATE_PER_SEC..=MAX_RATE_PER_SEC).contains(&r) {
        return Err(format!(
            "{key} must be a rate from {MIN_RATE_PER_SEC} to {MAX_RATE_PER_SEC:e} records/s (got '{}')",
            kplay_engine::input::clip(v)
        ));
    }
    Ok(r)
}

fn fmt_rate(r: f64) -> String {
    if r.fract() == 0.0 && r.abs() < 1e15 {
        format!("{}", r as i64)
    } else {
        format!("{r}")
    }
}

/// Adds `op` to `ops`, merging consecutive steps.
pub fn push_op(ops: &mut Vec<Op>, op: Op) {
    if let (Some(Op::Step(a)), Op::Step(b)) = (ops.last_mut(), op) {
        *a = a.saturating_add(b);
        return;
    }
    ops.push(op);
}

impl Scenario {
    /// Parses the page's query. Unknown keys are ignored (other tools may add
    /// some); known keys with bad values are errors.
    pub fn from_query<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        Self::from_query_unshortened(pairs).map_err(|e| crate::url::shorten_message(&e))
    }

    fn from_query_unshortened<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, String> {
        let mut sc = Scenario::default();
        let s = &mut sc.settings;
        for (k, v) in pairs {
            match k {
                "partitions" => {
                    s.partitions =
                        parse_int_in(k, v, 1, i64::from(MAX_PAGE_PARTITIONS))? as u32
                }
                "records" => s.records = parse_int_in(k, v, 1, MAX_PAGE_RECORDS as i64)? as u64,
                "keys" => s.keys = parse_int_in(k, v, 1, i64::from(u32::MAX))? as u64,
                "produce" => s.produce_per_sec = parse_rate(k, v)?,
                "consume" => s.consume_per_sec = parse_rate(k, v)?,
                "maxpoll" => {
                    // max.poll.records is a Java int (ConsumerConfig, atLeast(1)).
                    s.max_poll_records =
                        parse_int_in("maxpoll (max.poll.records)", v, 1, i64::from(i32::MAX))?
                            as usize
                }
                "commit" => s.commit = CommitChoice::parse(v)?,
                "aci" => {
                    // A Java int in ConsumerConfig (Type.INT); kplay asks for ≥ 1.
                    s.auto_commit_interval_ms = parse_int_in(
                        "aci (auto.commit.interval.ms)",
                        v,
                        1,
                        i64::from(i32::MAX),
                    )?
                }
                "sink" => {
                    s.sink = SINKS
                        .iter()
                        .find(|(_, t, _)| *t == v)
                        .map(|(m, _, _)| *m)
                        .ok_or_else(|| {
                            format!("sink must be append, upsert or dedupe (got '{v}')")
                        })?
                }
                "reset" => {
                    s.auto_offset_reset = RESETS
                        .iter()
                        .find(|(_, t)| *t == v)
                        .map(|(r, _)| *r)
                        .ok_or_else(|| {
                            format!("reset (auto.offset.reset) must be earliest, latest or none (got '{v}')")
                        })?
                }
                "retention" => {
                    s.retention_ms = Some(parse_int_in(
                        "retention (retention.ms; leave it out for infinite retention)",
                        v,
                        1,
                        i64::MAX,
                    )?)
                }
                "segment" => {
                    s.segment_bytes =
                        parse_int_in("segment (segment.bytes)", v, 14, i64::from(i32::MAX))?
                            as i32
                }
                "poison" => s.poison_every = Some(parse_positive_u64(k, v)?),
                "retries" => {
                    s.max_retries = match parse_num::<u32>(k, v)? {
                        n if n <= 1_000 => n,
                        n => return Err(format!("retries must be at most 1000 (got {n})")),
                    }
                }
                "warn" => s.warning = parse_num(k, v)?,
                "crit" => s.critical = parse_num(k, v)?,
                "dry" => sc.dry_run = parse_reset_spec(v).map_err(|e| format!("dry: {e}"))?,
                "ops" => {
                    for t in v.split(',').filter(|t| !t.is_empty()) {
                        let op = Op::parse(t.trim())?;
                        push_op(&mut sc.ops, op);
                    }
                    if sc.ops.len() > MAX_OPS {
                        return Err(format!(
                            "ops: at most {MAX_OPS} actions in a link (got {})",
                            sc.ops.len()
                        ));
                    }
                }
                _ => {}
            }
        }
        sc.check_work()?;
        if sc.settings.warning <= 0 || sc.settings.critical <= sc.settings.warning {
            return Err(format!(
                "lag thresholds need 0 < warn < crit (got warn={} crit={})",
                sc.settings.warning, sc.settings.critical
            ));
        }
        Ok(sc)
    }

    /// Refuses a link whose total work is above [`MAX_LINK_POLL_CYCLES`]:
    /// the worst case of its run plus every explicit step.
    fn check_work(&self) -> Result<(), String> {
        let Ok(mut cfg) = self.settings.to_config() else {
            return Ok(()); // the settings' own error is shown when the run starts
        };
        // Each crash or reset may make the consumer read every record again.
        let rewinds = self
            .ops
            .iter()
            .filter(|o| matches!(o, Op::Crash(_) | Op::Reset(_)))
            .count();
        cfg.crashes = vec![
            CrashAt {
                batch: 0,
                step: CrashStep::AfterPoll,
            };
            rewinds
        ];
        let run = cfg.poll_cycle_bound();
        let steps = self.ops.iter().fold(0u64, |n, o| match o {
            Op::Step(k) => n.saturating_add(*k),
            _ => n,
        });
        let total = run.saturating_add(steps);
        if total > MAX_LINK_POLL_CYCLES {
            return Err(format!(
                "this link asks for up to {total} poll cycles (its run's worst case {run} plus {steps} explicit steps); \
                 the page runs at most {MAX_LINK_POLL_CYCLES}. Use fewer records, faster rates, fewer crashes or smaller steps"
            ));
        }
        Ok(())
    }

    /// The query pairs (defaults left out, so links stay short).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let d = Settings::default();
        let s = &self.settings;
        let mut q: Vec<(String, String)> = Vec::new();
        let mut put = |k: &str, v: String, default: String| {
            if v != default {
                q.push((k.to_owned(), v));
            }
        };
        put(
            "partitions",
            s.partitions.to_string(),
            d.partitions.to_string(),
        );
        put("records", s.records.to_string(), d.records.to_string());
        put("keys", s.keys.to_string(), d.keys.to_string());
        put(
            "produce",
            fmt_rate(s.produce_per_sec),
            fmt_rate(d.produce_per_sec),
        );
        put(
            "consume",
            fmt_rate(s.consume_per_sec),
            fmt_rate(d.consume_per_sec),
        );
        put(
            "maxpoll",
            s.max_poll_records.to_string(),
            d.max_poll_records.to_string(),
        );
        put("commit", s.commit.token().into(), d.commit.token().into());
        put(
            "aci",
            s.auto_commit_interval_ms.to_string(),
            d.auto_commit_interval_ms.to_string(),
        );
        put("sink", sink_token(s.sink).into(), sink_token(d.sink).into());
        put(
            "reset",
            reset_token(s.auto_offset_reset).into(),
            reset_token(d.auto_offset_reset).into(),
        );
        if let Some(r) = s.retention_ms {
            put("retention", r.to_string(), String::new());
        }
        put(
            "segment",
            s.segment_bytes.to_string(),
            d.segment_bytes.to_string(),
        );
        if let Some(p) = s.poison_every {
            put("poison", p.to_string(), String::new());
        }
        put(
            "retries",
            s.max_retries.to_string(),
            d.max_retries.to_string(),
        );
        put("warn", s.warning.to_string(), d.warning.to_string());
        put("crit", s.critical.to_string(), d.critical.to_string());
        put(
            "dry",
            reset_spec_token(self.dry_run),
            reset_spec_token(ResetSpec::ToEarliest),
        );
        let ops: Vec<String> = self.ops.iter().map(Op::token).collect();
        put("ops", ops.join(","), String::new());
        q
    }

    /// A copy with `op` appended (steps merged).
    pub fn with_op(&self, op: Op) -> Scenario {
        let mut s = self.clone();
        push_op(&mut s.ops, op);
        s
    }

    /// A copy with new settings and no actions (a new run).
    pub fn with_settings(&self, settings: Settings) -> Scenario {
        Scenario {
            settings,
            ops: Vec::new(),
            dry_run: self.dry_run,
        }
    }
}

/// URL token of a sink mode.
pub fn sink_token(m: SinkMode) -> &'static str {
    SINKS
        .iter()
        .find(|(s, _, _)| *s == m)
        .map_or("append", |(_, t, _)| t)
}

/// URL token of an `auto.offset.reset` value.
pub fn reset_token(r: AutoOffsetReset) -> &'static str {
    RESETS
        .iter()
        .find(|(x, _)| *x == r)
        .map_or("earliest", |(_, t)| t)
}

/// Named starting points.
pub fn presets() -> Vec<(&'static str, &'static str, Scenario)> {
    let d = Settings::default();
    vec![
        (
            "preset-auto-commit-crash",
            "Auto-commit + crash after write → duplicates",
            Scenario {
                settings: Settings {
                    commit: CommitChoice::Auto,
                    ..d.clone()
                },
                ops: vec![Op::Step(400), Op::Crash(CrashStep::AfterWrite), Op::Run],
                dry_run: ResetSpec::ToEarliest,
            },
        ),
        (
            "preset-commit-before",
            "Commit before processing + crash after commit → loss",
            Scenario {
                settings: Settings {
                    commit: CommitChoice::Before,
                    consume_per_sec: 800.0,
                    ..d.clone()
                },
                ops: vec![Op::Step(40), Op::Crash(CrashStep::AfterCommit), Op::Run],
                dry_run: ResetSpec::ToEarliest,
            },
        ),
        (
            "preset-idempotent",
            "Same crash, upsert-by-key sink → duplicates harmless",
            Scenario {
                settings: Settings {
                    commit: CommitChoice::Sync,
                    sink: SinkMode::UpsertByKey,
                    consume_per_sec: 800.0,
                    ..d.clone()
                },
                ops: vec![Op::Step(40), Op::Crash(CrashStep::BeforeCommit), Op::Run],
                dry_run: ResetSpec::ToEarliest,
            },
        ),
        (
            "preset-retention",
            "Retention shorter than worst-case lag loses data",
            Scenario {
                settings: Settings {
                    partitions: 1,
                    records: 5_000,
                    produce_per_sec: 1_000.0,
                    consume_per_sec: 500.0,
                    retention_ms: Some(2_000),
                    segment_bytes: 5_000,
                    ..d
                },
                ops: vec![Op::Run],
                dry_run: ResetSpec::ToEarliest,
            },
        ),
    ]
}

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Replaying the link's actions.
    Replaying,
    /// All actions applied; the run has not drained.
    Ready,
    /// The run has drained (consumer closed).
    Done,
    /// An action failed (see the error).
    Failed,
}

impl Status {
    /// Text for the status badge (read by tests).
    pub fn label(self) -> &'static str {
        match self {
            Status::Replaying => "replaying",
            Status::Ready => "ready",
            Status::Done => "done",
            Status::Failed => "failed",
        }
    }
}

/// A live simulation replaying a [`Scenario`].
#[derive(Debug, Clone)]
pub struct Session {
    scenario: Scenario,
    sim: DeliverySim,
    /// Index of the next op to apply.
    cursor: usize,
    /// Steps of `ops[cursor]` already applied.
    progress: u64,
    /// Steps taken by "play" beyond the scenario's ops.
    live_steps: u64,
    error: Option<String>,
}

/// The state of the group for the reset tool.
pub fn reset_scope(topic: &str) -> ResetScope {
    ResetScope::Topics(vec![(topic.to_owned(), None)])
}

impl Session {
    /// A new session at the start of `scenario` (nothing replayed yet).
    pub fn new(scenario: Scenario) -> Result<Self, String> {
        let cfg = scenario.settings.to_config()?;
        let sim = DeliverySim::new(cfg).map_err(|e| e.to_string())?;
        Ok(Self {
            scenario,
            sim,
            cursor: 0,
            progress: 0,
            live_steps: 0,
            error: None,
        })
    }

    /// The simulation.
    pub fn sim(&self) -> &DeliverySim {
        &self.sim
    }

    /// The scenario including steps taken by "play" (what the URL should say).
    pub fn current_scenario(&self) -> Scenario {
        if self.live_steps == 0 {
            self.scenario.clone()
        } else {
            self.scenario.with_op(Op::Step(self.live_steps))
        }
    }

    /// Steps taken by "play" not yet in the URL.
    pub fn live_steps(&self) -> u64 {
        self.live_steps
    }

    /// The error that stopped the replay, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// Where the session is.
    pub fn status(&self) -> Status {
        if self.error.is_some() {
            Status::Failed
        } else if self.cursor < self.scenario.ops.len() {
            Status::Replaying
        } else if self.sim.is_done() {
            Status::Done
        } else {
            Status::Ready
        }
    }

    /// Whether every op of the scenario has been applied (or one failed).
    pub fn replayed(&self) -> bool {
        self.error.is_some() || self.cursor >= self.scenario.ops.len()
    }

    /// Tries to move to `next` without replaying from scratch: when `next`
    /// has the same settings and its ops extend what this session has already
    /// applied (play steps included), the session adopts it and will apply
    /// only the new ops. Returns `false` when a rebuild is needed.
    pub fn adopt(&mut self, next: &Scenario) -> bool {
        if next.settings != self.scenario.settings || self.error.is_some() {
            return false;
        }
        let cur = self.current_scenario();
        // cur.ops[..c] are fully applied, plus `p` cycles of cur.ops[c].
        let (c, p) = if self.live_steps > 0 {
            (cur.ops.len(), 0)
        } else {
            (self.cursor, self.progress)
        };
        let (mut cursor, mut progress) = (c, p);
        if c > 0 {
            if next.ops.len() < c || next.ops[..c - 1] != cur.ops[..c - 1] {
                return false;
            }
            match (cur.ops[c - 1], next.ops[c - 1]) {
                (x, y) if x == y => {}
                // A trailing step grew (more steps were played or clicked).
                (Op::Step(a), Op::Step(b)) if b > a && p == 0 => {
                    cursor = c - 1;
                    progress = a;
                }
                _ => return false,
            }
        }
        if p > 0 {
            match (cur.ops.get(c), next.ops.get(c)) {
                (Some(x), Some(y)) if x == y => {}
                (Some(Op::Step(_)), Some(Op::Step(b))) if *b >= p => {}
                _ => return false,
            }
        }
        self.scenario = next.clone();
        self.cursor = cursor;
        self.progress = progress;
        self.live_steps = 0;
        true
    }

    /// Applies scenario ops for at most `budget` poll cycles (a crash or a
    /// reset costs one). Returns the cycles used; 0 when everything is
    /// applied or an op failed.
    pub fn advance(&mut self, budget: u64) -> u64 {
        let mut used = 0;
        while used < budget && self.error.is_none() {
            let Some(&op) = self.scenario.ops.get(self.cursor) else {
                break;
            };
            match op {
                Op::Step(n) => {
                    // Steps after the run has drained change nothing: finish the op.
                    let todo = if self.sim.is_done() {
                        0
                    } else {
                        (n - self.progress.min(n)).min(budget - used)
                    };
                    for _ in 0..todo {
                        if let Err(e) = self.sim.step() {
                            self.error = Some(e.to_string());
                            break;
                        }
                    }
                    used += todo.max(1);
                    self.progress += todo;
                    if self.progress >= n || self.sim.is_done() {
                        self.cursor += 1;
                        self.progress = 0;
                    }
                }
                Op::Run => {
                    let mut more = !self.sim.is_done();
                    while more && used < budget {
                        used += 1;
                        self.progress += 1;
                        match self.sim.step() {
                            Ok(m) => more = m,
                            Err(e) => {
                                self.error = Some(e.to_string());
                                more = false;
                            }
                        }
                    }
                    if !more {
                        self.cursor += 1;
                        self.progress = 0;
                    }
                }
                Op::Crash(step) => {
                    self.sim.crash_next_batch(step);
                    used += 1;
                    self.cursor += 1;
                }
                Op::Reset(spec) => {
                    used += 1;
                    let topic = self.sim.config().topic.clone();
                    let plan = plan_reset(
                        self.sim.cluster(),
                        self.sim.offsets(),
                        self.sim.group_state(),
                        &reset_scope(&topic),
                        spec,
                        self.sim.now(),
                    );
                    match plan.and_then(|p| self.sim.execute_reset(&p)) {
                        Ok(()) => self.cursor += 1,
                        Err(e) => self.error = Some(format!("Error: {e}")),
                    }
                }
            }
        }
        used
    }

    /// "Play": once the scenario is replayed, takes up to `budget` more poll
    /// cycles (counted as live steps). Returns whether the run can go on.
    pub fn play(&mut self, budget: u64) -> bool {
        if !self.replayed() || self.error.is_some() {
            return false;
        }
        for _ in 0..budget {
            let was_done = self.sim.is_done();
            match self.sim.step() {
                Ok(true) => self.live_steps += 1,
                Ok(false) => {
                    // The step that drains the run changes state (the consumer
                    // closes): it is part of the replay.
                    if !was_done {
                        self.live_steps += 1;
                    }
                    return false;
                }
                Err(e) => {
                    self.live_steps += 1;
                    self.error = Some(e.to_string());
                    return false;
                }
            }
        }
        !self.sim.is_done()
    }
}

/// One partition's timeline bar, as fractions of the bar width.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBar {
    /// The engine's offsets.
    pub offsets: PartitionTimeline,
    /// Time lag: age of the oldest record not yet committed (ms).
    pub time_lag_ms: Millis,
}

/// A row of the reset dry-run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRun {
    /// The command line the user would type.
    pub command: String,
    /// The table (`Ok`) or the tool's error (`Err`).
    pub output: Result<String, String>,
    /// Clamping and fall-back warnings.
    pub warnings: Vec<String>,
}

/// A snapshot of everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct OffsetsView {
    /// Status.
    pub status: Status,
    /// Simulated now.
    pub now_ms: Millis,
    /// Per-partition bars.
    pub timeline: Vec<TimelineBar>,
    /// Largest log end across partitions (bar scale).
    pub max_log_end: i64,
    /// The ledger.
    pub ledger: Ledger,
    /// The sink (computed at rest only: it scans every record).
    pub sink: Option<SinkReport>,
    /// Lag history buckets.
    pub lag: Vec<LagBucket>,
    /// History resolution (ms per bucket).
    pub lag_resolution_ms: Millis,
    /// Thresholds.
    pub thresholds: (i64, i64),
    /// Alert level.
    pub alert: AlertLevel,
    /// Current total lag.
    pub total_lag: i64,
    /// Time to drain.
    pub drain: Option<DrainEstimate>,
    /// The describe output (message lines + table).
    pub describe: String,
    /// Group state.
    pub group_state: ConsumerGroupState,
    /// The reset dry-run.
    pub dry_run: DryRun,
    /// Latest crashes.
    pub crashes: Vec<CrashEvent>,
    /// Crashes not shown.
    pub crashes_hidden: usize,
    /// Latest offset resets by `auto.offset.reset`.
    pub resets: Vec<ResetEvent>,
    /// Resets not shown.
    pub resets_hidden: usize,
    /// Records in the DLQ.
    pub dlq_len: Option<i64>,
    /// Segments deleted by retention so far.
    pub segments_deleted: u64,
    /// Batches polled.
    pub batches: u64,
    /// Crashes scheduled and not reached yet.
    pub crashes_pending: usize,
    /// The error that stopped the run, if any.
    pub error: Option<String>,
}

fn last_n<T: Clone>(v: &[T], n: usize) -> (Vec<T>, usize) {
    let hidden = v.len().saturating_sub(n);
    (v[hidden..].to_vec(), hidden)
}

impl OffsetsView {
    /// A snapshot of `session`. `with_sink` computes the sink report (it
    /// scans every record; the page does so only when the run is at rest).
    pub fn of(session: &Session, with_sink: bool) -> Self {
        let sim = &session.sim;
        let cfg = sim.config();
        let now = sim.now();
        let timeline: Vec<TimelineBar> = sim
            .timeline()
            .into_iter()
            .map(|t| {
                let time_lag = sim
                    .cluster()
                    .topic(&cfg.topic)
                    .and_then(|topic| topic.partition(t.partition))
                    .map_or(0, |p| time_lag_ms(p.log(), t.committed, now));
                TimelineBar {
                    offsets: t,
                    time_lag_ms: time_lag,
                }
            })
            .collect();
        let max_log_end = timeline
            .iter()
            .map(|t| t.offsets.log_end)
            .max()
            .unwrap_or(0);
        let group_state = sim.group_state();
        let members: Vec<MemberView> = if group_state.is_inactive() {
            Vec::new()
        } else {
            vec![MemberView {
                consumer_id: "consumer-pipeline-1-5f0c7a8e-2b1d-4c3e-9a6f-0d2e4b6c8a10".into(),
                host: "/10.0.0.5".into(),
                client_id: "consumer-pipeline-1".into(),
                assignment: (0..cfg.partitions as i32)
                    .map(|p| kplay_engine::offsets::TopicPartition::new(cfg.topic.clone(), p))
                    .collect(),
            }]
        };
        let rows = describe_rows(sim.offsets(), &members, sim.cluster());
        let mut describe = String::new();
        if let Some((_, msg)) = describe_state_message(&cfg.group, group_state) {
            describe.push_str(&msg);
            describe.push('\n');
        }
        if !rows.is_empty() {
            describe.push_str(&render_describe(&rows));
        }
        let spec = session.scenario.dry_run;
        let command = format!(
            "kafka-consumer-groups --bootstrap-server localhost:9092 --group {} --reset-offsets --topic {} {} --dry-run",
            cfg.group,
            cfg.topic,
            reset_spec_flag(spec)
        );
        let dry_run = match plan_reset(
            sim.cluster(),
            sim.offsets(),
            group_state,
            &reset_scope(&cfg.topic),
            spec,
            now,
        ) {
            Ok(plan) => DryRun {
                command,
                output: Ok(plan.render_table()),
                warnings: plan.warnings.clone(),
            },
            Err(e) => DryRun {
                command,
                output: Err(format!("Error: {e}")),
                warnings: Vec::new(),
            },
        };
        let n = f64::from(cfg.partitions.max(1));
        let ledger = sim.ledger();
        let producing = ledger.produced < cfg.records;
        let rates: Vec<PartitionRates> = timeline
            .iter()
            .map(|t| PartitionRates {
                lag: t
                    .offsets
                    .lag
                    .unwrap_or(t.offsets.high_watermark - t.offsets.log_start)
                    .max(0),
                consume_per_sec: cfg.consume_per_sec / n,
                produce_per_sec: if producing {
                    cfg.produce_per_sec / n
                } else {
                    0.0
                },
            })
            .collect();
        let (crashes, crashes_hidden) = last_n(sim.crash_events(), MAX_EVENTS_SHOWN);
        let (resets, resets_hidden) = last_n(sim.reset_events(), MAX_EVENTS_SHOWN);
        OffsetsView {
            status: session.status(),
            now_ms: now,
            max_log_end,
            ledger,
            sink: with_sink.then(|| sim.sink_report()),
            lag: sim.lag_history().buckets().to_vec(),
            lag_resolution_ms: sim.lag_history().resolution_ms(),
            thresholds: (cfg.thresholds.warning, cfg.thresholds.critical),
            alert: sim.lag_alert().level(),
            total_lag: sim.total_lag(),
            drain: estimate_time_to_drain(&rates).ok(),
            describe,
            group_state,
            dry_run,
            crashes,
            crashes_hidden,
            resets,
            resets_hidden,
            dlq_len: sim.dlq().map(|d| d.len()),
            segments_deleted: sim.segments_deleted(),
            batches: sim.batches(),
            crashes_pending: sim.pending_crashes().len(),
            timeline,
            error: session.error.clone(),
        }
    }
}

/// Alert badge text.
pub fn alert_label(a: AlertLevel) -> &'static str {
    match a {
        AlertLevel::Ok => "OK",
        AlertLevel::Warning => "WARNING",
        AlertLevel::Critical => "CRITICAL",
    }
}

/// Human text of a drain estimate.
pub fn drain_label(d: Option<DrainEstimate>) -> String {
    match d {
        None => "—".into(),
        Some(DrainEstimate::Drained) => "caught up".into(),
        Some(DrainEstimate::Finite {
            ms,
            slowest_partition,
        }) => format!(
            "{:.1} s (slowest: partition {slowest_partition})",
            ms / 1_000.0
        ),
        Some(DrainEstimate::Never { partition }) => {
            format!("never: partition {partition} is consumed no faster than it is produced")
        }
    }
}

/// Human text of a crash step.
pub fn crash_label(s: CrashStep) -> String {
    match s {
        CrashStep::AfterPoll => "after poll".into(),
        CrashStep::MidBatch { processed } => format!("mid batch ({processed} processed)"),
        CrashStep::AfterWrite => "after write".into(),
        CrashStep::BeforeCommit => "before commit".into(),
        CrashStep::AfterCommit => "after commit".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(q: &str) -> Result<Scenario, String> {
        let pairs = crate::url::parse_query(q);
        Scenario::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    #[test]
    fn hostile_links_from_issue_16_are_refused_with_their_range() {
        for (q, needle) in [
            // #2: the auto-commit loop spun from 2^61 up.
            (
                "aci=9223372036854775807&commit=auto-bg&ops=step1",
                "from 1 to 2147483647",
            ),
            // #3–#5: rates that stand simulated time still.
            ("consume=1e-320&commit=auto-bg&ops=step1", "from 0.001 to"),
            ("produce=1e-320&ops=run", "from 0.001 to"),
            ("consume=1e-320&ops=run", "from 0.001 to"),
            // #17: -1 said "must be a number".
            ("partitions=-1", "from 1 to 64"),
            ("records=9223372036854775808", "from 1 to"),
            // The total work of a link, not only each step.
            ("ops=step1000000000000000000", "poll cycles"),
            ("records=200000&produce=0.001", "poll cycles"),
        ] {
            let e = link(q).expect_err(q);
            assert!(e.contains(needle), "{q}: {e}");
            assert!(e.len() < 400, "{q}: message too long: {e}");
        }
        let huge = format!("records={}", "7".repeat(100_000));
        let e = link(&huge).unwrap_err();
        assert!(
            e.len() < 200,
            "a 100 KB value is quoted by a prefix: {}",
            e.len()
        );
    }

    #[test]
    fn steps_after_the_run_has_drained_finish_at_once() {
        let s = link("records=200&ops=run,step5000000").unwrap();
        let mut session = Session::new(s).unwrap();
        let mut frames = 0;
        while session.advance(10_000) > 0 {
            frames += 1;
            assert!(frames < 100, "stepping a drained run must not spin");
        }
        assert!(session.replayed() && session.sim().is_done());
    }

    fn run_all(s: &Scenario) -> Session {
        let mut session = Session::new(s.clone()).unwrap();
        while session.advance(1_000) > 0 {}
        session
    }

    #[test]
    fn query_round_trips_and_defaults_are_left_out() {
        let s = Scenario {
            settings: Settings {
                commit: CommitChoice::Before,
                retention_ms: Some(2_000),
                poison_every: Some(50),
                produce_per_sec: 1_500.5,
                ..Settings::default()
            },
            ops: vec![
                Op::Step(5),
                Op::Crash(CrashStep::MidBatch { processed: 7 }),
                Op::Crash(CrashStep::AfterWrite),
                Op::Run,
                Op::Reset(ResetSpec::ShiftBy(-100)),
                Op::Reset(ResetSpec::ByDuration(90_500)),
                Op::Reset(ResetSpec::ToDatetime(5_000)),
            ],
            dry_run: ResetSpec::ToOffset(42),
        };
        let q = s.to_query();
        let back = Scenario::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))).unwrap();
        assert_eq!(back, s);
        assert!(q.iter().all(|(k, _)| k != "partitions" && k != "sink"));
        let ops = q.iter().find(|(k, _)| k == "ops").map(|(_, v)| v.clone());
        assert_eq!(
            ops.as_deref(),
            Some("step5,crash:mid7,crash:after-write,run,reset:shift:-100,reset:duration:PT1M30.500S,reset:datetime:1970-01-01T00:00:05.000")
        );
        assert!(Scenario::default().to_query().is_empty());
    }

    #[test]
    fn bad_links_are_clear_errors() {
        for (k, v, want) in [
            ("partitions", "0", "from 1 to 64"),
            ("records", "x", "must be a whole number from 1"),
            ("records", "1000000", "from 1 to 200000"),
            ("produce", "-1", "from 0.001 to"),
            ("commit", "maybe", "auto, auto-bg, sync"),
            ("ops", "step0", "step needs"),
            ("ops", "crash:sideways", "unknown crash step"),
            ("ops", "reset:duration:1h", "cannot be parsed to a Duration"),
            ("ops", "jump", "unknown action"),
            ("crit", "10", "warn < crit"),
            ("retention", "0", "from 1 to"),
        ] {
            let err = Scenario::from_query([(k, v)])
                .and_then(|s| Session::new(s).map(|_| ()))
                .unwrap_err();
            assert!(err.contains(want), "{k}={v}: {err}");
        }
    }

    #[test]
    fn auto_commit_crash_after_write_duplicates_and_the_ledger_balances() {
        let (_, _, s) = presets().remove(0);
        let session = run_all(&s);
        assert_eq!(session.status(), Status::Done);
        let v = OffsetsView::of(&session, true);
        let l = v.ledger;
        assert!(l.duplicated > 0, "{l:?}");
        assert_eq!(l.lost, 0);
        assert_eq!(l.processed_once + l.duplicated + l.lost, l.produced);
        assert_eq!(l.produced, 10_000);
        assert!(l.balances());
        assert_eq!(
            v.sink.map(|s| s.duplicate_effects),
            Some(l.duplicate_deliveries)
        );
    }

    #[test]
    fn commit_before_processing_with_a_crash_after_commit_loses_records() {
        let (_, _, s) = presets().remove(1);
        let v = OffsetsView::of(&run_all(&s), false);
        assert!(v.ledger.lost > 0);
        assert_eq!(v.ledger.lost, v.ledger.lost_committed_unprocessed);
        assert_eq!(v.ledger.duplicated, 0);
        assert!(v.ledger.balances());
    }

    #[test]
    fn retention_preset_loses_data_to_offset_reset() {
        let (_, _, s) = presets().remove(3);
        let v = OffsetsView::of(&run_all(&s), false);
        assert!(v.ledger.lost_to_offset_reset > 0);
        assert!(v.segments_deleted > 0);
        assert!(!v.resets.is_empty() || v.resets_hidden > 0);
    }

    #[test]
    fn incremental_replay_and_play_equal_a_one_shot_replay() {
        let (_, _, s) = presets().remove(0);
        let full = OffsetsView::of(&run_all(&s), true);
        // Replay in small chunks.
        let mut chunked = Session::new(s.clone()).unwrap();
        while chunked.advance(7) > 0 {}
        assert_eq!(OffsetsView::of(&chunked, true), full);
        // Play steps then write them into the URL: adopting keeps the session.
        let mut played = Session::new(Scenario {
            ops: vec![Op::Step(400), Op::Crash(CrashStep::AfterWrite)],
            ..s.clone()
        })
        .unwrap();
        while played.advance(50) > 0 {}
        while played.play(13) {}
        let url = played.current_scenario();
        assert!(played.adopt(&url));
        let from_link = run_all(&url);
        assert_eq!(played.status(), Status::Done);
        assert_eq!(from_link.status(), Status::Done);
        assert_eq!(
            OffsetsView::of(&from_link, true),
            OffsetsView::of(&played, true)
        );
        assert_eq!(
            OffsetsView::of(&from_link, true).ledger,
            OffsetsView::of(&played, true).ledger
        );
        assert_eq!(OffsetsView::of(&from_link, true).ledger, full.ledger);
        // Appending a crash is adopted without a rebuild; changing a setting is not.
        let mut session = Session::new(Scenario {
            ops: vec![Op::Step(10)],
            ..s.clone()
        })
        .unwrap();
        while session.advance(100) > 0 {}
        let next = session
            .current_scenario()
            .with_op(Op::Crash(CrashStep::AfterPoll));
        assert!(session.adopt(&next));
        assert_eq!(session.status(), Status::Replaying);
        let mut other = next.clone();
        other.settings.partitions = 4;
        assert!(!session.adopt(&other));
        // Removing ops (Back) needs a rebuild.
        assert!(!session.adopt(&Scenario {
            ops: vec![Op::Step(3)],
            ..s
        }));
    }

    #[test]
    fn describe_and_dry_run_follow_the_group_state() {
        let mut s = Scenario {
            ops: vec![Op::Step(20)],
            ..Scenario::default()
        };
        let v = OffsetsView::of(&run_all(&s), false);
        assert_eq!(v.group_state, ConsumerGroupState::Stable);
        assert!(v.describe.starts_with("\nGROUP "), "{:?}", v.describe);
        assert!(v.describe.contains("consumer-pipeline-1"));
        assert_eq!(
            v.dry_run.output,
            Err("Error: Assignments can only be reset if the group 'pipeline' is inactive, but the current state is Stable.".into())
        );
        s.ops = vec![Op::Run];
        s.dry_run = ResetSpec::ShiftBy(-100);
        let v = OffsetsView::of(&run_all(&s), false);
        assert_eq!(v.group_state, ConsumerGroupState::Empty);
        assert!(v.describe.contains("has no active members"));
        let table = v.dry_run.output.unwrap();
        assert!(table.contains("NEW-OFFSET"), "{table}");
        // Each partition's new offset is its committed offset − 100.
        for t in &v.timeline {
            let line = format!(
                "events          {:<10} {}",
                t.offsets.partition,
                t.offsets.committed.unwrap() - 100
            );
            assert!(table.contains(&line), "{line:?} in {table}");
        }
        // Executing a reset to earliest replays everything: every record duplicated.
        s.ops.push(Op::Reset(ResetSpec::ToEarliest));
        s.ops.push(Op::Run);
        let v = OffsetsView::of(&run_all(&s), false);
        assert_eq!(v.ledger.duplicated, 10_000);
        // ...but not while the group is active.
        s.ops = vec![Op::Step(3), Op::Reset(ResetSpec::ToEarliest)];
        let session = run_all(&s);
        assert_eq!(session.status(), Status::Failed);
        assert!(session.error().unwrap().contains("inactive"));
    }

    #[test]
    fn datetime_and_duration_formats() {
        assert_eq!(format_datetime(0), "1970-01-01T00:00:00.000");
        assert_eq!(
            format_datetime(86_400_000 * 366 + 3_723_004),
            "1971-01-02T01:02:03.004"
        );
        assert_eq!(
            parse_datetime(&format_datetime(1_234_567_890_123)),
            Ok(1_234_567_890_123)
        );
        for ms in [0, 1, 999, 1_000, 61_000, 3_600_000, 3_723_004] {
            assert_eq!(parse_duration(&format_duration(ms)), Ok(ms), "{ms}");
        }
    }
}
