//! The hand-shake between a worker entering the OS poller and the threads that unpark it:
//! which path a wake-up takes (the poller's own wake event, or the worker's futex parker).

#[cfg(not(loom))]
use core::sync::atomic::{fence, AtomicBool, Ordering::SeqCst};
#[cfg(loom)]
use loom::sync::atomic::{fence, AtomicBool, Ordering::SeqCst};

/// Where an unpark must be delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// The worker is (about to be) blocked in the OS poller: trigger its wake event.
    Poller,
    /// The worker sleeps, or will, on its parker: unpark that.
    Parker,
}

/// One worker's poller flags. Each side stores its flag, then a `SeqCst` fence, then reads
/// the other's: either the unparker sees the worker in the poller (and triggers the wake
/// event), or the worker sees the pending unpark before it blocks (and polls without
/// waiting). Never neither. (The fences matter: `SeqCst` accesses alone are what loom
/// cannot verify, and what weaker hardware orderings would break.)
#[derive(Debug, Default)]
pub(crate) struct PollerWake {
    in_poller: AtomicBool,
    notified: AtomicBool,
}

impl PollerWake {
    /// Called before blocking in the poller; `true` if an unpark is already pending, so the
    /// poll must not block.
    pub(crate) fn enter(&self) -> bool {
        self.in_poller.store(true, SeqCst);
        fence(SeqCst);
        self.notified.swap(false, SeqCst)
    }

    /// Called once the poller returned. An unpark racing with this is not lost: the worker
    /// is awake and re-checks its queues before it parks again.
    pub(crate) fn leave(&self) {
        self.in_poller.store(false, SeqCst);
        self.notified.store(false, SeqCst);
    }

    /// Records an unpark and says where to deliver it.
    pub(crate) fn unpark(&self) -> Route {
        self.notified.store(true, SeqCst);
        fence(SeqCst);
        if self.in_poller.load(SeqCst) {
            Route::Poller
        } else {
            Route::Parker
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::{Arc, Condvar, Mutex};

    /// The poller's wake event (an eventfd in the real backend), as a blocking flag.
    #[derive(Default)]
    struct Event {
        fired: Mutex<bool>,
        condvar: Condvar,
    }

    impl Event {
        fn fire(&self) {
            *self.fired.lock().unwrap() = true;
            self.condvar.notify_one();
        }

        fn wait(&self) {
            let mut fired = self.fired.lock().unwrap();
            while !*fired {
                fired = self.condvar.wait(fired).unwrap();
            }
        }
    }

    /// A worker entering the poller while another thread unparks it never blocks forever:
    /// either its poll does not wait, or the wake event fires (loom reports a deadlock
    /// otherwise).
    #[test]
    fn unpark_racing_with_entering_the_poller_is_never_lost() {
        loom::model(|| {
            let wake = Arc::new(PollerWake::default());
            let poller_event = Arc::new(Event::default());
            let unparker = {
                let (wake, poller_event) = (wake.clone(), poller_event.clone());
                loom::thread::spawn(move || {
                    if wake.unpark() == Route::Poller {
                        poller_event.fire();
                    }
                    // Route::Parker: the worker's futex parker, modelled in `sync::parker`.
                })
            };
            if !wake.enter() {
                poller_event.wait();
            }
            wake.leave();
            unparker.join().unwrap();
        });
    }
}
