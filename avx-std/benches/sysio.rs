//! Processes and files beside Tokio and smol (2 workers each) in one run: spawning 1,000 `true`
//! processes and awaiting them, `fs::read` of 10,000 files of 4 KiB from 64 tasks, a 1 GiB
//! sequential `File` read in 64 KiB chunks and a 4 MiB one in 256 B reads. Rounds interleave
//! the runtimes (rotating who goes first); medians and the range per runtime.
//! `cargo bench -p avx-std --bench sysio -- [name...]` runs only the workloads named.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod common;
use common::{Avx, Rt, SmolRuntime, Tokio};

const ROUNDS: usize = 15;
const PROCESSES: usize = 1_000;
const FILES: usize = 10_000;
const FILE_SIZE: usize = 4096;
const READERS: usize = 64;
const BIG_FILE: usize = 1 << 30;
const BIG_CHUNK: usize = 64 * 1024;
const SMALL_READS_FILE: usize = 4 << 20;
const SMALL_READ: usize = 256;

/// The workloads, written once against a runtime's `process` and `fs` modules (`$wait` is the
/// child's "wait for exit" method: `wait`, or `status` on smol).
macro_rules! workloads {
    ($module:ident, $($process:ident)::+, $fs:path, $read_ext:path, $wait:ident) => {
        mod $module {
            use super::*;
            use $fs as fs;
            use $read_ext;
            use $($process)::+::Command;

            /// Spawns every process, then awaits each one's exit.
            pub async fn spawn_true() {
                let mut children = Vec::with_capacity(PROCESSES);
                for _ in 0..PROCESSES {
                    children.push(Command::new("true").spawn().expect("spawn true"));
                }
                for mut child in children {
                    assert!(child.$wait().await.expect("wait").success());
                }
            }

            /// Each reader task reads its share of the files in turn.
            pub async fn read_files<R: Rt>(rt: R, files: Arc<Vec<PathBuf>>) {
                let (done, finished) = async_channel::bounded(READERS);
                for reader in 0..READERS {
                    let (files, done) = (files.clone(), done.clone());
                    rt.spawn(async move {
                        for path in files.iter().skip(reader).step_by(READERS) {
                            assert_eq!(fs::read(path).await.expect("read").len(), FILE_SIZE);
                        }
                        done.send(()).await.unwrap();
                    });
                }
                for _ in 0..READERS {
                    finished.recv().await.unwrap();
                }
            }

            /// Reads `path` from start to end through one `File`, `chunk` bytes asked at a time.
            pub async fn read_sequentially(path: Arc<PathBuf>, chunk: usize, len: usize) {
                let mut file = fs::File::open(&*path).await.expect("open");
                let mut buf = vec![0u8; chunk];
                let mut total = 0;
                loop {
                    match file.read(&mut buf).await.expect("read") {
                        0 => break,
                        n => total += n,
                    }
                }
                assert_eq!(total, len);
            }
        }
    };
}

workloads!(on_avx, avx_std::process, avx_std::fs, avx_std::io::AsyncReadExt, wait);
workloads!(on_tokio, tokio::process, tokio::fs, tokio::io::AsyncReadExt, wait);
workloads!(on_smol, smol::process, smol::fs, smol::io::AsyncReadExt, status);

/// Runs `future` on the smol executor's threads and waits for it here.
fn smol_run<F: Future<Output = ()> + Send + 'static>(smol: &SmolRuntime, future: F) {
    smol::block_on(smol.rt.0.spawn(future));
}

/// The files to read: created once, then read warm from the page cache by every runtime.
fn make_files(dir: &Path) -> Arc<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).unwrap();
    let contents = vec![7u8; FILE_SIZE];
    let files: Vec<_> = (0..FILES)
        .map(|i| {
            let path = dir.join(format!("{i:05}"));
            std::fs::write(&path, &contents).unwrap();
            path
        })
        .collect();
    Arc::new(files)
}

fn time(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn report(workload: &str, samples: &[(&str, Vec<Duration>)]) {
    println!("\n{workload} ({ROUNDS} interleaved rounds)");
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let tokio = &samples.iter().find(|(name, _)| *name == "tokio").expect("tokio ran").1;
    for (name, times) in samples {
        let mut sorted = times.clone();
        sorted.sort();
        // Each round's time over tokio's in the same round: drift of the machine cancels out.
        let ratios = times.iter().zip(tokio).map(|(t, k)| t.as_secs_f64() / k.as_secs_f64()).collect();
        println!(
            "  {name:<6} median {:>8.2} ms   range {:>8.2} – {:>8.2} ms   per-round / tokio: median {:.2}",
            ms(sorted[sorted.len() / 2]),
            ms(sorted[0]),
            ms(sorted[sorted.len() - 1]),
            median(ratios)
        );
    }
}

/// A file of `len` bytes, created once and read warm from the page cache.
fn make_file(path: &Path, len: usize) -> Arc<PathBuf> {
    let block = vec![7u8; 1 << 20];
    let mut file = std::fs::File::create(path).unwrap();
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len());
        std::io::Write::write_all(&mut file, &block[..n]).unwrap();
        left -= n;
    }
    Arc::new(path.to_owned())
}

/// One workload on the three runtimes; each returns the time of one run.
struct Workload {
    name: String,
    runs: [Box<dyn Fn() -> Duration>; 3],
    samples: [Vec<Duration>; 3],
}

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run passes nothing and
    // only checks that the bench builds.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    let only: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let wanted = |name: &str| only.is_empty() || only.iter().any(|o| name.contains(o.as_str()));
    let avx = Arc::new(common::avx_runtime());
    let tokio = Arc::new(common::tokio_runtime());
    let smol = Arc::new(SmolRuntime::new());
    let dir = std::env::temp_dir().join(format!("avx-sysio-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();

    let mut workloads = Vec::new();
    let mut add = |name: String, runs: [Box<dyn Fn() -> Duration>; 3]| {
        workloads.push(Workload { name, runs, samples: Default::default() });
    };
    if wanted("spawn_true") {
        let (a, t, s) = (avx.clone(), tokio.clone(), smol.clone());
        add(
            format!("spawn_true: spawn {PROCESSES} `true` processes, then await each"),
            [
                Box::new(move || time(|| a.block_on(on_avx::spawn_true()))),
                Box::new(move || time(|| t.block_on(on_tokio::spawn_true()))),
                Box::new(move || time(|| smol_run(&s, on_smol::spawn_true()))),
            ],
        );
    }
    if wanted("fs_read") {
        let files = make_files(&dir.join("many"));
        let (a, t, s) = (avx.clone(), tokio.clone(), smol.clone());
        let (fa, ft, fs) = (files.clone(), files.clone(), files);
        add(
            format!("fs_read: fs::read {FILES} files of {FILE_SIZE} B from {READERS} tasks"),
            [
                Box::new(move || time(|| a.block_on(on_avx::read_files(Avx(a.handle().clone()), fa.clone())))),
                Box::new(move || time(|| t.block_on(on_tokio::read_files(Tokio(t.handle().clone()), ft.clone())))),
                Box::new(move || time(|| smol_run(&s, on_smol::read_files(s.rt.clone(), fs.clone())))),
            ],
        );
    }
    for (name, len, chunk) in
        [("file_read_1g", BIG_FILE, BIG_CHUNK), ("file_small_reads", SMALL_READS_FILE, SMALL_READ)]
    {
        if !wanted(name) {
            continue;
        }
        let path = make_file(&dir.join(name), len);
        let (a, t, s) = (avx.clone(), tokio.clone(), smol.clone());
        let (pa, pt, ps) = (path.clone(), path.clone(), path);
        add(
            format!("{name}: one File read start to end, {len} B in reads of {chunk} B"),
            [
                Box::new(move || time(|| a.block_on(on_avx::read_sequentially(pa.clone(), chunk, len)))),
                Box::new(move || time(|| t.block_on(on_tokio::read_sequentially(pt.clone(), chunk, len)))),
                Box::new(move || time(|| smol_run(&s, on_smol::read_sequentially(ps.clone(), chunk, len)))),
            ],
        );
    }
    for round in 0..ROUNDS {
        for workload in &mut workloads {
            for turn in 0..3 {
                let runtime = (round + turn) % 3;
                let sample = (workload.runs[runtime])();
                workload.samples[runtime].push(sample);
            }
        }
        eprintln!("round {}/{ROUNDS} done", round + 1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    for workload in workloads {
        let [a, t, s] = workload.samples;
        report(&workload.name, &[("avx", a), ("tokio", t), ("smol", s)]);
    }
}
