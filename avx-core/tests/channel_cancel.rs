//! Cancellation of channel operations: futures dropped at their await point must not lose a
//! value, a slot of capacity or a wake-up.

mod common;

use avx_core::channel::{broadcast, mpsc, oneshot, watch};
use common::{block_on, Manual};

#[test]
fn mpsc_send_dropped_while_waiting_for_room_keeps_capacity_and_order() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut blocked = Manual::new(tx.send(2));
    blocked.pending();
    drop(blocked);
    assert_eq!(rx.try_recv(), Ok(1));
    // The dropped send neither delivered its value nor kept the freed slot.
    assert_eq!(tx.capacity(), 1);
    tx.try_send(3).unwrap();
    assert_eq!(rx.try_recv(), Ok(3));
}

#[test]
fn mpsc_reserve_dropped_after_being_granted_room_passes_it_on() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(0).unwrap();
    let mut first = Manual::new(tx.reserve());
    let mut second = Manual::new(async {
        tx.reserve().await.unwrap().send(2);
    });
    first.pending();
    second.pending();
    assert_eq!(rx.try_recv(), Ok(0));
    assert!(first.woken());
    drop(first);
    assert!(second.woken());
    second.ready();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn mpsc_unused_permit_returns_room() {
    let (tx, _rx) = mpsc::channel::<u8>(2);
    let permit = block_on(tx.reserve()).unwrap();
    assert_eq!(tx.capacity(), 1);
    drop(permit);
    assert_eq!(tx.capacity(), 2);
}

#[test]
fn mpsc_recv_dropped_while_waiting_loses_nothing() {
    let (tx, mut rx) = mpsc::channel(4);
    let mut pending = Manual::new(async move {
        let v = rx.recv().await;
        (v, rx)
    });
    pending.pending();
    tx.try_send(5).unwrap();
    assert!(pending.woken());
    let (v, mut rx) = pending.ready();
    assert_eq!(v, Some(5));
    let mut again = Manual::new(rx.recv());
    again.pending();
    drop(again);
    tx.try_send(6).unwrap();
    assert_eq!(rx.try_recv(), Ok(6));
}

#[test]
fn unbounded_recv_dropped_while_waiting_loses_nothing() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut waiting = Manual::new(rx.recv());
    waiting.pending();
    tx.send(1).unwrap();
    assert!(waiting.woken());
    drop(waiting);
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn oneshot_receiver_polled_then_dropped_makes_send_return_the_value() {
    let (tx, rx) = oneshot::channel::<String>();
    let mut rx = Manual::new(rx);
    rx.pending();
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(tx.send("kept".into()), Err("kept".to_string()));
}

#[test]
fn broadcast_recv_dropped_while_waiting_does_not_advance() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut waiting = Manual::new(rx.recv());
    waiting.pending();
    tx.send(1).unwrap();
    assert!(waiting.woken());
    drop(waiting);
    assert_eq!(rx.try_recv(), Ok(1));
}

#[test]
fn watch_changed_dropped_while_waiting_keeps_the_change_unseen() {
    let (tx, mut rx) = watch::channel(0);
    let mut waiting = Manual::new(rx.changed());
    waiting.pending();
    tx.send(1).unwrap();
    assert!(waiting.woken());
    drop(waiting);
    assert_eq!(rx.has_changed(), Ok(true));
    block_on(rx.changed()).unwrap();
    assert_eq!(*rx.borrow(), 1);
}
