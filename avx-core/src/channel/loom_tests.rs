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

/// Two producers send one value each while the receiver counts and takes: `len` covers every
/// completed send not yet received, never more than was sent, and is exact once they are done.
fn mpsc_len_counts_concurrent_sends<Tx: Send + 'static, Rx>(
    (tx, mut rx): (Tx, Rx),
    send: fn(&Tx, u32),
    len: fn(&Rx) -> usize,
    try_recv: fn(&mut Rx) -> Option<u32>,
) where
    Tx: Clone,
{
    use crate::loom::{AtomicUsize, Ordering::*};
    let sent = crate::loom::Arc::new(AtomicUsize::new(0));
    let producers: alloc::vec::Vec<_> = (1..=2u32)
        .map(|v| {
            let (tx, sent) = (tx.clone(), sent.clone());
            thread::spawn(move || {
                send(&tx, v);
                sent.fetch_add(1, Release);
            })
        })
        .collect();
    drop(tx);
    let mut received = 0;
    for _ in 0..2 {
        let completed = sent.load(Acquire);
        let queued = len(&rx);
        assert!(queued + received >= completed, "a completed send is counted");
        assert!(queued + received <= 2, "nothing is counted twice");
        if try_recv(&mut rx).is_some() {
            received += 1;
        }
    }
    for p in producers {
        p.join().unwrap();
    }
    let queued = len(&rx);
    assert_eq!(queued + received, 2);
    for _ in 0..queued {
        assert!(try_recv(&mut rx).is_some());
    }
    assert_eq!(len(&rx), 0);
    assert!(try_recv(&mut rx).is_none());
}

#[test]
fn mpsc_bounded_len_counts_concurrent_sends() {
    loom::model(|| {
        mpsc_len_counts_concurrent_sends(
            mpsc::channel(2),
            |tx, v| tx.try_send(v).unwrap(),
            |rx| {
                let queued = rx.len();
                assert!(queued <= rx.max_capacity());
                queued
            },
            |rx| rx.try_recv().ok(),
        );
    });
}

#[test]
fn mpsc_unbounded_len_counts_concurrent_sends() {
    loom::model(|| {
        mpsc_len_counts_concurrent_sends(
            mpsc::unbounded_channel(),
            |tx, v| tx.send(v).unwrap(),
            mpsc::UnboundedReceiver::len,
            |rx| rx.try_recv().ok(),
        );
    });
}

#[test]
fn mpsc_receiver_sees_the_end_as_closed() {
    loom::model(|| {
        let (tx, rx) = mpsc::channel::<u32>(1);
        let dropper = thread::spawn(move || drop(tx));
        dropper.join().unwrap();
        assert!(rx.is_closed());
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
fn broadcast_lagging_receiver_accounts_for_every_value() {
    loom::model(|| {
        let (tx, mut rx) = broadcast::channel(1);
        let sender = thread::spawn(move || {
            tx.send(1u32).unwrap();
            tx.send(2u32).unwrap();
        });
        let (received, missed) = block_on(async {
            let (mut received, mut missed, mut last) = (0, 0, 0);
            loop {
                match rx.recv().await {
                    Ok(v) => {
                        assert!(v > last, "values arrive in order");
                        last = v;
                        received += 1;
                    }
                    Err(broadcast::error::RecvError::Lagged(n)) => missed += n,
                    Err(broadcast::error::RecvError::Closed) => break (received, missed),
                }
            }
        });
        // Every value is either received or reported as missed, and the newest always arrives.
        assert_eq!(received + missed, 2);
        assert!(received >= 1);
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
