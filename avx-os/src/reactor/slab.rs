//! The registration table: `Arc<ScheduledIo>` slots addressed by generation-tagged tokens.
//! A freed slot's generation advances, so an event carrying an old token finds nothing.

use alloc::sync::Arc;
use alloc::vec::Vec;

use avx_core::io::ScheduledIo;
use avx_core::Token;

const INDEX_BITS: u32 = 20;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Largest number of live registrations.
pub(crate) const CAPACITY: usize = INDEX_MASK;

struct Slot {
    generation: usize,
    io: Option<Arc<ScheduledIo>>,
}

/// Registrations keyed by token.
#[derive(Default)]
pub(crate) struct Slab {
    slots: Vec<Slot>,
    free: Vec<usize>,
}

impl Slab {
    fn token(index: usize, generation: usize) -> Token {
        Token((generation << INDEX_BITS) | index)
    }

    /// Stores `io`, returning its token, or `None` when the table is full.
    pub(crate) fn insert(&mut self, io: Arc<ScheduledIo>) -> Option<Token> {
        let index = match self.free.pop() {
            Some(i) => i,
            None if self.slots.len() < CAPACITY => {
                self.slots.push(Slot { generation: 0, io: None });
                self.slots.len() - 1
            }
            None => return None,
        };
        let slot = &mut self.slots[index];
        slot.io = Some(io);
        Some(Self::token(index, slot.generation))
    }

    /// The registration for `token` if it is still live.
    pub(crate) fn get(&self, token: Token) -> Option<&Arc<ScheduledIo>> {
        let slot = self.slots.get(token.0 & INDEX_MASK)?;
        let gen_mask = usize::MAX >> INDEX_BITS;
        if slot.generation & gen_mask == token.0 >> INDEX_BITS {
            slot.io.as_ref()
        } else {
            None
        }
    }

    /// Removes the registration for `token`, if live, and retires the token.
    pub(crate) fn remove(&mut self, token: Token) -> Option<Arc<ScheduledIo>> {
        self.get(token)?;
        let index = token.0 & INDEX_MASK;
        let slot = &mut self.slots[index];
        slot.generation = slot.generation.wrapping_add(1) & (usize::MAX >> INDEX_BITS);
        self.free.push(index);
        slot.io.take()
    }

    /// Removes every registration.
    pub(crate) fn drain(&mut self) -> Vec<Arc<ScheduledIo>> {
        let mut out = Vec::new();
        for (index, slot) in self.slots.iter_mut().enumerate() {
            if let Some(io) = slot.io.take() {
                slot.generation = slot.generation.wrapping_add(1) & (usize::MAX >> INDEX_BITS);
                self.free.push(index);
                out.push(io);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_slot_rejects_the_old_token() {
        let mut slab = Slab::default();
        let a = slab.insert(Arc::new(ScheduledIo::new())).unwrap();
        assert!(slab.remove(a).is_some());
        let b = slab.insert(Arc::new(ScheduledIo::new())).unwrap();
        assert_eq!(a.0 & INDEX_MASK, b.0 & INDEX_MASK);
        assert_ne!(a, b);
        assert!(slab.get(a).is_none());
        assert!(slab.remove(a).is_none());
        assert!(slab.get(b).is_some());
    }
}
