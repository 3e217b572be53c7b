//! The mutation driver: corpus loading, the fuzz loop with `catch_unwind`,
//! crash saving and minimisation, and a watchdog that ends a run whose
//! execution hangs.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use crate::mutate::Mutator;
use crate::{label_of, Finding, Target};

/// `fuzz/` in the source tree (corpus and regressions live there).
pub fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `fuzz/corpus/<target>/`.
pub fn corpus_dir(target: &str) -> PathBuf {
    fuzz_dir().join("corpus").join(target)
}

/// `fuzz/regressions/<target>/`.
pub fn regressions_dir(target: &str) -> PathBuf {
    fuzz_dir().join("regressions").join(target)
}

/// Every file in `dir`, sorted by name, as `(path, bytes)`; a missing
/// directory is empty.
pub fn load_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
        .collect()
}

thread_local! {
    static PANIC_MESSAGE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

static HOOK: Once = Once::new();

/// Replaces the panic hook (once per process) with one that, inside
/// [`execute`], records the message and location instead of printing them;
/// elsewhere (a failing test's assertion) the previous hook runs.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CAPTURING.with(std::cell::Cell::get) {
                previous(info);
                return;
            }
            let msg = if let Some(s) = info.payload().downcast_ref::<&str>() {
                (*s).to_owned()
            } else if let Some(s) = info.payload().downcast_ref::<String>() {
                s.clone()
            } else {
                "(non-string panic payload)".to_owned()
            };
            let at = info
                .location()
                .map(|l| format!(" at {}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            PANIC_MESSAGE.with(|m| *m.borrow_mut() = Some(format!("panicked{at}: {msg}")));
        }));
    });
}

/// Runs `target` on `input` under `catch_unwind`: `Ok(label)`, or the
/// finding (a failed check, or the panic's message and location).
pub fn execute(target: &dyn Target, input: &[u8]) -> Result<String, Finding> {
    install_panic_hook();
    CAPTURING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(|| target.run(input)));
    CAPTURING.with(|c| c.set(false));
    match result {
        Ok(r) => r,
        Err(_) => Err(PANIC_MESSAGE
            .with(|m| m.borrow_mut().take())
            .unwrap_or_else(|| "panicked".to_owned())),
    }
}

/// Options of one fuzz run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Executions to run.
    pub iterations: u64,
    /// Seed of the mutator.
    pub seed: u64,
    /// Longest input, bytes.
    pub max_len: usize,
    /// An execution running longer than this ends the run as a hang (its
    /// input saved as a regression).
    pub timeout: Duration,
    /// Write crashing inputs to `fuzz/regressions/<target>/`.
    pub save: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            iterations: 10_000,
            seed: 0,
            max_len: 4_096,
            timeout: Duration::from_secs(10),
            save: true,
        }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Executions done.
    pub executions: u64,
    /// Wall time, seconds.
    pub seconds: f64,
    /// Executions that panicked or failed a check.
    pub crashes: u64,
    /// Distinct findings (by message, digits ignored).
    pub unique_crashes: Vec<(String, PathBuf)>,
    /// Corpus size at the start (seeds + regressions) and at the end.
    pub corpus_start: usize,
    /// Corpus size at the end (seeds + inputs with new labels).
    pub corpus_end: usize,
    /// Distinct labels seen.
    pub labels: usize,
    /// Longest single execution, seconds.
    pub slowest: f64,
}

fn fnv64(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Shrinks `input` while it still fails with the same finding signature.
fn minimise(target: &dyn Target, input: &[u8], sig: &str) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut chunk = (best.len() / 2).max(1);
    let mut budget = 2_000;
    while chunk >= 1 && budget > 0 {
        let mut i = 0;
        let mut shrunk = false;
        while i < best.len() && budget > 0 {
            budget -= 1;
            let end = (i + chunk).min(best.len());
            let mut cand = best[..i].to_vec();
            cand.extend_from_slice(&best[end..]);
            match execute(target, &cand) {
                Err(f) if label_of("", &f, 80) == sig => {
                    best = cand;
                    shrunk = true;
                }
                _ => i += chunk,
            }
        }
        if !shrunk {
            if chunk == 1 {
                break;
            }
            chunk /= 2;
        }
    }
    best
}

fn save(dir: &Path, prefix: &str, input: &[u8]) -> PathBuf {
    let path = dir.join(format!("{prefix}-{:016x}", fnv64(input)));
    if let Err(e) = std::fs::create_dir_all(dir).and_then(|()| std::fs::write(&path, input)) {
        eprintln!("cannot save {}: {e}", path.display());
    }
    path
}

/// Watches one run: ends the process (after saving the input) when one
/// execution takes longer than the timeout. A hung target cannot be stopped
/// from safe Rust, so the run stops instead of stalling.
struct Watchdog {
    exec: Arc<AtomicU64>,
    input: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watchdog {
    fn start(target: &'static str, timeout: Duration, save_dir: Option<PathBuf>) -> Self {
        let exec = Arc::new(AtomicU64::new(0));
        let input = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (e, i, s) = (exec.clone(), input.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            let tick = Duration::from_millis(50).min(timeout);
            let mut last = u64::MAX;
            let mut since = Duration::ZERO;
            while !s.load(Ordering::Relaxed) {
                std::thread::sleep(tick);
                let now = e.load(Ordering::Relaxed);
                if now == last {
                    since += tick;
                } else {
                    last = now;
                    since = Duration::ZERO;
                }
                if since > timeout && now % 2 == 1 {
                    let data = i.lock().map(|d| d.clone()).unwrap_or_default();
                    let shown = match &save_dir {
                        Some(dir) => save(dir, "hang", &data).display().to_string(),
                        None => format!("{} bytes", data.len()),
                    };
                    eprintln!(
                        "{target}: HANG: one execution ran longer than {timeout:?}; input {shown}"
                    );
                    std::process::exit(3);
                }
            }
        });
        Self {
            exec,
            input,
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Fuzzes `target` for `opts.iterations` executions.
#[allow(clippy::disallowed_methods)] // the fuzzer measures wall time; the engine does not
pub fn run(target: &'static dyn Target, opts: &Options) -> Stats {
    let name = target.name();
    let mut corpus: Vec<Vec<u8>> = load_dir(&corpus_dir(name))
        .into_iter()
        .chain(load_dir(&regressions_dir(name)))
        .map(|(_, b)| b)
        .collect();
    if corpus.is_empty() {
        corpus.push(Vec::new());
    }
    let mut stats = Stats {
        corpus_start: corpus.len(),
        ..Stats::default()
    };
    let mut labels: BTreeSet<String> = BTreeSet::new();
    let mut crash_sigs: BTreeSet<String> = BTreeSet::new();
    let save_dir = opts.save.then(|| regressions_dir(name));
    let dog = Watchdog::start(name, opts.timeout, save_dir.clone());
    let mut m = Mutator::new(opts.seed, target.dictionary(), opts.max_len);
    let started = Instant::now();
    let mut buf = Vec::with_capacity(opts.max_len);
    for i in 0..opts.iterations {
        let a = m.below(corpus.len());
        let b = m.below(corpus.len());
        buf.clear();
        buf.extend_from_slice(&corpus[a]);
        // The seeds themselves run first, unmutated.
        if i >= stats.corpus_start as u64 {
            m.mutate(&mut buf, &corpus[b]);
        }
        if let Ok(mut g) = dog.input.lock() {
            g.clone_from(&buf);
        }
        dog.exec.fetch_add(1, Ordering::Relaxed); // odd: running
        let t0 = Instant::now();
        let r = execute(target, &buf);
        let dt = t0.elapsed().as_secs_f64();
        dog.exec.fetch_add(1, Ordering::Relaxed); // even: idle
        stats.slowest = stats.slowest.max(dt);
        stats.executions += 1;
        match r {
            Ok(label) => {
                if labels.len() < 100_000 && !labels.contains(&label) {
                    labels.insert(label);
                    if corpus.len() < 20_000 {
                        corpus.push(buf.clone());
                    }
                }
            }
            Err(finding) => {
                stats.crashes += 1;
                let sig = label_of("", &finding, 80);
                if crash_sigs.insert(sig.clone()) {
                    let small = minimise(target, &buf, &sig);
                    let path = match &save_dir {
                        Some(dir) => save(dir, "crash", &small),
                        None => PathBuf::from(format!("({} bytes, not saved)", small.len())),
                    };
                    eprintln!(
                        "{name}: CRASH {finding}\n  input saved as {}",
                        path.display()
                    );
                    stats.unique_crashes.push((finding, path));
                }
            }
        }
    }
    stats.seconds = started.elapsed().as_secs_f64();
    stats.corpus_end = corpus.len();
    stats.labels = labels.len();
    drop(dog);
    stats
}
