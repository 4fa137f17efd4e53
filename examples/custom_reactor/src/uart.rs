//! The UART receive line as an `AsyncRead`: registered with the board's reactor, it waits for
//! readiness, drains the FIFO, and clears readiness only when the FIFO ran dry.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};

use avx_core::io::{self, AsyncRead, ScheduledIo};
use avx_core::{Interest, Registry, Token};

use crate::board::{uart_rx, BoardError, BoardRegistry};
use crate::device::Device;

/// A reader of the bytes the UART receives.
pub struct Uart {
    device: Arc<Device>,
    registry: BoardRegistry,
    token: Token,
    io: Arc<ScheduledIo>,
}

impl Uart {
    /// Registers the receive line. Bytes already in the FIFO are read by the first poll.
    pub fn open(device: Arc<Device>, registry: BoardRegistry) -> Result<Uart, BoardError> {
        let io = Arc::new(ScheduledIo::new());
        // Edge-triggered: start out ready, so what arrived before registration is not missed.
        io.set_readiness(io::Ready::READABLE);
        let token = registry.register(uart_rx(), Interest::READABLE, io.clone())?;
        Ok(Uart { device, registry, token, io })
    }

    /// Reads what the FIFO holds into `buf`, waiting for the receive interrupt if it is empty.
    pub fn poll_read_bytes(&self, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<Result<usize, io::Error>> {
        loop {
            let event = ready!(self.io.poll_ready(cx, Interest::READABLE)).map_err(io::Error::from)?;
            let n = self.device.read_rx(buf);
            if n > 0 || buf.is_empty() {
                return Poll::Ready(Ok(n));
            }
            // Keeps newer readiness: an interrupt after our read leaves the source ready.
            self.io.clear_readiness(event);
        }
    }
}

impl Drop for Uart {
    fn drop(&mut self) {
        let _ = self.registry.deregister(uart_rx(), self.token);
    }
}

// The one trait impl over the device; its body is `poll_read_bytes`.
impl AsyncRead for Uart {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut io::ReadBuf<'_>) -> Poll<Result<(), io::Error>> {
        let n = ready!(self.poll_read_bytes(cx, buf.initialize_unfilled()))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }
}
