//! Processes and files beside Tokio and smol (2 workers each) in one run: spawning 1,000 `true`
//! processes and awaiting them, and `fs::read` of 10,000 files of 4 KiB from 64 tasks. Rounds
//! interleave the runtimes (rotating who goes first); medians and the range per runtime.

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

/// The workloads, written once against a runtime's `process` and `fs` modules (`$wait` is the
/// child's "wait for exit" method: `wait`, or `status` on smol).
macro_rules! workloads {
    ($module:ident, $($process:ident)::+, $fs:path, $wait:ident) => {
        mod $module {
            use super::*;
            use $fs as fs;
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
        }
    };
}

workloads!(on_avx, avx_std::process, avx_std::fs, wait);
workloads!(on_tokio, tokio::process, tokio::fs, wait);
workloads!(on_smol, smol::process, smol::fs, status);

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

fn main() {
    // `cargo bench` passes `--bench`; a plain `cargo test --benches` run passes nothing and
    // only checks that the bench builds.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let avx = common::avx_runtime();
    let tokio = common::tokio_runtime();
    let smol = SmolRuntime::new();

    let mut spawn_samples = [("avx", Vec::new()), ("tokio", Vec::new()), ("smol", Vec::new())];
    let dir = std::env::temp_dir().join(format!("avx-sysio-bench-{}", std::process::id()));
    let files = make_files(&dir);
    let mut read_samples = [("avx", Vec::new()), ("tokio", Vec::new()), ("smol", Vec::new())];
    for round in 0..ROUNDS {
        for turn in 0..3 {
            match (round + turn) % 3 {
                0 => {
                    spawn_samples[0].1.push(time(|| avx.block_on(on_avx::spawn_true())));
                    let rt = Avx(avx.handle().clone());
                    read_samples[0].1.push(time(|| avx.block_on(on_avx::read_files(rt, files.clone()))));
                }
                1 => {
                    spawn_samples[1].1.push(time(|| tokio.block_on(on_tokio::spawn_true())));
                    let rt = Tokio(tokio.handle().clone());
                    read_samples[1].1.push(time(|| tokio.block_on(on_tokio::read_files(rt, files.clone()))));
                }
                _ => {
                    spawn_samples[2].1.push(time(|| smol_run(&smol, on_smol::spawn_true())));
                    let rt = smol.rt.clone();
                    read_samples[2].1.push(time(|| smol_run(&smol, on_smol::read_files(rt, files.clone()))));
                }
            }
        }
        eprintln!("round {}/{ROUNDS} done", round + 1);
    }
    std::fs::remove_dir_all(&dir).unwrap();
    report(&format!("spawn {PROCESSES} `true` processes, then await each"), &spawn_samples);
    report(&format!("fs::read {FILES} files of {FILE_SIZE} B from {READERS} tasks"), &read_samples);
}
