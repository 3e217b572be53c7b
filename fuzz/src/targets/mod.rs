//! One file per target. To add one: write `my_target.rs` with a unit struct
//! implementing [`crate::Target`], add `mod my_target;` and its entry to
//! [`ALL`] below, and put a few seed inputs in `fuzz/corpus/my_target/`.

use crate::Target;

mod app_query;
mod assign_json;
mod durability_json;
mod partition_args;
mod plan_json;
mod scenario_query;
mod topic_config;
mod topic_name;
mod untrusted_docs;

/// Every target, in the order `kplay-fuzz all` runs them.
pub static ALL: &[&dyn Target] = &[
    &plan_json::PlanJson,
    &assign_json::AssignJson,
    &partition_args::PartitionArgs,
    &topic_config::TopicConfigPairs,
    &topic_name::TopicNameRule,
    &scenario_query::ScenarioQuery,
    &app_query::AppQuery(app_query::Page::Topics),
    &app_query::AppQuery(app_query::Page::Partitioning),
    &app_query::AppQuery(app_query::Page::Groups),
    &app_query::AppQuery(app_query::Page::Offsets),
    &app_query::AppQuery(app_query::Page::Compaction),
    &app_query::AppQuery(app_query::Page::Planner),
    &app_query::AppQuery(app_query::Page::Schemas),
    &untrusted_docs::AvroSchema,
    &untrusted_docs::SnapshotJson,
    &untrusted_docs::PastedToolOutput,
    &durability_json::DurabilityJson,
];

/// The input as text, as the CLI and the app would read it (invalid UTF-8
/// replaced, as `from_utf8_lossy` does).
pub(crate) fn text(input: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(input)
}
