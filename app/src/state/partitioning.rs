//! The Partitioning page's view model: which partition a key lands on per
//! client, how skewed a workload is, what a mitigation changes, and which keys
//! move when a topic grows.
//!
//! Everything the page shows is defined by its URL query, parsed by
//! [`PartitioningQuery::parse`] with an explicit error per bad value (never
//! clamped). A simulation is a [`SkewRun`], fed in chunks with
//! [`SkewRun::step`] so the page can spread a large run (up to
//! [`MAX_RECORDS`]) over animation frames; it is exactly
//! [`kplay_engine::mitigation::simulate`] taken one chunk at a time.

use std::num::NonZeroU32;

use kplay_engine::mitigation::{remap_report, MitigatedProducer, Mitigation, RemapReport};
use kplay_engine::partitioner::{key_partition_per_client, PartitionerKind};
use kplay_engine::skew::{SkewReport, HOT_PARTITION_FACTOR};
use kplay_engine::workload::{KeyChoice, Workload, WorkloadSpec};

/// Largest partition count the page draws.
pub const MAX_PARTITIONS: u32 = 1_000;
/// Largest simulated run (records).
pub const MAX_RECORDS: u64 = 1_000_000;
/// Largest number of distinct workload keys (each is tracked in memory).
pub const MAX_KEYS: u64 = 100_000;
/// Largest number of typed keys.
pub const MAX_TYPED_KEYS: usize = 10_000;
/// Typed keys shown in the key → partition per client table.
pub const TABLE_KEYS: usize = 20;
/// Hot keys listed.
pub const TOP_KEYS: usize = 8;
/// Moved keys listed in the re-partitioning view.
pub const MOVED_SHOWN: usize = 20;
/// Workload keys checked by the re-partitioning view (`key-0` … `key-9999`).
pub const REMAP_WORKLOAD_KEYS: u64 = 10_000;
/// Hot keys the spreading mitigation names by default for time-bucketed keys.
pub const MAX_DEFAULT_SPREAD_KEYS: u64 = 1_000;

/// The query parameters and their defaults (`to` and `hk` default to a value
/// derived from the others when empty).
pub const DEFAULTS: [(&str, &str); 18] = [
    ("p", "java"),
    ("n", "12"),
    ("src", "workload"),
    ("dist", "hot"),
    ("s", "1.1"),
    ("hot", "30"),
    ("keys", "1000"),
    ("records", "100000"),
    ("rate", "100000"),
    ("tb", ""),
    ("vb", "100"),
    ("seed", "42"),
    ("m", "none"),
    ("cb", "10000"),
    ("spread", "4"),
    ("hk", ""),
    ("to", ""),
    ("k", ""),
];

/// Where the records come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A seeded workload generator.
    Workload,
    /// The typed keys, one record per line.
    Keys,
}

/// The workload's key distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dist {
    /// Uniform keys.
    Uniform,
    /// Zipf(s) keys.
    Zipf,
    /// One hot key taking a share of the traffic.
    Hot,
}

/// The mitigation toggle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MitigationKind {
    /// Baseline.
    None,
    /// `{key}@{bucket}`.
    Compound,
    /// `hex(sha256(key))[:2]:key`.
    Salted,
    /// Hot keys round-robin over a few partitions.
    Spread,
    /// Grow the topic to the re-partitioning target.
    More,
}

impl MitigationKind {
    /// Every toggle value with its URL name and label.
    pub const ALL: [(Self, &'static str, &'static str); 5] = [
        (Self::None, "none", "None"),
        (Self::Compound, "compound", "Compound key (key@time bucket)"),
        (Self::Salted, "salted", "Salted key (sha256(key)[:2]:key)"),
        (Self::Spread, "spread", "Hot-key spreading partitioner"),
        (Self::More, "more", "More partitions"),
    ];

    /// The URL name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _, _)| *k == self)
            .map_or("none", |(_, n, _)| n)
    }
}

/// Everything the page shows, parsed from the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct PartitioningQuery {
    /// The producer's partitioner (`p`).
    pub partitioner: PartitionerKind,
    /// The topic's partition count (`n`).
    pub partitions: u32,
    /// Records from the workload or the typed keys (`src`).
    pub source: Source,
    /// Key distribution (`dist`).
    pub dist: Dist,
    /// Zipf exponent (`s`).
    pub zipf_s: f64,
    /// Hot key's share in percent (`hot`).
    pub hot_percent: f64,
    /// Distinct workload keys (`keys`).
    pub keys: u64,
    /// Records to simulate (`records`).
    pub records: u64,
    /// Records per simulated second (`rate`).
    pub rate: f64,
    /// Time bucket appended to workload keys (`tb`, empty = none).
    pub time_bucket_ms: Option<i64>,
    /// Value size (`vb`).
    pub value_bytes: u32,
    /// Workload seed (`seed`).
    pub seed: u64,
    /// The mitigation (`m`).
    pub mitigation: MitigationKind,
    /// Compound-key bucket (`cb`).
    pub compound_bucket_ms: i64,
    /// Partitions per hot key for spreading (`spread`).
    pub spread: u32,
    /// Keys to spread (`hk`, comma-separated); `None` = the default hot key.
    pub spread_keys: Option<Vec<String>>,
    /// Re-partitioning target, also the "more partitions" count (`to`).
    pub remap_to: u32,
    /// Typed keys (`k`, one per line, empty lines ignored).
    pub typed_keys: Vec<String>,
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .or_else(|| DEFAULTS.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
        .unwrap_or("")
}

/// The raw value of `key` in the query, or its default.
pub fn raw_value(pairs: &[(String, String)], key: &str) -> String {
    get(pairs, key).to_owned()
}

/// The query `pairs` with `key` set to `value` (replacing any previous value).
pub fn with_param(pairs: &[(String, String)], key: &str, value: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != key).cloned().collect();
    out.push((key.to_owned(), value.to_owned()));
    out
}

fn int_in(name: &str, label: &str, v: &str, min: u64, max: u64) -> Result<u64, String> {
    let t = v.trim();
    let n: i128 = t.parse().map_err(|_| {
        format!(
            "{label} ({name}) must be a whole number between {min} and {max}, got '{}'.",
            kplay_engine::input::clip(t)
        )
    })?;
    if n < i128::from(min) || n > i128::from(max) {
        return Err(format!(
            "{label} ({name}) must be between {min} and {max}, got {n}."
        ));
    }
    Ok(n as u64)
}

fn float_in(
    name: &str,
    label: &str,
    v: &str,
    ok: impl Fn(f64) -> bool,
    rule: &str,
) -> Result<f64, String> {
    let t = v.trim();
    let x: f64 = t.parse().map_err(|_| {
        format!(
            "{label} ({name}) must be {rule}, got '{}'.",
            kplay_engine::input::clip(t)
        )
    })?;
    if !x.is_finite() || !ok(x) {
        return Err(format!(
            "{label} ({name}) must be {rule}, got {}.",
            kplay_engine::input::clip(t)
        ));
    }
    Ok(x)
}

/// Typed keys from the textarea's text: one per line, `\r` stripped, empty
/// lines ignored.
pub fn parse_typed_keys(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

impl PartitioningQuery {
    /// Parses the page's query (pairs as in the URL, last value wins; missing
    /// → defaults, see [`DEFAULTS`]). Every bad value is an error naming the
    /// parameter.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, String> {
        Self::parse_unshortened(pairs).map_err(|e| crate::url::shorten_message(&e))
    }

    fn parse_unshortened(pairs: &[(String, String)]) -> Result<Self, String> {
        let partitioner: PartitionerKind = get(pairs, "p")
            .trim()
            .parse()
            .map_err(|e| format!("Partitioner (p): {e}"))?;
        let partitions = int_in(
            "n",
            "Partitions",
            get(pairs, "n"),
            1,
            u64::from(MAX_PARTITIONS),
        )? as u32;
        let source = match get(pairs, "src").trim() {
            "workload" => Source::Workload,
            "keys" => Source::Keys,
            other => {
                return Err(format!(
                    "Record source (src) must be 'workload' or 'keys', got '{other}'."
                ))
            }
        };
        let dist = match get(pairs, "dist").trim() {
            "uniform" => Dist::Uniform,
            "zipf" => Dist::Zipf,
            "hot" => Dist::Hot,
            other => {
                return Err(format!(
                    "Key distribution (dist) must be 'uniform', 'zipf' or 'hot', got '{other}'."
                ))
            }
        };
        let zipf_s = float_in(
            "s",
            "Zipf exponent",
            get(pairs, "s"),
            |x| x > 0.0 && x <= 10.0,
            "a number > 0 and ≤ 10",
        )?;
        let hot_percent = float_in(
            "hot",
            "Hot key share",
            get(pairs, "hot"),
            |x| (0.0..=100.0).contains(&x),
            "between 0 and 100 (%)",
        )?;
        let keys = int_in("keys", "Distinct keys", get(pairs, "keys"), 1, MAX_KEYS)?;
        let records = int_in("records", "Records", get(pairs, "records"), 1, MAX_RECORDS)?;
        let rate = float_in(
            "rate",
            "Records/s",
            get(pairs, "rate"),
            // Below one record per simulated second playback would crawl (and
            // a denormal like 1e-320 would stand simulated time still).
            |x| (1.0..=10_000_000.0).contains(&x),
            "a number from 1 to 10000000",
        )?;
        let tb = get(pairs, "tb").trim();
        let time_bucket_ms = if tb.is_empty() {
            None
        } else {
            Some(int_in("tb", "Time bucket ms", tb, 1, i64::MAX as u64)? as i64)
        };
        let value_bytes = int_in(
            "vb",
            "Value bytes",
            get(pairs, "vb"),
            0,
            u64::from(kplay_engine::workload::MAX_VALUE_BYTES),
        )? as u32;
        let seed = int_in("seed", "Seed", get(pairs, "seed"), 0, u64::MAX)?;
        let m = get(pairs, "m").trim();
        let mitigation = MitigationKind::ALL
            .iter()
            .find(|(_, n, _)| *n == m)
            .map(|(k, _, _)| *k)
            .ok_or_else(|| {
                format!("Mitigation (m) must be one of none, compound, salted, spread, more, got '{m}'.")
            })?;
        let compound_bucket_ms = int_in(
            "cb",
            "Compound-key bucket ms",
            get(pairs, "cb"),
            1,
            i64::MAX as u64,
        )? as i64;
        let spread = int_in(
            "spread",
            "Spread",
            get(pairs, "spread"),
            1,
            u64::from(MAX_PARTITIONS),
        )? as u32;
        let hk = get(pairs, "hk").trim();
        let spread_keys = (!hk.is_empty()).then(|| {
            hk.split(',')
                .map(|k| k.trim().to_owned())
                .filter(|k| !k.is_empty())
                .collect()
        });
        let to = get(pairs, "to").trim();
        let remap_to = if to.is_empty() {
            default_remap_target(partitions)
        } else {
            int_in("to", "Re-partition to", to, 1, u64::from(MAX_PARTITIONS))? as u32
        };
        let typed_keys = parse_typed_keys(get(pairs, "k"));
        if typed_keys.len() > MAX_TYPED_KEYS {
            return Err(format!(
                "Typed keys (k): at most {MAX_TYPED_KEYS} keys, got {}.",
                typed_keys.len()
            ));
        }
        if source == Source::Keys && typed_keys.is_empty() {
            return Err("Record source is 'typed keys' but no keys are typed: type at least one key (one per line).".to_owned());
        }
        Ok(Self {
            partitioner,
            partitions,
            source,
            dist,
            zipf_s,
            hot_percent,
            keys,
            records,
            rate,
            time_bucket_ms,
            value_bytes,
            seed,
            mitigation,
            compound_bucket_ms,
            spread,
            spread_keys,
            remap_to,
            typed_keys,
        })
    }

    /// The workload spec of the `workload` source.
    pub fn workload_spec(&self) -> WorkloadSpec {
        WorkloadSpec {
            keys: self.keys,
            choice: match self.dist {
                Dist::Uniform => KeyChoice::Uniform,
                Dist::Zipf => KeyChoice::Zipf { s: self.zipf_s },
                Dist::Hot => KeyChoice::HotKey {
                    percent: self.hot_percent,
                },
            },
            time_bucket_ms: self.time_bucket_ms,
            rate_per_sec: self.rate,
            value_bytes: self.value_bytes,
            start_ms: 0,
            seed: self.seed,
        }
    }

    /// Records in one run: the workload's `records`, or one per typed key.
    pub fn total_records(&self) -> u64 {
        match self.source {
            Source::Workload => self.records,
            Source::Keys => self.typed_keys.len() as u64,
        }
    }

    /// The keys the spreading mitigation spreads: `hk`, or by default the
    /// most frequent typed key (first on ties), or the workload's `key-0`
    /// (its most likely key; with time buckets `key-0@b` for every bucket of
    /// the run, at most [`MAX_DEFAULT_SPREAD_KEYS`]).
    pub fn effective_spread_keys(&self) -> Vec<String> {
        if let Some(k) = &self.spread_keys {
            return k.clone();
        }
        match self.source {
            Source::Keys => {
                let mut counts: std::collections::BTreeMap<&str, (usize, usize)> =
                    std::collections::BTreeMap::new();
                for (i, k) in self.typed_keys.iter().enumerate() {
                    counts.entry(k.as_str()).or_insert((0, i)).0 += 1;
                }
                counts
                    .into_iter()
                    .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then(b.1 .1.cmp(&a.1 .1)))
                    .map(|(k, _)| vec![k.to_owned()])
                    .unwrap_or_default()
            }
            Source::Workload => match self.time_bucket_ms {
                None => vec!["key-0".to_owned()],
                Some(tb) => {
                    let last = ((self.records.saturating_sub(1)) as f64 * 1000.0 / self.rate)
                        .floor() as i64;
                    let buckets =
                        (last.div_euclid(tb.max(1)) as u64 + 1).min(MAX_DEFAULT_SPREAD_KEYS);
                    (0..buckets).map(|b| format!("key-0@{b}")).collect()
                }
            },
        }
    }

    /// The engine's mitigation for the toggle.
    pub fn engine_mitigation(&self) -> Mitigation {
        match self.mitigation {
            MitigationKind::None => Mitigation::None,
            MitigationKind::Compound => Mitigation::CompoundKey {
                bucket_ms: self.compound_bucket_ms,
            },
            MitigationKind::Salted => Mitigation::SaltedKey,
            MitigationKind::Spread => Mitigation::HotKeySpreading {
                hot_keys: self
                    .effective_spread_keys()
                    .into_iter()
                    .map(String::into_bytes)
                    .collect(),
                spread: self.spread,
            },
            MitigationKind::More => Mitigation::MorePartitions {
                partitions: self.remap_to,
            },
        }
    }

    /// The producer seed: the same as `mitigation::simulate` uses.
    pub fn producer_seed(&self) -> u64 {
        self.seed ^ 0x5EED
    }
}

/// The default re-partitioning target: ⌈n × 4/3⌉ (12 → 16), at least n + 1.
pub fn default_remap_target(n: u32) -> u32 {
    let t = (u64::from(n) * 4).div_ceil(3).max(u64::from(n) + 1);
    u32::try_from(t).unwrap_or(u32::MAX)
}

/// One row of the key → partition per client table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRow {
    /// The key as typed.
    pub key: String,
    /// Per partitioner (in [`PartitionerKind::ALL`] order): the partition, or
    /// `None` when it is random.
    pub partitions: Vec<(PartitionerKind, Option<u32>)>,
    /// Whether the clients disagree (among the hashed partitioners).
    pub differs: bool,
}

/// The per-client table for the first [`TABLE_KEYS`] typed keys; the second
/// value counts the keys not shown.
pub fn client_table(q: &PartitioningQuery) -> (Vec<ClientRow>, usize) {
    let Some(n) = NonZeroU32::new(q.partitions) else {
        return (Vec::new(), 0);
    };
    let rows = q
        .typed_keys
        .iter()
        .take(TABLE_KEYS)
        .map(|k| {
            let partitions = key_partition_per_client(k.as_bytes(), n).to_vec();
            let mut hashed = partitions.iter().filter_map(|(_, p)| *p);
            let first = hashed.next();
            let differs = hashed.any(|p| Some(p) != first);
            ClientRow {
                key: k.clone(),
                partitions,
                differs,
            }
        })
        .collect();
    (rows, q.typed_keys.len().saturating_sub(TABLE_KEYS))
}

/// Which keys move when the topic grows from `n` to `to`: the typed keys if
/// any, else the workload's first [`REMAP_WORKLOAD_KEYS`] keys (without
/// time buckets). Returns the report and a description of the key set.
pub fn remap(q: &PartitioningQuery) -> Result<(RemapReport, String), String> {
    let (keys, what): (Vec<Vec<u8>>, String) = if q.typed_keys.is_empty() {
        let n = q.keys.min(REMAP_WORKLOAD_KEYS);
        let what = if n < q.keys {
            format!(
                "the first {n} of the workload's {} keys (key-0 … key-{})",
                q.keys,
                n - 1
            )
        } else {
            format!("the workload's {n} keys (key-0 … key-{})", n - 1)
        };
        (
            (0..n).map(|i| format!("key-{i}").into_bytes()).collect(),
            what,
        )
    } else {
        let mut seen = std::collections::BTreeSet::new();
        let keys: Vec<Vec<u8>> = q
            .typed_keys
            .iter()
            .filter(|k| seen.insert(k.as_str()))
            .map(|k| k.clone().into_bytes())
            .collect();
        let what = format!("the {} distinct typed keys", keys.len());
        (keys, what)
    };
    let r = remap_report(
        q.partitioner,
        keys.iter().map(Vec::as_slice),
        q.partitions,
        q.remap_to,
    )
    .map_err(|e| format!("Re-partitioning {} → {}: {e}", q.partitions, q.remap_to))?;
    Ok((r, what))
}

enum Feed {
    Workload(Box<Workload>),
    Keys {
        keys: Vec<Vec<u8>>,
        rate: f64,
        value_bytes: u32,
    },
}

/// A simulation fed in chunks: the baseline producer and, with a mitigation,
/// the mitigated one, both given the same records.
pub struct SkewRun {
    feed: Feed,
    total: u64,
    done: u64,
    baseline: MitigatedProducer,
    mitigated: Option<MitigatedProducer>,
}

impl std::fmt::Debug for SkewRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SkewRun")
            .field("total", &self.total)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

/// A report of a run so far.
#[derive(Debug, Clone, PartialEq)]
pub struct SkewSnapshot {
    /// Records processed.
    pub done: u64,
    /// Records in the run.
    pub total: u64,
    /// Without mitigation.
    pub baseline: SkewReport,
    /// With the mitigation (`None` for "none").
    pub mitigated: Option<SkewReport>,
}

impl SkewRun {
    /// Prepares a run of `q` (nothing processed yet).
    pub fn new(q: &PartitioningQuery) -> Result<Self, String> {
        let seed = q.producer_seed();
        let baseline = MitigatedProducer::new(q.partitioner, q.partitions, &Mitigation::None, seed)
            .map_err(|e| e.to_string())?;
        let mitigated = match q.mitigation {
            MitigationKind::None => None,
            _ => Some(
                MitigatedProducer::new(q.partitioner, q.partitions, &q.engine_mitigation(), seed)
                    .map_err(|e| format!("Mitigation '{}': {e}", q.mitigation.name()))?,
            ),
        };
        let feed = match q.source {
            Source::Workload => Feed::Workload(Box::new(
                Workload::new(q.workload_spec()).map_err(|e| e.to_string())?,
            )),
            Source::Keys => Feed::Keys {
                keys: q
                    .typed_keys
                    .iter()
                    .map(|k| k.clone().into_bytes())
                    .collect(),
                rate: q.rate,
                value_bytes: q.value_bytes,
            },
        };
        Ok(Self {
            feed,
            total: q.total_records(),
            done: 0,
            baseline,
            mitigated,
        })
    }

    /// Records processed so far.
    pub fn done(&self) -> u64 {
        self.done
    }

    /// Records in the run.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Whether every record was processed.
    pub fn is_finished(&self) -> bool {
        self.done >= self.total
    }

    /// Processes up to `max` more records; returns how many.
    pub fn step(&mut self, max: u64) -> Result<u64, String> {
        let n = max.min(self.total - self.done);
        for _ in 0..n {
            let seq = self.done;
            let (key, ts, vb): (&[u8], i64, u32) = match &mut self.feed {
                Feed::Workload(w) => {
                    let r = w.next_record();
                    (r.key, r.timestamp, r.value_bytes)
                }
                Feed::Keys {
                    keys,
                    rate,
                    value_bytes,
                } => (
                    keys.get(seq as usize).map_or(&[][..], Vec::as_slice),
                    (seq as f64 * 1000.0 / *rate).floor() as i64,
                    *value_bytes,
                ),
            };
            self.baseline
                .produce(key, ts, vb)
                .map_err(|e| e.to_string())?;
            if let Some(m) = self.mitigated.as_mut() {
                m.produce(key, ts, vb).map_err(|e| e.to_string())?;
            }
            self.done += 1;
        }
        Ok(n)
    }

    /// The reports so far.
    pub fn snapshot(&self) -> SkewSnapshot {
        SkewSnapshot {
            done: self.done,
            total: self.total,
            baseline: self.baseline.report(TOP_KEYS),
            mitigated: self.mitigated.as_ref().map(|m| m.report(TOP_KEYS)),
        }
    }
}

/// One partition's bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    /// Partition.
    pub partition: u32,
    /// Records (mitigated when a mitigation is on).
    pub records: u64,
    /// Bytes.
    pub bytes: u64,
    /// Hot (more than 2× the median).
    pub hot: bool,
    /// Baseline records when a mitigation is on (`None` for a partition the
    /// baseline topic does not have).
    pub base_records: Option<u64>,
    /// Baseline bytes.
    pub base_bytes: Option<u64>,
}

/// The headline verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// Alarm on.
    pub hot: bool,
    /// max/median of records, `None` when the median is 0.
    pub ratio: Option<f64>,
    /// max/median of bytes.
    pub ratio_bytes: Option<f64>,
    /// The sentence shown.
    pub text: String,
}

/// Formats a ratio (`∞` when the median is 0).
pub fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "∞".to_owned(), |r| format!("{r:.2}"))
}

impl SkewSnapshot {
    /// The report the bars show: mitigated if any, else the baseline.
    pub fn current(&self) -> &SkewReport {
        self.mitigated.as_ref().unwrap_or(&self.baseline)
    }

    /// The bars, one per partition of the current report.
    pub fn bars(&self) -> Vec<Bar> {
        let with_base = self.mitigated.is_some();
        self.current()
            .partitions
            .iter()
            .map(|p| {
                let base = self.baseline.partitions.get(p.partition as usize);
                Bar {
                    partition: p.partition,
                    records: p.records,
                    bytes: p.bytes,
                    hot: p.hot,
                    base_records: if with_base {
                        base.map(|b| b.records)
                    } else {
                        None
                    },
                    base_bytes: if with_base {
                        base.map(|b| b.bytes)
                    } else {
                        None
                    },
                }
            })
            .collect()
    }

    /// Largest records and bytes over both reports (the charts' scale).
    pub fn scale(&self) -> (u64, u64) {
        let all = self
            .baseline
            .partitions
            .iter()
            .chain(self.mitigated.iter().flat_map(|m| m.partitions.iter()));
        all.fold((1, 1), |(r, b), p| (r.max(p.records), b.max(p.bytes)))
    }

    /// The alarm sentence for a report.
    pub fn verdict(r: &SkewReport) -> Verdict {
        let ratio = r.max_over_median_records;
        let text = if r.total_records == 0 {
            "Not hot: no records yet.".to_owned()
        } else if r.alarm {
            let which = r
                .hot_partitions
                .iter()
                .take(6)
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let more = r.hot_partitions.len().saturating_sub(6);
            let more = if more > 0 {
                format!(" (+{more} more)")
            } else {
                String::new()
            };
            format!(
                "HOT partition: {which}{more} hold{} more than {HOT_PARTITION_FACTOR}× the median ({}); busiest is {}× the median.",
                if r.hot_partitions.len() == 1 { "s" } else { "" },
                if r.median_records > 0.0 { format!("{:.0} records", r.median_records) } else { "0 records".to_owned() },
                fmt_ratio(ratio),
            )
        } else {
            format!(
                "Not hot: the busiest partition holds {}× the median ({:.0} records); the alarm fires above {HOT_PARTITION_FACTOR}×.",
                fmt_ratio(ratio),
                r.median_records
            )
        };
        Verdict {
            hot: r.alarm,
            ratio,
            ratio_bytes: r.max_over_median_bytes,
            text,
        }
    }
}

/// Renders a key for display (UTF-8 when printable, else hex), shortened.
pub fn display_key(k: Option<&[u8]>) -> String {
    crate::state::topics::display_bytes(k, 40)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kplay_engine::mitigation::simulate;

    fn q(pairs: &[(&str, &str)]) -> Result<PartitioningQuery, String> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        PartitioningQuery::parse(&v)
    }

    fn run_all(q: &PartitioningQuery) -> SkewSnapshot {
        let mut r = SkewRun::new(q).unwrap();
        while !r.is_finished() {
            r.step(777).unwrap();
        }
        r.snapshot()
    }

    #[test]
    fn defaults_parse_and_bad_values_are_errors_naming_the_parameter() {
        let d = q(&[]).unwrap();
        assert_eq!(d.partitioner, PartitionerKind::Java);
        assert_eq!((d.partitions, d.remap_to), (12, 16));
        for (k, v, needle) in [
            ("n", "0", "Partitions (n) must be between 1"),
            ("n", "abc", "whole number"),
            ("n", "1001", "between 1 and 1000"),
            ("p", "crc", "Invalid value \"crc\""),
            ("dist", "pareto", "dist"),
            ("hot", "120", "between 0 and 100"),
            ("s", "-1", "Zipf exponent"),
            ("records", "2000000", "between 1 and 1000000"),
            ("keys", "0", "Distinct keys"),
            ("m", "magic", "Mitigation (m)"),
            ("tb", "0", "Time bucket"),
            ("src", "keys", "no keys are typed"),
            ("rate", "NaN", "Records/s"),
            // Issue 16 #18: a denormal rate stood playback still behind a 345-char label.
            ("rate", "1e-320", "from 1 to 10000000"),
            ("rate", "0.5", "from 1 to 10000000"),
        ] {
            let e = q(&[(k, v)]).unwrap_err();
            assert!(e.contains(needle), "{k}={v}: {e}");
        }
        // Issue 16 #17: a 100 KB value is quoted by a short prefix, not echoed whole.
        let huge = "9".repeat(100_000);
        let e = q(&[("n", huge.as_str())]).unwrap_err();
        assert!(e.len() < 200 && e.contains("100000 bytes"), "{e}");
        assert_eq!(default_remap_target(1), 2);
        assert_eq!(default_remap_target(15), 20);
    }

    #[test]
    fn chunked_run_equals_engine_simulate() {
        for m in ["none", "compound", "salted", "spread", "more"] {
            let query = q(&[("records", "5000"), ("keys", "300"), ("m", m), ("cb", "20")]).unwrap();
            let snap = run_all(&query);
            let spec = query.workload_spec();
            let base = simulate(
                &spec,
                5000,
                PartitionerKind::Java,
                12,
                &Mitigation::None,
                TOP_KEYS,
            )
            .unwrap();
            assert_eq!(snap.baseline, base, "{m}");
            let mitigated = simulate(
                &spec,
                5000,
                PartitionerKind::Java,
                12,
                &query.engine_mitigation(),
                TOP_KEYS,
            )
            .unwrap();
            assert_eq!(snap.current(), &mitigated, "{m}");
            assert_eq!(snap.done, 5000);
        }
    }

    #[test]
    fn hot_key_alarm_and_spreading_clears_it() {
        let hot = q(&[("dist", "hot"), ("hot", "50"), ("records", "20000")]).unwrap();
        let v = SkewSnapshot::verdict(run_all(&hot).current());
        assert!(v.hot && v.ratio.unwrap() > 2.0, "{v:?}");
        assert!(v.text.starts_with("HOT"));
        let uniform = q(&[("dist", "uniform"), ("records", "20000")]).unwrap();
        let v = SkewSnapshot::verdict(run_all(&uniform).current());
        assert!(!v.hot && v.text.starts_with("Not hot"), "{v:?}");
        let spread = q(&[
            ("hot", "50"),
            ("records", "20000"),
            ("m", "spread"),
            ("spread", "12"),
        ])
        .unwrap();
        let s = run_all(&spread);
        assert!(!s.current().alarm);
        assert!(s.baseline.alarm);
        let bars = s.bars();
        assert_eq!(bars.len(), 12);
        assert!(bars.iter().all(|b| b.base_records.is_some()));
        assert_eq!(bars.iter().map(|b| b.records).sum::<u64>(), 20000);
    }

    #[test]
    fn typed_keys_table_shows_clients_disagree() {
        // KAFKA.md: TT0124 on 15 partitions: Java 10, librdkafka consistent_random 9.
        let query = q(&[("n", "15"), ("k", "TT0124\n\nfoo\r\n")]).unwrap();
        assert_eq!(query.typed_keys, vec!["TT0124", "foo"]);
        let (rows, hidden) = client_table(&query);
        assert_eq!(hidden, 0);
        let get = |k: PartitionerKind| rows[0].partitions.iter().find(|(p, _)| *p == k).unwrap().1;
        assert_eq!(get(PartitionerKind::Java), Some(10));
        assert_eq!(get(PartitionerKind::ConsistentRandom), Some(9));
        assert_eq!(get(PartitionerKind::Random), None);
        assert!(rows[0].differs);
        let many: String = (0..30).map(|i| format!("k{i}\n")).collect();
        let (rows, hidden) = client_table(&q(&[("k", &many)]).unwrap());
        assert_eq!((rows.len(), hidden), (TABLE_KEYS, 10));
    }

    #[test]
    fn typed_keys_as_records_and_default_spread_key() {
        let query = q(&[("src", "keys"), ("k", "a\nb\nhot\nhot\nhot"), ("n", "3")]).unwrap();
        assert_eq!(query.effective_spread_keys(), vec!["hot"]);
        let s = run_all(&query);
        assert_eq!(s.baseline.total_records, 5);
        assert_eq!(
            s.baseline.top_keys[0].key.as_deref(),
            Some(b"hot".as_slice())
        );
        let tb = q(&[("tb", "1000"), ("records", "2500"), ("rate", "1000")]).unwrap();
        assert_eq!(
            tb.effective_spread_keys(),
            vec!["key-0@0", "key-0@1", "key-0@2"]
        );
    }

    #[test]
    fn remap_lists_moves_and_refuses_shrinking() {
        let query = q(&[("k", "TT0124\na\nb\nc\na")]).unwrap();
        let (r, what) = remap(&query).unwrap();
        assert_eq!(r.moved.len() + r.unchanged, 4);
        assert!(what.contains("4 distinct"));
        let n12 = NonZeroU32::new(12).unwrap();
        let n16 = NonZeroU32::new(16).unwrap();
        for m in &r.moved {
            assert_ne!(
                PartitionerKind::Java.partition_key(&m.key, n12),
                PartitionerKind::Java.partition_key(&m.key, n16)
            );
        }
        let (w, what) = remap(&q(&[("keys", "50000")]).unwrap()).unwrap();
        assert_eq!(w.moved.len() + w.unchanged, REMAP_WORKLOAD_KEYS as usize);
        assert!(what.contains("first 10000 of"));
        let e = remap(&q(&[("to", "8")]).unwrap()).unwrap_err();
        assert!(e.contains("INVALID_PARTITIONS"), "{e}");
        assert!(SkewRun::new(&q(&[("to", "8"), ("m", "more")]).unwrap()).is_err());
    }

    #[test]
    fn with_param_replaces() {
        let p = with_param(&[("n".to_owned(), "3".to_owned())], "n", "5");
        assert_eq!(raw_value(&p, "n"), "5");
        assert_eq!(raw_value(&p, "p"), "java");
    }
}
