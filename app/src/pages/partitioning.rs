//! The Partitioning page.

use leptos::prelude::*;

/// The Partitioning page.
#[component]
pub fn PartitioningPage() -> impl IntoView {
    view! { <super::Planned title="Partitioning" what="Which partition a key lands on for each Kafka client, and why one partition runs hot."/> }
}
