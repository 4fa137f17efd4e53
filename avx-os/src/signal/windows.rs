//! Console control events on Windows (Ctrl-C, Ctrl-Break, the console closing, log-off,
//! shutdown): one process-wide handler hands each to a callback, on the system's thread.

use crate::sys::windows::add_console_ctrl_handler;
use crate::sys::Errno;

/// Ctrl-C was pressed.
pub const CTRL_C_EVENT: u32 = 0;
/// Ctrl-Break was pressed.
pub const CTRL_BREAK_EVENT: u32 = 1;
/// The console window is closing.
pub const CTRL_CLOSE_EVENT: u32 = 2;
/// The user is logging off (services only).
pub const CTRL_LOGOFF_EVENT: u32 = 5;
/// The system is shutting down (services only).
pub const CTRL_SHUTDOWN_EVENT: u32 = 6;

/// The callback events go to, once installed.
static CALLBACK: spin::Mutex<Option<fn(u32) -> bool>> = spin::Mutex::new(None);

/// Routes console control events to `callback` from now on, for the life of the process (the
/// first callback set stays; later calls change nothing). It returns whether it handled the
/// event; if not, the next handler runs, and in the end the default one ends the process.
pub fn on_console_event(callback: fn(u32) -> bool) -> Result<(), Errno> {
    let mut slot = CALLBACK.lock();
    if slot.is_none() {
        add_console_ctrl_handler(console_handler)?;
        *slot = Some(callback);
    }
    Ok(())
}

/// Runs on a thread the system starts for the event, so the callback may lock and wake.
unsafe extern "system" fn console_handler(event: u32) -> i32 {
    let callback = *CALLBACK.lock();
    i32::from(callback.is_some_and(|callback| callback(event)))
}
