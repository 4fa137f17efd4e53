//! `Source`: an OS socket (or pipe, or process descriptor) registered with the current
//! runtime's reactor, and the loop that turns "would block" into waiting for readiness.

use crate::runtime::context;
use avx_core::io::{driver_gone, Ready, ReadyEvent, ScheduledIo};
use avx_core::{coop, AsSource, Interest, Registry, Token};
use avx_os::net::Socket;
use avx_os::{Errno, OsRegistry};
use std::future::poll_fn;
use std::io;
use std::mem::ManuallyDrop;
use std::ptr;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// A registered, nonblocking socket, or another nonblocking source `S` (a pipe end, a pidfd).
/// Dropping it deregisters `S`, then drops it.
pub(crate) struct Source<S: AsSource = Socket> {
    socket: S,
    io: Arc<ScheduledIo>,
    registry: OsRegistry,
    token: Token,
}

pub(crate) fn os_error(errno: Errno) -> io::Error {
    io::Error::from(errno)
}

impl<S: AsSource> Source<S> {
    /// Registers `socket` (for both directions, edge-triggered) with the current runtime.
    ///
    /// # Panics
    /// Outside a runtime (see `context::require`): the constructors of the public I/O types
    /// come here.
    #[track_caller]
    pub(crate) fn new(socket: S) -> io::Result<Source<S>> {
        let registry = context::require("registering an I/O source", |handle| OsRegistry(handle.inner.io.clone()));
        Source::register(socket, registry)
    }

    /// Like [`Source::new`], but outside a runtime an error (for re-registering a source that
    /// outlived its runtime, where there may be no other).
    pub(crate) fn try_new(socket: S) -> io::Result<Source<S>> {
        let registry = context::with_current(|handle| OsRegistry(handle.inner.io.clone()))
            .map_err(|_| io::Error::other(context::NO_RUNTIME))?;
        Source::register(socket, registry)
    }

    fn register(socket: S, registry: OsRegistry) -> io::Result<Source<S>> {
        let io = Arc::new(ScheduledIo::new());
        // Optimistic start: try the operation first; the first `WouldBlock` clears this.
        io.set_readiness(Ready::READABLE | Ready::WRITABLE);
        let token = registry.register(socket.as_source(), Interest::BOTH, io.clone()).map_err(os_error)?;
        Ok(Source { socket, io, registry, token })
    }

    pub(crate) fn socket(&self) -> &S {
        &self.socket
    }

    /// Deregisters and hands the socket back (for `into_std`).
    pub(crate) fn into_socket(self) -> S {
        let _ = self.registry.deregister(self.socket.as_source(), self.token);
        let this = ManuallyDrop::new(self);
        // SAFETY: `this` is never used or dropped again, so each field is read out exactly
        // once: the ones not returned are dropped here, the socket moves to the caller.
        unsafe {
            drop(ptr::read(&this.io));
            drop(ptr::read(&this.registry));
            ptr::read(&this.socket)
        }
    }

    /// Runs `op` until it does not return "would block", waiting for `interest` in between.
    /// Spends one unit of the task's cooperative budget per completed operation.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        op: impl FnMut(&S) -> Result<R, Errno>,
    ) -> Poll<io::Result<R>> {
        self.poll_op(cx, interest, op, |_| false)
    }

    /// Like [`Source::poll_io`] for a byte-stream transfer of `len` bytes: a transfer that
    /// moved fewer bytes than asked drained the socket buffer (or filled it), so readiness is
    /// cleared at once instead of by a second system call that would say "would block". A
    /// new edge from the reactor advances the readiness tick, so nothing arriving later is lost.
    pub(crate) fn poll_transfer(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        len: usize,
        op: impl FnMut(&S) -> Result<usize, Errno>,
    ) -> Poll<io::Result<usize>> {
        self.poll_op(cx, interest, op, |&n| n > 0 && n < len)
    }

    /// The loop behind both: `exhausted` says whether a successful result used up the
    /// readiness it was attempted with.
    fn poll_op<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut op: impl FnMut(&S) -> Result<R, Errno>,
        exhausted: impl Fn(&R) -> bool,
    ) -> Poll<io::Result<R>> {
        ready!(coop::poll_proceed(cx));
        loop {
            let event = ready!(self.poll_ready(cx, interest))?;
            match op(&self.socket) {
                Ok(value) => {
                    if exhausted(&value) {
                        self.io.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(value));
                }
                Err(e) if e.is_would_block() => self.io.clear_readiness(event),
                Err(e) => return Poll::Ready(Err(os_error(e))),
            }
        }
    }

    /// Runs `op` once if the source is ready for `interest`; `WouldBlock` (and the readiness
    /// forgotten, so the next wait really waits) if it is not.
    pub(crate) fn try_io<R>(&self, interest: Interest, op: impl FnOnce(&S) -> Result<R, Errno>) -> io::Result<R> {
        let event = self.io.ready_event(interest).map_err(|_| driver_gone())?;
        let Some(event) = event else { return Err(io::ErrorKind::WouldBlock.into()) };
        op(&self.socket).map_err(|e| {
            if e.is_would_block() {
                self.io.clear_readiness(event);
            }
            os_error(e)
        })
    }

    /// Waits until the source is ready for `interest` (readiness is kept for the next call).
    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<()> {
        poll_fn(|cx| self.poll_ready(cx, interest)).await.map(drop)
    }

    /// Waits for readiness (an error once the runtime has shut down).
    pub(crate) fn poll_ready(&self, cx: &mut Context<'_>, interest: Interest) -> Poll<io::Result<ReadyEvent>> {
        self.io.poll_ready(cx, interest).map_err(|_| driver_gone())
    }

    /// Forgets readiness observed in `event` (after an operation said "would block").
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }

    /// The async form of [`Source::poll_io`].
    pub(crate) async fn io<R>(&self, interest: Interest, mut op: impl FnMut(&S) -> Result<R, Errno>) -> io::Result<R> {
        poll_fn(|cx| self.poll_io(cx, interest, &mut op)).await
    }
}

impl<S: AsSource> Drop for Source<S> {
    fn drop(&mut self) {
        // Deregistering first retires the token, so a descriptor number reused by the next
        // socket never sees this one's readiness. A failure (runtime already gone) is harmless:
        // closing the socket removes it from the OS poller anyway.
        let _ = self.registry.deregister(self.socket.as_source(), self.token);
    }
}
