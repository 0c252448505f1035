//! What the page layer knows about the request being answered: its
//! language and, once the session is read, who is asking. Held for the
//! whole request (a task-local set by `middleware`), so that pages
//! rendered far from the handler — an error page, the 404 of an unknown
//! address — speak the reader's language and keep the navigation.

use crate::i18n::{Lang, Msg};
use crate::views::Nav;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::cell::{Cell, RefCell};

/// The cookie that keeps a language chosen before logging in.
pub const LANG_COOKIE: &str = "skranke_lang";

struct RequestContext {
    lang: Cell<Lang>,
    nav: RefCell<Option<Nav>>,
    /// The confirmation the session had waiting, for this page to show.
    flash: RefCell<Option<Msg>>,
    /// The path and query asked for (where the language chooser returns).
    path: RefCell<String>,
}

impl RequestContext {
    fn new(lang: Lang) -> RequestContext {
        RequestContext {
            lang: Cell::new(lang),
            nav: RefCell::new(None),
            flash: RefCell::new(None),
            path: RefCell::new("/".into()),
        }
    }
}

tokio::task_local! {
    static CONTEXT: RequestContext;
}

/// The language of the current request (Bokmål outside of one).
pub fn lang() -> Lang {
    CONTEXT.try_with(|c| c.lang.get()).unwrap_or_default()
}

/// Sets the current request's language (a logged-in user's own choice).
pub fn set_lang(lang: Lang) {
    let _ = CONTEXT.try_with(|c| c.lang.set(lang));
}

/// Records who is asking, for pages rendered without a handler's help.
pub fn set_nav(nav: &Nav) {
    let _ = CONTEXT.try_with(|c| *c.nav.borrow_mut() = Some(nav.clone()));
}

/// The navigation of the logged-in user, if the session has been read.
pub fn nav() -> Option<Nav> {
    CONTEXT.try_with(|c| c.nav.borrow().clone()).ok().flatten()
}

/// Sets the confirmation this page shows.
pub fn set_flash(flash: Msg) {
    let _ = CONTEXT.try_with(|c| *c.flash.borrow_mut() = Some(flash));
}

/// The confirmation to show on this page, if any.
pub fn flash() -> Option<Msg> {
    CONTEXT
        .try_with(|c| c.flash.borrow().clone())
        .ok()
        .flatten()
}

/// The path and query of the page being answered.
pub fn path() -> String {
    CONTEXT
        .try_with(|c| c.path.borrow().clone())
        .unwrap_or_else(|_| "/".into())
}

/// Runs `f` as a request in `lang` (tests and background work).
pub async fn scope<F: Future>(lang: Lang, f: F) -> F::Output {
    CONTEXT.scope(RequestContext::new(lang), f).await
}

/// Runs `f` (not async) in `lang`.
pub fn with_lang<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    CONTEXT.sync_scope(RequestContext::new(lang), f)
}

/// The language a request asks for before anyone is logged in: the
/// chooser's cookie, then `Accept-Language`, then Bokmål.
pub fn requested_lang(headers: &axum::http::HeaderMap) -> Lang {
    crate::auth::cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// Sets up the context for a request and names the answer's language.
pub async fn middleware(req: Request, next: Next) -> Response {
    let lang = requested_lang(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    scope(lang, async move {
        let _ = CONTEXT.try_with(|c| *c.path.borrow_mut() = path);
        let mut res = next.run(req).await;
        res.headers_mut().insert(
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(self::lang().code()),
        );
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("Accept-Language"));
        res
    })
    .await
}
