//! The parts of the OpenAPI document no single handler declares: the
//! security scheme, the problem schema, and the error statuses that every
//! operation can answer (they come from extractors and layers, not from
//! the handler's own logic).

use crate::error::Problem;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response};
use utoipa::{OpenApi as _, ToSchema};

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "Skranke API",
        description = "Kundeservice: cases, replies, notes and attachments. \
            Authenticate with `Authorization: Bearer <token>` (a token from the account page or \
            `skranke token create`). Errors are `application/problem+json` (RFC 9457) naming \
            the offending `field`."
    ),
    components(schemas(Problem))
)]
struct Base;

pub fn base() -> OpenApi {
    let mut doc = Base::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
    );
    doc
}

/// A problem response with this description.
pub fn problem(description: &str) -> RefOr<Response> {
    let mut r = Response::new(description);
    r.content.insert(
        "application/problem+json".into(),
        Content::new(Some(Ref::from_schema_name(Problem::name()))).into(),
    );
    RefOr::T(r)
}

/// Statuses any authenticated operation can answer.
const ANY: &[(&str, &str)] = &[
    (
        "401",
        "No valid bearer token: missing, unknown, expired or of a deactivated user.",
    ),
    ("403", "The token's user or scope may not do this."),
    ("500", "An unexpected failure; it is logged."),
    (
        "503",
        "The server is busy (no database connection free in time); see `Retry-After`.",
    ),
];

/// Statuses any operation with a request body can answer.
const WITH_BODY: &[(&str, &str)] = &[
    (
        "400",
        "The body is not well-formed (JSON syntax, multipart framing).",
    ),
    ("408", "The body did not arrive in time."),
    ("413", "The body or a file is larger than the limit."),
    (
        "415",
        "The body is not in a media type this operation takes.",
    ),
    ("422", "A field is invalid; `field` names it."),
];

/// Statuses any operation with query parameters can answer.
const WITH_QUERY: &[(&str, &str)] = &[("422", "A query parameter is invalid; `field` names it.")];

fn add(op: &mut Operation, list: &[(&str, &str)]) {
    for (code, description) in list {
        op.responses
            .responses
            .entry((*code).into())
            .or_insert_with(|| problem(description));
    }
    // Busy or throttled: the answer says when to come back.
    for code in ["429", "503"] {
        if let Some(RefOr::T(r)) = op.responses.responses.get_mut(code) {
            let wait = utoipa::openapi::HeaderBuilder::new()
                .schema(Some(
                    utoipa::openapi::ObjectBuilder::new()
                        .schema_type(utoipa::openapi::schema::Type::Integer),
                ))
                .description(Some("Seconds to wait before trying again"))
                .build();
            r.headers.insert("Retry-After".into(), RefOr::T(wait));
        }
    }
}

/// Adds the common error statuses to every operation.
pub fn finish(mut doc: OpenApi) -> OpenApi {
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.patch,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            if op.security.is_some() {
                add(op, ANY);
            }
            if op.request_body.is_some() {
                add(op, WITH_BODY);
            }
            let has_query = op.parameters.iter().flatten().any(|p| match p {
                RefOr::T(p) => p.parameter_in == utoipa::openapi::path::ParameterIn::Query,
                RefOr::Ref(_) => false,
            });
            if has_query {
                add(op, WITH_QUERY);
            }
        }
    }
    doc
}
