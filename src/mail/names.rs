//! Guessing a customer's name from a display name and address, for `{first_name}` in replies.
//!
//! A wrong guess is worse than none ("Hi Support," or "Hi J.," reads as a form letter), so
//! every rule here prefers to give up: templates then use their fallback (`{first_name|there}`)
//! and the owner can correct a customer's name once in the store.
//!
//! Decisions, in order:
//! - The display name is cleaned (controls, quotes, emoji, bracketed notes such as
//!   "(ACME)" and "… via Etsy" / "… from ACME" / "… | Shop" tails are removed).
//! - Company and role names give no name: any word like Support, Team, Service, Info, noreply,
//!   Ceramics, Supplies (trade words also rule out local parts like "birdsong.kitchen"),
//!   Shop, GmbH, Inc; a domain-like word ("Amazon.de"); a known brand ("PayPal"); a camel-cased
//!   single word ("eBay"); a short all-caps single word ("DHL"); couples and firms with "&".
//! - Titles (Dr, Mr, Mrs, Ms, Prof, Herr, Frau, …) and suffixes (Jr, PhD, …) are dropped.
//! - "Last, First" is turned around.
//! - A first word that is an initial ("J. Smith") or has digits is not a first name.
//! - Shouted or all-lower-case names are title-cased, keeping the shapes of McDonald, O'Brien
//!   and Jean-Luc and lower-case particles (van, de, …) inside a name; mixed case is kept as
//!   written (the customer knows how to spell their name).
//! - A display name that is just the local part in lower case ("anna" <anna@…>) is a name
//!   typed in lower case when it reads like one, and is capitalised ("Anna"); user-name shapes
//!   such as "jsmith" are not.
//! - A display name made only of invisible characters (zero-width, word joiner, BOM, tag
//!   characters, Hangul fillers, noncharacters) is empty after cleaning: the address is used.
//! - Without a usable display name (or when it is just the address) the local part is used,
//!   but only when it clearly is a name: two or more alphabetic words joined by `.` or `_`
//!   ("john.smith" → John, "jane_doe" → Jane). "info", "j.smith" (initial) and "john1987"
//!   (one word: could be anything) give no name.

use super::sanitize;

/// A best-effort split of a person's name. All `None` for companies and roles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PersonName {
    pub first: Option<String>,
    pub last: Option<String>,
    /// First and last name in natural order ("John Smith" for "Smith, John").
    pub full: Option<String>,
}

/// Guess a person's name from a message's display name and address.
pub fn person_name(display_name: Option<&str>, addr: &str) -> PersonName {
    let local = local_part(addr);
    let display = display_name.map(sanitize::line).unwrap_or_default();
    let display = strip_wrapping(&display);
    let single_word = !display.contains(char::is_whitespace);
    let looks_like_address = single_word && display.contains('@');
    // Clients fill in the local part when the user set no name ("jsmith"); a name the user
    // typed has capitals ("Anna").
    let is_username = single_word && !local.is_empty() && display == local;

    if is_username && plausible_given_name(display) {
        // "anna" <anna@example.com>: a person who typed their name in lower case.
        let first = tidy_case(display, true);
        return PersonName {
            first: Some(first.clone()),
            last: None,
            full: Some(first),
        };
    }
    if display.is_empty() || looks_like_address || is_username {
        return from_local_part(&local);
    }
    match from_display(display) {
        Guess::Company => PersonName::default(),
        Guess::Person(mut name) => {
            if name.first.is_none() {
                // "J. Smith": the address may still tell us who J. is, if it names the same person.
                let from_addr = from_local_part(&local);
                let same_last = match (&name.last, &from_addr.last) {
                    (Some(a), Some(b)) => a.to_lowercase() == b.to_lowercase(),
                    _ => name.last.is_none(),
                };
                if same_last {
                    name.first = from_addr.first;
                }
            }
            name
        }
    }
}

/// A single lower-case word that reads as a given name rather than a user name: letters only,
/// 3 to 12 of them, no role or brand word, and not the "initial + surname" shape of user
/// names ("jsmith", "kmueller": two consonants at the start that no name starts with).
fn plausible_given_name(w: &str) -> bool {
    let n = w.chars().count();
    if !(3..=12).contains(&n)
        || !w.chars().all(|c| c.is_alphabetic() && !c.is_uppercase())
        || is_role_word(w)
        || is_brand(w)
    {
        return false;
    }
    let vowel = |c: char| "aeiouyàáâäãåæèéêëìíîïòóôöõøùúûüý".contains(c);
    let mut chars = w.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if !vowel(a) && !vowel(b) => a == 's' || "hrlw".contains(b),
        (Some(_), Some(_)) => w.chars().any(vowel),
        _ => false,
    }
}

/// The first name to greet someone with, or `None` to use a template's fallback.
pub fn first_name(display_name: Option<&str>, addr: &str) -> Option<String> {
    person_name(display_name, addr).first
}

/// The first name replies greet someone with: the owner's correction wins over the guess from
/// the display name or address. It lives here, beside the guess, so that the store's types and
/// its queries both call down into `mail` instead of into each other.
pub fn greeting_name(
    corrected: Option<String>,
    display_name: Option<&str>,
    addr: &str,
) -> Option<String> {
    corrected
        .filter(|n| !n.trim().is_empty())
        .or_else(|| first_name(display_name, addr))
}

enum Guess {
    Company,
    Person(PersonName),
}

fn from_display(display: &str) -> Guess {
    let lower = display.to_lowercase();
    if display.contains('&') || display.contains('+') || has_word(&lower, &["and", "und"]) {
        return Guess::Company;
    }
    let display = cut_tail(&remove_bracketed(display));
    if display.split_whitespace().any(is_domain_like) {
        return Guess::Company;
    }

    // Clean every character that cannot be part of a name, keeping word punctuation.
    let cleaned: String = display
        .chars()
        .map(|c| {
            if c.is_alphabetic()
                || c.is_ascii_digit()
                || is_mark(c)
                || matches!(c, '-' | '\'' | '’' | '.' | ',')
            {
                c
            } else {
                ' '
            }
        })
        .collect();

    let words: Vec<String> = cleaned
        .split([' ', ','])
        .map(|w| w.trim_matches(['-', '\'', '’']).to_string())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Guess::Person(PersonName::default());
    }
    if words.iter().any(|w| is_role_word(w)) {
        return Guess::Company;
    }
    if let [only] = words.as_slice() {
        if is_brand_like(only) {
            return Guess::Company;
        }
    }

    // "Last, First" (but not "John Smith, PhD").
    let mut parts = cleaned.split(',').map(str::trim).filter(|p| !p.is_empty());
    let before = parts.next().unwrap_or("");
    let after = parts.next();
    let (given, family): (Vec<String>, Vec<String>) = match after {
        Some(after) if !tokens(after).is_empty() => {
            let family = tokens(before);
            let given = tokens(after);
            if family.is_empty() {
                (given, Vec::new())
            } else {
                (given, family)
            }
        }
        _ => {
            let mut all = tokens(before);
            if all.len() >= 2 {
                // The family name is the last word plus any particles before it ("van Beethoven").
                let mut split = all.len() - 1;
                while split > 1 && all.get(split - 1).is_some_and(|w| is_particle(w)) {
                    split -= 1;
                }
                let family = all.split_off(split);
                (all, family)
            } else {
                (all, Vec::new())
            }
        }
    };

    let given: Vec<String> = given
        .iter()
        .enumerate()
        .map(|(i, w)| tidy_case(w, i == 0))
        .collect();
    let family: Vec<String> = family.iter().map(|w| tidy_case(w, false)).collect();
    let first = given.first().filter(|w| is_name_word(w)).cloned();
    let last = (!family.is_empty()).then(|| family.join(" "));
    let full_words: Vec<&str> = given
        .iter()
        .chain(family.iter())
        .map(String::as_str)
        .collect();
    let full = (!full_words.is_empty()).then(|| full_words.join(" "));
    Guess::Person(PersonName { first, last, full })
}

/// Words of a name: titles and suffixes dropped, initials kept (with their dot) for `full`.
fn tokens(s: &str) -> Vec<String> {
    let mut words: Vec<String> = s
        .split_whitespace()
        .map(|w| w.trim_matches(['-', '\'', '’']))
        .filter(|w| !w.is_empty() && *w != ".")
        .map(str::to_string)
        .collect();
    let titles = words.iter().take_while(|w| is_title(w)).count();
    words.drain(..titles);
    while words.len() > 1 && words.last().is_some_and(|w| is_suffix(w)) {
        words.pop();
    }
    if let [only] = words.as_slice() {
        if is_suffix(only) {
            words.clear();
        }
    }
    words
}

fn from_local_part(local: &str) -> PersonName {
    let local = local.split('+').next().unwrap_or("");
    let words: Vec<&str> = local.split(['.', '_']).filter(|w| !w.is_empty()).collect();
    if words.len() < 2 {
        return PersonName::default();
    }
    let (last_raw, rest) = match words.split_last() {
        Some(split) => split,
        None => return PersonName::default(),
    };
    // Allow "john.smith87": trailing digits on the last word only.
    let last_word = last_raw.trim_end_matches(|c: char| c.is_ascii_digit());
    let alphabetic = |w: &str| w.chars().count() >= 2 && w.chars().all(char::is_alphabetic);
    if !rest.iter().all(|w| alphabetic(w))
        || !alphabetic(last_word)
        || words.iter().any(|w| is_role_word(w) || is_brand(w))
    {
        return PersonName::default();
    }
    let Some(first) = rest.first() else {
        return PersonName::default();
    };
    let first = tidy_case(first, true);
    let last = tidy_case(last_word, false);
    PersonName {
        full: Some(format!("{first} {last}")),
        first: Some(first),
        last: Some(last),
    }
}

fn local_part(addr: &str) -> String {
    let addr = addr.trim();
    addr.rsplit_once('@')
        .map(|(l, _)| l)
        .unwrap_or(addr)
        .trim_matches('"')
        .to_lowercase()
}

/// Remove quotes and brackets wrapping the whole name: `"Smith, John"`, `'Jane'`, `<Jane>`.
fn strip_wrapping(s: &str) -> &str {
    let mut s = s.trim();
    loop {
        let stripped = s
            .strip_prefix('"')
            .and_then(|r| r.strip_suffix('"'))
            .or_else(|| s.strip_prefix('\'').and_then(|r| r.strip_suffix('\'')))
            .or_else(|| s.strip_prefix('“').and_then(|r| r.strip_suffix('”')))
            .or_else(|| s.strip_prefix('<').and_then(|r| r.strip_suffix('>')));
        match stripped {
            Some(inner) => s = inner.trim(),
            None => return s,
        }
    }
}

/// Drop "(…)" and "[…]" notes: "John Smith (ACME)" → "John Smith".
fn remove_bracketed(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// "Sarah from Klaviyo", "John via Etsy", "Anna | Shop", "Tom - ACME" → the person part.
fn cut_tail(s: &str) -> String {
    const SEPARATORS: &[&str] = &[
        " via ", " from ", " at ", " von ", " | ", " - ", " – ", " — ", " @ ",
    ];
    // ASCII lower-casing keeps byte offsets valid for `s`; the separators are ASCII.
    let lower = s.to_ascii_lowercase();
    let cut = SEPARATORS
        .iter()
        .filter_map(|sep| lower.find(sep))
        .min()
        .filter(|&i| i > 0 && s.is_char_boundary(i));
    match cut {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    }
}

fn has_word(lower: &str, words: &[&str]) -> bool {
    lower.split_whitespace().any(|w| words.contains(&w))
}

/// "Amazon.de", "shop.example.com": a word with a dot inside and a 2+ letter ending.
fn is_domain_like(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',']);
    let mut labels = word.split('.');
    let first = labels.next().unwrap_or("");
    let rest: Vec<&str> = labels.collect();
    first.chars().count() >= 2
        && !rest.is_empty()
        && rest.iter().all(|l| !l.is_empty())
        && rest
            .last()
            .is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(char::is_alphabetic))
}

fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{fe20}'..='\u{fe2f}')
}

/// A word usable as a first name: at least two letters, no digits, not an initial ("J.",
/// "J.S").
fn is_name_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !w.chars().any(|c| c.is_ascii_digit()) && !w.contains('.')
}

fn key(w: &str) -> String {
    w.trim_end_matches('.').to_lowercase()
}

fn is_title(w: &str) -> bool {
    const TITLES: &[&str] = &[
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "professor",
        "sir",
        "dame",
        "lady",
        "lord",
        "herr",
        "frau",
        "fr",
        "hr",
        "mme",
        "mlle",
        "monsieur",
        "madame",
        "sr",
        "sra",
        "srta",
        "señor",
        "señora",
        "dott",
        "dottssa",
        "ing",
        "dipl",
        "mag",
        "rev",
        "dr-ing",
        "drs",
        "mevr",
        "dhr",
        "pan",
        "pani",
    ];
    TITLES.contains(&key(w).as_str())
}

fn is_suffix(w: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "jr", "sr", "ii", "iii", "iv", "phd", "md", "esq", "mba", "msc", "bsc", "dds", "cpa",
    ];
    SUFFIXES.contains(&key(w).as_str())
}

fn is_particle(w: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "van", "von", "der", "den", "de", "da", "di", "du", "la", "le", "del", "della", "dos",
        "das", "do", "ten", "ter", "zu", "bin", "al", "el", "st",
    ];
    PARTICLES.contains(&key(w).as_str())
}

/// Words that mark a company, team, role or robot rather than a person.
fn is_role_word(w: &str) -> bool {
    const ROLES: &[&str] = &[
        // roles and departments
        "support",
        "team",
        "service",
        "services",
        "customer",
        "customers",
        "care",
        "info",
        "information",
        "noreply",
        "no-reply",
        "donotreply",
        "do-not-reply",
        "no_reply",
        "reply",
        "sales",
        "shop",
        "store",
        "admin",
        "administrator",
        "billing",
        "accounts",
        "accounting",
        "orders",
        "order",
        "newsletter",
        "news",
        "marketing",
        "notification",
        "notifications",
        "alerts",
        "help",
        "helpdesk",
        "contact",
        "office",
        "hello",
        "hi",
        "mail",
        "mailer",
        "daemon",
        "mailer-daemon",
        "postmaster",
        "webmaster",
        "hostmaster",
        "delivery",
        "shipping",
        "returns",
        "refunds",
        "payments",
        "invoice",
        "invoices",
        "receipts",
        "updates",
        "community",
        "partners",
        "partnerships",
        "press",
        "media",
        "jobs",
        "careers",
        "hr",
        "department",
        "dept",
        "desk",
        "center",
        "centre",
        "online",
        "official",
        "system",
        "robot",
        "bot",
        "automated",
        "security",
        "verification",
        "account",
        "feedback",
        "reviews",
        "review",
        "survey",
        "digest",
        "bulletin",
        "concierge",
        "agency",
        "studio",
        "marketplace",
        "seller",
        "vendor",
        "wholesale",
        "logistics",
        "warehouse",
        "fulfillment",
        // trades: shop names are "<Name> Ceramics", "<Name> Supplies", "<word>.kitchen@"
        "ceramics",
        "pottery",
        "supplies",
        "supply",
        "design",
        "designs",
        "crafts",
        "goods",
        "home",
        "kitchen",
        "coffee",
        "cafe",
        "café",
        "bakery",
        "interiors",
        "apparel",
        "clothing",
        "fashion",
        "jewelry",
        "jewellery",
        "market",
        "trading",
        "collective",
        "works",
        "workshop",
        "atelier",
        "manufaktur",
        "handel",
        "verlag",
        "consulting",
        "digital",
        "creative",
        "creatives",
        "print",
        "prints",
        "books",
        "tours",
        "travel",
        // German, French, Spanish, Italian, Dutch
        "kundenservice",
        "kundendienst",
        "kundensupport",
        "versand",
        "bestellung",
        "bestellungen",
        "buchhaltung",
        "rechnung",
        "vertrieb",
        "verkauf",
        "zentrale",
        "büro",
        "abteilung",
        "kontakt",
        "anfrage",
        "anfragen",
        "redaktion",
        "service-client",
        "client",
        "clients",
        "équipe",
        "equipe",
        "boutique",
        "commandes",
        "soporte",
        "equipo",
        "ventas",
        "tienda",
        "pedidos",
        "assistenza",
        "ordini",
        "klantenservice",
        "bestellingen",
        // company forms
        "inc",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "kg",
        "ug",
        "gbr",
        "ohg",
        "mbh",
        "sarl",
        "sas",
        "sa",
        "srl",
        "spa",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "company",
        "co",
        "group",
        "holding",
        "holdings",
        "international",
        "solutions",
        "technologies",
        "labs",
        "e.k",
        "e.v",
    ];
    ROLES.contains(&key(w).as_str())
}

/// Platforms and carriers whose mail reaches every shop.
fn is_brand(w: &str) -> bool {
    const BRANDS: &[&str] = &[
        "paypal",
        "amazon",
        "ebay",
        "etsy",
        "shopify",
        "stripe",
        "klarna",
        "dhl",
        "ups",
        "fedex",
        "dpd",
        "gls",
        "hermes",
        "usps",
        "royalmail",
        "google",
        "apple",
        "microsoft",
        "facebook",
        "meta",
        "instagram",
        "linkedin",
        "tiktok",
        "pinterest",
        "zalando",
        "otto",
        "mailchimp",
        "klaviyo",
        "woocommerce",
        "wix",
        "squarespace",
        "trustpilot",
        "sendcloud",
        "postnl",
        "colissimo",
        "correos",
        "poste",
    ];
    BRANDS.contains(&key(w).as_str())
}

/// A single word that is a brand rather than a name: known brands, inner capitals that are
/// not a Mc/Mac/O' name ("PayPal", "eBay"), short all-caps words ("DHL", "UPS").
fn is_brand_like(w: &str) -> bool {
    if is_brand(w) {
        return true;
    }
    let letters: Vec<char> = w.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = letters.iter().filter(|c| c.is_uppercase()).count();
    let lower = letters.iter().filter(|c| c.is_lowercase()).count();
    if lower == 0 && upper > 0 && upper <= 3 && !w.contains('.') {
        return true;
    }
    let inner_capital = w
        .char_indices()
        .skip(1)
        .any(|(i, c)| c.is_uppercase() && !name_prefix_before(w, i));
    lower > 0 && inner_capital
}

/// True when the capital at byte `i` follows Mc, Mac, O', D', or a hyphen (Jean-Luc).
fn name_prefix_before(w: &str, i: usize) -> bool {
    let before = &w[..i];
    before == "Mc" || before == "Mac" || before.ends_with(['-', '\'', '’'])
}

/// Title-case a shouted or all-lower-case word; keep mixed case as written.
fn tidy_case(w: &str, is_first: bool) -> String {
    let has_upper = w.chars().any(char::is_uppercase);
    let has_lower = w.chars().any(char::is_lowercase);
    if has_upper && has_lower {
        return w.to_string();
    }
    if !is_first && is_particle(w) {
        return w.to_lowercase();
    }
    let mut out = String::with_capacity(w.len());
    let mut segment = String::new();
    for c in w.chars() {
        if matches!(c, '-' | '\'' | '’') {
            out.push_str(&capitalize_segment(&segment));
            out.push(c);
            segment.clear();
        } else {
            segment.push(c);
        }
    }
    out.push_str(&capitalize_segment(&segment));
    out
}

fn capitalize_segment(s: &str) -> String {
    let lower = s.to_lowercase();
    let mut chars = lower.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let rest: String = chars.collect();
    // McDonald: a Mc prefix capitalizes the next letter too.
    if first == 'm' && rest.starts_with('c') && rest.chars().count() > 2 {
        let mut tail = rest.chars().skip(1);
        let second = tail
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        return format!("Mc{second}{}", tail.collect::<String>());
    }
    format!("{}{rest}", first.to_uppercase())
}

#[cfg(test)]
#[path = "names_tests.rs"]
mod tests;
