//! The platform-neutral half of the reactor: the shared `Driver`, the registration table and
//! the hand-off of the OS poller among workers. Each backend supplies a [`Poller`].
//!
//! Whichever idle worker wins the `polling` flag waits in the OS poller; the others sleep on
//! their own `Parker`. An unpark goes through the poller only when its worker is in it.
//!
//! A poller that returns does not hand the role to a sleeper: it goes on to run the tasks it
//! woke and takes the role back when it parks again, and busy workers poll without blocking
//! every few dozen tasks. Waking a sleeper just to wait in the poller would cost a context
//! switch per event batch (measured on epoll: about a fifth of the HTTP benchmark's throughput).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use avx_core::io::{Ready, ScheduledIo};
use avx_core::{BorrowedSource, Interest, Park, RawSource, Reactor, Registry, Token, Unpark};

use super::slab::Slab;
use super::wakeup::{PollerWake, Route};
use super::Backend;
use crate::sync::Parker;
use crate::sys::Errno;

const EVENTS_PER_POLL: usize = 256;

/// What a platform's readiness poller (epoll, kqueue, IOCP) provides to the [`Driver`].
pub(crate) trait Poller: Sized + Send + Sync {
    /// One entry of the buffer the OS fills with events.
    type Event: Copy + Default;

    /// Creates the poller with its wake-up mechanism.
    fn new() -> Result<Self, Errno>;
    /// Starts watching `source`; its events carry `token`.
    fn add(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno>;
    /// Changes what a watched source is watched for.
    fn modify(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno>;
    /// Stops watching `source`.
    fn delete(&self, source: RawSource, token: Token) -> Result<(), Errno>;
    /// Waits for events (`None`: no timeout) and returns how many were stored; an interrupted
    /// or failed wait counts as zero events (the caller re-checks its state anyway).
    fn wait(&self, events: &mut [Self::Event], timeout: Option<Duration>) -> usize;
    /// Makes the current or next `wait` return.
    fn wake(&self);
    /// The registration and readiness one event reports; `None` for wake-ups and for events
    /// the backend consumes itself.
    fn decode(&self, event: &Self::Event) -> Option<(Token, Ready)>;
}

/// State one worker shares with its unparkers.
struct WorkerShared {
    parker: Parker,
    /// Whether an unpark goes through the poller's wake-up or the parker.
    wake: PollerWake,
}

/// The shared I/O driver: the OS poller and the registration table. Cloning the `Arc`
/// gives the [`Registry`]; [`Driver::park`] creates one [`OsPark`] per worker.
pub struct Driver {
    poller: Backend,
    registrations: spin::Mutex<Slab>,
    /// Held by the worker currently waiting in (or dispatching from) the poller.
    polling: AtomicBool,
}

impl Driver {
    /// Creates the OS poller and its wake-up mechanism.
    pub fn new() -> Result<Arc<Driver>, Errno> {
        Ok(Arc::new(Driver {
            poller: Backend::new()?,
            registrations: spin::Mutex::new(Slab::default()),
            polling: AtomicBool::new(false),
        }))
    }

    /// A new per-worker park handle on this driver.
    pub fn park(self: &Arc<Self>) -> OsPark {
        OsPark {
            driver: self.clone(),
            shared: Arc::new(WorkerShared { parker: Parker::new(), wake: PollerWake::default() }),
            events: alloc::vec![Default::default(); EVENTS_PER_POLL],
        }
    }

    /// Wakes every registered source with `DriverGone` and forgets them (runtime shutdown).
    pub fn shutdown(&self) {
        let ios = self.registrations.lock().drain();
        for io in ios {
            io.shutdown();
        }
    }

    fn try_take(&self) -> bool {
        self.polling.compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst).is_ok()
    }

    fn release(&self) {
        self.polling.store(false, Ordering::Release);
    }

    fn dispatch(&self, events: &[<Backend as Poller>::Event]) {
        for event in events {
            let Some((token, ready)) = self.poller.decode(event) else { continue };
            let io = self.registrations.lock().get(token).cloned();
            if let Some(io) = io {
                io.set_readiness(ready);
            }
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.shutdown();
    }
}

/// The thread-safe registration handle of a [`Driver`] (`Reactor::Registry`).
#[derive(Clone)]
pub struct OsRegistry(pub Arc<Driver>);

impl Registry for OsRegistry {
    type Error = Errno;

    fn register(&self, source: BorrowedSource<'_>, interest: Interest, io: Arc<ScheduledIo>) -> Result<Token, Errno> {
        let driver = &self.0;
        let token = driver.registrations.lock().insert(io).ok_or(Errno::ENOMEM)?;
        if let Err(e) = driver.poller.add(source.as_raw(), token, interest) {
            driver.registrations.lock().remove(token);
            return Err(e);
        }
        Ok(token)
    }

    fn reregister(&self, source: BorrowedSource<'_>, token: Token, interest: Interest) -> Result<(), Errno> {
        self.0.poller.modify(source.as_raw(), token, interest)
    }

    fn deregister(&self, source: BorrowedSource<'_>, token: Token) -> Result<(), Errno> {
        // Remove from the table first: an event already dequeued by the poller then finds
        // no registration, even if the source number is reused at once.
        self.0.registrations.lock().remove(token);
        self.0.poller.delete(source.as_raw(), token)
    }
}

/// One worker's park handle: waits in the OS poller when it can take the driver, else on
/// its parker.
pub struct OsPark {
    driver: Arc<Driver>,
    shared: Arc<WorkerShared>,
    events: Vec<<Backend as Poller>::Event>,
}

/// Wakes one [`OsPark`] from any thread, through its parker or the poller.
#[derive(Clone)]
pub struct OsUnparker {
    driver: Arc<Driver>,
    shared: Arc<WorkerShared>,
}

impl OsPark {
    /// The driver this worker parks on.
    pub fn driver(&self) -> &Arc<Driver> {
        &self.driver
    }

    fn poll_driver(&mut self, timeout: Option<Duration>) {
        let timeout = if self.shared.wake.enter() { Some(Duration::ZERO) } else { timeout };
        let n = self.driver.poller.wait(&mut self.events, timeout);
        self.shared.wake.leave();
        self.driver.dispatch(&self.events[..n]);
        self.driver.release();
    }
}

impl Park for OsPark {
    type Unparker = OsUnparker;

    fn park(&mut self, timeout: Option<Duration>) {
        if self.driver.try_take() {
            return self.poll_driver(timeout);
        }
        if timeout == Some(Duration::ZERO) {
            // A busy worker's maintenance poll: another worker is watching I/O already.
            return;
        }
        // Another worker watches I/O; sleep until there is work for this one.
        self.shared.parker.park(timeout);
    }

    fn unparker(&self) -> OsUnparker {
        OsUnparker { driver: self.driver.clone(), shared: self.shared.clone() }
    }
}

impl Reactor for OsPark {
    type Registry = OsRegistry;

    fn registry(&self) -> OsRegistry {
        OsRegistry(self.driver.clone())
    }
}

impl Unpark for OsUnparker {
    fn unpark(&self) {
        match self.shared.wake.unpark() {
            Route::Poller => self.driver.poller.wake(),
            Route::Parker => self.shared.parker.unpark(),
        }
    }
}
