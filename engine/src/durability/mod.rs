//! Durability scenarios and the ledger: every record a producer sends ends
//! in exactly one fate, and `sent = Σ fates`, always.
//!
//! A [`Scenario`] is a cluster, one topic, a producer, a consumer isolation
//! level and time-stamped steps (produce, faults, transactions). [`run`]
//! plays it on the simulated clock ([`Simulation`]) and returns a
//! [`DurabilityReport`]: the ledger and every partition's final state.
//!
//! Fates (one per record id):
//! * **acknowledged** — the send's callback reported success; the report
//!   counts how many copies are in the partition's log now: one (readable),
//!   none (**lost**, attributed to the leader change that dropped it: unclean
//!   election or failover before replication), or several (**duplicates**);
//! * **failed** — the callback reported a Kafka error (after retries, or on
//!   `delivery.timeout.ms`), counted by error name; such a record can still
//!   be in the log (e.g. after `NOT_ENOUGH_REPLICAS_AFTER_APPEND`).
//!
//! "The log" is the partition leader's log, or the last leader's while the
//! partition is offline. When the steps are over the simulation keeps
//! running until the producer has no unanswered send (at most
//! `delivery.timeout.ms` later), so `sent = acknowledged + Σ failed`.

pub mod json;

use crate::clock::Millis;
use crate::producer::transaction::TransactionCoordinator;
use crate::producer::{Producer, ProducerConfig, ProducerConfigError, ProducerError, SendStatus};
use crate::replication::placement::{striped_place, JdkRandom, UsableBroker};
use crate::replication::{
    ClusterConfig, ClusterError, ClusterEvent, LossCause, ReplicatedCluster, ReplicatedTopicConfig,
};
use std::collections::BTreeMap;

/// `isolation.level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IsolationLevel {
    /// `read_uncommitted` (the Java default): everything below the HW.
    #[default]
    ReadUncommitted,
    /// `read_committed`: below the LSO, aborted transactions skipped.
    ReadCommitted,
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Hand `records` records to the producer (round-robin unless `partition`).
    Produce {
        /// Number of records.
        records: u64,
        /// Target partition.
        partition: Option<i32>,
    },
    /// Process crash (log survives).
    KillBroker(i32),
    /// Restart.
    StartBroker(i32),
    /// Controlled shutdown.
    ShutdownBroker(i32),
    /// Stall a broker's replica fetchers.
    StopFetching(i32),
    /// Resume them.
    ResumeFetching(i32),
    /// Slow follower: extra fetch delay.
    SlowBroker {
        /// Broker.
        broker: i32,
        /// Extra delay per fetch.
        delay_ms: Millis,
    },
    /// The leader appends but loses its next `count` produce responses.
    DropProduceResponses {
        /// Broker.
        broker: i32,
        /// How many.
        count: u32,
    },
    /// Cut the network between two brokers.
    PartitionNetwork(i32, i32),
    /// Heal it.
    HealNetwork(i32, i32),
    /// Preferred-leader election.
    ElectPreferredLeaders,
    /// `beginTransaction()`.
    BeginTransaction,
    /// `commitTransaction()`.
    CommitTransaction,
    /// `abortTransaction()`.
    AbortTransaction,
    /// `sendOffsetsToTransaction`.
    SendOffsetsToTransaction {
        /// Consumer group.
        group: String,
        /// partition → offset.
        offsets: Vec<(i32, i64)>,
    },
    /// A new instance with the same `transactional.id` runs
    /// `initTransactions`: the scenario's producer becomes a zombie.
    FenceProducer,
    /// Just advance the clock to `at_ms`.
    RunUntil,
}

/// A step at a simulated time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// When.
    pub at_ms: Millis,
    /// What.
    pub action: Action,
}

/// A durability scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Seed for placement.
    pub seed: u64,
    /// Number of brokers (ids `0..brokers`).
    pub brokers: usize,
    /// Number of partitions.
    pub partitions: i32,
    /// Replication factor (ignored when `replica_assignment` is given).
    pub replication_factor: i32,
    /// Explicit assignment, partition → replicas.
    pub replica_assignment: Option<Vec<Vec<i32>>>,
    /// Topic configs (`min.insync.replicas`, `unclean.leader.election.enable`, …).
    pub topic_configs: Vec<(String, String)>,
    /// Producer configs.
    pub producer_configs: Vec<(String, String)>,
    /// Consumer isolation level.
    pub isolation_level: IsolationLevel,
    /// Broker-side settings.
    pub cluster: ClusterConfig,
    /// The steps.
    pub steps: Vec<Step>,
}

/// Limits on the work one scenario may ask for.
pub const MAX_RECORDS: u64 = 2_000_000;
/// Latest step time accepted (one simulated day).
pub const MAX_AT_MS: Millis = 86_400_000;
/// Most record copies accepted: records × replication factor.
pub const MAX_RECORD_COPIES: u64 = 10_000_000;
/// Most partition replicas accepted (partitions × replication factor).
pub const MAX_REPLICAS: u64 = 10_000;
/// Most replicas per partition accepted (Kafka allows 32767; real topics use ≤ 5).
pub const MAX_REPLICATION_FACTOR: usize = 16;
/// Most brokers accepted.
pub const MAX_BROKERS: usize = 100;
/// Most partitions accepted.
pub const MAX_PARTITIONS: i32 = 1_000;
/// Most steps accepted.
pub const MAX_STEPS: usize = 100_000;
/// Most simulation work accepted: the sum, over every simulated instant that
/// is processed, of Σ RF³ + RF over the partitions (fetches × HW updates).
pub const MAX_WORK: u64 = 200_000_000;

/// Errors from a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// Cluster, placement or topic config error.
    #[error(transparent)]
    Cluster(#[from] ClusterError),
    /// Producer config error.
    #[error(transparent)]
    ProducerConfig(#[from] ProducerConfigError),
    /// A transactional call in the wrong state.
    #[error("step at {at_ms} ms: {error}")]
    Producer {
        /// When.
        at_ms: Millis,
        /// The error.
        error: ProducerError,
    },
    /// Above a work limit.
    #[error("scenario too large: {0}")]
    TooLarge(String),
    /// Something else is wrong with the scenario.
    #[error("invalid scenario: {0}")]
    Invalid(String),
}

/// Final state of a partition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PartitionReport {
    /// Partition id.
    pub partition: i32,
    /// Leader, `None` (null) when offline.
    pub leader: Option<i32>,
    /// Leader epoch.
    pub leader_epoch: i32,
    /// Replicas (preferred first).
    pub replicas: Vec<i32>,
    /// In-sync replicas.
    pub isr: Vec<i32>,
    /// High watermark of the partition's log.
    pub high_watermark: i64,
    /// Last stable offset.
    pub last_stable_offset: i64,
    /// Each replica's LEO, by broker id.
    pub log_end_offsets: BTreeMap<String, i64>,
}

/// The ledger and final state.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DurabilityReport {
    /// Records handed to the producer.
    pub sent: u64,
    /// Records whose send succeeded.
    pub acknowledged: u64,
    /// Acknowledged records no longer in the log.
    pub acknowledged_lost: u64,
    /// Extra copies in the logs (of any record).
    pub duplicates: u64,
    /// Failed records by Kafka error name.
    pub failed: BTreeMap<String, u64>,
    /// Records still unanswered (0 once the run is over).
    pub pending: u64,
    /// Acknowledged-and-lost records by cause.
    pub lost_by: BTreeMap<String, u64>,
    /// Data records a `read_committed` consumer reads from the log start of every partition.
    pub readable_committed: u64,
    /// Same for `read_uncommitted`.
    pub readable_uncommitted: u64,
    /// Every partition's final state.
    pub partitions: Vec<PartitionReport>,
    /// The timeline.
    pub events: Vec<ClusterEvent>,
}

/// A running scenario: cluster, coordinator, producer and clock.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The cluster.
    pub cluster: ReplicatedCluster,
    /// The transaction coordinator.
    pub coordinator: TransactionCoordinator,
    /// The producer.
    pub producer: Producer,
    now: Millis,
    work: u64,
    replicas: u64,
    lost: BTreeMap<u64, LossCause>,
    events: Vec<ClusterEvent>,
}

fn place(s: &Scenario) -> Result<Vec<Vec<i32>>, ScenarioError> {
    if let Some(a) = &s.replica_assignment {
        return Ok(a.clone());
    }
    let brokers: Vec<UsableBroker> = (0..s.brokers as i32)
        .map(|id| UsableBroker {
            id,
            rack: None,
            fenced: false,
        })
        .collect();
    let mut rnd = JdkRandom::new(s.seed as i64);
    Ok(
        striped_place(&brokers, s.partitions, s.replication_factor, &mut rnd)
            .map_err(ClusterError::from)?,
    )
}

impl Simulation {
    /// Builds the cluster, topic and producer at time 0.
    pub fn new(s: &Scenario) -> Result<Self, ScenarioError> {
        if s.brokers == 0 || s.brokers > MAX_BROKERS {
            return Err(ScenarioError::TooLarge(format!(
                "brokers must be between 1 and {MAX_BROKERS}"
            )));
        }
        if s.partitions > MAX_PARTITIONS {
            return Err(ScenarioError::TooLarge(format!(
                "at most {MAX_PARTITIONS} partitions"
            )));
        }
        let topic = ReplicatedTopicConfig::from_overrides(
            s.topic_configs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )
        .map_err(ClusterError::from)?;
        let producer_config = ProducerConfig::from_properties(
            s.producer_configs
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str())),
        )?;
        let assignment = place(s)?;
        if assignment.len() > MAX_PARTITIONS as usize || assignment.is_empty() {
            return Err(ScenarioError::Invalid(
                "the replica assignment must list 1 to 1000 partitions".into(),
            ));
        }
        let replicas: u64 = assignment.iter().map(|r| r.len() as u64).sum();
        if replicas > MAX_REPLICAS {
            return Err(ScenarioError::TooLarge(format!(
                "{replicas} partition replicas; at most {MAX_REPLICAS}"
            )));
        }
        let rf = assignment.iter().map(Vec::len).max().unwrap_or(1) as u64;
        if rf as usize > MAX_REPLICATION_FACTOR {
            return Err(ScenarioError::TooLarge(format!(
                "replication factor {rf}; kplay simulates at most {MAX_REPLICATION_FACTOR} replicas per partition"
            )));
        }
        let records: u64 = s
            .steps
            .iter()
            .map(|st| match st.action {
                Action::Produce { records, .. } => records,
                _ => 0,
            })
            .fold(0u64, u64::saturating_add);
        if records.saturating_mul(rf) > MAX_RECORD_COPIES {
            return Err(ScenarioError::TooLarge(format!(
                "{records} records × replication factor {rf}; at most {MAX_RECORD_COPIES} record copies"
            )));
        }
        let mut cluster = ReplicatedCluster::new(s.brokers, &assignment, topic, s.cluster, 0)?;
        let mut coordinator = TransactionCoordinator::default();
        let producer = Producer::new(
            producer_config,
            assignment.len(),
            &mut coordinator,
            &mut cluster,
            0,
        );
        Ok(Self {
            cluster,
            coordinator,
            producer,
            now: 0,
            work: 0,
            // One processed instant may fetch for every follower, and each
            // fetch recomputes the HW over the ISR: ~Σ RF³ steps.
            replicas: assignment
                .iter()
                .map(|r| (r.len() * r.len() * r.len() + r.len()) as u64)
                .sum::<u64>()
                + 1,
            lost: BTreeMap::new(),
            events: Vec::new(),
        })
    }

    /// Current simulated time.
    pub fn now(&self) -> Millis {
        self.now
    }

    fn poll(&mut self) {
        self.work = self.work.saturating_add(self.replicas);
        let now = self.now;
        self.cluster.poll(now);
        self.producer
            .poll(&mut self.cluster, &mut self.coordinator, now);
        self.coordinator.poll(&mut self.cluster, now);
        self.producer
            .poll(&mut self.cluster, &mut self.coordinator, now);
        self.collect();
    }

    fn collect(&mut self) {
        for d in self.cluster.take_diverged() {
            for v in d.values.into_iter().flatten() {
                if let Ok(b) = <[u8; 8]>::try_from(v.as_slice()) {
                    self.lost.entry(u64::from_le_bytes(b)).or_insert(d.cause);
                }
            }
        }
        for (at_ms, event) in self
            .coordinator
            .take_events()
            .into_iter()
            .chain(self.producer.take_events())
        {
            self.events.push(ClusterEvent { at_ms, event });
        }
    }

    /// Runs everything scheduled up to and including `target`.
    pub fn advance_to(&mut self, target: Millis) -> Result<(), ScenarioError> {
        loop {
            let next = self
                .cluster
                .next_wakeup()
                .min(self.producer.next_wakeup(self.now))
                .min(self.coordinator.next_wakeup());
            if next > target {
                break;
            }
            self.now = self.now.max(next);
            self.poll();
            if self.work > MAX_WORK {
                return Err(ScenarioError::TooLarge(format!(
                    "the simulation needed more than {MAX_WORK} replica steps (reduce partitions, the replication factor or the simulated time)"
                )));
            }
        }
        self.now = self.now.max(target);
        self.poll();
        Ok(())
    }

    /// Applies one action at the current time.
    pub fn apply(&mut self, action: &Action) -> Result<(), ScenarioError> {
        let now = self.now;
        let c = &mut self.cluster;
        let perr = |error| ScenarioError::Producer { at_ms: now, error };
        match action {
            Action::Produce { records, partition } => {
                if let Some(p) = partition {
                    if *p < 0 || *p as usize >= c.partitions().len() {
                        return Err(ScenarioError::Invalid(format!(
                            "partition {p} does not exist (the topic has {} partitions)",
                            c.partitions().len()
                        )));
                    }
                }
                self.producer.send(*records, *partition, now);
            }
            Action::KillBroker(b) => c.kill_broker(*b, now)?,
            Action::StartBroker(b) => c.start_broker(*b, now)?,
            Action::ShutdownBroker(b) => c.shutdown_broker(*b, now)?,
            Action::StopFetching(b) => c.set_fetching(*b, false, now)?,
            Action::ResumeFetching(b) => c.set_fetching(*b, true, now)?,
            Action::SlowBroker { broker, delay_ms } => {
                c.set_fetch_delay(*broker, *delay_ms, now)?
            }
            Action::DropProduceResponses { broker, count } => {
                c.drop_produce_responses(*broker, *count, now)?
            }
            Action::PartitionNetwork(a, b) => c.set_link(*a, *b, false, now)?,
            Action::HealNetwork(a, b) => c.set_link(*a, *b, true, now)?,
            Action::ElectPreferredLeaders => {
                c.elect_preferred_leaders(now);
            }
            Action::BeginTransaction => self.producer.begin_transaction().map_err(perr)?,
            Action::CommitTransaction => self.producer.commit_transaction().map_err(perr)?,
            Action::AbortTransaction => self.producer.abort_transaction(now).map_err(perr)?,
            Action::SendOffsetsToTransaction { group, offsets } => self
                .producer
                .send_offsets_to_transaction(group, offsets, &mut self.coordinator, now)
                .map_err(perr)?,
            Action::FenceProducer => {
                let id = self
                    .producer
                    .config()
                    .transactional_id
                    .clone()
                    .ok_or_else(|| {
                        ScenarioError::Invalid("fence_producer needs a transactional.id".into())
                    })?;
                let timeout = self.producer.config().transaction_timeout_ms;
                let (_, epoch) = self.coordinator.init_transactions(&id, timeout, c, now);
                self.events.push(ClusterEvent {
                    at_ms: now,
                    event: format!("a new producer with transactional.id {id} called initTransactions (epoch {epoch}): the old one is a zombie"),
                });
            }
            Action::RunUntil => {}
        }
        self.poll();
        Ok(())
    }

    /// Keeps the clock running until no send is unanswered (bounded by
    /// `delivery.timeout.ms` plus `request.timeout.ms`).
    pub fn drain(&mut self) -> Result<(), ScenarioError> {
        let limit = self.now.saturating_add(
            self.producer.config().delivery_timeout_ms
                + self.producer.config().request_timeout_ms
                + 1,
        );
        while self.producer.has_pending() && self.now < limit {
            let next = self
                .cluster
                .next_wakeup()
                .min(self.producer.next_wakeup(self.now))
                .min(self.coordinator.next_wakeup())
                .min(limit)
                .max(self.now + 1);
            self.advance_to(next)?;
        }
        Ok(())
    }

    /// Reads a partition's log as a consumer from the log start: the data
    /// record values below the HW (`read_uncommitted`) or the LSO with
    /// aborted transactions skipped (`read_committed`, `CompletedFetch.nextFetchedRecord`).
    pub fn consume(&self, partition: i32, isolation: IsolationLevel) -> Vec<u64> {
        let Some(p) = self.cluster.partitions().get(partition as usize) else {
            return Vec::new();
        };
        let Some(r) = p.leader_replica() else {
            return Vec::new();
        };
        let upper = match isolation {
            IsolationLevel::ReadUncommitted => r.high_watermark(),
            IsolationLevel::ReadCommitted => r.last_stable_offset(),
        };
        let aborted = r.producer_state().aborted();
        let mut out = Vec::new();
        for rec in r.log().iter() {
            if rec.offset >= upper {
                break;
            }
            let a = rec.batch.attributes;
            if a.is_control {
                continue;
            }
            if isolation == IsolationLevel::ReadCommitted
                && a.is_transactional
                && aborted.iter().any(|t| {
                    t.producer_id == a.producer_id
                        && t.first_offset <= rec.offset
                        && rec.offset < t.last_offset
                })
            {
                continue;
            }
            if let Some(v) = rec.value.and_then(|v| <[u8; 8]>::try_from(v).ok()) {
                out.push(u64::from_le_bytes(v));
            }
        }
        out
    }

    /// The ledger and the partitions' state now.
    pub fn report(&self) -> DurabilityReport {
        let statuses = self.producer.statuses();
        let mut copies: Vec<u32> = vec![0; statuses.len()];
        for p in self.cluster.partitions() {
            if let Some(r) = p.truth_replica() {
                for rec in r.log().iter() {
                    if rec.batch.attributes.is_control {
                        continue;
                    }
                    if let Some(v) = rec.value.and_then(|v| <[u8; 8]>::try_from(v).ok()) {
                        if let Some(c) = copies.get_mut(u64::from_le_bytes(v) as usize) {
                            *c += 1;
                        }
                    }
                }
            }
        }
        let mut acknowledged = 0;
        let mut acknowledged_lost = 0;
        let mut pending = 0;
        let mut failed: BTreeMap<String, u64> = BTreeMap::new();
        let mut lost_by: BTreeMap<String, u64> = BTreeMap::new();
        for (id, s) in statuses.iter().enumerate() {
            match s {
                SendStatus::Pending => pending += 1,
                SendStatus::Acknowledged => {
                    acknowledged += 1;
                    if copies[id] == 0 {
                        acknowledged_lost += 1;
                        let cause = self
                            .lost
                            .get(&(id as u64))
                            .map_or("truncation", |c| c.label());
                        *lost_by.entry(cause.to_owned()).or_default() += 1;
                    }
                }
                SendStatus::Failed(e) => *failed.entry(e.name().to_owned()).or_default() += 1,
            }
        }
        let duplicates = copies.iter().map(|&c| u64::from(c.saturating_sub(1))).sum();
        let n = self.cluster.partitions().len() as i32;
        let readable = |iso| (0..n).map(|p| self.consume(p, iso).len() as u64).sum();
        let mut events: Vec<ClusterEvent> = self
            .cluster
            .events()
            .iter()
            .cloned()
            .chain(self.events.iter().cloned())
            .collect();
        crate::sort::sort_by_key(&mut events, |e| e.at_ms);
        DurabilityReport {
            sent: statuses.len() as u64,
            acknowledged,
            acknowledged_lost,
            duplicates,
            failed,
            pending,
            lost_by,
            readable_committed: readable(IsolationLevel::ReadCommitted),
            readable_uncommitted: readable(IsolationLevel::ReadUncommitted),
            partitions: self
                .cluster
                .partitions()
                .iter()
                .map(|p| PartitionReport {
                    partition: p.partition(),
                    leader: p.leader(),
                    leader_epoch: p.leader_epoch(),
                    replicas: p.replica_ids(),
                    isr: p.isr().to_vec(),
                    high_watermark: p.high_watermark(),
                    last_stable_offset: p.last_stable_offset(),
                    log_end_offsets: crate::sort::btree_map(
                        p.replicas()
                            .iter()
                            .map(|r| (r.broker().to_string(), r.log_end_offset())),
                    ),
                })
                .collect(),
            events,
        }
    }
}

/// Runs a scenario: steps in time order (ties in listed order), then drains.
pub fn run(s: &Scenario) -> Result<DurabilityReport, ScenarioError> {
    if s.steps.len() > MAX_STEPS {
        return Err(ScenarioError::TooLarge(format!(
            "at most {MAX_STEPS} steps"
        )));
    }
    let mut total: u64 = 0;
    for st in &s.steps {
        if st.at_ms < 0 || st.at_ms > MAX_AT_MS {
            return Err(ScenarioError::TooLarge(format!(
                "step time {} ms is outside 0..={MAX_AT_MS} ms",
                st.at_ms
            )));
        }
        if let Action::Produce { records, .. } = st.action {
            total = total.saturating_add(records);
        }
    }
    if total > MAX_RECORDS {
        return Err(ScenarioError::TooLarge(format!(
            "{total} records; at most {MAX_RECORDS} per scenario"
        )));
    }
    let mut sim = Simulation::new(s)?;
    let mut steps: Vec<&Step> = s.steps.iter().collect();
    crate::sort::sort_by_key(&mut steps, |st| st.at_ms);
    for st in steps {
        sim.advance_to(st.at_ms)?;
        match sim.apply(&st.action) {
            // A client call that throws (e.g. commitTransaction on a fenced
            // producer) is an outcome of the scenario, not a bad scenario.
            Err(ScenarioError::Producer { at_ms, error }) => sim.events.push(ClusterEvent {
                at_ms,
                event: format!("producer call failed: {error}"),
            }),
            other => other?,
        }
    }
    sim.drain()?;
    Ok(sim.report())
}
