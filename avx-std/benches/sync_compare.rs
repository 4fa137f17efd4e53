//! Sync primitives and channels: avx's beside tokio::sync and smol's async-channel and
//! async-lock, each on its own runtime with 2 worker threads, in one process and one run.

use criterion::{criterion_group, criterion_main, Criterion};
use std::future::Future;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{Avx, Rt, SmolRuntime, Tokio};

const PRODUCERS: u64 = 8;
const PER_PRODUCER: u64 = 10_000;
const CAPACITY: usize = 1_024;
const PINGS: usize = 1_000;
const CONTENDERS: usize = 16;
const ROUNDS: usize = 1_000;

/// A multi-producer channel of `u64`.
trait Mpsc: 'static {
    type Tx: Clone + Send + 'static;
    type Rx: Send + 'static;
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx);
    fn unbounded() -> (Self::Tx, Self::Rx);
    fn send(tx: &Self::Tx, value: u64) -> impl Future<Output = ()> + Send + '_;
    fn recv(rx: &mut Self::Rx) -> impl Future<Output = Option<u64>> + Send + '_;
}

/// A one-shot channel of `()`.
trait Oneshot: 'static {
    fn pair() -> (impl FnOnce() + Send + 'static, impl Future<Output = ()> + Send + 'static);
}

/// A counting semaphore and a mutex over a counter.
trait Locks: Send + Sync + 'static {
    type Semaphore: Send + Sync + 'static;
    type Mutex: Send + Sync + 'static;
    fn semaphore(permits: usize) -> Self::Semaphore;
    fn with_permit(semaphore: &Self::Semaphore) -> impl Future<Output = ()> + Send + '_;
    fn mutex() -> Self::Mutex;
    fn increment(mutex: &Self::Mutex) -> impl Future<Output = ()> + Send + '_;
}

fn mpsc<S: Rt, C: Mpsc>(rt: &S, done: &SyncSender<()>, bounded: bool) {
    let (tx, mut rx) = if bounded { C::bounded(CAPACITY) } else { C::unbounded() };
    for p in 0..PRODUCERS {
        let tx = tx.clone();
        rt.spawn(async move {
            for i in 0..PER_PRODUCER {
                C::send(&tx, p * PER_PRODUCER + i).await;
            }
        });
    }
    drop(tx);
    let done = done.clone();
    rt.spawn(async move {
        let (mut count, mut sum) = (0u64, 0u64);
        while let Some(value) = C::recv(&mut rx).await {
            count += 1;
            sum += value;
        }
        let n = PRODUCERS * PER_PRODUCER;
        assert_eq!((count, sum), (n, n * (n - 1) / 2));
        done.send(()).unwrap();
    });
}

fn oneshot_ping_pong<S: Rt, O: Oneshot>(rt: &S, done: &SyncSender<()>) {
    let (done, inner) = (done.clone(), rt.clone());
    rt.spawn(async move {
        for _ in 0..PINGS {
            let (ping, pinged) = O::pair();
            let (pong, ponged) = O::pair();
            inner.spawn(async move {
                pinged.await;
                pong();
            });
            ping();
            ponged.await;
        }
        done.send(()).unwrap();
    });
}

fn contention<S: Rt, L: Locks>(rt: &S, done: &SyncSender<()>, use_mutex: bool) {
    let semaphore = Arc::new(L::semaphore(2));
    let mutex = Arc::new(L::mutex());
    let remaining = Arc::new(std::sync::atomic::AtomicUsize::new(CONTENDERS));
    for _ in 0..CONTENDERS {
        let (semaphore, mutex, remaining, done) = (semaphore.clone(), mutex.clone(), remaining.clone(), done.clone());
        rt.spawn(async move {
            for _ in 0..ROUNDS {
                if use_mutex {
                    L::increment(&mutex).await;
                } else {
                    L::with_permit(&semaphore).await;
                }
            }
            if remaining.fetch_sub(1, std::sync::atomic::Ordering::AcqRel) == 1 {
                done.send(()).unwrap();
            }
        });
    }
}

// ---- avx ----
enum AvxSender {
    Bounded(avx_std::sync::mpsc::Sender<u64>),
    Unbounded(avx_std::sync::mpsc::UnboundedSender<u64>),
}
impl Clone for AvxSender {
    fn clone(&self) -> Self {
        match self {
            AvxSender::Bounded(tx) => AvxSender::Bounded(tx.clone()),
            AvxSender::Unbounded(tx) => AvxSender::Unbounded(tx.clone()),
        }
    }
}
enum AvxReceiver {
    Bounded(avx_std::sync::mpsc::Receiver<u64>),
    Unbounded(avx_std::sync::mpsc::UnboundedReceiver<u64>),
}
struct AvxSync;
impl Mpsc for AvxSync {
    type Tx = AvxSender;
    type Rx = AvxReceiver;
    fn bounded(capacity: usize) -> (AvxSender, AvxReceiver) {
        let (tx, rx) = avx_std::sync::mpsc::channel(capacity);
        (AvxSender::Bounded(tx), AvxReceiver::Bounded(rx))
    }
    fn unbounded() -> (AvxSender, AvxReceiver) {
        let (tx, rx) = avx_std::sync::mpsc::unbounded_channel();
        (AvxSender::Unbounded(tx), AvxReceiver::Unbounded(rx))
    }
    async fn send(tx: &AvxSender, value: u64) {
        match tx {
            AvxSender::Bounded(tx) => tx.send(value).await.unwrap(),
            AvxSender::Unbounded(tx) => tx.send(value).unwrap(),
        }
    }
    async fn recv(rx: &mut AvxReceiver) -> Option<u64> {
        match rx {
            AvxReceiver::Bounded(rx) => rx.recv().await,
            AvxReceiver::Unbounded(rx) => rx.recv().await,
        }
    }
}
impl Oneshot for AvxSync {
    fn pair() -> (impl FnOnce() + Send + 'static, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = avx_std::sync::oneshot::channel::<()>();
        (move || tx.send(()).unwrap(), async move { rx.await.unwrap() })
    }
}
impl Locks for AvxSync {
    type Semaphore = avx_std::sync::Semaphore;
    type Mutex = avx_std::sync::Mutex<u64>;
    fn semaphore(permits: usize) -> Self::Semaphore {
        avx_std::sync::Semaphore::new(permits)
    }
    async fn with_permit(semaphore: &Self::Semaphore) {
        let _permit = semaphore.acquire().await.unwrap();
        Avx::yield_now().await;
    }
    fn mutex() -> Self::Mutex {
        avx_std::sync::Mutex::new(0)
    }
    async fn increment(mutex: &Self::Mutex) {
        *mutex.lock().await += 1;
    }
}

// ---- tokio ----
enum TokioSender {
    Bounded(tokio::sync::mpsc::Sender<u64>),
    Unbounded(tokio::sync::mpsc::UnboundedSender<u64>),
}
impl Clone for TokioSender {
    fn clone(&self) -> Self {
        match self {
            TokioSender::Bounded(tx) => TokioSender::Bounded(tx.clone()),
            TokioSender::Unbounded(tx) => TokioSender::Unbounded(tx.clone()),
        }
    }
}
enum TokioReceiver {
    Bounded(tokio::sync::mpsc::Receiver<u64>),
    Unbounded(tokio::sync::mpsc::UnboundedReceiver<u64>),
}
struct TokioSync;
impl Mpsc for TokioSync {
    type Tx = TokioSender;
    type Rx = TokioReceiver;
    fn bounded(capacity: usize) -> (TokioSender, TokioReceiver) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity);
        (TokioSender::Bounded(tx), TokioReceiver::Bounded(rx))
    }
    fn unbounded() -> (TokioSender, TokioReceiver) {
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        (TokioSender::Unbounded(tx), TokioReceiver::Unbounded(rx))
    }
    async fn send(tx: &TokioSender, value: u64) {
        match tx {
            TokioSender::Bounded(tx) => tx.send(value).await.unwrap(),
            TokioSender::Unbounded(tx) => tx.send(value).unwrap(),
        }
    }
    async fn recv(rx: &mut TokioReceiver) -> Option<u64> {
        match rx {
            TokioReceiver::Bounded(rx) => rx.recv().await,
            TokioReceiver::Unbounded(rx) => rx.recv().await,
        }
    }
}
impl Oneshot for TokioSync {
    fn pair() -> (impl FnOnce() + Send + 'static, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        (move || tx.send(()).unwrap(), async move { rx.await.unwrap() })
    }
}
impl Locks for TokioSync {
    type Semaphore = tokio::sync::Semaphore;
    type Mutex = tokio::sync::Mutex<u64>;
    fn semaphore(permits: usize) -> Self::Semaphore {
        tokio::sync::Semaphore::new(permits)
    }
    async fn with_permit(semaphore: &Self::Semaphore) {
        let _permit = semaphore.acquire().await.unwrap();
        Tokio::yield_now().await;
    }
    fn mutex() -> Self::Mutex {
        tokio::sync::Mutex::new(0)
    }
    async fn increment(mutex: &Self::Mutex) {
        *mutex.lock().await += 1;
    }
}

// ---- smol (async-channel, async-lock) ----
struct SmolSync;
impl Mpsc for SmolSync {
    type Tx = async_channel::Sender<u64>;
    type Rx = async_channel::Receiver<u64>;
    fn bounded(capacity: usize) -> (Self::Tx, Self::Rx) {
        async_channel::bounded(capacity)
    }
    fn unbounded() -> (Self::Tx, Self::Rx) {
        async_channel::unbounded()
    }
    async fn send(tx: &Self::Tx, value: u64) {
        tx.send(value).await.unwrap();
    }
    async fn recv(rx: &mut Self::Rx) -> Option<u64> {
        rx.recv().await.ok()
    }
}
impl Oneshot for SmolSync {
    fn pair() -> (impl FnOnce() + Send + 'static, impl Future<Output = ()> + Send + 'static) {
        let (tx, rx) = async_channel::bounded::<()>(1);
        (move || tx.try_send(()).unwrap(), async move { rx.recv().await.unwrap() })
    }
}
impl Locks for SmolSync {
    type Semaphore = async_lock::Semaphore;
    type Mutex = async_lock::Mutex<u64>;
    fn semaphore(permits: usize) -> Self::Semaphore {
        async_lock::Semaphore::new(permits)
    }
    async fn with_permit(semaphore: &Self::Semaphore) {
        let _permit = semaphore.acquire().await;
        common::Smol::yield_now().await;
    }
    fn mutex() -> Self::Mutex {
        async_lock::Mutex::new(0)
    }
    async fn increment(mutex: &Self::Mutex) {
        *mutex.lock().await += 1;
    }
}

fn sync(c: &mut Criterion) {
    let avx_rt = common::avx_runtime();
    let tokio_rt = common::tokio_runtime();
    let smol_rt = SmolRuntime::new();
    let avx = Avx(avx_rt.handle().clone());
    let tokio = Tokio(tokio_rt.handle().clone());
    let smol = smol_rt.rt.clone();
    let (done, finished) = sync_channel(1);
    let mut measure = |group: &str, name: &str, run: &dyn Fn(&SyncSender<()>)| {
        c.benchmark_group(group).bench_function(name, |b| {
            b.iter(|| {
                run(&done);
                finished.recv().unwrap();
            })
        });
    };
    measure("mpsc_contention", "avx", &|d| mpsc::<_, AvxSync>(&avx, d, true));
    measure("mpsc_contention", "tokio", &|d| mpsc::<_, TokioSync>(&tokio, d, true));
    measure("mpsc_contention", "smol", &|d| mpsc::<_, SmolSync>(&smol, d, true));
    measure("unbounded", "avx", &|d| mpsc::<_, AvxSync>(&avx, d, false));
    measure("unbounded", "tokio", &|d| mpsc::<_, TokioSync>(&tokio, d, false));
    measure("unbounded", "smol", &|d| mpsc::<_, SmolSync>(&smol, d, false));
    measure("oneshot", "avx", &|d| oneshot_ping_pong::<_, AvxSync>(&avx, d));
    measure("oneshot", "tokio", &|d| oneshot_ping_pong::<_, TokioSync>(&tokio, d));
    measure("oneshot", "smol", &|d| oneshot_ping_pong::<_, SmolSync>(&smol, d));
    measure("semaphore", "avx", &|d| contention::<_, AvxSync>(&avx, d, false));
    measure("semaphore", "tokio", &|d| contention::<_, TokioSync>(&tokio, d, false));
    measure("semaphore", "smol", &|d| contention::<_, SmolSync>(&smol, d, false));
    measure("mutex", "avx", &|d| contention::<_, AvxSync>(&avx, d, true));
    measure("mutex", "tokio", &|d| contention::<_, TokioSync>(&tokio, d, true));
    measure("mutex", "smol", &|d| contention::<_, SmolSync>(&smol, d, true));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = sync
}
criterion_main!(benches);
