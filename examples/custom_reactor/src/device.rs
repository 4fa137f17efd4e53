//! The simulated hardware (not part of the integration): a free-running counter, a UART receive
//! FIFO and one alarm comparator per CPU, advanced by a tick loop that raises interrupts.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// Device time one tick of the hardware loop advances.
pub const TICK: Duration = Duration::from_micros(100);
const DISARMED: u64 = u64::MAX;

/// An interrupt line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Irq {
    /// The UART received bytes (level: the FIFO is not empty).
    UartRx,
    /// CPU `n`'s alarm comparator matched.
    Timer(usize),
}

type Handler = Box<dyn Fn(Irq) + Send + Sync>;

/// The board's peripherals, shared by the CPUs and the hardware loop.
pub struct Device {
    counter_ns: AtomicU64,
    rx_fifo: Mutex<VecDeque<u8>>,
    alarms: Box<[AtomicU64]>,
    vector: OnceLock<Handler>,
    powered: AtomicBool,
}

impl Device {
    /// A device with one alarm comparator per CPU, counter at zero.
    pub fn new(cpus: usize) -> Arc<Device> {
        Arc::new(Device {
            counter_ns: AtomicU64::new(0),
            rx_fifo: Mutex::new(VecDeque::new()),
            alarms: (0..cpus).map(|_| AtomicU64::new(DISARMED)).collect(),
            vector: OnceLock::new(),
            powered: AtomicBool::new(true),
        })
    }

    /// Installs the interrupt handler (the vector table's one entry). Only the first call does.
    pub fn set_interrupt_handler(&self, handler: impl Fn(Irq) + Send + Sync + 'static) {
        let _ = self.vector.set(Box::new(handler));
    }

    /// The free-running counter, in nanoseconds of device time.
    pub fn counter_ns(&self) -> u64 {
        self.counter_ns.load(SeqCst)
    }

    /// Bytes arrive on the wire: into the FIFO, and the receive interrupt fires.
    pub fn receive(&self, bytes: &[u8]) {
        self.rx_fifo.lock().unwrap().extend(bytes);
        self.raise(Irq::UartRx);
    }

    /// Reads the data register until the FIFO is empty or `buf` is full; returns the count.
    pub fn read_rx(&self, buf: &mut [u8]) -> usize {
        let mut fifo = self.rx_fifo.lock().unwrap();
        let n = buf.len().min(fifo.len());
        for (slot, byte) in buf.iter_mut().zip(fifo.drain(..n)) {
            *slot = byte;
        }
        n
    }

    /// Arms CPU `cpu`'s comparator: its timer interrupt fires once the counter reaches `at_ns`.
    pub fn set_alarm(&self, cpu: usize, at_ns: u64) {
        self.alarms[cpu].store(at_ns, SeqCst);
    }

    /// Disarms CPU `cpu`'s comparator.
    pub fn disarm(&self, cpu: usize) {
        self.alarms[cpu].store(DISARMED, SeqCst);
    }

    /// The interrupt controller signals `irq` (on the calling thread, as a CPU would take it).
    pub fn raise(&self, irq: Irq) {
        if let Some(handler) = self.vector.get() {
            handler(irq);
        }
    }

    /// One hardware tick: the counter advances by [`TICK`] and matched comparators fire.
    pub fn tick(&self) {
        let now = self.counter_ns.fetch_add(TICK.as_nanos() as u64, SeqCst) + TICK.as_nanos() as u64;
        for (cpu, alarm) in self.alarms.iter().enumerate() {
            let at = alarm.load(SeqCst);
            if at <= now && alarm.compare_exchange(at, DISARMED, SeqCst, SeqCst).is_ok() {
                self.raise(Irq::Timer(cpu));
            }
        }
    }

    /// Starts the hardware loop on its own thread: a tick per [`TICK`] of real time, and each
    /// `(at_ns, bytes)` of `wire` received once the counter reaches `at_ns`. Runs until
    /// [`Device::power_off`].
    pub fn power_on(self: &Arc<Self>, mut wire: VecDeque<(u64, Vec<u8>)>) -> JoinHandle<()> {
        let device = self.clone();
        std::thread::spawn(move || {
            while device.powered.load(SeqCst) {
                device.tick();
                while wire.front().is_some_and(|(at, _)| *at <= device.counter_ns()) {
                    let (_, bytes) = wire.pop_front().expect("front exists");
                    device.receive(&bytes);
                }
                std::thread::sleep(TICK);
            }
        })
    }

    /// Stops the hardware loop.
    pub fn power_off(&self) {
        self.powered.store(false, SeqCst);
    }
}
