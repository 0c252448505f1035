//! Migrations that change data: an installation from before them is
//! corrected as well as extended.

use crate::support::{Backend, backend, postgres_url, temp_dir};

/// Rows as version 4 of the schema had them: a requester's reply recorded
/// as a public reply (it met the response clock), and an agent's.
const BEFORE: &[&str] = &[
    "INSERT INTO organizations (id, name, created_at) VALUES (1, 'Kommune A', 0)",
    "INSERT INTO users (id, username, full_name, email, kind, created_at) VALUES (1, 'kari', 'Kari', 'kari@a.example', 'employee', 0)",
    "INSERT INTO users (id, username, full_name, email, kind, created_at) VALUES (2, 'anne', 'Anne', 'anne@a.example', 'agent', 0)",
    "INSERT INTO cases (id, number, kind, title, description, requester_id, channel, requester_username, computer_name, priority, suggested_priority, status, created_by, registered_at, updated_at) \
     VALUES (1, '2026-000001', 'fault', 't', 'd', 1, 'web', 'kari', '', 'low', 'low', 'new', 1, 1000, 1000)",
    "INSERT INTO messages (id, case_id, author_id, internal, body, created_at) VALUES (1, 1, 1, FALSE, 'fra Kari', 2000)",
    "INSERT INTO messages (id, case_id, author_id, internal, body, created_at) VALUES (2, 1, 2, FALSE, 'fra Anne', 3000)",
    "INSERT INTO case_history (case_id, at, actor_id, field, new_value) VALUES (1, 1000, 1, 'created', '2026-000001')",
    "INSERT INTO case_history (case_id, at, actor_id, field, new_value) VALUES (1, 1000, 1, 'priority', 'low')",
    "INSERT INTO case_history (case_id, at, actor_id, field, new_value) VALUES (1, 2000, 1, 'public_reply', '1')",
    "INSERT INTO case_history (case_id, at, actor_id, field, new_value) VALUES (1, 3000, 2, 'public_reply', '2')",
];

const AFTER: &str = "SELECT \
    (SELECT COUNT(*) FROM case_history WHERE field = 'requester_message' AND actor_id = 1) || ',' || \
    (SELECT COUNT(*) FROM case_history WHERE field = 'public_reply' AND actor_id = 2) || ',' || \
    (SELECT kind FROM messages WHERE id = 1) || ',' || (SELECT kind FROM messages WHERE id = 2) || ',' || \
    (SELECT next_escalation_at FROM cases WHERE id = 1)";

both!(a_requesters_old_replies_stop_counting_as_answers);
async fn a_requesters_old_replies_stop_counting_as_answers() {
    let found: String = match backend() {
        Backend::Sqlite => {
            let dir = temp_dir("migrate");
            let url = format!("sqlite://{}?mode=rwc", dir.join("old.db").display());
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let m = sqlx::migrate!("../skranke-store/migrations/sqlite");
            m.run_to(4, &pool).await.unwrap();
            for sql in BEFORE {
                sqlx::query(sqlx::AssertSqlSafe(*sql))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            m.run(&pool).await.unwrap();
            let v = sqlx::query_scalar(AFTER).fetch_one(&pool).await.unwrap();
            pool.close().await;
            let _ = std::fs::remove_dir_all(dir);
            v
        }
        Backend::Postgres => {
            let base = postgres_url().unwrap();
            let admin = sqlx::PgPool::connect(&base).await.unwrap();
            let schema = format!("migrate_{}", std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                .execute(&admin)
                .await
                .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            let pool =
                sqlx::PgPool::connect(&format!("{base}{sep}options=-csearch_path%3D{schema}"))
                    .await
                    .unwrap();
            let m = sqlx::migrate!("../skranke-store/migrations/postgres");
            m.run_to(4, &pool).await.unwrap();
            for sql in BEFORE {
                sqlx::query(sqlx::AssertSqlSafe(*sql))
                    .execute(&pool)
                    .await
                    .unwrap();
            }
            m.run(&pool).await.unwrap();
            let v = sqlx::query_scalar(AFTER).fetch_one(&pool).await.unwrap();
            pool.close().await;
            sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
                .execute(&admin)
                .await
                .unwrap();
            v
        }
    };
    assert_eq!(found, "1,1,requester_message,public_reply,0");
}
