//! The app mounted in headless Chromium: the view model and URL helpers behave
//! the same compiled to wasm, and the Topics page renders partitions from a
//! share link's query.
#![cfg(target_arch = "wasm32")]

use kplay_app::state::topics::TopicView;
use kplay_engine::scenario::TopicScenario;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn topic_view_from_a_share_link() {
    let s = TopicScenario::from_query([("topic", "t"), ("partitions", "5"), ("ops", "g250s3")])
        .expect("valid link");
    let v = TopicView::build(&s).expect("builds");
    assert_eq!(v.partitions.len(), 5);
    assert_eq!(v.total_records, 250);
    assert_eq!(
        v.partitions.iter().map(|p| p.records).max(),
        Some(v.max_records)
    );
}

#[wasm_bindgen_test]
fn base_path_reads_the_document_base() {
    // The test page has no <base>, so the base URI is the page's own URL.
    let p = kplay_app::url::base_path();
    assert!(!p.ends_with('/'), "{p}");
}
