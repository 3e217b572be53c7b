//! # kplay-engine
//!
//! An in-memory, deterministic model of Apache Kafka's semantics, written as a
//! *sans-io* core: plain data and pure functions, no threads, no sockets, and
//! **no clock reads**. Time is a simulated millisecond value passed into every
//! operation that needs it, and randomness comes from a seeded [`rng::SimRng`],
//! so the same inputs replay identically natively and in WebAssembly.
//!
//! ## Overview
//!
//! * [`cluster::Cluster`] holds brokers and [`topic::Topic`]s and validates
//!   topic creation like Kafka's controller.
//! * A topic has [`topic::Partition`]s; each partition has a [`log::Log`] of
//!   segments, with a log start offset, a high watermark and a log end offset.
//! * [`config::TopicConfig`] uses Kafka's config names and defaults.
//! * [`partitioner`] maps keys to partitions exactly as Kafka's clients do
//!   (Java murmur2, librdkafka's CRC32/murmur2/FNV-1a partitioners, and each
//!   client's sticky handling of records without a key).
//! * [`workload`] generates seeded key streams (uniform, Zipf, hot key, time
//!   buckets), [`skew`] measures per-partition load and raises the hot-partition
//!   alarm, and [`mitigation`] compares the usual hot-key fixes and their
//!   ordering cost.
//! * [`cleaner`] compacts `cleanup.policy=compact` logs like Kafka's log
//!   cleaner; [`retention`] deletes old segments by time, size and log start
//!   offset; [`table`] reads a compacted topic as a table (latest value per key).
//! * [`group`] holds Kafka's assignors (`range`, `roundrobin`, `sticky`,
//!   `cooperative-sticky`, KIP-848 `uniform` and server-side `range`) and a
//!   group-protocol state machine (generations, heartbeats, session and poll
//!   timeouts, static membership, eager vs cooperative rebalances).
//! * [`offsets`] keeps positions and committed offsets apart, simulates
//!   delivery with crash injection and an exact once/duplicate/lost ledger,
//!   computes lag, resets offsets and prints `kafka-consumer-groups` tables.
//! * [`planner`] sizes a cluster (partitions, disk, network, brokers) and
//!   shows each number's formula.
//! * [`scenario`] is the topic playground's state as a share-link query.
//! * [`schema`] parses Avro schemas, checks reader/writer compatibility
//!   exactly as Avro's Java `SchemaCompatibility` does (types, messages,
//!   JSON-pointer locations), applies Confluent Schema Registry's levels
//!   (`BACKWARD` … `FULL_TRANSITIVE`) with its `details` strings, keeps an
//!   in-memory registry (subjects, versions, global ids, soft delete, the 409
//!   body), and encodes/decodes Avro binary with writer/reader schema
//!   resolution in Confluent's wire format.
//! * [`cli_input`] parses the CLI's JSON and argument inputs (the same code
//!   the fuzz targets run); [`input`] quotes untrusted input briefly in
//!   error messages and reads whole numbers with range-aware messages.
//! * [`snapshot`] is a real cluster as data: the versioned JSON `kplay
//!   snapshot` writes (brokers, topics with replicas/ISR, offsets, rates and
//!   sampled key hashes, groups with committed offsets), validated against
//!   hostile input, with derived views (under-replicated/offline partitions,
//!   lag as `kafka-consumer-groups` prints it, hot partitions, retention at
//!   risk, time to drain, a planner input) and importers for pasted
//!   `kafka-topics`/`kafka-consumer-groups --describe` text and
//!   `kafka-log-dirs --describe` JSON.
//! * [`replication`] places replicas (classic `AdminUtils` and KRaft's
//!   `StripedReplicaPlacer`, with Kafka's published vectors) and runs
//!   replicated partitions on the simulated clock: leader and leader epoch,
//!   ISR, every replica's log end offset, followers fetching, HW = min LEO
//!   over the ISR, ISR shrink after `replica.lag.time.max.ms` and expand when
//!   caught up, KIP-101 truncation, clean/unclean/preferred elections, and
//!   the faults (kill, restart, controlled shutdown, stalled or slow
//!   follower, network partition, lost produce responses).
//! * [`producer`] is the client side: `acks`, `min.insync.replicas`
//!   (`NOT_ENOUGH_REPLICAS`, `NOT_ENOUGH_REPLICAS_AFTER_APPEND`), retries and
//!   timeouts, the idempotent producer (sequences, the broker's 5-batch
//!   window) and transactions (fencing, markers, LSO, aborted index).
//! * [`durability`] plays a scenario of faults and sends and keeps the
//!   ledger: every sent record acknowledged (once, lost or duplicated) or
//!   failed with a Kafka error, `sent = Σ fates`.
//!
//! ## Example
//!
//! ```
//! use kplay_engine::cluster::{Cluster, NewTopic};
//! use kplay_engine::record::RecordInput;
//! use kplay_engine::partitioner::java_partition_for_key;
//!
//! let mut cluster = Cluster::new(3, 42);
//! cluster.create_topic(NewTopic {
//!     name: "orders".into(),
//!     partitions: 6,
//!     replication_factor: 3,
//!     configs: vec![("min.insync.replicas".into(), "2".into())],
//! })?;
//! let now = cluster.now();
//! let topic = cluster.topic_mut("orders").unwrap();
//! let p = java_partition_for_key(b"user-42", topic.partition_count());
//! let offset = topic.produce(p as i32, RecordInput::new(Some(b"user-42"), Some(b"{}"), now), now)?;
//! assert_eq!((p, offset), (4, 0)); // KAFKA.md §1.2: user-42 → partition 4 of 6
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Errors
//!
//! Every fallible operation returns its own `thiserror` enum whose variants are
//! named after Kafka's error codes (`OffsetOutOfRange { requested, log_start, .. }`,
//! `InvalidPartitions`, …) and whose messages read like Kafka's. Nothing in the
//! engine panics on bad input: a panic in the browser would kill the page.
//!
//! ## What is simplified
//!
//! * Fetches return records, not whole batches.
//! * The single-log [`topic::Topic`] has no replicas: its high watermark
//!   follows the log end offset on every produce. Replication, with a
//!   high watermark that waits for the ISR, lives in [`replication`], whose
//!   partitions hold one [`log::Log`] per replica; see `docs/durability.md`
//!   for what that model simplifies (instant produce requests, an always
//!   available controller and transaction coordinator, one topic).
//! * `segment.bytes` accepts Kafka's pre-4.0 minimum (14 bytes), so a segment
//!   can hold a handful of records for teaching.

pub mod cleaner;
pub mod cli_input;
pub mod clock;
pub mod cluster;
pub mod config;
pub mod durability;
pub mod group;
pub mod input;
pub mod log;
pub mod mitigation;
pub mod offsets;
pub mod partitioner;
pub mod planner;
pub mod producer;
pub mod record;
pub mod replication;
pub mod retention;
pub mod rng;
pub mod scenario;
pub mod schema;
pub mod skew;
pub mod snapshot;
pub mod sort;
pub mod table;
pub mod topic;
pub mod workload;
