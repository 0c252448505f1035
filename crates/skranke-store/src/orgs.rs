use crate::{Organization, Service, Store, StoreError, Team, Unit, ms};
use jiff::Timestamp;

impl Store {
    pub async fn create_org(
        &self,
        name: &str,
        domains: &[String],
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organizations (name, created_at) VALUES (?, ?) RETURNING id",
        )
        .bind(name)
        .bind(ms(now))
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::unique(e, "name"))?;
        for d in domains {
            sqlx::query("INSERT INTO org_domains (domain, org_id) VALUES (?, ?)")
                .bind(d.to_lowercase())
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "domains"))?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_unit(&self, org_id: i64, name: &str) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = sqlx::query_scalar("INSERT INTO units (org_id, name) VALUES (?, ?) RETURNING id")
            .bind(org_id)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                    StoreError::MissingReference("organization")
                }
                _ => StoreError::unique(e, "name"),
            })?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn create_team(&self, name: &str) -> Result<i64, StoreError> {
        self.insert_named("INSERT INTO teams (name) VALUES (?) RETURNING id", name)
            .await
    }

    pub async fn create_service(&self, name: &str) -> Result<i64, StoreError> {
        self.insert_named("INSERT INTO services (name) VALUES (?) RETURNING id", name)
            .await
    }

    /// Inserts a row whose only given column is a unique `name`.
    async fn insert_named(&self, sql: &'static str, name: &str) -> Result<i64, StoreError> {
        let mut tx = self.begin().await?;
        let id = sqlx::query_scalar(sql)
            .bind(name)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| StoreError::unique(e, "name"))?;
        tx.commit().await?;
        Ok(id)
    }

    /// Every organization with its domains and units: three queries, no N+1.
    pub async fn list_orgs(&self) -> Result<Vec<Organization>, StoreError> {
        let mut orgs: Vec<Organization> =
            sqlx::query_as("SELECT id, name FROM organizations ORDER BY name")
                .fetch_all(&self.read)
                .await?;
        let domains: Vec<(i64, String)> =
            sqlx::query_as("SELECT org_id, domain FROM org_domains ORDER BY domain")
                .fetch_all(&self.read)
                .await?;
        let units: Vec<Unit> = sqlx::query_as("SELECT id, org_id, name FROM units ORDER BY name")
            .fetch_all(&self.read)
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
        Ok(sqlx::query_as("SELECT id, name FROM teams ORDER BY name")
            .fetch_all(&self.read)
            .await?)
    }

    pub async fn list_services(&self) -> Result<Vec<Service>, StoreError> {
        Ok(
            sqlx::query_as("SELECT id, name FROM services WHERE active = 1 ORDER BY name")
                .fetch_all(&self.read)
                .await?,
        )
    }
}
