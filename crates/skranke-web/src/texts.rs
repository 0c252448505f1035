//! How domain values are named and written in the interface: labels of
//! the enums that travel as English keys, field names, the messages of
//! validation and transition errors, and dates, durations and sizes in
//! the reader's language. The words themselves are in `locales/`.

use crate::i18n::{Arg, Lang, Msg, t};
use skranke_core::calendar::Span;
use skranke_core::case::ValidationCode;
use skranke_core::status::TransitionError;
use skranke_core::{CaseKind, Channel, Priority, Status, UserKind};

/// The label of an enum that travels as an English key, in the reader's
/// language: the message `<prefix>-<key>`.
pub trait Label {
    const PREFIX: &'static str;
    fn key(&self) -> &'static str;
    fn label_key(&self) -> String {
        format!("{}-{}", Self::PREFIX, self.key())
    }
    fn label(&self) -> String {
        t(&self.label_key())
    }
    fn label_msg(&self) -> Msg {
        Msg::new(self.label_key())
    }
}

macro_rules! label {
    ($t:ty, $prefix:literal) => {
        impl Label for $t {
            const PREFIX: &'static str = $prefix;
            fn key(&self) -> &'static str {
                <$t>::key(*self)
            }
        }
    };
}

label!(Priority, "priority");
label!(Status, "status");
label!(CaseKind, "kind");
label!(Channel, "channel");
label!(UserKind, "user-kind");
label!(skranke_core::audit::AuditEvent, "audit");
label!(skranke_core::notice::NoticeKind, "notice");
label!(skranke_core::operational::OpKind, "op-kind");
label!(skranke_core::catalog::Role, "role");
label!(skranke_core::operational::OpState, "op-state");
label!(skranke_core::operational::Severity, "severity");
label!(skranke_core::operational::ServiceStatus, "service-status");

/// Every labelled key, for the catalogue's completeness test.
#[cfg(test)]
pub fn all_label_keys() -> Vec<String> {
    let mut keys = Vec::new();
    keys.extend(Priority::ALL.iter().map(Label::label_key));
    keys.extend(Status::ALL.iter().map(Label::label_key));
    keys.extend(CaseKind::ALL.iter().map(Label::label_key));
    keys.extend(Channel::ALL.iter().map(Label::label_key));
    keys.extend(UserKind::ALL.iter().map(Label::label_key));
    keys.extend(
        skranke_core::audit::AuditEvent::ALL
            .iter()
            .map(Label::label_key),
    );
    keys.extend(
        skranke_core::notice::NoticeKind::ALL
            .iter()
            .map(Label::label_key),
    );
    {
        use skranke_core::operational::{OpKind, OpState, ServiceStatus, Severity};
        keys.extend(OpKind::ALL.iter().map(Label::label_key));
        keys.extend(OpState::ALL.iter().map(Label::label_key));
        keys.extend(Severity::ALL.iter().map(Label::label_key));
        keys.extend(ServiceStatus::ALL.iter().map(Label::label_key));
        keys.extend(
            skranke_core::catalog::Role::ALL
                .iter()
                .map(Label::label_key),
        );
    }
    keys.extend(FIELDS.iter().map(|f| format!("field-{f}")));
    keys.extend((1..=7).map(|d| format!("weekday-{d}")));
    keys.extend((1..=12).map(|m| format!("month-{m}")));
    keys
}

/// Fields whose name is shown to people, by their API name; any other
/// (an API parameter) is named as it is spelt.
const FIELDS: &[&str] = &[
    "copied",
    "title",
    "description",
    "computer_name",
    "requester_username",
    "body",
    "kind",
    "service_id",
    "priority",
    "status",
    "handler",
    "username",
    "full_name",
    "email",
    "password",
    "name",
    "domains",
    "org_id",
    "unit_id",
    "team_id",
    "requester",
    "attachment",
    "version",
    "agreed_deadline",
    "agreed_deadline_reason",
    "reason",
    "internal",
    "current",
    "new",
    "repeat",
    "active",
    "phone",
    "expires_in_days",
    "form",
    "follows",
    "locale",
    "severity",
    "services",
    "orgs",
    "starts_at",
    "ends_at",
    "published",
    "state",
    "case",
    "note",
    "org_contact",
    "for_organization",
    "category",
    "key",
    "roles",
];

/// A field's name as an argument of a message.
pub fn field_arg(field: &str) -> Arg {
    let canonical = match field {
        "service" => "service_id",
        "org" => "org_id",
        "unit" => "unit_id",
        "team" => "team_id",
        "deadline" => "agreed_deadline",
        "form_token" => "form",
        f => f,
    };
    if FIELDS.contains(&canonical) {
        Msg::new(format!("field-{canonical}")).into()
    } else {
        Arg::Str(field.to_owned())
    }
}

/// A message about a field: `key` with `$field` set to the field's name.
pub fn about(field: &str, key: &'static str) -> Msg {
    Msg::new(key).arg("field", field_arg(field))
}

pub fn validation_msg(field: &str, code: ValidationCode) -> Msg {
    match code {
        ValidationCode::Required => about(field, "error-required"),
        ValidationCode::TooLong(n) => about(field, "error-too-long").arg("max", n),
        ValidationCode::InvalidChars => about(field, "error-invalid-chars"),
        ValidationCode::NotAllowed => about(field, "error-not-allowed"),
        ValidationCode::InPast => about(field, "error-in-past"),
        ValidationCode::NotActiveAgent => about(field, "error-not-active-agent"),
        ValidationCode::NotCopyable => about(field, "error-not-copyable"),
        ValidationCode::TooMany(n) => about(field, "error-too-many").arg("max", n),
        ValidationCode::BeforeStart => about(field, "error-before-start"),
    }
}

/// Why a status change (or a message that implies one) was refused.
pub fn transition_msg(e: TransitionError) -> Msg {
    Msg::new(match e {
        TransitionError::Unchanged(_) => "error-unchanged",
        TransitionError::BackToNew => "error-back-to-new",
        TransitionError::NotResolved => "error-not-resolved",
        TransitionError::NotFinished => "error-not-finished",
        TransitionError::ReopenWindowPassed => "error-reopen-window-passed",
        TransitionError::Closed => "error-case-closed",
        TransitionError::ClosedReply => "error-closed-reply",
    })
}

/// A throttled attempt: how long to wait.
pub fn throttled(wait: jiff::SignedDuration) -> Msg {
    let secs = crate::error::whole_seconds(wait);
    if secs < 120 {
        Msg::new("error-throttled-seconds").arg("count", secs)
    } else {
        Msg::new("error-throttled-minutes").arg("count", (secs + 59) / 60)
    }
}

/// A span of clock time in words: "3 t 15 min", "2 arbeidsdager".
pub fn span(s: Span) -> String {
    match s {
        Span::Minutes(m) => Msg::new("span-minutes").arg("minutes", m),
        Span::Hours(h, 0) => Msg::new("span-hours").arg("hours", h),
        Span::Hours(h, m) => Msg::new("span-hours-minutes")
            .arg("hours", h)
            .arg("minutes", m),
        Span::Days {
            days: 1,
            hours,
            working,
        } if hours > 0 => Msg::new(if working {
            "span-workday-hours"
        } else {
            "span-day-hours"
        })
        .arg("hours", hours),
        Span::Days { days, working, .. } => Msg::new(if working {
            "span-workdays"
        } else {
            "span-days"
        })
        .arg("days", days),
    }
    .text()
}

/// A size in bytes as people read it: "205 kB", "1,4 MB" (SI units, as
/// file managers show them).
pub fn size(bytes: i64) -> String {
    let lang = crate::context::lang();
    let b = bytes.max(0) as f64;
    let (value, unit) = if b < 1000.0 {
        return Msg::new("size-bytes").arg("count", bytes.max(0)).text();
    } else if b < 1_000_000.0 {
        (b / 1000.0, "kB")
    } else if b < 1_000_000_000.0 {
        (b / 1_000_000.0, "MB")
    } else {
        (b / 1_000_000_000.0, "GB")
    };
    let text = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let text = match lang {
        Lang::Nb => text.replace('.', ","),
        Lang::En => text,
    };
    format!("{text}\u{a0}{unit}")
}

fn zoned(ms: i64) -> jiff::ZonedDateTime {
    skranke_store::from_ms(ms).to_zoned_datetime(crate::views::display_zone())
}

/// A date and time in short form: "02.12.2026 10:15".
pub fn datetime_short(ms: i64) -> String {
    let z = zoned(ms);
    Msg::new("datetime-short")
        .arg("day", format!("{:02}", z.day()))
        .arg("month", format!("{:02}", z.month()))
        .arg("year", i64::from(z.year()).to_string())
        .arg("time", z.strftime("%H:%M").to_string())
        .text()
}

/// A date and time in words: "tirsdag 2. desember kl. 10:15".
pub fn datetime_long(ms: i64) -> String {
    let z = zoned(ms);
    Msg::new("datetime-long")
        .arg("weekday", weekday(&z))
        .arg("day", i64::from(z.day()))
        .arg("month", Msg::new(format!("month-{}", z.month())))
        .arg("time", z.strftime("%H:%M").to_string())
        .text()
}

/// A date in words: "fredag 5. desember".
pub fn date_long(ms: i64) -> String {
    let z = zoned(ms);
    Msg::new("date-long")
        .arg("weekday", weekday(&z))
        .arg("day", i64::from(z.day()))
        .arg("month", Msg::new(format!("month-{}", z.month())))
        .text()
}

fn weekday(z: &jiff::ZonedDateTime) -> Msg {
    Msg::new(format!("weekday-{}", z.weekday().to_monday_one_offset()))
}

/// The name of a weekday, Monday first (1–7).
pub fn weekday_name(n: usize) -> String {
    t(&format!("weekday-{n}"))
}

/// How a date and time is typed into a form: "02.12.2026 10:15".
pub fn datetime_input(ms: i64) -> String {
    let z = zoned(ms);
    z.strftime("%d.%m.%Y %H:%M").to_string()
}

/// A date and time as typed: "2.12.2026 10:15", "02.12.2026 kl. 10.15",
/// "2/12/2026 10:15", ISO "2026-12-02T10:15" or RFC 3339. Local time.
pub fn parse_datetime_input(text: &str, tz: &jiff::tz::TimeZone) -> Option<jiff::Timestamp> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts);
    }
    let civil = if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        dt
    } else {
        let cleaned = text.replace(" kl. ", " ").replace(" kl ", " ");
        let (date, time) = cleaned.split_once([' ', 'T'])?;
        let mut d = date.split(['.', '/', '-']).map(str::trim);
        let (day, month, year) = (d.next()?, d.next()?, d.next()?);
        if d.next().is_some() {
            return None;
        }
        let mut tm = time.trim().split([':', '.']);
        let (hour, minute) = (tm.next()?, tm.next()?);
        if tm.next().is_some() {
            return None;
        }
        jiff::civil::DateTime::new(
            year.parse().ok()?,
            month.parse().ok()?,
            day.parse().ok()?,
            hour.parse().ok()?,
            minute.parse().ok()?,
            0,
            0,
        )
        .ok()?
    };
    tz.to_timestamp(civil).ok()
}

/// Why a mail is held, in the reader's language.
pub fn hold_label(hold: skranke_core::mail::HoldReason) -> String {
    use skranke_core::mail::HoldReason;
    t(match hold {
        HoldReason::Unreadable => "mail-hold-unreadable",
        HoldReason::NoSender => "mail-hold-no_sender",
        HoldReason::NotCustomer => "mail-hold-not_customer",
        HoldReason::UnknownDomain => "mail-hold-unknown_domain",
        HoldReason::NotACase => "mail-hold-not_a_case",
        HoldReason::TooLarge => "mail-hold-too_large",
    })
}

/// A clock by its key, for the label.
pub fn clock_label(clock: &str) -> String {
    match clock {
        "response" => t("response-time"),
        _ => t("resolution-time"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_are_parsed_as_typed() {
        let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap();
        let want: jiff::Timestamp = "2026-12-02T09:15:00Z".parse().unwrap();
        for typed in [
            "02.12.2026 10:15",
            "2.12.2026 10:15",
            " 2.12.2026 kl. 10.15 ",
            "2/12/2026 10:15",
            "2026-12-02T10:15",
            "2026-12-02 10:15",
            "2026-12-02T09:15:00Z",
        ] {
            assert_eq!(parse_datetime_input(typed, &tz), Some(want), "{typed}");
        }
        for junk in [
            "",
            "i morgen",
            "32.12.2026 10:15",
            "2.12.2026",
            "2.12.2026 25:00",
            "1.2.3.4 10:00",
        ] {
            assert_eq!(parse_datetime_input(junk, &tz), None, "{junk}");
        }
    }

    #[test]
    fn sizes_read_like_a_file_manager_in_each_language() {
        let nb = |b| crate::context::with_lang(Lang::Nb, || size(b));
        let en = |b| crate::context::with_lang(Lang::En, || size(b));
        assert_eq!(nb(209_715), "210\u{a0}kB");
        assert_eq!(nb(1_400_000), "1,4\u{a0}MB");
        assert_eq!(en(1_400_000), "1.4\u{a0}MB");
        assert_eq!(nb(999), "999 byte");
        assert_eq!(en(1), "1 byte");
        assert_eq!(en(2), "2 bytes");
    }
}
