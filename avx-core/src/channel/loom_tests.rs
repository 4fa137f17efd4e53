//! Loom models of every channel kind: values are neither lost nor duplicated and the
//! receiver always learns of the end. Run:
//! `RUSTFLAGS="--cfg loom" LOOM_MAX_PREEMPTIONS=2 cargo test -p avx-core --release --lib channel::loom`

use crate::sync::loom_tests::block_on;
use loom::thread;

use super::{broadcast, mpsc, oneshot, watch};

#[test]
fn mpsc_bounded_delivers_in_order_then_ends() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let producer = thread::spawn(move || {
            block_on(async {
                tx.send(1).await.unwrap();
                tx.send(2).await.unwrap();
            })
        });
        block_on(async {
            assert_eq!(rx.recv().await, Some(1));
            assert_eq!(rx.recv().await, Some(2));
            assert_eq!(rx.recv().await, None);
        });
        producer.join().unwrap();
    });
}

#[test]
fn mpsc_bounded_two_senders_share_one_slot() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::channel(1);
        let producers: alloc::vec::Vec<_> = (1..=2u32)
            .map(|v| {
                let tx = tx.clone();
                thread::spawn(move || block_on(tx.send(v)).unwrap())
            })
            .collect();
        drop(tx);
        let sum = block_on(async {
            let mut sum = 0;
            while let Some(v) = rx.recv().await {
                sum += v;
            }
            sum
        });
        assert_eq!(sum, 3);
        for p in producers {
            p.join().unwrap();
        }
    });
}

#[test]
fn mpsc_send_racing_receiver_drop_returns_or_delivers() {
    loom::model(|| {
        let (tx, rx) = mpsc::channel(1);
        let dropper = thread::spawn(move || drop(rx));
        // Either queued before the close (and dropped with the receiver) or refused.
        let _ = tx.try_send(1);
        dropper.join().unwrap();
        assert!(tx.try_send(2).is_err());
    });
}

#[test]
fn mpsc_unbounded_two_senders_then_end() {
    loom::model(|| {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let tx2 = tx.clone();
        let a = thread::spawn(move || tx.send(1u32).unwrap());
        let b = thread::spawn(move || tx2.send(2u32).unwrap());
        let sum = block_on(async {
            let mut sum = 0;
            while let Some(v) = rx.recv().await {
                sum += v;
            }
            sum
        });
        assert_eq!(sum, 3);
        a.join().unwrap();
        b.join().unwrap();
    });
}

#[test]
fn oneshot_send_wakes_receiver() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let sender = thread::spawn(move || tx.send(7u32).unwrap());
        assert_eq!(block_on(rx), Ok(7));
        sender.join().unwrap();
    });
}

#[test]
fn oneshot_send_racing_receiver_drop_never_loses_the_value() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel();
        let value = alloc::sync::Arc::new(());
        let sent = value.clone();
        let dropper = thread::spawn(move || drop(rx));
        let result = tx.send(sent);
        dropper.join().unwrap();
        // Returned to us, or dropped with the receiver: never leaked, never both.
        drop(result);
        assert_eq!(alloc::sync::Arc::strong_count(&value), 1);
    });
}

#[test]
fn oneshot_sender_drop_ends_receiver() {
    loom::model(|| {
        let (tx, rx) = oneshot::channel::<u32>();
        let dropper = thread::spawn(move || drop(tx));
        assert!(block_on(rx).is_err());
        dropper.join().unwrap();
    });
}

#[test]
fn broadcast_delivers_then_closes() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(2);
        let sender = thread::spawn(move || {
            tx.send(1u32).unwrap();
            tx.send(2u32).unwrap();
        });
        block_on(async {
            assert_eq!(rx.recv().await, Ok(1));
            assert_eq!(rx.recv().await, Ok(2));
            assert_eq!(rx.recv().await, Err(broadcast::error::RecvError::Closed));
        });
        sender.join().unwrap();
    });
}

#[test]
fn watch_last_value_is_seen_before_close() {
    loom::model(|| {
        let (tx, mut rx) = watch::channel(0u32);
        let sender = thread::spawn(move || {
            tx.send_replace(1);
            tx.send_replace(2);
        });
        let last = block_on(async {
            while rx.changed().await.is_ok() {}
            *rx.borrow_and_update()
        });
        assert_eq!(last, 2);
        sender.join().unwrap();
    });
}
