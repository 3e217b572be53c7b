//! # kplay-fuzz
//!
//! A small fuzzer on stable Rust for kplay's parsers of untrusted input (no
//! nightly toolchain, no sanitizer coverage): a seeded mutation driver
//! ([`driver`]) feeds byte strings to [`Target`]s, one per parser, under
//! `std::panic::catch_unwind`. A target checks more than "no panic" where it
//! can: parse → print → parse round trips, and the engine's invariants after
//! any accepted input. Inputs that panic or fail a check are written to
//! `fuzz/regressions/<target>/` and replayed by `cargo test -p kplay-fuzz`.
//!
//! Feedback without coverage: each run returns a short *label* describing the
//! path taken (e.g. the error kind, or "ok" plus a shape); an input whose
//! label is new joins the in-memory corpus, so inputs that reach new errors
//! and new accepted shapes are mutated further.
//!
//! See `fuzz/README.md` for the command line and how to add a target.

pub mod driver;
pub mod mutate;
pub mod targets;

/// What one execution found wrong (a failed check; panics are caught by the driver).
pub type Finding = String;

/// A fuzz target: one parser of untrusted input and the checks that hold
/// for every input it accepts or refuses.
pub trait Target: Sync {
    /// Short name: the directory under `fuzz/corpus/` and `fuzz/regressions/`.
    fn name(&self) -> &'static str;

    /// Tokens the mutator inserts (besides the shared ones in
    /// [`mutate::COMMON_TOKENS`]): field names, separators, keywords.
    fn dictionary(&self) -> &'static [&'static str];

    /// Runs one input. `Ok(label)` names the path taken (used as feedback;
    /// keep it short and free of input-derived numbers); `Err` is a finding:
    /// a check that failed.
    fn run(&self, input: &[u8]) -> Result<String, Finding>;
}

/// Every target, in the order `kplay-fuzz all` runs them.
pub fn all_targets() -> Vec<&'static dyn Target> {
    targets::ALL.to_vec()
}

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static dyn Target> {
    targets::ALL.iter().copied().find(|t| t.name() == name)
}

/// The most characters an error message may have: errors quote input
/// briefly (`kplay_engine::input`), so even a huge input gives a short
/// message. Targets check every message they see against this.
pub const MAX_ERROR_CHARS: usize = 2_500;

/// Checks an error message's length (see [`MAX_ERROR_CHARS`]).
pub fn check_error_len(what: &str, msg: &str) -> Result<(), Finding> {
    let n = msg.chars().count();
    if n > MAX_ERROR_CHARS {
        let head: String = msg.chars().take(120).collect();
        return Err(format!(
            "{what}: error message of {n} chars (more than {MAX_ERROR_CHARS}): {head}…"
        ));
    }
    Ok(())
}

/// A label for an error message: its first `n` characters, up to the first
/// quote (`"`, `'` or `` ` ``, where input is usually echoed), with digits
/// dropped, so values from the input do not make every error "new".
pub fn label_of(prefix: &str, msg: &str, n: usize) -> String {
    let mut s = String::with_capacity(prefix.len() + n + 1);
    s.push_str(prefix);
    s.push(':');
    s.extend(
        msg.chars()
            .take_while(|c| !matches!(c, '"' | '\'' | '`'))
            .filter(|c| !c.is_ascii_digit())
            .take(n),
    );
    s
}
