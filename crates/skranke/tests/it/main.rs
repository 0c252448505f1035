//! Integration tests: each drives the real HTTP server over loopback
//! against its own database, once on a SQLite file and once on a schema of
//! the test PostgreSQL (`SKRANKE_TEST_POSTGRES_URL`; skipped with a notice
//! where it is not set).

/// Runs the async test `$name` on both backends, as `$name::sqlite` and `$name::postgres`.
macro_rules! both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                crate::support::BACKEND
                    .scope(crate::support::Backend::Sqlite, super::$name())
                    .await
            }
            #[tokio::test]
            async fn postgres() {
                if crate::support::postgres_url().is_none() {
                    println!(
                        "SKIPPED: set SKRANKE_TEST_POSTGRES_URL to run the PostgreSQL variant"
                    );
                    return;
                }
                crate::support::BACKEND
                    .scope(crate::support::Backend::Postgres, super::$name())
                    .await
            }
        }
    };
}

mod api;
mod auth;
mod browser;
mod changes;
mod cli;
mod connections;
mod contract;
mod copied;
mod flows;
mod idempotency;
mod imap;
mod mail;
mod migrations;
mod multi;
mod outmail;
mod robustness;
mod security;
mod sla;
mod status;
mod support;
mod transfer;
mod walk;
mod webhook;
