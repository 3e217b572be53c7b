//! The scenario JSON of `kplay durability --input SCENARIO.json` (and the
//! fuzz target that checks it), read into a [`Scenario`]:
//!
//! ```json
//! {"seed": 1, "brokers": 3,
//!  "topic": {"name": "t", "partitions": 1, "replication_factor": 3,
//!            "replica_assignment": {"0": [0, 1, 2]},
//!            "configs": {"min.insync.replicas": "2", "unclean.leader.election.enable": "false"}},
//!  "producer": {"acks": "all", "enable.idempotence": "true", "transactional.id": "tx-1"},
//!  "consumer": {"isolation.level": "read_committed"},
//!  "steps": [{"at_ms": 0, "produce": {"records": 100}}, {"at_ms": 5, "kill_broker": 1},
//!            {"at_ms": 600000, "run_until": {}}]}
//! ```
//!
//! Steps: `produce` `{records, partition?}`, `kill_broker` N, `start_broker` N,
//! `shutdown_broker` N, `stop_fetching` / `resume_fetching` `{broker}`,
//! `drop_produce_responses` `{broker, count}`, `begin_transaction` /
//! `commit_transaction` / `abort_transaction` `{}`, `run_until` `{}`, and
//! kplay extras: `slow_broker` `{broker, delay_ms}`, `partition_network` /
//! `heal_network` `{brokers: [a, b]}`, `elect_preferred_leaders` `{}`,
//! `send_offsets_to_transaction` `{group, offsets: {"0": 5}}`,
//! `fence_producer` `{}` (a new instance with the same `transactional.id`).
//! Config values are Kafka property strings; numbers and booleans are
//! accepted too.

use serde_json::{Map, Value};

use super::{Action, IsolationLevel, Scenario, Step};
use crate::replication::ClusterConfig;

/// The largest scenario file accepted (bytes).
pub const MAX_SCENARIO_BYTES: usize = 1 << 20;

/// Reads a scenario from JSON text (at most [`MAX_SCENARIO_BYTES`]).
pub fn scenario_from_str(text: &str) -> Result<Scenario, String> {
    if text.len() > MAX_SCENARIO_BYTES {
        return Err(format!(
            "the scenario is {} bytes; at most {MAX_SCENARIO_BYTES} are read",
            text.len()
        ));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    scenario_from_json(&v)
}

fn obj<'a>(v: &'a Value, what: &str) -> Result<&'a Map<String, Value>, String> {
    v.as_object()
        .ok_or_else(|| format!("{what} must be an object"))
}

fn only_keys(m: &Map<String, Value>, allowed: &[&str], what: &str) -> Result<(), String> {
    for k in m.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(format!(
                "unknown field '{k}' in {what} (expected one of: {})",
                allowed.join(", ")
            ));
        }
    }
    Ok(())
}

fn int(v: &Value, what: &str) -> Result<i64, String> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| format!("{what} must be an integer")),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("{what} must be an integer, got '{s}'")),
        _ => Err(format!("{what} must be an integer")),
    }
}

fn broker_id(v: &Value, what: &str) -> Result<i32, String> {
    let b = int(v, what)?;
    i32::try_from(b).map_err(|_| format!("{what}: broker {b} does not exist"))
}

fn prop_string(v: &Value, what: &str) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(format!("{what} must be a string, number or boolean")),
    }
}

fn props(v: Option<&Value>, what: &str) -> Result<Vec<(String, String)>, String> {
    let Some(v) = v else {
        return Ok(Vec::new());
    };
    obj(v, what)?
        .iter()
        .map(|(k, v)| Ok((k.clone(), prop_string(v, &format!("{what}.{k}"))?)))
        .collect()
}

fn broker_field(body: &Value, what: &str) -> Result<i32, String> {
    match body {
        Value::Object(m) => {
            only_keys(m, &["broker"], what)?;
            broker_id(
                m.get("broker")
                    .ok_or_else(|| format!("{what} needs 'broker'"))?,
                what,
            )
        }
        other => broker_id(other, what),
    }
}

fn empty(body: &Value, what: &str) -> Result<(), String> {
    only_keys(obj(body, what)?, &[], what)
}

fn parse_step(v: &Value, i: usize) -> Result<Step, String> {
    let m = obj(v, &format!("steps[{i}]"))?;
    let at_ms = int(
        m.get("at_ms")
            .ok_or_else(|| format!("steps[{i}] needs 'at_ms'"))?,
        &format!("steps[{i}].at_ms"),
    )?;
    let actions: Vec<(&String, &Value)> = m.iter().filter(|(k, _)| k.as_str() != "at_ms").collect();
    let [(name, body)] = actions.as_slice() else {
        return Err(format!(
            "steps[{i}] must have 'at_ms' and exactly one action"
        ));
    };
    let what = format!("steps[{i}].{name}");
    let action = match name.as_str() {
        "produce" => {
            let b = obj(body, &what)?;
            only_keys(b, &["records", "partition"], &what)?;
            let records = int(
                b.get("records")
                    .ok_or_else(|| format!("{what} needs 'records'"))?,
                &what,
            )?;
            if records < 0 {
                return Err(format!("{what}.records must not be negative"));
            }
            let partition = b
                .get("partition")
                .map(|p| int(p, &format!("{what}.partition")).map(|p| p as i32))
                .transpose()?;
            Action::Produce {
                records: records as u64,
                partition,
            }
        }
        "kill_broker" => Action::KillBroker(broker_field(body, &what)?),
        "start_broker" => Action::StartBroker(broker_field(body, &what)?),
        "shutdown_broker" => Action::ShutdownBroker(broker_field(body, &what)?),
        "stop_fetching" => Action::StopFetching(broker_field(body, &what)?),
        "resume_fetching" => Action::ResumeFetching(broker_field(body, &what)?),
        "slow_broker" => {
            let b = obj(body, &what)?;
            only_keys(b, &["broker", "delay_ms"], &what)?;
            Action::SlowBroker {
                broker: broker_id(
                    b.get("broker")
                        .ok_or_else(|| format!("{what} needs 'broker'"))?,
                    &what,
                )?,
                delay_ms: int(
                    b.get("delay_ms")
                        .ok_or_else(|| format!("{what} needs 'delay_ms'"))?,
                    &what,
                )
                .and_then(|d| {
                    if (0..=super::MAX_AT_MS).contains(&d) {
                        Ok(d)
                    } else {
                        Err(format!(
                            "{what}.delay_ms must be from 0 to {} (one simulated day), got {d}",
                            super::MAX_AT_MS
                        ))
                    }
                })?,
            }
        }
        "drop_produce_responses" => {
            let b = obj(body, &what)?;
            only_keys(b, &["broker", "count"], &what)?;
            let count = int(
                b.get("count")
                    .ok_or_else(|| format!("{what} needs 'count'"))?,
                &what,
            )?;
            Action::DropProduceResponses {
                broker: broker_id(
                    b.get("broker")
                        .ok_or_else(|| format!("{what} needs 'broker'"))?,
                    &what,
                )?,
                count: u32::try_from(count)
                    .map_err(|_| format!("{what}.count must be between 0 and {}", u32::MAX))?,
            }
        }
        "partition_network" | "heal_network" => {
            let b = obj(body, &what)?;
            only_keys(b, &["brokers"], &what)?;
            let ids = b
                .get("brokers")
                .and_then(Value::as_array)
                .filter(|a| a.len() == 2)
                .ok_or_else(|| format!("{what} needs 'brokers': [a, b]"))?;
            let (x, y) = (broker_id(&ids[0], &what)?, broker_id(&ids[1], &what)?);
            if name.as_str() == "partition_network" {
                Action::PartitionNetwork(x, y)
            } else {
                Action::HealNetwork(x, y)
            }
        }
        "send_offsets_to_transaction" => {
            let b = obj(body, &what)?;
            only_keys(b, &["group", "offsets"], &what)?;
            let group = b
                .get("group")
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{what} needs 'group'"))?
                .to_owned();
            let mut offsets = Vec::new();
            if let Some(o) = b.get("offsets") {
                for (p, off) in obj(o, &format!("{what}.offsets"))? {
                    let p: i32 = p
                        .parse()
                        .map_err(|_| format!("{what}.offsets: '{p}' is not a partition"))?;
                    offsets.push((p, int(off, &format!("{what}.offsets.{p}"))?));
                }
            }
            Action::SendOffsetsToTransaction { group, offsets }
        }
        "begin_transaction" => empty(body, &what).map(|_| Action::BeginTransaction)?,
        "commit_transaction" => empty(body, &what).map(|_| Action::CommitTransaction)?,
        "abort_transaction" => empty(body, &what).map(|_| Action::AbortTransaction)?,
        "elect_preferred_leaders" => empty(body, &what).map(|_| Action::ElectPreferredLeaders)?,
        "fence_producer" => empty(body, &what).map(|_| Action::FenceProducer)?,
        "run_until" => empty(body, &what).map(|_| Action::RunUntil)?,
        other => return Err(format!("steps[{i}]: unknown step '{other}'")),
    };
    Ok(Step { at_ms, action })
}

/// Reads a scenario from its JSON value (the shape documented above).
/// Unknown fields and steps, broker ids out of range, RF above the broker
/// count, unknown configs and bad values are errors in Kafka's words.
pub fn scenario_from_json(v: &Value) -> Result<Scenario, String> {
    let m = obj(v, "the scenario")?;
    only_keys(
        m,
        &["seed", "brokers", "topic", "producer", "consumer", "steps"],
        "the scenario",
    )?;
    let seed = m
        .get("seed")
        .map(|s| int(s, "seed"))
        .transpose()?
        .unwrap_or(0);
    let brokers = int(
        m.get("brokers").ok_or("the scenario needs 'brokers'")?,
        "brokers",
    )?;
    if brokers < 1 || brokers as usize > super::MAX_BROKERS {
        return Err(format!(
            "brokers must be between 1 and {}",
            super::MAX_BROKERS
        ));
    }
    let brokers = brokers as usize;
    let empty_topic = Value::Object(Map::new());
    let t = obj(m.get("topic").unwrap_or(&empty_topic), "topic")?;
    only_keys(
        t,
        &[
            "name",
            "partitions",
            "replication_factor",
            "replica_assignment",
            "configs",
        ],
        "topic",
    )?;
    if let Some(n) = t.get("name") {
        let n = n.as_str().ok_or("topic.name must be a string")?;
        // One rule for topic names everywhere: Kafka's `Topic.validate`.
        crate::topic::TopicName::new(n).map_err(|e| e.to_string())?;
    }
    let partitions = t
        .get("partitions")
        .map(|p| int(p, "topic.partitions"))
        .transpose()?
        .unwrap_or(1);
    if partitions < 1 || partitions > i64::from(super::MAX_PARTITIONS) {
        return Err(format!(
            "INVALID_PARTITIONS: topic.partitions must be between 1 and {}",
            super::MAX_PARTITIONS
        ));
    }
    let rf = t
        .get("replication_factor")
        .map(|p| int(p, "topic.replication_factor"))
        .transpose()?
        .unwrap_or(1);
    if rf < 1 {
        return Err(
            "INVALID_REPLICATION_FACTOR: Replication factor must be larger than 0.".to_owned(),
        );
    }
    if rf > brokers as i64 {
        return Err(format!(
            "INVALID_REPLICATION_FACTOR: Unable to replicate the partition {rf} time(s): The target replication factor of {rf} cannot be reached because only {brokers} broker(s) are registered."
        ));
    }
    let replica_assignment = match t.get("replica_assignment") {
        None => None,
        Some(a) => {
            let a = obj(a, "topic.replica_assignment")?;
            let mut out = vec![None; partitions as usize];
            for (p, reps) in a {
                let pi: usize = p
                    .parse()
                    .ok()
                    .filter(|&x: &usize| x < partitions as usize)
                    .ok_or_else(|| {
                        format!("topic.replica_assignment: '{p}' is not a partition of this topic")
                    })?;
                let reps = reps
                    .as_array()
                    .ok_or_else(|| {
                        format!("topic.replica_assignment.{p} must be a list of broker ids")
                    })?
                    .iter()
                    .map(|b| broker_id(b, &format!("topic.replica_assignment.{p}")))
                    .collect::<Result<Vec<i32>, String>>()?;
                out[pi] = Some(reps);
            }
            Some(
                out.into_iter()
                    .enumerate()
                    .map(|(p, r)| {
                        r.ok_or_else(|| {
                            format!("topic.replica_assignment has no entry for partition {p}")
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?,
            )
        }
    };
    let consumer = m.get("consumer").map(|c| obj(c, "consumer")).transpose()?;
    let mut isolation_level = IsolationLevel::ReadUncommitted;
    if let Some(c) = consumer {
        only_keys(c, &["isolation.level"], "consumer")?;
        if let Some(v) = c.get("isolation.level") {
            isolation_level = match prop_string(v, "consumer.isolation.level")?.as_str() {
                "read_committed" => IsolationLevel::ReadCommitted,
                "read_uncommitted" => IsolationLevel::ReadUncommitted,
                other => {
                    return Err(format!(
                        "Invalid value {other} for configuration isolation.level: String must be one of: read_committed, read_uncommitted"
                    ))
                }
            };
        }
    }
    let steps = match m.get("steps") {
        None => Vec::new(),
        Some(s) => s
            .as_array()
            .ok_or("steps must be a list")?
            .iter()
            .enumerate()
            .map(|(i, v)| parse_step(v, i))
            .collect::<Result<Vec<_>, String>>()?,
    };
    Ok(Scenario {
        seed: seed as u64,
        brokers,
        partitions: partitions as i32,
        replication_factor: rf as i32,
        replica_assignment,
        topic_configs: props(t.get("configs"), "topic.configs")?,
        producer_configs: props(m.get("producer"), "producer")?,
        isolation_level,
        cluster: ClusterConfig::default(),
        steps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(extra_topic: &str, steps: &str) -> Result<Scenario, String> {
        scenario_from_str(&format!(
            r#"{{"brokers": 3, "topic": {{"partitions": 1, "replication_factor": 3{extra_topic}}}, "steps": [{steps}]}}"#
        ))
    }

    #[test]
    fn a_delay_out_of_range_is_refused_not_clamped() {
        let e = scenario(
            "",
            r#"{"at_ms": 0, "slow_broker": {"broker": 1, "delay_ms": 999999999999}}"#,
        )
        .unwrap_err();
        assert!(e.contains("delay_ms must be from 0 to 86400000"), "{e}");
        let e = scenario(
            "",
            r#"{"at_ms": 0, "slow_broker": {"broker": 1, "delay_ms": -5}}"#,
        )
        .unwrap_err();
        assert!(e.contains("got -5"), "{e}");
        let ok = scenario(
            "",
            r#"{"at_ms": 0, "slow_broker": {"broker": 1, "delay_ms": 250}}"#,
        )
        .unwrap();
        assert!(matches!(
            ok.steps[0].action,
            Action::SlowBroker {
                broker: 1,
                delay_ms: 250
            }
        ));
    }

    #[test]
    fn topic_names_follow_kafkas_one_rule() {
        for bad in ["a b", "<script>", ".", "..", &"x".repeat(250)] {
            let e = scenario(&format!(r#", "name": "{bad}""#), "").unwrap_err();
            assert!(e.contains("Topic name is invalid"), "{bad}: {e}");
        }
        assert!(scenario(r#", "name": "orders.v2_x-1""#, "").is_ok());
    }

    #[test]
    fn oversize_files_are_refused_before_parsing() {
        let e = scenario_from_str(&" ".repeat(MAX_SCENARIO_BYTES + 1)).unwrap_err();
        assert!(e.contains("at most 1048576"), "{e}");
    }
}
