//! Frases en español (de usted).
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "es",
    name: "Español",
    locale: chrono::Locale::es_ES,
    by_today: "antes de que acabe el día",
    by_tomorrow: "mañana como muy tarde",
    by_weekday: "el {weekday} como muy tarde",
    by_date: "el {date} como muy tarde",
    date: "%-d de %B",
    day: "%A %-d de %B",
    late_slow: "Disculpe la demora en responder. ",
    late_long: "Siento mucho haberle hecho esperar tanto. ",
    and: "y",
    wrote: "El {date}, a las {time}, {name} escribió:",
    wrote_date: "%A %-d de %B de %Y",
    from: "{owner} de {shop}",
};
