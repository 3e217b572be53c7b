//! What to type next: the `kafka-topics` command, producer and consumer
//! properties matching the plan, and the plan as JSON.
//!
//! Names and values are Kafka's: `kafka-topics.sh` options from
//! `TopicCommand` (`--create --topic --partitions --replication-factor
//! --config k=v`), topic configs from `TopicConfig`, client configs from
//! `ProducerConfig`/`ConsumerConfig`. Topic, bootstrap and group names were
//! validated to `[a-zA-Z0-9._-]` (plus `:,[]` for bootstrap servers), so
//! the command is safe to paste into a shell.

use serde::Serialize;

use super::inputs::{Codec, PlanInputError, PlanInputs};
use super::report::Plan;

/// The exports of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exports {
    /// `kafka-topics.sh --bootstrap-server … --create --topic … --config …`.
    pub kafka_topics_command: String,
    /// `producer.properties` text.
    pub producer_properties: String,
    /// `consumer.properties` text.
    pub consumer_properties: String,
}

/// `retention.ms` for the plan: hours × 3 600 000, or -1 (no time limit) when
/// only size retention is set.
pub fn retention_ms(i: &PlanInputs) -> i64 {
    match i.retention_hours {
        // Validated to (1 ms, 100 years], far inside i64.
        Some(h) => (h * 3_600_000.0).round() as i64,
        None => -1,
    }
}

/// Build the exports. `idempotence` is whether the producer settings allow
/// `enable.idempotence=true` (acks=all and max.in.flight ≤ 5).
pub fn exports(i: &PlanInputs, partitions: u32, idempotence: bool) -> Exports {
    let mut cmd = format!(
        "kafka-topics.sh --bootstrap-server {} --create --topic {} \\\n  --partitions {partitions} --replication-factor {} \\\n  --config retention.ms={} \\\n  --config min.insync.replicas={}",
        i.bootstrap_servers,
        i.topic,
        i.replication_factor,
        retention_ms(i),
        i.min_insync_replicas
    );
    if let Some(b) = i.retention_bytes_per_partition {
        cmd.push_str(&format!(" \\\n  --config retention.bytes={b}"));
    }
    let codec = i.compression_codec.filter(|c| *c != Codec::None);
    if let Some(c) = codec {
        cmd.push_str(&format!(" \\\n  --config compression.type={}", c.as_str()));
    }

    let mut producer = format!(
        "# producer.properties for topic {} (kplay plan)\nbootstrap.servers={}\nacks={}\nenable.idempotence={idempotence}\nmax.in.flight.requests.per.connection={}\nbatch.size={}\nlinger.ms={}\n",
        i.topic,
        i.bootstrap_servers,
        i.acks.as_str(),
        i.max_in_flight,
        i.batch_size_bytes,
        i.linger_ms
    );
    if let Some(c) = codec {
        producer.push_str(&format!("compression.type={}\n", c.as_str()));
    }

    let consumer = format!(
        "# consumer.properties for topic {} (kplay plan)\n# at most {partitions} consumers of one group get partitions (one per partition)\nbootstrap.servers={}\ngroup.id={}\nenable.auto.commit=false\nauto.offset.reset=earliest\n",
        i.topic, i.bootstrap_servers, i.group_id
    );
    Exports {
        kafka_topics_command: cmd,
        producer_properties: producer,
        consumer_properties: consumer,
    }
}

/// The JSON shape of a failed plan: the contract's fields as `null`, no
/// warnings, and the errors.
#[derive(Serialize)]
struct FailedPlan {
    partitions: Option<u32>,
    brokers: Option<u32>,
    disk_bytes_total: Option<u64>,
    disk_bytes_per_broker: Option<u64>,
    broker_network_in_mb_per_s: Option<f64>,
    broker_network_out_mb_per_s: Option<f64>,
    warnings: Vec<String>,
    errors: Vec<String>,
}

/// Serializing these plain structs cannot fail; if it ever did, still emit
/// valid JSON carrying the error.
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| {
        format!(
            "{{\"errors\": [{}]}}",
            serde_json::Value::String(e.to_string())
        )
    })
}

/// The plan, or its errors, as pretty JSON. On failure the contract's number
/// fields are `null` and `errors` lists every problem.
pub fn outcome_json(outcome: &Result<Plan, Vec<PlanInputError>>) -> String {
    match outcome {
        Ok(plan) => plan_json(plan),
        Err(errors) => to_json(&FailedPlan {
            partitions: None,
            brokers: None,
            disk_bytes_total: None,
            disk_bytes_per_broker: None,
            broker_network_in_mb_per_s: None,
            broker_network_out_mb_per_s: None,
            warnings: Vec::new(),
            errors: errors.iter().map(ToString::to_string).collect(),
        }),
    }
}

/// The plan as pretty JSON (the "plan as JSON" export).
pub fn plan_json(plan: &Plan) -> String {
    to_json(plan)
}
