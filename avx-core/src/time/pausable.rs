//! A clock that follows a live clock until paused, then stands still and moves only when
//! advanced: what `time::pause()`, `time::advance()` and `start_paused` of a runtime need.

use core::fmt;
use core::time::Duration;

use crate::loom::{Arc, Mutex};
use crate::park::{Clock, Ticks};

/// Wraps a live [`Clock`]. Clones share one state, so the runtime keeps a clone to pause,
/// advance and resume the clock its timer [`Driver`](super::Driver) reads.
///
/// Never goes backwards: after `resume` it continues from the paused instant at the live
/// clock's rate.
pub struct PausableClock<C> {
    shared: Arc<Shared<C>>,
}

struct Shared<C> {
    live: C,
    state: Mutex<State>,
}

#[derive(Clone, Copy)]
struct State {
    /// `Some(now)` while paused.
    paused_at: Option<Ticks>,
    /// While running, now = `base` + (live now − `live_base`).
    base: Ticks,
    live_base: Ticks,
}

impl<C: Clock> PausableClock<C> {
    /// A running clock that reads the same as `live`.
    pub fn new(live: C) -> Self {
        let start = live.now();
        PausableClock {
            shared: Arc::new(Shared {
                live,
                state: Mutex::new(State { paused_at: None, base: start, live_base: start }),
            }),
        }
    }

    /// Stops the clock at its current time; returns `false` (changing nothing) if it was
    /// already paused.
    pub fn pause(&self) -> bool {
        let mut state = self.shared.state.lock();
        if state.paused_at.is_some() {
            return false;
        }
        state.paused_at = Some(running_now(&state, &self.shared.live));
        true
    }

    /// Lets the clock run again, from the instant it stood at; returns `false` (changing
    /// nothing) if it was not paused.
    pub fn resume(&self) -> bool {
        let mut state = self.shared.state.lock();
        let Some(paused_at) = state.paused_at.take() else {
            return false;
        };
        state.base = paused_at;
        state.live_base = self.shared.live.now();
        true
    }

    /// Whether the clock is paused.
    pub fn is_paused(&self) -> bool {
        self.shared.state.lock().paused_at.is_some()
    }

    /// Moves the clock forward by `by` (paused or not) and returns the new time.
    pub fn advance(&self, by: Duration) -> Ticks {
        let mut state = self.shared.state.lock();
        advance_by(&mut state, &self.shared.live, by)
    }

    /// Moves a paused clock forward to `to` if that is later (the auto-advance of an idle
    /// paused runtime to its next timer) and returns its time; `None`, moving nothing, if the
    /// clock is running (it may have been resumed since the caller looked).
    pub fn advance_to(&self, to: Ticks) -> Option<Ticks> {
        let mut state = self.shared.state.lock();
        let paused_at = state.paused_at.as_mut()?;
        *paused_at = (*paused_at).max(to);
        Some(*paused_at)
    }
}

/// Moves the clock forward by `by`; returns the new time.
fn advance_by(state: &mut State, live: &impl Clock, by: Duration) -> Ticks {
    match &mut state.paused_at {
        Some(paused_at) => {
            *paused_at = paused_at.saturating_add(by);
            *paused_at
        }
        None => {
            state.base = state.base.saturating_add(by);
            running_now(state, live)
        }
    }
}

/// The time of a running clock.
fn running_now(state: &State, live: &impl Clock) -> Ticks {
    state.base.saturating_add(live.now().saturating_duration_since(state.live_base))
}

impl<C: Clock> Clock for PausableClock<C> {
    fn now(&self) -> Ticks {
        let state = self.shared.state.lock();
        state.paused_at.unwrap_or_else(|| running_now(&state, &self.shared.live))
    }
}

impl<C> Clone for PausableClock<C> {
    fn clone(&self) -> Self {
        PausableClock { shared: self.shared.clone() }
    }
}

impl<C: Clock> fmt::Debug for PausableClock<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PausableClock").field("now", &self.now()).field("paused", &self.is_paused()).finish()
    }
}
