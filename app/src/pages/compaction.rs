//! The Compaction & retention page.

use leptos::prelude::*;

/// The Compaction & retention page.
#[component]
pub fn CompactionPage() -> impl IntoView {
    view! { <super::Planned title="Compaction & retention" what="The log cleaner and retention, made visible."/> }
}
