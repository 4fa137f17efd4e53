//! macOS/FreeBSD poller: one kqueue with an edge-triggered (`EV_CLEAR`) read and/or write
//! filter per source, and an `EVFILT_USER` event that `NOTE_TRIGGER` fires to wake the waiter.

use core::time::Duration;

use avx_core::io::Ready;
use avx_core::{Interest, RawSource, Token};

use super::driver::Poller;
use super::kevent_ready::{ready_from_kevent, EVFILT_READ, EVFILT_WRITE, EV_ERROR};
use crate::fd::OwnedFd;
use crate::sys::bsd::kqueue::*;
use crate::sys::bsd::{Errno, Timespec};

/// Identifier of the wake-up `EVFILT_USER` event (user events have their own name space).
const WAKE_IDENT: usize = 0;
/// udata of the wake-up event (never a slab token).
const WAKE_UDATA: usize = usize::MAX;

/// The kqueue descriptor.
pub(crate) struct Kqueue {
    kq: OwnedFd,
}

impl Kqueue {
    /// Applies up to two changes and checks each one's receipt; a delete of a filter that was
    /// never added (`ENOENT`) is not an error.
    fn apply(&self, changes: &[Kevent]) -> Result<(), Errno> {
        let mut receipts = [Kevent::default(); 2];
        let mut flagged = [Kevent::default(); 2];
        for (slot, change) in flagged.iter_mut().zip(changes) {
            *slot = Kevent { flags: change.flags | EV_RECEIPT, ..*change };
        }
        let changes = &flagged[..changes.len()];
        let zero = Timespec::default();
        let n = kevent(self.kq.as_raw(), changes, &mut receipts[..changes.len()], Some(&zero))?;
        for (receipt, change) in receipts[..n].iter().zip(changes) {
            let errno = Errno(receipt.data as i32);
            let ignorable = change.flags & EV_DELETE != 0 && errno == Errno::ENOENT;
            if receipt.flags & EV_ERROR != 0 && receipt.data != 0 && !ignorable {
                return Err(errno);
            }
        }
        Ok(())
    }

    /// The changes that make `source` watched for exactly `interest` (`None`: for nothing).
    fn changes(source: RawSource, token: Token, interest: Option<Interest>) -> [Kevent; 2] {
        let flags = |wanted: bool| if wanted { EV_ADD | EV_CLEAR } else { EV_DELETE };
        let read = interest.is_some_and(|i| i.is_readable());
        let write = interest.is_some_and(|i| i.is_writable());
        [
            Kevent::new(source.0, EVFILT_READ, flags(read), 0, token.0),
            Kevent::new(source.0, EVFILT_WRITE, flags(write), 0, token.0),
        ]
    }
}

impl Poller for Kqueue {
    type Event = Kevent;

    fn new() -> Result<Kqueue, Errno> {
        // SAFETY: kqueue() just returned the descriptor; nothing else has seen it.
        let kqueue = Kqueue { kq: unsafe { OwnedFd::from_raw(kqueue()?) } };
        kqueue.apply(&[Kevent::new(WAKE_IDENT, EVFILT_USER, EV_ADD | EV_CLEAR, 0, WAKE_UDATA)])?;
        Ok(kqueue)
    }

    fn add(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        let wanted = Self::changes(source, token, Some(interest));
        let adds: heapless::Vec<Kevent, 2> = wanted.into_iter().filter(|c| c.flags & EV_ADD != 0).collect();
        self.apply(&adds).inspect_err(|_| {
            // Do not leave one filter behind if the other failed.
            let _ = self.apply(&Self::changes(source, token, None));
        })
    }

    fn modify(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        self.apply(&Self::changes(source, token, Some(interest)))
    }

    fn delete(&self, source: RawSource, token: Token) -> Result<(), Errno> {
        self.apply(&Self::changes(source, token, None))
    }

    fn wait(&self, events: &mut [Kevent], timeout: Option<Duration>) -> usize {
        let ts = timeout.map(Timespec::from_duration);
        kevent(self.kq.as_raw(), &[], events, ts.as_ref()).unwrap_or(0)
    }

    fn wake(&self) {
        let trigger = Kevent::new(WAKE_IDENT, EVFILT_USER, 0, NOTE_TRIGGER, WAKE_UDATA);
        // Cannot fail on a live kqueue with the user event added in `new`.
        let _ = kevent(self.kq.as_raw(), &[trigger], &mut [], Some(&Timespec::default()));
    }

    fn decode(&self, event: &Kevent) -> Option<(Token, Ready)> {
        if event.filter == EVFILT_USER {
            return None; // EV_CLEAR re-arms it on delivery.
        }
        Some((Token(event.udata as usize), ready_from_kevent(event.filter, event.flags, event.fflags)))
    }
}
