//! The Consumer groups page: members as columns, partitions as cards, Kafka's
//! assignors and rebalance protocols on a simulated clock.
//!
//! The URL holds the setup and every action with its simulated time (see
//! [`crate::state::groups`]); the page replays them through the engine.

use std::collections::BTreeMap;

use kplay_engine::group::{Assignor, RebalanceProtocol};
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::components::{ErrorBanner, SimplificationNote};
use crate::state::groups::{
    fmt_ms, parse_partitions, protocol_name, GroupView, GroupsView, MemberColumn, OpKind, PauseBar,
    Setup, SLOW_BEYOND_MAX_POLL_MS,
};
use crate::url::{use_query_pairs, use_set_query};

type Owners = BTreeMap<(usize, String), String>;

/// The Consumer groups page.
#[component]
pub fn GroupsPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let setup = Memo::new(move |_| {
        query.with(|q| Setup::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    let view_model = Memo::new(move |_| match setup.get() {
        Ok(s) => GroupsView::build(&s),
        Err(e) => Err(e),
    });
    let (form_error, set_form_error) = signal(None::<String>);
    let error = Signal::derive(move || form_error.get().or_else(|| view_model.get().err()));
    let current = move || setup.get_untracked().unwrap_or_default();

    // Pushes a new setup to the URL. Actions are checked first (a click never
    // produces a broken link); setup changes are pushed as chosen, so an
    // incompatible assignor/protocol shows the engine's error.
    let push: Callback<(Setup, bool)> = {
        let set_query = set_query.clone();
        Callback::new(move |(s, check): (Setup, bool)| {
            if check {
                if let Err(e) = GroupsView::build(&s) {
                    set_form_error.set(Some(e));
                    return;
                }
            }
            set_form_error.set(None);
            set_query(s.to_query());
        })
    };
    let act: Callback<(usize, OpKind)> = Callback::new(move |(g, kind): (usize, OpKind)| {
        let s = current();
        let now = s.now();
        // "Add consumer" sends an empty id: the next free one (c1, c2, …).
        let kind = match kind {
            OpKind::Add(m) if m.is_empty() => OpKind::Add(s.next_member_id(g)),
            k => k,
        };
        push.run((s.with_op(g, kind, now), true));
    });

    // Setup form (topic sizes).
    let initial = current();
    let (topic, set_topic) = signal(initial.topic.clone());
    let (partitions, set_partitions) = signal(initial.partitions.to_string());
    let (two_topics, set_two_topics) = signal(initial.topic2.is_some());
    let (topic2, set_topic2) = signal(
        initial
            .topic2
            .as_ref()
            .map_or_else(|| "payments".to_owned(), |t| t.0.clone()),
    );
    let (partitions2, set_partitions2) = signal(
        initial
            .topic2
            .as_ref()
            .map_or_else(|| "3".to_owned(), |t| t.1.to_string()),
    );
    let apply_topics = move |_| {
        let mut s = current();
        let p = match parse_partitions("Partitions", &partitions.get_untracked()) {
            Ok(p) => p,
            Err(e) => return set_form_error.set(Some(e)),
        };
        s.topic = topic.get_untracked().trim().to_owned();
        s.partitions = p;
        s.topic2 = None;
        if two_topics.get_untracked() {
            match parse_partitions(
                "Partitions of the second topic",
                &partitions2.get_untracked(),
            ) {
                Ok(p2) => s.topic2 = Some((topic2.get_untracked().trim().to_owned(), p2)),
                Err(e) => return set_form_error.set(Some(e)),
            }
        }
        // Re-read through the URL parser so names get the same checks as links.
        match Setup::from_query(s.to_query()) {
            Ok(s) => push.run((s, false)),
            Err(e) => set_form_error.set(Some(e.replace("invalid share link: ", ""))),
        }
    };
    let on_assignor = move |ev: leptos::ev::Event| match event_target_value(&ev).parse::<Assignor>()
    {
        Ok(a) => push.run((
            Setup {
                assignor: a,
                ..current()
            },
            false,
        )),
        Err(e) => set_form_error.set(Some(e.to_string())),
    };
    let on_protocol = move |ev: leptos::ev::Event| {
        let protocol = if event_target_value(&ev) == "cooperative" {
            RebalanceProtocol::Cooperative
        } else {
            RebalanceProtocol::Eager
        };
        push.run((
            Setup {
                protocol,
                ..current()
            },
            false,
        ));
    };
    let on_static = move |ev: leptos::ev::Event| {
        push.run((
            Setup {
                statics: event_target_checked(&ev),
                ..current()
            },
            false,
        ));
    };
    let reset = move |_| {
        push.run((
            Setup {
                ops: Vec::new(),
                ..current()
            },
            false,
        ))
    };
    let add_group = move |_| match current().with_new_group() {
        Ok(s) => push.run((s, true)),
        Err(e) => set_form_error.set(Some(e)),
    };
    let advance = move |delta: i64| {
        let s = current();
        let at = s.now() + delta;
        push.run((s.with_op(0, OpKind::Tick, at), true));
    };
    let to_deadline = move |_| {
        if let Some(Ok(v)) = view_model.try_get_untracked() {
            if let Some(t) = v.next_deadline {
                let s = current();
                push.run((s.with_op(0, OpKind::Tick, t), true));
            }
        }
    };

    let cur_assignor = move || setup.get().map(|s| s.assignor).unwrap_or(Assignor::Range);
    let cur_protocol = move || {
        setup
            .get()
            .map(|s| s.protocol)
            .unwrap_or(RebalanceProtocol::Eager)
    };
    let cur_static = move || setup.get().map(|s| s.statics).unwrap_or(false);
    let now = move || view_model.get().map(|v| v.now).unwrap_or(0);
    let next = move || view_model.get().ok().and_then(|v| v.next_deadline);

    let prev_owners: StoredValue<Owners> = StoredValue::new(Owners::new());

    view! {
        <section class="page groups">
            <h1>"Consumer groups"</h1>
            <p class="lede">
                "A consumer group shares a topic's partitions among its members: each partition is "
                "read by one member of the group. Add consumers, crash them, slow them down, and watch "
                "Kafka's assignors and rebalance protocols move partitions — on a simulated clock."
            </p>
            <ErrorBanner message=error/>
            <div class="forms">
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Topic"</h2>
                    <div class="row">
                        <label>
                            "Name"
                            <input
                                data-testid="topic"
                                prop:value=topic
                                on:input=move |ev| set_topic.set(event_target_value(&ev))
                            />
                        </label>
                        <label>
                            "Partitions"
                            <input
                                data-testid="partitions"
                                class="short"
                                inputmode="numeric"
                                prop:value=partitions
                                on:input=move |ev| set_partitions.set(event_target_value(&ev))
                            />
                        </label>
                    </div>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="two-topics"
                            prop:checked=two_topics
                            on:change=move |ev| set_two_topics.set(event_target_checked(&ev))
                        />
                        "Members also subscribe to a second topic"
                    </label>
                    <div class="row" class:hidden=move || !two_topics.get()>
                        <label>
                            "Second topic"
                            <input
                                data-testid="topic2"
                                prop:value=topic2
                                on:input=move |ev| set_topic2.set(event_target_value(&ev))
                            />
                        </label>
                        <label>
                            "Partitions"
                            <input
                                data-testid="partitions2"
                                class="short"
                                inputmode="numeric"
                                prop:value=partitions2
                                on:input=move |ev| set_partitions2.set(event_target_value(&ev))
                            />
                        </label>
                    </div>
                    <button type="submit" data-testid="apply-topics" on:click=apply_topics>
                        "Apply (replays the actions)"
                    </button>
                </form>
                <form class="card" on:submit=|ev| ev.prevent_default()>
                    <h2>"Group settings"</h2>
                    <label>
                        <code>"partition.assignment.strategy"</code>
                        <select data-testid="assignor" on:change=on_assignor>
                            {Assignor::ALL
                                .iter()
                                .map(|a| {
                                    let a = *a;
                                    view! {
                                        <option value=a.name() selected=move || cur_assignor() == a>
                                            {a.name()}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Rebalance protocol"
                        <select data-testid="protocol" on:change=on_protocol>
                            {[RebalanceProtocol::Eager, RebalanceProtocol::Cooperative]
                                .into_iter()
                                .map(|p| {
                                    view! {
                                        <option
                                            value=protocol_name(p)
                                            selected=move || cur_protocol() == p
                                        >
                                            {protocol_name(p)}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <label class="check">
                        <input
                            type="checkbox"
                            data-testid="static-membership"
                            prop:checked=cur_static
                            on:change=on_static
                        />
                        "Static membership (" <code>"group.instance.id"</code> " = member id)"
                    </label>
                    <div class="row">
                        <button type="button" data-testid="add-group" on:click=add_group>
                            "Add a group reading the same topic"
                        </button>
                        <button type="button" class="secondary" data-testid="reset" on:click=reset>
                            "Clear actions"
                        </button>
                    </div>
                </form>
                <form class="card clock" on:submit=|ev| ev.prevent_default()>
                    <h2>"Simulated time"</h2>
                    <p class="now">
                        "Now: " <strong data-testid="now">{move || fmt_ms(now())}</strong>
                        <span class="muted" data-testid="now-ms" hidden>{now}</span>
                    </p>
                    <p class="muted">
                        "Next deadline: "
                        <span data-testid="next-deadline">
                            {move || next().map_or_else(|| "none".to_owned(), fmt_ms)}
                        </span>
                    </p>
                    <div class="row">
                        <button type="button" data-testid="advance-1s" on:click=move |_| advance(1_000)>
                            "+1 s"
                        </button>
                        <button type="button" data-testid="advance-10s" on:click=move |_| advance(10_000)>
                            "+10 s"
                        </button>
                        <button
                            type="button"
                            data-testid="advance-deadline"
                            prop:disabled=move || next().is_none()
                            on:click=to_deadline
                        >
                            "To next deadline"
                        </button>
                    </div>
                    <p class="muted small">
                        "session.timeout.ms 45 s · heartbeat.interval.ms 3 s · max.poll.interval.ms 300 s · "
                        "group.initial.rebalance.delay.ms 3 s"
                    </p>
                </form>
            </div>
            {move || {
                view_model
                    .get()
                    .ok()
                    .map(|v| {
                        let owners = v.owners();
                        let prev = prev_owners.get_value();
                        prev_owners.set_value(owners.clone());
                        v.groups
                            .into_iter()
                            .map(|g| view! { <GroupSection g=g prev=prev.clone() act=act/> })
                            .collect_view()
                    })
            }}
            <SimplificationNote>
                "kplay simulates the classic group protocol with zero network latency: JoinGroup and "
                "SyncGroup complete as soon as every member has rejoined, and members learn about a "
                "rebalance at their next heartbeat. \"Slow down\" makes one batch take max.poll.interval.ms + "
                {SLOW_BEYOND_MAX_POLL_MS / 1000} " s. Every member subscribes to every topic shown. "
                "Under the cooperative protocol the coordinator withholds moving partitions for any "
                "assignor that supports it (as KIP-848 does). Each group has its own assignment (and, in "
                "Kafka, its own committed offsets — see the Offsets page); offsets are not shown here."
            </SimplificationNote>
        </section>
    }
}

#[component]
fn GroupSection(g: GroupView, prev: Owners, act: Callback<(usize, OpKind)>) -> impl IntoView {
    let p = g.prefix();
    let gi = g.index;
    let state = if g.rebalancing {
        "Rebalancing"
    } else {
        "Stable"
    };
    let pfx = p.clone();
    let columns = g
        .columns
        .into_iter()
        .map(|c| {
            let arrived: Vec<bool> = c
                .cards
                .iter()
                .map(|card| {
                    !prev.is_empty() && prev.get(&(gi, card.label.clone())) != Some(&c.member_id)
                })
                .collect();
            view! { <Column c=c gi=gi p=pfx.clone() arrived=arrived act=act/> }
        })
        .collect_view();
    let unassigned = g.unassigned.clone();
    let rows = g.rebalances.clone();
    let bars = g.bars.clone();
    let hidden_rows = g.hidden_rows;
    view! {
        <section class="group" data-testid=format!("{p}group")>
            <header class="group-head">
                <h2>
                    "Group " <code data-testid=format!("{p}group-name")>{g.name.clone()}</code>
                </h2>
                <span
                    class="pill"
                    class:rebalancing=g.rebalancing
                    data-testid=format!("{p}group-state")
                >
                    {state}
                </span>
                <span class="muted">
                    "generation " <span data-testid=format!("{p}generation")>{g.generation}</span>
                </span>
                <button
                    type="button"
                    data-testid=format!("{p}add-consumer")
                    on:click=move |_| {
                        act.run((gi, OpKind::Add(String::new())));
                    }
                >
                    "Add consumer"
                </button>
            </header>
            <div class="members">
                {columns}
                {(g.more_columns > 0)
                    .then(|| {
                        view! {
                            <div class="member more-members">
                                "+" {g.more_columns} " more members"
                            </div>
                        }
                    })}
                {(!unassigned.is_empty())
                    .then(|| {
                        view! {
                            <div class="member unassigned" data-testid=format!("{p}unassigned")>
                                <h3>"Not assigned"</h3>
                                <div class="cards">
                                    {unassigned
                                        .into_iter()
                                        .map(|l| view! { <span class="pcard none">{l}</span> })
                                        .collect_view()}
                                </div>
                            </div>
                        }
                    })}
            </div>
            <div class="timeline">
                <h3>
                    "Rebalances: " <span data-testid=format!("{p}rebalance-count")>{g.total_rebalances}</span>
                    " · total stop-the-world "
                    <strong data-testid=format!("{p}total-stw")>{fmt_ms(g.total_stop_the_world_ms)}</strong>
                </h3>
                {(!bars.is_empty()).then(|| view! { <Timeline bars=bars hidden=hidden_rows p=p.clone()/> })}
                {(!rows.is_empty())
                    .then(|| {
                        view! {
                            <table class="rebalances" data-testid=format!("{p}rebalances")>
                                <thead>
                                    <tr>
                                        <th>"#"</th>
                                        <th>"Reason"</th>
                                        <th>"Start → end"</th>
                                        <th>"Generations"</th>
                                        <th>"Moved"</th>
                                        <th title="eager: revoked, then given back to the same member">
                                            "Revoked & returned"
                                        </th>
                                        <th>"Stop-the-world"</th>
                                        <th>"Longest pause"</th>
                                        <th>"Removed"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {rows
                                        .into_iter()
                                        .map(|r| {
                                            let id = format!("{p}rebalance-{}", r.number);
                                            view! {
                                                <tr data-testid=id.clone()>
                                                    <td>{r.number}</td>
                                                    <td>{r.reason}</td>
                                                    <td>{fmt_ms(r.started_at)} " → " {fmt_ms(r.completed_at)}</td>
                                                    <td>
                                                        {r
                                                            .generations
                                                            .iter()
                                                            .map(i32::to_string)
                                                            .collect::<Vec<_>>()
                                                            .join(", ")}
                                                    </td>
                                                    <td data-testid=format!("{id}-moved")>{r.moved}</td>
                                                    <td>{r.revoked_same_owner}</td>
                                                    <td data-testid=format!("{id}-stw")>{fmt_ms(r.stop_the_world_ms)}</td>
                                                    <td>{fmt_ms(r.max_pause_ms)}</td>
                                                    <td>{r.removed.join(", ")}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                    })}
            </div>
        </section>
    }
}

#[component]
fn Column(
    c: MemberColumn,
    gi: usize,
    p: String,
    arrived: Vec<bool>,
    act: Callback<(usize, OpKind)>,
) -> impl IntoView {
    let id = format!("{p}member-{}", c.member_id);
    let m = c.member_id.clone();
    let button = move |what: &'static str, label: &'static str, enabled: bool, kind: OpKind| {
        view! {
            <button
                type="button"
                class="small secondary"
                data-testid=format!("{id}-{what}")
                prop:disabled=!enabled
                on:click=move |_| act.run((gi, kind.clone()))
            >
                {label}
            </button>
        }
    };
    let live = c.state.is_live();
    let stable = matches!(c.state, crate::state::groups::MemberState::Stable);
    let buttons = view! {
        <div class="member-actions">
            {button("remove", "Remove", live, OpKind::Remove(m.clone()))}
            {button("crash", "Crash", live, OpKind::Crash(m.clone()))}
            {button("slow", "Slow down", stable, OpKind::Slow(m.clone()))}
            {button("restart", "Restart", c.state.can_restart(), OpKind::Restart(m.clone()))}
        </div>
    };
    let id = format!("{p}member-{}", c.member_id);
    view! {
        <div class=format!("member {}", c.state.class()) data-testid=id.clone()>
            <h3>
                <span class="member-id">{c.member_id.clone()}</span>
                {c.idle.then(|| view! { <span class="badge idle" data-testid=format!("{id}-idle")>"idle"</span> })}
                {c
                    .waiting
                    .then(|| {
                        view! {
                            <span class="badge waiting" data-testid=format!("{id}-waiting")>
                                "waiting for the rebalance"
                            </span>
                        }
                    })}
            </h3>
            <p class="member-meta">
                <span class="state">{c.state.label()}</span>
                {c.instance_id.clone().map(|i| view! { <span class="muted">" · instance " <code>{i}</code></span> })}
                <br/>
                <span data-testid=format!("{id}-count")>{c.owned}</span>
                " partition(s)"
            </p>
            <div class="cards" data-testid=format!("{id}-cards")>
                {c
                    .cards
                    .iter()
                    .zip(arrived)
                    .map(|(card, arrived)| {
                        view! {
                            <span
                                class="pcard"
                                class:arrived=arrived
                                class:paused=card.paused
                                data-testid=format!("{p}card-{}", card.label)
                                data-owner=c.member_id.clone()
                                title=if card.paused { "not consumed: its owner is down" } else { "" }
                            >
                                {card.label.clone()}
                            </span>
                        }
                    })
                    .collect_view()}
                {(c.more > 0)
                    .then(|| view! { <span class="more" data-testid=format!("{id}-more")>"+" {c.more} " more"</span> })}
            </div>
            {buttons}
        </div>
    }
}

#[component]
fn Timeline(bars: Vec<PauseBar>, hidden: usize, p: String) -> impl IntoView {
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let rows = {
        let mut names: Vec<&str> = bars.iter().map(|b| b.partition.as_str()).collect();
        kplay_engine::sort::sort(&mut names);
        names.dedup();
        names.len()
    };
    let height = 60 + 20 * rows;
    let (chart_error, set_chart_error) = signal(None::<String>);
    Effect::new(move || {
        if let Some(c) = canvas.get() {
            if let Err(e) = draw_timeline(c, &bars) {
                set_chart_error.set(Some(e));
            }
        }
    });
    view! {
        <div class="timeline-chart">
            <canvas
                node_ref=canvas
                width="1000"
                height=height.to_string()
                data-testid=format!("{p}timeline-canvas")
            ></canvas>
            <p class="muted small">
                "Each bar: how long a partition went unconsumed in a rebalance (revoked or orphaned → "
                "handed to its new owner), on the simulated time axis; one colour per rebalance."
                {(hidden > 0).then(|| format!(" {hidden} more partitions not drawn."))}
            </p>
            {move || chart_error.get().map(|e| view! { <p class="error-banner">{e}</p> })}
        </div>
    }
}

const PALETTE: [RGBColor; 6] = [
    RGBColor(217, 119, 6),
    RGBColor(37, 99, 235),
    RGBColor(5, 150, 105),
    RGBColor(190, 24, 93),
    RGBColor(124, 58, 237),
    RGBColor(100, 116, 139),
];

/// Draws the pause bars (one row per partition) on a simulated-time axis.
fn draw_timeline(canvas: web_sys::HtmlCanvasElement, bars: &[PauseBar]) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas)
        .ok_or_else(|| "Cannot draw the timeline: no 2D canvas context".to_owned())?;
    let root = backend.into_drawing_area();
    let err = |e: &dyn std::fmt::Debug| format!("Cannot draw the timeline: {e:?}");
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let mut names: Vec<&str> = bars.iter().map(|b| b.partition.as_str()).collect();
    kplay_engine::sort::sort(&mut names);
    names.dedup();
    let x0 = bars.iter().map(|b| b.from).min().unwrap_or(0) as f64 / 1000.0;
    let mut x1 = bars.iter().map(|b| b.to).max().unwrap_or(0) as f64 / 1000.0;
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    let pad = (x1 - x0) * 0.02;
    let n = names.len() as i32;
    let mut chart = ChartBuilder::on(&root)
        .margin(10)
        .x_label_area_size(34)
        .y_label_area_size(90)
        .build_cartesian_2d((x0 - pad)..(x1 + pad), (0..n).into_segmented())
        .map_err(|e| err(&e))?;
    let label = |v: &SegmentValue<i32>| match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| names.get(i))
            .map_or_else(String::new, |s| (*s).to_owned()),
        SegmentValue::Last => String::new(),
    };
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_labels(12)
        .light_line_style(RGBColor(243, 244, 246))
        .y_labels(names.len())
        .y_label_formatter(&label)
        .x_desc("simulated time (s)")
        .x_label_formatter(&|x| format!("{x:.1}"))
        .draw()
        .map_err(|e| err(&e))?;
    let row = |name: &str| names.iter().position(|n| *n == name).unwrap_or(0) as i32;
    chart
        .draw_series(bars.iter().map(|b| {
            let r = row(&b.partition);
            let color = PALETTE[b.rebalance % PALETTE.len()];
            let (from, to) = (b.from as f64 / 1000.0, b.to as f64 / 1000.0);
            let to = if to - from < (x1 - x0) * 0.004 {
                from + (x1 - x0) * 0.004
            } else {
                to
            };
            Rectangle::new(
                [
                    (from, SegmentValue::Exact(r)),
                    (to, SegmentValue::Exact(r + 1)),
                ],
                color.mix(0.85).filled(),
            )
        }))
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))?;
    Ok(())
}
