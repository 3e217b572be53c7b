//! The Consumer groups page's view model.
//!
//! The URL describes a *setup* (topic(s), assignor, protocol, static
//! membership, the groups reading the topic) and the *sequence of user
//! actions* with their simulated times. [`GroupsView::build`] replays that
//! sequence through the engine's [`Group`] state machine, so a link always
//! reproduces the same view (the engine is deterministic and never reads a
//! clock).
//!
//! ## Query format
//!
//! | key | meaning | default |
//! |---|---|---|
//! | `topic`, `partitions` | the topic every group reads | `orders`, `6` |
//! | `topic2`, `partitions2` | optional second topic (every member subscribes to both) | none |
//! | `assignor` | one of [`Assignor::ALL`]'s names | `range` |
//! | `protocol` | `eager` or `cooperative` | `eager` |
//! | `static` | `1`: members use `group.instance.id` = member id | `0` |
//! | `groups` | comma-separated group names (≥ 1) | `billing` |
//! | `ops` | comma-separated actions `[gN.]KIND[:MEMBER]@MILLIS` | empty |
//!
//! `KIND` is `add`, `remove`, `crash`, `slow`, `restart` (with a member) or
//! `tick` (no member, advances every group). `gN.` picks the N-th group
//! (1-based; omitted for the first). Times never go backwards:
//! `ops=add:c1@0,add:c2@0,tick@5000,crash:c1@6000,g2.add:c1@6000`.
//!
//! Views aggregate: at most [`MAX_CARDS`] partition cards per member and
//! [`MAX_COLUMNS`] member columns per group; the rest are counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use kplay_engine::clock::Millis;
use kplay_engine::group::{
    Assignor, Group, GroupConfig, MemberStatus, RebalanceProtocol, TopicPartition,
};
use kplay_engine::sort::{btree_map, btree_set};

/// Partition cards drawn per member; more are summarised as "+N more".
pub const MAX_CARDS: usize = 64;
/// Member columns drawn per group; more are summarised.
pub const MAX_COLUMNS: usize = 64;
/// Partitions drawn in a group's rebalance timeline.
pub const MAX_TIMELINE_ROWS: usize = 48;
/// Rebalances listed (newest) per group.
pub const MAX_REBALANCES: usize = 12;
/// Largest partition count the page accepts per topic.
pub const MAX_PARTITIONS: i32 = 10_000;
/// Most groups on one topic.
pub const MAX_GROUPS: usize = 8;
/// Most actions in one link.
pub const MAX_OPS: usize = 2_000;
/// "Slow down" keeps the consumer out of `poll()` this much longer than
/// `max.poll.interval.ms`, so it gets kicked out.
pub const SLOW_BEYOND_MAX_POLL_MS: Millis = 60_000;

/// What a user did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpKind {
    /// A consumer joins.
    Add(String),
    /// A consumer closes (LeaveGroup for dynamic members).
    Remove(String),
    /// A consumer process dies.
    Crash(String),
    /// A consumer processes one batch for longer than `max.poll.interval.ms`.
    Slow(String),
    /// A crashed or departed consumer starts again.
    Restart(String),
    /// Simulated time advances (every group).
    Tick,
}

/// One action at a simulated time, on one group (index into [`Setup::groups`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Op {
    /// Group index (0-based); ignored for [`OpKind::Tick`].
    pub group: usize,
    /// The action.
    pub kind: OpKind,
    /// Simulated time (ms).
    pub at: Millis,
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (k, m) = match &self.kind {
            OpKind::Add(m) => ("add", Some(m)),
            OpKind::Remove(m) => ("remove", Some(m)),
            OpKind::Crash(m) => ("crash", Some(m)),
            OpKind::Slow(m) => ("slow", Some(m)),
            OpKind::Restart(m) => ("restart", Some(m)),
            OpKind::Tick => return write!(f, "tick@{}", self.at),
        };
        if self.group > 0 {
            write!(f, "g{}.", self.group + 1)?;
        }
        match m {
            Some(m) => write!(f, "{k}:{m}@{}", self.at),
            None => write!(f, "{k}@{}", self.at),
        }
    }
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

impl Op {
    /// Parses `[gN.]KIND[:MEMBER]@MILLIS`.
    pub fn parse(s: &str, groups: usize) -> Result<Self, String> {
        let bad = |why: &str| format!("invalid share link: action '{s}' {why}");
        let (body, at) = s.rsplit_once('@').ok_or_else(|| bad("has no '@time'"))?;
        let at: Millis = at
            .parse()
            .map_err(|_| bad("has a time that is not a whole number of ms"))?;
        if at < 0 {
            return Err(bad("has a negative time"));
        }
        let (group, body) = match body.strip_prefix('g').and_then(|r| r.split_once('.')) {
            Some((n, rest)) => {
                let n: usize = n
                    .parse()
                    .map_err(|_| bad("has a group prefix that is not gN."))?;
                if n == 0 || n > groups {
                    return Err(bad(&format!(
                        "names group {n}, but there are {groups} group(s)"
                    )));
                }
                (n - 1, rest)
            }
            None => (0, body),
        };
        let (kind, member) = match body.split_once(':') {
            Some((k, m)) => (k, Some(m)),
            None => (body, None),
        };
        if let Some(m) = member {
            if !valid_name(m) {
                return Err(bad(
                    "has an invalid member id (letters, digits, . _ - only)",
                ));
            }
        }
        let m = || {
            member
                .map(str::to_owned)
                .ok_or_else(|| bad("needs ':member'"))
        };
        let kind = match kind {
            "add" => OpKind::Add(m()?),
            "remove" => OpKind::Remove(m()?),
            "crash" => OpKind::Crash(m()?),
            "slow" => OpKind::Slow(m()?),
            "restart" => OpKind::Restart(m()?),
            "tick" if member.is_none() => OpKind::Tick,
            "tick" => return Err(bad("is a tick, which takes no member")),
            _ => {
                return Err(bad(
                    "has an unknown kind (add, remove, crash, slow, restart, tick)",
                ))
            }
        };
        Ok(Op { group, kind, at })
    }
}

/// Everything the URL says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// Topic name.
    pub topic: String,
    /// Its partition count.
    pub partitions: i32,
    /// Optional second topic and its partition count.
    pub topic2: Option<(String, i32)>,
    /// Assignor.
    pub assignor: Assignor,
    /// Rebalance protocol.
    pub protocol: RebalanceProtocol,
    /// Static membership (`group.instance.id` = member id).
    pub statics: bool,
    /// Group names (group.id), ≥ 1.
    pub groups: Vec<String>,
    /// The actions, in time order.
    pub ops: Vec<Op>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            topic: "orders".to_owned(),
            partitions: 6,
            topic2: None,
            assignor: Assignor::Range,
            protocol: RebalanceProtocol::Eager,
            statics: false,
            groups: vec!["billing".to_owned()],
            ops: Vec::new(),
        }
    }
}

/// Kafka's name of a protocol, lower case as in the URL.
pub fn protocol_name(p: RebalanceProtocol) -> &'static str {
    match p {
        RebalanceProtocol::Eager => "eager",
        RebalanceProtocol::Cooperative => "cooperative",
    }
}

/// Parses a protocol name.
pub fn parse_protocol(s: &str) -> Result<RebalanceProtocol, String> {
    match s {
        "eager" => Ok(RebalanceProtocol::Eager),
        "cooperative" => Ok(RebalanceProtocol::Cooperative),
        _ => Err(format!(
            "invalid share link: protocol '{s}' is neither 'eager' nor 'cooperative'"
        )),
    }
}

/// Parses a partition count field (URL or form).
pub fn parse_partitions(key: &str, s: &str) -> Result<i32, String> {
    let n: i64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{key} must be a whole number (got '{}').", s.trim()))?;
    if n < 1 {
        return Err(format!("{key} must be at least 1 (got {n})."));
    }
    if n > i64::from(MAX_PARTITIONS) {
        return Err(format!(
            "{key} must be at most {MAX_PARTITIONS} on this page (got {n})."
        ));
    }
    Ok(n as i32)
}

fn parse_topic_name(key: &str, s: &str) -> Result<String, String> {
    if valid_name(s) {
        Ok(s.to_owned())
    } else {
        Err(format!(
            "invalid share link: {key} '{s}' is not a valid name (1–64 letters, digits, . _ -)"
        ))
    }
}

impl Setup {
    /// Reads the setup from query pairs; unknown keys are ignored, malformed
    /// values are errors.
    pub fn from_query<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, String> {
        Self::from_query_unshortened(pairs).map_err(|e| crate::url::shorten_message(&e))
    }

    fn from_query_unshortened<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self, String> {
        let q: BTreeMap<String, String> = btree_map(
            pairs
                .into_iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())),
        );
        let mut s = Setup::default();
        if let Some(v) = q.get("topic") {
            s.topic = parse_topic_name("topic", v)?;
        }
        if let Some(v) = q.get("partitions") {
            s.partitions = parse_partitions("partitions", v)
                .map_err(|e| format!("invalid share link: {e}"))?;
        }
        match (q.get("topic2"), q.get("partitions2")) {
            (Some(t), Some(p)) => {
                let t = parse_topic_name("topic2", t)?;
                if t == s.topic {
                    return Err(format!(
                        "invalid share link: topic2 '{t}' is the same topic as topic"
                    ));
                }
                let p = parse_partitions("partitions2", p)
                    .map_err(|e| format!("invalid share link: {e}"))?;
                s.topic2 = Some((t, p));
            }
            (None, None) => {}
            _ => return Err("invalid share link: topic2 and partitions2 go together".to_owned()),
        }
        if let Some(v) = q.get("assignor") {
            s.assignor = v.parse().map_err(|e| format!("invalid share link: {e}"))?;
        }
        if let Some(v) = q.get("protocol") {
            s.protocol = parse_protocol(v)?;
        }
        if let Some(v) = q.get("static") {
            s.statics = match v.as_str() {
                "1" => true,
                "0" => false,
                _ => {
                    return Err(format!(
                        "invalid share link: static must be 0 or 1 (got '{v}')"
                    ))
                }
            };
        }
        if let Some(v) = q.get("groups") {
            let names: Vec<String> = v.split(',').map(str::to_owned).collect();
            let mut seen = BTreeSet::new();
            for n in &names {
                if !valid_name(n) {
                    return Err(format!(
                        "invalid share link: group name '{n}' is not valid (1–64 letters, digits, . _ -)"
                    ));
                }
                if !seen.insert(n) {
                    return Err(format!("invalid share link: group '{n}' is listed twice"));
                }
            }
            if names.len() > MAX_GROUPS {
                return Err(format!(
                    "invalid share link: at most {MAX_GROUPS} groups (got {})",
                    names.len()
                ));
            }
            s.groups = names;
        }
        if let Some(v) = q.get("ops").filter(|v| !v.is_empty()) {
            let parts: Vec<&str> = v.split(',').collect();
            if parts.len() > MAX_OPS {
                return Err(format!(
                    "invalid share link: at most {MAX_OPS} actions (got {})",
                    parts.len()
                ));
            }
            let mut last = 0;
            for p in parts {
                let op = Op::parse(p, s.groups.len())?;
                if op.at < last {
                    return Err(format!(
                        "invalid share link: action '{p}' goes back in time (previous action at {last} ms)"
                    ));
                }
                last = op.at;
                s.ops.push(op);
            }
        }
        Ok(s)
    }

    /// The query pairs (every key, so a link is explicit).
    pub fn to_query(&self) -> Vec<(String, String)> {
        let mut q = vec![
            ("topic".to_owned(), self.topic.clone()),
            ("partitions".to_owned(), self.partitions.to_string()),
        ];
        if let Some((t, p)) = &self.topic2 {
            q.push(("topic2".to_owned(), t.clone()));
            q.push(("partitions2".to_owned(), p.to_string()));
        }
        q.push(("assignor".to_owned(), self.assignor.name().to_owned()));
        q.push((
            "protocol".to_owned(),
            protocol_name(self.protocol).to_owned(),
        ));
        q.push((
            "static".to_owned(),
            if self.statics { "1" } else { "0" }.to_owned(),
        ));
        q.push(("groups".to_owned(), self.groups.join(",")));
        let ops: Vec<String> = self.ops.iter().map(Op::to_string).collect();
        q.push(("ops".to_owned(), ops.join(",")));
        q
    }

    /// The current simulated time: the last action's.
    pub fn now(&self) -> Millis {
        self.ops.last().map_or(0, |o| o.at)
    }

    /// Topic name → partition count.
    pub fn topics(&self) -> BTreeMap<String, i32> {
        let mut t = BTreeMap::new();
        t.insert(self.topic.clone(), self.partitions);
        if let Some((n, p)) = &self.topic2 {
            t.insert(n.clone(), *p);
        }
        t
    }

    /// The group configuration (Kafka's defaults, the chosen assignor and protocol).
    pub fn config(&self) -> GroupConfig {
        GroupConfig {
            assignor: self.assignor,
            protocol: self.protocol,
            ..GroupConfig::default()
        }
    }

    /// The next free member id of `group` (`c1`, `c2`, …).
    pub fn next_member_id(&self, group: usize) -> String {
        let used: BTreeSet<&str> = btree_set(
            self.ops
                .iter()
                .filter(|o| o.group == group)
                .filter_map(|o| match &o.kind {
                    OpKind::Add(m) => Some(m.as_str()),
                    _ => None,
                }),
        );
        let mut n = 1usize;
        loop {
            let id = format!("c{n}");
            if !used.contains(id.as_str()) {
                return id;
            }
            n += 1;
        }
    }

    /// This setup with one more action at the current time (or `at` for ticks).
    pub fn with_op(&self, group: usize, kind: OpKind, at: Millis) -> Setup {
        let mut s = self.clone();
        s.ops.push(Op {
            group,
            kind,
            at: at.max(self.now()),
        });
        s
    }

    /// A second (third, …) group reading the same topic.
    pub fn with_new_group(&self) -> Result<Setup, String> {
        if self.groups.len() >= MAX_GROUPS {
            return Err(format!("At most {MAX_GROUPS} groups on this page."));
        }
        let defaults = ["billing", "analytics", "audit", "search"];
        let name = defaults
            .iter()
            .map(|s| (*s).to_owned())
            .chain((1..).map(|i| format!("group-{i}")))
            .find(|n| !self.groups.contains(n))
            .unwrap_or_default();
        let mut s = self.clone();
        s.groups.push(name);
        Ok(s)
    }
}

/// A member's state, as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberState {
    /// Polling.
    Stable,
    /// Processing a batch until this time.
    Slow(Millis),
    /// Dead since this time (still in the group until its session expires).
    Crashed(Millis),
    /// Out of the group since this time.
    Left(Millis),
}

impl MemberState {
    fn from_status(s: MemberStatus) -> Self {
        match s {
            MemberStatus::Stable => MemberState::Stable,
            MemberStatus::Slow { until } => MemberState::Slow(until),
            MemberStatus::Crashed { since } => MemberState::Crashed(since),
            MemberStatus::Left { since } => MemberState::Left(since),
        }
    }

    /// In the group and running (can be removed, crashed).
    pub fn is_live(self) -> bool {
        matches!(self, MemberState::Stable | MemberState::Slow(_))
    }

    /// Can be restarted.
    pub fn can_restart(self) -> bool {
        matches!(self, MemberState::Crashed(_) | MemberState::Left(_))
    }

    /// A short label.
    pub fn label(self) -> String {
        match self {
            MemberState::Stable => "polling".to_owned(),
            MemberState::Slow(t) => format!("slow until {}", fmt_ms(t)),
            MemberState::Crashed(t) => format!("crashed at {}", fmt_ms(t)),
            MemberState::Left(t) => format!("out of the group since {}", fmt_ms(t)),
        }
    }

    /// CSS class.
    pub fn class(self) -> &'static str {
        match self {
            MemberState::Stable => "stable",
            MemberState::Slow(_) => "slow",
            MemberState::Crashed(_) => "crashed",
            MemberState::Left(_) => "left",
        }
    }
}

/// Formats simulated ms as seconds (`12.5 s`).
pub fn fmt_ms(ms: Millis) -> String {
    if ms % 1000 == 0 {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// A partition card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// `orders-3`.
    pub label: String,
    /// Nobody consumes it right now (its owner crashed).
    pub paused: bool,
}

/// A member column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberColumn {
    /// Member id.
    pub member_id: String,
    /// `group.instance.id`.
    pub instance_id: Option<String>,
    /// State.
    pub state: MemberState,
    /// Partitions owned (count).
    pub owned: usize,
    /// The first [`MAX_CARDS`] cards.
    pub cards: Vec<Card>,
    /// Cards not drawn.
    pub more: usize,
    /// Live, owns nothing, and the group is not rebalancing.
    pub idle: bool,
    /// Live, owns nothing, and the group is rebalancing.
    pub waiting: bool,
}

/// One partition's pause in a rebalance (for the timeline chart).
#[derive(Debug, Clone, PartialEq)]
pub struct PauseBar {
    /// Row label (`orders-3`).
    pub partition: String,
    /// Start (ms).
    pub from: Millis,
    /// End (ms).
    pub to: Millis,
    /// Index of the rebalance (for colours).
    pub rebalance: usize,
}

/// One rebalance, summarised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebalanceRow {
    /// 1-based number in the group's history.
    pub number: usize,
    /// Why it started.
    pub reason: String,
    /// Start (ms).
    pub started_at: Millis,
    /// End (ms).
    pub completed_at: Millis,
    /// Generations it completed.
    pub generations: Vec<i32>,
    /// Partitions whose owner changed.
    pub moved: usize,
    /// Eager: partitions revoked and given back to the same owner.
    pub revoked_same_owner: usize,
    /// Stop-the-world time (ms).
    pub stop_the_world_ms: Millis,
    /// Longest single partition pause (ms).
    pub max_pause_ms: Millis,
    /// Sum of pauses (ms).
    pub total_paused_ms: Millis,
    /// Members removed during it.
    pub removed: Vec<String>,
}

/// One group's view.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupView {
    /// Index in [`Setup::groups`].
    pub index: usize,
    /// group.id.
    pub name: String,
    /// Current generation.
    pub generation: i32,
    /// A rebalance is in progress.
    pub rebalancing: bool,
    /// Next thing that happens by itself.
    pub next_deadline: Option<Millis>,
    /// Member columns (first [`MAX_COLUMNS`]).
    pub columns: Vec<MemberColumn>,
    /// Columns not drawn.
    pub more_columns: usize,
    /// Partitions nobody owns or consumes right now.
    pub unassigned: Vec<String>,
    /// Rebalances, newest first (at most [`MAX_REBALANCES`]).
    pub rebalances: Vec<RebalanceRow>,
    /// Total rebalances in history.
    pub total_rebalances: usize,
    /// Pause bars of the listed rebalances (first [`MAX_TIMELINE_ROWS`] partitions).
    pub bars: Vec<PauseBar>,
    /// Partitions with pauses not drawn in the chart.
    pub hidden_rows: usize,
    /// Sum of stop-the-world time over all rebalances.
    pub total_stop_the_world_ms: Millis,
}

impl GroupView {
    /// The test-id prefix of this group's elements: `""` for the first group,
    /// `"g2-"` for the second, …
    pub fn prefix(&self) -> String {
        if self.index == 0 {
            String::new()
        } else {
            format!("g{}-", self.index + 1)
        }
    }
}

/// The whole page's view.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupsView {
    /// Current simulated time.
    pub now: Millis,
    /// Earliest next deadline over all groups.
    pub next_deadline: Option<Millis>,
    /// Groups.
    pub groups: Vec<GroupView>,
}

fn tp_label(tp: &TopicPartition) -> String {
    format!("{}-{}", tp.topic, tp.partition)
}

impl GroupsView {
    /// Replays the setup's actions through the engine.
    pub fn build(setup: &Setup) -> Result<Self, String> {
        let topics = setup.topics();
        let config = setup.config();
        let subscription: Vec<String> = topics.keys().cloned().collect();
        let mut groups: Vec<Group> = Vec::with_capacity(setup.groups.len());
        for _ in &setup.groups {
            groups.push(Group::new(topics.clone(), config.clone()).map_err(|e| e.to_string())?);
        }
        let slow_ms = config.max_poll_interval_ms + SLOW_BEYOND_MAX_POLL_MS;
        for (i, op) in setup.ops.iter().enumerate() {
            let step = |e: String| format!("Step {} ({op}): {e}", i + 1);
            if let OpKind::Tick = op.kind {
                for g in &mut groups {
                    g.tick(op.at).map_err(|e| step(e.to_string()))?;
                }
                continue;
            }
            let g = groups
                .get_mut(op.group)
                .ok_or_else(|| step(format!("there is no group {}", op.group + 1)))?;
            let r = match &op.kind {
                OpKind::Add(m) => {
                    g.add_member(m, setup.statics.then_some(m.as_str()), &subscription, op.at)
                }
                OpKind::Remove(m) => g.remove_member(m, op.at),
                OpKind::Crash(m) => g.crash_member(m, op.at),
                OpKind::Slow(m) => g.slow_member(m, slow_ms, op.at),
                OpKind::Restart(m) => g.restart_member(m, op.at),
                OpKind::Tick => Ok(Vec::new()),
            };
            r.map_err(|e| step(e.to_string()))?;
        }
        let now = setup.now();
        for g in &mut groups {
            g.tick(now).map_err(|e| e.to_string())?;
        }
        let views: Vec<GroupView> = groups
            .iter()
            .enumerate()
            .map(|(i, g)| group_view(i, setup, &topics, g))
            .collect();
        Ok(Self {
            now,
            next_deadline: views.iter().filter_map(|g| g.next_deadline).min(),
            groups: views,
        })
    }

    /// Partition → owner per group, to tell which cards moved since the last view.
    pub fn owners(&self) -> BTreeMap<(usize, String), String> {
        let mut out = BTreeMap::new();
        for g in &self.groups {
            for c in &g.columns {
                for card in &c.cards {
                    out.insert((g.index, card.label.clone()), c.member_id.clone());
                }
            }
        }
        out
    }
}

fn group_view(index: usize, setup: &Setup, topics: &BTreeMap<String, i32>, g: &Group) -> GroupView {
    let rebalancing = g.is_rebalancing();
    let paused = g.paused_partitions();
    let mut owned_any: BTreeSet<TopicPartition> = BTreeSet::new();
    let members = g.members();
    let total_members = members.len();
    let columns: Vec<MemberColumn> = members
        .into_iter()
        .map(|m| {
            owned_any.extend(m.assigned.iter().cloned());
            let state = MemberState::from_status(m.status);
            let owned = m.assigned.len();
            let cards = m
                .assigned
                .iter()
                .take(MAX_CARDS)
                .map(|tp| Card {
                    label: tp_label(tp),
                    paused: paused.contains_key(tp),
                })
                .collect();
            MemberColumn {
                member_id: m.member_id,
                instance_id: m.group_instance_id,
                state,
                owned,
                cards,
                more: owned.saturating_sub(MAX_CARDS),
                idle: state.is_live() && owned == 0 && !rebalancing,
                waiting: state.is_live() && owned == 0 && rebalancing,
            }
        })
        .take(MAX_COLUMNS)
        .collect();
    let mut unassigned = Vec::new();
    for (t, &n) in topics {
        for p in 0..n {
            let tp = TopicPartition::new(t.clone(), p);
            if !owned_any.contains(&tp) {
                if unassigned.len() < MAX_CARDS {
                    unassigned.push(tp_label(&tp));
                } else {
                    break;
                }
            }
        }
    }
    let history = g.history();
    let first = history.len().saturating_sub(MAX_REBALANCES);
    let mut rows = Vec::new();
    let mut bars = Vec::new();
    let mut row_names: BTreeSet<TopicPartition> = BTreeSet::new();
    for (i, r) in history.iter().enumerate().skip(first) {
        rows.push(RebalanceRow {
            number: i + 1,
            reason: r.reason.clone(),
            started_at: r.started_at,
            completed_at: r.completed_at,
            generations: r.generations.clone(),
            moved: r.moved.len(),
            revoked_same_owner: r.revoked_and_reassigned_same_owner.len(),
            stop_the_world_ms: r.stop_the_world_ms,
            max_pause_ms: r.pauses.iter().map(|p| p.paused_ms).max().unwrap_or(0),
            total_paused_ms: r.total_paused_ms(),
            removed: r.removed.clone(),
        });
        for p in &r.pauses {
            row_names.insert(p.partition.clone());
        }
    }
    let drawn: BTreeSet<&TopicPartition> = btree_set(row_names.iter().take(MAX_TIMELINE_ROWS));
    for (i, r) in history.iter().enumerate().skip(first) {
        for p in r.pauses.iter().filter(|p| drawn.contains(&p.partition)) {
            bars.push(PauseBar {
                partition: tp_label(&p.partition),
                from: p.paused_at,
                to: p.resumed_at,
                rebalance: i,
            });
        }
    }
    rows.reverse();
    GroupView {
        index,
        name: setup.groups.get(index).cloned().unwrap_or_default(),
        generation: g.generation(),
        rebalancing,
        next_deadline: g.next_deadline(),
        more_columns: total_members.saturating_sub(MAX_COLUMNS),
        columns,
        unassigned,
        total_rebalances: history.len(),
        total_stop_the_world_ms: history.iter().map(|r| r.stop_the_world_ms).sum(),
        rebalances: rows,
        hidden_rows: row_names.len().saturating_sub(MAX_TIMELINE_ROWS),
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Result<Setup, String> {
        Setup::from_query(s.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k, v.to_owned())
        }))
    }

    /// Adds consumers one by one, stepping to each deadline until the group is stable.
    fn settle(mut s: Setup) -> Setup {
        for _ in 0..50 {
            let v = GroupsView::build(&s).unwrap();
            if !v.groups.iter().any(|g| g.rebalancing) {
                return s;
            }
            let t = v.next_deadline.unwrap();
            s = s.with_op(0, OpKind::Tick, t);
        }
        panic!("did not settle");
    }

    #[test]
    fn seventh_consumer_on_six_partitions_is_idle() {
        for a in Assignor::ALL {
            let mut s = Setup {
                assignor: a,
                ..Setup::default()
            };
            for _ in 0..7 {
                let id = s.next_member_id(0);
                s = settle(s.with_op(0, OpKind::Add(id), s.now()));
            }
            let v = GroupsView::build(&s).unwrap();
            let g = &v.groups[0];
            assert_eq!(g.columns.iter().filter(|c| c.idle).count(), 1, "{a}");
            assert_eq!(g.columns.iter().filter(|c| c.owned == 1).count(), 6, "{a}");
            assert!(g.unassigned.is_empty());
        }
    }

    #[test]
    fn query_round_trips_and_replays_identically() {
        let s = q("topic=orders&partitions=6&topic2=payments&partitions2=3&assignor=cooperative-sticky&protocol=cooperative&static=1&groups=billing,analytics&ops=add:c1@0,add:c2@0,tick@5000,crash:c1@6000,g2.add:c1@6000,tick@60000").unwrap();
        let pairs = s.to_query();
        let back = Setup::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.clone()))).unwrap();
        assert_eq!(back, s);
        let v1 = GroupsView::build(&s).unwrap();
        assert_eq!(v1, GroupsView::build(&back).unwrap());
        // c1 crashed at 6 s; after its session (45 s) expired, c2 owns all 9 partitions.
        let g = &v1.groups[0];
        let c2 = g.columns.iter().find(|c| c.member_id == "c2").unwrap();
        assert_eq!(c2.owned, 9);
        // the second group has its own assignment: c1 alone owns everything.
        let g2 = &v1.groups[1];
        assert_eq!(g2.columns.len(), 1);
        assert_eq!(g2.columns[0].owned, 9);
    }

    #[test]
    fn bad_links_are_errors() {
        for bad in [
            "partitions=0",
            "partitions=x",
            "partitions=10001",
            "assignor=magic",
            "protocol=lazy",
            "static=yes",
            "topic2=payments",
            "topic=a&topic2=a&partitions2=2",
            "groups=a,a",
            "groups=",
            "ops=add:c1",
            "ops=add:c1@-1",
            "ops=fly:c1@0",
            "ops=tick:c1@0",
            "ops=add:c1@5,add:c2@4",
            "ops=g3.add:c1@0",
            "ops=add:c%201@0",
        ] {
            assert!(q(bad).is_err(), "{bad} should be rejected");
        }
        assert_eq!(q("").unwrap(), Setup::default());
    }

    #[test]
    fn engine_errors_name_the_step() {
        let s = q("ops=add:c1@0,crash:c2@10").unwrap();
        let e = GroupsView::build(&s).unwrap_err();
        assert!(
            e.contains("Step 2") && e.contains("UNKNOWN_MEMBER_ID"),
            "{e}"
        );
        let s = q("assignor=range&protocol=cooperative").unwrap();
        let e = GroupsView::build(&s).unwrap_err();
        assert!(e.contains("INCONSISTENT_GROUP_PROTOCOL"), "{e}");
    }

    #[test]
    fn cards_are_bounded_per_member() {
        let s = q("partitions=200&ops=add:c1@0,tick@3000").unwrap();
        let v = GroupsView::build(&s).unwrap();
        let c = &v.groups[0].columns[0];
        assert_eq!(c.owned, 200);
        assert_eq!(c.cards.len(), MAX_CARDS);
        assert_eq!(c.more, 200 - MAX_CARDS);
    }

    #[test]
    fn eager_rebalance_records_stop_the_world_and_moves() {
        // c1 is stuck in a batch longer than max.poll.interval.ms when c3 joins:
        // under EAGER, c2 revokes everything and waits until c1 is kicked out.
        let s = settle(q("ops=add:c1@0,add:c2@0").unwrap());
        let s = s.with_op(0, OpKind::Slow("c1".into()), s.now() + 1000);
        let s = settle(s.with_op(0, OpKind::Add("c3".into()), s.now() + 1000));
        let v = GroupsView::build(&s).unwrap();
        let g = &v.groups[0];
        assert_eq!(g.total_rebalances, 2);
        let last = &g.rebalances[0];
        assert!(last.moved > 0);
        assert_eq!(last.removed, vec!["c1".to_owned()]);
        // c2 revoked at its next heartbeat (≤ 3 s after c3 joined) and waited
        // for c1's poll timeout (300 s after it went slow).
        assert!(
            last.stop_the_world_ms >= 300_000 - 3_000 - 1_000,
            "{last:?}"
        );
        assert_eq!(g.total_stop_the_world_ms, last.stop_the_world_ms);
        assert!(!g.bars.is_empty());
        assert!(g.bars.iter().all(|b| b.to >= b.from));
    }
}
