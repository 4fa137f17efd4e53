//! Unix signals with Tokio's API: `signal(kind)` gives a [`Signal`] whose `recv` completes
//! once per burst of deliveries. Each runtime's reactor watches its own copy of the wake pipe.

use super::listeners::{Listeners, Subscription};
use crate::io::registration::Source;
use crate::runtime::context;
use avx_core::Interest;
use avx_os::fd::OwnedFd;
use avx_os::signal::{self as os, CatchError};
use std::fmt;
use std::future::poll_fn;
use std::io;
use std::os::raw::c_int;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::task::{Context, Poll, Wake, Waker};

/// A kind of signal to listen for: one of the named constructors, or any number with
/// [`SignalKind::from_raw`].
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(c_int);

impl SignalKind {
    /// Any signal by number (checked when [`signal`] is called).
    pub const fn from_raw(signum: c_int) -> SignalKind {
        SignalKind(signum)
    }

    /// The signal's number.
    pub const fn as_raw_value(&self) -> c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired.
    pub const fn alarm() -> SignalKind {
        SignalKind(os::SIGALRM)
    }

    /// `SIGCHLD`: a child process stopped or terminated.
    pub const fn child() -> SignalKind {
        SignalKind(os::SIGCHLD)
    }

    /// `SIGHUP`: the terminal hung up (daemons often take it as "reload").
    pub const fn hangup() -> SignalKind {
        SignalKind(os::SIGHUP)
    }

    /// `SIGINFO`: a status request from the keyboard (Ctrl-T).
    #[cfg(any(target_os = "macos", target_os = "freebsd"))]
    pub const fn info() -> SignalKind {
        SignalKind(os::SIGINFO)
    }

    /// `SIGINT`: an interrupt from the keyboard (Ctrl-C).
    pub const fn interrupt() -> SignalKind {
        SignalKind(os::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor set up for it.
    pub const fn io() -> SignalKind {
        SignalKind(os::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe or socket nobody reads.
    pub const fn pipe() -> SignalKind {
        SignalKind(os::SIGPIPE)
    }

    /// `SIGQUIT`: quit from the keyboard (Ctrl-\).
    pub const fn quit() -> SignalKind {
        SignalKind(os::SIGQUIT)
    }

    /// `SIGTERM`: a polite request to terminate.
    pub const fn terminate() -> SignalKind {
        SignalKind(os::SIGTERM)
    }

    /// `SIGUSR1`.
    pub const fn user_defined1() -> SignalKind {
        SignalKind(os::SIGUSR1)
    }

    /// `SIGUSR2`.
    pub const fn user_defined2() -> SignalKind {
        SignalKind(os::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window changed size.
    pub const fn window_change() -> SignalKind {
        SignalKind(os::SIGWINCH)
    }
}

impl From<c_int> for SignalKind {
    fn from(signum: c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for c_int {
    fn from(kind: SignalKind) -> c_int {
        kind.as_raw_value()
    }
}

/// Everyone listening, by signal number.
static LISTENERS: Listeners = Listeners::new();

/// The wake pipe as one runtime's reactor watches it, shared by that runtime's listeners.
/// The reactor wakes it directly: it drains the pipe and broadcasts the signals from the
/// waking thread, so no listener's task needs to be polled (or even exist) for that.
struct Receiver {
    wake: Source<OwnedFd>,
    /// The address of the runtime's I/O driver (kept alive by `wake`), to find it again.
    driver: usize,
    /// The runtime shut down: nothing watches the pipe through this receiver any more.
    gone: AtomicBool,
    /// Wakes this receiver (holds it weakly: the reactor keeps the waker).
    waker: Waker,
}

/// The waker the reactor calls when the wake pipe becomes readable.
struct Pump(Weak<Receiver>);

impl Wake for Pump {
    fn wake(self: Arc<Self>) {
        if let Some(receiver) = self.0.upgrade() {
            receiver.pump();
        }
    }
}

/// The receivers of the runtimes that have listeners.
static RECEIVERS: Mutex<Vec<Weak<Receiver>>> = Mutex::new(Vec::new());

/// The runtime's I/O driver address, the key of its receiver.
fn current_driver() -> io::Result<usize> {
    context::with_current(|handle| Arc::as_ptr(&handle.inner.io) as usize)
        .map_err(|_| io::Error::other(context::NO_RUNTIME))
}

/// The receiver of the runtime current on this thread, registering one if it has none yet.
fn current_receiver() -> io::Result<Arc<Receiver>> {
    let driver = current_driver()?;
    let mut receivers = RECEIVERS.lock().unwrap_or_else(PoisonError::into_inner);
    receivers.retain(|receiver| receiver.strong_count() > 0);
    if let Some(receiver) = receivers.iter().filter_map(Weak::upgrade).find(|r| r.driver == driver) {
        return Ok(receiver);
    }
    let fd = os::wake_receiver().map_err(|e| io::Error::from_raw_os_error(e.raw()))?;
    let wake = Source::try_new(fd)?;
    let receiver = Arc::new_cyclic(|this| Receiver {
        wake,
        driver,
        gone: AtomicBool::new(false),
        waker: Waker::from(Arc::new(Pump(this.clone()))),
    });
    receivers.push(Arc::downgrade(&receiver));
    drop(receivers);
    // Registration starts out readable: this drains what is already there and arms the waker.
    receiver.pump();
    Ok(receiver)
}

impl Receiver {
    /// Drains the wake pipe and broadcasts what it announced, until the reactor has to wake
    /// this receiver again for more.
    fn pump(&self) {
        let mut cx = Context::from_waker(&self.waker);
        loop {
            match self.wake.poll_ready(&mut cx, Interest::READABLE) {
                Poll::Pending => return,
                Poll::Ready(Err(_)) => {
                    self.gone.store(true, Ordering::Release);
                    // Their runtime is gone: let each listener move to another or end.
                    LISTENERS.wake_all();
                    return;
                }
                Poll::Ready(Ok(event)) => {
                    let mut buf = [0u8; 64];
                    let mut read_any = false;
                    // A pipe read shorter than asked emptied it, so the next byte is a new edge.
                    while let Ok(n @ 1..) = self.wake.socket().read(&mut buf) {
                        read_any = true;
                        if n < buf.len() {
                            break;
                        }
                    }
                    if read_any {
                        os::drain_pending(|signum| {
                            LISTENERS.broadcast(signum);
                        });
                    }
                    self.wake.clear_readiness(event);
                }
            }
        }
    }

    fn is_gone(&self) -> bool {
        self.gone.load(Ordering::Acquire)
    }
}

fn catch_error(error: CatchError) -> io::Error {
    match error {
        CatchError::Os(e) => io::Error::from_raw_os_error(e.raw()),
        refused => io::Error::new(io::ErrorKind::InvalidInput, refused.to_string()),
    }
}

/// A listener for one kind of signal, made by [`signal`]. Many may listen to the same
/// signal; each sees every burst of deliveries (deliveries before it looks are coalesced).
pub struct Signal {
    subscription: Subscription,
    receiver: Arc<Receiver>,
}

/// Listens for `kind` on the current runtime. The first listener of a signal installs the
/// process-wide handler, and from then on the signal's default action (e.g. ending the
/// process on `SIGINT`) no longer happens, for the life of the process.
///
/// # Errors
/// For a number that is not a signal, or one that cannot be handled (`SIGKILL`, `SIGSTOP`,
/// the fault signals `SIGSEGV`, `SIGILL`, `SIGFPE`), `InvalidInput` saying why; if the system
/// refuses the handler or a descriptor.
///
/// # Panics
/// Outside a runtime, as Tokio's does.
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    context::require("signal", |_| ());
    listen(kind)
}

/// [`signal`] without the panic: outside a runtime an error (for the runtime's own
/// bookkeeping, such as reaping children, which must not panic).
pub(crate) fn listen(kind: SignalKind) -> io::Result<Signal> {
    os::check(kind.0).map_err(catch_error)?;
    current_driver()?;
    os::catch(kind.0).map_err(catch_error)?;
    // Subscribed before the receiver's first drain, which may hold this very signal.
    let subscription = LISTENERS.subscribe(kind.0);
    Ok(Signal { subscription, receiver: current_receiver()? })
}

impl Signal {
    /// Waits for the next delivery. `None` once no more can be received: the runtime this
    /// listener watched through has shut down and no other is current.
    pub async fn recv(&mut self) -> Option<()> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery; see [`Signal::recv`].
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        loop {
            if self.subscription.poll_delivered(cx).is_ready() {
                return Poll::Ready(Some(()));
            }
            if !self.receiver.is_gone() {
                return Poll::Pending;
            }
            // Go on through the runtime current now, if there is one (and it is alive).
            match current_receiver() {
                Ok(receiver) if !receiver.is_gone() => self.receiver = receiver,
                _ => return Poll::Ready(None),
            }
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signal").finish_non_exhaustive()
    }
}
