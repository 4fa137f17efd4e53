//! `Notify`: wake one waiting task (storing a permit if none waits) or all of them.
//! The building block for "something changed, go look" signals such as `watch`.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::loom::{AtomicUsize, Mutex, Ordering::SeqCst};
use crate::sync::wait_list::{WaitList, WaiterKey, WakeList};

/// Low two bits of the state word: nobody waits and no permit is stored.
const EMPTY: usize = 0;
/// Waiters are queued (set and cleared only under the lock).
const WAITING: usize = 1;
/// A `notify_one` permit is stored for the next `notified()`.
const NOTIFIED: usize = 2;
const PHASE: usize = 3;
/// The rest of the word counts `notify_waiters` calls.
const EPOCH_UNIT: usize = 4;

/// How a queued waiter was woken.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Notification {
    #[default]
    None,
    One,
    All,
}

/// Notifies tasks of an event.
///
/// [`Notify::notify_one`] wakes the longest-waiting task, or stores a single permit that the
/// next [`Notify::notified`] consumes at once. [`Notify::notify_waiters`] wakes every task
/// waiting at that moment, including `Notified` futures created but not yet polled, and stores
/// nothing.
#[derive(Debug)]
pub struct Notify {
    /// `epoch * EPOCH_UNIT | phase`.
    state: AtomicUsize,
    waiters: Mutex<WaitList<Notification>>,
}

/// Future returned by [`Notify::notified`].
#[must_use = "futures do nothing unless polled"]
#[derive(Debug)]
pub struct Notified<'a> {
    notify: &'a Notify,
    stage: Stage,
}

#[derive(Debug, Clone, Copy)]
enum Stage {
    /// Not yet polled; remembers the `notify_waiters` epoch seen at creation.
    Init {
        epoch: usize,
    },
    Waiting(WaiterKey),
    Done,
}

impl Notify {
    /// A `Notify` with no stored permit.
    pub fn new() -> Self {
        Self { state: AtomicUsize::new(EMPTY), waiters: Mutex::new(WaitList::new()) }
    }

    /// A future that completes when this `Notify` is notified.
    ///
    /// Cancel safe: if a dropped future had been picked by `notify_one`, the notification is
    /// passed to the next waiter (or stored), so it is never lost.
    pub fn notified(&self) -> Notified<'_> {
        let epoch = self.state.load(SeqCst) / EPOCH_UNIT;
        Notified { notify: self, stage: Stage::Init { epoch } }
    }

    /// Wakes the longest-waiting task, or stores one permit if no task waits.
    /// Several calls with nobody waiting still store a single permit.
    pub fn notify_one(&self) {
        let mut current = self.state.load(SeqCst);
        while current & PHASE != WAITING {
            let next = (current & !PHASE) | NOTIFIED;
            match self.state.compare_exchange(current, next, SeqCst, SeqCst) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
        let mut wakes = WakeList::new();
        let mut waiters = self.waiters.lock();
        self.notify_one_locked(&mut waiters, &mut wakes);
        drop(waiters);
        wakes.wake_all();
    }

    /// Wakes every task waiting now (and every `Notified` created before this call).
    /// Stores no permit for later waiters.
    pub fn notify_waiters(&self) {
        let mut wakes = WakeList::new();
        let mut waiters = self.waiters.lock();
        waiters.detach_all(&mut wakes, |n| *n = Notification::All);
        let mut current = self.state.load(SeqCst);
        loop {
            let phase = match current & PHASE {
                WAITING => EMPTY,
                other => other,
            };
            let next = ((current & !PHASE).wrapping_add(EPOCH_UNIT)) | phase;
            match self.state.compare_exchange(current, next, SeqCst, SeqCst) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        drop(waiters);
        wakes.wake_all();
    }

    fn notify_one_locked(&self, waiters: &mut WaitList<Notification>, wakes: &mut WakeList) {
        let mut current = self.state.load(SeqCst);
        loop {
            if current & PHASE == WAITING {
                if let Some(notification) = waiters.detach_front(wakes) {
                    *notification = Notification::One;
                }
                if waiters.is_empty() {
                    // Only lock holders change a WAITING phase, so a plain store is safe.
                    self.state.store(current & !PHASE, SeqCst);
                }
                return;
            }
            let next = (current & !PHASE) | NOTIFIED;
            match self.state.compare_exchange(current, next, SeqCst, SeqCst) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Consumes a stored permit or notices a newer epoch; otherwise queues the waiter.
    fn poll_first(&self, epoch: usize, cx: &Context<'_>) -> Option<WaiterKey> {
        if self.take_notification(epoch) {
            return None;
        }
        let mut waiters = self.waiters.lock();
        let mut current = self.state.load(SeqCst);
        loop {
            if current / EPOCH_UNIT != epoch {
                return None;
            }
            let next = match current & PHASE {
                NOTIFIED => current & !PHASE,
                EMPTY => current | WAITING,
                _ => break,
            };
            match self.state.compare_exchange(current, next, SeqCst, SeqCst) {
                Ok(_) if current & PHASE == NOTIFIED => return None,
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        Some(waiters.push_back(cx.waker(), Notification::None))
    }

    /// Lock-free check for a completed notification: a newer epoch or a stored permit.
    fn take_notification(&self, epoch: usize) -> bool {
        let mut current = self.state.load(SeqCst);
        loop {
            if current / EPOCH_UNIT != epoch {
                return true;
            }
            if current & PHASE != NOTIFIED {
                return false;
            }
            match self.state.compare_exchange(current, current & !PHASE, SeqCst, SeqCst) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }
}

impl Default for Notify {
    fn default() -> Self {
        Self::new()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        match this.stage {
            Stage::Init { epoch } => match this.notify.poll_first(epoch, cx) {
                Some(key) => {
                    this.stage = Stage::Waiting(key);
                    Poll::Pending
                }
                None => {
                    this.stage = Stage::Done;
                    Poll::Ready(())
                }
            },
            Stage::Waiting(key) => {
                let mut waiters = this.notify.waiters.lock();
                if waiters.is_queued(key) {
                    waiters.update_waker(key, cx.waker());
                    return Poll::Pending;
                }
                waiters.release(key);
                this.stage = Stage::Done;
                Poll::Ready(())
            }
            Stage::Done => Poll::Ready(()),
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Stage::Waiting(key) = self.stage else {
            return;
        };
        let notify = self.notify;
        let mut wakes = WakeList::new();
        let mut waiters = notify.waiters.lock();
        match waiters.release(key) {
            (true, _) if waiters.is_empty() => {
                // Leaving an otherwise empty queue; only lock holders touch a WAITING phase.
                notify.state.fetch_and(!PHASE, SeqCst);
            }
            (false, Notification::One) => notify.notify_one_locked(&mut waiters, &mut wakes),
            _ => {}
        }
        drop(waiters);
        wakes.wake_all();
    }
}
