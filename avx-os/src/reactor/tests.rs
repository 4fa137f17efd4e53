//! Reactor tests on real sockets: readiness delivery, stale tokens after fd reuse, and the
//! park/unpark handoff among several workers sharing one driver.

use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use std::task::Wake;
use std::thread;

use avx_core::io::{Ready, ScheduledIo};
use avx_core::{AsSource, Interest, Park, Reactor, Registry, Unpark};

use super::Driver;
use crate::net::{Socket, Type};

struct Count(AtomicUsize);
impl Wake for Count {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_waker() -> (Arc<Count>, Waker) {
    let c = Arc::new(Count(AtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

#[test]
fn written_socketpair_becomes_readable_and_wakes_the_reader() {
    let driver = Driver::new().unwrap();
    let mut park = driver.park();
    let (a, b) = Socket::pair(Type::Stream).unwrap();
    let io = Arc::new(ScheduledIo::new());
    let token = park.registry().register(b.as_source(), Interest::READABLE, io.clone()).unwrap();
    let (count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(io.poll_ready(&mut cx, Interest::READABLE).is_pending());
    a.write(b"x").unwrap();
    while count.0.load(Ordering::SeqCst) == 0 {
        park.park(Some(Duration::from_secs(5)));
    }
    match io.poll_ready(&mut cx, Interest::READABLE) {
        Poll::Ready(Ok(ev)) => assert!(ev.ready.contains(Ready::READABLE)),
        other => panic!("{other:?}"),
    }
    park.registry().deregister(b.as_source(), token).unwrap();
}

#[test]
fn reused_fd_number_gets_no_stale_readiness() {
    let driver = Driver::new().unwrap();
    let mut park = driver.park();
    let registry = park.registry();
    let (a, b) = Socket::pair(Type::Stream).unwrap();
    let old = Arc::new(ScheduledIo::new());
    let old_token = registry.register(b.as_source(), Interest::READABLE, old.clone()).unwrap();
    a.write(b"x").unwrap();
    registry.deregister(b.as_source(), old_token).unwrap();
    drop((b, a));
    // The kernel hands out the lowest free numbers, so the new pair reuses the old ones.
    let (c, d) = Socket::pair(Type::Stream).unwrap();
    let new = Arc::new(ScheduledIo::new());
    let new_token = registry.register(d.as_source(), Interest::READABLE, new.clone()).unwrap();
    assert_ne!(old_token, new_token);
    park.park(Some(Duration::ZERO));
    let (_count, waker) = counting_waker();
    let mut cx = Context::from_waker(&waker);
    assert!(old.poll_ready(&mut cx, Interest::READABLE).is_pending());
    assert!(new.poll_ready(&mut cx, Interest::READABLE).is_pending());
    registry.deregister(d.as_source(), new_token).unwrap();
    drop(c);
}

#[test]
fn unpark_wakes_workers_in_epoll_and_on_futex() {
    let driver = Driver::new().unwrap();
    let rounds = 200;
    let woken = Arc::new(AtomicUsize::new(0));
    let mut unparkers = std::vec::Vec::new();
    let mut handles = std::vec::Vec::new();
    for _ in 0..3 {
        let mut park = driver.park();
        unparkers.push(park.unparker());
        let woken = woken.clone();
        handles.push(thread::spawn(move || {
            for _ in 0..rounds {
                park.park(None);
                woken.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    // Each park returns at least once per unpark that followed it; keep unparking until every
    // worker has done all its rounds (a lost wake-up would hang here).
    while handles.iter().any(|h| !h.is_finished()) {
        for u in &unparkers {
            u.unpark();
        }
        thread::yield_now();
    }
    for h in handles {
        h.join().unwrap();
    }
    assert!(woken.load(Ordering::SeqCst) >= 3 * rounds);
}

#[test]
fn shutdown_wakes_registered_sources_with_driver_gone() {
    let driver = Driver::new().unwrap();
    let park = driver.park();
    let (a, _b) = Socket::pair(Type::Stream).unwrap();
    let io = Arc::new(ScheduledIo::new());
    park.registry().register(a.as_source(), Interest::BOTH, io.clone()).unwrap();
    driver.shutdown();
    let (_c, waker) = counting_waker();
    assert!(matches!(io.poll_ready(&mut Context::from_waker(&waker), Interest::READABLE), Poll::Ready(Err(_))));
}
