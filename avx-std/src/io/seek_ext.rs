//! `AsyncSeekExt`: `seek`, `rewind` and `stream_position` as futures, for every `AsyncSeek`.

use avx_core::io::{AsyncSeek, SeekFrom};
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;

/// Seeking helpers for every [`AsyncSeek`], as in Tokio.
pub trait AsyncSeekExt: AsyncSeek {
    /// Moves the cursor to `position`; the new position from the start.
    ///
    /// A pending seek of an earlier, cancelled call is completed first.
    fn seek(&mut self, position: SeekFrom) -> impl Future<Output = io::Result<u64>> + '_
    where
        Self: Unpin,
    {
        async move {
            let mut started = false;
            poll_fn(|cx| {
                if !started {
                    // Settle whatever an earlier seek left in progress before starting ours.
                    std::task::ready!(Pin::new(&mut *self).poll_complete(cx))?;
                    Pin::new(&mut *self).start_seek(position)?;
                    started = true;
                }
                Pin::new(&mut *self).poll_complete(cx)
            })
            .await
        }
    }

    /// Moves the cursor to the start.
    fn rewind(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        async move { self.seek(SeekFrom::Start(0)).await.map(drop) }
    }

    /// The cursor's position from the start.
    fn stream_position(&mut self) -> impl Future<Output = io::Result<u64>> + '_
    where
        Self: Unpin,
    {
        async move { self.seek(SeekFrom::Current(0)).await }
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}
