use super::*;

#[test]
fn first_name_table() {
    let cases: &[(Option<&str>, &str, Option<&str>)] = &[
        (Some("John Smith"), "js@example.com", Some("John")),
        (Some("Smith, John"), "js@example.com", Some("John")),
        (Some("\"Smith, John\""), "js@example.com", Some("John")),
        (Some("JANE DOE"), "jd@example.com", Some("Jane")),
        (Some("jane doe"), "jd@example.com", Some("Jane")),
        (Some("dr. jane doe"), "jd@example.com", Some("Jane")),
        (Some("Dr. Jane Doe"), "jd@example.com", Some("Jane")),
        (Some("Prof. Dr. Hans Müller"), "hm@example.de", Some("Hans")),
        (Some("Herr Klaus Schmidt"), "ks@example.de", Some("Klaus")),
        (Some("Frau Anna Becker"), "ab@example.de", Some("Anna")),
        (Some("Mrs Sarah Connor"), "sc@example.com", Some("Sarah")),
        (Some("Ms. Amy Pond"), "ap@example.com", Some("Amy")),
        (Some("Jean-Luc Picard"), "jl@example.fr", Some("Jean-Luc")),
        (Some("JEAN-LUC PICARD"), "jl@example.fr", Some("Jean-Luc")),
        (Some("María José García"), "mj@example.es", Some("María")),
        (Some("O'Brien, Sean"), "sob@example.ie", Some("Sean")),
        (Some("SEAN O'BRIEN"), "sob@example.ie", Some("Sean")),
        (Some("Ronald McDonald"), "rm@example.com", Some("Ronald")),
        (Some("Иван Петров"), "ivan@example.ru", Some("Иван")),
        (Some("🌸 Anna Schmidt 🌸"), "as@example.de", Some("Anna")),
        (Some("Anna 😀"), "as@example.de", Some("Anna")),
        (Some("J. Smith"), "js@example.com", None),
        (Some("J. Smith"), "john.smith@example.com", Some("John")),
        (Some("J. Smith"), "jane.doe@example.com", None),
        (Some("J.S."), "js@example.com", None),
        (Some("ACME Support"), "support@acme.example", None),
        (Some("Shop Team"), "team@shop.example", None),
        (Some("The ACME Team"), "team@acme.example", None),
        (Some("noreply"), "noreply@x.example", None),
        (Some("No-Reply"), "no-reply@x.example", None),
        (Some("Customer Service"), "cs@x.example", None),
        (Some("Info"), "info@x.example", None),
        (Some("Amazon.de"), "order-update@amazon.de", None),
        (Some("PayPal"), "service@paypal.de", None),
        (Some("eBay"), "ebay@ebay.com", None),
        (Some("DHL"), "noreply@dhl.de", None),
        (Some("ACME GmbH"), "kontakt@acme.de", None),
        (Some("Kundenservice"), "ks@x.de", None),
        (Some("Mr & Mrs Smith"), "smiths@example.com", None),
        (Some("Smith & Sons"), "office@smith.example", None),
        (
            Some("Sarah from Klaviyo"),
            "sarah@klaviyo.example",
            Some("Sarah"),
        ),
        (Some("John Smith via Etsy"), "x@etsy.example", Some("John")),
        (Some("John Smith (ACME)"), "js@acme.example", Some("John")),
        (
            Some("Tom | Growth Agency"),
            "tom@growth.example",
            Some("Tom"),
        ),
        (None, "john.smith@example.com", Some("John")),
        (None, "jane_doe@example.com", Some("Jane")),
        (None, "John.Smith+shop@example.com", Some("John")),
        (None, "john.smith87@example.com", Some("John")),
        (None, "info@example.com", None),
        (None, "sales@example.com", None),
        (None, "j.smith@example.com", None),
        (None, "john1987@example.com", None),
        (None, "john@example.com", None),
        (None, "info.shop@example.com", None),
        (None, "no.reply@example.com", None),
        (None, "birdsong.kitchen@example.net", None),
        (Some("Alphx Ceramics"), "hello@alphx.example", None),
        (Some("Clay & Kiln Supplies"), "news@claykiln.example", None),
        (
            Some("john.smith@example.com"),
            "john.smith@example.com",
            Some("John"),
        ),
        (Some("info@example.com"), "info@example.com", None),
        (Some("jsmith"), "jsmith@example.com", None),
        (Some(""), "jane.doe@example.com", Some("Jane")),
        (Some("   "), "x@example.com", None),
        (Some("Jane\r\nBcc: evil@x"), "x@example.com", Some("Jane")),
        (
            Some("\u{1b}[31mJane\u{1b}[0m Doe"),
            "x@example.com",
            Some("Jane"),
        ),
        (Some("DeShawn Jones"), "dj@example.com", Some("DeShawn")),
        (Some("Anna"), "anna@example.com", Some("Anna")),
        // Typed in lower case: capitalised (issue 13); user-name shapes stay unnamed.
        (Some("anna"), "anna@example.com", Some("Anna")),
        (Some("élodie"), "elodie@example.fr", Some("Élodie")),
        (Some("chris"), "chris@example.com", Some("Chris")),
        (Some("kmueller"), "kmueller@example.de", None),
        (Some("support"), "support@example.com", None),
        (Some("anna"), "x@example.com", Some("Anna")),
        (Some("anna schmidt"), "anna@example.com", Some("Anna")),
        // Only invisible characters: dropped, the address is used.
        (
            Some("\u{200b}\u{200c}\u{2060}\u{feff}"),
            "john.smith@example.com",
            Some("John"),
        ),
        (
            Some("\u{3164}\u{115f}\u{1160}\u{ffa0}"),
            "jane.doe@example.com",
            Some("Jane"),
        ),
        (
            Some("\u{e0041}\u{e0042}\u{e007f}"),
            "jane.doe@example.com",
            Some("Jane"),
        ),
        (
            Some("\u{fdd0}\u{fffe}\u{ffff}"),
            "jane.doe@example.com",
            Some("Jane"),
        ),
        (Some("\u{200b}\u{3164}"), "x@example.com", None),
        (Some("An\u{200b}na"), "x@example.com", Some("Anna")),
        (Some("J.S"), "js@example.com", None),
        (Some("Anna"), "a.k@example.com", Some("Anna")),
        (Some("John Smith, PhD"), "js@example.com", Some("John")),
        (
            Some("Ludwig van Beethoven"),
            "lvb@example.com",
            Some("Ludwig"),
        ),
        (Some("王伟"), "ww@example.cn", Some("王伟")),
        (Some("R2D2"), "r2@example.com", None),
    ];
    assert!(cases.len() >= 45);
    for (display, addr, want) in cases {
        assert_eq!(
            first_name(*display, addr).as_deref(),
            *want,
            "display {display:?}, addr {addr}"
        );
    }
}

#[test]
fn full_and_last_names() {
    type Case<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Option<&'a str>);
    let cases: &[Case] = &[
        (
            Some("Smith, John"),
            "x@example.com",
            Some("Smith"),
            Some("John Smith"),
        ),
        (
            Some("JANE DOE"),
            "x@example.com",
            Some("Doe"),
            Some("Jane Doe"),
        ),
        (
            Some("dr. jane doe"),
            "x@example.com",
            Some("Doe"),
            Some("Jane Doe"),
        ),
        (
            Some("SEAN O'BRIEN"),
            "x@example.com",
            Some("O'Brien"),
            Some("Sean O'Brien"),
        ),
        (
            Some("RONALD MCDONALD"),
            "x@example.com",
            Some("McDonald"),
            Some("Ronald McDonald"),
        ),
        (
            Some("ludwig van beethoven"),
            "x@example.com",
            Some("van Beethoven"),
            Some("Ludwig van Beethoven"),
        ),
        (
            Some("María José García"),
            "x@example.com",
            Some("García"),
            Some("María José García"),
        ),
        (
            Some("J. Smith"),
            "x@example.com",
            Some("Smith"),
            Some("J. Smith"),
        ),
        (Some("Anna"), "x@example.com", None, Some("Anna")),
        (None, "jane_doe@example.com", Some("Doe"), Some("Jane Doe")),
        (Some("ACME Support"), "x@example.com", None, None),
    ];
    for (display, addr, last, full) in cases {
        let name = person_name(*display, addr);
        assert_eq!(name.last.as_deref(), *last, "last of {display:?}");
        assert_eq!(name.full.as_deref(), *full, "full of {display:?}");
    }
}

#[test]
fn hostile_input_gives_clean_names_quickly() {
    let long_titles = "Dr ".repeat(50_000) + "Jane";
    let inputs = [
        "İSTANBUL from ACME",
        "\u{1b}]0;x\u{7}\u{202e}Jane",
        "((((((((",
        ",,,,",
        "' - ' - '",
        "a@b@c",
        "Mc",
        "-",
        "\u{301}\u{301}",
        long_titles.as_str(),
    ];
    let started = std::time::Instant::now();
    for input in inputs {
        let name = person_name(Some(input), "x@example.com");
        for part in [&name.first, &name.last, &name.full].into_iter().flatten() {
            assert!(sanitize::is_clean_line(part), "{input:?} gave {part:?}");
            assert!(!part.is_empty(), "{input:?} gave an empty part");
        }
    }
    assert_eq!(
        first_name(Some(&long_titles), "x@example.com").as_deref(),
        Some("Jane")
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn tidy_case_table() {
    let cases: &[(&str, &str)] = &[
        ("JANE", "Jane"),
        ("jane", "Jane"),
        ("JEAN-LUC", "Jean-Luc"),
        ("O'BRIEN", "O'Brien"),
        ("MCDONALD", "McDonald"),
        ("MCCOY", "McCoy"),
        ("MC", "Mc"),
        ("ÉMILE", "Émile"),
        ("McDonald", "McDonald"),
        ("deShawn", "deShawn"),
    ];
    for (input, want) in cases {
        assert_eq!(tidy_case(input, true), *want, "{input}");
    }
}
