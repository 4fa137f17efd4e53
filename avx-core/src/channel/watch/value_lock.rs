//! The lock around a watch channel's value: `spin`'s reader-writer lock, or loom's under the
//! model (the crate's loom shim has no reader-writer lock).

#[cfg(not(loom))]
mod imp {
    pub(crate) type ValueLock<T> = spin::RwLock<T>;
    pub(crate) type ReadGuard<'a, T> = spin::RwLockReadGuard<'a, T>;

    pub(crate) fn read<T>(lock: &ValueLock<T>) -> ReadGuard<'_, T> {
        lock.read()
    }

    pub(crate) fn write<T>(lock: &ValueLock<T>) -> spin::RwLockWriteGuard<'_, T> {
        lock.write()
    }
}

#[cfg(loom)]
mod imp {
    pub(crate) type ValueLock<T> = loom::sync::RwLock<T>;
    pub(crate) type ReadGuard<'a, T> = loom::sync::RwLockReadGuard<'a, T>;

    pub(crate) fn read<T>(lock: &ValueLock<T>) -> ReadGuard<'_, T> {
        lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn write<T>(lock: &ValueLock<T>) -> loom::sync::RwLockWriteGuard<'_, T> {
        lock.write().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub(super) use imp::{read, write, ReadGuard, ValueLock};
