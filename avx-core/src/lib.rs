//! avx-core: the `#![no_std]` heart of the avx async runtime.
//! Tasks, the work-stealing scheduler, timers, sync and channels, generic over the `Park` trait.
#![no_std]
#![warn(missing_docs)]

extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub(crate) mod loom;
pub mod io;
pub mod park;
pub mod time;

pub use park::{Clock, Interest, Park, RawSource, Reactor, Registry, Ticks, Token, Unpark};
