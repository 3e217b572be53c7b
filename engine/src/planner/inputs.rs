//! Planner inputs: the raw form ([`PlanInput`], what a user types or a JSON
//! file holds) and the validated form ([`PlanInputs`], what the formulas use).
//!
//! Units are part of every field name. Sizes are **decimal**, as Kafka's own
//! documentation and most vendors quote them: 1 MB = 10^6 bytes,
//! 1 GB = 10^9 bytes, 1 Gbit/s = 10^9 bit/s = 125 MB/s.
//!
//! Validation never clamps and never panics: every bad value (negative,
//! zero where zero is meaningless, NaN, infinite, fractional counts, absurd
//! magnitudes such as ingress above 100 TB/s, a replication factor above
//! Kafka's 32767, retention above 100 years) becomes a [`PlanInputError`]
//! naming the field, and *all* problems are reported at once.
//!
//! Numeric fields are read as JSON numbers (`f64`) and checked here rather
//! than by the deserializer, so that `"replication_factor": -1` or `2.5`
//! produces a message naming the field instead of a type error.

use serde::{Deserialize, Serialize};

/// 100 TB/s in MB/s: anything above is rejected as absurd.
pub const MAX_INGRESS_MB_PER_S: f64 = 1.0e8;
/// 100 years (of 365.25 days) in hours.
pub const MAX_RETENTION_HOURS: f64 = 876_600.0;
/// Kafka stores the replication factor as a 16-bit signed integer
/// (`CreateTopicsRequest.replicationFactor` is `int16`).
pub const MAX_REPLICATION_FACTOR: f64 = 32_767.0;
/// The smallest value a quantity that must be positive may take (rates,
/// sizes, round-trip times): 10^-6 of its unit, e.g. 1 byte/s of ingress.
pub const MIN_POSITIVE: f64 = 1.0e-6;
/// The largest whole number every larger one can be told apart from in a
/// 64-bit float (2^53 − 1, JavaScript's `Number.MAX_SAFE_INTEGER`).
pub const MAX_EXACT_WHOLE_NUMBER: f64 = 9_007_199_254_740_991.0;
/// Kafka's partition count is a Java `int`.
pub const MAX_PARTITIONS: u64 = i32::MAX as u64;
/// Per-broker partition-replica guidance: "no more than 4000 partitions per
/// broker and no more than 200000 partitions per cluster" (KIP-578, citing the
/// Confluent post "Apache Kafka Supports 200K Partitions Per Cluster", 2018).
/// These are ZooKeeper-era figures; KRaft (KIP-500) raises the controller-side
/// ceiling, but per-broker costs (open files, index memory, replica fetchers)
/// remain, so the planner keeps them as warnings, not limits.
pub const DEFAULT_PARTITIONS_PER_BROKER_LIMIT: u32 = 4_000;
/// Per-cluster guidance, see [`DEFAULT_PARTITIONS_PER_BROKER_LIMIT`].
pub const DEFAULT_PARTITIONS_PER_CLUSTER_LIMIT: u32 = 200_000;
/// Default per-partition produce and consume throughput, MB/s. Jun Rao,
/// "How to choose the number of topics/partitions in a Kafka cluster?"
/// (Confluent blog): "in general, one can produce at 10s of MB/sec on just a
/// single partition"; consumer throughput "is often application dependent …
/// you really need to measure it". 10 MB/s is the conservative end.
pub const DEFAULT_MB_PER_S_PER_PARTITION: f64 = 10.0;
/// Default NIC target utilisation (fraction of line rate the plan may use).
pub const DEFAULT_NIC_TARGET_UTILISATION: f64 = 0.7;
/// Kafka's `batch.size` default (`ProducerConfig`), bytes.
pub const DEFAULT_BATCH_SIZE: f64 = 16_384.0;
/// Kafka's `linger.ms` default since 4.0 (KIP-1030; it was 0 before).
pub const DEFAULT_LINGER_MS: f64 = 5.0;
/// Kafka's `max.in.flight.requests.per.connection` default.
pub const DEFAULT_MAX_IN_FLIGHT: f64 = 5.0;
/// Default producer–broker round-trip time, ms (same data centre).
pub const DEFAULT_RTT_MS: f64 = 1.0;

/// The raw plan input, as typed or read from JSON. Every field is optional
/// here; [`PlanInputs::validate`] decides what is required, applies the
/// documented defaults and rejects bad values. Unknown JSON fields are
/// rejected (a typo such as `retention_hour` must not silently fall back to a
/// default).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PlanInput {
    /// Average ingress, MB/s (uncompressed application bytes). Either this or
    /// `records_per_s` × `avg_record_bytes`.
    pub ingress_mb_per_s: Option<f64>,
    /// Average records per second (alternative to `ingress_mb_per_s`).
    pub records_per_s: Option<f64>,
    /// Average record size, bytes (uncompressed). Required with
    /// `records_per_s`; also feeds the producer throughput estimate.
    pub avg_record_bytes: Option<f64>,
    /// Peak ÷ average ingress (≥ 1, default 1).
    pub peak_to_average: Option<f64>,
    /// Time retention (`retention.ms`), hours.
    pub retention_hours: Option<f64>,
    /// Size retention (`retention.bytes`), bytes **per partition** (per replica).
    pub retention_bytes_per_partition: Option<f64>,
    /// Replication factor (1..=32767). Required.
    pub replication_factor: Option<f64>,
    /// `min.insync.replicas` (default 1, Kafka's broker default).
    pub min_insync_replicas: Option<f64>,
    /// Producer `compression.type`: `none`, `gzip`, `snappy`, `lz4`, `zstd`.
    pub compression_codec: Option<String>,
    /// Uncompressed ÷ compressed size (≥ 1, default 1).
    pub compression_ratio: Option<f64>,
    /// Number of consumer groups reading the topic (fan-out, default 1).
    pub consumer_groups: Option<f64>,
    /// Measured produce throughput of one partition, MB/s (default 10).
    pub producer_mb_per_s_per_partition: Option<f64>,
    /// Measured consume throughput of one partition, MB/s (default 10).
    pub consumer_mb_per_s_per_partition: Option<f64>,
    /// Largest number of consumers planned in one group (default 1).
    pub peak_consumers: Option<f64>,
    /// Broker count; computed from the constraints when absent.
    pub brokers: Option<f64>,
    /// Extra disk as a fraction of the retained bytes (default 0).
    pub headroom: Option<f64>,
    /// Usable disk per broker, GB (10^9 bytes).
    pub broker_disk_gb: Option<f64>,
    /// NIC line rate per broker, Gbit/s (1 Gbit/s = 125 MB/s).
    pub broker_nic_gbit_per_s: Option<f64>,
    /// Fraction of the NIC the plan may use (default 0.7).
    pub nic_target_utilisation: Option<f64>,
    /// Partition-replica guidance per broker (default 4000).
    pub partitions_per_broker_limit: Option<f64>,
    /// Partition-replica guidance per cluster (default 200000).
    pub partitions_per_cluster_limit: Option<f64>,
    /// Ingress growth per year, fraction (0.5 = +50 %/year, default 0).
    pub annual_growth: Option<f64>,
    /// Horizon the plan must cover, months (default 0).
    pub horizon_months: Option<f64>,
    /// Longest time a consumer group may be down, hours.
    pub consumer_outage_hours: Option<f64>,
    /// Producer `batch.size`, bytes (default 16384).
    pub batch_size_bytes: Option<f64>,
    /// Producer `linger.ms` (default 5, Kafka 4.0).
    pub linger_ms: Option<f64>,
    /// Producer `max.in.flight.requests.per.connection` (default 5).
    pub max_in_flight: Option<f64>,
    /// Producer `acks`: `all`, `-1`, `1` or `0` (default `all`).
    pub acks: Option<String>,
    /// Producer ↔ broker round-trip time, ms (default 1).
    pub rtt_ms: Option<f64>,
    /// Price of one broker per month (any currency).
    pub broker_price_per_month: Option<f64>,
    /// Price of one GB (10^9 bytes) of disk per month.
    pub storage_price_per_gb_month: Option<f64>,
    /// Topic name for the exports (default `events`).
    pub topic: Option<String>,
    /// `bootstrap.servers` for the exports (default `localhost:9092`).
    pub bootstrap_servers: Option<String>,
    /// Consumer `group.id` for the exports (default `<topic>-consumer`).
    pub group_id: Option<String>,
}

/// Producer compression codec (`compression.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Codec {
    /// `none`.
    None,
    /// `gzip`.
    Gzip,
    /// `snappy`.
    Snappy,
    /// `lz4`.
    Lz4,
    /// `zstd`.
    Zstd,
}

impl Codec {
    /// The name Kafka's configs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Codec::None => "none",
            Codec::Gzip => "gzip",
            Codec::Snappy => "snappy",
            Codec::Lz4 => "lz4",
            Codec::Zstd => "zstd",
        }
    }
}

/// Producer `acks`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Acks {
    /// `acks=0`: no acknowledgement.
    #[serde(rename = "0")]
    None,
    /// `acks=1`: the leader's append.
    #[serde(rename = "1")]
    Leader,
    /// `acks=all` (`-1`): the whole ISR, at least `min.insync.replicas`.
    #[serde(rename = "all")]
    All,
}

impl Acks {
    /// The value as written in `producer.properties`.
    pub fn as_str(self) -> &'static str {
        match self {
            Acks::None => "0",
            Acks::Leader => "1",
            Acks::All => "all",
        }
    }
}

/// Why an input was rejected. Messages read like Kafka's `ConfigException`
/// (`Invalid value -5 for configuration …: …`) and always name the field.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanInputError {
    /// The input is not valid JSON, has a wrong type, or has an unknown field.
    #[error("Invalid plan input: {}", crate::input::clip_message(message))]
    InvalidJson {
        /// The parser's message (names the unknown field or the position).
        message: String,
    },
    /// A value is out of range, not a number, or not a whole number.
    #[error(
        "Invalid value {} for field {field}: {reason}",
        crate::input::clip(value)
    )]
    InvalidValue {
        /// The input field, e.g. `ingress_mb_per_s`.
        field: &'static str,
        /// The value as given.
        value: String,
        /// Why.
        reason: String,
    },
    /// A required field is absent.
    #[error("Missing required field {field}: {reason}")]
    MissingField {
        /// The input field.
        field: &'static str,
        /// What it is for.
        reason: &'static str,
    },
    /// Two fields contradict each other.
    #[error("Conflicting fields {first} and {second}: {reason}")]
    ConflictingFields {
        /// One field.
        first: &'static str,
        /// The other.
        second: &'static str,
        /// Why they conflict.
        reason: String,
    },
    /// `InvalidReplicationFactorException`: more replicas than brokers. The
    /// message is Kafka's (`AdminUtils.assignReplicasToBrokers`).
    #[error("Replication factor: {replication_factor} larger than available brokers: {brokers}.")]
    InvalidReplicationFactor {
        /// The replication factor.
        replication_factor: u32,
        /// The broker count.
        brokers: u32,
    },
    /// A computed quantity does not fit its type (e.g. more than 2^31 − 1
    /// partitions, or more than 2^64 bytes). Never saturated silently.
    #[error("The plan's {quantity} would be {value}, which is beyond what {limit}")]
    ResultOutOfRange {
        /// Which output.
        quantity: &'static str,
        /// The computed value.
        value: f64,
        /// What it exceeds.
        limit: &'static str,
    },
}

/// Validated plan inputs, with every default applied. Built only by
/// [`PlanInputs::validate`] (the struct is `#[non_exhaustive]`, so code
/// outside the engine cannot construct one with invalid values); fields are
/// public for reading.
///
/// Invariants: every `f64` is finite; rates, sizes and times are > 0 unless
/// documented as "≥ 0"; `replication_factor` in 1..=32767;
/// `compression_ratio` ≥ 1; `peak_to_average` ≥ 1; `brokers`, when set,
/// ≥ `replication_factor`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PlanInputs {
    /// Average ingress today, MB/s.
    pub ingress_mb_per_s: f64,
    /// Average record size, bytes, when known.
    pub avg_record_bytes: Option<f64>,
    /// Peak ÷ average (≥ 1).
    pub peak_to_average: f64,
    /// `retention.ms` in hours, if time retention is set.
    pub retention_hours: Option<f64>,
    /// `retention.bytes` per partition, if size retention is set.
    pub retention_bytes_per_partition: Option<u64>,
    /// Replication factor.
    pub replication_factor: u32,
    /// `min.insync.replicas`.
    pub min_insync_replicas: u32,
    /// Producer codec, if given.
    pub compression_codec: Option<Codec>,
    /// Compression ratio (≥ 1).
    pub compression_ratio: f64,
    /// Consumer groups (≥ 0).
    pub consumer_groups: u32,
    /// Produce MB/s per partition.
    pub producer_mb_per_s_per_partition: f64,
    /// Consume MB/s per partition.
    pub consumer_mb_per_s_per_partition: f64,
    /// Peak consumers in one group (≥ 0).
    pub peak_consumers: u32,
    /// Broker count, if fixed by the user.
    pub brokers: Option<u32>,
    /// Disk headroom fraction (≥ 0).
    pub headroom: f64,
    /// Disk per broker, GB.
    pub broker_disk_gb: Option<f64>,
    /// NIC per broker, Gbit/s.
    pub broker_nic_gbit_per_s: Option<f64>,
    /// NIC target utilisation, (0, 1].
    pub nic_target_utilisation: f64,
    /// Partition-replica guidance per broker.
    pub partitions_per_broker_limit: u32,
    /// Partition-replica guidance per cluster.
    pub partitions_per_cluster_limit: u32,
    /// Growth per year (≥ 0).
    pub annual_growth: f64,
    /// Horizon, months (≥ 0).
    pub horizon_months: f64,
    /// Worst-case consumer outage, hours.
    pub consumer_outage_hours: Option<f64>,
    /// `batch.size`, bytes (≥ 0).
    pub batch_size_bytes: u32,
    /// `linger.ms` (≥ 0, whole milliseconds: Kafka's type is `long`).
    pub linger_ms: u32,
    /// `max.in.flight.requests.per.connection`.
    pub max_in_flight: u32,
    /// `acks`.
    pub acks: Acks,
    /// Round-trip time, ms.
    pub rtt_ms: f64,
    /// Price per broker-month.
    pub broker_price_per_month: Option<f64>,
    /// Price per GB-month.
    pub storage_price_per_gb_month: Option<f64>,
    /// Topic name.
    pub topic: String,
    /// `bootstrap.servers`.
    pub bootstrap_servers: String,
    /// Consumer `group.id`.
    pub group_id: String,
    /// Fields left out and filled with their documented default.
    pub defaults_used: Vec<&'static str>,
}

/// Collects errors while validating, so every problem is reported at once.
struct Checker {
    errors: Vec<PlanInputError>,
    defaults_used: Vec<&'static str>,
}

fn fmt_num(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else {
        format!("{v}")
    }
}

impl Checker {
    fn bad(&mut self, field: &'static str, value: f64, reason: impl Into<String>) {
        self.errors.push(PlanInputError::InvalidValue {
            field,
            value: fmt_num(value),
            reason: reason.into(),
        });
    }

    /// A finite real in `[min, max]` (`min_exclusive` makes the bound `>`).
    fn real(
        &mut self,
        field: &'static str,
        v: f64,
        min: f64,
        min_exclusive: bool,
        max: f64,
        what_max: &str,
    ) -> Option<f64> {
        if !v.is_finite() {
            self.bad(field, v, "Value must be a finite number");
            return None;
        }
        if min_exclusive && v <= min {
            self.bad(field, v, format!("Value must be greater than {min}"));
            return None;
        }
        // A positive quantity the formulas divide by: 1e-320 passed "> 0"
        // and made the producer ceiling and the effective retention infinite
        // (found by the plan_json fuzz target).
        if min_exclusive && min == 0.0 && v < MIN_POSITIVE {
            self.bad(
                field,
                v,
                "Value must be at least 0.000001 (smaller positive values make the plan's divisions overflow)",
            );
            return None;
        }
        if !min_exclusive && v < min {
            self.bad(field, v, format!("Value must be at least {min}"));
            return None;
        }
        if v > max {
            self.bad(
                field,
                v,
                format!("Value must be at most {max} ({what_max})"),
            );
            return None;
        }
        Some(v)
    }

    /// A whole number in `[min, max]`.
    fn count(&mut self, field: &'static str, v: f64, min: u32, max: u32) -> Option<u32> {
        if !v.is_finite() {
            self.bad(field, v, "Value must be a finite number");
            return None;
        }
        if v.fract() != 0.0 {
            self.bad(field, v, "Value must be a whole number");
            return None;
        }
        if v < f64::from(min) {
            self.bad(field, v, format!("Value must be at least {min}"));
            return None;
        }
        if v > f64::from(max) {
            self.bad(field, v, format!("Value must be at most {max}"));
            return None;
        }
        // In range and whole, so the conversion is exact.
        u32::try_from(v as u64).ok()
    }

    fn default<T>(&mut self, field: &'static str, given: Option<T>, default: T) -> T {
        match given {
            Some(v) => v,
            None => {
                self.defaults_used.push(field);
                default
            }
        }
    }

    fn name(&mut self, field: &'static str, v: &str, allowed: fn(char) -> bool, max_len: usize) {
        if v.is_empty() || v.len() > max_len || !v.chars().all(allowed) {
            self.errors.push(PlanInputError::InvalidValue {
                field,
                value: format!("{v:?}"),
                reason: format!(
                    "Value must be 1 to {max_len} characters from [a-zA-Z0-9._-]{}",
                    if field == "bootstrap_servers" {
                        " plus ':' ',' '[' ']'"
                    } else {
                        ""
                    }
                ),
            });
        }
    }
}

fn topic_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
}

fn bootstrap_char(c: char) -> bool {
    topic_char(c) || matches!(c, ':' | ',' | '[' | ']')
}

impl PlanInput {
    /// Parse a JSON document (unknown fields rejected). The document must be
    /// an object: serde would otherwise fill the struct from a JSON array by
    /// position (`[50, null, null, 2, 24]`), a shape nobody documents.
    pub fn from_json(text: &str) -> Result<Self, PlanInputError> {
        crate::cli_input::from_json_object(text)
            .map_err(|message| PlanInputError::InvalidJson { message })
    }
}

impl PlanInputs {
    /// Validate `raw`, apply defaults, and return every problem found.
    pub fn validate(raw: &PlanInput) -> Result<Self, Vec<PlanInputError>> {
        let mut c = Checker {
            errors: Vec::new(),
            defaults_used: Vec::new(),
        };

        // --- ingress -------------------------------------------------------
        let avg_record_bytes = raw.avg_record_bytes.and_then(|v| {
            c.real(
                "avg_record_bytes",
                v,
                0.0,
                true,
                f64::from(i32::MAX),
                "Kafka's largest record is 2^31 - 1 bytes",
            )
        });
        let ingress = match (raw.ingress_mb_per_s, raw.records_per_s) {
            (Some(_), Some(_)) => {
                c.errors.push(PlanInputError::ConflictingFields {
                    first: "ingress_mb_per_s",
                    second: "records_per_s",
                    reason:
                        "give ingress either as MB/s or as records/s × avg_record_bytes, not both"
                            .into(),
                });
                None
            }
            (Some(v), None) => c.real(
                "ingress_mb_per_s",
                v,
                0.0,
                true,
                MAX_INGRESS_MB_PER_S,
                "100 TB/s",
            ),
            (None, Some(r)) => {
                let r = c.real(
                    "records_per_s",
                    r,
                    0.0,
                    true,
                    1.0e12,
                    "a trillion records per second",
                );
                match (r, raw.avg_record_bytes) {
                    (Some(r), Some(_)) => avg_record_bytes.and_then(|b| {
                        let mb = r * b / 1.0e6;
                        c.real(
                            "records_per_s",
                            mb,
                            0.0,
                            true,
                            MAX_INGRESS_MB_PER_S,
                            "100 TB/s of records_per_s × avg_record_bytes",
                        )
                    }),
                    (_, None) => {
                        c.errors.push(PlanInputError::MissingField {
                            field: "avg_record_bytes",
                            reason: "records_per_s needs an average record size to give MB/s",
                        });
                        None
                    }
                    (None, Some(_)) => None,
                }
            }
            (None, None) => {
                c.errors.push(PlanInputError::MissingField {
                    field: "ingress_mb_per_s",
                    reason: "the average ingress in MB/s (or records_per_s with avg_record_bytes)",
                });
                None
            }
        };
        let peak_to_average = c.default("peak_to_average", raw.peak_to_average, 1.0);
        let peak_to_average = c.real(
            "peak_to_average",
            peak_to_average,
            1.0,
            false,
            1000.0,
            "a peak 1000 times the average",
        );

        // --- retention ----------------------------------------------------
        let retention_hours = raw.retention_hours.and_then(|v| {
            c.real(
                "retention_hours",
                v,
                0.0,
                true,
                MAX_RETENTION_HOURS,
                "100 years",
            )
        });
        if let Some(h) = retention_hours {
            if h * 3_600_000.0 < 1.0 {
                c.bad(
                    "retention_hours",
                    h,
                    "Value is below 1 ms (retention.ms is in whole milliseconds)",
                );
            }
        }
        let retention_bytes_per_partition = raw.retention_bytes_per_partition.and_then(|v| {
            // `retention.bytes` is a Java long, but inputs are 64-bit floats,
            // exact only up to 2^53: `i64::MAX as f64` is 2^63, one above
            // Long.MAX_VALUE, and the export printed 9223372036854775808
            // (issue 16 finding 8). Up to 2^53 − 1 every whole number is
            // exact, so the exported value is the one typed (9 PB per
            // partition is far beyond any disk).
            let v = c.real(
                "retention_bytes_per_partition",
                v,
                1.0,
                false,
                MAX_EXACT_WHOLE_NUMBER,
                "2^53 - 1: larger whole numbers are not exact in a 64-bit float; retention.bytes itself is a Java long",
            )?;
            if v.fract() != 0.0 {
                c.bad(
                    "retention_bytes_per_partition",
                    v,
                    "Value must be a whole number of bytes",
                );
                return None;
            }
            Some(v as u64)
        });
        if raw.retention_hours.is_none() && raw.retention_bytes_per_partition.is_none() {
            c.errors.push(PlanInputError::MissingField {
                field: "retention_hours",
                reason: "how long data is kept (or retention_bytes_per_partition)",
            });
        }

        // --- replication --------------------------------------------------
        let replication_factor = match raw.replication_factor {
            None => {
                c.errors.push(PlanInputError::MissingField {
                    field: "replication_factor",
                    reason: "the number of copies of each partition",
                });
                None
            }
            Some(v) => c.count("replication_factor", v, 1, MAX_REPLICATION_FACTOR as u32),
        };
        let min_isr = c.default("min_insync_replicas", raw.min_insync_replicas, 1.0);
        let min_insync_replicas = c.count("min_insync_replicas", min_isr, 1, i32::MAX as u32);

        // --- compression --------------------------------------------------
        let compression_codec = match raw.compression_codec.as_deref() {
            None => None,
            Some("none") => Some(Codec::None),
            Some("gzip") => Some(Codec::Gzip),
            Some("snappy") => Some(Codec::Snappy),
            Some("lz4") => Some(Codec::Lz4),
            Some("zstd") => Some(Codec::Zstd),
            Some(other) => {
                c.errors.push(PlanInputError::InvalidValue {
                    field: "compression_codec",
                    value: format!("{other:?}"),
                    reason: "String must be one of: none, gzip, snappy, lz4, zstd".into(),
                });
                None
            }
        };
        let ratio = c.default("compression_ratio", raw.compression_ratio, 1.0);
        let compression_ratio = c.real(
            "compression_ratio",
            ratio,
            1.0,
            false,
            1000.0,
            "a 1000:1 compression ratio",
        );
        if let (Some(Codec::None), Some(r)) = (compression_codec, compression_ratio) {
            if r > 1.0 {
                c.errors.push(PlanInputError::ConflictingFields {
                    first: "compression_codec",
                    second: "compression_ratio",
                    reason: format!("codec none cannot compress {r}:1"),
                });
            }
        }

        // --- consumers and partitions -------------------------------------
        let groups = c.default("consumer_groups", raw.consumer_groups, 1.0);
        let consumer_groups = c.count("consumer_groups", groups, 0, 1_000_000);
        let p = c.default(
            "producer_mb_per_s_per_partition",
            raw.producer_mb_per_s_per_partition,
            DEFAULT_MB_PER_S_PER_PARTITION,
        );
        let producer_mb_per_s_per_partition = c.real(
            "producer_mb_per_s_per_partition",
            p,
            0.0,
            true,
            100_000.0,
            "100 GB/s for one partition",
        );
        let cons = c.default(
            "consumer_mb_per_s_per_partition",
            raw.consumer_mb_per_s_per_partition,
            DEFAULT_MB_PER_S_PER_PARTITION,
        );
        let consumer_mb_per_s_per_partition = c.real(
            "consumer_mb_per_s_per_partition",
            cons,
            0.0,
            true,
            100_000.0,
            "100 GB/s for one partition",
        );
        let pc = c.default("peak_consumers", raw.peak_consumers, 1.0);
        let peak_consumers = c.count("peak_consumers", pc, 0, 1_000_000);
        let brokers = raw.brokers.and_then(|b| c.count("brokers", b, 1, 100_000));
        let h = c.default("headroom", raw.headroom, 0.0);
        let headroom = c.real(
            "headroom",
            h,
            0.0,
            false,
            10.0,
            "ten times the retained data",
        );
        let broker_disk_gb = raw
            .broker_disk_gb
            .and_then(|v| c.real("broker_disk_gb", v, 0.0, true, 1.0e7, "10 PB per broker"));
        let broker_nic_gbit_per_s = raw.broker_nic_gbit_per_s.and_then(|v| {
            c.real(
                "broker_nic_gbit_per_s",
                v,
                0.0,
                true,
                10_000.0,
                "10 Tbit/s per broker",
            )
        });
        let u = c.default(
            "nic_target_utilisation",
            raw.nic_target_utilisation,
            DEFAULT_NIC_TARGET_UTILISATION,
        );
        let nic_target_utilisation = c.real(
            "nic_target_utilisation",
            u,
            0.0,
            true,
            1.0,
            "the whole line rate",
        );
        let ppb = c.default(
            "partitions_per_broker_limit",
            raw.partitions_per_broker_limit,
            f64::from(DEFAULT_PARTITIONS_PER_BROKER_LIMIT),
        );
        let partitions_per_broker_limit =
            c.count("partitions_per_broker_limit", ppb, 1, i32::MAX as u32);
        let ppc = c.default(
            "partitions_per_cluster_limit",
            raw.partitions_per_cluster_limit,
            f64::from(DEFAULT_PARTITIONS_PER_CLUSTER_LIMIT),
        );
        let partitions_per_cluster_limit =
            c.count("partitions_per_cluster_limit", ppc, 1, i32::MAX as u32);

        // --- growth, outage -----------------------------------------------
        let g = c.default("annual_growth", raw.annual_growth, 0.0);
        let annual_growth = c.real("annual_growth", g, 0.0, false, 100.0, "+10000 % per year");
        let hm = c.default("horizon_months", raw.horizon_months, 0.0);
        let horizon_months = c.real("horizon_months", hm, 0.0, false, 1200.0, "100 years");
        let consumer_outage_hours = raw.consumer_outage_hours.and_then(|v| {
            c.real(
                "consumer_outage_hours",
                v,
                0.0,
                true,
                MAX_RETENTION_HOURS,
                "100 years",
            )
        });

        // --- producer settings --------------------------------------------
        let bs = c.default("batch_size_bytes", raw.batch_size_bytes, DEFAULT_BATCH_SIZE);
        let batch_size_bytes = c.count("batch_size_bytes", bs, 0, i32::MAX as u32);
        let lm = c.default("linger_ms", raw.linger_ms, DEFAULT_LINGER_MS);
        let linger_ms = c.count("linger_ms", lm, 0, 3_600_000);
        let mif = c.default("max_in_flight", raw.max_in_flight, DEFAULT_MAX_IN_FLIGHT);
        let max_in_flight = c.count("max_in_flight", mif, 1, i32::MAX as u32);
        let acks = match raw.acks.as_deref() {
            None => {
                c.defaults_used.push("acks");
                Some(Acks::All)
            }
            Some("all" | "-1") => Some(Acks::All),
            Some("1") => Some(Acks::Leader),
            Some("0") => Some(Acks::None),
            Some(other) => {
                c.errors.push(PlanInputError::InvalidValue {
                    field: "acks",
                    value: format!("{other:?}"),
                    reason: "String must be one of: all, -1, 0, 1".into(),
                });
                None
            }
        };
        let rtt = c.default("rtt_ms", raw.rtt_ms, DEFAULT_RTT_MS);
        let rtt_ms = c.real("rtt_ms", rtt, 0.0, true, 60_000.0, "one minute");

        // --- prices, names ------------------------------------------------
        let broker_price_per_month = raw.broker_price_per_month.and_then(|v| {
            c.real(
                "broker_price_per_month",
                v,
                0.0,
                false,
                1.0e9,
                "a billion per broker-month",
            )
        });
        let storage_price_per_gb_month = raw.storage_price_per_gb_month.and_then(|v| {
            c.real(
                "storage_price_per_gb_month",
                v,
                0.0,
                false,
                1.0e6,
                "a million per GB-month",
            )
        });
        let topic = c.default("topic", raw.topic.clone(), "events".to_owned());
        // Kafka's `Topic.validate`: legal characters [a-zA-Z0-9._-], at most 249, not "." or "..".
        c.name("topic", &topic, topic_char, 249);
        if topic == "." || topic == ".." {
            c.errors.push(PlanInputError::InvalidValue {
                field: "topic",
                value: format!("{topic:?}"),
                reason: "Topic name cannot be \".\" or \"..\"".into(),
            });
        }
        let bootstrap_servers = c.default(
            "bootstrap_servers",
            raw.bootstrap_servers.clone(),
            "localhost:9092".to_owned(),
        );
        c.name(
            "bootstrap_servers",
            &bootstrap_servers,
            bootstrap_char,
            4096,
        );
        let group_id = c.default(
            "group_id",
            raw.group_id.clone(),
            format!("{topic}-consumer"),
        );
        // The default is derived from the topic, already checked above.
        if raw.group_id.is_some() {
            c.name("group_id", &group_id, topic_char, 249);
        }

        // --- cross-field --------------------------------------------------
        if let (Some(rf), Some(b)) = (replication_factor, brokers) {
            if rf > b {
                c.errors.push(PlanInputError::InvalidReplicationFactor {
                    replication_factor: rf,
                    brokers: b,
                });
            }
        }

        let ok = (
            ingress,
            peak_to_average,
            replication_factor,
            min_insync_replicas,
            compression_ratio,
            consumer_groups,
            producer_mb_per_s_per_partition,
            consumer_mb_per_s_per_partition,
            peak_consumers,
            headroom,
            nic_target_utilisation,
            partitions_per_broker_limit,
            partitions_per_cluster_limit,
            annual_growth,
            horizon_months,
            batch_size_bytes,
            linger_ms,
            max_in_flight,
            acks,
            rtt_ms,
        );
        if !c.errors.is_empty() {
            return Err(c.errors);
        }
        match ok {
            (
                Some(ingress_mb_per_s),
                Some(peak_to_average),
                Some(replication_factor),
                Some(min_insync_replicas),
                Some(compression_ratio),
                Some(consumer_groups),
                Some(producer_mb_per_s_per_partition),
                Some(consumer_mb_per_s_per_partition),
                Some(peak_consumers),
                Some(headroom),
                Some(nic_target_utilisation),
                Some(partitions_per_broker_limit),
                Some(partitions_per_cluster_limit),
                Some(annual_growth),
                Some(horizon_months),
                Some(batch_size_bytes),
                Some(linger_ms),
                Some(max_in_flight),
                Some(acks),
                Some(rtt_ms),
            ) => Ok(PlanInputs {
                ingress_mb_per_s,
                avg_record_bytes,
                peak_to_average,
                retention_hours,
                retention_bytes_per_partition,
                replication_factor,
                min_insync_replicas,
                compression_codec,
                compression_ratio,
                consumer_groups,
                producer_mb_per_s_per_partition,
                consumer_mb_per_s_per_partition,
                peak_consumers,
                brokers,
                headroom,
                broker_disk_gb,
                broker_nic_gbit_per_s,
                nic_target_utilisation,
                partitions_per_broker_limit,
                partitions_per_cluster_limit,
                annual_growth,
                horizon_months,
                consumer_outage_hours,
                batch_size_bytes,
                linger_ms,
                max_in_flight,
                acks,
                rtt_ms,
                broker_price_per_month,
                storage_price_per_gb_month,
                topic,
                bootstrap_servers,
                group_id,
                defaults_used: c.defaults_used,
            }),
            // Every `None` above pushed an error, so this arm is unreachable in
            // practice; it still returns an error rather than panicking.
            _ => Err(vec![PlanInputError::InvalidJson {
                message: "internal: a field failed validation without an error".into(),
            }]),
        }
    }
}
