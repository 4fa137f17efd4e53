//! Configuring a simulation: the seed, an optional scripted oracle in place of the seeded
//! generator, fault injection (spurious wake-ups), the step limit and trace recording.

use alloc::boxed::Box;

use super::Sim;
use crate::oracle::{FastRand, Oracle};

/// Polls a run may make by default before it stops with [`SimError::StepLimit`](super::SimError).
const DEFAULT_MAX_STEPS: u64 = 10_000_000;

/// Builds a [`Sim`]; `Sim::new(seed)` is `Builder::new(seed).build()`.
pub struct Builder {
    pub(super) seed: u64,
    pub(super) oracle: Box<dyn Oracle>,
    /// A spurious wake-up happens before a step when a draw is below this (out of 2^32).
    pub(super) spurious_threshold: u64,
    pub(super) max_steps: u64,
    pub(super) record_polls: bool,
}

impl Builder {
    /// A simulation whose every choice comes from a generator seeded with `seed`.
    pub fn new(seed: u64) -> Builder {
        Builder {
            seed,
            oracle: Box::new(FastRand::new(mix(seed))),
            spurious_threshold: 0,
            max_steps: DEFAULT_MAX_STEPS,
            record_polls: true,
        }
    }

    /// Takes every choice from `oracle` instead (a scripted schedule); the seed is then only
    /// reported by [`Sim::seed`].
    pub fn oracle(mut self, oracle: impl Oracle) -> Builder {
        self.oracle = Box::new(oracle);
        self
    }

    /// Before each step, with this probability (0.0 to 1.0), wakes one blocked task (chosen
    /// by the same generator) for no reason: code must tolerate being polled while its event
    /// has not happened. Default 0.
    pub fn spurious_wakeups(mut self, probability: f64) -> Builder {
        const DRAWS: f64 = 4_294_967_296.0; // 2^32, the range of `Oracle::next_u32`
        self.spurious_threshold = (probability.clamp(0.0, 1.0) * DRAWS) as u64;
        self
    }

    /// Stops a run with `SimError::StepLimit` after `polls` task polls (default ten million),
    /// so a livelock fails instead of spinning forever.
    pub fn max_steps(mut self, polls: u64) -> Builder {
        self.max_steps = polls;
        self
    }

    /// Whether [`Sim::schedule_trace`] keeps every poll (default `true`); without it, only
    /// [`Sim::trace_hash`] and the step count are kept, in constant memory.
    pub fn record_polls(mut self, record: bool) -> Builder {
        self.record_polls = record;
        self
    }

    /// The simulation.
    pub fn build(self) -> Sim {
        Sim::from_builder(self)
    }
}

/// Spreads neighbouring seeds (0, 1, 2...) over the generator's whole state (SplitMix64's
/// finaliser), so that they start from unrelated schedules.
fn mix(seed: u64) -> u64 {
    let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
