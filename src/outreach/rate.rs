//! How fast notices go out: per-minute and per-day limits, counted from the store's log of send
//! attempts (every outbox item's, since the provider counts all mail), so a campaign stopped
//! and started again, or running beside replies, never goes over them. Pure.
//!
//! Within the minute the notices are spread evenly (one every `60 s / per_minute`), not sent
//! in a burst: a burst at the end of one minute and one at the start of the next would be
//! twice the limit in the 60 seconds around the turn of the minute, which is what providers
//! count. The window counted is a second longer than a minute: an attempt is logged just
//! before its connection opens, and the server sees the mail a moment later.

use crate::config::Config;

/// The limits a campaign runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_minute: u32,
    pub per_day: u32,
}

/// The minute counted, in milliseconds (a minute and a second, see the module text).
pub const MINUTE_MS: i64 = 61_000;
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// What the limits allow at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    Go,
    /// Wait until this time (ms); `daily`: the day's limit is reached (a campaign pauses
    /// rather than waiting for hours).
    Wait {
        until_ms: i64,
        daily: bool,
    },
}

/// Provider presets' published sending limits (messages per minute, per day), by SMTP host.
/// Conservative where a provider publishes a range (a new Gmail account gets less than a
/// Workspace one).
const PROVIDER_LIMITS: &[(&str, u32, u32)] = &[
    ("smtp.gmail.com", 20, 500),
    ("smtp.office365.com", 30, 10_000),
    ("smtp-mail.outlook.com", 30, 300),
    ("smtp.mail.me.com", 20, 1_000),
    ("smtp.fastmail.com", 30, 4_000),
    ("smtp.mail.yahoo.com", 20, 500),
    ("smtp.zoho.com", 20, 500),
    ("smtp.zoho.eu", 20, 500),
    ("smtp.ionos.de", 20, 1_000),
    ("mail.gmx.net", 10, 500),
    ("smtp.web.de", 10, 500),
    ("smtp.strato.de", 20, 1_000),
    ("ssl0.ovh.net", 20, 1_000),
];

/// When the provider is not known: a pace no small-business mailbox objects to.
pub const DEFAULT_LIMITS: Limits = Limits {
    per_minute: 10,
    per_day: 300,
};

impl Limits {
    /// The preset's limits for an SMTP host (`None`: not a preset's host).
    pub fn for_host(host: &str) -> Option<Limits> {
        let host = host.trim().to_lowercase();
        PROVIDER_LIMITS
            .iter()
            .find(|(h, _, _)| *h == host)
            .map(|&(_, per_minute, per_day)| Limits {
                per_minute,
                per_day,
            })
    }

    /// `[outreach]` where set, else the provider preset's, else [`DEFAULT_LIMITS`]; and where
    /// they come from, for the line shown before sending.
    pub fn for_config(cfg: &Config) -> (Limits, &'static str) {
        let preset = cfg.smtp.as_ref().and_then(|s| Limits::for_host(&s.host));
        let base = preset.unwrap_or(DEFAULT_LIMITS);
        let limits = Limits {
            per_minute: cfg.outreach.per_minute.unwrap_or(base.per_minute),
            per_day: cfg.outreach.per_day.unwrap_or(base.per_day),
        };
        let source = match (cfg.outreach.per_minute.or(cfg.outreach.per_day), preset) {
            (Some(_), _) => "your [outreach] settings",
            (None, Some(_)) => "your provider's limits",
            (None, None) => "a careful default for an unknown provider",
        };
        (limits, source)
    }

    /// The gap between two notices in the minute, in ms.
    pub fn spacing_ms(self) -> i64 {
        MINUTE_MS / i64::from(self.per_minute.max(1))
    }
}

/// May another attempt start at `now_ms`, given the logged attempts (`log`, ms, any order) of
/// the last day?
pub fn pace(log: &[i64], limits: Limits, now_ms: i64) -> Pace {
    let mut day: Vec<i64> = log
        .iter()
        .copied()
        .filter(|&t| t > now_ms - DAY_MS)
        .collect();
    day.sort_unstable();
    let per_day = limits.per_day.max(1) as usize;
    // With `per_day` or more attempts in the day, the oldest that must leave it first.
    if let Some(&oldest) = day.len().checked_sub(per_day).and_then(|i| day.get(i)) {
        let until = oldest + DAY_MS;
        return Pace::Wait {
            until_ms: until.max(now_ms + 1),
            daily: true,
        };
    }
    let minute: Vec<i64> = day
        .iter()
        .copied()
        .filter(|&t| t > now_ms - MINUTE_MS)
        .collect();
    let per_minute = limits.per_minute.max(1) as usize;
    let mut until = now_ms;
    if let Some(&oldest) = minute
        .len()
        .checked_sub(per_minute)
        .and_then(|i| minute.get(i))
    {
        until = until.max(oldest + MINUTE_MS);
    }
    if let Some(&last) = day.last() {
        until = until.max(last + limits.spacing_ms());
    }
    if until > now_ms {
        Pace::Wait {
            until_ms: until,
            daily: false,
        }
    } else {
        Pace::Go
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const L: Limits = Limits {
        per_minute: 4,
        per_day: 10,
    };

    #[test]
    fn pace_table() {
        let s = L.spacing_ms(); // 15 250 ms
        let cases: Vec<(Vec<i64>, i64, Pace)> = vec![
            (vec![], 1_000_000, Pace::Go),
            // Too soon after the last one: wait for the spacing.
            (
                vec![1_000_000],
                1_000_000 + 100,
                Pace::Wait {
                    until_ms: 1_000_000 + s,
                    daily: false,
                },
            ),
            (vec![1_000_000], 1_000_000 + s, Pace::Go),
            // Four in the minute (e.g. a reply and the owner's resends beside the campaign):
            // the fifth waits until the first leaves the counted minute.
            (
                vec![0, 1_000, 2_000, 3_000],
                40_000,
                Pace::Wait {
                    until_ms: MINUTE_MS,
                    daily: false,
                },
            ),
            (vec![0, 1_000, 2_000, 3_000], MINUTE_MS + 1, Pace::Go),
            // A day's worth: pause until the oldest counted one is a day old.
            (
                (0..10).map(|i| i * 100_000).collect(),
                2_000_000,
                Pace::Wait {
                    until_ms: DAY_MS,
                    daily: true,
                },
            ),
            // Older than a day: forgotten.
            (
                (0..10).map(|i| i * 100_000).collect(),
                DAY_MS + 900_001,
                Pace::Go,
            ),
        ];
        for (log, now, want) in cases {
            assert_eq!(pace(&log, L, now), want, "{log:?} at {now}");
        }
    }

    #[test]
    fn following_the_pace_never_puts_more_than_the_limit_in_any_minute() {
        let limits = Limits {
            per_minute: 7,
            per_day: 1000,
        };
        let mut log: Vec<i64> = vec![];
        let mut now = 0;
        // Others send too (replies, the owner's resends), at awkward moments.
        let mut rng = fastrand::Rng::with_seed(27);
        while log.len() < 200 {
            match pace(&log, limits, now) {
                Pace::Go => log.push(now),
                Pace::Wait { until_ms, .. } => now = until_ms,
            }
            now += rng.i64(0..3_000);
        }
        for (i, &t) in log.iter().enumerate() {
            let in_minute = log[i..].iter().take_while(|&&u| u < t + 60_000).count();
            assert!(in_minute <= 7, "{in_minute} in the minute from {t}");
        }
    }

    #[test]
    fn presets_and_config() {
        assert_eq!(
            Limits::for_host("SMTP.gmail.com"),
            Some(Limits {
                per_minute: 20,
                per_day: 500
            })
        );
        assert_eq!(Limits::for_host("mail.example.org"), None);
        let mut cfg = Config::demo();
        assert_eq!(
            Limits::for_config(&cfg),
            (DEFAULT_LIMITS, "a careful default for an unknown provider")
        );
        cfg.outreach.per_minute = Some(100);
        let (l, source) = Limits::for_config(&cfg);
        assert_eq!((l.per_minute, l.per_day), (100, DEFAULT_LIMITS.per_day));
        assert_eq!(source, "your [outreach] settings");
    }
}
