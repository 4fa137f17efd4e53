//! An integrator's own platform under avx-core, with no OS layer: a simulated board (device,
//! CPUs, interrupts) and the `Park`/`Unpark`/`Clock`/`Reactor` that run the executor on it.
//!
//! `board` is the integration (what an integrator writes); `uart` is a driver on top of it;
//! `device` simulates the hardware and is not part of either.
#![warn(missing_docs)]

pub mod board;
pub mod device;
pub mod uart;

pub use board::{Board, BoardClock, BoardError, BoardRegistry, CpuPark, CpuUnpark};
pub use device::{Device, Irq};
pub use uart::Uart;
