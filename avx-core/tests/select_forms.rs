//! `select!` forms beyond the basics: block arms with a comma, 64 branches, `mut`/`ref`
//! bindings in refutable patterns, `IntoFuture`, borrowed temporaries, nesting, the budget.

mod common;

use avx_core::coop;
use avx_core::local::CurrentThreadExecutor;
use avx_core::select;
use common::{block_on, Manual};
use std::future::{pending, ready, Future, IntoFuture, Ready};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;

#[test]
fn block_arms_with_and_without_a_comma() {
    let out = block_on(async {
        select! {
            biased;
            _ = pending::<()>() => { 0 },
            x = ready(1) => { x }
            _ = pending::<()>() => { 2 },
        }
    });
    assert_eq!(out, 1);
}

macro_rules! select_sixty_four {
    ($winner:expr; $($i:literal)*) => {
        select! { $( x = ready($i), if $i == $winner => x, )* }
    };
}

#[test]
fn sixty_four_branches_and_the_last_bit_of_the_mask() {
    for winner in [0u32, 31, 63] {
        let out = block_on(async {
            select_sixty_four!(winner;
                0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
                32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63)
        });
        assert_eq!(out, winner);
    }
}

#[test]
fn mut_and_ref_bindings_in_refutable_patterns() {
    let out = block_on(async {
        select! {
            Some(mut text) = ready(Some(String::from("a"))) => {
                text.push('b');
                text
            }
        }
    });
    assert_eq!(out, "ab");
    let out = block_on(async {
        select! {
            Some(ref mut text) = ready(Some(String::from("c"))) => {
                text.push('d');
                text.clone()
            }
        }
    });
    assert_eq!(out, "cd");
    let out = block_on(async {
        select! {
            (Some(ref a), mut b) = ready((None::<u8>, 1u8)) => { b += *a; b }
            else => 9,
        }
    });
    assert_eq!(out, 9, "a mismatching pattern with bindings disables its branch");
}

struct Later(u8);

impl IntoFuture for Later {
    type Output = u8;
    type IntoFuture = Ready<u8>;
    fn into_future(self) -> Ready<u8> {
        ready(self.0)
    }
}

#[test]
fn into_future_values_and_borrowed_temporaries() {
    let out = block_on(async {
        select! {
            x = Later(4) => x,
        }
    });
    assert_eq!(out, 4);
    let out = block_on(async {
        select! {
            x = &mut ready(5u8) => x,
        }
    });
    assert_eq!(out, 5);
}

#[test]
fn nested_in_a_future_and_in_a_handler() {
    let out = block_on(async {
        select! {
            x = async { select! { y = ready(1) => y + 1 } } => select! {
                z = ready(x) => z * 10,
            },
        }
    });
    assert_eq!(out, 20);
}

#[test]
fn caller_items_are_not_shadowed() {
    const BRANCHES: u32 = 7;
    #[allow(non_upper_case_globals)]
    const disabled: u32 = 3;
    let out = block_on(async {
        select! {
            x = ready(BRANCHES) => x + disabled,
        }
    });
    assert_eq!(out, 10);
}

#[test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
fn every_branch_disabled_without_else_panics() {
    block_on(async {
        select! {
            Some(x) = ready(None::<u8>) => x,
        }
    });
}

#[test]
fn a_future_that_completed_with_a_mismatch_is_not_polled_again() {
    let (tx, rx) = avx_core::channel::oneshot::channel::<u8>();
    let polled = Arc::new(AtomicBool::new(false));
    let seen = polled.clone();
    let once = std::future::poll_fn(move |_| {
        assert!(!seen.swap(true, Ordering::SeqCst), "polled after completing");
        Poll::Ready(None::<u8>)
    });
    let mut selected = Manual::new(async move {
        select! {
            Some(v) = once => v,
            Ok(v) = rx => v,
        }
    });
    selected.pending();
    selected.pending();
    tx.send(3).unwrap();
    assert_eq!(selected.ready(), 3);
    assert!(polled.load(Ordering::SeqCst));
}

#[test]
fn a_task_out_of_budget_gets_pending_even_with_a_ready_branch() {
    let executor = CurrentThreadExecutor::new();
    let outcome = Arc::new(std::sync::Mutex::new(None));
    let record = outcome.clone();
    let _task = executor.spawn(async move {
        std::future::poll_fn(|cx| {
            while coop::has_budget_remaining() {
                let _ = coop::poll_proceed(cx);
            }
            Poll::Ready(())
        })
        .await;
        let mut first = true;
        let polled = std::future::poll_fn(|cx| {
            let select = std::pin::pin!(async {
                select! { x = ready(1) => x }
            });
            let result = select.poll(cx);
            if first {
                first = false;
                *record.lock().unwrap() = Some(result.is_pending());
            }
            result
        });
        polled.await
    });
    while executor.try_tick() {}
    assert_eq!(*outcome.lock().unwrap(), Some(true), "select! must yield when the budget is spent");
    assert_eq!(executor.alive_tasks(), 0, "the task finished on its next poll, with a fresh budget");
}
