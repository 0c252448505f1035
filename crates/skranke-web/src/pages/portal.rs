use super::{Form, opt_id};
use crate::AppState;
use crate::access::readable_case;
use crate::auth::CurrentUser;
use crate::casework;
use crate::error::WebError;
use crate::texts;
use crate::views::{CaseFormValues, HoursRow, Nav, NewCasePage, PortalPage, priority_infos};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use skranke_core::{CaseKind, Channel, ImpactAnswers, NewCaseInput};
use skranke_store::{CaseFilter, User};

pub async fn home(
    State(state): State<AppState>,
    user: CurrentUser,
) -> Result<PortalPage, WebError> {
    let filter = CaseFilter {
        requester_id: Some(user.user.id),
        sort: skranke_store::CaseSort::Newest,
        limit: 200,
        ..CaseFilter::default()
    };
    let (cases, _) = state.store.list_cases(&filter).await?;
    let hours = state
        .hours
        .weekly
        .iter()
        .zip(texts::WEEKDAYS)
        .map(|(h, day)| HoursRow {
            day,
            hours: if h.is_empty() {
                "Stengt".into()
            } else {
                h.iter()
                    .map(|(a, b)| format!("{}–{}", a.strftime("%H:%M"), b.strftime("%H:%M")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    Ok(PortalPage {
        may_report: user.actor().may_create_case(),
        nav: Nav::of(&user),
        cases,
        open_now: state.hours.is_open(Timestamp::now()),
        hours,
        contact: state.config.contact.clone(),
        not_customer: texts::NOT_CUSTOMER,
    })
}

/// The fields of the new-case form (portal and phone intake).
#[derive(Deserialize, Default)]
pub struct CaseForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub requester_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub computer_name: String,
    #[serde(default)]
    pub requester_username: String,
    #[serde(default)]
    pub service_id: String,
    /// The number of an earlier case this report follows up.
    #[serde(default)]
    pub follows: String,
    #[serde(default)]
    pub form_token: String,
    pub life_and_health: Option<String>,
    pub whole_unit_down: Option<String>,
    pub citizen_service: Option<String>,
    pub system_down_for_user: Option<String>,
}

impl CaseForm {
    pub fn values(&self) -> CaseFormValues {
        CaseFormValues {
            kind: self.kind.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            computer_name: self.computer_name.clone(),
            requester_username: self.requester_username.clone(),
            service_id: self.service_id.trim().parse().ok(),
            life_and_health: self.life_and_health.is_some(),
            whole_unit_down: self.whole_unit_down.is_some(),
            citizen_service: self.citizen_service.is_some(),
            system_down_for_user: self.system_down_for_user.is_some(),
            follows: self.follows.trim().to_owned(),
            form_token: self.form_token.clone(),
        }
    }

    /// The validated input, or every problem with the form in Norwegian.
    pub fn input(
        &self,
        channel: Channel,
        follows_id: Option<i64>,
    ) -> Result<NewCaseInput, Vec<String>> {
        let impact = ImpactAnswers {
            life_and_health: self.life_and_health.is_some(),
            whole_unit_down: self.whole_unit_down.is_some(),
            citizen_service: self.citizen_service.is_some(),
            system_down_for_user: self.system_down_for_user.is_some(),
        };
        let mut extra = Vec::new();
        let kind = self.kind.parse::<CaseKind>().ok();
        if kind.is_none() {
            extra.push(format!("{}: må velges.", texts::field_label("kind")));
        }
        let service_id = opt_id("service_id", &self.service_id).map_err(|e| vec![e.message()])?;
        let input = NewCaseInput {
            kind: kind.unwrap_or(CaseKind::Fault),
            title: self.title.clone(),
            description: self.description.clone(),
            requester_username: self.requester_username.clone(),
            computer_name: self.computer_name.clone(),
            service_id,
            suggested_priority: impact.suggested_priority(),
            priority_confirmed: false,
            channel,
            follows_id,
        };
        match (input.validate(), extra.is_empty()) {
            (Ok(v), true) => Ok(v),
            (Ok(_), false) => Err(extra),
            (Err(errors), _) => {
                extra.extend(casework::validation_messages(&errors));
                Err(extra)
            }
        }
    }
}

pub async fn new_case_page(
    state: &AppState,
    user: &CurrentUser,
    caller: Option<User>,
    mut values: CaseFormValues,
    errors: Vec<String>,
) -> Result<NewCasePage, WebError> {
    if values.form_token.is_empty() {
        values.form_token = crate::auth::generate_token();
    }
    let requester_kind = caller.as_ref().map_or(user.user.kind, |c| c.kind);
    Ok(NewCasePage {
        nav: Nav::of(user),
        action: if caller.is_some() {
            "/agent/phone"
        } else {
            "/portal/cases"
        },
        caller,
        services: state.store.list_services().await?,
        priorities: priority_infos(&state.config),
        values,
        errors,
        refused: (!requester_kind.is_customer()).then_some(texts::NOT_CUSTOMER),
        kinds: CaseKind::ALL.to_vec(),
    })
}

#[derive(Deserialize, Default)]
pub struct NewCaseQuery {
    #[serde(default)]
    follows: String,
}

pub async fn new_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewCaseQuery>,
) -> Result<Response, WebError> {
    prefilled(&state, &user, q.follows, String::new()).await
}

/// The form that a refused reply leads to: a new report following up the
/// old case, with the text the requester had written. Nothing is stored.
#[derive(Deserialize)]
pub struct FollowUpForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    follows: String,
    #[serde(default)]
    description: String,
}

pub async fn follow_up(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<FollowUpForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    prefilled(&state, &user, f.follows, f.description).await
}

async fn prefilled(
    state: &AppState,
    user: &CurrentUser,
    follows: String,
    description: String,
) -> Result<Response, WebError> {
    let follows = follows.trim().to_owned();
    let title = if follows.is_empty() {
        String::new()
    } else {
        format!("{} {follows}", texts::ui().follow_up_title)
    };
    let values = CaseFormValues {
        kind: "fault".into(),
        requester_username: user.user.username.clone(),
        title,
        description,
        follows,
        ..CaseFormValues::default()
    };
    let page = new_case_page(state, user, None, values, Vec::new()).await?;
    let status = if page.refused.is_some() {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

pub async fn create_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(f): Form<CaseForm>,
) -> Result<Response, WebError> {
    user.check_csrf(&f.csrf)?;
    casework::refuse_non_customer(&user.user)?;
    submit(&state, &user, &user.user, &f, Channel::Web).await
}

/// Validates, registers and redirects to the new case; on bad input shows
/// the form again with every problem and the values kept.
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    requester: &User,
    f: &CaseForm,
    channel: Channel,
) -> Result<Response, WebError> {
    let caller = (requester.id != user.user.id).then(|| requester.clone());
    let actor = skranke_core::Actor {
        user_id: requester.id,
        kind: requester.kind,
    };
    let follows_id = match f.follows.trim() {
        "" => Ok(None),
        n => readable_case(state, actor, n)
            .await
            .map(|c| Some(c.id))
            .map_err(|_| {
                vec![format!(
                    "{}: {}",
                    texts::field_label("follows"),
                    texts::FOLLOWS_UNKNOWN
                )]
            }),
    };
    match follows_id.and_then(|id| f.input(channel, id)) {
        Ok(input) => {
            let idem = match f.form_token.as_str() {
                "" => None,
                t => Some(casework::idempotency_key(
                    "form_token",
                    user.user.id,
                    &format!("form:{t}"),
                    &[b"case form"],
                )?),
            };
            let r = casework::register(state, &user.user, requester, input, idem).await?;
            Ok(Redirect::to(&format!("/cases/{}", r.case.number)).into_response())
        }
        Err(errors) => {
            let page = new_case_page(state, user, caller, f.values(), errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}
