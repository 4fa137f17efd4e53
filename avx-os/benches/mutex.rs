//! Mutex under contention: avx-os's futex Mutex vs std::sync::Mutex vs parking_lot, same run.
//! 4 threads each do 10,000 lock/increment/unlock rounds on one shared counter.

use std::sync::Arc;
use std::thread;

use criterion::{criterion_group, criterion_main, Criterion};

const THREADS: usize = 4;
const ROUNDS: usize = 10_000;

fn contend<M: Send + Sync + 'static>(m: Arc<M>, incr: fn(&M)) {
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let m = m.clone();
            thread::spawn(move || {
                for _ in 0..ROUNDS {
                    incr(&m);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().expect("bench thread panicked");
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("mutex_contended_4x10k");
    g.sample_size(20);
    g.bench_function("avx_os", |b| {
        b.iter(|| contend(Arc::new(avx_os::sync::Mutex::new(0u64)), |m| *m.lock() += 1))
    });
    g.bench_function("std", |b| {
        b.iter(|| {
            contend(Arc::new(std::sync::Mutex::new(0u64)), |m| {
                *m.lock().expect("poisoned") += 1
            })
        })
    });
    g.bench_function("parking_lot", |b| {
        b.iter(|| contend(Arc::new(parking_lot::Mutex::new(0u64)), |m| *m.lock() += 1))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
