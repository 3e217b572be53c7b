//! Topics: validated names, partitions, and producing to a partition.
//!
//! Topic-name rules are Kafka's `Topic.validate`
//! (`clients/src/main/java/org/apache/kafka/common/internals/Topic.java`):
//! ASCII letters, digits, `.`, `_` and `-`; 1 to 249 characters; not `.` or `..`.

use crate::clock::Millis;
use crate::config::TopicConfig;
use crate::input::clip;
use crate::log::{AppendError, AppendInfo, Log};
use crate::record::{BatchAttributes, RecordInput};

/// Longest legal topic name (`Topic.MAX_NAME_LENGTH`).
pub const MAX_NAME_LENGTH: usize = 249;

/// `InvalidTopicException` messages, exactly as `Topic.validate` words them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidTopicName {
    /// The empty string.
    #[error("Topic name is invalid: the empty string is not allowed")]
    Empty,
    /// `.` or `..`.
    #[error("Topic name is invalid: '{0}' is not allowed")]
    DotOrDotDot(String),
    /// Longer than 249 characters.
    #[error(
        "Topic name is invalid: the length of '{}' is longer than the max allowed length 249",
        clip(.0)
    )]
    TooLong(String),
    /// Contains a character outside `[a-zA-Z0-9._-]`.
    #[error("Topic name is invalid: '{}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'", clip(.0))]
    IllegalCharacters(String),
}

/// A topic name that passed Kafka's validation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct TopicName(String);

impl TopicName {
    /// Validates `name` with Kafka's rules.
    pub fn new(name: &str) -> Result<Self, InvalidTopicName> {
        if name.is_empty() {
            return Err(InvalidTopicName::Empty);
        }
        if name == "." || name == ".." {
            return Err(InvalidTopicName::DotOrDotDot(name.to_owned()));
        }
        if name.len() > MAX_NAME_LENGTH {
            return Err(InvalidTopicName::TooLong(name.to_owned()));
        }
        if !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
        {
            return Err(InvalidTopicName::IllegalCharacters(name.to_owned()));
        }
        Ok(Self(name.to_owned()))
    }

    /// The name as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `Topic.unifyCollisionChars`: `.` and `_` collide in metric names.
    pub fn unified(&self) -> String {
        self.0.replace('.', "_")
    }

    /// Whether creating this topic prints Kafka's period/underscore warning.
    pub fn has_collision_chars(&self) -> bool {
        self.0.contains('.') || self.0.contains('_')
    }
}

impl std::fmt::Display for TopicName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Errors from producing to a topic partition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProduceError {
    /// `UNKNOWN_TOPIC_OR_PARTITION` (3).
    #[error("UNKNOWN_TOPIC_OR_PARTITION: This server does not host this topic-partition: {topic}-{partition}")]
    UnknownTopicOrPartition {
        /// Topic name.
        topic: String,
        /// Requested partition.
        partition: i32,
    },
    /// `INVALID_RECORD` (87): a record without a key on a compacted topic
    /// (`LogValidator.validateKey`).
    #[error("INVALID_RECORD: Compacted topic cannot accept message without key in topic partition {topic}-{partition}")]
    CompactedTopicRequiresKey {
        /// Topic name.
        topic: String,
        /// Partition.
        partition: i32,
    },
    /// The log refused the batch.
    #[error(transparent)]
    Append(#[from] AppendError),
}

/// One partition of a topic: its index and its log.
///
/// Replication is modelled elsewhere; here the high watermark follows the log
/// end offset on every append (every replica is in sync instantly).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    index: i32,
    log: Log,
}

impl Partition {
    /// The partition number.
    pub fn index(&self) -> i32 {
        self.index
    }
    /// The partition's log.
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// Mutable access for retention, the cleaner and replication models.
    pub fn log_mut(&mut self) -> &mut Log {
        &mut self.log
    }
}

/// A topic: a validated name, its partitions, and its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Topic {
    name: TopicName,
    config: TopicConfig,
    replication_factor: i16,
    partitions: Vec<Partition>,
}

impl Topic {
    /// A topic with `partitions` empty partitions. Counts are validated by
    /// [`crate::cluster::Cluster::create_topic`]; here `partitions` is at least 1.
    pub(crate) fn new(
        name: TopicName,
        partitions: u32,
        replication_factor: i16,
        config: TopicConfig,
        now: Millis,
    ) -> Self {
        let log_config = config.log_config();
        Self {
            name,
            replication_factor,
            partitions: (0..partitions)
                .map(|i| Partition {
                    index: i as i32,
                    log: Log::new(log_config, now),
                })
                .collect(),
            config,
        }
    }

    /// The topic's name.
    pub fn name(&self) -> &TopicName {
        &self.name
    }
    /// Its configuration.
    pub fn config(&self) -> &TopicConfig {
        &self.config
    }
    /// Replication factor it was created with.
    pub fn replication_factor(&self) -> i16 {
        self.replication_factor
    }
    /// Number of partitions.
    pub fn partition_count(&self) -> u32 {
        self.partitions.len() as u32
    }
    /// All partitions in order.
    pub fn partitions(&self) -> &[Partition] {
        &self.partitions
    }
    /// One partition.
    pub fn partition(&self, p: i32) -> Option<&Partition> {
        usize::try_from(p).ok().and_then(|i| self.partitions.get(i))
    }
    /// One partition, mutably.
    pub fn partition_mut(&mut self, p: i32) -> Option<&mut Partition> {
        usize::try_from(p)
            .ok()
            .and_then(|i| self.partitions.get_mut(i))
    }

    /// Replaces the configuration; segment settings apply from the next append.
    pub fn set_config(&mut self, config: TopicConfig) {
        let lc = config.log_config();
        for p in &mut self.partitions {
            p.log.set_config(lc);
        }
        self.config = config;
    }

    /// Appends one record to `partition` and returns its offset.
    pub fn produce(
        &mut self,
        partition: i32,
        record: RecordInput<'_>,
        now: Millis,
    ) -> Result<i64, ProduceError> {
        self.produce_batch(partition, &[record], BatchAttributes::default(), now)
            .map(|a| a.first_offset)
    }

    /// Appends a batch to `partition`, validating it as the partition leader
    /// does, and advances the high watermark to the new log end offset.
    pub fn produce_batch(
        &mut self,
        partition: i32,
        records: &[RecordInput<'_>],
        attributes: BatchAttributes,
        now: Millis,
    ) -> Result<AppendInfo, ProduceError> {
        let compact = self.config.cleanup_policy.compact;
        let topic = self.name.as_str().to_owned();
        let Some(p) = self.partition_mut(partition) else {
            return Err(ProduceError::UnknownTopicOrPartition { topic, partition });
        };
        if compact && !attributes.is_control && records.iter().any(|r| r.key.is_none()) {
            return Err(ProduceError::CompactedTopicRequiresKey { topic, partition });
        }
        let info = p.log.append_batch(records, attributes, now)?;
        let leo = p.log.log_end_offset();
        // The HW can always move to the LEO; the error case is unreachable here.
        let _ = p.log.advance_high_watermark(leo);
        Ok(info)
    }

    /// Records per partition (for views and skew metrics).
    pub fn record_counts(&self) -> Vec<usize> {
        self.partitions
            .iter()
            .map(|p| p.log.record_count())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kafka_topic_test_valid_names() {
        // TopicTest.shouldAcceptValidTopicNames
        let long = "x".repeat(249);
        for n in [
            "valid",
            "TOPIC",
            "nAmEs",
            "ar6",
            "VaL1d",
            "_0-9_.",
            "...",
            long.as_str(),
        ] {
            assert!(TopicName::new(n).is_ok(), "{n}");
        }
    }

    #[test]
    fn kafka_topic_test_invalid_names() {
        let long = "a".repeat(250);
        for n in [
            "",
            "foo bar",
            "..",
            "foo:bar",
            "foo=bar",
            ".",
            long.as_str(),
            "a/b",
            "a\\b",
            "é",
        ] {
            assert!(TopicName::new(n).is_err(), "{n:?}");
        }
        assert_eq!(
            TopicName::new("..").unwrap_err().to_string(),
            "Topic name is invalid: '..' is not allowed"
        );
        assert_eq!(
            TopicName::new("").unwrap_err().to_string(),
            "Topic name is invalid: the empty string is not allowed"
        );
        assert_eq!(
            TopicName::new("foo bar").unwrap_err().to_string(),
            "Topic name is invalid: 'foo bar' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'"
        );
    }

    #[test]
    fn long_names_are_quoted_briefly() {
        let e = TopicName::new(&"a".repeat(1_000_000))
            .unwrap_err()
            .to_string();
        assert!(e.len() < 200, "{} bytes", e.len());
        assert!(e.contains("… (1000000 bytes)"), "{e}");
        let e = TopicName::new(&" ".repeat(1_000)).unwrap_err().to_string();
        assert!(e.len() < 250, "{} bytes", e.len());
    }

    #[test]
    fn collisions_unify_dot_and_underscore() {
        let a = TopicName::new("to.pic").unwrap();
        let b = TopicName::new("to_pic").unwrap();
        assert_eq!(a.unified(), b.unified());
        let c = TopicName::new(".topic").unwrap();
        let d = TopicName::new("topic_").unwrap();
        assert_ne!(c.unified(), d.unified());
    }

    #[test]
    fn compacted_topic_rejects_null_keys() {
        let cfg = TopicConfig::from_overrides([("cleanup.policy", "compact")]).unwrap();
        let mut t = Topic::new(TopicName::new("users").unwrap(), 2, 1, cfg, 0);
        let err = t
            .produce(1, RecordInput::new(None, Some(b"v"), 0), 0)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "INVALID_RECORD: Compacted topic cannot accept message without key in topic partition users-1"
        );
        assert_eq!(
            t.produce(1, RecordInput::new(Some(b"k"), None, 0), 0),
            Ok(0)
        );
        assert!(matches!(
            t.produce(2, RecordInput::new(Some(b"k"), None, 0), 0),
            Err(ProduceError::UnknownTopicOrPartition { partition: 2, .. })
        ));
    }
}
