//! The platform boundary: what a worker thread needs from the OS (or a unikernel) to sleep,
//! be woken from another thread, learn of I/O readiness, and read the time.
//!
//! The traits are deliberately small so that an integrator can implement them in one file:
//! `Park` + `Unpark` for an executor, plus `Clock` for timers (driven by
//! [`crate::time::Timers`]). `Reactor`/`Registry` are the conventional shape of an I/O driver;
//! nothing in avx-core requires them: readiness reaches tasks through [`crate::io::ScheduledIo`].

use core::fmt;
use core::marker::PhantomData;
use core::time::Duration;

/// The blocking half of a worker: sleep until unparked, an I/O event arrives, or the timeout.
///
/// A `park` may return spuriously; the executor always re-checks its queues afterwards.
pub trait Park {
    /// The handle other threads use to wake this worker.
    type Unparker: Unpark;

    /// Blocks the calling worker until [`Unpark::unpark`] is called, the platform has I/O
    /// events to dispatch, or `timeout` elapses (`None`: no timeout; `Some(ZERO)`: poll only).
    ///
    /// An `unpark` that happened before `park` is called is not lost: `park` returns at once.
    fn park(&mut self, timeout: Option<Duration>);

    /// Returns a handle that wakes this worker from any thread.
    fn unparker(&self) -> Self::Unparker;
}

/// Wakes a parked worker. Cheap to clone, callable from any thread or interrupt context.
///
/// An implementation must be lock-free and never block (an atomic store and the CPU's wake
/// signal), and in an interrupt handler it must be the only avx call: wakers, spawns and
/// allocation take locks the interrupted code may hold.
pub trait Unpark: Clone + Send + Sync + 'static {
    /// Makes the worker's current or next `park` return.
    fn unpark(&self);
}

/// A monotonic clock: the time elapsed since a fixed origin chosen by the implementation.
pub trait Clock: Send + Sync + 'static {
    /// The current time. Never decreases.
    fn now(&self) -> Ticks;
}

/// A point on a [`Clock`]'s time line: whole nanoseconds since the clock's origin.
///
/// A plain `u64` (not an atomic), so 32-bit targets without 64-bit atomics can use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ticks(pub u64);

impl Ticks {
    /// The clock's origin.
    pub const ZERO: Ticks = Ticks(0);

    /// This instant plus `d`, saturating at the end of time.
    pub fn saturating_add(self, d: Duration) -> Ticks {
        let nanos = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        Ticks(self.0.saturating_add(nanos))
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Ticks) -> Duration {
        Duration::from_nanos(self.0.saturating_sub(earlier.0))
    }
}

/// An operating-system handle the reactor can watch: a file descriptor on Unix, a `SOCKET`
/// on Windows, whatever the integrator's device layer uses elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawSource(pub usize);

/// A [`RawSource`] lent by its owner for `'a`: while the borrow lives the handle stays open
/// and names the same object, so a [`Registry`] call cannot reach a handle someone else owns
/// (or a number already reused for another one). Obtained from an owner through [`AsSource`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BorrowedSource<'a> {
    raw: RawSource,
    owner: PhantomData<&'a ()>,
}

impl BorrowedSource<'_> {
    /// Borrows an open handle.
    ///
    /// # Safety
    /// `raw` must be open for the whole lifetime of the borrow, and nothing may close it
    /// while the borrow lives (an owner lends its own handle tied to `&self`).
    pub const unsafe fn borrow_raw(raw: RawSource) -> Self {
        BorrowedSource { raw, owner: PhantomData }
    }

    /// The handle's number, for the platform call.
    pub const fn as_raw(self) -> RawSource {
        self.raw
    }
}

/// An owner of an OS handle that lends it to a [`Registry`].
pub trait AsSource {
    /// The handle, borrowed from `self`.
    fn as_source(&self) -> BorrowedSource<'_>;
}

/// The reactor's name for one registration. Carries a generation so that a descriptor
/// number reused by a new socket never receives the readiness of the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token(pub usize);

/// Which readiness a registration asks for.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Interest(u8);

impl Interest {
    /// Interest in the source becoming readable (or its read side closing).
    pub const READABLE: Interest = Interest(0b01);
    /// Interest in the source becoming writable (or its write side closing).
    pub const WRITABLE: Interest = Interest(0b10);
    /// Both directions.
    pub const BOTH: Interest = Interest(0b11);

    /// Whether read readiness is requested.
    pub const fn is_readable(self) -> bool {
        self.0 & Self::READABLE.0 != 0
    }

    /// Whether write readiness is requested.
    pub const fn is_writable(self) -> bool {
        self.0 & Self::WRITABLE.0 != 0
    }

    /// The union of two interests.
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.is_readable(), self.is_writable()) {
            (true, true) => f.write_str("READABLE | WRITABLE"),
            (true, false) => f.write_str("READABLE"),
            (false, true) => f.write_str("WRITABLE"),
            (false, false) => f.write_str("(none)"),
        }
    }
}

/// Readiness-based I/O on top of parking: sources are registered once and the reactor
/// reports their readiness while a worker is parked in it.
///
/// Registration happens from any thread through the cloneable [`Reactor::Registry`];
/// readiness is delivered by the reactor to the [`crate::io`] glue that wakes tasks.
pub trait Reactor: Park {
    /// The thread-safe registration handle.
    type Registry: Registry;

    /// Returns the handle through which sources are registered.
    fn registry(&self) -> Self::Registry;
}

/// Adds, changes and removes I/O sources of a [`Reactor`]. Cloneable and usable from any thread.
pub trait Registry: Clone + Send + Sync + 'static {
    /// The platform's error type (an errno, an NTSTATUS, a driver code).
    type Error: fmt::Debug;

    /// Starts watching `source` for `interest`; readiness is delivered to `io`. The owner
    /// deregisters before closing the handle (a handle closed while registered is dropped by
    /// the OS poller, but its registration slot stays taken until the reactor shuts down).
    fn register(
        &self,
        source: BorrowedSource<'_>,
        interest: Interest,
        io: alloc::sync::Arc<crate::io::ScheduledIo>,
    ) -> Result<Token, Self::Error>;

    /// Changes the interest of an existing registration.
    fn reregister(&self, source: BorrowedSource<'_>, token: Token, interest: Interest) -> Result<(), Self::Error>;

    /// Stops watching the source. After this returns no readiness reaches the old registration.
    fn deregister(&self, source: BorrowedSource<'_>, token: Token) -> Result<(), Self::Error>;
}
