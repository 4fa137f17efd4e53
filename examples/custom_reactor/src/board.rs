//! The integration: everything an integrator writes to run avx-core on its own hardware — a
//! per-CPU `Park` and `Unpark`, the board `Clock`, and a `Reactor` mapping device lines to I/O.
//!
//! Interrupts do the least they can (the top half: note the line, unpark a CPU; no locks, no
//! allocation, no waker); the CPU that wakes dispatches readiness in thread context (the
//! bottom half, at the end of `park`).

use std::sync::atomic::{fence, AtomicBool, AtomicU32, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::thread::Thread;
use std::time::Duration;

use avx_core::io::{Ready, ScheduledIo};
use avx_core::{BorrowedSource, Clock, Interest, Park, RawSource, Reactor, Registry, Ticks, Token, Unpark};

use crate::device::{Device, Irq};

/// The UART receive line as a reactor source.
pub const UART_RX: RawSource = RawSource(1);

/// The UART receive line as a registrable source.
pub fn uart_rx() -> BorrowedSource<'static> {
    // SAFETY: a board line is wired into the device: it exists, and means the same thing,
    // for as long as the program runs.
    unsafe { BorrowedSource::borrow_raw(UART_RX) }
}
/// The CPU the UART interrupt is routed to.
const IRQ_CPU: usize = 0;

/// What registration can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardError {
    /// No such device line.
    UnknownSource,
    /// The line cannot deliver that readiness (the UART receive line is read-only).
    Unsupported,
    /// The token is not (or no longer) registered.
    NotRegistered,
}

/// One CPU's wake-up state.
#[derive(Default)]
struct Cpu {
    /// Set by an interrupt (or `unpark`); consumed by the CPU's next wait.
    woken: AtomicBool,
    /// The thread playing this CPU, known from its first park.
    thread: OnceLock<Thread>,
}

/// The board: its device, its CPUs and the reactor's registrations.
pub struct Board {
    device: Arc<Device>,
    cpus: Box<[Arc<Cpu>]>,
    /// Lines whose interrupt fired and whose readiness is not dispatched yet.
    raised: AtomicU32,
    sources: Mutex<Vec<(Token, Arc<ScheduledIo>)>>,
    next_token: AtomicU32,
}

impl Board {
    /// A board over `device` with `cpus` CPUs; installs the interrupt handler.
    pub fn new(device: Arc<Device>, cpus: usize) -> Arc<Board> {
        let board = Arc::new(Board {
            device,
            cpus: (0..cpus).map(|_| Arc::default()).collect(),
            raised: AtomicU32::new(0),
            sources: Mutex::new(Vec::new()),
            next_token: AtomicU32::new(0),
        });
        let weak: Weak<Board> = Arc::downgrade(&board);
        board.device.set_interrupt_handler(move |irq| {
            if let Some(board) = weak.upgrade() {
                board.on_interrupt(irq);
            }
        });
        board
    }

    /// The top half: record the line and wake the CPU it is routed to.
    fn on_interrupt(&self, irq: Irq) {
        match irq {
            Irq::UartRx => {
                self.raised.fetch_or(1 << UART_RX.0, SeqCst);
                self.unparker(IRQ_CPU).unpark();
            }
            Irq::Timer(cpu) => self.unparker(cpu).unpark(),
        }
    }

    /// The bottom half: readiness for every line raised since the last dispatch.
    fn dispatch(&self) {
        if self.raised.swap(0, SeqCst) & (1 << UART_RX.0) != 0 {
            let ios: Vec<_> = self.sources.lock().unwrap().iter().map(|(_, io)| io.clone()).collect();
            ios.iter().for_each(|io| io.set_readiness(Ready::READABLE));
        }
    }

    /// One `Park` per CPU, for `executor::build` (CPU `i` is worker `i`).
    pub fn parks(self: &Arc<Self>) -> Vec<CpuPark> {
        (0..self.cpus.len()).map(|cpu| CpuPark { board: self.clone(), cpu }).collect()
    }

    /// The handle that wakes CPU `cpu`.
    pub fn unparker(&self, cpu: usize) -> CpuUnpark {
        CpuUnpark(self.cpus[cpu].clone())
    }

    /// The reactor's registration handle.
    pub fn registry(self: &Arc<Self>) -> BoardRegistry {
        BoardRegistry(self.clone())
    }

    /// The device this board drives.
    pub fn device(&self) -> &Arc<Device> {
        &self.device
    }
}

/// CPU `cpu` waiting for an interrupt: [`Park`] for one executor worker.
pub struct CpuPark {
    board: Arc<Board>,
    cpu: usize,
}

impl Park for CpuPark {
    type Unparker = CpuUnpark;

    fn park(&mut self, timeout: Option<Duration>) {
        let (device, cpu) = (&self.board.device, &self.board.cpus[self.cpu]);
        if timeout != Some(Duration::ZERO) {
            cpu.thread.get_or_init(std::thread::current);
            if let Some(timeout) = timeout {
                let nanos = u64::try_from(timeout.as_nanos()).unwrap_or(u64::MAX);
                device.set_alarm(self.cpu, device.counter_ns().saturating_add(nanos));
            }
            // Pairs with the fence in `unpark`: it sees our thread or we see its flag.
            fence(SeqCst);
            // `wfi`: a real CPU masks interrupts, checks the flag, then sleeps atomically.
            while !cpu.woken.swap(false, SeqCst) {
                std::thread::park();
            }
            device.disarm(self.cpu);
        }
        self.board.dispatch();
    }

    fn unparker(&self) -> CpuUnpark {
        self.board.unparker(self.cpu)
    }
}

impl Reactor for CpuPark {
    type Registry = BoardRegistry;

    fn registry(&self) -> BoardRegistry {
        self.board.registry()
    }
}

/// Wakes one CPU; callable from an interrupt (one atomic store and the CPU's wake signal).
#[derive(Clone)]
pub struct CpuUnpark(Arc<Cpu>);

impl Unpark for CpuUnpark {
    fn unpark(&self) {
        self.0.woken.store(true, SeqCst);
        fence(SeqCst);
        if let Some(thread) = self.0.thread.get() {
            thread.unpark();
        }
    }
}

/// The board's free-running counter as the executor's [`Clock`].
pub struct BoardClock(pub Arc<Device>);

impl Clock for BoardClock {
    fn now(&self) -> Ticks {
        Ticks(self.0.counter_ns())
    }
}

/// Registers device lines with the board's reactor: a [`Reactor::Registry`].
#[derive(Clone)]
pub struct BoardRegistry(Arc<Board>);

impl BoardRegistry {
    fn find(&self, source: RawSource, token: Token) -> Result<(), BoardError> {
        let known = self.0.sources.lock().unwrap().iter().any(|(t, _)| *t == token);
        match (source, known) {
            (UART_RX, true) => Ok(()),
            (UART_RX, false) => Err(BoardError::NotRegistered),
            _ => Err(BoardError::UnknownSource),
        }
    }
}

impl Registry for BoardRegistry {
    type Error = BoardError;

    fn register(
        &self,
        source: BorrowedSource<'_>,
        interest: Interest,
        io: Arc<ScheduledIo>,
    ) -> Result<Token, BoardError> {
        match (source.as_raw(), interest.is_writable()) {
            (UART_RX, false) => {}
            (UART_RX, true) => return Err(BoardError::Unsupported),
            _ => return Err(BoardError::UnknownSource),
        }
        let token = Token(self.0.next_token.fetch_add(1, SeqCst) as usize);
        self.0.sources.lock().unwrap().push((token, io));
        Ok(token)
    }

    fn reregister(&self, source: BorrowedSource<'_>, token: Token, interest: Interest) -> Result<(), BoardError> {
        self.find(source.as_raw(), token)?;
        if interest.is_writable() {
            return Err(BoardError::Unsupported);
        }
        Ok(())
    }

    fn deregister(&self, source: BorrowedSource<'_>, token: Token) -> Result<(), BoardError> {
        self.find(source.as_raw(), token)?;
        self.0.sources.lock().unwrap().retain(|(t, _)| *t != token);
        Ok(())
    }
}
