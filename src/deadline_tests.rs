use super::*;
use chrono_tz::Tz;

fn time(s: &str) -> NaiveTime {
    NaiveTime::parse_from_str(s, "%H:%M").unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// Mon–Fri 09:00–17:00 in `tz`, Easter Monday 2026 and Christmas as holidays.
fn cal_in(tz: Tz) -> Calendar {
    Calendar {
        holidays: [date("2026-04-06"), date("2026-12-25")]
            .into_iter()
            .collect(),
        ..Calendar::office_hours(tz, time("09:00"), time("17:00"))
    }
}

fn berlin() -> Calendar {
    cal_in(chrono_tz::Europe::Berlin)
}

/// A local wall time in `cal.tz` as an instant ("2026-11-23 10:00").
fn local(cal: &Calendar, s: &str) -> DateTime<Utc> {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M"))
        .unwrap();
    cal.tz
        .from_local_datetime(&naive)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

#[test]
fn due_at_table_berlin() {
    let cal = berlin();
    // 2026-11-23 is a Monday.
    let cases = [
        ("weekday morning", "2026-11-24 10:15", "2026-11-24 17:00"),
        ("weekday afternoon", "2026-11-24 15:30", "2026-11-24 17:00"),
        ("after close", "2026-11-24 17:30", "2026-11-25 17:00"),
        ("overnight", "2026-11-25 02:10", "2026-11-25 17:00"),
        ("before opening", "2026-11-25 07:00", "2026-11-25 17:00"),
        (
            "exactly at close",
            "2026-11-24 17:00:00",
            "2026-11-25 17:00",
        ),
        (
            "one second before close",
            "2026-11-24 16:59:59",
            "2026-11-24 17:00",
        ),
        ("friday evening", "2026-11-27 18:00", "2026-11-30 17:00"),
        ("saturday", "2026-11-28 11:00", "2026-11-30 17:00"),
        ("sunday", "2026-11-29 23:59", "2026-11-30 17:00"),
        (
            "midnight starting monday",
            "2026-11-30 00:00",
            "2026-11-30 17:00",
        ),
        ("holiday monday", "2026-04-06 10:00", "2026-04-07 17:00"),
        (
            "weekend before holiday monday",
            "2026-04-04 10:00",
            "2026-04-07 17:00",
        ),
        ("christmas friday", "2026-12-24 17:05", "2026-12-28 17:00"),
        // Spring forward: 2026-03-29 is a Sunday, 02:00 → 03:00.
        (
            "spring forward sunday",
            "2026-03-29 03:30",
            "2026-03-30 17:00",
        ),
        (
            "spring forward friday",
            "2026-03-27 18:00",
            "2026-03-30 17:00",
        ),
        // Autumn back: 2026-10-25 is a Sunday, 03:00 → 02:00.
        (
            "autumn back weekend",
            "2026-10-24 12:00",
            "2026-10-26 17:00",
        ),
        ("autumn back monday", "2026-10-26 09:00", "2026-10-26 17:00"),
    ];
    for (name, arrival, want) in cases {
        assert_eq!(
            due_at(local(&cal, arrival), &cal),
            local(&cal, want),
            "{name}: arrival {arrival}"
        );
    }
}

#[test]
fn dst_changes_keep_close_in_local_time() {
    let cal = berlin();
    // Before the spring change 17:00 CET is 16:00 UTC; after it, 17:00 CEST is 15:00 UTC.
    assert_eq!(
        due_at(utc("2026-03-27T10:00:00Z"), &cal),
        utc("2026-03-27T16:00:00Z")
    );
    assert_eq!(
        due_at(utc("2026-03-28T10:00:00Z"), &cal),
        utc("2026-03-30T15:00:00Z")
    );
    // Autumn: Friday 23 Oct is CEST, Monday 26 Oct is CET.
    assert_eq!(
        due_at(utc("2026-10-23T16:00:00Z"), &cal),
        utc("2026-10-26T16:00:00Z")
    );
}

#[test]
fn close_inside_dst_gap_or_overlap_resolves() {
    // An all-night shop closing at 02:30, open every day: on 29 Mar 2026 02:30 does not
    // exist in Berlin; on 25 Oct 2026 it happens twice.
    let mut cal = berlin();
    cal.business_days = [true; 7];
    cal.holidays.clear();
    cal.open = time("00:00");
    cal.close = time("02:30");
    // Gap: read with the winter offset → 01:30 UTC (03:30 CEST on the wall clock).
    let due = due_at(utc("2026-03-29T00:10:00Z"), &cal);
    assert_eq!(due, utc("2026-03-29T01:30:00Z"));
    assert_eq!(
        format_local(due, due, &cal),
        "Sun 29 Mar 03:30 Europe/Berlin"
    );
    // Overlap: the first 02:30 (CEST, 00:30 UTC), not the second one an hour later.
    assert_eq!(
        due_at(utc("2026-10-24T23:00:00Z"), &cal),
        utc("2026-10-25T00:30:00Z")
    );
    // Arriving between the two 02:30s: the next day's close.
    assert_eq!(
        due_at(utc("2026-10-25T01:00:00Z"), &cal),
        utc("2026-10-26T01:30:00Z")
    );
}

#[test]
fn non_utc_zones() {
    let ny = cal_in(chrono_tz::America::New_York);
    // Friday 27 Nov 2026 16:00 EST is 21:00 UTC (already Friday night in Europe).
    assert_eq!(
        due_at(utc("2026-11-27T21:00:00Z"), &ny),
        utc("2026-11-27T22:00:00Z")
    );
    // 23:30 UTC Friday is 18:30 EST Friday: after close → Monday 17:00 EST = 22:00 UTC.
    assert_eq!(
        due_at(utc("2026-11-27T23:30:00Z"), &ny),
        utc("2026-11-30T22:00:00Z")
    );
    let sydney = cal_in(chrono_tz::Australia::Sydney);
    // Sunday 22:00 UTC is Monday 09:00 AEDT in Sydney: due Monday 17:00 AEDT (06:00 UTC).
    assert_eq!(
        due_at(utc("2026-11-29T22:00:00Z"), &sydney),
        utc("2026-11-30T06:00:00Z")
    );
}

#[test]
fn cutoff_rolls_late_arrivals() {
    let mut cal = berlin();
    cal.cutoff = Duration::minutes(30);
    let cases = [
        (
            "well before cut-off",
            "2026-11-24 16:00",
            "2026-11-24 17:00",
        ),
        (
            "exactly at cut-off stays",
            "2026-11-24 16:30:00",
            "2026-11-24 17:00",
        ),
        (
            "inside cut-off rolls",
            "2026-11-24 16:30:01",
            "2026-11-25 17:00",
        ),
        (
            "friday inside cut-off",
            "2026-11-27 16:45",
            "2026-11-30 17:00",
        ),
    ];
    for (name, arrival, want) in cases {
        assert_eq!(
            due_at(local(&cal, arrival), &cal),
            local(&cal, want),
            "{name}"
        );
    }
}

#[test]
fn calendar_without_business_days_terminates() {
    let mut cal = berlin();
    cal.business_days = [false; 7];
    let t = utc("2026-11-24T10:00:00Z");
    assert_eq!(due_at(t, &cal), t + Duration::days(1));
}

#[test]
fn state_transitions() {
    let cal = berlin();
    let received = local(&cal, "2026-11-24 10:00");
    let due = local(&cal, "2026-11-24 17:00");
    let cases = [
        (
            "fresh",
            None,
            "2026-11-24 10:05",
            DeadlineState::DueLater { due },
        ),
        (
            "edge of window",
            None,
            "2026-11-24 16:00",
            DeadlineState::DueSoon { due },
        ),
        (
            "due soon",
            None,
            "2026-11-24 16:30",
            DeadlineState::DueSoon { due },
        ),
        (
            "one minute left",
            None,
            "2026-11-24 16:59",
            DeadlineState::DueSoon { due },
        ),
        (
            "exactly due",
            None,
            "2026-11-24 17:00",
            DeadlineState::Overdue {
                due,
                by: Duration::zero(),
            },
        ),
        (
            "overdue",
            None,
            "2026-11-24 19:10",
            DeadlineState::Overdue {
                due,
                by: Duration::minutes(130),
            },
        ),
        (
            "answered on time",
            Some("2026-11-24 12:00"),
            "2026-11-25 09:00",
            DeadlineState::AnsweredOnTime {
                due,
                answered_at: local(&cal, "2026-11-24 12:00"),
            },
        ),
        (
            "answered exactly at due",
            Some("2026-11-24 17:00"),
            "2026-11-25 09:00",
            DeadlineState::AnsweredOnTime {
                due,
                answered_at: due,
            },
        ),
        (
            "answered late",
            Some("2026-11-25 09:05"),
            "2026-11-25 10:00",
            DeadlineState::AnsweredLate {
                due,
                answered_at: local(&cal, "2026-11-25 09:05"),
                by: Duration::minutes(16 * 60 + 5),
            },
        ),
        (
            "answer after now is not yet an answer",
            Some("2026-11-25 09:05"),
            "2026-11-24 18:00",
            DeadlineState::Overdue {
                due,
                by: Duration::hours(1),
            },
        ),
    ];
    for (name, answered, now, want) in cases {
        let got = state_at(
            received,
            answered.map(|a| local(&cal, a)),
            local(&cal, now),
            &cal,
        );
        assert_eq!(got, want, "{name}");
        assert_eq!(got.due(), due, "{name}");
    }
}

#[test]
fn durations_and_badges() {
    for (minutes, want) in [
        (0, "0m"),
        (45, "45m"),
        (60, "1h"),
        (130, "2h 10m"),
        (24 * 60, "1d"),
        (3 * 24 * 60 + 4 * 60 + 59, "3d 4h"),
        (-90, "1h 30m"),
    ] {
        assert_eq!(
            format_duration(Duration::minutes(minutes)),
            want,
            "{minutes}"
        );
    }
    let cal = berlin();
    let now = local(&cal, "2026-11-24 14:00"); // Tuesday
    let badge_for = |received: &str, answered: Option<&str>| {
        let st = state_at(
            local(&cal, received),
            answered.map(|a| local(&cal, a)),
            now,
            &cal,
        );
        state_badge(&st, now, &cal)
    };
    assert_eq!(badge_for("2026-11-23 11:00", None), "OVERDUE 21h");
    assert_eq!(badge_for("2026-11-24 10:00", None), "due 17:00");
    assert_eq!(
        badge_for("2026-11-23 18:00", Some("2026-11-24 12:00")),
        "answered"
    );
    assert_eq!(
        badge_for("2026-11-20 10:00", Some("2026-11-23 09:10")),
        "answered 2d 16h late"
    );
    let soon = local(&cal, "2026-11-24 16:15");
    let st = state_at(local(&cal, "2026-11-24 10:00"), None, soon, &cal);
    assert_eq!(state_badge(&st, soon, &cal), "due in 45m");
    assert_eq!(
        badge(local(&cal, "2026-11-24 17:00"), soon, &cal),
        "due 17:00"
    );
    assert_eq!(
        badge(local(&cal, "2026-11-24 12:00"), now, &cal),
        "OVERDUE 2h"
    );
    assert_eq!(badge(now, now, &cal), "OVERDUE 0m");
    assert_eq!(
        badge(local(&cal, "2026-11-30 17:00"), now, &cal),
        "due Mon 17:00"
    );
    assert_eq!(
        badge(local(&cal, "2026-12-24 17:00"), now, &cal),
        "due 24 Dec 17:00"
    );
    assert_eq!(
        due_label(local(&cal, "2026-11-27 17:00"), now, &cal),
        "due Fri 17:00"
    );
    assert_eq!(
        due_label(local(&cal, "2026-12-24 17:00"), now, &cal),
        "due 24 Dec 17:00"
    );
}

#[test]
fn short_when_table() {
    let cal = berlin();
    let now = local(&cal, "2026-11-24 14:00");
    for (at, want) in [
        ("2026-11-24 09:30", "09:30"),
        ("2026-11-24 23:59", "23:59"),
        ("2026-11-25 00:00", "Wed 00:00"),
        ("2026-11-30 17:00", "Mon 17:00"),
        ("2026-12-01 17:00", "1 Dec 17:00"),
        ("2026-11-23 17:00", "23 Nov 17:00"),
    ] {
        assert_eq!(short_when(local(&cal, at), now, &cal), want, "{at}");
    }
}

#[test]
fn format_local_names_the_zone() {
    let cal = berlin();
    assert_eq!(
        format_local(
            utc("2026-11-24T16:00:00Z"),
            utc("2026-11-24T16:00:00Z"),
            &cal
        ),
        "Tue 24 Nov 17:00 Europe/Berlin"
    );
    assert_eq!(
        format_local(
            utc("2026-12-03T08:05:00Z"),
            utc("2026-11-24T16:00:00Z"),
            &cal
        ),
        "Thu 3 Dec 09:05 Europe/Berlin"
    );
}

#[test]
fn business_duration_table() {
    let cal = berlin();
    let cases = [
        ("same hour", "2026-11-24 10:00", "2026-11-24 10:45", 45),
        ("overnight", "2026-11-24 16:00", "2026-11-25 10:00", 120),
        (
            "across a weekend",
            "2026-11-27 16:00",
            "2026-11-30 10:00",
            120,
        ),
        ("weekend only", "2026-11-28 10:00", "2026-11-29 18:00", 0),
        (
            "evening to morning",
            "2026-11-24 20:00",
            "2026-11-25 08:00",
            0,
        ),
        ("across holiday", "2026-04-03 16:30", "2026-04-07 09:30", 60),
        ("reversed", "2026-11-25 10:00", "2026-11-24 10:00", 0),
        (
            "full week",
            "2026-11-23 00:00",
            "2026-11-30 00:00",
            5 * 8 * 60,
        ),
        // The DST night does not change an 8-hour business day.
        (
            "dst friday to monday",
            "2026-03-27 09:00",
            "2026-03-30 17:00",
            16 * 60,
        ),
    ];
    for (name, from, to, minutes) in cases {
        assert_eq!(
            business_duration(local(&cal, from), local(&cal, to), &cal),
            Duration::minutes(minutes),
            "{name}"
        );
    }
}

#[test]
fn next_deadlines_samples() {
    let mut cal = berlin();
    cal.cutoff = Duration::minutes(30);
    let now = local(&cal, "2026-11-23 19:40"); // Monday evening
    let samples = next_deadlines(now, &cal, 6);
    assert_eq!(samples[0], (now, local(&cal, "2026-11-24 17:00")));
    assert!(samples.len() >= 4, "{samples:?}");
    assert!(
        samples.windows(2).all(|w| w[0].0 < w[1].0),
        "sorted: {samples:?}"
    );
    for (arrival, due) in &samples {
        assert_eq!(*due, due_at(*arrival, &cal));
        assert!(*arrival >= now);
    }
    // The weekend sample rolls to Monday.
    let saturday = local(&cal, "2026-11-28 12:00");
    assert!(
        samples.contains(&(saturday, local(&cal, "2026-11-30 17:00"))),
        "{samples:?}"
    );
    // Just inside the cut-off before Tuesday's close → Wednesday.
    assert!(samples.iter().any(
        |(a, d)| *a > local(&cal, "2026-11-24 16:30") && *d == local(&cal, "2026-11-25 17:00")
    ));
    assert_eq!(next_deadlines(now, &cal, 2).len(), 2);
    assert!(next_deadlines(now, &cal, 0).is_empty());
}

#[test]
fn lateness_counts_business_time_only() {
    let cal = Calendar {
        holidays: [date("2026-04-06"), date("2026-11-25"), date("2026-12-25")]
            .into_iter()
            .collect(),
        ..berlin()
    };
    // (name, due, answered, business lateness in minutes)
    let cases = [
        (
            "answered the same evening",
            "2026-11-23 17:00",
            "2026-11-23 17:05",
            None,
        ),
        (
            "answered before opening",
            "2026-11-23 17:00",
            "2026-11-24 08:30",
            None,
        ),
        (
            "in the grace after opening",
            "2026-11-23 17:00",
            "2026-11-24 09:30",
            None,
        ),
        (
            "after the grace",
            "2026-11-23 17:00",
            "2026-11-24 09:31",
            Some(31),
        ),
        (
            "a day late",
            "2026-11-23 17:00",
            "2026-11-24 17:00",
            Some(480),
        ),
        (
            "after the Wednesday holiday",
            "2026-11-24 17:00",
            "2026-11-26 08:31",
            None,
        ),
        (
            "late after the holiday",
            "2026-11-24 17:00",
            "2026-11-26 09:45",
            Some(45),
        ),
        (
            "over Easter Monday",
            "2026-04-03 17:00",
            "2026-04-07 09:10",
            None,
        ),
        (
            "late over Easter",
            "2026-04-03 17:00",
            "2026-04-07 10:00",
            Some(60),
        ),
        (
            "over the weekend",
            "2026-11-27 17:00",
            "2026-11-30 09:00",
            None,
        ),
        // Clocks go forward on Sunday 29 March, back on Sunday 25 October.
        (
            "over the spring change",
            "2026-03-27 17:00",
            "2026-03-30 09:20",
            None,
        ),
        (
            "late over the spring change",
            "2026-03-27 17:00",
            "2026-03-30 11:00",
            Some(120),
        ),
        (
            "late over the autumn change",
            "2026-10-23 17:00",
            "2026-10-26 10:00",
            Some(60),
        ),
        // A deadline inside opening hours (a promise "in 4 hours") has no grace.
        (
            "due in opening hours",
            "2026-11-23 14:00",
            "2026-11-23 14:01",
            Some(1),
        ),
        (
            "on time in opening hours",
            "2026-11-23 14:00",
            "2026-11-23 14:00",
            None,
        ),
        (
            "due on a Saturday",
            "2026-11-28 10:00",
            "2026-11-30 09:15",
            None,
        ),
    ];
    for (name, due, answered, want) in cases {
        let got = business_lateness(local(&cal, due), local(&cal, answered), &cal);
        assert_eq!(got.map(|d| d.num_minutes()), want, "{name}");
    }
    // A shop open every day 01:00–23:00: the days the clocks change are an hour shorter
    // (spring) and longer (autumn) in real time; lateness counts real business time.
    let daily = Calendar {
        business_days: [true; 7],
        ..Calendar::office_hours(chrono_tz::Europe::Berlin, time("01:00"), time("23:00"))
    };
    let cases = [
        (
            "spring: 23-hour day",
            "2026-03-28 23:00",
            "2026-03-29 23:00",
            Some(21 * 60),
        ),
        (
            "autumn: 25-hour day",
            "2026-10-24 23:00",
            "2026-10-25 23:00",
            Some(23 * 60),
        ),
        (
            "spring: before the grace ends",
            "2026-03-28 23:00",
            "2026-03-29 01:30",
            None,
        ),
    ];
    for (name, due, answered, want) in cases {
        let got = business_lateness(local(&daily, due), local(&daily, answered), &daily);
        assert_eq!(got.map(|d| d.num_minutes()), want, "{name}");
    }
}

#[test]
fn late_day_promise_rolls_to_the_next_business_day() {
    let cal = Calendar {
        holidays: [date("2026-11-25")].into_iter().collect(),
        ..berlin()
    };
    // (name, promise made at, end of the day it means)
    let cases = [
        ("in the morning", "2026-11-23 10:00", "2026-11-23 17:00"),
        (
            "exactly the cut-off before close",
            "2026-11-23 16:00",
            "2026-11-23 17:00",
        ),
        ("inside the cut-off", "2026-11-23 16:01", "2026-11-24 17:00"),
        ("at 16:45", "2026-11-23 16:45", "2026-11-24 17:00"),
        ("after close", "2026-11-23 18:00", "2026-11-24 17:00"),
        ("before the holiday", "2026-11-24 16:30", "2026-11-26 17:00"),
        ("on the holiday", "2026-11-25 11:00", "2026-11-26 17:00"),
        ("Friday afternoon", "2026-11-27 16:30", "2026-11-30 17:00"),
        ("Saturday", "2026-11-28 10:00", "2026-11-30 17:00"),
    ];
    for (name, made, want) in cases {
        assert_eq!(
            promise_end_of_day(local(&cal, made), &cal),
            local(&cal, want),
            "{name}"
        );
    }
    // Incoming mail keeps its own cut-off (none here): 16:45 is due the same day.
    assert_eq!(
        due_at(local(&cal, "2026-11-23 16:45"), &cal),
        local(&cal, "2026-11-23 17:00")
    );
}
