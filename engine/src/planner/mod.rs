//! # Capacity planner
//!
//! Size a Kafka topic and its cluster before provisioning it — partitions,
//! disk, network, brokers — and show where every number comes from. The
//! planner is pure: [`plan`] takes a [`PlanInput`] and returns a [`Plan`] (or
//! every [`PlanInputError`] found), with no I/O, no clock and no panics.
//!
//! * [`inputs`] — the raw input (all fields optional, unknown JSON fields
//!   rejected), its validation, the defaults and their sources.
//! * [`model`] — the formulas as pure functions.
//! * [`report`] — [`plan`]: runs the formulas and records, for each output,
//!   its formula, the numbers substituted, and the inputs used
//!   ([`report::Derivation`]); plus [`report::Warning`]s and notes.
//! * [`export`] — the `kafka-topics.sh --create … --config …` command,
//!   producer and consumer properties, and the plan as JSON.
//!
//! ## Units
//!
//! Decimal, as Kafka's documentation uses: 1 MB = 10^6 bytes, 1 GB = 10^9,
//! 1 TB = 10^12; 1 Gbit/s = 125 MB/s. Reports also give TiB (2^40 bytes)
//! where disks are sold in one unit and shown by `df` in the other.
//! Ingress is *uncompressed* application bytes; `compression_ratio` is
//! uncompressed ÷ compressed.
//!
//! ## The formulas
//!
//! Let `A` be the average ingress (MB/s), `k` the peak-to-average factor,
//! `g = (1 + annual_growth) ^ (horizon_months / 12)` the growth over the
//! horizon, `D = A × g` and `P = A × k × g` the average and peak the plan is
//! sized for, `r` the compression ratio, `RF` the replication factor, `G` the
//! number of consumer groups and `B` the broker count.
//!
//! | output | formula |
//! |---|---|
//! | partitions | `max(P / p, P / c, peak_consumers × 2)` rounded up, then up to a multiple of `B` |
//! | disk (all brokers) | `D × 10^6 × retention_s × RF ÷ r × (1 + headroom)` |
//! | disk per broker | `disk ÷ B` |
//! | `retention.bytes` view | `D × 10^6 × retention_s ÷ r ÷ partitions` (per partition, per replica) |
//! | network in per broker | `P ÷ r × RF ÷ B` |
//! | network out per broker | `P ÷ r × (G + RF − 1) ÷ B` |
//! | brokers | `max(RF, for NIC, for disk, for partitions per broker)`, the binding one named |
//!
//! * **Partitions.** `max(t/p, t/c)` is Jun Rao's rule from "How to choose
//!   the number of topics/partitions in a Kafka cluster?" (Confluent blog):
//!   measure what one partition sustains for producing (`p`) and consuming
//!   (`c`); "in general, one can produce at 10s of MB/sec on just a single
//!   partition", while consumer throughput "is often application dependent".
//!   The defaults are 10 MB/s for both, and the report lists every default it
//!   used. `peak_consumers × 2` leaves room to double the largest group (a
//!   group uses at most one consumer per partition). Rounding up to a multiple
//!   of `B` gives every broker the same number of leaders and replicas.
//!   For a fixed broker count, more ingress never gives fewer partitions. When
//!   the broker count is computed, it can: 10 partitions needed on 4 brokers
//!   round to 12, but if a little more ingress needs a 5th broker they round
//!   to 10. Both meet the need; `partitions_unrounded` is monotone.
//! * **Partition guidance.** KIP-578 quotes "the current generic
//!   recommendation to have no more than 4000 partitions per broker and no
//!   more than 200000 partitions per cluster" (Confluent, "Apache Kafka
//!   Supports 200K Partitions Per Cluster", 2018). These are ZooKeeper-era
//!   figures; KRaft raises the cluster ceiling, but each replica still costs
//!   files, index memory and fetcher work. The planner counts replicas (as the
//!   broker's `PartitionCount` metric does), for this topic only, and warns
//!   above the limits — both are inputs.
//! * **Failover.** The same Confluent post estimates unclean-failover
//!   unavailability as leaders on the failed broker × ~5 ms per election
//!   (ZooKeeper controller); the report states that figure as an upper bound.
//! * **Adding partitions later remaps keys.** The default partitioner maps a
//!   key to `murmur2(key) mod partitions` ([`crate::partitioner`]), so a
//!   change of count moves keys between partitions and breaks per-key order.
//!   The report measures the fraction moved on sample keys.
//! * **Disk** uses the average, not the peak: retention integrates the rate.
//!   With `retention.bytes` (a per-partition, per-replica cap) the effective
//!   retention is the shorter of the two. Kafka deletes whole segments, so a
//!   replica can hold up to one extra segment; the report gives that slack
//!   and `headroom` should cover it.
//! * **Network** is in compressed bytes: producers compress batches, brokers
//!   store and serve them as sent. With `r = 1` the formulas are exactly
//!   `in = ingress × RF ÷ B` and `out = ingress × (G + RF − 1) ÷ B`: a leader
//!   receives each byte once from the producer, each follower once by
//!   fetching; the leader sends it once per group and once per follower.
//!   Network and partitions are sized for the peak `P`.
//! * **Brokers** when not given: the smallest count with at least `RF`
//!   brokers, NIC in/out at most `Gbit × 125 × target_utilisation` (default
//!   0.7), disk per broker within `broker_disk_gb`, and partition replicas per
//!   broker within guidance. When given, each shortfall is a warning.
//! * **Producer throughput** is an *estimate* with its model stated
//!   ([`model::producer_estimate`]): `max.in.flight × batch.size × r ÷ ack_wait`
//!   per partition, `ack_wait` = 0 / RTT / 2 × RTT for acks 0 / 1 / all.
//!
//! ## Safety checks
//!
//! * `replication_factor > brokers` is an error, with Kafka's message
//!   (`InvalidReplicationFactorException`).
//! * `min.insync.replicas ≥ RF` with acks=all: losing one broker stops writes
//!   (`NotEnoughReplicasException`). Since Kafka 3.7 the effective minimum is
//!   `min(min.insync.replicas, RF)` (KAFKA-15583). `min.insync.replicas = 1`
//!   with acks=all and RF > 1 is flagged too.
//! * Effective retention shorter than `consumer_outage_hours` loses data: the
//!   group's committed offset is deleted before it returns.
//! * Every input is validated: negative, zero, NaN, fractional counts and
//!   absurd values (ingress above 100 TB/s, RF above 32767, retention above 100
//!   years) are errors naming the field. Computed values that do not fit
//!   (more than 2^31 − 1 partitions, more than 2^64 bytes) are errors too.
//!
//! ## A seed's figure, checked
//!
//! One curriculum article says "a topic with 100 producers writing 10MB/s with
//! 7-day retention uses about 60TB of disk (with 3x replication)". The inputs
//! give far more: 100 × 10 MB/s = 1000 MB/s; × 604 800 s = 604.8 TB per copy;
//! × 3 = **1 814.4 TB ≈ 1.81 PB (1 650.2 TiB)** uncompressed. Even with the
//! "~4x" lz4 ratio the same article assumes, it is 453.6 TB (412.5 TiB). If
//! the 10 MB/s were the total for all producers, it would be 18.1 TB
//! (16.5 TiB). "About 60 TB" matches none of these readings.
//!
//! ```
//! use kplay_engine::planner::{plan, PlanInput};
//!
//! let input = PlanInput {
//!     ingress_mb_per_s: Some(100.0 * 10.0),
//!     retention_hours: Some(7.0 * 24.0),
//!     replication_factor: Some(3.0),
//!     ..PlanInput::default()
//! };
//! let p = plan(&input).map_err(|e| format!("{e:?}"))?;
//! assert_eq!(p.disk_bytes_total, 1_814_400_000_000_000); // 1814.4 TB, not 60 TB
//! assert_eq!(p.partitions % p.brokers, 0);
//! # Ok::<(), String>(())
//! ```

pub mod export;
pub mod inputs;
pub mod model;
pub mod report;

pub use export::{outcome_json, plan_json, Exports};
pub use inputs::{Acks, Codec, PlanInput, PlanInputError, PlanInputs};
pub use report::{plan, plan_from_json, plan_validated, Derivation, Plan, Warning, WarningCode};
