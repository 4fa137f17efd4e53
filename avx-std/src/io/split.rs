//! `split`: divides one read-write object into a read half and a write half that two tasks can
//! use at once, sharing it behind a lock held only during each poll. (Sockets have lock-free
//! `split`/`into_split`; this works for any type.)

use avx_core::io::{AsyncRead, AsyncWrite, ReadBuf};
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

/// The reading half made by [`split`].
pub struct ReadHalf<T> {
    inner: Arc<Mutex<T>>,
}

/// The writing half made by [`split`].
pub struct WriteHalf<T> {
    inner: Arc<Mutex<T>>,
}

/// Splits `stream` into halves that share it.
pub fn split<T: AsyncRead + AsyncWrite>(stream: T) -> (ReadHalf<T>, WriteHalf<T>) {
    let inner = Arc::new(Mutex::new(stream));
    (ReadHalf { inner: inner.clone() }, WriteHalf { inner })
}

/// Runs `op` on the shared stream, locked and pinned for the duration of one poll.
fn pinned<T, R>(inner: &Mutex<T>, op: impl FnOnce(Pin<&mut T>) -> R) -> R {
    let mut guard = lock(inner);
    // SAFETY: the stream lives in an `Arc` allocation, so it never moves while either half
    // exists; it is moved out only by `unsplit`, which requires `T: Unpin`.
    op(unsafe { Pin::new_unchecked(&mut *guard) })
}

fn lock<T>(inner: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic in the other half's poll leaves the stream itself as usable as after any poll.
    inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> ReadHalf<T> {
    /// Whether `other` is the write half split from the same stream.
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Puts the halves back together.
    ///
    /// # Panics
    /// If `write` was split from a different stream.
    #[track_caller]
    pub fn unsplit(self, write: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        assert!(self.is_pair_of(&write), "ReadHalf::unsplit: the halves come from different `split` calls");
        drop(write);
        let mutex = Arc::into_inner(self.inner).expect("both halves of the pair were consumed");
        mutex.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        pinned(&self.inner, |stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        pinned(&self.inner, |stream| stream.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        pinned(&self.inner, |stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        lock(&self.inner).is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        pinned(&self.inner, |stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        pinned(&self.inner, |stream| stream.poll_shutdown(cx))
    }
}

impl<T> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadHalf").finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WriteHalf").finish_non_exhaustive()
    }
}
