//! `File`: an open file whose operations run on the blocking pool. This is its non-I/O half
//! (open, metadata, length, sync, permissions, std conversion); reading and writing come later.

use super::{asyncify, OpenOptions};
use std::fs::{Metadata, Permissions};
use std::io;
use std::path::Path;
use std::sync::Arc;

/// An open file. Each operation runs on the blocking pool with its own reference to the std
/// file, so the future may be dropped midway without harm.
#[derive(Debug)]
pub struct File {
    std: Arc<std::fs::File>,
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
        File { std: Arc::new(std) }
    }

    /// The std file, once no operation on the blocking pool uses it any more (one whose
    /// future was dropped may still be running; this waits for it).
    pub async fn into_std(self) -> std::fs::File {
        let mut std = self.std;
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

    /// The std file if no operation is still running on it; else `self` back.
    pub fn try_into_std(self) -> Result<std::fs::File, File> {
        Arc::try_unwrap(self.std).map_err(|std| File { std })
    }

    /// The file's metadata.
    pub async fn metadata(&self) -> io::Result<Metadata> {
        self.run(|file| file.metadata()).await
    }

    /// A second handle to the same open file (sharing its offset).
    pub async fn try_clone(&self) -> io::Result<File> {
        self.run(|file| file.try_clone()).await.map(File::from_std)
    }

    /// Truncates or extends (with zeros) the file to `size` bytes.
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        self.run(move |file| file.set_len(size)).await
    }

    /// Flushes data and metadata to the storage device.
    pub async fn sync_all(&self) -> io::Result<()> {
        self.run(|file| file.sync_all()).await
    }

    /// Flushes data (and only the metadata needed to read it back) to the storage device.
    pub async fn sync_data(&self) -> io::Result<()> {
        self.run(|file| file.sync_data()).await
    }

    /// Changes the file's permissions.
    pub async fn set_permissions(&self, permissions: Permissions) -> io::Result<()> {
        self.run(move |file| file.set_permissions(permissions)).await
    }

    async fn run<T: Send + 'static>(
        &self,
        op: impl FnOnce(&std::fs::File) -> io::Result<T> + Send + 'static,
    ) -> io::Result<T> {
        let std = self.std.clone();
        asyncify(move || op(&std)).await
    }
}

impl From<std::fs::File> for File {
    fn from(std: std::fs::File) -> File {
        File::from_std(std)
    }
}
