//! What an AFD poll result means for avx, and which events to ask for next: the AFD event
//! bits (plain integers), their translation to `Ready`, and the edge-trigger bookkeeping.
//!
//! An AFD poll reports the socket's current state (level-triggered) and completes once. To
//! behave like epoll's edge trigger, an event once delivered is left out of later polls
//! until an operation on the socket reports "would block" again and re-arms that direction.

use avx_core::io::Ready;
use avx_core::Interest;

/// Data (or a datagram) can be received.
pub(crate) const AFD_POLL_RECEIVE: u32 = 0x0001;
/// Room to send (also: a nonblocking connect completed).
pub(crate) const AFD_POLL_SEND: u32 = 0x0004;
/// The peer closed its sending side (a graceful `FIN`).
pub(crate) const AFD_POLL_DISCONNECT: u32 = 0x0008;
/// The connection was reset or aborted.
pub(crate) const AFD_POLL_ABORT: u32 = 0x0010;
/// The socket handle was closed locally.
pub(crate) const AFD_POLL_LOCAL_CLOSE: u32 = 0x0020;
/// A connection is waiting to be accepted.
pub(crate) const AFD_POLL_ACCEPT: u32 = 0x0080;
/// A nonblocking connect failed.
pub(crate) const AFD_POLL_CONNECT_FAIL: u32 = 0x0100;

/// Level conditions re-armed by a would-block read or accept.
const READ_LEVEL: u32 = AFD_POLL_RECEIVE | AFD_POLL_ACCEPT;
/// Level conditions re-armed by a would-block write.
const WRITE_LEVEL: u32 = AFD_POLL_SEND;
/// Reported whatever the interest: errors, closure.
const ALWAYS: u32 = AFD_POLL_ABORT | AFD_POLL_CONNECT_FAIL | AFD_POLL_LOCAL_CLOSE;

/// The AFD events that matter for `interest`.
pub(crate) fn afd_events(interest: Interest) -> u32 {
    let mut events = ALWAYS;
    if interest.is_readable() {
        events |= READ_LEVEL | AFD_POLL_DISCONNECT;
    }
    if interest.is_writable() {
        events |= WRITE_LEVEL;
    }
    events
}

/// The readiness a set of AFD events means.
pub(crate) fn ready_from_afd(events: u32) -> Ready {
    let mut ready = Ready::EMPTY;
    if events & READ_LEVEL != 0 {
        ready |= Ready::READABLE;
    }
    if events & WRITE_LEVEL != 0 {
        ready |= Ready::WRITABLE;
    }
    if events & AFD_POLL_DISCONNECT != 0 {
        ready |= Ready::READABLE | Ready::READ_CLOSED;
    }
    if events & AFD_POLL_ABORT != 0 {
        ready |= Ready::READABLE | Ready::READ_CLOSED | Ready::WRITABLE | Ready::WRITE_CLOSED;
    }
    if events & AFD_POLL_CONNECT_FAIL != 0 {
        ready |= Ready::ERROR | Ready::READABLE | Ready::WRITABLE;
    }
    ready
}

/// Per-registration edge emulation: what was delivered and is not to be asked for again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EdgeState {
    interest: Interest,
    delivered: u32,
}

impl EdgeState {
    /// A fresh registration: everything in `interest` is watched.
    pub(crate) fn new(interest: Interest) -> EdgeState {
        EdgeState { interest, delivered: 0 }
    }

    /// New interest (a re-registration): everything is watched again, like `EPOLL_CTL_MOD`.
    pub(crate) fn set_interest(&mut self, interest: Interest) {
        *self = EdgeState::new(interest);
    }

    /// The events the next poll asks for.
    pub(crate) fn poll_events(&self) -> u32 {
        afd_events(self.interest) & !(self.delivered & !AFD_POLL_LOCAL_CLOSE)
    }

    /// Records a poll's result: the readiness to deliver (possibly empty). The delivered
    /// events are not asked for again until re-armed.
    pub(crate) fn deliver(&mut self, events: u32) -> Ready {
        let relevant = events & self.poll_events() & !AFD_POLL_LOCAL_CLOSE;
        self.delivered |= relevant;
        ready_from_afd(relevant)
    }

    /// An operation in direction `interest` would block: watch its level conditions again.
    /// Returns whether that changed what to poll for. Closure and errors stay delivered
    /// (their readiness sticks in `ScheduledIo`).
    pub(crate) fn rearm(&mut self, interest: Interest) -> bool {
        let mut level = 0;
        if interest.is_readable() {
            level |= READ_LEVEL;
        }
        if interest.is_writable() {
            level |= WRITE_LEVEL;
        }
        let before = self.delivered;
        self.delivered &= !level;
        before != self.delivered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_translate_to_readiness() {
        assert_eq!(ready_from_afd(AFD_POLL_RECEIVE), Ready::READABLE);
        assert_eq!(ready_from_afd(AFD_POLL_ACCEPT), Ready::READABLE);
        assert_eq!(ready_from_afd(AFD_POLL_SEND), Ready::WRITABLE);
        assert!(ready_from_afd(AFD_POLL_DISCONNECT).contains(Ready::READ_CLOSED));
        assert!(!ready_from_afd(AFD_POLL_DISCONNECT).is_writable());
        assert!(ready_from_afd(AFD_POLL_ABORT).contains(Ready::READ_CLOSED | Ready::WRITE_CLOSED));
        assert!(ready_from_afd(AFD_POLL_CONNECT_FAIL).contains(Ready::ERROR | Ready::WRITABLE));
        assert_eq!(ready_from_afd(AFD_POLL_LOCAL_CLOSE), Ready::EMPTY);
    }

    #[test]
    fn interest_selects_the_polled_events() {
        let read = afd_events(Interest::READABLE);
        assert!(read & AFD_POLL_RECEIVE != 0 && read & AFD_POLL_SEND == 0);
        let write = afd_events(Interest::WRITABLE);
        assert!(write & AFD_POLL_SEND != 0 && write & AFD_POLL_RECEIVE == 0);
        assert!(write & AFD_POLL_CONNECT_FAIL != 0, "errors are watched in every direction");
    }

    #[test]
    fn a_delivered_event_is_not_polled_again_until_rearmed() {
        let mut edge = EdgeState::new(Interest::BOTH);
        assert_eq!(edge.deliver(AFD_POLL_RECEIVE | AFD_POLL_SEND), Ready::READABLE | Ready::WRITABLE);
        // The data is still there, but the next poll must not complete at once because of it.
        assert_eq!(edge.poll_events() & (AFD_POLL_RECEIVE | AFD_POLL_SEND), 0);
        assert_ne!(edge.poll_events() & AFD_POLL_LOCAL_CLOSE, 0, "a close is always watched");
        assert!(edge.rearm(Interest::READABLE));
        assert_ne!(edge.poll_events() & AFD_POLL_RECEIVE, 0);
        assert_eq!(edge.poll_events() & AFD_POLL_SEND, 0, "the write side was not re-armed");
        assert!(!edge.rearm(Interest::READABLE), "nothing left to re-arm");
    }

    #[test]
    fn events_outside_the_interest_are_not_delivered() {
        let mut edge = EdgeState::new(Interest::READABLE);
        assert_eq!(edge.deliver(AFD_POLL_SEND), Ready::EMPTY);
        assert_eq!(edge.deliver(AFD_POLL_RECEIVE | AFD_POLL_SEND), Ready::READABLE);
    }

    #[test]
    fn closure_is_delivered_once_and_survives_a_rearm() {
        let mut edge = EdgeState::new(Interest::READABLE);
        assert!(edge.deliver(AFD_POLL_DISCONNECT).contains(Ready::READ_CLOSED));
        edge.rearm(Interest::READABLE);
        assert_eq!(edge.poll_events() & AFD_POLL_DISCONNECT, 0);
        edge.set_interest(Interest::READABLE);
        assert_ne!(edge.poll_events() & AFD_POLL_DISCONNECT, 0, "a re-registration watches everything again");
    }
}
