//! Dead-letter queue: a poison record, after `N` failed retries, is written to
//! a DLQ topic with headers saying where it came from and why it failed; the
//! consumer then commits past it instead of retrying forever. Records can be
//! replayed from the DLQ once the cause is fixed.
//!
//! Kafka itself has no DLQ; the pattern comes from Kafka Connect
//! (`errors.deadletterqueue.topic.name`, `errors.deadletterqueue.context.headers.enable`,
//! `connect/runtime/.../errors/DeadLetterQueueReporter.java`), whose headers
//! are `__connect.errors.topic`, `__connect.errors.partition`,
//! `__connect.errors.offset`, `__connect.errors.exception.message`, …
//! kplay uses the same shape under a `__dlq.` prefix (a consumer group is not
//! a connector):
//!
//! | header | Connect analogue | value |
//! |---|---|---|
//! | [`HEADER_ORIGINAL_TOPIC`] `__dlq.original.topic` | `__connect.errors.topic` | topic name |
//! | [`HEADER_ORIGINAL_PARTITION`] `__dlq.original.partition` | `__connect.errors.partition` | decimal |
//! | [`HEADER_ORIGINAL_OFFSET`] `__dlq.original.offset` | `__connect.errors.offset` | decimal |
//! | [`HEADER_ORIGINAL_TIMESTAMP`] `__dlq.original.timestamp` | — | record timestamp, decimal ms |
//! | [`HEADER_ERROR`] `__dlq.error` | `__connect.errors.exception.message` | text |
//! | [`HEADER_GROUP`] `__dlq.group` | `__connect.errors.connector.name` | consumer group |
//! | [`HEADER_RETRIES`] `__dlq.retries` | — | attempts before giving up |
//! | [`HEADER_FAILED_AT`] `__dlq.failed.at` | — | simulated ms when dead-lettered |
//!
//! The DLQ record keeps the original key and value, so replay is lossless.

use super::TopicPartition;
use crate::clock::Millis;
use crate::log::{AppendError, Log, LogConfig, RecordView};
use crate::record::{HeaderInput, RecordInput};
use crate::topic::{InvalidTopicName, TopicName};

/// Original topic header.
pub const HEADER_ORIGINAL_TOPIC: &str = "__dlq.original.topic";
/// Original partition header.
pub const HEADER_ORIGINAL_PARTITION: &str = "__dlq.original.partition";
/// Original offset header.
pub const HEADER_ORIGINAL_OFFSET: &str = "__dlq.original.offset";
/// Original record timestamp header.
pub const HEADER_ORIGINAL_TIMESTAMP: &str = "__dlq.original.timestamp";
/// Error message header.
pub const HEADER_ERROR: &str = "__dlq.error";
/// Consumer group header.
pub const HEADER_GROUP: &str = "__dlq.group";
/// Number of attempts header.
pub const HEADER_RETRIES: &str = "__dlq.retries";
/// Time of dead-lettering header.
pub const HEADER_FAILED_AT: &str = "__dlq.failed.at";

/// Errors from the DLQ.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DlqError {
    /// The DLQ topic name is invalid.
    #[error(transparent)]
    InvalidTopic(#[from] InvalidTopicName),
    /// The DLQ log refused the record.
    #[error(transparent)]
    Append(#[from] AppendError),
    /// A record in the DLQ lacks a kplay DLQ header or has a malformed one.
    #[error("record at DLQ offset {offset} has a missing or malformed {header} header")]
    MalformedHeader {
        /// Offset in the DLQ.
        offset: i64,
        /// The header name.
        header: &'static str,
    },
}

/// A dead-lettered record, read back from the DLQ with its context.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DlqRecord {
    /// Offset of this record in the DLQ topic.
    pub dlq_offset: i64,
    /// Where it came from.
    pub original: TopicPartition,
    /// Its offset there.
    pub original_offset: i64,
    /// Its timestamp there.
    pub original_timestamp: Millis,
    /// Why processing failed.
    pub error: String,
    /// The consumer group that gave up.
    pub group: String,
    /// How many attempts were made.
    pub retries: u32,
    /// When it was dead-lettered.
    pub failed_at: Millis,
    /// Original key.
    pub key: Option<Vec<u8>>,
    /// Original value.
    pub value: Option<Vec<u8>>,
}

/// Context of a failure, for [`DeadLetterQueue::send`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure<'a> {
    /// The failing record's partition.
    pub original: &'a TopicPartition,
    /// The error text.
    pub error: &'a str,
    /// The consumer group.
    pub group: &'a str,
    /// Attempts made.
    pub retries: u32,
}

/// A single-partition DLQ topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetterQueue {
    name: TopicName,
    log: Log,
}

impl DeadLetterQueue {
    /// A DLQ topic named `name` (validated with Kafka's topic rules), e.g.
    /// `orders.DLQ` or `dlq-orders`.
    pub fn new(name: &str, now: Millis) -> Result<Self, DlqError> {
        Ok(Self {
            name: TopicName::new(name)?,
            log: Log::new(LogConfig::default(), now),
        })
    }

    /// The DLQ topic name.
    pub fn name(&self) -> &TopicName {
        &self.name
    }
    /// The DLQ's log.
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// Number of dead-lettered records ever written.
    pub fn len(&self) -> i64 {
        self.log.log_end_offset()
    }
    /// Whether nothing was dead-lettered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes `record` to the DLQ with the context headers. Returns its DLQ offset.
    pub fn send(
        &mut self,
        record: &RecordView<'_>,
        failure: Failure<'_>,
        now: Millis,
    ) -> Result<i64, DlqError> {
        self.send_parts(
            record.key,
            record.value,
            record.offset,
            record.timestamp,
            failure,
            now,
        )
    }

    /// Like [`DeadLetterQueue::send`] from the record's parts.
    pub fn send_parts(
        &mut self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        original_offset: i64,
        original_timestamp: Millis,
        failure: Failure<'_>,
        now: Millis,
    ) -> Result<i64, DlqError> {
        let partition = failure.original.partition.to_string();
        let offset = original_offset.to_string();
        let ts = original_timestamp.to_string();
        let retries = failure.retries.to_string();
        let failed_at = now.to_string();
        let headers = [
            HeaderInput {
                key: HEADER_ORIGINAL_TOPIC,
                value: Some(failure.original.topic.as_bytes()),
            },
            HeaderInput {
                key: HEADER_ORIGINAL_PARTITION,
                value: Some(partition.as_bytes()),
            },
            HeaderInput {
                key: HEADER_ORIGINAL_OFFSET,
                value: Some(offset.as_bytes()),
            },
            HeaderInput {
                key: HEADER_ORIGINAL_TIMESTAMP,
                value: Some(ts.as_bytes()),
            },
            HeaderInput {
                key: HEADER_ERROR,
                value: Some(failure.error.as_bytes()),
            },
            HeaderInput {
                key: HEADER_GROUP,
                value: Some(failure.group.as_bytes()),
            },
            HeaderInput {
                key: HEADER_RETRIES,
                value: Some(retries.as_bytes()),
            },
            HeaderInput {
                key: HEADER_FAILED_AT,
                value: Some(failed_at.as_bytes()),
            },
        ];
        let input = RecordInput {
            key,
            value,
            headers: &headers,
            timestamp: now,
        };
        let at = self.log.append(input, now)?;
        let leo = self.log.log_end_offset();
        // The DLQ is single-replica: the HW follows the LEO (never out of range).
        let _ = self.log.advance_high_watermark(leo);
        Ok(at)
    }

    /// Reads every DLQ record from `from_offset` on, with its context — what a
    /// replay job consumes.
    pub fn read_from(&self, from_offset: i64) -> Result<Vec<DlqRecord>, DlqError> {
        self.log
            .iter()
            .filter(|r| r.offset >= from_offset)
            .map(|r| parse_dlq_record(&r))
            .collect()
    }

    /// Replays DLQ records from `from_offset` through `handler`; returns how many
    /// succeeded and the records that failed again (they stay in the DLQ; a
    /// real replay job would re-dead-letter them).
    pub fn replay<F>(&self, from_offset: i64, mut handler: F) -> Result<ReplayOutcome, DlqError>
    where
        F: FnMut(&DlqRecord) -> Result<(), String>,
    {
        let mut out = ReplayOutcome::default();
        for r in self.read_from(from_offset)? {
            match handler(&r) {
                Ok(()) => out.succeeded.push(r),
                Err(e) => out.failed.push((r, e)),
            }
        }
        Ok(out)
    }
}

/// Result of [`DeadLetterQueue::replay`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReplayOutcome {
    /// Records processed successfully on replay.
    pub succeeded: Vec<DlqRecord>,
    /// Records that failed again, with the error.
    pub failed: Vec<(DlqRecord, String)>,
}

fn parse_dlq_record(r: &RecordView<'_>) -> Result<DlqRecord, DlqError> {
    let header = |name: &'static str| -> Result<String, DlqError> {
        r.headers
            .iter()
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v)
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(str::to_owned)
            .ok_or(DlqError::MalformedHeader {
                offset: r.offset,
                header: name,
            })
    };
    let number = |name: &'static str| -> Result<i64, DlqError> {
        header(name)?
            .parse()
            .map_err(|_| DlqError::MalformedHeader {
                offset: r.offset,
                header: name,
            })
    };
    let partition = i32::try_from(number(HEADER_ORIGINAL_PARTITION)?).map_err(|_| {
        DlqError::MalformedHeader {
            offset: r.offset,
            header: HEADER_ORIGINAL_PARTITION,
        }
    })?;
    let retries =
        u32::try_from(number(HEADER_RETRIES)?).map_err(|_| DlqError::MalformedHeader {
            offset: r.offset,
            header: HEADER_RETRIES,
        })?;
    Ok(DlqRecord {
        dlq_offset: r.offset,
        original: TopicPartition::new(header(HEADER_ORIGINAL_TOPIC)?, partition),
        original_offset: number(HEADER_ORIGINAL_OFFSET)?,
        original_timestamp: number(HEADER_ORIGINAL_TIMESTAMP)?,
        error: header(HEADER_ERROR)?,
        group: header(HEADER_GROUP)?,
        retries,
        failed_at: number(HEADER_FAILED_AT)?,
        key: r.key.map(<[u8]>::to_vec),
        value: r.value.map(<[u8]>::to_vec),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dead_lettered_record_carries_context_and_replays() {
        let mut src = Log::new(LogConfig::default(), 0);
        src.append(RecordInput::new(Some(b"k1"), Some(b"ok"), 100), 100)
            .unwrap();
        src.append(RecordInput::new(Some(b"k2"), Some(b"{broken"), 200), 200)
            .unwrap();
        src.advance_high_watermark(2).unwrap();
        let fetched = src.fetch(1, 1, u64::MAX).unwrap();
        let poison = fetched.records[0];
        let tp = TopicPartition::new("orders", 3);
        let mut dlq = DeadLetterQueue::new("orders.DLQ", 0).unwrap();
        let failure = Failure {
            original: &tp,
            error: "JsonParseException: unexpected end",
            group: "billing",
            retries: 3,
        };
        assert_eq!(dlq.send(&poison, failure, 5_000).unwrap(), 0);
        let back = dlq.read_from(0).unwrap();
        assert_eq!(
            back,
            vec![DlqRecord {
                dlq_offset: 0,
                original: tp.clone(),
                original_offset: 1,
                original_timestamp: 200,
                error: "JsonParseException: unexpected end".into(),
                group: "billing".into(),
                retries: 3,
                failed_at: 5_000,
                key: Some(b"k2".to_vec()),
                value: Some(b"{broken".to_vec()),
            }]
        );
        // The raw headers use the documented names.
        let raw = dlq.log().fetch(0, 1, u64::MAX).unwrap().records[0].to_record();
        let names: Vec<&str> = raw.headers.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(names[0], "__dlq.original.topic");
        assert!(names.contains(&"__dlq.group"));
        // Replay: a fixed handler succeeds, a still-broken one fails and reports why.
        let ok = dlq.replay(0, |_| Ok(())).unwrap();
        assert_eq!(ok.succeeded.len(), 1);
        let still = dlq
            .replay(0, |r| Err(format!("still broken at {}", r.original_offset)))
            .unwrap();
        assert_eq!(still.failed[0].1, "still broken at 1");
        assert!(dlq.read_from(1).unwrap().is_empty());
    }

    #[test]
    fn foreign_records_in_the_dlq_are_reported_not_panicked_on() {
        let mut dlq = DeadLetterQueue::new("dlq", 0).unwrap();
        dlq.log
            .append(RecordInput::new(None, Some(b"x"), 0), 0)
            .unwrap();
        dlq.log.advance_high_watermark(1).unwrap();
        assert_eq!(
            dlq.read_from(0).unwrap_err(),
            DlqError::MalformedHeader {
                offset: 0,
                header: HEADER_ORIGINAL_PARTITION
            }
        );
        assert!(DeadLetterQueue::new("bad name", 0).is_err());
    }
}
