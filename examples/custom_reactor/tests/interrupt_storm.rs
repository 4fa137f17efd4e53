//! The board's executor under an interrupt storm: a thread raises 10,000 UART receive
//! interrupts (each one byte, each unparking CPU 0 from the interrupt handler) and 10,000
//! spurious unparks, as fast as it can. Every byte arrives in order, timers keep firing, and
//! the executor is still healthy afterwards.

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use avx_core::executor::{self, Config};
use avx_core::io::AsyncRead;
use avx_core::oracle::FastRand;
use avx_core::time::{Driver, Timers};
use avx_custom_reactor::{Board, BoardClock, Device, Uart};

const CPUS: usize = 2;
const STORM: usize = 10_000;
const SLEEPS: usize = 20;

fn byte(i: usize) -> u8 {
    (i % 251) as u8
}

#[test]
fn no_wake_up_is_lost_and_spurious_ones_do_no_harm() {
    let device = Device::new(CPUS);
    let board = Board::new(device.clone(), CPUS);
    let timers = Timers::new(Driver::new(BoardClock(device.clone()), CPUS));
    let (exec, workers) =
        executor::build(Config::default(), timers.wrap(board.parks()), |i| FastRand::new(i as u64 + 1));
    let cpus: Vec<_> = workers.into_iter().map(|w| std::thread::spawn(move || w.run())).collect();

    let received = Arc::new(AtomicUsize::new(0));
    let (done_tx, done_rx) = mpsc::channel();
    {
        let (device, registry, received, done_tx) =
            (device.clone(), board.registry(), received.clone(), done_tx.clone());
        exec.spawn(async move {
            let mut uart = Uart::open(device, registry).expect("register the UART");
            let mut out_of_order = 0;
            let mut buf = [0u8; 64];
            while received.load(SeqCst) < STORM {
                let mut filled = avx_core::io::ReadBuf::new(&mut buf);
                poll_fn(|cx| Pin::new(&mut uart).poll_read(cx, &mut filled)).await.expect("UART read");
                let n = filled.filled().len();
                let start = received.fetch_add(n, SeqCst);
                out_of_order += buf[..n].iter().enumerate().filter(|&(k, &b)| b != byte(start + k)).count();
            }
            done_tx.send(("bytes out of order", out_of_order)).unwrap();
        });
    }
    {
        let (time, done_tx) = (timers.handle(), done_tx);
        exec.spawn(async move {
            let mut early = 0;
            for _ in 0..SLEEPS {
                let start = time.now();
                time.sleep(Duration::from_millis(1)).await;
                early += usize::from(time.now().saturating_duration_since(start) < Duration::from_millis(1));
            }
            done_tx.send(("sleeps completed early", early)).unwrap();
        });
    }

    // The storm: every receive raises the UART interrupt, whose handler unparks CPU 0; every
    // interrupt also comes with an unpark of some CPU for nothing; the clock ticks now and
    // then. It comes in bursts of 1 to 61 bytes, and after each burst the storm waits until
    // the reader has it all: the last wake-up of every burst is the only one that can wake
    // the reader, so a lost one stalls the test instead of being covered by the next.
    let storm = {
        let (device, received) = (device.clone(), received.clone());
        let unparkers: Vec<_> = (0..CPUS).map(|cpu| board.unparker(cpu)).collect();
        std::thread::spawn(move || {
            let (mut sent, mut burst) = (0, 0);
            let deadline = std::time::Instant::now() + Duration::from_secs(60);
            while sent < STORM {
                burst += 1;
                let end = (sent + burst * 7 % 61 + 1).min(STORM);
                for i in sent..end {
                    device.receive(&[byte(i)]);
                    avx_core::Unpark::unpark(&unparkers[i % CPUS]);
                    if i % 50 == 0 {
                        device.tick();
                    }
                }
                sent = end;
                while received.load(SeqCst) < sent {
                    assert!(
                        std::time::Instant::now() < deadline,
                        "wake-up lost: {} of {sent} bytes read",
                        received.load(SeqCst)
                    );
                    std::thread::yield_now();
                }
            }
        })
    };
    storm.join().expect("the storm found every burst read");
    // Time goes on after the storm, so the remaining sleeps can finish.
    let hardware = device.power_on(VecDeque::new());

    for _ in 0..2 {
        // The bound only keeps a lost wake-up from hanging the test run.
        match done_rx.recv_timeout(Duration::from_secs(60)) {
            Ok((what, count)) => assert_eq!(count, 0, "{what}"),
            Err(e) => panic!("stuck ({e}): {} of {STORM} bytes received", received.load(SeqCst)),
        }
    }
    assert_eq!(received.load(SeqCst), STORM, "every byte of the storm was read, none twice");

    // Still healthy: a task spawned after the storm runs.
    let (after_tx, after_rx) = mpsc::channel();
    exec.spawn(async move { after_tx.send(()).unwrap() });
    after_rx.recv_timeout(Duration::from_secs(60)).expect("the executor runs tasks after the storm");

    exec.shutdown();
    cpus.into_iter().for_each(|cpu| cpu.join().expect("no CPU thread panicked"));
    device.power_off();
    hardware.join().unwrap();
}
