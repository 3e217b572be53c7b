//! The Planner page.

use leptos::prelude::*;

/// The Planner page.
#[component]
pub fn PlannerPage() -> impl IntoView {
    view! { <super::Planned title="Planner" what="Size partitions, disk, network and brokers with every formula shown."/> }
}
