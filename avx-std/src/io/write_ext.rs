//! `AsyncWriteExt`: Tokio's writing helpers (`write`, `write_vectored`, `write_all`,
//! `write_buf`, `write_all_buf`, the integer writers, `flush`, `shutdown`) for every `AsyncWrite`.

use avx_core::io::AsyncWrite;
use bytes::Buf;
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// How many chunks of a `Buf` one vectored write takes at most.
const MAX_SLICES: usize = 64;

/// Writes all of `buf[*written..]`, keeping progress across polls; `Interrupted` is retried.
fn poll_write_all<W: AsyncWrite + Unpin + ?Sized>(
    writer: &mut W,
    cx: &mut Context<'_>,
    buf: &[u8],
    written: &mut usize,
) -> Poll<io::Result<()>> {
    while *written < buf.len() {
        match ready!(Pin::new(&mut *writer).poll_write(cx, &buf[*written..])) {
            Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
            Ok(n) => *written += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    Poll::Ready(Ok(()))
}

/// One write from `buf`'s front (vectored over its chunks when the writer is), advancing it.
fn poll_write_buf<W: AsyncWrite + Unpin + ?Sized, B: Buf + ?Sized>(
    writer: &mut W,
    cx: &mut Context<'_>,
    buf: &mut B,
) -> Poll<io::Result<usize>> {
    if !buf.has_remaining() {
        return Poll::Ready(Ok(0));
    }
    let n = if writer.is_write_vectored() {
        let mut slices = [IoSlice::new(&[]); MAX_SLICES];
        let count = buf.chunks_vectored(&mut slices);
        ready!(Pin::new(&mut *writer).poll_write_vectored(cx, &slices[..count]))?
    } else {
        ready!(Pin::new(&mut *writer).poll_write(cx, buf.chunk()))?
    };
    buf.advance(n);
    Poll::Ready(Ok(n))
}

/// Declares `write_<int>` methods that write a fixed-size big- or little-endian number.
macro_rules! write_numbers {
    ($($name:ident($ty:ty), $to:ident;)*) => {$(
        #[doc = concat!("Writes a `", stringify!($ty), "` (`", stringify!($to), "`).")]
        fn $name(&mut self, n: $ty) -> impl Future<Output = io::Result<()>> + '_
        where
            Self: Unpin,
        {
            async move {
                let bytes = n.$to();
                let mut written = 0;
                poll_fn(|cx| poll_write_all(self, cx, &bytes, &mut written)).await
            }
        }
    )*};
}

/// Writing helpers for every [`AsyncWrite`], as in Tokio.
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes some of `buf`; returns how many bytes were taken.
    fn write<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move { poll_fn(|cx| Pin::new(&mut *self).poll_write(cx, buf)).await }
    }

    /// Writes some of `bufs`, in order; returns how many bytes were taken.
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move { poll_fn(|cx| Pin::new(&mut *self).poll_write_vectored(cx, bufs)).await }
    }

    /// Writes some of `buf`'s remaining bytes and advances it past them.
    fn write_buf<'a, B>(&'a mut self, buf: &'a mut B) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
        B: Buf + ?Sized,
    {
        async move { poll_fn(|cx| poll_write_buf(self, cx, buf)).await }
    }

    /// Writes all of `buf`'s remaining bytes, advancing it as they go (so after an error it
    /// holds what was not written). `Interrupted` is retried.
    fn write_all_buf<'a, B>(&'a mut self, buf: &'a mut B) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
        B: Buf + ?Sized,
    {
        async move {
            poll_fn(|cx| {
                while buf.has_remaining() {
                    match ready!(poll_write_buf(self, cx, buf)) {
                        Ok(0) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                        Ok(_) => {}
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        Err(e) => return Poll::Ready(Err(e)),
                    }
                }
                Poll::Ready(Ok(()))
            })
            .await
        }
    }

    /// Writes all of `buf`; `WriteZero` if the writer stops taking bytes. `Interrupted` is
    /// retried.
    ///
    /// Not cancel safe: how much was written before a drop is unknown to the caller.
    fn write_all<'a>(&'a mut self, buf: &'a [u8]) -> impl Future<Output = io::Result<()>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut written = 0;
            poll_fn(|cx| poll_write_all(self, cx, buf, &mut written)).await
        }
    }

    write_numbers! {
        write_u8(u8), to_be_bytes;
        write_i8(i8), to_be_bytes;
        write_u16(u16), to_be_bytes;
        write_i16(i16), to_be_bytes;
        write_u32(u32), to_be_bytes;
        write_i32(i32), to_be_bytes;
        write_u64(u64), to_be_bytes;
        write_i64(i64), to_be_bytes;
        write_u128(u128), to_be_bytes;
        write_i128(i128), to_be_bytes;
        write_f32(f32), to_be_bytes;
        write_f64(f64), to_be_bytes;
        write_u16_le(u16), to_le_bytes;
        write_i16_le(i16), to_le_bytes;
        write_u32_le(u32), to_le_bytes;
        write_i32_le(i32), to_le_bytes;
        write_u64_le(u64), to_le_bytes;
        write_i64_le(i64), to_le_bytes;
        write_u128_le(u128), to_le_bytes;
        write_i128_le(i128), to_le_bytes;
        write_f32_le(f32), to_le_bytes;
        write_f64_le(f64), to_le_bytes;
    }

    /// Flushes buffered data down to the underlying sink.
    fn flush(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        async move { poll_fn(|cx| Pin::new(&mut *self).poll_flush(cx)).await }
    }

    /// Flushes and closes the write side.
    fn shutdown(&mut self) -> impl Future<Output = io::Result<()>> + '_
    where
        Self: Unpin,
    {
        async move { poll_fn(|cx| Pin::new(&mut *self).poll_shutdown(cx)).await }
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
