//! View state: plain types with methods, no Leptos. Components read these.

pub mod compaction;
pub mod groups;
pub mod offsets;
pub mod partitioning;
pub mod planner;
pub mod schemas;
pub mod topics;
