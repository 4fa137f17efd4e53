//! `ScheduledIo`: one registered source's readiness word and its reader/writer wakers.
//! The word packs ready bits, a shutdown bit and a tick so stale clears cannot drop new events.

use alloc::vec::Vec;
use core::task::{Context, Poll, Waker};

use super::Ready;
use crate::loom::{AtomicUsize, Mutex, Ordering};
use crate::park::Interest;

const SHUTDOWN: usize = 1 << 5;
const TICK_SHIFT: usize = 6;

/// Readiness observed by [`ScheduledIo::poll_ready`]; pass it back to
/// [`ScheduledIo::clear_readiness`] after the operation returned `WouldBlock`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadyEvent {
    /// The flags that satisfied the wait.
    pub ready: Ready,
    tick: usize,
}

/// The reactor that drove this source has shut down; no readiness will ever come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DriverGone;

/// The tasks waiting for one direction. Usually one (a stream's reader); several when a
/// socket is shared, e.g. an `Arc<UdpSocket>` received from by many tasks.
#[derive(Debug, Default)]
struct WakerSet {
    first: Option<Waker>,
    /// Further distinct waiters; stays unallocated in the common single-waiter case.
    rest: Vec<Waker>,
}

impl WakerSet {
    fn insert(&mut self, waker: &Waker) {
        match &self.first {
            None => self.first = Some(waker.clone()),
            Some(w) if w.will_wake(waker) => {}
            Some(_) if self.rest.iter().any(|w| w.will_wake(waker)) => {}
            Some(_) => self.rest.push(waker.clone()),
        }
    }

    fn take(&mut self) -> (Option<Waker>, Vec<Waker>) {
        (self.first.take(), core::mem::take(&mut self.rest))
    }
}

#[derive(Debug, Default)]
struct Waiters {
    reader: WakerSet,
    writer: WakerSet,
}

/// Readiness state and wakers of one registered I/O source, shared by the reactor (which
/// sets readiness) and the socket (whose tasks wait for it).
#[derive(Debug, Default)]
pub struct ScheduledIo {
    state: AtomicUsize,
    waiters: Mutex<Waiters>,
}

impl ScheduledIo {
    /// A source with no readiness yet.
    pub fn new() -> ScheduledIo {
        ScheduledIo::default()
    }

    fn event_for(state: usize, interest: Interest) -> Option<ReadyEvent> {
        let ready = Ready::from_bits(state).intersection(Ready::for_interest(interest));
        (!ready.is_empty()).then_some(ReadyEvent { ready, tick: state >> TICK_SHIFT })
    }

    /// Ready when the source has readiness matching `interest`; otherwise stores the task's
    /// waker among the waiters of that direction and returns `Pending`. Every waiter is
    /// woken by the next matching readiness.
    pub fn poll_ready(&self, cx: &mut Context<'_>, interest: Interest) -> Poll<Result<ReadyEvent, DriverGone>> {
        if let Some(done) = self.ready_event(interest).transpose() {
            return Poll::Ready(done);
        }
        let mut waiters = self.waiters.lock();
        // Re-check under the lock: set_readiness updates the word before taking the lock,
        // so either we see its readiness here or it sees our waker.
        if let Some(done) = self.ready_event(interest).transpose() {
            return Poll::Ready(done);
        }
        if interest.is_readable() {
            waiters.reader.insert(cx.waker());
        }
        if interest.is_writable() {
            waiters.writer.insert(cx.waker());
        }
        Poll::Pending
    }

    /// The readiness matching `interest` right now, without registering a waker (for
    /// `try_read`-style calls that must not wait).
    pub fn ready_event(&self, interest: Interest) -> Result<Option<ReadyEvent>, DriverGone> {
        let state = self.state.load(Ordering::Acquire);
        if state & SHUTDOWN != 0 {
            return Err(DriverGone);
        }
        Ok(Self::event_for(state, interest))
    }

    /// Clears the readable/writable bits of `event` unless newer readiness arrived since it
    /// was observed (then the bits stay so the next poll sees the new event). Closed and
    /// error bits are never cleared.
    pub fn clear_readiness(&self, event: ReadyEvent) {
        let clear = event.ready.intersection(Ready::READABLE | Ready::WRITABLE).bits();
        let mut current = self.state.load(Ordering::Acquire);
        while current >> TICK_SHIFT == event.tick {
            match self.state.compare_exchange_weak(current, current & !clear, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return,
                Err(actual) => current = actual,
            }
        }
    }

    /// Called by the reactor: adds `ready`, advances the tick and wakes the reader and/or
    /// writer whose interest it satisfies.
    pub fn set_readiness(&self, ready: Ready) {
        let mut current = self.state.load(Ordering::Acquire);
        loop {
            let tick = (current >> TICK_SHIFT).wrapping_add(1);
            let next = (tick << TICK_SHIFT) | (current & (SHUTDOWN | Ready::ALL_BITS)) | ready.bits();
            match self.state.compare_exchange_weak(current, next, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => break,
                Err(actual) => current = actual,
            }
        }
        self.wake(ready);
    }

    /// Marks the driver gone and wakes every waiter; later polls return `Err(DriverGone)`.
    pub fn shutdown(&self) {
        self.state.fetch_or(SHUTDOWN, Ordering::AcqRel);
        self.wake(Ready::for_interest(Interest::BOTH));
    }

    fn wake(&self, ready: Ready) {
        let wakes_read = !ready.intersection(Ready::for_interest(Interest::READABLE)).is_empty();
        let wakes_write = !ready.intersection(Ready::for_interest(Interest::WRITABLE)).is_empty();
        let ((reader, readers), (writer, writers)) = {
            let mut waiters = self.waiters.lock();
            let none = || (None, Vec::new());
            (
                if wakes_read { waiters.reader.take() } else { none() },
                if wakes_write { waiters.writer.take() } else { none() },
            )
        };
        // Wake outside the lock: a waker may poll the source again on this thread.
        for waker in [reader, writer].into_iter().flatten().chain(readers).chain(writers) {
            waker.wake();
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use alloc::sync::Arc;
    use alloc::task::Wake;
    use core::sync::atomic::AtomicUsize as Count;

    struct Counter(Count);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Counter>, Waker) {
        let c = Arc::new(Counter(Count::new(0)));
        (c.clone(), Waker::from(c))
    }

    #[test]
    fn readable_wakes_only_the_reader() {
        let io = ScheduledIo::new();
        let (rc, rw) = waker();
        let (wc, ww) = waker();
        assert!(io.poll_ready(&mut Context::from_waker(&rw), Interest::READABLE).is_pending());
        assert!(io.poll_ready(&mut Context::from_waker(&ww), Interest::WRITABLE).is_pending());
        io.set_readiness(Ready::READABLE);
        assert_eq!(rc.0.load(Ordering::SeqCst), 1);
        assert_eq!(wc.0.load(Ordering::SeqCst), 0);
        let ev = match io.poll_ready(&mut Context::from_waker(&rw), Interest::READABLE) {
            Poll::Ready(Ok(ev)) => ev,
            other => panic!("{other:?}"),
        };
        assert_eq!(ev.ready, Ready::READABLE);
    }

    #[test]
    fn every_task_waiting_on_a_shared_source_is_woken() {
        let io = ScheduledIo::new();
        let wakers: Vec<_> = (0..3).map(|_| waker()).collect();
        for (_, w) in &wakers {
            assert!(io.poll_ready(&mut Context::from_waker(w), Interest::READABLE).is_pending());
        }
        // Registering the same waker twice does not wake it twice.
        assert!(io.poll_ready(&mut Context::from_waker(&wakers[1].1), Interest::READABLE).is_pending());
        io.set_readiness(Ready::READABLE);
        for (count, _) in &wakers {
            assert_eq!(count.0.load(Ordering::SeqCst), 1);
        }
    }

    #[test]
    fn stale_clear_keeps_newer_readiness() {
        let io = ScheduledIo::new();
        let (_c, w) = waker();
        let mut cx = Context::from_waker(&w);
        io.set_readiness(Ready::READABLE);
        let Poll::Ready(Ok(old)) = io.poll_ready(&mut cx, Interest::READABLE) else { panic!() };
        io.set_readiness(Ready::READABLE);
        io.clear_readiness(old);
        assert!(io.poll_ready(&mut cx, Interest::READABLE).is_ready());
        let Poll::Ready(Ok(new)) = io.poll_ready(&mut cx, Interest::READABLE) else { panic!() };
        io.clear_readiness(new);
        assert!(io.poll_ready(&mut cx, Interest::READABLE).is_pending());
    }

    #[test]
    fn shutdown_wakes_waiters_with_an_error() {
        let io = ScheduledIo::new();
        let (c, w) = waker();
        let mut cx = Context::from_waker(&w);
        assert!(io.poll_ready(&mut cx, Interest::READABLE).is_pending());
        io.shutdown();
        assert_eq!(c.0.load(Ordering::SeqCst), 1);
        assert_eq!(io.poll_ready(&mut cx, Interest::READABLE), Poll::Ready(Err(DriverGone)));
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use alloc::task::Wake;
    use loom::sync::atomic::AtomicBool;
    use loom::sync::Arc;

    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: alloc::sync::Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    /// A readiness set concurrently with a poll is never lost: the poll sees it or the
    /// waker it stored is woken.
    #[test]
    fn concurrent_set_readiness_is_seen_or_wakes() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new());
            let io2 = io.clone();
            let setter = loom::thread::spawn(move || io2.set_readiness(Ready::READABLE));
            let flag = alloc::sync::Arc::new(Flag(AtomicBool::new(false)));
            let waker = Waker::from(flag.clone());
            let ready = io.poll_ready(&mut Context::from_waker(&waker), Interest::READABLE).is_ready();
            setter.join().unwrap();
            assert!(ready || flag.0.load(Ordering::SeqCst));
        });
    }
}
