//! A case: its kind, channel, human-facing number and the validation of what
//! a requester or agent submits to create one.

use crate::keys::UnknownKey;
use crate::priority::Priority;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Feilmelding.
    Fault,
    /// Avrop of a service in the catalog.
    Order,
}

impl CaseKind {
    pub const ALL: [CaseKind; 2] = [Self::Fault, Self::Order];
    pub fn key(self) -> &'static str {
        match self {
            Self::Fault => "fault",
            Self::Order => "order",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Email,
    Phone,
    Api,
}

impl Channel {
    pub const ALL: [Channel; 4] = [Self::Web, Self::Email, Self::Phone, Self::Api];
    pub fn key(self) -> &'static str {
        match self {
            Self::Web => "web",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Api => "api",
        }
    }
}

crate::key_from_str!(CaseKind);
crate::key_from_str!(Channel);

/// The number a person reads out on the phone: year of registration and a
/// sequence that never repeats, e.g. `2026-000123`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber {
    pub year: i16,
    pub seq: u32,
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:06}", self.year, self.seq)
    }
}

impl FromStr for CaseNumber {
    type Err = UnknownKey;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || UnknownKey(s.to_owned());
        let (y, n) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || n.len() < 6 || !(y.bytes().chain(n.bytes())).all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        Ok(CaseNumber {
            year: y.parse().map_err(|_| bad())?,
            seq: n.parse().map_err(|_| bad())?,
        })
    }
}

/// A field that failed validation: the field's API name and a message code
/// the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {code}")]
pub struct ValidationError {
    pub field: &'static str,
    pub code: ValidationCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationCode {
    Required,
    TooLong(usize),
    InvalidChars,
    /// The acting person may not set this field.
    NotAllowed,
    /// An instant that may not lie before now.
    InPast,
    /// A handler must be an active agent.
    NotActiveAgent,
    /// Only an active customer (not staff) other than the requester can
    /// be copied.
    NotCopyable,
    /// No more than this many.
    TooMany(usize),
    /// An end that does not come after its start.
    BeforeStart,
}

impl fmt::Display for ValidationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Required => f.write_str("is required"),
            Self::TooLong(n) => write!(f, "is longer than {n} characters"),
            Self::InvalidChars => f.write_str("contains characters that are not allowed"),
            Self::NotAllowed => f.write_str("may not be set by you"),
            Self::InPast => f.write_str("lies before now"),
            Self::NotActiveAgent => f.write_str("is not an active agent"),
            Self::NotCopyable => f.write_str("is not an active customer other than the requester"),
            Self::TooMany(n) => write!(f, "would be more than {n}"),
            Self::BeforeStart => f.write_str("is not after the start"),
        }
    }
}

pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;
pub const COMPUTER_NAME_MAX: usize = 64;
pub const USERNAME_MAX: usize = 64;
pub const MESSAGE_MAX: usize = 20_000;

/// What a requester, an agent on the phone, or an API client submits.
/// `validate` trims it and checks every field, reporting all failures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCaseInput {
    pub kind: CaseKind,
    pub title: String,
    pub description: String,
    pub requester_username: String,
    pub computer_name: String,
    pub service_id: Option<i64>,
    /// From `change::initial_priority`: the rule's suggestion, or an agent's choice.
    pub suggested_priority: Priority,
    /// An agent chose the priority; a suggestion waits for the handler.
    pub priority_confirmed: bool,
    pub channel: Channel,
    /// An earlier, finished case this report follows up.
    pub follows_id: Option<i64>,
}

impl NewCaseInput {
    pub fn validate(mut self) -> Result<Self, Vec<ValidationError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        self.title = line("title", &self.title, true, TITLE_MAX, e);
        self.description = text("description", &self.description, true, DESCRIPTION_MAX, e);
        self.computer_name = identifier(
            "computer_name",
            &self.computer_name,
            false,
            COMPUTER_NAME_MAX,
            e,
        );
        self.requester_username = line(
            "requester_username",
            &self.requester_username,
            false,
            USERNAME_MAX,
            e,
        );
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }
}

/// Characters that reorder or hide text (bidirectional overrides,
/// embeddings, isolates and marks): `r\u{202E}exe.txt` shows as `rtxt.exe`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// A one-line text (a title, a file name, a name) as it is kept: control
/// and bidirectional characters removed, line breaks and tabs turned into
/// spaces, trimmed.
pub fn clean_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\n' | '\r' | '\t') {
            out.push(' ');
        } else if !c.is_control() && !is_bidi_control(c) {
            out.push(c);
        }
    }
    out.trim().to_owned()
}

/// What a typed field may hold, and how it is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Lines of text: trimmed; no control characters but tabs and line breaks.
    Text,
    /// One line: control and direction characters removed, trimmed.
    Line,
    /// Trimmed; then only ASCII letters, digits and `.`, `-`, `_`.
    Identifier,
}

/// Checks a field as it was sent (its length is counted before trimming)
/// and returns it as it is kept; a problem goes to `errors`.
fn field(
    shape: Shape,
    name: &'static str,
    value: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<ValidationError>,
) -> String {
    let kept = match shape {
        Shape::Line => clean_line(value),
        Shape::Text | Shape::Identifier => value.trim().to_owned(),
    };
    let bad_chars = match shape {
        Shape::Text => value
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')),
        Shape::Line => false,
        Shape::Identifier => !kept
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
    };
    let code = if value.chars().count() > max {
        Some(ValidationCode::TooLong(max))
    } else if required && kept.is_empty() {
        Some(ValidationCode::Required)
    } else if bad_chars {
        Some(ValidationCode::InvalidChars)
    } else {
        None
    };
    if let Some(code) = code {
        errors.push(ValidationError { field: name, code });
    }
    kept
}

/// A text of one or more lines (a description, a message).
pub fn text(
    name: &'static str,
    value: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<ValidationError>,
) -> String {
    field(Shape::Text, name, value, required, max, errors)
}

/// A one-line text (a title, a name).
pub fn line(
    name: &'static str,
    value: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<ValidationError>,
) -> String {
    field(Shape::Line, name, value, required, max, errors)
}

/// An identifier (a username, a computer name).
pub fn identifier(
    name: &'static str,
    value: &str,
    required: bool,
    max: usize,
    errors: &mut Vec<ValidationError>,
) -> String {
    field(Shape::Identifier, name, value, required, max, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input() -> NewCaseInput {
        NewCaseInput {
            kind: CaseKind::Fault,
            title: "  Skriveren virker ikke ".into(),
            description: "Den blinker rødt.".into(),
            requester_username: "ansatt".into(),
            computer_name: "PC-1234".into(),
            service_id: None,
            suggested_priority: Priority::Low,
            priority_confirmed: false,
            channel: Channel::Web,
            follows_id: None,
        }
    }

    #[test]
    fn case_numbers_are_zero_padded_and_parse_back() {
        let n = CaseNumber {
            year: 2026,
            seq: 123,
        };
        assert_eq!(n.to_string(), "2026-000123");
        assert_eq!("2026-000123".parse(), Ok(n));
        assert_eq!(
            "2026-1234567".parse::<CaseNumber>().map(|n| n.seq),
            Ok(1_234_567)
        );
        for bad in ["2026-12", "26-000001", "2026000001", "2026-00000x", "", "-"] {
            assert!(bad.parse::<CaseNumber>().is_err(), "{bad}");
        }
    }

    #[test]
    fn validation_trims_and_reports_every_field() {
        assert_eq!(input().validate().unwrap().title, "Skriveren virker ikke");
        let mut bad = input();
        bad.title = "   ".into();
        bad.description = String::new();
        bad.computer_name = "PC 1<script>".into();
        let errs = bad.validate().unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "description", "computer_name"]);
    }

    #[test]
    fn titles_lose_control_and_bidi_characters() {
        let mut i = input();
        i.title = " r\u{202E}exe.txt\nfalsk linje\u{0} ".into();
        let v = i.validate().unwrap();
        assert_eq!(v.title, "rexe.txt falsk linje");
        assert_eq!(clean_line("\u{2066}a\u{2069}\tb\u{200F}"), "a b");
    }

    #[test]
    fn overlong_and_control_characters_are_refused() {
        let mut bad = input();
        bad.title = format!("{} ", "x".repeat(TITLE_MAX));
        bad.description = "a\u{0}b".into();
        let errs = bad.validate().unwrap_err();
        assert_eq!(errs[0].code, ValidationCode::TooLong(TITLE_MAX));
        assert_eq!(errs[1].code, ValidationCode::InvalidChars);
    }

    proptest! {
        #[test]
        fn any_number_round_trips(year in 1900i16..=9999, seq in 0u32..100_000_000) {
            let n = CaseNumber { year, seq };
            prop_assert_eq!(n.to_string().parse::<CaseNumber>(), Ok(n));
        }
    }
}
