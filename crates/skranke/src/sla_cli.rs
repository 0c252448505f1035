//! `skranke sla simulate` (the replay contract of spec/sla.md §6) and
//! `skranke sla due`: JSON and text around the domain's `replay`.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Map, Value, json};
use skranke_core::sla::{
    CaseHistory, ClockOutcome, Event, EventKind, ReplayError, SlaPolicy, replay,
};
use skranke_core::{Channel, Priority, Status};

fn bad(field: impl Into<String>, message: impl Into<String>) -> ReplayError {
    ReplayError {
        field: field.into(),
        message: message.into(),
    }
}

/// An RFC 3339 instant with an offset, to whole seconds (a fraction is dropped).
pub fn parse_instant(field: &str, v: &Value) -> Result<i64, ReplayError> {
    let s = v
        .as_str()
        .ok_or_else(|| bad(field, "must be an RFC 3339 string"))?;
    let ts: Timestamp = s.parse().map_err(|_| {
        bad(
            field,
            format!("`{s}` is not an RFC 3339 instant with an offset"),
        )
    })?;
    let secs = ts.as_second();
    Ok(if ts.subsec_nanosecond() < 0 {
        secs - 1
    } else {
        secs
    })
}

fn parse_key<T: std::str::FromStr>(field: &str, v: Option<&Value>) -> Result<T, ReplayError> {
    let v = v.ok_or_else(|| bad(field, "is missing"))?;
    let s = v.as_str().ok_or_else(|| bad(field, "must be a string"))?;
    s.parse()
        .map_err(|_| bad(field, format!("unknown value `{s}`")))
}

fn only_keys(field: &str, obj: &Map<String, Value>, allowed: &[&str]) -> Result<(), ReplayError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) if field.is_empty() => Err(bad(k.clone(), "is not a known field")),
        Some(k) => Err(bad(format!("{field}.{k}"), "is not a known field")),
        None => Ok(()),
    }
}

/// Reads the replay input; returns the history and `until`.
pub fn parse_input(text: &str) -> Result<(CaseHistory, i64), ReplayError> {
    let v: Value =
        serde_json::from_str(text).map_err(|e| bad("input", format!("is not JSON: {e}")))?;
    let obj = v
        .as_object()
        .ok_or_else(|| bad("input", "must be a JSON object"))?;
    only_keys(
        "",
        obj,
        &["registered_at", "priority", "channel", "events", "until"],
    )?;
    let registered_at = parse_instant(
        "registered_at",
        obj.get("registered_at")
            .ok_or_else(|| bad("registered_at", "is missing"))?,
    )?;
    let priority: Priority = parse_key("priority", obj.get("priority"))?;
    let channel: Channel = parse_key("channel", obj.get("channel"))?;
    let mut events = Vec::new();
    let list = match obj.get("events") {
        None | Some(Value::Null) => &Vec::new(),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(bad("events", "must be an array")),
    };
    for (i, e) in list.iter().enumerate() {
        let path = format!("events[{i}]");
        let eo = e
            .as_object()
            .ok_or_else(|| bad(&path, "must be an object"))?;
        let at = parse_instant(
            &format!("{path}.at"),
            eo.get("at")
                .ok_or_else(|| bad(format!("{path}.at"), "is missing"))?,
        )?;
        let ty: String = parse_key(&format!("{path}.type"), eo.get("type"))?;
        let kind = match ty.as_str() {
            "public_reply" => {
                only_keys(&path, eo, &["at", "type"])?;
                EventKind::PublicReply
            }
            "internal_note" => {
                only_keys(&path, eo, &["at", "type"])?;
                EventKind::InternalNote
            }
            "requester_message" => {
                only_keys(&path, eo, &["at", "type"])?;
                EventKind::RequesterMessage
            }
            "status" => {
                only_keys(&path, eo, &["at", "type", "status"])?;
                EventKind::Status(parse_key::<Status>(
                    &format!("{path}.status"),
                    eo.get("status"),
                )?)
            }
            "priority" => {
                only_keys(&path, eo, &["at", "type", "priority"])?;
                EventKind::Priority(parse_key::<Priority>(
                    &format!("{path}.priority"),
                    eo.get("priority"),
                )?)
            }
            "agreed_deadline" => {
                only_keys(&path, eo, &["at", "type", "deadline"])?;
                let field = format!("{path}.deadline");
                let d = eo
                    .get("deadline")
                    .ok_or_else(|| bad(&field, "is missing"))?;
                EventKind::AgreedDeadline(parse_instant(&field, d)?)
            }
            other => {
                return Err(bad(
                    format!("{path}.type"),
                    format!("unknown value `{other}`"),
                ));
            }
        };
        events.push(Event { at, kind });
    }
    let until = match obj.get("until") {
        None | Some(Value::Null) => None,
        Some(u) => Some(parse_instant("until", u)?),
    };
    let history = CaseHistory {
        registered_at,
        priority,
        channel,
        events,
    };
    let until = history.check(until)?;
    Ok((history, until))
}

fn utc(secs: i64) -> String {
    skranke_core::calendar::from_secs(secs).to_string()
}

fn clock_json(c: &ClockOutcome, with_paused: bool) -> Value {
    let mut v = json!({
        "due": utc(c.due),
        "met_at": c.met_at.map(utc),
        "breached": c.breached,
        "escalations": c.escalations.iter().map(|(level, at)| json!({"level": level, "at": utc(*at)})).collect::<Vec<_>>(),
    });
    if with_paused {
        v["paused_seconds"] = json!(c.paused_seconds);
    }
    v
}

/// The replay answer as JSON text.
pub fn simulate(policy: &SlaPolicy, input: &str) -> Result<String, ReplayError> {
    let (history, until) = parse_input(input)?;
    let o = replay(policy, &history, until);
    let out = json!({
        "response": clock_json(&o.response, false),
        "resolution": clock_json(&o.resolution, true),
    });
    Ok(serde_json::to_string_pretty(&out).unwrap_or_default())
}

/// An instant given as RFC 3339 or as local time ("2026-12-01 10:00").
pub fn parse_local_or_rfc3339(s: &str, tz: &TimeZone) -> Result<i64, String> {
    if let Ok(ts) = s.parse::<Timestamp>() {
        return Ok(ts.as_second());
    }
    let dt: jiff::civil::DateTime = s.parse().map_err(|_| {
        format!("--registered: `{s}` is neither RFC 3339 nor local time like 2026-12-01T10:00")
    })?;
    tz.to_timestamp(dt)
        .map(Timestamp::as_second)
        .map_err(|e| format!("--registered: {e}"))
}

/// Both deadlines and every escalation instant of an untouched case, in local time.
pub fn due_report(
    policy: &SlaPolicy,
    tz: &TimeZone,
    priority: Priority,
    channel: Channel,
    registered: i64,
) -> String {
    let history = CaseHistory {
        registered_at: registered,
        priority,
        channel,
        events: Vec::new(),
    };
    // Far enough for every level of every priority (20 working days and more).
    let o = replay(policy, &history, registered + 400 * 86_400);
    let local = |s: i64| {
        skranke_core::calendar::from_secs(s)
            .to_zoned_datetime(tz.clone())
            .strftime("%a %Y-%m-%d %H:%M (%:z)")
            .to_string()
    };
    let mut out = format!(
        "registered  {}\npriority    {priority}\n",
        local(registered)
    );
    for (name, c) in [("response", &o.response), ("resolution", &o.resolution)] {
        out.push_str(&format!("{name:<11} due {}\n", local(c.due)));
        if c.met_at == Some(registered) {
            out.push_str("            answered at registration (phone)\n");
        }
        for (level, at) in &c.escalations {
            out.push_str(&format!("            level {level} at {}\n", local(*at)));
        }
    }
    out
}
