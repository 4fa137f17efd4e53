//! `#[avx_std::main]` and `#[avx_std::test]`: the runtime each argument asks for, kept
//! attributes, `Result` bodies, and `crate = ".."`.

use avx_std::runtime::Handle;
use avx_std::time::{self, Instant};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[avx_std::test]
async fn test_defaults_to_a_current_thread_runtime() {
    assert_eq!(Handle::current().num_workers(), 1);
    assert_eq!(avx_std::spawn(async { 6 * 7 }).await.unwrap(), 42);
}

#[avx_std::test(flavor = "multi_thread", worker_threads = 3)]
async fn multi_thread_with_worker_threads() {
    assert_eq!(Handle::current().num_workers(), 3);
}

#[avx_std::test(flavor = "current_thread", start_paused = true)]
async fn start_paused_freezes_the_clock_until_timers_advance_it() {
    let before = Instant::now();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(Instant::now(), before, "a paused clock does not follow real time");
    time::sleep(Duration::from_secs(3600)).await;
    assert!(Instant::now().duration_since(before) >= Duration::from_secs(3600), "the clock jumped to the timer");
}

#[avx_std::test]
#[should_panic(expected = "the body's panic")]
async fn should_panic_is_kept() {
    panic!("the body's panic");
}

#[avx_std::test]
#[ignore = "must never run: proves #[ignore] survives the expansion"]
async fn ignore_is_kept() {
    panic!("an ignored test ran");
}

#[avx_std::test]
async fn a_result_body_may_use_question_mark() -> Result<(), std::num::ParseIntError> {
    let n: u8 = "42".parse()?;
    assert_eq!(n, 42);
    Ok(())
}

#[avx_std::main]
async fn main_on_any_fn(x: u32) -> u32 {
    assert!(Handle::current().num_workers() >= 1);
    avx_std::spawn(async move { x + 1 }).await.unwrap()
}

#[avx_std::main(flavor = "current_thread")]
async fn main_current_thread() -> usize {
    Handle::current().num_workers()
}

#[test]
fn main_blocks_on_the_body_and_returns_its_output() {
    assert_eq!(main_on_any_fn(1), 2);
    assert_eq!(main_current_thread(), 1);
}

struct Counter;

impl Counter {
    #[avx_std::main(flavor = "current_thread")]
    async fn method(self, by: u32) -> u32 {
        by * 2
    }
}

#[test]
fn main_on_a_method_taking_self() {
    assert_eq!(Counter.method(21), 42);
}

/// A stand-in crate root whose `Builder` records that the expansion went through it.
mod counting {
    pub static USED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    pub mod runtime {
        pub struct Builder;
        impl Builder {
            pub fn new_current_thread() -> avx_std::runtime::Builder {
                super::USED.store(true, std::sync::atomic::Ordering::SeqCst);
                avx_std::runtime::Builder::new_current_thread()
            }
        }
    }
}

#[avx_std::test(crate = "counting")]
async fn crate_argument_is_the_path_the_expansion_uses() {
    assert!(counting::USED.load(Ordering::SeqCst));
}

static SIDE_EFFECT: AtomicBool = AtomicBool::new(false);

mod shadowing {
    // Local names that an unhygienic expansion would pick up instead of avx's.
    #[allow(unused_imports)]
    use std as avx_std;
    #[allow(dead_code)]
    struct Builder;
    #[allow(dead_code)]
    fn body() {}

    #[::avx_std::test]
    async fn expansion_ignores_local_names() {
        super::SIDE_EFFECT.store(true, super::Ordering::SeqCst);
        assert!(super::SIDE_EFFECT.load(super::Ordering::SeqCst));
    }
}
