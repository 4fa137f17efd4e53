//! `join!`, `select!` and `pin!`: outputs, disabled branches, `else`, biased order, and that
//! the losing futures are dropped.

mod common;

use avx_core::channel::oneshot;
use avx_core::sync::Notify;
use avx_core::{join, pin, select};
use common::{block_on, Manual};
use std::future::{pending, ready};

#[test]
fn join_returns_every_output_in_written_order() {
    let (tx, rx) = oneshot::channel();
    let mut joined = Manual::new(async move { join!(async { 1 }, async { rx.await.unwrap() }, ready("three"),) });
    joined.pending();
    tx.send(2u8).unwrap();
    assert!(joined.woken());
    assert_eq!(joined.ready(), (1, 2, "three"));
    assert_eq!(block_on(async { join!(ready(1)) }), (1,));
}

#[test]
fn join_of_many_futures() {
    let out = block_on(async {
        join!(ready(0), ready(1), ready(2), ready(3), ready(4), ready(5), ready(6), ready(7), ready(8))
    });
    assert_eq!(out, (0, 1, 2, 3, 4, 5, 6, 7, 8));
}

#[test]
fn select_runs_the_handler_of_the_ready_branch() {
    let out = block_on(async {
        select! {
            _ = pending::<()>() => 0,
            v = ready(5) => v * 2,
        }
    });
    assert_eq!(out, 10);
}

#[test]
fn select_biased_polls_in_written_order() {
    for _ in 0..20 {
        let out = block_on(async {
            select! {
                biased;
                a = ready(1) => a,
                b = ready(2) => b,
            }
        });
        assert_eq!(out, 1);
    }
}

#[test]
fn select_unbiased_start_varies() {
    let mut seen = [false; 2];
    for _ in 0..200 {
        let out = block_on(async {
            select! {
                a = ready(0usize) => a,
                b = ready(1usize) => b,
            }
        });
        seen[out] = true;
    }
    assert_eq!(seen, [true, true], "both branches should win sometimes");
}

#[test]
fn select_disables_a_branch_whose_pattern_does_not_match() {
    let (tx, rx) = oneshot::channel::<u8>();
    let mut selected = Manual::new(async move {
        select! {
            Some(v) = ready(None::<u8>) => v,
            Ok(v) = rx => v + 100,
        }
    });
    selected.pending();
    tx.send(1).unwrap();
    assert_eq!(selected.ready(), 101);
}

#[test]
fn select_else_runs_when_every_branch_is_disabled() {
    let out = block_on(async {
        select! {
            Some(v) = ready(None::<u8>) => v,
            Ok(v) = ready(Err::<u8, ()>(())) => v,
            else => 42,
        }
    });
    assert_eq!(out, 42);
}

#[test]
fn select_drops_the_losing_futures_before_running_the_handler() {
    let notify = Notify::new();
    let mut selected = Manual::new(async {
        select! {
            _ = notify.notified() => false,
            _ = ready(()) => true,
        }
    });
    assert!(selected.ready());
    // The losing `Notified` is gone, so notify_one stores a permit instead of waking it.
    notify.notify_one();
    Manual::new(notify.notified()).ready();
}

#[test]
fn select_handler_may_use_control_flow() {
    let out = block_on(async {
        let mut rounds = 0;
        loop {
            select! {
                _ = ready(()) => {
                    rounds += 1;
                    if rounds == 3 {
                        break rounds;
                    }
                }
            }
        }
    });
    assert_eq!(out, 3);
}

#[test]
fn pin_shadows_with_a_pinned_reference() {
    let out = block_on(async {
        let fut = async { 3 };
        pin!(fut);
        let a = fut.as_mut().await;
        pin! {
            let other = async { 4 };
        }
        a + other.await
    });
    assert_eq!(out, 7);
}

#[test]
fn select_precondition_false_disables_the_branch() {
    let out = block_on(async {
        let skip_first = true;
        select! {
            biased;
            a = ready(1), if !skip_first => a,
            b = ready(2), if skip_first => { b * 10 }
            c = ready(3) => c,
        }
    });
    assert_eq!(out, 20);
    let out = block_on(async {
        select! {
            a = ready(1), if false => a,
            else => 0,
        }
    });
    assert_eq!(out, 0);
}
