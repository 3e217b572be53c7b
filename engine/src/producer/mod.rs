//! The producer client: configs with Kafka's names, defaults and
//! `ConfigException`s, batching, `acks`, retries and timeouts, the
//! idempotent producer and transactions.
//!
//! * [`ProducerConfig`] follows `ProducerConfig.java` (3.0+ defaults:
//!   `acks=all`, `enable.idempotence=true`, `retries=2147483647`,
//!   `delivery.timeout.ms=120000`, `request.timeout.ms=30000`,
//!   `max.in.flight.requests.per.connection=5`) including
//!   `postProcessAndValidateIdempotenceConfigs` and
//!   `KafkaProducer.configureDeliveryTimeout`.
//! * [`Producer`] is the `Sender`/`RecordAccumulator` loop on the simulated
//!   clock: one batch per request, at most `max.in.flight` requests per
//!   partition, a retriable error re-enqueues the batch after
//!   `retry.backoff.ms` (exponential up to `retry.backoff.max.ms`, KIP-580,
//!   without jitter) unless `retries` or `delivery.timeout.ms` ran out
//!   (`Sender.canRetry`); a request unanswered within `request.timeout.ms`
//!   fails with `REQUEST_TIMED_OUT` and is retried — the classic duplicate
//!   when idempotence is off.
//! * [`idempotence`] is the broker's sequence check; [`transaction`] the
//!   coordinator.
//!
//! Every record a producer sends gets an id (`0, 1, 2, …`) written as its
//! 8-byte little-endian value, so the durability ledger can find each copy.

pub mod idempotence;
pub mod transaction;

use crate::clock::Millis;
use crate::record::{BatchAttributes, RecordInput};
use crate::replication::{Acks, KafkaError, ProduceRequest, ProduceResponse, ReplicatedCluster};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use transaction::TransactionCoordinator;

/// Errors from building a [`ProducerConfig`], reading like Kafka's `ConfigException`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProducerConfigError {
    /// A bad value (`ConfigDef` validation).
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    InvalidValue {
        /// Config name.
        name: String,
        /// Value as given.
        value: String,
        /// Kafka's reason.
        reason: String,
    },
    /// A name kplay does not know (Kafka only logs a warning; kplay refuses).
    #[error("Unknown producer config name: {name}")]
    UnknownConfig {
        /// The name.
        name: String,
    },
    /// A combination Kafka refuses (`ConfigException` message verbatim).
    #[error("{0}")]
    Conflict(String),
}

/// Producer settings (Kafka 3.0+ defaults).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProducerConfig {
    /// `acks` (default `all`).
    pub acks: Acks,
    /// `enable.idempotence` after post-processing (default `true`).
    pub enable_idempotence: bool,
    /// `retries` (default 2147483647).
    pub retries: i32,
    /// `retry.backoff.ms` (100).
    pub retry_backoff_ms: Millis,
    /// `retry.backoff.max.ms` (1000).
    pub retry_backoff_max_ms: Millis,
    /// `request.timeout.ms` (30000).
    pub request_timeout_ms: Millis,
    /// `delivery.timeout.ms` (120000).
    pub delivery_timeout_ms: Millis,
    /// `linger.ms` (0).
    pub linger_ms: Millis,
    /// `max.in.flight.requests.per.connection` (5).
    pub max_in_flight: u32,
    /// `batch.size` (16384).
    pub batch_size: i32,
    /// `transactional.id` (none).
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms` (60000).
    pub transaction_timeout_ms: Millis,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        Self {
            acks: Acks::All,
            enable_idempotence: true,
            retries: i32::MAX,
            retry_backoff_ms: 100,
            retry_backoff_max_ms: 1000,
            request_timeout_ms: 30_000,
            delivery_timeout_ms: 120_000,
            linger_ms: 0,
            max_in_flight: 5,
            batch_size: 16_384,
            transactional_id: None,
            transaction_timeout_ms: 60_000,
        }
    }
}

fn bad(name: &str, value: &str, reason: impl Into<String>) -> ProducerConfigError {
    ProducerConfigError::InvalidValue {
        name: name.to_owned(),
        value: value.to_owned(),
        reason: reason.into(),
    }
}

fn int(name: &str, value: &str, min: i64) -> Result<i64, ProducerConfigError> {
    let v: i64 = value.trim().parse().map_err(|_| {
        bad(
            name,
            value,
            "Expected value to be a 32-bit integer, but it was a java.lang.String",
        )
    })?;
    if v < min {
        return Err(bad(name, value, format!("Value must be at least {min}")));
    }
    if v > i64::from(i32::MAX) {
        return Err(bad(
            name,
            value,
            "Expected value to be a 32-bit integer, but it was a java.lang.String",
        ));
    }
    Ok(v)
}

fn long(name: &str, value: &str, min: i64) -> Result<i64, ProducerConfigError> {
    let v: i64 = value.trim().parse().map_err(|_| {
        bad(
            name,
            value,
            "Expected value to be a 64-bit integer, but it was a java.lang.String",
        )
    })?;
    if v < min {
        return Err(bad(name, value, format!("Value must be at least {min}")));
    }
    Ok(v)
}

fn boolean(name: &str, value: &str) -> Result<bool, ProducerConfigError> {
    match value.trim() {
        v if v.eq_ignore_ascii_case("true") => Ok(true),
        v if v.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(bad(
            name,
            value,
            "Expected value to be either true or false",
        )),
    }
}

impl ProducerConfig {
    /// The producer config names kplay models.
    pub const NAMES: [&'static str; 12] = [
        "acks",
        "enable.idempotence",
        "retries",
        "retry.backoff.ms",
        "retry.backoff.max.ms",
        "request.timeout.ms",
        "delivery.timeout.ms",
        "linger.ms",
        "max.in.flight.requests.per.connection",
        "batch.size",
        "transactional.id",
        "transaction.timeout.ms",
    ];

    /// Parses properties on top of the defaults and applies Kafka's
    /// post-processing: conflicts with idempotence disable it silently when
    /// it was not set, and are a `ConfigException` when it was set to true;
    /// `transactional.id` needs idempotence; an explicit `delivery.timeout.ms`
    /// below `linger.ms + request.timeout.ms` is refused, an implicit one raised.
    pub fn from_properties<'a>(
        props: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Self, ProducerConfigError> {
        let mut c = Self::default();
        let mut idempotence_set = false;
        let mut delivery_set = false;
        for (name, value) in props {
            match name {
                "acks" => {
                    c.acks = match value.trim() {
                        "all" | "-1" => Acks::All,
                        "0" => Acks::Zero,
                        "1" => Acks::One,
                        _ => return Err(bad(name, value, "String must be one of: all, -1, 0, 1")),
                    }
                }
                "enable.idempotence" => {
                    c.enable_idempotence = boolean(name, value)?;
                    idempotence_set = true;
                }
                "retries" => c.retries = int(name, value, 0)? as i32,
                "retry.backoff.ms" => c.retry_backoff_ms = long(name, value, 0)?,
                "retry.backoff.max.ms" => c.retry_backoff_max_ms = long(name, value, 0)?,
                "request.timeout.ms" => c.request_timeout_ms = int(name, value, 0)?,
                "delivery.timeout.ms" => {
                    c.delivery_timeout_ms = int(name, value, 0)?;
                    delivery_set = true;
                }
                "linger.ms" => c.linger_ms = long(name, value, 0)?,
                "max.in.flight.requests.per.connection" => {
                    c.max_in_flight = int(name, value, 1)? as u32
                }
                "batch.size" => c.batch_size = int(name, value, 0)? as i32,
                "transactional.id" => {
                    let v = value.trim();
                    c.transactional_id = (!v.is_empty()).then(|| v.to_owned());
                }
                "transaction.timeout.ms" => c.transaction_timeout_ms = int(name, value, 0)?,
                _ => {
                    return Err(ProducerConfigError::UnknownConfig {
                        name: name.to_owned(),
                    })
                }
            }
        }
        // ProducerConfig.postProcessAndValidateIdempotenceConfigs
        if c.enable_idempotence {
            let conflict = if c.max_in_flight > 5 {
                Some("Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.")
            } else if c.retries == 0 {
                Some("Must set retries to non-zero when using the idempotent producer.")
            } else if c.acks != Acks::All {
                Some("Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.")
            } else {
                None
            };
            if let Some(msg) = conflict {
                if idempotence_set {
                    return Err(ProducerConfigError::Conflict(msg.to_owned()));
                }
                c.enable_idempotence = false;
            }
        }
        if c.transactional_id.is_some() && !c.enable_idempotence {
            return Err(ProducerConfigError::Conflict(
                "Cannot set a transactional.id without also enabling idempotence.".to_owned(),
            ));
        }
        // KafkaProducer.configureDeliveryTimeout
        let min_delivery = c.linger_ms.saturating_add(c.request_timeout_ms);
        if c.delivery_timeout_ms < min_delivery {
            if delivery_set {
                return Err(ProducerConfigError::Conflict(
                    "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms".to_owned(),
                ));
            }
            c.delivery_timeout_ms = min_delivery;
        }
        Ok(c)
    }
}

/// Where one sent record stands, from the producer's side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendStatus {
    /// Not answered yet.
    Pending,
    /// The send's callback reported success.
    Acknowledged,
    /// The send's callback reported this error.
    Failed(KafkaError),
}

#[derive(Debug, Clone)]
struct Batch {
    id: u64,
    partition: i32,
    /// Record ids in the batch (round-robin sends interleave partitions).
    ids: Vec<u64>,
    created_ms: Millis,
    attempts: i32,
    sequence: Option<(i16, i32)>,
    last_error: Option<KafkaError>,
    retry_at: Millis,
    transactional: bool,
}

#[derive(Debug, Clone)]
struct InFlight {
    batch: Batch,
    request_id: u64,
    deadline: Millis,
}

/// The transactional state of the client (`TransactionManager.State`, simplified).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxnState {
    /// Not transactional.
    None,
    /// Initialised, no open transaction.
    Ready,
    /// Between `beginTransaction` and commit/abort.
    InTransaction,
    /// `commitTransaction` called: flushing, then `EndTxn(commit)`.
    Committing,
    /// `abortTransaction` called: flushing, then `EndTxn(abort)`.
    Aborting,
    /// Fenced by a newer instance (`PRODUCER_FENCED`): unusable.
    Fenced,
}

/// Errors from the producer's API calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProducerError {
    /// The call does not fit the transactional state (`IllegalStateException`).
    #[error("INVALID_TXN_STATE: cannot {call} in state {state:?}")]
    InvalidTxnState {
        /// The call.
        call: &'static str,
        /// The state.
        state: TxnState,
    },
    /// The producer was fenced.
    #[error("PRODUCER_FENCED: There is a newer producer with the same transactionalId which fences the current one.")]
    ProducerFenced,
}

/// A producer client on the simulated clock. See the module docs.
#[derive(Debug, Clone)]
pub struct Producer {
    config: ProducerConfig,
    producer_id: i64,
    epoch: i16,
    partitions: usize,
    next_seq: Vec<i32>,
    queues: Vec<VecDeque<Batch>>,
    in_flight: Vec<Vec<InFlight>>,
    /// Per broker connection: request ids in send order. Kafka answers the
    /// requests of one connection in order (the broker mutes the channel
    /// while it handles one), so a response waits for the earlier ones.
    connections: BTreeMap<i32, VecDeque<u64>>,
    /// Responses that arrived before an earlier one on their connection.
    early: Vec<ProduceResponse>,
    statuses: Vec<SendStatus>,
    next_request_id: u64,
    next_batch_id: u64,
    round_robin: usize,
    txn: TxnState,
    txn_partitions: BTreeSet<i32>,
    txn_error: Option<KafkaError>,
    max_batch_records: u32,
    events: Vec<(Millis, String)>,
}

impl Producer {
    /// A producer for a topic of `partitions` partitions. Idempotent
    /// producers get a producer id; transactional ones run `initTransactions`.
    pub fn new(
        config: ProducerConfig,
        partitions: usize,
        coordinator: &mut TransactionCoordinator,
        cluster: &mut ReplicatedCluster,
        now: Millis,
    ) -> Self {
        let (producer_id, epoch, txn) = match (&config.transactional_id, config.enable_idempotence)
        {
            (Some(id), _) => {
                let (p, e) =
                    coordinator.init_transactions(id, config.transaction_timeout_ms, cluster, now);
                (p, e, TxnState::Ready)
            }
            (None, true) => {
                let (p, e) = coordinator.init_producer_id();
                (p, e, TxnState::None)
            }
            (None, false) => (-1, -1, TxnState::None),
        };
        let value = [0u8; 8];
        let rec_size =
            crate::record::record_size_in_bytes(0, 0, &RecordInput::new(None, Some(&value), 0));
        let room =
            (config.batch_size.max(0) as u32).saturating_sub(crate::record::RECORD_BATCH_OVERHEAD);
        Self {
            max_batch_records: (room / rec_size.max(1)).max(1),
            config,
            producer_id,
            epoch,
            partitions: partitions.max(1),
            next_seq: vec![0; partitions.max(1)],
            queues: vec![VecDeque::new(); partitions.max(1)],
            in_flight: vec![Vec::new(); partitions.max(1)],
            connections: BTreeMap::new(),
            early: Vec::new(),
            statuses: Vec::new(),
            next_request_id: 0,
            next_batch_id: 0,
            round_robin: 0,
            txn,
            txn_partitions: BTreeSet::new(),
            txn_error: None,
            events: Vec::new(),
        }
    }

    /// The effective config.
    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }
    /// Producer id (−1 when not idempotent).
    pub fn producer_id(&self) -> i64 {
        self.producer_id
    }
    /// Producer epoch.
    pub fn epoch(&self) -> i16 {
        self.epoch
    }
    /// Transactional state.
    pub fn txn_state(&self) -> TxnState {
        self.txn
    }
    /// Every record's status, indexed by record id.
    pub fn statuses(&self) -> &[SendStatus] {
        &self.statuses
    }
    /// Takes the producer's timeline entries.
    pub fn take_events(&mut self) -> Vec<(Millis, String)> {
        std::mem::take(&mut self.events)
    }
    /// Whether any send is still unanswered.
    pub fn has_pending(&self) -> bool {
        self.queues.iter().any(|q| !q.is_empty()) || self.in_flight.iter().any(|f| !f.is_empty())
    }

    /// `send()` of `records` new records at `now`: to `partition`, or
    /// round-robin over the partitions. Returns the ids given to them.
    pub fn send(
        &mut self,
        records: u64,
        partition: Option<i32>,
        now: Millis,
    ) -> std::ops::Range<u64> {
        let first = self.statuses.len() as u64;
        let sync_error = match self.txn {
            TxnState::Fenced => Some(KafkaError::ProducerFenced),
            TxnState::Ready | TxnState::Committing | TxnState::Aborting => {
                Some(KafkaError::InvalidTxnState)
            }
            TxnState::None | TxnState::InTransaction => None,
        };
        let mut per_partition: Vec<u64> = vec![0; self.partitions];
        let mut order: Vec<(i32, u64)> = Vec::new();
        for i in 0..records {
            let id = first + i;
            let p = match partition {
                Some(p) => p.rem_euclid(self.partitions as i32),
                None => {
                    let p = (self.round_robin % self.partitions) as i32;
                    self.round_robin += 1;
                    p
                }
            };
            self.statuses.push(match sync_error {
                Some(e) => SendStatus::Failed(e),
                None => SendStatus::Pending,
            });
            if sync_error.is_none() {
                per_partition[p as usize] += 1;
                order.push((p, id));
            }
        }
        // Group consecutive ids per partition into batches of at most max_batch_records.
        for (p, id) in order {
            let q = &mut self.queues[p as usize];
            let extend = q.back().is_some_and(|b| {
                b.sequence.is_none()
                    && b.attempts == 0
                    && b.created_ms == now
                    && (b.ids.len() as u32) < self.max_batch_records
            });
            if extend {
                if let Some(b) = q.back_mut() {
                    b.ids.push(id);
                }
            } else {
                q.push_back(Batch {
                    id: self.next_batch_id,
                    partition: p,
                    ids: vec![id],
                    created_ms: now,
                    attempts: 0,
                    sequence: None,
                    last_error: None,
                    retry_at: now,
                    transactional: self.txn == TxnState::InTransaction,
                });
                self.next_batch_id += 1;
            }
        }
        first..self.statuses.len() as u64
    }

    // ------------------------------------------------------- transactions

    /// `beginTransaction()`.
    pub fn begin_transaction(&mut self) -> Result<(), ProducerError> {
        match self.txn {
            TxnState::Ready => {
                self.txn = TxnState::InTransaction;
                self.txn_partitions.clear();
                self.txn_error = None;
                Ok(())
            }
            TxnState::Fenced => Err(ProducerError::ProducerFenced),
            state => Err(ProducerError::InvalidTxnState {
                call: "beginTransaction",
                state,
            }),
        }
    }

    /// `commitTransaction()`: flushes, then `EndTxn(commit)` (or an abort if
    /// a send of the transaction failed, as the application must then do).
    pub fn commit_transaction(&mut self) -> Result<(), ProducerError> {
        self.end_call(TxnState::Committing, "commitTransaction")
    }

    /// `abortTransaction()`: unsent batches fail, in-flight ones finish, then `EndTxn(abort)`.
    pub fn abort_transaction(&mut self, now: Millis) -> Result<(), ProducerError> {
        self.end_call(TxnState::Aborting, "abortTransaction")?;
        for q in &mut self.queues {
            for b in q.drain(..) {
                for &id in &b.ids {
                    if let Some(s) = self.statuses.get_mut(id as usize) {
                        *s = SendStatus::Failed(KafkaError::TransactionAborted);
                    }
                }
            }
        }
        let _ = now;
        Ok(())
    }

    fn end_call(&mut self, to: TxnState, call: &'static str) -> Result<(), ProducerError> {
        match self.txn {
            TxnState::InTransaction => {
                self.txn = to;
                Ok(())
            }
            TxnState::Fenced => Err(ProducerError::ProducerFenced),
            state => Err(ProducerError::InvalidTxnState { call, state }),
        }
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)`.
    pub fn send_offsets_to_transaction(
        &mut self,
        group: &str,
        offsets: &[(i32, i64)],
        coordinator: &mut TransactionCoordinator,
        now: Millis,
    ) -> Result<(), ProducerError> {
        if self.txn != TxnState::InTransaction {
            return Err(ProducerError::InvalidTxnState {
                call: "sendOffsetsToTransaction",
                state: self.txn,
            });
        }
        let id = self.config.transactional_id.clone().unwrap_or_default();
        coordinator
            .add_offsets(&id, self.epoch, group, offsets, now)
            .map_err(|_| {
                self.txn = TxnState::Fenced;
                ProducerError::ProducerFenced
            })
    }

    // --------------------------------------------------------------- loop

    fn backoff(&self, attempts: i32) -> Millis {
        let exp = (attempts.max(1) - 1).min(20) as u32;
        self.config.retry_backoff_ms.saturating_mul(1 << exp).min(
            self.config
                .retry_backoff_max_ms
                .max(self.config.retry_backoff_ms),
        )
    }

    fn finish(&mut self, b: &Batch, status: SendStatus) {
        for &id in &b.ids {
            if let Some(s) = self.statuses.get_mut(id as usize) {
                *s = status;
            }
        }
    }

    fn bump_epoch(&mut self, now: Millis, why: KafkaError) {
        if !self.config.enable_idempotence || self.config.transactional_id.is_some() {
            return;
        }
        self.epoch = self.epoch.saturating_add(1);
        self.next_seq.iter_mut().for_each(|s| *s = 0);
        for q in &mut self.queues {
            for b in q.iter_mut() {
                b.sequence = None;
            }
        }
        self.events.push((
            now,
            format!(
                "producer bumped its epoch to {} and reset sequences after {}",
                self.epoch,
                why.name()
            ),
        ));
    }

    fn handle_result(&mut self, mut b: Batch, result: Result<(i64, i64), KafkaError>, now: Millis) {
        let e = match result {
            Ok(_) => return self.finish(&b, SendStatus::Acknowledged),
            Err(e) => e,
        };
        let p = b.partition as usize;
        let earlier_unresolved = self.queues[p].iter().any(|o| o.id < b.id)
            || self.in_flight[p].iter().any(|o| o.batch.id < b.id);
        let retriable =
            e.is_retriable() || (e == KafkaError::OutOfOrderSequenceNumber && earlier_unresolved);
        let expired = now >= b.created_ms.saturating_add(self.config.delivery_timeout_ms);
        if retriable && b.attempts <= self.config.retries && !expired {
            b.last_error = Some(e);
            b.retry_at = now + self.backoff(b.attempts);
            let q = &mut self.queues[p];
            let at = q.iter().position(|o| o.id > b.id).unwrap_or(q.len());
            q.insert(at, b);
            return;
        }
        self.finish(&b, SendStatus::Failed(e));
        if b.transactional {
            self.txn_error.get_or_insert(e);
            if matches!(
                e,
                KafkaError::ProducerFenced | KafkaError::InvalidProducerEpoch
            ) {
                self.txn = TxnState::Fenced;
            }
        } else if self.config.enable_idempotence
            && b.sequence.is_some()
            && e == KafkaError::OutOfOrderSequenceNumber
        {
            // KIP-360: the broker rejected the batch for a sequence gap that
            // no earlier batch explains; bump the epoch and start the
            // sequences again. After other final errors the sequence is left
            // as it is: the broker's answer to the next batch resolves
            // whether the failed one was written (a gap is answered
            // OUT_OF_ORDER_SEQUENCE_NUMBER and lands here).
            self.bump_epoch(now, e);
        }
    }

    /// One turn of the `Sender` loop: expire, time out, send, handle
    /// responses, and finish a commit/abort once the transaction is flushed.
    pub fn poll(
        &mut self,
        cluster: &mut ReplicatedCluster,
        coordinator: &mut TransactionCoordinator,
        now: Millis,
    ) {
        self.handle_responses(cluster, now);
        // request.timeout.ms: a timed-out request closes its connection
        // (`NetworkClient.handleTimedOutRequests`), failing every request in
        // flight on it; the sender retries them.
        let timed_out: Vec<i32> = self
            .connections
            .iter()
            .filter(|(_, q)| {
                q.front()
                    .and_then(|id| self.find_in_flight(*id))
                    .is_some_and(|f| now >= f.deadline)
            })
            .map(|(b, _)| *b)
            .collect();
        for broker in timed_out {
            let ids: Vec<u64> = self
                .connections
                .remove(&broker)
                .map(Vec::from)
                .unwrap_or_default();
            self.early.retain(|r| !ids.contains(&r.request_id));
            for id in ids {
                if let Some(f) = self.take_in_flight(id) {
                    self.handle_result(f.batch, Err(KafkaError::RequestTimedOut), now);
                }
            }
            self.events.push((
                now,
                format!("producer disconnected from broker {broker}: request.timeout.ms expired"),
            ));
        }
        // delivery.timeout.ms for batches waiting in the accumulator.
        for p in 0..self.partitions {
            let mut i = 0;
            while i < self.queues[p].len() {
                let b = &self.queues[p][i];
                if now >= b.created_ms.saturating_add(self.config.delivery_timeout_ms) {
                    if let Some(b) = self.queues[p].remove(i) {
                        let e = b.last_error.unwrap_or(KafkaError::RequestTimedOut);
                        self.finish(&b, SendStatus::Failed(e));
                        if b.transactional {
                            self.txn_error.get_or_insert(e);
                        }
                    }
                } else {
                    i += 1;
                }
            }
        }
        self.send_ready(cluster, coordinator, now);
        self.handle_responses(cluster, now);
        self.maybe_end_transaction(cluster, coordinator, now);
    }

    fn find_in_flight(&self, request_id: u64) -> Option<&InFlight> {
        self.in_flight
            .iter()
            .flatten()
            .find(|f| f.request_id == request_id)
    }

    fn take_in_flight(&mut self, request_id: u64) -> Option<InFlight> {
        for list in &mut self.in_flight {
            if let Some(i) = list.iter().position(|f| f.request_id == request_id) {
                return Some(list.remove(i));
            }
        }
        None
    }

    fn handle_responses(&mut self, cluster: &mut ReplicatedCluster, now: Millis) {
        self.early.extend(cluster.take_responses());
        loop {
            let mut next: Option<(i32, usize)> = None;
            for (broker, q) in &self.connections {
                if let Some(head) = q.front() {
                    if let Some(i) = self.early.iter().position(|r| r.request_id == *head) {
                        next = Some((*broker, i));
                        break;
                    }
                }
            }
            let Some((broker, i)) = next else { break };
            let r = self.early.swap_remove(i);
            if let Some(q) = self.connections.get_mut(&broker) {
                q.pop_front();
            }
            if let Some(f) = self.take_in_flight(r.request_id) {
                self.handle_result(f.batch, r.result, now);
            }
        }
        // Responses to requests no longer in flight (their connection closed) are dropped.
        let live: BTreeSet<u64> =
            crate::sort::btree_set(self.connections.values().flatten().copied());
        self.early.retain(|r| live.contains(&r.request_id));
    }

    fn send_ready(
        &mut self,
        cluster: &mut ReplicatedCluster,
        coordinator: &mut TransactionCoordinator,
        now: Millis,
    ) {
        let mut values: Vec<[u8; 8]> = Vec::new();
        for p in 0..self.partitions {
            let Some(target) = cluster.produce_target(p as i32) else {
                continue;
            };
            while self.in_flight[p].len() < self.config.max_in_flight as usize
                && self.queues[p].front().is_some_and(|b| b.retry_at <= now)
            {
                let Some(mut b) = self.queues[p].pop_front() else {
                    break;
                };
                if b.transactional && !self.txn_partitions.contains(&b.partition) {
                    let id = self.config.transactional_id.clone().unwrap_or_default();
                    if let Err(e) = coordinator.add_partition(&id, self.epoch, b.partition, now) {
                        self.finish(&b, SendStatus::Failed(e));
                        self.txn_error.get_or_insert(e);
                        if e == KafkaError::ProducerFenced {
                            self.txn = TxnState::Fenced;
                            self.events.push((
                                now,
                                "producer fenced: AddPartitionsToTxn answered PRODUCER_FENCED"
                                    .to_owned(),
                            ));
                        }
                        continue;
                    }
                    self.txn_partitions.insert(b.partition);
                }
                if self.config.enable_idempotence && b.sequence.is_none_or(|(e, _)| e != self.epoch)
                {
                    b.sequence = Some((self.epoch, self.next_seq[p]));
                    self.next_seq[p] = self.next_seq[p].wrapping_add(b.ids.len() as i32);
                    if self.next_seq[p] < 0 {
                        self.next_seq[p] -= i32::MIN;
                    }
                }
                b.attempts += 1;
                let request_id = self.next_request_id;
                self.next_request_id += 1;
                values.clear();
                values.extend(b.ids.iter().map(|id| id.to_le_bytes()));
                let records: Vec<RecordInput<'_>> = values
                    .iter()
                    .map(|v| RecordInput::new(None, Some(v), now))
                    .collect();
                let attributes = match b.sequence {
                    Some((epoch, seq)) => BatchAttributes {
                        producer_id: self.producer_id,
                        producer_epoch: epoch,
                        base_sequence: seq,
                        is_transactional: b.transactional,
                        is_control: false,
                    },
                    None => BatchAttributes::default(),
                };
                let req = ProduceRequest {
                    request_id,
                    partition: p as i32,
                    acks: self.config.acks,
                    timeout_ms: self.config.request_timeout_ms,
                    attributes,
                    records: &records,
                };
                cluster.handle_produce(target, &req, now);
                if self.config.acks == Acks::Zero {
                    // acks=0: the callback fires once the request is written (offset −1).
                    self.finish(&b, SendStatus::Acknowledged);
                } else {
                    self.connections
                        .entry(target)
                        .or_default()
                        .push_back(request_id);
                    self.in_flight[p].push(InFlight {
                        batch: b,
                        request_id,
                        deadline: now.saturating_add(self.config.request_timeout_ms),
                    });
                }
            }
        }
    }

    fn maybe_end_transaction(
        &mut self,
        cluster: &mut ReplicatedCluster,
        coordinator: &mut TransactionCoordinator,
        now: Millis,
    ) {
        if !matches!(self.txn, TxnState::Committing | TxnState::Aborting) || self.has_pending() {
            return;
        }
        let commit = self.txn == TxnState::Committing && self.txn_error.is_none();
        if self.txn == TxnState::Committing && !commit {
            self.events.push((
                now,
                format!(
                    "commitTransaction failed ({}); the transaction is aborted",
                    self.txn_error.map_or("?", KafkaError::name)
                ),
            ));
        }
        let id = self.config.transactional_id.clone().unwrap_or_default();
        match coordinator.end_transaction(&id, self.epoch, commit, cluster, now) {
            Ok(()) => self.txn = TxnState::Ready,
            Err(e) => {
                self.events.push((
                    now,
                    format!("EndTxn answered {}: this producer is a zombie", e.name()),
                ));
                self.txn = TxnState::Fenced;
            }
        }
    }

    /// The next time this producer has something to do on its own.
    pub fn next_wakeup(&self, now: Millis) -> Millis {
        let mut t = Millis::MAX;
        for q in &self.queues {
            for b in q {
                if b.retry_at > now {
                    t = t.min(b.retry_at);
                }
                t = t.min(b.created_ms.saturating_add(self.config.delivery_timeout_ms));
            }
        }
        for f in self.in_flight.iter().flatten() {
            t = t.min(f.deadline);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(p: &[(&str, &str)]) -> Result<ProducerConfig, ProducerConfigError> {
        ProducerConfig::from_properties(p.iter().copied())
    }

    #[test]
    fn defaults_are_kafka_3_0() {
        let c = cfg(&[]).unwrap();
        assert_eq!(c.acks, Acks::All);
        assert!(c.enable_idempotence);
        assert_eq!(c.retries, i32::MAX);
        assert_eq!(
            (c.request_timeout_ms, c.delivery_timeout_ms),
            (30_000, 120_000)
        );
        assert_eq!(c.max_in_flight, 5);
    }

    /// `postProcessAndValidateIdempotenceConfigs`: explicit idempotence plus a
    /// conflict is a ConfigException; implicit idempotence is switched off.
    #[test]
    fn idempotence_conflicts_follow_kafka() {
        let e = cfg(&[("enable.idempotence", "true"), ("acks", "1")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence."
        );
        let e = cfg(&[
            ("enable.idempotence", "true"),
            ("max.in.flight.requests.per.connection", "6"),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer."
        );
        let e = cfg(&[("enable.idempotence", "true"), ("retries", "0")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Must set retries to non-zero when using the idempotent producer."
        );
        assert!(!cfg(&[("acks", "1")]).unwrap().enable_idempotence);
        let e = cfg(&[("acks", "0"), ("transactional.id", "t")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "Cannot set a transactional.id without also enabling idempotence."
        );
    }

    #[test]
    fn values_and_delivery_timeout() {
        assert_eq!(
            cfg(&[("acks", "2")]).unwrap_err().to_string(),
            "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1"
        );
        assert!(cfg(&[("retries", "-1")])
            .unwrap_err()
            .to_string()
            .ends_with("Value must be at least 0"));
        assert_eq!(
            cfg(&[("delivery.timeout.ms", "1000")])
                .unwrap_err()
                .to_string(),
            "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms"
        );
        // Implicit delivery timeout is raised to linger + request timeout.
        assert_eq!(
            cfg(&[("request.timeout.ms", "200000")])
                .unwrap()
                .delivery_timeout_ms,
            200_000
        );
        assert!(matches!(
            cfg(&[("acks ", "1")]),
            Err(ProducerConfigError::UnknownConfig { .. })
        ));
    }
}
