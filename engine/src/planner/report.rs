//! The plan: every output with its formula, the numbers it used, and the
//! warnings and notes that go with it.
//!
//! [`plan`] validates a [`PlanInput`], runs the formulas of
//! [`super::model`] in order (ingress → partitions → brokers → disk → network →
//! producer estimate → cost), and returns a [`Plan`]. Invalid input returns
//! every [`PlanInputError`] found; nothing panics, nothing is clamped.

use serde::Serialize;

use super::export::{self, Exports};
use super::inputs::{Acks, PlanInput, PlanInputError, PlanInputs, MAX_PARTITIONS};
use super::model::{self, ProducerEstimate, GB, MB};

/// The most brokers the planner will compute or accept.
pub const MAX_BROKERS: u32 = 100_000;

/// One named number that went into a formula.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// Input or intermediate name, e.g. `replication_factor`.
    pub name: &'static str,
    /// Its value.
    pub value: f64,
    /// Its unit (`MB/s`, `h`, `bytes`, `""` for a count or ratio).
    pub unit: &'static str,
}

/// How one output was computed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derivation {
    /// Output name (matches the JSON field where there is one).
    pub output: &'static str,
    /// The value.
    pub value: f64,
    /// Unit of the value.
    pub unit: &'static str,
    /// The formula in symbols.
    pub formula: &'static str,
    /// The formula with the numbers substituted.
    pub computation: String,
    /// The inputs and intermediates it used.
    pub inputs: Vec<Term>,
}

/// Which constraint decided the broker count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// At least `replication_factor` brokers (one replica per broker).
    ReplicationFactor,
    /// NIC bandwidth at the target utilisation.
    Network,
    /// Broker disk.
    Disk,
    /// Partition replicas per broker (guidance).
    PartitionsPerBroker,
}

impl Constraint {
    /// Human name.
    pub fn as_str(self) -> &'static str {
        match self {
            Constraint::ReplicationFactor => "replication factor",
            Constraint::Network => "network (NIC)",
            Constraint::Disk => "disk",
            Constraint::PartitionsPerBroker => "partitions per broker",
        }
    }
}

/// Broker counts each constraint needs, and which one binds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BrokerSizing {
    /// `replication_factor`.
    pub for_replication: u32,
    /// `ceil(max(total_in, total_out) ÷ usable_nic)`, when a NIC is given.
    pub for_network: Option<u32>,
    /// Smallest count whose per-broker disk fits, when a disk size is given.
    pub for_disk: Option<u32>,
    /// Smallest count whose partition replicas per broker stay within guidance.
    pub for_partitions: u32,
    /// The maximum of the above.
    pub needed: u32,
    /// The constraint that set `needed`.
    pub binding: Constraint,
    /// The count the user fixed, if any (the plan then uses it).
    pub given: Option<u32>,
}

/// What a warning is about (stable codes for the app; the text is in
/// [`Warning::message`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WarningCode {
    /// Partition replicas per broker above guidance.
    PartitionsPerBrokerAboveGuidance,
    /// Partition replicas in the cluster above guidance.
    PartitionsPerClusterAboveGuidance,
    /// `min.insync.replicas` ≥ RF: one broker down stops acks=all writes.
    MinIsrStopsWritesOnBrokerLoss,
    /// `min.insync.replicas` = 1 with acks=all and RF > 1.
    MinIsrOne,
    /// RF = 1: a broker loss loses data.
    NoReplication,
    /// Retention shorter than the worst-case consumer outage.
    RetentionShorterThanOutage,
    /// `retention.bytes` deletes data before `retention.ms` would.
    RetentionBytesCutsRetentionTime,
    /// The given brokers' disks cannot hold the plan.
    DiskExceedsBroker,
    /// The given brokers' NICs cannot carry the plan.
    NetworkExceedsNic,
    /// The given broker count is below the partition guidance.
    TooFewBrokersForPartitions,
    /// The producer settings cannot carry the planned per-partition rate.
    ProducerCeilingBelowPlannedRate,
    /// Idempotence cannot be enabled with these producer settings.
    IdempotenceUnavailable,
    /// A compression ratio without a codec.
    CompressionRatioWithoutCodec,
    /// The disk/partition search hit [`MAX_BROKERS`].
    NoBrokerCountFits,
}

/// A warning: the plan is computed but something about it is unsafe or does
/// not fit. Serialized as its message string.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// What it is about.
    pub code: WarningCode,
    /// The text shown to the user.
    pub message: String,
}

impl Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.message)
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The optional cost line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cost {
    /// `brokers × broker_price_per_month`.
    pub brokers_per_month: f64,
    /// `disk_bytes_total ÷ 10^9 × storage_price_per_gb_month`.
    pub storage_per_month: f64,
    /// The sum.
    pub total_per_month: f64,
}

/// A computed plan. Field names of the first group are the CLI's JSON contract.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Partitions of the topic (a multiple of `brokers`).
    pub partitions: u32,
    /// Brokers the plan uses (given, or the computed `broker_sizing.needed`).
    pub brokers: u32,
    /// Retained bytes on all brokers, replicas and headroom included.
    pub disk_bytes_total: u64,
    /// `disk_bytes_total ÷ brokers`, rounded up.
    pub disk_bytes_per_broker: u64,
    /// Network into each broker at peak, MB/s.
    pub broker_network_in_mb_per_s: f64,
    /// Network out of each broker at peak, MB/s.
    pub broker_network_out_mb_per_s: f64,
    /// What is unsafe or does not fit.
    pub warnings: Vec<Warning>,
    /// Always empty for a computed plan (errors return `Err`); present so the
    /// JSON has the same shape on success and failure.
    pub errors: Vec<String>,
    /// Context: failover, key remapping, segment slack, defaults used.
    pub notes: Vec<String>,

    /// `(1 + annual_growth) ^ (horizon_months / 12)`.
    pub growth_multiplier: f64,
    /// Average ingress at the horizon, MB/s (sizes disk).
    pub design_average_mb_per_s: f64,
    /// Peak ingress at the horizon, MB/s (sizes partitions and network).
    pub design_peak_mb_per_s: f64,
    /// `max(t/p, t/c, peak_consumers × 2)` before rounding up.
    pub partitions_unrounded: f64,
    /// Partition replicas on each broker: `partitions × RF ÷ brokers`.
    pub partition_replicas_per_broker: u64,
    /// Broker counts per constraint.
    pub broker_sizing: BrokerSizing,
    /// How long data is kept in effect, hours (the shorter of time and size retention).
    pub effective_retention_hours: f64,
    /// Bytes one partition replica holds at the end of the retention window
    /// (compressed, without headroom): the value to compare with, or use as,
    /// `retention.bytes`, which Kafka applies per partition.
    pub retention_bytes_per_partition: u64,
    /// Producer throughput estimate, when `avg_record_bytes` is known.
    pub producer_estimate: Option<ProducerEstimate>,
    /// Cost per month, when prices are given.
    pub cost: Option<Cost>,
    /// How each number was computed.
    pub derivations: Vec<Derivation>,
    /// Commands and properties to apply the plan.
    pub exports: Exports,
    /// The validated inputs, defaults applied.
    pub inputs: PlanInputs,
}

fn out_of_range(quantity: &'static str, value: f64, limit: &'static str) -> PlanInputError {
    PlanInputError::ResultOutOfRange {
        quantity,
        value,
        limit,
    }
}

fn t(name: &'static str, value: f64, unit: &'static str) -> Term {
    Term { name, value, unit }
}

/// Validate `input` and compute the plan.
pub fn plan(input: &PlanInput) -> Result<Plan, Vec<PlanInputError>> {
    let inputs = PlanInputs::validate(input)?;
    plan_validated(inputs).map_err(|e| vec![e])
}

/// Parse JSON (unknown fields rejected), validate and compute.
pub fn plan_from_json(text: &str) -> Result<Plan, Vec<PlanInputError>> {
    let raw = PlanInput::from_json(text).map_err(|e| vec![e])?;
    plan(&raw)
}

/// Per-broker figures for a candidate broker count.
struct AtBrokers {
    partitions: u64,
    disk_total: f64,
    replicas_per_broker: u64,
}

/// Compute the plan from validated inputs.
pub fn plan_validated(i: PlanInputs) -> Result<Plan, PlanInputError> {
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let mut derivations = Vec::new();
    let rf = i.replication_factor;

    // --- ingress at the horizon ------------------------------------------
    let growth = model::growth_multiplier(i.annual_growth, i.horizon_months);
    let design_avg = i.ingress_mb_per_s * growth;
    let design_peak = design_avg * i.peak_to_average;
    if !design_peak.is_finite() || design_peak > super::inputs::MAX_INGRESS_MB_PER_S {
        return Err(out_of_range(
            "peak ingress at the horizon (MB/s)",
            design_peak,
            "the planner accepts (100 TB/s)",
        ));
    }
    let wire_peak = design_peak / i.compression_ratio;
    derivations.push(Derivation {
        output: "design_peak_mb_per_s",
        value: design_peak,
        unit: "MB/s",
        formula: "ingress × peak_to_average × (1 + annual_growth) ^ (horizon_months / 12)",
        computation: format!(
            "{} × {} × (1 + {}) ^ ({} / 12) = {:.3}",
            i.ingress_mb_per_s, i.peak_to_average, i.annual_growth, i.horizon_months, design_peak
        ),
        inputs: vec![
            t("ingress_mb_per_s", i.ingress_mb_per_s, "MB/s"),
            t("peak_to_average", i.peak_to_average, ""),
            t("annual_growth", i.annual_growth, ""),
            t("horizon_months", i.horizon_months, "months"),
        ],
    });

    // --- partitions before rounding --------------------------------------
    let p = i.producer_mb_per_s_per_partition;
    let c = i.consumer_mb_per_s_per_partition;
    let raw = model::partitions_raw(design_peak, p, c, i.peak_consumers);
    let n0 = model::ceil_to_u64(raw)
        .filter(|n| *n <= MAX_PARTITIONS)
        .ok_or_else(|| out_of_range("partition count", raw, "Kafka allows (2^31 - 1)"))?;

    // --- brokers ---------------------------------------------------------
    let nic_usable = i
        .broker_nic_gbit_per_s
        .map(|g| model::nic_usable_mb_per_s(g, i.nic_target_utilisation));
    let total_in = wire_peak * f64::from(rf);
    let total_out = wire_peak * (f64::from(i.consumer_groups) + f64::from(rf) - 1.0);
    let for_network = match nic_usable {
        Some(u) => {
            let need = total_in.max(total_out) / u;
            let b = model::ceil_to_u64(need)
                .filter(|b| *b <= u64::from(MAX_BROKERS))
                .ok_or_else(|| {
                    out_of_range(
                        "broker count for the network",
                        need,
                        "the planner accepts (100000 brokers)",
                    )
                })?;
            Some(b.max(1) as u32)
        }
        None => None,
    };
    let disk_per_broker_bytes = i.broker_disk_gb.map(|g| g * GB);

    let at = |b: u32| -> Result<AtBrokers, PlanInputError> {
        let partitions = model::round_up_to_multiple(n0, u64::from(b))
            .filter(|n| *n <= MAX_PARTITIONS)
            .ok_or_else(|| out_of_range("partition count", n0 as f64, "Kafka allows (2^31 - 1)"))?;
        let disk_total = disk_total(&i, design_avg, partitions);
        let replicas_per_broker = partitions / u64::from(b) * u64::from(rf);
        Ok(AtBrokers {
            partitions,
            disk_total,
            replicas_per_broker,
        })
    };
    let fits_disk = |a: &AtBrokers, b: u32| match disk_per_broker_bytes {
        Some(d) => a.disk_total / f64::from(b) <= d,
        None => true,
    };
    let fits_parts =
        |a: &AtBrokers| a.replicas_per_broker <= u64::from(i.partitions_per_broker_limit);

    // Lower bounds that do not depend on the count itself.
    let for_partitions_lb =
        model::ceil_to_u64(n0 as f64 * f64::from(rf) / f64::from(i.partitions_per_broker_limit))
            .unwrap_or(u64::MAX)
            .min(u64::from(MAX_BROKERS)) as u32;
    let mut start = rf;
    let mut binding = Constraint::ReplicationFactor;
    if let Some(bn) = for_network {
        if bn > start {
            start = bn;
            binding = Constraint::Network;
        }
    }
    let disk_lb = match disk_per_broker_bytes {
        Some(d) => {
            let need = disk_total(&i, design_avg, n0) / d;
            Some(
                model::ceil_to_u64(need)
                    .unwrap_or(u64::MAX)
                    .min(u64::from(MAX_BROKERS)) as u32,
            )
        }
        None => None,
    };
    if let Some(bd) = disk_lb {
        if bd > start {
            start = bd;
            binding = Constraint::Disk;
        }
    }
    if for_partitions_lb > start {
        start = for_partitions_lb;
        binding = Constraint::PartitionsPerBroker;
    }
    // Rounding partitions up to a multiple of the count changes disk (size
    // retention) and replicas per broker, so search upwards from the bound.
    let mut needed = start.max(1);
    let mut exhausted = false;
    loop {
        let a = at(needed)?;
        let disk_ok = fits_disk(&a, needed);
        let parts_ok = fits_parts(&a);
        if disk_ok && parts_ok {
            break;
        }
        if needed >= MAX_BROKERS {
            exhausted = true;
            break;
        }
        binding = if disk_ok {
            Constraint::PartitionsPerBroker
        } else {
            Constraint::Disk
        };
        needed += 1;
    }
    // Per-constraint counts for display.
    let for_disk = disk_per_broker_bytes.map(|_| {
        let mut b = rf.max(1);
        while b < MAX_BROKERS {
            match at(b) {
                Ok(a) if fits_disk(&a, b) => break,
                Ok(_) => b += 1,
                Err(_) => break,
            }
        }
        b
    });
    let for_partitions = {
        let mut b = for_partitions_lb.max(1);
        while b < MAX_BROKERS {
            match at(b) {
                Ok(a) if fits_parts(&a) => break,
                Ok(_) => b += 1,
                Err(_) => break,
            }
        }
        b
    };
    if exhausted {
        warnings.push(Warning {
            code: WarningCode::NoBrokerCountFits,
            message: format!(
                "No broker count up to {MAX_BROKERS} fits the disk and partition limits; the plan uses {MAX_BROKERS}"
            ),
        });
    }
    let sizing = BrokerSizing {
        for_replication: rf,
        for_network,
        for_disk,
        for_partitions,
        needed,
        binding,
        given: i.brokers,
    };
    let brokers = i.brokers.unwrap_or(needed);
    derivations.push(Derivation {
        output: "brokers",
        value: f64::from(brokers),
        unit: "",
        formula: "given, or max(replication_factor, ceil(max(in_total, out_total) ÷ (nic_gbit × 125 × utilisation)), smallest count whose disk fits, smallest count with partitions × RF ÷ brokers ≤ limit)",
        computation: match i.brokers {
            Some(b) => format!("given: {b} (needed: {needed}, bound by {})", binding.as_str()),
            None => format!(
                "max({rf}, {}, {}, {for_partitions}) = {needed}: bound by {}",
                for_network.map_or("-".to_owned(), |b| b.to_string()),
                for_disk.map_or("-".to_owned(), |b| b.to_string()),
                binding.as_str()
            ),
        },
        inputs: vec![
            t("replication_factor", f64::from(rf), ""),
            t("network_in_total_mb_per_s", total_in, "MB/s"),
            t("network_out_total_mb_per_s", total_out, "MB/s"),
            t("nic_usable_mb_per_s", nic_usable.unwrap_or(f64::NAN), "MB/s"),
            t("broker_disk_gb", i.broker_disk_gb.unwrap_or(f64::NAN), "GB"),
            t("partitions_per_broker_limit", f64::from(i.partitions_per_broker_limit), ""),
        ],
    });

    // --- the plan at the chosen count -----------------------------------
    let a = at(brokers)?;
    let partitions = a.partitions as u32; // ≤ i32::MAX, checked in `at`
    derivations.push(Derivation {
        output: "partitions",
        value: f64::from(partitions),
        unit: "",
        formula: "round_up_to_multiple_of_brokers(ceil(max(t ÷ p, t ÷ c, peak_consumers × 2))), t = design peak MB/s",
        computation: format!(
            "max({design_peak:.3} ÷ {p}, {design_peak:.3} ÷ {c}, {} × 2) = {raw:.3} → {n0} → multiple of {brokers}: {partitions}",
            i.peak_consumers
        ),
        inputs: vec![
            t("design_peak_mb_per_s", design_peak, "MB/s"),
            t("producer_mb_per_s_per_partition", p, "MB/s"),
            t("consumer_mb_per_s_per_partition", c, "MB/s"),
            t("peak_consumers", f64::from(i.peak_consumers), ""),
            t("brokers", f64::from(brokers), ""),
        ],
    });

    let disk_total_f = a.disk_total;
    let disk_bytes_total = model::ceil_to_u64(disk_total_f).ok_or_else(|| {
        out_of_range(
            "disk_bytes_total",
            disk_total_f,
            "fits in 64 bits (18.4 EB)",
        )
    })?;
    let disk_bytes_per_broker = disk_bytes_total.div_ceil(u64::from(brokers));
    let (retained_per_partition, effective_hours) =
        retained_per_partition(&i, design_avg, a.partitions);
    let retention_bytes_per_partition =
        model::ceil_to_u64(retained_per_partition).ok_or_else(|| {
            out_of_range(
                "retention_bytes_per_partition",
                retained_per_partition,
                "fits in 64 bits",
            )
        })?;
    derivations.push(Derivation {
        output: "disk_bytes_total",
        value: disk_total_f,
        unit: "bytes",
        formula: match (i.retention_hours, i.retention_bytes_per_partition) {
            (Some(_), None) => "average_ingress × 10^6 × retention_hours × 3600 × RF ÷ compression_ratio × (1 + headroom)",
            (None, _) => "retention_bytes_per_partition × partitions × RF × (1 + headroom)",
            (Some(_), Some(_)) => "min(average_ingress × 10^6 × retention_hours × 3600 ÷ compression_ratio ÷ partitions, retention_bytes_per_partition) × partitions × RF × (1 + headroom)",
        },
        computation: format!(
            "{retained_per_partition:.0} bytes/partition × {} partitions × {rf} × (1 + {}) = {disk_total_f:.0} bytes ({:.3} TB, {:.3} TiB)",
            a.partitions,
            i.headroom,
            disk_total_f / model::TB,
            disk_total_f / model::TIB
        ),
        inputs: vec![
            t("design_average_mb_per_s", design_avg, "MB/s"),
            t("retention_hours", i.retention_hours.unwrap_or(f64::NAN), "h"),
            t(
                "retention_bytes_per_partition",
                i.retention_bytes_per_partition.map_or(f64::NAN, |b| b as f64),
                "bytes",
            ),
            t("replication_factor", f64::from(rf), ""),
            t("compression_ratio", i.compression_ratio, ""),
            t("headroom", i.headroom, ""),
            t("partitions", a.partitions as f64, ""),
        ],
    });
    derivations.push(Derivation {
        output: "disk_bytes_per_broker",
        value: disk_bytes_per_broker as f64,
        unit: "bytes",
        formula: "disk_bytes_total ÷ brokers (partitions are a multiple of brokers, so replicas spread evenly)",
        computation: format!("{disk_bytes_total} ÷ {brokers} = {disk_bytes_per_broker}"),
        inputs: vec![
            t("disk_bytes_total", disk_bytes_total as f64, "bytes"),
            t("brokers", f64::from(brokers), ""),
        ],
    });
    derivations.push(Derivation {
        output: "retention_bytes_per_partition",
        value: retained_per_partition,
        unit: "bytes",
        formula: "average_ingress × 10^6 × effective_retention_hours × 3600 ÷ compression_ratio ÷ partitions (retention.bytes applies per partition, per replica)",
        computation: format!(
            "{design_avg:.3} × 10^6 × {effective_hours:.3} × 3600 ÷ {} ÷ {} = {retained_per_partition:.0}",
            i.compression_ratio, a.partitions
        ),
        inputs: vec![
            t("design_average_mb_per_s", design_avg, "MB/s"),
            t("effective_retention_hours", effective_hours, "h"),
            t("compression_ratio", i.compression_ratio, ""),
            t("partitions", a.partitions as f64, ""),
        ],
    });

    // --- network ---------------------------------------------------------
    let net_in = model::network_in_per_broker(wire_peak, rf, brokers);
    let net_out = model::network_out_per_broker(wire_peak, i.consumer_groups, rf, brokers);
    derivations.push(Derivation {
        output: "broker_network_in_mb_per_s",
        value: net_in,
        unit: "MB/s",
        formula: "peak_ingress ÷ compression_ratio × RF ÷ brokers (producer → leader, plus leader → each follower)",
        computation: format!(
            "{design_peak:.3} ÷ {} × {rf} ÷ {brokers} = {net_in:.3}",
            i.compression_ratio
        ),
        inputs: vec![
            t("design_peak_mb_per_s", design_peak, "MB/s"),
            t("compression_ratio", i.compression_ratio, ""),
            t("replication_factor", f64::from(rf), ""),
            t("brokers", f64::from(brokers), ""),
        ],
    });
    derivations.push(Derivation {
        output: "broker_network_out_mb_per_s",
        value: net_out,
        unit: "MB/s",
        formula: "peak_ingress ÷ compression_ratio × (consumer_groups + RF − 1) ÷ brokers",
        computation: format!(
            "{design_peak:.3} ÷ {} × ({} + {rf} − 1) ÷ {brokers} = {net_out:.3}",
            i.compression_ratio, i.consumer_groups
        ),
        inputs: vec![
            t("design_peak_mb_per_s", design_peak, "MB/s"),
            t("compression_ratio", i.compression_ratio, ""),
            t("consumer_groups", f64::from(i.consumer_groups), ""),
            t("replication_factor", f64::from(rf), ""),
            t("brokers", f64::from(brokers), ""),
        ],
    });

    // --- checks against the given brokers -------------------------------
    if let (Some(d), Some(_)) = (disk_per_broker_bytes, i.brokers) {
        if disk_bytes_per_broker as f64 > d {
            warnings.push(Warning {
                code: WarningCode::DiskExceedsBroker,
                message: format!(
                    "Each broker needs {:.1} GB of disk but has {:.1} GB: {} brokers are needed for disk",
                    disk_bytes_per_broker as f64 / GB,
                    d / GB,
                    for_disk.unwrap_or(needed)
                ),
            });
        }
    }
    if let (Some(u), Some(_)) = (nic_usable, i.brokers) {
        if net_in > u || net_out > u {
            warnings.push(Warning {
                code: WarningCode::NetworkExceedsNic,
                message: format!(
                    "Each broker needs {net_in:.1} MB/s in and {net_out:.1} MB/s out at peak, above the {u:.1} MB/s the NIC allows at {:.0} % utilisation: {} brokers are needed for the network",
                    i.nic_target_utilisation * 100.0,
                    for_network.unwrap_or(needed)
                ),
            });
        }
    }
    let failover_s = (a.partitions as f64 / f64::from(brokers))
        * model::LEADER_ELECTION_MS_PER_PARTITION
        / 1000.0;
    let failover_text = format!(
        "if a broker fails uncleanly its ~{} leaders need new leaders; at the ~5 ms per partition of Confluent's ZooKeeper-era measurement that is up to {failover_s:.2} s of unavailability for the last of them (KRaft elects faster; treat this as an upper bound)",
        a.partitions / u64::from(brokers)
    );
    if a.replicas_per_broker > u64::from(i.partitions_per_broker_limit) {
        warnings.push(Warning {
            code: if i.brokers.is_some() {
                WarningCode::TooFewBrokersForPartitions
            } else {
                WarningCode::PartitionsPerBrokerAboveGuidance
            },
            message: format!(
                "{} partition replicas per broker exceed the guidance of {} (KIP-578; Confluent, \"Apache Kafka Supports 200K Partitions Per Cluster\"): more open files, index memory, replica fetchers and slower recovery; {failover_text}",
                a.replicas_per_broker, i.partitions_per_broker_limit
            ),
        });
    } else {
        notes.push(format!("Failover: {failover_text}."));
    }
    let cluster_replicas = a.partitions * u64::from(rf);
    if cluster_replicas > u64::from(i.partitions_per_cluster_limit) {
        warnings.push(Warning {
            code: WarningCode::PartitionsPerClusterAboveGuidance,
            message: format!(
                "{cluster_replicas} partition replicas in the cluster exceed the guidance of {} (KIP-578; a ZooKeeper-era figure, KRaft raises it)",
                i.partitions_per_cluster_limit
            ),
        });
    }

    // --- safety ----------------------------------------------------------
    if rf == 1 {
        warnings.push(Warning {
            code: WarningCode::NoReplication,
            message: "replication_factor 1: losing one broker's disk loses that broker's partitions, and they are unavailable while it is down".into(),
        });
    }
    if i.acks == Acks::All && rf > 1 && i.min_insync_replicas >= rf {
        let capped = if i.min_insync_replicas > rf {
            format!(
                " (min.insync.replicas {} > RF {rf}: since Kafka 3.7 the effective minimum is capped at RF (KAFKA-15583); before 3.7 acks=all writes fail even with every broker up)",
                i.min_insync_replicas
            )
        } else {
            String::new()
        };
        warnings.push(Warning {
            code: WarningCode::MinIsrStopsWritesOnBrokerLoss,
            message: format!(
                "min.insync.replicas {} ≥ replication_factor {rf}: with acks=all one broker down stops writes (NotEnoughReplicasException){capped}; use min.insync.replicas = RF − 1",
                i.min_insync_replicas
            ),
        });
    } else if i.acks == Acks::All && rf == 1 && i.min_insync_replicas > 1 {
        warnings.push(Warning {
            code: WarningCode::MinIsrStopsWritesOnBrokerLoss,
            message: format!(
                "min.insync.replicas {} > replication_factor 1: before Kafka 3.7 acks=all writes always fail; since 3.7 the minimum is capped at RF (KAFKA-15583)",
                i.min_insync_replicas
            ),
        });
    }
    if i.acks == Acks::All && rf > 1 && i.min_insync_replicas == 1 {
        warnings.push(Warning {
            code: WarningCode::MinIsrOne,
            message: format!(
                "min.insync.replicas 1 with acks=all: a write can be acknowledged while only the leader has it, and is lost if that leader's disk is lost; RF {rf} usually pairs with min.insync.replicas {}",
                rf - 1
            ),
        });
    }
    if let Some(outage) = i.consumer_outage_hours {
        if effective_hours < outage {
            warnings.push(Warning {
                code: WarningCode::RetentionShorterThanOutage,
                message: format!(
                    "Effective retention {effective_hours:.1} h is shorter than the worst-case consumer outage {outage} h: a group down that long finds its committed offset deleted (OffsetOutOfRange, then auto.offset.reset) and loses data"
                ),
            });
        }
    }
    if let (Some(h), Some(b)) = (i.retention_hours, i.retention_bytes_per_partition) {
        if effective_hours < h {
            warnings.push(Warning {
                code: WarningCode::RetentionBytesCutsRetentionTime,
                message: format!(
                    "retention.bytes {b} per partition holds only {effective_hours:.1} h at the planned rate, less than retention_hours {h}: size retention deletes data first"
                ),
            });
        }
    }
    if i.compression_codec.is_none() && i.compression_ratio > 1.0 {
        warnings.push(Warning {
            code: WarningCode::CompressionRatioWithoutCodec,
            message: format!(
                "compression_ratio {} without compression_codec: the ratio is assumed, but the exported producer properties set no compression.type",
                i.compression_ratio
            ),
        });
    }
    let idempotence = i.acks == Acks::All && i.max_in_flight <= 5;
    if !idempotence {
        warnings.push(Warning {
            code: WarningCode::IdempotenceUnavailable,
            message: format!(
                "enable.idempotence needs acks=all and max.in.flight.requests.per.connection ≤ 5 (got acks={}, {}): retries can duplicate{} records",
                i.acks.as_str(),
                i.max_in_flight,
                if i.max_in_flight > 1 { " and reorder" } else { "" }
            ),
        });
    }

    // --- producer estimate ----------------------------------------------
    let per_partition_peak = design_peak / a.partitions as f64;
    let producer_estimate = i.avg_record_bytes.map(|rec| {
        let mult = match i.acks {
            Acks::None => 0.0,
            Acks::Leader => 1.0,
            Acks::All => 2.0,
        };
        model::producer_estimate(
            i.batch_size_bytes,
            i.linger_ms,
            rec,
            i.max_in_flight,
            mult,
            i.rtt_ms,
            i.compression_ratio,
            per_partition_peak,
        )
    });
    match &producer_estimate {
        Some(e) => {
            if let Some(ceiling) = e.ceiling_mb_per_s_per_partition {
                derivations.push(Derivation {
                    output: "producer_ceiling_mb_per_s_per_partition",
                    value: ceiling,
                    unit: "MB/s",
                    formula: "estimate: max.in.flight × batch.size × compression_ratio ÷ ack_wait",
                    computation: format!(
                        "{} × {:.0} bytes ÷ {} ms = {ceiling:.3} MB/s",
                        i.max_in_flight, e.batch_capacity_bytes, e.ack_wait_ms
                    ),
                    inputs: vec![
                        t("max_in_flight", f64::from(i.max_in_flight), ""),
                        t("batch_size_bytes", f64::from(i.batch_size_bytes), "bytes"),
                        t("compression_ratio", i.compression_ratio, ""),
                        t("rtt_ms", i.rtt_ms, "ms"),
                        t("ack_wait_ms", e.ack_wait_ms, "ms"),
                    ],
                });
                if ceiling < per_partition_peak {
                    warnings.push(Warning {
                        code: WarningCode::ProducerCeilingBelowPlannedRate,
                        message: format!(
                            "Estimated producer ceiling {ceiling:.2} MB/s per partition is below the planned peak {per_partition_peak:.2} MB/s per partition: raise batch.size or max.in.flight, or add partitions (estimate: {})",
                            e.model
                        ),
                    });
                }
            }
        }
        None => {
            notes.push("No producer throughput estimate: give avg_record_bytes to get one.".into())
        }
    }

    // --- cost --------------------------------------------------------------
    let cost = if i.broker_price_per_month.is_some() || i.storage_price_per_gb_month.is_some() {
        let b = f64::from(brokers) * i.broker_price_per_month.unwrap_or(0.0);
        let s = disk_bytes_total as f64 / GB * i.storage_price_per_gb_month.unwrap_or(0.0);
        derivations.push(Derivation {
            output: "cost_per_month",
            value: b + s,
            unit: "per month",
            formula: "brokers × broker_price_per_month + disk_bytes_total ÷ 10^9 × storage_price_per_gb_month",
            computation: format!(
                "{brokers} × {} + {:.3} GB × {} = {:.2}",
                i.broker_price_per_month.unwrap_or(0.0),
                disk_bytes_total as f64 / GB,
                i.storage_price_per_gb_month.unwrap_or(0.0),
                b + s
            ),
            inputs: vec![
                t("brokers", f64::from(brokers), ""),
                t("broker_price_per_month", i.broker_price_per_month.unwrap_or(0.0), ""),
                t("disk_bytes_total", disk_bytes_total as f64, "bytes"),
                t("storage_price_per_gb_month", i.storage_price_per_gb_month.unwrap_or(0.0), ""),
            ],
        });
        Some(Cost {
            brokers_per_month: b,
            storage_per_month: s,
            total_per_month: b + s,
        })
    } else {
        None
    };

    // --- notes -------------------------------------------------------------
    let step = u32::try_from(a.partitions.saturating_add(u64::from(brokers))).unwrap_or(u32::MAX);
    let moved_step = model::fraction_of_keys_remapped(partitions, step, 1000);
    notes.push(format!(
        "Adding partitions later remaps keys: the default partitioner sends a key to murmur2(key) mod partitions, so going from {partitions} to {step} partitions moves about {:.0} % of keys (measured on 1000 sample keys), and per-key ordering breaks across the change. Size for the horizon now.",
        moved_step * 100.0
    ));
    // One segment per replica: segment.bytes (1 GiB) or what a partition
    // receives in segment.ms (7 days), whichever is smaller.
    let per_partition_week =
        design_avg * MB * 7.0 * 24.0 * 3600.0 / i.compression_ratio / a.partitions as f64;
    let segment_slack =
        (a.partitions * u64::from(rf)) as f64 * per_partition_week.min(1_073_741_824.0);
    notes.push(format!(
        "Kafka deletes whole segments: each partition replica can hold up to one extra segment beyond retention (segment.bytes default 1073741824, or what it receives in segment.ms, default 7 days), up to {:.1} GB across the cluster ({:.2} % of disk_bytes_total); headroom should cover it.",
        segment_slack / GB,
        segment_slack / disk_total_f * 100.0
    ));
    notes.push(
        "Partitions and network are sized for the peak at the horizon; disk for the average at the horizon (retention integrates the rate). Network bytes are compressed bytes (ingress ÷ compression_ratio): producers send, brokers store and serve the compressed batches.".into(),
    );
    if i.consumer_groups == 0 {
        notes.push(
            "consumer_groups 0: nothing reads this topic; out traffic is replication only.".into(),
        );
    }
    if i.peak_to_average == 1.0 {
        notes.push(
            "peak_to_average is 1: the plan assumes traffic never exceeds the average.".into(),
        );
    }
    if !i.defaults_used.is_empty() {
        notes.push(format!(
            "Defaults used for: {}.",
            i.defaults_used.join(", ")
        ));
    }

    let exports = export::exports(&i, partitions, idempotence);
    let plan = Plan {
        partitions,
        brokers,
        disk_bytes_total,
        disk_bytes_per_broker,
        broker_network_in_mb_per_s: net_in,
        broker_network_out_mb_per_s: net_out,
        warnings,
        errors: Vec::new(),
        notes,
        growth_multiplier: growth,
        design_average_mb_per_s: design_avg,
        design_peak_mb_per_s: design_peak,
        partitions_unrounded: raw,
        partition_replicas_per_broker: a.replicas_per_broker,
        broker_sizing: sizing,
        effective_retention_hours: effective_hours,
        retention_bytes_per_partition,
        producer_estimate,
        cost,
        derivations,
        exports,
        inputs: i,
    };
    #[cfg(debug_assertions)]
    plan.debug_check_invariants();
    Ok(plan)
}

/// Bytes one partition replica retains (compressed, no headroom) and the
/// effective retention in hours.
fn retained_per_partition(i: &PlanInputs, avg_mb_per_s: f64, partitions: u64) -> (f64, f64) {
    let n = partitions as f64;
    let by_time = i
        .retention_hours
        .map(|h| avg_mb_per_s * MB * h * 3600.0 / i.compression_ratio / n);
    match (by_time, i.retention_bytes_per_partition) {
        (Some(bt), Some(rb)) if (rb as f64) < bt => (
            rb as f64,
            model::hours_covered_by_bytes(rb, partitions, i.compression_ratio, avg_mb_per_s),
        ),
        (Some(bt), _) => (bt, i.retention_hours.unwrap_or(0.0)),
        (None, Some(rb)) => (
            rb as f64,
            model::hours_covered_by_bytes(rb, partitions, i.compression_ratio, avg_mb_per_s),
        ),
        // Validation requires one of the two.
        (None, None) => (0.0, 0.0),
    }
}

/// Total retained bytes on all brokers (replicas and headroom included).
fn disk_total(i: &PlanInputs, avg_mb_per_s: f64, partitions: u64) -> f64 {
    match (i.retention_hours, i.retention_bytes_per_partition) {
        (Some(h), None) => model::disk_bytes_for_time(
            avg_mb_per_s,
            h,
            i.replication_factor,
            i.compression_ratio,
            i.headroom,
        ),
        _ => {
            let (per, _) = retained_per_partition(i, avg_mb_per_s, partitions);
            per * partitions as f64 * f64::from(i.replication_factor) * (1.0 + i.headroom)
        }
    }
}

impl Plan {
    /// Invariants: partitions is a positive multiple of brokers; brokers ≥ RF;
    /// per-broker disk × brokers ≥ total; errors empty.
    #[cfg(debug_assertions)]
    fn debug_check_invariants(&self) {
        debug_assert!(self.partitions > 0 && self.partitions.is_multiple_of(self.brokers));
        debug_assert!(self.brokers >= self.inputs.replication_factor);
        debug_assert!(
            u128::from(self.disk_bytes_per_broker) * u128::from(self.brokers)
                >= u128::from(self.disk_bytes_total)
        );
        debug_assert!(self.errors.is_empty());
        debug_assert!(self.partitions_unrounded <= f64::from(self.partitions));
    }
}
