//! Blocking mutex under contention: avx-os's futex `Mutex` beside `std::sync::Mutex` and
//! `parking_lot::Mutex` in one run. 4 threads × 10,000 lock–increment–unlock each.

use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::{Arc, Barrier};
use std::time::Duration;

const THREADS: usize = 4;
const ROUNDS: usize = 10_000;

/// Runs `THREADS` threads that each call `increment` `ROUNDS` times, started together.
fn contend(increment: impl Fn() + Send + Sync + 'static) {
    let increment = Arc::new(increment);
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|_| {
            let (increment, start) = (increment.clone(), start.clone());
            std::thread::spawn(move || {
                start.wait();
                for _ in 0..ROUNDS {
                    increment();
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
}

fn mutex(c: &mut Criterion) {
    let mut group = c.benchmark_group("mutex_contention");
    group.bench_function("avx", |b| {
        b.iter(|| {
            let m = Arc::new(avx_os::Mutex::new(0u64));
            let counter = m.clone();
            contend(move || *counter.lock() += 1);
            assert_eq!(*m.lock(), (THREADS * ROUNDS) as u64);
        })
    });
    group.bench_function("std", |b| {
        b.iter(|| {
            let m = Arc::new(std::sync::Mutex::new(0u64));
            let counter = m.clone();
            contend(move || *counter.lock().unwrap() += 1);
            assert_eq!(*m.lock().unwrap(), (THREADS * ROUNDS) as u64);
        })
    });
    group.bench_function("parking_lot", |b| {
        b.iter(|| {
            let m = Arc::new(parking_lot::Mutex::new(0u64));
            let counter = m.clone();
            contend(move || *counter.lock() += 1);
            assert_eq!(*m.lock(), (THREADS * ROUNDS) as u64);
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = mutex
}
criterion_main!(benches);
