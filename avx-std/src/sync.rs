//! Async synchronisation for tasks: `Mutex`, `RwLock`, `Semaphore`, `Notify`, `Barrier`,
//! `OnceCell`, and the channels `mpsc`, `oneshot`, `broadcast`, `watch` (from avx-core).

pub use avx_core::sync::*;
