//! `scenario_query`: the Topics page's share-link query and `kplay run`'s
//! `--ops`, through `TopicScenario::from_query` (`engine/src/scenario.rs`).
//!
//! Input: a query string `k=v&k=v…`, split on `&` and the first `=` (values
//! already URL-decoded, as the app passes them).
//!
//! Checks, for an accepted query: `to_query` → `from_query` gives the same
//! scenario (and the same query again); when the scenario is small enough to
//! replay quickly (at most 2,000 records), `build` either refuses it with a
//! short message or gives a topic whose partitions hold every record, each
//! keyed record on the partition murmur2 picks. For a refused query: a short
//! message.

use kplay_engine::partitioner::java_partition_for_key;
use kplay_engine::scenario::TopicScenario;

use crate::{check_error_len, label_of, Finding, Target};

pub(crate) struct ScenarioQuery;

/// Scenarios with more records are parsed and round-tripped but not replayed
/// (the engine's own cap, `MAX_TOTAL_RECORDS`, bounds them anyway).
const MAX_REPLAYED_RECORDS: u64 = 2_000;

impl Target for ScenarioQuery {
    fn name(&self) -> &'static str {
        "scenario_query"
    }

    fn dictionary(&self) -> &'static [&'static str] {
        &[
            "topic=",
            "partitions=",
            "segment_bytes=",
            "ops=",
            "&",
            "g100s7",
            "g1s0",
            "ruser-1=hello",
            "rgone",
            "n=v",
            ".",
            "%2E",
            "%3D",
            "%25",
            "%00",
            "%FF",
            "100000",
            "100001",
        ]
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        let pairs: Vec<(&str, &str)> = text
            .split('&')
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect();
        let s = match TopicScenario::from_query(pairs.iter().copied()) {
            Err(e) => {
                let m = e.to_string();
                check_error_len("share link error", &m)?;
                return Ok(label_of("err", &m, 40));
            }
            Ok(s) => s,
        };
        let q = s.to_query();
        let back = TopicScenario::from_query(q.iter().map(|(k, v)| (*k, v.as_str())))
            .map_err(|e| format!("to_query {q:?} does not parse back: {e}"))?;
        if back != s {
            return Err(format!(
                "query round trip changed the scenario: {s:?} → {back:?}"
            ));
        }
        if back.to_query() != q {
            return Err("to_query is not stable".to_owned());
        }
        let total = s.total_records();
        if total > MAX_REPLAYED_RECORDS {
            return Ok("ok-big".to_owned());
        }
        let cluster = match s.build() {
            Err(e) => {
                let m = e.to_string();
                check_error_len("build error", &m)?;
                return Ok(label_of("build-err", &m, 40));
            }
            Ok(c) => c,
        };
        let t = cluster
            .topic(&s.topic)
            .ok_or_else(|| format!("topic {} not created", s.topic))?;
        if i64::from(t.partition_count()) != s.partitions {
            return Err(format!(
                "{} partitions, asked for {}",
                t.partition_count(),
                s.partitions
            ));
        }
        let stored: u64 = t.record_counts().iter().map(|&c| c as u64).sum();
        if stored != total {
            return Err(format!("{stored} records stored, {total} produced"));
        }
        for p in t.partitions() {
            for r in p.log().iter() {
                if let Some(k) = r.key {
                    let want = java_partition_for_key(k, t.partition_count());
                    if want as i32 != p.index() {
                        return Err(format!(
                            "a key on partition {} belongs on {want}",
                            p.index()
                        ));
                    }
                }
            }
        }
        Ok(format!("ok:{}:{}", s.ops.len().min(4), s.partitions.min(4)))
    }
}
