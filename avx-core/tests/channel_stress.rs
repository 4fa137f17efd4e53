//! Stress: 8 producer threads push through each channel kind; the receiving side checks the
//! count, a checksum and per-producer order, so a lost, duplicated or reordered value fails.

mod common;

use avx_core::channel::{broadcast, mpsc, watch};
use common::block_on;
use std::sync::Arc;
use std::thread;

const PRODUCERS: u64 = 8;
const PER_PRODUCER: u64 = 100_000;

fn message(producer: u64, i: u64) -> u64 {
    producer * PER_PRODUCER + i
}

/// Checks a received stream: every producer's values arrive complete and in order.
struct Checker {
    next: Vec<u64>,
    sum: u64,
    count: u64,
}

impl Checker {
    fn new(producers: u64) -> Self {
        Self { next: vec![0; producers as usize], sum: 0, count: 0 }
    }

    fn see(&mut self, value: u64) {
        let producer = (value / PER_PRODUCER) as usize;
        assert_eq!(value % PER_PRODUCER, self.next[producer], "producer {producer} out of order");
        self.next[producer] += 1;
        self.sum += value;
        self.count += 1;
    }

    fn finish(self, per_producer: u64) {
        let producers = self.next.len() as u64;
        assert_eq!(self.count, producers * per_producer);
        let expected: u64 = (0..producers).flat_map(|p| (0..per_producer).map(move |i| message(p, i))).sum();
        assert_eq!(self.sum, expected);
    }
}

#[test]
fn mpsc_bounded_8_producers() {
    let (tx, mut rx) = mpsc::channel(1024);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                block_on(async {
                    for i in 0..PER_PRODUCER {
                        tx.send(message(p, i)).await.unwrap();
                    }
                })
            })
        })
        .collect();
    drop(tx);
    let mut checker = Checker::new(PRODUCERS);
    block_on(async {
        while let Some(v) = rx.recv().await {
            checker.see(v);
        }
    });
    producers.into_iter().for_each(|p| p.join().unwrap());
    checker.finish(PER_PRODUCER);
}

#[test]
fn mpsc_bounded_tiny_capacity_8_producers() {
    let per_producer = PER_PRODUCER / 10;
    let (tx, mut rx) = mpsc::channel(2);
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                block_on(async {
                    for i in 0..per_producer {
                        let permit = tx.reserve().await.unwrap();
                        permit.send(message(p, i));
                    }
                })
            })
        })
        .collect();
    drop(tx);
    let mut checker = Checker::new(PRODUCERS);
    block_on(async {
        while let Some(v) = rx.recv().await {
            checker.see(v);
        }
    });
    producers.into_iter().for_each(|p| p.join().unwrap());
    checker.finish(per_producer);
}

#[test]
fn mpsc_unbounded_8_producers() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..PER_PRODUCER {
                    tx.send(message(p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let mut checker = Checker::new(PRODUCERS);
    block_on(async {
        while let Some(v) = rx.recv().await {
            checker.see(v);
        }
    });
    producers.into_iter().for_each(|p| p.join().unwrap());
    checker.finish(PER_PRODUCER);
}

#[test]
fn broadcast_8_producers_2_receivers() {
    let per_producer = 10_000;
    // Large enough that no receiver lags: every value must arrive at both.
    let (tx, rx_a) = broadcast::channel(1 << 17);
    let rx_b = tx.subscribe();
    let receivers: Vec<_> = [rx_a, rx_b]
        .into_iter()
        .map(|mut rx| {
            thread::spawn(move || {
                let mut checker = Checker::new(PRODUCERS);
                block_on(async {
                    loop {
                        match rx.recv().await {
                            Ok(v) => checker.see(v),
                            Err(broadcast::error::RecvError::Closed) => break,
                            Err(e) => panic!("unexpected {e}"),
                        }
                    }
                });
                checker.finish(per_producer);
            })
        })
        .collect();
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|p| {
            let tx = tx.clone();
            thread::spawn(move || {
                for i in 0..per_producer {
                    tx.send(message(p, i)).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    producers.into_iter().for_each(|p| p.join().unwrap());
    receivers.into_iter().for_each(|r| r.join().unwrap());
}

#[test]
fn watch_8_producers_final_value_seen() {
    let (tx, mut rx) = watch::channel(0u64);
    let tx = Arc::new(tx);
    let watcher = thread::spawn(move || {
        let mut last = 0;
        block_on(async {
            while rx.changed().await.is_ok() {
                let v = *rx.borrow_and_update();
                assert!(v >= last, "watch went backwards");
                last = v;
            }
        });
        *rx.borrow()
    });
    let producers: Vec<_> = (0..PRODUCERS)
        .map(|_| {
            let tx = tx.clone();
            thread::spawn(move || {
                for _ in 0..PER_PRODUCER {
                    tx.send_modify(|v| *v += 1);
                }
            })
        })
        .collect();
    producers.into_iter().for_each(|p| p.join().unwrap());
    drop(tx);
    assert_eq!(watcher.join().unwrap(), PRODUCERS * PER_PRODUCER);
}
