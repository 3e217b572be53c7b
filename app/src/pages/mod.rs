//! One module per area (route).

pub mod compaction;
pub mod groups;
pub mod offsets;
pub mod partitioning;
pub mod planner;
pub mod schemas;
pub mod topics;

use leptos::prelude::*;

/// Shown for unknown paths.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="page">
            <h1>"Not found"</h1>
            <p data-testid="not-found">"There is no such page in kplay. Pick an area from the menu."</p>
        </section>
    }
}

/// An area that a later issue fills in; says so plainly.
#[component]
pub fn Planned(title: &'static str, what: &'static str) -> impl IntoView {
    view! {
        <section class="page">
            <h1>{title}</h1>
            <p class="planned" data-testid="planned">"Not built yet. " {what}</p>
        </section>
    }
}
