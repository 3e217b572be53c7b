//! The Consumer groups page.

use leptos::prelude::*;

/// The Consumer groups page.
#[component]
pub fn GroupsPage() -> impl IntoView {
    view! { <super::Planned title="Consumer groups" what="Kafka's assignors, eager and cooperative rebalances, static membership."/> }
}
