//! `split`: divides one read-write object into a read half and a write half that can be
//! used from two tasks. (Sockets have lock-free `into_split`; this works for any type.)

use super::CoreError;
use avx_core::io::{AsyncRead, AsyncWrite};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// The reading half made by [`split`].
#[derive(Debug)]
pub struct ReadHalf<T> {
    inner: Arc<Mutex<T>>,
}

/// The writing half made by [`split`].
#[derive(Debug)]
pub struct WriteHalf<T> {
    inner: Arc<Mutex<T>>,
}

/// Splits `stream` into halves that share it behind a lock held only during each poll.
pub fn split<T: AsyncRead + AsyncWrite + Unpin>(stream: T) -> (ReadHalf<T>, WriteHalf<T>) {
    let inner = Arc::new(Mutex::new(stream));
    (ReadHalf { inner: inner.clone() }, WriteHalf { inner })
}

fn lock<T>(inner: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in the other half's poll leaves the stream itself intact.
    inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> ReadHalf<T> {
    /// Puts the halves back together; gives them back if they came from different `split`s.
    pub fn unsplit(self, write: WriteHalf<T>) -> Result<T, (ReadHalf<T>, WriteHalf<T>)> {
        if !Arc::ptr_eq(&self.inner, &write.inner) {
            return Err((self, write));
        }
        drop(write);
        match Arc::try_unwrap(self.inner) {
            Ok(mutex) => Ok(mutex.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())),
            Err(_) => unreachable!("both halves of the pair were consumed"),
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for ReadHalf<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<Result<usize, CoreError>> {
        Pin::new(&mut *lock(&self.inner)).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteHalf<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, CoreError>> {
        Pin::new(&mut *lock(&self.inner)).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), CoreError>> {
        Pin::new(&mut *lock(&self.inner)).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), CoreError>> {
        Pin::new(&mut *lock(&self.inner)).poll_shutdown(cx)
    }
}
