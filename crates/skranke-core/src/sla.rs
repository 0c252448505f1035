//! The SLA engine (`spec/sla.md`): the response and resolution clocks of a
//! case, their due instants, breaches and escalation levels, as a pure
//! function of the case's event history. The live system, the replay
//! command and reports all call `replay`.

use crate::calendar::Calendar;
use crate::config::{CalendarKey, Config, Finding};
use crate::{Channel, Priority, Status};

/// A clock's terms under one priority, in seconds of its calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTerms {
    pub calendar: CalendarKey,
    pub target: i64,
    pub thresholds: [i64; 3],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriorityTerms {
    pub response: ClockTerms,
    pub resolution: ClockTerms,
}

/// Everything the engine needs from the configuration.
#[derive(Debug, Clone)]
pub struct SlaPolicy {
    business: Calendar,
    terms: [PriorityTerms; 4],
    pausing: Vec<Status>,
}

fn index(p: Priority) -> usize {
    match p {
        Priority::Critical => 0,
        Priority::High => 1,
        Priority::Medium => 2,
        Priority::Low => 3,
    }
}

impl SlaPolicy {
    pub fn from_config(config: &Config) -> Result<SlaPolicy, Vec<Finding>> {
        let report = config.check();
        if !report.errors.is_empty() {
            return Err(report.errors);
        }
        let business = config.business_calendar()?;
        let terms = Priority::ALL.map(|p| {
            let pc = config.priority(p);
            let th = &config.escalation.thresholds[&p];
            let clock = |cal: CalendarKey,
                         target: crate::config::Amount,
                         levels: &[crate::config::Amount; 3]| {
                let day = config.day_seconds(cal);
                ClockTerms {
                    calendar: cal,
                    target: target.seconds(day),
                    thresholds: levels.map(|a| a.seconds(day)),
                }
            };
            PriorityTerms {
                response: clock(pc.response_calendar, pc.response, &th.response),
                resolution: clock(pc.resolution_calendar, pc.resolution, &th.resolution),
            }
        });
        Ok(SlaPolicy {
            business,
            terms,
            pausing: config.sla.pausing_statuses.clone(),
        })
    }

    pub fn terms(&self, p: Priority) -> PriorityTerms {
        self.terms[index(p)]
    }

    pub fn calendar(&self, key: CalendarKey) -> &Calendar {
        match key {
            CalendarKey::Business => &self.business,
            CalendarKey::Always => &Calendar::Always,
        }
    }

    pub fn is_pausing(&self, s: Status) -> bool {
        self.pausing.contains(&s)
    }
}

/// What happened to a case, as far as the clocks care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// An agent's reply to the requester: meets the response clock.
    PublicReply,
    InternalNote,
    /// The requester's own message: never meets the response clock.
    RequesterMessage,
    Status(Status),
    Priority(Priority),
    /// An agreed resolution deadline (unix seconds).
    AgreedDeadline(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    /// Unix seconds.
    pub at: i64,
    pub kind: EventKind,
}

/// A case's history: how it was registered and what happened since.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseHistory {
    pub registered_at: i64,
    pub priority: Priority,
    pub channel: Channel,
    pub events: Vec<Event>,
}

/// Bad replay input, naming the offending field as a path (`events[3].at`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct ReplayError {
    pub field: String,
    pub message: String,
}

impl CaseHistory {
    /// Checks ordering and deadlines; `until` defaults to the last event.
    pub fn check(&self, until: Option<i64>) -> Result<i64, ReplayError> {
        let mut prev = self.registered_at;
        for (i, e) in self.events.iter().enumerate() {
            if e.at < prev {
                return Err(ReplayError {
                    field: format!("events[{i}].at"),
                    message: if i == 0 {
                        "is before registered_at".into()
                    } else {
                        "is earlier than the event before it".into()
                    },
                });
            }
            if let EventKind::AgreedDeadline(d) = e.kind
                && d < e.at
            {
                return Err(ReplayError {
                    field: format!("events[{i}].deadline"),
                    message: "is earlier than the moment it is set".into(),
                });
            }
            prev = e.at;
        }
        match until {
            Some(u) if u < prev => Err(ReplayError {
                field: "until".into(),
                message: "is before the last event or registered_at".into(),
            }),
            Some(u) => Ok(u),
            None => Ok(prev),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    Response,
    Resolution,
}

/// One clock as it stands at the end of a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockOutcome {
    pub due: i64,
    pub met_at: Option<i64>,
    pub breached: bool,
    /// (level 1–3, instant reached), lowest level first.
    pub escalations: Vec<(u8, i64)>,
    /// Open time spent paused (resolution only), in the clock's calendar.
    pub paused_seconds: i64,
    /// Running at the end (not met, not paused).
    pub running: bool,
    pub paused: bool,
    /// Elapsed clock time at the end (at `met_at` if met).
    pub elapsed: i64,
    pub target: i64,
    pub calendar: CalendarKey,
    /// The next instant a level would be reached if nothing else happens.
    pub next_escalation: Option<i64>,
    /// The agreed deadline in force, if any.
    pub agreed_deadline: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlaOutcome {
    pub response: ClockOutcome,
    pub resolution: ClockOutcome,
}

impl SlaOutcome {
    /// The earliest instant at which the scheduler must look at this case again.
    pub fn next_escalation(&self) -> Option<i64> {
        match (
            self.response.next_escalation,
            self.resolution.next_escalation,
        ) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

fn cal_index(c: CalendarKey) -> usize {
    match c {
        CalendarKey::Business => 0,
        CalendarKey::Always => 1,
    }
}

const CALS: [CalendarKey; 2] = [CalendarKey::Business, CalendarKey::Always];

#[derive(Debug, Clone, Copy)]
struct Met {
    at: i64,
    due: i64,
    breached: bool,
    terms: ClockTerms,
    elapsed: i64,
    deadline: Option<i64>,
}

/// One clock during a replay.
#[derive(Debug, Clone)]
struct Clock {
    kind: ClockKind,
    /// Closed running intervals.
    runs: Vec<(i64, i64)>,
    run_start: Option<i64>,
    pause_start: Option<i64>,
    /// Elapsed over closed runs, per calendar.
    closed: [i64; 2],
    /// Elapsed over closed runs after the agreed deadline, per calendar.
    closed_after_d: [i64; 2],
    paused: [i64; 2],
    deadline: Option<i64>,
    met: Option<Met>,
    reached: [Option<i64>; 3],
    /// Levels whose instant is the current event instant: reached unless a
    /// later event at the same instant meets the clock.
    pending: [bool; 3],
}

impl Clock {
    fn new(kind: ClockKind, start: i64) -> Clock {
        Clock {
            kind,
            runs: Vec::new(),
            run_start: Some(start),
            pause_start: None,
            closed: [0; 2],
            closed_after_d: [0; 2],
            paused: [0; 2],
            deadline: None,
            met: None,
            reached: [None; 3],
            pending: [false; 3],
        }
    }

    fn stop_run(&mut self, p: &SlaPolicy, t: i64) {
        if let Some(s) = self.run_start.take() {
            for c in CALS {
                let cal = p.calendar(c);
                self.closed[cal_index(c)] += cal.open_time(s, t);
                if let Some(d) = self.deadline {
                    self.closed_after_d[cal_index(c)] += cal.open_time(s.max(d), t);
                }
            }
            self.runs.push((s, t));
        }
    }

    fn stop_pause(&mut self, p: &SlaPolicy, t: i64) {
        if let Some(s) = self.pause_start.take() {
            for c in CALS {
                self.paused[cal_index(c)] += p.calendar(c).open_time(s, t);
            }
        }
    }

    fn elapsed(&self, cal: &Calendar, ci: usize, t: i64) -> i64 {
        self.closed[ci] + self.run_start.map_or(0, |s| cal.open_time(s, t))
    }

    fn elapsed_after_d(&self, cal: &Calendar, ci: usize, d: i64, t: i64) -> i64 {
        self.closed_after_d[ci] + self.run_start.map_or(0, |s| cal.open_time(s.max(d), t))
    }

    /// The instant elapsed time (after `from`, if given) reaches `h`,
    /// looking at the past runs and, if running, the future.
    fn instant_reaching(&self, cal: &Calendar, from: Option<i64>, h: i64) -> Option<i64> {
        let mut acc = 0;
        for &(a, b) in &self.runs {
            let a = from.map_or(a, |d| a.max(d));
            if b <= a {
                continue;
            }
            let e = cal.open_time(a, b);
            if acc + e >= h {
                return Some(cal.add(a, h - acc));
            }
            acc += e;
        }
        self.run_start
            .map(|s| cal.add(from.map_or(s, |d| s.max(d)), h - acc))
    }

    /// When level `k` (0-based) is reached under `terms`, seen at `now`
    /// with the current state continuing; `None` if it never would be.
    fn level_instant(&self, p: &SlaPolicy, terms: &ClockTerms, k: usize, now: i64) -> Option<i64> {
        let cal = p.calendar(terms.calendar);
        let ci = cal_index(terms.calendar);
        if let Some(d) = self.deadline.filter(|_| self.kind == ClockKind::Resolution) {
            if k == 0 {
                return Some(d);
            }
            let need = terms.thresholds[k] - terms.thresholds[0];
            let e = self.elapsed_after_d(cal, ci, d, now);
            return if e >= need {
                self.instant_reaching(cal, Some(d), need)
            } else {
                self.run_start.map(|s| cal.add(now.max(d).max(s), need - e))
            };
        }
        let h = terms.thresholds[k];
        let e = self.elapsed(cal, ci, now);
        if e >= h {
            self.instant_reaching(cal, None, h)
        } else {
            self.run_start.map(|s| cal.add(now.max(s), h - e))
        }
    }

    /// Due and breach if judged at `t` under `terms`.
    fn judge(&self, p: &SlaPolicy, terms: &ClockTerms, t: i64) -> (i64, i64) {
        let cal = p.calendar(terms.calendar);
        let e = self.elapsed(cal, cal_index(terms.calendar), t);
        let due = match self.deadline.filter(|_| self.kind == ClockKind::Resolution) {
            Some(d) => d,
            None if e >= terms.target => {
                self.instant_reaching(cal, None, terms.target).unwrap_or(t)
            }
            None => cal.add(t, terms.target - e),
        };
        (due, e)
    }
}

struct Replay<'a> {
    p: &'a SlaPolicy,
    priority: Priority,
    status: Status,
    clocks: [Clock; 2],
}

impl Replay<'_> {
    fn terms(&self, c: usize) -> ClockTerms {
        let t = self.p.terms(self.priority);
        if c == 0 { t.response } else { t.resolution }
    }

    /// Levels whose instant falls in (from, to]: reached, or pending at `to`.
    fn scan(&mut self, from: i64, to: i64) {
        for c in 0..2 {
            if self.clocks[c].met.is_some() {
                continue;
            }
            let terms = self.terms(c);
            for k in 0..3 {
                if self.clocks[c].reached[k].is_some() || self.clocks[c].pending[k] {
                    continue;
                }
                match self.clocks[c].level_instant(self.p, &terms, k, from) {
                    Some(r) if r < to && r > from => self.clocks[c].reached[k] = Some(r),
                    Some(r) if r == to => self.clocks[c].pending[k] = true,
                    // Levels are increasing: if this one is not due yet, no higher one is.
                    _ => break,
                }
            }
        }
    }

    /// After the terms of clock `c` changed at `t`: levels now passed are
    /// reached at `t` (or pending, if their own instant is exactly `t`).
    fn terms_changed(&mut self, c: usize, t: i64) {
        if self.clocks[c].met.is_some() {
            return;
        }
        let terms = self.terms(c);
        for k in 0..3 {
            if self.clocks[c].reached[k].is_some() || self.clocks[c].pending[k] {
                continue;
            }
            match self.clocks[c].level_instant(self.p, &terms, k, t) {
                Some(r) if r < t => self.clocks[c].reached[k] = Some(t),
                Some(r) if r == t => self.clocks[c].pending[k] = true,
                _ => {}
            }
        }
    }

    fn meet(&mut self, c: usize, t: i64) {
        if self.clocks[c].met.is_some() {
            return;
        }
        let terms = self.terms(c);
        let p = self.p;
        let clock = &mut self.clocks[c];
        clock.stop_run(p, t);
        clock.stop_pause(p, t);
        let (due, elapsed) = clock.judge(p, &terms, t);
        let breached = due < t;
        clock.met = Some(Met {
            at: t,
            due,
            breached,
            terms,
            elapsed,
            deadline: clock.deadline,
        });
        // A clock met at an instant reaches no level falling exactly on it.
        clock.pending = [false; 3];
    }

    fn flush(&mut self, t: i64) {
        for clock in &mut self.clocks {
            for k in 0..3 {
                if std::mem::take(&mut clock.pending[k]) {
                    clock.reached[k] = Some(t);
                }
            }
        }
    }

    fn apply(&mut self, e: &Event) {
        let t = e.at;
        match e.kind {
            EventKind::PublicReply => self.meet(0, t),
            EventKind::InternalNote | EventKind::RequesterMessage => {}
            EventKind::Priority(p) => {
                self.priority = p;
                self.terms_changed(0, t);
                self.terms_changed(1, t);
            }
            EventKind::AgreedDeadline(d) => {
                let clock = &mut self.clocks[1];
                clock.deadline = Some(d);
                clock.closed_after_d = [0; 2];
                for c in CALS {
                    let cal = self.p.calendar(c);
                    clock.closed_after_d[cal_index(c)] = clock
                        .runs
                        .iter()
                        .map(|&(a, b)| cal.open_time(a.max(d), b))
                        .sum();
                }
                self.terms_changed(1, t);
            }
            EventKind::Status(s) => {
                let old = self.status;
                self.status = s;
                match (old.is_finished(), s.is_finished()) {
                    (false, true) => {
                        self.meet(0, t);
                        self.meet(1, t);
                    }
                    (true, false) => {
                        let p = self.p;
                        let clock = &mut self.clocks[1];
                        clock.met = None;
                        if p.is_pausing(s) {
                            clock.pause_start = Some(t);
                        } else {
                            clock.run_start = Some(t);
                        }
                        self.terms_changed(1, t);
                    }
                    (true, true) => {}
                    (false, false) => {
                        let (was, is) = (self.p.is_pausing(old), self.p.is_pausing(s));
                        let p = self.p;
                        let clock = &mut self.clocks[1];
                        if !was && is {
                            clock.stop_run(p, t);
                            clock.pause_start = Some(t);
                        } else if was && !is {
                            clock.stop_pause(p, t);
                            clock.run_start = Some(t);
                        }
                    }
                }
            }
        }
    }

    fn outcome(&self, c: usize, until: i64) -> ClockOutcome {
        let clock = &self.clocks[c];
        let mut escalations: Vec<(u8, i64)> = clock
            .reached
            .iter()
            .enumerate()
            .filter_map(|(k, r)| r.map(|at| (k as u8 + 1, at)))
            .collect();
        escalations.sort();
        let paused_in = |terms: &ClockTerms, end: i64| {
            let ci = cal_index(terms.calendar);
            clock.paused[ci]
                + clock
                    .pause_start
                    .map_or(0, |s| self.p.calendar(terms.calendar).open_time(s, end))
        };
        match clock.met {
            Some(m) => ClockOutcome {
                due: m.due,
                met_at: Some(m.at),
                breached: m.breached,
                escalations,
                paused_seconds: if c == 1 { paused_in(&m.terms, m.at) } else { 0 },
                running: false,
                paused: false,
                elapsed: m.elapsed,
                target: m.terms.target,
                calendar: m.terms.calendar,
                next_escalation: None,
                agreed_deadline: m.deadline,
            },
            None => {
                let terms = self.terms(c);
                let (due, elapsed) = clock.judge(self.p, &terms, until);
                let next_escalation = (0..3)
                    .filter(|k| clock.reached[*k].is_none())
                    .find_map(|k| clock.level_instant(self.p, &terms, k, until))
                    .filter(|r| *r > until);
                ClockOutcome {
                    due,
                    met_at: None,
                    breached: due <= until,
                    escalations,
                    paused_seconds: if c == 1 { paused_in(&terms, until) } else { 0 },
                    running: clock.run_start.is_some(),
                    paused: clock.pause_start.is_some(),
                    elapsed,
                    target: terms.target,
                    calendar: terms.calendar,
                    next_escalation,
                    agreed_deadline: clock.deadline,
                }
            }
        }
    }
}

/// Replays a case's history up to and including `until`. The history must
/// have passed `CaseHistory::check`.
pub fn replay(p: &SlaPolicy, h: &CaseHistory, until: i64) -> SlaOutcome {
    let reg = h.registered_at;
    let mut r = Replay {
        p,
        priority: h.priority,
        status: Status::New,
        clocks: [
            Clock::new(ClockKind::Response, reg),
            Clock::new(ClockKind::Resolution, reg),
        ],
    };
    if h.channel == Channel::Phone {
        // The requester was talking to the agent: answered at registration.
        r.meet(0, reg);
    }
    // A threshold of zero falls on registration itself.
    let mut prev = reg - 1;
    let mut i = 0;
    let events = &h.events;
    loop {
        let t = events.get(i).map_or(until, |e| e.at);
        r.scan(prev, t);
        while let Some(e) = events.get(i).filter(|e| e.at == t) {
            r.apply(e);
            i += 1;
        }
        r.flush(t);
        prev = t;
        if i >= events.len() && t >= until {
            break;
        }
    }
    SlaOutcome {
        response: r.outcome(0, until),
        resolution: r.outcome(1, until),
    }
}
