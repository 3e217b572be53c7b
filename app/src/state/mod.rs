//! View state: plain types with methods, no Leptos. Components read these.

pub mod compaction;
pub mod topics;
