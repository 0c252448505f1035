//! Notifications: what happened on one's cases, for everyone (a requester
//! sees what the desk did, the desk what happened to the cases it handles).
//! The same notices come by e-mail unless turned off on the account page.

use super::{CsrfForm, Form, PagePath};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Msg;
use crate::views::{Nav, NotificationView, NotificationsPage};
use axum::extract::State;

pub async fn notifications(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<NotificationsPage, WebError> {
    let items = state
        .store
        .notifications(user.user.id, 200)
        .await?
        .into_iter()
        .map(|n| NotificationView {
            text: crate::notify::notification_text(&state.config, &n),
            id: n.id,
            href: crate::notify::notification_href(&n),
            created_at: n.created_at,
            unread: n.read_at.is_none(),
        })
        .collect();
    Ok(NotificationsPage {
        items,
        nav: Nav::of(&user),
    })
}

pub async fn notifications_read(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CsrfForm>,
) -> Result<axum::response::Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    state
        .store
        .mark_notifications_read(user.user.id, jiff::Timestamp::now())
        .await?;
    user.confirm(&state, Msg::new("flash-all-read")).await;
    Ok(axum::response::Redirect::to("/notifications"))
}

pub async fn notification_read(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(id): PagePath<i64>,
    Form(f): Form<CsrfForm>,
) -> Result<axum::response::Redirect, WebError> {
    user.check_csrf(&f.csrf)?;
    state
        .store
        .mark_notification_read(user.user.id, id, jiff::Timestamp::now())
        .await?;
    user.confirm(&state, Msg::new("flash-read")).await;
    Ok(axum::response::Redirect::to("/notifications"))
}
