//! The planner's formulas, as pure functions of plain numbers.
//!
//! Each function is one formula from the [module docs](super); [`super::report`]
//! calls them and records the formula text and the inputs next to each result.
//! They work in `f64` and return `f64`; converting a result into a count or a
//! byte total goes through [`ceil_to_u64`], which refuses (instead of
//! saturating) values that are not finite, negative, or too large.
//!
//! Units: MB = 10^6 bytes, hours, seconds; 1 Gbit/s = 125 MB/s.

/// Bytes in a decimal megabyte.
pub const MB: f64 = 1.0e6;
/// Bytes in a decimal gigabyte.
pub const GB: f64 = 1.0e9;
/// Bytes in a decimal terabyte.
pub const TB: f64 = 1.0e12;
/// Bytes in a tebibyte (2^40).
pub const TIB: f64 = 1_099_511_627_776.0;
/// MB/s carried by 1 Gbit/s (10^9 bit/s ÷ 8 ÷ 10^6).
pub const MB_PER_S_PER_GBIT: f64 = 125.0;
/// Leader election time per partition used for the failover note: "Suppose
/// that it takes 5 ms to elect a new leader for a single partition" — Jun Rao,
/// "How to choose the number of topics/partitions in a Kafka cluster?"
/// (Confluent blog, ZooKeeper controller). KRaft controllers are faster, so
/// the figure is an upper-bound illustration.
pub const LEADER_ELECTION_MS_PER_PARTITION: f64 = 5.0;

/// `ceil(v)` as a `u64`, or `None` if `v` is NaN, infinite, negative, or ≥ 2^64.
pub fn ceil_to_u64(v: f64) -> Option<u64> {
    // 2^64 is exactly representable; every f64 below it converts exactly after ceil.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    let c = v.ceil();
    if (0.0..LIMIT).contains(&c) {
        Some(c as u64)
    } else {
        None
    }
}

/// Growth multiplier over the horizon, compounded yearly:
/// `(1 + annual_growth) ^ (horizon_months / 12)`.
pub fn growth_multiplier(annual_growth: f64, horizon_months: f64) -> f64 {
    (1.0 + annual_growth).powf(horizon_months / 12.0)
}

/// Partitions needed for throughput and consumer parallelism, before rounding:
/// `max(t / p, t / c, peak_consumers × 2)`, with `t` the peak ingress
/// (MB/s) at the horizon, `p`/`c` the measured produce/consume MB/s of one
/// partition. The first two terms are Jun Rao's rule ("you need to have at
/// least max(t/p, t/c) partitions"); the third leaves room to double the
/// largest consumer group, since a group can use at most one consumer per
/// partition. Returns the real-valued maximum; the caller rounds up.
pub fn partitions_raw(t: f64, p: f64, c: f64, peak_consumers: u32) -> f64 {
    let by_consumers = f64::from(peak_consumers) * 2.0;
    (t / p).max(t / c).max(by_consumers).max(1.0)
}

/// Round `n` up to a multiple of `m` (`m` ≥ 1), or `None` on overflow.
pub fn round_up_to_multiple(n: u64, m: u64) -> Option<u64> {
    if m == 0 {
        return None;
    }
    let r = n % m;
    if r == 0 {
        Some(n)
    } else {
        n.checked_add(m - r)
    }
}

/// Retained bytes on all brokers for time retention:
/// `ingress_mb_per_s × 10^6 × retention_hours × 3600 × RF ÷ compression × (1 + headroom)`.
/// Uses the *average* ingress (retention integrates the rate over time).
pub fn disk_bytes_for_time(
    ingress_mb_per_s: f64,
    retention_hours: f64,
    replication_factor: u32,
    compression_ratio: f64,
    headroom: f64,
) -> f64 {
    ingress_mb_per_s * MB * retention_hours * 3600.0 * f64::from(replication_factor)
        / compression_ratio
        * (1.0 + headroom)
}

/// Retained bytes on all brokers for size retention: `retention.bytes` is a
/// per-partition (per-replica) cap, so
/// `retention_bytes × partitions × RF × (1 + headroom)`.
pub fn disk_bytes_for_size(
    retention_bytes_per_partition: u64,
    partitions: u64,
    replication_factor: u32,
    headroom: f64,
) -> f64 {
    retention_bytes_per_partition as f64
        * partitions as f64
        * f64::from(replication_factor)
        * (1.0 + headroom)
}

/// How long `retention.bytes` per partition lasts at a given average ingress:
/// `retention_bytes × partitions × compression ÷ (ingress × 10^6)` seconds,
/// returned in hours.
pub fn hours_covered_by_bytes(
    retention_bytes_per_partition: u64,
    partitions: u64,
    compression_ratio: f64,
    ingress_mb_per_s: f64,
) -> f64 {
    retention_bytes_per_partition as f64 * partitions as f64 * compression_ratio
        / (ingress_mb_per_s * MB)
        / 3600.0
}

/// Network into each broker, MB/s: `wire_ingress × RF ÷ brokers`. The leader
/// receives each byte from the producer once and each follower receives it
/// once by fetching; spread over the brokers.
pub fn network_in_per_broker(
    wire_ingress_mb_per_s: f64,
    replication_factor: u32,
    brokers: u32,
) -> f64 {
    wire_ingress_mb_per_s * f64::from(replication_factor) / f64::from(brokers)
}

/// Network out of each broker, MB/s:
/// `wire_ingress × (consumer_groups + RF − 1) ÷ brokers` — every group reads
/// every byte from the leader, and the leader serves `RF − 1` follower fetches.
pub fn network_out_per_broker(
    wire_ingress_mb_per_s: f64,
    consumer_groups: u32,
    replication_factor: u32,
    brokers: u32,
) -> f64 {
    wire_ingress_mb_per_s * (f64::from(consumer_groups) + f64::from(replication_factor) - 1.0)
        / f64::from(brokers)
}

/// Usable MB/s of one broker NIC: `gbit × 125 × target_utilisation`.
pub fn nic_usable_mb_per_s(nic_gbit_per_s: f64, target_utilisation: f64) -> f64 {
    nic_gbit_per_s * MB_PER_S_PER_GBIT * target_utilisation
}

/// The producer throughput estimate (see [`producer_estimate`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ProducerEstimate {
    /// Always `"estimate"`: this is a model, not a measurement.
    pub label: &'static str,
    /// The model, in words.
    pub model: &'static str,
    /// Uncompressed bytes one batch can hold: `batch.size × compression_ratio`
    /// (the Java client fills `batch.size` with *compressed* bytes), at least
    /// one record.
    pub batch_capacity_bytes: f64,
    /// Expected uncompressed bytes per batch at the planned peak per-partition
    /// rate: `clamp(rate × linger.ms, record, capacity)`.
    pub expected_batch_bytes: f64,
    /// Time one request waits for its acknowledgement, ms: `0` for acks=0,
    /// `RTT` for acks=1, `2 × RTT` for acks=all (the followers' fetch round trip).
    pub ack_wait_ms: f64,
    /// Pipeline ceiling of one partition, MB/s:
    /// `max.in.flight × batch_capacity ÷ ack_wait` (`None` for acks=0: not
    /// bounded by acknowledgements).
    pub ceiling_mb_per_s_per_partition: Option<f64>,
    /// Planned peak rate of one partition, MB/s.
    pub planned_mb_per_s_per_partition: f64,
    /// Latency added by batching at the planned rate, ms: the time to fill the
    /// expected batch, at most `linger.ms`.
    pub batching_delay_ms: f64,
}

/// Producer throughput **estimate** for one partition.
///
/// Model (stated in [`ProducerEstimate::model`]): a partition's batches are
/// pipelined up to `max.in.flight.requests.per.connection`, each request
/// waiting `ack_wait` (0 / RTT / 2 × RTT for acks 0 / 1 / all); a batch holds
/// `batch.size` compressed bytes; at a per-partition rate `r` a batch closes
/// after `linger.ms` or when full. It ignores broker CPU, disk, bandwidth,
/// request overheads and the sharing of one connection by all partitions led
/// by the same broker, so it is an upper bound to compare against the
/// measured `producer_mb_per_s_per_partition`, not a prediction.
#[allow(clippy::too_many_arguments)]
pub fn producer_estimate(
    batch_size_bytes: u32,
    linger_ms: u32,
    record_bytes: f64,
    max_in_flight: u32,
    ack_multiplier_of_rtt: f64,
    rtt_ms: f64,
    compression_ratio: f64,
    planned_mb_per_s_per_partition: f64,
) -> ProducerEstimate {
    let linger_ms = f64::from(linger_ms);
    let capacity = (f64::from(batch_size_bytes) * compression_ratio).max(record_bytes);
    let rate_bytes_per_ms = planned_mb_per_s_per_partition * MB / 1000.0;
    let expected = (rate_bytes_per_ms * linger_ms)
        .max(record_bytes)
        .min(capacity);
    let ack_wait_ms = ack_multiplier_of_rtt * rtt_ms;
    let ceiling = if ack_wait_ms > 0.0 {
        Some(f64::from(max_in_flight) * capacity / (ack_wait_ms / 1000.0) / MB)
    } else {
        None
    };
    let batching_delay_ms = if rate_bytes_per_ms > 0.0 {
        (capacity / rate_bytes_per_ms).min(linger_ms)
    } else {
        linger_ms
    };
    ProducerEstimate {
        label: "estimate",
        model: "per partition: max.in.flight × (batch.size × compression_ratio) ÷ ack_wait, \
                ack_wait = 0 (acks=0), RTT (acks=1), 2 × RTT (acks=all); a batch closes when \
                full or after linger.ms. Ignores broker CPU/disk/bandwidth and connection \
                sharing between partitions: an upper bound, measure to confirm.",
        batch_capacity_bytes: capacity,
        expected_batch_bytes: expected,
        ack_wait_ms,
        ceiling_mb_per_s_per_partition: ceiling,
        planned_mb_per_s_per_partition,
        batching_delay_ms,
    }
}

/// Fraction of `sample` keys (`"key-0"`, `"key-1"`, …) that land on a
/// different partition when a topic grows from `from` to `to` partitions,
/// using the Java client's key partitioner
/// ([`crate::partitioner::java_partition_for_key`]). Going from N to 2N moves
/// about half of the keys.
pub fn fraction_of_keys_remapped(from: u32, to: u32, sample: u32) -> f64 {
    if from == 0 || to == 0 || sample == 0 {
        return 0.0;
    }
    let moved = (0..sample)
        .filter(|i| {
            let key = format!("key-{i}");
            crate::partitioner::java_partition_for_key(key.as_bytes(), from)
                != crate::partitioner::java_partition_for_key(key.as_bytes(), to)
        })
        .count();
    moved as f64 / f64::from(sample)
}
