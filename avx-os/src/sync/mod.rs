//! Blocking synchronisation primitives for threads, built on the Linux futex.
//! Workers that do not own the I/O driver sleep in a [`Parker`].

mod parker;

pub use parker::Parker;
