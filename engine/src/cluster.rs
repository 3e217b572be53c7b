//! A cluster: brokers, topics, the simulated clock and the seeded RNG.
//!
//! `create_topic` validates like KRaft's `ReplicationControlManager`
//! (`metadata/src/main/java/org/apache/kafka/controller/ReplicationControlManager.java`)
//! and returns the same error names and messages.

use std::collections::BTreeMap;

use crate::clock::{Millis, SimClock};
use crate::config::{ConfigError, TopicConfig};
use crate::rng::SimRng;
use crate::topic::{InvalidTopicName, Topic, TopicName};

/// Errors from [`Cluster::create_topic`], named after Kafka's error codes.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CreateTopicError {
    /// `INVALID_TOPIC_EXCEPTION` (17): the name breaks Kafka's rules.
    #[error("INVALID_TOPIC_EXCEPTION: {0}")]
    InvalidTopic(#[from] InvalidTopicName),
    /// `INVALID_TOPIC_EXCEPTION` (17): `.`/`_` collide with an existing topic.
    #[error("INVALID_TOPIC_EXCEPTION: Topic '{name}' collides with existing topic: {existing}")]
    Collision {
        /// The new name.
        name: String,
        /// The existing topic it collides with.
        existing: String,
    },
    /// `TOPIC_ALREADY_EXISTS` (36).
    #[error("TOPIC_ALREADY_EXISTS: Topic '{0}' already exists.")]
    TopicAlreadyExists(String),
    /// `INVALID_PARTITIONS` (37).
    #[error("INVALID_PARTITIONS: Number of partitions was set to an invalid non-positive value.")]
    InvalidPartitions {
        /// The count asked for.
        requested: i64,
    },
    /// `INVALID_REPLICATION_FACTOR` (38): zero or negative.
    #[error("INVALID_REPLICATION_FACTOR: Replication factor must be larger than 0, or -1 to use the default value.")]
    NonPositiveReplicationFactor {
        /// The factor asked for.
        requested: i64,
    },
    /// `INVALID_REPLICATION_FACTOR` (38): more replicas than brokers.
    #[error("INVALID_REPLICATION_FACTOR: Unable to replicate the partition {requested} time(s): The target replication factor of {requested} cannot be reached because only {brokers} broker(s) are registered.")]
    ReplicationFactorAboveBrokers {
        /// The factor asked for.
        requested: i64,
        /// Brokers in the cluster.
        brokers: u32,
    },
    /// Invalid topic configuration.
    #[error("INVALID_CONFIG: {0}")]
    InvalidConfig(#[from] ConfigError),
    /// kplay's own limit: a browser playground keeps partitions countable.
    #[error("INVALID_PARTITIONS: kplay models at most {max} partitions per topic (asked for {requested})")]
    TooManyPartitions {
        /// The count asked for.
        requested: i64,
        /// kplay's limit.
        max: u32,
    },
}

/// What to create: `kafka-topics --create --topic NAME --partitions N
/// --replication-factor RF --config k=v ...`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTopic {
    /// Topic name (validated on create).
    pub name: String,
    /// Partition count; `-1` means the broker default `num.partitions` (1).
    pub partitions: i64,
    /// Replication factor; `-1` means the broker default (`default.replication.factor` = 1).
    pub replication_factor: i64,
    /// Config overrides by Kafka name.
    pub configs: Vec<(String, String)>,
}

/// The largest partition count kplay accepts for one topic.
pub const MAX_PARTITIONS_PER_TOPIC: u32 = 10_000;

/// A simulated cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    brokers: u32,
    topics: BTreeMap<TopicName, Topic>,
    clock: SimClock,
    rng: SimRng,
}

impl Cluster {
    /// A cluster of `brokers` brokers (at least 1) whose randomness comes from `seed`.
    pub fn new(brokers: u32, seed: u64) -> Self {
        Self {
            brokers: brokers.max(1),
            topics: BTreeMap::new(),
            clock: SimClock::default(),
            rng: SimRng::seeded(seed),
        }
    }

    /// Number of brokers.
    pub fn brokers(&self) -> u32 {
        self.brokers
    }
    /// The simulated time.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }
    /// Moves the simulated clock forward.
    pub fn advance(&mut self, delta_ms: Millis) -> Millis {
        self.clock.advance(delta_ms)
    }
    /// The cluster's seeded RNG.
    pub fn rng(&mut self) -> &mut SimRng {
        &mut self.rng
    }
    /// All topics in name order.
    pub fn topics(&self) -> impl Iterator<Item = &Topic> {
        self.topics.values()
    }
    /// A topic by name.
    pub fn topic(&self, name: &str) -> Option<&Topic> {
        self.topics
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, t)| t)
    }
    /// A topic by name, mutably.
    pub fn topic_mut(&mut self, name: &str) -> Option<&mut Topic> {
        self.topics
            .iter_mut()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, t)| t)
    }

    /// Creates a topic, validating name, counts and configs like Kafka.
    pub fn create_topic(&mut self, new: NewTopic) -> Result<&Topic, CreateTopicError> {
        let name = TopicName::new(&new.name)?;
        if self.topics.contains_key(&name) {
            return Err(CreateTopicError::TopicAlreadyExists(new.name));
        }
        if let Some(existing) = self.topics.keys().find(|t| t.unified() == name.unified()) {
            return Err(CreateTopicError::Collision {
                name: new.name,
                existing: existing.to_string(),
            });
        }
        let partitions = match new.partitions {
            -1 => 1,
            p if p <= 0 => return Err(CreateTopicError::InvalidPartitions { requested: p }),
            p if p > i64::from(MAX_PARTITIONS_PER_TOPIC) => {
                return Err(CreateTopicError::TooManyPartitions {
                    requested: p,
                    max: MAX_PARTITIONS_PER_TOPIC,
                })
            }
            p => p as u32,
        };
        let rf = match new.replication_factor {
            -1 => 1,
            r if r <= 0 => {
                return Err(CreateTopicError::NonPositiveReplicationFactor { requested: r })
            }
            r if r > i64::from(self.brokers) => {
                return Err(CreateTopicError::ReplicationFactorAboveBrokers {
                    requested: r,
                    brokers: self.brokers,
                })
            }
            r => r as i16,
        };
        let config =
            TopicConfig::from_overrides(new.configs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        let now = self.clock.now();
        let topic = Topic::new(name.clone(), partitions, rf, config, now);
        Ok(self.topics.entry(name).or_insert(topic))
    }

    /// Deletes a topic. Returns whether it existed.
    pub fn delete_topic(&mut self, name: &str) -> bool {
        let key = self.topics.keys().find(|t| t.as_str() == name).cloned();
        key.and_then(|k| self.topics.remove(&k)).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_topic(name: &str, partitions: i64, rf: i64) -> NewTopic {
        NewTopic {
            name: name.to_owned(),
            partitions,
            replication_factor: rf,
            configs: vec![],
        }
    }

    #[test]
    fn create_topic_validates_like_kraft() {
        let mut c = Cluster::new(1, 0);
        assert_eq!(
            c.create_topic(new_topic("orders", 3, 1))
                .unwrap()
                .partition_count(),
            3
        );
        assert_eq!(
            c.create_topic(new_topic("orders", 3, 1))
                .unwrap_err()
                .to_string(),
            "TOPIC_ALREADY_EXISTS: Topic 'orders' already exists."
        );
        assert_eq!(
            c.create_topic(new_topic("x", 0, 1))
                .unwrap_err()
                .to_string(),
            "INVALID_PARTITIONS: Number of partitions was set to an invalid non-positive value."
        );
        assert!(matches!(
            c.create_topic(new_topic("x", -5, 1)),
            Err(CreateTopicError::InvalidPartitions { requested: -5 })
        ));
        assert_eq!(
            c.create_topic(new_topic("x", 1, 3)).unwrap_err().to_string(),
            "INVALID_REPLICATION_FACTOR: Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered."
        );
        assert!(matches!(
            c.create_topic(new_topic("x", 1, 0)),
            Err(CreateTopicError::NonPositiveReplicationFactor { requested: 0 })
        ));
        assert!(matches!(
            c.create_topic(new_topic("..", 1, 1)),
            Err(CreateTopicError::InvalidTopic(
                InvalidTopicName::DotOrDotDot(_)
            ))
        ));
        assert!(c.create_topic(new_topic("x", 1_000_000, 1)).is_err());
        assert_eq!(c.topics().count(), 1);
    }

    #[test]
    fn dot_and_underscore_collide() {
        let mut c = Cluster::new(3, 0);
        c.create_topic(new_topic("a_b", 1, 3)).unwrap();
        assert_eq!(
            c.create_topic(new_topic("a.b", 1, 1))
                .unwrap_err()
                .to_string(),
            "INVALID_TOPIC_EXCEPTION: Topic 'a.b' collides with existing topic: a_b"
        );
    }

    #[test]
    fn default_counts_use_broker_defaults() {
        let mut c = Cluster::new(1, 0);
        let t = c.create_topic(new_topic("d", -1, -1)).unwrap();
        assert_eq!((t.partition_count(), t.replication_factor()), (1, 1));
    }
}
