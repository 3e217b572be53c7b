//! View state: plain types with methods, no Leptos. Components read these.

pub mod offsets;
pub mod topics;
