//! Public holidays setup writes into `[hours] holidays`: generated here from the rules of each
//! country (and region where the days differ: German Länder, Swiss cantons, the parts of the
//! United Kingdom, Alsace-Moselle), for the year setup runs in and the next.
//!
//! Own tables rather than a crate: the one crate on crates.io (`holidays` 0.1.0) is a
//! pre-generated snapshot with no licence stated and no releases since; the rules of these
//! countries are few and stable, and Easter (Computus, [`easter`]) is the only calculation.
//! Regional days a shop owner would not expect (Spain's and Austria's regional days, which
//! change yearly) are left out; the config comment says so and the owner adds them by hand.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A country setup knows: its ISO code, English name and regions (code, name). A country
/// with regions also works without one: then only the days all regions share.
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
    pub regions: &'static [(&'static str, &'static str)],
}

pub const COUNTRIES: &[Country] = &[
    Country {
        code: "DE",
        name: "Germany",
        regions: &[
            ("BW", "Baden-Württemberg"),
            ("BY", "Bavaria (Bayern)"),
            ("BE", "Berlin"),
            ("BB", "Brandenburg"),
            ("HB", "Bremen"),
            ("HH", "Hamburg"),
            ("HE", "Hesse (Hessen)"),
            ("MV", "Mecklenburg-Vorpommern"),
            ("NI", "Lower Saxony (Niedersachsen)"),
            ("NW", "North Rhine-Westphalia (Nordrhein-Westfalen)"),
            ("RP", "Rhineland-Palatinate (Rheinland-Pfalz)"),
            ("SL", "Saarland"),
            ("SN", "Saxony (Sachsen)"),
            ("ST", "Saxony-Anhalt (Sachsen-Anhalt)"),
            ("SH", "Schleswig-Holstein"),
            ("TH", "Thuringia (Thüringen)"),
        ],
    },
    Country {
        code: "AT",
        name: "Austria",
        regions: &[],
    },
    Country {
        code: "CH",
        name: "Switzerland",
        regions: &[
            ("ZH", "Zürich"),
            ("BE", "Bern"),
            ("BS", "Basel-Stadt"),
            ("GE", "Geneva (Genève)"),
            ("VD", "Vaud"),
        ],
    },
    Country {
        code: "FR",
        name: "France",
        regions: &[("ALSACE-MOSELLE", "Alsace and Moselle")],
    },
    Country {
        code: "ES",
        name: "Spain",
        regions: &[],
    },
    Country {
        code: "IT",
        name: "Italy",
        regions: &[],
    },
    Country {
        code: "NL",
        name: "Netherlands",
        regions: &[],
    },
    Country {
        code: "BE",
        name: "Belgium",
        regions: &[],
    },
    Country {
        code: "GB",
        name: "United Kingdom",
        regions: &[
            ("ENG", "England and Wales"),
            ("SCT", "Scotland"),
            ("NIR", "Northern Ireland"),
        ],
    },
    Country {
        code: "IE",
        name: "Ireland",
        regions: &[],
    },
    Country {
        code: "US",
        name: "United States (federal holidays)",
        regions: &[],
    },
];

/// The country with this ISO code (any case).
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code.trim()))
}

impl Country {
    /// The region with this code (any case).
    pub fn region(&self, code: &str) -> Option<(&'static str, &'static str)> {
        self.regions
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
            .copied()
    }

    /// "Germany, Bavaria (Bayern)" or "Germany (no Land chosen: only the nationwide days)".
    pub fn describe(&self, region: Option<&str>) -> String {
        match region.and_then(|r| self.region(r)) {
            Some((_, name)) => format!("{}, {name}", self.name),
            None if self.regions.is_empty() => self.name.to_string(),
            None => format!("{} (nationwide days only)", self.name),
        }
    }
}

/// The country a time zone suggests (setup's default answer), if it is one of [`COUNTRIES`].
pub fn country_for_time_zone(tz: &str) -> Option<&'static Country> {
    let code = match tz.trim() {
        "Europe/Berlin" | "Europe/Busingen" => "DE",
        "Europe/Vienna" => "AT",
        "Europe/Zurich" => "CH",
        "Europe/Paris" => "FR",
        "Europe/Madrid" | "Atlantic/Canary" | "Africa/Ceuta" => "ES",
        "Europe/Rome" => "IT",
        "Europe/Amsterdam" => "NL",
        "Europe/Brussels" => "BE",
        "Europe/London" | "Europe/Belfast" => "GB",
        "Europe/Dublin" => "IE",
        z if z.starts_with("America/New_York")
            || z.starts_with("America/Chicago")
            || z.starts_with("America/Denver")
            || z.starts_with("America/Los_Angeles")
            || z.starts_with("America/Phoenix")
            || z.starts_with("America/Anchorage")
            || z.starts_with("US/")
            || z == "Pacific/Honolulu" =>
        {
            "US"
        }
        _ => return None,
    };
    country(code)
}

/// Easter Sunday of `year` in the Gregorian calendar (the anonymous Gregorian algorithm,
/// "Meeus/Jones/Butcher"). `None` only for years chrono cannot represent.
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The `n`th (1-based) `weekday` of a month.
fn nth(year: i32, month: u32, weekday: Weekday, n: u32) -> Option<NaiveDate> {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, u8::try_from(n).ok()?)
}

/// The last `weekday` of a month.
fn last(year: i32, month: u32, weekday: Weekday) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let mut d = first_next.pred_opt()?;
    while d.weekday() != weekday {
        d = d.pred_opt()?;
    }
    Some(d)
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// British and Irish substitute days: a holiday on a weekend moves to the next weekday that
/// is not already a holiday (Christmas on Saturday: Monday 27th, Boxing Day Tuesday 28th).
fn substitute(days: &mut Vec<(NaiveDate, &'static str)>) {
    days.sort();
    let mut taken: Vec<NaiveDate> = days.iter().map(|(d, _)| *d).collect();
    for (date, _) in days.iter_mut() {
        if is_weekend(*date) {
            let mut d = *date;
            while is_weekend(d) || taken.contains(&d) {
                match d.succ_opt() {
                    Some(next) => d = next,
                    None => break,
                }
            }
            taken.push(d);
            *date = d;
        }
    }
}

/// US federal "observed" days: Saturday's holiday on the Friday before, Sunday's on Monday.
fn observed_us(d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat => d - Duration::days(1),
        Weekday::Sun => d + Duration::days(1),
        _ => d,
    }
}

/// The public holidays of `country` (and `region`) in `year`, sorted, each with its English
/// name. Errors name the unknown country or region in one sentence.
pub fn holidays(
    country_code: &str,
    region: Option<&str>,
    year: i32,
) -> Result<Vec<(NaiveDate, &'static str)>, String> {
    let c = country(country_code).ok_or_else(|| {
        format!(
            "country = {country_code:?} is not one setup has holidays for; use one of {} (or leave it out and list holidays yourself)",
            COUNTRIES.iter().map(|c| c.code).collect::<Vec<_>>().join(", ")
        )
    })?;
    let region = match region.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(r) => Some(c.region(r).map(|(code, _)| code).ok_or_else(|| {
            if c.regions.is_empty() {
                format!(
                    "region = {r:?}: setup has no regional holidays for {}; leave region out",
                    c.name
                )
            } else {
                format!(
                    "region = {r:?} is not a region of {} setup knows; use one of {}",
                    c.name,
                    c.regions
                        .iter()
                        .map(|(r, _)| *r)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        })?),
    };
    let bad_year = || format!("cannot compute holidays for the year {year}");
    let e = easter(year).ok_or_else(bad_year)?;
    let ymd = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d);
    let easter_plus = |n: i64| Some(e + Duration::days(n));
    let mut days: Vec<(Option<NaiveDate>, &'static str)> = Vec::new();
    let mut add = |d: Option<NaiveDate>, name: &'static str| days.push((d, name));
    let in_region = |list: &[&str]| region.is_some_and(|r| list.contains(&r));
    match c.code {
        "DE" => {
            add(ymd(1, 1), "New Year's Day");
            if in_region(&["BW", "BY", "ST"]) {
                add(ymd(1, 6), "Epiphany");
            }
            if in_region(&["BE"]) || (in_region(&["MV"]) && year >= 2023) {
                add(ymd(3, 8), "International Women's Day");
            }
            add(easter_plus(-2), "Good Friday");
            if in_region(&["BB"]) {
                add(easter_plus(0), "Easter Sunday");
            }
            add(easter_plus(1), "Easter Monday");
            add(ymd(5, 1), "Labour Day");
            add(easter_plus(39), "Ascension Day");
            if in_region(&["BB"]) {
                add(easter_plus(49), "Whit Sunday");
            }
            add(easter_plus(50), "Whit Monday");
            if in_region(&["BW", "BY", "HE", "NW", "RP", "SL"]) {
                add(easter_plus(60), "Corpus Christi");
            }
            if in_region(&["BY", "SL"]) {
                add(ymd(8, 15), "Assumption Day");
            }
            if in_region(&["TH"]) {
                add(ymd(9, 20), "World Children's Day");
            }
            add(ymd(10, 3), "Day of German Unity");
            if in_region(&["BB", "HB", "HH", "MV", "NI", "SN", "ST", "SH", "TH"]) {
                add(ymd(10, 31), "Reformation Day");
            }
            if in_region(&["BW", "BY", "NW", "RP", "SL"]) {
                add(ymd(11, 1), "All Saints' Day");
            }
            if in_region(&["SN"]) {
                // The Wednesday before 23 November.
                let mut d = ymd(11, 22).ok_or_else(bad_year)?;
                while d.weekday() != Weekday::Wed {
                    d = d.pred_opt().ok_or_else(bad_year)?;
                }
                add(Some(d), "Day of Repentance and Prayer");
            }
            add(ymd(12, 25), "Christmas Day");
            add(ymd(12, 26), "St Stephen's Day");
        }
        "AT" => {
            add(ymd(1, 1), "New Year's Day");
            add(ymd(1, 6), "Epiphany");
            add(easter_plus(1), "Easter Monday");
            add(ymd(5, 1), "Labour Day");
            add(easter_plus(39), "Ascension Day");
            add(easter_plus(50), "Whit Monday");
            add(easter_plus(60), "Corpus Christi");
            add(ymd(8, 15), "Assumption Day");
            add(ymd(10, 26), "National Day");
            add(ymd(11, 1), "All Saints' Day");
            add(ymd(12, 8), "Immaculate Conception");
            add(ymd(12, 25), "Christmas Day");
            add(ymd(12, 26), "St Stephen's Day");
        }
        "CH" => {
            add(ymd(1, 1), "New Year's Day");
            if in_region(&["ZH", "BE", "VD"]) {
                add(ymd(1, 2), "Berchtold's Day");
            }
            if region.is_some() {
                add(easter_plus(-2), "Good Friday");
                add(easter_plus(1), "Easter Monday");
            }
            if in_region(&["ZH", "BS"]) {
                add(ymd(5, 1), "Labour Day");
            }
            add(easter_plus(39), "Ascension Day");
            if region.is_some() {
                add(easter_plus(50), "Whit Monday");
            }
            add(ymd(8, 1), "Swiss National Day");
            if in_region(&["GE"]) {
                // The Thursday after the first Sunday of September.
                add(
                    nth(year, 9, Weekday::Sun, 1).map(|d| d + Duration::days(4)),
                    "Geneva Fast",
                );
            }
            if in_region(&["VD"]) {
                // The Monday after the third Sunday of September.
                add(
                    nth(year, 9, Weekday::Sun, 3).map(|d| d + Duration::days(1)),
                    "Federal Fast Monday",
                );
            }
            add(ymd(12, 25), "Christmas Day");
            if in_region(&["ZH", "BE", "BS"]) {
                add(ymd(12, 26), "St Stephen's Day");
            }
            if in_region(&["GE"]) {
                add(ymd(12, 31), "Restoration of the Republic");
            }
        }
        "FR" => {
            add(ymd(1, 1), "New Year's Day");
            if region.is_some() {
                add(easter_plus(-2), "Good Friday");
            }
            add(easter_plus(1), "Easter Monday");
            add(ymd(5, 1), "Labour Day");
            add(ymd(5, 8), "Victory in Europe Day");
            add(easter_plus(39), "Ascension Day");
            add(easter_plus(50), "Whit Monday");
            add(ymd(7, 14), "Bastille Day");
            add(ymd(8, 15), "Assumption Day");
            add(ymd(11, 1), "All Saints' Day");
            add(ymd(11, 11), "Armistice Day");
            add(ymd(12, 25), "Christmas Day");
            if region.is_some() {
                add(ymd(12, 26), "St Stephen's Day");
            }
        }
        "ES" => {
            add(ymd(1, 1), "New Year's Day");
            add(ymd(1, 6), "Epiphany");
            add(easter_plus(-2), "Good Friday");
            add(ymd(5, 1), "Labour Day");
            add(ymd(8, 15), "Assumption Day");
            add(ymd(10, 12), "National Day of Spain");
            add(ymd(11, 1), "All Saints' Day");
            add(ymd(12, 6), "Constitution Day");
            add(ymd(12, 8), "Immaculate Conception");
            add(ymd(12, 25), "Christmas Day");
        }
        "IT" => {
            add(ymd(1, 1), "New Year's Day");
            add(ymd(1, 6), "Epiphany");
            add(easter_plus(1), "Easter Monday");
            add(ymd(4, 25), "Liberation Day");
            add(ymd(5, 1), "Labour Day");
            add(ymd(6, 2), "Republic Day");
            add(ymd(8, 15), "Assumption Day");
            if year >= 2026 {
                add(ymd(10, 4), "St Francis of Assisi");
            }
            add(ymd(11, 1), "All Saints' Day");
            add(ymd(12, 8), "Immaculate Conception");
            add(ymd(12, 25), "Christmas Day");
            add(ymd(12, 26), "St Stephen's Day");
        }
        "NL" => {
            add(ymd(1, 1), "New Year's Day");
            add(easter_plus(1), "Easter Monday");
            let kings = ymd(4, 27).ok_or_else(bad_year)?;
            add(
                Some(if kings.weekday() == Weekday::Sun {
                    kings - Duration::days(1)
                } else {
                    kings
                }),
                "King's Day",
            );
            if year % 5 == 0 {
                add(ymd(5, 5), "Liberation Day");
            }
            add(easter_plus(39), "Ascension Day");
            add(easter_plus(50), "Whit Monday");
            add(ymd(12, 25), "Christmas Day");
            add(ymd(12, 26), "Boxing Day");
        }
        "BE" => {
            add(ymd(1, 1), "New Year's Day");
            add(easter_plus(1), "Easter Monday");
            add(ymd(5, 1), "Labour Day");
            add(easter_plus(39), "Ascension Day");
            add(easter_plus(50), "Whit Monday");
            add(ymd(7, 21), "Belgian National Day");
            add(ymd(8, 15), "Assumption Day");
            add(ymd(11, 1), "All Saints' Day");
            add(ymd(11, 11), "Armistice Day");
            add(ymd(12, 25), "Christmas Day");
        }
        "GB" => {
            let scotland = in_region(&["SCT"]);
            let mut fixed = vec![(ymd(1, 1).ok_or_else(bad_year)?, "New Year's Day")];
            if scotland {
                fixed.push((ymd(1, 2).ok_or_else(bad_year)?, "2nd January"));
            }
            if in_region(&["NIR"]) {
                fixed.push((ymd(3, 17).ok_or_else(bad_year)?, "St Patrick's Day"));
                fixed.push((ymd(7, 12).ok_or_else(bad_year)?, "Battle of the Boyne"));
            }
            if scotland {
                fixed.push((ymd(11, 30).ok_or_else(bad_year)?, "St Andrew's Day"));
            }
            fixed.push((ymd(12, 25).ok_or_else(bad_year)?, "Christmas Day"));
            fixed.push((ymd(12, 26).ok_or_else(bad_year)?, "Boxing Day"));
            substitute(&mut fixed);
            for (d, name) in fixed {
                add(Some(d), name);
            }
            add(easter_plus(-2), "Good Friday");
            if !scotland {
                add(easter_plus(1), "Easter Monday");
            }
            add(nth(year, 5, Weekday::Mon, 1), "Early May bank holiday");
            add(last(year, 5, Weekday::Mon), "Spring bank holiday");
            if scotland {
                add(nth(year, 8, Weekday::Mon, 1), "Summer bank holiday");
            } else {
                add(last(year, 8, Weekday::Mon), "Summer bank holiday");
            }
        }
        "IE" => {
            let mut fixed = vec![
                (ymd(1, 1).ok_or_else(bad_year)?, "New Year's Day"),
                (ymd(3, 17).ok_or_else(bad_year)?, "St Patrick's Day"),
                (ymd(12, 25).ok_or_else(bad_year)?, "Christmas Day"),
                (ymd(12, 26).ok_or_else(bad_year)?, "St Stephen's Day"),
            ];
            substitute(&mut fixed);
            for (d, name) in fixed {
                add(Some(d), name);
            }
            if year >= 2023 {
                // The first Monday of February, or 1 February when that is a Friday.
                let first = ymd(2, 1).ok_or_else(bad_year)?;
                add(
                    if first.weekday() == Weekday::Fri {
                        Some(first)
                    } else {
                        nth(year, 2, Weekday::Mon, 1)
                    },
                    "St Brigid's Day",
                );
            }
            add(easter_plus(1), "Easter Monday");
            add(nth(year, 5, Weekday::Mon, 1), "May bank holiday");
            add(nth(year, 6, Weekday::Mon, 1), "June bank holiday");
            add(nth(year, 8, Weekday::Mon, 1), "August bank holiday");
            add(last(year, 10, Weekday::Mon), "October bank holiday");
        }
        "US" => {
            add(ymd(1, 1).map(observed_us), "New Year's Day");
            add(nth(year, 1, Weekday::Mon, 3), "Martin Luther King Jr. Day");
            add(nth(year, 2, Weekday::Mon, 3), "Washington's Birthday");
            add(last(year, 5, Weekday::Mon), "Memorial Day");
            add(ymd(6, 19).map(observed_us), "Juneteenth");
            add(ymd(7, 4).map(observed_us), "Independence Day");
            add(nth(year, 9, Weekday::Mon, 1), "Labor Day");
            add(nth(year, 10, Weekday::Mon, 2), "Columbus Day");
            add(ymd(11, 11).map(observed_us), "Veterans Day");
            add(nth(year, 11, Weekday::Thu, 4), "Thanksgiving Day");
            add(ymd(12, 25).map(observed_us), "Christmas Day");
        }
        _ => {}
    }
    let mut out = Vec::with_capacity(days.len());
    for (d, name) in days {
        out.push((d.ok_or_else(bad_year)?, name));
    }
    out.sort();
    out.dedup_by_key(|(d, _)| *d);
    Ok(out)
}

/// The holidays setup writes: whose, for which years, and the days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayPlan {
    /// "Germany, Bavaria (Bayern)".
    pub place: String,
    /// `country = "DE", region = "BY"`, as the answers file would say it.
    pub answer: String,
    pub first_year: i32,
    pub last_year: i32,
    pub days: Vec<(NaiveDate, &'static str)>,
}

/// The holidays of `country` (and `region`) for `year` and the next; `None` when no country
/// was given. A region without a country is an error.
pub fn plan(
    country_code: Option<&str>,
    region: Option<&str>,
    year: i32,
) -> Result<Option<HolidayPlan>, String> {
    let region = region.map(str::trim).filter(|r| !r.is_empty());
    let Some(code) = country_code.map(str::trim).filter(|c| !c.is_empty()) else {
        return match region {
            Some(r) => Err(format!(
                "region = {r:?} needs the country it is in; add country = \"DE\" (or the shop's country)"
            )),
            None => Ok(None),
        };
    };
    let mut days = holidays(code, region, year)?;
    days.extend(holidays(code, region, year + 1)?);
    let c = country(code).ok_or_else(|| format!("country = {code:?} is not known"))?;
    let region_code = region.and_then(|r| c.region(r)).map(|(r, _)| r);
    Ok(Some(HolidayPlan {
        place: c.describe(region_code),
        answer: match region_code {
            Some(r) => format!("country = \"{}\", region = \"{r}\"", c.code),
            None => format!("country = \"{}\"", c.code),
        },
        first_year: year,
        last_year: year + 1,
        days,
    }))
}

#[cfg(test)]
mod tests;
