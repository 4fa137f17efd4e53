//! What a simulation records about its schedule: the simulator's own task ids, and the
//! sequence of polls with a running hash, so a test can assert that a seed replays exactly.

use alloc::vec::Vec;
use core::fmt;

/// A task's id inside one simulation: `0` is the future given to `block_on`, spawned tasks
/// count up from `1` in spawn order. Unlike [`crate::task::Id`] it does not depend on what
/// else the process runs, so the same seed yields the same ids.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(pub u32);

impl TaskId {
    /// The future passed to [`Sim::block_on`](super::Sim::block_on).
    pub const MAIN: TaskId = TaskId(0);
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TaskId({})", self.0)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The polls of one simulation, in order, and their FNV-1a hash.
pub(super) struct Trace {
    polls: Option<Vec<TaskId>>,
    hash: u64,
    len: u64,
}

impl Trace {
    /// An empty trace; `keep_polls` keeps every id (else only the hash and count).
    pub(super) fn new(keep_polls: bool) -> Trace {
        Trace { polls: keep_polls.then(Vec::new), hash: FNV_OFFSET, len: 0 }
    }

    pub(super) fn record(&mut self, id: TaskId) {
        if let Some(polls) = &mut self.polls {
            polls.push(id);
        }
        for byte in id.0.to_le_bytes() {
            self.hash = (self.hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        }
        self.len += 1;
    }

    pub(super) fn polls(&self) -> &[TaskId] {
        self.polls.as_deref().unwrap_or_default()
    }

    pub(super) fn hash(&self) -> u64 {
        self.hash
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }
}
