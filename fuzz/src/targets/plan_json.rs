//! `plan_json`: the input of `kplay plan --input FILE.json`, through
//! `planner::plan_from_json` exactly as the CLI (and the Planner page's
//! import) runs it.
//!
//! Checks, for an accepted input: every headline number finite and
//! non-negative, partitions and brokers ≥ 1, partitions a multiple of brokers
//! and within a Java int; the `kafka-topics.sh` export's `--partitions`
//! equals the plan's and every `--config k=v` it prints is accepted by the
//! engine's topic-config parser (Kafka's ranges: this is where
//! `retention.bytes=9223372036854775808` was caught); the plan's JSON
//! (`outcome_json`) parses back with the same partitions and brokers. For a
//! refused input: the errors are listed, each message short.

use kplay_engine::config::TopicConfig;
use kplay_engine::planner::{outcome_json, plan_from_json};

use super::text;
use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct PlanJson;

fn finite_non_negative(what: &str, v: f64) -> Result<(), Finding> {
    if v.is_finite() && v >= 0.0 {
        Ok(())
    } else {
        Err(format!(
            "plan number {what} = {v} is not finite and non-negative"
        ))
    }
}

impl Target for PlanJson {
    fn name(&self) -> &'static str {
        "plan_json"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "\"ingress_mb_per_s\"",
            "\"records_per_s\"",
            "\"avg_record_bytes\"",
            "\"peak_to_average\"",
            "\"retention_hours\"",
            "\"retention_bytes_per_partition\"",
            "\"replication_factor\"",
            "\"min_insync_replicas\"",
            "\"compression_codec\"",
            "\"compression_ratio\"",
            "\"consumer_groups\"",
            "\"producer_mb_per_s_per_partition\"",
            "\"consumer_mb_per_s_per_partition\"",
            "\"peak_consumers\"",
            "\"brokers\"",
            "\"headroom\"",
            "\"broker_disk_gb\"",
            "\"broker_nic_gbit_per_s\"",
            "\"nic_target_utilisation\"",
            "\"partitions_per_broker_limit\"",
            "\"partitions_per_cluster_limit\"",
            "\"annual_growth\"",
            "\"horizon_months\"",
            "\"consumer_outage_hours\"",
            "\"batch_size_bytes\"",
            "\"linger_ms\"",
            "\"max_in_flight\"",
            "\"acks\"",
            "\"rtt_ms\"",
            "\"broker_price_per_month\"",
            "\"storage_price_per_gb_month\"",
            "\"topic\"",
            "\"bootstrap_servers\"",
            "\"group_id\"",
            "\"all\"",
            "\"lz4\"",
            "\"zstd\"",
            "\"none\"",
            "\"0\"",
            "\"1\"",
            "\"-1\"",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = text(input);
        let outcome = plan_from_json(&text);
        let json = outcome_json(&outcome);
        let back: serde_json::Value =
            serde_json::from_str(&json).map_err(|e| format!("outcome_json is not JSON: {e}"))?;
        let p = match &outcome {
            Err(errors) => {
                if errors.is_empty() {
                    return Err("refused with an empty error list".to_owned());
                }
                for e in errors {
                    check_error_len("plan error", &e.to_string())?;
                }
                if back["errors"].as_array().map(Vec::len) != Some(errors.len()) {
                    return Err("outcome_json lost errors".to_owned());
                }
                return Ok(label_of("err", &errors[0].to_string(), 40));
            }
            Ok(p) => p,
        };
        if p.partitions == 0 || p.brokers == 0 {
            return Err(format!(
                "{} partitions on {} brokers",
                p.partitions, p.brokers
            ));
        }
        if p.partitions % p.brokers != 0 {
            return Err(format!(
                "{} partitions not a multiple of {} brokers",
                p.partitions, p.brokers
            ));
        }
        if p.partitions > i32::MAX as u32 {
            return Err(format!("{} partitions exceed a Java int", p.partitions));
        }
        if p.disk_bytes_per_broker.saturating_mul(u64::from(p.brokers)) < p.disk_bytes_total {
            return Err("disk per broker × brokers is less than the total".to_owned());
        }
        for (what, v) in [
            ("broker_network_in_mb_per_s", p.broker_network_in_mb_per_s),
            ("broker_network_out_mb_per_s", p.broker_network_out_mb_per_s),
            ("effective_retention_hours", p.effective_retention_hours),
            ("growth_multiplier", p.growth_multiplier),
            ("design_average_mb_per_s", p.design_average_mb_per_s),
            ("design_peak_mb_per_s", p.design_peak_mb_per_s),
            ("partitions_unrounded", p.partitions_unrounded),
        ] {
            finite_non_negative(what, v)?;
        }
        for d in &p.derivations {
            finite_non_negative(d.output, d.value)?;
        }
        if let Some(c) = &p.cost {
            finite_non_negative("cost.total_per_month", c.total_per_month)?;
        }
        // The export must be something Kafka accepts.
        let cmd = &p.exports.kafka_topics_command;
        let words: Vec<&str> = cmd.split_whitespace().collect();
        let mut configs = Vec::new();
        for w in words.windows(2) {
            match w[0] {
                "--partitions" if w[1] != p.partitions.to_string() => {
                    return Err(format!(
                        "export says --partitions {} but the plan has {}",
                        w[1], p.partitions
                    ));
                }
                "--config" => {
                    let (k, v) = w[1]
                        .split_once('=')
                        .ok_or_else(|| format!("export has --config {} without '='", w[1]))?;
                    configs.push((k, v));
                }
                _ => {}
            }
        }
        if let Err(e) = TopicConfig::from_overrides(configs.iter().copied()) {
            return Err(format!(
                "the exported topic configs are refused by Kafka's rules: {e}"
            ));
        }
        if let Some(b) = p.inputs.retention_bytes_per_partition {
            if !configs.contains(&("retention.bytes", b.to_string().as_str())) {
                return Err(format!("export lacks retention.bytes={b}"));
            }
        }
        if back["partitions"].as_u64() != Some(u64::from(p.partitions))
            || back["brokers"].as_u64() != Some(u64::from(p.brokers))
        {
            return Err("plan JSON does not round-trip partitions/brokers".to_owned());
        }
        Ok(format!(
            "ok:{}:{}:{}",
            p.broker_sizing.binding.as_str(),
            p.warnings.len().min(9),
            p.inputs.defaults_used.len().min(9)
        ))
    }
}
