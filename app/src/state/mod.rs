//! View state: plain types with methods, no Leptos. Components read these.

pub mod partitioning;
pub mod topics;
