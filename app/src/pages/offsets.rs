//! The Offsets & delivery page.

use leptos::prelude::*;

/// The Offsets & delivery page.
#[component]
pub fn OffsetsPage() -> impl IntoView {
    view! { <super::Planned title="Offsets & delivery" what="Commits, lag, retention and the processed-once/duplicate/lost ledger."/> }
}
