//! Consumer lag: as the CLI prints it, as the consumer measures it, in time,
//! over time, against thresholds, and how long it takes to drain.
//!
//! * **CLI lag** ([`cli_lag`]): `kafka-consumer-groups --describe` prints
//!   `LAG = LOG-END-OFFSET − CURRENT-OFFSET`, where `LOG-END-OFFSET` is the
//!   **high watermark** (ListOffsets LATEST, `READ_UNCOMMITTED`) and
//!   `CURRENT-OFFSET` the **committed** offset; `-` when nothing is committed
//!   (`ConsumerGroupCommand.getLag`).
//! * **Consumer lag** ([`consumer_records_lag`]): the client metric
//!   `records-lag` = `HW − position` under `read_uncommitted`, `LSO − position`
//!   under `read_committed` (`SubscriptionState.partitionLag`). The last stable
//!   offset is an input: kplay's core log has no open transactions yet, so
//!   callers pass the HW as LSO until the transactions model provides one
//!   (LSO = HW whenever no transaction is open — KAFKA.md §6).
//! * **Time lag** ([`time_lag_ms`]): the age of the oldest unconsumed record,
//!   `now − timestamp(record at committed offset)`; 0 when caught up.
//! * **History** ([`LagHistory`]): samples on the simulated clock, downsampled
//!   by merging neighbours so memory never exceeds a fixed number of buckets
//!   however long the run (each bucket keeps min, max, last and mean).
//! * **Alerts** ([`LagAlert`]): warning and critical thresholds (defaults
//!   10,000 and 100,000 messages, as in the curriculum), optionally sustained
//!   for a duration before firing.
//! * **Time to drain** ([`estimate_time_to_drain`]): per partition
//!   `lag / (consume − produce)`; the group is drained when its slowest
//!   partition is.

use crate::clock::Millis;
use crate::log::Log;

/// Default warning threshold in messages.
pub const DEFAULT_WARNING_LAG: i64 = 10_000;
/// Default critical threshold in messages.
pub const DEFAULT_CRITICAL_LAG: i64 = 100_000;
/// Default number of buckets a [`LagHistory`] keeps.
pub const DEFAULT_HISTORY_CAPACITY: usize = 512;

/// Errors from lag computations.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LagError {
    /// Thresholds must satisfy `0 < warning < critical`.
    #[error("invalid lag thresholds: warning {warning} and critical {critical} must satisfy 0 < warning < critical")]
    InvalidThresholds {
        /// Warning threshold.
        warning: i64,
        /// Critical threshold.
        critical: i64,
    },
    /// A history needs at least 2 buckets (it merges pairs).
    #[error("invalid lag history capacity {capacity}: must be at least 2")]
    InvalidCapacity {
        /// The capacity asked for.
        capacity: usize,
    },
    /// Rates must be finite and non-negative.
    #[error("invalid rate {rate} for partition {partition}: rates must be finite and >= 0")]
    InvalidRate {
        /// Index of the partition in the input.
        partition: usize,
        /// The rate given.
        rate: f64,
    },
    /// A negative lag was given.
    #[error("invalid lag {lag} for partition {partition}: lag cannot be negative")]
    NegativeLag {
        /// Index of the partition in the input.
        partition: usize,
        /// The lag given.
        lag: i64,
    },
    /// Samples must not go back in time.
    #[error("lag sample at {at} is earlier than the previous sample at {previous}")]
    TimeWentBackwards {
        /// The new sample's time.
        at: Millis,
        /// The previous sample's time.
        previous: Millis,
    },
}

/// `LAG` as `kafka-consumer-groups --describe` prints it: high watermark −
/// committed; `None` (printed `-`) when nothing is committed or the committed
/// offset is −1.
pub fn cli_lag(high_watermark: i64, committed: Option<i64>) -> Option<i64> {
    committed.filter(|&c| c != -1).map(|c| high_watermark - c)
}

/// Isolation level of a consumer (`isolation.level`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum IsolationLevel {
    /// Java's default: read up to the high watermark.
    #[default]
    ReadUncommitted,
    /// librdkafka's default: read up to the last stable offset.
    ReadCommitted,
}

/// The consumer's `records-lag` metric: `HW − position` (read_uncommitted) or
/// `LSO − position` (read_committed), floored at 0. `None` without a position.
pub fn consumer_records_lag(
    isolation: IsolationLevel,
    high_watermark: i64,
    last_stable_offset: i64,
    position: Option<i64>,
) -> Option<i64> {
    let end = match isolation {
        IsolationLevel::ReadUncommitted => high_watermark,
        IsolationLevel::ReadCommitted => last_stable_offset.min(high_watermark),
    };
    position.map(|p| (end - p).max(0))
}

/// Age of the oldest unconsumed record in `log` for a group whose committed
/// offset is `committed`: `now − timestamp` of the first record at or after
/// `max(committed, log start)` below the high watermark; 0 when there is none.
/// With no committed offset the whole log counts as unconsumed.
pub fn time_lag_ms(log: &Log, committed: Option<i64>, now: Millis) -> Millis {
    let from = committed
        .unwrap_or(0)
        .max(log.log_start_offset())
        .min(log.log_end_offset());
    match log.fetch(from, 1, u64::MAX) {
        Ok(f) => f
            .records
            .first()
            .map_or(0, |r| now.saturating_sub(r.timestamp).max(0)),
        Err(_) => 0,
    }
}

/// One bucket of a [`LagHistory`]: the samples between `start` and `end`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LagBucket {
    /// Time of the first sample.
    pub start: Millis,
    /// Time of the last sample.
    pub end: Millis,
    /// Smallest lag seen.
    pub min: i64,
    /// Largest lag seen (what an alert chart should show).
    pub max: i64,
    /// Lag of the last sample.
    pub last: i64,
    /// Sum of the samples (for the mean).
    pub sum: i128,
    /// Number of samples merged into this bucket.
    pub count: u64,
}

impl LagBucket {
    fn single(at: Millis, lag: i64) -> Self {
        Self {
            start: at,
            end: at,
            min: lag,
            max: lag,
            last: lag,
            sum: i128::from(lag),
            count: 1,
        }
    }
    fn merge(self, later: Self) -> Self {
        Self {
            start: self.start,
            end: later.end,
            min: self.min.min(later.min),
            max: self.max.max(later.max),
            last: later.last,
            sum: self.sum + later.sum,
            count: self.count + later.count,
        }
    }
    /// Mean lag over the bucket.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum as f64 / self.count as f64
        }
    }
}

/// Lag samples over simulated time, bounded in memory.
///
/// Samples are accepted only every `resolution_ms` (starting at the first
/// sample); samples falling in the same slot are merged into one bucket. When
/// the history holds `capacity` buckets, neighbouring pairs are merged and the
/// resolution doubles — so memory is `O(capacity)` however long the run, and
/// the whole run stays visible at a coarser grain. Peaks survive merging
/// (`max`), so an alert-worthy spike never disappears from the chart.
///
/// Invariant: `buckets.len() <= capacity`, buckets are in time order and do
/// not overlap.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LagHistory {
    capacity: usize,
    resolution_ms: Millis,
    origin: Option<Millis>,
    buckets: Vec<LagBucket>,
    samples: u64,
}

impl LagHistory {
    /// A history of at most `capacity` buckets (≥ 2) starting at `resolution_ms`
    /// (≥ 1) per bucket.
    pub fn new(capacity: usize, resolution_ms: Millis) -> Result<Self, LagError> {
        if capacity < 2 {
            return Err(LagError::InvalidCapacity { capacity });
        }
        Ok(Self {
            capacity,
            resolution_ms: resolution_ms.max(1),
            origin: None,
            buckets: Vec::with_capacity(capacity),
            samples: 0,
        })
    }

    /// Records `lag` at simulated time `at`.
    pub fn record(&mut self, at: Millis, lag: i64) -> Result<(), LagError> {
        if let Some(last) = self.buckets.last() {
            if at < last.end {
                return Err(LagError::TimeWentBackwards {
                    at,
                    previous: last.end,
                });
            }
        }
        let origin = *self.origin.get_or_insert(at);
        self.samples += 1;
        let slot = |t: Millis, res: Millis| (t - origin) / res;
        let sample = LagBucket::single(at, lag);
        match self.buckets.last_mut() {
            Some(last) if slot(last.start, self.resolution_ms) == slot(at, self.resolution_ms) => {
                *last = last.merge(sample);
            }
            _ => {
                if self.buckets.len() == self.capacity {
                    self.downsample();
                    // After halving, the new sample may share the last slot.
                    if let Some(last) = self.buckets.last_mut() {
                        if slot(last.start, self.resolution_ms) == slot(at, self.resolution_ms) {
                            *last = last.merge(sample);
                            self.debug_check_invariants();
                            return Ok(());
                        }
                    }
                }
                self.buckets.push(sample);
            }
        }
        self.debug_check_invariants();
        Ok(())
    }

    /// Halves the number of buckets by merging aligned pairs and doubles the
    /// resolution.
    fn downsample(&mut self) {
        let Some(origin) = self.origin else { return };
        self.resolution_ms = self.resolution_ms.saturating_mul(2);
        let res = self.resolution_ms;
        let mut merged: Vec<LagBucket> = Vec::with_capacity(self.capacity);
        for b in self.buckets.drain(..) {
            match merged.last_mut() {
                Some(m) if (m.start - origin) / res == (b.start - origin) / res => *m = m.merge(b),
                _ => merged.push(b),
            }
        }
        self.buckets = merged;
        // Samples at irregular times could, in theory, leave every pair in
        // distinct slots; keep halving until there is room.
        if self.buckets.len() >= self.capacity {
            self.downsample();
        }
    }

    /// The buckets, oldest first.
    pub fn buckets(&self) -> &[LagBucket] {
        &self.buckets
    }
    /// Current bucket width in ms.
    pub fn resolution_ms(&self) -> Millis {
        self.resolution_ms
    }
    /// The maximum number of buckets kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
    /// How many samples were recorded in total.
    pub fn sample_count(&self) -> u64 {
        self.samples
    }
    /// The largest lag ever recorded.
    pub fn peak(&self) -> Option<i64> {
        self.buckets.iter().map(|b| b.max).max()
    }

    /// Checks the invariants (debug builds only).
    #[inline]
    pub fn debug_check_invariants(&self) {
        #[cfg(debug_assertions)]
        {
            assert!(self.buckets.len() <= self.capacity);
            for w in self.buckets.windows(2) {
                assert!(w[0].end <= w[1].start, "buckets are ordered and disjoint");
            }
        }
    }
}

/// Alert thresholds in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LagThresholds {
    /// Lag at or above which the state is `Warning` (default 10,000).
    pub warning: i64,
    /// Lag at or above which the state is `Critical` (default 100,000).
    pub critical: i64,
    /// How long the lag must stay at or above a threshold before the alert
    /// fires (like "for more than two minutes"; default 0 = immediately).
    pub for_ms: Millis,
}

impl Default for LagThresholds {
    fn default() -> Self {
        Self {
            warning: DEFAULT_WARNING_LAG,
            critical: DEFAULT_CRITICAL_LAG,
            for_ms: 0,
        }
    }
}

impl LagThresholds {
    /// Validated thresholds.
    pub fn new(warning: i64, critical: i64, for_ms: Millis) -> Result<Self, LagError> {
        if warning <= 0 || critical <= warning || for_ms < 0 {
            return Err(LagError::InvalidThresholds { warning, critical });
        }
        Ok(Self {
            warning,
            critical,
            for_ms,
        })
    }

    /// The level a lag value falls in, ignoring the sustain duration.
    pub fn level(&self, lag: i64) -> AlertLevel {
        if lag >= self.critical {
            AlertLevel::Critical
        } else if lag >= self.warning {
            AlertLevel::Warning
        } else {
            AlertLevel::Ok
        }
    }
}

/// Alert level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum AlertLevel {
    /// Below the warning threshold.
    Ok,
    /// At or above warning.
    Warning,
    /// At or above critical.
    Critical,
}

/// A change of alert level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AlertTransition {
    /// When it changed.
    pub at: Millis,
    /// Previous level.
    pub from: AlertLevel,
    /// New level.
    pub to: AlertLevel,
    /// The lag that triggered it.
    pub lag: i64,
}

/// Alert state machine over lag samples.
///
/// Escalation waits until the lag has been at or above the level for
/// `for_ms`; de-escalation is immediate.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LagAlert {
    thresholds: LagThresholds,
    level: AlertLevel,
    /// Since when the raw level has been above the current level, and which.
    pending: Option<(AlertLevel, Millis)>,
    transitions: Vec<AlertTransition>,
}

/// How many transitions a [`LagAlert`] remembers (older ones are dropped).
pub const MAX_ALERT_TRANSITIONS: usize = 256;

impl LagAlert {
    /// A new alert in state `Ok`.
    pub fn new(thresholds: LagThresholds) -> Self {
        Self {
            thresholds,
            level: AlertLevel::Ok,
            pending: None,
            transitions: Vec::new(),
        }
    }
    /// The thresholds.
    pub fn thresholds(&self) -> LagThresholds {
        self.thresholds
    }
    /// The current level.
    pub fn level(&self) -> AlertLevel {
        self.level
    }
    /// The last transitions (at most [`MAX_ALERT_TRANSITIONS`]).
    pub fn transitions(&self) -> &[AlertTransition] {
        &self.transitions
    }

    /// Feeds a sample; returns the transition if the level changed.
    pub fn update(&mut self, at: Millis, lag: i64) -> Option<AlertTransition> {
        let raw = self.thresholds.level(lag);
        let new_level = if raw <= self.level {
            self.pending = None;
            raw
        } else {
            let since = match self.pending {
                Some((lvl, since)) if lvl <= raw => since,
                _ => at,
            };
            self.pending = Some((raw, since));
            if at.saturating_sub(since) >= self.thresholds.for_ms {
                self.pending = None;
                raw
            } else {
                self.level
            }
        };
        if new_level == self.level {
            return None;
        }
        let t = AlertTransition {
            at,
            from: self.level,
            to: new_level,
            lag,
        };
        self.level = new_level;
        if self.transitions.len() == MAX_ALERT_TRANSITIONS {
            self.transitions.remove(0);
        }
        self.transitions.push(t);
        Some(t)
    }
}

/// Lag and rates of one partition for [`estimate_time_to_drain`].
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PartitionRates {
    /// Current lag in messages.
    pub lag: i64,
    /// Records per second the consumer of this partition can process.
    pub consume_per_sec: f64,
    /// Records per second produced to this partition.
    pub produce_per_sec: f64,
}

/// Estimated time until the whole group has caught up.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum DrainEstimate {
    /// Every partition has zero lag.
    Drained,
    /// The slowest partition catches up after `ms`.
    Finite {
        /// Milliseconds until every partition is drained.
        ms: f64,
        /// Index of the slowest partition.
        slowest_partition: usize,
    },
    /// A lagging partition is consumed no faster than it is produced: lag
    /// never drains (it grows or stays).
    Never {
        /// Index of the first such partition.
        partition: usize,
    },
}

/// Time to drain: for each partition with lag `L`, consume rate `c` and
/// produce rate `p`, `L / (c − p)` seconds if `c > p`, never otherwise; the
/// group is drained when its **slowest** partition is (total lag divided by
/// total rate would hide a hot partition).
pub fn estimate_time_to_drain(partitions: &[PartitionRates]) -> Result<DrainEstimate, LagError> {
    let mut worst: Option<(f64, usize)> = None;
    for (i, p) in partitions.iter().enumerate() {
        for rate in [p.consume_per_sec, p.produce_per_sec] {
            if !rate.is_finite() || rate < 0.0 {
                return Err(LagError::InvalidRate { partition: i, rate });
            }
        }
        if p.lag < 0 {
            return Err(LagError::NegativeLag {
                partition: i,
                lag: p.lag,
            });
        }
        if p.lag == 0 {
            continue;
        }
        let net = p.consume_per_sec - p.produce_per_sec;
        if net <= 0.0 {
            return Ok(DrainEstimate::Never { partition: i });
        }
        let ms = p.lag as f64 / net * 1000.0;
        if worst.is_none_or(|(w, _)| ms > w) {
            worst = Some((ms, i));
        }
    }
    Ok(match worst {
        None => DrainEstimate::Drained,
        Some((ms, i)) => DrainEstimate::Finite {
            ms,
            slowest_partition: i,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::LogConfig;
    use crate::record::RecordInput;
    use proptest::prelude::*;

    #[test]
    fn cli_lag_is_high_watermark_minus_committed() {
        assert_eq!(cli_lag(10, Some(5)), Some(5));
        assert_eq!(cli_lag(10, None), None);
        assert_eq!(cli_lag(10, Some(-1)), None);
    }

    #[test]
    fn librdkafka_0061_consumer_lag_read_committed_vs_uncommitted() {
        // tests/0061-consumer_lag.cpp: 10 plain messages, then an aborted 3-message
        // transaction plus its marker ⇒ end offset 14. A read_committed consumer that
        // has consumed everything visible has jumped to 14 ⇒ lag 0; during
        // consumption lag = 14 − (offset + 1).
        assert_eq!(
            consumer_records_lag(IsolationLevel::ReadCommitted, 14, 14, Some(14)),
            Some(0)
        );
        assert_eq!(
            consumer_records_lag(IsolationLevel::ReadCommitted, 14, 14, Some(4)),
            Some(10)
        );
        // An open transaction holds the LSO back: read_committed sees less lag.
        assert_eq!(
            consumer_records_lag(IsolationLevel::ReadCommitted, 14, 10, Some(4)),
            Some(6)
        );
        assert_eq!(
            consumer_records_lag(IsolationLevel::ReadUncommitted, 14, 10, Some(4)),
            Some(10)
        );
    }

    #[test]
    fn time_lag_is_age_of_oldest_unconsumed_record() {
        let mut log = Log::new(LogConfig::default(), 0);
        for ts in [1_000, 2_000, 3_000] {
            log.append(RecordInput::new(None, Some(b"x"), ts), ts)
                .unwrap();
        }
        log.advance_high_watermark(3).unwrap();
        assert_eq!(time_lag_ms(&log, Some(1), 10_000), 8_000);
        assert_eq!(time_lag_ms(&log, None, 10_000), 9_000);
        assert_eq!(time_lag_ms(&log, Some(3), 10_000), 0);
    }

    #[test]
    fn alert_escalates_after_sustain_and_recovers_immediately() {
        let mut a = LagAlert::new(LagThresholds::new(10_000, 100_000, 120_000).unwrap());
        assert_eq!(a.update(0, 50_000), None);
        assert_eq!(
            a.update(60_000, 60_000),
            None,
            "only one minute above warning"
        );
        let t = a.update(120_000, 20_000).unwrap();
        assert_eq!((t.from, t.to), (AlertLevel::Ok, AlertLevel::Warning));
        let t = a.update(130_000, 5).unwrap();
        assert_eq!(t.to, AlertLevel::Ok);
        let mut b = LagAlert::new(LagThresholds::default());
        assert_eq!(b.update(0, 100_000).unwrap().to, AlertLevel::Critical);
        assert!(LagThresholds::new(10, 10, 0).is_err());
    }

    #[test]
    fn drain_time_is_set_by_the_slowest_partition() {
        let ps = [
            PartitionRates {
                lag: 1_000,
                consume_per_sec: 200.0,
                produce_per_sec: 100.0,
            }, // 10 s
            PartitionRates {
                lag: 9_000,
                consume_per_sec: 1_000.0,
                produce_per_sec: 100.0,
            }, // 10 s
            PartitionRates {
                lag: 3_000,
                consume_per_sec: 150.0,
                produce_per_sec: 100.0,
            }, // 60 s
        ];
        assert_eq!(
            estimate_time_to_drain(&ps).unwrap(),
            DrainEstimate::Finite {
                ms: 60_000.0,
                slowest_partition: 2
            }
        );
        let never = [PartitionRates {
            lag: 1,
            consume_per_sec: 10.0,
            produce_per_sec: 10.0,
        }];
        assert_eq!(
            estimate_time_to_drain(&never).unwrap(),
            DrainEstimate::Never { partition: 0 }
        );
        let bad = [PartitionRates {
            lag: 1,
            consume_per_sec: f64::NAN,
            produce_per_sec: 0.0,
        }];
        assert!(estimate_time_to_drain(&bad).is_err());
        assert_eq!(estimate_time_to_drain(&[]).unwrap(), DrainEstimate::Drained);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn history_stays_bounded_and_keeps_the_peak(
            cap in 2usize..40,
            steps in proptest::collection::vec((0i64..5_000, 0i64..1_000_000), 1..2_000),
        ) {
            let mut h = LagHistory::new(cap, 100).unwrap();
            let mut t = 0;
            let mut peak = i64::MIN;
            let mut last = 0;
            for (dt, lag) in steps.iter().copied() {
                t += dt;
                h.record(t, lag).unwrap();
                peak = peak.max(lag);
                last = lag;
                prop_assert!(h.buckets().len() <= cap);
            }
            prop_assert_eq!(h.peak(), Some(peak));
            prop_assert_eq!(h.buckets().last().unwrap().last, last);
            let total: u64 = h.buckets().iter().map(|b| b.count).sum();
            prop_assert_eq!(total, steps.len() as u64);
        }
    }
}
