//! Compile-time checks: handles are `Send`/`Sync` whenever the values they carry allow it
//! (a `Send` but `!Sync` value must still cross threads through every channel kind).

use avx_core::channel::{broadcast, mpsc, oneshot};
use avx_core::sync::{Mutex, MutexGuard, Notify, OnceCell, RwLock, Semaphore};
use std::cell::Cell;

fn send_sync<T: Send + Sync>() {}

#[test]
fn send_but_not_sync_values_cross_threads() {
    type V = Cell<u8>;
    send_sync::<mpsc::Sender<V>>();
    send_sync::<mpsc::Receiver<V>>();
    send_sync::<mpsc::UnboundedSender<V>>();
    send_sync::<mpsc::UnboundedReceiver<V>>();
    send_sync::<oneshot::Sender<V>>();
    send_sync::<oneshot::Receiver<V>>();
    send_sync::<broadcast::Sender<V>>();
    send_sync::<broadcast::Receiver<V>>();
    send_sync::<Mutex<V>>();
}

#[test]
fn sync_primitives_are_shareable() {
    send_sync::<Semaphore>();
    send_sync::<Notify>();
    send_sync::<RwLock<u8>>();
    send_sync::<OnceCell<u8>>();
    send_sync::<MutexGuard<'static, u8>>();
}
