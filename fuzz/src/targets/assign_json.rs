//! `assign_json`: the input of `kplay assign --input FILE.json`, through
//! `cli_input::parse_assign_input` exactly as the CLI runs it, then every
//! assignor.
//!
//! The parser's limits bound the work of an accepted input (that they do is
//! part of what is checked: the driver's watchdog ends the run on a hang).
//! Checks, for an accepted input and each assignor: every member present; no
//! partition assigned to two members (or twice to one); every assigned
//! partition exists and its topic is in the member's subscription; every
//! partition of a subscribed topic assigned (for `cooperative-sticky`, the
//! partitions still changing owner count as assigned). Every error message
//! is short.

use std::collections::{BTreeMap, BTreeSet};

use kplay_engine::cli_input::parse_assign_input;
use kplay_engine::group::{AssignError, Assignor, TopicPartition};

use super::text;
use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct AssignJson;

impl Target for AssignJson {
    fn name(&self) -> &'static str {
        "assign_json"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "\"topics\"",
            "\"members\"",
            "\"member_id\"",
            "\"group_instance_id\"",
            "\"owned\"",
            "\"generation\"",
            "\"topic\"",
            "\"partition\"",
            "\"orders\"",
            "\"c1\"",
            "\"c2\"",
            "{\"member_id\": \"c3\", \"topics\": [\"orders\"]}",
            "{\"topic\": \"orders\", \"partition\": 0}",
            "10000",
            "10001",
            "100000",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = text(input);
        let parsed = match parse_assign_input(&text) {
            Err(e) => {
                let m = e.to_string();
                check_error_len("assign input error", &m)?;
                return Ok(label_of("err", &m, 40));
            }
            Ok(p) => p,
        };
        let topics = parsed.topics();
        for assignor in Assignor::ALL {
            let outcome = match assignor.assign(&parsed) {
                Ok(o) => o,
                Err(e @ AssignError::IllegalState(_)) => {
                    return Err(format!("{assignor}: {e}"));
                }
                Err(e) => {
                    check_error_len("assign error", &e.to_string())?;
                    continue;
                }
            };
            let mut owner: BTreeMap<&TopicPartition, &str> = BTreeMap::new();
            for m in parsed.members() {
                let Some(list) = outcome.assignment.get(&m.member_id) else {
                    return Err(format!(
                        "{assignor}: member '{}' missing from the assignment",
                        m.member_id
                    ));
                };
                let subscribed: BTreeSet<&str> = m.topics.iter().map(String::as_str).collect();
                for tp in list {
                    let n = topics.get(&tp.topic).copied().unwrap_or(0);
                    if tp.partition < 0 || tp.partition >= n {
                        return Err(format!("{assignor}: {tp} does not exist"));
                    }
                    if !subscribed.contains(tp.topic.as_str()) {
                        return Err(format!(
                            "{assignor}: {tp} given to '{}', not subscribed",
                            m.member_id
                        ));
                    }
                    if let Some(other) = owner.insert(tp, &m.member_id) {
                        return Err(format!(
                            "{assignor}: {tp} assigned to '{other}' and '{}'",
                            m.member_id
                        ));
                    }
                }
            }
            if outcome.assignment.len() != parsed.members().len() {
                return Err(format!(
                    "{assignor}: assignment lists members that are not in the input"
                ));
            }
            let pending: BTreeSet<&TopicPartition> =
                match (&outcome.partitions_transferring_ownership, assignor) {
                    (Some(p), Assignor::CooperativeSticky) => p.keys().collect(),
                    _ => BTreeSet::new(),
                };
            let subscribed: BTreeSet<&str> = parsed
                .members()
                .iter()
                .flat_map(|m| m.topics.iter().map(String::as_str))
                .collect();
            for t in subscribed {
                let n = topics.get(t).copied().unwrap_or(0);
                for p in 0..n {
                    let tp = TopicPartition::new(t, p);
                    if !owner.contains_key(&tp) && !pending.contains(&tp) {
                        return Err(format!(
                            "{assignor}: {tp} of a subscribed topic is unassigned"
                        ));
                    }
                }
            }
        }
        Ok(format!(
            "ok:{}t:{}m",
            topics.len().min(4),
            parsed.members().len().min(4)
        ))
    }
}
