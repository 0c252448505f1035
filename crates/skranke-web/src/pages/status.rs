//! The status pages: the public board at `/status` (no login), each
//! message's page (with the desk's tools for agents), the Atom feeds, the
//! desk's list of messages with the form that publishes one, and the
//! one-click unsubscribe. What they change goes through `crate::status`.

use super::{CsrfForm, Form, PagePath};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Msg;
#[allow(unused_imports)]
use crate::i18n::Tr;
use crate::status::{self, Board, reader_of};
use crate::texts::Label;
#[allow(unused_imports)]
use crate::views::{Flash, FormErrors, Local, Nav};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::operational::{
    Follows, OpInput, OpKind, OpMessage, OpPatch, OpState, Reader, Severity,
};
use skranke_store::{Affected, Case, OpHistoryRow, OpRecord, OpUpdate, Organization, Service};

/// A message as the pages show it.
pub struct MessageView {
    pub id: i64,
    pub kind: OpKind,
    pub title: String,
    /// Sanitised HTML from the Markdown.
    pub html: String,
    pub state: OpState,
    pub status_key: &'static str,
    pub status_label: String,
    pub published: bool,
    pub overdue: bool,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    /// The names of its services ("Alle tjenester" when it names none).
    pub scope: String,
}

impl MessageView {
    fn of(r: &OpRecord, services: &[Service], now: Timestamp) -> MessageView {
        let m = r.rules();
        let scope = if r.services.is_empty() {
            crate::i18n::t("op-all-services")
        } else {
            services
                .iter()
                .filter(|s| r.services.contains(&s.id))
                .map(|s| s.name.clone())
                .collect::<Vec<_>>()
                .join(", ")
        };
        MessageView {
            id: r.row.id,
            kind: r.row.kind,
            title: r.row.title.clone(),
            html: crate::markdown::to_html(&r.row.body),
            state: m.state_at(now),
            status_key: m.causes().key(),
            // What it does to its services while active; before and after, its state.
            status_label: if m.is_active(now) {
                m.causes().label()
            } else {
                m.state_at(now).label()
            },
            published: r.row.published,
            overdue: m.is_overdue(now),
            starts_at: r.row.starts_at,
            ends_at: r.row.ends_at,
            scope,
        }
    }
}

/// One service on the board.
pub struct ServiceView {
    pub id: i64,
    pub name: String,
    pub status_key: &'static str,
    pub label: String,
    pub overdue: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "status.html")]
pub struct StatusPage {
    pub nav: Option<Nav>,
    pub services: Vec<ServiceView>,
    pub active: Vec<MessageView>,
    pub upcoming: Vec<MessageView>,
    /// What the logged-in reader follows, by service id.
    pub following: Vec<i64>,
    /// The reader speaks for their organisation (may follow for it).
    pub org_contact: bool,
}

fn views(
    board: Board,
    services: &[Service],
    now: Timestamp,
) -> (Vec<ServiceView>, Vec<MessageView>, Vec<MessageView>) {
    let s = board
        .services
        .iter()
        .map(|l| ServiceView {
            id: l.service.id,
            name: l.service.name.clone(),
            status_key: l.status.key(),
            label: l.status.label(),
            overdue: l.overdue,
        })
        .collect();
    let a = board
        .active
        .iter()
        .map(|r| MessageView::of(r, services, now))
        .collect();
    let u = board
        .upcoming
        .iter()
        .map(|r| MessageView::of(r, services, now))
        .collect();
    (s, a, u)
}

/// `/status`: every service's status and the messages active and ahead.
pub async fn board(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
) -> Result<StatusPage, WebError> {
    let now = Timestamp::now();
    let reader = reader_of(user.as_ref().map(|u| &u.user));
    let services = state.store.list_services().await?;
    let (services_v, active, upcoming) =
        views(status::board(&state, reader, now).await?, &services, now);
    let following = match &user {
        Some(u) => state
            .store
            .subscriptions_of(u.user.id)
            .await?
            .into_iter()
            .filter_map(|s| s.service_id)
            .collect(),
        None => Vec::new(),
    };
    Ok(StatusPage {
        org_contact: user.as_ref().is_some_and(|u| u.user.org_contact),
        nav: user.as_ref().map(Nav::of),
        services: services_v,
        active,
        upcoming,
        following,
    })
}

/// The messages active now, as the portal's home shows them.
pub async fn active_for(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<MessageView>, WebError> {
    let now = Timestamp::now();
    let services = state.store.list_services().await?;
    let board = status::board(state, reader_of(Some(&user.user)), now).await?;
    Ok(board
        .active
        .iter()
        .map(|r| MessageView::of(r, &services, now))
        .collect())
}

/// The active messages a report form shows before the user submits.
pub async fn for_report(
    state: &AppState,
    user: &CurrentUser,
) -> Result<Vec<ReportMessage>, WebError> {
    let now = Timestamp::now();
    let services = state.store.list_services().await?;
    let board = status::board(state, reader_of(Some(&user.user)), now).await?;
    Ok(board
        .active
        .iter()
        .chain(
            board
                .upcoming
                .iter()
                .filter(|r| r.row.kind == OpKind::Maintenance),
        )
        .map(|r| ReportMessage {
            services: r
                .services
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(" "),
            view: MessageView::of(r, &services, now),
        })
        .collect())
}

/// A message on the report form, with the services it names (for the
/// script that shows only those of the chosen service).
pub struct ReportMessage {
    pub view: MessageView,
    /// Space-separated ids; empty: every service.
    pub services: String,
}

/// An update as the message page lists it.
pub struct UpdateView {
    pub id: i64,
    pub event: String,
    pub html: String,
    pub state: OpState,
    pub author: Option<String>,
    pub created_at: i64,
}

impl From<OpUpdate> for UpdateView {
    fn from(u: OpUpdate) -> UpdateView {
        UpdateView {
            id: u.id,
            html: crate::markdown::to_html(&u.body),
            event: u.event,
            state: u.state,
            author: u.author_name,
            created_at: u.created_at,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "op_message.html")]
pub struct MessagePage {
    pub nav: Option<Nav>,
    pub m: MessageView,
    pub updates: Vec<UpdateView>,
    pub staff: bool,
    pub may_report: bool,
    pub concerned: bool,
    pub following: bool,
    pub org_contact: bool,
    /// The desk's part (agents only).
    pub desk: Option<Desk>,
}

/// What agents see and do on a message's page.
pub struct Desk {
    pub version: i64,
    pub title: String,
    pub body: String,
    pub severity: Option<Severity>,
    pub ends_at: String,
    pub services: Vec<(Service, bool)>,
    pub cases: Vec<Case>,
    pub affected: Vec<Affected>,
    pub history: Vec<OpHistoryRow>,
    pub states: Vec<OpState>,
    pub errors: FormErrors,
    /// The desk's forms as typed, when one comes back with a problem.
    pub again: Again,
}

/// What was typed into the message page's forms.
#[derive(Default, Clone)]
pub struct Again {
    pub update_body: String,
    pub case: String,
    pub resolve_body: String,
    pub note: String,
    pub ends_at: Option<String>,
    pub title: Option<String>,
    pub body: Option<String>,
}

impl MessagePage {
    pub fn severities(&self) -> [Severity; 2] {
        Severity::ALL
    }

    /// One edit in words: what changed, from what, to what.
    pub fn history_line(&self, h: &OpHistoryRow) -> String {
        let services = self.desk.as_ref().map(|d| &d.services);
        let value = |v: &Option<String>| -> String {
            let v = v.as_deref().unwrap_or("");
            match h.field.as_str() {
                "state" | "created" => v
                    .parse::<OpState>()
                    .map_or_else(|_| v.to_owned(), |s| s.label()),
                "severity" => v
                    .parse::<Severity>()
                    .map_or_else(|_| crate::i18n::t("op-no-severity"), |s| s.label()),
                "starts_at" | "ends_at" => v
                    .parse::<i64>()
                    .map_or_else(|_| "–".to_owned(), |ms| ms.local()),
                "services" if v.is_empty() => crate::i18n::t("op-all-services"),
                "services" => v
                    .split(' ')
                    .filter_map(|id| id.parse::<i64>().ok())
                    .map(|id| {
                        services
                            .and_then(|l| l.iter().find(|(s, _)| s.id == id))
                            .map_or_else(|| id.to_string(), |(s, _)| s.name.clone())
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                "body" => {
                    let text: String = v.chars().take(60).collect();
                    if v.chars().count() > 60 {
                        format!("{text}…")
                    } else {
                        text
                    }
                }
                _ => v.to_owned(),
            }
        };
        let label = match h.field.as_str() {
            "created" => crate::i18n::t("op-history-created"),
            f => crate::i18n::t(&format!("field-{f}")),
        };
        match (h.field.as_str(), &h.old_value, &h.new_value) {
            ("case", None, new) => Msg::new("op-history-linked")
                .arg("number", value(new))
                .text(),
            ("case", old, _) => Msg::new("op-history-unlinked")
                .arg("number", value(old))
                .text(),
            (_, None, new) => format!("{label}: {}", value(new)),
            (_, old, new) => format!("{label}: {} → {}", value(old), value(new)),
        }
    }
    pub fn open_cases(&self) -> usize {
        self.desk.as_ref().map_or(0, |d| {
            d.cases.iter().filter(|c| !c.status.is_finished()).count()
        })
    }
}

pub async fn message(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    PagePath(id): PagePath<i64>,
) -> Result<MessagePage, WebError> {
    message_page(
        &state,
        user.as_ref(),
        id,
        FormErrors::new("op-"),
        Again::default(),
    )
    .await
}

async fn message_page(
    state: &AppState,
    user: Option<&CurrentUser>,
    id: i64,
    errors: FormErrors,
    again: Again,
) -> Result<MessagePage, WebError> {
    let now = Timestamp::now();
    let reader = reader_of(user.map(|u| &u.user));
    let r = status::visible(state, reader, id).await?;
    let services = state.store.list_services().await?;
    let updates = state
        .store
        .op_updates(Some(id), 500)
        .await?
        .into_iter()
        .map(UpdateView::from)
        .collect();
    let staff = reader == Reader::Staff;
    let affected = match user {
        Some(_) => state.store.op_affected(id).await?,
        None => Vec::new(),
    };
    let (concerned, following) = match user {
        Some(u) => {
            let subs = state.store.subscriptions_of(u.user.id).await?;
            let following = subs.iter().any(|s| s.message_id == Some(id));
            (affected.iter().any(|a| a.user_id == u.user.id), following)
        }
        None => (false, false),
    };
    let desk = if staff {
        let rules = r.rules();
        Some(Desk {
            version: r.row.version,
            title: again.title.clone().unwrap_or_else(|| r.row.title.clone()),
            body: again.body.clone().unwrap_or_else(|| r.row.body.clone()),
            severity: rules.fields.severity,
            ends_at: again.ends_at.clone().unwrap_or_else(|| {
                r.row
                    .ends_at
                    .map(crate::texts::datetime_input)
                    .unwrap_or_default()
            }),
            services: services
                .iter()
                .map(|s| (s.clone(), r.services.contains(&s.id)))
                .collect(),
            cases: state.store.op_cases(id).await?,
            affected,
            history: state.store.op_history(id).await?,
            states: OpState::ALL
                .into_iter()
                .filter(|s| rules.state_at(now).may_become(*s))
                .collect(),
            errors,
            again,
        })
    } else {
        None
    };
    Ok(MessagePage {
        nav: user.map(Nav::of),
        m: MessageView::of(&r, &services, now),
        updates,
        staff,
        // The desk links cases instead; pupils and guardians are helped by their school.
        may_report: user.is_some_and(|u| u.user.kind.is_customer() && !u.user.kind.is_staff()),
        concerned,
        following,
        org_contact: user.is_some_and(|u| u.user.org_contact),
        desk,
    })
}

/// "Dette gjelder meg også": counted, and told when it is resolved.
pub async fn concerns_me(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    status::concerns_me(&state, &user.user, id).await?;
    user.confirm(&state, Msg::new("flash-op-concerns-me")).await;
    Ok(Redirect::to(&format!("/status/messages/{id}")))
}

#[derive(Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    csrf: String,
    /// `on`: for one's organisation.
    #[serde(default)]
    for_org: Option<String>,
}

pub async fn follow_message(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<SubscribeForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    status::subscribe(
        &state,
        &user.user,
        Follows::Message(id),
        f.for_org.is_some(),
    )
    .await?;
    user.confirm(&state, Msg::new("flash-op-following")).await;
    Ok(Redirect::to(&format!("/status/messages/{id}")))
}

pub async fn follow_service(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<SubscribeForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    status::subscribe(
        &state,
        &user.user,
        Follows::Service(id),
        f.for_org.is_some(),
    )
    .await
    .map_err(|e| match e {
        WebError::Invalid { field, .. } if field == "service" => WebError::NotFound,
        e => e,
    })?;
    user.confirm(&state, Msg::new("flash-op-following")).await;
    Ok(Redirect::to("/status"))
}

pub async fn unfollow(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    state.store.unsubscribe(user.user.id, id).await?;
    user.confirm(&state, Msg::new("flash-op-unfollowed")).await;
    Ok(Redirect::to("/account"))
}

#[derive(Template, WebTemplate)]
#[template(path = "unsubscribe.html")]
pub struct UnsubscribePage {
    pub nav: Option<Nav>,
    pub token: String,
    /// What the link follows; `None`: no such subscription (any more).
    pub what: Option<String>,
    pub done: bool,
}

fn what(s: &skranke_store::Subscription) -> String {
    s.service_name
        .clone()
        .or_else(|| s.message_title.clone())
        .unwrap_or_default()
}

/// The page a mail's unsubscribe link opens: one button (a GET changes
/// nothing, so that a mail scanner opening links unsubscribes nobody).
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    PagePath(token): PagePath<String>,
) -> Result<UnsubscribePage, WebError> {
    let found = state.store.subscription_by_token(&token).await?;
    Ok(UnsubscribePage {
        nav: user.as_ref().map(Nav::of),
        what: found.as_ref().map(what),
        token,
        done: false,
    })
}

/// The one click (RFC 8058: a mail program POSTs `List-Unsubscribe=One-Click`;
/// the page's button posts the same). The token is the authority: no
/// login, and so no CSRF token either (it only ever ends a subscription).
pub async fn unsubscribe(
    State(state): State<AppState>,
    user: Option<CurrentUser>,
    PagePath(token): PagePath<String>,
) -> Result<UnsubscribePage, WebError> {
    let found = state.store.unsubscribe_by_token(&token).await?;
    Ok(UnsubscribePage {
        nav: user.as_ref().map(Nav::of),
        what: found.as_ref().map(what),
        token,
        done: found.is_some(),
    })
}

#[derive(Template)]
#[template(path = "status.atom", escape = "html")]
struct Feed {
    id: String,
    title: String,
    self_url: String,
    site: String,
    updated: String,
    author: String,
    entries: Vec<Entry>,
}

struct Entry {
    id: String,
    title: String,
    link: String,
    updated: String,
    html: String,
}

fn atom_time(ms: i64) -> String {
    skranke_store::from_ms(ms)
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Atom 1.0: one entry per public event of the messages for everyone.
async fn feed(state: &AppState, service: Option<Service>) -> Result<Response, WebError> {
    let site = crate::outmail::site(&state.config);
    let records: Vec<OpRecord> = status::list(state, Reader::Public, true)
        .await?
        .into_iter()
        .filter(|r| {
            service
                .as_ref()
                .is_none_or(|s| r.rules().names_service(s.id))
        })
        .collect();
    let by_id = |id: i64| records.iter().find(|r| r.row.id == id);
    let mut updates = state.store.op_updates(None, 1000).await?;
    updates.retain(|u| by_id(u.message_id).is_some());
    // Newest first, as feed readers expect.
    updates.sort_by_key(|u| std::cmp::Reverse((u.created_at, u.id)));
    updates.truncate(100);
    let latest = updates.first().map_or(0, |u| u.created_at);
    let mut entries = Vec::new();
    for u in updates {
        let Some(r) = by_id(u.message_id) else {
            continue;
        };
        let event = match u.event.as_str() {
            "published" => Msg::new("op-event-published"),
            "state" => Msg::new("op-event-state").arg("state", u.state.label()),
            _ => Msg::new("op-event-update"),
        };
        let body = if u.event == "published" {
            &r.row.body
        } else {
            &u.body
        };
        entries.push(Entry {
            id: format!("{site}/status/messages/{}#update-{}", r.row.id, u.id),
            title: format!("{} – {}: {}", r.row.kind.label(), r.row.title, event.text()),
            link: format!("{site}/status/messages/{}", r.row.id),
            updated: atom_time(u.created_at),
            html: crate::markdown::to_html(body),
        });
    }
    let (path, title) = match &service {
        Some(s) => (
            format!("/status/services/{}/feed", s.id),
            Msg::new("op-feed-service-title")
                .arg("service", s.name.as_str())
                .text(),
        ),
        None => ("/status.atom".to_owned(), crate::i18n::t("op-feed-title")),
    };
    let body = Feed {
        id: format!("{site}{path}"),
        self_url: format!("{site}{path}"),
        site: format!("{site}/status"),
        title,
        updated: atom_time(latest),
        author: state.config.contact.portal_name.clone(),
        entries,
    }
    .render()
    .map_err(|e| WebError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=60"),
        ],
        body,
    )
        .into_response())
}

pub async fn feed_all(State(state): State<AppState>) -> Result<Response, WebError> {
    feed(&state, None).await
}

pub async fn feed_service(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
) -> Result<Response, WebError> {
    let service = state
        .store
        .list_services()
        .await?
        .into_iter()
        .find(|s| s.id == id)
        .ok_or(WebError::NotFound)?;
    feed(&state, Some(service)).await
}

/// The values of the new-message form, kept when it comes back with errors.
#[derive(Deserialize, Default, Clone)]
pub struct NewMessageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub severity: String,
    /// Ids, from checkboxes (`services=1&services=3`).
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub orgs: Vec<String>,
    #[serde(default)]
    pub starts_at: String,
    #[serde(default)]
    pub ends_at: String,
    #[serde(default)]
    pub draft: Option<String>,
    /// The case it is made from.
    #[serde(default)]
    pub case: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "op_messages.html")]
pub struct MessagesPage {
    pub nav: Nav,
    pub messages: Vec<MessageView>,
    pub services: Vec<Service>,
    pub orgs: Vec<Organization>,
    pub values: NewMessageForm,
    pub errors: FormErrors,
    pub example: String,
}

impl MessagesPage {
    pub fn kinds(&self) -> [OpKind; 3] {
        OpKind::ALL
    }
    pub fn severities(&self) -> [Severity; 2] {
        Severity::ALL
    }
    pub fn has_service(&self, id: &i64) -> bool {
        self.values
            .services
            .iter()
            .any(|s| s.trim() == id.to_string())
    }
    pub fn has_org(&self, id: &i64) -> bool {
        self.values.orgs.iter().any(|s| s.trim() == id.to_string())
    }
}

#[derive(Deserialize)]
pub struct FromCase {
    #[serde(default)]
    case: Option<String>,
}

async fn messages_page(
    state: &AppState,
    user: &CurrentUser,
    values: NewMessageForm,
    errors: FormErrors,
) -> Result<MessagesPage, WebError> {
    if !user.is_staff() {
        return Err(WebError::Forbidden);
    }
    let now = Timestamp::now();
    let services = state.store.list_services().await?;
    let messages = status::list(state, Reader::Staff, true)
        .await?
        .iter()
        .map(|r| MessageView::of(r, &services, now))
        .collect();
    Ok(MessagesPage {
        nav: Nav::of(user),
        messages,
        orgs: state.store.list_orgs().await?,
        services,
        values,
        errors,
        example: crate::texts::datetime_input(now.as_millisecond()),
    })
}

/// `/agent/messages`: every message, drafts and resolved ones too, and the
/// form that publishes a new one (`?case=` fills it from a case).
pub async fn messages(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<FromCase>,
) -> Result<MessagesPage, WebError> {
    let mut values = NewMessageForm {
        kind: "outage".into(),
        ..NewMessageForm::default()
    };
    if let Some(number) = q.case.as_deref().filter(|n| !n.trim().is_empty()) {
        let case = crate::access::readable_case(&state, user.actor(), number).await?;
        values.title = case.title.clone();
        values.case = case.number.clone();
        values.services = case
            .service_id
            .map(|s| vec![s.to_string()])
            .unwrap_or_default();
    }
    messages_page(&state, &user, values, FormErrors::new("op-")).await
}

fn ids(field: &str, list: &[String]) -> Result<Vec<i64>, WebError> {
    list.iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| WebError::invalid(field, "error-invalid-choice"))
        })
        .collect()
}

fn opt_time(state: &AppState, field: &str, v: &str) -> Result<Option<Timestamp>, WebError> {
    if v.trim().is_empty() {
        Ok(None)
    } else {
        crate::casework::parse_deadline(state, field, v).map(Some)
    }
}

fn input_of(state: &AppState, f: &NewMessageForm) -> Result<OpInput, WebError> {
    Ok(OpInput {
        kind: f.kind.parse().ok(),
        title: f.title.clone(),
        body: f.body.clone(),
        severity: f.severity.parse().ok(),
        services: ids("services", &f.services)?,
        orgs: ids("orgs", &f.orgs)?,
        starts_at: opt_time(state, "starts_at", &f.starts_at)?,
        ends_at: opt_time(state, "ends_at", &f.ends_at)?,
        published: f.draft.is_none(),
    })
}

pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<NewMessageForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    if !user.is_staff() {
        return Err(WebError::Forbidden);
    }
    let result = async {
        let input = input_of(&state, &f)?;
        let case = match f.case.trim() {
            "" => None,
            n => Some(crate::access::readable_case(&state, user.actor(), n).await?),
        };
        status::create(&state, user.actor(), input, case.as_ref()).await
    }
    .await;
    match result {
        Ok(id) => {
            user.confirm(&state, Msg::new("flash-op-created")).await;
            Ok(Redirect::to(&format!("/status/messages/{id}")).into_response())
        }
        Err(WebError::Invalid { field, msg }) => {
            let errors = FormErrors::of("op-", &field, &msg);
            let page = messages_page(&state, &user, f, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    state: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    all_services: Option<String>,
    #[serde(default)]
    publish: Option<String>,
    #[serde(default)]
    note: String,
}

/// The answer to one of the message page's forms: back to the page with
/// what happened, or the page again with the problem at its field and
/// what was typed.
async fn answer(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    result: Result<Msg, WebError>,
    again: Again,
) -> Result<Response, WebError> {
    match result {
        Ok(done) => {
            user.confirm(state, done).await;
            Ok(Redirect::to(&format!("/status/messages/{id}")).into_response())
        }
        Err(WebError::Invalid { field, msg } | WebError::Conflict { field, msg }) => {
            let errors = FormErrors::of("op-", &field, &msg);
            let page = message_page(state, Some(user), id, errors, again).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The desk's edit of a message: its title, text, state, severity,
/// services, expected end, and publishing a draft.
pub async fn edit(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<EditForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = async {
        let version = f.version.trim().parse().ok();
        let services = if f.all_services.is_some() {
            Vec::new()
        } else {
            ids("services", &f.services)?
        };
        let patch = OpPatch {
            title: f.title.clone(),
            body: f.body.clone(),
            state: f.state.parse().ok(),
            severity: Some(f.severity.parse().ok()),
            ends_at: Some(opt_time(&state, "ends_at", &f.ends_at)?),
            services: Some(services),
            published: f.publish.as_ref().map(|_| true),
            ..OpPatch::default()
        };
        status::edit(&state, user.actor(), id, version, patch, &f.note).await?;
        Ok(Msg::new("flash-op-saved"))
    }
    .await;
    let again = Again {
        note: f.note.clone(),
        ends_at: Some(f.ends_at.clone()),
        title: f.title.clone(),
        body: f.body.clone(),
        ..Again::default()
    };
    answer(&state, &user, id, result, again).await
}

#[derive(Deserialize)]
pub struct BodyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    case: String,
}

pub async fn add_update(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<BodyForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = status::add_update(&state, user.actor(), id, &f.body, None)
        .await
        .map(|_| Msg::new("flash-op-update-added"))
        .map_err(|e| e.at("update_body"));
    let again = Again {
        update_body: f.body.clone(),
        ..Again::default()
    };
    answer(&state, &user, id, result, again).await
}

pub async fn link_case(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<BodyForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = status::link_case(&state, user.actor(), id, &f.case)
        .await
        .map(|case| Msg::new("flash-op-case-linked").arg("number", case.number));
    let again = Again {
        case: f.case.clone(),
        ..Again::default()
    };
    answer(&state, &user, id, result, again).await
}

pub async fn unlink_case(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath((id, number)): PagePath<(i64, String)>,
    Form(f): Form<CsrfForm>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    status::unlink_case(&state, user.actor(), id, &number).await?;
    user.confirm(
        &state,
        Msg::new("flash-op-case-unlinked").arg("number", number),
    )
    .await;
    Ok(Redirect::to(&format!("/status/messages/{id}")))
}

pub async fn resolve_cases(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<BodyForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    let result = status::resolve_linked(&state, user.actor(), id, &f.body)
        .await
        .map(|done| {
            Msg::new("flash-op-cases-resolved")
                .arg("count", done.resolved.len() as i64)
                .arg("skipped", done.skipped.len() as i64)
        })
        .map_err(|e| e.at("resolve_body"));
    let again = Again {
        resolve_body: f.body.clone(),
        ..Again::default()
    };
    answer(&state, &user, id, result, again).await
}

/// The messages a case is linked to that its reader may see, and for the
/// desk the open ones it may be linked to (for the case page's section).
pub async fn of_case(
    state: &AppState,
    case_id: i64,
    reader: &skranke_store::User,
) -> Result<(Vec<(i64, String)>, Vec<(i64, String)>), WebError> {
    let linked_ids = state.store.case_op_messages(case_id).await?;
    let reader = reader_of(Some(reader));
    let all = status::list(state, reader, true).await?;
    let now = Timestamp::now();
    let linked = all
        .iter()
        .filter(|r| linked_ids.contains(&r.row.id))
        .map(|r| (r.row.id, r.row.title.clone()))
        .collect();
    let open = all
        .iter()
        .filter(|_| reader == Reader::Staff)
        .filter(|r| !linked_ids.contains(&r.row.id))
        .filter(|r| {
            let m: OpMessage = r.rules();
            m.state_at(now) != OpState::Resolved
        })
        .map(|r| (r.row.id, r.row.title.clone()))
        .collect();
    Ok((linked, open))
}

/// Links the case from its page to an open message.
pub async fn link_from_case(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(number): PagePath<String>,
    Form(f): Form<LinkFromCase>,
) -> Result<Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    let id = f
        .message
        .trim()
        .parse()
        .map_err(|_| WebError::invalid("message", "error-must-choose"))?;
    let case = status::link_case(&state, user.actor(), id, &number).await?;
    user.confirm(
        &state,
        Msg::new("flash-op-case-linked").arg("number", case.number.clone()),
    )
    .await;
    Ok(Redirect::to(&format!("/cases/{}", case.number)))
}

#[derive(Deserialize)]
pub struct LinkFromCase {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    message: String,
}
