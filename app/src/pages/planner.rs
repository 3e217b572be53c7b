//! The Planner page: size a topic's partitions, disk, network and brokers,
//! with every number's derivation, warnings, charts and exports.
//!
//! The URL query holds every input (see [`crate::state::planner`] for the
//! format); the form writes it on every edit (replacing the history entry, so
//! Back is not flooded by keystrokes) and presets write it as a new entry.

use std::collections::BTreeSet;

use kplay_engine::planner::report::Derivation;
use kplay_engine::planner::Plan;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::HtmlCanvasElement;

use crate::components::{ErrorBanner, SimplificationNote};
use crate::state::planner::{
    constraint_name, disk_over_horizon, disk_over_retention, exports, fmt_bytes, fmt_bytes_detail,
    fmt_plain, fmt_term, matching_preset, network_vs_nic, partitions_vs_throughput,
    slider_position, slider_value, FieldSpec, Kind, LineChart, Outcome, PlannerForm, PRESETS,
    SECTIONS,
};
use crate::url::{use_query_pairs, use_replace_query, use_set_query};

/// The Planner page.
#[component]
pub fn PlannerPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let replace_query = use_replace_query();
    let parsed = Memo::new(move |_| {
        query.with(|q| PlannerForm::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    let form = Memo::new(move |_| parsed.with(|p| p.0.clone()));
    let outcome = Memo::new(move |_| parsed.with(|(f, problems)| f.evaluate(problems)));
    let banner = Signal::derive(move || outcome.with(Outcome::banner));
    let plan = Memo::new(move |_| outcome.with(|o| o.plan.clone()));
    let open = RwSignal::new(BTreeSet::<&'static str>::new());

    let preset_note = move || {
        form.with(|f| matching_preset(f).map(|p| (p.label, p.note)))
            .map(|(label, note)| {
                view! {
                    <p class="preset-note" data-testid="preset-note">
                        <strong>{label} ": "</strong>
                        {note}
                    </p>
                }
            })
    };

    view! {
        <section class="page planner">
            <h1>"Capacity planner"</h1>
            <p class="lede">
                "Size a topic and its cluster before provisioning it: partitions, disk with replication, "
                "network per broker and the broker count, each with the formula and the inputs it used. "
                "Units are decimal as in Kafka's docs (1 MB = 10^6 bytes, 1 Gbit/s = 125 MB/s). "
                "The whole plan is in the URL: share the link to share the plan."
            </p>
            <div class="presets" data-testid="presets">
                <span class="presets-label">"Presets:"</span>
                {PRESETS
                    .iter()
                    .map(|p| {
                        let set_query = set_query.clone();
                        view! {
                            <button
                                type="button"
                                class="secondary"
                                data-testid=format!("preset-{}", p.id)
                                class:active=move || form.with(|f| matching_preset(f).map(|m| m.id)) == Some(p.id)
                                on:click=move |_| set_query(p.form().to_query())
                            >
                                {p.label}
                            </button>
                        }
                    })
                    .collect_view()}
                <button
                    type="button"
                    class="secondary"
                    data-testid="planner-clear"
                    on:click={
                        let set_query = set_query.clone();
                        move |_| set_query(PlannerForm::cleared().to_query())
                    }
                >
                    "Clear the form"
                </button>
            </div>
            {preset_note}
            <ErrorBanner message=banner/>
            <div class="planner-layout">
                <form class="planner-form" on:submit=|ev| ev.prevent_default()>
                    {SECTIONS
                        .iter()
                        .map(|s| {
                            let replace_query = replace_query.clone();
                            view! {
                                <fieldset class="card">
                                    <legend>{s.title}</legend>
                                    {s
                                        .fields
                                        .iter()
                                        .map(|f| {
                                            view! {
                                                <Field
                                                    spec=f
                                                    form=form
                                                    outcome=outcome
                                                    write=replace_query.clone()
                                                />
                                            }
                                        })
                                        .collect_view()}
                                </fieldset>
                            }
                        })
                        .collect_view()}
                </form>
                <div class="planner-results">
                    {move || match plan.get() {
                        Some(p) => view! { <Results plan=p open=open/> }.into_any(),
                        None => view! {
                            <p class="card no-plan" data-testid="no-plan">
                                "No plan until the inputs marked in red are fixed: each message "
                                "says what the planner needs. Nothing is clamped or guessed."
                            </p>
                        }
                        .into_any(),
                    }}
                    <Charts plan=plan/>
                </div>
            </div>
            <SimplificationNote>
                "The planner sizes one topic on its own: other topics, internal topics (offsets, "
                "transactions), protocol and TLS overhead, index files and rack placement are not "
                "counted. Leaders and replicas are assumed spread evenly (partitions are a multiple "
                "of the broker count). Disk counts retained bytes; Kafka deletes whole segments, so "
                "each replica can hold up to one extra segment (see the notes) — headroom should "
                "cover it. The producer figure is a model of batching and acknowledgements, not a "
                "measurement. The partition guidance (4000 per broker, 200000 per cluster) is "
                "ZooKeeper-era; KRaft raises the cluster figure."
            </SimplificationNote>
        </section>
    }
}

/// One input: typed text (and a slider where it helps), the unit, the
/// field's help and its errors.
#[component]
fn Field(
    spec: &'static FieldSpec,
    form: Memo<PlannerForm>,
    outcome: Memo<Outcome>,
    write: impl Fn(Vec<(String, String)>) + Clone + 'static,
) -> impl IntoView {
    let key = spec.key;
    let field = spec.field;
    let value = move || form.with(|f| f.get(key).to_owned());
    let errors = move || outcome.with(|o| o.errors_for(field));
    let has_error = move || !errors().is_empty();
    let input_id = format!("planner-{field}");
    let on_text = {
        let write = write.clone();
        move |ev| {
            let v = event_target_value(&ev);
            write(form.get_untracked().with(key, &v).to_query());
        }
    };
    let control = match spec.kind {
        Kind::Choice(options) => view! {
            <select
                id=input_id.clone()
                data-testid=format!("input-{field}")
                class:invalid=has_error
                on:change=on_text
            >
                {options
                    .iter()
                    .map(|&(v, label)| {
                        view! {
                            <option value=v prop:selected=move || form.with(|f| f.get(key) == v)>
                                {label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        }
        .into_any(),
        Kind::Number | Kind::Text => view! {
            <input
                id=input_id.clone()
                data-testid=format!("input-{field}")
                inputmode=if spec.kind == Kind::Number { "decimal" } else { "text" }
                placeholder=spec.placeholder
                class:invalid=has_error
                aria-invalid=move || if has_error() { "true" } else { "false" }
                prop:value=value
                on:input=on_text
            />
        }
        .into_any(),
    };
    let slider = spec.slider.map(|s| {
        let write = write.clone();
        view! {
            <input
                type="range"
                min=s.min
                max=s.max
                step=s.step
                data-testid=format!("slider-{field}")
                aria-label=spec.label
                class:unset=move || value().trim().is_empty()
                prop:value=move || {
                    // An empty field sits at its default (the placeholder) when it has one.
                    slider_position(&s, &value())
                        .or_else(|| slider_position(&s, spec.placeholder))
                        .unwrap_or(s.min)
                        .to_string()
                }
                on:input=move |ev| {
                    if let Ok(p) = event_target_value(&ev).parse::<f64>() {
                        write(form.get_untracked().with(key, &slider_value(&s, p)).to_query());
                    }
                }
            />
        }
    });
    view! {
        <div class="field" class:has-error=has_error>
            <label for=input_id>
                <span class="name">{spec.label}</span>
                {(!spec.unit.is_empty()).then(|| view! { <span class="unit">{spec.unit}</span> })}
            </label>
            <div class="control">{control} {slider}</div>
            <small class="help">{spec.help}</small>
            {move || {
                let e = errors();
                (!e.is_empty())
                    .then(|| {
                        view! {
                            <p class="field-error" role="alert" data-testid=format!("error-{field}")>
                                {e.join(" ")}
                            </p>
                        }
                    })
            }}
        </div>
    }
}

/// "How this was computed": each derivation's formula, the numbers
/// substituted and the inputs used.
#[component]
fn HowComputed(
    id: &'static str,
    derivations: Vec<Derivation>,
    open: RwSignal<BTreeSet<&'static str>>,
) -> impl IntoView {
    view! {
        <details
            class="how"
            data-testid=format!("how-{id}")
            prop:open=move || open.with(|o| o.contains(id))
            on:toggle=move |ev| {
                let is_open = ev
                    .target()
                    .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("open")).ok())
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false);
                if is_open != open.with_untracked(|o| o.contains(id)) {
                    open.update(|o| {
                        if is_open {
                            o.insert(id);
                        } else {
                            o.remove(id);
                        }
                    });
                }
            }
        >
            <summary>"How this was computed"</summary>
            {derivations
                .into_iter()
                .map(|d| {
                    view! {
                        <div class="derivation">
                            <div class="formula">
                                <code>{d.output}</code> " = " <code>{d.formula}</code>
                            </div>
                            <div class="computation">
                                <code>{d.computation}</code>
                            </div>
                            <table class="terms">
                                <tbody>
                                    {d
                                        .inputs
                                        .into_iter()
                                        .map(|t| {
                                            view! {
                                                <tr>
                                                    <td><code>{t.name}</code></td>
                                                    <td>{fmt_term(t.value, t.unit)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                })
                .collect_view()}
        </details>
    }
}

fn derivations_of(plan: &Plan, outputs: &[&str]) -> Vec<Derivation> {
    plan.derivations
        .iter()
        .filter(|d| outputs.contains(&d.output))
        .cloned()
        .collect()
}

/// The result cards, warnings, notes and exports of a computed plan.
#[component]
fn Results(plan: Plan, open: RwSignal<BTreeSet<&'static str>>) -> impl IntoView {
    let p = plan;
    let sizing = p.broker_sizing.clone();
    let binding = match sizing.given {
        Some(_) => format!(
            "given; the constraints need {} (bound by {})",
            sizing.needed,
            constraint_name(sizing.binding)
        ),
        None => format!("bound by {}", constraint_name(sizing.binding)),
    };
    let opt = |v: Option<u32>, none: &str| v.map_or(none.to_owned(), |b| b.to_string());
    let nic = p.inputs.broker_nic_gbit_per_s.map(|g| {
        (
            g,
            kplay_engine::planner::model::nic_usable_mb_per_s(g, p.inputs.nic_target_utilisation),
        )
    });
    let disk_given = p.inputs.broker_disk_gb;
    let estimate = p.producer_estimate.clone();
    let cost = p.cost.clone();

    view! {
        <div class="result-cards">
            <article class="card result">
                <h2>"Partitions"</h2>
                <div class="big" data-testid="plan-partitions">{p.partitions}</div>
                <p class="sub">
                    "needed before rounding: " {fmt_plain(p.partitions_unrounded, 3)}
                    " → a multiple of " {p.brokers} " brokers; "
                    {p.partition_replicas_per_broker} " partition replicas per broker"
                </p>
                <HowComputed
                    id="partitions"
                    derivations=derivations_of(&p, &["design_peak_mb_per_s", "partitions"])
                    open=open
                />
            </article>
            <article class="card result">
                <h2>"Brokers"</h2>
                <div class="big" data-testid="plan-brokers">{p.brokers}</div>
                <p class="sub" data-testid="plan-binding">{binding}</p>
                <table class="constraints">
                    <tbody>
                        <tr>
                            <td>"replication factor"</td>
                            <td>{sizing.for_replication}</td>
                        </tr>
                        <tr>
                            <td>"network (NIC)"</td>
                            <td>{opt(sizing.for_network, "no NIC given")}</td>
                        </tr>
                        <tr>
                            <td>"disk"</td>
                            <td>{opt(sizing.for_disk, "no disk size given")}</td>
                        </tr>
                        <tr>
                            <td>"partitions per broker"</td>
                            <td>{sizing.for_partitions}</td>
                        </tr>
                    </tbody>
                </table>
                <HowComputed id="brokers" derivations=derivations_of(&p, &["brokers"]) open=open/>
            </article>
            <article class="card result">
                <h2>"Disk"</h2>
                <div
                    class="big"
                    data-testid="plan-disk-total"
                    data-bytes=p.disk_bytes_total.to_string()
                >
                    {fmt_bytes(p.disk_bytes_total as f64)}
                </div>
                <p class="sub">"all brokers, replicas and headroom: " {fmt_bytes_detail(p.disk_bytes_total)}</p>
                <p>
                    "Per broker: "
                    <strong
                        data-testid="plan-disk-per-broker"
                        data-bytes=p.disk_bytes_per_broker.to_string()
                    >
                        {fmt_bytes(p.disk_bytes_per_broker as f64)}
                    </strong>
                    {disk_given
                        .map(|g| format!(" of {} GB ({} % full)", fmt_plain(g, 1), fmt_plain(p.disk_bytes_per_broker as f64 / (g * 1e9) * 100.0, 1)))}
                </p>
                <p class="sub" data-testid="plan-retention-bytes">
                    "Each partition replica holds " {fmt_bytes(p.retention_bytes_per_partition as f64)}
                    " (" {p.retention_bytes_per_partition} " bytes) at the end of "
                    {fmt_plain(p.effective_retention_hours, 2)} " h: the value to compare with "
                    <code>"retention.bytes"</code> ", which Kafka applies per partition."
                </p>
                <HowComputed
                    id="disk"
                    derivations=derivations_of(
                        &p,
                        &["disk_bytes_total", "disk_bytes_per_broker", "retention_bytes_per_partition"],
                    )
                    open=open
                />
            </article>
            <article class="card result">
                <h2>"Network per broker (peak)"</h2>
                <div class="big two">
                    "in "
                    <span data-testid="plan-network-in">{fmt_plain(p.broker_network_in_mb_per_s, 2)}</span>
                    " MB/s"
                </div>
                <div class="big two">
                    "out "
                    <span data-testid="plan-network-out">{fmt_plain(p.broker_network_out_mb_per_s, 2)}</span>
                    " MB/s"
                </div>
                <p class="sub">"MB/s of compressed bytes, at the design peak of " {fmt_plain(p.design_peak_mb_per_s, 2)} " MB/s"</p>
                <p>
                    {match nic {
                        Some((g, u)) => format!("NIC: {} Gbit/s = {} MB/s; usable at {} %: {} MB/s.", fmt_plain(g, 2), fmt_plain(g * 125.0, 1), fmt_plain(p.inputs.nic_target_utilisation * 100.0, 1), fmt_plain(u, 1)),
                        None => "No NIC given: give one to size brokers for the network.".to_owned(),
                    }}
                </p>
                <HowComputed
                    id="network"
                    derivations=derivations_of(&p, &["broker_network_in_mb_per_s", "broker_network_out_mb_per_s"])
                    open=open
                />
            </article>
            <article class="card result" data-testid="plan-producer-estimate">
                <h2>"Producer throughput " <span class="badge">"estimate"</span></h2>
                {match estimate {
                    Some(e) => view! {
                        <div class="big">
                            {match e.ceiling_mb_per_s_per_partition {
                                Some(c) => format!("≤ {} MB/s", fmt_plain(c, 2)),
                                None => "not bounded by acks".to_owned(),
                            }}
                        </div>
                        <p class="sub">
                            "per partition (estimated ceiling); the plan needs "
                            {fmt_plain(e.planned_mb_per_s_per_partition, 3)} " MB/s per partition at peak. "
                            "Expected batch: " {fmt_bytes(e.expected_batch_bytes)} " of up to "
                            {fmt_bytes(e.batch_capacity_bytes)} "; batching adds ≤ "
                            {fmt_plain(e.batching_delay_ms, 2)} " ms; ack wait " {fmt_plain(e.ack_wait_ms, 2)} " ms."
                        </p>
                        <p class="model">"Model: " {e.model}</p>
                    }
                    .into_any(),
                    None => view! {
                        <p class="sub">"Give an average record size to get an estimate."</p>
                    }
                    .into_any(),
                }}
                <HowComputed
                    id="producer"
                    derivations=derivations_of(&p, &["producer_ceiling_mb_per_s_per_partition"])
                    open=open
                />
            </article>
            {cost.map(|c| {
                view! {
                    <article class="card result" data-testid="plan-cost">
                        <h2>"Cost per month"</h2>
                        <div class="big">{fmt_plain(c.total_per_month, 2)}</div>
                        <p class="sub">
                            "brokers " {fmt_plain(c.brokers_per_month, 2)} " + storage "
                            {fmt_plain(c.storage_per_month, 2)}
                        </p>
                        <HowComputed id="cost" derivations=derivations_of(&p, &["cost_per_month"]) open=open/>
                    </article>
                }
            })}
        </div>
        <div class="card warnings">
            <h2>"Warnings"</h2>
            {if p.warnings.is_empty() {
                view! { <p data-testid="plan-warnings-none">"None: the plan passes the safety checks."</p> }.into_any()
            } else {
                view! {
                    <ul data-testid="plan-warnings">
                        {p.warnings.iter().map(|w| view! { <li data-testid="plan-warning">{w.message.clone()}</li> }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <h2>"Notes"</h2>
            <ul class="notes" data-testid="plan-notes">
                {p.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
            </ul>
        </div>
        <ExportPanel plan=p/>
    }
}

/// Copy status of the last copy button pressed: (export id, outcome).
type CopyStatus = Option<(&'static str, Result<(), String>)>;

/// Writes `text` to the clipboard and reports the outcome in `status`.
fn copy_to_clipboard(id: &'static str, text: String, status: RwSignal<CopyStatus>) {
    let Some(window) = web_sys::window() else {
        status.set(Some((id, Err("no browser window".into()))));
        return;
    };
    let navigator = window.navigator();
    let available = js_sys::Reflect::get(navigator.as_ref(), &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !available {
        status.set(Some((
            id,
            Err("the clipboard is unavailable here (browsers allow it on https or localhost only); select the text and copy it by hand".into()),
        )));
        return;
    }
    let promise = navigator.clipboard().write_text(&text);
    leptos::task::spawn_local(async move {
        let result = js_sys::futures::JsFuture::from(promise)
            .await
            .map(|_| ())
            .map_err(|e| {
                e.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
                    .or_else(|| e.as_string())
                    .unwrap_or_else(|| "the browser refused".into())
            });
        let _ = status.try_set(Some((id, result)));
    });
}

/// The export panel: each text with its copy button.
#[component]
fn ExportPanel(plan: Plan) -> impl IntoView {
    let status = RwSignal::new(None::<(&'static str, Result<(), String>)>);
    view! {
        <div class="card exports" data-testid="exports">
            <h2>"Exports"</h2>
            {exports(&plan)
                .into_iter()
                .map(|x| {
                    let text = x.text.clone();
                    view! {
                        <div class="export">
                            <div class="export-head">
                                <strong>{x.label}</strong>
                                <button
                                    type="button"
                                    data-testid=format!("copy-{}", x.id)
                                    on:click=move |_| copy_to_clipboard(x.id, text.clone(), status)
                                >
                                    "Copy"
                                </button>
                                <span class="copy-status" data-testid=format!("copy-status-{}", x.id)>
                                    {move || match status.get() {
                                        Some((id, Ok(()))) if id == x.id => "copied".to_owned(),
                                        Some((id, Err(e))) if id == x.id => format!("not copied: {e}"),
                                        _ => String::new(),
                                    }}
                                </span>
                            </div>
                            <pre data-testid=format!("export-{}", x.id)>{x.text}</pre>
                        </div>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// The four charts; each redraws when the plan changes.
#[component]
fn Charts(plan: Memo<Option<Plan>>) -> impl IntoView {
    let retention = Memo::new(move |_| plan.with(|p| p.as_ref().map(disk_over_retention)));
    let horizon = Memo::new(move |_| plan.with(|p| p.as_ref().map(disk_over_horizon)));
    let partitions = Memo::new(move |_| plan.with(|p| p.as_ref().map(partitions_vs_throughput)));
    let network = Memo::new(move |_| plan.with(|p| p.as_ref().map(network_vs_nic)));
    view! {
        <div class="charts" class:hidden=move || plan.with(Option::is_none)>
            <ChartCanvas id="chart-disk-retention" data=retention draw=draw_disk_retention/>
            <ChartCanvas id="chart-disk-horizon" data=horizon draw=draw_disk_horizon/>
            <ChartCanvas id="chart-partitions" data=partitions draw=draw_partitions/>
            <ChartCanvas id="chart-network" data=network draw=draw_network/>
        </div>
    }
}

/// A canvas redrawn by `draw` whenever `data` changes.
#[component]
fn ChartCanvas(
    id: &'static str,
    data: Memo<Option<LineChart>>,
    draw: fn(HtmlCanvasElement, &LineChart) -> Result<(), String>,
) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    Effect::new(move |_| {
        let chart = data.get();
        if let (Some(el), Some(chart)) = (canvas.get(), chart) {
            if let Err(e) = draw(el, &chart) {
                leptos::logging::error!("chart {id}: {e}");
            }
        }
    });
    view! { <canvas node_ref=canvas data-testid=id width="440" height="300"></canvas> }
}

const BLUE: RGBColor = RGBColor(37, 99, 235);
const ORANGE: RGBColor = RGBColor(217, 119, 6);
const RED: RGBColor = RGBColor(185, 28, 28);
const GREEN: RGBColor = RGBColor(4, 120, 87);
const GREY: RGBColor = RGBColor(75, 85, 99);

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Shared frame: axes, lines, reference levels, the plan's point, legend.
/// `area` fills under the first series.
fn draw_frame(
    canvas: HtmlCanvasElement,
    c: &LineChart,
    colors: &[RGBColor],
    level_colors: &[RGBColor],
    area: bool,
) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d canvas context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(c.title.as_str(), ("sans-serif", 16))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..c.x_max, 0f64..c.y_max)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(c.x_label.clone())
        .y_desc(c.y_label.clone())
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&|v| fmt_plain(*v, 1))
        .y_label_formatter(&|v| fmt_plain(*v, 2))
        .light_line_style(RGBColor(243, 244, 246))
        .label_style(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    for (i, s) in c.series.iter().enumerate() {
        let color = colors.get(i).copied().unwrap_or(GREY);
        let anno = if area && i == 0 {
            chart
                .draw_series(
                    AreaSeries::new(s.points.iter().copied(), 0.0, color.mix(0.18))
                        .border_style(color.stroke_width(2)),
                )
                .map_err(err)?
        } else {
            chart
                .draw_series(LineSeries::new(
                    s.points.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(err)?
        };
        anno.label(s.label.clone()).legend(move |(x, y)| {
            PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
        });
    }
    for (i, l) in c.levels.iter().enumerate() {
        let color = level_colors.get(i).copied().unwrap_or(GREY);
        chart
            .draw_series(LineSeries::new(
                [(0.0, l.y), (c.x_max, l.y)],
                color.stroke_width(1),
            ))
            .map_err(err)?
            .label(l.label.clone())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(1))
            });
    }
    if let Some((x, y)) = c.marker {
        chart
            .draw_series(std::iter::once(Circle::new((x, y), 5, BLACK.filled())))
            .map_err(err)?
            .label("this plan")
            .legend(|(x, y)| Circle::new((x + 9, y), 4, BLACK.filled()));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(209, 213, 219))
        .label_font(("sans-serif", 12))
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Disk over the retention window: fills, then flat at the retained bytes.
fn draw_disk_retention(canvas: HtmlCanvasElement, c: &LineChart) -> Result<(), String> {
    draw_frame(canvas, c, &[BLUE], &[GREEN, RED], true)
}

/// Disk over the growth horizon, against the brokers' disks.
fn draw_disk_horizon(canvas: HtmlCanvasElement, c: &LineChart) -> Result<(), String> {
    draw_frame(canvas, c, &[ORANGE], &[RED], true)
}

/// Partitions needed vs throughput: the raw need and the rounded count.
fn draw_partitions(canvas: HtmlCanvasElement, c: &LineChart) -> Result<(), String> {
    draw_frame(canvas, c, &[GREY, BLUE], &[], false)
}

/// Per-broker network in/out vs the NIC's line rate and usable share.
fn draw_network(canvas: HtmlCanvasElement, c: &LineChart) -> Result<(), String> {
    draw_frame(canvas, c, &[BLUE, ORANGE], &[RED, GREEN], false)
}
