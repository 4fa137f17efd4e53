//! avx-core's multi-worker executor on an integrator's own board (no OS layer): tasks read the
//! simulated UART through the board's reactor, pass lines over a channel, share a `Mutex`,
//! sleep on the board's clock, and the results are checked against what went over the wire.
//!
//! `cargo run --release --example custom_reactor` prints one `custom_reactor: ok ...` line
//! and exits 0, or panics naming the result that differs.

use std::collections::VecDeque;
use std::future::{pending, poll_fn};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use avx_core::executor::{self, Config};
use avx_core::io::AsyncRead;
use avx_core::oracle::FastRand;
use avx_core::sync::{mpsc, Mutex};
use avx_core::time::{Driver, Timers};
use avx_core::Clock;
use avx_custom_reactor::{Board, BoardClock, BoardRegistry, Device, Uart};

const CPUS: usize = 2;
const LINES: usize = 64;
const CHUNK: usize = 7;
const CHUNK_EVERY_NS: u64 = 300_000;
const COMPUTE_TASKS: u64 = 16;

/// What the tasks observed.
#[derive(Debug, Default, PartialEq)]
struct Report {
    bytes: usize,
    lines: usize,
    checksum: u64,
    longest_line: usize,
    sum_of_squares: u64,
    slept_at_least: bool,
    timed_out: bool,
}

/// FNV-1a over `bytes`, continuing from `hash`.
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn message() -> Vec<u8> {
    (0..LINES)
        .flat_map(|i| format!("line {i:03}: the quick brown fox jumps over the lazy dog\n").into_bytes())
        .collect()
}

/// The wire: the message in `CHUNK`-byte pieces, one every `CHUNK_EVERY_NS` of device time.
fn wire(message: &[u8]) -> VecDeque<(u64, Vec<u8>)> {
    message.chunks(CHUNK).enumerate().map(|(i, chunk)| ((i as u64 + 1) * CHUNK_EVERY_NS, chunk.to_vec())).collect()
}

async fn run(
    spawner: executor::Handle<avx_custom_reactor::CpuUnpark>,
    time: avx_core::time::Handle,
    device: Arc<Device>,
    registry: BoardRegistry,
    expected_bytes: usize,
) -> Report {
    let report = Arc::new(Mutex::new(Report::default()));
    let (lines_tx, mut lines_rx) = mpsc::channel::<Vec<u8>>(4);

    // Reads the UART until the whole message is in, sending each line on.
    let reader = spawner.spawn({
        let report = report.clone();
        async move {
            let mut uart = Uart::open(device, registry).expect("register the UART");
            let (mut got, mut hash, mut line) = (0, FNV_OFFSET, Vec::new());
            let mut buf = [0u8; 16];
            while got < expected_bytes {
                let mut filled = avx_core::io::ReadBuf::new(&mut buf);
                poll_fn(|cx| Pin::new(&mut uart).poll_read(cx, &mut filled)).await.expect("UART read");
                let n = filled.filled().len();
                got += n;
                hash = fnv1a(hash, &buf[..n]);
                for &byte in &buf[..n] {
                    line.push(byte);
                    if byte == b'\n' {
                        lines_tx.send(std::mem::take(&mut line)).await.expect("line consumer alive");
                    }
                }
            }
            let mut report = report.lock().await;
            report.bytes = got;
            report.checksum = hash;
        }
    });
    let consumer = spawner.spawn({
        let report = report.clone();
        async move {
            while let Some(line) = lines_rx.recv().await {
                let mut report = report.lock().await;
                report.lines += 1;
                report.longest_line = report.longest_line.max(line.len());
            }
        }
    });
    let computers: Vec<_> = (0..COMPUTE_TASKS)
        .map(|t| {
            let report = report.clone();
            spawner.spawn(async move {
                let part: u64 = (t * 1000..(t + 1) * 1000).map(|i| i * i).sum();
                avx_core::task::yield_now().await;
                report.lock().await.sum_of_squares += part;
            })
        })
        .collect();
    let sleeper = spawner.spawn({
        let (time, report) = (time.clone(), report.clone());
        async move {
            let start = time.now();
            time.sleep(Duration::from_millis(30)).await;
            let slept = time.now().saturating_duration_since(start) >= Duration::from_millis(30);
            let timed_out = time.timeout(Duration::from_millis(5), pending::<()>()).await.is_err();
            let mut report = report.lock().await;
            report.slept_at_least = slept;
            report.timed_out = timed_out;
        }
    });
    for task in [reader, consumer, sleeper].into_iter().chain(computers) {
        task.await.expect("task finished");
    }
    let report = std::mem::take(&mut *report.lock().await);
    report
}

fn main() {
    let message = message();
    let device = Device::new(CPUS);
    let board = Board::new(device.clone(), CPUS);
    let timers = Timers::new(Driver::new(BoardClock(device.clone()), CPUS));
    let (exec, workers) =
        executor::build(Config::default(), timers.wrap(board.parks()), |i| FastRand::new(i as u64 + 7));
    let hardware = device.power_on(wire(&message));
    let cpus: Vec<_> = workers.into_iter().map(|worker| std::thread::spawn(move || worker.run())).collect();

    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let main_task = run(exec.clone(), timers.handle(), device.clone(), board.registry(), message.len());
    exec.spawn(async move { done_tx.send(main_task.await).expect("main thread waits") });
    let report = done_rx.recv().expect("the main task reports");

    exec.shutdown();
    cpus.into_iter().for_each(|cpu| cpu.join().expect("CPU thread"));
    device.power_off();
    hardware.join().expect("hardware thread");

    let expected = Report {
        bytes: message.len(),
        lines: LINES,
        checksum: fnv1a(FNV_OFFSET, &message),
        longest_line: message.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1),
        sum_of_squares: (0..COMPUTE_TASKS * 1000).map(|i| i * i).sum(),
        slept_at_least: true,
        timed_out: true,
    };
    assert_eq!(report, expected, "what the tasks saw differs from what went over the wire");
    println!(
        "custom_reactor: ok cpus={CPUS} bytes={} lines={} checksum={:#018x} sum_of_squares={} device_ms={}",
        report.bytes,
        report.lines,
        report.checksum,
        report.sum_of_squares,
        BoardClock(device).now().0 / 1_000_000
    );
}
