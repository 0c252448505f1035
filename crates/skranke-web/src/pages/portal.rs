//! The requester's pages: their cases, and the report form (which phone
//! intake shares).

use super::{Form, opt_id};
use crate::AppState;
use crate::access::readable_case;
use crate::auth::CurrentUser;
use crate::casework::{self, Source};
use crate::error::WebError;
use crate::files::{self, FormFile};
use crate::i18n::Msg;
use crate::texts;
use crate::views::{
    CaseFormValues, FormErrors, HoursRow, Nav, NewCasePage, PortalPage, PortalRow, priority_infos,
};
use axum::extract::{FromRequest, Multipart, Query, Request, State};
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
    let ids: Vec<i64> = cases.iter().map(|c| c.id).collect();
    let unseen = state.store.unseen_replies(user.user.id, &ids).await?;
    let rows = cases
        .into_iter()
        .map(|case| PortalRow {
            new_reply: unseen.contains(&case.id),
            copied: case.requester_id != user.user.id,
            case,
        })
        .collect();
    let hours = state
        .hours
        .weekly
        .iter()
        .enumerate()
        .map(|(i, h)| HoursRow {
            day: texts::weekday_name(i + 1),
            hours: if h.is_empty() {
                crate::i18n::t("hours-closed")
            } else {
                h.iter()
                    .map(|(a, b)| format!("{}–{}", a.strftime("%H:%M"), b.strftime("%H:%M")))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        })
        .collect();
    Ok(PortalPage {
        ops: super::status::active_for(&state, &user).await?,
        nav: Nav::of(&user),
        rows,
        open_now: state.hours.is_open(Timestamp::now()),
        hours,
        contact: state.config.contact.clone(),
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

/// The report form as posted (multipart, for its files).
pub struct CaseUpload {
    pub form: CaseForm,
    pub files: Vec<files::Upload>,
    /// Files too big to take, by name.
    pub too_big: Vec<String>,
}

impl FromRequest<AppState> for CaseUpload {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, WebError> {
        let multipart = files::is_multipart(req.headers());
        if !multipart {
            // A form without files may come urlencoded.
            let Form(form) = Form::<CaseForm>::from_request(req, state).await?;
            return Ok(CaseUpload {
                form,
                files: Vec::new(),
                too_big: Vec::new(),
            });
        }
        let max = state.config.cases.max_attachment_bytes;
        let mut mp = Multipart::from_request(req, state)
            .await
            .map_err(|e| WebError::Malformed(e.body_text()))?;
        let mut up = CaseUpload {
            form: CaseForm::default(),
            files: Vec::new(),
            too_big: Vec::new(),
        };
        let f = &mut up.form;
        while let Some(field) = mp.next_field().await.map_err(files::multipart_error)? {
            let name = field.name().unwrap_or("").to_owned();
            if name == "attachment" {
                match files::form_file(field, max).await? {
                    FormFile::None => {}
                    FormFile::File(u) => up.files.push(u),
                    FormFile::TooBig { name } => up.too_big.push(name),
                }
                continue;
            }
            let v = files::text(field).await?;
            let on = Some(v.clone());
            match name.as_str() {
                "csrf" => f.csrf = v,
                "requester_id" => f.requester_id = v,
                "kind" => f.kind = v,
                "title" => f.title = v,
                "description" => f.description = v,
                "computer_name" => f.computer_name = v,
                "requester_username" => f.requester_username = v,
                "service_id" => f.service_id = v,
                "follows" => f.follows = v,
                "form_token" => f.form_token = v,
                "life_and_health" => f.life_and_health = on,
                "whole_unit_down" => f.whole_unit_down = on,
                "citizen_service" => f.citizen_service = on,
                "system_down_for_user" => f.system_down_for_user = on,
                _ => {}
            }
        }
        Ok(up)
    }
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

    /// The validated input, or `None` with every problem added at its field.
    pub fn input(
        &self,
        channel: Channel,
        follows_id: Option<i64>,
        errors: &mut FormErrors,
    ) -> Option<NewCaseInput> {
        let impact = ImpactAnswers {
            life_and_health: self.life_and_health.is_some(),
            whole_unit_down: self.whole_unit_down.is_some(),
            citizen_service: self.citizen_service.is_some(),
            system_down_for_user: self.system_down_for_user.is_some(),
        };
        let kind = self.kind.parse::<CaseKind>().ok();
        if kind.is_none() {
            errors.add("kind", &texts::about("kind", "error-must-choose"));
        }
        let service_id = match opt_id("service_id", &self.service_id) {
            Ok(id) => id,
            Err(e) => {
                errors.add("service_id", &e.msg());
                None
            }
        };
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
        match input.validate() {
            Ok(v) => Some(v),
            Err(problems) => {
                for p in &problems {
                    errors.add(p.field, &texts::validation_msg(p.field, p.code));
                }
                None
            }
        }
    }
}

pub async fn new_case_page(
    state: &AppState,
    user: &CurrentUser,
    caller: Option<User>,
    mut values: CaseFormValues,
    errors: FormErrors,
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
        refused: !requester_kind.is_customer(),
        kinds: CaseKind::ALL.to_vec(),
        max_attachment_bytes: state.config.cases.max_attachment_bytes,
        ops: if requester_kind.is_customer() {
            super::status::for_report(state, user).await?
        } else {
            Vec::new()
        },
    })
}

#[derive(Deserialize, Default)]
pub struct NewCaseQuery {
    #[serde(default)]
    follows: String,
    /// The service the report is about (from its catalog page).
    #[serde(default)]
    service: String,
}

pub async fn new_case(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(q): Query<NewCaseQuery>,
) -> Result<Response, WebError> {
    prefilled(
        &state,
        &user,
        q.follows,
        String::new(),
        q.service.trim().parse().ok(),
    )
    .await
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
    prefilled(&state, &user, f.follows, f.description, None).await
}

async fn prefilled(
    state: &AppState,
    user: &CurrentUser,
    follows: String,
    description: String,
    service_id: Option<i64>,
) -> Result<Response, WebError> {
    let follows = follows.trim().to_owned();
    let title = if follows.is_empty() {
        String::new()
    } else {
        Msg::new("follow-up-title")
            .arg("number", follows.as_str())
            .text()
    };
    let values = CaseFormValues {
        kind: "fault".into(),
        requester_username: user.user.username.clone(),
        title,
        description,
        follows,
        service_id,
        ..CaseFormValues::default()
    };
    let page = new_case_page(state, user, None, values, FormErrors::new("")).await?;
    let status = if page.refused {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::OK
    };
    Ok((status, page).into_response())
}

pub async fn create_case(
    State(state): State<AppState>,
    user: CurrentUser,
    upload: CaseUpload,
) -> Result<Response, WebError> {
    user.check_csrf(&upload.form.csrf)?;
    casework::refuse_non_customer(&user.user)?;
    let requester = user.user.clone();
    submit(&state, &user, &requester, upload, Channel::Web).await
}

/// Validates, registers and goes to the new case, saying what happened;
/// on bad input shows the form again with every problem at its field and
/// everything as typed (files must be chosen again: browsers do not let
/// a page refill them).
pub async fn submit(
    state: &AppState,
    user: &CurrentUser,
    requester: &User,
    upload: CaseUpload,
    channel: Channel,
) -> Result<Response, WebError> {
    let CaseUpload {
        form: f,
        files: uploads,
        too_big,
    } = upload;
    let caller = (requester.id != user.user.id).then(|| requester.clone());
    let actor = skranke_core::Actor {
        user_id: requester.id,
        kind: requester.kind,
    };
    let mut errors = FormErrors::new("");
    let follows_id = match f.follows.trim() {
        "" => None,
        n => match readable_case(state, actor, n).await {
            Ok(c) => Some(c.id),
            Err(_) => {
                errors.add(
                    "follows",
                    &Msg::new("error-follows-unknown").arg("number", n),
                );
                None
            }
        },
    };
    let input = f.input(channel, follows_id, &mut errors);
    let input = match input {
        Some(input) if errors.is_empty() && too_big.is_empty() => input,
        _ => {
            for name in &too_big {
                errors.add(
                    "attachment",
                    &files::too_big_msg(name, state.config.cases.max_attachment_bytes),
                );
            }
            let page = new_case_page(state, user, caller, f.values(), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let digests: Vec<Vec<u8>> = uploads
        .iter()
        .map(|u| <sha2::Sha256 as sha2::Digest>::digest(&u.bytes).to_vec())
        .collect();
    let idem = match f.form_token.as_str() {
        "" => None,
        t => {
            let mut request: Vec<&[u8]> = vec![b"case form"];
            request.extend(digests.iter().map(Vec::as_slice));
            Some(casework::idempotency_key(
                "form_token",
                user.user.id,
                &format!("form:{t}"),
                &request,
            )?)
        }
    };
    let attachments = files::store_all(state.files.as_ref(), uploads).await?;
    let r = casework::register(
        state,
        &user.user,
        requester,
        input,
        attachments,
        Vec::new(),
        Source::keyed(idem),
    )
    .await?;
    let msg = match &r.case.handler_name {
        Some(h) => Msg::new("flash-registered")
            .arg("number", r.case.number.as_str())
            .arg("handler", h.as_str()),
        None => Msg::new("flash-registered-unassigned").arg("number", r.case.number.as_str()),
    };
    user.confirm(state, msg).await;
    Ok(Redirect::to(&format!("/cases/{}", r.case.number)).into_response())
}
