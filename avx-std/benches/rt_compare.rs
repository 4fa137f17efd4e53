//! Scheduler benchmarks, avx beside tokio (multi-thread) and smol (async-executor), each with
//! two worker threads, in one process and one run: spawn_many, yield_many, ping_pong, chained_spawn.

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{Avx, Rt, Smol, SmolRuntime, Tokio};

const SPAWN_MANY: usize = 10_000;
const YIELD_TASKS: usize = 200;
const YIELDS: usize = 1_000;
const PINGS: usize = 1_000;
const CHAIN_DEPTH: usize = 1_000;

fn spawn_many<R: Rt>(rt: &R, done: &SyncSender<()>) {
    let remaining = Arc::new(AtomicUsize::new(SPAWN_MANY));
    let (inner, done) = (rt.clone(), done.clone());
    rt.spawn(async move {
        for _ in 0..SPAWN_MANY {
            let (remaining, done) = (remaining.clone(), done.clone());
            inner.spawn(async move {
                if remaining.fetch_sub(1, Relaxed) == 1 {
                    done.send(()).unwrap();
                }
            });
        }
    });
}

fn yield_many<R: Rt>(rt: &R, done: &SyncSender<()>) {
    let remaining = Arc::new(AtomicUsize::new(YIELD_TASKS));
    for _ in 0..YIELD_TASKS {
        let (remaining, done) = (remaining.clone(), done.clone());
        rt.spawn(async move {
            for _ in 0..YIELDS {
                R::yield_now().await;
            }
            if remaining.fetch_sub(1, Relaxed) == 1 {
                done.send(()).unwrap();
            }
        });
    }
}

/// A one-shot channel per runtime: each uses its own.
trait Oneshot {
    fn pair() -> (impl FnOnce() + Send + 'static, impl std::future::Future<Output = ()> + Send + 'static);
}

fn ping_pong<R: Rt, O: Oneshot>(rt: &R, done: &SyncSender<()>) {
    let remaining = Arc::new(AtomicUsize::new(PINGS));
    let (inner, done) = (rt.clone(), done.clone());
    rt.spawn(async move {
        for _ in 0..PINGS {
            let (remaining, done, spawner) = (remaining.clone(), done.clone(), inner.clone());
            inner.spawn(async move {
                let (ping, pinged) = O::pair();
                let (pong, ponged) = O::pair();
                spawner.spawn(async move {
                    pinged.await;
                    pong();
                });
                ping();
                ponged.await;
                if remaining.fetch_sub(1, Relaxed) == 1 {
                    done.send(()).unwrap();
                }
            });
        }
    });
}

fn chained_spawn<R: Rt>(rt: &R, done: &SyncSender<()>) {
    fn link<R: Rt>(rt: R, done: SyncSender<()>, depth: usize) {
        if depth == 0 {
            done.send(()).unwrap();
        } else {
            let inner = rt.clone();
            rt.spawn(async move { link(inner, done, depth - 1) });
        }
    }
    let (inner, done) = (rt.clone(), done.clone());
    rt.spawn(async move { link(inner, done, CHAIN_DEPTH) });
}

struct AvxOneshot;
impl Oneshot for AvxOneshot {
    fn pair() -> (impl FnOnce() + Send + 'static, impl std::future::Future<Output = ()> + Send + 'static) {
        let (tx, rx) = avx_std::sync::oneshot::channel::<()>();
        (move || tx.send(()).unwrap(), async move { rx.await.unwrap() })
    }
}

struct TokioOneshot;
impl Oneshot for TokioOneshot {
    fn pair() -> (impl FnOnce() + Send + 'static, impl std::future::Future<Output = ()> + Send + 'static) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        (move || tx.send(()).unwrap(), async move { rx.await.unwrap() })
    }
}

struct SmolOneshot;
impl Oneshot for SmolOneshot {
    fn pair() -> (impl FnOnce() + Send + 'static, impl std::future::Future<Output = ()> + Send + 'static) {
        let (tx, rx) = smol::channel::bounded::<()>(1);
        (move || tx.try_send(()).unwrap(), async move { rx.recv().await.unwrap() })
    }
}

type Workload<R> = fn(&R, &SyncSender<()>);

fn bench_three(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    avx: Workload<Avx>,
    tokio: Workload<Tokio>,
    smol: Workload<Smol>,
) {
    let (done, finished) = sync_channel(1);
    run_one(group, "avx", &Avx(AVX.with(|rt| rt.handle().clone())), avx, &done, &finished);
    run_one(group, "tokio", &Tokio(TOKIO.with(|rt| rt.handle().clone())), tokio, &done, &finished);
    run_one(group, "smol", &SMOL.with(|rt| rt.rt.clone()), smol, &done, &finished);
}

fn run_one<R: Rt>(
    group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    rt: &R,
    workload: Workload<R>,
    done: &SyncSender<()>,
    finished: &Receiver<()>,
) {
    group.bench_function(name, |b| {
        b.iter(|| {
            workload(rt, done);
            finished.recv().unwrap();
        })
    });
}

thread_local! {
    static AVX: avx_std::Runtime = common::avx_runtime();
    static TOKIO: tokio::runtime::Runtime = common::tokio_runtime();
    static SMOL: SmolRuntime = SmolRuntime::new();
}

fn scheduler(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_many");
    bench_three(&mut group, spawn_many, spawn_many, spawn_many);
    group.finish();
    let mut group = c.benchmark_group("yield_many");
    bench_three(&mut group, yield_many, yield_many, yield_many);
    group.finish();
    let mut group = c.benchmark_group("ping_pong");
    bench_three(&mut group, ping_pong::<_, AvxOneshot>, ping_pong::<_, TokioOneshot>, ping_pong::<_, SmolOneshot>);
    group.finish();
    let mut group = c.benchmark_group("chained_spawn");
    bench_three(&mut group, chained_spawn, chained_spawn, chained_spawn);
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = scheduler
}
criterion_main!(benches);
