//! Tests of the simulator: reproducible and seed-dependent schedules, a race found by
//! trying seeds and replayed, virtual time, deadlock and livelock reports, fault injection.

use super::{Sim, SimError, TaskId};
use crate::channel::{mpsc, oneshot};
use crate::sync::Mutex;
use crate::task::yield_now;
use crate::time::{Elapsed, Handle};
use alloc::rc::Rc;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::Cell;
use core::time::Duration;

/// Three tasks passing numbers through a channel with yields in between; returns the sum.
fn chatty_program(sim: &Sim) -> u32 {
    let (tx, mut rx) = mpsc::unbounded_channel();
    for worker in 0..3u32 {
        let tx = tx.clone();
        sim.spawn(async move {
            for i in 0..4 {
                tx.send(worker * 10 + i).unwrap();
                yield_now().await;
            }
        });
    }
    drop(tx);
    sim.block_on(async move {
        let mut sum = 0;
        while let Some(n) = rx.recv().await {
            sum += n;
        }
        sum
    })
    .unwrap()
}

#[test]
fn same_seed_same_schedule() {
    let (first, second) = (Sim::new(11), Sim::new(11));
    assert_eq!(chatty_program(&first), 138);
    assert_eq!(chatty_program(&second), 138);
    assert!(first.steps() > 12);
    assert_eq!(first.schedule_trace(), second.schedule_trace());
    assert_eq!(first.trace_hash(), second.trace_hash());
    assert_eq!(first.seed(), 11);
}

#[test]
fn different_seeds_explore_different_schedules() {
    let hashes: Vec<u64> = (0..16)
        .map(|seed| {
            let sim = Sim::new(seed);
            chatty_program(&sim);
            sim.trace_hash()
        })
        .collect();
    assert!(hashes.iter().any(|&hash| hash != hashes[0]), "all 16 seeds gave one schedule");
}

/// Two tasks increment a shared counter with a read-yield-write race; returns the final
/// count (2 unless an update is lost).
fn racy_increments(sim: &Sim) -> u32 {
    let counter = Rc::new(Cell::new(0));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            sim.spawn(async move {
                let read = counter.get();
                yield_now().await;
                counter.set(read + 1);
            })
        })
        .collect();
    sim.block_on(async move {
        for task in tasks {
            task.await.unwrap();
        }
        counter.get()
    })
    .unwrap()
}

#[test]
fn seed_search_finds_a_race_and_the_seed_replays_it() {
    let outcomes: Vec<(u64, u32)> = (0..64).map(|seed| (seed, racy_increments(&Sim::new(seed)))).collect();
    let failing = outcomes.iter().find(|(_, count)| *count != 2).map(|&(seed, _)| seed);
    let failing = failing.expect("no seed in 0..64 lost an update");
    assert!(outcomes.iter().any(|(_, count)| *count == 2), "every seed lost an update");

    let (first, replay) = (Sim::new(failing), Sim::new(failing));
    assert_eq!(racy_increments(&first), 1);
    assert_eq!(racy_increments(&replay), 1);
    assert_eq!(first.schedule_trace(), replay.schedule_trace());
}

#[test]
fn an_hour_of_sleep_passes_in_virtual_time() {
    let sim = Sim::new(1);
    let sleeper = sim.spawn(async {
        Handle::current().sleep(Duration::from_secs(3600)).await;
        Handle::current().now()
    });
    let woke_at = sim.block_on(sleeper).unwrap().unwrap();
    assert_eq!(woke_at.saturating_duration_since(crate::Ticks::ZERO), Duration::from_secs(3600));
    assert_eq!(sim.elapsed(), Duration::from_secs(3600));
    assert!(sim.steps() < 10, "{} polls for one sleep", sim.steps());
}

#[test]
fn timeout_and_interval_use_virtual_time() {
    let sim = Sim::new(2);
    let timer = sim.timer();
    let (_keep_sender, never) = oneshot::channel::<()>();
    let timed_out = sim.block_on(timer.timeout(Duration::from_secs(5), never)).unwrap();
    assert!(matches!(timed_out, Err(Elapsed { .. })));
    assert_eq!(sim.elapsed(), Duration::from_secs(5));

    let ticks = sim
        .block_on(async {
            let mut interval = Handle::current().interval(Duration::from_millis(10));
            let mut ticks = Vec::new();
            for _ in 0..3 {
                ticks.push(interval.tick().await);
            }
            ticks
        })
        .unwrap();
    let offsets: Vec<_> = ticks.iter().map(|t| t.saturating_duration_since(ticks[0]).as_millis()).collect();
    assert_eq!(offsets, [0, 10, 20]);
}

#[test]
fn deadlock_is_reported_with_the_blocked_tasks() {
    let sim = Sim::new(3);
    let (to_first, first_rx) = oneshot::channel::<()>();
    let (to_second, second_rx) = oneshot::channel::<()>();
    // Each task waits for the other's message before sending its own.
    sim.spawn(async move {
        first_rx.await.unwrap();
        to_second.send(()).unwrap();
    });
    sim.spawn(async move {
        second_rx.await.unwrap();
        to_first.send(()).unwrap();
    });
    let error = sim.run().unwrap_err();
    assert_eq!(error, SimError::Deadlock { blocked: alloc::vec![TaskId(1), TaskId(2)] });
    assert!(alloc::format!("{error}").starts_with("deadlock: 2 tasks blocked, no timers"));

    let main_too = sim.block_on(async { Handle::current().sleep(Duration::from_secs(1)).await });
    assert_eq!(main_too, Ok(()), "a timer is not a deadlock");
    let (_sender, never) = oneshot::channel::<()>();
    let error = sim.block_on(never).unwrap_err();
    assert_eq!(error, SimError::Deadlock { blocked: alloc::vec![TaskId::MAIN, TaskId(1), TaskId(2)] });
}

#[test]
fn livelock_hits_the_step_limit() {
    let sim = Sim::builder(4).max_steps(1000).build();
    sim.spawn(async {
        loop {
            yield_now().await;
        }
    });
    assert_eq!(sim.run(), Err(SimError::StepLimit { steps: 1000 }));
}

#[test]
fn async_mutex_and_channels_work_under_every_seed() {
    for seed in 0..8 {
        let sim = Sim::new(seed);
        let total = Arc::new(Mutex::new(0u64));
        let (done_tx, mut done_rx) = mpsc::channel(2);
        for worker in 1..=4u64 {
            let (total, done_tx) = (total.clone(), done_tx.clone());
            sim.spawn(async move {
                for _ in 0..5 {
                    let mut guard = total.lock().await;
                    let read = *guard;
                    Handle::current().sleep(Duration::from_millis(worker)).await;
                    *guard = read + worker;
                }
                done_tx.send(worker).await.unwrap();
            });
        }
        drop(done_tx);
        let finished = sim
            .block_on(async move {
                let mut finished = 0;
                while done_rx.recv().await.is_some() {
                    finished += 1;
                }
                finished
            })
            .unwrap();
        assert_eq!(finished, 4, "seed {seed}");
        assert_eq!(*total.try_lock().unwrap(), 50, "seed {seed}: the lock let an update through");
        // Every sleep ran while holding the lock, so they happened one after another.
        assert_eq!(sim.elapsed(), Duration::from_millis(50), "seed {seed}");
    }
}

/// Four tasks sleeping in steps; returns the simulation after they finish.
fn sleepers(sim: Sim) -> Sim {
    for worker in 1..=4u64 {
        sim.spawn(async move {
            for _ in 0..5 {
                Handle::current().sleep(Duration::from_millis(worker * 7)).await;
            }
        });
    }
    sim.run().unwrap();
    sim
}

#[test]
fn spurious_wakeups_add_polls_deterministically() {
    let calm = sleepers(Sim::new(5));
    let noisy = sleepers(Sim::builder(5).spurious_wakeups(0.5).build());
    let noisy_again = sleepers(Sim::builder(5).spurious_wakeups(0.5).build());
    assert!(noisy.steps() > calm.steps(), "{} polls with faults, {} without", noisy.steps(), calm.steps());
    assert_eq!(noisy.schedule_trace(), noisy_again.schedule_trace());
    assert_eq!(noisy.elapsed(), calm.elapsed(), "spurious polls must not end a sleep early");
}

#[test]
fn dropping_the_sim_cancels_pending_tasks() {
    struct SetOnDrop(Rc<Cell<bool>>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = Rc::new(Cell::new(false));
    let sim = Sim::new(6);
    let guard = SetOnDrop(dropped.clone());
    let (_sender, never) = oneshot::channel::<()>();
    let task = sim.spawn(async move {
        let _guard = guard;
        never.await.ok();
    });
    assert!(sim.run().is_err());
    assert!(!dropped.get());
    drop(sim);
    assert!(dropped.get());
    assert!(task.is_finished());
}
