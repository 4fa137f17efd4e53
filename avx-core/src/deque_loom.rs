//! Loom models of the local run queue and the global queue: an owner pushing and popping
//! while thieves steal never loses, duplicates or corrupts a task.

use crate::deque::{self, Overflow, CAPACITY};
use crate::inject::Inject;
use crate::loom::{Arc, Mutex};
use alloc::vec::Vec;
use loom::thread;

struct Spill(Mutex<Vec<usize>>);

impl Overflow<usize> for Spill {
    fn push_batch(&self, tasks: impl Iterator<Item = usize>) {
        self.0.lock().extend(tasks);
    }
}

/// Steals what it can from `steal` into a fresh queue and returns all of it.
fn steal_all(steal: &deque::Steal<usize>) -> Vec<usize> {
    let (mut mine, _) = deque::local();
    let first = steal.steal_into(&mut mine);
    first.into_iter().chain(core::iter::from_fn(|| mine.pop())).collect()
}

fn sorted(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v
}

#[test]
fn owner_pops_while_a_thief_steals() {
    loom::model(|| {
        let (mut owner, steal) = deque::local::<usize>();
        let spill = Spill(Mutex::new(Vec::new()));
        for i in 0..4 {
            owner.push_back(i, &spill);
        }
        let thief = thread::spawn(move || steal_all(&steal));
        let mut got = Vec::new();
        while let Some(t) = owner.pop() {
            got.push(t);
        }
        got.extend(thief.join().unwrap());
        assert_eq!(sorted(got), (0..4).collect::<Vec<_>>());
    });
}

#[test]
fn owner_pushes_during_a_steal_and_two_thieves_race() {
    loom::model(|| {
        let (mut owner, steal) = deque::local::<usize>();
        let spill = Spill(Mutex::new(Vec::new()));
        owner.push_back(0, &spill);
        owner.push_back(1, &spill);
        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let steal = steal.clone();
                thread::spawn(move || steal_all(&steal))
            })
            .collect();
        owner.push_back(2, &spill);
        let mut got: Vec<usize> = core::iter::from_fn(|| owner.pop()).collect();
        for thief in thieves {
            got.extend(thief.join().unwrap());
        }
        assert_eq!(sorted(got), (0..3).collect::<Vec<_>>());
    });
}

#[test]
fn overflow_while_a_thief_steals_loses_nothing() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let (mut owner, steal) = deque::local::<usize>();
        let spill = Arc::new(Spill(Mutex::new(Vec::new())));
        for i in 0..CAPACITY {
            owner.push_back(i, &*spill);
        }
        let thief = thread::spawn(move || steal_all(&steal));
        owner.push_back(CAPACITY, &*spill);
        let mut got: Vec<usize> = core::iter::from_fn(|| owner.pop()).collect();
        got.extend(thief.join().unwrap());
        got.extend(spill.0.lock().drain(..));
        assert_eq!(sorted(got), (0..=CAPACITY).collect::<Vec<_>>());
    });
}

#[test]
fn global_queue_push_pop_and_close() {
    loom::model(|| {
        let inject = Arc::new(Inject::new());
        let producer = {
            let inject = inject.clone();
            thread::spawn(move || {
                let _ = inject.push(1usize);
                inject.push_batch([2, 3].into_iter());
            })
        };
        let mut got = Vec::new();
        if let Some(t) = inject.pop() {
            got.push(t);
        }
        producer.join().unwrap();
        inject.close();
        assert!(inject.push(9).is_err());
        while let Some(t) = inject.pop() {
            got.push(t);
        }
        let mut expected = sorted(got.clone());
        expected.dedup();
        assert_eq!(expected.len(), got.len());
        assert_eq!(sorted(got), [1, 2, 3]);
    });
}

/// Refuses any overflow: the owner promised, via `free_slots`, not to need one.
struct MustNotOverflow;

impl Overflow<usize> for MustNotOverflow {
    fn push_batch(&self, _: impl Iterator<Item = usize>) {
        panic!("pushed past free_slots");
    }
}

#[test]
fn free_slots_counts_slots_a_thief_is_still_copying() {
    loom::model(|| {
        let (mut owner, steal) = deque::local::<usize>();
        for i in 0..CAPACITY {
            owner.push_back(i, &MustNotOverflow);
        }
        let thief = thread::spawn(move || steal_all(&steal));
        let mut got: Vec<usize> = owner.pop().into_iter().collect();
        let free = owner.free_slots();
        for i in 0..free {
            owner.push_back(CAPACITY + i, &MustNotOverflow);
        }
        got.extend(core::iter::from_fn(|| owner.pop()));
        got.extend(thief.join().unwrap());
        assert_eq!(sorted(got), (0..CAPACITY + free).collect::<Vec<_>>());
    });
}
