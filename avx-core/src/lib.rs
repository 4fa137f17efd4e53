//! avx-core: the `#![no_std]` heart of the avx async runtime.
//! Tasks, the work-stealing scheduler, timers, sync, channels and a seeded simulator, over `Park`.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub(crate) mod loom;

pub mod block_on;
pub mod channel;
pub mod context;
pub mod coop;
pub(crate) mod deque;
pub mod executor;
pub(crate) mod inject;
pub mod io;
pub mod local;
mod macros;
pub mod oracle;
pub mod park;
pub mod sim;
pub mod sync;
pub mod task;
pub mod time;

pub use block_on::block_on;
#[doc(hidden)]
pub use macros::support as __private;
pub use park::{AsSource, BorrowedSource, Clock, Interest, Park, RawSource, Reactor, Registry, Ticks, Token, Unpark};

#[cfg(all(test, loom))]
mod deque_loom;
