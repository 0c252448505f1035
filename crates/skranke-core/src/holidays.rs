//! Norwegian public holidays (helligdager and 1 and 17 May), valid for any
//! Gregorian year.

use jiff::civil::Date;

/// Easter Sunday of the Gregorian calendar (the anonymous algorithm of
/// Meeus/Jones/Butcher), valid for every Gregorian year.
pub fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
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
    // Month is 3 or 4 and day 1..=31 by construction of the algorithm.
    Date::constant(year, month as i8, day as i8)
}

/// The twelve Norwegian public holidays (helligdager plus 1 and 17 May) of a year.
pub fn norwegian_holidays(year: i16) -> [Date; 12] {
    let e = easter_sunday(year);
    let rel = |days: i32| e.checked_add(jiff::Span::new().days(days)).unwrap_or(e);
    [
        Date::constant(year, 1, 1),
        rel(-3),
        rel(-2),
        e,
        rel(1),
        Date::constant(year, 5, 1),
        Date::constant(year, 5, 17),
        rel(39),
        rel(49),
        rel(50),
        Date::constant(year, 12, 25),
        Date::constant(year, 12, 26),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn easter_matches_known_dates() {
        for (y, m, d) in [
            (2000, 4, 23),
            (2008, 3, 23),
            (2019, 4, 21),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(y), Date::constant(y, m, d), "{y}");
        }
    }

    #[test]
    fn easter_2027_holidays() {
        let h = norwegian_holidays(2027);
        assert!(h.contains(&Date::constant(2027, 3, 25)));
        assert!(h.contains(&Date::constant(2027, 3, 26)));
        assert!(h.contains(&Date::constant(2027, 3, 29)));
        assert!(h.contains(&Date::constant(2027, 5, 6)));
        assert!(h.contains(&Date::constant(2027, 5, 17)));
        assert!(!h.contains(&Date::constant(2027, 12, 24)));
    }
}
