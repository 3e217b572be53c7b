//! `app_*`: every page's URL query as the browser hands it to the app — a raw
//! query string, decoded once by `kplay_app::url::parse_query`, repeated
//! names resolved by `last_wins` — through that page's parser
//! (`app/src/state/*.rs`).
//!
//! Checks, for an accepted link: the state written back to the URL
//! (`to_query`, encoded by `query_string`, decoded again) parses to the same
//! state; the link's total work is within the page's bounds (Offsets: the
//! run's poll-cycle bound; Compaction: records and cleaner passes), and small
//! accepted links replay with the engine's invariants (the delivery ledger
//! balances). For a refused link: a short message.

use kplay_app::state::{compaction, groups, offsets, partitioning, planner, schemas};
use kplay_app::url::{last_wins, parse_query, query_string};
use kplay_engine::scenario::TopicScenario;

use crate::{check_error_len, label_of, Finding, Target};

/// Which page's parser.
#[derive(Clone, Copy)]
pub(crate) enum Page {
    Topics,
    Partitioning,
    Groups,
    Offsets,
    Compaction,
    Planner,
    Schemas,
}

pub(crate) struct AppQuery(pub(crate) Page);

/// Accepted Offsets links with at most this many poll cycles are replayed.
const MAX_REPLAYED_CYCLES: u64 = 5_000;
/// Accepted Compaction links with at most this many records are replayed.
const MAX_REPLAYED_RECORDS: usize = 2_000;

type Pairs = Vec<(String, String)>;

fn reread(q: &[(String, String)]) -> Pairs {
    last_wins(parse_query(&query_string(q)))
}

fn refused(m: &str) -> Result<String, Finding> {
    check_error_len("link error", m)?;
    Ok(label_of("err", m, 40))
}

fn as_str(p: &Pairs) -> impl Iterator<Item = (&str, &str)> {
    p.iter().map(|(k, v)| (k.as_str(), v.as_str()))
}

impl Target for AppQuery {
    fn name(&self) -> &'static str {
        match self.0 {
            Page::Topics => "app_topics",
            Page::Partitioning => "app_partitioning",
            Page::Groups => "app_groups",
            Page::Offsets => "app_offsets",
            Page::Compaction => "app_compaction",
            Page::Planner => "app_planner",
            Page::Schemas => "app_schemas",
        }
    }

    fn dictionary(&self) -> &'static [&'static str] {
        match self.0 {
            Page::Topics => &[
                "topic=",
                "partitions=",
                "segment_bytes=",
                "ops=",
                "g100s7",
                "r%2541%3Db",
            ],
            Page::Partitioning => &[
                "p=", "n=", "src=keys", "k=", "dist=hot", "records=", "rate=", "m=spread", "tb=",
            ],
            Page::Groups => &[
                "topic=",
                "partitions=",
                "topic2=",
                "partitions2=",
                "assignor=",
                "protocol=cooperative",
                "static=1",
                "groups=",
                "ops=",
            ],
            Page::Offsets => &[
                "partitions=",
                "records=",
                "produce=",
                "consume=",
                "commit=auto-bg",
                "aci=",
                "ops=",
                "step",
                "run",
                "crash:after-write",
                "reset:to-earliest",
                "retention=",
                "segment=",
                "poison=",
            ],
            Page::Compaction => &[
                "ops=",
                "now=",
                "g:200000/100000@0",
                "p:k=v@0",
                "clean@1",
                "ret@2",
                "roll@0",
                "cleanup.policy=",
                "segment.bytes=",
                "%2C",
                "%3D",
                "%40",
                "%25",
            ],
            Page::Planner => &[
                "ingress_mb_per_s=",
                "retention_hours=",
                "replication_factor=",
                "brokers=",
                "headroom_pct=",
                "topic=",
            ],
            Page::Schemas => &[
                "topic=",
                "level=BACKWARD_TRANSITIVE",
                "v1=",
                "v2=",
                "next=",
                "writer=",
                "preset=",
                "%7B%22type%22%3A%22record%22%2C%22name%22%3A%22R%22%2C%22fields%22%3A%5B%5D%7D",
                "%22int%22",
                "%22long%22",
            ],
        }
    }

    fn run(&self, input: &[u8]) -> Result<String, Finding> {
        let text = String::from_utf8_lossy(input);
        let pairs = last_wins(parse_query(&text));
        match self.0 {
            Page::Topics => match TopicScenario::from_query(as_str(&pairs)) {
                Err(e) => refused(&e.to_string()),
                Ok(s) => {
                    let q: Pairs = s
                        .to_query()
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect();
                    let back = TopicScenario::from_query(as_str(&reread(&q)))
                        .map_err(|e| format!("written link does not parse back: {e}"))?;
                    if back != s {
                        return Err(format!(
                            "link round trip changed the scenario: {s:?} → {back:?}"
                        ));
                    }
                    Ok("ok".into())
                }
            },
            Page::Partitioning => match partitioning::PartitioningQuery::parse(&pairs) {
                Err(e) => refused(&e),
                Ok(q) => {
                    let back = partitioning::PartitioningQuery::parse(&reread(&pairs))
                        .map_err(|e| format!("re-encoded link does not parse back: {e}"))?;
                    if back != q {
                        return Err("link round trip changed the view".into());
                    }
                    Ok("ok".into())
                }
            },
            Page::Groups => match groups::Setup::from_query(as_str(&pairs)) {
                Err(e) => refused(&e),
                Ok(s) => {
                    let back = groups::Setup::from_query(as_str(&reread(&s.to_query())))
                        .map_err(|e| format!("written link does not parse back: {e}"))?;
                    if back != s {
                        return Err(format!(
                            "link round trip changed the setup: {s:?} → {back:?}"
                        ));
                    }
                    Ok("ok".into())
                }
            },
            Page::Offsets => match offsets::Scenario::from_query(as_str(&pairs)) {
                Err(e) => refused(&e),
                Ok(s) => {
                    let back = offsets::Scenario::from_query(as_str(&reread(&s.to_query())))
                        .map_err(|e| format!("written link does not parse back: {e}"))?;
                    if back != s {
                        return Err(format!(
                            "link round trip changed the scenario: {s:?} → {back:?}"
                        ));
                    }
                    let Ok(cfg) = s.settings.to_config() else {
                        return Ok("ok-unrunnable".into());
                    };
                    let bound = cfg.poll_cycle_bound();
                    if bound > offsets::MAX_LINK_POLL_CYCLES {
                        return Err(format!("accepted a run of up to {bound} poll cycles"));
                    }
                    if bound > MAX_REPLAYED_CYCLES || s.ops.len() > 20 {
                        return Ok("ok-big".into());
                    }
                    let Ok(mut session) = offsets::Session::new(s) else {
                        return Ok("ok-refused-at-start".into());
                    };
                    let mut rounds = 0u64;
                    while session.advance(1_000) > 0 {
                        rounds += 1;
                        if rounds > 10_000 {
                            return Err("replay does not finish".into());
                        }
                    }
                    let ledger = session.sim().ledger();
                    if !ledger.balances() {
                        return Err(format!("ledger does not balance: {ledger:?}"));
                    }
                    Ok("ok-replayed".into())
                }
            },
            Page::Compaction => match compaction::Scenario::from_query(as_str(&pairs)) {
                Err(e) => refused(&e),
                Ok(s) => {
                    let back = compaction::Scenario::from_query(as_str(&reread(&s.to_query())))
                        .map_err(|e| format!("written link does not parse back: {e}"))?;
                    if back != s {
                        return Err(format!(
                            "link round trip changed the scenario: {s:?} → {back:?}"
                        ));
                    }
                    s.check_work()
                        .map_err(|e| format!("accepted link is over the work bound: {e}"))?;
                    let small = s.ops.iter().all(|o| match &o.action {
                        compaction::Action::Generate { updates, .. } => *updates <= 500,
                        _ => true,
                    }) && s.ops.len() <= MAX_REPLAYED_RECORDS / 4;
                    if !small {
                        return Ok("ok-big".into());
                    }
                    match s.replay() {
                        Err(e) => refused(&e),
                        Ok(r) => {
                            let log = r.topic.partition(0).map(|p| p.log());
                            if let Some(log) = log {
                                let (start, hw, end) = (
                                    log.log_start_offset(),
                                    log.high_watermark(),
                                    log.log_end_offset(),
                                );
                                if !(start <= hw && hw <= end) {
                                    return Err(format!(
                                        "log offsets out of order: {start} {hw} {end}"
                                    ));
                                }
                            }
                            Ok("ok-replayed".into())
                        }
                    }
                }
            },
            Page::Schemas => match schemas::SchemaState::from_query(as_str(&pairs)) {
                Err(e) => refused(&e),
                Ok(s) => {
                    let back = schemas::SchemaState::from_query(as_str(&reread(&s.to_query())))
                        .map_err(|e| format!("written link does not parse back: {e}"))?;
                    if back != s {
                        return Err(format!(
                            "link round trip changed the state: {s:?} → {back:?}"
                        ));
                    }
                    if let Err(e) = s.analyze() {
                        check_error_len(
                            "schemas analysis error",
                            &kplay_engine::input::clip_message(&e),
                        )?;
                    }
                    Ok("ok".into())
                }
            },
            Page::Planner => {
                let (form, problems) = planner::PlannerForm::from_query(as_str(&pairs));
                for p in &problems {
                    check_error_len("planner link problem", p)?;
                }
                // The URL-visible state: an empty field and a missing one
                // are the same input, and values are written trimmed.
                let written = form.to_query();
                let (back, _) = planner::PlannerForm::from_query(as_str(&reread(&written)));
                if back.to_query() != written {
                    return Err(format!(
                        "link round trip changed the form: {form:?} → {back:?}"
                    ));
                }
                let (_, field_errors) = form.to_input();
                for e in &field_errors {
                    check_error_len("planner field error", &e.message)?;
                }
                Ok(if problems.is_empty() {
                    "ok".into()
                } else {
                    "ok-problems".into()
                })
            }
        }
    }
}
