//! Per-thread runtime context: which worker (if any) the current thread is, the timer
//! handle its tasks use, the task it is polling (for `task::try_id`) and that task's budget.
//! Thread-locals with `std`; without it, a global slot, or per-CPU storage that a
//! multi-core integrator installs.

use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicU8, Ordering::Relaxed};

/// The context of one thread (or CPU). Only its own thread touches it, so relaxed atomics
/// are enough; they exist so the no-std global slot can be a `static`.
pub struct ContextSlot {
    scheduler: AtomicPtr<()>,
    worker: AtomicPtr<()>,
    /// The `time::Handle` entered with [`enter_timer`], borrowed for the duration of that call.
    timer: AtomicPtr<()>,
    /// The id of the task being polled or dropped on this thread (see [`enter_task`]), in two
    /// halves (no 64-bit atomics needed); 0 outside a task.
    task: [AtomicU32; 2],
    budget: AtomicU8,
}

impl ContextSlot {
    /// An empty context: no worker, unconstrained budget.
    pub const fn new() -> ContextSlot {
        ContextSlot {
            scheduler: AtomicPtr::new(ptr::null_mut()),
            worker: AtomicPtr::new(ptr::null_mut()),
            timer: AtomicPtr::new(ptr::null_mut()),
            task: [AtomicU32::new(0), AtomicU32::new(0)],
            budget: AtomicU8::new(crate::coop::UNCONSTRAINED),
        }
    }
}

impl Default for ContextSlot {
    fn default() -> Self {
        ContextSlot::new()
    }
}

#[cfg(any(feature = "std", test))]
std::thread_local! {
    static CURRENT: ContextSlot = const { ContextSlot::new() };
}

#[cfg(any(feature = "std", test))]
pub(crate) fn with_slot<R>(f: impl FnOnce(&ContextSlot) -> R) -> R {
    CURRENT.with(f)
}

#[cfg(not(any(feature = "std", test)))]
mod no_std_slot {
    use super::ContextSlot;
    use core::sync::atomic::{AtomicPtr, Ordering::Acquire};

    static GLOBAL: ContextSlot = ContextSlot::new();
    static PROVIDER: AtomicPtr<()> = AtomicPtr::new(core::ptr::null_mut());

    pub(crate) fn with_slot<R>(f: impl FnOnce(&ContextSlot) -> R) -> R {
        let provider = PROVIDER.load(Acquire);
        if provider.is_null() {
            return f(&GLOBAL);
        }
        // SAFETY: only `set_context_provider` stores here, and it stores such a fn pointer.
        let provider: fn() -> &'static ContextSlot = unsafe { core::mem::transmute(provider) };
        f(provider())
    }

    /// Installs the function that returns the calling CPU's (or thread's) context slot.
    ///
    /// Without `std` the default is one global slot, which is correct when a single thread
    /// of control runs executor workers (the usual unikernel set-up). An integrator that
    /// runs workers on several CPUs installs per-CPU storage here before starting them.
    pub fn set_context_provider(provider: fn() -> &'static ContextSlot) {
        PROVIDER.store(provider as *mut (), core::sync::atomic::Ordering::Release);
    }
}

#[cfg(not(any(feature = "std", test)))]
pub use no_std_slot::set_context_provider;
#[cfg(not(any(feature = "std", test)))]
pub(crate) use no_std_slot::with_slot;

/// Runs `f` with this thread registered as worker `worker` of `scheduler`, restoring the
/// previous registration afterwards (even if `f` unwinds).
#[cfg(any(feature = "std", test))]
pub(crate) fn enter_worker<R>(scheduler: *const (), worker: *const (), f: impl FnOnce() -> R) -> R {
    struct Restore(*mut (), *mut ());
    impl Drop for Restore {
        fn drop(&mut self) {
            with_slot(|slot| {
                slot.scheduler.store(self.0, Relaxed);
                slot.worker.store(self.1, Relaxed);
            });
        }
    }
    let _restore = with_slot(|slot| {
        Restore(slot.scheduler.swap(scheduler as *mut (), Relaxed), slot.worker.swap(worker as *mut (), Relaxed))
    });
    f()
}

/// Without `std` the slot may be one global shared by every thread of control, so a worker
/// registers only if the slot is free: a second worker running concurrently (on another CPU
/// without a context provider) runs unregistered, its wake-ups take the global queue, and it
/// never mistakes another worker's state for its own.
#[cfg(not(any(feature = "std", test)))]
pub(crate) fn enter_worker<R>(scheduler: *const (), worker: *const (), f: impl FnOnce() -> R) -> R {
    use core::sync::atomic::Ordering::{AcqRel, Acquire};
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            with_slot(|slot| {
                slot.scheduler.store(ptr::null_mut(), Relaxed);
                slot.worker.store(ptr::null_mut(), Relaxed);
            });
        }
    }
    let registered = with_slot(|slot| {
        let claimed = slot.worker.compare_exchange(ptr::null_mut(), worker as *mut (), AcqRel, Acquire).is_ok();
        if claimed {
            slot.scheduler.store(scheduler as *mut (), Relaxed);
        }
        claimed
    });
    let _release = registered.then_some(Release);
    f()
}

/// The worker registered on this thread, if it belongs to `scheduler`.
pub(crate) fn current_worker(scheduler: *const ()) -> Option<*const ()> {
    with_slot(|slot| {
        let worker = slot.worker.load(Relaxed);
        (core::ptr::eq(slot.scheduler.load(Relaxed), scheduler) && !worker.is_null()).then_some(worker as *const ())
    })
}

/// Runs `f` with `timer` as this thread's current timer handle (what
/// [`Handle::try_current`](crate::time::Handle::try_current) returns), restoring the previous
/// one afterwards (even if `f` unwinds).
pub(crate) fn enter_timer<R>(timer: &crate::time::Handle, f: impl FnOnce() -> R) -> R {
    struct Restore(*mut ());
    impl Drop for Restore {
        fn drop(&mut self) {
            with_slot(|slot| slot.timer.store(self.0, Relaxed));
        }
    }
    let entered = timer as *const crate::time::Handle as *mut ();
    let _restore = Restore(with_slot(|slot| slot.timer.swap(entered, Relaxed)));
    f()
}

/// A clone of the timer handle entered on this thread, if any.
pub(crate) fn current_timer() -> Option<crate::time::Handle> {
    let timer = with_slot(|slot| slot.timer.load(Relaxed)) as *const crate::time::Handle;
    // SAFETY: a non-null pointer was stored by `enter_timer` on this thread (or CPU), from a
    // reference that outlives that call, and is replaced by the previous value before it returns.
    unsafe { timer.as_ref() }.cloned()
}

/// Makes the task with id `task` (never 0) the current task until the guard drops, which
/// restores the previous one (tasks nest: a task's poll may drive another runtime's task).
pub(crate) fn enter_task(task: u64) -> TaskGuard {
    // Loads and stores, not swaps: only this thread touches its slot, and a swap is a locked
    // read-modify-write on every task poll.
    TaskGuard(with_slot(|slot| {
        let previous = load_task(slot);
        store_task(slot, task);
        previous
    }))
}

/// Restores the previously current task when dropped.
pub(crate) struct TaskGuard(u64);

impl Drop for TaskGuard {
    fn drop(&mut self) {
        with_slot(|slot| store_task(slot, self.0));
    }
}

fn load_task(slot: &ContextSlot) -> u64 {
    (u64::from(slot.task[1].load(Relaxed)) << 32) | u64::from(slot.task[0].load(Relaxed))
}

fn store_task(slot: &ContextSlot, task: u64) {
    slot.task[0].store(task as u32, Relaxed);
    slot.task[1].store((task >> 32) as u32, Relaxed);
}

/// The id of the current task, or 0 outside a task.
pub(crate) fn current_task() -> u64 {
    with_slot(load_task)
}

pub(crate) fn budget(slot: &ContextSlot) -> &AtomicU8 {
    &slot.budget
}
