//! Child processes with Tokio's API (Unix): [`Command`] starts them, [`Child`] waits for and
//! kills them. Every child is reaped, even one whose `Child` was dropped (the orphan queue).
//!
//! Exits are watched through a pidfd registered with the reactor on Linux 5.3+, and through
//! `SIGCHLD` elsewhere (installing a handler for it). The child's piped stdin/stdout/stderr
//! are nonblocking pipes registered with the reactor.

mod child;
mod command;
mod reap;
mod stdio;

pub use child::Child;
pub use command::Command;
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};
