//! A runtime's identity: its process-unique `Id` (`Handle::id`), and its `RuntimeFlavor`
//! (`Handle::runtime_flavor`), both as Tokio names them.

use std::fmt;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// An id unique among the runtimes of the process ([`super::Handle::id`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Id(NonZeroU64);

impl Id {
    pub(crate) fn next() -> Id {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Relaxed);
        Id(NonZeroU64::new(id).expect("runtime ids start at 1 and a u64 does not wrap in practice"))
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Which scheduler a runtime has ([`super::Handle::runtime_flavor`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// Every task runs on the thread inside `block_on` (also a `LocalRuntime`).
    CurrentThread,
    /// Tasks run on a pool of worker threads.
    MultiThread,
}
