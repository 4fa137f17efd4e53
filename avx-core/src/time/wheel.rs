//! The hierarchical timing wheel of one shard: 6 levels of 64 slots at 1 ms resolution with
//! intrusive slot lists, O(1) insert and remove, and a bitmap search for the next expiration.

use core::ptr::NonNull;

use super::entry::Entry;

/// Number of levels; level `l` slots each span `64^l` ms, so the wheel covers 2^36 ms
/// (about 2.2 years). Later deadlines wait in the top level and are re-filed when reached.
pub(crate) const LEVELS: usize = 6;
const SLOT_BITS: u32 = 6;
const SLOTS: usize = 1 << SLOT_BITS;
const SLOT_MASK: u64 = SLOTS as u64 - 1;

/// The earliest non-empty slot: processing it at `at` (ms) fires or re-files its entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Expiration {
    level: usize,
    slot: usize,
    /// The slot's start in wheel milliseconds.
    pub(crate) at: u64,
}

/// `insert` refused the entry because its deadline is already in the processed past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AlreadyDue;

struct Level {
    /// Bit `s` set ⇔ `heads[s]` is non-empty.
    occupied: u64,
    heads: [Option<NonNull<Entry>>; SLOTS],
}

/// A timing wheel. Every method is called with the owning shard's lock held.
pub(crate) struct Wheel {
    /// Milliseconds processed so far: every entry due at or before it has fired.
    elapsed: u64,
    levels: [Level; LEVELS],
    len: usize,
}

// SAFETY: the wheel only holds pointers to entries that are touched under the shard lock
// guarding the wheel; sending the wheel to another thread moves no entry.
unsafe impl Send for Wheel {}

impl Wheel {
    pub(crate) const fn new() -> Self {
        Wheel {
            elapsed: 0,
            levels: [const {
                Level {
                    occupied: 0,
                    heads: [None; SLOTS],
                }
            }; LEVELS],
            len: 0,
        }
    }

    /// How many entries are linked.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no entry is linked and no slot is marked occupied.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
            && self
                .levels
                .iter()
                .all(|level| level.occupied == 0 && level.heads.iter().all(Option::is_none))
    }

    /// Links an entry into the slot for its deadline `when` (ms).
    ///
    /// Returns `AlreadyDue` without linking when `when <= elapsed`: the caller fires it.
    ///
    /// # Safety
    /// The shard lock guarding this wheel is held, the entry is pinned, not linked anywhere,
    /// and stays alive until it is removed with [`Wheel::remove`] or popped by
    /// [`Wheel::pop_due`].
    pub(crate) unsafe fn insert(
        &mut self,
        entry: NonNull<Entry>,
        when: u64,
    ) -> Result<(), AlreadyDue> {
        if when <= self.elapsed {
            return Err(AlreadyDue);
        }
        let level = level_for(self.elapsed, when);
        let slot = ((when >> (SLOT_BITS * level as u32)) & SLOT_MASK) as usize;
        let head = self.levels[level].heads[slot];
        // SAFETY: the entry and the old head are alive (contract of every insert) and the
        // shard lock is held.
        unsafe {
            entry.as_ref().with_links(|links| {
                links.when = when;
                links.prev = None;
                links.next = head;
                links.slot = (level * SLOTS + slot) as u16;
            });
            if let Some(head) = head {
                head.as_ref().with_links(|links| links.prev = Some(entry));
            }
        }
        self.levels[level].heads[slot] = Some(entry);
        self.levels[level].occupied |= 1 << slot;
        self.len += 1;
        Ok(())
    }

    /// Unlinks an entry.
    ///
    /// # Safety
    /// The shard lock is held and the entry is currently linked into this wheel.
    pub(crate) unsafe fn remove(&mut self, entry: NonNull<Entry>) {
        // SAFETY: the entry is linked here, so it and its neighbours are alive (insert's
        // contract) and the lock is held.
        unsafe {
            let (prev, next, slot) = entry.as_ref().with_links(|links| {
                let taken = (links.prev, links.next, links.slot as usize);
                links.prev = None;
                links.next = None;
                taken
            });
            let (level, slot) = (slot / SLOTS, slot % SLOTS);
            match prev {
                Some(prev) => prev.as_ref().with_links(|links| links.next = next),
                None => self.levels[level].heads[slot] = next,
            }
            if let Some(next) = next {
                next.as_ref().with_links(|links| links.prev = prev);
            }
            if self.levels[level].heads[slot].is_none() {
                self.levels[level].occupied &= !(1 << slot);
            }
        }
        self.len -= 1;
    }

    /// The earliest slot that needs processing, if any entry is linked.
    pub(crate) fn next_expiration(&self) -> Option<Expiration> {
        (0..LEVELS)
            .filter_map(|level| self.next_in_level(level))
            .min_by_key(|expiration| expiration.at)
    }

    fn next_in_level(&self, level: usize) -> Option<Expiration> {
        let occupied = self.levels[level].occupied;
        if occupied == 0 {
            return None;
        }
        let shift = SLOT_BITS * level as u32;
        let current = ((self.elapsed >> shift) & SLOT_MASK) as u32;
        // Distance (in slots) from the current slot to the next occupied one, cyclically.
        let mut distance = occupied.rotate_right(current).trailing_zeros();
        if distance == 0 && level > 0 {
            // Only the top level can hold entries in the current slot: deadlines a full
            // rotation or more ahead. Their slot comes round again one rotation later.
            distance = SLOTS as u32;
        }
        let rotation_start = (self.elapsed >> (shift + SLOT_BITS)) << (shift + SLOT_BITS);
        let at = rotation_start.saturating_add(u64::from(current + distance) << shift);
        let slot = ((current + distance) as usize) % SLOTS;
        Some(Expiration { level, slot, at })
    }

    /// Advances the wheel towards `now` (ms) and returns the next entry due at or before it,
    /// unlinked; `None` once every due entry has been returned. Entries of coarser slots
    /// that are not yet due are re-filed into finer slots on the way.
    pub(crate) fn pop_due(&mut self, now: u64) -> Option<NonNull<Entry>> {
        loop {
            let expiration = match self.next_expiration() {
                Some(expiration) if expiration.at <= now => expiration,
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            };
            self.elapsed = self.elapsed.max(expiration.at);
            let entry = self.levels[expiration.level].heads[expiration.slot]?;
            // SAFETY: the entry is linked here (it is a slot head) and the caller holds the
            // shard lock, as for every `&mut Wheel`.
            let when = unsafe {
                self.remove(entry);
                entry.as_ref().with_links(|links| links.when)
            };
            // SAFETY: as above; the entry is unlinked but still alive until popped.
            match unsafe { self.insert(entry, when) } {
                Ok(()) => continue,
                Err(AlreadyDue) => return Some(entry),
            }
        }
    }
}

/// The level whose slot width fits the distance from `elapsed` to `when`: the highest 6-bit
/// digit in which they differ, capped at the top level.
fn level_for(elapsed: u64, when: u64) -> usize {
    let differing = (elapsed ^ when) | SLOT_MASK;
    let highest_bit = 63 - differing.leading_zeros();
    ((highest_bit / SLOT_BITS) as usize).min(LEVELS - 1)
}
