//! A case's history: append-only entries, each naming what changed (a
//! typed field), who changed it (a person, or the system) and the values
//! before and after. The SLA engine reads its events from these entries.

use crate::sla::{CaseHistory, Event, EventKind};
use crate::{Channel, Priority};

/// What a history entry is about. Stored by its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HistoryField {
    /// The case was registered; the new value is its number.
    Created,
    Status,
    /// The first entry (no old value) is the priority at registration.
    Priority,
    /// The handler kept the priority as it was suggested.
    PriorityConfirmed,
    /// Old and new values are the handlers' names.
    Handler,
    /// A reply from an agent to the requester: it meets the response clock.
    PublicReply,
    InternalNote,
    /// A message from the requester: it never meets the response clock.
    RequesterMessage,
    /// Old and new values are epoch milliseconds; the note is the reason.
    AgreedDeadline,
    /// Someone copied on the case (the new value, their name) or no
    /// longer (the old value).
    Copied,
}

impl HistoryField {
    pub const ALL: [HistoryField; 10] = [
        Self::Created,
        Self::Status,
        Self::Priority,
        Self::PriorityConfirmed,
        Self::Handler,
        Self::PublicReply,
        Self::InternalNote,
        Self::RequesterMessage,
        Self::AgreedDeadline,
        Self::Copied,
    ];

    /// The fields the SLA engine replays.
    pub const SLA: [HistoryField; 6] = [
        Self::Status,
        Self::Priority,
        Self::PublicReply,
        Self::InternalNote,
        Self::RequesterMessage,
        Self::AgreedDeadline,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Status => "status",
            Self::Priority => "priority",
            Self::PriorityConfirmed => "priority_confirmed",
            Self::Handler => "handler",
            Self::PublicReply => "public_reply",
            Self::InternalNote => "internal_note",
            Self::RequesterMessage => "requester_message",
            Self::AgreedDeadline => "agreed_deadline",
            Self::Copied => "copied",
        }
    }
}

crate::key_from_str!(HistoryField);

/// One entry to append. `by` is the acting person; `None` is the system
/// (an automatic assignment, or a status change a reply caused).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEvent {
    pub by: Option<i64>,
    pub field: HistoryField,
    pub old: Option<String>,
    pub new: Option<String>,
    pub note: Option<String>,
    /// Caused by (or recording) the message stored with the same change.
    pub from_message: bool,
}

impl HistoryEvent {
    pub fn new(by: Option<i64>, field: HistoryField) -> HistoryEvent {
        HistoryEvent {
            by,
            field,
            old: None,
            new: None,
            note: None,
            from_message: false,
        }
    }

    pub fn values(mut self, old: Option<String>, new: Option<String>) -> HistoryEvent {
        self.old = old;
        self.new = new;
        self
    }
}

/// A stored entry as the SLA engine reads it: seconds, field and values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub at: i64,
    pub field: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Why stored history could not be read back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("history entry {index}: {message}")]
pub struct CorruptHistory {
    pub index: usize,
    pub message: String,
}

/// Builds the SLA engine's view of a case from its stored entries (in the
/// order they were written). Entries of fields the engine ignores are skipped.
pub fn case_history(
    registered_at: i64,
    channel: Channel,
    entries: &[StoredEntry],
) -> Result<CaseHistory, CorruptHistory> {
    let mut priority = None;
    let mut events = Vec::with_capacity(entries.len());
    for (index, e) in entries.iter().enumerate() {
        let corrupt = |message: String| CorruptHistory { index, message };
        let field: HistoryField = e
            .field
            .parse()
            .map_err(|_| corrupt(format!("unknown field `{}`", e.field)))?;
        let new = e.new.as_deref().unwrap_or("");
        let parse = |what: &str| corrupt(format!("bad {what} `{new}`"));
        let kind = match field {
            HistoryField::Priority if e.old.is_none() && priority.is_none() => {
                priority = Some(new.parse::<Priority>().map_err(|_| parse("priority"))?);
                continue;
            }
            HistoryField::Priority => {
                EventKind::Priority(new.parse().map_err(|_| parse("priority"))?)
            }
            HistoryField::Status => EventKind::Status(new.parse().map_err(|_| parse("status"))?),
            HistoryField::PublicReply => EventKind::PublicReply,
            HistoryField::InternalNote => EventKind::InternalNote,
            HistoryField::RequesterMessage => EventKind::RequesterMessage,
            HistoryField::AgreedDeadline => {
                let ms: i64 = new.parse().map_err(|_| parse("agreed deadline"))?;
                EventKind::AgreedDeadline(ms.div_euclid(1000))
            }
            HistoryField::Created
            | HistoryField::PriorityConfirmed
            | HistoryField::Handler
            | HistoryField::Copied => {
                continue;
            }
        };
        events.push(Event { at: e.at, kind });
    }
    let history = CaseHistory {
        registered_at,
        priority: priority.ok_or_else(|| CorruptHistory {
            index: entries.len(),
            message: "no priority at registration".into(),
        })?,
        channel,
        events,
    };
    history.check(None).map_err(|e| CorruptHistory {
        index: entries.len(),
        message: e.to_string(),
    })?;
    Ok(history)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(at: i64, field: &str, old: Option<&str>, new: &str) -> StoredEntry {
        StoredEntry {
            at,
            field: field.into(),
            old: old.map(str::to_owned),
            new: Some(new.into()),
        }
    }

    #[test]
    fn keys_round_trip() {
        for f in HistoryField::ALL {
            assert_eq!(f.key().parse::<HistoryField>(), Ok(f));
        }
    }

    #[test]
    fn the_first_priority_is_the_registered_one_and_other_fields_are_skipped() {
        let h = case_history(
            100,
            Channel::Web,
            &[
                entry(100, "created", None, "2026-000001"),
                entry(100, "priority", None, "low"),
                entry(100, "handler", None, "Anne"),
                entry(200, "requester_message", None, "1"),
                entry(300, "priority", Some("low"), "high"),
                entry(400, "agreed_deadline", None, "900000"),
            ],
        )
        .unwrap();
        assert_eq!(h.priority, Priority::Low);
        assert_eq!(
            h.events.iter().map(|e| e.kind).collect::<Vec<_>>(),
            [
                EventKind::RequesterMessage,
                EventKind::Priority(Priority::High),
                EventKind::AgreedDeadline(900),
            ]
        );
    }

    #[test]
    fn corrupt_entries_are_named() {
        let err = case_history(
            100,
            Channel::Web,
            &[
                entry(100, "priority", None, "low"),
                entry(150, "status", Some("new"), "bogus"),
            ],
        )
        .unwrap_err();
        assert_eq!(err.index, 1);
        assert!(err.message.contains("bogus"));
        let err = case_history(
            100,
            Channel::Web,
            &[
                entry(100, "priority", None, "low"),
                entry(50, "status", Some("new"), "in_progress"),
            ],
        )
        .unwrap_err();
        assert!(err.message.contains("before"), "{err}");
        assert!(case_history(100, Channel::Web, &[]).is_err());
    }
}
