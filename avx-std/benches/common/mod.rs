//! What the comparison benchmarks share: the three runtimes (avx, tokio, smol) behind one
//! `Rt` trait, each with two worker threads.

#![allow(dead_code)] // each benchmark uses part of what is shared here

use std::future::Future;
use std::sync::Arc;

pub const WORKERS: usize = 2;

/// Spawns detached tasks on one of the three runtimes and yields the current task.
pub trait Rt: Clone + Send + Sync + 'static {
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static);
    fn yield_now() -> impl Future<Output = ()> + Send;
}

#[derive(Clone)]
pub struct Avx(pub avx_std::Handle);

impl Rt for Avx {
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        drop(self.0.spawn(future));
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        avx_std::task::yield_now()
    }
}

#[derive(Clone)]
pub struct Tokio(pub tokio::runtime::Handle);

impl Rt for Tokio {
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        drop(self.0.spawn(future));
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }
}

#[derive(Clone)]
pub struct Smol(pub Arc<smol::Executor<'static>>);

impl Rt for Smol {
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        self.0.spawn(future).detach();
    }
    fn yield_now() -> impl Future<Output = ()> + Send {
        smol::future::yield_now()
    }
}

pub fn avx_runtime() -> avx_std::Runtime {
    avx_std::Runtime::builder().worker_threads(WORKERS).build().expect("avx runtime")
}

pub fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(WORKERS).enable_all().build().expect("tokio runtime")
}

/// Owns the threads of a smol executor; stops them on drop.
pub struct SmolRuntime {
    pub rt: Smol,
    stop: Option<smol::channel::Sender<()>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl SmolRuntime {
    pub fn new() -> SmolRuntime {
        let rt = Smol(Arc::new(smol::Executor::new()));
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        let threads = (0..WORKERS)
            .map(|_| {
                let (ex, stopped) = (rt.0.clone(), stopped.clone());
                std::thread::spawn(move || {
                    let _ = smol::block_on(ex.run(stopped.recv()));
                })
            })
            .collect();
        SmolRuntime { rt, stop: Some(stop), threads }
    }
}

impl Drop for SmolRuntime {
    fn drop(&mut self) {
        drop(self.stop.take());
        self.threads.drain(..).for_each(|t| t.join().unwrap());
    }
}
