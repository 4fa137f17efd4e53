//! `Interval` under a virtual clock: the first tick is immediate, ticks land exactly on the
//! schedule, and each missed-tick behaviour produces Tokio's instants (5 ms of slack).

mod common_time;

use std::time::Duration;

use avx_core::time::{Driver, Interval, ManualClock, MissedTickBehavior};
use avx_core::{Clock, Ticks};
use common_time::block_on_virtual;

const MS: u64 = 1_000_000;

struct Fixture {
    clock: ManualClock,
    driver: Driver,
}

impl Fixture {
    fn new() -> Self {
        let clock = ManualClock::new();
        let driver = Driver::new(clock.clone(), 1);
        Fixture { clock, driver }
    }

    fn interval(&self, behavior: MissedTickBehavior) -> Interval {
        let mut interval = self.driver.handle().interval(Duration::from_millis(10));
        interval.set_missed_tick_behavior(behavior);
        interval
    }

    /// Awaits one tick under auto-advancing virtual time: (scheduled instant, clock) in ms.
    fn tick(&self, interval: &mut Interval) -> (u64, u64) {
        let scheduled = block_on_virtual(&self.driver, &self.clock, interval.tick());
        (scheduled.0 / MS, self.clock.now().0 / MS)
    }

    fn ticks(&self, interval: &mut Interval, count: usize) -> Vec<(u64, u64)> {
        (0..count).map(|_| self.tick(interval)).collect()
    }

    /// The task was busy until `ms`.
    fn stall_until(&self, ms: u64) {
        self.clock.set(Ticks(ms * MS));
    }
}

#[test]
fn ticks_start_at_once_and_follow_the_period_exactly() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Burst);
    assert_eq!(fixture.ticks(&mut interval, 4), [(0, 0), (10, 10), (20, 20), (30, 30)]);
}

#[test]
fn interval_at_starts_at_its_start() {
    let fixture = Fixture::new();
    let mut interval = fixture.driver.handle().interval_at(Ticks(25 * MS), Duration::from_millis(5));
    assert_eq!(fixture.ticks(&mut interval, 3), [(25, 25), (30, 30), (35, 35)]);
}

#[test]
fn a_tick_at_most_5_ms_late_keeps_the_schedule_for_every_behavior() {
    for behavior in [MissedTickBehavior::Burst, MissedTickBehavior::Delay, MissedTickBehavior::Skip] {
        let fixture = Fixture::new();
        let mut interval = fixture.interval(behavior);
        assert_eq!(fixture.tick(&mut interval), (0, 0));
        fixture.stall_until(15);
        assert_eq!(fixture.ticks(&mut interval, 2), [(10, 15), (20, 20)], "{behavior:?}");
    }
}

#[test]
fn a_tick_more_than_5_ms_late_is_missed_even_before_the_next_is_due() {
    for (behavior, next) in
        [(MissedTickBehavior::Burst, 20), (MissedTickBehavior::Delay, 27), (MissedTickBehavior::Skip, 20)]
    {
        let fixture = Fixture::new();
        let mut interval = fixture.interval(behavior);
        assert_eq!(fixture.tick(&mut interval), (0, 0));
        fixture.stall_until(17);
        assert_eq!(fixture.ticks(&mut interval, 2), [(10, 17), (next, next)], "{behavior:?}");
    }
}

#[test]
fn reset_after_restarts_that_long_from_now() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Burst);
    assert_eq!(fixture.tick(&mut interval), (0, 0));
    fixture.stall_until(4);
    interval.reset_after(Duration::from_millis(2));
    assert_eq!(fixture.ticks(&mut interval, 2), [(6, 6), (16, 16)]);
}

#[test]
fn burst_fires_the_missed_ticks_back_to_back() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Burst);
    assert_eq!(fixture.ticks(&mut interval, 2), [(0, 0), (10, 10)]);
    fixture.stall_until(45);
    assert_eq!(fixture.ticks(&mut interval, 5), [(20, 45), (30, 45), (40, 45), (50, 50), (60, 60)]);
}

#[test]
fn delay_restarts_the_schedule_from_the_late_tick() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Delay);
    assert_eq!(fixture.ticks(&mut interval, 2), [(0, 0), (10, 10)]);
    fixture.stall_until(45);
    assert_eq!(fixture.ticks(&mut interval, 3), [(20, 45), (55, 55), (65, 65)]);
}

#[test]
fn skip_drops_the_missed_ticks_and_stays_aligned() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Skip);
    assert_eq!(fixture.ticks(&mut interval, 2), [(0, 0), (10, 10)]);
    fixture.stall_until(45);
    assert_eq!(fixture.ticks(&mut interval, 3), [(20, 45), (50, 50), (60, 60)]);
    // Landing exactly on a scheduled instant: that instant was missed too.
    fixture.stall_until(80);
    assert_eq!(fixture.ticks(&mut interval, 2), [(70, 80), (90, 90)]);
}

#[test]
fn reset_restarts_one_period_from_now() {
    let fixture = Fixture::new();
    let mut interval = fixture.interval(MissedTickBehavior::Burst);
    assert_eq!(fixture.tick(&mut interval), (0, 0));
    fixture.stall_until(3);
    interval.reset();
    assert_eq!(fixture.ticks(&mut interval, 2), [(13, 13), (23, 23)]);
    interval.reset_immediately();
    assert_eq!(fixture.tick(&mut interval), (23, 23));
    interval.reset_at(Ticks(100 * MS));
    assert_eq!(fixture.tick(&mut interval), (100, 100));
}
