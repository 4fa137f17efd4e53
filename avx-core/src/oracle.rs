//! The one source of every scheduling choice that is not forced: random numbers (steal
//! victims), when to look at the global queue, how long to park. Inject a seeded or
//! scripted `Oracle` and a multi-worker schedule becomes reproducible.

use core::time::Duration;

/// Decides what the executor is free to decide. One instance per worker.
pub trait Oracle: Send + 'static {
    /// A random number: where a worker starts looking for a victim to steal from, and any
    /// other tie the scheduler breaks at random.
    fn next_u32(&mut self) -> u32;

    /// Whether, on scheduler tick `tick`, the worker takes from the global queue before its
    /// own (so the global queue cannot starve). `interval` is the configured period.
    fn check_global_queue(&mut self, tick: u32, interval: u32) -> bool {
        tick % interval.max(1) == 0
    }

    /// The timeout a worker parks with; `proposed` is the executor's own (the next timer
    /// deadline, or `None` to sleep until woken).
    fn park_timeout(&mut self, proposed: Option<Duration>) -> Option<Duration> {
        proposed
    }
}

/// The default oracle: a xorshift generator, seeded per worker.
#[derive(Debug, Clone)]
pub struct FastRand {
    state: u32,
}

impl FastRand {
    /// A generator for `seed` (any value; zero is remapped).
    pub fn new(seed: u64) -> FastRand {
        let folded = (seed ^ (seed >> 32)) as u32;
        FastRand { state: if folded == 0 { 0x9E37_79B9 } else { folded } }
    }
}

impl Oracle for FastRand {
    fn next_u32(&mut self) -> u32 {
        // Marsaglia's xorshift32.
        let mut x = self.state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.state = x;
        x
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sequence() {
        let mut a = FastRand::new(7);
        let mut b = FastRand::new(7);
        let mut c = FastRand::new(8);
        let sa: [u32; 4] = core::array::from_fn(|_| a.next_u32());
        let sb: [u32; 4] = core::array::from_fn(|_| b.next_u32());
        let sc: [u32; 4] = core::array::from_fn(|_| c.next_u32());
        assert_eq!(sa, sb);
        assert_ne!(sa, sc);
        assert!(FastRand::new(0).next_u32() != 0);
    }
}
