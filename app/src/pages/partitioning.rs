//! The Partitioning page: which partition a key lands on for each Kafka
//! client, why one partition runs hot, what a mitigation costs, and which keys
//! move when the topic grows.
//!
//! The URL query defines the view ([`crate::state::partitioning::DEFAULTS`]).
//! A simulation runs in chunks, one animation frame at a time, with a time
//! budget per frame ([`FRAME_BUDGET_MS`]); "Play live" paces it at the
//! workload's records/s on the wall clock.

use kplay_engine::mitigation::RemapReport;
use kplay_engine::partitioner::PartitionerKind;
use leptos::prelude::*;

use crate::components::{ErrorBanner, SimplificationNote};
use crate::state::partitioning::{
    client_table, display_key, fmt_ratio, raw_value, remap, with_param, Bar, MitigationKind,
    PartitioningQuery, SkewRun, SkewSnapshot, MAX_RECORDS, MOVED_SHOWN,
};
use crate::url::{use_query_pairs, use_set_query};

/// Work per animation frame stops after this many milliseconds.
pub const FRAME_BUDGET_MS: f64 = 8.0;
/// Records per `step` call inside a frame (the budget is checked between calls).
const CHUNK: u64 = 256;
/// Reports (which sort the keys) are refreshed at most this often while running.
const SNAPSHOT_EVERY_MS: f64 = 150.0;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Handles shared by the frame loop.
#[derive(Clone, Copy)]
struct Runner {
    run: StoredValue<Option<SkewRun>>,
    generation: StoredValue<u64>,
    set_snapshot: WriteSignal<Option<SkewSnapshot>>,
    set_run_error: WriteSignal<Option<String>>,
    set_running: WriteSignal<bool>,
    set_max_frame: WriteSignal<f64>,
}

impl Runner {
    /// Starts a new run of `q` (cancelling any running one); `live` paces it
    /// at `q.rate` records per wall-clock second.
    fn start(self, q: &PartitioningQuery, live: bool) {
        let g = self.generation.try_get_value().unwrap_or(0).wrapping_add(1);
        self.generation.set_value(g);
        self.set_max_frame.set(0.0);
        match SkewRun::new(q) {
            Err(e) => {
                self.run.set_value(None);
                self.set_snapshot.set(None);
                self.set_running.set(false);
                self.set_run_error.set(Some(e));
            }
            Ok(r) => {
                self.set_run_error.set(None);
                self.set_snapshot.set(Some(r.snapshot()));
                self.run.set_value(Some(r));
                self.set_running.set(true);
                let pace = live.then(|| (now_ms(), q.rate));
                request_animation_frame(move || self.frame(g, pace, now_ms()));
            }
        }
    }

    /// Stops the running simulation, if any.
    fn stop(self) {
        let g = self.generation.try_get_value().unwrap_or(0).wrapping_add(1);
        self.generation.set_value(g);
        self.set_running.set(false);
    }

    /// One animation frame's worth of work.
    fn frame(self, g: u64, pace: Option<(f64, f64)>, last_snapshot: f64) {
        if self.generation.try_get_value() != Some(g) {
            return; // cancelled, or the page is gone
        }
        let t0 = now_ms();
        let target = pace.map(|(start, rate)| ((t0 - start) / 1000.0 * rate).max(0.0) as u64);
        let outcome = self.run.try_update_value(|slot| {
            let run = slot.as_mut()?;
            let mut err = None;
            while !run.is_finished() && now_ms() - t0 < FRAME_BUDGET_MS {
                let want = target.map_or(CHUNK, |t| t.saturating_sub(run.done()).min(CHUNK));
                if want == 0 {
                    break;
                }
                if let Err(e) = run.step(want) {
                    err = Some(e);
                    break;
                }
            }
            let finished = run.is_finished() || err.is_some();
            let snap =
                (finished || t0 - last_snapshot >= SNAPSHOT_EVERY_MS).then(|| run.snapshot());
            Some((finished, err, snap))
        });
        let Some(Some((finished, err, snap))) = outcome else {
            return;
        };
        let mut last = last_snapshot;
        if let Some(s) = snap {
            self.set_snapshot.set(Some(s));
            last = t0;
        }
        if let Some(e) = err {
            self.set_run_error.set(Some(e));
        }
        let took = now_ms() - t0;
        self.set_max_frame.update(|m| *m = m.max(took));
        if finished {
            self.set_running.set(false);
        } else {
            request_animation_frame(move || self.frame(g, pace, last));
        }
    }
}

/// The Partitioning page.
#[component]
pub fn PartitioningPage() -> impl IntoView {
    let pairs = use_query_pairs();
    let set_query = use_set_query();
    let parsed = Memo::new(move |_| pairs.with(|p| PartitioningQuery::parse(p)));

    let (snapshot, set_snapshot) = signal(None::<SkewSnapshot>);
    let (run_error, set_run_error) = signal(None::<String>);
    let (running, set_running) = signal(false);
    let (max_frame, set_max_frame) = signal(0.0f64);
    let runner = Runner {
        run: StoredValue::new(None),
        generation: StoredValue::new(0),
        set_snapshot,
        set_run_error,
        set_running,
        set_max_frame,
    };
    Effect::new(move |_| match parsed.get() {
        Ok(q) => runner.start(&q, false),
        Err(_) => {
            runner.stop();
            set_snapshot.set(None);
        }
    });

    // The re-partitioning view's result; a bad target (`to` < `n`) is a URL error.
    let remapped = Memo::new(move |_| parsed.get().ok().map(|q| remap(&q)));
    let error = Signal::derive(move || {
        parsed
            .get()
            .err()
            .or_else(|| remapped.get().and_then(Result::err))
            .or_else(|| run_error.get())
    });
    let set = {
        let set_query = set_query.clone();
        move |key: &'static str, value: String| {
            set_query(with_param(&pairs.get_untracked(), key, &value));
        }
    };
    let raw = move |key: &'static str| raw_value(&pairs.get(), key);
    let ok = move || parsed.get().ok();
    // Derived defaults shown in empty fields.
    let placeholder = move |key: &'static str| -> String {
        let Some(q) = ok() else { return String::new() };
        match key {
            "to" => format!("auto: {}", q.remap_to),
            "hk" => {
                let keys = q.effective_spread_keys();
                let head: Vec<&str> = keys.iter().take(3).map(String::as_str).collect();
                let more = keys.len().saturating_sub(3);
                let more = if more > 0 {
                    format!(",… ({} keys)", keys.len())
                } else {
                    String::new()
                };
                format!("default: {}{more}", head.join(","))
            }
            "tb" => "none".to_owned(),
            _ => String::new(),
        }
    };

    // One text input bound to a query parameter (written on change).
    let field = {
        let set = set.clone();
        move |key: &'static str, label: &'static str, title: &'static str| {
            let set = set.clone();
            view! {
                <label title=title>
                    {label}
                    <input
                        class="short"
                        data-testid=format!("in-{key}")
                        prop:value=move || raw(key)
                        placeholder=move || placeholder(key)
                        on:change=move |ev| set(key, event_target_value(&ev))
                    />
                </label>
            }
        }
    };
    let select = {
        let set = set.clone();
        move |key: &'static str, label: &'static str, options: Vec<(&'static str, String)>| {
            let set = set.clone();
            view! {
                <label>
                    {label}
                    <select
                        data-testid=format!("sel-{key}")
                        prop:value=move || raw(key)
                        on:change=move |ev| set(key, event_target_value(&ev))
                    >
                        {options
                            .into_iter()
                            .map(|(v, l)| {
                                view! {
                                    <option value=v selected=move || raw(key) == v>
                                        {l}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </label>
            }
        }
    };

    let partitioner_options: Vec<(&'static str, String)> = PartitionerKind::ALL
        .iter()
        .map(|k| (k.name(), format!("{} ({})", k.name(), k.client())))
        .collect();
    let mitigation_options: Vec<(&'static str, String)> = MitigationKind::ALL
        .iter()
        .map(|(_, n, l)| (*n, (*l).to_owned()))
        .collect();

    let (keys_draft, set_keys_draft) = signal(None::<String>);
    let apply_keys = {
        let set = set.clone();
        move |_| {
            if let Some(d) = keys_draft.get_untracked() {
                set("k", d);
            }
        }
    };
    let play_live = move |_| {
        if let Ok(q) = parsed.get_untracked() {
            runner.start(&q, true);
        }
    };
    let recompute = move |_| {
        if let Ok(q) = parsed.get_untracked() {
            runner.start(&q, false);
        }
    };

    view! {
        <section class="page partitioning">
            <h1>"Partitioning"</h1>
            <p class="lede">
                "Which partition does a key land on — for the client you actually use — and why is one "
                "partition hot? Pick a workload or type keys, pick the partitioner, then try a mitigation."
            </p>
            <ErrorBanner message=error/>
            <div class="forms">
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Producer"</h2>
                    {select("p", "Partitioner (client)", partitioner_options)}
                    {field("n", "Partitions", "The topic's partition count (1–1000)")}
                    {select(
                        "src",
                        "Records from",
                        vec![
                            ("workload", "the workload generator".to_owned()),
                            ("keys", "the typed keys (one record per line)".to_owned()),
                        ],
                    )}
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Workload (seeded)"</h2>
                    {select(
                        "dist",
                        "Keys",
                        vec![
                            ("uniform", "uniform".to_owned()),
                            ("zipf", "Zipf(s)".to_owned()),
                            ("hot", "one hot key (key-0) taking X%".to_owned()),
                        ],
                    )}
                    <div class="row">
                        {field("hot", "Hot key %", "Share of key-0 in percent (0–100)")}
                        {field("s", "Zipf s", "Zipf exponent (> 0)")}
                    </div>
                    <div class="row">
                        {field("keys", "Distinct keys", "key-0 … key-(n-1), at most 100000")}
                        {field("records", "Records", "At most 1000000")}
                    </div>
                    <div class="row">
                        {field("rate", "Records/s", "Simulated rate; also the live playback rate")}
                        {field("tb", "Time bucket ms", "Empty = none; else keys become key-7@bucket")}
                    </div>
                    <div class="row">
                        {field("vb", "Value bytes", "Value size of every record")}
                        {field("seed", "Seed", "Seed of the key stream")}
                    </div>
                </form>
                <form class="card keys-card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Typed keys"</h2>
                    <label>
                        "One key per line (UTF-8 bytes; empty lines ignored)"
                        <textarea
                            data-testid="typed-keys"
                            rows="7"
                            prop:value=move || raw("k")
                            on:input=move |ev| set_keys_draft.set(Some(event_target_value(&ev)))
                            on:change={
                                let set = set.clone();
                                move |ev| set("k", event_target_value(&ev))
                            }
                        ></textarea>
                    </label>
                    <button type="button" data-testid="apply-keys" on:click=apply_keys>
                        "Apply keys"
                    </button>
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Mitigation"</h2>
                    {select("m", "Mitigation", mitigation_options)}
                    <div class="row">
                        {field("cb", "Compound bucket ms", "key@(timestamp / bucket)")}
                        {field("spread", "Spread over", "Partitions per hot key")}
                    </div>
                    {field("hk", "Hot keys to spread", "Comma-separated; empty = the top key")}
                    {field("to", "Grow / re-partition to", "Partition count after growing (≥ current)")}
                    <p class="ordering-cost" data-testid="ordering-cost">
                        {move || ok().map(|q| q.engine_mitigation().ordering_cost())}
                    </p>
                </form>
            </div>
            <Show when=move || parsed.with(Result::is_ok)>
                <div class="run-bar">
                    <span data-testid="sim-progress">
                        {move || {
                            snapshot
                                .get()
                                .map(|s| format!("{} / {} records", s.done, s.total))
                                .unwrap_or_default()
                        }}
                    </span>
                    <span class="muted">{move || if running.get() { " running…" } else { "" }}</span>
                    <button type="button" data-testid="play-live" on:click=play_live>
                        {move || {
                            ok().map(|q| format!("Play live at {} records/s", q.rate)).unwrap_or_default()
                        }}
                    </button>
                    <button type="button" class="secondary" data-testid="recompute" on:click=recompute>
                        "Compute at once"
                    </button>
                    <span class="muted" title="Longest time spent computing in one animation frame">
                        "longest frame: "
                        <span data-testid="max-frame-ms">{move || format!("{:.1}", max_frame.get())}</span>
                        " ms"
                    </span>
                </div>
            </Show>
            {move || snapshot.get().map(|s| view! { <SkewResults snap=s/> })}
            {move || ok().map(|q| view! { <ClientTable q=q/> })}
            {move || {
                let q = ok()?;
                let r = remapped.get()?.ok()?;
                Some(view! { <RemapView q=q r=r/> })
            }}
            <SimplificationNote>
                "Bars count every record the producer sends (records and DefaultRecord bytes, no batch "
                "overhead or compression). Java's and librdkafka's key hashing is exact; keyless records "
                "are not simulated here (see the partitioner docs for sticky partitioning). The simulated "
                "producer never fails, and partition leadership and broker limits are ignored. At most "
                {MAX_RECORDS} " records per run; larger runs are refused, not truncated."
            </SimplificationNote>
        </section>
    }
}

#[component]
fn SkewResults(snap: SkewSnapshot) -> impl IntoView {
    let cur = snap.current().clone();
    let verdict = SkewSnapshot::verdict(&cur);
    let base_verdict = snap
        .mitigated
        .as_ref()
        .map(|_| SkewSnapshot::verdict(&snap.baseline));
    let bars = snap.bars();
    let (max_r, max_b) = snap.scale();
    let total = cur.total_records.max(1);
    view! {
        <div class="skew">
            <div
                class="skew-alarm"
                class:hot=verdict.hot
                data-testid="skew-alarm"
                data-hot=if verdict.hot { "true" } else { "false" }
            >
                <span class="badge">{if verdict.hot { "HOT" } else { "OK" }}</span>
                {verdict.text.clone()}
            </div>
            <p class="ratios">
                "max/median records: " <strong data-testid="skew-ratio">{fmt_ratio(verdict.ratio)}</strong>
                " · bytes: " <strong data-testid="skew-ratio-bytes">{fmt_ratio(verdict.ratio_bytes)}</strong>
                {base_verdict
                    .map(|b| {
                        view! {
                            <span class="muted" data-testid="baseline-ratio">
                                " · without the mitigation: " {fmt_ratio(b.ratio)} "×"
                                {if b.hot { " (hot)" } else { " (not hot)" }}
                            </span>
                        }
                    })}
            </p>
            <div class="charts">
                <BarChart title="Records per partition" bars=bars.clone() max=max_r median=cur.median_records bytes=false/>
                <BarChart title="Bytes per partition" bars=bars max=max_b median=cur.median_bytes bytes=true/>
            </div>
            <h2>"Top keys"</h2>
            <table class="top-keys" data-testid="top-keys">
                <thead>
                    <tr>
                        <th>"Key (as produced)"</th>
                        <th>"Records"</th>
                        <th>"Share"</th>
                        <th>"Bytes"</th>
                        <th>"Partitions"</th>
                    </tr>
                </thead>
                <tbody>
                    {cur
                        .top_keys
                        .iter()
                        .enumerate()
                        .map(|(i, k)| {
                            let parts: Vec<String> = k.partitions.iter().take(8).map(u32::to_string).collect();
                            let more = k.partitions.len().saturating_sub(8);
                            view! {
                                <tr data-testid=format!("top-key-{i}")>
                                    <td><code>{display_key(k.key.as_deref())}</code></td>
                                    <td>{k.records}</td>
                                    <td>{format!("{:.1}%", 100.0 * k.records as f64 / total as f64)}</td>
                                    <td>{k.bytes}</td>
                                    <td>
                                        {parts.join(", ")}
                                        {(more > 0).then(|| format!(" +{more} more"))}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// One vertical bar per partition; a grey outline shows the baseline when a
/// mitigation is on; dashed lines mark the median and 2× the median.
#[component]
fn BarChart(
    title: &'static str,
    bars: Vec<Bar>,
    max: u64,
    median: f64,
    bytes: bool,
) -> impl IntoView {
    let max = max.max(1) as f64;
    let pct = move |v: f64| (100.0 * v / max).clamp(0.0, 100.0);
    let kind = if bytes { "bytes" } else { "records" };
    let n_bars = bars.len();
    let labels = n_bars <= 32;
    let line = move |v: f64, class: &'static str, label: &'static str| {
        (v > 0.0 && v <= max).then(|| {
            view! {
                <div class=format!("line {class}") style=format!("bottom: {:.2}%", pct(v))>
                    <span>{label}</span>
                </div>
            }
        })
    };
    view! {
        <figure class="chart" data-testid=format!("chart-{kind}")>
            <figcaption>{title} <span class="muted">{format!(" (max {})", max as u64)}</span></figcaption>
            <div class="plot">
                {line(median, "median", "median")}
                {line(2.0 * median, "alarm", "2× median")}
                {bars
                    .into_iter()
                    .map(|b| {
                        let (v, base) = if bytes { (b.bytes, b.base_bytes) } else { (b.records, b.base_records) };
                        let tip = format!(
                            "partition {}: {} {kind}{}",
                            b.partition,
                            v,
                            base.map(|x| format!(" (without mitigation {x})")).unwrap_or_default(),
                        );
                        view! {
                            <div
                                class="col"
                                title=tip
                                data-testid=format!("bar-{kind}-{}", b.partition)
                                data-value=v.to_string()
                            >
                                {base
                                    .map(|x| {
                                        view! { <div class="base" style=format!("height: {:.2}%", pct(x as f64))></div> }
                                    })}
                                <div class="fill" class:hot=b.hot style=format!("height: {:.2}%", pct(v as f64))></div>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            {labels
                .then(|| {
                    view! {
                        <div class="xlabels">
                            {(0..n_bars).map(|p| view! { <span>{p}</span> }).collect_view()}
                        </div>
                    }
                })}
        </figure>
    }
}

#[component]
fn ClientTable(q: PartitioningQuery) -> impl IntoView {
    let (rows, hidden) = client_table(&q);
    let selected = q.partitioner;
    let n = q.partitions;
    view! {
        <div class="client-table-wrap">
            <h2>"Key → partition per client (" {n} " partitions)"</h2>
            {if rows.is_empty() {
                view! {
                    <p class="muted" data-testid="client-table-empty">
                        "Type keys (above) to see where each client puts them, e.g. TT0124 on 15 "
                        "partitions: Java → 10, librdkafka's default → 9."
                    </p>
                }
                    .into_any()
            } else {
                view! {
                    <table class="client-table" data-testid="client-table">
                        <thead>
                            <tr>
                                <th>"Key"</th>
                                {PartitionerKind::ALL
                                    .iter()
                                    .map(|k| {
                                        view! {
                                            <th class:selected=*k == selected title=k.client()>
                                                {k.name()}
                                            </th>
                                        }
                                    })
                                    .collect_view()}
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .enumerate()
                                .map(|(i, r)| {
                                    view! {
                                        <tr class:differs=r.differs data-testid=format!("kp-row-{i}")>
                                            <td><code>{r.key.clone()}</code></td>
                                            {r
                                                .partitions
                                                .iter()
                                                .map(|(k, p)| {
                                                    view! {
                                                        <td
                                                            class:selected=*k == selected
                                                            data-testid=format!("kp-{i}-{}", k.name())
                                                        >
                                                            {p.map_or_else(|| "random".to_owned(), |p| p.to_string())}
                                                        </td>
                                                    }
                                                })
                                                .collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                    {(hidden > 0).then(|| view! { <p class="muted">"+" {hidden} " more keys not shown"</p> })}
                }
                    .into_any()
            }}
        </div>
    }
}

#[component]
fn RemapView(q: PartitioningQuery, r: (RemapReport, String)) -> impl IntoView {
    let (r, what) = r;
    let shown: Vec<_> = r.moved.iter().take(MOVED_SHOWN).cloned().collect();
    let more = r.moved.len().saturating_sub(MOVED_SHOWN);
    view! {
        <div class="remap" data-testid="remap">
            <h2>
                "Re-partitioning: " {q.partitions} " → " {q.remap_to} " partitions ("
                {q.partitioner.name()} ")"
            </h2>
            <p>
                "Of " {what} ", " <strong data-testid="remap-moved">{r.moved.len()}</strong>
                " move to another partition ("
                <span data-testid="remap-fraction">{format!("{:.1}%", 100.0 * r.moved_fraction)}</span>
                "), " {r.unchanged} " stay"
                {(r.unplaced > 0).then(|| format!(", {} have no fixed partition (random)", r.unplaced))}
                ". Records written before the change stay where they were: per-key order breaks once, "
                "and compacted topics keep the old values in the old partition."
            </p>
            <div class="moves">
                {shown
                    .into_iter()
                    .map(|m| {
                        view! {
                            <span class="move">
                                <code>{display_key(Some(&m.key))}</code>
                                " " {m.from} " → " {m.to}
                            </span>
                        }
                    })
                    .collect_view()}
                {(more > 0).then(|| view! { <span class="muted">"+" {more} " more"</span> })}
            </div>
        </div>
    }
}
