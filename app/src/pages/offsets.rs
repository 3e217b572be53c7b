//! The Offsets & delivery page: produce → poll → process → sink → commit on
//! the simulated clock, crash the consumer at a chosen step, and count every
//! record as processed once, duplicated or lost.
//!
//! The URL holds the settings and the user's actions; the page replays them
//! through [`Session`] a chunk per animation frame (as does "play"), so the
//! page never blocks and a link reproduces the view exactly.

use kplay_engine::offsets::lag::{AlertLevel, LagBucket};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::components::{ErrorBanner, SimplificationNote};
use crate::state::offsets::{
    alert_label, crash_label, drain_label, parse_crash_step, parse_reset_spec, presets,
    reset_spec_token, sink_token, CommitChoice, OffsetsView, Op, Scenario, Session, TimelineBar,
    CRASH_BUTTONS, DEFAULT_MID_BATCH, RESETS, SINKS,
};
use crate::url::{use_query_pairs, use_set_query};

/// Milliseconds of work per animation frame.
const FRAME_BUDGET_MS: f64 = 12.0;
/// Poll cycles between clock checks.
const CHUNK: u64 = 32;

fn perf_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Everything the animation loop touches (all `Copy` handles).
#[derive(Clone, Copy)]
struct Driver {
    session: StoredValue<Option<Session>, LocalStorage>,
    view: RwSignal<Option<OffsetsView>, LocalStorage>,
    playing: RwSignal<bool>,
    scheduled: StoredValue<bool>,
    /// A scenario to write to the URL (set by the loop when play stops).
    write_url: RwSignal<Option<Scenario>, LocalStorage>,
}

impl Driver {
    fn schedule(self) {
        let already = self.scheduled.try_get_value().unwrap_or(true);
        if already {
            return;
        }
        self.scheduled.set_value(true);
        request_animation_frame(move || self.tick());
    }

    fn tick(self) {
        if self.scheduled.try_update_value(|s| *s = false).is_none() {
            return; // the page is gone
        }
        let start = perf_now();
        let want_play = self.playing.try_get_untracked().unwrap_or(false);
        let out = self
            .session
            .try_update_value(|slot| {
                let s = slot.as_mut()?;
                let mut playing = want_play;
                loop {
                    if !s.replayed() {
                        s.advance(CHUNK);
                    } else if playing {
                        playing = s.play(CHUNK);
                        if !playing {
                            break;
                        }
                    } else {
                        break;
                    }
                    if perf_now() - start > FRAME_BUDGET_MS {
                        break;
                    }
                }
                let busy = !s.replayed() || playing;
                let view = OffsetsView::of(s, !busy);
                let stopped = (want_play && !playing).then(|| s.current_scenario());
                Some((busy, view, stopped))
            })
            .flatten();
        let Some((busy, view, stopped)) = out else {
            return;
        };
        self.view.set(Some(view));
        if let Some(sc) = stopped {
            self.playing.set(false);
            self.write_url.set(Some(sc));
        }
        if busy {
            self.schedule();
        }
    }
}

/// The Offsets & delivery page.
#[component]
pub fn OffsetsPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let scenario = Memo::new(move |_| {
        query.with(|q| Scenario::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    let driver = Driver {
        session: StoredValue::new_local(None),
        view: RwSignal::new_local(None),
        playing: RwSignal::new(false),
        scheduled: StoredValue::new(false),
        write_url: RwSignal::new_local(None),
    };
    let (link_error, set_link_error) = signal(None::<String>);
    let (form_error, set_form_error) = signal(None::<String>);

    // URL → session: adopt when the new link only adds actions, else rebuild.
    Effect::new(move |_| match scenario.get() {
        Err(e) => {
            driver.playing.set(false);
            driver.session.set_value(None);
            driver.view.set(None);
            set_link_error.set(Some(format!("invalid share link: {e}")));
        }
        Ok(sc) => {
            set_link_error.set(None);
            let adopted = driver
                .session
                .try_update_value(|s| s.as_mut().is_some_and(|s| s.adopt(&sc)))
                .unwrap_or(false);
            if !adopted {
                match Session::new(sc) {
                    Ok(s) => driver.session.set_value(Some(s)),
                    Err(e) => {
                        driver.session.set_value(None);
                        driver.view.set(None);
                        set_link_error.set(Some(format!("invalid share link: {e}")));
                    }
                }
            }
            driver.schedule();
        }
    });
    // Play stopped by itself (run drained): write the steps taken into the URL.
    {
        let set_query = set_query.clone();
        Effect::new(move |_| {
            if let Some(sc) = driver.write_url.get() {
                driver.write_url.set(None);
                set_query(sc.to_query());
            }
        });
    }

    let current = move || {
        driver
            .session
            .try_with_value(|s| s.as_ref().map(Session::current_scenario))
            .flatten()
            .or_else(|| scenario.get_untracked().ok())
            .unwrap_or_default()
    };
    // Every user action pauses play and appends to the URL.
    let push = {
        let set_query = set_query.clone();
        move |op: Op| {
            driver.playing.set(false);
            set_form_error.set(None);
            set_query(current().with_op(op).to_query());
        }
    };
    // A settings change starts a new run (actions cleared).
    let set_param = {
        let set_query = set_query.clone();
        move |key: &'static str, value: String| {
            driver.playing.set(false);
            let sc = current();
            let mut pairs: Vec<(String, String)> = sc
                .to_query()
                .into_iter()
                .filter(|(k, _)| k != key && k != "ops")
                .collect();
            if !value.trim().is_empty() {
                pairs.push((key.to_owned(), value.trim().to_owned()));
            }
            match Scenario::from_query(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                Ok(next) => match next.settings.to_config() {
                    Ok(_) => {
                        set_form_error.set(None);
                        set_query(next.to_query());
                    }
                    Err(e) => set_form_error.set(Some(e)),
                },
                Err(e) => set_form_error.set(Some(e)),
            }
        }
    };

    let error = Signal::derive(move || {
        form_error.get().or_else(|| link_error.get()).or_else(|| {
            driver
                .view
                .with(|v| v.as_ref().and_then(|v| v.error.clone()))
        })
    });
    let settings = move || scenario.get().ok().unwrap_or_default().settings;

    let num_field = {
        let set_param = set_param.clone();
        move |label: &'static str, key: &'static str, get: fn(&Scenario) -> String| {
            let set_param = set_param.clone();
            view! {
                <label>
                    {label}
                    <input
                        class="short"
                        inputmode="decimal"
                        data-testid=format!("set-{key}")
                        prop:value=move || get(&scenario.get().ok().unwrap_or_default())
                        on:change=move |ev| set_param(key, event_target_value(&ev))
                    />
                </label>
            }
        }
    };

    let preset_buttons = {
        let set_query = set_query.clone();
        presets()
            .into_iter()
            .map(|(id, label, sc)| {
                let set_query = set_query.clone();
                view! {
                    <button
                        type="button"
                        class="secondary"
                        data-testid=id
                        on:click=move |_| {
                            driver.playing.set(false);
                            set_form_error.set(None);
                            set_query(sc.to_query());
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };

    let (mid_count, set_mid_count) = signal(DEFAULT_MID_BATCH.to_string());
    let crash_buttons = {
        let push = push.clone();
        CRASH_BUTTONS
            .iter()
            .map(|&(token, label)| {
                let push = push.clone();
                view! {
                    <button
                        type="button"
                        class="crash"
                        data-testid=format!("crash-{token}")
                        on:click=move |_| {
                            let t = if token == "mid" {
                                format!("mid{}", mid_count.get_untracked().trim())
                            } else {
                                token.to_owned()
                            };
                            match parse_crash_step(&t) {
                                Ok(step) => push(Op::Crash(step)),
                                Err(e) => set_form_error.set(Some(e)),
                            }
                        }
                    >
                        {label}
                    </button>
                }
            })
            .collect_view()
    };

    let step1 = {
        let push = push.clone();
        move |_| push(Op::Step(1))
    };
    let step10 = {
        let push = push.clone();
        move |_| push(Op::Step(10))
    };
    let run = {
        let push = push.clone();
        move |_| push(Op::Run)
    };
    let restart = {
        let set_query = set_query.clone();
        move |_| {
            driver.playing.set(false);
            let sc = current();
            set_query(sc.with_settings(sc.settings.clone()).to_query());
        }
    };
    let play = move |_| {
        set_form_error.set(None);
        driver.playing.set(true);
        driver.schedule();
    };
    let pause = {
        let set_query = set_query.clone();
        move |_| {
            driver.playing.set(false);
            set_query(current().to_query());
        }
    };

    // Reset tool.
    let (reset_input, set_reset_input) = signal(String::new());
    let dry_run = {
        let set_query = set_query.clone();
        move |_| match parse_reset_spec(reset_input.get_untracked().trim()) {
            Ok(spec) => {
                driver.playing.set(false);
                set_form_error.set(None);
                let mut sc = current();
                sc.dry_run = spec;
                set_query(sc.to_query());
            }
            Err(e) => set_form_error.set(Some(e)),
        }
    };
    let execute = {
        let push = push.clone();
        move |_| {
            let spec = current().dry_run;
            push(Op::Reset(spec));
        }
    };

    let status = move || {
        driver
            .view
            .with(|v| v.as_ref().map_or("loading", |v| v.status.label()))
    };
    let playing = driver.playing;

    let commit_select = {
        let set_param = set_param.clone();
        view! {
            <label>
                "Commit strategy"
                <select
                    data-testid="set-commit"
                    on:change=move |ev| set_param("commit", event_target_value(&ev))
                >
                    {CommitChoice::ALL
                        .iter()
                        .map(|&(c, token, label)| {
                            view! {
                                <option value=token selected=move || settings().commit == c>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
    };
    let sink_select = {
        let set_param = set_param.clone();
        view! {
            <label>
                "Sink"
                <select
                    data-testid="set-sink"
                    on:change=move |ev| set_param("sink", event_target_value(&ev))
                >
                    {SINKS
                        .iter()
                        .map(|&(m, token, label)| {
                            view! {
                                <option value=token selected=move || settings().sink == m>
                                    {label}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
    };
    let reset_select = {
        let set_param = set_param.clone();
        view! {
            <label>
                <code>"auto.offset.reset"</code>
                <select
                    data-testid="set-reset"
                    on:change=move |ev| set_param("reset", event_target_value(&ev))
                >
                    {RESETS
                        .iter()
                        .map(|&(r, token)| {
                            view! {
                                <option value=token selected=move || settings().auto_offset_reset == r>
                                    {token}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
        }
    };

    view! {
        <section class="page offsets">
            <h1>"Offsets & delivery"</h1>
            <p class="lede">
                "A producer writes records, one consumer polls, processes, writes to a sink and commits. "
                "Crash it at any step and count every record: processed once, duplicated, or lost. "
                "Position (next offset to fetch) and committed offset are kept apart — every duplicate "
                "and every loss lives in the gap between them."
            </p>
            <ErrorBanner message=error/>
            <div class="row presets">"Presets: " {preset_buttons}</div>
            <div class="forms">
                <form class="card settings" on:submit=|ev| ev.prevent_default()>
                    <h2>"Settings " <small>"(changing one starts a new run)"</small></h2>
                    <div class="grid">
                        {num_field("Partitions", "partitions", |s| s.settings.partitions.to_string())}
                        {num_field("Records to produce", "records", |s| s.settings.records.to_string())}
                        {num_field("Produce rate (rec/s)", "produce", |s| s.settings.produce_per_sec.to_string())}
                        {num_field("Consume rate (rec/s)", "consume", |s| s.settings.consume_per_sec.to_string())}
                        {num_field("max.poll.records", "maxpoll", |s| s.settings.max_poll_records.to_string())}
                        {num_field("auto.commit.interval.ms", "aci", |s| s.settings.auto_commit_interval_ms.to_string())}
                        {commit_select}
                        {sink_select}
                        {reset_select}
                        {num_field("retention.ms (empty = ∞)", "retention", |s| s.settings.retention_ms.map(|r| r.to_string()).unwrap_or_default())}
                        {num_field("segment.bytes", "segment", |s| s.settings.segment_bytes.to_string())}
                        {num_field("Poison every N-th (empty = none)", "poison", |s| s.settings.poison_every.map(|r| r.to_string()).unwrap_or_default())}
                        {num_field("Retries before DLQ", "retries", |s| s.settings.max_retries.to_string())}
                        {num_field("Lag warning", "warn", |s| s.settings.warning.to_string())}
                        {num_field("Lag critical", "crit", |s| s.settings.critical.to_string())}
                    </div>
                </form>
                <div class="card controls">
                    <h2>
                        "Run " <span class="status" data-testid="sim-status">{status}</span>
                    </h2>
                    <div class="row">
                        <button type="button" data-testid="step" on:click=step1>"Step"</button>
                        <button type="button" data-testid="step10" on:click=step10>"Step ×10"</button>
                        <Show
                            when=move || playing.get()
                            fallback=move || view! { <button type="button" data-testid="play" on:click=play>"▶ Play"</button> }
                        >
                            <button type="button" data-testid="pause" on:click=pause.clone()>"⏸ Pause"</button>
                        </Show>
                        <button type="button" data-testid="run" on:click=run>"Run to end"</button>
                        <button type="button" class="secondary" data-testid="restart" on:click=restart>"Restart"</button>
                    </div>
                    <p class="clock">
                        "Simulated time " <span data-testid="sim-now">{move || driver.view.with(|v| v.as_ref().map_or(0, |v| v.now_ms))}</span>
                        " ms · batches " {move || driver.view.with(|v| v.as_ref().map_or(0, |v| v.batches))}
                    </p>
                    <h3>"Crash the consumer during the next batch"</h3>
                    <div class="row crashes">{crash_buttons}</div>
                    <label class="inline">
                        "mid batch: records processed before the crash"
                        <input class="short" data-testid="crash-mid-count" prop:value=mid_count on:input=move |ev| set_mid_count.set(event_target_value(&ev))/>
                    </label>
                    <p class="hint">
                        {move || driver.view.with(|v| v.as_ref().map(|v| match v.crashes_pending {
                            0 => String::new(),
                            n => format!("{n} crash(es) scheduled, waiting for the next batch"),
                        }))}
                    </p>
                </div>
            </div>
            {move || driver.view.with(|v| v.as_ref().map(|v| view! { <Ledger v=v.clone()/> }))}
            <div class="card timeline-card">
                <h2>"Offsets per partition"</h2>
                <Legend/>
                {move || driver.view.with(|v| v.as_ref().map(|v| view! { <Timeline v=v.clone()/> }))}
            </div>
            <LagChart view=driver.view/>
            <div class="forms">
                <div class="card describe">
                    <h2><code>"kafka-consumer-groups --describe --group pipeline"</code></h2>
                    <pre data-testid="describe-output">{move || driver.view.with(|v| v.as_ref().map(|v| v.describe.clone()).unwrap_or_default())}</pre>
                </div>
                <form class="card reset-tool" on:submit=|ev| ev.prevent_default()>
                    <h2>"Reset offsets"</h2>
                    <p class="hint">
                        "Only an inactive group can be reset (state " <code>"Empty"</code>
                        "): here, once the run has drained and the consumer has closed."
                    </p>
                    <label>
                        "Spec: earliest, latest, current, offset:N, shift:N, datetime:1970-01-01T00:00:05.000, duration:PT5S"
                        <input
                            data-testid="reset-spec"
                            prop:value=move || reset_spec_token(scenario.get().ok().unwrap_or_default().dry_run)
                            on:input=move |ev| set_reset_input.set(event_target_value(&ev))
                        />
                    </label>
                    <div class="row">
                        <button type="submit" data-testid="reset-dry-run-button" on:click=dry_run>"Dry run"</button>
                        <button type="button" class="danger" data-testid="reset-execute" on:click=execute>"Execute"</button>
                        <span class="group-state">
                            "group state: "
                            <code data-testid="group-state">{move || driver.view.with(|v| v.as_ref().map(|v| v.group_state.to_string()).unwrap_or_default())}</code>
                        </span>
                    </div>
                    <pre class="command" data-testid="reset-command">{move || driver.view.with(|v| v.as_ref().map(|v| format!("$ {}", v.dry_run.command)).unwrap_or_default())}</pre>
                    <pre data-testid="reset-dry-run" class:error=move || driver.view.with(|v| v.as_ref().is_some_and(|v| v.dry_run.output.is_err()))>
                        {move || driver.view.with(|v| v.as_ref().map(|v| match &v.dry_run.output {
                            Ok(t) => format!("{}{}", v.dry_run.warnings.iter().map(|w| format!("{w}\n")).collect::<String>(), t),
                            Err(e) => e.clone(),
                        }).unwrap_or_default())}
                    </pre>
                </form>
            </div>
            {move || driver.view.with(|v| v.as_ref().map(|v| view! { <Events v=v.clone()/> }))}
            <SimplificationNote>
                "One consumer owns every partition; processing takes exactly 1/rate s per record. "
                "A crashed consumer restarts after 3 s and stays a member meanwhile (kplay does not model "
                "session.timeout.ms), so the group is Stable until the run drains and the consumer closes; "
                "only then can offsets be reset. Replication is instant (high watermark = log end). "
                "Retention is checked every 500 ms of simulated time (brokers: 5 min) and deletes whole "
                "segments. Poison records are retried inline with a 100 ms back-off before going to "
                "events.DLQ. The page simulates at most 200,000 records."
            </SimplificationNote>
        </section>
    }
}

#[component]
fn Legend() -> impl IntoView {
    view! {
        <p class="legend">
            <span class="sw deleted"></span>"deleted by retention "
            <span class="sw committed"></span>"committed "
            <span class="sw inflight"></span>"polled, not committed "
            <span class="sw lagging"></span>"not yet polled (lag) "
            " · markers: " <b class="mk-ls">"S"</b>" log start, " <b class="mk-c">"C"</b>" committed, "
            <b class="mk-p">"P"</b>" position, " <b class="mk-hw">"HW"</b>" high watermark = log end"
        </p>
    }
}

#[component]
fn Ledger(v: OffsetsView) -> impl IntoView {
    let l = v.ledger;
    let balanced = l.balances();
    let final_ = l.pending == 0;
    let check = if balanced {
        if final_ {
            format!(
                "✓ balances: {} once + {} duplicated + {} lost = {} produced",
                l.processed_once, l.duplicated, l.lost, l.produced
            )
        } else {
            format!(
                "✓ balances: {} once + {} duplicated + {} lost + {} pending = {} produced",
                l.processed_once, l.duplicated, l.lost, l.pending, l.produced
            )
        }
    } else {
        "✗ the ledger does not balance (a kplay bug — please report it)".to_owned()
    };
    let sink = v.sink.map(|s| {
        view! {
            <p class="sink" data-testid="sink-report">
                "Sink (" {sink_token(s.mode)} "): " {s.rows} " rows from "
                {s.writes} " writes; duplicate rows " <b data-testid="sink-duplicate-rows">{s.duplicate_effects}</b>
                "; writes absorbed " {s.absorbed_writes} ". Warehouse view "
                <code>"MAX(offset) per key"</code> ": " {s.max_offset_view_rows} " rows"
                {if s.max_offset_view_consistent { " (consistent: duplicates hidden downstream)" } else { " (inconsistent!)" }}
            </p>
        }
    });
    view! {
        <div class="card ledger" data-testid="ledger">
            <h2>"Delivery ledger"</h2>
            <div class="cells">
                <div class="cell">
                    <span class="n" data-testid="ledger-produced">{l.produced}</span>
                    <span class="what">"produced"</span>
                </div>
                <div class="cell once">
                    <span class="n" data-testid="ledger-once">{l.processed_once}</span>
                    <span class="what">"processed once"</span>
                </div>
                <div class="cell dup" class:hot={l.duplicated > 0}>
                    <span class="n" data-testid="ledger-duplicates">{l.duplicated}</span>
                    <span class="what">"duplicated (" {l.duplicate_deliveries} " extra deliveries)"</span>
                </div>
                <div class="cell lost" class:hot={l.lost > 0}>
                    <span class="n" data-testid="ledger-lost">{l.lost}</span>
                    <span class="what">
                        "lost (" {l.lost_committed_unprocessed} " committed before processing, "
                        {l.lost_to_offset_reset} " skipped by offset reset)"
                    </span>
                </div>
                <div class="cell">
                    <span class="n" data-testid="ledger-pending">{l.pending}</span>
                    <span class="what">"pending"</span>
                </div>
                <div class="cell">
                    <span class="n" data-testid="ledger-dlq">{l.dead_lettered}</span>
                    <span class="what">"dead-lettered" {v.dlq_len.map(|n| format!(" ({n} in events.DLQ)"))}</span>
                </div>
            </div>
            <p class="balance" class:bad=!balanced data-testid="ledger-balances">{check}</p>
            {sink}
        </div>
    }
}

fn pct(x: i64, scale: i64) -> f64 {
    if scale <= 0 {
        0.0
    } else {
        (100.0 * x as f64 / scale as f64).clamp(0.0, 100.0)
    }
}

#[component]
fn Timeline(v: OffsetsView) -> impl IntoView {
    let scale = v.max_log_end.max(1);
    view! {
        <div class="timeline" data-testid="timeline">
            {v.timeline.into_iter().map(|t| view! { <Bar t=t scale=scale/> }).collect_view()}
        </div>
    }
}

#[component]
fn Bar(t: TimelineBar, scale: i64) -> impl IntoView {
    let o = t.offsets;
    let p = o.partition;
    let committed = o.committed.unwrap_or(o.log_start).max(o.log_start);
    let position = o.position.unwrap_or(committed);
    let span = |from: i64, to: i64, class: &'static str| {
        (to > from).then(|| {
            let style = format!(
                "left: {:.3}%; width: {:.3}%",
                pct(from, scale),
                pct(to, scale) - pct(from, scale)
            );
            view! { <span class=format!("seg {class}") style=style></span> }
        })
    };
    let marker = |at: i64, class: &'static str, label: &'static str, title: String| {
        let style = format!("left: {:.3}%", pct(at, scale));
        view! {
            <span class=format!("mk {class}") style=style title=title>
                <b>{label}</b>
            </span>
        }
    };
    let fmt = |x: Option<i64>| x.map_or_else(|| "-".to_owned(), |x| x.to_string());
    view! {
        <div class="tl-row" data-testid=format!("timeline-{p}")>
            <div class="tl-name">"p" {p}</div>
            <div class="tl-bar">
                {span(0, o.log_start, "deleted")}
                {span(o.log_start, committed.min(o.high_watermark), "committed")}
                {span(committed, position.min(o.high_watermark), "inflight")}
                {span(position.max(committed), o.high_watermark, "lagging")}
                {marker(o.log_start, "mk-ls", "S", format!("log start {}", o.log_start))}
                {o.committed.map(|c| marker(c, "mk-c", "C", format!("committed {c}")))}
                {o.position.map(|x| marker(x, "mk-p", "P", format!("position {x}")))}
                {marker(o.high_watermark, "mk-hw", "HW", format!("high watermark {} · log end {}", o.high_watermark, o.log_end))}
            </div>
            <div class="tl-nums">
                "start " <span data-testid=format!("tl-{p}-log-start")>{o.log_start}</span>
                " · committed " <span data-testid=format!("tl-{p}-committed")>{fmt(o.committed)}</span>
                " · position " <span data-testid=format!("tl-{p}-position")>{fmt(o.position)}</span>
                " · HW " <span data-testid=format!("tl-{p}-hw")>{o.high_watermark}</span>
                " · LEO " <span data-testid=format!("tl-{p}-leo")>{o.log_end}</span>
                " · lag " <span data-testid=format!("tl-{p}-lag")>{fmt(o.lag)}</span>
                " · time lag " {format!("{:.1} s", t.time_lag_ms as f64 / 1000.0)}
            </div>
        </div>
    }
}

#[component]
fn Events(v: OffsetsView) -> impl IntoView {
    let crashes = v
        .crashes
        .iter()
        .map(|c| {
            view! {
                <li>
                    "t=" {c.at_ms} " ms, batch " {c.batch} ": crash " {crash_label(c.step)} " ("
                    {c.handled_in_batch} " of " {c.batch_len} " records handled)"
                </li>
            }
        })
        .collect_view();
    let resets = v
        .resets
        .iter()
        .map(|r| {
            view! {
                <li>
                    "t=" {r.at_ms} " ms, partition " {r.partition} ": " {format!("{:?}", r.source)}
                    {r.from.map(|f| format!(" from {f}"))} " → " {r.to} ", " {r.lost} " records skipped"
                </li>
            }
        })
        .collect_view();
    view! {
        <div class="forms events">
            <div class="card">
                <h2>"Crashes " <span data-testid="crash-count">{v.crashes.len() + v.crashes_hidden}</span></h2>
                {(v.crashes_hidden > 0).then(|| view! { <p class="more">"+" {v.crashes_hidden} " earlier"</p> })}
                <ul data-testid="crash-events">{crashes}</ul>
            </div>
            <div class="card">
                <h2>"auto.offset.reset events"</h2>
                {(v.resets_hidden > 0).then(|| view! { <p class="more">"+" {v.resets_hidden} " earlier"</p> })}
                <ul data-testid="reset-events">{resets}</ul>
                <p>"Segments deleted by retention: " <span data-testid="segments-deleted">{v.segments_deleted}</span></p>
            </div>
        </div>
    }
}

/// Draws the lag history (bucket maxima) with threshold lines.
fn draw_lag(
    canvas: web_sys::HtmlCanvasElement,
    buckets: &[LagBucket],
    warning: i64,
    critical: i64,
) -> Result<(), String> {
    let backend =
        CanvasBackend::with_canvas_object(canvas).ok_or("the lag chart has no 2D canvas")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let x_max = (buckets.last().map_or(0, |b| b.end) as f64 / 1000.0).max(1.0);
    let peak = buckets.iter().map(|b| b.max).max().unwrap_or(0);
    let y_max = (peak.max(warning) as f64 * 1.15).max(10.0);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(64)
        .build_cartesian_2d(0f64..x_max, 0f64..y_max)
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc("lag (messages)")
        .light_line_style(RGBColor(240, 240, 240))
        .draw()
        .map_err(|e| e.to_string())?;
    let blue = RGBColor(37, 99, 235);
    chart
        .draw_series(
            AreaSeries::new(
                buckets
                    .iter()
                    .map(|b| (b.end as f64 / 1000.0, b.max as f64)),
                0.0,
                blue.mix(0.18),
            )
            .border_style(blue.stroke_width(2)),
        )
        .map_err(|e| e.to_string())?
        .label("total lag (max per bucket)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], blue.stroke_width(2)));
    let navy = RGBColor(30, 58, 138);
    chart
        .draw_series(LineSeries::new(
            buckets
                .iter()
                .map(|b| (b.end as f64 / 1000.0, b.last as f64)),
            navy.stroke_width(1),
        ))
        .map_err(|e| e.to_string())?
        .label("total lag (last sample per bucket)")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], navy.stroke_width(1)));
    let amber = RGBColor(217, 119, 6);
    chart
        .draw_series(LineSeries::new(
            [(0.0, warning as f64), (x_max, warning as f64)],
            amber.stroke_width(2),
        ))
        .map_err(|e| e.to_string())?
        .label(format!("warning {warning}"))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], amber.stroke_width(2)));
    if (critical as f64) <= y_max {
        let red = RGBColor(220, 38, 38);
        chart
            .draw_series(LineSeries::new(
                [(0.0, critical as f64), (x_max, critical as f64)],
                red.stroke_width(2),
            ))
            .map_err(|e| e.to_string())?
            .label(format!("critical {critical}"))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], red.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}

#[component]
fn LagChart(view: RwSignal<Option<OffsetsView>, LocalStorage>) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let (draw_error, set_draw_error) = signal(None::<String>);
    Effect::new(move |_| {
        let data = view.with(|v| v.as_ref().map(|v| (v.lag.clone(), v.thresholds)));
        let (Some(el), Some((buckets, (w, c)))) = (canvas.get(), data) else {
            return;
        };
        set_draw_error.set(draw_lag(el, &buckets, w, c).err());
    });
    let alert = move || view.with(|v| v.as_ref().map_or(AlertLevel::Ok, |v| v.alert));
    view! {
        <div class="card lag-card">
            <h2>
                "Consumer lag over time "
                <span
                    class="alert-badge"
                    class:warning=move || alert() == AlertLevel::Warning
                    class:critical=move || alert() == AlertLevel::Critical
                    data-testid="lag-alert"
                >
                    {move || alert_label(alert())}
                </span>
            </h2>
            <p class="hint">
                "Total lag = Σ (high watermark − committed), as " <code>"kafka-consumer-groups"</code>
                " prints it; now " <span data-testid="total-lag">{move || view.with(|v| v.as_ref().map_or(0, |v| v.total_lag))}</span>
                " messages. Time to drain: " <span data-testid="drain">{move || view.with(|v| drain_label(v.as_ref().and_then(|v| v.drain)))}</span>
                ". History kept in at most 256 buckets ("
                {move || view.with(|v| v.as_ref().map_or(0, |v| v.lag_resolution_ms))} " ms each now)."
            </p>
            <canvas node_ref=canvas width="900" height="280" data-testid="lag-chart"></canvas>
            <p class="hint">{move || draw_error.get()}</p>
        </div>
    }
}
