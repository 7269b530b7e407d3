//! The words shopinbox writes into a reply itself, per language: the promised time
//! (`{reply_by}`), the date (`{today}`, `{follow_up}`), the late apology and the "and" that
//! joins order numbers. Day and month names come from chrono's locale data; the phrases are the
//! project's own, one small file per language.
//!
//! Adding a language: copy `en.rs` to `xx.rs`, translate every phrase (keep `{weekday}` and
//! `{date}`), add a [`Language`] variant, list it in [`Language::ALL`], [`Language::phrases`]
//! and [`to_whatlang`], and run `cargo test template::lang` — the tables check that every phrase
//! renders in the new language.
//!
//! Everything here is pure: instants and the calendar go in, text comes out.

mod de;
mod en;
mod es;
mod fr;
mod it;
mod nl;

use chrono::{DateTime, Duration, Utc};

use crate::deadline::Calendar;

/// A language templates can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub enum Language {
    #[default]
    English,
    German,
    French,
    Spanish,
    Italian,
    Dutch,
}

/// The fixed words of one language. `by_weekday` holds `{weekday}`, `by_date` holds `{date}`;
/// `date` and `day` are chrono format strings rendered with `locale`.
#[derive(Debug, Clone, Copy)]
pub struct Phrases {
    /// ISO 639-1 code, as written in a template's `language:` header.
    pub code: &'static str,
    /// The language's own name.
    pub name: &'static str,
    pub locale: chrono::Locale,
    /// A promise due before today's close.
    pub by_today: &'static str,
    /// A promise due by tomorrow's close.
    pub by_tomorrow: &'static str,
    /// A promise due within the next week: "by the end of {weekday}".
    pub by_weekday: &'static str,
    /// A promise further away: "by {date}".
    pub by_date: &'static str,
    /// A day of the month with its month ("1 December").
    pub date: &'static str,
    /// A full day ("Tuesday 1 December").
    pub day: &'static str,
    /// Opens a reply sent after its deadline, up to 20 hours late. Ends with a space.
    pub late_slow: &'static str,
    /// Opens a reply sent 20 hours or more after its deadline. Ends with a space.
    pub late_long: &'static str,
    /// The word that joins the last two items of a list.
    pub and: &'static str,
    /// The line above the quoted message, with `{date}`, `{time}` and `{name}`.
    pub wrote: &'static str,
    /// The date in that line (chrono format).
    pub wrote_date: &'static str,
    /// The display name of replies when the owner set none: "{owner} from {shop}".
    pub from: &'static str,
}

impl Language {
    pub const ALL: [Language; 6] = [
        Language::English,
        Language::German,
        Language::French,
        Language::Spanish,
        Language::Italian,
        Language::Dutch,
    ];

    pub fn phrases(self) -> &'static Phrases {
        match self {
            Language::English => &en::PHRASES,
            Language::German => &de::PHRASES,
            Language::French => &fr::PHRASES,
            Language::Spanish => &es::PHRASES,
            Language::Italian => &it::PHRASES,
            Language::Dutch => &nl::PHRASES,
        }
    }

    /// "en", "de", … as written in a template header.
    pub fn code(self) -> &'static str {
        self.phrases().code
    }

    /// The name replies come from in this language: "Anna von Töpferei Lind"; either name
    /// alone when the other is empty.
    pub fn from_name(self, owner: &str, shop: &str) -> String {
        match (owner.trim(), shop.trim()) {
            ("", "") => String::new(),
            (o, "") => o.to_string(),
            ("", s) => s.to_string(),
            (o, s) => self
                .phrases()
                .from
                .replace("{owner}", o)
                .replace("{shop}", s),
        }
    }

    /// Reads a `language:` header value: a code ("de", "de-AT", "de_CH") or the English or own
    /// name of the language ("German", "Deutsch"), ignoring case.
    pub fn parse(s: &str) -> Option<Language> {
        let s = s.trim().to_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        Language::ALL.into_iter().find(|l| {
            let p = l.phrases();
            primary == p.code || s == p.name.to_lowercase() || s == format!("{l:?}").to_lowercase()
        })
    }

    /// The codes this build knows, for error messages: "en, de, fr, es, it, nl".
    pub fn known_codes() -> String {
        Language::ALL.map(Language::code).join(", ")
    }

    /// The promise "by the end of Friday" for an instant `due` seen from `now`, in the shop's
    /// calendar: today, tomorrow, a weekday within the next six days, else a date.
    pub fn reply_by(self, due: DateTime<Utc>, now: DateTime<Utc>, cal: &Calendar) -> String {
        let p = self.phrases();
        let due_date = cal.local_date(due);
        match (due_date - cal.local_date(now)).num_days() {
            i64::MIN..=0 => p.by_today.to_string(),
            1 => p.by_tomorrow.to_string(),
            2..=6 => p.by_weekday.replace(
                "{weekday}",
                &due_date.format_localized("%A", p.locale).to_string(),
            ),
            _ => p.by_date.replace(
                "{date}",
                &due_date.format_localized(p.date, p.locale).to_string(),
            ),
        }
    }

    /// The day of an instant in the shop's zone: "Tuesday 1 December", "Dienstag, 1. Dezember".
    pub fn day(self, at: DateTime<Utc>, cal: &Calendar) -> String {
        let p = self.phrases();
        cal.local_date(at)
            .format_localized(p.day, p.locale)
            .to_string()
    }

    /// The apology that opens a late reply, graded by how late it is in business time;
    /// `None` when on time (see [`lateness`]).
    pub fn late_apology(
        self,
        due_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
        cal: &Calendar,
    ) -> Option<String> {
        let p = self.phrases();
        match lateness(due_at, now, cal) {
            Lateness::OnTime => None,
            Lateness::Slow => Some(p.late_slow.to_string()),
            Lateness::Long => Some(p.late_long.to_string()),
        }
    }

    /// The line above the quoted customer message: "On Tue 24 Nov 2026 at 10:07, Jane wrote:",
    /// "Am Dienstag, 24. November 2026 um 10:07 schrieb Jane:".
    pub fn attribution<Tz: chrono::TimeZone>(self, when: DateTime<Tz>, name: &str) -> String
    where
        Tz::Offset: std::fmt::Display,
    {
        let p = self.phrases();
        p.wrote
            .replace(
                "{date}",
                &when.format_localized(p.wrote_date, p.locale).to_string(),
            )
            .replace("{time}", &when.format("%H:%M").to_string())
            .replace("{name}", name)
    }

    /// "#1047", "#1047 and #1048", "#1, #2 and #3" in this language.
    pub fn join(self, items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} {} {last}", init.join(", "), self.phrases().and),
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// How late a reply is against the customer's deadline, in business time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lateness {
    /// Before the deadline, or after it while the shop was closed (and the grace after it
    /// opened again: [`crate::deadline::late_after`]).
    OnTime,
    /// Late by less than one business day (the opening hours of a day).
    Slow,
    /// Late by a whole business day or more.
    Long,
}

/// How late a reply at `now` is for a message due at `due_at` (`None`: nothing is due),
/// counted in business time: an answer before the shop reopens is not late.
pub fn lateness(due_at: Option<DateTime<Utc>>, now: DateTime<Utc>, cal: &Calendar) -> Lateness {
    let Some(late) = due_at.and_then(|due| crate::deadline::business_lateness(due, now, cal))
    else {
        return Lateness::OnTime;
    };
    let day = (cal.close - cal.open).max(Duration::minutes(1));
    if late < day {
        Lateness::Slow
    } else {
        Lateness::Long
    }
}

fn to_whatlang(l: Language) -> whatlang::Lang {
    match l {
        Language::English => whatlang::Lang::Eng,
        Language::German => whatlang::Lang::Deu,
        Language::French => whatlang::Lang::Fra,
        Language::Spanish => whatlang::Lang::Spa,
        Language::Italian => whatlang::Lang::Ita,
        Language::Dutch => whatlang::Lang::Nld,
    }
}

/// The language a customer wrote in, among the ones templates can be written in; `None` when
/// the text is too short or too mixed to tell with confidence.
pub fn detect(text: &str) -> Option<Language> {
    let text = strip_quotes(text);
    let detector =
        whatlang::Detector::with_allowlist(Language::ALL.into_iter().map(to_whatlang).collect());
    let info = detector.detect(&text)?;
    if info.confidence() < 0.5 {
        return None;
    }
    Language::ALL
        .into_iter()
        .find(|l| to_whatlang(*l) == info.lang())
}

/// Fewer words than this cannot be placed reliably: "Thanks, Tom" reads as German as easily
/// as English.
const MIN_WORDS: usize = 5;

/// The language the reply picker opens in: the language `text` (the customer's newest mail)
/// is written in when it is long enough to tell; else the language of the customer's earlier
/// mail (`earlier`, newest first); else the shop's default language. Never the file order.
pub fn reply_language<'a>(
    text: &'a str,
    earlier: impl IntoIterator<Item = &'a str>,
    shop: Language,
) -> Language {
    let placeable = |t: &str| {
        strip_quotes(t)
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count()
            >= MIN_WORDS
    };
    std::iter::once(text)
        .chain(earlier)
        .filter(|t| placeable(t))
        .find_map(detect)
        .unwrap_or(shop)
}

/// The customer's own words: quoted lines ("> …") and everything after a quote header
/// ("On … wrote:") are someone else's text.
fn strip_quotes(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('>') {
            continue;
        }
        let lower = t.to_lowercase();
        if t.starts_with("-----") || (lower.ends_with("wrote:") || lower.ends_with("schrieb:")) {
            break;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests;
