//! `read_dir`: a directory's entries as an async stream. Entries come from the blocking pool
//! in batches (one round trip per `BATCH` entries), each with its file type already known.

use super::asyncify;
use crate::runtime::context;
use avx_core::task::JoinHandle;
use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// Entries fetched per trip to the blocking pool.
const BATCH: usize = 32;

/// Opens the directory at `path` for reading its entries (`.` and `..` are left out).
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    let std = asyncify(move || std::fs::read_dir(path)).await?;
    Ok(ReadDir(State::Idle(Some(Batch { entries: VecDeque::new(), std, done: false }))))
}

/// The entries of a directory, made by [`read_dir`]. In no particular order.
#[derive(Debug)]
pub struct ReadDir(State);

#[derive(Debug)]
enum State {
    /// `None` once the pool failed a batch: the stream has ended.
    Idle(Option<Batch>),
    Fetching(JoinHandle<Batch>),
}

#[derive(Debug)]
struct Batch {
    entries: VecDeque<io::Result<DirEntry>>,
    std: std::fs::ReadDir,
    /// The std iterator has ended.
    done: bool,
}

impl Batch {
    /// Takes up to `BATCH` more entries from the directory (on the blocking pool).
    fn fill(mut self) -> Batch {
        for _ in 0..BATCH {
            let Some(entry) = self.std.next() else {
                self.done = true;
                break;
            };
            self.entries.push_back(entry.map(DirEntry::new));
        }
        self
    }
}

impl ReadDir {
    /// The next entry, or `None` at the end.
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry; see [`ReadDir::next_entry`].
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.0 {
                State::Idle(slot) => {
                    let Some(batch) = slot else { return Poll::Ready(Ok(None)) };
                    if let Some(entry) = batch.entries.pop_front() {
                        return Poll::Ready(entry.map(Some));
                    }
                    if batch.done {
                        return Poll::Ready(Ok(None));
                    }
                    let batch = slot.take().expect("checked above");
                    self.0 = State::Fetching(context::require("ReadDir", |handle| {
                        handle.spawn_blocking(move || batch.fill())
                    }));
                }
                State::Fetching(task) => {
                    let fetched = ready!(Pin::new(task).poll(cx));
                    match fetched {
                        Ok(batch) => self.0 = State::Idle(Some(batch)),
                        Err(e) => {
                            self.0 = State::Idle(None);
                            return Poll::Ready(Err(io::Error::other(format!(
                                "reading the directory did not run on the blocking pool: {e}"
                            ))));
                        }
                    }
                }
            }
        }
    }
}

/// One entry of a directory, from [`ReadDir`].
#[derive(Debug)]
pub struct DirEntry {
    std: Arc<std::fs::DirEntry>,
    /// Learned with the batch (usually from the directory itself, without a `stat`).
    file_type: Option<FileType>,
}

impl DirEntry {
    fn new(std: std::fs::DirEntry) -> DirEntry {
        let file_type = std.file_type().ok();
        DirEntry { std: Arc::new(std), file_type }
    }

    /// The full path: the directory's path joined with [`DirEntry::file_name`].
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// The entry's name within the directory.
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// The entry's inode number, as the directory lists it.
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// The entry's metadata, not following a symbolic link (on the blocking pool).
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// The entry's type, not following a symbolic link; known without a system call in the
    /// common case.
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}
