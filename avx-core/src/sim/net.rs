//! A scripted network for the simulator: an in-memory duplex byte pipe whose delivery delays
//! and write sizes come from the simulation's seeded generator, to test protocol code.

use alloc::boxed::Box;
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use core::time::Duration;

use super::SimHandle;
use crate::io::{AsyncRead, AsyncWrite, Error, ErrorKind, ReadBuf};
use crate::park::Ticks;
use crate::time::Sleep;

/// Bytes one direction holds (in flight plus unread) before writes wait.
const CAPACITY: usize = 64 * 1024;

/// One end of a [`pipe`]: reads what the other end wrote, writes what it reads.
///
/// Each write accepts a random non-empty prefix of its buffer (so code must handle short
/// writes) and delivers it after a random delay of at most the pipe's `max_delay`, in
/// order, like a stream socket. Shutting down the write side (or dropping the end) makes
/// the other end read end-of-stream after the data already written; writing to an end whose
/// peer is gone fails with `BrokenPipe`.
pub struct PipeEnd {
    incoming: Rc<RefCell<Direction>>,
    outgoing: Rc<RefCell<Direction>>,
    sim: SimHandle,
    max_delay: Duration,
    /// The timer for the first incoming segment that is still in flight.
    delivery: Option<Pin<Box<Sleep>>>,
}

/// Two connected ends, whose delays are drawn from `sim`'s generator (at most `max_delay`).
pub fn pipe(sim: &SimHandle, max_delay: Duration) -> (PipeEnd, PipeEnd) {
    let (a_to_b, b_to_a) = (Rc::new(RefCell::new(Direction::new())), Rc::new(RefCell::new(Direction::new())));
    let end = |incoming: &Rc<RefCell<Direction>>, outgoing: &Rc<RefCell<Direction>>| PipeEnd {
        incoming: incoming.clone(),
        outgoing: outgoing.clone(),
        sim: sim.clone(),
        max_delay,
        delivery: None,
    };
    (end(&b_to_a, &a_to_b), end(&a_to_b, &b_to_a))
}

/// One direction of a pipe.
struct Direction {
    segments: VecDeque<Segment>,
    /// Bytes in `segments` not yet read.
    buffered: usize,
    /// The writer shut down or was dropped: end-of-stream after the last segment.
    write_closed: bool,
    /// The reader was dropped: writes fail.
    read_closed: bool,
    reader: Option<Waker>,
    writer: Option<Waker>,
}

struct Segment {
    deliver_at: Ticks,
    bytes: Vec<u8>,
    read: usize,
}

impl Direction {
    fn new() -> Direction {
        Direction {
            segments: VecDeque::new(),
            buffered: 0,
            write_closed: false,
            read_closed: false,
            reader: None,
            writer: None,
        }
    }

    fn wake_reader(&mut self) {
        if let Some(waker) = self.reader.take() {
            waker.wake();
        }
    }

    fn wake_writer(&mut self) {
        if let Some(waker) = self.writer.take() {
            waker.wake();
        }
    }
}

/// What a read finds in the incoming direction.
enum Arrival {
    Read,
    InFlight(Ticks),
    Nothing,
}

impl PipeEnd {
    /// Copies delivered bytes into `buf`, or says when the next ones arrive.
    fn take_delivered(&self, buf: &mut ReadBuf<'_>, cx: &Context<'_>) -> Arrival {
        let now = self.sim.now();
        let mut incoming = self.incoming.borrow_mut();
        let Some(segment) = incoming.segments.front_mut() else {
            if incoming.write_closed {
                return Arrival::Read;
            }
            incoming.reader = Some(cx.waker().clone());
            return Arrival::Nothing;
        };
        if segment.deliver_at > now {
            return Arrival::InFlight(segment.deliver_at);
        }
        let unread = &segment.bytes[segment.read..];
        let n = unread.len().min(buf.remaining());
        buf.put_slice(&unread[..n]);
        segment.read += n;
        if segment.read == segment.bytes.len() {
            incoming.segments.pop_front();
        }
        incoming.buffered -= n;
        incoming.wake_writer();
        Arrival::Read
    }
}

impl AsyncRead for PipeEnd {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<Result<(), Error>> {
        let this = self.get_mut();
        if buf.remaining() == 0 {
            return Poll::Ready(Ok(()));
        }
        loop {
            match this.take_delivered(buf, cx) {
                Arrival::Read => return Poll::Ready(Ok(())),
                Arrival::Nothing => return Poll::Pending,
                Arrival::InFlight(at) => {
                    let delivery = match &mut this.delivery {
                        Some(sleep) if sleep.deadline() == at => sleep,
                        slot => slot.insert(Box::pin(this.sim.timer().sleep_until(at))),
                    };
                    if delivery.as_mut().poll(cx).is_pending() {
                        return Poll::Pending;
                    }
                }
            }
        }
    }
}

impl AsyncWrite for PipeEnd {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<Result<usize, Error>> {
        let this = self.get_mut();
        let mut outgoing = this.outgoing.borrow_mut();
        if outgoing.read_closed || outgoing.write_closed {
            return Poll::Ready(Err(Error::from(ErrorKind::BrokenPipe)));
        }
        if buf.is_empty() {
            return Poll::Ready(Ok(0));
        }
        let room = CAPACITY - outgoing.buffered;
        if room == 0 {
            outgoing.writer = Some(cx.waker().clone());
            return Poll::Pending;
        }
        let most = buf.len().min(room) as u64;
        let accepted = 1 + this.sim.draw(most) as usize;
        let max_nanos = u64::try_from(this.max_delay.as_nanos()).unwrap_or(u64::MAX);
        let delay = Duration::from_nanos(this.sim.draw(max_nanos.saturating_add(1)));
        let after_previous = outgoing.segments.back().map_or(Ticks::ZERO, |last| last.deliver_at);
        let deliver_at = this.sim.now().saturating_add(delay).max(after_previous);
        outgoing.segments.push_back(Segment { deliver_at, bytes: buf[..accepted].to_vec(), read: 0 });
        outgoing.buffered += accepted;
        outgoing.wake_reader();
        Poll::Ready(Ok(accepted))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        // Written bytes are already on their way; there is no buffer to push.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Result<(), Error>> {
        let mut outgoing = self.outgoing.borrow_mut();
        outgoing.write_closed = true;
        outgoing.wake_reader();
        Poll::Ready(Ok(()))
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        let mut outgoing = self.outgoing.borrow_mut();
        outgoing.write_closed = true;
        outgoing.wake_reader();
        drop(outgoing);
        let mut incoming = self.incoming.borrow_mut();
        incoming.read_closed = true;
        incoming.wake_writer();
    }
}

impl fmt::Debug for PipeEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeEnd")
            .field("unread", &self.incoming.borrow().buffered)
            .field("unsent", &self.outgoing.borrow().buffered)
            .finish_non_exhaustive()
    }
}
