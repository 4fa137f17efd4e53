//! The board's reactor refuses what its hardware cannot do, with an error naming why, and
//! a registration is gone after `deregister`.

use std::sync::Arc;

use avx_core::io::ScheduledIo;
use avx_core::{Interest, RawSource, Reactor, Registry};
use avx_custom_reactor::board::UART_RX;
use avx_custom_reactor::{Board, BoardError, Device};

#[test]
fn registration_errors_are_reported_not_panicked() {
    let board = Board::new(Device::new(1), 1);
    let registry = board.parks()[0].registry();
    let io = || Arc::new(ScheduledIo::new());
    assert_eq!(registry.register(RawSource(99), Interest::READABLE, io()), Err(BoardError::UnknownSource));
    assert_eq!(registry.register(UART_RX, Interest::WRITABLE, io()), Err(BoardError::Unsupported));
    let token = registry.register(UART_RX, Interest::READABLE, io()).expect("the UART registers");
    assert_eq!(registry.reregister(UART_RX, token, Interest::BOTH), Err(BoardError::Unsupported));
    assert_eq!(registry.reregister(UART_RX, token, Interest::READABLE), Ok(()));
    assert_eq!(registry.deregister(RawSource(99), token), Err(BoardError::UnknownSource));
    assert_eq!(registry.deregister(UART_RX, token), Ok(()));
    assert_eq!(registry.deregister(UART_RX, token), Err(BoardError::NotRegistered));
    assert_eq!(registry.reregister(UART_RX, token, Interest::READABLE), Err(BoardError::NotRegistered));
}
