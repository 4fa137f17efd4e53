//! The I/O traits for the standard wrappers and buffers: `&mut T`, `Box<T>` and `Pin<P>`
//! forward to what they point at; byte slices read, `Vec<u8>` writes; `Cursor` with std.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::ops::DerefMut;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, Error, IoSlice, ReadBuf, SeekFrom};

/// Implements the four traits for a pointer type whose target is `Unpin`-movable (`&mut T`,
/// `Box<T>`) by re-pinning the target.
macro_rules! forward_to_target {
    ($($ptr:ty),*) => {$(
        impl<T: AsyncRead + Unpin + ?Sized> AsyncRead for $ptr {
            fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<(), Error>> {
                Pin::new(&mut **self).poll_read(cx, buf)
            }
        }

        impl<T: AsyncWrite + Unpin + ?Sized> AsyncWrite for $ptr {
            fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>> {
                Pin::new(&mut **self).poll_write(cx, buf)
            }

            fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<Result<usize, Error>> {
                Pin::new(&mut **self).poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                (**self).is_write_vectored()
            }

            fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
                Pin::new(&mut **self).poll_flush(cx)
            }

            fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
                Pin::new(&mut **self).poll_shutdown(cx)
            }
        }

        impl<T: AsyncBufRead + Unpin + ?Sized> AsyncBufRead for $ptr {
            fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<&[u8], Error>> {
                Pin::new(&mut **self.get_mut()).poll_fill_buf(cx)
            }

            fn consume(mut self: Pin<&mut Self>, amt: usize) {
                Pin::new(&mut **self).consume(amt)
            }
        }

        impl<T: AsyncSeek + Unpin + ?Sized> AsyncSeek for $ptr {
            fn start_seek(mut self: Pin<&mut Self>, position: SeekFrom) -> Result<(), Error> {
                Pin::new(&mut **self).start_seek(position)
            }

            fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<u64, Error>> {
                Pin::new(&mut **self).poll_complete(cx)
            }
        }
    )*};
}

forward_to_target!(&mut T, Box<T>);

impl<P> AsyncRead for Pin<P>
where
    P: DerefMut<Target: AsyncRead>,
{
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<(), Error>> {
        self.as_deref_mut().poll_read(cx, buf)
    }
}

impl<P> AsyncWrite for Pin<P>
where
    P: DerefMut<Target: AsyncWrite>,
{
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>> {
        self.as_deref_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<Result<usize, Error>> {
        self.as_deref_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        (**self).is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.as_deref_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Error>> {
        self.as_deref_mut().poll_shutdown(cx)
    }
}

impl<P> AsyncBufRead for Pin<P>
where
    P: DerefMut<Target: AsyncBufRead>,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<&[u8], Error>> {
        self.as_deref_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.as_deref_mut().consume(amt)
    }
}

impl<P> AsyncSeek for Pin<P>
where
    P: DerefMut<Target: AsyncSeek>,
{
    fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> Result<(), Error> {
        self.as_deref_mut().start_seek(position)
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<u64, Error>> {
        self.as_deref_mut().poll_complete(cx)
    }
}

/// Reading a slice takes bytes from its front.
impl AsyncRead for &[u8] {
    fn poll_read(mut self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<(), Error>> {
        let n = self.len().min(buf.remaining());
        let (head, tail) = self.split_at(n);
        buf.put_slice(head);
        *self = tail;
        Poll::Ready(Ok(()))
    }
}

impl AsyncBufRead for &[u8] {
    fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<&[u8], Error>> {
        Poll::Ready(Ok(*self.get_mut()))
    }

    fn consume(mut self: Pin<&mut Self>, amt: usize) {
        *self = &self[amt.min(self.len())..];
    }
}

/// Writing to a vector appends; it never waits and never fails.
impl AsyncWrite for Vec<u8> {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>> {
        self.get_mut().extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<Result<usize, Error>> {
        let this = self.get_mut();
        let start = this.len();
        for b in bufs {
            this.extend_from_slice(b);
        }
        Poll::Ready(Ok(this.len() - start))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(feature = "std")]
mod cursor {
    //! `std::io::Cursor` never blocks, so each trait is its synchronous twin.
    use super::*;
    use std::io::{self, BufRead, Cursor, Read, Seek, Write};

    impl<T: AsRef<[u8]> + Unpin> AsyncRead for Cursor<T> {
        fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
            let this = self.get_mut();
            let n = this.read(buf.initialize_unfilled())?;
            buf.advance(n);
            Poll::Ready(Ok(()))
        }
    }

    impl<T: AsRef<[u8]> + Unpin> AsyncBufRead for Cursor<T> {
        fn poll_fill_buf(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
            Poll::Ready(self.get_mut().fill_buf())
        }

        fn consume(self: Pin<&mut Self>, amt: usize) {
            BufRead::consume(self.get_mut(), amt)
        }
    }

    impl<T: AsRef<[u8]> + Unpin> AsyncSeek for Cursor<T> {
        fn start_seek(self: Pin<&mut Self>, position: SeekFrom) -> io::Result<()> {
            self.get_mut().seek(position).map(drop)
        }

        fn poll_complete(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<u64>> {
            Poll::Ready(Ok(self.get_mut().position()))
        }
    }

    /// A cursor over storage that `Write` is implemented for.
    macro_rules! cursor_write {
        ($($inner:ty),*) => {$(
            impl AsyncWrite for Cursor<$inner> {
                fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
                    Poll::Ready(self.get_mut().write(buf))
                }

                fn poll_write_vectored(self: Pin<&mut Self>, _: &mut Context<'_>, bufs: &[IoSlice<'_>]) -> Poll<io::Result<usize>> {
                    Poll::Ready(self.get_mut().write_vectored(bufs))
                }

                fn is_write_vectored(&self) -> bool {
                    true
                }

                fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                    Poll::Ready(self.get_mut().flush())
                }

                fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
                    Poll::Ready(self.get_mut().flush())
                }
            }
        )*};
    }

    cursor_write!(&mut [u8], &mut Vec<u8>, Vec<u8>, Box<[u8]>);
}
