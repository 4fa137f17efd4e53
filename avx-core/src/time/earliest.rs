//! A shard's next expiration published for lock-free readers: a `u64` in a sequence lock of
//! two `AtomicU32` halves, because avx-core may not use 64-bit atomics.

use crate::loom::{spin_loop, AtomicU32, Ordering};

/// The published value when the shard has no pending timer.
pub(crate) const NONE: u64 = u64::MAX;

/// A single-writer, many-reader `u64` cell.
pub(crate) struct EarliestCell {
    /// Odd while a write is in progress; bumped twice per write.
    sequence: AtomicU32,
    high: AtomicU32,
    low: AtomicU32,
}

impl EarliestCell {
    pub(crate) fn new() -> Self {
        EarliestCell {
            sequence: AtomicU32::new(0),
            high: AtomicU32::new((NONE >> 32) as u32),
            low: AtomicU32::new(NONE as u32),
        }
    }

    /// Publishes `value`. Callers serialise writes (they hold the shard lock).
    pub(crate) fn write(&self, value: u64) {
        let start = self.sequence.load(Ordering::Relaxed);
        self.sequence.store(start.wrapping_add(1), Ordering::Relaxed);
        // Release on each half: a reader that sees a new half also sees the odd sequence.
        self.high.store((value >> 32) as u32, Ordering::Release);
        self.low.store(value as u32, Ordering::Release);
        self.sequence.store(start.wrapping_add(2), Ordering::Release);
    }

    /// The last published value; never a mix of two writes.
    pub(crate) fn read(&self) -> u64 {
        loop {
            let before = self.sequence.load(Ordering::Acquire);
            if before % 2 == 0 {
                let high = self.high.load(Ordering::Acquire);
                let low = self.low.load(Ordering::Acquire);
                // If either half came from a newer write, that write's odd sequence store
                // happens-before this load, so the two loads differ.
                if self.sequence.load(Ordering::Relaxed) == before {
                    return (u64::from(high) << 32) | u64::from(low);
                }
            }
            spin_loop();
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::Arc;

    #[test]
    fn reader_never_sees_a_torn_value() {
        loom::model(|| {
            let cell = Arc::new(EarliestCell::new());
            let writer = {
                let cell = cell.clone();
                loom::thread::spawn(move || {
                    cell.write(0x0000_0001_0000_0001);
                    cell.write(0x0000_0002_0000_0002);
                })
            };
            let seen = cell.read();
            assert!([NONE, 0x0000_0001_0000_0001, 0x0000_0002_0000_0002].contains(&seen), "torn read {seen:#x}");
            writer.join().unwrap();
            assert_eq!(cell.read(), 0x0000_0002_0000_0002);
        });
    }
}
