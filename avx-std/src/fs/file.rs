//! `File`: an open file whose operations run on the blocking pool. Reads fetch ahead (a
//! sequential reader pays one pool round trip per growing block), writes complete behind.

use super::{asyncify, OpenOptions};
use crate::io::blocking::{Blocking, PoolObject, DEFAULT_MAX_BUF};
use crate::sync::Mutex;
use avx_core::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use std::fmt;
use std::fs::{FileTimes, Metadata, Permissions};
use std::io::{self, IoSlice, Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

/// An open file, with Tokio's semantics: a write is taken into the file's buffer and finished
/// on the blocking pool in the background (its error, if any, is returned by the next read,
/// write, seek or flush: flush to know the bytes reached the OS); a read after a write waits
/// for it. A read of a regular file may fetch more than asked; those bytes are given back
/// (the cursor moved back) before a write, seek, `set_len`, `try_clone` or `into_std`, but a
/// second handle sharing the cursor (`try_clone`) sees it ahead meanwhile.
pub struct File {
    std: Arc<std::fs::File>,
    inner: Mutex<Blocking<std::fs::File>>,
    max_buf_size: usize,
}

impl PoolObject for std::fs::File {
    /// `std::fs::File` keeps no buffer: flushing it does nothing.
    const FLUSHES: bool = false;

    fn may_read_ahead(&self) -> bool {
        // A pipe or terminal opened as a file cannot take read bytes back.
        self.metadata().is_ok_and(|metadata| metadata.is_file())
    }

    fn seek_back(&self, n: usize) -> io::Result<()> {
        if n == 0 {
            return Ok(());
        }
        let back = i64::try_from(n).map_err(|_| io::Error::other("read-ahead larger than a seek can undo"))?;
        (&mut &*self).seek(SeekFrom::Current(-back)).map(drop)
    }
}

impl File {
    /// Opens `path` for reading.
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).open(path).await
    }

    /// Opens `path` for writing, creating it or truncating it.
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().write(true).create(true).truncate(true).open(path).await
    }

    /// Creates `path` for reading and writing; `AlreadyExists` if it exists.
    pub async fn create_new(path: impl AsRef<Path>) -> io::Result<File> {
        OpenOptions::new().read(true).write(true).create_new(true).open(path).await
    }

    /// Options to open a file with.
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps an open std file.
    pub fn from_std(std: std::fs::File) -> File {
        File::with_max_buf_size(Arc::new(std), DEFAULT_MAX_BUF)
    }

    fn with_max_buf_size(std: Arc<std::fs::File>, max_buf_size: usize) -> File {
        File { inner: Mutex::new(Blocking::new(std.clone())), std, max_buf_size }
    }

    /// The std file, once the running operation finished and the bytes read ahead were
    /// given back (one whose future was dropped may still be running; this waits for it).
    pub async fn into_std(self) -> std::fs::File {
        let File { std, inner, .. } = self;
        let mut blocking = inner.into_inner();
        // Nothing to report errors to: the file is handed over as the OS left it.
        let _ = blocking.quiet().await;
        if blocking.read_ahead() > 0 {
            let _ = blocking.run(true, |_| Ok(0)).await;
        }
        drop(blocking);
        let mut std = std;
        loop {
            match Arc::try_unwrap(std) {
                Ok(file) => return file,
                Err(shared) => {
                    std = shared;
                    crate::task::yield_now().await;
                }
            }
        }
    }

    /// The std file if no operation is running on it (bytes read ahead are given back here,
    /// with one `lseek`); else `self` back.
    #[allow(clippy::result_large_err)] // Tokio's signature: the file itself comes back
    pub fn try_into_std(self) -> Result<std::fs::File, File> {
        let File { std, inner, max_buf_size } = self;
        let mut blocking = inner.into_inner();
        if blocking.is_busy() || blocking.rewind_now().is_err() {
            return Err(File { std, inner: Mutex::new(blocking), max_buf_size });
        }
        drop(blocking);
        Arc::try_unwrap(std).map_err(|std| File::with_max_buf_size(std, max_buf_size))
    }

    /// The file's metadata (after the running write, if any, finished).
    pub async fn metadata(&self) -> io::Result<Metadata> {
        self.after_running(|file| file.metadata()).await
    }

    /// A second handle to the same open file, sharing its cursor (bytes read ahead are given
    /// back first, so both start at the position this one's reader is at).
    pub async fn try_clone(&self) -> io::Result<File> {
        let mut inner = self.inner.lock().await;
        inner.quiet().await?;
        if inner.read_ahead() > 0 {
            inner.run(true, |_| Ok(0)).await?;
        }
        let std = self.std.clone();
        let clone = asyncify(move || std.try_clone()).await?;
        Ok(File::with_max_buf_size(Arc::new(clone), self.max_buf_size))
    }

    /// Truncates or extends (with zeros) the file to `size` bytes, after pending writes.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle().await?;
        inner.run(true, move |file| file.set_len(size).map(|()| 0)).await.map(drop)
    }

    /// Flushes data and metadata to the storage device, after pending writes.
    pub async fn sync_all(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle().await?;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Flushes data (and only the metadata needed to read it back) to the storage device,
    /// after pending writes.
    pub async fn sync_data(&self) -> io::Result<()> {
        let mut inner = self.inner.lock().await;
        inner.settle().await?;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Changes the file's permissions.
    pub async fn set_permissions(&self, permissions: Permissions) -> io::Result<()> {
        self.after_running(move |file| file.set_permissions(permissions)).await
    }

    /// Changes the file's access and modification times.
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        self.after_running(move |file| file.set_times(times)).await
    }

    /// Changes the file's modification time.
    pub async fn set_modified(&self, time: SystemTime) -> io::Result<()> {
        self.after_running(move |file| file.set_modified(time)).await
    }

    /// The most one read or write moves in one pool round trip (default 2 MiB). Read-ahead
    /// stays within it too.
    ///
    /// # Panics
    /// If `max_buf_size` is 0.
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// See [`File::set_max_buf_size`].
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }

    /// Runs `op` on the pool once the running operation (a write, say) finished; its error
    /// stays for the next I/O call.
    async fn after_running<T: Send + 'static>(
        &self,
        op: impl FnOnce(&std::fs::File) -> io::Result<T> + Send + 'static,
    ) -> io::Result<T> {
        let mut inner = self.inner.lock().await;
        inner.quiet().await?;
        let std = self.std.clone();
        asyncify(move || op(&std)).await
    }
}

impl AsyncRead for File {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.inner.get_mut().poll_read(cx, buf, this.max_buf_size)
    }
}

impl AsyncWrite for File {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, src: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.inner.get_mut().poll_write(cx, src, this.max_buf_size)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        srcs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.inner.get_mut().poll_write_vectored(cx, srcs, this.max_buf_size)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    /// Waits for the running write; its error, if it failed.
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().inner.get_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    /// Fails if another operation is still running (`poll_complete` finishes it).
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
        self.get_mut().inner.get_mut().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        self.get_mut().inner.get_mut().poll_complete(cx)
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("File").field("std", &self.std).finish_non_exhaustive()
    }
}

#[cfg(unix)]
mod raw {
    //! Raw descriptors, as std's `File` offers them.
    use super::File;
    use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, OwnedFd, RawFd};

    impl AsRawFd for File {
        fn as_raw_fd(&self) -> RawFd {
            self.std.as_raw_fd()
        }
    }

    impl AsFd for File {
        fn as_fd(&self) -> BorrowedFd<'_> {
            self.std.as_fd()
        }
    }

    impl FromRawFd for File {
        /// # Safety
        /// As `std::fs::File::from_raw_fd`: `fd` is open and owned by nobody else.
        unsafe fn from_raw_fd(fd: RawFd) -> File {
            // SAFETY: the caller passes std's contract on.
            File::from_std(unsafe { std::fs::File::from_raw_fd(fd) })
        }
    }

    impl From<OwnedFd> for File {
        fn from(fd: OwnedFd) -> File {
            File::from_std(fd.into())
        }
    }
}
