//! One place that picks real or loom-modelled primitives, so every lock-free structure
//! in the crate can be model-checked with `RUSTFLAGS="--cfg loom"`.

#[cfg(loom)]
pub(crate) use loom::{
    cell::UnsafeCell,
    hint::spin_loop,
    sync::atomic::{fence, AtomicBool, AtomicPtr, AtomicU16, AtomicU32, AtomicUsize, Ordering},
    sync::Arc,
};

#[cfg(not(loom))]
pub(crate) use {
    alloc::sync::Arc,
    core::hint::spin_loop,
    core::sync::atomic::{fence, AtomicBool, AtomicPtr, AtomicU16, AtomicU32, AtomicUsize, Ordering},
};

/// `UnsafeCell` with loom's closure-based access API, so code reads the same under both cfgs.
#[cfg(not(loom))]
#[derive(Debug, Default)]
pub(crate) struct UnsafeCell<T: ?Sized>(core::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) const fn new(value: T) -> Self {
        Self(core::cell::UnsafeCell::new(value))
    }
}

#[cfg(not(loom))]
impl<T: ?Sized> UnsafeCell<T> {
    #[inline(always)]
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    #[inline(always)]
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

/// A short-critical-section mutex: `spin` in production, loom's mutex under the model.
#[cfg(not(loom))]
pub(crate) type Mutex<T> = spin::Mutex<T>;

#[cfg(loom)]
#[derive(Debug, Default)]
pub(crate) struct Mutex<T>(loom::sync::Mutex<T>);

#[cfg(loom)]
impl<T> Mutex<T> {
    pub(crate) fn new(value: T) -> Self {
        Self(loom::sync::Mutex::new(value))
    }

    pub(crate) fn lock(&self) -> loom::sync::MutexGuard<'_, T> {
        self.0.lock().unwrap()
    }
}
