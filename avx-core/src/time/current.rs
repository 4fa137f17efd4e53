//! The timer handle of the running executor, so that library code can create timers without
//! being handed a [`Handle`]: an executor enters its handle around every task poll.

use super::Handle;

impl Handle {
    /// Runs `f` with this handle as the current one on this thread (or CPU), restoring the
    /// previous current handle afterwards. An executor calls it around each task poll; the
    /// deterministic simulator does.
    pub fn enter<R>(&self, f: impl FnOnce() -> R) -> R {
        crate::context::enter_timer(self, f)
    }

    /// The handle entered on this thread, or `None` outside [`Handle::enter`].
    pub fn try_current() -> Option<Handle> {
        crate::context::current_timer()
    }

    /// The handle entered on this thread.
    ///
    /// # Panics
    /// Outside [`Handle::enter`] (outside a task of an executor that enters its handle).
    pub fn current() -> Handle {
        Handle::try_current()
            .unwrap_or_else(|| panic!("avx_core::time::Handle::current: no timer handle entered on this thread"))
    }
}
