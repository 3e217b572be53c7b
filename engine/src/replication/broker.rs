//! Brokers as the replication model sees them: alive or not, registered or
//! fenced, and the faults a playground can inject.
//!
//! KRaft semantics (`BrokerHeartbeatManager`, `ReplicationControlManager`):
//! a crashed broker stays registered until `broker.session.timeout.ms`
//! (9 000 ms) passes without a heartbeat, then the controller fences it,
//! removes it from every ISR and re-elects leaders. A controlled shutdown
//! moves leadership away and leaves the ISRs at once. A restarted broker
//! registers and is unfenced; its logs survived the crash.

use crate::clock::Millis;

/// A broker's process and registration state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrokerState {
    /// Up, registered and unfenced.
    Running,
    /// The process died at this time; the controller has not noticed yet.
    Crashed {
        /// When it died.
        at_ms: Millis,
    },
    /// Dead and fenced by the controller (session timeout passed).
    Fenced,
    /// Stopped by a controlled shutdown.
    ShutDown,
}

/// One broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// `node.id`.
    pub id: i32,
    /// `broker.rack`.
    pub rack: Option<String>,
    /// Process / registration state.
    pub state: BrokerState,
    /// Replica fetchers stalled (a stuck disk, a GC pause) while the broker
    /// stays alive and registered.
    pub fetching_stopped: bool,
    /// Extra delay added to each of this broker's follower fetches (a slow follower).
    pub fetch_delay_ms: Millis,
    /// The next this-many produce responses are lost after the append.
    pub drop_produce_responses: u32,
}

impl Broker {
    /// A running broker.
    pub fn new(id: i32, rack: Option<String>) -> Self {
        Self {
            id,
            rack,
            state: BrokerState::Running,
            fetching_stopped: false,
            fetch_delay_ms: 0,
            drop_produce_responses: 0,
        }
    }
    /// The process is up.
    pub fn is_alive(&self) -> bool {
        self.state == BrokerState::Running
    }
    /// The controller would pick it as leader or keep it in the ISR
    /// (`isAcceptableLeader`: registered, unfenced, not shutting down).
    pub fn is_acceptable(&self) -> bool {
        self.state == BrokerState::Running
    }
}
