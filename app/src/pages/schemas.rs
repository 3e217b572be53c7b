//! The Schemas page: one subject's version history, an editor for the next
//! version, Confluent's verdict per compared version with the offending
//! location highlighted, "Register" as the registry answers it, and a sample
//! record read by consumers on every version. State: [`crate::state::schemas`].

use kplay_engine::schema::CompatibilityLevel;
use leptos::prelude::*;

use crate::components::{ErrorBanner, SimplificationNote};
use crate::state::schemas::{
    validate_topic, Analysis, Finding, RegisterOutcome, SchemaState, Verdict, VersionVerdict,
    Writer, PRESETS,
};
use crate::url::{use_query_pairs, use_replace_query, use_set_query};

/// The Schemas page.
#[component]
pub fn SchemasPage() -> impl IntoView {
    let query = use_query_pairs();
    let set_query = use_set_query();
    let replace_query = use_replace_query();
    let parsed = Memo::new(move |_| {
        query.with(|q| SchemaState::from_query(q.iter().map(|(k, v)| (k.as_str(), v.as_str()))))
    });
    // An edit that does not fit in a link lives here (and is said so).
    let local = RwSignal::new(None::<SchemaState>);
    let (notice, set_notice) = signal(None::<String>);
    let (form_error, set_form_error) = signal(None::<String>);
    let register_result = RwSignal::new(None::<(bool, String, String)>);
    Effect::new(move |_| {
        let p = parsed.get();
        let differs = local.with_untracked(|l| {
            l.as_ref()
                .is_some_and(|l| p.as_ref().ok().is_none_or(|p| p != l))
        });
        if differs {
            local.set(None);
            set_notice.set(None);
        }
    });
    let state = Memo::new(move |_| {
        local
            .get()
            .unwrap_or_else(|| parsed.get().unwrap_or_default())
    });
    let analysis = Memo::new(move |_| state.with(SchemaState::analyze));
    let error = Signal::derive(move || {
        form_error
            .get()
            .or_else(|| parsed.get().err())
            .or_else(|| analysis.get().err())
    });

    let commit = {
        let set_query = set_query.clone();
        let replace_query = replace_query.clone();
        move |s: SchemaState, new_entry: bool| {
            set_form_error.set(None);
            register_result.set(None);
            match s.to_link_query() {
                Ok(q) => {
                    set_notice.set(None);
                    local.set(Some(s));
                    if new_entry {
                        set_query(q);
                    } else {
                        replace_query(q);
                    }
                }
                Err(msg) => {
                    set_notice.set(Some(msg));
                    local.set(Some(s));
                }
            }
        }
    };
    let edit = {
        let commit = commit.clone();
        move |f: &dyn Fn(&mut SchemaState), new_entry: bool| {
            let mut s = state.get_untracked();
            f(&mut s);
            s.preset = None;
            commit(s, new_entry);
        }
    };

    let register = {
        let commit = commit.clone();
        move |_| {
            let s = state.get_untracked();
            match s.register() {
                Err(e) => set_form_error.set(Some(e)),
                Ok(RegisterOutcome::Refused { status, body }) => {
                    register_result.set(Some((false, format!("HTTP {status}"), body)));
                }
                Ok(RegisterOutcome::Registered {
                    id,
                    version,
                    existing,
                    next_state,
                }) => {
                    if let Some(ns) = next_state {
                        commit(ns, true);
                    }
                    let line = if existing {
                        format!("HTTP 200: already registered as version {version}; an identical schema gets its existing id")
                    } else {
                        format!(
                            "HTTP 200: registered as version {version} of {}",
                            s.subject()
                        )
                    };
                    register_result.set(Some((true, line, format!("{{\"id\":{id}}}"))));
                }
            }
        }
    };

    let preset_buttons = {
        let commit = commit.clone();
        PRESETS
            .iter()
            .map(|p| {
                let commit = commit.clone();
                let id = p.id;
                let active = move || state.with(|s| s.preset.as_deref() == Some(id));
                view! {
                    <button
                        type="button"
                        class="secondary"
                        class:active=active
                        title=p.about
                        data-testid=format!("preset-{id}")
                        on:click=move |_| {
                            if let Some(s) = SchemaState::preset(id) {
                                commit(s, true);
                            }
                        }
                    >
                        {p.label}
                    </button>
                }
            })
            .collect_view()
    };
    let preset_about = move || {
        state.with(|s| {
            s.preset
                .as_deref()
                .and_then(|id| PRESETS.iter().find(|p| p.id == id))
                .map(|p| p.about)
                .unwrap_or("Edit the next version, or pick a preset.")
        })
    };

    let on_topic = {
        let edit = edit.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            match validate_topic(&v) {
                Ok(()) => edit(&|s| s.topic = v.clone(), true),
                Err(e) => set_form_error.set(Some(e)),
            }
        }
    };
    let on_level = {
        let edit = edit.clone();
        move |ev: leptos::ev::Event| {
            if let Ok(l) = event_target_value(&ev).parse::<CompatibilityLevel>() {
                edit(&|s| s.level = l, true);
            }
        }
    };
    let on_editor = {
        let edit = edit.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            edit(&|s| s.next = v.clone(), false);
        }
    };
    let on_writer = {
        let edit = edit.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            let w = if v == "next" {
                Writer::Next
            } else {
                v.parse().map(Writer::Version).unwrap_or(Writer::Next)
            };
            edit(&|s| s.writer = w, true);
        }
    };
    let on_record = {
        let edit = edit.clone();
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            edit(&|s| s.record = v.clone(), false);
        }
    };

    let level_options = move || {
        let current = state.with(|s| s.level);
        CompatibilityLevel::ALL
            .iter()
            .map(
                |&l| view! { <option value=l.as_str() selected={l == current}>{l.as_str()}</option> },
            )
            .collect_view()
    };
    let writer_options = move || {
        let (n, w) = state.with(|s| (s.versions.len(), s.writer));
        let mut opts: Vec<_> = (1..=n)
            .map(|v| {
                view! {
                    <option value=v.to_string() selected={w == Writer::Version(v)}>
                        {format!("v{v}")}
                    </option>
                }
            })
            .collect();
        opts.push(view! {
            <option value="next".to_string() selected={w == Writer::Next}>
                {"next (editor)".to_string()}
            </option>
        });
        opts.collect_view()
    };

    view! {
        <section class="page schemas">
            <h1>"Schemas"</h1>
            <p class="lede">
                "Try the next version of a topic's Avro schema before registering it: Confluent Schema Registry's "
                "verdict at the subject's compatibility level, in its own words, then what consumers on every "
                "version decode from a record written with one of them."
            </p>
            <ErrorBanner message=error/>
            <Show when=move || notice.get().is_some()>
                <p class="link-notice" role="status" data-testid="url-notice">
                    {move || notice.get().unwrap_or_default()}
                </p>
            </Show>
            <div class="presets" data-testid="presets">
                <span class="label">"Presets:"</span>
                {preset_buttons}
            </div>
            <p class="preset-about" data-testid="preset-about">{preset_about}</p>

            <div class="grid">
                <div class="card subject-card">
                    <h2>"Subject"</h2>
                    <label>
                        "Topic"
                        <input
                            data-testid="topic"
                            prop:value=move || state.with(|s| s.topic.clone())
                            on:change=on_topic
                        />
                    </label>
                    <p>
                        "Subject (TopicNameStrategy): "
                        <code data-testid="subject">{move || state.with(SchemaState::subject)}</code>
                    </p>
                    <label>
                        "Compatibility level"
                        <select data-testid="level" on:change=on_level>
                            {level_options}
                        </select>
                    </label>
                    <h3>"Registered versions"</h3>
                    <History analysis=analysis/>
                </div>
                <div class="card editor-card">
                    <h2>"Next version"</h2>
                    <textarea
                        data-testid="editor"
                        spellcheck="false"
                        rows="14"
                        prop:value=move || state.with(|s| s.next.clone())
                        on:input=on_editor
                    ></textarea>
                    <div class="row">
                        <button type="button" data-testid="register" on:click=register>
                            "Register"
                        </button>
                        <span class="hint">"POST /subjects/" {move || state.with(SchemaState::subject)} "/versions"</span>
                    </div>
                    {move || {
                        register_result
                            .get()
                            .map(|(ok, line, body)| {
                                view! {
                                    <div
                                        class="register-result"
                                        class:ok=ok
                                        class:bad={!ok}
                                        data-testid="register-result"
                                    >
                                        <div data-testid="register-status">{line}</div>
                                        <pre data-testid="register-body">{body}</pre>
                                    </div>
                                }
                            })
                    }}
                </div>
            </div>

            <div class="card verdict-card">
                <h2>"Verdict"</h2>
                <VerdictView analysis=analysis level=Signal::derive(move || state.with(|s| s.level))/>
            </div>

            <div class="card sample-card">
                <h2>"Sample record"</h2>
                <div class="row">
                    <label>
                        "Written with"
                        <select data-testid="writer" on:change=on_writer>
                            {writer_options}
                        </select>
                    </label>
                </div>
                <textarea
                    data-testid="record"
                    class="record"
                    spellcheck="false"
                    rows="3"
                    prop:value=move || state.with(|s| s.record.clone())
                    on:input=on_record
                ></textarea>
                <SampleView analysis=analysis/>
            </div>

            <SimplificationNote>
                "kplay runs Java's SchemaCompatibility rules and Confluent's levels and messages in the browser, "
                "on one subject with TopicNameStrategy. Simplified: forward references are rejected (Avro 1.11); "
                "extra JSON properties are written back in key order; invalid-JSON messages are serde_json's; "
                "no hard delete, modes, normalize, schema references, rule sets or contexts; the last details item "
                "is the 7.9+ form; reserved-field validation is not modelled. Hostile input stops at limits Java "
                "does not have (schema ≤ 1 MiB, JSON nesting ≤ 64). A link holds at most 20 versions and 60 000 bytes."
            </SimplificationNote>
        </section>
    }
}

#[component]
fn History(analysis: Memo<Result<Analysis, String>>) -> impl IntoView {
    move || {
        analysis.with(|a| {
            let Ok(a) = a else { return None };
            let rows = a
                .history
                .iter()
                .map(|h| {
                    view! {
                        <details class="version" data-testid=format!("history-v{}", h.version)>
                            <summary>
                                <strong>{format!("v{}", h.version)}</strong>
                                " · id "
                                <span data-testid=format!("history-id-v{}", h.version)>{h.id}</span>
                            </summary>
                            <pre class="schema-text">{h.text.clone()}</pre>
                        </details>
                    }
                })
                .collect_view();
            Some(view! {
                <div class="history" data-testid="history">
                    {rows}
                    <p class="hint" data-testid="history-count">
                        {format!("{} version(s)", a.history.len())}
                    </p>
                </div>
            })
        })
    }
}

#[component]
fn VerdictView(
    analysis: Memo<Result<Analysis, String>>,
    level: Signal<CompatibilityLevel>,
) -> impl IntoView {
    move || {
        let level = level.get();
        analysis.with(|a| {
            let Ok(a) = a else { return None };
            let (class, text, details) = match &a.verdict {
                Verdict::Compatible => ("ok", "Compatible".to_owned(), Vec::new()),
                Verdict::Incompatible(m) => ("bad", "Incompatible".to_owned(), m.clone()),
                Verdict::Invalid(e) => ("bad", "Invalid schema".to_owned(), vec![e.clone()]),
            };
            let scope = if level == CompatibilityLevel::None {
                "NONE: the registry compares with no version.".to_owned()
            } else if a.history.is_empty() {
                "The first version: nothing to compare with.".to_owned()
            } else if level.is_transitive() {
                format!("{level}: every version, newest first.")
            } else {
                format!("{level}: the latest version only.")
            };
            let checks = a
                .checks
                .iter()
                .map(|c| view! { <CheckView check=c.clone()/> })
                .collect_view();
            Some(view! {
                <p class="verdict-line">
                    <span class=format!("verdict {class}") data-testid="verdict">{text}</span>
                    " "
                    <span class="hint" data-testid="verdict-scope">{scope}</span>
                </p>
                <ul class="messages" data-testid="verdict-messages">
                    {details
                        .into_iter()
                        .map(|m| view! { <li data-testid="verdict-message">{m}</li> })
                        .collect_view()}
                </ul>
                <div class="checks">{checks}</div>
            })
        })
    }
}

#[component]
fn CheckView(check: VersionVerdict) -> impl IntoView {
    let v = check.version;
    let status = if check.compatible {
        "compatible"
    } else {
        "incompatible"
    };
    view! {
        <div
            class="check"
            class:ok=check.compatible
            class:bad={!check.compatible}
            data-testid=format!("check-v{v}")
        >
            <h3>
                {format!("Against v{v}: ")}
                <span data-testid=format!("check-status-v{v}")>{status}</span>
                {check.reported.then_some(" (the version Confluent's answer reports)")}
            </h3>
            <ul class="messages">
                {check
                    .messages
                    .iter()
                    .map(|m| view! { <li data-testid="check-message">{m.clone()}</li> })
                    .collect_view()}
            </ul>
            {check
                .findings
                .into_iter()
                .map(|f| view! { <FindingView finding=f/> })
                .collect_view()}
        </div>
    }
}

#[component]
fn FindingView(finding: Finding) -> impl IntoView {
    let Finding {
        reader,
        writer,
        kind,
        location,
        message,
        highlight,
    } = finding;
    view! {
        <div class="finding" data-testid="finding">
            <p>
                {format!("{reader} reading {writer}'s data: ")}
                <code data-testid="finding-type">{kind}</code>
                " at "
                <code data-testid="finding-location">{location}</code>
                ": "
                <span data-testid="finding-message">{message}</span>
            </p>
            {highlight
                .map(|(before, mark, after)| {
                    view! {
                        <pre class="schema-text">
                            {before}
                            <mark data-testid="highlight">{mark}</mark>
                            {after}
                        </pre>
                    }
                })}
        </div>
    }
}

#[component]
fn SampleView(analysis: Memo<Result<Analysis, String>>) -> impl IntoView {
    move || {
        analysis.with(|a| {
            let Ok(a) = a else { return None };
            Some(match &a.sample {
                Err(e) => view! { <p class="bad" data-testid="sample-error">{e.clone()}</p> }.into_any(),
                Ok(s) => {
                    let rows = s
                        .reads
                        .iter()
                        .map(|r| {
                            let (ok, text) = match &r.result {
                                Ok(v) => (true, v.clone()),
                                Err(e) => (false, e.clone()),
                            };
                            let who = if r.is_writer {
                                format!("{} (writer)", r.reader)
                            } else {
                                r.reader.clone()
                            };
                            view! {
                                <tr class:bad={!ok} data-testid=format!("read-{}", r.reader)>
                                    <td>{who}</td>
                                    <td>
                                        <code data-testid=format!("read-result-{}", r.reader)>{text}</code>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <p class="hint">
                            "Wire format (magic byte 0, schema id, Avro body; id 0 = not registered): "
                        </p>
                        <pre class="wire" data-testid="wire">{s.wire_hex.clone()}</pre>
                        <div class="scroll-x">
                            <table class="reads" data-testid="reads">
                                <thead>
                                    <tr>
                                        <th>"Consumer on"</th>
                                        <th>"Decodes"</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
            })
        })
    }
}
