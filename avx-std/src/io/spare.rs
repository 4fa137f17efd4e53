//! Reading into a `Vec<u8>`'s spare capacity without zeroing it: the vector's unused memory is
//! lent to readers as an uninitialised `ReadBuf`, and how much of it they initialised is kept.

use avx_core::io::{AsyncRead, ReadBuf};
use std::io;
use std::mem::MaybeUninit;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Bytes by which the vector grows at least, and the size of the probe read below.
const PROBE: usize = 32;

/// A vector being read into.
pub(crate) struct SpareCapacity<'a> {
    vec: &'a mut Vec<u8>,
    /// How many bytes after `vec.len()` a reader has initialised.
    initialized: usize,
    /// The capacity the caller gave us: while it has not changed, a vector that is exactly
    /// full may be at end of stream, so a small probe read is tried before growing it.
    start_capacity: usize,
}

impl<'a> SpareCapacity<'a> {
    pub(crate) fn new(vec: &'a mut Vec<u8>) -> SpareCapacity<'a> {
        let start_capacity = vec.capacity();
        SpareCapacity { vec, initialized: 0, start_capacity }
    }

    /// Reads to end of stream, adding the bytes read to `appended`; `Interrupted` is retried.
    pub(crate) fn poll_read_to_end<R: AsyncRead + ?Sized>(
        &mut self,
        mut reader: Pin<&mut R>,
        cx: &mut Context<'_>,
        appended: &mut usize,
    ) -> Poll<io::Result<usize>> {
        loop {
            match ready!(self.poll_read_once(reader.as_mut(), cx)) {
                Ok(0) => return Poll::Ready(Ok(*appended)),
                Ok(n) => *appended += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// One read appended to the vector; the number of bytes.
    fn poll_read_once<R: AsyncRead + ?Sized>(
        &mut self,
        reader: Pin<&mut R>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let spare = self.vec.capacity() - self.vec.len();
        if spare < PROBE && self.vec.capacity() == self.start_capacity && self.start_capacity >= PROBE {
            return self.poll_probe(reader, cx);
        }
        self.reserve(PROBE);
        let len = self.vec.len();
        let spare = self.vec.spare_capacity_mut();
        let start = spare.as_ptr();
        let mut buf = ReadBuf::uninit(spare);
        // SAFETY: `initialized` counts bytes after `len` that an earlier read initialised and
        // nothing has touched since (growing the vector resets it to 0).
        unsafe { buf.assume_init(self.initialized) };
        ready!(reader.poll_read(cx, &mut buf))?;
        assert_eq!(start.cast(), buf.filled().as_ptr(), "AsyncRead::poll_read replaced the ReadBuf it was given");
        let n = buf.filled().len();
        self.initialized = buf.initialized().len() - n;
        // SAFETY: the first `n` spare bytes were filled by the reader (same memory, checked).
        unsafe { self.vec.set_len(len + n) };
        Poll::Ready(Ok(n))
    }

    /// A read into a small stack buffer, so that a caller's exactly-sized vector does not
    /// double in size only to learn that the stream has ended.
    fn poll_probe<R: AsyncRead + ?Sized>(
        &mut self,
        reader: Pin<&mut R>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<usize>> {
        let mut probe = [MaybeUninit::<u8>::uninit(); PROBE];
        let mut buf = ReadBuf::uninit(&mut probe);
        ready!(reader.poll_read(cx, &mut buf))?;
        let read = buf.filled();
        if read.len() > self.vec.capacity() - self.vec.len() {
            self.reserve(PROBE);
        }
        self.vec.extend_from_slice(read);
        self.initialized = self.initialized.saturating_sub(read.len());
        Poll::Ready(Ok(read.len()))
    }

    fn reserve(&mut self, additional: usize) {
        if self.vec.capacity() - self.vec.len() < additional {
            self.vec.reserve(additional);
            // The spare memory may have moved: nothing of it is known to be initialised now.
            self.initialized = 0;
        }
    }
}
