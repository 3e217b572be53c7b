//! # kplay-app
//!
//! The browser front end of kplay: a Leptos (client-side rendered) app built by
//! Trunk. Engine logic lives in `kplay-engine`; this crate keeps view state in
//! plain types (`state::*`) with methods, and the URL query is the source of
//! truth for every shareable view (`url`).

pub mod components;
pub mod pages;
pub mod panic;
pub mod state;
pub mod url;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes, A};
use leptos_router::path;

/// Installs the panic hook and mounts [`App`] on `<body>`.
pub fn start() {
    panic::install_hook();
    leptos::mount::mount_to_body(App);
}

/// The navigation areas, in menu order: (path, label, test id).
pub const AREAS: [(&str, &str, &str); 7] = [
    ("/", "Topics", "nav-topics"),
    ("/partitioning", "Partitioning", "nav-partitioning"),
    ("/groups", "Consumer groups", "nav-groups"),
    ("/offsets", "Offsets & delivery", "nav-offsets"),
    ("/compaction", "Compaction & retention", "nav-compaction"),
    ("/schemas", "Schemas", "nav-schemas"),
    ("/planner", "Planner", "nav-planner"),
];

/// The whole app: top bar with navigation, one route per area.
#[component]
pub fn App() -> impl IntoView {
    let base = url::base_path();
    let links = base.clone();
    view! {
        <Router base=base>
            <header class="topbar">
                <span class="brand">"kplay"</span>
                <span class="tagline">"Kafka playground & capacity planner"</span>
                <nav class="areas">
                    {AREAS
                        .iter()
                        .map(|&(href, label, testid)| {
                            view! {
                                <A href=url::href(&links, href) exact=true attr:data-testid=testid>
                                    {label}
                                </A>
                            }
                        })
                        .collect_view()}
                </nav>
            </header>
            <main>
                <RepeatedParamsNotice/>
                <Routes fallback=|| view! { <pages::NotFound/> }>
                    <Route path=path!("/") view=pages::topics::TopicsPage/>
                    <Route path=path!("/partitioning") view=pages::partitioning::PartitioningPage/>
                    <Route path=path!("/groups") view=pages::groups::GroupsPage/>
                    <Route path=path!("/offsets") view=pages::offsets::OffsetsPage/>
                    <Route path=path!("/compaction") view=pages::compaction::CompactionPage/>
                    <Route path=path!("/schemas") view=pages::schemas::SchemasPage/>
                    <Route path=path!("/planner") view=pages::planner::PlannerPage/>
                </Routes>
            </main>
        </Router>
    }
}

/// The one rule for a link that repeats a parameter (the last value wins),
/// said out loud instead of applied silently.
#[component]
fn RepeatedParamsNotice() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let repeated = Memo::new(move |_| {
        location
            .search
            .with(|s| url::repeated_params(&url::parse_query(s)))
    });
    move || {
        let names = repeated.get();
        (!names.is_empty()).then(|| {
            let list = names
                .iter()
                .map(|n| format!("'{}'", kplay_engine::input::clip(n)))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <p class="link-notice" data-testid="link-notice" role="status">
                    "This link gives " {list} " more than once; kplay used the last value of each."
                </p>
            }
        })
    }
}
