//! Deutsche Formulierungen (Anrede mit „Sie“).
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "de",
    name: "Deutsch",
    locale: chrono::Locale::de_DE,
    by_today: "bis heute Abend",
    by_tomorrow: "bis morgen Abend",
    by_weekday: "bis spätestens {weekday}",
    by_date: "bis spätestens zum {date}",
    date: "%-d. %B",
    day: "%A, %-d. %B",
    late_slow: "Entschuldigen Sie bitte die späte Antwort. ",
    late_long: "Es tut mir leid, dass Sie so lange auf meine Antwort warten mussten. ",
    and: "und",
    wrote: "Am {date} um {time} schrieb {name}:",
    wrote_date: "%A, %-d. %B %Y",
    from: "{owner} von {shop}",
};
