use crate::auth::audit;
use crate::query::q;
use crate::{Organization, Service, Store, StoreError, Team, Unit, ms};
use jiff::Timestamp;
use skranke_core::audit::AuditEntry;

impl Store {
    pub async fn create_org(
        &self,
        name: &str,
        domains: &[String],
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = tx
            .scalar(
                q("INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id")
                    .bind(name)
                    .bind(ms(now)),
            )
            .await
            .map_err(|e| StoreError::unique(e, "name"))?;
        for d in domains {
            tx.exec(
                q("INSERT INTO org_domains (domain, org_id) VALUES ($1, $2)")
                    .bind(d.to_lowercase())
                    .bind(id),
            )
            .await
            .map_err(|e| StoreError::unique(e, "domains"))?;
        }
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_unit(
        &self,
        org_id: i64,
        name: &str,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx
            .scalar(
                q("INSERT INTO units (org_id, name) VALUES ($1, $2) RETURNING id")
                    .bind(org_id)
                    .bind(name),
            )
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::MissingReference("organization")
                }
                _ => StoreError::unique(e, "name"),
            })?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_team(
        &self,
        name: &str,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        self.insert_named(
            "INSERT INTO teams (name) VALUES ($1) RETURNING id",
            name,
            entry,
            now,
        )
        .await
    }

    pub async fn create_service(
        &self,
        name: &str,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        // Its key comes from its name (`skranke catalog export KEY`).
        let mut tx = self.begin().await?;
        let id = tx
            .scalar(
                q("INSERT INTO services (name, key) VALUES ($1, $2) RETURNING id")
                    .bind(name)
                    .bind(skranke_core::catalog::key_of(name)),
            )
            .await
            .map_err(|e| StoreError::unique(e, "name"))?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Inserts a row whose only given column is a unique `name`.
    async fn insert_named(
        &self,
        sql: &'static str,
        name: &str,
        entry: &AuditEntry,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx
            .scalar(q(sql).bind(name))
            .await
            .map_err(|e| StoreError::unique(e, "name"))?;
        audit(&mut tx, entry, now).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The organization a mail domain belongs to.
    pub async fn org_by_domain(&self, domain: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .reader()
            .scalar_opt(
                q("SELECT org_id FROM org_domains WHERE lower(domain) = $1")
                    .bind(domain.to_lowercase()),
            )
            .await?)
    }

    /// Every organization with its domains and units: three queries, no N+1.
    pub async fn list_orgs(&self) -> Result<Vec<Organization>, StoreError> {
        let mut orgs: Vec<Organization> = self
            .reader()
            .all(q("SELECT id, name FROM organizations ORDER BY name"))
            .await?;
        let domains: Vec<(i64, String)> = self
            .reader()
            .all(q("SELECT org_id, domain FROM org_domains ORDER BY domain"))
            .await?;
        let units: Vec<Unit> = self
            .reader()
            .all(q("SELECT id, org_id, name FROM units ORDER BY name"))
            .await?;
        for o in &mut orgs {
            o.domains = domains
                .iter()
                .filter(|(id, _)| *id == o.id)
                .map(|(_, d)| d.clone())
                .collect();
            o.units = units.iter().filter(|u| u.org_id == o.id).cloned().collect();
        }
        Ok(orgs)
    }

    pub async fn list_teams(&self) -> Result<Vec<Team>, StoreError> {
        Ok(self
            .reader()
            .all(q("SELECT id, name FROM teams ORDER BY name"))
            .await?)
    }

    pub async fn list_services(&self) -> Result<Vec<Service>, StoreError> {
        Ok(self
            .reader()
            .all(q(
                "SELECT id, name FROM services WHERE active = TRUE ORDER BY name",
            ))
            .await?)
    }
}
