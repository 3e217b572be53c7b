//! Small shared components.

use leptos::prelude::*;

/// A red banner with a clear error message; hidden when `message` is `None`.
#[component]
pub fn ErrorBanner(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="error-banner" role="alert" data-testid="error-banner">
                {move || message.get().unwrap_or_default()}
            </div>
        </Show>
    }
}

/// A note saying where kplay simplifies Kafka.
#[component]
pub fn SimplificationNote(children: Children) -> impl IntoView {
    view! { <aside class="simplification" data-testid="simplification">{children()}</aside> }
}
