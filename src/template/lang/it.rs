//! Frasi in italiano (dando del lei).
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "it",
    name: "Italiano",
    locale: chrono::Locale::it_IT,
    by_today: "entro stasera",
    by_tomorrow: "entro domani sera",
    by_weekday: "entro {weekday} sera",
    by_date: "entro il {date}",
    date: "%-d %B",
    day: "%A %-d %B",
    late_slow: "Mi scuso per il ritardo nella risposta. ",
    late_long: "Mi dispiace davvero di averla fatta aspettare così a lungo. ",
    and: "e",
    wrote: "Il giorno {date} alle {time} {name} ha scritto:",
    wrote_date: "%A %-d %B %Y",
    from: "{owner} di {shop}",
};
