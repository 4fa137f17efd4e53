//! The executor makes its free choices through the injected `Oracle`: a scripted oracle sees
//! every global-queue decision and steal, and decides the park timeout.

use avx_core::executor::{self, Config};
use avx_core::oracle::Oracle;
use avx_core::Park;
use common::{CondvarPark, CondvarUnpark};
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;

/// A condvar park that records the timeouts it was asked to sleep with.
struct RecordingPark {
    inner: CondvarPark,
    timeouts: Arc<Mutex<Vec<Option<Duration>>>>,
}

impl Park for RecordingPark {
    type Unparker = CondvarUnpark;

    fn park(&mut self, timeout: Option<Duration>) {
        if timeout != Some(Duration::ZERO) {
            self.timeouts.lock().unwrap().push(timeout);
        }
        self.inner.park(timeout);
    }

    fn unparker(&self) -> CondvarUnpark {
        self.inner.unparker()
    }
}

/// Records how often it is asked; always checks the global queue; parks for 7 ms.
struct Scripted {
    asked_global: Arc<AtomicUsize>,
    asked_random: Arc<AtomicUsize>,
}

impl Oracle for Scripted {
    fn next_u32(&mut self) -> u32 {
        self.asked_random.fetch_add(1, SeqCst);
        0
    }

    fn check_global_queue(&mut self, _tick: u32, _interval: u32) -> bool {
        self.asked_global.fetch_add(1, SeqCst);
        true
    }

    fn park_timeout(&mut self, _proposed: Option<Duration>) -> Option<Duration> {
        Some(Duration::from_millis(7))
    }
}

#[test]
fn the_injected_oracle_makes_the_schedulers_free_choices() {
    let timeouts = Arc::new(Mutex::new(Vec::new()));
    let parks = (0..2).map(|_| RecordingPark { inner: CondvarPark::default(), timeouts: timeouts.clone() }).collect();
    let asked_global = Arc::new(AtomicUsize::new(0));
    let asked_random = Arc::new(AtomicUsize::new(0));
    let (handle, workers) = executor::build(Config::default(), parks, |_| Scripted {
        asked_global: asked_global.clone(),
        asked_random: asked_random.clone(),
    });
    let threads: Vec<_> = workers.into_iter().map(|w| std::thread::spawn(move || w.run())).collect();

    let (tx, rx) = std::sync::mpsc::channel();
    for i in 0..100 {
        let tx = tx.clone();
        drop(handle.spawn(async move { tx.send(i).unwrap() }));
    }
    let mut got: Vec<i32> = (0..100).map(|_| rx.recv_timeout(Duration::from_secs(30)).unwrap()).collect();
    got.sort_unstable();
    assert_eq!(got, (0..100).collect::<Vec<_>>());
    // Let the workers go idle and park with the oracle's timeout.
    std::thread::sleep(Duration::from_millis(50));
    handle.shutdown();
    threads.into_iter().for_each(|t| t.join().unwrap());
    handle.shutdown_tasks();

    assert!(asked_global.load(SeqCst) >= 100, "every tick asks the oracle about the global queue");
    assert!(asked_random.load(SeqCst) > 0, "searching for work asks the oracle where to start");
    let timeouts = timeouts.lock().unwrap();
    assert!(!timeouts.is_empty());
    assert!(timeouts.iter().all(|t| *t == Some(Duration::from_millis(7))), "{timeouts:?}");
}
