//! `Blocking`: async reads, writes and seeks over a blocking std object shared with the blocking
//! pool, one operation at a time with an owned buffer (reads fill ahead, writes complete behind).

use crate::runtime::context;
use crate::task::JoinHandle;
use avx_core::coop;
use avx_core::io::ReadBuf;
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice, Read, Seek, SeekFrom, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

/// The most one pool round trip moves unless the owner says otherwise (Tokio's figure).
pub(crate) const DEFAULT_MAX_BUF: usize = 2 * 1024 * 1024;

/// The first read ahead of an object that allows it; each fill that came back full doubles
/// the next one, up to [`MAX_READ_AHEAD`], until a seek or write breaks the sequence.
const FIRST_READ_AHEAD: usize = 16 * 1024;
const MAX_READ_AHEAD: usize = 1024 * 1024;

/// What the adapter needs to know about an object beyond std's I/O traits (which it uses
/// through `&T`, so the pool thread and the owner can share the object).
pub(crate) trait PoolObject: Send + Sync + 'static {
    /// Whether `flush` does anything (when not, flushing costs no pool round trip).
    const FLUSHES: bool = true;

    /// Asked once, on the pool, before the first read: whether a read may fetch more than
    /// asked. Only for objects that can give bytes back by seeking (regular files).
    fn may_read_ahead(&self) -> bool {
        false
    }

    /// Moves the cursor back over `n` bytes read but not handed out (before a write or a seek).
    fn seek_back(&self, n: usize) -> io::Result<()> {
        match n {
            0 => Ok(()),
            _ => Err(io::Error::new(io::ErrorKind::Unsupported, "cannot give back bytes read ahead")),
        }
    }
}

/// A blocking `T` driven from async code.
#[derive(Debug)]
pub(crate) struct Blocking<T> {
    object: Arc<T>,
    state: State,
    /// A read just completed; its bytes (none at the end of the stream) are not handed out yet.
    fresh: bool,
    /// A write went out since the last flush.
    needs_flush: bool,
    /// A background write failed; the next read, write, seek or flush returns this.
    write_error: Option<io::Error>,
    ahead: ReadAhead,
    /// Where the last completed seek put the cursor (what `poll_complete` reports when idle).
    pos: u64,
}

#[derive(Debug)]
enum State {
    Idle(Buf),
    /// An operation is running on the pool; it hands the buffer back.
    Busy(JoinHandle<(Done, Buf)>),
}

/// The owned buffer: `bytes[pos..end]` is read ahead and not handed out yet. A write carries
/// its bytes at the start of `bytes` (with `pos == end == 0`).
#[derive(Debug, Default)]
struct Buf {
    /// Initialised bytes; grown, never shrunk, so refilling costs no zeroing.
    bytes: Vec<u8>,
    pos: usize,
    end: usize,
}

impl Buf {
    fn unread(&self) -> usize {
        self.end - self.pos
    }

    /// Drops what was read ahead; how many bytes that was.
    fn discard(&mut self) -> usize {
        let unread = self.unread();
        (self.pos, self.end) = (0, 0);
        unread
    }

    /// Room for `len` bytes at the start.
    fn room(&mut self, len: usize) -> &mut [u8] {
        if self.bytes.len() < len {
            self.bytes.resize(len, 0);
        }
        &mut self.bytes[..len]
    }
}

#[derive(Debug, Clone, Copy)]
enum ReadAhead {
    /// Not asked yet (the first read asks the object, on the pool).
    Unknown,
    Off,
    /// The next fill reads at least `next` bytes.
    On {
        next: usize,
    },
}

/// What a pool operation did.
#[derive(Debug)]
enum Done {
    /// A read filled the buffer; `full` if it got all it asked for; `ahead` is the answer of
    /// [`PoolObject::may_read_ahead`] when it was asked.
    Read {
        result: io::Result<()>,
        full: bool,
        ahead: Option<bool>,
    },
    Write(io::Result<()>),
    /// A seek: the new position.
    Seek(io::Result<u64>),
    /// Another operation whose result only its caller wants.
    Ran(io::Result<u64>),
}

/// What settling the running operation found.
enum Settled {
    Nothing,
    Ran(io::Result<u64>),
}

impl<T: PoolObject> Blocking<T> {
    pub(crate) fn new(object: Arc<T>) -> Blocking<T> {
        Blocking {
            object,
            state: State::Idle(Buf::default()),
            fresh: false,
            needs_flush: false,
            write_error: None,
            ahead: ReadAhead::Unknown,
            pos: 0,
        }
    }

    /// Whether an operation is running on the pool.
    pub(crate) fn is_busy(&self) -> bool {
        matches!(self.state, State::Busy(_))
    }

    /// Waits for the running operation; the error of a failed background write is kept for
    /// [`Blocking::poll_settle`]. A read's error (or the pool's) is returned here; a seek's
    /// result is passed on for its caller to take.
    fn poll_quiet(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Settled>> {
        let State::Busy(job) = &mut self.state else { return Poll::Ready(Ok(Settled::Nothing)) };
        let (done, buf) = match ready!(Pin::new(job).poll(cx)) {
            Ok(finished) => finished,
            Err(e) => {
                // The closure never ran (its pool shut down) or panicked: a write it carried
                // is lost, which this error reports; the object itself is still usable.
                self.state = State::Idle(Buf::default());
                self.fresh = false;
                return Poll::Ready(Err(io::Error::other(format!(
                    "the operation did not run on the blocking pool: {e}"
                ))));
            }
        };
        self.state = State::Idle(buf);
        Poll::Ready(match done {
            Done::Read { result, full, ahead } => {
                match ahead {
                    Some(true) => self.ahead = ReadAhead::On { next: FIRST_READ_AHEAD },
                    Some(false) => self.ahead = ReadAhead::Off,
                    None => {}
                }
                let filled = self.idle().end;
                if let (ReadAhead::On { next }, true) = (&mut self.ahead, full) {
                    *next = (filled * 2).clamp(FIRST_READ_AHEAD, MAX_READ_AHEAD);
                }
                self.fresh = result.is_ok();
                result.map(|()| Settled::Nothing)
            }
            Done::Write(result) => {
                if let Err(e) = result {
                    self.write_error = Some(e);
                }
                Ok(Settled::Nothing)
            }
            Done::Seek(result) => {
                if let Ok(pos) = result {
                    self.pos = pos;
                }
                Ok(Settled::Ran(result))
            }
            Done::Ran(result) => Ok(Settled::Ran(result)),
        })
    }

    /// [`Blocking::poll_quiet`], then the error of a failed background write if there was one:
    /// it goes to the next read, write, seek or flush, whichever comes first.
    fn poll_settle(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Settled>> {
        let settled = ready!(self.poll_quiet(cx))?;
        Poll::Ready(match self.write_error.take() {
            Some(e) => Err(e),
            None => Ok(settled),
        })
    }

    /// The async form of [`Blocking::poll_settle`].
    pub(crate) async fn settle(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_settle(cx)).await.map(drop)
    }

    /// The async form of [`Blocking::poll_quiet`] (a write's error stays for later).
    pub(crate) async fn quiet(&mut self) -> io::Result<()> {
        poll_fn(|cx| self.poll_quiet(cx)).await.map(drop)
    }

    /// The buffer (only valid once settled).
    fn idle(&mut self) -> &mut Buf {
        match &mut self.state {
            State::Idle(buf) => buf,
            State::Busy(_) => unreachable!("used only once the running operation settled"),
        }
    }

    /// Starts `op` on the current runtime's pool with the buffer (only once settled).
    ///
    /// # Panics
    /// Outside a runtime, as Tokio's file and standard-stream operations do.
    #[track_caller]
    fn start(&mut self, op: impl FnOnce(&T, &mut Buf) -> Done + Send + 'static) {
        let State::Idle(buf) = &mut self.state else { unreachable!("started only once settled") };
        let (object, mut buf) = (self.object.clone(), std::mem::take(buf));
        let job = context::require("a file or standard-stream operation", |handle| {
            handle.spawn_blocking(move || (op(&object, &mut buf), buf))
        });
        self.state = State::Busy(job);
    }

    /// Runs `op` on the pool once the running operation is done, first giving back what was
    /// read ahead if `rewind` (an operation that would make those bytes stale, or the cursor
    /// matter). Tracked like a seek, so a dropped caller leaves nothing running unseen.
    pub(crate) async fn run(
        &mut self,
        rewind: bool,
        op: impl FnOnce(&T) -> io::Result<u64> + Send + 'static,
    ) -> io::Result<u64> {
        self.quiet().await?;
        let unread = if rewind { self.discard() } else { 0 };
        self.start(move |object, _| Done::Ran(object.seek_back(unread).and_then(|()| op(object))));
        match poll_fn(|cx| self.poll_quiet(cx)).await? {
            Settled::Ran(result) => result,
            Settled::Nothing => Err(io::Error::other("the pool operation reported no result")),
        }
    }

    /// Drops the bytes read ahead (ending any read-ahead streak); how many there were.
    fn discard(&mut self) -> usize {
        self.fresh = false;
        if let ReadAhead::On { next } = &mut self.ahead {
            *next = FIRST_READ_AHEAD;
        }
        self.idle().discard()
    }

    /// Bytes read ahead and not handed out (only once settled).
    pub(crate) fn read_ahead(&mut self) -> usize {
        self.idle().unread()
    }

    /// Gives the bytes read ahead back to the object here, without the pool (only once
    /// settled; for handing the object over synchronously).
    pub(crate) fn rewind_now(&mut self) -> io::Result<()> {
        let unread = self.idle().unread();
        self.object.seek_back(unread)?;
        self.discard();
        Ok(())
    }

    /// Reads into `dst`: from the bytes read ahead if there are any, else through one pool
    /// read of at most `max_buf` bytes (more than asked where the object allows read-ahead).
    pub(crate) fn poll_read(
        &mut self,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
        max_buf: usize,
    ) -> Poll<io::Result<()>>
    where
        for<'a> &'a T: Read,
    {
        ready!(coop::poll_proceed(cx));
        loop {
            ready!(self.poll_settle(cx))?;
            let fresh = std::mem::take(&mut self.fresh);
            let buf = self.idle();
            if buf.unread() > 0 || fresh || dst.remaining() == 0 {
                let n = buf.unread().min(dst.remaining());
                dst.put_slice(&buf.bytes[buf.pos..buf.pos + n]);
                buf.pos += n;
                return Poll::Ready(Ok(()));
            }
            let (asked, ahead) = (dst.remaining(), self.ahead);
            self.start(move |object, buf| {
                let probed = matches!(ahead, ReadAhead::Unknown).then(|| object.may_read_ahead());
                let want = match (ahead, probed) {
                    (ReadAhead::On { next }, _) => asked.max(next),
                    (_, Some(true)) => asked.max(FIRST_READ_AHEAD),
                    _ => asked,
                }
                .min(max_buf);
                let read = loop {
                    match (&mut &*object).read(buf.room(want)) {
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                        other => break other,
                    }
                };
                (buf.pos, buf.end) = (0, *read.as_ref().unwrap_or(&0));
                Done::Read { full: buf.end == want, result: read.map(drop), ahead: probed }
            });
        }
    }

    /// Takes `srcs` (up to `max_buf` bytes) into the buffer and writes them on the pool; an
    /// error of that write is returned by the next call. Bytes read ahead are given back first.
    pub(crate) fn poll_write_vectored(
        &mut self,
        cx: &mut Context<'_>,
        srcs: &[IoSlice<'_>],
        max_buf: usize,
    ) -> Poll<io::Result<usize>>
    where
        for<'a> &'a T: Write,
    {
        ready!(self.poll_settle(cx))?;
        let unread = self.discard();
        let total = srcs.iter().map(|src| src.len()).sum::<usize>().min(max_buf);
        let buf = self.idle();
        let room = buf.room(total);
        let mut taken = 0;
        for src in srcs {
            let n = src.len().min(total - taken);
            room[taken..taken + n].copy_from_slice(&src[..n]);
            taken += n;
        }
        (buf.pos, buf.end) = (0, 0);
        self.start(move |object, buf| {
            let written = object.seek_back(unread).and_then(|()| (&mut &*object).write_all(&buf.bytes[..total]));
            Done::Write(written)
        });
        self.needs_flush = T::FLUSHES;
        Poll::Ready(Ok(total))
    }

    /// [`Blocking::poll_write_vectored`] of one slice.
    pub(crate) fn poll_write(&mut self, cx: &mut Context<'_>, src: &[u8], max_buf: usize) -> Poll<io::Result<usize>>
    where
        for<'a> &'a T: Write,
    {
        self.poll_write_vectored(cx, &[IoSlice::new(src)], max_buf)
    }

    /// Waits for the running write, then flushes the object if it needs it.
    pub(crate) fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>
    where
        for<'a> &'a T: Write,
    {
        ready!(self.poll_settle(cx))?;
        if self.needs_flush {
            self.start(|object, _| Done::Write((&mut &*object).flush()));
            self.needs_flush = false;
            ready!(self.poll_settle(cx))?;
        }
        Poll::Ready(Ok(()))
    }

    /// Starts a seek (after giving back what was read ahead); only when nothing is running.
    pub(crate) fn start_seek(&mut self, position: SeekFrom) -> io::Result<()>
    where
        for<'a> &'a T: Seek,
    {
        if self.is_busy() {
            return Err(io::Error::other("another operation is still running: poll_complete must finish it first"));
        }
        let unread = self.discard() as i64;
        // Relative to the cursor the reader sees, which is behind the object's by `unread`.
        let position = match position {
            SeekFrom::Current(offset) => SeekFrom::Current(offset - unread),
            absolute => absolute,
        };
        self.start(move |object, _| Done::Seek((&mut &*object).seek(position)));
        Ok(())
    }

    /// Waits for the running operation; the position its seek reached, else the last known.
    pub(crate) fn poll_complete(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        Poll::Ready(match ready!(self.poll_settle(cx))? {
            Settled::Ran(result) => result,
            Settled::Nothing => Ok(self.pos),
        })
    }
}
