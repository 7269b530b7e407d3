//! The pacing core of `net_proxy`: when does a chunk that the proxy read from one side reach
//! the other side of an emulated line with a rate limit and a fixed one-way delay?
//!
//! A pure function of the arrival times and sizes (no clock, no sleeping), so that the proxy's
//! threads only have to sleep until the instants it returns and the tests can drive it with
//! made-up times.
//!
//! The rate limit is a token bucket written as GCRA (the "virtual scheduling" form of a token
//! bucket): `tat` is the instant at which the bucket would be full again if nothing else came,
//! every byte costs `1 / rate`, and a chunk may leave once `tat` (after adding its cost) is no
//! more than `burst` bytes' worth of time ahead of the clock. That is exactly a bucket of
//! `burst` bytes refilled at `rate`, in integer nanoseconds, so nothing drifts over a long run.
//! The delay is added after the rate limit, like the propagation delay after a bottleneck, so
//! chunks keep their order and a full line stays full: each chunk is released at its own
//! instant, never by sleeping the delay once per chunk.

use std::time::Duration;

/// One direction of the emulated line.
#[derive(Debug, Clone)]
pub struct Link {
    /// Nanoseconds one byte occupies the line, times `SCALE` (keeps sub-nanosecond precision
    /// for rates that do not divide a second evenly); 0 means no rate limit.
    cost_per_byte: u128,
    /// How far ahead of the clock the bucket's debt may run: the burst, in scaled nanoseconds.
    tolerance: u128,
    /// The one-way delay added after the rate limit.
    delay: Duration,
    /// GCRA's theoretical arrival time, in scaled nanoseconds since the proxy started.
    tat: u128,
}

/// Fixed-point scale for `cost_per_byte` and `tat`.
const SCALE: u128 = 1_000;

impl Link {
    /// A line of `bits_per_second` (0: unlimited) that lets `burst_bytes` through at once
    /// after a quiet spell, and delivers everything `delay` after it left.
    pub fn new(bits_per_second: u64, burst_bytes: u64, delay: Duration) -> Link {
        let cost_per_byte = if bits_per_second == 0 {
            0
        } else {
            8 * 1_000_000_000 * SCALE / u128::from(bits_per_second)
        };
        Link {
            cost_per_byte,
            tolerance: cost_per_byte * u128::from(burst_bytes),
            delay,
            tat: 0,
        }
    }

    /// When `len` bytes read from the sender at `arrival` (time since the proxy started) are
    /// to be written to the receiver. Calls come in the order the bytes were read; the
    /// returned instants never go backwards for one link.
    pub fn schedule(&mut self, arrival: Duration, len: usize) -> Duration {
        let now = arrival.as_nanos() * SCALE;
        let tat = self.tat.max(now) + self.cost_per_byte * len as u128;
        self.tat = tat;
        let leaves = now.max(tat.saturating_sub(self.tolerance));
        nanos(leaves / SCALE) + self.delay
    }
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Each case: a line (bits/s, burst bytes, delay ms), then (arrival ms, bytes) → expected
    /// release in µs.
    #[test]
    fn chunks_are_released_by_rate_then_delay() {
        // 8 Mbit/s = 1,000 bytes per ms.
        type Case = (&'static str, u64, u64, u64, &'static [(u64, usize, u64)]);
        let cases: &[Case] = &[
            (
                "a quiet line only adds the delay",
                8_000_000,
                4_000,
                20,
                &[
                    (0, 1_000, 20_000),
                    (100, 4_000, 120_000),
                    (300, 10, 320_000),
                ],
            ),
            (
                "back-to-back chunks beyond the burst leave at the line rate",
                8_000_000,
                4_000,
                20,
                // The first 4,000 bytes go at once; then one chunk every 4 ms.
                &[
                    (0, 4_000, 20_000),
                    (0, 4_000, 24_000),
                    (0, 4_000, 28_000),
                    (1, 4_000, 32_000),
                ],
            ),
            (
                "the bucket refills while the line is idle",
                8_000_000,
                4_000,
                20,
                &[
                    (0, 4_000, 20_000),
                    (0, 4_000, 24_000),
                    (50, 4_000, 70_000),
                    (50, 2_000, 72_000),
                ],
            ),
            (
                "a chunk bigger than the burst waits for its excess",
                8_000_000,
                1_000,
                0,
                &[(0, 3_000, 2_000), (2, 1_000, 3_000)],
            ),
            (
                "no rate limit: only the delay",
                0,
                0,
                20,
                &[(0, 1 << 20, 20_000), (0, 1 << 20, 20_000), (5, 1, 25_000)],
            ),
            (
                "no delay, no burst: pure serialization",
                8_000_000,
                0,
                0,
                &[(0, 1_000, 1_000), (0, 1_000, 2_000), (10, 500, 10_500)],
            ),
        ];
        for (name, bits, burst, delay, steps) in cases {
            let mut link = Link::new(*bits, *burst, ms(*delay));
            for (i, (arrival, len, want_us)) in steps.iter().enumerate() {
                let got = link.schedule(ms(*arrival), *len);
                assert_eq!(got, Duration::from_micros(*want_us), "{name}, step {i}");
            }
        }
    }

    #[test]
    fn a_long_run_keeps_the_rate_exactly() {
        // 50 Mbit/s, 16 KiB chunks offered as fast as possible for 100 MB: the last byte
        // leaves when 100 MB at 6.25 MB/s have passed (minus the initial burst), plus 20 ms.
        let mut link = Link::new(50_000_000, 16_384, ms(20));
        let chunks = 100_000_000 / 16_384;
        let mut last = Duration::ZERO;
        for _ in 0..chunks {
            let r = link.schedule(Duration::ZERO, 16_384);
            assert!(r >= last, "releases never go backwards");
            last = r;
        }
        let bytes = chunks as f64 * 16_384.0;
        let want = (bytes - 16_384.0) / 6_250_000.0 + 0.020;
        assert!(
            (last.as_secs_f64() - want).abs() < 1e-6,
            "last release {last:?}, want {want} s"
        );
    }

    #[test]
    fn releases_follow_arrivals_that_come_late() {
        // A sender that pauses longer than the burst needs to refill gets the delay only.
        let mut link = Link::new(50_000_000, 16_384, ms(20));
        let first = link.schedule(ms(0), 16_384);
        let second = link.schedule(ms(1_000), 16_384);
        assert_eq!(first, ms(20));
        assert_eq!(second, ms(1_020));
    }
}
