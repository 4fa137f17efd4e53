//! `AtomicWaker`: one waker slot that one task registers in and any thread wakes, lock-free.
//! Used where exactly one task waits (an mpsc or oneshot receiver, a oneshot sender).

use core::task::Waker;

#[cfg(loom)]
use loom::sync::atomic::fence;
// The crate's loom shim has no `fence`; pick the real or modelled one here.
#[cfg(not(loom))]
use core::sync::atomic::fence;

use crate::loom::{spin_loop, AtomicUsize, Ordering::*, UnsafeCell};

/// The owner is storing a waker.
const REGISTERING: usize = 1;
/// A waker is taking the stored waker (or asked the registering owner to wake itself).
const WAKING: usize = 2;
/// The cell holds a waker.
const STORED: usize = 4;

/// A waker slot with a single registering side and any number of waking sides.
///
/// Protocol: the waking side first makes its condition true (queues a value, closes...),
/// then calls [`AtomicWaker::wake`]; the owner calls [`AtomicWaker::register`] and then
/// re-checks the condition. A SeqCst fence on each side guarantees that either the owner's
/// re-check sees the condition, or the waker sees the registration; so `wake` can skip all
/// read-modify-write work when nothing is registered (the common case for a busy receiver).
pub(crate) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker cell is only touched by whoever set REGISTERING (the owner) or set WAKING
// while neither bit was set (a waker), so accesses never overlap; `Waker` is Send + Sync.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(crate) fn new() -> Self {
        Self { state: AtomicUsize::new(0), waker: UnsafeCell::new(None) }
    }

    /// Stores `waker` to be woken by the next [`AtomicWaker::wake`]. Only one thread at a time
    /// may register (the slot's owner). Re-check the awaited condition afterwards.
    pub(crate) fn register(&self, waker: &Waker) {
        let mut current = self.state.load(Acquire);
        loop {
            if current & (REGISTERING | WAKING) != 0 {
                // A wake is running right now; make sure this poll is repeated (after letting
                // the waker finish, which also lets loom schedule it).
                spin_loop();
                waker.wake_by_ref();
                return;
            }
            match self.state.compare_exchange(current, current | REGISTERING, Acquire, Acquire) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        // SAFETY: REGISTERING gives this thread sole access to the cell.
        self.waker.with_mut(|slot| unsafe {
            match &*slot {
                Some(old) if old.will_wake(waker) => {}
                _ => *slot = Some(waker.clone()),
            }
        });
        let registering = current | REGISTERING;
        if self.state.compare_exchange(registering, STORED, AcqRel, Acquire).is_err() {
            // A wake arrived while we were storing: honour it ourselves.
            // SAFETY: wakers never touch the cell while REGISTERING is set, and it still is.
            let woken = self.waker.with_mut(|slot| unsafe { (*slot).take() });
            self.state.swap(0, AcqRel);
            if let Some(woken) = woken {
                woken.wake();
            }
        }
        // Pairs with the fence in `wake`: see the type's documentation.
        fence(SeqCst);
    }

    /// Wakes the registered waker, if any. Call after making the awaited condition true.
    pub(crate) fn wake(&self) {
        // Pairs with the fence in `register`: see the type's documentation.
        fence(SeqCst);
        if self.state.load(Relaxed) == 0 {
            return;
        }
        let previous = self.state.fetch_or(WAKING, AcqRel);
        if previous & (REGISTERING | WAKING) != 0 {
            // The owner is registering (it will see WAKING and wake itself) or another waker
            // is already taking the waker.
            return;
        }
        // SAFETY: we set WAKING while neither bit was set, so we alone touch the cell until we
        // clear it.
        let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
        self.state.fetch_and(!(WAKING | STORED), Release);
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl core::fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("AtomicWaker")
    }
}
