//! The service catalog's descriptions: a service's key, category, status
//! line, sections and roles, written and read whole, as
//! `skranke_core::catalog` has them.

use crate::auth::audit;
use crate::db::Store;
use crate::error::StoreError;
use crate::query::q;
use jiff::Timestamp;
use skranke_core::audit::{AuditEntry, AuditEvent};
use skranke_core::catalog::{CatalogService, Description, Role, SECTIONS};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub id: i64,
    /// A new service, rather than an update of the one with its key.
    pub created: bool,
}

/// A service as the catalog lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CatalogEntry {
    pub id: i64,
    /// `None` for a service made before the catalog had keys.
    pub key: Option<String>,
    pub name: String,
    pub category: String,
}

impl Store {
    /// Every active service, by category and name.
    pub async fn catalog_entries(&self) -> Result<Vec<CatalogEntry>, StoreError> {
        Ok(self
            .reader()
            .all(q(
                "SELECT id, key, name, category FROM services WHERE active = TRUE ORDER BY category, name",
            ))
            .await?)
    }

    /// Creates the service with this key, or updates it, its sections and
    /// roles replaced by the description's, in one transaction (audited as
    /// created or updated).
    pub async fn import_service(
        &self,
        s: &CatalogService,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<Imported, StoreError> {
        let mut tx = self.begin().await?;
        let found: Option<i64> = tx
            .scalar_opt(q("SELECT id FROM services WHERE key = $1").bind(&s.key))
            .await?;
        let status_line = s.description.status_line.clone();
        let (id, created) = match found {
            Some(id) => {
                tx.exec(
                    q("UPDATE services SET name = $1, category = $2, status_line = $3 WHERE id = $4")
                        .bind(&s.name)
                        .bind(&s.category)
                        .bind(status_line)
                        .bind(id),
                )
                .await
                .map_err(|e| StoreError::unique(e, "name"))?;
                (id, false)
            }
            None => {
                let id = tx
                    .scalar(
                        q("INSERT INTO services (name, key, category, status_line) VALUES ($1, $2, $3, $4) RETURNING id")
                            .bind(&s.name)
                            .bind(&s.key)
                            .bind(&s.category)
                            .bind(status_line),
                    )
                    .await
                    .map_err(|e| StoreError::unique(e, "name"))?;
                (id, true)
            }
        };
        tx.exec(q("DELETE FROM service_sections WHERE service_id = $1").bind(id))
            .await?;
        tx.exec(q("DELETE FROM service_roles WHERE service_id = $1").bind(id))
            .await?;
        for (key, body) in &s.description.sections {
            tx.exec(
                q("INSERT INTO service_sections (service_id, section, body) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(*key)
                    .bind(body),
            )
            .await?;
        }
        for (role, holder) in &s.description.roles {
            tx.exec(
                q("INSERT INTO service_roles (service_id, role, holder) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(role.key())
                    .bind(holder),
            )
            .await
            .map_err(|e| StoreError::unique(e, "roles"))?;
        }
        let entry = AuditEntry {
            event: if created {
                AuditEvent::ServiceCreated
            } else {
                AuditEvent::ServiceUpdated
            },
            subject_id: Some(id),
            subject: s.key.clone(),
            ..entry.clone()
        };
        audit(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(Imported { id, created })
    }

    /// The service with this key, whole; `NotFound` if there is none.
    pub async fn catalog_service(&self, key: &str) -> Result<CatalogService, StoreError> {
        let row: Option<(i64, String, String, Option<String>)> = self
            .reader()
            .opt(q("SELECT id, name, category, status_line FROM services WHERE key = $1").bind(key))
            .await?;
        let (id, name, category, status_line) = row.ok_or(StoreError::NotFound)?;
        let stored: Vec<(String, String)> = self
            .reader()
            .all(q("SELECT section, body FROM service_sections WHERE service_id = $1").bind(id))
            .await?;
        let sections = SECTIONS
            .iter()
            .filter(|(k, _)| *k != "roles")
            .map(|(k, _)| {
                let body = stored
                    .iter()
                    .find(|(s, _)| s == k)
                    .map(|(_, b)| b.clone())
                    .unwrap_or_default();
                (*k, body)
            })
            .collect();
        let held: Vec<(String, String)> = self
            .reader()
            .all(q("SELECT role, holder FROM service_roles WHERE service_id = $1").bind(id))
            .await?;
        let roles = Role::ALL
            .into_iter()
            .filter_map(|r| {
                held.iter()
                    .find(|(k, _)| k == r.key())
                    .map(|(_, h)| (r, h.clone()))
            })
            .collect();
        Ok(CatalogService {
            key: key.to_owned(),
            description: Description {
                name: name.clone(),
                status_line,
                sections,
                roles,
            },
            name,
            category,
        })
    }
}
