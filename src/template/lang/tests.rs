use super::*;
use crate::template::FollowUp;
use chrono::{NaiveDateTime, NaiveTime, TimeZone};

fn berlin() -> Calendar {
    Calendar::office_hours(
        chrono_tz::Europe::Berlin,
        NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        NaiveTime::from_hms_opt(17, 0, 0).unwrap(),
    )
}

/// A wall-clock time in Berlin as an instant.
fn local(s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    chrono_tz::Europe::Berlin
        .from_local_datetime(&naive)
        .unwrap()
        .with_timezone(&Utc)
}

/// What each language must say, in the order of [`cases`].
struct Expected {
    lang: Language,
    /// One promise per follow-up case.
    promises: [&'static str; 7],
    /// `{today}` on Friday 23 October 2026 and on Monday 26 October (after the clocks went back).
    days: [&'static str; 2],
    late: [Option<&'static str>; 4],
    join: [&'static str; 3],
}

/// Follow-up kinds promised at different moments around the end of summer time in Berlin
/// (Sunday 25 October 2026, 03:00 CEST → 02:00 CET).
fn cases() -> Vec<(&'static str, FollowUp)> {
    vec![
        // Friday morning before the change: today's close.
        ("2026-10-23 10:00", FollowUp::EndOfDay),
        // Thursday: the next business day is tomorrow.
        ("2026-10-22 10:00", FollowUp::BusinessDays(1)),
        // Friday: the next business day is Monday, across the change.
        ("2026-10-23 10:00", FollowUp::BusinessDays(1)),
        // Friday: two business days is Tuesday.
        ("2026-10-23 10:00", FollowUp::BusinessDays(2)),
        // Friday: five business days is a week later, written as a date.
        ("2026-10-23 10:00", FollowUp::BusinessDays(5)),
        // Saturday night, 3 hours: past midnight, in the night the clocks go back.
        ("2026-10-24 23:30", FollowUp::Hours(3)),
        // Friday after closing: the end of "today" is Monday's close.
        ("2026-10-23 18:00", FollowUp::EndOfDay),
    ]
}

fn table() -> Vec<Expected> {
    vec![
        Expected {
            lang: Language::English,
            promises: [
                "by the end of the day",
                "by the end of tomorrow",
                "by the end of Monday",
                "by the end of Tuesday",
                "by 30 October",
                "by the end of tomorrow",
                "by the end of Monday",
            ],
            days: ["Friday 23 October", "Monday 26 October"],
            late: [
                None,
                None,
                Some("I am sorry for the slow reply. "),
                Some("I am sorry it took me so long to get back to you. "),
            ],
            join: ["#1047", "#1047 and #1048", "#1, #2 and #3"],
        },
        Expected {
            lang: Language::German,
            promises: [
                "bis heute Abend",
                "bis morgen Abend",
                "bis spätestens Montag",
                "bis spätestens Dienstag",
                "bis spätestens zum 30. Oktober",
                "bis morgen Abend",
                "bis spätestens Montag",
            ],
            days: ["Freitag, 23. Oktober", "Montag, 26. Oktober"],
            late: [
                None,
                None,
                Some("Entschuldigen Sie bitte die späte Antwort. "),
                Some("Es tut mir leid, dass Sie so lange auf meine Antwort warten mussten. "),
            ],
            join: ["#1047", "#1047 und #1048", "#1, #2 und #3"],
        },
        Expected {
            lang: Language::French,
            promises: [
                "d'ici ce soir",
                "d'ici demain soir",
                "d'ici lundi soir",
                "d'ici mardi soir",
                "d'ici le 30 octobre",
                "d'ici demain soir",
                "d'ici lundi soir",
            ],
            days: ["vendredi 23 octobre", "lundi 26 octobre"],
            late: [
                None,
                None,
                Some("Veuillez excuser ma réponse tardive. "),
                Some("Pardon de vous avoir fait attendre si longtemps. "),
            ],
            join: ["#1047", "#1047 et #1048", "#1, #2 et #3"],
        },
        Expected {
            lang: Language::Spanish,
            promises: [
                "antes de que acabe el día",
                "mañana como muy tarde",
                "el lunes como muy tarde",
                "el martes como muy tarde",
                "el 30 de octubre como muy tarde",
                "mañana como muy tarde",
                "el lunes como muy tarde",
            ],
            days: ["viernes 23 de octubre", "lunes 26 de octubre"],
            late: [
                None,
                None,
                Some("Disculpe la demora en responder. "),
                Some("Siento mucho haberle hecho esperar tanto. "),
            ],
            join: ["#1047", "#1047 y #1048", "#1, #2 y #3"],
        },
        Expected {
            lang: Language::Italian,
            promises: [
                "entro stasera",
                "entro domani sera",
                "entro lunedì sera",
                "entro martedì sera",
                "entro il 30 ottobre",
                "entro domani sera",
                "entro lunedì sera",
            ],
            days: ["venerdì 23 ottobre", "lunedì 26 ottobre"],
            late: [
                None,
                None,
                Some("Mi scuso per il ritardo nella risposta. "),
                Some("Mi dispiace davvero di averla fatta aspettare così a lungo. "),
            ],
            join: ["#1047", "#1047 e #1048", "#1, #2 e #3"],
        },
        Expected {
            lang: Language::Dutch,
            promises: [
                "vandaag nog",
                "uiterlijk morgen",
                "uiterlijk maandag",
                "uiterlijk dinsdag",
                "uiterlijk 30 oktober",
                "uiterlijk morgen",
                "uiterlijk maandag",
            ],
            days: ["vrijdag 23 oktober", "maandag 26 oktober"],
            late: [
                None,
                None,
                Some("Excuses voor mijn late antwoord. "),
                Some("Het spijt me dat u zo lang op mijn antwoord hebt moeten wachten. "),
            ],
            join: ["#1047", "#1047 en #1048", "#1, #2 en #3"],
        },
    ]
}

#[test]
fn every_language_is_in_the_table() {
    let t = table();
    for l in Language::ALL {
        assert_eq!(t.iter().filter(|e| e.lang == l).count(), 1, "{l:?}");
    }
}

#[test]
fn promises_at_every_follow_up_kind_across_the_clock_change() {
    let cal = berlin();
    for e in table() {
        for ((now, follow_up), want) in cases().into_iter().zip(e.promises) {
            let now = local(now);
            let due = follow_up.due(now, &cal).expect("a follow-up");
            assert_eq!(
                e.lang.reply_by(due, now, &cal),
                want,
                "{:?} {follow_up} from {now}",
                e.lang
            );
        }
    }
}

#[test]
fn days_before_and_after_the_clock_change() {
    let cal = berlin();
    // 23:30 local on both days: in UTC the first is 21:30 and the second 22:30, so a wrong
    // offset would move one of them to another day.
    let moments = [local("2026-10-23 23:30"), local("2026-10-26 23:30")];
    for e in table() {
        for (at, want) in moments.iter().zip(e.days) {
            assert_eq!(e.lang.day(*at, &cal), want, "{:?}", e.lang);
        }
    }
}

#[test]
fn late_apology_at_every_lateness() {
    let cal = berlin();
    let due = local("2026-10-23 17:00");
    // on time, exactly at the deadline, Monday 10:00 (one business hour late, across the
    // clock change), Tuesday 10:00 (nine business hours late)
    let replies = [
        local("2026-10-23 15:00"),
        due,
        local("2026-10-26 10:00"),
        local("2026-10-27 10:00"),
    ];
    let kinds = [
        Lateness::OnTime,
        Lateness::OnTime,
        Lateness::Slow,
        Lateness::Long,
    ];
    for (now, kind) in replies.iter().zip(kinds) {
        assert_eq!(lateness(Some(due), *now, &cal), kind);
    }
    assert_eq!(lateness(None, replies[3], &cal), Lateness::OnTime);
    // While the shop is closed, and in the grace after it opens, nobody waited on it.
    for quiet in ["2026-10-23 19:00", "2026-10-24 11:00", "2026-10-26 09:30"] {
        assert_eq!(
            lateness(Some(due), local(quiet), &cal),
            Lateness::OnTime,
            "{quiet}"
        );
    }
    for e in table() {
        for (now, want) in replies.iter().zip(e.late) {
            assert_eq!(
                e.lang.late_apology(Some(due), *now, &cal).as_deref(),
                want,
                "{:?}",
                e.lang
            );
        }
        assert_eq!(e.lang.late_apology(None, replies[3], &cal), None);
    }
}

#[test]
fn lists_join_with_the_language_s_and() {
    let lists: [Vec<String>; 3] = [
        vec!["#1047".into()],
        vec!["#1047".into(), "#1048".into()],
        vec!["#1".into(), "#2".into(), "#3".into()],
    ];
    for e in table() {
        assert_eq!(e.lang.join(&[]), "");
        for (items, want) in lists.iter().zip(e.join) {
            assert_eq!(e.lang.join(items), want, "{:?}", e.lang);
        }
    }
}

#[test]
fn language_names_and_codes_parse() {
    for (input, want) in [
        ("de", Some(Language::German)),
        ("DE", Some(Language::German)),
        ("de-AT", Some(Language::German)),
        ("de_CH", Some(Language::German)),
        ("German", Some(Language::German)),
        ("Deutsch", Some(Language::German)),
        ("en", Some(Language::English)),
        ("français", Some(Language::French)),
        ("nl", Some(Language::Dutch)),
        ("es", Some(Language::Spanish)),
        ("it", Some(Language::Italian)),
        ("xx", None),
        ("", None),
    ] {
        assert_eq!(Language::parse(input), want, "{input:?}");
    }
    for l in Language::ALL {
        assert_eq!(Language::parse(l.code()), Some(l));
    }
    assert_eq!(Language::known_codes(), "en, de, fr, es, it, nl");
}

#[test]
fn detects_the_customer_s_language() {
    for (text, want) in [
        (
            "Hallo, meine Bestellung ist leider immer noch nicht angekommen. Können Sie bitte \
             nachsehen, wo das Paket bleibt? Vielen Dank",
            Some(Language::German),
        ),
        (
            "Hi, my package still has not arrived and the tracking says it was delivered. \
             Could you please check what happened? Thanks",
            Some(Language::English),
        ),
        (
            "Bonjour, ma commande n'est toujours pas arrivée. Pouvez-vous vérifier où se \
             trouve le colis ? Merci beaucoup",
            Some(Language::French),
        ),
        (
            "Hola, mi pedido todavía no ha llegado. ¿Podrían comprobar dónde está el paquete? \
             Muchas gracias",
            Some(Language::Spanish),
        ),
        (
            "Buongiorno, il mio ordine non è ancora arrivato. Potete controllare dove si trova \
             il pacco? Grazie mille",
            Some(Language::Italian),
        ),
        (
            "Hallo, mijn bestelling is nog steeds niet aangekomen. Kunt u nagaan waar het \
             pakket is? Alvast bedankt",
            Some(Language::Dutch),
        ),
        // Only the customer's own words count, not the quoted reply under them.
        (
            "Danke, das ist sehr nett von Ihnen und hilft mir wirklich weiter!\n\n\
             > Hi, thanks so much for reaching out, I am looking into it right now and will\n\
             > be back in touch with an answer by the end of the day.",
            Some(Language::German),
        ),
        ("#1047", None),
        ("", None),
    ] {
        assert_eq!(detect(text), want, "{text:?}");
    }
}

#[test]
fn the_line_above_the_quote_in_every_language() {
    // Tuesday 24 November 2026, 10:07 in Berlin.
    let when = chrono_tz::Europe::Berlin
        .with_ymd_and_hms(2026, 11, 24, 10, 7, 0)
        .unwrap();
    for (lang, want) in [
        (
            Language::English,
            "On Tue 24 Nov 2026 at 10:07, Jane wrote:",
        ),
        (
            Language::German,
            "Am Dienstag, 24. November 2026 um 10:07 schrieb Jane:",
        ),
        (
            Language::French,
            "Le mardi 24 novembre 2026 à 10:07, Jane a écrit :",
        ),
        (
            Language::Spanish,
            "El martes 24 de noviembre de 2026, a las 10:07, Jane escribió:",
        ),
        (
            Language::Italian,
            "Il giorno martedì 24 novembre 2026 alle 10:07 Jane ha scritto:",
        ),
        (
            Language::Dutch,
            "Op dinsdag 24 november 2026 om 10:07 schreef Jane:",
        ),
    ] {
        assert_eq!(lang.attribution(when, "Jane"), want, "{lang:?}");
    }
}

#[test]
fn a_promise_already_past_reads_as_today() {
    let cal = berlin();
    let now = local("2026-11-24 18:00");
    for l in Language::ALL {
        assert_eq!(
            l.reply_by(local("2026-11-23 17:00"), now, &cal),
            l.phrases().by_today
        );
    }
}

#[test]
fn the_picker_s_first_language() {
    use Language::*;
    let long_de = "Hallo, ich habe meine Bestellung noch nicht bekommen, wann kommt sie denn?";
    let long_fr =
        "Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier s'il vous plaît ?";
    let long_en = "Hello, my parcel has still not arrived and I am getting a bit worried about it.";
    // (newest mail, earlier mail newest first, shop default, expected)
    let cases: &[(&str, &[&str], Language, Language)] = &[
        ("Thanks a lot!", &[], English, English),
        ("Thanks a lot!", &[], German, German),
        ("Danke!", &[], French, French),
        ("Thanks a lot!", &[long_fr], German, French),
        ("Merci Tom", &[long_fr, long_de], English, French),
        ("ok", &["kurz", long_de], English, German),
        (long_en, &[long_de], German, English),
        (long_de, &[], English, German),
        (
            "> quoted words do not count at all here\nok",
            &[],
            Italian,
            Italian,
        ),
    ];
    for (text, earlier, shop, want) in cases {
        assert_eq!(
            reply_language(text, earlier.iter().copied(), *shop),
            *want,
            "{text:?} after {earlier:?}, shop {shop:?}"
        );
    }
}
