//! The board's reactor refuses what its hardware cannot do, with an error naming why, and
//! a registration is gone after `deregister`.

use std::sync::Arc;

use avx_core::io::ScheduledIo;
use avx_core::{BorrowedSource, Interest, RawSource, Reactor, Registry};
use avx_custom_reactor::board::uart_rx;
use avx_custom_reactor::{Board, BoardError, Device};

#[test]
fn registration_errors_are_reported_not_panicked() {
    let board = Board::new(Device::new(1), 1);
    let registry = board.parks()[0].registry();
    let io = || Arc::new(ScheduledIo::new());
    // SAFETY: the board never looks the number up as an open handle; it is only refused.
    let unknown = unsafe { BorrowedSource::borrow_raw(RawSource(99)) };
    assert_eq!(registry.register(unknown, Interest::READABLE, io()), Err(BoardError::UnknownSource));
    assert_eq!(registry.register(uart_rx(), Interest::WRITABLE, io()), Err(BoardError::Unsupported));
    let token = registry.register(uart_rx(), Interest::READABLE, io()).expect("the UART registers");
    assert_eq!(registry.reregister(uart_rx(), token, Interest::BOTH), Err(BoardError::Unsupported));
    assert_eq!(registry.reregister(uart_rx(), token, Interest::READABLE), Ok(()));
    assert_eq!(registry.deregister(unknown, token), Err(BoardError::UnknownSource));
    assert_eq!(registry.deregister(uart_rx(), token), Ok(()));
    assert_eq!(registry.deregister(uart_rx(), token), Err(BoardError::NotRegistered));
    assert_eq!(registry.reregister(uart_rx(), token, Interest::READABLE), Err(BoardError::NotRegistered));
}
