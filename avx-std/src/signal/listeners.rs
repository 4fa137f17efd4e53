//! The listeners of each signal (or console event) and the broadcast that wakes them. Each
//! listener keeps one "delivered" flag, so a burst of deliveries before it looks wakes it once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

/// Every listener, by the event (signal number) it listens for.
pub(crate) struct Listeners {
    by_event: Mutex<BTreeMap<i32, Vec<Arc<Listener>>>>,
}

/// One listener: a delivery not yet seen, and the task to wake for it.
#[derive(Default)]
struct Listener(Mutex<ListenerState>);

#[derive(Default)]
struct ListenerState {
    delivered: bool,
    waker: Option<Waker>,
}

impl Listener {
    fn state(&self) -> MutexGuard<'_, ListenerState> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One listener's place in a [`Listeners`] table; leaves it when dropped.
pub(crate) struct Subscription {
    table: &'static Listeners,
    event: i32,
    listener: Arc<Listener>,
}

impl Listeners {
    pub(crate) const fn new() -> Listeners {
        Listeners { by_event: Mutex::new(BTreeMap::new()) }
    }

    /// A new listener for `event`; it sees deliveries broadcast from now on.
    pub(crate) fn subscribe(&'static self, event: i32) -> Subscription {
        let listener = Arc::new(Listener::default());
        let mut by_event = self.by_event.lock().unwrap_or_else(PoisonError::into_inner);
        by_event.entry(event).or_default().push(listener.clone());
        Subscription { table: self, event, listener }
    }

    /// Marks `event` delivered to each of its listeners and wakes the ones waiting. Returns
    /// whether anyone listens.
    pub(crate) fn broadcast(&self, event: i32) -> bool {
        let mut wakers = Vec::new();
        {
            let by_event = self.by_event.lock().unwrap_or_else(PoisonError::into_inner);
            let Some(listeners) = by_event.get(&event) else { return false };
            for listener in listeners {
                let mut state = listener.state();
                state.delivered = true;
                wakers.extend(state.waker.take());
            }
        }
        // Outside the locks: a woken task may run (and subscribe or drop) on this thread.
        for waker in wakers {
            waker.wake();
        }
        true
    }
}

impl Listeners {
    /// Wakes every waiting listener without a delivery (each re-checks its situation).
    #[cfg(unix)]
    pub(crate) fn wake_all(&self) {
        let wakers: Vec<Waker> = {
            let by_event = self.by_event.lock().unwrap_or_else(PoisonError::into_inner);
            by_event.values().flatten().filter_map(|listener| listener.state().waker.take()).collect()
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

impl Subscription {
    /// Ready once for every burst of deliveries since the last time it was ready.
    pub(crate) fn poll_delivered(&self, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.listener.state();
        if std::mem::take(&mut state.delivered) {
            return Poll::Ready(());
        }
        match &mut state.waker {
            Some(waker) if waker.will_wake(cx.waker()) => {}
            slot => *slot = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut by_event = self.table.by_event.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(listeners) = by_event.get_mut(&self.event) {
            listeners.retain(|l| !Arc::ptr_eq(l, &self.listener));
            if listeners.is_empty() {
                by_event.remove(&self.event);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;
    use std::task::Wake;

    struct Count(std::sync::atomic::AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn waker() -> (Arc<Count>, Waker) {
        let count = Arc::new(Count(0.into()));
        (count.clone(), Waker::from(count))
    }

    #[test]
    fn a_burst_of_deliveries_is_seen_once_by_each_listener() {
        static TABLE: Listeners = Listeners::new();
        let table = &TABLE;
        let (a, b) = (table.subscribe(1), table.subscribe(1));
        let (count, waker) = waker();
        let mut cx = Context::from_waker(&waker);
        assert!(a.poll_delivered(&mut cx).is_pending());
        for _ in 0..3 {
            assert!(table.broadcast(1));
        }
        assert_eq!(count.0.load(Ordering::SeqCst), 1, "the waiting listener is woken once");
        for listener in [&a, &b] {
            assert!(listener.poll_delivered(&mut cx).is_ready());
            assert!(listener.poll_delivered(&mut cx).is_pending(), "one burst, one delivery");
        }
    }

    #[test]
    fn only_listeners_of_the_event_hear_it_and_a_dropped_one_leaves() {
        static TABLE: Listeners = Listeners::new();
        let table = &TABLE;
        let (one, two) = (table.subscribe(1), table.subscribe(2));
        let (_count, waker) = waker();
        let mut cx = Context::from_waker(&waker);
        assert!(table.broadcast(2));
        assert!(one.poll_delivered(&mut cx).is_pending());
        assert!(two.poll_delivered(&mut cx).is_ready());
        drop(two);
        assert!(!table.broadcast(2), "nobody listens to 2 any more");
        assert!(table.broadcast(1));
    }

    #[test]
    fn wake_all_wakes_waiting_listeners_without_a_delivery() {
        static TABLE: Listeners = Listeners::new();
        let table = &TABLE;
        let listener = table.subscribe(3);
        let (count, waker) = waker();
        let mut cx = Context::from_waker(&waker);
        assert!(listener.poll_delivered(&mut cx).is_pending());
        table.wake_all();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(listener.poll_delivered(&mut cx).is_pending(), "woken, but nothing was delivered");
    }

    #[test]
    fn a_listener_subscribed_after_a_broadcast_does_not_see_it() {
        static TABLE: Listeners = Listeners::new();
        let table = &TABLE;
        let _early = table.subscribe(5);
        table.broadcast(5);
        let late = table.subscribe(5);
        let (_count, waker) = waker();
        assert!(late.poll_delivered(&mut Context::from_waker(&waker)).is_pending());
    }
}
