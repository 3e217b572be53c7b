//! Replication: brokers, replica placement, leaders and the ISR, the high
//! watermark, follower fetching on the simulated clock, elections and
//! KIP-101 truncation.
//!
//! * [`placement`] places a new topic's replicas (classic
//!   `AdminUtils.assignReplicasToBrokers` and KRaft `StripedReplicaPlacer`).
//! * [`partition`] holds one partition's replicas, each with its own
//!   [`Log`](crate::log::Log), leader-epoch cache and producer state, and the
//!   rules of `Partition.scala` (HW, ISR shrink/expand, truncation).
//! * [`election`] is the controller's leader election.
//! * [`broker`] is a broker's liveness and the faults one can inject.
//! * [`ReplicatedCluster`] ties them together: a KRaft-style controller
//!   (fencing after `broker.session.timeout.ms`, controlled shutdown, clean and
//!   unclean elections, preferred-leader rebalance), the leaders' produce path
//!   (`acks`, `min.insync.replicas`, the `DelayedProduce` purgatory) and the
//!   followers' fetchers, all driven by [`ReplicatedCluster::poll`] at
//!   simulated times.
//!
//! Time model: produce requests and responses travel instantly; a follower
//! fetches every [`ClusterConfig::fetch_interval_ms`] (plus its broker's
//! slowness) while it has something to fetch, and long-polls
//! (`replica.fetch.wait.max.ms`) when caught up.

pub mod broker;
pub mod election;
pub mod partition;
pub mod placement;

use crate::clock::Millis;
use crate::config::{ConfigError, TopicConfig};
use crate::record::{BatchAttributes, RecordInput};
use broker::{Broker, BrokerState};
use election::{elect_leader, ElectionType};
use partition::ReplicatedPartition;
use std::collections::BTreeSet;

/// Kafka error codes the replication and producer model returns
/// (`clients/src/main/java/org/apache/kafka/common/protocol/Errors.java`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum KafkaError {
    /// 5: no leader for the partition right now.
    #[error("LEADER_NOT_AVAILABLE: There is no leader for this topic-partition as we are in the middle of a leadership election.")]
    LeaderNotAvailable,
    /// 6: the broker is not the leader.
    #[error("NOT_LEADER_OR_FOLLOWER: For requests intended only for the leader, this error indicates that the broker is not the current leader.")]
    NotLeaderOrFollower,
    /// 7: no response within the timeout (also the producer's `TimeoutException`).
    #[error("REQUEST_TIMED_OUT: The request timed out.")]
    RequestTimedOut,
    /// 13: the connection was lost.
    #[error("NETWORK_EXCEPTION: The server disconnected before a response was received.")]
    NetworkException,
    /// 19: the ISR is smaller than `min.insync.replicas`; nothing was written.
    #[error("NOT_ENOUGH_REPLICAS: Messages are rejected since there are fewer in-sync replicas than required.")]
    NotEnoughReplicas,
    /// 20: written, but the ISR dropped below `min.insync.replicas` before the ack.
    #[error("NOT_ENOUGH_REPLICAS_AFTER_APPEND: Messages are written to the log, but to fewer in-sync replicas than required.")]
    NotEnoughReplicasAfterAppend,
    /// 45: a gap or overlap in an idempotent producer's sequence numbers.
    #[error("OUT_OF_ORDER_SEQUENCE_NUMBER: The broker received an out of order sequence number.")]
    OutOfOrderSequenceNumber,
    /// 47: the producer's epoch is older than the broker's.
    #[error("INVALID_PRODUCER_EPOCH: Producer attempted to produce with an old epoch.")]
    InvalidProducerEpoch,
    /// 48: the request does not fit the transaction state.
    #[error(
        "INVALID_TXN_STATE: The producer attempted a transactional operation in an invalid state."
    )]
    InvalidTxnState,
    /// 90: another producer with the same `transactional.id` took over.
    #[error("PRODUCER_FENCED: There is a newer producer with the same transactionalId which fences the current one.")]
    ProducerFenced,
    /// The transaction was aborted before this batch was sent (the client's
    /// `TransactionAbortedException`).
    #[error("TRANSACTION_ABORTED: Failing batch since transaction was aborted")]
    TransactionAborted,
}

impl KafkaError {
    /// Kafka's name for the error (`Errors.name()`).
    pub fn name(self) -> &'static str {
        match self {
            KafkaError::LeaderNotAvailable => "LEADER_NOT_AVAILABLE",
            KafkaError::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            KafkaError::RequestTimedOut => "REQUEST_TIMED_OUT",
            KafkaError::NetworkException => "NETWORK_EXCEPTION",
            KafkaError::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            KafkaError::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            KafkaError::OutOfOrderSequenceNumber => "OUT_OF_ORDER_SEQUENCE_NUMBER",
            KafkaError::InvalidProducerEpoch => "INVALID_PRODUCER_EPOCH",
            KafkaError::InvalidTxnState => "INVALID_TXN_STATE",
            KafkaError::ProducerFenced => "PRODUCER_FENCED",
            KafkaError::TransactionAborted => "TRANSACTION_ABORTED",
        }
    }
    /// Whether the exception extends `RetriableException`.
    pub fn is_retriable(self) -> bool {
        matches!(
            self,
            KafkaError::LeaderNotAvailable
                | KafkaError::NotLeaderOrFollower
                | KafkaError::RequestTimedOut
                | KafkaError::NetworkException
                | KafkaError::NotEnoughReplicas
                | KafkaError::NotEnoughReplicasAfterAppend
        )
    }
}

/// Broker-side settings (`ReplicationConfigs`, `KRaftConfigs`) plus kplay's
/// fetch round-trip time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClusterConfig {
    /// `replica.lag.time.max.ms` (30 000 since 2.5, KIP-537).
    pub replica_lag_time_max_ms: Millis,
    /// `broker.session.timeout.ms` (9 000): how long a crashed broker stays registered.
    pub broker_session_timeout_ms: Millis,
    /// `replica.fetch.wait.max.ms` (500): a caught-up follower's long poll.
    pub replica_fetch_wait_max_ms: Millis,
    /// `replica.fetch.max.bytes` (1 048 576) per fetch.
    pub replica_fetch_max_bytes: u64,
    /// `auto.leader.rebalance.enable` (true).
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` × 1000 (300 000).
    pub leader_imbalance_check_interval_ms: Millis,
    /// Not a Kafka config: the round trip of one follower fetch that returns
    /// data (kplay default 10 ms).
    pub fetch_interval_ms: Millis,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            replica_lag_time_max_ms: 30_000,
            broker_session_timeout_ms: 9_000,
            replica_fetch_wait_max_ms: 500,
            replica_fetch_max_bytes: 1_048_576,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_ms: 300_000,
            fetch_interval_ms: 10,
        }
    }
}

/// A topic's configuration for replication: the log configs of
/// [`TopicConfig`] plus `unclean.leader.election.enable` (default `false`
/// since 0.11, `LogConfig.DEFAULT_UNCLEAN_LEADER_ELECTION_ENABLE`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReplicatedTopicConfig {
    /// Log and `min.insync.replicas` configs.
    pub topic: TopicConfig,
    /// `unclean.leader.election.enable`.
    pub unclean_leader_election_enable: bool,
}

impl ReplicatedTopicConfig {
    /// Parses `name=value` topic overrides (Kafka's names; unknown names and
    /// bad values are `ConfigException`s).
    pub fn from_overrides<'a>(
        overrides: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        for (name, value) in overrides {
            if name == "unclean.leader.election.enable" {
                c.unclean_leader_election_enable = match value.trim() {
                    v if v.eq_ignore_ascii_case("true") => true,
                    v if v.eq_ignore_ascii_case("false") => false,
                    _ => {
                        return Err(ConfigError::InvalidValue {
                            name: name.to_owned(),
                            value: value.to_owned(),
                            reason: "Expected value to be either true or false".to_owned(),
                        })
                    }
                };
            } else {
                c.topic.set(name, value)?;
            }
        }
        c.topic.validate()?;
        Ok(c)
    }
}

/// Acknowledgement level of a produce request (`acks`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Acks {
    /// `acks=0`: no response at all.
    Zero,
    /// `acks=1`: the leader's append.
    One,
    /// `acks=all` / `-1`: the whole ISR, at least `min.insync.replicas`.
    All,
}

/// A produce request for one partition (one batch).
#[derive(Debug, Clone, Copy)]
pub struct ProduceRequest<'a> {
    /// Caller's id, echoed in the response.
    pub request_id: u64,
    /// Target partition.
    pub partition: i32,
    /// `acks`.
    pub acks: Acks,
    /// The request's `timeoutMs` (the producer's `request.timeout.ms`).
    pub timeout_ms: Millis,
    /// Producer id, epoch, base sequence, transactional flag.
    pub attributes: BatchAttributes,
    /// The records.
    pub records: &'a [RecordInput<'a>],
}

/// A produce response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProduceResponse {
    /// The request it answers.
    pub request_id: u64,
    /// The partition.
    pub partition: i32,
    /// First and last offset, or the error.
    pub result: Result<(i64, i64), KafkaError>,
}

#[derive(Debug, Clone, Copy)]
struct DelayedProduce {
    request_id: u64,
    partition: i32,
    leader: i32,
    leader_epoch: i32,
    required_offset: i64,
    offsets: (i64, i64),
    deadline: Millis,
}

/// Why acknowledged records left the partition's log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum LossCause {
    /// A replica outside the ISR became leader (`unclean.leader.election.enable`).
    UncleanLeaderElection,
    /// The leader changed before followers had copied the records
    /// (`acks=0/1`, or a leader that was alone in the ISR).
    LeaderFailover,
}

impl LossCause {
    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            LossCause::UncleanLeaderElection => "unclean leader election",
            LossCause::LeaderFailover => "leader failover before replication",
        }
    }
}

/// Records that were in the old truth log past the new leader's end when
/// leadership moved: they will be truncated (KIP-101).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DivergedSuffix {
    /// When.
    pub at_ms: Millis,
    /// Partition.
    pub partition: i32,
    /// Why.
    pub cause: LossCause,
    /// The record values (kplay's producer writes a record id there).
    pub values: Vec<Option<Vec<u8>>>,
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ClusterEvent {
    /// Simulated time.
    pub at_ms: Millis,
    /// What happened, in words.
    pub event: String,
}

/// Errors from building a replicated cluster or a fault on it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// No such broker.
    #[error("broker {id} does not exist (brokers are numbered 0..{count})")]
    UnknownBroker {
        /// The id asked for.
        id: i32,
        /// Number of brokers.
        count: usize,
    },
    /// A placement error (`INVALID_REPLICATION_FACTOR`, …).
    #[error(transparent)]
    Placement(#[from] placement::PlacementError),
    /// A bad replica assignment.
    #[error("INVALID_REPLICA_ASSIGNMENT: {0}")]
    InvalidReplicaAssignment(String),
    /// A topic config error.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A cluster of brokers hosting one replicated topic, with a KRaft-style
/// controller. See the module docs.
#[derive(Debug, Clone)]
pub struct ReplicatedCluster {
    config: ClusterConfig,
    topic_config: ReplicatedTopicConfig,
    brokers: Vec<Broker>,
    partitions: Vec<ReplicatedPartition>,
    cut_links: BTreeSet<(i32, i32)>,
    purgatory: Vec<DelayedProduce>,
    outbox: Vec<ProduceResponse>,
    events: Vec<ClusterEvent>,
    diverged: Vec<DivergedSuffix>,
    next_isr_check: Millis,
    next_rebalance_check: Millis,
}

impl ReplicatedCluster {
    /// Brokers `0..brokers` and one topic with the given assignment
    /// (partition `p` gets `assignment[p]`, preferred leader first).
    pub fn new(
        brokers: usize,
        assignment: &[Vec<i32>],
        topic_config: ReplicatedTopicConfig,
        config: ClusterConfig,
        now: Millis,
    ) -> Result<Self, ClusterError> {
        let n = brokers;
        for (p, reps) in assignment.iter().enumerate() {
            if reps.is_empty() {
                return Err(ClusterError::InvalidReplicaAssignment(format!(
                    "partition {p} has an empty replica list"
                )));
            }
            for (i, b) in reps.iter().enumerate() {
                if *b < 0 || *b as usize >= n {
                    return Err(ClusterError::UnknownBroker { id: *b, count: n });
                }
                if reps[..i].contains(b) {
                    return Err(ClusterError::InvalidReplicaAssignment(format!(
                        "Duplicate brokers not allowed in replica assignment: {} for partition id {p}.",
                        reps.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")
                    )));
                }
            }
        }
        let log_config = topic_config.topic.log_config();
        let partitions = assignment
            .iter()
            .enumerate()
            .map(|(p, reps)| ReplicatedPartition::new(p as i32, reps, log_config, now))
            .collect();
        Ok(Self {
            brokers: (0..n as i32).map(|id| Broker::new(id, None)).collect(),
            partitions,
            topic_config,
            cut_links: BTreeSet::new(),
            purgatory: Vec::new(),
            outbox: Vec::new(),
            events: Vec::new(),
            diverged: Vec::new(),
            next_isr_check: now + config.replica_lag_time_max_ms / 2,
            next_rebalance_check: now + config.leader_imbalance_check_interval_ms,
            config,
        })
    }

    /// The cluster settings.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }
    /// The topic's settings.
    pub fn topic_config(&self) -> &ReplicatedTopicConfig {
        &self.topic_config
    }
    /// The brokers.
    pub fn brokers(&self) -> &[Broker] {
        &self.brokers
    }
    /// The partitions.
    pub fn partitions(&self) -> &[ReplicatedPartition] {
        &self.partitions
    }
    /// The timeline so far.
    pub fn events(&self) -> &[ClusterEvent] {
        &self.events
    }
    /// Record suffixes left behind by leader changes (for the durability ledger).
    pub fn take_diverged(&mut self) -> Vec<DivergedSuffix> {
        std::mem::take(&mut self.diverged)
    }
    /// Produce responses ready for the client.
    pub fn take_responses(&mut self) -> Vec<ProduceResponse> {
        std::mem::take(&mut self.outbox)
    }
    fn min_isr(&self) -> i32 {
        self.topic_config.topic.min_insync_replicas
    }

    fn log(&mut self, at_ms: Millis, event: String) {
        self.events.push(ClusterEvent { at_ms, event });
    }

    fn broker_index(&self, id: i32) -> Result<usize, ClusterError> {
        if id >= 0 && (id as usize) < self.brokers.len() {
            Ok(id as usize)
        } else {
            Err(ClusterError::UnknownBroker {
                id,
                count: self.brokers.len(),
            })
        }
    }

    fn acceptable(&self, id: i32) -> bool {
        self.brokers
            .get(id as usize)
            .is_some_and(Broker::is_acceptable)
    }

    /// Where a producer can send for `partition`: the leader, if its
    /// process is up (a crashed but not yet fenced leader refuses connections).
    pub fn produce_target(&self, partition: i32) -> Option<i32> {
        let l = self.partitions.get(partition as usize)?.leader()?;
        self.brokers[l as usize].is_alive().then_some(l)
    }

    // ---------------------------------------------------------------- faults

    /// Hard kill (process crash). Its logs survive. The controller fences it
    /// after `broker.session.timeout.ms`; meanwhile its leaderships are
    /// unusable and clients connected to it see `NETWORK_EXCEPTION`.
    pub fn kill_broker(&mut self, id: i32, now: Millis) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        if !self.brokers[i].is_alive() {
            return Ok(());
        }
        self.brokers[i].state = BrokerState::Crashed { at_ms: now };
        self.log(now, format!("broker {id} killed (process crash)"));
        let dropped: Vec<DelayedProduce> = self
            .purgatory
            .iter()
            .filter(|d| d.leader == id)
            .copied()
            .collect();
        self.purgatory.retain(|d| d.leader != id);
        for d in dropped {
            self.outbox.push(ProduceResponse {
                request_id: d.request_id,
                partition: d.partition,
                result: Err(KafkaError::NetworkException),
            });
        }
        Ok(())
    }

    /// Controlled shutdown: leaderships move to other ISR members at once,
    /// the broker leaves every ISR (unless it is the last member), then stops.
    pub fn shutdown_broker(&mut self, id: i32, now: Millis) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        if !self.brokers[i].is_alive() {
            return Ok(());
        }
        self.log(now, format!("broker {id} controlled shutdown"));
        self.brokers[i].state = BrokerState::ShutDown;
        self.remove_from_isrs_and_elect(id, now);
        Ok(())
    }

    /// Restart a killed or shut-down broker: it registers, is unfenced, and
    /// offline partitions it can lead get a leader again.
    pub fn start_broker(&mut self, id: i32, now: Millis) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        if self.brokers[i].is_alive() {
            return Ok(());
        }
        if let BrokerState::Crashed { .. } = self.brokers[i].state {
            // Restarted before the session expired: the controller fences the
            // old incarnation first (a new broker epoch).
            self.fence(id, now);
        }
        self.brokers[i].state = BrokerState::Running;
        self.log(now, format!("broker {id} started"));
        for p in &mut self.partitions {
            if let Some(r) = p.replica_mut(id) {
                r.validated_epoch = None;
                r.next_fetch_ms = now;
            }
        }
        self.elect_offline(now);
        Ok(())
    }

    /// Stall (or resume) a broker's replica fetchers.
    pub fn set_fetching(
        &mut self,
        id: i32,
        fetching: bool,
        now: Millis,
    ) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        self.brokers[i].fetching_stopped = !fetching;
        self.log(
            now,
            format!(
                "broker {id} {} fetching",
                if fetching { "resumed" } else { "stopped" }
            ),
        );
        Ok(())
    }

    /// Make a broker's follower fetches slower by `delay_ms`.
    pub fn set_fetch_delay(
        &mut self,
        id: i32,
        delay_ms: Millis,
        now: Millis,
    ) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        self.brokers[i].fetch_delay_ms = delay_ms.max(0);
        self.log(
            now,
            format!("broker {id} follower fetch delay {delay_ms} ms"),
        );
        Ok(())
    }

    /// The broker appends but loses its next `count` produce responses.
    pub fn drop_produce_responses(
        &mut self,
        id: i32,
        count: u32,
        now: Millis,
    ) -> Result<(), ClusterError> {
        let i = self.broker_index(id)?;
        self.brokers[i].drop_produce_responses = count;
        self.log(
            now,
            format!("broker {id} will lose its next {count} produce response(s)"),
        );
        Ok(())
    }

    /// Cut (or heal) the network between two brokers: fetches between them fail.
    pub fn set_link(&mut self, a: i32, b: i32, up: bool, now: Millis) -> Result<(), ClusterError> {
        self.broker_index(a)?;
        self.broker_index(b)?;
        let key = (a.min(b), a.max(b));
        if up {
            self.cut_links.remove(&key);
        } else {
            self.cut_links.insert(key);
        }
        self.log(
            now,
            format!(
                "network between brokers {a} and {b} {}",
                if up { "healed" } else { "partitioned" }
            ),
        );
        Ok(())
    }

    fn link_up(&self, a: i32, b: i32) -> bool {
        !self.cut_links.contains(&(a.min(b), a.max(b)))
    }

    // ------------------------------------------------------------ controller

    fn fence(&mut self, id: i32, now: Millis) {
        if let Some(b) = self.brokers.get_mut(id as usize) {
            b.state = BrokerState::Fenced;
        }
        self.log(
            now,
            format!("controller fenced broker {id} (session expired)"),
        );
        self.remove_from_isrs_and_elect(id, now);
    }

    fn election_type(&self) -> ElectionType {
        if self.topic_config.unclean_leader_election_enable {
            ElectionType::Unclean
        } else {
            ElectionType::Online
        }
    }

    /// `generateLeaderAndIsrUpdates` for a broker leaving: drop it from each
    /// ISR (never emptying it) and re-elect where it led.
    fn remove_from_isrs_and_elect(&mut self, id: i32, now: Millis) {
        let election = self.election_type();
        for pi in 0..self.partitions.len() {
            let p = &self.partitions[pi];
            let mut isr: Vec<i32> = p.isr().to_vec();
            if isr.contains(&id) && isr.len() > 1 {
                isr.retain(|&b| b != id);
            }
            let led = p.leader() == Some(id);
            let changed_isr = isr.len() != p.isr().len();
            if changed_isr {
                let partition = p.partition();
                self.partitions[pi].set_isr(isr.clone());
                self.log(
                    now,
                    format!(
                        "partition {partition}: ISR shrink to [{}] (broker {id} left)",
                        join(&isr)
                    ),
                );
            }
            if led {
                self.run_election(pi, election, now);
            } else if changed_isr {
                let min = self.min_isr();
                self.partitions[pi].maybe_increment_hw(min);
            }
        }
        self.complete_delayed(now);
    }

    fn elect_offline(&mut self, now: Millis) {
        let election = self.election_type();
        for pi in 0..self.partitions.len() {
            if self.partitions[pi].leader().is_none() {
                self.run_election(pi, election, now);
            }
        }
        self.complete_delayed(now);
    }

    fn run_election(&mut self, pi: usize, election: ElectionType, now: Millis) -> bool {
        let p = &self.partitions[pi];
        let replicas = p.replica_ids();
        let current = p.leader().filter(|&l| self.acceptable(l));
        let acceptable = |b: i32| self.acceptable(b);
        let e = elect_leader(&replicas, p.isr(), current, &acceptable, election);
        if e.leader == p.leader() && e.leader.is_some() {
            return false;
        }
        if e.leader.is_none() && p.leader().is_none() {
            return false;
        }
        let partition = p.partition();
        // The records the old truth log has past the new leader's end will be
        // truncated away when that replica next follows (KIP-101).
        if let (Some(old), Some(new)) = (p.truth_replica(), e.leader.and_then(|l| p.replica(l))) {
            let from = new.log_end_offset();
            if old.broker() != new.broker() && old.log_end_offset() > from {
                let values: Vec<Option<Vec<u8>>> = old
                    .log()
                    .iter()
                    .skip_while(|r| r.offset < from)
                    .filter(|r| !r.batch.attributes.is_control)
                    .map(|r| r.value.map(<[u8]>::to_vec))
                    .collect();
                let cause = if e.unclean {
                    LossCause::UncleanLeaderElection
                } else {
                    LossCause::LeaderFailover
                };
                self.diverged.push(DivergedSuffix {
                    at_ms: now,
                    partition,
                    cause,
                    values,
                });
            }
        }
        let p = &mut self.partitions[pi];
        if e.unclean {
            if let Some(l) = e.leader {
                p.set_isr(vec![l]);
            }
        }
        p.set_leader(e.leader, now);
        let epoch = p.leader_epoch();
        let isr = join(p.isr());
        let msg = match e.leader {
            Some(l) if e.unclean => format!(
                "partition {partition}: UNCLEAN leader election, broker {l} leads (epoch {epoch}, ISR [{isr}])"
            ),
            Some(l) => format!("partition {partition}: broker {l} elected leader (epoch {epoch}, ISR [{isr}])"),
            None => format!("partition {partition}: offline, no eligible leader (ISR [{isr}])"),
        };
        self.log(now, msg);
        // Delayed produces waiting on the old leader fail.
        let mut failed = Vec::new();
        self.purgatory.retain(|d| {
            if d.partition == partition {
                failed.push(*d);
                false
            } else {
                true
            }
        });
        for d in failed {
            self.respond(
                d.leader,
                d.request_id,
                d.partition,
                Err(KafkaError::NotLeaderOrFollower),
            );
        }
        true
    }

    /// `kafka-leader-elections --election-type preferred`: move each
    /// partition to `replicas[0]` where it is a valid leader.
    pub fn elect_preferred_leaders(&mut self, now: Millis) -> usize {
        let mut moved = 0;
        for pi in 0..self.partitions.len() {
            let p = &self.partitions[pi];
            if p.leader() != p.replica_ids().first().copied()
                && self.run_election(pi, ElectionType::Preferred, now)
            {
                moved += 1;
            }
        }
        self.complete_delayed(now);
        moved
    }

    // ------------------------------------------------------------- produce

    fn respond(
        &mut self,
        leader: i32,
        request_id: u64,
        partition: i32,
        result: Result<(i64, i64), KafkaError>,
    ) {
        if let Some(b) = self.brokers.get_mut(leader as usize) {
            if b.drop_produce_responses > 0 && result.is_ok() {
                b.drop_produce_responses -= 1;
                return;
            }
        }
        self.outbox.push(ProduceResponse {
            request_id,
            partition,
            result,
        });
    }

    /// A produce request arriving at `broker` (`ReplicaManager.appendRecords`
    /// → `Partition.appendRecordsToLeader`): leadership, then min ISR for
    /// `acks=all` (`NOT_ENOUGH_REPLICAS`), then the idempotence check, then
    /// the append. `acks=0/1` answer at once (`acks=0` never); `acks=all`
    /// waits in the purgatory until the HW passes the batch, the leader
    /// changes, or `timeout_ms` passes (`REQUEST_TIMED_OUT`).
    pub fn handle_produce(&mut self, broker: i32, req: &ProduceRequest<'_>, now: Millis) {
        let min_isr = self.min_isr();
        let reply = |c: &mut Self, r: Result<(i64, i64), KafkaError>| {
            if req.acks != Acks::Zero {
                c.respond(broker, req.request_id, req.partition, r);
            }
        };
        let alive = self
            .brokers
            .get(broker as usize)
            .is_some_and(Broker::is_alive);
        if !alive {
            return reply(self, Err(KafkaError::NetworkException));
        }
        let Some(p) = self.partitions.get(req.partition as usize) else {
            return reply(self, Err(KafkaError::NotLeaderOrFollower));
        };
        if p.leader() != Some(broker) {
            return reply(self, Err(KafkaError::NotLeaderOrFollower));
        }
        if req.acks == Acks::All && p.isr().len() < p.effective_min_isr(min_isr) {
            return reply(self, Err(KafkaError::NotEnoughReplicas));
        }
        let a = req.attributes;
        let Some(leader) = p.leader_replica() else {
            return reply(self, Err(KafkaError::NotLeaderOrFollower));
        };
        let count = req.records.len() as i32;
        let last_seq = crate::producer::idempotence::last_sequence(a.base_sequence, count.max(1));
        let check = leader.producer_state().check(
            a.producer_id,
            a.producer_epoch,
            a.base_sequence,
            last_seq,
            a.is_transactional,
        );
        let offsets = match check {
            Err(e) => return reply(self, Err(e)),
            Ok(crate::producer::idempotence::SequenceCheck::Duplicate {
                first_offset,
                last_offset,
            }) => (first_offset, last_offset),
            Ok(crate::producer::idempotence::SequenceCheck::Append) => {
                let p = &mut self.partitions[req.partition as usize];
                let Some(o) = p.append_to_leader(req.records, a, min_isr, now) else {
                    return reply(self, Err(KafkaError::NotLeaderOrFollower));
                };
                self.wake_followers(req.partition as usize, now);
                o
            }
        };
        match req.acks {
            Acks::Zero => {}
            Acks::One => self.respond(broker, req.request_id, req.partition, Ok(offsets)),
            Acks::All => {
                let p = &self.partitions[req.partition as usize];
                self.purgatory.push(DelayedProduce {
                    request_id: req.request_id,
                    partition: req.partition,
                    leader: broker,
                    leader_epoch: p.leader_epoch(),
                    required_offset: offsets.1 + 1,
                    offsets,
                    deadline: now.saturating_add(req.timeout_ms),
                });
                self.complete_delayed(now);
            }
        }
    }

    /// Appends a transaction marker on the partition's leader (the
    /// coordinator's `WriteTxnMarkers`, appended with `acks=-1`, so it needs
    /// the min ISR). Returns the marker's offset.
    pub fn append_marker(
        &mut self,
        partition: i32,
        producer_id: i64,
        producer_epoch: i16,
        kind: crate::producer::idempotence::ControlType,
        now: Millis,
    ) -> Result<i64, KafkaError> {
        let min_isr = self.min_isr();
        let Some(p) = self.partitions.get_mut(partition as usize) else {
            return Err(KafkaError::NotLeaderOrFollower);
        };
        let Some(l) = p.leader() else {
            return Err(KafkaError::LeaderNotAvailable);
        };
        if !self.brokers[l as usize].is_alive() {
            return Err(KafkaError::NetworkException);
        }
        if p.isr().len() < p.effective_min_isr(min_isr) {
            return Err(KafkaError::NotEnoughReplicas);
        }
        let key = kind.key();
        let value = [0u8, 0, 0, 0, 0, 0];
        let rec = [RecordInput::new(Some(&key), Some(&value), now)];
        let attrs = BatchAttributes {
            producer_id,
            producer_epoch,
            base_sequence: -1,
            is_transactional: true,
            is_control: true,
        };
        let o = p
            .append_to_leader(&rec, attrs, min_isr, now)
            .ok_or(KafkaError::NotLeaderOrFollower)?;
        self.wake_followers(partition as usize, now);
        Ok(o.0)
    }

    fn wake_followers(&mut self, pi: usize, now: Millis) {
        let interval = self.config.fetch_interval_ms.max(1);
        let delays: Vec<Millis> = self.brokers.iter().map(|b| b.fetch_delay_ms).collect();
        let p = &mut self.partitions[pi];
        let leader = p.leader();
        for b in p.replica_ids() {
            if Some(b) == leader {
                continue;
            }
            if let Some(r) = p.replica_mut(b) {
                let due = now + interval + delays.get(b as usize).copied().unwrap_or(0);
                r.next_fetch_ms = r.next_fetch_ms.min(due);
            }
        }
    }

    /// Completes delayed produces whose condition holds
    /// (`Partition.checkEnoughReplicasReachOffset`) or whose time ran out.
    fn complete_delayed(&mut self, now: Millis) {
        if self.purgatory.is_empty() {
            return;
        }
        let min_isr = self.min_isr();
        let mut done = Vec::new();
        self.purgatory.retain(|d| {
            let p = &self.partitions[d.partition as usize];
            let result = if p.leader() != Some(d.leader) || p.leader_epoch() != d.leader_epoch {
                Some(Err(KafkaError::NotLeaderOrFollower))
            } else if p.high_watermark() >= d.required_offset {
                if p.isr().len() >= p.effective_min_isr(min_isr) {
                    Some(Ok(d.offsets))
                } else {
                    Some(Err(KafkaError::NotEnoughReplicasAfterAppend))
                }
            } else if now >= d.deadline {
                Some(Err(KafkaError::RequestTimedOut))
            } else {
                None
            };
            match result {
                Some(r) => {
                    done.push((d.leader, d.request_id, d.partition, r));
                    false
                }
                None => true,
            }
        });
        for (leader, id, partition, r) in done {
            self.respond(leader, id, partition, r);
        }
    }

    // ---------------------------------------------------------------- time

    /// The earliest time something is scheduled (a fetch with work to do, an
    /// ISR check, a session expiry, a delayed-produce deadline).
    pub fn next_wakeup(&self) -> Millis {
        let mut t = self.next_isr_check;
        if self.config.auto_leader_rebalance_enable {
            t = t.min(self.next_rebalance_check);
        }
        for b in &self.brokers {
            if let BrokerState::Crashed { at_ms } = b.state {
                t = t.min(at_ms + self.config.broker_session_timeout_ms);
            }
        }
        for d in &self.purgatory {
            t = t.min(d.deadline);
        }
        for p in &self.partitions {
            let Some(l) = p.leader() else { continue };
            if !self.brokers[l as usize].is_alive() {
                continue;
            }
            for r in p.replicas() {
                if r.broker() != l && self.can_fetch(r.broker(), l) {
                    t = t.min(r.next_fetch_ms);
                }
            }
        }
        t
    }

    fn can_fetch(&self, follower: i32, leader: i32) -> bool {
        let f = &self.brokers[follower as usize];
        f.is_alive()
            && !f.fetching_stopped
            && self.brokers[leader as usize].is_alive()
            && self.link_up(follower, leader)
    }

    /// Runs everything due at `now`: session expiries, follower fetches, the
    /// `isr-expiration` task (every `replica.lag.time.max.ms / 2`), the
    /// preferred-leader rebalance, and delayed-produce completion.
    pub fn poll(&mut self, now: Millis) {
        // Controller: fence brokers whose session expired.
        for i in 0..self.brokers.len() {
            if let BrokerState::Crashed { at_ms } = self.brokers[i].state {
                if now >= at_ms + self.config.broker_session_timeout_ms {
                    self.fence(i as i32, now);
                }
            }
        }
        // Follower fetches.
        let min_isr = self.min_isr();
        let interval = self.config.fetch_interval_ms.max(1);
        for pi in 0..self.partitions.len() {
            let Some(l) = self.partitions[pi].leader() else {
                continue;
            };
            for f in self.partitions[pi].replica_ids() {
                if f == l || !self.can_fetch(f, l) {
                    continue;
                }
                let due = self.partitions[pi]
                    .replica(f)
                    .map_or(Millis::MAX, |r| r.next_fetch_ms);
                if due > now {
                    continue;
                }
                let may_join = self.acceptable(f);
                let p = &mut self.partitions[pi];
                let o = p.follower_fetch(
                    f,
                    now,
                    min_isr,
                    self.config.replica_fetch_max_bytes,
                    may_join,
                );
                let partition = p.partition();
                let idle = p.follower_idle(f);
                let delay = self.brokers[f as usize].fetch_delay_ms;
                if let Some(r) = self.partitions[pi].replica_mut(f) {
                    r.next_fetch_ms = if idle {
                        now + self.config.replica_fetch_wait_max_ms.max(1)
                    } else {
                        now + interval + delay
                    };
                }
                if o.truncated > 0 {
                    self.log(
                        now,
                        format!(
                            "partition {partition}: broker {f} truncated its log from {} to {} (leader epoch)",
                            o.truncated_from,
                            o.truncated_from - o.truncated
                        ),
                    );
                }
                if o.joined_isr {
                    let isr = join(self.partitions[pi].isr());
                    self.log(
                        now,
                        format!(
                            "partition {partition}: ISR expand to [{isr}] (broker {f} caught up)"
                        ),
                    );
                }
            }
        }
        // isr-expiration.
        if now >= self.next_isr_check {
            self.next_isr_check = now + (self.config.replica_lag_time_max_ms / 2).max(1);
            let lag = self.config.replica_lag_time_max_ms;
            for pi in 0..self.partitions.len() {
                let out = self.partitions[pi].out_of_sync_replicas(now, lag);
                if out.is_empty() {
                    continue;
                }
                let mut isr = self.partitions[pi].isr().to_vec();
                isr.retain(|b| !out.contains(b));
                let partition = self.partitions[pi].partition();
                self.partitions[pi].set_isr(isr.clone());
                self.partitions[pi].maybe_increment_hw(min_isr);
                self.log(
                    now,
                    format!(
                        "partition {partition}: ISR shrink to [{}] (broker(s) {} lagged more than replica.lag.time.max.ms)",
                        join(&isr),
                        join(&out)
                    ),
                );
            }
        }
        if self.config.auto_leader_rebalance_enable && now >= self.next_rebalance_check {
            self.next_rebalance_check = now + self.config.leader_imbalance_check_interval_ms.max(1);
            let imbalanced = self
                .partitions
                .iter()
                .any(|p| p.leader() != p.replica_ids().first().copied());
            if imbalanced {
                self.elect_preferred_leaders(now);
            }
        }
        self.complete_delayed(now);
    }
}

fn join(ids: &[i32]) -> String {
    ids.iter().map(i32::to_string).collect::<Vec<_>>().join(",")
}
