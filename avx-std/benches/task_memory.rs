//! Memory per idle task: RSS growth while 100,000 spawned tasks wait forever, on avx,
//! tokio and smol. Each runtime is measured in a fresh child process of this binary.

use std::process::Command;

const TASKS: usize = 100_000;
const CHILD_ENV: &str = "AVX_TASK_MEMORY_CHILD";

fn rss_bytes() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux /proc/self/statm");
    let pages: usize = statm.split_whitespace().nth(1).and_then(|p| p.parse().ok()).expect("statm resident field");
    pages * 4096
}

/// Spawns the idle tasks with `spawn`, waits until `alive` reports them all, returns bytes/task.
fn measure(spawn: impl Fn(), settle: impl Fn()) -> usize {
    settle();
    let before = rss_bytes();
    for _ in 0..TASKS {
        spawn();
    }
    settle();
    (rss_bytes() - before) / TASKS
}

fn child(runtime: &str) -> usize {
    let settle = || std::thread::sleep(std::time::Duration::from_millis(200));
    match runtime {
        "avx" => {
            let rt = avx_std::Runtime::builder().worker_threads(2).build().unwrap();
            let bytes = measure(|| drop(rt.spawn(std::future::pending::<()>())), settle);
            assert_eq!(rt.handle().alive_tasks(), TASKS);
            bytes
        }
        "tokio" => {
            let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
            measure(|| drop(rt.spawn(std::future::pending::<()>())), settle)
        }
        "smol" => {
            let ex = smol::Executor::new();
            measure(
                || ex.spawn(std::future::pending::<()>()).detach(),
                || {
                    while ex.try_tick() {}
                    settle();
                },
            )
        }
        other => panic!("unknown runtime {other}"),
    }
}

fn main() {
    if let Ok(runtime) = std::env::var(CHILD_ENV) {
        println!("{}", child(&runtime));
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let mut results = Vec::new();
    for runtime in ["avx", "tokio", "smol"] {
        let out = Command::new(&exe).env(CHILD_ENV, runtime).output().expect("child runs");
        assert!(out.status.success(), "{runtime}: {}", String::from_utf8_lossy(&out.stderr));
        let bytes: usize = String::from_utf8_lossy(&out.stdout).trim().parse().expect("a number");
        results.push((runtime, bytes));
    }
    let tokio = results[1].1 as f64;
    println!("task_memory: bytes per idle task (RSS growth over {TASKS} pending tasks)");
    for (runtime, bytes) in results {
        println!("{runtime:>6}: {bytes:>5} B/task  ({:.2}x tokio)", bytes as f64 / tokio);
    }
}
