//! Property tests of the log against a naive model (native, proptest).
//! Host-only: proptest does not build for wasm32; `wasm.rs` runs the same
//! checks (`common`) in the browser from a seeded loop.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn log_behaves_like_a_vec(seed in any::<u64>(), n in 1usize..300, seg in 300i32..4000) {
        let steps = common::steps_from_seed(seed, n);
        common::check_log_against_model(&steps, seg);
    }
}
