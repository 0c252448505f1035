//! The service catalog as customers read it: every service by category,
//! searchable by name, and each service's description in its seven
//! sections under its live status ("STATUS: TJENESTEN ER TILGJENGELIG"),
//! with the way to report a fault or order.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::WebError;
#[allow(unused_imports)]
use crate::i18n::Tr;
use crate::status::reader_of;
use crate::texts::Label;
#[allow(unused_imports)]
use crate::views::{Flash, Local, Nav};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;
use skranke_core::catalog::{Role, SECTIONS};
use skranke_store::CatalogEntry;

use super::PagePath;

/// One category of the catalog and its services.
pub struct CategoryView {
    pub name: String,
    pub services: Vec<CatalogEntry>,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog.html")]
pub struct CatalogPage {
    pub nav: Nav,
    pub q: String,
    pub categories: Vec<CategoryView>,
}

#[derive(Deserialize, Default)]
pub struct CatalogQuery {
    #[serde(default)]
    q: String,
}

/// `/catalog`: the services by category, those whose name has `q`.
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<CatalogQuery>,
) -> Result<CatalogPage, WebError> {
    let q: String = query.q.trim().chars().take(100).collect();
    let needle = q.to_lowercase();
    let mut categories: Vec<CategoryView> = Vec::new();
    for s in state.store.catalog_entries().await? {
        if !needle.is_empty() && !s.name.to_lowercase().contains(&needle) {
            continue;
        }
        match categories.iter_mut().find(|c| c.name == s.category) {
            Some(c) => c.services.push(s),
            None => categories.push(CategoryView {
                name: s.category.clone(),
                services: vec![s],
            }),
        }
    }
    Ok(CatalogPage {
        nav: Nav::of(&user),
        q,
        categories,
    })
}

/// A section of the description, numbered as the form numbers it.
pub struct SectionView {
    pub number: usize,
    pub heading: String,
    pub html: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "catalog_service.html")]
pub struct ServicePage {
    pub nav: Nav,
    pub id: i64,
    pub key: String,
    pub name: String,
    pub category: String,
    /// "TJENESTEN ER TILGJENGELIG", from the operational messages now.
    pub status: String,
    pub status_key: &'static str,
    pub sections: Vec<SectionView>,
    pub roles: Vec<(String, String)>,
}

/// `/catalog/{key}`: the description, with its status as it is now.
pub async fn service(
    State(state): State<AppState>,
    user: CurrentUser,
    PagePath(key): PagePath<String>,
) -> Result<ServicePage, WebError> {
    let s = state.store.catalog_service(&key).await?;
    let (id, status) = crate::status::of_service(&state, reader_of(Some(&user.user)), &key).await?;
    let sections = s
        .description
        .sections
        .iter()
        .filter(|(_, body)| !body.trim().is_empty())
        .map(|(k, body)| {
            let number = SECTIONS.iter().position(|(s, _)| s == k).unwrap_or(0) + 1;
            SectionView {
                number,
                heading: crate::i18n::t(section_heading(k)),
                html: crate::markdown::to_html(body),
            }
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .filter_map(|r| {
            s.description
                .roles
                .iter()
                .find(|(role, _)| *role == r)
                .map(|(_, h)| (r.label(), h.clone()))
        })
        .collect();
    Ok(ServicePage {
        nav: Nav::of(&user),
        id,
        key: key.clone(),
        name: s.name,
        category: s.category,
        status: status.label().to_uppercase(),
        status_key: status.key(),
        sections,
        roles,
    })
}

/// The catalogue's heading of a section of the description form.
fn section_heading(key: &str) -> &'static str {
    match key {
        "description" => "catalog-section-description",
        "included" => "catalog-section-included",
        "expectations" => "catalog-section-expectations",
        "cost" => "catalog-section-cost",
        "contribute" => "catalog-section-contribute",
        "more_info" => "catalog-section-more_info",
        _ => "catalog-section-roles",
    }
}

/// The admin's form for a service's description, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct ServiceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub included: String,
    #[serde(default)]
    pub expectations: String,
    #[serde(default)]
    pub cost: String,
    #[serde(default)]
    pub contribute: String,
    #[serde(default)]
    pub more_info: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub manager: String,
    #[serde(default)]
    pub operations: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin_service.html")]
pub struct ServiceEditPage {
    pub nav: Nav,
    pub key: String,
    pub values: ServiceForm,
    pub errors: crate::views::FormErrors,
}

impl ServiceEditPage {
    /// Sections 1–6: their number, key and text as typed.
    pub fn sections(&self) -> Vec<(usize, &'static str, String)> {
        let v = &self.values;
        [
            ("description", &v.description),
            ("included", &v.included),
            ("expectations", &v.expectations),
            ("cost", &v.cost),
            ("contribute", &v.contribute),
            ("more_info", &v.more_info),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (k, b))| (i + 1, k, b.clone()))
        .collect()
    }
    pub fn heading(&self, key: &str) -> &'static str {
        section_heading(key)
    }
}

/// `/admin/catalog/{key}`: the description's form, filled from the service.
pub async fn edit_form(
    State(state): State<AppState>,
    crate::auth::Admin(user): crate::auth::Admin,
    PagePath(key): PagePath<String>,
) -> Result<ServiceEditPage, WebError> {
    let s = state.store.catalog_service(&key).await?;
    let section = |k: &str| {
        s.description
            .sections
            .iter()
            .find(|(x, _)| *x == k)
            .map(|(_, b)| b.clone())
            .unwrap_or_default()
    };
    let role = |r: Role| {
        s.description
            .roles
            .iter()
            .find(|(x, _)| *x == r)
            .map(|(_, h)| h.clone())
            .unwrap_or_default()
    };
    let values = ServiceForm {
        csrf: String::new(),
        name: s.name.clone(),
        category: s.category.clone(),
        description: section("description"),
        included: section("included"),
        expectations: section("expectations"),
        cost: section("cost"),
        contribute: section("contribute"),
        more_info: section("more_info"),
        owner: role(Role::Owner),
        manager: role(Role::Manager),
        operations: role(Role::Operations),
    };
    Ok(ServiceEditPage {
        nav: Nav::of(&user),
        key,
        values,
        errors: crate::views::FormErrors::new("sv-"),
    })
}

/// Saves the form through the same write as the API and the CLI import.
pub async fn save(
    State(state): State<AppState>,
    crate::auth::Admin(user): crate::auth::Admin,
    PagePath(key): PagePath<String>,
    super::Form(f): super::Form<ServiceForm>,
) -> Result<axum::response::Response, WebError> {
    use axum::response::IntoResponse;
    user.check_csrf(&f.csrf)?;
    state.store.catalog_service(&key).await?;
    let roles = [
        (Role::Owner, &f.owner),
        (Role::Manager, &f.manager),
        (Role::Operations, &f.operations),
    ]
    .into_iter()
    .filter(|(_, h)| !h.trim().is_empty())
    .map(|(r, h)| (r, h.clone()))
    .collect();
    let input = crate::admin::ServiceInput {
        name: f.name.clone(),
        category: f.category.clone(),
        sections: [
            f.description.clone(),
            f.included.clone(),
            f.expectations.clone(),
            f.cost.clone(),
            f.contribute.clone(),
            f.more_info.clone(),
        ],
        roles,
    };
    let entry = user.audit(skranke_core::audit::AuditEvent::ServiceUpdated);
    match crate::admin::save_service(&state, &key, input, entry).await {
        Ok(_) => {
            user.confirm(
                &state,
                crate::i18n::Msg::new("flash-service-saved").arg("name", f.name.trim().to_owned()),
            )
            .await;
            Ok(axum::response::Redirect::to(&format!("/catalog/{key}")).into_response())
        }
        Err(WebError::Invalid { field, msg } | WebError::Conflict { field, msg }) => {
            let page = ServiceEditPage {
                nav: Nav::of(&user),
                key,
                values: f,
                errors: crate::views::FormErrors::of("sv-", &field, &msg),
            };
            Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
        Err(e) => Err(e),
    }
}
