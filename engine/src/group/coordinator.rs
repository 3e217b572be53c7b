//! The classic consumer-group protocol on the simulated clock.
//!
//! A [`Group`] is a pure state machine (time is passed in, nothing is read
//! from a clock). It models what the Java consumer and the group coordinator
//! (`AbstractCoordinator`, `ConsumerCoordinator`, `GroupCoordinator`) do, at
//! the granularity a learner can see:
//!
//! * **Generations.** Every completed JoinGroup/SyncGroup round bumps the
//!   generation and hands out the assignor's result.
//! * **Heartbeats.** Live members heartbeat every `heartbeat.interval.ms`
//!   (default 3000); a member learns that a rebalance started at its next
//!   heartbeat (`REBALANCE_IN_PROGRESS`) and rejoins from its next `poll()`.
//! * **`session.timeout.ms`** (default 45000): a crashed member is removed
//!   when its session expires (last heartbeat + timeout), which starts a
//!   rebalance. Until then its partitions are not consumed.
//! * **`max.poll.interval.ms`** (default 300000, also the rebalance timeout of
//!   Java consumers): a consumer whose processing keeps it out of `poll()` for
//!   longer is kicked out. A dynamic member's heartbeat thread sends
//!   LeaveGroup at that moment; a static member just stops heartbeating and
//!   is removed at session expiry (`AbstractCoordinator.maybeLeaveGroup`
//!   only sends LeaveGroup for dynamic members, KIP-345). A member that does
//!   not rejoin within the rebalance timeout is removed from the group.
//! * **Static membership** (`group.instance.id`, KIP-345): a static member
//!   that restarts within its session timeout gets its previous assignment
//!   back with no rebalance; closing a static consumer sends no LeaveGroup.
//!   A restarted *dynamic* consumer is a new member: its JoinGroup starts a
//!   rebalance that waits for the old incarnation's session to expire.
//! * **`group.initial.rebalance.delay.ms`** (broker, default 3000): the first
//!   rebalance of an empty group waits that long for more members.
//! * **Eager** protocol: every member revokes *all* its partitions when it
//!   rejoins, then receives the new assignment after SyncGroup.
//!   **Cooperative** protocol (KIP-429): members keep their partitions; after
//!   the first round a member revokes only partitions that move, and a
//!   second rebalance hands those to their new owners. Partitions owned by a
//!   member that left are assigned in the first round.
//!
//! Under the cooperative protocol the coordinator withholds every partition
//! whose owner changes (what `CooperativeStickyAssignor` does itself, and what
//! KIP-848 does for every assignor), so any assignor that supports the
//! protocol can be used. Kafka's `range`, `roundrobin` and `sticky` only
//! support EAGER: choosing them with [`RebalanceProtocol::Cooperative`] is an
//! error, as the consumer would never select COOPERATIVE with them.
//!
//! Network latency is zero: JoinGroup/SyncGroup complete instantly once all
//! members have rejoined.
//!
//! Each rebalance is recorded as a [`Rebalance`]: partitions that moved, those
//! revoked and handed back to the same owner (eager), how long each partition
//! went unconsumed ([`PartitionPause`]), and the stop-the-world time (the span
//! during which *no* partition was consumed).

use super::assignor::{AssignError, Assignor};
use super::{AssignmentInput, MemberSubscription, TopicPartition};
use crate::clock::Millis;
use std::collections::{BTreeMap, BTreeSet};

/// EAGER or COOPERATIVE rebalancing (`ConsumerPartitionAssignor.RebalanceProtocol`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RebalanceProtocol {
    /// Revoke everything, then assign.
    Eager,
    /// Revoke only what moves, in two rounds (KIP-429).
    Cooperative,
}

/// Group and consumer settings, with Kafka's defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// `partition.assignment.strategy` (the one the group selected).
    pub assignor: Assignor,
    /// Rebalance protocol.
    pub protocol: RebalanceProtocol,
    /// `session.timeout.ms` (45000 since Kafka 3.0).
    pub session_timeout_ms: Millis,
    /// `max.poll.interval.ms` (300000); also the rebalance timeout.
    pub max_poll_interval_ms: Millis,
    /// `heartbeat.interval.ms` (3000).
    pub heartbeat_interval_ms: Millis,
    /// Broker `group.initial.rebalance.delay.ms` (3000).
    pub group_initial_rebalance_delay_ms: Millis,
}

impl Default for GroupConfig {
    fn default() -> Self {
        Self {
            assignor: Assignor::Range,
            protocol: RebalanceProtocol::Eager,
            session_timeout_ms: 45_000,
            max_poll_interval_ms: 300_000,
            heartbeat_interval_ms: 3_000,
            group_initial_rebalance_delay_ms: 3_000,
        }
    }
}

/// Why a group operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GroupError {
    /// A timeout or interval that is zero or negative, or a heartbeat interval
    /// not below the session timeout.
    #[error("INVALID_CONFIG: {name} = {value} is invalid: {reason}")]
    InvalidConfig {
        /// Config name.
        name: &'static str,
        /// Rejected value.
        value: Millis,
        /// Why.
        reason: &'static str,
    },
    /// The assignor does not support the cooperative protocol.
    #[error("INCONSISTENT_GROUP_PROTOCOL: assignor '{assignor}' only supports the EAGER rebalance protocol")]
    InconsistentGroupProtocol {
        /// The assignor.
        assignor: Assignor,
    },
    /// Invalid topics or subscriptions.
    #[error(transparent)]
    InvalidInput(#[from] super::InvalidAssignmentInput),
    /// A member subscribed to a topic the group does not know.
    #[error(
        "UNKNOWN_TOPIC_OR_PARTITION: member '{member_id}' subscribes to unknown topic '{topic}'"
    )]
    UnknownTopic {
        /// Member.
        member_id: String,
        /// Topic.
        topic: String,
    },
    /// No such member.
    #[error("UNKNOWN_MEMBER_ID: The coordinator is not aware of member '{member_id}'")]
    UnknownMemberId {
        /// The id.
        member_id: String,
    },
    /// A member id already in use.
    #[error("MEMBER_ID_IN_USE: member '{member_id}' is already in the group")]
    MemberIdInUse {
        /// The id.
        member_id: String,
    },
    /// A static instance id already in use by a live member.
    #[error("FENCED_INSTANCE_ID: group.instance.id '{group_instance_id}' is already used by member '{member_id}'")]
    FencedInstanceId {
        /// The instance id.
        group_instance_id: String,
        /// The member holding it.
        member_id: String,
    },
    /// The operation does not apply to the member's state.
    #[error("ILLEGAL_STATE: member '{member_id}' is {status:?}, cannot {operation}")]
    IllegalMemberState {
        /// Member.
        member_id: String,
        /// Its status.
        status: MemberStatus,
        /// What was attempted.
        operation: &'static str,
    },
    /// Time passed in went backwards.
    #[error("simulated time went backwards: now = {now} < last = {last}")]
    TimeWentBackwards {
        /// Given time.
        now: Millis,
        /// Last time seen.
        last: Millis,
    },
    /// Zero or negative processing time for a slow consumer.
    #[error("processing time must be > 0 ms, got {processing_ms}")]
    InvalidProcessingTime {
        /// Rejected value.
        processing_ms: Millis,
    },
    /// The assignor failed.
    #[error(transparent)]
    Assign(#[from] AssignError),
}

/// What a member is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MemberStatus {
    /// Polling normally.
    Stable,
    /// Stuck processing a batch until `until` (out of `poll()`).
    Slow {
        /// When its `poll()` returns.
        until: Millis,
    },
    /// Process died at `since`; no heartbeats.
    Crashed {
        /// Crash time.
        since: Millis,
    },
    /// Out of the group (left, kicked or expired); can be restarted.
    Left {
        /// When it left.
        since: Millis,
    },
}

/// A member as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberView {
    /// Member id.
    pub member_id: String,
    /// `group.instance.id`.
    pub group_instance_id: Option<String>,
    /// Subscribed topics.
    pub topics: Vec<String>,
    /// Status.
    pub status: MemberStatus,
    /// Partitions it owns now (sorted).
    pub assigned: Vec<TopicPartition>,
}

/// Something that happened, for a timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GroupEvent {
    /// A rebalance started (group state PreparingRebalance).
    RebalanceStarted {
        /// When.
        at: Millis,
        /// Why.
        reason: String,
    },
    /// A member revoked partitions (`onPartitionsRevoked`).
    PartitionsRevoked {
        /// Member.
        member_id: String,
        /// Partitions.
        partitions: Vec<TopicPartition>,
        /// When.
        at: Millis,
    },
    /// A generation completed; the member got this assignment.
    PartitionsAssigned {
        /// Member.
        member_id: String,
        /// Full assignment of the member for the generation.
        partitions: Vec<TopicPartition>,
        /// Generation.
        generation: i32,
        /// When.
        at: Millis,
    },
    /// A member was removed from the group.
    MemberRemoved {
        /// Member.
        member_id: String,
        /// Why (Kafka's wording).
        reason: String,
        /// When.
        at: Millis,
    },
    /// A static member came back within its session: same assignment, no rebalance.
    StaticMemberRejoined {
        /// Member.
        member_id: String,
        /// How long its partitions went unconsumed.
        paused_ms: Millis,
        /// When.
        at: Millis,
    },
    /// A rebalance (one or two rounds) completed.
    RebalanceCompleted {
        /// Final generation.
        generation: i32,
        /// When.
        at: Millis,
    },
}

/// How long one partition went unconsumed during a rebalance.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartitionPause {
    /// The partition.
    pub partition: TopicPartition,
    /// Previous owner.
    pub from: Option<String>,
    /// New owner.
    pub to: String,
    /// When consumption stopped (revocation, crash or removal).
    pub paused_at: Millis,
    /// When the new owner got it.
    pub resumed_at: Millis,
    /// `resumed_at − paused_at`.
    pub paused_ms: Millis,
}

/// The record of one rebalance (one or, cooperative, two generations).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Rebalance {
    /// Why it started.
    pub reason: String,
    /// When it started.
    pub started_at: Millis,
    /// When the last round's SyncGroup completed.
    pub completed_at: Millis,
    /// Generations completed by this rebalance (two for a cooperative move).
    pub generations: Vec<i32>,
    /// Partitions whose owner changed: (partition, old owner, new owner).
    pub moved: Vec<(TopicPartition, Option<String>, String)>,
    /// Eager: partitions revoked and handed back to the same member.
    pub revoked_and_reassigned_same_owner: Vec<TopicPartition>,
    /// Per-partition pause.
    pub pauses: Vec<PartitionPause>,
    /// Eager protocol: time from the first member revoking its partitions
    /// (at its JoinGroup) to the end of the rebalance — the span during which
    /// members that rejoined sit idle waiting for the others. 0 under the
    /// cooperative protocol, where members keep consuming what they keep.
    pub stop_the_world_ms: Millis,
    /// Members removed during it (not rejoined in time, or expired).
    pub removed: Vec<String>,
}

impl Rebalance {
    /// Sum of all partition pauses.
    pub fn total_paused_ms(&self) -> Millis {
        self.pauses.iter().map(|p| p.paused_ms).sum()
    }
}

#[derive(Debug, Clone)]
struct Member {
    id: String,
    instance: Option<String>,
    topics: Vec<String>,
    status: MemberStatus,
    in_group: bool,
    /// Heartbeats happen at `hb_anchor + k · heartbeat.interval.ms`.
    hb_anchor: Millis,
    /// Static member or slow member: session expires at this time.
    session_expires_at: Option<Millis>,
    /// Slow dynamic member: LeaveGroup sent at this time.
    poll_timeout_at: Option<Millis>,
    /// Restarted dynamic member: the old incarnation holds the join phase until this time.
    ghost_until: Option<Millis>,
    assigned: Vec<TopicPartition>,
    generation: Option<i32>,
    /// When consumption stopped (crash).
    stopped_at: Option<Millis>,
    join_order: u64,
}

#[derive(Debug, Clone)]
struct InFlight {
    reason: String,
    started_at: Millis,
    round_started_at: Millis,
    deadline: Millis,
    not_before: Millis,
    /// Members that initiated the join themselves (rejoin at round start).
    eager_joiners: BTreeSet<String>,
    /// Rejoin times fixed when a slow member's poll returned during the round.
    joined: BTreeMap<String, Millis>,
    record: Rebalance,
    /// Eager: when the first member revoked its partitions.
    first_revocation: Option<Millis>,
}

/// A consumer group on the simulated clock. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct Group {
    config: GroupConfig,
    topics: BTreeMap<String, i32>,
    members: BTreeMap<String, Member>,
    generation: i32,
    now: Millis,
    in_flight: Option<InFlight>,
    /// Unconsumed partitions: since when and previous owner.
    paused: BTreeMap<TopicPartition, (Millis, Option<String>)>,
    history: Vec<Rebalance>,
    joins: u64,
}

impl Group {
    /// An empty group over `topics` (name → partition count).
    pub fn new(topics: BTreeMap<String, i32>, config: GroupConfig) -> Result<Self, GroupError> {
        AssignmentInput::new(topics.clone(), Vec::new())?;
        for (name, value) in [
            ("session.timeout.ms", config.session_timeout_ms),
            ("max.poll.interval.ms", config.max_poll_interval_ms),
            ("heartbeat.interval.ms", config.heartbeat_interval_ms),
        ] {
            if value <= 0 {
                return Err(GroupError::InvalidConfig {
                    name,
                    value,
                    reason: "must be > 0",
                });
            }
        }
        if config.group_initial_rebalance_delay_ms < 0 {
            return Err(GroupError::InvalidConfig {
                name: "group.initial.rebalance.delay.ms",
                value: config.group_initial_rebalance_delay_ms,
                reason: "must be >= 0",
            });
        }
        if config.heartbeat_interval_ms >= config.session_timeout_ms {
            return Err(GroupError::InvalidConfig {
                name: "heartbeat.interval.ms",
                value: config.heartbeat_interval_ms,
                reason: "must be lower than session.timeout.ms",
            });
        }
        if config.protocol == RebalanceProtocol::Cooperative
            && !config.assignor.supports_cooperative()
        {
            return Err(GroupError::InconsistentGroupProtocol {
                assignor: config.assignor,
            });
        }
        Ok(Self {
            config,
            topics,
            members: BTreeMap::new(),
            generation: 0,
            now: 0,
            in_flight: None,
            paused: BTreeMap::new(),
            history: Vec::new(),
            joins: 0,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    /// Current generation (0 before the first rebalance).
    pub fn generation(&self) -> i32 {
        self.generation
    }

    /// Last simulated time seen.
    pub fn now(&self) -> Millis {
        self.now
    }

    /// Whether a rebalance is in progress.
    pub fn is_rebalancing(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Completed rebalances, oldest first.
    pub fn history(&self) -> &[Rebalance] {
        &self.history
    }

    /// Who owns what now (every member, including crashed ones, which still
    /// own their partitions until removed; members out of the group are absent).
    pub fn assignment(&self) -> BTreeMap<String, Vec<TopicPartition>> {
        crate::sort::btree_map(self.members.values().filter(|m| m.in_group).map(|m| {
            let mut v = m.assigned.clone();
            crate::sort::sort(&mut v);
            (m.id.clone(), v)
        }))
    }

    /// All members (including those out of the group), by member id.
    pub fn members(&self) -> Vec<MemberView> {
        self.members
            .values()
            .map(|m| {
                let mut assigned = m.assigned.clone();
                crate::sort::sort(&mut assigned);
                MemberView {
                    member_id: m.id.clone(),
                    group_instance_id: m.instance.clone(),
                    topics: m.topics.clone(),
                    status: m.status,
                    assigned,
                }
            })
            .collect()
    }

    /// Partitions nobody is consuming right now, with the time they stopped.
    pub fn paused_partitions(&self) -> BTreeMap<TopicPartition, Millis> {
        let mut out: BTreeMap<TopicPartition, Millis> =
            crate::sort::btree_map(self.paused.iter().map(|(tp, (t, _))| (tp.clone(), *t)));
        for m in self.members.values().filter(|m| m.in_group) {
            let since = match m.status {
                MemberStatus::Crashed { since } => Some(since),
                _ => None,
            };
            if let Some(s) = since {
                for tp in &m.assigned {
                    out.insert(tp.clone(), s);
                }
            }
        }
        out
    }

    /// The next time something happens by itself (a session expiry, a poll
    /// timeout, a slow consumer returning, a join phase completing), so a UI
    /// can "step" to it.
    pub fn next_deadline(&self) -> Option<Millis> {
        self.next_event().map(|(t, _)| t)
    }

    fn check_time(&mut self, now: Millis) -> Result<(), GroupError> {
        if now < self.now {
            return Err(GroupError::TimeWentBackwards {
                now,
                last: self.now,
            });
        }
        Ok(())
    }

    /// A consumer joins (JoinGroup). Triggers a rebalance (for an empty group
    /// the first one waits `group.initial.rebalance.delay.ms`).
    pub fn add_member(
        &mut self,
        member_id: &str,
        group_instance_id: Option<&str>,
        topics: &[String],
        now: Millis,
    ) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        if member_id.is_empty() {
            return Err(super::InvalidAssignmentInput::EmptyMemberId.into());
        }
        if self.members.contains_key(member_id) {
            return Err(GroupError::MemberIdInUse {
                member_id: member_id.to_owned(),
            });
        }
        if let Some(i) = group_instance_id {
            if let Some(m) = self
                .members
                .values()
                .find(|m| m.instance.as_deref() == Some(i))
            {
                return Err(GroupError::FencedInstanceId {
                    group_instance_id: i.to_owned(),
                    member_id: m.id.clone(),
                });
            }
        }
        for t in topics {
            if !self.topics.contains_key(t) {
                return Err(GroupError::UnknownTopic {
                    member_id: member_id.to_owned(),
                    topic: t.clone(),
                });
            }
        }
        let mut events = self.tick(now)?;
        let mut seen = BTreeSet::new();
        let topics: Vec<String> = topics.iter().filter(|t| seen.insert(*t)).cloned().collect();
        self.joins += 1;
        self.members.insert(
            member_id.to_owned(),
            Member {
                id: member_id.to_owned(),
                instance: group_instance_id.map(str::to_owned),
                topics,
                status: MemberStatus::Stable,
                in_group: true,
                hb_anchor: now,
                session_expires_at: None,
                poll_timeout_at: None,
                ghost_until: None,
                assigned: Vec::new(),
                generation: None,
                stopped_at: None,
                join_order: self.joins,
            },
        );
        self.start_rebalance(
            format!("Adding new member {member_id}"),
            Some(member_id),
            now,
            &mut events,
        );
        events.extend(self.tick(now)?);
        self.debug_check_invariants();
        Ok(events)
    }

    /// The consumer closes. Dynamic: LeaveGroup now (rebalance). Static: no
    /// LeaveGroup (KIP-345); it is removed when its session expires.
    pub fn remove_member(
        &mut self,
        member_id: &str,
        now: Millis,
    ) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        let mut events = self.tick(now)?;
        let m = self.live_member(member_id, "close")?;
        if m.instance.is_some() {
            let expires = self.last_heartbeat(m, now) + self.config.session_timeout_ms;
            if let Some(m) = self.members.get_mut(member_id) {
                m.status = MemberStatus::Crashed { since: now };
                m.stopped_at = Some(now);
                m.session_expires_at = Some(expires);
            }
        } else {
            self.remove(
                member_id,
                &format!("Removing member {member_id} on LeaveGroup"),
                now,
                now,
                &mut events,
            );
        }
        events.extend(self.tick(now)?);
        self.debug_check_invariants();
        Ok(events)
    }

    /// The consumer process dies: no more heartbeats, no LeaveGroup. It is
    /// removed when its session expires.
    pub fn crash_member(
        &mut self,
        member_id: &str,
        now: Millis,
    ) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        let mut events = self.tick(now)?;
        let m = self.live_member(member_id, "crash")?;
        let expires = self.last_heartbeat(m, now) + self.config.session_timeout_ms;
        if let Some(m) = self.members.get_mut(member_id) {
            m.status = MemberStatus::Crashed { since: now };
            m.stopped_at = Some(now);
            m.session_expires_at = Some(expires);
            m.poll_timeout_at = None;
        }
        events.extend(self.tick(now)?);
        self.debug_check_invariants();
        Ok(events)
    }

    /// The consumer spends `processing_ms` processing one batch, out of
    /// `poll()`. Longer than `max.poll.interval.ms` gets it kicked out.
    pub fn slow_member(
        &mut self,
        member_id: &str,
        processing_ms: Millis,
        now: Millis,
    ) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        if processing_ms <= 0 {
            return Err(GroupError::InvalidProcessingTime { processing_ms });
        }
        let mut events = self.tick(now)?;
        let m = self.live_member(member_id, "slow down")?;
        let _ = m;
        let until = now.saturating_add(processing_ms);
        let poll_timeout = now.saturating_add(self.config.max_poll_interval_ms);
        if let Some(m) = self.members.get_mut(member_id) {
            m.status = MemberStatus::Slow { until };
            m.poll_timeout_at = (until > poll_timeout).then_some(poll_timeout);
        }
        events.extend(self.tick(now)?);
        self.debug_check_invariants();
        Ok(events)
    }

    /// A crashed or departed consumer starts again. A static member still in
    /// the group (session not expired) gets its assignment back without a
    /// rebalance; otherwise it joins as a new member.
    pub fn restart_member(
        &mut self,
        member_id: &str,
        now: Millis,
    ) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        let mut events = self.tick(now)?;
        let Some(m) = self.members.get(member_id) else {
            return Err(GroupError::UnknownMemberId {
                member_id: member_id.to_owned(),
            });
        };
        let status = m.status;
        let (in_group, is_static) = (m.in_group, m.instance.is_some());
        match status {
            MemberStatus::Crashed { since } if in_group && is_static => {
                if let Some(m) = self.members.get_mut(member_id) {
                    m.status = MemberStatus::Stable;
                    m.stopped_at = None;
                    m.session_expires_at = None;
                    m.hb_anchor = now;
                }
                events.push(GroupEvent::StaticMemberRejoined {
                    member_id: member_id.to_owned(),
                    paused_ms: now - since,
                    at: now,
                });
            }
            MemberStatus::Crashed { .. } if in_group => {
                // A new incarnation with a new member.id; the old one holds the
                // join phase until its session expires.
                let ghost = self
                    .members
                    .get(member_id)
                    .and_then(|m| m.session_expires_at);
                let mut lost = Vec::new();
                let mut since = now;
                if let Some(m) = self.members.get_mut(member_id) {
                    lost = std::mem::take(&mut m.assigned);
                    since = m.stopped_at.unwrap_or(now);
                    m.status = MemberStatus::Stable;
                    m.stopped_at = None;
                    m.session_expires_at = None;
                    m.ghost_until = ghost;
                    m.hb_anchor = now;
                    m.generation = None;
                }
                for tp in lost {
                    self.paused.insert(tp, (since, Some(member_id.to_owned())));
                }
                self.start_rebalance(
                    format!("Adding new member {member_id} (restarted, new member.id)"),
                    Some(member_id),
                    now,
                    &mut events,
                );
            }
            MemberStatus::Left { .. } => {
                if let Some(m) = self.members.get_mut(member_id) {
                    m.status = MemberStatus::Stable;
                    m.in_group = true;
                    m.hb_anchor = now;
                    m.generation = None;
                    m.ghost_until = None;
                }
                self.start_rebalance(
                    format!("Adding new member {member_id}"),
                    Some(member_id),
                    now,
                    &mut events,
                );
            }
            _ => {
                return Err(GroupError::IllegalMemberState {
                    member_id: member_id.to_owned(),
                    status,
                    operation: "restart",
                })
            }
        }
        events.extend(self.tick(now)?);
        self.debug_check_invariants();
        Ok(events)
    }

    /// Advances the group to `now`, processing every expiry, timeout and
    /// join completion due by then, in time order.
    pub fn tick(&mut self, now: Millis) -> Result<Vec<GroupEvent>, GroupError> {
        self.check_time(now)?;
        let mut events = Vec::new();
        // Each step removes a deadline or completes a round, so this terminates;
        // the bound is a guard against a modelling bug, never reached.
        for _ in 0..(4 * self.members.len() + 16) {
            let Some((t, ev)) = self.next_event() else {
                break;
            };
            if t > now {
                break;
            }
            self.now = self.now.max(t);
            self.apply(ev, t, &mut events)?;
        }
        self.now = now;
        self.debug_check_invariants();
        Ok(events)
    }

    // ------------------------------------------------------------ internals

    fn live_member(&self, member_id: &str, operation: &'static str) -> Result<&Member, GroupError> {
        let m = self
            .members
            .get(member_id)
            .ok_or_else(|| GroupError::UnknownMemberId {
                member_id: member_id.to_owned(),
            })?;
        if !m.in_group || matches!(m.status, MemberStatus::Crashed { .. }) {
            return Err(GroupError::IllegalMemberState {
                member_id: member_id.to_owned(),
                status: m.status,
                operation,
            });
        }
        Ok(m)
    }

    fn last_heartbeat(&self, m: &Member, now: Millis) -> Millis {
        let i = self.config.heartbeat_interval_ms;
        let k = (now - m.hb_anchor).max(0) / i;
        m.hb_anchor + k * i
    }

    fn next_heartbeat(&self, m: &Member, after: Millis) -> Millis {
        let i = self.config.heartbeat_interval_ms;
        // first heartbeat strictly after `after` (heartbeats at anchor + k·interval, k ≥ 1)
        let d = (after - m.hb_anchor).max(0);
        m.hb_anchor + (d / i + 1) * i
    }

    /// When `m` sends its JoinGroup in the current round (None: never).
    fn rejoin_time(&self, m: &Member, f: &InFlight) -> Option<Millis> {
        if let Some(&t) = f.joined.get(&m.id) {
            return Some(t);
        }
        let base = if f.eager_joiners.contains(&m.id) {
            f.round_started_at
        } else {
            self.next_heartbeat(m, f.round_started_at)
        };
        let t = match m.status {
            MemberStatus::Stable => base,
            MemberStatus::Slow { until } => base.max(until),
            MemberStatus::Crashed { .. } | MemberStatus::Left { .. } => return None,
        };
        Some(t.max(m.ghost_until.unwrap_or(t)))
    }

    fn next_event(&self) -> Option<(Millis, Ev)> {
        let mut best: Option<(Millis, Ev)> = None;
        let now = self.now;
        // A join can become complete "in the past" (every remaining member had
        // rejoined earlier and the last holdout just left): it completes now.
        let mut consider = |t: Millis, ev: Ev| {
            let t = t.max(now);
            if best.as_ref().is_none_or(|(bt, _)| t < *bt) {
                best = Some((t, ev));
            }
        };
        for m in self.members.values() {
            if !m.in_group {
                continue;
            }
            if let Some(t) = m.session_expires_at {
                consider(t, Ev::SessionExpired(m.id.clone()));
            }
            if let Some(t) = m.poll_timeout_at {
                consider(t, Ev::PollTimeout(m.id.clone()));
            }
            if let MemberStatus::Slow { until } = m.status {
                consider(until, Ev::PollReturned(m.id.clone()));
            }
        }
        if let Some(f) = &self.in_flight {
            let mut done = Some(f.not_before);
            for m in self.members.values().filter(|m| m.in_group) {
                match (self.rejoin_time(m, f), done) {
                    (Some(t), Some(d)) => done = Some(d.max(t)),
                    _ => done = None,
                }
            }
            let t = match done {
                Some(d) if d <= f.deadline => d,
                _ => f.deadline,
            };
            consider(t, Ev::JoinComplete);
        }
        best
    }

    fn apply(&mut self, ev: Ev, t: Millis, events: &mut Vec<GroupEvent>) -> Result<(), GroupError> {
        match ev {
            Ev::SessionExpired(id) => {
                let since = self
                    .members
                    .get(&id)
                    .and_then(|m| m.stopped_at)
                    .unwrap_or(t);
                self.remove(
                    &id,
                    &format!("removing member {id} on heartbeat expiration"),
                    t,
                    since,
                    events,
                );
            }
            Ev::PollTimeout(id) => {
                let is_static = self.members.get(&id).is_some_and(|m| m.instance.is_some());
                if is_static {
                    let expires = t + self.config.session_timeout_ms;
                    if let Some(m) = self.members.get_mut(&id) {
                        m.poll_timeout_at = None;
                        m.session_expires_at = Some(expires);
                    }
                } else {
                    self.remove(
                        &id,
                        &format!(
                            "Removing member {id} on LeaveGroup: consumer poll timeout has expired"
                        ),
                        t,
                        t,
                        events,
                    );
                }
            }
            Ev::PollReturned(id) => {
                if let (Some(f), Some(m)) = (&self.in_flight, self.members.get(&id)) {
                    if let Some(r) = self.rejoin_time(m, f) {
                        if let Some(f) = &mut self.in_flight {
                            f.joined.insert(id.clone(), r);
                        }
                    }
                }
                let Some(m) = self.members.get_mut(&id) else {
                    return Ok(());
                };
                m.status = MemberStatus::Stable;
                m.poll_timeout_at = None;
                m.session_expires_at = None;
            }
            Ev::JoinComplete => self.complete_join(t, events)?,
        }
        Ok(())
    }

    /// Removes a member from the group; its partitions stop being consumed at `since`.
    fn remove(
        &mut self,
        id: &str,
        reason: &str,
        t: Millis,
        since: Millis,
        events: &mut Vec<GroupEvent>,
    ) {
        let Some(m) = self.members.get_mut(id) else {
            return;
        };
        if !m.in_group {
            return;
        }
        m.in_group = false;
        m.status = MemberStatus::Left { since: t };
        m.session_expires_at = None;
        m.poll_timeout_at = None;
        m.ghost_until = None;
        m.stopped_at = None;
        m.generation = None;
        let lost = std::mem::take(&mut m.assigned);
        for tp in lost {
            self.paused
                .entry(tp)
                .or_insert((since, Some(id.to_owned())));
        }
        events.push(GroupEvent::MemberRemoved {
            member_id: id.to_owned(),
            reason: reason.to_owned(),
            at: t,
        });
        if let Some(f) = &mut self.in_flight {
            f.record.removed.push(id.to_owned());
        }
        self.start_rebalance(reason.to_owned(), None, t, events);
    }

    fn start_rebalance(
        &mut self,
        reason: String,
        joiner: Option<&str>,
        t: Millis,
        events: &mut Vec<GroupEvent>,
    ) {
        if let Some(f) = &mut self.in_flight {
            if let Some(j) = joiner {
                f.eager_joiners.insert(j.to_owned());
            }
            return;
        }
        if !self.members.values().any(|m| m.in_group) {
            // Group is empty now: nothing to rebalance; partitions stay paused.
            return;
        }
        let was_empty = self.generation == 0
            || self
                .members
                .values()
                .filter(|m| m.in_group)
                .all(|m| m.generation.is_none());
        let not_before = if was_empty {
            t + self.config.group_initial_rebalance_delay_ms
        } else {
            t
        };
        events.push(GroupEvent::RebalanceStarted {
            at: t,
            reason: reason.clone(),
        });
        self.in_flight = Some(InFlight {
            reason: reason.clone(),
            started_at: t,
            round_started_at: t,
            deadline: t + self.config.max_poll_interval_ms,
            not_before,
            eager_joiners: crate::sort::btree_set(joiner.map(str::to_owned)),
            joined: BTreeMap::new(),
            record: Rebalance {
                reason,
                started_at: t,
                completed_at: t,
                generations: Vec::new(),
                moved: Vec::new(),
                revoked_and_reassigned_same_owner: Vec::new(),
                pauses: Vec::new(),
                stop_the_world_ms: 0,
                removed: Vec::new(),
            },
            first_revocation: None,
        });
    }

    fn complete_join(&mut self, t: Millis, events: &mut Vec<GroupEvent>) -> Result<(), GroupError> {
        let Some(f) = self.in_flight.clone() else {
            return Ok(());
        };
        // Members that did not rejoin by now are removed (rebalance timeout).
        let late: Vec<String> = self
            .members
            .values()
            .filter(|m| m.in_group)
            .filter(|m| self.rejoin_time(m, &f).is_none_or(|r| r > t))
            .map(|m| m.id.clone())
            .collect();
        for id in &late {
            let since = self.members.get(id).and_then(|m| m.stopped_at).unwrap_or(t);
            if let Some(fl) = &mut self.in_flight {
                fl.record.removed.push(id.clone());
            }
            // remove without starting a new rebalance: we are completing this one
            let reason = format!("Member {id} failed to rejoin within the rebalance timeout");
            let saved = self.in_flight.take();
            self.remove(id, &reason, t, since, events);
            self.in_flight = saved;
        }
        let eager = self.config.protocol == RebalanceProtocol::Eager;
        // Eager: each member revoked everything when it rejoined.
        if eager {
            let joiners: Vec<(String, Millis)> = self
                .members
                .values()
                .filter(|m| m.in_group)
                .filter_map(|m| self.rejoin_time(m, &f).map(|r| (m.id.clone(), r)))
                .collect();
            for (id, r) in joiners {
                if let Some(m) = self.members.get_mut(&id) {
                    if !m.assigned.is_empty() {
                        if let Some(fl) = &mut self.in_flight {
                            fl.first_revocation = Some(fl.first_revocation.map_or(r, |f| f.min(r)));
                        }
                        let parts = m.assigned.clone();
                        for tp in &parts {
                            self.paused.insert(tp.clone(), (r, Some(id.clone())));
                        }
                        events.push(GroupEvent::PartitionsRevoked {
                            member_id: id.clone(),
                            partitions: parts,
                            at: r,
                        });
                    }
                }
            }
        }
        let live: Vec<&Member> = self.members.values().filter(|m| m.in_group).collect();
        let Some(mut fl) = self.in_flight.take() else {
            return Ok(());
        };
        if live.is_empty() {
            self.finish(fl, t, events);
            return Ok(());
        }
        let mut ordered = live.clone();
        crate::sort::sort_by_key(&mut ordered, |m| m.join_order);
        let subs: Vec<MemberSubscription> = ordered
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.id.clone(),
                group_instance_id: m.instance.clone(),
                topics: m.topics.clone(),
                owned: m.assigned.clone(),
                generation: m.generation,
            })
            .collect();
        let input = AssignmentInput::new(self.topics.clone(), subs)?;
        let outcome = self.config.assignor.assign(&input)?;
        let mut target = outcome.assignment;
        let owner_before: BTreeMap<TopicPartition, String> = crate::sort::btree_map(
            self.members
                .values()
                .filter(|m| m.in_group)
                .flat_map(|m| m.assigned.iter().map(|tp| (tp.clone(), m.id.clone()))),
        );
        let mut withheld = false;
        if !eager {
            // Withhold partitions still owned by another member.
            for (mid, list) in target.iter_mut() {
                list.retain(|tp| {
                    let keep = owner_before.get(tp).is_none_or(|o| o == mid);
                    withheld |= !keep;
                    keep
                });
            }
            if outcome
                .partitions_transferring_ownership
                .is_some_and(|p| !p.is_empty())
            {
                withheld = true;
            }
        }
        self.generation += 1;
        let generation = self.generation;
        fl.record.generations.push(generation);
        // Apply: revocations (cooperative), then assignments.
        let mut revokers = BTreeSet::new();
        let ids: Vec<String> = target.keys().cloned().collect();
        for id in &ids {
            let new: Vec<TopicPartition> = target.get(id).cloned().unwrap_or_default();
            let Some(m) = self.members.get_mut(id) else {
                continue;
            };
            if !eager {
                let revoked: Vec<TopicPartition> = m
                    .assigned
                    .iter()
                    .filter(|tp| !new.contains(tp))
                    .cloned()
                    .collect();
                if !revoked.is_empty() {
                    revokers.insert(id.clone());
                    for tp in &revoked {
                        self.paused.insert(tp.clone(), (t, Some(id.clone())));
                    }
                    events.push(GroupEvent::PartitionsRevoked {
                        member_id: id.clone(),
                        partitions: revoked,
                        at: t,
                    });
                }
            }
            m.assigned = new.clone();
            m.generation = Some(generation);
            m.hb_anchor = t;
            m.ghost_until = None;
            for tp in &new {
                if let Some((since, from)) = self.paused.remove(tp) {
                    if from.as_deref() == Some(id.as_str()) {
                        fl.record.revoked_and_reassigned_same_owner.push(tp.clone());
                    } else {
                        fl.record.moved.push((tp.clone(), from.clone(), id.clone()));
                    }
                    fl.record.pauses.push(PartitionPause {
                        partition: tp.clone(),
                        from,
                        to: id.clone(),
                        paused_at: since,
                        resumed_at: t,
                        paused_ms: t - since,
                    });
                }
            }
            events.push(GroupEvent::PartitionsAssigned {
                member_id: id.clone(),
                partitions: new,
                generation,
                at: t,
            });
        }
        if withheld {
            // Members that revoked rejoin immediately: second round.
            fl.round_started_at = t;
            fl.not_before = t;
            fl.deadline = t + self.config.max_poll_interval_ms;
            fl.joined.clear();
            // Members that revoked rejoin at once (ConsumerCoordinator.onJoinComplete
            // requests a rejoin); the others learn at their next heartbeat.
            fl.eager_joiners = revokers;
            self.in_flight = Some(fl);
        } else {
            self.finish(fl, t, events);
        }
        Ok(())
    }

    fn finish(&mut self, mut fl: InFlight, t: Millis, events: &mut Vec<GroupEvent>) {
        fl.record.completed_at = t;
        // Stop-the-world (eager): from the first member revoking to the end.
        if let Some(first) = fl.first_revocation {
            fl.record.stop_the_world_ms = (t - first).max(0);
        }
        let _ = (&fl.reason, fl.started_at);
        events.push(GroupEvent::RebalanceCompleted {
            generation: self.generation,
            at: t,
        });
        self.history.push(fl.record);
    }

    /// Invariant: each partition is owned by at most one member, and only by
    /// a member in the group that subscribes to its topic; paused partitions
    /// are owned by nobody.
    fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            let mut seen = BTreeSet::new();
            for m in self.members.values() {
                if !m.in_group {
                    debug_assert!(
                        m.assigned.is_empty(),
                        "{} out of group owns partitions",
                        m.id
                    );
                }
                for tp in &m.assigned {
                    debug_assert!(seen.insert(tp.clone()), "{tp} owned twice");
                    debug_assert!(
                        m.topics.contains(&tp.topic),
                        "{tp} not subscribed by {}",
                        m.id
                    );
                    debug_assert!(!self.paused.contains_key(tp), "{tp} owned and paused");
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Ev {
    SessionExpired(String),
    PollTimeout(String),
    PollReturned(String),
    JoinComplete,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(assignor: Assignor, protocol: RebalanceProtocol, partitions: i32) -> Group {
        let topics = [("orders".to_owned(), partitions)].into_iter().collect();
        let config = GroupConfig {
            assignor,
            protocol,
            ..GroupConfig::default()
        };
        Group::new(topics, config).unwrap()
    }

    fn orders() -> Vec<String> {
        vec!["orders".to_owned()]
    }

    /// Adds c1..=cn (static when `statics`) at t=0 and settles the first rebalance.
    fn started(mut g: Group, n: usize, statics: bool) -> Group {
        for i in 1..=n {
            let inst = format!("i{i}");
            g.add_member(
                &format!("c{i}"),
                statics.then_some(inst.as_str()),
                &orders(),
                0,
            )
            .unwrap();
        }
        g.tick(10_000).unwrap();
        assert!(!g.is_rebalancing());
        g
    }

    #[test]
    fn seventh_consumer_on_six_partitions_is_idle() {
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            6,
            false,
        );
        g.add_member("c7", None, &orders(), 20_000).unwrap();
        g.tick(60_000).unwrap();
        let a = g.assignment();
        assert_eq!(a.len(), 7);
        assert!(a["c7"].is_empty());
        assert!(a.values().filter(|v| v.len() == 1).count() == 6);
    }

    #[test]
    fn rebalance_waiting_for_a_slow_member_completes_when_it_is_kicked_out() {
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            2,
            false,
        );
        // c1 stays out of poll() for 360 s (> max.poll.interval.ms); c3 joins.
        g.slow_member("c1", 360_000, 11_000).unwrap();
        g.add_member("c3", None, &orders(), 12_000).unwrap();
        // c2 rejoins at its next heartbeat, then waits for c1's poll timeout.
        let t = g.next_deadline().unwrap();
        assert_eq!(t, 311_000); // poll timeout: 11 s + 300 s
        g.tick(t).unwrap();
        assert!(!g.is_rebalancing());
        let r = g.history().last().unwrap();
        assert_eq!(r.completed_at, 311_000);
        assert_eq!(r.removed, vec!["c1".to_owned()]);
        assert!(r.pauses.iter().all(|p| p.paused_ms >= 0), "{r:?}");
        assert!(r.stop_the_world_ms > 290_000, "{r:?}");
        assert_eq!(g.assignment()["c2"].len() + g.assignment()["c3"].len(), 6);
    }

    #[test]
    fn first_rebalance_waits_initial_delay() {
        let g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            2,
            false,
        );
        assert_eq!(g.history()[0].completed_at, 3_000); // group.initial.rebalance.delay.ms
        assert_eq!(g.generation(), 1);
    }

    #[test]
    fn static_member_restart_within_session_timeout_no_rebalance() {
        let mut g = started(group(Assignor::Range, RebalanceProtocol::Eager, 6), 3, true);
        let before = g.assignment();
        let gens = g.generation();
        g.crash_member("c2", 20_000).unwrap();
        let ev = g.restart_member("c2", 50_000).unwrap();
        assert!(ev.iter().any(|e| matches!(
            e,
            GroupEvent::StaticMemberRejoined {
                paused_ms: 30_000,
                ..
            }
        )));
        g.tick(200_000).unwrap();
        assert_eq!(g.generation(), gens);
        assert_eq!(g.history().len(), 1);
        assert_eq!(g.assignment(), before);
    }

    #[test]
    fn static_member_back_too_late_triggers_rebalance_at_session_expiry() {
        let mut g = started(group(Assignor::Range, RebalanceProtocol::Eager, 6), 3, true);
        g.crash_member("c2", 20_000).unwrap();
        // last heartbeat at 18_000 (every 3 s from the sync at 3_000), expiry 63_000
        let ev = g.tick(63_000).unwrap();
        assert!(ev
            .iter()
            .any(|e| matches!(e, GroupEvent::MemberRemoved { at: 63_000, .. })));
        g.tick(100_000).unwrap();
        assert_eq!(g.history().len(), 2);
        let r = &g.history()[1];
        // c2's partitions were not consumed from the crash until the new owner got them
        let p = r
            .pauses
            .iter()
            .find(|p| p.from.as_deref() == Some("c2"))
            .unwrap();
        assert_eq!(p.paused_at, 20_000);
        assert!(p.paused_ms >= 43_000);
        assert!(!g.assignment().contains_key("c2"));
    }

    #[test]
    fn dynamic_close_rebalances_immediately_static_close_waits_for_session() {
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            3,
            false,
        );
        g.remove_member("c3", 20_000).unwrap();
        assert!(g.is_rebalancing());
        let mut s = started(group(Assignor::Range, RebalanceProtocol::Eager, 6), 3, true);
        s.remove_member("c3", 20_000).unwrap();
        assert!(!s.is_rebalancing());
        s.tick(70_000).unwrap();
        assert_eq!(s.history().len(), 2);
    }

    #[test]
    fn eager_pauses_every_partition_cooperative_only_the_moving_ones() {
        let mut eager = started(
            group(Assignor::Sticky, RebalanceProtocol::Eager, 6),
            3,
            false,
        );
        let mut coop = started(
            group(
                Assignor::CooperativeSticky,
                RebalanceProtocol::Cooperative,
                6,
            ),
            3,
            false,
        );
        for g in [&mut eager, &mut coop] {
            g.add_member("c4", None, &orders(), 20_000).unwrap();
            g.tick(100_000).unwrap();
            assert_eq!(g.history().len(), 2);
        }
        let e = &eager.history()[1];
        // no one is late: the join completes at the others' next heartbeat
        assert_eq!(e.completed_at, 21_000);
        let c = &coop.history()[1];
        // eager: all six partitions revoked; sticky hands five back to their owner
        // (6 over 4 members: quotas 2, 2, 1, 1 — one partition moves to c4)
        assert_eq!(e.pauses.len(), 6);
        assert_eq!(e.revoked_and_reassigned_same_owner.len(), 5);
        assert_eq!(e.moved.len(), 1);
        assert!(e
            .pauses
            .iter()
            .all(|p| p.paused_at == 21_000 && p.paused_ms == 0));
        assert_eq!(e.generations.len(), 1);
        // cooperative: only the moving partition pauses, two generations, no stop-the-world
        assert_eq!(c.generations.len(), 2);
        assert_eq!(c.moved.len(), 1);
        assert_eq!(c.pauses.len(), 1);
        assert!(c.pauses[0].paused_ms > 0);
        assert!(c.revoked_and_reassigned_same_owner.is_empty());
        assert_eq!(c.stop_the_world_ms, 0);
        assert_eq!(coop.assignment()["c4"].len(), 1);
        assert_eq!(eager.assignment()["c4"].len(), 1);
    }

    #[test]
    fn eager_stops_the_world_waiting_for_a_slow_member_cooperative_does_not() {
        let mut eager = started(
            group(Assignor::Sticky, RebalanceProtocol::Eager, 6),
            3,
            false,
        );
        let mut coop = started(
            group(
                Assignor::CooperativeSticky,
                RebalanceProtocol::Cooperative,
                6,
            ),
            3,
            false,
        );
        for g in [&mut eager, &mut coop] {
            g.slow_member("c1", 40_000, 10_000).unwrap(); // back in poll() at 50_000
            g.add_member("c4", None, &orders(), 20_000).unwrap();
            g.tick(200_000).unwrap();
        }
        let e = &eager.history()[1];
        // c2, c3 revoked at 21_000 and idled until c1 rejoined at 50_000
        assert_eq!(e.completed_at, 50_000);
        assert_eq!(e.stop_the_world_ms, 29_000);
        let c2_pause = e
            .pauses
            .iter()
            .find(|p| p.from.as_deref() == Some("c2"))
            .unwrap();
        assert_eq!(c2_pause.paused_ms, 29_000);
        let c = &coop.history()[1];
        assert_eq!(c.stop_the_world_ms, 0);
        // the one moving partition: revoked after round 1 (50_000), assigned in
        // round 2 once the others' next heartbeat brought them back (53_000)
        assert_eq!(c.pauses.len(), 1);
        assert_eq!(c.pauses[0].paused_at, 50_000);
        assert_eq!(c.pauses[0].resumed_at, 53_000);
        assert_eq!(c.generations.len(), 2);
        assert_eq!(coop.assignment().values().map(Vec::len).sum::<usize>(), 6);
    }

    #[test]
    fn slow_consumer_kicked_after_max_poll_interval() {
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            3,
            false,
        );
        g.slow_member("c1", 400_000, 20_000).unwrap();
        let ev = g.tick(319_999).unwrap();
        assert!(ev.is_empty());
        let ev = g.tick(320_000).unwrap();
        assert!(ev.iter().any(|e| matches!(e,
            GroupEvent::MemberRemoved { member_id, reason, at: 320_000 } if member_id == "c1" && reason.contains("poll timeout"))));
        g.tick(330_000).unwrap();
        assert!(!g.assignment().contains_key("c1"));
        assert_eq!(g.assignment().values().map(Vec::len).sum::<usize>(), 6);
        // when its poll finally returns, it rejoins as a new member
        g.tick(420_000).unwrap();
        g.restart_member("c1", 420_000).unwrap();
        g.tick(500_000).unwrap();
        assert_eq!(g.assignment()["c1"].len(), 2);
    }

    #[test]
    fn slow_but_within_poll_interval_delays_the_rebalance() {
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            2,
            false,
        );
        g.slow_member("c1", 60_000, 10_000).unwrap();
        g.add_member("c3", None, &orders(), 20_000).unwrap();
        g.tick(200_000).unwrap();
        // the join phase waits for c1's poll to return at 70_000
        assert_eq!(g.history()[1].completed_at, 70_000);
        assert_eq!(g.assignment().len(), 3);
    }

    #[test]
    fn rejects_bad_config_and_time_travel() {
        let topics: BTreeMap<String, i32> = [("orders".to_owned(), 6)].into_iter().collect();
        let bad = GroupConfig {
            assignor: Assignor::Range,
            protocol: RebalanceProtocol::Cooperative,
            ..GroupConfig::default()
        };
        assert!(matches!(
            Group::new(topics.clone(), bad),
            Err(GroupError::InconsistentGroupProtocol { .. })
        ));
        let zero = GroupConfig {
            session_timeout_ms: 0,
            ..GroupConfig::default()
        };
        assert!(Group::new(topics, zero).is_err());
        let mut g = started(
            group(Assignor::Range, RebalanceProtocol::Eager, 6),
            1,
            false,
        );
        assert!(matches!(
            g.tick(5),
            Err(GroupError::TimeWentBackwards { .. })
        ));
        assert!(g
            .add_member("x", None, &["nope".to_owned()], 20_000)
            .is_err());
        assert!(g.crash_member("ghost", 20_000).is_err());
    }
}
