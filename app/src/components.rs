//! Small shared components.

use leptos::prelude::*;

/// A red banner with a clear error message; hidden when `message` is `None`.
#[component]
pub fn ErrorBanner(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <div class="error-banner" role="alert" data-testid="error-banner">
                {move || message.get().map(|m| crate::url::shorten_message(&m)).unwrap_or_default()}
            </div>
        </Show>
    }
}

/// A note saying where kplay simplifies Kafka.
#[component]
pub fn SimplificationNote(children: Children) -> impl IntoView {
    view! { <aside class="simplification" data-testid="simplification">{children()}</aside> }
}

/// The record value of a produce form: a text input, and a "null value
/// (tombstone)" checkbox that disables it. A null value is Kafka's delete
/// marker for a key on a compacted topic.
#[component]
pub fn ValueInput(value: RwSignal<String>, tombstone: RwSignal<bool>) -> impl IntoView {
    view! {
        <label>
            "Value"
            <input
                data-testid="value"
                prop:value=value
                prop:disabled=tombstone
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </label>
        <label class="check">
            <input
                type="checkbox"
                data-testid="tombstone"
                prop:checked=tombstone
                on:change=move |ev| tombstone.set(event_target_checked(&ev))
            />
            "null value (tombstone)"
        </label>
    }
}
