//! Simulated time.
//!
//! The engine never reads a wall clock: `std::time::Instant::now()` panics on
//! `wasm32-unknown-unknown`, and a playground must replay identically. Every
//! operation that depends on time takes a [`Millis`] argument; a [`SimClock`]
//! is a convenience for callers that want one shared "now".

/// Milliseconds on the simulated clock, as Kafka's `long` timestamps are
/// (milliseconds since an epoch the simulation chooses; usually 0).
pub type Millis = i64;

/// A monotonic simulated clock. It only moves when told to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SimClock {
    now_ms: Millis,
}

impl SimClock {
    /// A clock that starts at `start_ms`.
    pub fn starting_at(start_ms: Millis) -> Self {
        Self { now_ms: start_ms }
    }

    /// The current simulated time.
    pub fn now(&self) -> Millis {
        self.now_ms
    }

    /// Moves the clock forward by `delta_ms` (saturating; a negative delta is ignored,
    /// time never goes backwards).
    pub fn advance(&mut self, delta_ms: Millis) -> Millis {
        self.now_ms = self.now_ms.saturating_add(delta_ms.max(0));
        self.now_ms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_only_moves_forward() {
        let mut c = SimClock::starting_at(1_000);
        assert_eq!(c.advance(500), 1_500);
        assert_eq!(c.advance(-10_000), 1_500);
        assert_eq!(c.now(), 1_500);
    }
}
