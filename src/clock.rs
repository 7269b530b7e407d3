//! The one way the time of day enters shopinbox.
//!
//! Deadlines, "answered" and every timestamp the store writes depend on the time. If any code
//! path read the system clock on its own, a test that fixes the time would still see the real
//! date on that path, and the suite would pass or fail depending on the day it runs. So every
//! "now" comes from a [`Clock`] handed down from the edge: the binary makes a system clock (or
//! a fixed one for `--now`), tests make fixed ones. Nothing else calls `Utc::now()`.
//!
//! Monotonic [`std::time::Instant`]s for timeouts and intervals are not "the time" and do not
//! go through here.

use chrono::{DateTime, Utc};

/// Where "now" comes from. Cheap to copy; every copy tells the same time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock(Source);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The operating system's clock: the binary's default.
    System,
    /// A time that never moves: tests, and `--now` ("pretend it is Tuesday 10:00").
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The operating system's clock. Only the binary's edge (the command line) makes one.
    pub fn system() -> Clock {
        Clock(Source::System)
    }

    /// A clock that always says `at`.
    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock(Source::Fixed(at))
    }

    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        match self.0 {
            Source::System => Utc::now(),
            Source::Fixed(at) => at,
        }
    }

    /// The fixed time, when this clock does not move.
    pub fn fixed_at(&self) -> Option<DateTime<Utc>> {
        match self.0 {
            Source::System => None,
            Source::Fixed(at) => Some(at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_fixed_clock_does_not_move_and_says_so() {
        let at = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let clock = Clock::fixed(at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.now(), at);
        assert_eq!(clock.fixed_at(), Some(at));
        assert_eq!(Clock::system().fixed_at(), None);
    }
}
