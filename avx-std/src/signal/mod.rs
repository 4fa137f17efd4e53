//! Asynchronous signal handling, with Tokio's API: [`ctrl_c`] everywhere, and on Unix
//! [`unix::signal`] for any signal, each listener woken once per burst of deliveries.

mod listeners;
#[cfg(unix)]
pub mod unix;
#[cfg(windows)]
mod windows;

use std::io;

/// Completes at the next Ctrl-C: `SIGINT` on Unix, the console's `CTRL_C_EVENT` on Windows.
///
/// The first call installs a process-wide handler; from then on Ctrl-C no longer ends the
/// process by default (on Windows only while someone awaits `ctrl_c`). Listening starts
/// when the future is first polled.
///
/// # Errors
/// Outside a runtime (Unix), if the handler cannot be installed, or once the runtime that
/// watched for the signal has shut down with no other current.
pub async fn ctrl_c() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut interrupt = unix::signal(unix::SignalKind::interrupt())?;
        interrupt.recv().await.ok_or_else(|| io::Error::other("the runtime shut down before a Ctrl-C arrived"))
    }
    #[cfg(windows)]
    {
        windows::ctrl_c().await
    }
}
