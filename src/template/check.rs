//! Checks on rendered reply text that catch what embarrasses a shop: an English word in a
//! reply that should be in another language, and two apologies where one would do. Pure; the
//! starter templates are tested with them against every demo conversation.

use super::lang::Language;

/// English words that do not occur in the other languages' replies. Month names that German
/// spells the same (April, August, September, November) are left out.
const ENGLISH_MARKERS: &[&str] = &[
    "the",
    "and",
    "your",
    "you",
    "please",
    "thanks",
    "thank",
    "sorry",
    "order",
    "orders",
    "by",
    "with",
    "hi",
    "dear",
    "best",
    "regards",
    "today",
    "tomorrow",
    "end",
    "of",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "may",
    "june",
    "july",
    "october",
    "december",
    "package",
    "refund",
    "shipping",
];

/// The English marker words found in `text`, each once, in order of appearance.
pub fn english_words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
    {
        if ENGLISH_MARKERS.contains(&word.as_str()) && !found.contains(&word) {
            found.push(word);
        }
    }
    found
}

/// More English words, common in replies, that are no words of German, French, Spanish,
/// Italian or Dutch either, except where [`false_friends`] says so.
const MORE_ENGLISH_MARKERS: &[&str] = &[
    "our", "just", "here", "soon", "reply", "message", "days", "business", "anything", "will",
    "we", "is", "for", "us", "within", "what", "would", "again", "back", "email", "look", "into",
];

/// Marker words that are also ordinary words of `lang`, so they prove nothing there: Dutch
/// "of" (or), "is", "we", "best", "sorry" and "december"; German "will"; French "message";
/// Italian "email".
fn false_friends(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::English => &[],
        Language::German => &["will"],
        Language::French => &["message"],
        Language::Spanish => &[],
        Language::Italian => &["email"],
        Language::Dutch => &["of", "is", "we", "best", "sorry", "december"],
    }
}

/// The English words left in a reply written in `lang`, each once, in order of appearance:
/// the markers of [`english_words`] and a few more, less the words `lang` shares with English.
/// Nothing for an English reply.
pub fn leftover_english(text: &str, lang: Language) -> Vec<String> {
    if lang == Language::English {
        return Vec::new();
    }
    let skip = false_friends(lang);
    let mut found: Vec<String> = Vec::new();
    for word in text
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(str::to_lowercase)
    {
        let english = ENGLISH_MARKERS.contains(&word.as_str())
            || MORE_ENGLISH_MARKERS.contains(&word.as_str());
        if english && !skip.contains(&word.as_str()) && !found.contains(&word) {
            found.push(word);
        }
    }
    found
}

/// Words (lower case, matched as a prefix of a word or a phrase) that make a sentence an
/// apology in each language.
fn apology_markers(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::English => &["sorry", "apolog", "forgive"],
        Language::German => &["entschuldig", "tut mir leid", "tut uns leid", "bedaure"],
        Language::French => &["désolé", "excuse", "pardon"],
        Language::Spanish => &["siento", "disculp", "perdón", "lament"],
        Language::Italian => &["scus", "dispiace"],
        Language::Dutch => &["excuses", "spijt", "sorry"],
    }
}

/// The sentences of `text` that apologize, in `lang`.
pub fn apologies(text: &str, lang: Language) -> Vec<String> {
    let markers = apology_markers(lang);
    text.split(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| {
            let lower = s.to_lowercase();
            markers.iter().any(|m| {
                lower.match_indices(m).any(|(i, _)| {
                    // A marker starts a word: "excuse" in "excuses", not in "unexcused".
                    lower[..i]
                        .chars()
                        .next_back()
                        .is_none_or(|c| !c.is_alphanumeric())
                })
            })
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_words_table() {
        for (text, want) in [
            ("Ich melde mich bis heute Abend wieder.", vec![]),
            (
                "Ich melde mich by the end of Friday wieder.",
                vec!["by", "the", "end", "of", "friday"],
            ),
            ("Heute ist Tuesday 1 December.", vec!["tuesday", "december"]),
            ("Bestellung #1047 und #1048, Code THANKYOU15", vec![]),
            ("Hallo Jane, vielen Dank!", vec![]),
            ("I am sorry, sorry", vec!["sorry"]),
        ] {
            assert_eq!(english_words(text), want, "{text}");
        }
    }

    #[test]
    fn leftover_english_knows_each_languages_own_words() {
        use Language::*;
        for (lang, text, want) in [
            (English, "Thanks for your order.", vec![]),
            (German, "Ich will Ihnen helfen.", vec![]),
            (German, "Ich melde mich soon wieder.", vec!["soon"]),
            (French, "Merci pour votre message.", vec![]),
            (French, "Merci for your message.", vec!["for", "your"]),
            (
                Spanish,
                "Le respondo by the end of Friday.",
                vec!["by", "the", "end", "of", "friday"],
            ),
            (Italian, "Basta rispondere a questa email.", vec![]),
            (
                Dutch,
                "Is het pakket op 1 december bezorgd of niet? Dan is het best.",
                vec![],
            ),
            (
                Dutch,
                "Hartelijk dank for your order.",
                vec!["for", "your", "order"],
            ),
        ] {
            assert_eq!(leftover_english(text, lang), want, "{lang:?}: {text}");
        }
    }

    #[test]
    fn apologies_table() {
        use Language::*;
        for (lang, text, want) in [
            (
                English,
                "I am truly sorry. I am sorry it took me so long to get back to you.",
                2,
            ),
            (
                English,
                "Thanks for your message. I am sorry for the slow reply.",
                1,
            ),
            (English, "Thank you for your patience.", 0),
            (
                German,
                "Entschuldigen Sie bitte die späte Antwort. Es tut mir leid, dass Ihr Paket fehlt.",
                2,
            ),
            (German, "Vielen Dank für Ihre Geduld.", 0),
            (French, "Veuillez excuser ma réponse tardive. Merci.", 1),
            (Spanish, "Disculpe la demora en responder.", 1),
            (Italian, "Mi scuso per il ritardo nella risposta.", 1),
            (Dutch, "Excuses voor mijn late antwoord.", 1),
        ] {
            assert_eq!(apologies(text, lang).len(), want, "{lang:?}: {text}");
        }
    }
}
