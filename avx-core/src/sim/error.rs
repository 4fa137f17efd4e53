//! Why a simulation stopped before its future completed: every task blocked with no timer
//! left to fire (a deadlock), or the step limit ran out (a livelock, or a very long run).

use alloc::vec::Vec;
use core::fmt;

use super::TaskId;

/// The simulation could not complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimError {
    /// No task was runnable and no timer was pending: nothing can ever wake the tasks listed
    /// (the simulator's ids, [`TaskId::MAIN`] for the `block_on` future), so the run stopped.
    Deadlock {
        /// The tasks waiting for a wake-up that cannot come, in id order.
        blocked: Vec<TaskId>,
    },
    /// The configured number of polls ran out before the run completed.
    StepLimit {
        /// The polls made.
        steps: u64,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Deadlock { blocked } => {
                write!(f, "deadlock: {} tasks blocked, no timers pending (blocked: {blocked:?})", blocked.len())
            }
            SimError::StepLimit { steps } => write!(f, "step limit reached after {steps} polls"),
        }
    }
}

impl core::error::Error for SimError {}
