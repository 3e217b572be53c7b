//! Seeded workload generators: which keys are produced, how fast, how big.
//!
//! A [`Workload`] turns a [`WorkloadSpec`] into an endless, reproducible
//! stream of [`GeneratedRecord`]s on the simulated clock:
//!
//! * **keys**: `keys` distinct keys named `key-0`, `key-1`, …, chosen by
//!   [`KeyChoice`]: uniformly, by a Zipf(s) law (`key-0` most popular, the key
//!   of rank *k* drawn with probability ∝ 1/(k+1)^s), or with one hot key
//!   (`key-0`) taking `percent` % of the traffic and the rest spread uniformly
//!   over the other keys;
//! * **time buckets**: with `time_bucket_ms`, each key gets its record's
//!   bucket appended, `key-7@13` = key 7 in bucket `timestamp / bucket_ms`
//!   (the same shape as the compound-key mitigation);
//! * **rate**: `rate_per_sec` records per simulated second, evenly spaced:
//!   record *i* has timestamp `start_ms + floor(i × 1000 / rate)`.
//!
//! Generation is cheap: the key is written into a buffer owned by the
//! workload and borrowed by the returned record, so producing a record does
//! not allocate. Zipf sampling uses a precomputed cumulative table (one `f64`
//! per key, at most [`MAX_ZIPF_KEYS`]) and a binary search.

use crate::clock::Millis;
use crate::rng::SimRng;

/// Upper bound on `rate_per_sec` (records per simulated second).
pub const MAX_RATE_PER_SEC: f64 = 10_000_000.0;
/// Upper bound on distinct keys for Zipf (its table holds one `f64` per key).
pub const MAX_ZIPF_KEYS: u64 = 1_000_000;
/// Upper bound on `value_bytes`: the broker's default `message.max.bytes`.
pub const MAX_VALUE_BYTES: u32 = 1_048_588;

/// How keys are chosen.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum KeyChoice {
    /// Every key equally likely.
    Uniform,
    /// Zipf with exponent `s > 0`: rank k (0-based) ∝ 1/(k+1)^s.
    Zipf {
        /// The exponent.
        s: f64,
    },
    /// `key-0` takes `percent` % of records (0..=100); the other keys share
    /// the rest uniformly (with a single key, it takes everything).
    HotKey {
        /// Share of the hot key, in percent.
        percent: f64,
    },
}

/// A workload description.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WorkloadSpec {
    /// Distinct keys (≥ 1).
    pub keys: u64,
    /// Key distribution.
    pub choice: KeyChoice,
    /// Append the time bucket `timestamp / bucket_ms` to every key (> 0).
    pub time_bucket_ms: Option<Millis>,
    /// Records per simulated second (> 0, ≤ [`MAX_RATE_PER_SEC`]).
    pub rate_per_sec: f64,
    /// Value size of every record, in bytes.
    pub value_bytes: u32,
    /// Timestamp of the first record (≥ 0).
    pub start_ms: Millis,
    /// Seed of the key stream.
    pub seed: u64,
}

impl Default for WorkloadSpec {
    fn default() -> Self {
        Self {
            keys: 1_000,
            choice: KeyChoice::Uniform,
            time_bucket_ms: None,
            rate_per_sec: 1_000.0,
            value_bytes: 100,
            start_ms: 0,
            seed: 42,
        }
    }
}

/// Invalid workload parameters.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum WorkloadError {
    /// `keys` is 0 (or too many for Zipf's table).
    #[error("Invalid value {keys} for keys: must be between 1 and {max}")]
    InvalidKeyCount {
        /// The count given.
        keys: u64,
        /// The largest accepted.
        max: u64,
    },
    /// Zipf exponent not a finite number > 0.
    #[error("Invalid value {s} for the Zipf exponent s: must be a finite number > 0")]
    InvalidZipfExponent {
        /// The exponent given.
        s: f64,
    },
    /// Hot-key share outside 0..=100.
    #[error("Invalid value {percent} for the hot key's share: must be between 0 and 100 (%)")]
    InvalidHotKeyPercent {
        /// The share given.
        percent: f64,
    },
    /// Rate not a finite number in (0, max].
    #[error("Invalid value {rate} for records/s: must be > 0 and at most {MAX_RATE_PER_SEC}")]
    InvalidRate {
        /// The rate given.
        rate: f64,
    },
    /// Time bucket ≤ 0.
    #[error("Invalid value {bucket_ms} for the time bucket: must be at least 1 ms")]
    InvalidTimeBucket {
        /// The bucket given.
        bucket_ms: Millis,
    },
    /// Value larger than `message.max.bytes`.
    #[error(
        "Invalid value {value_bytes} for the value size: must be at most {MAX_VALUE_BYTES} bytes"
    )]
    InvalidValueSize {
        /// The size given.
        value_bytes: u32,
    },
    /// Start before the epoch.
    #[error("Invalid value {start_ms} for the start time: must be at least 0")]
    InvalidStart {
        /// The start given.
        start_ms: Millis,
    },
}

impl WorkloadSpec {
    /// Checks every parameter; see [`WorkloadError`].
    pub fn validate(&self) -> Result<(), WorkloadError> {
        let max_keys = match self.choice {
            KeyChoice::Zipf { .. } => MAX_ZIPF_KEYS,
            _ => u64::MAX,
        };
        if self.keys == 0 || self.keys > max_keys {
            return Err(WorkloadError::InvalidKeyCount {
                keys: self.keys,
                max: max_keys,
            });
        }
        match self.choice {
            KeyChoice::Zipf { s } if !(s.is_finite() && s > 0.0) => {
                return Err(WorkloadError::InvalidZipfExponent { s });
            }
            KeyChoice::HotKey { percent } if !(0.0..=100.0).contains(&percent) => {
                return Err(WorkloadError::InvalidHotKeyPercent { percent });
            }
            _ => {}
        }
        if !(self.rate_per_sec.is_finite()
            && self.rate_per_sec > 0.0
            && self.rate_per_sec <= MAX_RATE_PER_SEC)
        {
            return Err(WorkloadError::InvalidRate {
                rate: self.rate_per_sec,
            });
        }
        if let Some(b) = self.time_bucket_ms.filter(|&b| b <= 0) {
            return Err(WorkloadError::InvalidTimeBucket { bucket_ms: b });
        }
        if self.value_bytes > MAX_VALUE_BYTES {
            return Err(WorkloadError::InvalidValueSize {
                value_bytes: self.value_bytes,
            });
        }
        if self.start_ms < 0 {
            return Err(WorkloadError::InvalidStart {
                start_ms: self.start_ms,
            });
        }
        Ok(())
    }
}

/// One generated record; its key borrows the workload's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeneratedRecord<'a> {
    /// 0-based sequence number in the stream.
    pub sequence: u64,
    /// The key id (`key-{key_id}`).
    pub key_id: u64,
    /// The key bytes (`key-{id}` or `key-{id}@{bucket}`).
    pub key: &'a [u8],
    /// CreateTime on the simulated clock.
    pub timestamp: Millis,
    /// Value size.
    pub value_bytes: u32,
}

/// The longest key: "key-" + u64 + "@" + i64.
const KEY_BUF: usize = 4 + 20 + 1 + 20;

/// A running workload (see the module docs).
#[derive(Debug, Clone)]
pub struct Workload {
    spec: WorkloadSpec,
    rng: SimRng,
    zipf_cdf: Vec<f64>,
    next_seq: u64,
    buf: [u8; KEY_BUF],
}

impl Workload {
    /// Validates `spec` and starts the stream at its first record.
    pub fn new(spec: WorkloadSpec) -> Result<Self, WorkloadError> {
        spec.validate()?;
        let zipf_cdf = match spec.choice {
            KeyChoice::Zipf { s } => {
                let mut acc = 0.0;
                let mut cdf: Vec<f64> = (0..spec.keys)
                    .map(|k| {
                        acc += 1.0 / ((k + 1) as f64).powf(s);
                        acc
                    })
                    .collect();
                let total = acc;
                for c in &mut cdf {
                    *c /= total;
                }
                cdf
            }
            _ => Vec::new(),
        };
        Ok(Self {
            spec,
            rng: SimRng::seeded(spec.seed),
            zipf_cdf,
            next_seq: 0,
            buf: [0; KEY_BUF],
        })
    }

    /// The spec this workload runs.
    pub fn spec(&self) -> &WorkloadSpec {
        &self.spec
    }

    /// Timestamp of record `seq`: `start_ms + floor(seq × 1000 / rate)`.
    pub fn timestamp_of(&self, seq: u64) -> Millis {
        let offset = (seq as f64 * 1000.0 / self.spec.rate_per_sec).floor();
        self.spec.start_ms.saturating_add(offset as i64)
    }

    /// Timestamp of the next record.
    pub fn next_timestamp(&self) -> Millis {
        self.timestamp_of(self.next_seq)
    }

    /// Probability that a record carries key id `k` (for checking samplers
    /// and for the page's "expected share" column).
    pub fn key_probability(&self, k: u64) -> f64 {
        let n = self.spec.keys;
        if k >= n {
            return 0.0;
        }
        match self.spec.choice {
            KeyChoice::Uniform => 1.0 / n as f64,
            KeyChoice::Zipf { .. } => {
                let hi = self.zipf_cdf.get(k as usize).copied().unwrap_or(0.0);
                let lo = k
                    .checked_sub(1)
                    .and_then(|j| self.zipf_cdf.get(j as usize))
                    .copied()
                    .unwrap_or(0.0);
                hi - lo
            }
            KeyChoice::HotKey { percent } => {
                if n == 1 {
                    1.0
                } else if k == 0 {
                    percent / 100.0
                } else {
                    (1.0 - percent / 100.0) / (n - 1) as f64
                }
            }
        }
    }

    fn pick_key(&mut self) -> u64 {
        let n = self.spec.keys;
        match self.spec.choice {
            KeyChoice::Uniform => self.rng.below(n),
            KeyChoice::Zipf { .. } => {
                let u = self.rng.next_f64();
                let i = self.zipf_cdf.partition_point(|&c| c <= u) as u64;
                i.min(n - 1)
            }
            KeyChoice::HotKey { percent } => {
                if n == 1 || self.rng.next_f64() * 100.0 < percent {
                    0
                } else {
                    1 + self.rng.below(n - 1)
                }
            }
        }
    }

    /// The next record of the stream.
    pub fn next_record(&mut self) -> GeneratedRecord<'_> {
        let sequence = self.next_seq;
        self.next_seq += 1;
        let timestamp = self.timestamp_of(sequence);
        let key_id = self.pick_key();
        let bucket = self
            .spec
            .time_bucket_ms
            .map(|b| timestamp.div_euclid(b.max(1)));
        let len = write_key(&mut self.buf, key_id, bucket);
        GeneratedRecord {
            sequence,
            key_id,
            key: self.buf.get(..len).unwrap_or(&[]),
            timestamp,
            value_bytes: self.spec.value_bytes,
        }
    }

    /// Calls `f` for every record with a timestamp before `end_ms` (the
    /// records of one simulated time step); returns how many there were.
    pub fn run_until(&mut self, end_ms: Millis, mut f: impl FnMut(GeneratedRecord<'_>)) -> u64 {
        let mut n = 0;
        while self.next_timestamp() < end_ms {
            f(self.next_record());
            n += 1;
        }
        n
    }
}

/// Writes `key-{id}` (and `@{bucket}`) into `buf`, returns the length.
fn write_key(buf: &mut [u8; KEY_BUF], id: u64, bucket: Option<i64>) -> usize {
    let mut w = SliceWriter { buf, len: 0 };
    w.push(b"key-");
    w.push_u64(id);
    if let Some(b) = bucket {
        w.push(b"@");
        if b < 0 {
            w.push(b"-");
        }
        w.push_u64(b.unsigned_abs());
    }
    w.len
}

struct SliceWriter<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl SliceWriter<'_> {
    fn push(&mut self, s: &[u8]) {
        for &b in s {
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = b;
                self.len += 1;
            }
        }
    }

    fn push_u64(&mut self, mut v: u64) {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        self.push(digits.get(i..).unwrap_or(&[]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(choice: KeyChoice, keys: u64) -> WorkloadSpec {
        WorkloadSpec {
            keys,
            choice,
            ..WorkloadSpec::default()
        }
    }

    #[test]
    fn keys_and_timestamps_follow_the_spec() {
        let mut w = Workload::new(WorkloadSpec {
            rate_per_sec: 4.0,
            start_ms: 1_000,
            time_bucket_ms: Some(3_600_000),
            keys: 10,
            ..WorkloadSpec::default()
        })
        .unwrap();
        let ts: Vec<Millis> = (0..5).map(|_| w.next_record().timestamp).collect();
        assert_eq!(ts, vec![1_000, 1_250, 1_500, 1_750, 2_000]);
        let r = w.next_record();
        assert_eq!(r.key, format!("key-{}@0", r.key_id).as_bytes());
        // run_until emits exactly the records before the end of the step.
        let n = w.run_until(4_000, |r| assert!(r.timestamp < 4_000));
        assert_eq!(n, 12 - 6);
    }

    #[test]
    fn same_seed_same_stream() {
        let s = spec(KeyChoice::Zipf { s: 1.1 }, 500);
        let mut a = Workload::new(s).unwrap();
        let mut b = Workload::new(s).unwrap();
        for _ in 0..100 {
            assert_eq!(a.next_record().key_id, b.next_record().key_id);
        }
    }

    fn frequencies(choice: KeyChoice, keys: u64, n: u64) -> (Workload, Vec<u64>) {
        let mut w = Workload::new(spec(choice, keys)).unwrap();
        let mut c = vec![0u64; keys as usize];
        for _ in 0..n {
            let r = w.next_record();
            assert_eq!(r.key, format!("key-{}", r.key_id).as_bytes());
            c[r.key_id as usize] += 1;
        }
        (w, c)
    }

    #[test]
    fn hot_key_takes_its_share() {
        let (_, c) = frequencies(KeyChoice::HotKey { percent: 40.0 }, 100, 50_000);
        let share = c[0] as f64 / 50_000.0;
        assert!((share - 0.40).abs() < 0.01, "{share}");
        let (_, all) = frequencies(KeyChoice::HotKey { percent: 100.0 }, 100, 1_000);
        assert_eq!(all[0], 1_000);
        let (_, none) = frequencies(KeyChoice::HotKey { percent: 0.0 }, 100, 1_000);
        assert_eq!(none[0], 0);
    }

    #[test]
    fn zipf_matches_its_probabilities() {
        let n = 100_000;
        let (w, c) = frequencies(KeyChoice::Zipf { s: 1.2 }, 50, n);
        for k in [0u64, 1, 2, 10] {
            let p = w.key_probability(k);
            let got = c[k as usize] as f64 / n as f64;
            assert!((got - p).abs() < 0.01, "k={k} p={p} got={got}");
        }
        assert!(c[0] > c[1] && c[1] > c[2]);
        let total: f64 = (0..50).map(|k| w.key_probability(k)).sum();
        assert!((total - 1.0).abs() < 1e-9);
    }

    #[test]
    fn uniform_is_flat() {
        let (_, c) = frequencies(KeyChoice::Uniform, 10, 50_000);
        for x in c {
            assert!((x as f64 - 5_000.0).abs() < 300.0, "{x}");
        }
    }

    #[test]
    fn invalid_parameters_are_errors() {
        let bad = [
            (spec(KeyChoice::Uniform, 0), "keys"),
            (spec(KeyChoice::Zipf { s: 0.0 }, 10), "Zipf"),
            (spec(KeyChoice::Zipf { s: -1.0 }, 10), "Zipf"),
            (spec(KeyChoice::Zipf { s: f64::NAN }, 10), "Zipf"),
            (spec(KeyChoice::Zipf { s: 1.0 }, MAX_ZIPF_KEYS + 1), "keys"),
            (spec(KeyChoice::HotKey { percent: 100.5 }, 10), "hot key"),
            (spec(KeyChoice::HotKey { percent: -1.0 }, 10), "hot key"),
            (
                WorkloadSpec {
                    rate_per_sec: 0.0,
                    ..WorkloadSpec::default()
                },
                "records/s",
            ),
            (
                WorkloadSpec {
                    rate_per_sec: -5.0,
                    ..WorkloadSpec::default()
                },
                "records/s",
            ),
            (
                WorkloadSpec {
                    rate_per_sec: f64::INFINITY,
                    ..WorkloadSpec::default()
                },
                "records/s",
            ),
            (
                WorkloadSpec {
                    time_bucket_ms: Some(0),
                    ..WorkloadSpec::default()
                },
                "time bucket",
            ),
            (
                WorkloadSpec {
                    value_bytes: MAX_VALUE_BYTES + 1,
                    ..WorkloadSpec::default()
                },
                "value size",
            ),
            (
                WorkloadSpec {
                    start_ms: -1,
                    ..WorkloadSpec::default()
                },
                "start",
            ),
        ];
        for (s, needle) in bad {
            let e = Workload::new(s).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
    }

    #[test]
    fn longest_key_fits_the_buffer() {
        let mut buf = [0u8; KEY_BUF];
        let n = write_key(&mut buf, u64::MAX, Some(i64::MIN));
        assert_eq!(
            &buf[..n],
            format!("key-{}@{}", u64::MAX, i64::MIN).as_bytes()
        );
        let n = write_key(&mut buf, 0, None);
        assert_eq!(&buf[..n], b"key-0");
    }
}
