//! # Consumer groups
//!
//! A consumer group shares the partitions of the topics it subscribes to among
//! its members: every partition is consumed by at most one member of the group.
//! This module models the two halves of that job:
//!
//! * [`assignor`] — the *partition assignors*, ported from Kafka's Java code
//!   (client-side `range`, `roundrobin`, `sticky`, `cooperative-sticky`, and the
//!   KIP-848 server-side `uniform` and `range`). They are pure functions of an
//!   [`AssignmentInput`] (topic metadata + member subscriptions).
//! * [`coordinator`] — the *classic group protocol* on the simulated clock:
//!   join/sync generations, heartbeats, `session.timeout.ms`,
//!   `max.poll.interval.ms`, static membership (`group.instance.id`), eager and
//!   cooperative rebalances, with a record of what every rebalance cost.
//!
//! ## Example
//!
//! ```
//! use kplay_engine::group::{Assignor, AssignmentInput, MemberSubscription};
//!
//! let input = AssignmentInput::new(
//!     [("orders".to_owned(), 6)].into_iter().collect(),
//!     (1..=7).map(|i| MemberSubscription::new(format!("c{i}"), vec!["orders".into()])).collect(),
//! )?;
//! let out = "range".parse::<Assignor>()?.assign(&input)?;
//! assert_eq!(out.assignment.len(), 7);          // every member is present…
//! assert!(out.assignment["c7"].is_empty());     // …and the seventh sits idle
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Member ordering
//!
//! Kafka orders members (`AbstractPartitionAssignor.MemberInfo.compareTo`):
//! static members (with a `group.instance.id`) come first, ordered by instance
//! id; dynamic members follow, ordered by member id. Strings compare as Java's
//! `String.compareTo` does (UTF-16 code units), see [`java::str_cmp`].

pub mod assignor;
pub mod coordinator;
pub mod java;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub use assignor::{AssignError, AssignmentOutcome, Assignor};
pub use coordinator::{
    Group, GroupConfig, GroupError, GroupEvent, MemberStatus, PartitionPause, Rebalance,
    RebalanceProtocol,
};

/// A topic partition, `orders-3`. Ordered by topic name, then partition.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct TopicPartition {
    /// Topic name.
    pub topic: String,
    /// Partition index (0-based).
    pub partition: i32,
}

impl TopicPartition {
    /// `topic`-`partition`.
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        Self {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// One member's `JoinGroup` subscription, as the group leader sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MemberSubscription {
    /// `member.id` assigned by the coordinator.
    pub member_id: String,
    /// `group.instance.id` (static membership, KIP-345), if any.
    #[serde(default)]
    pub group_instance_id: Option<String>,
    /// Subscribed topics (a set: duplicates are ignored, first occurrence kept).
    pub topics: Vec<String>,
    /// Partitions the member owned before this rebalance (`ownedPartitions`,
    /// or the sticky assignor's `userData`). Used by the sticky assignors and
    /// the server-side `uniform` assignor (as the current assignment).
    #[serde(default)]
    pub owned: Vec<TopicPartition>,
    /// The generation in which `owned` was assigned (`generationId`). `None`
    /// means "unknown" (Kafka's `DEFAULT_GENERATION = -1`).
    #[serde(default)]
    pub generation: Option<i32>,
}

impl MemberSubscription {
    /// A dynamic member subscribed to `topics`, owning nothing.
    pub fn new(member_id: impl Into<String>, topics: Vec<String>) -> Self {
        Self {
            member_id: member_id.into(),
            group_instance_id: None,
            topics,
            owned: Vec::new(),
            generation: None,
        }
    }

    /// Sets `group.instance.id` (builder style).
    pub fn with_instance_id(mut self, id: impl Into<String>) -> Self {
        self.group_instance_id = Some(id.into());
        self
    }

    /// Sets the owned partitions and their generation (builder style).
    pub fn with_owned(mut self, owned: Vec<TopicPartition>, generation: i32) -> Self {
        self.owned = owned;
        self.generation = Some(generation);
        self
    }
}

/// Everything an assignor sees: the topic metadata (partition counts) and the
/// members' subscriptions, in the order the coordinator reported them (that
/// order feeds the Java `HashMap` emulation of the sticky assignors).
///
/// Invariants (checked by [`AssignmentInput::new`]): every partition count is
/// ≥ 1, member ids are unique and non-empty, owned partitions are unique per
/// member and lie inside `0..partition_count` when their topic is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentInput {
    topics: BTreeMap<String, i32>,
    members: Vec<MemberSubscription>,
    topic_ids: BTreeMap<String, [u8; 16]>,
}

/// Why an [`AssignmentInput`] is invalid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidAssignmentInput {
    /// A topic with zero or negative partitions (`INVALID_PARTITIONS`).
    #[error("INVALID_PARTITIONS: Number of partitions for topic '{}' must be greater than 0, got {partitions}", crate::input::clip(topic))]
    InvalidPartitions {
        /// Topic name.
        topic: String,
        /// The rejected count.
        partitions: i32,
    },
    /// An empty topic name.
    #[error("INVALID_TOPIC_EXCEPTION: Topic name is invalid: the empty string is not allowed")]
    EmptyTopicName,
    /// An empty member id.
    #[error("INVALID_REQUEST: member.id must not be empty")]
    EmptyMemberId,
    /// Two members with the same member id.
    #[error(
        "INVALID_REQUEST: duplicate member id '{}'",
        crate::input::clip(member_id)
    )]
    DuplicateMemberId {
        /// The duplicated id.
        member_id: String,
    },
    /// Two members with the same `group.instance.id`.
    #[error(
        "FENCED_INSTANCE_ID: group.instance.id '{}' is used by two members",
        crate::input::clip(group_instance_id)
    )]
    DuplicateInstanceId {
        /// The duplicated instance id.
        group_instance_id: String,
    },
    /// An owned partition outside the topic's partition range.
    #[error("UNKNOWN_TOPIC_OR_PARTITION: member '{}' owns {partition} but the topic has {partitions} partitions", crate::input::clip(member_id))]
    UnknownPartition {
        /// The member.
        member_id: String,
        /// The offending partition.
        partition: TopicPartition,
        /// Partition count of its topic.
        partitions: i32,
    },
    /// The same partition twice in one member's owned list.
    #[error(
        "INVALID_REQUEST: member '{}' lists owned partition {partition} twice",
        crate::input::clip(member_id)
    )]
    DuplicateOwnedPartition {
        /// The member.
        member_id: String,
        /// The duplicated partition.
        partition: TopicPartition,
    },
}

impl AssignmentInput {
    /// Validates and builds an input. Subscriptions are de-duplicated (a Kafka
    /// subscription is a set). Members subscribed to topics missing from
    /// `topics` are accepted: the client-side assignors skip such topics (as
    /// `AbstractPartitionAssignor.assign` does for topics without metadata);
    /// the server-side ones fail with [`AssignError::SubscribedToNonExistentTopic`].
    pub fn new(
        topics: BTreeMap<String, i32>,
        mut members: Vec<MemberSubscription>,
    ) -> Result<Self, InvalidAssignmentInput> {
        for (t, &n) in &topics {
            if t.is_empty() {
                return Err(InvalidAssignmentInput::EmptyTopicName);
            }
            if n <= 0 {
                return Err(InvalidAssignmentInput::InvalidPartitions {
                    topic: t.clone(),
                    partitions: n,
                });
            }
        }
        let mut ids = BTreeSet::new();
        let mut instances = BTreeSet::new();
        for m in &mut members {
            if m.member_id.is_empty() {
                return Err(InvalidAssignmentInput::EmptyMemberId);
            }
            if !ids.insert(m.member_id.clone()) {
                return Err(InvalidAssignmentInput::DuplicateMemberId {
                    member_id: m.member_id.clone(),
                });
            }
            if let Some(i) = &m.group_instance_id {
                if !instances.insert(i.clone()) {
                    return Err(InvalidAssignmentInput::DuplicateInstanceId {
                        group_instance_id: i.clone(),
                    });
                }
            }
            let mut seen = BTreeSet::new();
            m.topics.retain(|t| seen.insert(t.clone()));
            let mut owned = BTreeSet::new();
            for tp in &m.owned {
                if let Some(&n) = topics.get(&tp.topic) {
                    if tp.partition < 0 || tp.partition >= n {
                        return Err(InvalidAssignmentInput::UnknownPartition {
                            member_id: m.member_id.clone(),
                            partition: tp.clone(),
                            partitions: n,
                        });
                    }
                }
                if !owned.insert(tp) {
                    return Err(InvalidAssignmentInput::DuplicateOwnedPartition {
                        member_id: m.member_id.clone(),
                        partition: tp.clone(),
                    });
                }
            }
        }
        Ok(Self {
            topics,
            members,
            topic_ids: BTreeMap::new(),
        })
    }

    /// Sets KIP-516 topic ids (used only by the `uniform` assignor, whose
    /// result depends on Java's `HashSet<Uuid>` iteration order). Topics
    /// without an explicit id get a stable id derived from their name.
    pub fn with_topic_ids(mut self, ids: BTreeMap<String, [u8; 16]>) -> Self {
        self.topic_ids = ids;
        self
    }

    /// Partition count per topic.
    pub fn topics(&self) -> &BTreeMap<String, i32> {
        &self.topics
    }

    /// Members, in coordinator order.
    pub fn members(&self) -> &[MemberSubscription] {
        &self.members
    }

    /// The topic id of `topic`: the explicit one, else the first 16 bytes of
    /// SHA-256 of the name (a real cluster draws a random UUID).
    pub fn topic_id(&self, topic: &str) -> [u8; 16] {
        if let Some(id) = self.topic_ids.get(topic) {
            return *id;
        }
        use sha2::Digest;
        let d = sha2::Sha256::digest(topic.as_bytes());
        let mut out = [0u8; 16];
        out.copy_from_slice(&d[..16]);
        out
    }
}

/// Sorts members as `AbstractPartitionAssignor.MemberInfo.compareTo` does:
/// static members first by `group.instance.id`, then dynamic ones by member id.
pub fn kafka_member_order(a: &MemberSubscription, b: &MemberSubscription) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (&a.group_instance_id, &b.group_instance_id) {
        (Some(x), Some(y)) => java::str_cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java::str_cmp(&a.member_id, &b.member_id),
    }
}
