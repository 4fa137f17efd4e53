//! The timer driver: one wheel per worker shard behind its own short lock, plus the calls the
//! executor makes around parking (`process`, `process_all`, `next_expiration`).

use alloc::boxed::Box;
use core::fmt;
use core::future::Future;
use core::task::Waker;
use core::time::Duration;

use super::earliest::{EarliestCell, NONE};
use super::entry::Entry;
use super::wheel::Wheel;
use super::{Grid, Interval, Sleep, Timeout};
use crate::loom::{Arc, AtomicUsize, Mutex, Ordering};
use crate::park::{Clock, Ticks};

/// The most shards a driver has (more workers share shards).
const MAX_SHARDS: usize = 1 << 16;
/// `Handle::shard` of a handle not bound to a shard.
const ANY_SHARD: u32 = u32::MAX;

/// How many wakers one shard collects under its lock before it releases the lock to call them.
const WAKE_BATCH: usize = 32;

/// One worker's wheel. Aligned so that two shards never share a cache line.
#[repr(align(64))]
struct Shard {
    wheel: Mutex<Wheel>,
    /// The wheel's next expiration (ms), readable without the lock; re-published under the
    /// lock whenever it may have changed.
    earliest: EarliestCell,
}

impl Shard {
    /// Re-publishes the wheel's next expiration (ms or `NONE`) and returns it; called with
    /// the lock held.
    fn publish_earliest(&self, wheel: &Wheel) -> u64 {
        let next = wheel.next_expiration().map_or(NONE, |expiration| expiration.at);
        self.earliest.write(next);
        next
    }
}

struct Inner {
    clock: Box<dyn Clock>,
    grid: Grid,
    shards: Box<[Shard]>,
    /// Round-robin shard choice for timers created outside any worker.
    next_shard: AtomicUsize,
    deadline_hook: spin::Once<Box<dyn Fn(Ticks) + Send + Sync>>,
}

/// Owns the timer wheels; the executor drives it. Create one per runtime.
///
/// Each of the `shards` wheels (one per worker) has its own lock, so workers arming and
/// cancelling timers do not contend. Any worker may process any shard, so a timer armed on
/// a busy worker still fires when another worker is the one parked.
///
/// Timers only fire when someone calls [`Driver::process`] or [`Driver::process_all`]:
/// sleeps that outlive the driver (through a [`Handle`]) stay pending; dropping them is fine.
pub struct Driver {
    handle: Handle,
}

impl Driver {
    /// A driver reading `clock`, with `shards` wheels (clamped to 1..=65,536).
    pub fn new(clock: impl Clock, shards: usize) -> Driver {
        let shards = (0..shards.clamp(1, MAX_SHARDS))
            .map(|_| Shard { wheel: Mutex::new(Wheel::new()), earliest: EarliestCell::new() })
            .collect();
        let grid = Grid { origin: clock.now() };
        let inner = Inner {
            clock: Box::new(clock),
            grid,
            shards,
            next_shard: AtomicUsize::new(0),
            deadline_hook: spin::Once::new(),
        };
        Driver { handle: Handle { inner: Arc::new(inner), shard: ANY_SHARD } }
    }

    /// A handle whose timers are spread round-robin over the shards (for code outside workers;
    /// workers use `handle().with_shard(worker_index)`).
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.handle.inner.shards.len()
    }

    /// Installs the callback invoked (outside any lock, on the arming thread) with the shard's
    /// new [`Driver::next_expiration_in`] whenever a timer is armed earlier than everything its
    /// shard held before. The executor uses it to
    /// unpark a worker whose park timeout is later than that. Only the first call installs;
    /// returns whether this one did.
    pub fn set_deadline_hook(&self, hook: impl Fn(Ticks) + Send + Sync + 'static) -> bool {
        let mut installed = false;
        self.handle.inner.deadline_hook.call_once(|| {
            installed = true;
            Box::new(hook)
        });
        installed
    }

    /// The driver clock's current time.
    pub fn now(&self) -> Ticks {
        self.handle.now()
    }

    /// Fires every timer of shard `shard % shards()` due at `now` (read from this driver's
    /// clock) and wakes their tasks outside the lock. Returns how many fired. Costs one
    /// lock-free read when nothing in the shard is due.
    pub fn process(&self, shard: usize, now: Ticks) -> usize {
        let inner = &self.handle.inner;
        process_shard(&inner.shards[shard % inner.shards.len()], inner.grid.now_to_ms(now))
    }

    /// Fires the due timers of every shard; shards with nothing due are skipped without
    /// taking their lock. Returns how many fired.
    pub fn process_all(&self, now: Ticks) -> usize {
        let now = self.handle.inner.grid.now_to_ms(now);
        self.handle.inner.shards.iter().map(|shard| process_shard(shard, now)).sum()
    }

    /// The earliest instant at which [`Driver::process_all`] has work (a timer to fire, or a
    /// coarse slot to re-file, which is never after the timer it holds), over all shards.
    /// `None` if no timer is pending. The executor parks until then; a paused clock jumps
    /// to it when every task is idle.
    pub fn next_expiration(&self) -> Option<Ticks> {
        let inner = &self.handle.inner;
        let earliest = inner.shards.iter().map(|shard| shard.earliest.read()).min();
        earliest.filter(|&ms| ms != NONE).map(|ms| inner.grid.ms_to_ticks(ms))
    }

    /// [`Driver::next_expiration`] of one shard (`shard % shards()`).
    pub fn next_expiration_in(&self, shard: usize) -> Option<Ticks> {
        let inner = &self.handle.inner;
        let earliest = inner.shards[shard % inner.shards.len()].earliest.read();
        (earliest != NONE).then(|| inner.grid.ms_to_ticks(earliest))
    }

    /// How many timers are armed in the wheels (a debugging and test aid; takes every lock).
    pub fn pending_timers(&self) -> usize {
        self.handle.inner.shards.iter().map(|shard| shard.wheel.lock().len()).sum()
    }

    /// Whether no timer is armed and no wheel slot holds anything (takes every lock).
    pub fn is_empty(&self) -> bool {
        self.handle.inner.shards.iter().all(|shard| shard.wheel.lock().is_empty())
    }
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Driver").field("shards", &self.shards()).finish_non_exhaustive()
    }
}

/// Fires the due timers of one shard, collecting wakers in batches under the lock and
/// calling them after releasing it.
fn process_shard(shard: &Shard, now: u64) -> usize {
    if shard.earliest.read() > now {
        return 0;
    }
    let mut fired = 0;
    loop {
        let mut wakers = heapless::Vec::<Waker, WAKE_BATCH>::new();
        let mut wheel = shard.wheel.lock();
        let mut caught_up = false;
        while !wakers.is_full() {
            let Some(entry) = wheel.pop_due(now) else {
                caught_up = true;
                break;
            };
            fired += 1;
            // SAFETY: the wheel just unlinked the entry, which its owner keeps alive until
            // it sees `fired` or takes this lock; we hold the lock.
            if let Some(waker) = unsafe { entry.as_ref().fire() } {
                if let Err(waker) = wakers.push(waker) {
                    // Unreachable (the loop stops when full); waking under the lock is safe.
                    waker.wake();
                }
            }
        }
        shard.publish_earliest(&wheel);
        drop(wheel);
        wakers.into_iter().for_each(Waker::wake);
        if caught_up {
            return fired;
        }
    }
}

/// A cheap, cloneable, `Send + Sync` reference to a [`Driver`], used to create timers.
///
/// A handle may carry a shard hint (the worker index): its timers go to that shard.
#[derive(Clone)]
pub struct Handle {
    inner: Arc<Inner>,
    /// The shard index, or `ANY_SHARD`.
    shard: u32,
}

impl Handle {
    /// The same driver, with timers armed in shard `shard % shards` (the caller's worker).
    pub fn with_shard(&self, shard: usize) -> Handle {
        Handle {
            inner: self.inner.clone(),
            // The modulus is at most `MAX_SHARDS`, so the index fits.
            shard: (shard % self.inner.shards.len()) as u32,
        }
    }

    /// The driver clock's current time.
    pub fn now(&self) -> Ticks {
        self.inner.clock.now()
    }

    /// A future that completes once `duration` has passed from now.
    pub fn sleep(&self, duration: Duration) -> Sleep {
        self.sleep_until(self.now().saturating_add(duration))
    }

    /// A future that completes at `deadline`.
    pub fn sleep_until(&self, deadline: Ticks) -> Sleep {
        Sleep::new(self.clone(), deadline)
    }

    /// Runs `future` for at most `duration`; without a deadline if `now + duration` is past
    /// the end of time (`u64::MAX` nanoseconds).
    pub fn timeout<F: Future>(&self, duration: Duration, future: F) -> Timeout<F> {
        let deadline = u64::try_from(duration.as_nanos()).ok().and_then(|nanos| self.now().0.checked_add(nanos));
        Timeout::new(deadline.map(|deadline| (self.clone(), Ticks(deadline))), future)
    }

    /// Runs `future` until at most `deadline`.
    pub fn timeout_at<F: Future>(&self, deadline: Ticks, future: F) -> Timeout<F> {
        Timeout::new(Some((self.clone(), deadline)), future)
    }

    /// An interval whose first tick completes at once, then every `period`.
    ///
    /// # Panics
    /// If `period` is zero.
    #[track_caller]
    pub fn interval(&self, period: Duration) -> Interval {
        self.interval_at(self.now(), period)
    }

    /// An interval whose first tick completes at `start`, then every `period`.
    ///
    /// # Panics
    /// If `period` is zero.
    #[track_caller]
    pub fn interval_at(&self, start: Ticks, period: Duration) -> Interval {
        Interval::new(self.clone(), start, period)
    }

    /// This handle bound to the shard its next timer goes to: its own, or the next one
    /// round-robin. A `Sleep` keeps the bound handle for its whole life.
    pub(crate) fn bound_to_shard(self) -> Handle {
        if self.shard != ANY_SHARD {
            return self;
        }
        let next = self.inner.next_shard.fetch_add(1, Ordering::Relaxed);
        self.with_shard(next)
    }

    /// `deadline` in this driver's wheel milliseconds.
    pub(crate) fn deadline_to_ms(&self, deadline: Ticks) -> u64 {
        self.inner.grid.deadline_to_ms(deadline)
    }

    fn shard(&self) -> &Shard {
        // An unbound handle never reaches here (sleeps bind theirs); fall back to shard 0.
        let index = if self.shard == ANY_SHARD { 0 } else { self.shard as usize };
        &self.inner.shards[index]
    }

    /// Links `entry` into this handle's shard for `when` (ms) with `waker`. `Err(waker)` if `when` is
    /// already processed time there: the entry stays unlinked and the timer is due.
    ///
    /// # Safety
    /// `entry` is pinned, not linked, and stays alive until [`Handle::deregister`] returns or
    /// it is observed fired.
    pub(crate) unsafe fn register(&self, entry: &Entry, when: u64, waker: Waker) -> Result<(), Waker> {
        let shard = self.shard();
        let mut wheel = shard.wheel.lock();
        // SAFETY: we hold the shard lock; the entry is unlinked, pinned and outlives its
        // link (contract).
        if unsafe { wheel.insert(entry.into(), when) }.is_err() {
            return Err(waker);
        }
        // SAFETY: we hold the shard lock.
        unsafe { entry.arm(waker) };
        let earlier = (when < shard.earliest.read()).then(|| shard.publish_earliest(&wheel));
        drop(wheel);
        if let (Some(earliest), Some(hook)) = (earlier, self.inner.deadline_hook.get()) {
            hook(self.inner.grid.ms_to_ticks(earliest));
        }
        Ok(())
    }

    /// Makes sure a linked entry will wake `waker`; returns `true` if it has already fired.
    ///
    /// # Safety
    /// `entry` was registered through this handle with [`Handle::register`] and not
    /// deregistered since.
    pub(crate) unsafe fn refresh_waker(&self, entry: &Entry, waker: &Waker) -> bool {
        if entry.is_fired() {
            return true;
        }
        let _wheel = self.shard().wheel.lock();
        if entry.is_fired() {
            return true;
        }
        // SAFETY: registered in this shard and not fired, so linked here (contract); we hold
        // the lock.
        unsafe {
            entry.with_links(|links| match &links.waker {
                Some(old) if old.will_wake(waker) => {}
                _ => links.waker = Some(waker.clone()),
            })
        };
        false
    }

    /// Unlinks an armed entry unless it has fired; returns its waker if it was still linked.
    ///
    /// # Safety
    /// `entry` was registered through this handle with [`Handle::register`] and not
    /// deregistered since.
    pub(crate) unsafe fn deregister(&self, entry: &Entry) -> Option<Waker> {
        if entry.is_fired() {
            return None;
        }
        let shard = self.shard();
        let mut wheel = shard.wheel.lock();
        if entry.is_fired() {
            return None;
        }
        // SAFETY: not fired, so still linked in this shard's wheel (contract); lock held.
        let waker = unsafe {
            wheel.remove(entry.into());
            entry.with_links(|links| links.waker.take())
        };
        // Keep the published expiration exact, so that an idle paused runtime never jumps
        // its clock to a cancelled timer.
        shard.publish_earliest(&wheel);
        waker
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("shards", &self.inner.shards.len())
            .field("shard", &(self.shard != ANY_SHARD).then_some(self.shard))
            .finish_non_exhaustive()
    }
}
