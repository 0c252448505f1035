//! Calendars: which instants are open. `business` is the opening hours in
//! local time minus Norwegian public holidays and configured closed dates;
//! `always` is open around the clock. `add` and `open_time` are exact to the
//! second and never step through time: the business calendar keeps, per
//! local year, the sorted open intervals in UTC seconds and their running
//! sums, so both are a binary search or two (plus one step per year crossed).

use crate::holidays::norwegian_holidays;
use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use std::sync::{Arc, OnceLock};

/// Opening hours per weekday (Monday first; several intervals a day are
/// allowed, e.g. a lunch closure), with extra closed and open dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningHours {
    pub tz: TimeZone,
    pub weekly: [Vec<(Time, Time)>; 7],
    pub extra_closed: Vec<Date>,
    pub extra_open: Vec<Date>,
}

impl OpeningHours {
    pub fn is_working_day(&self, date: Date) -> bool {
        if self.extra_open.contains(&date) {
            return true;
        }
        if self.extra_closed.contains(&date) || norwegian_holidays(date.year()).contains(&date) {
            return false;
        }
        !self.weekly[weekday_index(date.weekday())].is_empty()
    }

    /// The open intervals of a date. An extra open date on a day with no
    /// weekly hours uses the first weekday that has hours.
    pub fn hours_on(&self, date: Date) -> &[(Time, Time)] {
        if !self.is_working_day(date) {
            return &[];
        }
        let own = &self.weekly[weekday_index(date.weekday())];
        if own.is_empty() {
            self.weekly
                .iter()
                .find(|h| !h.is_empty())
                .map_or(&[], Vec::as_slice)
        } else {
            own
        }
    }

    pub fn is_open(&self, at: Timestamp) -> bool {
        let local = at.to_zoned_datetime(self.tz.clone());
        let time = local.time();
        self.hours_on(local.date())
            .iter()
            .any(|(start, end)| time >= *start && time < *end)
    }
}

fn weekday_index(w: Weekday) -> usize {
    w.to_monday_zero_offset() as usize
}

/// How long something is, in the words of the clock that counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Minutes(i64),
    /// Hours and minutes.
    Hours(i64, i64),
    /// Whole days and the hours over; `working` days on opening hours.
    Days {
        days: i64,
        hours: i64,
        working: bool,
    },
}

/// A calendar to count clock time in.
#[derive(Debug, Clone)]
pub enum Calendar {
    Always,
    Business(Arc<BusinessCalendar>),
}

impl Calendar {
    /// The earliest instant `t >= start` such that the open time in
    /// `[start, t)` equals `seconds`. Zero gives `start` itself.
    pub fn add(&self, start: i64, seconds: i64) -> i64 {
        match self {
            Calendar::Always => start + seconds.max(0),
            Calendar::Business(b) => b.add(start, seconds),
        }
    }

    /// Open seconds in `[from, to)`; zero when `to <= from`.
    pub fn open_time(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        match self {
            Calendar::Always => to - from,
            Calendar::Business(b) => b.open_time(from, to),
        }
    }

    /// The open time of a full day: 24 hours around the clock, the longest
    /// opening of the week on opening hours.
    pub fn day_length(&self) -> i64 {
        match self {
            Calendar::Always => 86_400,
            Calendar::Business(b) => b
                .hours
                .weekly
                .iter()
                .map(|day| {
                    day.iter()
                        .map(|(a, b)| a.duration_until(*b).as_secs())
                        .sum::<i64>()
                })
                .max()
                .filter(|s| *s > 0)
                .unwrap_or(86_400),
        }
    }

    /// An amount of this calendar's time as a person reads it at a glance:
    /// minutes under an hour, hours and minutes under a day, whole days
    /// (working days on opening hours) after that.
    pub fn span(&self, seconds: i64) -> Span {
        let s = seconds.max(0);
        let day = self.day_length();
        let working = matches!(self, Calendar::Business(_));
        if s < 3600 {
            Span::Minutes((s + 59) / 60)
        } else if s < day {
            let m = s / 60;
            Span::Hours(m / 60, m % 60)
        } else {
            Span::Days {
                days: s / day,
                hours: (s % day) / 3600,
                working,
            }
        }
    }

    pub fn add_ts(&self, start: Timestamp, seconds: i64) -> Timestamp {
        from_secs(self.add(start.as_second(), seconds))
    }

    pub fn open_time_ts(&self, from: Timestamp, to: Timestamp) -> i64 {
        self.open_time(from.as_second(), to.as_second())
    }
}

pub fn from_secs(s: i64) -> Timestamp {
    Timestamp::from_second(s).unwrap_or(Timestamp::MAX)
}

/// Years whose tables are cached; others are computed on demand.
const FIRST_YEAR: i16 = 1800;
const LAST_YEAR: i16 = 2400;

/// One local year's open intervals, in UTC seconds.
#[derive(Debug)]
struct YearTable {
    starts: Vec<i64>,
    ends: Vec<i64>,
    /// Open seconds from the year's start to the end of interval `i`.
    cum_end: Vec<i64>,
}

impl YearTable {
    fn total(&self) -> i64 {
        self.cum_end.last().copied().unwrap_or(0)
    }

    /// Open seconds from the start of the year up to `t`.
    fn cum(&self, t: i64) -> i64 {
        let i = self.ends.partition_point(|e| *e <= t);
        let before = if i == 0 { 0 } else { self.cum_end[i - 1] };
        match self.starts.get(i) {
            Some(s) if *s < t => before + (t - s),
            _ => before,
        }
    }

    /// The instant at which the year's open time reaches `target`
    /// (0 < target <= total).
    fn instant_at(&self, target: i64) -> i64 {
        let i = self.cum_end.partition_point(|c| *c < target);
        self.ends[i] - (self.cum_end[i] - target)
    }
}

/// The business calendar with its per-year tables.
#[derive(Debug)]
pub struct BusinessCalendar {
    hours: OpeningHours,
    /// UTC second of local midnight, 1 January, for FIRST_YEAR..=LAST_YEAR + 1.
    year_starts: Vec<i64>,
    years: Vec<OnceLock<YearTable>>,
}

fn local_midnight_jan1(tz: &TimeZone, year: i16) -> i64 {
    tz.to_timestamp(Date::constant(year, 1, 1).to_datetime(Time::midnight()))
        .map_or(0, Timestamp::as_second)
}

impl BusinessCalendar {
    pub fn new(hours: OpeningHours) -> BusinessCalendar {
        let year_starts = (FIRST_YEAR..=LAST_YEAR + 1)
            .map(|y| local_midnight_jan1(&hours.tz, y))
            .collect();
        let years = (FIRST_YEAR..=LAST_YEAR).map(|_| OnceLock::new()).collect();
        BusinessCalendar {
            hours,
            year_starts,
            years,
        }
    }

    pub fn hours(&self) -> &OpeningHours {
        &self.hours
    }

    fn build(&self, year: i16) -> YearTable {
        let mut t = YearTable {
            starts: Vec::new(),
            ends: Vec::new(),
            cum_end: Vec::new(),
        };
        let mut date = Date::constant(year, 1, 1);
        let mut total = 0;
        while date.year() == year {
            for (open, close) in self.hours.hours_on(date) {
                let at = |time: Time| {
                    self.hours
                        .tz
                        .to_timestamp(date.to_datetime(time))
                        .map_or(0, Timestamp::as_second)
                };
                let (s, e) = (at(*open), at(*close));
                if e > s {
                    total += e - s;
                    t.starts.push(s);
                    t.ends.push(e);
                    t.cum_end.push(total);
                }
            }
            match date.tomorrow() {
                Ok(d) => date = d,
                Err(_) => break,
            }
        }
        t
    }

    /// The local year an instant falls in.
    fn year_of(&self, t: i64) -> i16 {
        let i = self.year_starts.partition_point(|s| *s <= t);
        if i == 0 || i == self.year_starts.len() {
            from_secs(t).to_zoned_datetime(self.hours.tz.clone()).year()
        } else {
            FIRST_YEAR + (i as i16 - 1)
        }
    }

    fn with_year<R>(&self, year: i16, f: impl FnOnce(&YearTable) -> R) -> R {
        if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
            f(self.years[(year - FIRST_YEAR) as usize].get_or_init(|| self.build(year)))
        } else {
            f(&self.build(year))
        }
    }

    pub fn add(&self, start: i64, seconds: i64) -> i64 {
        if seconds <= 0 {
            return start;
        }
        let mut year = self.year_of(start);
        let mut target = self.with_year(year, |t| t.cum(start)) + seconds;
        loop {
            let found = self.with_year(year, |t| {
                if target <= t.total() {
                    Ok(t.instant_at(target))
                } else {
                    Err(t.total())
                }
            });
            match found {
                Ok(instant) => return instant,
                Err(total) => {
                    target -= total;
                    if year == i16::MAX {
                        return i64::MAX;
                    }
                    year += 1;
                }
            }
        }
    }

    pub fn open_time(&self, from: i64, to: i64) -> i64 {
        if to <= from {
            return 0;
        }
        let (y1, y2) = (self.year_of(from), self.year_of(to));
        if y1 == y2 {
            return self.with_year(y1, |t| t.cum(to) - t.cum(from));
        }
        let mut sum = self.with_year(y1, |t| t.total() - t.cum(from));
        for y in y1 + 1..y2 {
            sum += self.with_year(y, YearTable::total);
        }
        sum + self.with_year(y2, |t| t.cum(to))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn at(s: &str) -> i64 {
        s.parse::<jiff::ZonedDateTime>()
            .map(|z| z.timestamp().as_second())
            .or_else(|_| s.parse::<Timestamp>().map(Timestamp::as_second))
            .unwrap()
    }

    #[test]
    fn default_hours_open_and_close_in_local_time() {
        let hours = Config::default().opening_hours().unwrap();
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        // Tuesday 1 Dec 2026, UTC+1.
        assert!(!hours.is_open(at("2026-12-01T06:59:59Z")));
        assert!(hours.is_open(at("2026-12-01T07:00:00Z")));
        assert!(hours.is_open(at("2026-12-01T14:29:59Z")));
        assert!(!hours.is_open(at("2026-12-01T14:30:00Z")));
        // July is UTC+2: 08:00 local is 06:00Z.
        assert!(hours.is_open(at("2026-07-01T06:00:00Z")));
        // Saturday, Christmas Day, and Christmas Eve (an ordinary working day).
        assert!(!hours.is_open(at("2026-12-05T10:00:00Z")));
        assert!(!hours.is_open(at("2026-12-25T10:00:00Z")));
        assert!(hours.is_open(at("2026-12-24T10:00:00Z")));
    }

    #[test]
    fn spans_read_as_minutes_hours_or_days_of_the_clock() {
        let cal = Config::default().business_calendar().unwrap();
        assert_eq!(cal.day_length(), 27_000, "08:00–15:30");
        assert_eq!(cal.span(0), Span::Minutes(0));
        assert_eq!(cal.span(61), Span::Minutes(2), "a started minute counts");
        assert_eq!(cal.span(3 * 3600 + 15 * 60), Span::Hours(3, 15));
        assert_eq!(
            cal.span(2 * 27_000 + 3 * 3600),
            Span::Days {
                days: 2,
                hours: 3,
                working: true
            }
        );
        // "148 t" of opening hours is nearly 20 working days.
        assert!(matches!(cal.span(148 * 3600), Span::Days { days: 19, .. }));
        assert_eq!(
            Calendar::Always.span(3 * 86_400),
            Span::Days {
                days: 3,
                hours: 0,
                working: false
            }
        );
        assert_eq!(Calendar::Always.span(23 * 3600), Span::Hours(23, 0));
        assert_eq!(cal.span(-5), Span::Minutes(0));
    }

    #[test]
    fn business_add_uses_up_time_exactly_at_closing() {
        let cal = Config::default().business_calendar().unwrap();
        // Sat 2026-12-05 12:00: counting starts Monday 08:00; 3 days end Wed 15:30.
        assert_eq!(
            cal.add(at("2026-12-05T11:00:00Z"), 3 * 27_000),
            at("2026-12-09T14:30:00Z")
        );
        // 0 gives the start, even when closed.
        assert_eq!(
            cal.add(at("2026-12-05T11:00:00Z"), 0),
            at("2026-12-05T11:00:00Z")
        );
        // Across New Year: Thu 31 Dec 15:00 + 1 h → Mon 4 Jan 2027 08:30 (1 Jan holiday, 2–3 weekend).
        assert_eq!(
            cal.add(at("2026-12-31T14:00:00Z"), 3600),
            at("2027-01-04T07:30:00Z")
        );
        assert_eq!(
            cal.open_time(at("2026-12-31T14:00:00Z"), at("2027-01-04T07:30:00Z")),
            3600
        );
    }

    #[test]
    fn dst_days_keep_local_opening_hours() {
        let cal = Config::default().business_calendar().unwrap();
        // Mon 30 Mar 2026 (CEST): 08:00 local is 06:00Z.
        assert_eq!(
            cal.add(at("2026-03-27T14:00:00Z"), 3600),
            at("2026-03-30T06:30:00Z")
        );
        // A whole working week is 5 × 7.5 h whatever the offset.
        assert_eq!(
            cal.open_time(at("2026-03-23T00:00:00Z"), at("2026-03-30T00:00:00Z")),
            5 * 27_000
        );
    }

    #[test]
    fn far_years_work() {
        let cal = Config::default().business_calendar().unwrap();
        // 1 May 1900 and 17 May 1900 are closed by the rules, as every year.
        let may1 = at("1900-05-01T09:00:00Z");
        assert_eq!(cal.open_time(may1, may1 + 3600), 0);
        // Outside the cached years the answer is still computed.
        let t = at("2600-06-01T08:00:00Z");
        assert!(cal.add(t, 3600) > t);
        assert_eq!(cal.open_time(t, cal.add(t, 3600)), 3600);
    }
}
