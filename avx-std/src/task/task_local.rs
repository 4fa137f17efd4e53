//! Task-local values: `task_local!` declares a `LocalKey`, whose `scope` makes a value
//! current while a future is polled (and dropped); `with`/`get` read it from inside.

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares task-local keys: `static NAME: Type;` entries, each a [`LocalKey`].
///
/// ```
/// avx_std::task_local! {
///     static REQUEST_ID: u64;
/// }
/// # avx_std::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// REQUEST_ID.scope(7, async { assert_eq!(REQUEST_ID.get(), 7) }).await;
/// # });
/// ```
#[macro_export]
macro_rules! task_local {
    () => {};
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };
    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_key!($(#[$attr])* $vis $name, $t);
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_key {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __AVX_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey::__new(__AVX_TASK_LOCAL)
        };
    };
}

/// A key for a task-local value (declared with [`task_local!`](crate::task_local)). Unlike a
/// thread-local, it has no value of its own: [`LocalKey::scope`] provides one for a future.
pub struct LocalKey<T: 'static> {
    slot: std::thread::LocalKey<RefCell<Option<T>>>,
}

/// A task-local value was read outside any `scope` of its key.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AccessError(());

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessError")
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("task-local value not set: read outside a `scope` of its key")
    }
}

impl std::error::Error for AccessError {}

const NOT_SET: &str =
    "cannot access a task-local storage value without setting it first (outside a `scope` of its key)";

impl<T: 'static> LocalKey<T> {
    #[doc(hidden)]
    pub const fn __new(slot: std::thread::LocalKey<RefCell<Option<T>>>) -> LocalKey<T> {
        LocalKey { slot }
    }

    /// Makes `value` this key's value while `future` is polled (and when it is dropped);
    /// the value is dropped with the returned future.
    pub fn scope<F: Future>(&'static self, value: T, future: F) -> TaskLocalFuture<T, F> {
        TaskLocalFuture { key: self, value: Some(value), future: Some(future), _pinned: PhantomPinned }
    }

    /// Makes `value` this key's value while `f` runs.
    ///
    /// # Panics
    /// If called inside [`LocalKey::with`] of the same key.
    #[track_caller]
    pub fn sync_scope<R>(&'static self, value: T, f: impl FnOnce() -> R) -> R {
        let mut value = Some(value);
        self.enter(&mut value, f)
    }

    /// Runs `f` with `slot` swapped into the thread-local, swapping it back afterwards
    /// (also if `f` unwinds).
    #[track_caller]
    fn enter<R>(&'static self, slot: &mut Option<T>, f: impl FnOnce() -> R) -> R {
        struct SwapBack<'a, T: 'static> {
            key: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T> Drop for SwapBack<'_, T> {
            fn drop(&mut self) {
                let _ = self.key.slot.try_with(|cell| std::mem::swap(self.slot, &mut *cell.borrow_mut()));
            }
        }
        self.swap(slot);
        let _back = SwapBack { key: self, slot };
        f()
    }

    #[track_caller]
    fn swap(&'static self, slot: &mut Option<T>) {
        let swapped = self.slot.try_with(|cell| match cell.try_borrow_mut() {
            Ok(mut current) => {
                std::mem::swap(slot, &mut *current);
                true
            }
            Err(_) => false,
        });
        match swapped {
            Ok(true) => {}
            Ok(false) => panic!("a task-local's scope was entered inside `with` of the same key"),
            Err(_) => panic!("a task-local's scope was entered while its thread is being destroyed"),
        }
    }

    /// Runs `f` with a reference to the current value.
    ///
    /// # Panics
    /// Outside a `scope` of this key.
    #[track_caller]
    pub fn with<R>(&'static self, f: impl FnOnce(&T) -> R) -> R {
        match self.try_with(f) {
            Ok(result) => result,
            Err(_) => panic!("{NOT_SET}"),
        }
    }

    /// Runs `f` with a reference to the current value, or fails outside a `scope`.
    pub fn try_with<R>(&'static self, f: impl FnOnce(&T) -> R) -> Result<R, AccessError> {
        let result = self.slot.try_with(|cell| {
            let current = cell.try_borrow().map_err(|_| AccessError(()))?;
            current.as_ref().map(f).ok_or(AccessError(()))
        });
        result.unwrap_or(Err(AccessError(())))
    }
}

impl<T: Copy + 'static> LocalKey<T> {
    /// A copy of the current value.
    ///
    /// # Panics
    /// Outside a `scope` of this key.
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|value| *value)
    }

    /// A copy of the current value, or an error outside a `scope`.
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(|value| *value)
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

/// A future with a task-local value in scope ([`LocalKey::scope`]).
pub struct TaskLocalFuture<T: 'static, F> {
    key: &'static LocalKey<T>,
    value: Option<T>,
    /// `None` once dropped (in our `Drop`, with the value in scope).
    future: Option<F>,
    _pinned: PhantomPinned,
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the value out: later polls run the future without it (reads then fail).
    /// `None` if already taken.
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        // SAFETY: `value` is never pinned (only `future` is), so moving out of it is fine.
        unsafe { self.get_unchecked_mut() }.value.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // SAFETY: `future` is structurally pinned: it is never moved, only polled in place
        // here and dropped in place in `Drop`; `key` and `value` are not pinned.
        let this = unsafe { self.get_unchecked_mut() };
        let key = this.key;
        let future = &mut this.future;
        key.enter(&mut this.value, || {
            let future = future.as_mut().expect("a TaskLocalFuture is not polled after being dropped");
            // SAFETY: see above; the future stays where it is until dropped in place.
            unsafe { Pin::new_unchecked(future) }.poll(cx)
        })
    }
}

impl<T: 'static, F> Drop for TaskLocalFuture<T, F> {
    fn drop(&mut self) {
        // The future's Drop (a cancelled task's cleanup) may read the value: drop it in scope.
        let future = &mut self.future;
        if future.is_some() && self.key.slot.try_with(|cell| cell.try_borrow_mut().is_ok()) == Ok(true) {
            self.key.enter(&mut self.value, || *future = None);
        }
    }
}

impl<T: 'static + fmt::Debug, F> fmt::Debug for TaskLocalFuture<T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskLocalFuture").field("value", &self.value).finish_non_exhaustive()
    }
}
