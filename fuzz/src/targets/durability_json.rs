//! `durability_json`: `kplay durability`'s scenario file, through
//! `kplay_engine::durability::json::scenario_from_str`.
//!
//! Checks, for an accepted scenario small enough to run quickly (at most 200
//! records, RF ≤ 5, 8 partitions): it runs, and the ledger balances (`sent =
//! acknowledged + Σ failed + pending`, every acknowledged-lost record was
//! acknowledged) and every partition has `LSO ≤ HW ≤ LEO` on its leader. For a
//! refused scenario: a short message.

use kplay_engine::durability::{self, json::scenario_from_str, Action};
use kplay_engine::input::clip_message;

use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct DurabilityJson;

impl Target for DurabilityJson {
    fn name(&self) -> &'static str {
        "durability_json"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "{\"seed\":1,\"brokers\":3,\"topic\":{\"partitions\":1,\"replication_factor\":3,\"configs\":{",
            "\"min.insync.replicas\":\"2\"",
            "\"unclean.leader.election.enable\":\"true\"",
            "},\"producer\":{\"acks\":\"all\",\"enable.idempotence\":\"false\"},\"steps\":[",
            "{\"at_ms\":0,\"produce\":{\"records\":20}}",
            "{\"at_ms\":5,\"kill_broker\":0}",
            "{\"at_ms\":9,\"start_broker\":0}",
            "{\"at_ms\":9,\"drop_produce_responses\":{\"broker\":0,\"count\":3}}",
            "{\"at_ms\":60000,\"run_until\":{}}",
            "\"transactional.id\":\"tx\"",
            "{\"at_ms\":1,\"begin_transaction\":{}}",
            "{\"at_ms\":2,\"abort_transaction\":{}}",
            "]}",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        let s = match scenario_from_str(&text) {
            Err(e) => {
                check_error_len("scenario error", &clip_message(&e))?;
                return Ok(label_of("err", &e, 40));
            }
            Ok(s) => s,
        };
        let records: u64 = s
            .steps
            .iter()
            .map(|st| match &st.action {
                Action::Produce { records, .. } => *records,
                _ => 0,
            })
            .sum();
        if records > 200 || s.replication_factor > 5 || s.partitions > 8 || s.steps.len() > 40 {
            return Ok("ok-big".into());
        }
        let r = match durability::run(&s) {
            Err(e) => {
                check_error_len("run error", &clip_message(&e.to_string()))?;
                return Ok(label_of("run-err", &e.to_string(), 40));
            }
            Ok(r) => r,
        };
        let failed: u64 = r.failed.values().sum();
        if r.sent != r.acknowledged + failed + r.pending {
            return Err(format!(
                "ledger does not balance: sent {} ≠ acknowledged {} + failed {failed} + pending {}",
                r.sent, r.acknowledged, r.pending
            ));
        }
        if r.acknowledged_lost > r.acknowledged {
            return Err("more acknowledged records lost than acknowledged".into());
        }
        for p in &r.partitions {
            if let Some(leader) = p.leader {
                let leo = p.log_end_offsets.get(&leader.to_string()).copied();
                if p.last_stable_offset > p.high_watermark
                    || leo.is_some_and(|l| p.high_watermark > l)
                {
                    return Err(format!(
                        "partition {}: LSO ≤ HW ≤ LEO broken: {p:?}",
                        p.partition
                    ));
                }
            }
        }
        Ok("ok-ran".into())
    }
}
