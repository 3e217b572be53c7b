//! `kplay plan` — size a topic and its cluster from a JSON input file.
//!
//! ```text
//! kplay plan --input plan.json [--json]
//! ```
//!
//! The input fields, their units and defaults are documented in
//! `kplay_engine::planner::inputs::PlanInput`; unknown fields are rejected so a
//! typo cannot silently fall back to a default. With `--json` the plan (or, on
//! invalid input, the same shape with `null` numbers and a non-empty `errors`
//! list) is printed to stdout; invalid input always exits non-zero.

use std::path::PathBuf;

use kplay_engine::planner::{self, model, Plan, PlanInputError};

/// Arguments of `kplay plan`.
#[derive(clap::Args)]
pub(crate) struct Args {
    /// Plan input as JSON (`-` reads stdin). Fields: ingress_mb_per_s,
    /// retention_hours, replication_factor, compression_ratio, consumer_groups,
    /// producer_mb_per_s_per_partition, consumer_mb_per_s_per_partition,
    /// peak_consumers, brokers, headroom, and the optional extras.
    #[arg(long, value_name = "FILE.json")]
    input: PathBuf,
    /// Print the plan as JSON instead of the readable report.
    #[arg(long)]
    json: bool,
}

fn read_input(path: &PathBuf) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| format!("cannot read the plan input from stdin: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the plan input {}: {e}", path.display()))
    }
}

pub(crate) fn run(args: Args) -> Result<(), String> {
    let outcome = match read_input(&args.input) {
        Ok(text) => planner::plan_from_json(&text),
        Err(e) => Err(vec![PlanInputError::InvalidJson { message: e }]),
    };
    if args.json {
        crate::emit(&format!("{}\n", planner::outcome_json(&outcome)))?;
    } else if let Ok(plan) = &outcome {
        crate::emit(&readable(plan))?;
    }
    match outcome {
        Ok(_) => Ok(()),
        Err(errors) => Err(format!(
            "invalid plan input ({} error{}):\n  {}",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n  ")
        )),
    }
}

fn bytes_human(b: u64) -> String {
    let f = b as f64;
    format!(
        "{b} bytes = {:.3} TB = {:.3} TiB",
        f / model::TB,
        f / model::TIB
    )
}

/// The readable report: headline numbers, then each derivation.
fn readable(p: &Plan) -> String {
    let mut s = String::new();
    let i = &p.inputs;
    s.push_str(&format!("kplay plan — topic {}\n\n", i.topic));
    s.push_str(&format!("  partitions                  {}\n", p.partitions));
    s.push_str(&format!(
        "  brokers                     {} ({})\n",
        p.brokers,
        match p.broker_sizing.given {
            Some(_) => format!("given; {} needed", p.broker_sizing.needed),
            None => format!("bound by {}", p.broker_sizing.binding.as_str()),
        }
    ));
    s.push_str(&format!(
        "  disk, all brokers           {}\n",
        bytes_human(p.disk_bytes_total)
    ));
    s.push_str(&format!(
        "  disk per broker             {}\n",
        bytes_human(p.disk_bytes_per_broker)
    ));
    s.push_str(&format!(
        "  retention.bytes view        {} bytes per partition (effective retention {:.2} h)\n",
        p.retention_bytes_per_partition, p.effective_retention_hours
    ));
    s.push_str(&format!(
        "  network per broker          in {:.3} MB/s, out {:.3} MB/s (peak)\n",
        p.broker_network_in_mb_per_s, p.broker_network_out_mb_per_s
    ));
    if let Some(e) = &p.producer_estimate {
        s.push_str(&format!(
            "  producer ceiling (estimate) {} per partition; planned {:.3} MB/s\n",
            e.ceiling_mb_per_s_per_partition
                .map_or("not bounded by acks (acks=0)".to_owned(), |c| format!(
                    "{c:.3} MB/s"
                )),
            e.planned_mb_per_s_per_partition
        ));
    }
    if let Some(c) = &p.cost {
        s.push_str(&format!(
            "  cost per month              {:.2} (brokers {:.2} + storage {:.2})\n",
            c.total_per_month, c.brokers_per_month, c.storage_per_month
        ));
    }
    s.push_str("\nHow each number was computed\n");
    for d in &p.derivations {
        let line = format!("  {} = {} {}", d.output, fmt_value(d.value), d.unit);
        s.push_str(&format!("\n{}\n", line.trim_end()));
        s.push_str(&format!("    formula: {}\n", d.formula));
        s.push_str(&format!("    = {}\n", d.computation));
        let used: Vec<String> = d
            .inputs
            .iter()
            .filter(|t| !t.value.is_nan())
            .map(|t| {
                if t.unit.is_empty() {
                    format!("{}={}", t.name, fmt_value(t.value))
                } else {
                    format!("{}={} {}", t.name, fmt_value(t.value), t.unit)
                }
            })
            .collect();
        s.push_str(&format!("    inputs: {}\n", used.join(", ")));
    }
    if let Some(e) = &p.producer_estimate {
        s.push_str(&format!("\n  producer estimate model: {}\n", e.model));
    }
    s.push_str("\nWarnings\n");
    if p.warnings.is_empty() {
        s.push_str("  none\n");
    }
    for w in &p.warnings {
        s.push_str(&format!("  ! {w}\n"));
    }
    s.push_str("\nNotes\n");
    for n in &p.notes {
        s.push_str(&format!("  - {n}\n"));
    }
    s.push_str("\nCreate the topic\n\n");
    s.push_str(&p.exports.kafka_topics_command);
    s.push_str("\n\n");
    s.push_str(&p.exports.producer_properties);
    s.push('\n');
    s.push_str(&p.exports.consumer_properties);
    s
}

fn fmt_value(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e17 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}
