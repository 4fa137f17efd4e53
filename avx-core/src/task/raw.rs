//! The single allocation behind every task (header, scheduler, future-or-output) and the
//! type-erased vtable through which wakers, queues and handles reach it.

use super::error::JoinError;
use super::state::State;
use super::{Id, Schedule};
use crate::loom::UnsafeCell;
use alloc::boxed::Box;
use core::future::Future;
use core::ptr::NonNull;
use core::task::Waker;

/// The type-independent front of a task allocation; every task pointer points here.
#[repr(C)]
pub(crate) struct Header {
    pub(super) state: State,
    pub(super) vtable: &'static Vtable,
    pub(super) id: Id,
    /// Which `OwnedTasks` list the task belongs to.
    pub(super) owner_id: usize,
    /// Links in the owner's list; guarded by that list's shard lock.
    pub(super) links: UnsafeCell<Links>,
    /// The `JoinHandle`'s waker. Written by the handle while `JOIN_WAKER` is clear,
    /// read by the runtime while it is set (see `state.rs`).
    pub(super) join_waker: UnsafeCell<Option<Waker>>,
}

#[derive(Default)]
pub(super) struct Links {
    pub(super) prev: Option<NonNull<Header>>,
    pub(super) next: Option<NonNull<Header>>,
    pub(super) linked: bool,
}

/// Where the future lives, then its output, then nothing once the output is taken.
pub(super) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

/// The whole allocation. `repr(C)` keeps `header` at offset 0 so the pointer casts hold.
#[repr(C)]
pub(super) struct Cell<F: Future, S> {
    pub(super) header: Header,
    pub(super) scheduler: S,
    pub(super) stage: UnsafeCell<Stage<F>>,
}

/// Per-(future, scheduler) functions, reached from a type-erased `Header`.
pub(super) struct Vtable {
    /// Runs the task once; consumes the `Notified` reference.
    pub(super) run: unsafe fn(NonNull<Header>),
    /// Hands a new `Notified` (whose reference the caller reserved) to the scheduler.
    pub(super) schedule: unsafe fn(NonNull<Header>),
    /// Frees the allocation; called once the reference count reached zero.
    pub(super) dealloc: unsafe fn(NonNull<Header>),
    /// Moves the output to `*(dst as *mut Poll<Result<T, JoinError>>)` if complete, else
    /// registers the waker.
    pub(super) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// Drops the join interest and its reference.
    pub(super) drop_join_handle: unsafe fn(NonNull<Header>),
    /// Cancels the task for runtime shutdown; consumes the owner list's reference.
    pub(super) shutdown: unsafe fn(NonNull<Header>),
}

impl<F: Future, S: Schedule> Cell<F, S> {
    /// Allocates a task; the state starts with the three references of `State::new`.
    pub(super) fn allocate(future: F, scheduler: S, id: Id, owner_id: usize) -> NonNull<Header> {
        let cell = Box::new(Cell {
            header: Header {
                state: State::new(),
                vtable: &Self::VTABLE,
                id,
                owner_id,
                links: UnsafeCell::new(Links::default()),
                join_waker: UnsafeCell::new(None),
            },
            scheduler,
            stage: UnsafeCell::new(Stage::Running(future)),
        });
        NonNull::from(Box::leak(cell)).cast()
    }

    const VTABLE: Vtable = Vtable {
        run: super::harness::run::<F, S>,
        schedule: super::harness::schedule::<F, S>,
        dealloc: super::harness::dealloc::<F, S>,
        try_read_output: super::harness::try_read_output::<F, S>,
        drop_join_handle: super::harness::drop_join_handle::<F, S>,
        shutdown: super::harness::shutdown::<F, S>,
    };
}

/// A copyable, non-owning task pointer; ownership is tracked by the wrappers around it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask(NonNull<Header>);

// SAFETY: a RawTask is only a pointer; the task's shared parts (state, scheduler) are
// thread-safe, and the future is only touched by the thread holding RUNNING.
unsafe impl Send for RawTask {}
// SAFETY: as above.
unsafe impl Sync for RawTask {}

impl RawTask {
    pub(super) fn from_header(ptr: NonNull<Header>) -> RawTask {
        RawTask(ptr)
    }

    pub(super) fn header_ptr(self) -> NonNull<Header> {
        self.0
    }

    pub(super) fn header(&self) -> &Header {
        // SAFETY: every RawTask in use is backed by a live reference of some owner.
        unsafe { self.0.as_ref() }
    }

    /// # Safety
    /// The caller gives up one reference that entitles it to run the task (a `Notified`).
    pub(super) unsafe fn run(self) {
        // SAFETY: forwarded contract; the vtable matches the allocation's types.
        unsafe { (self.header().vtable.run)(self.0) }
    }

    /// # Safety
    /// The caller has reserved a reference for the new `Notified`.
    pub(super) unsafe fn schedule(self) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.schedule)(self.0) }
    }

    /// # Safety
    /// The reference count has reached zero.
    pub(super) unsafe fn dealloc(self) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.dealloc)(self.0) }
    }

    /// # Safety
    /// `dst` points to a `Poll<Result<T, JoinError>>` with the task's output type `T`, and
    /// the caller holds the join interest.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.try_read_output)(self.0, dst, waker) }
    }

    /// # Safety
    /// The caller gives up the join interest and its reference.
    pub(super) unsafe fn drop_join_handle(self) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.drop_join_handle)(self.0) }
    }

    /// # Safety
    /// The caller gives up the owner list's reference (the task was unlinked from it).
    pub(super) unsafe fn shutdown(self) {
        // SAFETY: forwarded contract.
        unsafe { (self.header().vtable.shutdown)(self.0) }
    }

    /// Releases one reference, freeing the task if it was the last.
    ///
    /// # Safety
    /// The caller owns the reference it releases.
    pub(super) unsafe fn drop_reference(self) {
        if self.header().state.ref_dec(1) {
            // SAFETY: that was the last reference.
            unsafe { self.dealloc() }
        }
    }
}
