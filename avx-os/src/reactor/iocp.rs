//! Windows poller: one I/O completion port. Socket readiness comes from AFD poll requests
//! (one in flight per socket) whose completions land on the port; a posted packet wakes it.
//!
//! AFD polls are one-shot and level-triggered; `afd_ready::EdgeState` turns them into edge
//! events. A socket operation that would block calls [`rearm`] (through a process-wide table
//! keyed by socket) so that the direction is polled again, as epoll's edge trigger would.

use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use core::cell::UnsafeCell;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use avx_core::io::Ready;
use avx_core::{Interest, RawSource, Token};

use super::afd_ready::{EdgeState, AFD_POLL_LOCAL_CLOSE};
use super::driver::Poller;
use crate::sys::windows::afd::{self, AfdPollHandleInfo, AfdPollInfo, IoStatusBlock, STATUS_CANCELLED, STATUS_PENDING};
use crate::sys::windows::iocp::{self as port, OverlappedEntry, FILE_SKIP_SET_EVENT_ON_HANDLE};
use crate::sys::windows::{close_handle, timeout_ms, Errno, Handle};

/// Completion key of the wake-up packet.
const WAKE_KEY: usize = 1;
/// Completion key the AFD device is associated with.
const AFD_KEY: usize = 2;

/// Registered sockets by socket value, for [`rearm`] (a socket is registered with one driver).
static REARM: spin::Mutex<BTreeMap<usize, Weak<AfdSource>>> = spin::Mutex::new(BTreeMap::new());

/// Tells the reactor that an operation on `socket` in direction `interest` would block, so
/// readiness in that direction must be reported again. No effect on unregistered sockets.
pub(crate) fn rearm(socket: RawSource, interest: Interest) {
    let source = REARM.lock().get(&socket.0).and_then(Weak::upgrade);
    if let Some(source) = source {
        let mut state = source.state.lock();
        if state.edge.rearm(interest) {
            source.update(&mut state);
        }
    }
}

/// The completion port, the AFD device handle and the registered sockets.
pub(crate) struct Iocp {
    port: Handle,
    afd: Handle,
    /// A wake-up packet is queued and not yet dequeued (later wakes need not post another).
    wake_pending: AtomicBool,
    sources: spin::Mutex<BTreeMap<usize, Arc<AfdSource>>>,
}

/// One registered socket and the buffers of its in-flight poll.
struct AfdSource {
    token: Token,
    socket: usize,
    base: Handle,
    afd: Handle,
    state: spin::Mutex<SourceState>,
    /// Written by the kernel while a poll is pending; by us only under `state` with none pending.
    iosb: UnsafeCell<IoStatusBlock>,
    info: UnsafeCell<AfdPollInfo>,
}

// SAFETY: the cells are only touched under `state` while no poll is pending (by us) or while
// one is (by the kernel, which the completion protocol orders before our next access).
unsafe impl Send for AfdSource {}
// SAFETY: as above.
unsafe impl Sync for AfdSource {}

struct SourceState {
    edge: EdgeState,
    /// The events of the poll in flight, if any.
    pending: Option<u32>,
    /// Deregistered, closed or failed: never poll again.
    deleted: bool,
}

impl AfdSource {
    /// Starts a poll for the events not yet delivered, unless one is in flight.
    fn submit(self: &Arc<Self>, state: &mut SourceState) -> Result<(), Errno> {
        if state.deleted || state.pending.is_some() {
            return Ok(());
        }
        let events = state.edge.poll_events();
        let handles = [AfdPollHandleInfo { handle: self.base, events, status: 0 }];
        // SAFETY: no poll is pending, so neither the kernel nor another thread (we hold
        // `state`) touches the buffers.
        unsafe {
            *self.info.get() = AfdPollInfo { timeout: i64::MAX, number_of_handles: 1, exclusive: 0, handles };
            (*self.iosb.get()).status = STATUS_PENDING as usize;
        }
        // The in-flight poll owns one reference, returned by `complete`.
        let context = Arc::into_raw(self.clone());
        // SAFETY: the buffers live in this `AfdSource`, kept alive by `context` until the
        // completion is dequeued.
        match unsafe { afd::poll(self.afd, self.iosb.get(), self.info.get(), context.cast()) } {
            Ok(()) => {
                state.pending = Some(events);
                Ok(())
            }
            Err(e) => {
                // SAFETY: the request was refused, so no completion will return `context`.
                drop(unsafe { Arc::from_raw(context) });
                Err(e)
            }
        }
    }

    /// Brings the poll in line with the wanted events: submit if idle, cancel (the completion
    /// re-submits) if the poll in flight misses events now wanted.
    fn update(self: &Arc<Self>, state: &mut SourceState) {
        match state.pending {
            Some(polled) if state.edge.poll_events() & !polled != 0 => self.cancel(),
            Some(_) => {}
            // Refused only if the socket is gone (closed): there is nothing left to watch.
            None => {
                let _ = self.submit(state);
            }
        }
    }

    fn cancel(&self) {
        // SAFETY: `iosb` belongs to the poll in flight on `afd`. Failure means it already
        // completed, which is what cancelling wanted anyway.
        let _ = unsafe { afd::cancel(self.afd, self.iosb.get()) };
    }

    /// Handles the completion of this source's poll (consuming the poll's reference) and
    /// submits the next one. Returns the readiness to deliver, if any.
    fn complete(self: Arc<Self>) -> Option<(Token, Ready)> {
        let mut state = self.state.lock();
        state.pending = None;
        if state.deleted {
            return None;
        }
        // SAFETY: the completion was dequeued, so the kernel is done with the buffers, and
        // no new poll is submitted while we hold `state`.
        let (status, info) = unsafe { ((*self.iosb.get()).status(), *self.info.get()) };
        let mut ready = Ready::EMPTY;
        if status == STATUS_CANCELLED || info.number_of_handles == 0 {
            // Re-submitted below with the current events.
        } else if status < 0 {
            state.deleted = true;
            return Some((self.token, Ready::ERROR | Ready::READABLE | Ready::WRITABLE));
        } else if info.handles[0].events & AFD_POLL_LOCAL_CLOSE != 0 {
            state.deleted = true;
            return None;
        } else {
            ready = state.edge.deliver(info.handles[0].events);
        }
        if self.submit(&mut state).is_err() {
            state.deleted = true;
            ready |= Ready::ERROR | Ready::READABLE | Ready::WRITABLE;
        }
        (!ready.is_empty()).then_some((self.token, ready))
    }
}

impl Iocp {
    fn source(&self, token: Token) -> Result<Arc<AfdSource>, Errno> {
        self.sources.lock().get(&token.0).cloned().ok_or(Errno::EINVAL)
    }

    fn forget(&self, source: &Arc<AfdSource>) {
        let mut rearm = REARM.lock();
        if rearm.get(&source.socket).is_some_and(|w| w.as_ptr() == Arc::as_ptr(source)) {
            rearm.remove(&source.socket);
        }
        drop(rearm);
        let mut state = source.state.lock();
        state.deleted = true;
        if state.pending.is_some() {
            source.cancel();
        }
    }
}

impl Poller for Iocp {
    type Event = OverlappedEntry;

    fn new() -> Result<Iocp, Errno> {
        let port = port::create_port()?;
        let afd = match afd::open_device() {
            Ok(afd) => afd,
            Err(e) => {
                let _ = close_handle(port);
                return Err(e);
            }
        };
        // From here on `Drop` closes both handles.
        let iocp = Iocp { port, afd, wake_pending: AtomicBool::new(false), sources: spin::Mutex::default() };
        port::associate(port, afd, AFD_KEY)?;
        port::set_notification_modes(afd, FILE_SKIP_SET_EVENT_ON_HANDLE)?;
        Ok(iocp)
    }

    fn add(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        let base = afd::base_socket(source.0)? as Handle;
        let afd_source = Arc::new(AfdSource {
            token,
            socket: source.0,
            base,
            afd: self.afd,
            state: spin::Mutex::new(SourceState { edge: EdgeState::new(interest), pending: None, deleted: false }),
            iosb: UnsafeCell::default(),
            info: UnsafeCell::default(),
        });
        afd_source.submit(&mut afd_source.state.lock())?;
        self.sources.lock().insert(token.0, afd_source.clone());
        REARM.lock().insert(source.0, Arc::downgrade(&afd_source));
        Ok(())
    }

    fn modify(&self, _source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        let source = self.source(token)?;
        let mut state = source.state.lock();
        state.edge.set_interest(interest);
        source.update(&mut state);
        Ok(())
    }

    fn delete(&self, _source: RawSource, token: Token) -> Result<(), Errno> {
        let source = self.sources.lock().remove(&token.0).ok_or(Errno::EINVAL)?;
        self.forget(&source);
        Ok(())
    }

    fn wait(&self, events: &mut [OverlappedEntry], timeout: Option<Duration>) -> usize {
        port::dequeue(self.port, events, timeout_ms(timeout).0).unwrap_or(0)
    }

    fn wake(&self) {
        if !self.wake_pending.swap(true, Ordering::SeqCst) && port::post(self.port, WAKE_KEY).is_err() {
            self.wake_pending.store(false, Ordering::SeqCst);
        }
    }

    fn decode(&self, entry: &OverlappedEntry) -> Option<(Token, Ready)> {
        match entry.completion_key {
            WAKE_KEY => {
                self.wake_pending.store(false, Ordering::SeqCst);
                None
            }
            AFD_KEY if entry.overlapped != 0 => {
                // SAFETY: AFD completions carry the `context` that `submit` leaked from an
                // `Arc<AfdSource>`; each is dequeued exactly once.
                let source = unsafe { Arc::from_raw(entry.overlapped as *const AfdSource) };
                source.complete()
            }
            _ => None,
        }
    }
}

impl Drop for Iocp {
    fn drop(&mut self) {
        let sources = core::mem::take(&mut *self.sources.lock());
        for source in sources.values() {
            self.forget(source);
        }
        // Polls still in flight are cancelled by closing the device; their sources stay
        // allocated (the kernel may still write their buffers), a bounded leak at shutdown.
        let _ = close_handle(self.afd);
        let _ = close_handle(self.port);
    }
}
