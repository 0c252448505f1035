//! Schemas of the domain's keyed enums (`critical`, `waiting_customer`),
//! built from the enums' own lists, so the document cannot drift from them.

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

macro_rules! key_schema {
    ($schema:ident, $name:literal, $t:ty, $doc:literal) => {
        #[doc = $doc]
        pub struct $schema;

        impl utoipa::PartialSchema for $schema {
            fn schema() -> RefOr<Schema> {
                ObjectBuilder::new()
                    .schema_type(SchemaType::new(Type::String))
                    .enum_values(Some(<$t>::ALL.iter().map(|v| v.key())))
                    .description(Some($doc))
                    .into()
            }
        }

        impl utoipa::ToSchema for $schema {
            fn name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed($name)
            }
        }
    };
}

/// A language of the user interface: Norsk (bokmål) or English.
pub struct LocaleSchema;

impl utoipa::PartialSchema for LocaleSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::String))
            .enum_values(Some(crate::i18n::Lang::ALL.iter().map(|l| l.code())))
            .description(Some(
                "A language of the user interface: `nb` Norsk (bokmål), `en` English.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for LocaleSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Locale")
    }
}

key_schema!(
    StatusSchema,
    "Status",
    skranke_core::Status,
    "A case's status."
);
key_schema!(
    PrioritySchema,
    "Priority",
    skranke_core::Priority,
    "A case's priority: Kritisk, Høy, Middels or Lav."
);
key_schema!(
    ChannelSchema,
    "Channel",
    skranke_core::Channel,
    "How the case came in."
);
key_schema!(
    KindSchema,
    "CaseKind",
    skranke_core::CaseKind,
    "A fault report (`fault`) or an order of a catalog service (`order`)."
);
key_schema!(
    MessageKindSchema,
    "MessageKind",
    skranke_core::change::MessageKind,
    "An agent's public reply, an agent's internal note, or the requester's own message."
);

key_schema!(
    NoticeKindSchema,
    "NoticeKind",
    skranke_core::notice::NoticeKind,
    "What a notification is about: for the desk a case given to you, the requester's reply, a reopening, an escalation; for a requester the receipt of a new case, a reply, a wait for your answer, the resolution; for anyone an update of an operational message they follow."
);

key_schema!(
    RoleSchema,
    "Role",
    skranke_core::catalog::Role,
    "A role of a service (section 7 of its description): `owner` (tjenesteeier), `manager` (tjenesteforvalter), `operations` (driftsansvarlig)."
);

key_schema!(
    OpKindSchema,
    "OpKind",
    skranke_core::operational::OpKind,
    "An operational message's kind: `outage` (driftsproblem), `maintenance` (planlagt vedlikehold) or `change` (endring)."
);

key_schema!(
    OpStateSchema,
    "OpState",
    skranke_core::operational::OpState,
    "Where an operational message is: `planned` (ahead of its start; it becomes `active` at its start by itself), `active` or `resolved`."
);

key_schema!(
    SeveritySchema,
    "Severity",
    skranke_core::operational::Severity,
    "How badly an outage or a change hits its services: the status it gives them while active."
);

key_schema!(
    ServiceStatusSchema,
    "ServiceStatus",
    skranke_core::operational::ServiceStatus,
    "A service's status, from its active operational messages (the worst wins): `available`, `maintenance`, `degraded`, `unavailable`."
);

key_schema!(
    UserKindSchema,
    "UserKind",
    skranke_core::UserKind,
    "What a person is to Kundeservice: pupils and guardians are not customers."
);

/// One line of text as a person types it (a title, a name): at most `MAX`
/// characters, at least one of them visible. Control and direction
/// characters are removed from what is kept.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct Line<const MAX: usize>(pub String);

/// Text of one or more lines: at most `MAX` characters, at least one
/// visible, no control characters but tabs and line breaks.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(pub String);

/// At least one character that is not white space, control or direction.
const VISIBLE: &str = r"[^\s\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]";
/// The characters a text may hold: anything but controls, save tab and line breaks.
const ALLOWED: &str = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]";

fn string(max: usize, pattern: String, description: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(SchemaType::new(Type::String))
        .max_length(Some(max))
        .pattern(Some(pattern))
        .description(Some(description))
        .into()
}

impl<const MAX: usize> utoipa::PartialSchema for Line<MAX> {
    fn schema() -> RefOr<Schema> {
        string(
            MAX,
            VISIBLE.to_owned(),
            "One line of text with at least one visible character.",
        )
    }
}

impl<const MAX: usize> utoipa::ToSchema for Line<MAX> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("Line{MAX}"))
    }
}

impl<const MAX: usize> utoipa::PartialSchema for Text<MAX> {
    fn schema() -> RefOr<Schema> {
        let pattern = format!(r"^{ALLOWED}*{VISIBLE}{ALLOWED}*$");
        string(
            MAX,
            pattern,
            "Text with at least one visible character; no control characters but tab and line breaks.",
        )
    }
}

impl<const MAX: usize> utoipa::ToSchema for Text<MAX> {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("Text{MAX}"))
    }
}
