//! Timer benchmark: 100,000 tasks each sleeping a seeded random 1–10 ms, on avx, tokio and
//! smol (2 worker threads each); total wall time and wake-up lateness (p50, p99, max), plus
//! RSS per pending sleeping task. Each runtime runs in a fresh child process, 5 runs each.

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TASKS: usize = 100_000;
const RUNS: usize = 5;
const CHILD_ENV: &str = "AVX_TIMERS_CHILD";

/// The seeded sleep lengths: 1–10 ms with microsecond granularity.
fn durations() -> Vec<Duration> {
    let mut x: u32 = 0x1234_5678;
    (0..TASKS)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            Duration::from_micros(1_000 + u64::from(x % 9_000))
        })
        .collect()
}

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc/self/statm");
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<usize>().ok()).expect("resident pages") * 4096
}

type Lateness = Arc<Mutex<Vec<Duration>>>;

/// One run: returns (total wall time, sorted lateness of every sleep).
fn run(runtime: &str) -> (Duration, Vec<Duration>) {
    let lateness: Lateness = Arc::new(Mutex::new(Vec::with_capacity(TASKS)));
    let start = Instant::now();
    match runtime {
        "avx" => {
            let rt = avx_std::Runtime::builder().worker_threads(2).build().unwrap();
            rt.block_on(async {
                let tasks: Vec<_> = durations()
                    .into_iter()
                    .map(|d| {
                        let lateness = lateness.clone();
                        avx_std::spawn(async move {
                            let deadline = Instant::now() + d;
                            avx_std::time::sleep(d).await;
                            lateness.lock().unwrap().push(deadline.elapsed());
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
            });
        }
        "tokio" => {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            rt.block_on(async {
                let tasks: Vec<_> = durations()
                    .into_iter()
                    .map(|d| {
                        let lateness = lateness.clone();
                        tokio::spawn(async move {
                            let deadline = Instant::now() + d;
                            tokio::time::sleep(d).await;
                            lateness.lock().unwrap().push(deadline.elapsed());
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await.unwrap();
                }
            });
        }
        "smol" => {
            let ex = Arc::new(smol::Executor::new());
            let (stop, stopped) = smol::channel::bounded::<()>(1);
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let (ex, stopped) = (ex.clone(), stopped.clone());
                    std::thread::spawn(move || {
                        let _ = smol::block_on(ex.run(stopped.recv()));
                    })
                })
                .collect();
            smol::block_on(async {
                let tasks: Vec<_> = durations()
                    .into_iter()
                    .map(|d| {
                        let lateness = lateness.clone();
                        ex.spawn(async move {
                            let deadline = Instant::now() + d;
                            smol::Timer::after(d).await;
                            lateness.lock().unwrap().push(deadline.elapsed());
                        })
                    })
                    .collect();
                for t in tasks {
                    t.await;
                }
            });
            drop(stop);
            threads.into_iter().for_each(|t| t.join().unwrap());
        }
        other => panic!("unknown runtime {other}"),
    }
    let total = start.elapsed();
    let mut lateness = std::mem::take(&mut *lateness.lock().unwrap());
    lateness.sort_unstable();
    (total, lateness)
}

/// RSS growth per task while 100,000 tasks sleep for an hour.
fn memory(runtime: &str) -> usize {
    let hour = Duration::from_secs(3600);
    let settle = || std::thread::sleep(Duration::from_millis(300));
    match runtime {
        "avx" => {
            let rt = avx_std::Runtime::builder().worker_threads(2).build().unwrap();
            settle();
            let before = rss_bytes();
            for _ in 0..TASKS {
                drop(rt.spawn(async move { avx_std::time::sleep(hour).await }));
            }
            settle();
            (rss_bytes() - before) / TASKS
        }
        "tokio" => {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
            settle();
            let before = rss_bytes();
            for _ in 0..TASKS {
                drop(rt.spawn(async move { tokio::time::sleep(hour).await }));
            }
            settle();
            (rss_bytes() - before) / TASKS
        }
        "smol" => {
            let ex = smol::Executor::new();
            settle();
            let before = rss_bytes();
            for _ in 0..TASKS {
                ex.spawn(async move { smol::Timer::after(hour).await }).detach();
            }
            while ex.try_tick() {}
            settle();
            (rss_bytes() - before) / TASKS
        }
        other => panic!("unknown runtime {other}"),
    }
}

fn child(runtime: &str) {
    let (total, lateness) = run(runtime);
    let pick = |q: f64| lateness[((lateness.len() - 1) as f64 * q) as usize].as_micros();
    println!("{} {} {} {}", total.as_micros(), pick(0.5), pick(0.99), pick(1.0));
}

fn median(mut v: Vec<u128>) -> u128 {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        match spec.split_once(':') {
            Some(("mem", runtime)) => println!("{}", memory(runtime)),
            _ => child(&spec),
        }
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let child_out = |spec: String| {
        let out = Command::new(&exe).env(CHILD_ENV, &spec).output().expect("child runs");
        assert!(out.status.success(), "{spec}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    println!("timers: {TASKS} tasks sleeping 1-10 ms (seeded), 2 workers; medians of {RUNS} runs, µs");
    println!("| runtime | total | p50 late | p99 late | max late | bytes/sleeping task |");
    println!("|---|---|---|---|---|---|");
    for runtime in ["avx", "tokio", "smol"] {
        let mut columns: [Vec<u128>; 4] = Default::default();
        for _ in 0..RUNS {
            let line = child_out(runtime.to_owned());
            for (column, value) in columns.iter_mut().zip(line.split_whitespace()) {
                column.push(value.parse().expect("a number"));
            }
        }
        let bytes = child_out(format!("mem:{runtime}"));
        let [total, p50, p99, max] = columns.map(median);
        println!("| {runtime} | {total} | {p50} | {p99} | {max} | {bytes} |");
    }
}
