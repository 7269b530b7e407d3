//! Formules françaises (vouvoiement).
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "fr",
    name: "Français",
    locale: chrono::Locale::fr_FR,
    by_today: "d'ici ce soir",
    by_tomorrow: "d'ici demain soir",
    by_weekday: "d'ici {weekday} soir",
    by_date: "d'ici le {date}",
    date: "%-d %B",
    day: "%A %-d %B",
    late_slow: "Veuillez excuser ma réponse tardive. ",
    late_long: "Pardon de vous avoir fait attendre si longtemps. ",
    and: "et",
    wrote: "Le {date} à {time}, {name} a écrit :",
    wrote_date: "%A %-d %B %Y",
    from: "{owner} de {shop}",
};
