//! Accepting connections, shared by the TCP and Unix listeners: wait for readability, accept,
//! and back off when the process is out of file descriptors instead of spinning.

use crate::io::registration::{os_error, Source};
use avx_core::Interest;
use avx_os::net::{Addr, Domain, Socket, Type};
use std::io;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::Duration;

/// Pending connections the kernel may queue per listener: as many as it allows (Linux and
/// the BSDs cap the value at `somaxconn`; Windows reads it as "the maximum"). std and mio use
/// 128, which a burst of a few hundred clients overflows into resets.
pub(crate) const MAX_BACKLOG: i32 = i32::MAX;
const FIRST_BACKOFF_MS: u32 = 5;
const MAX_BACKOFF_MS: u32 = 200;

/// A listening socket registered with the reactor.
pub(crate) struct Acceptor {
    source: Source,
    /// Milliseconds to wait before the next `accept` after descriptor exhaustion (0: none).
    backoff_ms: AtomicU32,
}

impl Acceptor {
    /// Binds a new stream socket to `addr` and listens on it with the largest backlog.
    pub(crate) fn bind(domain: Domain, addr: &Addr) -> io::Result<Acceptor> {
        let socket = Socket::new(domain, Type::Stream).map_err(os_error)?;
        if domain != Domain::Unix {
            // Lets a restarted server bind while old connections sit in TIME_WAIT.
            socket.set_reuse_address(true).map_err(os_error)?;
        }
        socket.bind(addr).map_err(os_error)?;
        Acceptor::listen(socket, MAX_BACKLOG)
    }

    /// Listens on an already bound socket.
    pub(crate) fn listen(socket: Socket, backlog: i32) -> io::Result<Acceptor> {
        socket.listen(backlog).map_err(os_error)?;
        Acceptor::from_socket(socket)
    }

    /// Registers a socket that is already listening.
    pub(crate) fn from_socket(socket: Socket) -> io::Result<Acceptor> {
        Ok(Acceptor { source: Source::new(socket)?, backoff_ms: AtomicU32::new(0) })
    }

    /// Deregisters and hands the listening socket back.
    pub(crate) fn into_socket(self) -> Socket {
        self.source.into_socket()
    }

    pub(crate) fn socket(&self) -> &Socket {
        self.source.socket()
    }

    /// The next connection. When the process (or system) is out of descriptors the error is
    /// returned and the following call first waits a growing pause (5 ms up to 200 ms), so an
    /// accept loop retries at a bounded rate and resumes once descriptors are free.
    pub(crate) async fn accept(&self) -> io::Result<(Socket, Addr)> {
        let pause = self.backoff_ms.load(Relaxed);
        if pause > 0 {
            crate::time::sleep(Duration::from_millis(u64::from(pause))).await;
        }
        let result = self.source.io(Interest::READABLE, Socket::accept).await;
        match &result {
            Err(e) if is_descriptor_exhaustion(e) => {
                let next = (pause * 2).clamp(FIRST_BACKOFF_MS, MAX_BACKOFF_MS);
                self.backoff_ms.store(next, Relaxed);
            }
            _ => self.backoff_ms.store(0, Relaxed),
        }
        result
    }
}

fn is_descriptor_exhaustion(e: &io::Error) -> bool {
    let code = e.raw_os_error();
    code == Some(avx_os::Errno::EMFILE.0) || code == Some(avx_os::Errno::ENFILE.0)
}
