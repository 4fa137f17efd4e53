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

/// The `Links::slot` of entries on the due list.
const DUE_LIST: u16 = u16::MAX;

struct Level {
    /// Bit `s` set ⇔ `heads[s]` is non-empty.
    occupied: u64,
    heads: [Option<NonNull<Entry>>; SLOTS],
}

/// A timing wheel. Every method is called with the owning shard's lock held.
pub(crate) struct Wheel {
    /// Milliseconds processed so far: every entry due at or before it is on the due list
    /// or has fired.
    elapsed: u64,
    levels: [Level; LEVELS],
    /// Entries found due while draining a slot, not yet handed out by `pop_due`.
    due: Option<NonNull<Entry>>,
    len: usize,
}

// SAFETY: the wheel only holds pointers to entries that are touched under the shard lock
// guarding the wheel; sending the wheel to another thread moves no entry.
unsafe impl Send for Wheel {}

impl Wheel {
    pub(crate) const fn new() -> Self {
        Wheel { elapsed: 0, levels: [const { Level { occupied: 0, heads: [None; SLOTS] } }; LEVELS], due: None, len: 0 }
    }

    /// How many entries are linked (in slots or on the due list).
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Whether no entry is linked and no slot is marked occupied.
    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
            && self.due.is_none()
            && self.levels.iter().all(|level| level.occupied == 0 && level.heads.iter().all(Option::is_none))
    }

    /// Links an entry into the slot for its deadline `when` (ms).
    ///
    /// Returns `AlreadyDue` without linking when `when <= elapsed`: the caller fires it.
    ///
    /// # Safety
    /// The shard lock guarding this wheel is held, the entry is pinned, not linked anywhere,
    /// and stays alive until it is removed with [`Wheel::remove`] or popped by
    /// [`Wheel::pop_due`].
    pub(crate) unsafe fn insert(&mut self, entry: NonNull<Entry>, when: u64) -> Result<(), AlreadyDue> {
        if when <= self.elapsed {
            return Err(AlreadyDue);
        }
        // SAFETY: the entry is alive and the lock is held (contract).
        unsafe { entry.as_ref().with_links(|links| links.when = when) };
        // SAFETY: forwarded from this function's contract.
        unsafe { self.file(entry, when) };
        self.len += 1;
        Ok(())
    }

    /// Pushes an entry due after `elapsed` onto the slot list for `when`.
    ///
    /// # Safety
    /// As for [`Wheel::insert`], and `when > self.elapsed`.
    unsafe fn file(&mut self, entry: NonNull<Entry>, when: u64) {
        let level = level_for(self.elapsed, when);
        let slot = ((when >> (SLOT_BITS * level as u32)) & SLOT_MASK) as usize;
        let id = (level * SLOTS + slot) as u16;
        // SAFETY: forwarded from this function's contract.
        unsafe { push_front(&mut self.levels[level].heads[slot], entry, id) };
        self.levels[level].occupied |= 1 << slot;
    }

    /// Unlinks an entry.
    ///
    /// # Safety
    /// The shard lock is held and the entry is currently linked into this wheel.
    pub(crate) unsafe fn remove(&mut self, entry: NonNull<Entry>) {
        // SAFETY: the entry is linked here, so it is alive (insert's contract); lock held.
        let id = unsafe { entry.as_ref().with_links(|links| links.slot) };
        if id == DUE_LIST {
            // SAFETY: the entry is on the due list (contract).
            unsafe { unlink(&mut self.due, entry) };
        } else {
            let (level, slot) = (id as usize / SLOTS, id as usize % SLOTS);
            // SAFETY: the entry is on this slot's list (contract).
            unsafe { unlink(&mut self.levels[level].heads[slot], entry) };
            if self.levels[level].heads[slot].is_none() {
                self.levels[level].occupied &= !(1 << slot);
            }
        }
        self.len -= 1;
    }

    /// The earliest slot that needs processing, if any entry is linked in a slot.
    pub(crate) fn next_expiration(&self) -> Option<Expiration> {
        if self.due.is_some() {
            return Some(Expiration { level: 0, slot: 0, at: self.elapsed });
        }
        (0..LEVELS).filter_map(|level| self.next_in_level(level)).min_by_key(|expiration| expiration.at)
    }

    fn next_in_level(&self, level: usize) -> Option<Expiration> {
        let occupied = self.levels[level].occupied;
        if occupied == 0 {
            return None;
        }
        let shift = SLOT_BITS * level as u32;
        let current = ((self.elapsed >> shift) & SLOT_MASK) as u32;
        // Distance (in slots) from the current slot to the next occupied one, cyclically.
        let mut rotated = occupied.rotate_right(current);
        if level > 0 {
            // Slots are drained whole, so only the top level can hold entries in its current
            // slot: deadlines a rotation or more ahead, whose slot comes round next rotation.
            // Any other occupied slot of the level comes first.
            rotated &= !1;
        }
        let distance = if rotated == 0 { SLOTS as u32 } else { rotated.trailing_zeros() };
        let rotation_start = (self.elapsed >> (shift + SLOT_BITS)) << (shift + SLOT_BITS);
        let at = rotation_start.saturating_add(u64::from(current + distance) << shift);
        let slot = ((current + distance) as usize) % SLOTS;
        Some(Expiration { level, slot, at })
    }

    /// Advances the wheel towards `now` (ms) and returns the next entry due at or before it,
    /// unlinked; `None` once every due entry has been returned. Each slot reached is drained
    /// whole: due entries move to the due list, the others are re-filed into finer slots.
    pub(crate) fn pop_due(&mut self, now: u64) -> Option<NonNull<Entry>> {
        loop {
            if let Some(entry) = self.due {
                // SAFETY: the entry is on the due list and the caller holds the shard lock
                // (as for every `&mut Wheel`).
                unsafe { self.remove(entry) };
                return Some(entry);
            }
            let expiration = match self.next_expiration() {
                Some(expiration) if expiration.at <= now => expiration,
                _ => {
                    self.elapsed = self.elapsed.max(now);
                    return None;
                }
            };
            self.elapsed = self.elapsed.max(expiration.at);
            let mut drained = self.levels[expiration.level].heads[expiration.slot].take();
            self.levels[expiration.level].occupied &= !(1 << expiration.slot);
            while let Some(entry) = drained {
                // SAFETY: the drained entries were linked, so they are alive; lock held.
                let (next, when) = unsafe { entry.as_ref().with_links(|links| (links.next.take(), links.when)) };
                drained = next;
                if when <= self.elapsed {
                    // SAFETY: as above; the entry is off every list.
                    unsafe { push_front(&mut self.due, entry, DUE_LIST) };
                } else {
                    // SAFETY: as above, and `when > elapsed`.
                    unsafe { self.file(entry, when) };
                }
            }
        }
    }
}

/// Pushes `entry` onto the list at `head`, recording the list's id in it.
///
/// # Safety
/// Shard lock held; `entry` and every entry on the list are alive; `entry` is on no list.
unsafe fn push_front(head: &mut Option<NonNull<Entry>>, entry: NonNull<Entry>, id: u16) {
    let old = *head;
    // SAFETY: forwarded from this function's contract.
    unsafe {
        entry.as_ref().with_links(|links| {
            links.prev = None;
            links.next = old;
            links.slot = id;
        });
        if let Some(old) = old {
            old.as_ref().with_links(|links| links.prev = Some(entry));
        }
    }
    *head = Some(entry);
}

/// Removes `entry` from the list at `head`.
///
/// # Safety
/// Shard lock held; `entry` is on that list and every entry on it is alive.
unsafe fn unlink(head: &mut Option<NonNull<Entry>>, entry: NonNull<Entry>) {
    // SAFETY: forwarded from this function's contract.
    unsafe {
        let (prev, next) = entry.as_ref().with_links(|links| (links.prev.take(), links.next.take()));
        match prev {
            Some(prev) => prev.as_ref().with_links(|links| links.next = next),
            None => *head = next,
        }
        if let Some(next) = next {
            next.as_ref().with_links(|links| links.prev = prev);
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

#[cfg(all(test, not(loom)))]
mod tests {
    use alloc::boxed::Box;
    use alloc::vec::Vec;
    use core::pin::Pin;

    use super::*;

    fn entry() -> Pin<Box<Entry>> {
        Box::pin(Entry::new())
    }

    fn ptr(entry: &Pin<Box<Entry>>) -> NonNull<Entry> {
        NonNull::from(&**entry)
    }

    fn when(entry: NonNull<Entry>) -> u64 {
        // SAFETY: test entries outlive the wheel operations; single-threaded.
        unsafe { entry.as_ref().with_links(|links| links.when) }
    }

    fn level_of(entry: &Pin<Box<Entry>>) -> usize {
        // SAFETY: single-threaded test; the entry is alive.
        unsafe { entry.with_links(|links| links.slot as usize / SLOTS) }
    }

    /// A small deterministic generator (xorshift64*).
    fn random(state: &mut u64) -> u64 {
        *state ^= *state >> 12;
        *state ^= *state << 25;
        *state ^= *state >> 27;
        state.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    #[test]
    fn insert_and_remove_at_every_level() {
        let mut wheel = Wheel::new();
        wheel.pop_due(1_000); // start away from zero so levels are not aligned by accident
        for level in 0..LEVELS {
            let deadline = 1_000 + (1u64 << (SLOT_BITS * level as u32)) * 3;
            let entry = entry();
            // SAFETY: the entry outlives its link (removed below).
            unsafe { wheel.insert(ptr(&entry), deadline) }.unwrap();
            assert_eq!(level_of(&entry), level, "deadline {deadline}");
            assert_eq!(wheel.len(), 1);
            assert!(wheel.next_expiration().unwrap().at <= deadline);
            // SAFETY: linked just above.
            unsafe { wheel.remove(ptr(&entry)) };
            assert!(wheel.is_empty());
        }
    }

    #[test]
    fn removing_from_the_middle_of_a_slot_keeps_the_others() {
        let mut wheel = Wheel::new();
        let entries: Vec<_> = (0..3).map(|_| entry()).collect();
        for entry in &entries {
            // SAFETY: entries outlive the wheel's use of them in this test.
            unsafe { wheel.insert(ptr(entry), 5) }.unwrap();
        }
        // SAFETY: linked above.
        unsafe { wheel.remove(ptr(&entries[1])) };
        let mut popped = Vec::new();
        while let Some(entry) = wheel.pop_due(5) {
            popped.push(entry);
        }
        assert_eq!(popped.len(), 2);
        assert!(popped.contains(&ptr(&entries[0])) && popped.contains(&ptr(&entries[2])));
        assert!(wheel.is_empty());
    }

    #[test]
    fn an_entry_waiting_on_the_due_list_can_still_be_removed() {
        let mut wheel = Wheel::new();
        let entries: Vec<_> = (0..3).map(|_| entry()).collect();
        for entry in &entries {
            // SAFETY: entries outlive the wheel's use of them in this test.
            unsafe { wheel.insert(ptr(entry), 70) }.unwrap();
        }
        let first = wheel.pop_due(70).unwrap();
        let waiting: Vec<_> = entries.iter().map(ptr).filter(|&e| e != first).collect();
        // SAFETY: the other two sit on the due list, still linked.
        unsafe { wheel.remove(waiting[0]) };
        assert_eq!(wheel.len(), 1);
        assert_eq!(wheel.pop_due(70), Some(waiting[1]));
        assert_eq!(wheel.pop_due(70), None);
        assert!(wheel.is_empty());
    }

    #[test]
    fn refuses_deadlines_already_processed() {
        let mut wheel = Wheel::new();
        assert_eq!(wheel.pop_due(10), None);
        let entry = entry();
        // SAFETY: not linked on error.
        assert_eq!(unsafe { wheel.insert(ptr(&entry), 10) }, Err(AlreadyDue));
        assert!(wheel.is_empty());
    }

    #[test]
    fn cascades_and_fires_each_entry_exactly_at_its_millisecond() {
        let deadlines = [1, 63, 64, 65, 4_095, 4_096, 4_097, 300_000, 17_000_000, 1 << 31, (1 << 36) + 5, 1 << 40];
        let mut wheel = Wheel::new();
        let entries: Vec<_> = deadlines.iter().map(|_| entry()).collect();
        for (entry, &deadline) in entries.iter().zip(&deadlines) {
            // SAFETY: entries outlive the wheel's use of them in this test.
            unsafe { wheel.insert(ptr(entry), deadline) }.unwrap();
        }
        for (entry, &deadline) in entries.iter().zip(&deadlines) {
            assert_eq!(wheel.pop_due(deadline - 1), None, "nothing fires before {deadline}");
            assert_eq!(wheel.pop_due(deadline), Some(ptr(entry)));
            assert_eq!(wheel.pop_due(deadline), None);
        }
        assert!(wheel.is_empty());
    }

    #[test]
    fn a_far_deadline_in_the_top_levels_current_slot_does_not_hide_a_nearer_one() {
        let mut wheel = Wheel::new();
        let far = entry();
        let near = entry();
        // Top-level slot 0 of a later rotation, then (processed to just before 2^30) a
        // deadline in slot 1 of the same level.
        // SAFETY: the entries outlive the wheel's use of them in this test.
        unsafe { wheel.insert(ptr(&far), 10 << 36) }.unwrap();
        assert_eq!(wheel.pop_due((1 << 30) - 1), None);
        // SAFETY: as above.
        unsafe { wheel.insert(ptr(&near), (1 << 30) + 9) }.unwrap();
        assert_eq!(wheel.next_expiration().unwrap().at, 1 << 30);
        assert_eq!(wheel.pop_due((1 << 30) + 8), None);
        assert_eq!(wheel.pop_due((1 << 30) + 9), Some(ptr(&near)));
        assert_eq!(wheel.pop_due((10 << 36) - 1), None);
        assert_eq!(wheel.pop_due(10 << 36), Some(ptr(&far)));
        assert!(wheel.is_empty());
    }

    #[test]
    fn one_big_jump_fires_in_deadline_order() {
        let mut wheel = Wheel::new();
        let mut state = 0x9E37_79B9_7F4A_7C15;
        let entries: Vec<_> = (0..2_000).map(|_| entry()).collect();
        for entry in &entries {
            let deadline = 1 + random(&mut state) % (1 << (SLOT_BITS * (1 + random(&mut state) as u32 % 6)));
            // SAFETY: entries outlive the wheel's use of them in this test.
            unsafe { wheel.insert(ptr(entry), deadline) }.unwrap();
        }
        let mut last = 0;
        let mut fired = 0;
        while let Some(entry) = wheel.pop_due(1 << 37) {
            assert!(when(entry) >= last, "fired {} after {last}", when(entry));
            last = when(entry);
            fired += 1;
        }
        assert_eq!(fired, entries.len());
        assert!(wheel.is_empty());
    }

    #[test]
    fn next_expiration_never_passes_the_earliest_deadline() {
        let mut wheel = Wheel::new();
        let mut state = 7;
        let entries: Vec<_> = (0..500).map(|_| entry()).collect();
        let mut pending: Vec<(NonNull<Entry>, u64)> = Vec::new();
        let fire_due = |wheel: &mut Wheel, now: u64, pending: &mut Vec<(NonNull<Entry>, u64)>| {
            while let Some(entry) = wheel.pop_due(now) {
                assert!(when(entry) <= now, "fired early");
                pending.retain(|&(other, _)| other != entry);
            }
        };
        let mut now = 0;
        for entry in &entries {
            now += random(&mut state) % 50;
            fire_due(&mut wheel, now, &mut pending);
            let deadline = now + 1 + random(&mut state) % (1 << 24);
            // SAFETY: entries outlive the wheel's use of them in this test.
            unsafe { wheel.insert(ptr(entry), deadline) }.unwrap();
            pending.push((ptr(entry), deadline));
        }
        // Jump from expiration to expiration, as a parked worker would.
        while let Some(expiration) = wheel.next_expiration() {
            let earliest = pending.iter().map(|&(_, deadline)| deadline).min().unwrap();
            assert!(expiration.at <= earliest, "{} > {earliest}", expiration.at);
            fire_due(&mut wheel, expiration.at, &mut pending);
        }
        assert!(pending.is_empty());
        assert!(wheel.is_empty());
    }
}
