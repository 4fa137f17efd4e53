//! Linux poller: one epoll fd in edge-triggered mode plus an eventfd whose write wakes the
//! worker blocked in `epoll_pwait`.

use core::time::Duration;

use avx_core::io::Ready;
use avx_core::{Interest, RawSource, Token};

use super::driver::Poller;
use crate::fd::OwnedFd;
use crate::sys::linux::epoll::*;
use crate::sys::linux::{eventfd2, Errno, EFD_CLOEXEC, EFD_NONBLOCK};

/// epoll data value of the eventfd (never a slab token: those have far fewer index bits set).
const WAKE_TOKEN: u64 = u64::MAX;

/// The epoll instance and its wake-up eventfd.
pub(crate) struct Epoll {
    epfd: OwnedFd,
    eventfd: OwnedFd,
}

impl Epoll {
    fn mask(interest: Interest) -> u32 {
        let mut mask = EPOLLET | EPOLLRDHUP;
        if interest.is_readable() {
            mask |= EPOLLIN;
        }
        if interest.is_writable() {
            mask |= EPOLLOUT;
        }
        mask
    }

    fn ctl(&self, op: i32, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        let ev = EpollEvent { events: Self::mask(interest), data: token.0 as u64 };
        epoll_ctl(self.epfd.as_raw(), op, source.0 as i32, Some(&ev)).map(drop)
    }
}

impl Poller for Epoll {
    type Event = EpollEvent;

    fn new() -> Result<Epoll, Errno> {
        // SAFETY: epoll_create1 just returned the descriptor; nothing else has seen it.
        let epfd = unsafe { OwnedFd::from_raw(epoll_create1(EPOLL_CLOEXEC)? as i32) };
        // SAFETY: eventfd2 just returned the descriptor; nothing else has seen it.
        let eventfd = unsafe { OwnedFd::from_raw(eventfd2(0, EFD_CLOEXEC | EFD_NONBLOCK)? as i32) };
        let ev = EpollEvent { events: EPOLLIN | EPOLLET, data: WAKE_TOKEN };
        epoll_ctl(epfd.as_raw(), EPOLL_CTL_ADD, eventfd.as_raw(), Some(&ev))?;
        Ok(Epoll { epfd, eventfd })
    }

    fn add(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        self.ctl(EPOLL_CTL_ADD, source, token, interest)
    }

    fn modify(&self, source: RawSource, token: Token, interest: Interest) -> Result<(), Errno> {
        self.ctl(EPOLL_CTL_MOD, source, token, interest)
    }

    fn delete(&self, source: RawSource, _token: Token) -> Result<(), Errno> {
        epoll_ctl(self.epfd.as_raw(), EPOLL_CTL_DEL, source.0 as i32, None).map(drop)
    }

    fn wait(&self, events: &mut [EpollEvent], timeout: Option<Duration>) -> usize {
        epoll_pwait(self.epfd.as_raw(), events, timeout_ms(timeout)).unwrap_or(0)
    }

    fn wake(&self) {
        // EAGAIN means the counter is saturated: a wake-up is already pending.
        let _ = self.eventfd.write(&1u64.to_ne_bytes());
    }

    fn decode(&self, event: &EpollEvent) -> Option<(Token, Ready)> {
        let (data, bits) = (event.data, event.events);
        if data == WAKE_TOKEN {
            let mut buf = [0u8; 8];
            // Draining may fail with EAGAIN if another wake raced; either way it is consumed.
            let _ = self.eventfd.read(&mut buf);
            return None;
        }
        Some((Token(data as usize), ready_from_epoll(bits)))
    }
}

fn ready_from_epoll(bits: u32) -> Ready {
    let mut ready = Ready::EMPTY;
    if bits & (EPOLLIN | EPOLLPRI) != 0 {
        ready |= Ready::READABLE;
    }
    if bits & EPOLLOUT != 0 {
        ready |= Ready::WRITABLE;
    }
    if bits & EPOLLRDHUP != 0 {
        ready |= Ready::READ_CLOSED | Ready::READABLE;
    }
    if bits & EPOLLHUP != 0 {
        ready |= Ready::READ_CLOSED | Ready::WRITE_CLOSED | Ready::READABLE | Ready::WRITABLE;
    }
    if bits & EPOLLERR != 0 {
        ready |= Ready::ERROR | Ready::READABLE | Ready::WRITABLE;
    }
    ready
}

fn timeout_ms(timeout: Option<Duration>) -> i32 {
    match timeout {
        None => -1,
        // Round up so a short timer is not turned into a busy poll.
        Some(d) => i32::try_from(d.as_nanos().div_ceil(1_000_000)).unwrap_or(i32::MAX),
    }
}
