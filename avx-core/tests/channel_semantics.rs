//! Channel behaviour users rely on: closing, values returned on failed sends, end of stream,
//! broadcast lag, watch change tracking, oneshot completion.

mod common;

use avx_core::channel::{broadcast, mpsc, oneshot, watch};
use common::{block_on, Manual};

#[test]
fn mpsc_delivers_everything_sent_before_the_last_sender_drops() {
    let (tx, mut rx) = mpsc::channel(2);
    let tx2 = tx.clone();
    tx.try_send(1).unwrap();
    tx2.try_send(2).unwrap();
    assert!(matches!(tx.try_send(3), Err(mpsc::error::TrySendError::Full(3))));
    drop((tx, tx2));
    assert_eq!(block_on(rx.recv()), Some(1));
    assert_eq!(block_on(rx.recv()), Some(2));
    assert_eq!(block_on(rx.recv()), None);
    assert_eq!(rx.try_recv(), Err(mpsc::error::TryRecvError::Disconnected));
}

#[test]
fn mpsc_send_to_a_dropped_receiver_returns_the_value() {
    let (tx, rx) = mpsc::channel(2);
    drop(rx);
    assert!(tx.is_closed());
    assert_eq!(block_on(tx.send("v")), Err(mpsc::error::SendError("v")));
    assert!(matches!(tx.try_send("w"), Err(mpsc::error::TrySendError::Closed("w"))));
}

#[test]
fn mpsc_closed_receiver_still_drains_queued_values_and_outstanding_permits() {
    let (tx, mut rx) = mpsc::channel(4);
    tx.try_send(1).unwrap();
    let permit = tx.try_reserve().unwrap();
    rx.close();
    assert!(tx.try_send(9).is_err());
    permit.send(2);
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn mpsc_sender_waiting_for_room_is_woken_when_the_receiver_takes_a_value() {
    let (tx, mut rx) = mpsc::channel(1);
    tx.try_send(1).unwrap();
    let mut send = Manual::new(tx.send(2));
    send.pending();
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(send.woken());
    send.ready().unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn mpsc_sender_closed_completes_when_the_receiver_goes() {
    let (tx, rx) = mpsc::channel::<u8>(1);
    let mut closed = Manual::new(tx.closed());
    closed.pending();
    drop(rx);
    assert!(closed.woken());
    closed.ready();
}

#[test]
fn mpsc_receiver_waiting_is_woken_by_the_last_sender_dropping() {
    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    let mut recv = Manual::new(async move { rx.recv().await });
    recv.pending();
    drop(tx);
    assert!(recv.woken());
    assert_eq!(recv.ready(), None);
}

#[test]
fn unbounded_send_after_close_returns_the_value() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    tx.send(1).unwrap();
    rx.close();
    assert_eq!(tx.send(2), Err(mpsc::error::SendError(2)));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(block_on(rx.recv()), None);
}

#[test]
fn bounded_ring_wraps_many_times_in_order() {
    let (tx, mut rx) = mpsc::channel(3);
    for i in 0..100 {
        tx.try_send(i).unwrap();
        if i % 3 == 2 {
            for j in i - 2..=i {
                assert_eq!(rx.try_recv(), Ok(j));
            }
        }
    }
}

#[test]
fn queued_values_are_dropped_with_the_channel() {
    use std::sync::Arc;
    let marker = Arc::new(());
    let (tx, rx) = mpsc::channel(4);
    tx.try_send(marker.clone()).unwrap();
    let (utx, urx) = mpsc::unbounded_channel();
    utx.send(marker.clone()).unwrap();
    drop((tx, rx, utx, urx));
    assert_eq!(Arc::strong_count(&marker), 1);
}

#[test]
fn oneshot_delivers_or_reports_the_dropped_sender() {
    let (tx, rx) = oneshot::channel();
    tx.send(5).unwrap();
    assert_eq!(block_on(rx), Ok(5));
    let (tx, mut rx) = oneshot::channel::<u8>();
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Empty));
    drop(tx);
    assert_eq!(rx.try_recv(), Err(oneshot::error::TryRecvError::Closed));
}

#[test]
fn oneshot_waiting_receiver_is_woken_by_send_and_by_sender_drop() {
    let (tx, rx) = oneshot::channel::<u8>();
    let mut rx = Manual::new(rx);
    rx.pending();
    tx.send(1).unwrap();
    assert!(rx.woken());
    assert_eq!(rx.ready(), Ok(1));
    let (tx, rx) = oneshot::channel::<u8>();
    let mut rx = Manual::new(rx);
    rx.pending();
    drop(tx);
    assert!(rx.woken());
    assert!(rx.ready().is_err());
}

#[test]
fn oneshot_value_sent_before_close_is_still_received() {
    let (mut tx, mut rx) = oneshot::channel::<u8>();
    let mut closed = Manual::new(async move {
        tx.closed().await;
        tx
    });
    closed.pending();
    rx.close();
    assert!(closed.woken());
    let tx = closed.ready();
    assert_eq!(tx.send(3), Err(3));
    assert!(rx.try_recv().is_err());
    let (tx, mut rx) = oneshot::channel::<u8>();
    tx.send(4).unwrap();
    rx.close();
    assert_eq!(rx.try_recv(), Ok(4));
}

#[test]
fn broadcast_every_receiver_sees_every_value() {
    let (tx, mut a) = broadcast::channel(8);
    let mut b = tx.subscribe();
    assert_eq!(tx.send(1).unwrap(), 2);
    tx.send(2).unwrap();
    assert_eq!((a.try_recv(), a.try_recv()), (Ok(1), Ok(2)));
    assert_eq!(block_on(b.recv()), Ok(1));
    assert_eq!(block_on(b.recv()), Ok(2));
    drop(tx);
    assert_eq!(block_on(a.recv()), Err(broadcast::error::RecvError::Closed));
}

#[test]
fn broadcast_slow_receiver_lags_then_resumes_at_the_oldest_kept() {
    let (tx, mut rx) = broadcast::channel(4);
    for i in 0..10 {
        tx.send(i).unwrap();
    }
    assert_eq!(block_on(rx.recv()), Err(broadcast::error::RecvError::Lagged(6)));
    for i in 6..10 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(broadcast::error::TryRecvError::Empty));
}

#[test]
fn broadcast_send_without_receivers_returns_the_value() {
    let (tx, rx) = broadcast::channel(2);
    drop(rx);
    assert_eq!(tx.send(7), Err(broadcast::error::SendError(7)));
}

#[test]
fn broadcast_waiting_receiver_is_woken_by_send() {
    let (tx, mut rx) = broadcast::channel(2);
    let mut recv = Manual::new(async move { rx.recv().await });
    recv.pending();
    tx.send(3).unwrap();
    assert!(recv.woken());
    assert_eq!(recv.ready(), Ok(3));
}

#[test]
fn watch_tracks_changes_per_receiver() {
    let (tx, mut rx) = watch::channel(0);
    assert_eq!(rx.has_changed(), Ok(false));
    tx.send(1).unwrap();
    let mut rx2 = rx.clone();
    assert!(rx.borrow().has_changed());
    assert_eq!(*rx.borrow_and_update(), 1);
    assert_eq!(rx.has_changed(), Ok(false));
    block_on(rx2.changed()).unwrap();
    tx.send_modify(|v| *v += 10);
    assert_eq!(tx.send_replace(20), 11);
    assert!(!tx.send_if_modified(|_| false));
    block_on(rx.changed()).unwrap();
    assert_eq!(*rx.borrow(), 20);
    drop(tx);
    assert!(block_on(rx.changed()).is_err());
    // The last change is still reported before the end.
    assert!(block_on(rx2.changed()).is_ok());
    assert_eq!(*rx2.borrow(), 20);
}

#[test]
fn watch_send_without_receivers_returns_the_value_and_closed_completes() {
    let (tx, rx) = watch::channel(0);
    let mut closed = Manual::new(tx.closed());
    closed.pending();
    drop(rx);
    assert!(closed.woken());
    closed.ready();
    assert_eq!(tx.send(1), Err(watch::error::SendError(1)));
    let rx = tx.subscribe();
    tx.send(2).unwrap();
    assert_eq!(*rx.borrow(), 2);
}

#[test]
fn watch_waiting_receiver_is_woken_by_send() {
    let (tx, mut rx) = watch::channel(0);
    let mut changed = Manual::new(async move {
        rx.changed().await.unwrap();
        let v = *rx.borrow();
        v
    });
    changed.pending();
    tx.send(4).unwrap();
    assert!(changed.woken());
    assert_eq!(changed.ready(), 4);
}

#[cfg(feature = "std")]
#[test]
fn blocking_send_and_recv_cross_threads() {
    let (tx, mut rx) = mpsc::channel(1);
    let producer = std::thread::spawn(move || {
        for i in 0..1000u32 {
            tx.blocking_send(i).unwrap();
        }
    });
    let mut sum = 0;
    while let Some(v) = rx.blocking_recv() {
        sum += v;
    }
    producer.join().unwrap();
    assert_eq!(sum, 999 * 1000 / 2);
}
