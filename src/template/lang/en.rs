//! English phrases.
use super::Phrases;

pub const PHRASES: Phrases = Phrases {
    code: "en",
    name: "English",
    locale: chrono::Locale::en_GB,
    by_today: "by the end of the day",
    by_tomorrow: "by the end of tomorrow",
    by_weekday: "by the end of {weekday}",
    by_date: "by {date}",
    date: "%-d %B",
    day: "%A %-d %B",
    late_slow: "I am sorry for the slow reply. ",
    late_long: "I am sorry it took me so long to get back to you. ",
    and: "and",
    wrote: "On {date} at {time}, {name} wrote:",
    wrote_date: "%a %-d %b %Y",
    from: "{owner} from {shop}",
};
