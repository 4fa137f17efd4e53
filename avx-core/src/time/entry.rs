//! One timer's node in a shard's wheel: the intrusive links, deadline and waker that live
//! inside a pinned `Sleep`, plus the `fired` flag its owner may read without the shard lock.

use core::marker::PhantomPinned;
use core::ptr::NonNull;
use core::task::Waker;

use crate::loom::{AtomicBool, Ordering, UnsafeCell};

/// The part of an entry that the shard lock guards.
pub(crate) struct Links {
    /// Neighbours in the slot list while linked.
    pub(crate) prev: Option<NonNull<Entry>>,
    pub(crate) next: Option<NonNull<Entry>>,
    /// The deadline in whole wheel milliseconds (rounded up from the `Sleep`'s deadline).
    pub(crate) when: u64,
    /// `level * 64 + slot` of the list the entry is linked into.
    pub(crate) slot: u16,
    /// The task to wake when the entry fires.
    pub(crate) waker: Option<Waker>,
}

/// An intrusive timer node. It never moves while linked (it lives in a pinned `Sleep`).
///
/// State machine: *unlinked* → (owner, shard lock) *linked* → either (driver, shard lock)
/// *fired*, where `fired` is set with `Release` as the driver's very last access, or (owner,
/// shard lock) back to *unlinked*. An owner that reads `fired == true` with `Acquire` knows the
/// driver is done with the entry and may free it without taking the lock.
pub(crate) struct Entry {
    fired: AtomicBool,
    links: UnsafeCell<Links>,
    _pinned: PhantomPinned,
}

// SAFETY: the links (raw pointers, waker) are only read or written under the lock of the
// shard the entry is registered in, and `fired` is atomic; so the entry may be sent to and
// shared with other threads like the data of a mutex.
unsafe impl Send for Entry {}
// SAFETY: see `Send` above.
unsafe impl Sync for Entry {}

impl Entry {
    pub(crate) fn new() -> Self {
        Entry {
            fired: AtomicBool::new(false),
            links: UnsafeCell::new(Links { prev: None, next: None, when: 0, slot: 0, waker: None }),
            _pinned: PhantomPinned,
        }
    }

    /// Whether the driver has fired (and unlinked) this entry since it was last linked.
    pub(crate) fn is_fired(&self) -> bool {
        self.fired.load(Ordering::Acquire)
    }

    /// Runs `f` on the guarded part of the entry.
    ///
    /// # Safety
    /// The caller holds the lock of the shard whose wheel the entry is linked into (or is
    /// about to be linked into), so no other thread touches the links concurrently.
    pub(crate) unsafe fn with_links<R>(&self, f: impl FnOnce(&mut Links) -> R) -> R {
        // SAFETY: exclusive access is the caller's contract (the shard lock is held).
        self.links.with_mut(|links| f(unsafe { &mut *links }))
    }

    /// Gives a just-linked entry its waker and clears `fired` from its previous life.
    ///
    /// # Safety
    /// As for [`Entry::with_links`].
    pub(crate) unsafe fn arm(&self, waker: Waker) {
        // Relaxed is enough: only the owner reads `fired` without the lock, and the owner is
        // the thread arming it; every other access happens under the shard lock we hold.
        self.fired.store(false, Ordering::Relaxed);
        // SAFETY: forwarded from this function's contract.
        unsafe { self.with_links(|links| links.waker = Some(waker)) }
    }

    /// Marks an entry that the wheel has just unlinked as fired and returns its waker.
    /// After this returns the driver must not touch the entry again.
    ///
    /// # Safety
    /// As for [`Entry::with_links`]; the entry has just been unlinked by the driver.
    pub(crate) unsafe fn fire(&self) -> Option<Waker> {
        // SAFETY: forwarded from this function's contract.
        let waker = unsafe { self.with_links(|links| links.waker.take()) };
        // Release: publishes the waker removal and unlinking to an owner that sees `true`
        // and then frees the entry without the lock.
        self.fired.store(true, Ordering::Release);
        waker
    }
}
