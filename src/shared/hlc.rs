//! A hybrid logical clock (Kulkarni et al., "Logical Physical Clocks", 2014): a timestamp that
//! follows the physical time when the clocks of two machines agree, and still orders every
//! change causally when they do not (a laptop whose clock is five minutes behind can never
//! write a change that loses to one it has already seen).
//!
//! The physical part comes from the project's [`crate::clock::Clock`] (passed in as
//! milliseconds); this module never reads the time itself. Ties between two installations
//! that produced the same (millis, counter) are broken by the installation id, so every copy
//! orders every pair of changes the same way.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// One timestamp: physical milliseconds, a counter for events within the same millisecond (or
/// while the physical clock lags behind a timestamp already seen), and the installation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hlc {
    pub millis: i64,
    pub counter: u32,
    pub node: String,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.millis, self.counter, self.node.as_str()).cmp(&(
            other.millis,
            other.counter,
            other.node.as_str(),
        ))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hlc {
    /// The smallest timestamp of `node` (before anything it wrote).
    pub fn zero(node: &str) -> Hlc {
        Hlc {
            millis: 0,
            counter: 0,
            node: node.to_string(),
        }
    }

    /// The next timestamp for a local change, given the last one this installation issued or
    /// received (`last`) and the physical time now.
    pub fn tick(last: &Hlc, now_millis: i64) -> Hlc {
        if now_millis > last.millis {
            Hlc {
                millis: now_millis,
                counter: 0,
                node: last.node.clone(),
            }
        } else {
            Hlc {
                millis: last.millis,
                counter: last.counter.saturating_add(1),
                node: last.node.clone(),
            }
        }
    }

    /// The clock after receiving `remote`: never behind anything seen, so the next local tick
    /// orders after it. Keeps this installation's node.
    pub fn observe(last: &Hlc, remote: &Hlc, now_millis: i64) -> Hlc {
        let millis = last.millis.max(remote.millis).max(now_millis);
        let counter = if millis == last.millis && millis == remote.millis {
            last.counter.max(remote.counter)
        } else if millis == last.millis {
            last.counter
        } else if millis == remote.millis {
            remote.counter
        } else {
            0
        };
        Hlc {
            millis,
            counter,
            node: last.node.clone(),
        }
    }

    /// The text form stored in SQLite and carried in change sets: fixed-width millis and
    /// counter so that text order is timestamp order, then the node: `0001765100000000-00000-node`.
    pub fn encode(&self) -> String {
        format!(
            "{:016}-{:05}-{}",
            self.millis.max(0),
            self.counter.min(99_999),
            self.node
        )
    }

    pub fn decode(s: &str) -> Option<Hlc> {
        let mut parts = s.splitn(3, '-');
        let millis = parts.next()?.parse().ok()?;
        let counter = parts.next()?.parse().ok()?;
        let node = parts.next()?.to_string();
        if node.is_empty() {
            return None;
        }
        Some(Hlc {
            millis,
            counter,
            node,
        })
    }
}

impl fmt::Display for Hlc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.encode())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(millis: i64, counter: u32, node: &str) -> Hlc {
        Hlc {
            millis,
            counter,
            node: node.into(),
        }
    }

    #[test]
    fn tick_follows_physical_time_and_counts_when_it_lags() {
        let cases = [
            // (last, now, want)
            (h(100, 3, "a"), 200, h(200, 0, "a")),
            (h(100, 3, "a"), 100, h(100, 4, "a")),
            // The physical clock went back (NTP, another machine's stamp observed): still later.
            (h(100, 3, "a"), 50, h(100, 4, "a")),
        ];
        for (last, now, want) in cases {
            let got = Hlc::tick(&last, now);
            assert_eq!(got, want, "{last} at {now}");
            assert!(got > last);
        }
    }

    #[test]
    fn observe_never_goes_behind_what_was_seen() {
        let cases = [
            // (last, remote, now, want)
            (h(100, 1, "a"), h(90, 7, "b"), 95, h(100, 1, "a")),
            (h(100, 1, "a"), h(120, 7, "b"), 95, h(120, 7, "a")),
            (h(100, 1, "a"), h(100, 7, "b"), 95, h(100, 7, "a")),
            (h(100, 1, "a"), h(90, 7, "b"), 130, h(130, 0, "a")),
        ];
        for (last, remote, now, want) in cases {
            let got = Hlc::observe(&last, &remote, now);
            assert_eq!(got, want, "{last} seeing {remote} at {now}");
            assert!(Hlc::tick(&got, now) > remote);
        }
    }

    #[test]
    fn order_is_total_and_ties_break_by_node() {
        let cases = [
            (h(1, 0, "b"), h(2, 0, "a"), Ordering::Less),
            (h(2, 1, "a"), h(2, 0, "z"), Ordering::Greater),
            (h(2, 1, "a"), h(2, 1, "b"), Ordering::Less),
            (h(2, 1, "a"), h(2, 1, "a"), Ordering::Equal),
        ];
        for (a, b, want) in cases {
            assert_eq!(a.cmp(&b), want, "{a} vs {b}");
            // The text form orders the same way (the store compares it in SQL).
            assert_eq!(a.encode().cmp(&b.encode()), want, "{a} vs {b} as text");
        }
    }

    #[test]
    fn text_form_round_trips() {
        for hlc in [h(0, 0, "n"), h(1_765_100_000_123, 42, "ab12-cd")] {
            assert_eq!(Hlc::decode(&hlc.encode()), Some(hlc.clone()));
        }
        for bad in ["", "12", "12-3", "12-3-", "x-1-n", "1-y-n"] {
            assert_eq!(Hlc::decode(bad), None, "{bad:?}");
        }
    }
}
