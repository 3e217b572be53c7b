//! A partition's log: an append-only sequence of segments.
//!
//! This follows Kafka's `UnifiedLog`/`LocalLog`/`LogSegment`
//! (`core/src/main/scala/kafka/log/UnifiedLog.scala`,
//! `storage/.../internals/log/LogSegment.java`):
//!
//! * Every appended record gets the next offset, the **log end offset** (LEO).
//! * Records live in **segments**; only the last one, the *active* segment,
//!   takes appends. A new segment is *rolled* before an append when the batch
//!   would overflow `segment.bytes`, or when the incoming batch's timestamp is
//!   more than `segment.ms` after the first batch of the active segment
//!   (`LogSegment.shouldRoll`). Rolls happen only on append: an idle partition
//!   never rolls by time.
//! * The **log start offset** is the first offset still readable. Retention
//!   deletes whole segments from the head and moves it forward.
//! * The **high watermark** (HW) is the offset below which records are
//!   replicated to the in-sync replicas; consumers read only below it.
//!
//! Invariant, checked after every mutation in debug builds:
//! `log_start_offset <= high_watermark <= log_end_offset`, segments are
//! contiguous in offset order, offsets strictly increase within and across
//! segments, and there is always at least one (active) segment.
//!
//! Offsets never change once assigned. Compaction may remove records, leaving
//! gaps; a fetch at a removed offset returns the next record that exists.

use crate::clock::Millis;
use crate::record::{
    batch_size_in_bytes, record_size_in_bytes, BatchAttributes, Header, HeaderInput, Record,
    RecordInput,
};

/// Errors from [`Log::append_batch`], named after Kafka's error codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AppendError {
    /// `RECORD_TOO_LARGE` / `MESSAGE_TOO_LARGE` (10): the batch exceeds `max.message.bytes`.
    #[error("RECORD_TOO_LARGE: The record batch size in the append is {size} bytes which exceeds the maximum configured value of {max_message_bytes}.")]
    RecordTooLarge {
        /// Size of the rejected batch.
        size: u32,
        /// The topic's `max.message.bytes`.
        max_message_bytes: i32,
    },
    /// `RECORD_LIST_TOO_LARGE` (18): the batch is larger than a whole segment.
    #[error("RECORD_LIST_TOO_LARGE: The size of this record batch ({size} bytes) exceeds the segment size ({segment_bytes} bytes).")]
    RecordBatchTooLarge {
        /// Size of the rejected batch.
        size: u32,
        /// The topic's `segment.bytes`.
        segment_bytes: i32,
    },
    /// An empty batch cannot be appended.
    #[error("INVALID_RECORD: a record batch must hold at least one record")]
    EmptyBatch,
}

/// Errors from reading a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// `OFFSET_OUT_OF_RANGE` (1): the offset is below the log start or past the log end.
    #[error("OFFSET_OUT_OF_RANGE: The requested offset {requested} is not within the range of offsets maintained by the server (log start {log_start}, log end {log_end}).")]
    OffsetOutOfRange {
        /// The offset that was asked for.
        requested: i64,
        /// The log start offset at the time.
        log_start: i64,
        /// The log end offset at the time.
        log_end: i64,
    },
}

/// Errors from moving the high watermark.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HighWatermarkError {
    /// The requested high watermark lies outside `[log_start_offset, log_end_offset]`.
    #[error("high watermark {requested} is outside [{log_start}, {log_end}]")]
    OutOfRange {
        /// The requested value.
        requested: i64,
        /// Log start offset.
        log_start: i64,
        /// Log end offset.
        log_end: i64,
    },
}

/// The segment settings a log needs (from the topic's config).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogConfig {
    /// `segment.bytes`: roll when the active segment would exceed this size.
    pub segment_bytes: i32,
    /// `segment.ms` (or, on compacted topics, `min(segment.ms, max.compaction.lag.ms)`).
    pub segment_ms: i64,
    /// `max.message.bytes`: the largest batch accepted.
    pub max_message_bytes: i32,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            segment_bytes: 1_073_741_824,
            segment_ms: 604_800_000,
            max_message_bytes: 1_048_588,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RecordEntry {
    offset: i64,
    timestamp: Millis,
    /// Start of this record's bytes in the segment arena: key, value, then headers.
    data_start: u32,
    key_len: i32,
    value_len: i32,
    headers_start: u32,
    headers_len: u32,
    size_in_bytes: u32,
    batch: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct HeaderEntry {
    key_len: u32,
    value_len: i32,
}

/// A batch as stored: its offsets, attributes and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchInfo {
    /// First offset of the batch.
    pub base_offset: i64,
    /// Last offset of the batch (kept even when compaction removes records).
    pub last_offset: i64,
    /// Largest record timestamp in the batch.
    pub max_timestamp: Millis,
    /// Batch attributes (producer, transaction, control).
    pub attributes: BatchAttributes,
}

/// One segment of a log: records stored compactly in a single byte arena.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    base_offset: i64,
    /// Offset after the last batch appended here (also after compaction removed records).
    next_offset: i64,
    size_in_bytes: u64,
    created_ms: Millis,
    first_batch_timestamp: Option<Millis>,
    max_timestamp: Millis,
    arena: Vec<u8>,
    records: Vec<RecordEntry>,
    headers: Vec<HeaderEntry>,
    batches: Vec<BatchInfo>,
}

impl Segment {
    /// An empty segment whose first offset will be `base_offset`.
    pub fn new(base_offset: i64, created_ms: Millis) -> Self {
        Self {
            base_offset,
            next_offset: base_offset,
            size_in_bytes: 0,
            created_ms,
            first_batch_timestamp: None,
            max_timestamp: Millis::MIN,
            arena: Vec::new(),
            records: Vec::new(),
            headers: Vec::new(),
            batches: Vec::new(),
        }
    }

    /// The segment's base offset (its file name in Kafka).
    pub fn base_offset(&self) -> i64 {
        self.base_offset
    }
    /// One past the last offset this segment covers.
    pub fn next_offset(&self) -> i64 {
        self.next_offset
    }
    /// Bytes this segment counts against `segment.bytes` and `retention.bytes`.
    pub fn size_in_bytes(&self) -> u64 {
        self.size_in_bytes
    }
    /// Number of records stored (after compaction, fewer than the offsets covered).
    pub fn record_count(&self) -> usize {
        self.records.len()
    }
    /// Whether the segment holds no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
    /// Simulated time the segment was created (rolled).
    pub fn created_ms(&self) -> Millis {
        self.created_ms
    }
    /// Largest record timestamp (`LogSegment.largestTimestamp`); `None` when empty.
    pub fn max_timestamp(&self) -> Option<Millis> {
        (!self.records.is_empty()).then_some(self.max_timestamp)
    }
    /// Timestamp of the first batch, used by the `segment.ms` roll rule.
    pub fn first_batch_timestamp(&self) -> Option<Millis> {
        self.first_batch_timestamp
    }
    /// The batches in this segment, in offset order.
    pub fn batches(&self) -> &[BatchInfo] {
        &self.batches
    }

    /// The records in this segment, in offset order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = RecordView<'_>> + '_ {
        self.records.iter().map(move |e| self.view(e))
    }

    fn view<'a>(&'a self, e: &'a RecordEntry) -> RecordView<'a> {
        let mut at = e.data_start as usize;
        let key = (e.key_len >= 0).then(|| {
            let k = &self.arena[at..at + e.key_len as usize];
            at += e.key_len as usize;
            k
        });
        let value = (e.value_len >= 0).then(|| {
            let v = &self.arena[at..at + e.value_len as usize];
            at += e.value_len as usize;
            v
        });
        RecordView {
            offset: e.offset,
            timestamp: e.timestamp,
            key,
            value,
            size_in_bytes: e.size_in_bytes,
            batch: self.batches[e.batch as usize],
            headers: HeadersView {
                arena: &self.arena[at..],
                entries: &self.headers
                    [e.headers_start as usize..(e.headers_start + e.headers_len) as usize],
            },
        }
    }

    /// Appends one batch; offsets are assigned from `first_offset`.
    fn push_batch(
        &mut self,
        first_offset: i64,
        records: &[RecordInput<'_>],
        attrs: BatchAttributes,
    ) {
        let batch_index = self.batches.len() as u32;
        let base_ts = records[0].timestamp;
        let mut max_ts = Millis::MIN;
        for (i, r) in records.iter().enumerate() {
            let size = record_size_in_bytes(i as i32, r.timestamp - base_ts, r);
            self.push_record(first_offset + i as i64, r, size, batch_index);
            max_ts = max_ts.max(r.timestamp);
        }
        let last_offset = first_offset + records.len() as i64 - 1;
        self.batches.push(BatchInfo {
            base_offset: first_offset,
            last_offset,
            max_timestamp: max_ts,
            attributes: attrs,
        });
        self.first_batch_timestamp.get_or_insert(base_ts);
        self.max_timestamp = self.max_timestamp.max(max_ts);
        self.size_in_bytes += u64::from(batch_size_in_bytes(records));
        self.next_offset = last_offset + 1;
    }

    fn push_record(&mut self, offset: i64, r: &RecordInput<'_>, size: u32, batch: u32) {
        let data_start = self.arena.len() as u32;
        if let Some(k) = r.key {
            self.arena.extend_from_slice(k);
        }
        if let Some(v) = r.value {
            self.arena.extend_from_slice(v);
        }
        let headers_start = self.headers.len() as u32;
        for h in r.headers {
            self.arena.extend_from_slice(h.key.as_bytes());
            if let Some(v) = h.value {
                self.arena.extend_from_slice(v);
            }
            self.headers.push(HeaderEntry {
                key_len: h.key.len() as u32,
                value_len: h.value.map_or(-1, |v| v.len() as i32),
            });
        }
        self.records.push(RecordEntry {
            offset,
            timestamp: r.timestamp,
            data_start,
            key_len: r.key.map_or(-1, |k| k.len() as i32),
            value_len: r.value.map_or(-1, |v| v.len() as i32),
            headers_start,
            headers_len: r.headers.len() as u32,
            size_in_bytes: size,
            batch,
        });
    }

    /// Builds a segment from records kept by a filter (the log cleaner's
    /// recopy): offsets, timestamps and batch attributes are preserved, and the
    /// segment still covers `[base_offset, next_offset)` even if records are gone.
    /// Sizes are recomputed per kept record plus one batch header per kept batch.
    pub fn rebuilt_from<'a>(
        base_offset: i64,
        next_offset: i64,
        created_ms: Millis,
        kept: impl IntoIterator<Item = RecordView<'a>>,
    ) -> Self {
        let mut seg = Segment::new(base_offset, created_ms);
        let mut last_batch: Option<BatchInfo> = None;
        let mut header_buf: Vec<(String, Option<Vec<u8>>)> = Vec::new();
        for r in kept {
            if last_batch != Some(r.batch) {
                seg.batches.push(r.batch);
                seg.size_in_bytes += u64::from(crate::record::RECORD_BATCH_OVERHEAD);
                seg.first_batch_timestamp.get_or_insert(r.timestamp);
                last_batch = Some(r.batch);
            }
            header_buf.clear();
            header_buf.extend(
                r.headers
                    .iter()
                    .map(|(k, v)| (k.to_owned(), v.map(<[u8]>::to_vec))),
            );
            let hs: Vec<HeaderInput<'_>> = header_buf
                .iter()
                .map(|(k, v)| HeaderInput {
                    key: k,
                    value: v.as_deref(),
                })
                .collect();
            let input = RecordInput {
                key: r.key,
                value: r.value,
                headers: &hs,
                timestamp: r.timestamp,
            };
            let batch_index = seg.batches.len() as u32 - 1;
            seg.push_record(r.offset, &input, r.size_in_bytes, batch_index);
            seg.size_in_bytes += u64::from(r.size_in_bytes);
            seg.max_timestamp = seg.max_timestamp.max(r.timestamp);
        }
        seg.next_offset = next_offset;
        seg
    }

    fn position_of(&self, offset: i64) -> usize {
        self.records.partition_point(|e| e.offset < offset)
    }
}

/// Headers of a stored record, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct HeadersView<'a> {
    arena: &'a [u8],
    entries: &'a [HeaderEntry],
}

impl<'a> HeadersView<'a> {
    /// Number of headers.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    /// Whether there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    /// Iterates `(key, value)` pairs; non-UTF-8 keys cannot be stored, so keys are `&str`.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, Option<&'a [u8]>)> + 'a {
        let arena = self.arena;
        let mut at = 0usize;
        self.entries.iter().map(move |h| {
            let k = &arena[at..at + h.key_len as usize];
            at += h.key_len as usize;
            let v = (h.value_len >= 0).then(|| {
                let v = &arena[at..at + h.value_len as usize];
                at += h.value_len as usize;
                v
            });
            (std::str::from_utf8(k).unwrap_or(""), v)
        })
    }
}

/// A stored record, borrowed from its segment.
#[derive(Debug, Clone, Copy)]
pub struct RecordView<'a> {
    /// The record's offset.
    pub offset: i64,
    /// CreateTime timestamp.
    pub timestamp: Millis,
    /// Key, `None` when null.
    pub key: Option<&'a [u8]>,
    /// Value, `None` when null (tombstone).
    pub value: Option<&'a [u8]>,
    /// Size of the record inside its batch (`DefaultRecord.sizeInBytes`).
    pub size_in_bytes: u32,
    /// The batch the record was appended in.
    pub batch: BatchInfo,
    /// Headers.
    pub headers: HeadersView<'a>,
}

impl RecordView<'_> {
    /// An owned copy.
    pub fn to_record(&self) -> Record {
        Record {
            offset: self.offset,
            timestamp: self.timestamp,
            key: self.key.map(<[u8]>::to_vec),
            value: self.value.map(<[u8]>::to_vec),
            headers: self
                .headers
                .iter()
                .map(|(k, v)| Header {
                    key: k.to_owned(),
                    value: v.map(<[u8]>::to_vec),
                })
                .collect(),
        }
    }
}

/// Where an append landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppendInfo {
    /// Offset of the first record.
    pub first_offset: i64,
    /// Offset of the last record.
    pub last_offset: i64,
    /// Whether a new segment was rolled for this append.
    pub rolled: bool,
}

/// Records returned by a fetch, plus the offsets a consumer needs next.
#[derive(Debug, Clone)]
pub struct FetchResult<'a> {
    /// The records, in offset order.
    pub records: Vec<RecordView<'a>>,
    /// Where the next fetch should start (one past the last record returned,
    /// or the requested offset if nothing was returned).
    pub next_fetch_offset: i64,
    /// High watermark at the time of the fetch.
    pub high_watermark: i64,
    /// Log start offset at the time of the fetch.
    pub log_start_offset: i64,
}

/// A partition's log. See the module docs for the rules it follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Log {
    config: LogConfig,
    segments: Vec<Segment>,
    log_start_offset: i64,
    log_end_offset: i64,
    high_watermark: i64,
}

impl Log {
    /// An empty log whose first offset is 0, with one empty active segment.
    pub fn new(config: LogConfig, now: Millis) -> Self {
        let log = Self {
            config,
            segments: vec![Segment::new(0, now)],
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
        };
        log.debug_check_invariants();
        log
    }

    /// The segment settings in force.
    pub fn config(&self) -> LogConfig {
        self.config
    }

    /// Changes the segment settings; they apply from the next append (as in Kafka).
    pub fn set_config(&mut self, config: LogConfig) {
        self.config = config;
    }

    /// First offset still in the log.
    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }
    /// Offset the next appended record will get.
    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }
    /// Offset below which records are committed to the ISR and visible to consumers.
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }
    /// All segments, oldest first; the last is the active segment.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    /// The active segment (the one that takes appends).
    pub fn active_segment(&self) -> &Segment {
        // Invariant: there is always at least one segment.
        &self.segments[self.segments.len() - 1]
    }
    /// Total size of all segments in bytes.
    pub fn size_in_bytes(&self) -> u64 {
        self.segments.iter().map(Segment::size_in_bytes).sum()
    }
    /// Number of records stored (fewer than LEO − log start after compaction).
    pub fn record_count(&self) -> usize {
        self.segments.iter().map(Segment::record_count).sum()
    }

    /// Appends a single record as a batch of one. Returns its offset.
    pub fn append(&mut self, record: RecordInput<'_>, now: Millis) -> Result<i64, AppendError> {
        self.append_batch(&[record], BatchAttributes::default(), now)
            .map(|a| a.first_offset)
    }

    /// Appends a batch of records; offsets are assigned densely from the LEO.
    ///
    /// Rolls first if `LogSegment.shouldRoll` says so. The high watermark is not
    /// moved: callers model replication and call [`Log::advance_high_watermark`].
    pub fn append_batch(
        &mut self,
        records: &[RecordInput<'_>],
        attributes: BatchAttributes,
        now: Millis,
    ) -> Result<AppendInfo, AppendError> {
        if records.is_empty() {
            return Err(AppendError::EmptyBatch);
        }
        let size = batch_size_in_bytes(records);
        if i64::from(size) > i64::from(self.config.max_message_bytes) {
            return Err(AppendError::RecordTooLarge {
                size,
                max_message_bytes: self.config.max_message_bytes,
            });
        }
        if i64::from(size) > i64::from(self.config.segment_bytes) {
            return Err(AppendError::RecordBatchTooLarge {
                size,
                segment_bytes: self.config.segment_bytes,
            });
        }
        let max_ts = records.iter().map(|r| r.timestamp).max().unwrap_or(now);
        let rolled = self.should_roll(size, max_ts, now);
        if rolled {
            self.roll(now);
        }
        let first_offset = self.log_end_offset;
        let last = self.segments.len() - 1;
        self.segments[last].push_batch(first_offset, records, attributes);
        self.log_end_offset = first_offset + records.len() as i64;
        self.debug_check_invariants();
        Ok(AppendInfo {
            first_offset,
            last_offset: self.log_end_offset - 1,
            rolled,
        })
    }

    /// `LogSegment.shouldRoll`: the batch would overflow `segment.bytes`, or the
    /// incoming batch is more than `segment.ms` newer than the active segment's
    /// first batch (or, without one, than the segment's creation time).
    fn should_roll(&self, batch_size: u32, incoming_max_ts: Millis, now: Millis) -> bool {
        let active = self.active_segment();
        if active.size_in_bytes == 0 {
            return false;
        }
        let too_big = active.size_in_bytes
            > (i64::from(self.config.segment_bytes) - i64::from(batch_size)).max(0) as u64;
        let waited = match active.first_batch_timestamp {
            Some(first) => incoming_max_ts.saturating_sub(first),
            None => now.saturating_sub(active.created_ms),
        };
        too_big || waited > self.config.segment_ms
    }

    /// Closes the active segment and opens a new, empty one at the LEO.
    /// Rolling an empty active segment does nothing.
    pub fn roll(&mut self, now: Millis) {
        if self.active_segment().is_empty()
            && self.active_segment().next_offset == self.log_end_offset
        {
            return;
        }
        self.segments.push(Segment::new(self.log_end_offset, now));
        self.debug_check_invariants();
    }

    /// Moves the high watermark to `offset`, which must lie in `[log_start, LEO]`.
    pub fn advance_high_watermark(&mut self, offset: i64) -> Result<(), HighWatermarkError> {
        if offset < self.log_start_offset || offset > self.log_end_offset {
            return Err(HighWatermarkError::OutOfRange {
                requested: offset,
                log_start: self.log_start_offset,
                log_end: self.log_end_offset,
            });
        }
        self.high_watermark = offset;
        self.debug_check_invariants();
        Ok(())
    }

    /// Reads records from `offset` up to the high watermark, at most
    /// `max_records` records and `max_bytes` bytes — but always at least one
    /// record if one is available (KIP-74), so a large record cannot block a consumer.
    ///
    /// Errors with `OffsetOutOfRange` when `offset < log_start_offset` or
    /// `offset > log_end_offset` (`LocalLog.read`). An offset in `(HW, LEO]`
    /// returns no records and no error.
    ///
    /// Simplification: Kafka returns whole batches; kplay returns records.
    pub fn fetch(
        &self,
        offset: i64,
        max_records: usize,
        max_bytes: u64,
    ) -> Result<FetchResult<'_>, FetchError> {
        self.read_up_to(offset, self.high_watermark, max_records, max_bytes)
    }

    /// Like [`Log::fetch`] but with an explicit upper bound (exclusive), e.g. the
    /// last stable offset for `read_committed`, or the LEO for a follower.
    pub fn read_up_to(
        &self,
        offset: i64,
        upper_bound: i64,
        max_records: usize,
        max_bytes: u64,
    ) -> Result<FetchResult<'_>, FetchError> {
        if offset < self.log_start_offset || offset > self.log_end_offset {
            return Err(FetchError::OffsetOutOfRange {
                requested: offset,
                log_start: self.log_start_offset,
                log_end: self.log_end_offset,
            });
        }
        let upper = upper_bound.min(self.log_end_offset);
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let first_seg = self
            .segments
            .partition_point(|s| s.next_offset <= offset)
            .min(self.segments.len() - 1);
        'outer: for seg in &self.segments[first_seg..] {
            let start = seg.position_of(offset);
            for e in &seg.records[start..] {
                if e.offset >= upper || out.len() >= max_records {
                    break 'outer;
                }
                let size = u64::from(e.size_in_bytes);
                if !out.is_empty() && bytes + size > max_bytes {
                    break 'outer;
                }
                bytes += size;
                out.push(seg.view(e));
            }
        }
        let next_fetch_offset = out.last().map_or(offset, |r| r.offset + 1);
        Ok(FetchResult {
            records: out,
            next_fetch_offset,
            high_watermark: self.high_watermark,
            log_start_offset: self.log_start_offset,
        })
    }

    /// Iterates every stored record (including those above the HW), oldest first.
    pub fn iter(&self) -> impl Iterator<Item = RecordView<'_>> + '_ {
        self.segments.iter().flat_map(Segment::records)
    }

    /// Deletes the `count` oldest segments (retention deletes whole segments
    /// from the head). If that would delete every segment, a new empty active
    /// segment is rolled at the LEO first, as `UnifiedLog.deleteSegments` does.
    /// The log start offset becomes the base of the first remaining segment.
    /// Returns the deleted segments.
    pub fn delete_oldest_segments(&mut self, count: usize, now: Millis) -> Vec<Segment> {
        let count = count.min(self.segments.len());
        if count == 0 {
            return Vec::new();
        }
        if count == self.segments.len() {
            self.segments.push(Segment::new(self.log_end_offset, now));
        }
        let deleted: Vec<Segment> = self.segments.drain(..count).collect();
        let new_start = self.segments[0].base_offset.max(self.log_start_offset);
        self.log_start_offset = new_start;
        self.high_watermark = self.high_watermark.max(new_start);
        self.debug_check_invariants();
        deleted
    }

    /// Moves the log start offset forward to `offset` (`DeleteRecords`), deleting
    /// segments that lie wholly below it. `offset` must be in `[log_start, HW]`.
    pub fn delete_records_before(&mut self, offset: i64, now: Millis) -> Result<(), FetchError> {
        if offset < self.log_start_offset || offset > self.high_watermark {
            return Err(FetchError::OffsetOutOfRange {
                requested: offset,
                log_start: self.log_start_offset,
                log_end: self.log_end_offset,
            });
        }
        self.log_start_offset = offset;
        let breached = self
            .segments
            .iter()
            .take(self.segments.len() - 1)
            .take_while(|s| s.next_offset <= offset)
            .count();
        if breached > 0 {
            self.segments.drain(..breached);
        }
        let _ = now;
        self.debug_check_invariants();
        Ok(())
    }

    /// Replaces segments `[from, to)` with `replacement` (the cleaner's swap).
    /// The replacement must cover exactly the same offset range, keep offsets
    /// strictly increasing, and must not touch the active segment.
    ///
    /// Returns `false` (and changes nothing) if those conditions do not hold.
    pub fn replace_segments(&mut self, from: usize, to: usize, replacement: Vec<Segment>) -> bool {
        let n = self.segments.len();
        if from >= to || to >= n || replacement.is_empty() {
            return false;
        }
        let covers_same = replacement[0].base_offset == self.segments[from].base_offset
            && replacement[replacement.len() - 1].next_offset == self.segments[to - 1].next_offset
            && replacement
                .windows(2)
                .all(|w| w[0].next_offset == w[1].base_offset);
        let increasing = replacement.iter().all(|s| {
            s.records.windows(2).all(|w| w[0].offset < w[1].offset)
                && s.records
                    .iter()
                    .all(|e| e.offset >= s.base_offset && e.offset < s.next_offset)
        });
        if !covers_same || !increasing {
            return false;
        }
        self.segments.splice(from..to, replacement);
        self.debug_check_invariants();
        true
    }

    /// Checks the log's invariants (debug builds only; a no-op in release).
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            assert!(
                !self.segments.is_empty(),
                "a log always has an active segment"
            );
            assert!(self.log_start_offset <= self.high_watermark);
            assert!(self.high_watermark <= self.log_end_offset);
            assert_eq!(self.active_segment().next_offset, self.log_end_offset);
            assert!(self.segments[0].base_offset <= self.log_start_offset);
            for w in self.segments.windows(2) {
                assert_eq!(
                    w[0].next_offset, w[1].base_offset,
                    "segments are contiguous"
                );
            }
            let mut prev = i64::MIN;
            for s in &self.segments {
                for e in &s.records {
                    assert!(e.offset > prev, "offsets strictly increase");
                    assert!(e.offset >= s.base_offset && e.offset < s.next_offset);
                    prev = e.offset;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(v: &[u8], ts: Millis) -> RecordInput<'_> {
        RecordInput::new(None, Some(v), ts)
    }

    #[test]
    fn append_assigns_dense_offsets_and_fetch_reads_them_back() {
        let mut log = Log::new(LogConfig::default(), 0);
        for i in 0..10u8 {
            assert_eq!(log.append(rec(&[i], 0), 0), Ok(i64::from(i)));
        }
        assert_eq!(log.log_end_offset(), 10);
        // Nothing is visible before the high watermark moves.
        assert!(log.fetch(0, 100, u64::MAX).unwrap().records.is_empty());
        log.advance_high_watermark(10).unwrap();
        let f = log.fetch(3, 4, u64::MAX).unwrap();
        let values: Vec<u8> = f.records.iter().map(|r| r.value.unwrap()[0]).collect();
        assert_eq!(values, vec![3, 4, 5, 6]);
        assert_eq!(f.next_fetch_offset, 7);
    }

    #[test]
    fn segment_bytes_rolls_exactly_like_kafka() {
        // KAFKA.md §5: with segment.bytes = 5 × batch size, 15 single-record
        // appends give exactly 3 segments.
        let one = crate::record::batch_size_in_bytes(&[rec(b"0123456789", 0)]) as i32;
        let mut log = Log::new(
            LogConfig {
                segment_bytes: 5 * one,
                ..LogConfig::default()
            },
            0,
        );
        for _ in 0..15 {
            log.append(rec(b"0123456789", 0), 0).unwrap();
        }
        let bases: Vec<i64> = log.segments().iter().map(Segment::base_offset).collect();
        assert_eq!(bases, vec![0, 5, 10]);
    }

    #[test]
    fn segment_ms_rolls_on_the_next_append_only() {
        let mut log = Log::new(
            LogConfig {
                segment_ms: 1_000,
                ..LogConfig::default()
            },
            0,
        );
        log.append(rec(b"a", 0), 0).unwrap();
        log.append(rec(b"b", 1_000), 1_000).unwrap(); // exactly segment.ms: no roll
        assert_eq!(log.segments().len(), 1);
        let info = log.append_batch(&[rec(b"c", 1_001)], BatchAttributes::default(), 1_001);
        assert!(info.unwrap().rolled);
        assert_eq!(log.segments().len(), 2);
        assert_eq!(log.active_segment().base_offset(), 2);
    }

    #[test]
    fn fetch_outside_the_log_is_offset_out_of_range() {
        let mut log = Log::new(
            LogConfig {
                segment_bytes: 100,
                ..LogConfig::default()
            },
            0,
        );
        for _ in 0..6 {
            log.append(rec(b"0123456789", 0), 0).unwrap();
        }
        log.advance_high_watermark(6).unwrap();
        let deleted = log.delete_oldest_segments(1, 0);
        assert_eq!(deleted.len(), 1);
        let start = log.log_start_offset();
        assert!(start > 0);
        assert_eq!(
            log.fetch(0, 10, u64::MAX).unwrap_err(),
            FetchError::OffsetOutOfRange {
                requested: 0,
                log_start: start,
                log_end: 6
            }
        );
        assert!(log.fetch(7, 10, u64::MAX).is_err());
        // Exactly the LEO is fine and empty.
        assert!(log.fetch(6, 10, u64::MAX).unwrap().records.is_empty());
    }

    #[test]
    fn fetch_returns_at_least_one_record_even_over_max_bytes() {
        let mut log = Log::new(LogConfig::default(), 0);
        log.append(rec(&[0u8; 500], 0), 0).unwrap();
        log.append(rec(&[1u8; 500], 0), 0).unwrap();
        log.advance_high_watermark(2).unwrap();
        let f = log.fetch(0, 10, 10).unwrap();
        assert_eq!(f.records.len(), 1);
    }

    #[test]
    fn oversized_batches_are_rejected_with_kafkas_errors() {
        let mut log = Log::new(
            LogConfig {
                segment_bytes: 100,
                max_message_bytes: 1_000,
                segment_ms: 10,
            },
            0,
        );
        assert!(matches!(
            log.append(rec(&[0u8; 200], 0), 0),
            Err(AppendError::RecordBatchTooLarge {
                segment_bytes: 100,
                ..
            })
        ));
        log.set_config(LogConfig {
            segment_bytes: 10_000,
            max_message_bytes: 100,
            segment_ms: 10,
        });
        assert!(matches!(
            log.append(rec(&[0u8; 200], 0), 0),
            Err(AppendError::RecordTooLarge {
                max_message_bytes: 100,
                ..
            })
        ));
        assert_eq!(log.log_end_offset(), 0);
    }

    #[test]
    fn deleting_every_segment_rolls_an_empty_active_one() {
        let mut log = Log::new(LogConfig::default(), 0);
        log.append(rec(b"x", 0), 0).unwrap();
        log.advance_high_watermark(1).unwrap();
        log.delete_oldest_segments(1, 5);
        assert_eq!(log.segments().len(), 1);
        assert_eq!(log.log_start_offset(), 1);
        assert_eq!(log.log_end_offset(), 1);
        assert!(log.active_segment().is_empty());
    }

    #[test]
    fn headers_round_trip() {
        let mut log = Log::new(LogConfig::default(), 0);
        let hs = [
            HeaderInput {
                key: "trace",
                value: Some(b"abc"),
            },
            HeaderInput {
                key: "empty",
                value: None,
            },
        ];
        let r = RecordInput {
            key: Some(b"k"),
            value: None,
            headers: &hs,
            timestamp: 42,
        };
        log.append(r, 0).unwrap();
        log.advance_high_watermark(1).unwrap();
        let got = log.fetch(0, 1, u64::MAX).unwrap().records[0].to_record();
        assert_eq!(got.key.as_deref(), Some(&b"k"[..]));
        assert_eq!(got.value, None);
        assert_eq!(got.timestamp, 42);
        assert_eq!(got.headers.len(), 2);
        assert_eq!(got.headers[0].key, "trace");
        assert_eq!(got.headers[0].value.as_deref(), Some(&b"abc"[..]));
        assert_eq!(got.headers[1].value, None);
    }
}
