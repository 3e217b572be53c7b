//! The Compaction & retention page: one single-partition topic whose configs,
//! produced updates, segment rolls, cleaner passes and retention checks all
//! live in the URL and are replayed deterministically (see
//! [`crate::state::compaction`]).

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use leptos::prelude::*;

use crate::components::{ErrorBanner, SimplificationNote, ValueInput};
use crate::state::compaction::{
    check_config, parse_advance, parse_generate, preview, Action, CleanSummary, CompactionView,
    Gauge, RetentionSummary, Scenario, SegmentBlock, CONFIG_NAMES, MAX_CELLS, PAGE_DEFAULTS, TOPIC,
};
use crate::url::{use_query_pairs, use_set_query};

/// How long removed records / deleted segments stay highlighted before they go.
const REMOVE_ANIMATION: Duration = Duration::from_millis(900);

/// What is about to disappear (highlighted during the animation).
#[derive(Debug, Clone, Default, PartialEq)]
struct Removing {
    offsets: HashSet<i64>,
    segments: HashSet<i64>,
}

/// The Compaction & retention page.
#[component]
pub fn CompactionPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let scenario = Memo::new(move |_| {
        query.with(|q| Scenario::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    let replayed = Memo::new(move |_| {
        scenario
            .get()
            .and_then(|s| s.replay())
            .map(|r| CompactionView::build(&r))
    });
    let (form_error, set_form_error) = signal(None::<String>);
    let error = Signal::derive(move || {
        form_error.get().or_else(|| match replayed.get() {
            Err(e) => Some(e),
            Ok(v) => v.failed,
        })
    });
    let view_model = Memo::new(move |_| replayed.get().ok());
    let removing = RwSignal::new(None::<Removing>);
    // An action whose removal is still animating: it is already the state
    // every later action builds on, and its delayed URL write is dropped if
    // anything else navigates first (issue 16 #7: a late cleaner result
    // overwrote a Clear or a Produce made during the animation).
    let pending = StoredValue::new(None::<(u64, Scenario)>);
    let generation = StoredValue::new(0u64);
    let current = move || {
        pending
            .with_value(|p| p.as_ref().map(|(_, s)| s.clone()))
            .unwrap_or_else(|| scenario.get_untracked().unwrap_or_default())
    };

    // Config edits: resynced from the URL whenever its configs change (not on
    // every action, so unapplied edits survive a produce).
    let edits = RwSignal::new(BTreeMap::<String, String>::new());
    let url_configs = Memo::new(move |_| scenario.get().map(|s| s.configs));
    Effect::new(move |_| {
        // On a bad link, show the link's raw values so the bad one can be fixed.
        let configs = url_configs.get().unwrap_or_else(|_| {
            query.with_untracked(|q| {
                PAGE_DEFAULTS
                    .iter()
                    .map(|&(k, v)| {
                        let typed = q.iter().find(|(name, _)| name == k);
                        (
                            k.to_owned(),
                            typed.map_or_else(|| v.to_owned(), |(_, t)| t.clone()),
                        )
                    })
                    .collect()
            })
        });
        edits.set(configs);
    });

    let navigate = {
        let set_query = set_query.clone();
        move |s: &Scenario| {
            pending.set_value(None);
            removing.set(None);
            set_form_error.set(None);
            set_query(s.to_query());
        }
    };

    // One user action: replay with it appended; on success animate what it
    // removes (if anything), then move the URL.
    let act = {
        let navigate = navigate.clone();
        move |action: Action| {
            match preview(&current(), action) {
                Err(e) => set_form_error.set(Some(e)),
                Ok(p) if p.removed_offsets.is_empty() && p.deleted_segments.is_empty() => {
                    navigate(&p.next)
                }
                Ok(p) => {
                    set_form_error.set(None);
                    removing.set(Some(Removing {
                        offsets: p.removed_offsets.iter().copied().collect(),
                        segments: p.deleted_segments.iter().copied().collect(),
                    }));
                    let g = generation.get_value() + 1;
                    generation.set_value(g);
                    pending.set_value(Some((g, p.next.clone())));
                    let navigate = navigate.clone();
                    set_timeout(
                        move || {
                            // Only if nothing navigated since (that cleared it).
                            let mine =
                                pending.with_value(|p| p.as_ref().map(|(id, _)| *id)) == Some(g);
                            if mine {
                                navigate(&p.next);
                            }
                        },
                        REMOVE_ANIMATION,
                    );
                }
            }
        }
    };

    let apply_configs = {
        let navigate = navigate.clone();
        move |_| match current().with_configs(&edits.get_untracked()) {
            Ok(s) => navigate(&s),
            Err(e) => set_form_error.set(Some(e)),
        }
    };
    let reset_configs = {
        let navigate = navigate.clone();
        move |_| {
            let s = Scenario {
                configs: Scenario::default().configs,
                ..current()
            };
            navigate(&s);
        }
    };

    // Produce form.
    let (key, set_key) = signal(String::from("k1"));
    let value = RwSignal::new(String::from("a"));
    let tombstone = RwSignal::new(false);
    let (gen_updates, set_gen_updates) = signal(String::from("100"));
    let (gen_keys, set_gen_keys) = signal(String::from("10"));
    let produce = {
        let act = act.clone();
        move |_| {
            act(Action::Produce {
                key: key.get_untracked(),
                value: (!tombstone.get_untracked()).then(|| value.get_untracked()),
            })
        }
    };
    let generate = {
        let act = act.clone();
        move |_| match parse_generate(&gen_updates.get_untracked(), &gen_keys.get_untracked()) {
            Ok((updates, keys)) => act(Action::Generate { updates, keys }),
            Err(e) => set_form_error.set(Some(e)),
        }
    };

    // Time and log actions.
    let (advance_by, set_advance_by) = signal(String::from("1000"));
    let advance = {
        let navigate = navigate.clone();
        move |_| match parse_advance(&advance_by.get_untracked())
            .and_then(|d| current().advanced(d))
        {
            Ok(s) => navigate(&s),
            Err(e) => set_form_error.set(Some(e)),
        }
    };
    let roll = {
        let act = act.clone();
        move |_| act(Action::Roll)
    };
    let run_cleaner = {
        let act = act.clone();
        move |_| act(Action::Clean)
    };
    let apply_retention = {
        let act = act.clone();
        move |_| act(Action::Retention)
    };
    let clear = {
        let navigate = navigate.clone();
        move |_| {
            let s = Scenario {
                ops: Vec::new(),
                now: 0,
                ..current()
            };
            navigate(&s);
        }
    };
    let ops_text = move || {
        scenario
            .get()
            .map(|s| {
                s.ops
                    .iter()
                    .map(|o| o.encode())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };

    view! {
        <section class="page compaction">
            <h1>"Compaction & retention"</h1>
            <p class="lede">
                "One partition of a topic. Produce updates to keys, roll segments, move the simulated clock, "
                "then run the log cleaner (" <code>"cleanup.policy=compact"</code>
                ": the latest record per key survives, offsets keep their gaps) or a retention check ("
                <code>"delete"</code> ": whole segments drop off the head)."
            </p>
            <ErrorBanner message=error/>
            <div class="forms">
                <form class="card configs" on:submit=|ev| ev.prevent_default()>
                    <h2>"Topic configs"</h2>
                    {CONFIG_NAMES
                        .iter()
                        .map(|&name| view! { <ConfigField name=name edits=edits/> })
                        .collect_view()}
                    <div class="row">
                        <button type="submit" data-testid="apply-configs" on:click=apply_configs>
                            "Apply configs"
                        </button>
                        <button
                            type="button"
                            class="secondary"
                            data-testid="reset-configs"
                            on:click=reset_configs
                        >
                            "Page defaults"
                        </button>
                    </div>
                    <p class="hint">"Configs apply to the whole sequence of actions, replayed from the start."</p>
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Produce"</h2>
                    <label>
                        "Key"
                        <input
                            data-testid="key"
                            prop:value=key
                            on:input=move |ev| set_key.set(event_target_value(&ev))
                        />
                    </label>
                    <ValueInput value=value tombstone=tombstone/>
                    <button type="submit" data-testid="produce" on:click=produce>
                        "Produce update"
                    </button>
                    <div class="row">
                        "Generate"
                        <input
                            data-testid="gen-updates"
                            class="tiny"
                            inputmode="numeric"
                            prop:value=gen_updates
                            on:input=move |ev| set_gen_updates.set(event_target_value(&ev))
                        />
                        "updates over"
                        <input
                            data-testid="gen-keys"
                            class="tiny"
                            inputmode="numeric"
                            prop:value=gen_keys
                            on:input=move |ev| set_gen_keys.set(event_target_value(&ev))
                        />
                        "keys"
                        <button type="button" data-testid="generate" on:click=generate>
                            "Generate"
                        </button>
                    </div>
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Time & log"</h2>
                    <p class="now">
                        "Simulated time: " <strong data-testid="now">{move || current_now(&scenario.get())}</strong> " ms"
                    </p>
                    <div class="row">
                        <input
                            data-testid="advance-by"
                            class="short"
                            inputmode="numeric"
                            prop:value=advance_by
                            on:input=move |ev| set_advance_by.set(event_target_value(&ev))
                        />
                        <button type="button" data-testid="advance" on:click=advance>
                            "Advance time (ms)"
                        </button>
                    </div>
                    <div class="row">
                        <button type="button" class="secondary" data-testid="roll" on:click=roll>
                            "Roll segment"
                        </button>
                        <button type="button" data-testid="run-cleaner" on:click=run_cleaner>
                            "Run cleaner"
                        </button>
                        <button type="button" data-testid="apply-retention" on:click=apply_retention>
                            "Apply retention"
                        </button>
                    </div>
                    <button type="button" class="secondary" data-testid="clear-ops" on:click=clear>
                        "Clear actions"
                    </button>
                    <p class="ops">"Actions: " <code data-testid="ops-list">{ops_text}</code></p>
                </form>
            </div>
            {move || {
                view_model
                    .get()
                    .map(|v| view! { <LogPanel view=v removing=removing.read_only()/> })
            }}
            <SimplificationNote>
                "The cleaner runs when you press Run cleaner, even if Kafka's cleaner thread would not pick "
                "the log yet (the report says whether it would: dirty ratio > "
                <code>"min.cleanable.dirty.ratio"</code> " or " <code>"max.compaction.lag.ms"</code>
                " passed); retention runs when you press Apply retention, not every "
                <code>"log.retention.check.interval.ms"</code> ". Segments roll only on append, by "
                <code>"segment.bytes"</code> " and " <code>"segment.ms"</code> ", or with Roll segment. "
                "Sizes are Kafka's record-batch sizes, one batch per produced update; the offset map holds "
                "exact keys (no MD5 collisions); there are no indexes and replication is instant. "
                "Every record here has a key (compacted topics reject null keys with INVALID_RECORD). "
                "Page defaults use short times and small segments; Kafka's are days and 1 GiB."
            </SimplificationNote>
        </section>
    }
}

fn current_now(s: &Result<Scenario, String>) -> String {
    s.as_ref().map(|s| s.now.to_string()).unwrap_or_default()
}

/// One config input, with its inline error in Kafka's words.
#[component]
fn ConfigField(name: &'static str, edits: RwSignal<BTreeMap<String, String>>) -> impl IntoView {
    let value = move || edits.with(|m| m.get(name).cloned().unwrap_or_default());
    let set = move |v: String| {
        edits.update(|m| {
            m.insert(name.to_owned(), v);
        })
    };
    let inline = move || check_config(name, &value());
    let input = if name == "cleanup.policy" {
        view! {
            <select
                data-testid=format!("config-{name}")
                prop:value=value
                on:change=move |ev| set(event_target_value(&ev))
            >
                <option value="compact">"compact"</option>
                <option value="delete">"delete"</option>
                <option value="compact,delete">"compact,delete"</option>
            </select>
        }
        .into_any()
    } else {
        view! {
            <input
                data-testid=format!("config-{name}")
                prop:value=value
                on:input=move |ev| set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <label class="config">
            <code>{name}</code>
            {input}
            {move || {
                inline()
                    .map(|e| {
                        view! {
                            <span class="inline-error" data-testid=format!("config-error-{name}")>
                                {e}
                            </span>
                        }
                    })
            }}
        </label>
    }
}

#[component]
fn LogPanel(view: CompactionView, removing: ReadSignal<Option<Removing>>) -> impl IntoView {
    let checkpoint = view
        .cleaner_checkpoint
        .map_or_else(|| "none".to_owned(), |c| c.to_string());
    let gauge = view.gauge.clone();
    let hidden_segments = view.hidden_segments;
    let policy = view.policy.clone();
    view! {
        <div class="log-panel">
            <h2>
                "Partition 0 of topic " <code>{TOPIC}</code> " (" <code>"cleanup.policy=" {policy}</code> ")"
            </h2>
            <dl class="stats" data-testid="log-stats">
                <div><dt>"log start offset"</dt><dd data-testid="log-start">{view.log_start_offset}</dd></div>
                <div><dt>"log end offset"</dt><dd data-testid="log-end">{view.log_end_offset}</dd></div>
                <div><dt>"high watermark"</dt><dd data-testid="hw">{view.high_watermark}</dd></div>
                <div><dt>"cleaner checkpoint"</dt><dd data-testid="checkpoint">{checkpoint}</dd></div>
                <div><dt>"active segment base"</dt><dd data-testid="active-base">{view.active_base_offset}</dd></div>
                <div><dt>"records"</dt><dd data-testid="record-count">{view.records}</dd></div>
                <div><dt>"bytes"</dt><dd data-testid="log-bytes">{view.size_bytes}</dd></div>
            </dl>
            {match gauge {
                Some(g) => view! { <DirtyGauge g=g/> }.into_any(),
                None => {
                    view! {
                        <p class="gauge-na" data-testid="gauge">
                            "No log cleaner on this topic: its cleanup.policy has no compact."
                        </p>
                    }
                        .into_any()
                }
            }}
            <div class="segments-row" data-testid="segments">
                {(hidden_segments > 0)
                    .then(|| {
                        view! {
                            <div class="more-segments" data-testid="hidden-segments">
                                "+" {hidden_segments} " older segments"
                            </div>
                        }
                    })}
                {view
                    .segments
                    .iter()
                    .cloned()
                    .map(|s| view! { <SegmentView s=s removing=removing/> })
                    .collect_view()}
            </div>
            <p class="legend">
                "Each cell is a record (hover for offset, key and value), coloured by a hash of its key; "
                <span class="cell tombstone legend-cell"></span> " a tombstone. Up to " {MAX_CELLS}
                " cells per segment. " <span class="seg-tag clean">"cleaned"</span>
                " below the cleaner checkpoint, " <span class="seg-tag active">"active"</span>
                " never cleaned."
            </p>
            <div class="reports">
                {view.last_clean.clone().map(|c| view! { <CleanReportView c=c/> })}
                {view.last_retention.clone().map(|r| view! { <RetentionReportView r=r/> })}
            </div>
            <div class="two-cols">
                <div class="card">
                    <h2>"Materialised table (latest value per key)"</h2>
                    <p class="hint">
                        "What a consumer reading from offset " {view.log_start_offset}
                        " rebuilds: a tombstone deletes its key."
                    </p>
                    <table data-testid="table">
                        <thead>
                            <tr><th>"key"</th><th>"value"</th><th>"offset"</th></tr>
                        </thead>
                        <tbody>
                            {view
                                .table
                                .iter()
                                .map(|r| {
                                    view! {
                                        <tr data-testid=format!("table-row-{}", r.key)>
                                            <td class="k">{r.key.clone()}</td>
                                            <td class="v" data-testid=format!("table-value-{}", r.key)>
                                                {r.value.clone()}
                                            </td>
                                            <td>{r.offset}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    {(view.table_hidden > 0)
                        .then(|| view! { <p class="more">"+" {view.table_hidden} " more keys"</p> })}
                </div>
                <div class="card">
                    <h2>"Remaining records (" {view.records} ")"</h2>
                    <p class="hint">"offset:key=value, in offset order (null = tombstone); gaps are compacted-away offsets."</p>
                    <pre class="remaining" data-testid="remaining-records">{view.remaining.join("\n")}</pre>
                    {(view.remaining_hidden > 0)
                        .then(|| {
                            view! { <p class="more">"+" {view.remaining_hidden} " more records"</p> }
                        })}
                </div>
            </div>
        </div>
    }
}

#[component]
fn DirtyGauge(g: Gauge) -> impl IntoView {
    let fill = format!("width: {:.1}%", 100.0 * g.ratio);
    let mark = format!("left: {:.1}%", 100.0 * g.min_ratio);
    let eligible = g.trigger.is_some();
    let verdict = match &g.trigger {
        Some(t) => format!("Kafka's cleaner thread would pick this log now: {t}."),
        None => "Kafka's cleaner thread would not pick this log yet.".to_owned(),
    };
    view! {
        <div class="gauge" data-testid="gauge">
            <div class="gauge-label">
                "dirty ratio " <strong data-testid="dirty-ratio">{format!("{:.3}", g.ratio)}</strong>
                " vs " <code>"min.cleanable.dirty.ratio"</code> " "
                <strong data-testid="min-ratio">{g.min_ratio}</strong>
                " · clean " {g.clean_bytes} " B, cleanable " {g.cleanable_bytes} " B · dirty range ["
                {g.first_dirty_offset} ", " {g.first_uncleanable_offset} ")"
            </div>
            <div class="gauge-track">
                <div class="gauge-fill" class:eligible=eligible style=fill></div>
                <div class="gauge-mark" style=mark title="min.cleanable.dirty.ratio"></div>
            </div>
            <div class="gauge-verdict" class:eligible=eligible data-testid="cleaner-eligibility">
                {verdict}
            </div>
        </div>
    }
}

#[component]
fn SegmentView(s: SegmentBlock, removing: ReadSignal<Option<Removing>>) -> impl IntoView {
    let base = s.base_offset;
    let going = move || removing.with(|r| r.as_ref().is_some_and(|r| r.segments.contains(&base)));
    let range = if s.next_offset > s.base_offset {
        format!("{}–{}", s.base_offset, s.next_offset - 1)
    } else {
        format!("{}– (empty)", s.base_offset)
    };
    view! {
        <div
            class="seg"
            class:active=s.active
            class:clean=s.clean
            class:deleting=going
            data-testid=format!("segment-{base}")
        >
            <div class="seg-head">
                <span class="seg-range">{range}</span>
                {s.active.then(|| view! { <span class="seg-tag active">"active"</span> })}
                {s.clean.then(|| view! { <span class="seg-tag clean">"cleaned"</span> })}
                <span class="seg-size">{s.records} " rec · " {s.size_bytes} " B"</span>
            </div>
            <div class="cells">
                {s
                    .cells
                    .into_iter()
                    .map(|c| {
                        let off = c.offset;
                        let gone = move || {
                            removing.with(|r| r.as_ref().is_some_and(|r| r.offsets.contains(&off)))
                        };
                        let tomb = c.value.is_none();
                        let style = if tomb {
                            format!("border-color: hsl({}, 65%, 45%)", c.hue)
                        } else {
                            format!("background: hsl({}, 65%, 62%)", c.hue)
                        };
                        view! {
                            <span
                                class="cell"
                                class:tombstone=tomb
                                class:removing=gone
                                style=style
                                data-offset=off
                                title=c.entry()
                            >
                                {off}
                            </span>
                        }
                    })
                    .collect_view()}
                {(s.hidden_cells > 0)
                    .then(|| view! { <span class="cells-more">"+" {s.hidden_cells}</span> })}
            </div>
        </div>
    }
}

#[component]
fn CleanReportView(c: CleanSummary) -> impl IntoView {
    let removed: Vec<String> = c
        .removed
        .iter()
        .map(|(o, why)| format!("{o} ({why})"))
        .collect();
    view! {
        <div class="card report" data-testid="clean-report">
            <h2>"Cleaner pass (action " {c.action} ", at " {c.at} " ms)"</h2>
            <table class="kv">
                <tbody>
                    <tr><th>"segments cleaned"</th><td data-testid="report-segments-cleaned">{c.segments_cleaned} " → " {c.segments_after}</td></tr>
                    <tr><th>"records before → after"</th><td><span data-testid="report-records-before">{c.records_before}</span> " → " <span data-testid="report-records-after">{c.records_after}</span></td></tr>
                    <tr><th>"bytes before → after"</th><td><span data-testid="report-bytes-before">{c.bytes_before}</span> " → " <span data-testid="report-bytes-after">{c.bytes_after}</span></td></tr>
                    <tr><th>"keys kept"</th><td data-testid="report-keys-kept">{c.keys_kept}</td></tr>
                    <tr><th>"tombstones kept / removed"</th><td><span data-testid="report-tombstones-kept">{c.tombstones_kept}</span> " / " <span data-testid="report-tombstones-removed">{c.tombstones_removed}</span></td></tr>
                    <tr><th>"dirty ratio before → after"</th><td>{format!("{:.3}", c.ratio_before)} " → " <span data-testid="report-ratio-after">{format!("{:.3}", c.ratio_after)}</span></td></tr>
                    <tr><th>"new cleaner checkpoint"</th><td>{c.checkpoint}</td></tr>
                </tbody>
            </table>
            <p class="hint" data-testid="report-would-clean">
                {if c.would_kafka_clean {
                    "Kafka's cleaner thread would have picked this log too."
                } else {
                    "Forced from the page: Kafka's cleaner thread would not have picked this log yet."
                }}
            </p>
            <p class="removed" data-testid="report-removed">
                "Removed offsets: "
                {if removed.is_empty() { "none".to_owned() } else { removed.join(", ") }}
                {(c.removed_hidden > 0).then(|| format!(" +{} more", c.removed_hidden))}
            </p>
        </div>
    }
}

#[component]
fn RetentionReportView(r: RetentionSummary) -> impl IntoView {
    view! {
        <div class="card report" data-testid="retention-report">
            <h2>"Retention check (action " {r.action} ", at " {r.at} " ms)"</h2>
            <p>
                "log start offset " <span data-testid="retention-log-start-before">{r.log_start_before}</span>
                " → " <strong data-testid="retention-log-start-after">{r.log_start_after}</strong>
                {r.rolled_new_active.then_some(" (every segment went; an empty active segment was rolled at the log end offset)")}
            </p>
            {if r.deleted.is_empty() {
                view! { <p data-testid="retention-deleted">"No segment was deleted."</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="retention-deleted">
                        {r
                            .deleted
                            .iter()
                            .map(|d| {
                                view! {
                                    <li>
                                        "segment " {d.base_offset} "–" {d.next_offset - 1} " (" {d.records}
                                        " records, " {d.size_bytes} " B): " {d.reason.clone()}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </div>
    }
}
