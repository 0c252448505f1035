//! Moving a whole installation between databases (SQLite → PostgreSQL or
//! back): every table's rows, in foreign-key order, as JSON values.

use crate::db::Pools;
use crate::{Store, StoreError};
use serde_json::{Map, Value};
use sqlx::Row;

#[derive(Debug, Clone, Copy)]
enum Kind {
    I64,
    Str,
    Bool,
}
use Kind::{Bool, I64, Str};

/// Every table with its columns, parents before children.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "organizations",
        &[("id", I64), ("name", Str), ("created_at", I64)],
    ),
    ("org_domains", &[("domain", Str), ("org_id", I64)]),
    ("units", &[("id", I64), ("org_id", I64), ("name", Str)]),
    ("teams", &[("id", I64), ("name", Str)]),
    (
        "services",
        &[
            ("id", I64),
            ("name", Str),
            ("active", Bool),
            ("key", Str),
            ("category", Str),
            ("status_line", Str),
        ],
    ),
    (
        "users",
        &[
            ("id", I64),
            ("username", Str),
            ("full_name", Str),
            ("email", Str),
            ("phone", Str),
            ("kind", Str),
            ("org_id", I64),
            ("unit_id", I64),
            ("team_id", I64),
            ("password_hash", Str),
            ("active", Bool),
            ("last_assigned_seq", I64),
            ("created_at", I64),
            ("must_change_password", Bool),
            ("password_changed_at", I64),
            ("locale", Str),
            ("mail_off", Str),
            ("org_contact", Bool),
        ],
    ),
    ("case_sequences", &[("year", I64), ("next", I64)]),
    (
        "cases",
        &[
            ("id", I64),
            ("number", Str),
            ("kind", Str),
            ("title", Str),
            ("description", Str),
            ("requester_id", I64),
            ("org_id", I64),
            ("unit_id", I64),
            ("channel", Str),
            ("requester_username", Str),
            ("computer_name", Str),
            ("service_id", I64),
            ("priority", Str),
            ("suggested_priority", Str),
            ("priority_confirmed", Bool),
            ("status", Str),
            ("handler_id", I64),
            ("team_id", I64),
            ("created_by", I64),
            ("registered_at", I64),
            ("updated_at", I64),
            ("resolved_at", I64),
            ("version", I64),
            ("response_due", I64),
            ("resolution_due", I64),
            ("response_met_at", I64),
            ("resolution_met_at", I64),
            ("response_breached", Bool),
            ("resolution_breached", Bool),
            ("resolution_paused", Bool),
            ("paused_seconds", I64),
            ("response_level", I64),
            ("resolution_level", I64),
            ("agreed_deadline", I64),
            ("sla_synced_at", I64),
            ("next_due", I64),
            ("next_escalation_at", I64),
            ("follows_id", I64),
            ("sla_error", Str),
            ("sla_error_at", I64),
        ],
    ),
    (
        "messages",
        &[
            ("id", I64),
            ("case_id", I64),
            ("author_id", I64),
            ("internal", Bool),
            ("kind", Str),
            ("body", Str),
            ("created_at", I64),
        ],
    ),
    (
        "attachments",
        &[
            ("id", I64),
            ("case_id", I64),
            ("message_id", I64),
            ("uploader_id", I64),
            ("filename", Str),
            ("content_type", Str),
            ("size", I64),
            ("storage_key", Str),
            ("sha256", Str),
            ("internal", Bool),
            ("created_at", I64),
        ],
    ),
    (
        "case_history",
        &[
            ("id", I64),
            ("case_id", I64),
            ("at", I64),
            ("actor_id", I64),
            ("field", Str),
            ("old_value", Str),
            ("new_value", Str),
            ("note", Str),
            ("message_id", I64),
            ("version", I64),
        ],
    ),
    (
        "sessions",
        &[
            ("id_hash", Str),
            ("user_id", I64),
            ("csrf_token", Str),
            ("created_at", I64),
            ("expires_at", I64),
            ("last_seen_at", I64),
            ("flash", Str),
        ],
    ),
    (
        "login_forms",
        &[
            ("id_hash", Str),
            ("csrf_token", Str),
            ("created_at", I64),
            ("expires_at", I64),
        ],
    ),
    (
        "api_tokens",
        &[
            ("id", I64),
            ("user_id", I64),
            ("name", Str),
            ("token_hash", Str),
            ("created_at", I64),
            ("last_used_at", I64),
            ("expires_at", I64),
            ("scopes", Str),
        ],
    ),
    (
        "login_throttle",
        &[
            ("key", Str),
            ("failures", I64),
            ("window_start", I64),
            ("last_at", I64),
        ],
    ),
    (
        "mail_senders",
        &[("key", Str), ("count", I64), ("window_start", I64)],
    ),
    (
        "audit_log",
        &[
            ("id", I64),
            ("at", I64),
            ("event", Str),
            ("actor_id", I64),
            ("subject_id", I64),
            ("subject", Str),
            ("address", Str),
            ("detail", Str),
        ],
    ),
    (
        "escalations",
        &[
            ("id", I64),
            ("case_id", I64),
            ("clock", Str),
            ("level", I64),
            ("reached_at", I64),
            ("recorded_at", I64),
            ("late", Bool),
        ],
    ),
    (
        "outbox",
        &[
            ("id", I64),
            ("escalation_id", I64),
            ("case_id", I64),
            ("channel", Str),
            ("recipient", Str),
            ("user_id", I64),
            ("idempotency_key", Str),
            ("created_at", I64),
            ("attempts", I64),
            ("next_attempt_at", I64),
            ("delivered_at", I64),
            ("last_error", Str),
            ("leased_by", Str),
            ("lease_until", I64),
        ],
    ),
    (
        "service_sections",
        &[("service_id", I64), ("section", Str), ("body", Str)],
    ),
    (
        "service_roles",
        &[("service_id", I64), ("role", Str), ("holder", Str)],
    ),
    (
        "op_messages",
        &[
            ("id", I64),
            ("kind", Str),
            ("title", Str),
            ("body", Str),
            ("severity", Str),
            ("state", Str),
            ("published", Bool),
            ("starts_at", I64),
            ("ends_at", I64),
            ("resolved_at", I64),
            ("created_by", I64),
            ("created_at", I64),
            ("updated_at", I64),
            ("version", I64),
        ],
    ),
    (
        "op_message_services",
        &[("message_id", I64), ("service_id", I64)],
    ),
    ("op_message_orgs", &[("message_id", I64), ("org_id", I64)]),
    (
        "op_message_updates",
        &[
            ("id", I64),
            ("message_id", I64),
            ("event", Str),
            ("author_id", I64),
            ("body", Str),
            ("state", Str),
            ("created_at", I64),
        ],
    ),
    (
        "op_message_history",
        &[
            ("id", I64),
            ("message_id", I64),
            ("at", I64),
            ("actor_id", I64),
            ("field", Str),
            ("old_value", Str),
            ("new_value", Str),
        ],
    ),
    (
        "op_message_cases",
        &[
            ("message_id", I64),
            ("case_id", I64),
            ("linked_by", I64),
            ("linked_at", I64),
        ],
    ),
    (
        "op_message_affected",
        &[("message_id", I64), ("user_id", I64), ("at", I64)],
    ),
    (
        "status_subscriptions",
        &[
            ("id", I64),
            ("user_id", I64),
            ("service_id", I64),
            ("message_id", I64),
            ("org_id", I64),
            ("token", Str),
            ("created_at", I64),
        ],
    ),
    (
        "notifications",
        &[
            ("id", I64),
            ("user_id", I64),
            ("case_id", I64),
            ("kind", Str),
            ("actor_id", I64),
            ("outbox_id", I64),
            ("created_at", I64),
            ("read_at", I64),
            ("op_update_id", I64),
        ],
    ),
    (
        "case_views",
        &[("user_id", I64), ("case_id", I64), ("seen_at", I64)],
    ),
    (
        "case_copies",
        &[("case_id", I64), ("user_id", I64), ("added_at", I64)],
    ),
    (
        "mailbox_leases",
        &[("mailbox", Str), ("holder", Str), ("lease_until", I64)],
    ),
    (
        "inbound_mail",
        &[
            ("id", I64),
            ("identity", Str),
            ("received_at", I64),
            ("source", Str),
            ("envelope_from", Str),
            ("envelope_to", Str),
            ("peer", Str),
            ("size", I64),
            ("storage_key", Str),
            ("state", Str),
            ("reason", Str),
            ("case_id", I64),
            ("processed_at", I64),
            ("sender", Str),
            ("subject", Str),
            ("hold", Str),
            ("released", Bool),
        ],
    ),
    (
        "outgoing_mail",
        &[
            ("id", I64),
            ("idempotency_key", Str),
            ("kind", Str),
            ("case_id", I64),
            ("message_id", I64),
            ("escalation_id", I64),
            ("inbound_id", I64),
            ("user_id", I64),
            ("actor_id", I64),
            ("recipient", Str),
            ("recipient_name", Str),
            ("locale", Str),
            ("header_id", Str),
            ("created_at", I64),
            ("attempts", I64),
            ("next_attempt_at", I64),
            ("leased_by", Str),
            ("lease_until", I64),
            ("sent_at", I64),
            ("failed_at", I64),
            ("last_error", Str),
            ("bounced_at", I64),
            ("bounce", Str),
            ("op_update_id", I64),
            ("subscription_id", I64),
        ],
    ),
    (
        "idempotency_keys",
        &[
            ("user_id", I64),
            ("key", Str),
            ("fingerprint", Str),
            ("case_id", I64),
            ("message_id", I64),
            ("created_at", I64),
        ],
    ),
];

/// Tables whose `id` is generated: their sequences move past imported ids.
const WITH_IDENTITY: &[&str] = &[
    "organizations",
    "units",
    "teams",
    "services",
    "users",
    "cases",
    "messages",
    "attachments",
    "case_history",
    "api_tokens",
    "escalations",
    "outbox",
    "notifications",
    "audit_log",
    "inbound_mail",
    "outgoing_mail",
    "op_messages",
    "op_message_updates",
    "op_message_history",
    "status_subscriptions",
];

macro_rules! read_rows {
    ($pool:expr, $sql:expr, $cols:expr) => {{
        let rows = sqlx::query(sqlx::AssertSqlSafe($sql))
            .fetch_all($pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut m = Map::new();
            for (i, (name, kind)) in $cols.iter().enumerate() {
                let v = match kind {
                    Kind::I64 => row
                        .try_get::<Option<i64>, _>(i)?
                        .map_or(Value::Null, Value::from),
                    Kind::Str => row
                        .try_get::<Option<String>, _>(i)?
                        .map_or(Value::Null, Value::from),
                    Kind::Bool => row
                        .try_get::<Option<bool>, _>(i)?
                        .map_or(Value::Null, Value::from),
                };
                m.insert((*name).to_owned(), v);
            }
            out.push(m);
        }
        out
    }};
}

/// The tables and columns an export carries.
pub fn exported_columns() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>>
{
    TABLES
        .iter()
        .map(|(t, cols)| {
            (
                (*t).to_owned(),
                cols.iter().map(|c| c.0.to_owned()).collect(),
            )
        })
        .collect()
}

impl Store {
    /// The tables and columns the database has (migrations' bookkeeping aside),
    /// to check that an export misses nothing.
    pub async fn schema_columns(
        &self,
    ) -> Result<std::collections::BTreeMap<String, std::collections::BTreeSet<String>>, StoreError>
    {
        let pairs: Vec<(String, String)> = match &self.pools {
            Pools::Sqlite { read, .. } => {
                sqlx::query_as(
                    "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' AND m.name NOT LIKE 'sqlite%'",
                )
                .fetch_all(read)
                .await?
            }
            Pools::Postgres(p) => {
                sqlx::query_as(
                    "SELECT table_name::text, column_name::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
                )
                .fetch_all(p)
                .await?
            }
        };
        let mut out =
            std::collections::BTreeMap::<String, std::collections::BTreeSet<String>>::new();
        for (t, c) in pairs {
            out.entry(t).or_default().insert(c);
        }
        Ok(out)
    }

    /// Every table's rows, in the order they can be imported.
    pub async fn export_tables(
        &self,
    ) -> Result<Vec<(&'static str, Vec<Map<String, Value>>)>, StoreError> {
        let mut out = Vec::new();
        for (table, cols) in TABLES {
            let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
            let sql = format!(
                "SELECT {} FROM {table} ORDER BY {}",
                names.join(", "),
                names.join(", ")
            );
            let rows = match &self.pools {
                Pools::Sqlite { read, .. } => read_rows!(read, sql, cols),
                Pools::Postgres(p) => read_rows!(p, sql, cols),
            };
            out.push((*table, rows));
        }
        Ok(out)
    }

    /// Imports rows into an empty database, all in one transaction.
    pub async fn import_tables(
        &self,
        tables: &[(String, Vec<Map<String, Value>>)],
    ) -> Result<usize, StoreError> {
        if self.count_users().await? > 0 {
            return Err(StoreError::Conflict("database (it is not empty)"));
        }
        let mut tx = self.begin().await?;
        let mut n = 0;
        for (table, rows) in tables {
            let Some((name, cols)) = TABLES.iter().find(|(t, _)| t == table) else {
                return Err(StoreError::Corrupt(format!(
                    "unknown table `{table}` in the import"
                )));
            };
            let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
            let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "INSERT INTO {name} ({}) VALUES ({})",
                names.join(", "),
                marks.join(", ")
            );
            for row in rows {
                let mut q = crate::query::q(sql.clone());
                for (col, kind) in cols.iter() {
                    let v = row.get(*col).unwrap_or(&Value::Null);
                    let bad = || StoreError::Corrupt(format!("{name}.{col}: unexpected value {v}"));
                    q = match (kind, v) {
                        (Kind::I64, Value::Null) => q.bind(None::<i64>),
                        (Kind::I64, v) => q.bind(v.as_i64().ok_or_else(bad)?),
                        (Kind::Str, Value::Null) => q.bind(None::<String>),
                        (Kind::Str, Value::String(s)) => q.bind(s.clone()),
                        (Kind::Bool, Value::Bool(b)) => q.bind(*b),
                        _ => return Err(bad()),
                    };
                }
                tx.exec(q).await?;
                n += 1;
            }
        }
        if tx.is_postgres() {
            for t in WITH_IDENTITY {
                tx.exec(crate::query::q(format!(
                    "SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false)"
                )))
                .await?;
            }
        }
        tx.commit().await?;
        Ok(n)
    }
}
