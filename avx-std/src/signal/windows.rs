//! Ctrl-C on Windows: the console control handler (run by the system on a thread of its
//! own) broadcasts the event to the listeners, and reports it handled if there were any.

use super::listeners::Listeners;
use avx_os::signal::{on_console_event, CTRL_C_EVENT};
use std::future::poll_fn;
use std::io;

/// Everyone waiting, by console event.
static LISTENERS: Listeners = Listeners::new();

/// Unhandled (so the default, ending the process, runs) when nobody listens.
fn on_event(event: u32) -> bool {
    LISTENERS.broadcast(event as i32)
}

pub(super) async fn ctrl_c() -> io::Result<()> {
    on_console_event(on_event).map_err(|e| io::Error::from_raw_os_error(e.raw()))?;
    let subscription = LISTENERS.subscribe(CTRL_C_EVENT as i32);
    poll_fn(|cx| subscription.poll_delivered(cx)).await;
    Ok(())
}
