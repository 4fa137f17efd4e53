//! mpsc behaviour beyond send/recv that users (and tokio-stream) rely on: the receiver's view
//! of length, room and closing.

mod common;

use avx_core::channel::mpsc;
use common::block_on;

#[test]
fn bounded_receiver_counts_queued_values_and_room() {
    let (tx, mut rx) = mpsc::channel(3);
    assert_eq!((rx.len(), rx.is_empty(), rx.capacity(), rx.max_capacity()), (0, true, 3, 3));
    tx.try_send(1).unwrap();
    tx.try_send(2).unwrap();
    assert_eq!((rx.len(), rx.is_empty(), rx.capacity()), (2, false, 1));
    // Reserved room is not a queued value, but it is not free either.
    let permit = tx.try_reserve().unwrap();
    assert_eq!((rx.len(), rx.capacity()), (2, 0));
    permit.send(3);
    assert_eq!((rx.len(), rx.capacity()), (3, 0));
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!((rx.len(), rx.capacity(), rx.max_capacity()), (2, 1, 3));
    // Wrapping around the ring keeps the count right.
    for i in 4..20 {
        tx.try_send(i).unwrap();
        assert_eq!(rx.len(), 3);
        rx.try_recv().unwrap();
        assert_eq!(rx.len(), 2);
    }
}

#[test]
fn receiver_is_closed_once_it_closes_or_every_sender_is_gone() {
    let (tx, mut rx) = mpsc::channel::<u8>(1);
    assert!(!rx.is_closed());
    rx.close();
    assert!(rx.is_closed());
    drop(tx);

    let (tx, rx) = mpsc::channel::<u8>(1);
    let tx2 = tx.clone();
    drop(tx);
    assert!(!rx.is_closed());
    drop(tx2);
    assert!(rx.is_closed());

    let (tx, mut rx) = mpsc::unbounded_channel::<u8>();
    assert!(!rx.is_closed());
    tx.send(1).unwrap();
    drop(tx);
    // Closed, though a value is still there to receive.
    assert!(rx.is_closed());
    assert_eq!((rx.len(), rx.is_empty()), (1, false));
    assert_eq!(rx.try_recv(), Ok(1));
    assert!(rx.is_empty());

    let (_tx, mut rx) = mpsc::unbounded_channel::<u8>();
    rx.close();
    assert!(rx.is_closed());
}

#[test]
fn unbounded_receiver_counts_queued_values() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    assert_eq!((rx.len(), rx.is_empty()), (0, true));
    for i in 0..100 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 100);
    assert_eq!(block_on(rx.recv()), Some(0));
    assert_eq!((rx.len(), rx.is_empty()), (99, false));
}

#[test]
fn len_stays_within_bounds_while_producers_race() {
    const PRODUCERS: usize = 4;
    const EACH: usize = 2_000;
    let (tx, mut rx) = mpsc::channel(8);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..EACH {
                    tx.blocking_send(i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut received = 0;
    while let Some(_value) = rx.blocking_recv() {
        received += 1;
        assert!(rx.len() <= rx.max_capacity());
        assert!(rx.len() <= PRODUCERS * EACH - received);
    }
    assert_eq!(received, PRODUCERS * EACH);
    assert_eq!(rx.len(), 0);
    for p in producers {
        p.join().unwrap();
    }
}
