//! Integration tests of `avx_std::signal` with real signals sent to this process: Ctrl-C, many
//! listeners, repeated deliveries, several runtimes, a runtime going away, refused numbers.
//! Each test uses its own signal, so tests running side by side do not hear each other.
#![cfg(unix)]

use avx_os::signal as sig;
use avx_std::signal::unix::{signal, Signal, SignalKind};
use avx_std::{signal::ctrl_c, Runtime};
use std::io::ErrorKind;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};

fn current_thread() -> Runtime {
    Runtime::builder().current_thread().build().expect("runtime builds")
}

fn send(signum: i32) {
    avx_os::process::kill(std::process::id(), signum).expect("kill(getpid())");
}

/// Polls a listener once outside any runtime.
fn poll_once(signal: &mut Signal) -> Poll<Option<()>> {
    signal.poll_recv(&mut Context::from_waker(Waker::noop()))
}

#[test]
fn ctrl_c_completes_when_sigint_arrives() {
    current_thread().block_on(async {
        let interrupted = ctrl_c();
        // Runs once `ctrl_c` is waiting (and so has installed the handler).
        avx_std::spawn(async { send(sig::SIGINT) });
        interrupted.await.expect("ctrl_c");
    });
}

#[test]
fn every_listener_of_a_signal_hears_one_delivery() {
    current_thread().block_on(async {
        let kind = SignalKind::user_defined2();
        let mut first = signal(kind).unwrap();
        let mut second = signal(kind).unwrap();
        send(sig::SIGUSR2);
        assert_eq!(first.recv().await, Some(()));
        assert_eq!(second.recv().await, Some(()));
    });
}

#[test]
fn each_delivery_after_the_last_recv_is_received() {
    current_thread().block_on(async {
        let mut usr1 = signal(SignalKind::user_defined1()).unwrap();
        for _ in 0..3 {
            send(sig::SIGUSR1);
            assert_eq!(usr1.recv().await, Some(()));
        }
    });
}

#[test]
fn a_burst_wakes_a_listener_and_it_goes_on_receiving() {
    current_thread().block_on(async {
        let mut io = signal(SignalKind::io()).unwrap();
        for _ in 0..5 {
            send(sig::SIGIO);
        }
        assert_eq!(io.recv().await, Some(()));
        send(sig::SIGIO);
        assert_eq!(io.recv().await, Some(()));
    });
}

#[test]
fn dropping_listeners_leaves_the_others_listening() {
    current_thread().block_on(async {
        let kind = SignalKind::window_change();
        let before = signal(kind).unwrap();
        let mut kept = signal(kind).unwrap();
        let after = signal(kind).unwrap();
        drop((before, after));
        send(sig::SIGWINCH);
        assert_eq!(kept.recv().await, Some(()));
    });
}

#[test]
fn a_listener_made_after_the_last_one_was_dropped_still_hears_the_signal() {
    current_thread().block_on(async {
        let kind = SignalKind::alarm();
        drop(signal(kind).unwrap());
        let mut later = signal(kind).unwrap();
        send(sig::SIGALRM);
        assert_eq!(later.recv().await, Some(()));
    });
}

#[test]
fn listeners_on_several_runtimes_all_hear_the_signal() {
    for _round in 0..10 {
        let (ready, listening) = mpsc::channel();
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let ready = ready.clone();
                std::thread::spawn(move || {
                    current_thread().block_on(async {
                        let mut hangup = signal(SignalKind::hangup()).unwrap();
                        ready.send(()).unwrap();
                        hangup.recv().await
                    })
                })
            })
            .collect();
        for _ in 0..4 {
            listening.recv().unwrap();
        }
        send(sig::SIGHUP);
        for thread in threads {
            assert_eq!(thread.join().unwrap(), Some(()));
        }
    }
}

#[test]
fn dropping_one_runtime_does_not_starve_another() {
    let kind = SignalKind::terminate();
    let (first_rt, second_rt) = (current_thread(), current_thread());
    let mut first = first_rt.block_on(async { signal(kind).unwrap() });
    let mut second = second_rt.block_on(async { signal(kind).unwrap() });
    send(sig::SIGTERM);
    assert_eq!(first_rt.block_on(first.recv()), Some(()));
    drop(first_rt);
    drop(first);
    // The first delivery is still unseen by the second listener; then one more.
    assert_eq!(second_rt.block_on(second.recv()), Some(()));
    send(sig::SIGTERM);
    assert_eq!(second_rt.block_on(second.recv()), Some(()));
}

#[test]
fn a_listener_whose_runtime_is_gone_moves_to_the_current_one_or_ends() {
    let kind = SignalKind::quit();
    let old = current_thread();
    let mut quit = old.block_on(async { signal(kind).unwrap() });
    drop(old);
    let new = current_thread();
    send(sig::SIGQUIT);
    assert_eq!(new.block_on(quit.recv()), Some(()), "carried on through the current runtime");
    drop(new);
    assert_eq!(poll_once(&mut quit), Poll::Ready(None), "no runtime left to receive through");
}

#[test]
fn signals_that_cannot_be_handled_are_refused_with_a_reason() {
    current_thread().block_on(async {
        for (signum, says) in
            [(sig::SIGKILL, "never delivered"), (sig::SIGSTOP, "never delivered"), (sig::SIGSEGV, "fault")]
        {
            let error = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput);
            assert!(error.to_string().contains(says), "{error}");
        }
        for signum in [0, -1, sig::NSIG as i32, 10_000] {
            let error = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::InvalidInput, "{signum}");
            assert!(error.to_string().contains("not a signal number"), "{error}");
        }
    });
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn listening_outside_a_runtime_panics_as_tokio_does() {
    let _ = signal(SignalKind::pipe());
}

#[test]
fn kinds_convert_to_and_from_their_numbers() {
    assert_eq!(SignalKind::interrupt().as_raw_value(), sig::SIGINT);
    assert_eq!(SignalKind::from(sig::SIGUSR1), SignalKind::user_defined1());
    assert_eq!(i32::from(SignalKind::child()), sig::SIGCHLD);
}

#[cfg(target_os = "linux")]
#[test]
fn real_time_signals_are_each_received() {
    current_thread().block_on(async {
        // 34 and up belong to programs (32 and 33 to the C library's threads).
        let numbers = 34..=sig::SIGRTMAX.min(34 + 27);
        let mut listeners: Vec<_> =
            numbers.clone().map(|n| (n, signal(SignalKind::from_raw(n)).expect("real-time signal"))).collect();
        for n in numbers {
            send(n);
        }
        for (n, listener) in &mut listeners {
            assert_eq!(listener.recv().await, Some(()), "signal {n}");
        }
    });
    let error = current_thread().block_on(async { signal(SignalKind::from_raw(32)).unwrap_err() });
    assert!(error.to_string().contains("C library"), "{error}");
}
