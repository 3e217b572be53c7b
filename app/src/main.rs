//! Entry point of the browser build: install the panic hook, mount the app.

fn main() {
    kplay_app::start();
}
