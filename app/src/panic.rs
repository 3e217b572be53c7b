//! A panic must never leave a dead page without explanation: the hook logs to
//! the console and reveals `#panic-banner` with the message.

use std::panic::PanicHookInfo;

/// Installs the hook (console log + visible banner).
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_banner(&format!(
            "kplay hit an internal error and stopped: {info}. Reload the page; \
             if it happens again, please report the URL."
        ));
    }));
}

fn show_banner(message: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = doc.get_element_by_id("panic-banner") {
        el.set_text_content(Some(message));
        let _ = el.remove_attribute("hidden");
    }
}
