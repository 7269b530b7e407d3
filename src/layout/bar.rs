//! One-row bars fitted to the width: the inbox's view tabs (names stay whole; counts shorten,
//! then the bar scrolls to keep the selected tab in view) and a row of key hints (whole hints
//! only).

use unicode_width::UnicodeWidthStr;

/// A count in at most four columns: "999", "1.2k", "12k", "1.2M".
pub fn short_count(n: u64) -> String {
    match n {
        0..=999 => n.to_string(),
        1_000..=9_999 => tenths(n / 100, "k"),
        10_000..=999_999 => format!("{}k", n / 1_000),
        1_000_000..=9_999_999 => tenths(n / 100_000, "M"),
        _ => format!("{}M", n / 1_000_000),
    }
}

fn tenths(t: u64, unit: &str) -> String {
    if t % 10 == 0 {
        format!("{}{unit}", t / 10)
    } else {
        format!("{}.{}{unit}", t / 10, t % 10)
    }
}

/// The tab bar as drawn: the tabs `first..first + labels.len()` with their labels, joined by
/// `sep`, with "‹" / "›" when tabs are scrolled out on that side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tabs {
    pub first: usize,
    pub labels: Vec<String>,
    pub sep: &'static str,
    pub more_left: bool,
    pub more_right: bool,
}

/// The scroll markers.
pub const LEFT: &str = "‹ ";
pub const RIGHT: &str = " ›";

impl Tabs {
    pub fn width(&self) -> usize {
        let labels: usize = self.labels.iter().map(|l| l.width()).sum();
        labels
            + self.sep.width() * self.labels.len().saturating_sub(1)
            + if self.more_left { LEFT.width() } else { 0 }
            + if self.more_right { RIGHT.width() } else { 0 }
    }
}

/// Fits tabs (`(name, count)`, names never cut) into `width` columns: exact counts with wide
/// separators first, then shortened counts, then tight spacing, then a scrolled window that
/// holds the `selected` tab.
pub fn tabs(tabs: &[(&str, u64)], selected: usize, width: usize) -> Tabs {
    let selected = selected.min(tabs.len().saturating_sub(1));
    let label = |(name, count): &(&str, u64), short: bool, pad: bool| {
        let count = if short {
            short_count(*count)
        } else {
            count.to_string()
        };
        if pad {
            format!(" {name} {count} ")
        } else {
            format!("{name} {count}")
        }
    };
    let all = |short: bool, pad: bool, sep: &'static str| Tabs {
        first: 0,
        labels: tabs.iter().map(|t| label(t, short, pad)).collect(),
        sep,
        more_left: false,
        more_right: false,
    };
    for (short, pad, sep) in [
        (false, true, " │ "),
        (true, true, " │ "),
        (true, false, "  "),
    ] {
        let t = all(short, pad, sep);
        if t.width() <= width {
            return t;
        }
    }
    // Scroll: the window starts as far left as still shows the selected tab, then grows right.
    let labels: Vec<String> = tabs.iter().map(|t| label(t, true, false)).collect();
    let window = |first: usize, last: usize| Tabs {
        first,
        labels: labels.get(first..=last).unwrap_or_default().to_vec(),
        sep: "  ",
        more_left: first > 0,
        more_right: last + 1 < labels.len(),
    };
    let mut first = 0;
    while first < selected && window(first, selected).width() > width {
        first += 1;
    }
    let mut last = selected;
    while last + 1 < labels.len() && window(first, last + 1).width() <= width {
        last += 1;
    }
    window(first, last)
}

/// Key hints ("r reply", "Esc back") joined by " · ", whole hints only, as many as fit in
/// `width`; the `last` hint (where to find all keys) is kept when any fit. Hints whose key is
/// unbound (empty) are left out.
pub fn hints(parts: &[(String, &str)], last: Option<(String, &str)>, width: usize) -> String {
    let text = |(k, what): &(String, &str)| format!("{k} {what}");
    let tail = last.filter(|(k, _)| !k.is_empty()).map(|p| text(&p));
    let budget = width.saturating_sub(tail.as_ref().map_or(0, |t| t.width() + 3));
    let mut out = String::new();
    for p in parts.iter().filter(|(k, _)| !k.is_empty()) {
        let t = text(p);
        let extra = if out.is_empty() { 0 } else { 3 } + t.width();
        if out.width() + extra > budget {
            break;
        }
        if !out.is_empty() {
            out.push_str(" · ");
        }
        out.push_str(&t);
    }
    match tail {
        Some(t) if out.is_empty() && t.width() <= width => t,
        Some(t) if !out.is_empty() => format!("{out} · {t}"),
        _ => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEWS: [(&str, u64); 8] = [
        ("Needs reply", 12),
        ("Overdue", 3),
        ("Due today", 2),
        ("Answered", 1234),
        ("Not customers", 5),
        ("All", 15234),
        ("Snoozed", 1),
        ("Older", 9),
    ];

    #[test]
    fn counts_shorten() {
        for (n, want) in [
            (0, "0"),
            (999, "999"),
            (1_000, "1k"),
            (1_234, "1.2k"),
            (9_999, "9.9k"),
            (15_234, "15k"),
            (999_999, "999k"),
            (1_250_000, "1.2M"),
            (12_000_000, "12M"),
        ] {
            assert_eq!(short_count(n), want, "{n}");
        }
    }

    #[test]
    fn tab_names_stay_whole_at_every_width() {
        // (tabs shown, selected, width, scrolled?)
        for (n, sel, width, scrolls) in [
            (6, 0, 120, false),
            (6, 0, 100, false),
            (6, 5, 80, false),
            (8, 0, 100, false),
            (8, 0, 80, true),
            (8, 7, 80, true),
            (8, 4, 60, true),
            (8, 7, 40, true),
            (6, 3, 30, true),
        ] {
            let views = &VIEWS[..n];
            let t = tabs(views, sel, width);
            assert!(t.width() <= width, "{n} tabs at {width}: {t:?}");
            assert_eq!(
                t.more_left || t.more_right,
                scrolls,
                "{n} at {width}: {t:?}"
            );
            assert!(t.first <= sel && sel < t.first + t.labels.len(), "{t:?}");
            for (i, l) in t.labels.iter().enumerate() {
                let name = views[t.first + i].0;
                assert!(l.contains(name), "{name} whole in {l:?} at {width}");
            }
        }
        // Wide: exact counts.
        assert!(tabs(&VIEWS[..6], 0, 200).labels[5].contains("15234"));
        assert!(tabs(&VIEWS[..6], 0, 96).labels[5].contains("15k"));
        assert!(tabs(&VIEWS[..6], 0, 98).labels[5].contains("15234"));
    }

    #[test]
    fn hints_are_whole_and_keep_the_help_hint() {
        let parts = [
            ("r".to_string(), "reply"),
            ("Esc".to_string(), "back"),
            (String::new(), "unbound"),
            ("c".to_string(), "customer"),
        ];
        let help = || Some(("?".to_string(), "all keys"));
        assert_eq!(
            hints(&parts, help(), 80),
            "r reply · Esc back · c customer · ? all keys"
        );
        assert_eq!(hints(&parts, help(), 31), "r reply · Esc back · ? all keys");
        assert_eq!(hints(&parts, help(), 30), "r reply · ? all keys");
        assert_eq!(hints(&parts, help(), 12), "? all keys");
        assert_eq!(hints(&parts, help(), 5), "");
        assert_eq!(hints(&parts, None, 8), "r reply");
    }
}
