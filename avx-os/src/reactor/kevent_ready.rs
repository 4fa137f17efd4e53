//! What a `kevent` result means for avx: filter, flags and fflags (plain integers, the same
//! numbers on macOS and FreeBSD) to `Ready`. Pure, so it is unit-tested on every host.

use avx_core::io::Ready;

/// `EVFILT_READ`: the source has data to read (or a connection to accept).
pub(crate) const EVFILT_READ: i16 = -1;
/// `EVFILT_WRITE`: the source has room to write.
pub(crate) const EVFILT_WRITE: i16 = -2;
/// `EV_EOF`: the filter's direction is closed; `fflags` then holds a pending socket error.
pub(crate) const EV_EOF: u16 = 0x8000;
/// `EV_ERROR`: the change failed (or, with `EV_RECEIPT`, its result); `data` is the errno.
pub(crate) const EV_ERROR: u16 = 0x4000;

/// The readiness one event reports. A read filter at EOF means the peer closed its write
/// side; a write filter at EOF means our writes can no longer go anywhere. A non-zero
/// `fflags` at EOF, or `EV_ERROR`, carries an error (e.g. a refused connect).
pub(crate) fn ready_from_kevent(filter: i16, flags: u16, fflags: u32) -> Ready {
    let mut ready = Ready::EMPTY;
    let eof = flags & EV_EOF != 0;
    match filter {
        EVFILT_READ => {
            ready |= Ready::READABLE;
            if eof {
                ready |= Ready::READ_CLOSED;
            }
        }
        EVFILT_WRITE => {
            ready |= Ready::WRITABLE;
            if eof {
                ready |= Ready::WRITE_CLOSED;
            }
        }
        _ => {}
    }
    if flags & EV_ERROR != 0 || (eof && fflags != 0) {
        ready |= Ready::ERROR | Ready::READABLE | Ready::WRITABLE;
    }
    ready
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_read_and_write_events() {
        assert_eq!(ready_from_kevent(EVFILT_READ, 0, 0), Ready::READABLE);
        assert_eq!(ready_from_kevent(EVFILT_WRITE, 0, 0), Ready::WRITABLE);
    }

    #[test]
    fn eof_closes_only_the_filters_direction() {
        let read_eof = ready_from_kevent(EVFILT_READ, EV_EOF, 0);
        assert!(read_eof.contains(Ready::READABLE | Ready::READ_CLOSED));
        assert!(!read_eof.is_writable());
        let write_eof = ready_from_kevent(EVFILT_WRITE, EV_EOF, 0);
        assert!(write_eof.contains(Ready::WRITABLE | Ready::WRITE_CLOSED));
        assert!(!write_eof.contains(Ready::READ_CLOSED));
    }

    #[test]
    fn refused_connect_is_an_error_that_wakes_both_directions() {
        // A failed connect: the write filter at EOF with the socket error (ECONNREFUSED) in fflags.
        let ready = ready_from_kevent(EVFILT_WRITE, EV_EOF, 61);
        assert!(ready.contains(Ready::ERROR | Ready::READABLE | Ready::WRITABLE));
        assert!(ready_from_kevent(EVFILT_READ, EV_ERROR, 0).contains(Ready::ERROR));
    }
}
