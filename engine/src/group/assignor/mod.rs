//! Partition assignors, ported from Apache Kafka (apache/kafka @ 1eb76443,
//! KAFKA.md §3).
//!
//! | [`Assignor`] | Kafka name | Java class |
//! |---|---|---|
//! | `Range` | `range` | `o.a.k.clients.consumer.RangeAssignor` |
//! | `RoundRobin` | `roundrobin` | `o.a.k.clients.consumer.RoundRobinAssignor` |
//! | `Sticky` | `sticky` | `o.a.k.clients.consumer.StickyAssignor` (eager) |
//! | `CooperativeSticky` | `cooperative-sticky` | `o.a.k.clients.consumer.CooperativeStickyAssignor` |
//! | `Uniform` | `uniform` | `o.a.k.coordinator.group.assignor.UniformAssignor` (KIP-848) |
//! | `ServerRange` | `range` (server side; parsed here as `server-range`) | `o.a.k.coordinator.group.assignor.RangeAssignor` (KIP-848, 3.9+) |
//!
//! Client-side assignors only assign topics that at least one member
//! subscribes to and that exist in the metadata; a member subscribed only to
//! unknown topics gets an empty list (`AbstractPartitionAssignor.assign`
//! "Skipping assignment for topic … since no metadata is available"). The
//! server-side assignors fail with
//! [`AssignError::SubscribedToNonExistentTopic`] as the Java classes throw
//! `PartitionAssignorException`. Every member appears in the result, possibly
//! with an empty list: members beyond the partition count sit idle.

mod range;
mod round_robin;
mod server_range;
mod sticky;
mod uniform;

use super::{AssignmentInput, TopicPartition};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// A partition assignment strategy, parsed from Kafka's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Assignor {
    /// `range` — per topic, contiguous ranges; remainders to the first members.
    Range,
    /// `roundrobin` — all partitions in topic-name order dealt round-robin.
    RoundRobin,
    /// `sticky` — balanced and sticky, eager protocol.
    Sticky,
    /// `cooperative-sticky` — sticky, cooperative (incremental) protocol: a
    /// partition that changes owner is withheld for one round.
    CooperativeSticky,
    /// KIP-848 server-side `uniform` (the broker default).
    Uniform,
    /// KIP-848 server-side `range` (the non-sticky rewrite of Kafka 3.9).
    ServerRange,
}

impl Assignor {
    /// All assignors, in table order.
    pub const ALL: [Assignor; 6] = [
        Assignor::Range,
        Assignor::RoundRobin,
        Assignor::Sticky,
        Assignor::CooperativeSticky,
        Assignor::Uniform,
        Assignor::ServerRange,
    ];

    /// The name accepted by [`FromStr`] (Kafka's own name, except `server-range`).
    pub fn name(self) -> &'static str {
        match self {
            Assignor::Range => "range",
            Assignor::RoundRobin => "roundrobin",
            Assignor::Sticky => "sticky",
            Assignor::CooperativeSticky => "cooperative-sticky",
            Assignor::Uniform => "uniform",
            Assignor::ServerRange => "server-range",
        }
    }

    /// Whether this assignor supports the COOPERATIVE rebalance protocol
    /// (`ConsumerPartitionAssignor.supportedProtocols`). KIP-848 server-side
    /// assignors are incremental by construction.
    pub fn supports_cooperative(self) -> bool {
        matches!(
            self,
            Assignor::CooperativeSticky | Assignor::Uniform | Assignor::ServerRange
        )
    }

    /// Runs the assignor. For `cooperative-sticky` the result is the
    /// assignor's output *for this round*: partitions changing owner are left
    /// out (listed in [`AssignmentOutcome::partitions_transferring_ownership`])
    /// and handed over by the follow-up rebalance.
    pub fn assign(self, input: &AssignmentInput) -> Result<AssignmentOutcome, AssignError> {
        let (assignment, pto) = match self {
            Assignor::Range => (range::assign(input), None),
            Assignor::RoundRobin => (round_robin::assign(input), None),
            Assignor::Sticky => {
                let (a, p) = sticky::assign(input, false)?;
                (a, p)
            }
            Assignor::CooperativeSticky => {
                let (a, p) = sticky::assign(input, true)?;
                (a, p)
            }
            Assignor::Uniform => (uniform::assign(input)?, None),
            Assignor::ServerRange => (server_range::assign(input)?, None),
        };
        let outcome = AssignmentOutcome {
            assignment,
            partitions_transferring_ownership: pto,
        };
        #[cfg(debug_assertions)]
        outcome.debug_check_invariants(input);
        Ok(outcome)
    }
}

impl fmt::Display for Assignor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An assignor name Kafka does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Unknown assignor '{}': expected one of range, roundrobin, sticky, cooperative-sticky, uniform, server-range", crate::input::clip(name))]
pub struct UnknownAssignor {
    /// The rejected name.
    pub name: String,
}

impl FromStr for Assignor {
    type Err = UnknownAssignor;

    /// Accepts Kafka's short names and the Java class names
    /// (`org.apache.kafka.clients.consumer.RangeAssignor`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "range" | "org.apache.kafka.clients.consumer.RangeAssignor" => Assignor::Range,
            "roundrobin" | "org.apache.kafka.clients.consumer.RoundRobinAssignor" => {
                Assignor::RoundRobin
            }
            "sticky" | "org.apache.kafka.clients.consumer.StickyAssignor" => Assignor::Sticky,
            "cooperative-sticky"
            | "org.apache.kafka.clients.consumer.CooperativeStickyAssignor" => {
                Assignor::CooperativeSticky
            }
            "uniform" | "org.apache.kafka.coordinator.group.assignor.UniformAssignor" => {
                Assignor::Uniform
            }
            "server-range" | "org.apache.kafka.coordinator.group.assignor.RangeAssignor" => {
                Assignor::ServerRange
            }
            _ => {
                return Err(UnknownAssignor { name: s.to_owned() });
            }
        })
    }
}

/// Why an assignor could not produce an assignment.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// A KIP-848 assignor was given a member subscribed to a topic missing
    /// from the metadata (`PartitionAssignorException`).
    #[error(
        "PartitionAssignorException: Member '{}' is subscribed to a non-existent topic '{}'",
        crate::input::clip(member_id),
        crate::input::clip(topic)
    )]
    SubscribedToNonExistentTopic {
        /// The member.
        member_id: String,
        /// The unknown topic.
        topic: String,
    },
    /// An internal consistency failure (Java's `IllegalStateException`); never
    /// expected, reported instead of panicking.
    #[error("IllegalStateException: {0}")]
    IllegalState(String),
}

/// The result of one assignor run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AssignmentOutcome {
    /// Member id → partitions, in the order Kafka's assignor lists them. Every
    /// member of the input is present.
    pub assignment: BTreeMap<String, Vec<TopicPartition>>,
    /// Sticky assignors only: partitions whose owner changes this round, with
    /// their new owner (`partitionsTransferringOwnership`). For
    /// `cooperative-sticky` these are *not* in [`Self::assignment`] yet.
    pub partitions_transferring_ownership: Option<BTreeMap<TopicPartition, String>>,
}

impl AssignmentOutcome {
    /// The assignment with every list sorted by (topic, partition).
    pub fn sorted(&self) -> BTreeMap<String, Vec<TopicPartition>> {
        crate::sort::btree_map(self.assignment.iter().map(|(m, v)| {
            let mut v = v.clone();
            crate::sort::sort(&mut v);
            (m.clone(), v)
        }))
    }

    /// Invariants: every input member present, no partition assigned twice,
    /// every assigned partition exists and belongs to a subscribed topic.
    #[cfg(debug_assertions)]
    fn debug_check_invariants(&self, input: &AssignmentInput) {
        let mut seen = std::collections::BTreeSet::new();
        for m in input.members() {
            let list = self.assignment.get(&m.member_id);
            debug_assert!(list.is_some(), "member {} missing", m.member_id);
            for tp in list.into_iter().flatten() {
                debug_assert!(seen.insert(tp.clone()), "{tp} assigned twice");
                debug_assert!(
                    m.topics.contains(&tp.topic),
                    "{tp} not subscribed by {}",
                    m.member_id
                );
                debug_assert!(input
                    .topics()
                    .get(&tp.topic)
                    .is_some_and(|&n| tp.partition >= 0 && tp.partition < n));
            }
        }
        debug_assert_eq!(self.assignment.len(), input.members().len());
    }
}

/// Dense indices shared by the assignors: topics that are both subscribed by
/// someone and present in the metadata, sorted as Java sorts `String`s, with
/// partition ids `offset[t] + p`.
pub(crate) struct Universe<'a> {
    pub(crate) names: Vec<&'a str>,
    pub(crate) counts: Vec<i32>,
    pub(crate) offsets: Vec<usize>,
    pub(crate) total: usize,
    index: BTreeMap<&'a str, usize>,
}

impl<'a> Universe<'a> {
    pub(crate) fn subscribed(input: &'a AssignmentInput) -> Self {
        let mut names: Vec<&str> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for m in input.members() {
            for t in &m.topics {
                if input.topics().contains_key(t) && seen.insert(t.as_str()) {
                    names.push(t.as_str());
                }
            }
        }
        crate::sort::sort_by(&mut names, |a, b| super::java::str_cmp(a, b));
        let counts: Vec<i32> = names
            .iter()
            .map(|t| input.topics().get(*t).copied().unwrap_or(0))
            .collect();
        let mut offsets = Vec::with_capacity(names.len());
        let mut total = 0usize;
        for &c in &counts {
            offsets.push(total);
            total += usize::try_from(c).unwrap_or(0);
        }
        let index = crate::sort::btree_map(names.iter().enumerate().map(|(i, n)| (*n, i)));
        Self {
            names,
            counts,
            offsets,
            total,
            index,
        }
    }

    pub(crate) fn topic(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub(crate) fn pid(&self, tp: &TopicPartition) -> Option<usize> {
        let t = self.topic(&tp.topic)?;
        let c = *self.counts.get(t)?;
        if tp.partition < 0 || tp.partition >= c {
            return None;
        }
        Some(self.offsets[t] + tp.partition as usize)
    }

    /// (topic index, partition) of a partition id.
    pub(crate) fn split(&self, pid: usize) -> (usize, i32) {
        let t = self
            .offsets
            .partition_point(|&o| o <= pid)
            .saturating_sub(1);
        (t, (pid - self.offsets[t]) as i32)
    }

    pub(crate) fn tp(&self, pid: usize) -> TopicPartition {
        let (t, p) = self.split(pid);
        TopicPartition::new(self.names[t], p)
    }

    pub(crate) fn partitions_of(&self, t: usize) -> std::ops::Range<usize> {
        let start = self.offsets[t];
        start..start + usize::try_from(self.counts[t]).unwrap_or(0)
    }
}

/// Members in Kafka's member order (input indices).
pub(crate) fn members_sorted(input: &AssignmentInput) -> Vec<usize> {
    let ms = input.members();
    let mut order: Vec<usize> = (0..ms.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| {
        super::kafka_member_order(&ms[a], &ms[b])
    });
    order
}

pub(crate) fn empty_assignment(input: &AssignmentInput) -> BTreeMap<String, Vec<TopicPartition>> {
    crate::sort::btree_map(
        input
            .members()
            .iter()
            .map(|m| (m.member_id.clone(), Vec::new())),
    )
}
