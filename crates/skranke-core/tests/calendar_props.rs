//! Properties of `add` and `open_time`, and agreement with a slow,
//! obviously-correct reference that walks the calendar day by day.

use jiff::Timestamp;
use jiff::civil::Date;
use proptest::prelude::*;
use skranke_core::calendar::{Calendar, OpeningHours};
use skranke_core::config::Config;

/// Unix seconds from 1900-01-01 to 2200-12-31.
const MIN: i64 = -2_208_988_800;
const MAX: i64 = 7_289_654_400;
const MAX_DUR: i64 = 40 * 27_000;

fn config() -> Config {
    Config::default()
}

fn lunch_config() -> Config {
    let mut c = Config::default();
    c.calendar
        .opening_hours
        .insert("friday".into(), "08:00-11:30, 12:00-14:00".into());
    c.calendar.extra_closed = vec![Date::constant(2026, 12, 24), Date::constant(2031, 12, 31)];
    c.calendar.extra_open = vec![Date::constant(2026, 12, 5)];
    c
}

fn intervals_on(h: &OpeningHours, date: Date) -> Vec<(i64, i64)> {
    h.hours_on(date)
        .iter()
        .map(|(o, c)| {
            let at = |t| h.tz.to_timestamp(date.to_datetime(t)).unwrap().as_second();
            (at(*o), at(*c))
        })
        .collect()
}

fn local_date(h: &OpeningHours, t: i64) -> Date {
    Timestamp::from_second(t)
        .unwrap()
        .to_zoned_datetime(h.tz.clone())
        .date()
}

fn ref_open_time(h: &OpeningHours, from: i64, to: i64) -> i64 {
    if to <= from {
        return 0;
    }
    let mut date = local_date(h, from).yesterday().unwrap();
    let last = local_date(h, to).tomorrow().unwrap();
    let mut sum = 0;
    while date <= last {
        for (s, e) in intervals_on(h, date) {
            sum += (e.min(to) - s.max(from)).max(0);
        }
        date = date.tomorrow().unwrap();
    }
    sum
}

fn ref_add(h: &OpeningHours, start: i64, mut d: i64) -> i64 {
    if d == 0 {
        return start;
    }
    let mut date = local_date(h, start).yesterday().unwrap();
    loop {
        for (s, e) in intervals_on(h, date) {
            let s = s.max(start);
            if e <= s {
                continue;
            }
            if d <= e - s {
                return s + d;
            }
            d -= e - s;
        }
        date = date.tomorrow().unwrap();
    }
}

fn cal_and_hours(c: &Config) -> (Calendar, OpeningHours) {
    (c.business_calendar().unwrap(), c.opening_hours().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn agrees_with_the_reference(start in MIN..MAX, d in 0..MAX_DUR, lunch in any::<bool>()) {
        let (cal, hours) = cal_and_hours(&if lunch { lunch_config() } else { config() });
        let t = cal.add(start, d);
        prop_assert_eq!(t, ref_add(&hours, start, d));
        prop_assert_eq!(cal.open_time(start, t), ref_open_time(&hours, start, t));
        let other = start + d * 3;
        prop_assert_eq!(cal.open_time(start, other), ref_open_time(&hours, start, other));
    }

    #[test]
    fn add_is_monotonic(start in MIN..MAX, a in 0..MAX_DUR, b in 0..MAX_DUR) {
        let (cal, _) = cal_and_hours(&config());
        let (lo, hi) = (a.min(b), a.max(b));
        prop_assert!(cal.add(start, lo) <= cal.add(start, hi));
        prop_assert!(cal.add(start, lo) <= cal.add(start + 1, lo));
    }

    #[test]
    fn add_composes_inside_opening_hours(day in 0i64..100_000, offset in 0..27_000i64, a in 0..MAX_DUR, b in 0..MAX_DUR) {
        let (cal, _) = cal_and_hours(&config());
        // An instant inside opening hours: some open second after a random day.
        let start = cal.add(MIN + day * 86_400, 1) - 1 + offset.min(100);
        prop_assume!(cal.open_time(start, start + 1) == 1);
        prop_assert_eq!(cal.add(cal.add(start, a), b), cal.add(start, a + b));
    }

    #[test]
    fn open_time_inverts_add(start in MIN..MAX, d in 0..MAX_DUR) {
        let (cal, _) = cal_and_hours(&lunch_config());
        prop_assert_eq!(cal.open_time(start, cal.add(start, d)), d);
    }

    #[test]
    fn deadlines_never_land_in_closed_time(start in MIN..MAX, d in 1..MAX_DUR) {
        let (cal, _) = cal_and_hours(&lunch_config());
        let t = cal.add(start, d);
        // The second before the deadline was open: it ends open time, at the latest at closing.
        prop_assert_eq!(cal.open_time(t - 1, t), 1);
    }

    #[test]
    fn always_is_plain_arithmetic(start in MIN..MAX, d in 0..MAX_DUR) {
        prop_assert_eq!(Calendar::Always.add(start, d), start + d);
        prop_assert_eq!(Calendar::Always.open_time(start, start + d), d);
    }
}

#[test]
fn holidays_hold_in_every_year_1900_to_2200() {
    let (cal, hours) = cal_and_hours(&config());
    for year in 1900..=2200i16 {
        for date in skranke_core::holidays::norwegian_holidays(year) {
            let noon = hours
                .tz
                .to_timestamp(date.to_datetime(jiff::civil::Time::constant(12, 0, 0, 0)))
                .unwrap()
                .as_second();
            assert_eq!(cal.open_time(noon - 3600, noon + 3600), 0, "{date}");
        }
        let e = skranke_core::holidays::easter_sunday(year);
        assert!(
            e >= Date::constant(year, 3, 22) && e <= Date::constant(year, 4, 25),
            "{e}"
        );
    }
}
