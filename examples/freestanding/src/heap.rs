//! The global allocator: power-of-two size classes (16 B to 64 KiB) with a free list each,
//! carved from one static buffer; larger blocks are carved too and never reused.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;

const HEAP_SIZE: usize = 16 << 20;
const MIN_CLASS: u32 = 4; // 16 bytes: room for the free-list link
const CLASSES: usize = 13; // 16 B ..= 64 KiB

#[repr(C, align(4096))]
struct Arena(UnsafeCell<[u8; HEAP_SIZE]>);

// SAFETY: the arena is only reached through `Heap`, which hands out each byte range once,
// under its lock.
unsafe impl Sync for Arena {}

static ARENA: Arena = Arena(UnsafeCell::new([0; HEAP_SIZE]));

/// A freed block: the link to the next free block of its class.
struct FreeBlock {
    next: *mut FreeBlock,
}

struct State {
    /// Offset of the first never-used byte of the arena.
    bump: usize,
    free: [*mut FreeBlock; CLASSES],
}

/// The allocator. Must never be called from a signal handler (it takes a lock).
pub struct Heap(spin::Mutex<State>);

// SAFETY: the raw pointers in `State` point into the static arena and are only used under
// the lock.
unsafe impl Sync for Heap {}

impl Heap {
    pub const fn new() -> Heap {
        Heap(spin::Mutex::new(State { bump: 0, free: [ptr::null_mut(); CLASSES] }))
    }
}

/// The size class of `layout`: a power of two at least its size and alignment.
fn class_of(layout: Layout) -> (u32, usize) {
    let size = layout.size().max(layout.align()).next_power_of_two().max(1 << MIN_CLASS);
    (size.trailing_zeros(), size)
}

impl State {
    /// Carves `size` bytes aligned to `align` from the untouched part of the arena.
    fn carve(&mut self, size: usize, align: usize) -> *mut u8 {
        let start = self.bump.next_multiple_of(align);
        match start.checked_add(size) {
            Some(end) if end <= HEAP_SIZE => {
                self.bump = end;
                // SAFETY: `start + size <= HEAP_SIZE`: inside the arena.
                unsafe { (ARENA.0.get() as *mut u8).add(start) }
            }
            _ => ptr::null_mut(),
        }
    }
}

// SAFETY: every block handed out is inside the arena, aligned to the class size (itself at
// least the layout's alignment), at least the layout's size, and owned by one caller until
// `dealloc` puts it back on its class's free list.
unsafe impl GlobalAlloc for Heap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (class, size) = class_of(layout);
        let mut state = self.0.lock();
        let Some(index) = (class - MIN_CLASS).try_into().ok().filter(|&i: &usize| i < CLASSES) else {
            return state.carve(size, layout.align().max(16));
        };
        let head = state.free[index];
        if head.is_null() {
            return state.carve(size, size);
        }
        // SAFETY: a non-null head is a block of this class that `dealloc` linked.
        state.free[index] = unsafe { (*head).next };
        head as *mut u8
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let (class, _) = class_of(layout);
        let index = (class - MIN_CLASS) as usize;
        if index >= CLASSES {
            return; // large blocks are not reused
        }
        let mut state = self.0.lock();
        let block = block as *mut FreeBlock;
        // SAFETY: the caller returns a block `alloc` gave out for this layout: it is at least
        // 16 bytes and 16-aligned, ours again, and becomes the head of its class's list.
        unsafe { block.write(FreeBlock { next: state.free[index] }) };
        state.free[index] = block;
    }
}
