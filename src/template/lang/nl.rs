//! Nederlandse zinnen (met u).
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "nl",
    name: "Nederlands",
    locale: chrono::Locale::nl_NL,
    by_today: "vandaag nog",
    by_tomorrow: "uiterlijk morgen",
    by_weekday: "uiterlijk {weekday}",
    by_date: "uiterlijk {date}",
    date: "%-d %B",
    day: "%A %-d %B",
    late_slow: "Excuses voor mijn late antwoord. ",
    late_long: "Het spijt me dat u zo lang op mijn antwoord hebt moeten wachten. ",
    and: "en",
    wrote: "Op {date} om {time} schreef {name}:",
    wrote_date: "%A %-d %B %Y",
    from: "{owner} van {shop}",
};
