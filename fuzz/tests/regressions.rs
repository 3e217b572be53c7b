//! Replays every seed (`fuzz/corpus/<target>/`) and every saved crash
//! (`fuzz/regressions/<target>/`) through its target: no panic, and the
//! target's checks hold. Then a short seeded fuzz run per target, so the
//! driver itself is tested.

use kplay_fuzz::driver::{self, corpus_dir, execute, load_dir, regressions_dir, Options};
use kplay_fuzz::{all_targets, target};

#[test]
fn every_target_has_seeds() {
    for t in all_targets() {
        assert!(
            !load_dir(&corpus_dir(t.name())).is_empty(),
            "{}: no seed inputs in {}",
            t.name(),
            corpus_dir(t.name()).display()
        );
    }
}

#[test]
fn seeds_and_regressions_pass_their_checks() {
    let mut failures = Vec::new();
    let mut n = 0;
    for t in all_targets() {
        for dir in [corpus_dir(t.name()), regressions_dir(t.name())] {
            for (path, input) in load_dir(&dir) {
                n += 1;
                if let Err(f) = execute(t, &input) {
                    failures.push(format!("{}: {}: {f}", t.name(), path.display()));
                }
            }
        }
    }
    assert!(n > 0);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_short_run_of_each_target_finds_nothing() {
    for t in all_targets() {
        let s = driver::run(
            t,
            &Options {
                iterations: 300,
                seed: 1,
                save: false,
                ..Options::default()
            },
        );
        assert_eq!(s.executions, 300);
        assert!(
            s.unique_crashes.is_empty(),
            "{}: {:?}",
            t.name(),
            s.unique_crashes
        );
    }
}

/// The checks are not vacuous: inputs that break a rule the engine keeps
/// are told apart from inputs it accepts.
#[test]
fn targets_tell_accepted_from_refused() {
    let name = target("topic_name").unwrap();
    assert_eq!(execute(name, b"orders").unwrap(), "ok");
    assert_eq!(execute(name, b"a b").unwrap(), "err");
    let plan = target("plan_json").unwrap();
    assert!(execute(
        plan,
        br#"{"ingress_mb_per_s":50,"retention_hours":24,"replication_factor":3}"#
    )
    .unwrap()
    .starts_with("ok:"));
    assert!(execute(plan, b"[50,null,null,2,24,null,3]")
        .unwrap()
        .starts_with("err:"));
    let assign = target("assign_json").unwrap();
    assert!(
        execute(assign, br#"{"topics":{"t":2147483647},"members":[]}"#)
            .unwrap()
            .starts_with("err:")
    );
}
