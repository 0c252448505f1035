//! What every request passes on the way in and out: state-changing page
//! requests that a browser shows to come from another site are refused
//! (a second line behind the CSRF tokens), and answers over HTTPS tell
//! the browser to keep to HTTPS.

use crate::AppState;
use crate::auth::Client;
use crate::error::WebError;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let client = Client::of(&parts, &state);
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    // The API authenticates with bearer tokens, which a browser never sends by itself.
    if unsafe_method
        && !parts.uri.path().starts_with("/api/")
        && cross_site(&parts.headers, &state, &client)
    {
        return WebError::Csrf.into_response();
    }
    let mut res = next.run(Request::from_parts(parts, body)).await;
    if client.https {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    res
}

/// Whether the browser says the request comes from another site. Browsers
/// send `Sec-Fetch-Site` (which pages cannot forge) or at least `Origin`;
/// a client that sends neither is judged by its CSRF token alone.
fn cross_site(headers: &HeaderMap, state: &AppState, client: &Client) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        // `same-site` includes sibling subdomains, which may be anyone's.
        return !matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => false,
        Some(origin) => {
            own_origin(headers, state, client).is_none_or(|own| !origin.eq_ignore_ascii_case(&own))
        }
    }
}

/// Our origin: the configured public URL's, or the scheme and `Host` this
/// request came with.
fn own_origin(headers: &HeaderMap, state: &AppState, client: &Client) -> Option<String> {
    if let Some(url) = &state.config.server.public_url {
        let (scheme, rest) = url.split_once("://")?;
        let host = rest.split('/').next()?;
        return Some(format!("{scheme}://{host}"));
    }
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let scheme = if client.https { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
}
