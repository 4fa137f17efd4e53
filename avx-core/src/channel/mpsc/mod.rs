//! Multi-producer, single-consumer channels: bounded (with back-pressure and reservations)
//! and unbounded. Every value sent before the last sender drops is received.

mod bounded;
mod chan;
pub mod error;
mod ring;
mod unbounded;
mod unbounded_queue;

pub use bounded::{channel, Permit, Receiver, Sender};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender};
