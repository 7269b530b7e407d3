//! Table tests of the holiday rules and the Computus.
use super::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dates(country: &str, region: Option<&str>, year: i32) -> Vec<String> {
    holidays(country, region, year)
        .unwrap()
        .iter()
        .map(|(d, _)| d.format("%Y-%m-%d").to_string())
        .collect()
}

#[test]
fn easter_sunday_for_known_years() {
    let table = [
        (1961, "1961-04-02"),
        (2000, "2000-04-23"),
        (2008, "2008-03-23"),
        (2011, "2011-04-24"),
        (2019, "2019-04-21"),
        (2024, "2024-03-31"),
        (2025, "2025-04-20"),
        (2026, "2026-04-05"),
        (2027, "2027-03-28"),
        (2028, "2028-04-16"),
        (2038, "2038-04-25"),
        (2285, "2285-03-22"),
    ];
    for (year, want) in table {
        assert_eq!(easter(year), Some(d(want)), "{year}");
    }
}

#[test]
fn germany_nationwide_and_by_land() {
    assert_eq!(
        dates("DE", None, 2026),
        [
            "2026-01-01",
            "2026-04-03",
            "2026-04-06",
            "2026-05-01",
            "2026-05-14",
            "2026-05-25",
            "2026-10-03",
            "2026-12-25",
            "2026-12-26"
        ]
    );
    let by = dates("de", Some("by"), 2026);
    for day in ["2026-01-06", "2026-06-04", "2026-08-15", "2026-11-01"] {
        assert!(by.contains(&day.to_string()), "Bavaria {day}: {by:?}");
    }
    assert!(!by.contains(&"2026-10-31".to_string()));
    // Saxony's Day of Repentance: the Wednesday before 23 November.
    assert!(dates("DE", Some("SN"), 2026).contains(&"2026-11-18".to_string()));
    assert!(dates("DE", Some("SN"), 2027).contains(&"2027-11-17".to_string()));
    assert!(dates("DE", Some("BE"), 2027).contains(&"2027-03-08".to_string()));
    assert!(dates("DE", Some("TH"), 2027).contains(&"2027-09-20".to_string()));
    assert!(dates("DE", Some("NW"), 2027).contains(&"2027-05-27".to_string()));
}

#[test]
fn fixed_and_easter_days_elsewhere() {
    /// Country, region, year, days it has, days it has not.
    type Case = (
        &'static str,
        Option<&'static str>,
        i32,
        &'static [&'static str],
        &'static [&'static str],
    );
    let cases: &[Case] = &[
        (
            "AT",
            None,
            2027,
            &["2027-10-26", "2027-12-08", "2027-05-27"],
            &["2027-03-26"],
        ),
        (
            "FR",
            None,
            2026,
            &["2026-07-14", "2026-05-08", "2026-05-25"],
            &["2026-04-03"],
        ),
        (
            "FR",
            Some("alsace-moselle"),
            2026,
            &["2026-04-03", "2026-12-26"],
            &[],
        ),
        (
            "ES",
            None,
            2027,
            &["2027-10-12", "2027-03-26", "2027-12-06"],
            &["2027-03-29"],
        ),
        (
            "IT",
            None,
            2026,
            &["2026-04-25", "2026-06-02", "2026-10-04", "2026-04-06"],
            &[],
        ),
        ("IT", None, 2025, &["2025-04-21"], &["2025-10-04"]),
        (
            "NL",
            None,
            2025,
            &["2025-04-26", "2025-05-05"],
            &["2025-04-27"],
        ),
        (
            "NL",
            None,
            2026,
            &["2026-04-27", "2026-05-14"],
            &["2026-05-05"],
        ),
        (
            "BE",
            None,
            2026,
            &["2026-07-21", "2026-11-11"],
            &["2026-12-26"],
        ),
        (
            "CH",
            None,
            2026,
            &["2026-08-01", "2026-05-14"],
            &["2026-04-03"],
        ),
        (
            "CH",
            Some("GE"),
            2026,
            &["2026-09-10", "2026-12-31", "2026-04-03"],
            &[],
        ),
        ("CH", Some("VD"), 2026, &["2026-09-21", "2026-01-02"], &[]),
        (
            "IE",
            None,
            2026,
            &["2026-02-02", "2026-03-17", "2026-10-26"],
            &[],
        ),
        ("IE", None, 2027, &["2027-02-01"], &[]),
    ];
    for (country, region, year, has, lacks) in cases {
        let got = dates(country, *region, *year);
        for day in *has {
            assert!(
                got.contains(&day.to_string()),
                "{country} {region:?} {day}: {got:?}"
            );
        }
        for day in *lacks {
            assert!(
                !got.contains(&day.to_string()),
                "{country} {region:?} not {day}: {got:?}"
            );
        }
    }
}

#[test]
fn british_and_us_substitute_days() {
    // 2027: Christmas is a Saturday, Boxing Day a Sunday.
    assert_eq!(
        dates("GB", Some("ENG"), 2027),
        [
            "2027-01-01",
            "2027-03-26",
            "2027-03-29",
            "2027-05-03",
            "2027-05-31",
            "2027-08-30",
            "2027-12-27",
            "2027-12-28"
        ]
    );
    let scotland = dates("GB", Some("SCT"), 2027);
    assert!(scotland.contains(&"2027-08-02".to_string()), "{scotland:?}");
    assert!(scotland.contains(&"2027-11-30".to_string()), "{scotland:?}");
    assert!(
        !scotland.contains(&"2027-03-29".to_string()),
        "{scotland:?}"
    );
    // 2026: 4 July is a Saturday (observed Friday 3rd); Thanksgiving 26 November.
    let us = dates("US", None, 2026);
    for day in [
        "2026-07-03",
        "2026-11-26",
        "2026-01-19",
        "2026-05-25",
        "2026-06-19",
    ] {
        assert!(us.contains(&day.to_string()), "{day}: {us:?}");
    }
    assert_eq!(us.len(), 11);
}

#[test]
fn unknown_countries_and_regions_are_one_sentence() {
    let e = holidays("XX", None, 2026).unwrap_err();
    assert!(
        e.contains("country = \"XX\" is not one setup has holidays for; use one of DE, AT"),
        "{e}"
    );
    let e = holidays("DE", Some("XY"), 2026).unwrap_err();
    assert!(e.contains("not a region of Germany"), "{e}");
    let e = holidays("IT", Some("Lazio"), 2026).unwrap_err();
    assert!(e.contains("no regional holidays for Italy"), "{e}");
}

#[test]
fn time_zones_suggest_a_country() {
    assert_eq!(
        country_for_time_zone("Europe/Berlin").map(|c| c.code),
        Some("DE")
    );
    assert_eq!(
        country_for_time_zone("America/Chicago").map(|c| c.code),
        Some("US")
    );
    assert!(country_for_time_zone("Asia/Tokyo").is_none());
}
