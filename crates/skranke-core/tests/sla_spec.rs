//! The worked examples of `spec/sla.md` §7 and §6, and the rules of §4–5.

use jiff::Timestamp;
use skranke_core::config::Config;
use skranke_core::sla::{CaseHistory, Event, EventKind, SlaPolicy, replay};
use skranke_core::{Channel, Priority, Status};

fn t(s: &str) -> i64 {
    s.parse::<jiff::ZonedDateTime>()
        .map(|z| z.timestamp().as_second())
        .or_else(|_| s.parse::<Timestamp>().map(Timestamp::as_second))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Local Oslo time, "2026-12-01 10:00".
fn oslo(s: &str) -> i64 {
    let dt: jiff::civil::DateTime = s.parse().unwrap();
    jiff::tz::TimeZone::get("Europe/Oslo")
        .unwrap()
        .to_timestamp(dt)
        .unwrap()
        .as_second()
}

fn policy() -> SlaPolicy {
    SlaPolicy::from_config(&Config::default()).unwrap()
}

fn case(reg: i64, p: Priority, events: Vec<(i64, EventKind)>) -> CaseHistory {
    CaseHistory {
        registered_at: reg,
        priority: p,
        channel: Channel::Web,
        events: events
            .into_iter()
            .map(|(at, kind)| Event { at, kind })
            .collect(),
    }
}

#[test]
fn example_1_medium_on_a_tuesday() {
    let reg = oslo("2026-12-01 10:00");
    let o = replay(&policy(), &case(reg, Priority::Medium, vec![]), reg);
    assert_eq!(o.response.due, oslo("2026-12-01 13:00"));
    assert_eq!(o.resolution.due, oslo("2026-12-04 10:00"));
}

#[test]
fn example_2_registered_on_a_saturday() {
    let reg = oslo("2026-12-05 12:00");
    let o = replay(&policy(), &case(reg, Priority::Medium, vec![]), reg);
    assert_eq!(o.response.due, oslo("2026-12-07 11:00"));
    assert_eq!(
        o.resolution.due,
        oslo("2026-12-09 15:30"),
        "used up exactly at closing"
    );
}

#[test]
fn example_3_critical_late_friday_and_its_levels() {
    let reg = oslo("2026-12-04 15:25");
    let until = oslo("2026-12-05 00:00");
    let o = replay(&policy(), &case(reg, Priority::Critical, vec![]), until);
    assert_eq!(o.response.due, oslo("2026-12-07 08:10"));
    assert_eq!(o.resolution.due, oslo("2026-12-04 17:25"));
    assert!(o.resolution.breached);
    assert_eq!(
        o.resolution.escalations,
        vec![
            (1, oslo("2026-12-04 17:25")),
            (2, oslo("2026-12-04 19:25")),
            (3, oslo("2026-12-04 21:25"))
        ]
    );
    assert!(
        o.response.escalations.is_empty(),
        "business clock did not run over the weekend"
    );
    assert_eq!(o.response.next_escalation, Some(oslo("2026-12-07 08:10")));
}

#[test]
fn example_4_christmas_eve_is_a_working_day() {
    let reg = oslo("2026-12-23 14:00");
    let o = replay(&policy(), &case(reg, Priority::Low, vec![]), reg);
    assert_eq!(o.response.due, oslo("2026-12-24 10:30"));
}

#[test]
fn example_5_easter_2027() {
    let reg = oslo("2027-03-24 15:00");
    let o = replay(&policy(), &case(reg, Priority::High, vec![]), reg);
    assert_eq!(o.response.due, oslo("2027-03-30 08:30"));
    assert_eq!(o.resolution.due, oslo("2027-03-24 19:00"));
}

#[test]
fn example_6_a_pause_moves_the_due() {
    let reg = oslo("2026-12-07 09:00");
    let before = replay(&policy(), &case(reg, Priority::Medium, vec![]), reg);
    assert_eq!(before.resolution.due, oslo("2026-12-10 09:00"));
    let h = case(
        reg,
        Priority::Medium,
        vec![
            (
                oslo("2026-12-07 10:00"),
                EventKind::Status(Status::WaitingCustomer),
            ),
            (
                oslo("2026-12-09 10:00"),
                EventKind::Status(Status::InProgress),
            ),
        ],
    );
    let o = replay(&policy(), &h, oslo("2026-12-09 10:00"));
    assert_eq!(o.resolution.elapsed, 3600);
    assert_eq!(o.resolution.due, oslo("2026-12-14 09:00"));
    // Mon 10:00–15:30, all of Tuesday, Wed 08:00–10:00.
    assert_eq!(
        o.resolution.paused_seconds,
        (5 * 3600 + 1800) + (7 * 3600 + 1800) + 2 * 3600
    );
}

#[test]
fn section_6_replay_example() {
    let h = case(
        t("2026-12-23T14:00:00+01:00"),
        Priority::Medium,
        vec![
            (t("2026-12-23T14:30:00+01:00"), EventKind::PublicReply),
            (
                t("2026-12-23T14:35:00+01:00"),
                EventKind::Status(Status::WaitingCustomer),
            ),
            (
                t("2027-01-04T09:00:00+01:00"),
                EventKind::Status(Status::InProgress),
            ),
            (
                t("2027-01-04T10:00:00+01:00"),
                EventKind::Priority(Priority::High),
            ),
            (t("2027-01-04T10:05:00+01:00"), EventKind::InternalNote),
            (
                t("2027-01-04T10:06:00+01:00"),
                EventKind::AgreedDeadline(t("2027-01-08T12:00:00+01:00")),
            ),
            (
                t("2027-01-05T11:00:00+01:00"),
                EventKind::Status(Status::Resolved),
            ),
        ],
    );
    let o = replay(&policy(), &h, t("2027-02-01T00:00:00+01:00"));
    assert_eq!(o.response.due, t("2026-12-24T08:30:00Z"));
    assert_eq!(o.response.met_at, Some(t("2026-12-23T13:30:00Z")));
    assert!(!o.response.breached);
    assert!(o.response.escalations.is_empty());
    assert_eq!(o.resolution.due, t("2027-01-08T11:00:00Z"));
    assert_eq!(o.resolution.met_at, Some(t("2027-01-05T10:00:00Z")));
    assert!(!o.resolution.breached);
    assert_eq!(o.resolution.paused_seconds, 1_016_700);
    assert!(o.resolution.escalations.is_empty());
}

#[test]
fn phone_cases_are_answered_at_registration() {
    let reg = oslo("2026-12-01 10:00");
    let mut h = case(reg, Priority::Critical, vec![]);
    h.channel = Channel::Phone;
    let o = replay(&policy(), &h, oslo("2026-12-02 10:00"));
    assert_eq!(o.response.met_at, Some(reg));
    assert_eq!(o.response.due, oslo("2026-12-01 10:15"));
    assert!(!o.response.breached);
    assert!(o.response.escalations.is_empty());
}

#[test]
fn met_exactly_at_due_is_not_a_breach_and_reaches_no_level() {
    let reg = oslo("2026-12-01 10:00");
    let due = oslo("2026-12-01 13:00");
    let o = replay(
        &policy(),
        &case(reg, Priority::Medium, vec![(due, EventKind::PublicReply)]),
        due,
    );
    assert!(!o.response.breached);
    assert!(o.response.escalations.is_empty());
    // A note at the same instant, before the reply, does not change that…
    let o = replay(
        &policy(),
        &case(
            reg,
            Priority::Medium,
            vec![
                (due, EventKind::InternalNote),
                (due, EventKind::PublicReply),
            ],
        ),
        due,
    );
    assert!(o.response.escalations.is_empty());
    // …but one second later it is breached and level 1 was reached at due.
    let o = replay(
        &policy(),
        &case(
            reg,
            Priority::Medium,
            vec![(due + 1, EventKind::PublicReply)],
        ),
        due + 1,
    );
    assert!(o.response.breached);
    assert_eq!(o.response.escalations, vec![(1, due)]);
}

#[test]
fn unmet_at_until_equal_to_due_is_breached() {
    let reg = oslo("2026-12-01 10:00");
    let due = oslo("2026-12-01 13:00");
    let o = replay(&policy(), &case(reg, Priority::Medium, vec![]), due);
    assert!(o.response.breached);
    assert_eq!(
        o.response.escalations,
        vec![(1, due)],
        "up to and including until"
    );
}

#[test]
fn a_reply_after_closing_time_is_late() {
    // Medium response used up exactly at 15:30; a reply next morning before opening is a breach.
    let reg = oslo("2026-12-01 12:30");
    let next_morning = oslo("2026-12-02 07:00");
    let o = replay(
        &policy(),
        &case(
            reg,
            Priority::Medium,
            vec![(next_morning, EventKind::PublicReply)],
        ),
        next_morning,
    );
    assert_eq!(o.response.due, oslo("2026-12-01 15:30"));
    assert!(o.response.breached);
    assert_eq!(o.response.escalations, vec![(1, oslo("2026-12-01 15:30"))]);
}

#[test]
fn upgrade_recounts_around_the_clock_and_reaches_passed_levels_at_the_change() {
    // Medium from Friday 09:00 to Monday 09:00: 6.5 + 1 = 7.5 h in business time.
    let reg = oslo("2026-12-04 09:00");
    let change = oslo("2026-12-07 09:00");
    let o = replay(
        &policy(),
        &case(
            reg,
            Priority::Medium,
            vec![(change, EventKind::Priority(Priority::High))],
        ),
        change,
    );
    // High resolution runs always: 72 h have passed, more than 2 days (level 3).
    assert!(o.resolution.breached);
    assert_eq!(
        o.resolution.due,
        oslo("2026-12-04 13:00"),
        "the past instant the target was reached"
    );
    assert_eq!(
        o.resolution.escalations,
        vec![(1, change), (2, change), (3, change)]
    );
    // Response: Medium's levels 1 (3 h) and 2 (6 h) fell on Friday; High's
    // level 3 (4 h) is passed by the change and reached at it.
    assert_eq!(
        o.response.escalations,
        vec![
            (1, oslo("2026-12-04 12:00")),
            (2, oslo("2026-12-04 15:00")),
            (3, change)
        ]
    );
}

#[test]
fn downgrade_clears_a_breach_but_keeps_notified_levels() {
    let reg = oslo("2026-12-01 09:00");
    let late = oslo("2026-12-01 10:30");
    let h = case(
        reg,
        Priority::High,
        vec![
            (late, EventKind::Priority(Priority::Low)),
            (late + 60, EventKind::PublicReply),
        ],
    );
    let o = replay(&policy(), &h, late + 60);
    assert!(!o.response.breached, "judged against Lav's 4 h");
    assert_eq!(o.response.escalations, vec![(1, oslo("2026-12-01 10:00"))]);
    assert_eq!(o.response.due, oslo("2026-12-01 13:00"));
}

#[test]
fn agreed_deadline_replaces_due_and_level_one() {
    let reg = oslo("2026-12-01 09:00");
    let set = oslo("2026-12-01 10:00");
    let d = oslo("2026-12-03 12:00");
    let h = case(
        reg,
        Priority::Low,
        vec![
            (set, EventKind::AgreedDeadline(d)),
            (
                oslo("2026-12-02 09:00"),
                EventKind::Status(Status::WaitingCustomer),
            ),
        ],
    );
    // Paused at D: level 1 is still reached at D; level 2 waits for elapsed time after D.
    let o = replay(&policy(), &h, oslo("2026-12-10 12:00"));
    assert_eq!(o.resolution.due, d);
    assert!(o.resolution.breached);
    assert_eq!(o.resolution.escalations, vec![(1, d)]);
    assert!(o.resolution.paused);
    assert_eq!(
        o.resolution.next_escalation, None,
        "paused: no elapsed time after D"
    );
    // Running again: level 2 after (10 − 5) days = 37.5 h of business time after the resumption.
    let mut h2 = h.clone();
    let resume = oslo("2026-12-07 08:00");
    h2.events.push(Event {
        at: resume,
        kind: EventKind::Status(Status::InProgress),
    });
    let o = replay(&policy(), &h2, oslo("2026-12-31 12:00"));
    assert_eq!(o.resolution.escalations[1], (2, oslo("2026-12-11 15:30")));
    // Resolved before D: no breach, no level.
    let mut h3 = case(
        reg,
        Priority::Low,
        vec![(set, EventKind::AgreedDeadline(d))],
    );
    h3.events.push(Event {
        at: d,
        kind: EventKind::Status(Status::Resolved),
    });
    let o = replay(&policy(), &h3, d);
    assert!(!o.resolution.breached);
    assert!(o.resolution.escalations.is_empty());
}

#[test]
fn reopen_resumes_without_counting_resolved_time() {
    let reg = oslo("2026-12-01 09:00");
    let h = case(
        reg,
        Priority::Medium,
        vec![
            (
                oslo("2026-12-01 10:00"),
                EventKind::Status(Status::Resolved),
            ),
            (oslo("2026-12-01 11:00"), EventKind::Status(Status::Closed)),
            (
                oslo("2026-12-02 09:00"),
                EventKind::Status(Status::InProgress),
            ),
        ],
    );
    let o = replay(&policy(), &h, oslo("2026-12-02 09:00"));
    assert_eq!(o.resolution.met_at, None);
    assert_eq!(o.resolution.elapsed, 3600);
    // 21.5 h left from Wednesday 09:00: 6.5 + 7.5 + 7.5.
    assert_eq!(o.resolution.due, oslo("2026-12-04 15:30"));
    assert_eq!(
        o.response.met_at,
        Some(oslo("2026-12-01 10:00")),
        "resolving met the response clock; it stays met"
    );
}

#[test]
fn a_level_passed_while_resolved_is_reached_at_the_reopen() {
    let reg = oslo("2026-12-01 09:00");
    let d = oslo("2026-12-02 12:00");
    let reopen = oslo("2026-12-03 09:00");
    let h = case(
        reg,
        Priority::Medium,
        vec![
            (
                oslo("2026-12-01 10:00"),
                EventKind::Status(Status::Resolved),
            ),
            (oslo("2026-12-01 11:00"), EventKind::AgreedDeadline(d)),
            (reopen, EventKind::Status(Status::InProgress)),
        ],
    );
    let o = replay(&policy(), &h, reopen);
    assert_eq!(o.resolution.escalations, vec![(1, reopen)]);
    assert!(o.resolution.breached);
}

#[test]
fn input_is_checked_with_field_paths() {
    let reg = oslo("2026-12-01 09:00");
    let h = case(
        reg,
        Priority::Low,
        vec![
            (reg + 10, EventKind::InternalNote),
            (reg + 5, EventKind::PublicReply),
        ],
    );
    assert_eq!(h.check(None).unwrap_err().field, "events[1].at");
    let h = case(reg, Priority::Low, vec![(reg - 1, EventKind::InternalNote)]);
    assert_eq!(h.check(None).unwrap_err().field, "events[0].at");
    let h = case(
        reg,
        Priority::Low,
        vec![(reg + 10, EventKind::AgreedDeadline(reg + 5))],
    );
    assert_eq!(h.check(None).unwrap_err().field, "events[0].deadline");
    let h = case(
        reg,
        Priority::Low,
        vec![(reg + 10, EventKind::InternalNote)],
    );
    assert_eq!(h.check(Some(reg + 9)).unwrap_err().field, "until");
    assert_eq!(h.check(None), Ok(reg + 10));
}

#[test]
fn a_requesters_own_message_never_meets_the_response_clock() {
    let reg = oslo("2026-12-01 09:00");
    let h = case(
        reg,
        Priority::Medium,
        vec![(oslo("2026-12-01 09:30"), EventKind::RequesterMessage)],
    );
    let o = replay(&policy(), &h, oslo("2026-12-01 13:00"));
    assert_eq!(o.response.met_at, None);
    assert!(
        o.response.breached,
        "3 h passed with no answer from the desk"
    );
    assert_eq!(o.response.escalations, vec![(1, oslo("2026-12-01 12:00"))]);
    let answered = case(
        reg,
        Priority::Medium,
        vec![
            (oslo("2026-12-01 09:30"), EventKind::RequesterMessage),
            (oslo("2026-12-01 10:00"), EventKind::PublicReply),
        ],
    );
    let o = replay(&policy(), &answered, oslo("2026-12-01 13:00"));
    assert_eq!(o.response.met_at, Some(oslo("2026-12-01 10:00")));
}
