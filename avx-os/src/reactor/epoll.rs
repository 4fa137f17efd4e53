//! Linux backend: one epoll fd (edge-triggered) shared by all workers; whichever idle worker
//! wins the `polling` flag waits in `epoll_pwait`, the rest sleep on their futex `Parker`.
//!
//! A poller that returns does not hand the role to a sleeper: it goes on to run the tasks it
//! woke and takes the role back when it parks again, and busy workers poll without blocking
//! every few dozen tasks. Waking a sleeper just to wait in epoll would cost a context switch
//! per event batch (measured: about a fifth of the HTTP benchmark's throughput).

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use avx_core::io::{Ready, ScheduledIo};
use avx_core::{Interest, Park, RawSource, Reactor, Registry, Token, Unpark};

use super::slab::Slab;
use super::wakeup::{PollerWake, Route};
use crate::sync::Parker;
use crate::sys::linux::epoll::*;
use crate::sys::linux::{close, eventfd2, read, write, Errno, EFD_CLOEXEC, EFD_NONBLOCK};

/// epoll data value of the eventfd (never a slab token: those have far fewer index bits set).
const WAKE_TOKEN: u64 = u64::MAX;
const EVENTS_PER_POLL: usize = 256;

/// State one worker shares with its unparkers.
struct WorkerShared {
    parker: Parker,
    /// Whether an unpark goes through the eventfd or the parker.
    wake: PollerWake,
}

/// The shared I/O driver: epoll fd, eventfd and the registration table. Cloning the `Arc`
/// gives the [`Registry`]; [`Driver::park`] creates one [`OsPark`] per worker.
pub struct Driver {
    epfd: i32,
    eventfd: i32,
    registrations: spin::Mutex<Slab>,
    /// Held by the worker currently waiting in (or dispatching from) epoll.
    polling: AtomicBool,
}

impl Driver {
    /// Creates the epoll instance and its wake-up eventfd.
    pub fn new() -> Result<Arc<Driver>, Errno> {
        let epfd = epoll_create1(EPOLL_CLOEXEC)? as i32;
        let eventfd = match eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK) {
            Ok(fd) => fd as i32,
            Err(e) => {
                let _ = close(epfd);
                return Err(e);
            }
        };
        let ev = EpollEvent { events: EPOLLIN | EPOLLET, data: WAKE_TOKEN };
        if let Err(e) = epoll_ctl(epfd, EPOLL_CTL_ADD, eventfd, Some(&ev)) {
            let _ = close(eventfd);
            let _ = close(epfd);
            return Err(e);
        }
        Ok(Arc::new(Driver {
            epfd,
            eventfd,
            registrations: spin::Mutex::new(Slab::default()),
            polling: AtomicBool::new(false),
        }))
    }

    /// A new per-worker park handle on this driver.
    pub fn park(self: &Arc<Self>) -> OsPark {
        OsPark {
            driver: self.clone(),
            shared: Arc::new(WorkerShared { parker: Parker::new(), wake: PollerWake::default() }),
            events: alloc::vec![EpollEvent::default(); EVENTS_PER_POLL],
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

    fn wake_epoll(&self) {
        // EAGAIN means the counter is saturated: a wake-up is already pending.
        let _ = write(self.eventfd, &1u64.to_ne_bytes());
    }

    fn dispatch(&self, events: &[EpollEvent]) {
        for ev in events {
            let data = ev.data;
            let bits = ev.events;
            if data == WAKE_TOKEN {
                let mut buf = [0u8; 8];
                // Draining may fail with EAGAIN if another wake raced; either way it is consumed.
                let _ = read(self.eventfd, &mut buf);
                continue;
            }
            let io = self.registrations.lock().get(Token(data as usize)).cloned();
            if let Some(io) = io {
                io.set_readiness(ready_from_epoll(bits));
            }
        }
    }

    fn epoll_mask(interest: Interest) -> u32 {
        let mut mask = EPOLLET | EPOLLRDHUP;
        if interest.is_readable() {
            mask |= EPOLLIN;
        }
        if interest.is_writable() {
            mask |= EPOLLOUT;
        }
        mask
    }
}

fn ready_from_epoll(bits: u32) -> Ready {
    let mut ready = Ready::EMPTY;
    if bits & (EPOLLIN | EPOLLPRI) != 0 {
        ready |= Ready::READABLE;
    }
    if bits & EPOLLOUT != 0 {
        ready |= Ready::WRITABLE;
    }
    if bits & EPOLLRDHUP != 0 {
        ready |= Ready::READ_CLOSED | Ready::READABLE;
    }
    if bits & EPOLLHUP != 0 {
        ready |= Ready::READ_CLOSED | Ready::WRITE_CLOSED | Ready::READABLE | Ready::WRITABLE;
    }
    if bits & EPOLLERR != 0 {
        ready |= Ready::ERROR | Ready::READABLE | Ready::WRITABLE;
    }
    ready
}

fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        // Round up so a short timer is not turned into a busy poll.
        Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        self.shutdown();
        let _ = close(self.eventfd);
        let _ = close(self.epfd);
    }
}

/// The thread-safe registration handle of a [`Driver`] (`Reactor::Registry`).
#[derive(Clone)]
pub struct OsRegistry(pub Arc<Driver>);

impl Registry for OsRegistry {
    type Error = Errno;

    fn register(&self, source: RawSource, interest: Interest, io: Arc<ScheduledIo>) -> Result<Token, Errno> {
        let driver = &self.0;
        let token = driver.registrations.lock().insert(io).ok_or(Errno::ENOMEM)?;
        let ev = EpollEvent { events: Driver::epoll_mask(interest), data: token.0 as u64 };
        if let Err(e) = epoll_ctl(driver.epfd, EPOLL_CTL_ADD, source.0 as i32, Some(&ev)) {
            driver.registrations.lock().remove(token);
            return Err(e);
        }
        Ok(token)
    }

    fn reregister(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        let ev = EpollEvent { events: Driver::epoll_mask(interest), data: token.0 as u64 };
        epoll_ctl(self.0.epfd, EPOLL_CTL_MOD, source.0 as i32, Some(&ev)).map(drop)
    }

    fn deregister(&self, source: RawSource, token: Token) -> Result<(), Errno> {
        // Remove from the table first: an event already dequeued by the poller then finds
        // no registration, even if the fd number is reused at once.
        self.0.registrations.lock().remove(token);
        epoll_ctl(self.0.epfd, EPOLL_CTL_DEL, source.0 as i32, None).map(drop)
    }
}

/// One worker's park handle: waits in epoll when it can take the driver, else on its futex.
pub struct OsPark {
    driver: Arc<Driver>,
    shared: Arc<WorkerShared>,
    events: Vec<EpollEvent>,
}

/// Wakes one [`OsPark`] from any thread, through its futex or the eventfd.
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
        let n = epoll_pwait(self.driver.epfd, &mut self.events, timeout_ms(timeout)).unwrap_or(0);
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
            Route::Poller => self.driver.wake_epoll(),
            Route::Parker => self.shared.parker.unpark(),
        }
    }
}
