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
use jiff::Timestamp;
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
    let id = state
        .store
        .catalog_entries()
        .await?
        .into_iter()
        .find(|e| e.key.as_deref() == Some(key.as_str()))
        .map(|e| e.id)
        .ok_or(WebError::NotFound)?;
    let board = crate::status::board(&state, reader_of(Some(&user.user)), Timestamp::now()).await?;
    let status = board
        .services
        .iter()
        .find(|l| l.service.id == id)
        .map(|l| l.status)
        .unwrap_or(skranke_core::operational::ServiceStatus::Available);
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
