//! No child is ever left a zombie: children dropped while running or after exiting, with or
//! without `kill_on_drop`, dropped outside any runtime, waited, killed; counted in `/proc`.
//! (Its own test binary: no other test's children are around to be counted.)
#![cfg(target_os = "linux")]

use avx_std::process::Command;
use avx_std::Runtime;
use std::time::{Duration, Instant};

/// Our children that are zombies (exited, not reaped), from `/proc/*/stat`.
fn zombies() -> Vec<u32> {
    let me = std::process::id();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        // "pid (comm) state ppid ...": the name may hold spaces and parentheses.
        let Some(after_name) = stat.rfind(')').map(|i| &stat[i + 1..]) else { continue };
        let mut fields = after_name.split_whitespace();
        let (state, ppid) = (fields.next(), fields.next().and_then(|p| p.parse::<u32>().ok()));
        if state == Some("Z") && ppid == Some(me) {
            found.push(pid);
        }
    }
    found
}

/// Whether process `pid` exists at all (running or zombie).
fn exists(pid: u32) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
}

fn runtime() -> Runtime {
    Runtime::builder().worker_threads(2).build().expect("runtime builds")
}

/// Waits (on the runtime, so its reaper can run) until `done` holds; fails after 20 s.
async fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "{what}: still not true after 20 s (zombies: {:?})", zombies());
        avx_std::time::sleep(Duration::from_millis(10)).await;
    }
}

#[test]
fn no_child_is_left_a_zombie() {
    assert_eq!(zombies(), Vec::<u32>::new(), "no zombies to begin with");
    let runtime = runtime();
    let (late, doomed) = runtime.block_on(async {
        // Exited quickly, never waited for.
        for _ in 0..20 {
            drop(Command::new("true").spawn().unwrap());
        }
        // Still running when dropped; exits on its own later.
        let late = Command::new("sleep").arg("0.3").spawn().unwrap();
        let late_pid = late.id().unwrap();
        drop(late);
        // Killed by being dropped, long before it would end.
        let doomed = Command::new("sleep").arg("30").kill_on_drop(true).spawn().unwrap();
        let doomed_pid = doomed.id().unwrap();
        drop(doomed);
        // Waited, killed, captured.
        Command::new("true").status().await.unwrap();
        let mut killed = Command::new("sleep").arg("30").spawn().unwrap();
        killed.kill().await.unwrap();
        Command::new("echo").arg("x").output().await.unwrap();
        (late_pid, doomed_pid)
    });
    runtime.block_on(async {
        eventually("every child reaped", || zombies().is_empty() && !exists(late) && !exists(doomed)).await;
    });

    // A child owned by a task that the runtime's shutdown drops.
    let runtime = self::runtime();
    let (started, owner_started) = std::sync::mpsc::channel();
    runtime.spawn(async move {
        let child = Command::new("sleep").arg("1").spawn().unwrap();
        started.send(child.id().unwrap()).unwrap();
        std::future::pending::<()>().await;
        drop(child);
    });
    let owned_pid = owner_started.recv().unwrap();
    drop(runtime);
    let runtime = self::runtime();
    runtime.block_on(async {
        Command::new("true").status().await.unwrap();
        eventually("the child of a dropped task reaped", || zombies().is_empty() && !exists(owned_pid)).await;
    });

    // A child dropped when no runtime is left: reaped once a runtime spawns again.
    let mut orphan = runtime.block_on(async { Command::new("sleep").arg("1").spawn().unwrap() });
    let orphan_pid = orphan.id().unwrap();
    drop(runtime);
    assert!(orphan.try_wait().unwrap().is_none(), "still sleeping");
    drop(orphan);
    let runtime = self::runtime();
    runtime.block_on(async {
        Command::new("true").status().await.unwrap();
        eventually("the orphan reaped", || zombies().is_empty() && !exists(orphan_pid)).await;
    });
}
