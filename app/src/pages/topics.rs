//! The Topics page: create a topic, produce records, watch each partition's log grow.

use kplay_engine::scenario::{ProduceOp, TopicScenario};
use leptos::prelude::*;

use crate::components::{ErrorBanner, SimplificationNote, ValueInput};
use crate::state::topics::{
    next_seed, parse_generate_count, parse_partitions, with_op, PartitionView, TopicView,
};
use crate::url::{use_query_pairs, use_set_query};

fn scenario_query(s: &TopicScenario) -> Vec<(String, String)> {
    s.to_query()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect()
}

/// The Topics page.
#[component]
pub fn TopicsPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let scenario = Memo::new(move |_| {
        query.with(|q| TopicScenario::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    let view_model = Memo::new(move |_| match scenario.get() {
        Ok(s) => TopicView::build(&s).map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    });
    let (form_error, set_form_error) = signal(None::<String>);
    let error = Signal::derive(move || form_error.get().or_else(|| view_model.get().err()));
    let current = move || scenario.get_untracked().unwrap_or_default();

    // Create-topic form.
    let initial = current();
    let (name, set_name) = signal(initial.topic.clone());
    let (partitions, set_partitions) = signal(initial.partitions.to_string());
    let (segment_bytes, set_segment_bytes) = signal(initial.segment_bytes.to_string());
    let create = {
        let set_query = set_query.clone();
        move |_| {
            let p = match parse_partitions(&partitions.get_untracked()) {
                Ok(p) => p,
                Err(e) => return set_form_error.set(Some(e)),
            };
            let sb = match segment_bytes.get_untracked().trim().parse::<i64>() {
                Ok(v) => v,
                Err(_) => {
                    return set_form_error.set(Some(format!(
                        "segment.bytes must be a whole number (got '{}').",
                        segment_bytes.get_untracked().trim()
                    )))
                }
            };
            set_form_error.set(None);
            let s = TopicScenario {
                topic: name.get_untracked(),
                partitions: p,
                segment_bytes: sb,
                ops: Vec::new(),
            };
            set_query(scenario_query(&s));
        }
    };

    // Produce form.
    let (key, set_key) = signal(String::from("user-1"));
    let (null_key, set_null_key) = signal(false);
    let value = RwSignal::new(String::from("hello"));
    let tombstone = RwSignal::new(false);
    let (count, set_count) = signal(String::from("100"));
    let produce_one = {
        let set_query = set_query.clone();
        move |_| {
            set_form_error.set(None);
            let op = ProduceOp::Record {
                key: (!null_key.get_untracked()).then(|| key.get_untracked().into_bytes()),
                value: (!tombstone.get_untracked()).then(|| value.get_untracked().into_bytes()),
            };
            set_query(scenario_query(&with_op(&current(), op)));
        }
    };
    let generate = {
        let set_query = set_query.clone();
        move |_| match parse_generate_count(&count.get_untracked()) {
            Err(e) => set_form_error.set(Some(e)),
            Ok(n) => {
                set_form_error.set(None);
                let s = current();
                let op = ProduceOp::Generate {
                    count: n,
                    seed: next_seed(&s),
                };
                set_query(scenario_query(&with_op(&s, op)));
            }
        }
    };
    let clear = move |_| {
        set_form_error.set(None);
        let s = TopicScenario {
            ops: Vec::new(),
            ..current()
        };
        set_query(scenario_query(&s));
    };

    view! {
        <section class="page topics">
            <h1>"Topics"</h1>
            <p class="lede">
                "Create a topic, produce records, and watch each partition's log grow: offsets, "
                "segments (rolled at " <code>"segment.bytes"</code> "), log start, high watermark and log end."
            </p>
            <ErrorBanner message=error/>
            <div class="forms">
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Create topic"</h2>
                    <label>
                        "Name"
                        <input
                            data-testid="topic-name"
                            prop:value=name
                            on:input=move |ev| set_name.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        "Partitions"
                        <input
                            data-testid="partitions"
                            inputmode="numeric"
                            prop:value=partitions
                            on:input=move |ev| set_partitions.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        <code>"segment.bytes"</code>
                        <input
                            data-testid="segment-bytes"
                            inputmode="numeric"
                            prop:value=segment_bytes
                            on:input=move |ev| set_segment_bytes.set(event_target_value(&ev))
                        />
                    </label>
                    <button type="submit" data-testid="create-topic" on:click=create>
                        "Create topic"
                    </button>
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Produce"</h2>
                    <label>
                        "Key"
                        <input
                            data-testid="key"
                            prop:value=key
                            prop:disabled=null_key
                            on:input=move |ev| set_key.set(event_target_value(&ev))
                        />
                    </label>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="null-key"
                            prop:checked=null_key
                            on:change=move |ev| set_null_key.set(event_target_checked(&ev))
                        />
                        "null key"
                    </label>
                    <ValueInput value=value tombstone=tombstone/>
                    <button type="submit" data-testid="produce-one" on:click=produce_one>
                        "Produce record"
                    </button>
                    <div class="row">
                        <input
                            data-testid="generate-count"
                            class="short"
                            inputmode="numeric"
                            prop:value=count
                            on:input=move |ev| set_count.set(event_target_value(&ev))
                        />
                        <button type="button" data-testid="generate" on:click=generate>
                            "Generate records"
                        </button>
                        <button type="button" class="secondary" data-testid="clear" on:click=clear>
                            "Clear records"
                        </button>
                    </div>
                </form>
            </div>
            {move || view_model.get().ok().map(|v| view! { <TopicLogs view=v/> })}
            <SimplificationNote>
                "Keyed records go where the Java client puts them (murmur2 of the key bytes). "
                "Keyless records go round-robin, the Java client's behaviour before 2.4; the "
                "Partitioning page models today's sticky partitioners. Replication is instant here: "
                "the high watermark follows the log end offset."
            </SimplificationNote>
        </section>
    }
}

#[component]
fn TopicLogs(view: TopicView) -> impl IntoView {
    let max = view.max_records.max(1);
    view! {
        <div class="topic-logs">
            <h2>
                "Topic " <code data-testid="topic-title">{view.topic.clone()}</code> " — "
                <span data-testid="total-records">{view.total_records}</span> " records in "
                {view.partitions.len()} " partitions"
            </h2>
            <table class="partitions" data-testid="partitions-table">
                <thead>
                    <tr>
                        <th>"Partition"</th>
                        <th>"Records"</th>
                        <th title="log start offset">"Log start"</th>
                        <th title="high watermark">"HW"</th>
                        <th title="log end offset">"Log end"</th>
                        <th>"Bytes"</th>
                        <th>"Segments (newest right; active outlined)"</th>
                        <th>"Latest records"</th>
                    </tr>
                </thead>
                <tbody>
                    {view
                        .partitions
                        .into_iter()
                        .map(|p| view! { <PartitionRow p=p max=max/> })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PartitionRow(p: PartitionView, max: usize) -> impl IntoView {
    let n = p.partition;
    let width = format!("width: {:.1}%", 100.0 * p.records as f64 / max as f64);
    view! {
        <tr data-testid=format!("partition-{n}")>
            <td>{n}</td>
            <td>
                <div class="bar-cell">
                    <span class="bar" style=width></span>
                    <span data-testid=format!("partition-{n}-records")>{p.records}</span>
                </div>
            </td>
            <td data-testid=format!("partition-{n}-log-start")>{p.log_start_offset}</td>
            <td data-testid=format!("partition-{n}-hw")>{p.high_watermark}</td>
            <td data-testid=format!("partition-{n}-leo")>{p.log_end_offset}</td>
            <td>{p.size_bytes}</td>
            <td class="segments" data-testid=format!("partition-{n}-segments")>
                {(p.hidden_segments > 0)
                    .then(|| view! { <span class="more">"+" {p.hidden_segments} " older"</span> })}
                {p
                    .segments
                    .into_iter()
                    .map(|s| {
                        let title = format!(
                            "offsets {}..{} · {} bytes",
                            s.base_offset,
                            s.next_offset - 1,
                            s.size_bytes,
                        );
                        view! {
                            <span class="segment" class:active=s.active title=title>
                                {s.base_offset}
                            </span>
                        }
                    })
                    .collect_view()}
            </td>
            <td class="tail">
                {p
                    .tail
                    .into_iter()
                    .map(|r| {
                        view! {
                            <div class="rec">
                                <span class="off">"@" {r.offset}</span>
                                " "
                                <span class="k">{r.key}</span>
                                " → "
                                <span class="v">{r.value}</span>
                            </div>
                        }
                    })
                    .collect_view()}
            </td>
        </tr>
    }
}
