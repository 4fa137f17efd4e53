//! `AsyncReadExt`: Tokio's reading helpers (`read`, `read_buf`, `read_exact`, the integer
//! readers, `read_to_end`, `read_to_string`, `take`, `chain`) for every `AsyncRead`.

use super::spare::SpareCapacity;
use super::{Chain, Take};
use avx_core::io::{AsyncRead, ReadBuf};
use bytes::BufMut;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Reads into `buf` once; the number of bytes read (0: end of stream or an empty `buf`).
pub(crate) fn poll_read_slice<R: AsyncRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut [u8],
) -> Poll<io::Result<usize>> {
    let mut buf = ReadBuf::new(buf);
    ready!(reader.poll_read(cx, &mut buf))?;
    Poll::Ready(Ok(buf.filled().len()))
}

/// Fills `buf[*filled..]` completely, keeping progress in `filled` across polls; `Interrupted`
/// is retried.
fn poll_fill<R: AsyncRead + Unpin + ?Sized>(
    reader: &mut R,
    cx: &mut Context<'_>,
    buf: &mut [u8],
    filled: &mut usize,
) -> Poll<io::Result<()>> {
    while *filled < buf.len() {
        match ready!(poll_read_slice(Pin::new(&mut *reader), cx, &mut buf[*filled..])) {
            Ok(0) => return Poll::Ready(Err(io::Error::new(io::ErrorKind::UnexpectedEof, "early eof"))),
            Ok(n) => *filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Poll::Ready(Err(e)),
        }
    }
    Poll::Ready(Ok(()))
}

/// Declares `read_<int>` methods that read a fixed-size big- or little-endian number.
macro_rules! read_numbers {
    ($($name:ident -> $ty:ty, $from:ident;)*) => {$(
        #[doc = concat!("Reads a `", stringify!($ty), "` (`", stringify!($from), "`); `UnexpectedEof` if the stream ends first.")]
        fn $name(&mut self) -> impl Future<Output = io::Result<$ty>> + '_
        where
            Self: Unpin,
        {
            async move {
                let mut bytes = [0u8; std::mem::size_of::<$ty>()];
                let mut filled = 0;
                poll_fn(|cx| poll_fill(self, cx, &mut bytes, &mut filled)).await?;
                Ok(<$ty>::$from(bytes))
            }
        }
    )*};
}

/// Reading helpers for every [`AsyncRead`], as in Tokio.
pub trait AsyncReadExt: AsyncRead {
    /// A reader that yields this one's bytes, then `next`'s.
    fn chain<R: AsyncRead>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
    {
        Chain::new(self, next)
    }

    /// Reads some bytes into `buf`; `Ok(0)` means end of stream (or an empty `buf`).
    ///
    /// Cancel safe: if dropped before completion no bytes were read.
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move { poll_fn(|cx| poll_read_slice(Pin::new(&mut *self), cx, buf)).await }
    }

    /// Reads some bytes into the spare capacity of `buf` (a `Vec<u8>`, `BytesMut`, …),
    /// advancing it; returns how many (0 at end of stream or when `buf` has no room).
    ///
    /// Cancel safe, like `read`.
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
        B: BufMut + ?Sized,
    {
        async move { poll_fn(|cx| poll_read_buf(Pin::new(&mut *self), cx, buf)).await }
    }

    /// Fills all of `buf` and returns its length; `UnexpectedEof` if the stream ends first.
    /// `Interrupted` is retried (as are the integer readers').
    ///
    /// Not cancel safe: bytes read before a drop are lost to the caller.
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut filled = 0;
            poll_fn(|cx| poll_fill(self, cx, buf, &mut filled)).await?;
            Ok(buf.len())
        }
    }

    /// Reads one byte.
    fn read_u8(&mut self) -> impl Future<Output = io::Result<u8>> + '_
    where
        Self: Unpin,
    {
        async move {
            let mut byte = [0u8; 1];
            let mut filled = 0;
            poll_fn(|cx| poll_fill(self, cx, &mut byte, &mut filled)).await?;
            Ok(byte[0])
        }
    }

    /// Reads one byte as a signed number.
    fn read_i8(&mut self) -> impl Future<Output = io::Result<i8>> + '_
    where
        Self: Unpin,
    {
        async move { self.read_u8().await.map(|b| b as i8) }
    }

    read_numbers! {
        read_u16 -> u16, from_be_bytes;
        read_i16 -> i16, from_be_bytes;
        read_u32 -> u32, from_be_bytes;
        read_i32 -> i32, from_be_bytes;
        read_u64 -> u64, from_be_bytes;
        read_i64 -> i64, from_be_bytes;
        read_u128 -> u128, from_be_bytes;
        read_i128 -> i128, from_be_bytes;
        read_f32 -> f32, from_be_bytes;
        read_f64 -> f64, from_be_bytes;
        read_u16_le -> u16, from_le_bytes;
        read_i16_le -> i16, from_le_bytes;
        read_u32_le -> u32, from_le_bytes;
        read_i32_le -> i32, from_le_bytes;
        read_u64_le -> u64, from_le_bytes;
        read_i64_le -> i64, from_le_bytes;
        read_u128_le -> u128, from_le_bytes;
        read_i128_le -> i128, from_le_bytes;
        read_f32_le -> f32, from_le_bytes;
        read_f64_le -> f64, from_le_bytes;
    }

    /// Reads until end of stream, appending to `buf`; returns how many bytes were appended.
    /// `Interrupted` errors are retried; other errors end the read (bytes read so far stay).
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut spare = SpareCapacity::new(buf);
            let mut appended = 0;
            poll_fn(|cx| spare.poll_read_to_end(Pin::new(&mut *self), cx, &mut appended)).await
        }
    }

    /// Reads until end of stream and appends the text to `buf`. On an I/O error, or if the
    /// bytes are not UTF-8 (`InvalidData`, carrying the `Utf8Error`), `buf` is left as it was.
    fn read_to_string<'a>(&'a mut self, buf: &'a mut String) -> impl Future<Output = io::Result<usize>> + 'a
    where
        Self: Unpin,
    {
        async move {
            let mut bytes = std::mem::take(buf).into_bytes();
            let start = bytes.len();
            let read = self.read_to_end(&mut bytes).await;
            let (text, result) = match (read, std::str::from_utf8(&bytes)) {
                (Ok(n), Ok(_)) => {
                    // SAFETY: `from_utf8` just checked the whole vector.
                    (unsafe { String::from_utf8_unchecked(bytes) }, Ok(n))
                }
                (read, checked) => {
                    let error = match (read, checked) {
                        (Err(e), _) => e,
                        (Ok(_), Err(utf8)) => io::Error::new(io::ErrorKind::InvalidData, utf8),
                        (Ok(_), Ok(_)) => unreachable!("handled by the first arm"),
                    };
                    bytes.truncate(start);
                    // SAFETY: the first `start` bytes are the caller's `String`, which was UTF-8.
                    (unsafe { String::from_utf8_unchecked(bytes) }, Err(error))
                }
            };
            *buf = text;
            result
        }
    }

    /// A reader that yields at most `limit` bytes of this one.
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        Take::new(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}

/// One read into `buf`'s spare capacity (`BufMut::chunk_mut`), advancing it.
pub(crate) fn poll_read_buf<R: AsyncRead + ?Sized, B: BufMut + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    buf: &mut B,
) -> Poll<io::Result<usize>> {
    if !buf.has_remaining_mut() {
        return Poll::Ready(Ok(0));
    }
    let n = {
        let chunk = buf.chunk_mut();
        // SAFETY: the slice is only handed to `ReadBuf::uninit`, which never de-initialises.
        let chunk = unsafe { chunk.as_uninit_slice_mut() };
        let start = chunk.as_ptr();
        let mut read_buf = ReadBuf::uninit(chunk);
        ready!(reader.poll_read(cx, &mut read_buf))?;
        assert_eq!(start, read_buf.filled().as_ptr().cast(), "AsyncRead::poll_read replaced the ReadBuf it was given");
        read_buf.filled().len()
    };
    // SAFETY: the reader filled (so initialised) the first `n` bytes of the chunk, which is
    // the same memory (checked above).
    unsafe { buf.advance_mut(n) };
    Poll::Ready(Ok(n))
}
