//! Paused time as Tokio users rely on it: the clock jumps only when the runtime has nothing
//! to do (not past a pending I/O event, a wake-up or a `spawn_blocking` closure), `advance`
//! moves it by exactly its duration, misuse panics clearly, huge durations do not overflow.

use avx_std::io::{AsyncReadExt, AsyncWriteExt};
use avx_std::net::UnixStream;
use avx_std::runtime::Builder;
use avx_std::sync::oneshot;
use avx_std::time::{self, Duration, Instant};
use avx_std::Runtime;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

fn paused() -> Runtime {
    Builder::new_current_thread().start_paused(true).build().unwrap()
}

fn running() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

/// The panic message of `f`, which must panic.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn a_paused_runtime_never_moves_its_clock_by_itself_in_real_time() {
    paused().block_on(async {
        let start = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(Instant::now(), start);
    });
}

#[test]
fn timers_fall_on_whole_milliseconds_of_the_runtimes_own_clock() {
    paused().block_on(async {
        let start = Instant::now();
        time::sleep(Duration::from_micros(1_500)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(2), "rounded up to the next whole millisecond");
        let start = Instant::now();
        time::sleep(Duration::from_millis(7)).await;
        assert_eq!(start.elapsed(), Duration::from_millis(7));
    });
}

#[test]
fn advance_moves_the_clock_by_exactly_its_duration_and_no_further() {
    paused().block_on(async {
        let (tx, rx) = oneshot::channel::<()>();
        let start = Instant::now();
        let timeout = time::timeout(Duration::from_millis(100), rx);
        let mut timeout = pin!(timeout);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(timeout.as_mut().poll(&mut cx).is_pending());
        // The task is ready again at once after `advance` (it yields): that is not idleness,
        // so the clock must not jump on to the timeout's deadline.
        time::advance(Duration::from_micros(90_500)).await;
        assert_eq!(start.elapsed(), Duration::from_micros(90_500));
        assert!(timeout.as_mut().poll(&mut cx).is_pending());
        tx.send(()).unwrap();
        assert!(matches!(timeout.as_mut().poll(&mut cx), Poll::Ready(Ok(Ok(())))));
    });
}

#[test]
fn advance_fires_the_timers_it_passes_before_returning() {
    paused().block_on(async {
        let mut sleep = Box::pin(time::sleep(Duration::from_millis(1)));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(sleep.as_mut().poll(&mut cx).is_pending());
        time::advance(Duration::from_micros(250)).await;
        assert!(!sleep.is_elapsed());
        time::advance(Duration::from_micros(1_500)).await;
        assert!(sleep.is_elapsed());
        assert!(sleep.as_mut().poll(&mut cx).is_ready());
    });
}

#[test]
fn the_clock_does_not_jump_past_an_io_event_the_runtime_has_not_handled() {
    paused().block_on(async {
        let start = Instant::now();
        let (mut a, mut b) = UnixStream::pair().unwrap();
        let reader = avx_std::spawn(async move {
            let mut byte = [0u8; 1];
            b.read_exact(&mut byte).await.unwrap();
            start.elapsed()
        });
        // The reader now waits for readiness; the byte's event reaches the reactor while the
        // runtime would otherwise be idle.
        avx_std::task::yield_now().await;
        a.write_all(b"x").await.unwrap();
        time::sleep(Duration::from_millis(100)).await;
        assert_eq!(reader.await.unwrap(), Duration::ZERO, "the byte was read before the clock moved");
        assert_eq!(start.elapsed(), Duration::from_millis(100));
    });
}

#[test]
fn a_spawn_blocking_closure_in_flight_holds_the_clock() {
    paused().block_on(async {
        let start = Instant::now();
        let blocking = avx_std::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)));
        let outcome = time::timeout(Duration::from_millis(1), blocking).await;
        assert!(matches!(outcome, Ok(Ok(()))), "the timeout fired while the closure ran");
        assert_eq!(start.elapsed(), Duration::ZERO);
    });
}

#[test]
fn a_finished_blocking_closure_nobody_awaits_lets_the_clock_move_again() {
    let real = std::time::Instant::now();
    paused().block_on(async {
        let blocking = avx_std::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1)));
        let start = Instant::now();
        time::sleep(Duration::from_secs(15)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(15));
        blocking.await.unwrap();
    });
    assert!(real.elapsed() < Duration::from_secs(10), "the runtime slept in real time");
}

#[test]
fn a_panicking_blocking_closure_lets_the_clock_move_again() {
    paused().block_on(async {
        let blocking = avx_std::task::spawn_blocking(|| panic!("boom"));
        assert!(blocking.await.is_err());
        let start = Instant::now();
        time::sleep(Duration::from_secs(60)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    });
}

#[test]
fn a_huge_sleep_lasts_about_thirty_years_and_overflows_nothing() {
    paused().block_on(async {
        let start = Instant::now();
        let sleep = time::sleep(Duration::MAX);
        let years = sleep.deadline().duration_since(start).as_secs() / (365 * 24 * 3600);
        assert_eq!(years, 30);
        sleep.await;
        assert!(start.elapsed() >= Duration::from_secs(30 * 365 * 24 * 3600));
        let mut interval = time::interval(Duration::MAX);
        interval.tick().await;
        interval.reset_after(Duration::MAX);
        assert_eq!(time::timeout(Duration::MAX, async { 7 }).await, Ok(7));
    });
}

#[test]
fn a_sleep_is_not_elapsed_until_polled_even_past_its_deadline() {
    paused().block_on(async {
        let sleep = time::sleep_until(Instant::now());
        let mut sleep = pin!(sleep);
        assert!(!sleep.is_elapsed());
        sleep.as_mut().await;
        assert!(sleep.is_elapsed());
        sleep.as_mut().reset(Instant::now() + Duration::from_secs(1));
        assert!(!sleep.is_elapsed());
    });
}

#[test]
fn pausing_twice_resuming_a_running_clock_or_advancing_it_panics() {
    let rt = running();
    let message = panic_message(|| rt.block_on(async { time::resume() }));
    assert!(message.contains("not paused"), "{message}");
    let message = panic_message(|| rt.block_on(time::advance(Duration::from_secs(1))));
    assert!(message.contains("not paused"), "{message}");
    let message = panic_message(|| {
        rt.block_on(async {
            time::pause();
            time::pause();
        })
    });
    assert!(message.contains("already paused"), "{message}");
}

#[test]
fn resume_continues_from_the_paused_instant() {
    running().block_on(async {
        let start = Instant::now();
        time::pause();
        time::advance(Duration::from_secs(10)).await;
        let advanced = Instant::now();
        time::resume();
        assert!(Instant::now() >= advanced);
        assert!(Instant::now() - advanced < Duration::from_secs(1));
        assert!(advanced - start >= Duration::from_secs(10));
        time::pause();
        time::advance(Duration::from_secs(10)).await;
        assert!(Instant::now() - start >= Duration::from_secs(20));
    });
}

#[test]
fn pause_on_a_multi_threaded_runtime_names_the_current_thread_runtime() {
    let rt = Builder::new_multi_thread().worker_threads(1).build().unwrap();
    let message = panic_message(|| rt.block_on(async { time::pause() }));
    assert!(message.contains("requires the `current_thread` avx runtime"), "{message}");
    let error = Builder::new_multi_thread().start_paused(true).build().unwrap_err();
    assert!(error.to_string().contains("current-thread"), "{error}");
}

#[test]
fn timers_outside_a_runtime_panic_naming_the_function() {
    let message = panic_message(|| drop(time::sleep(Duration::from_secs(1))));
    assert!(message.contains("`avx_std::time::sleep`") && message.contains("no avx runtime"), "{message}");
    let message = panic_message(|| drop(time::interval(Duration::ZERO)));
    assert!(message.contains("`period` must be non-zero."), "{message}");
}
