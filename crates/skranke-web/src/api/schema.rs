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
    UserKindSchema,
    "UserKind",
    skranke_core::UserKind,
    "What a person is to Kundeservice: pupils and guardians are not customers."
);
