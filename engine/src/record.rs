//! Records as producers send them and as the log stores them.
//!
//! A Kafka record has an optional key, an optional value (a `null` value is a
//! *tombstone* on a compacted topic), headers (a `String` key and an optional
//! byte value each), a timestamp and, once appended, an offset. Records travel
//! in *batches*; a batch carries the producer id, epoch and base sequence used
//! by idempotence and transactions, and control batches carry transaction
//! markers (`clients/.../common/record/DefaultRecordBatch.java`).
//!
//! The append path borrows: [`RecordInput`] and [`HeaderInput`] hold slices,
//! and the log copies their bytes into one arena per segment, so appending
//! does not allocate per record. [`Record`] is the owned form for callers that
//! want one.

use crate::clock::Millis;

/// Fixed overhead of a v2 record batch header in bytes
/// (`DefaultRecordBatch.RECORD_BATCH_OVERHEAD` = 61).
pub const RECORD_BATCH_OVERHEAD: u32 = 61;

/// A header to append, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderInput<'a> {
    /// Header key (Kafka header keys are strings).
    pub key: &'a str,
    /// Header value; `None` is Kafka's null header value.
    pub value: Option<&'a [u8]>,
}

/// A record to append, borrowed from the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordInput<'a> {
    /// `None` is a null key.
    pub key: Option<&'a [u8]>,
    /// `None` is a null value (a tombstone on a compacted topic).
    pub value: Option<&'a [u8]>,
    /// Record headers.
    pub headers: &'a [HeaderInput<'a>],
    /// CreateTime timestamp in simulated milliseconds.
    pub timestamp: Millis,
}

impl<'a> RecordInput<'a> {
    /// A record with key and value and no headers.
    pub fn new(key: Option<&'a [u8]>, value: Option<&'a [u8]>, timestamp: Millis) -> Self {
        Self {
            key,
            value,
            headers: &[],
            timestamp,
        }
    }
}

/// An owned header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    /// Header key.
    pub key: String,
    /// Header value; `None` is null.
    pub value: Option<Vec<u8>>,
}

/// An owned record, as read back from a log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Record {
    /// The record's offset in its partition.
    pub offset: i64,
    /// CreateTime timestamp.
    pub timestamp: Millis,
    /// Key bytes, `None` when null.
    pub key: Option<Vec<u8>>,
    /// Value bytes, `None` when null (tombstone).
    pub value: Option<Vec<u8>>,
    /// Headers in the order they were sent.
    pub headers: Vec<Header>,
}

/// Batch-level attributes of an append (`RecordBatch` fields that matter to
/// idempotence, transactions and the cleaner).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchAttributes {
    /// Producer id, `-1` (`RecordBatch.NO_PRODUCER_ID`) when not idempotent.
    pub producer_id: i64,
    /// Producer epoch, `-1` when not idempotent.
    pub producer_epoch: i16,
    /// Sequence of the first record, `-1` when not idempotent.
    pub base_sequence: i32,
    /// Whether the batch is part of a transaction.
    pub is_transactional: bool,
    /// Whether the batch holds a control record (a transaction marker).
    pub is_control: bool,
}

impl Default for BatchAttributes {
    fn default() -> Self {
        Self {
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            is_transactional: false,
            is_control: false,
        }
    }
}

/// Size of a zig-zag varint encoding of `v` (`ByteUtils.sizeOfVarint`).
pub fn size_of_varint(v: i32) -> u32 {
    size_of_varlong(i64::from(v))
}

/// Size of a zig-zag varlong encoding of `v` (`ByteUtils.sizeOfVarlong`).
pub fn size_of_varlong(v: i64) -> u32 {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 1;
    while z >= 0x80 {
        z >>= 7;
        n += 1;
    }
    n
}

fn size_of_nullable(bytes: Option<&[u8]>) -> u32 {
    match bytes {
        None => size_of_varint(-1),
        Some(b) => size_of_varint(b.len() as i32) + b.len() as u32,
    }
}

/// Size in bytes of one record inside a v2 batch, exactly as
/// `DefaultRecord.sizeInBytes(offsetDelta, timestampDelta, key, value, headers)`
/// computes it (`clients/.../common/record/DefaultRecord.java`).
pub fn record_size_in_bytes(offset_delta: i32, timestamp_delta: i64, rec: &RecordInput<'_>) -> u32 {
    let mut body = 1 // attributes
        + size_of_varlong(timestamp_delta)
        + size_of_varint(offset_delta)
        + size_of_nullable(rec.key)
        + size_of_nullable(rec.value)
        + size_of_varint(rec.headers.len() as i32);
    for h in rec.headers {
        body += size_of_varint(h.key.len() as i32) + h.key.len() as u32;
        body += size_of_nullable(h.value);
    }
    size_of_varint(body as i32) + body
}

/// Size of a batch holding `records` (batch header plus each record), as the
/// broker counts it against `segment.bytes` and `retention.bytes`.
pub fn batch_size_in_bytes(records: &[RecordInput<'_>]) -> u32 {
    let base_ts = records.first().map_or(0, |r| r.timestamp);
    RECORD_BATCH_OVERHEAD
        + records
            .iter()
            .enumerate()
            .map(|(i, r)| record_size_in_bytes(i as i32, r.timestamp - base_ts, r))
            .sum::<u32>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varint_sizes_match_kafka_byteutils() {
        // Zig-zag: 0 -> 0, -1 -> 1, 63 -> 126 (1 byte), 64 -> 128 (2 bytes).
        assert_eq!(size_of_varint(0), 1);
        assert_eq!(size_of_varint(-1), 1);
        assert_eq!(size_of_varint(63), 1);
        assert_eq!(size_of_varint(64), 2);
        assert_eq!(size_of_varint(-65), 2);
        assert_eq!(size_of_varint(i32::MAX), 5);
        assert_eq!(size_of_varlong(i64::MIN), 10);
    }

    #[test]
    fn record_size_counts_every_field() {
        // body = attrs 1 + tsDelta 1 + offsetDelta 1 + key(1+3) + value(1+5) + headers 1 = 14;
        // total = varint(14) 1 + 14 = 15.
        let r = RecordInput::new(Some(b"abc"), Some(b"hello"), 0);
        assert_eq!(record_size_in_bytes(0, 0, &r), 15);
        // A null key and null value cost one byte each (varint(-1)).
        let t = RecordInput::new(None, None, 0);
        assert_eq!(record_size_in_bytes(0, 0, &t), 7);
        let h = [HeaderInput {
            key: "k",
            value: None,
        }];
        let rh = RecordInput { headers: &h, ..t };
        // + key (1+1) + null value 1 = 3 more.
        assert_eq!(record_size_in_bytes(0, 0, &rh), 10);
        assert_eq!(batch_size_in_bytes(&[r]), 61 + 15);
    }
}
