//! `skranke export` from SQLite and `skranke import` into PostgreSQL (or,
//! without a test PostgreSQL, into a second SQLite file): nothing lost.

use crate::support::{BACKEND, Backend, TestDb, postgres_url, spawn, temp_dir};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::process::Command;

fn skranke(args: &[String]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_skranke"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Rows per table, and per case a checksum over its row, messages and history.
fn digest(export: &str) -> (BTreeMap<String, usize>, BTreeMap<String, String>, usize) {
    let mut counts = BTreeMap::new();
    let mut per_case: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    let mut numbers = BTreeMap::new();
    let mut files = 0;
    for line in export.lines().skip(1) {
        let v: Value = serde_json::from_str(line).unwrap();
        if v.get("file").is_some() {
            files += 1;
            continue;
        }
        let table = v["table"].as_str().unwrap().to_owned();
        *counts.entry(table.clone()).or_insert(0) += 1;
        let row = &v["row"];
        match table.as_str() {
            "cases" => {
                numbers.insert(
                    row["id"].as_i64().unwrap(),
                    row["number"].as_str().unwrap().to_owned(),
                );
                per_case
                    .entry(row["id"].as_i64().unwrap())
                    .or_default()
                    .push(row.to_string());
            }
            "messages" | "case_history" | "attachments" | "escalations" => {
                per_case
                    .entry(row["case_id"].as_i64().unwrap())
                    .or_default()
                    .push(row.to_string());
            }
            _ => {}
        }
    }
    let sums = per_case
        .into_iter()
        .map(|(id, mut rows)| {
            rows.sort();
            (
                numbers[&id].clone(),
                hex::encode(Sha256::digest(rows.join("\n"))),
            )
        })
        .collect();
    (counts, sums, files)
}

#[tokio::test]
async fn export_then_import_loses_nothing() {
    // The source: a SQLite installation with demo data and an attachment.
    let src = BACKEND.scope(Backend::Sqlite, spawn()).await;
    let (kari, csrf) = src.login("ansatt").await;
    let number = src.report(&kari, &csrf, "Med vedlegg").await;
    let part = reqwest::multipart::Part::bytes(b"skjermbilde".to_vec()).file_name("bilde.png");
    let r = src
        .reply(
            &kari,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("body", "Se vedlegg")
                .part("attachment", part),
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    // Escalations and notifications too: the demo's cases are days old.
    skranke_web::notify::sweep_once(&src.state, jiff::Timestamp::now())
        .await
        .unwrap();
    let dump = temp_dir("dump").join("skranke.jsonl");
    let mut export_args = vec!["export".to_owned()];
    export_args.extend(src.db.args(&src.data));
    export_args.extend(["--output".to_owned(), dump.display().to_string()]);
    skranke(&export_args);
    let exported = std::fs::read_to_string(&dump).unwrap();

    // The target: PostgreSQL where the tests have one, else a second SQLite file.
    let target_backend = if postgres_url().is_some() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    if target_backend == Backend::Sqlite {
        println!("NOTICE: SKRANKE_TEST_POSTGRES_URL is unset; importing into SQLite instead");
    }
    let target_dir = temp_dir("target");
    let (target_store, target_db) = BACKEND
        .scope(
            target_backend,
            TestDb::create(&target_dir, &skranke_core::Config::default()),
        )
        .await;
    let mut import_args = vec!["import".to_owned()];
    import_args.extend(target_db.args(&target_dir));
    import_args.extend(["--input".to_owned(), dump.display().to_string()]);
    skranke(&import_args);
    // Importing twice is refused: the target is no longer empty.
    let again = Command::new(env!("CARGO_BIN_EXE_skranke"))
        .args(&import_args)
        .output()
        .unwrap();
    assert!(!again.status.success());

    let mut reexport_args = vec!["export".to_owned()];
    reexport_args.extend(target_db.args(&target_dir));
    let reexported = String::from_utf8(skranke(&reexport_args).stdout).unwrap();

    let (counts_a, sums_a, files_a) = digest(&exported);
    let (counts_b, sums_b, files_b) = digest(&reexported);
    assert_eq!(counts_a, counts_b, "same rows in every table");
    for table in [
        "cases",
        "case_history",
        "messages",
        "attachments",
        "escalations",
        "outbox",
        "notifications",
        "sessions",
    ] {
        assert!(
            counts_a.get(table).is_some_and(|n| *n > 0),
            "{table} was exported"
        );
    }
    assert_eq!(
        sums_a, sums_b,
        "every case, its messages and history unchanged"
    );
    assert_eq!((files_a, files_b), (1, 1));

    // The moved installation works: the case and its attachment are there.
    let case = target_store.case_by_number(&number).await.unwrap();
    let atts = target_store.attachments(case.id, true).await.unwrap();
    assert_eq!(atts.len(), 1);
    use skranke_web::files::FileStore;
    let bytes = skranke_web::files::LocalDir::new(target_dir.join("attachments"))
        .get(&atts[0].storage_key)
        .await
        .unwrap();
    assert_eq!(bytes, b"skjermbilde");
    // New rows get fresh ids after the imported ones.
    let next = BACKEND
        .scope(target_backend, async {
            target_store
                .create_team(
                    "Etter import",
                    &skranke_core::audit::AuditEntry::new(
                        skranke_core::audit::AuditEvent::TeamCreated,
                        None,
                    ),
                    jiff::Timestamp::now(),
                )
                .await
                .unwrap()
        })
        .await;
    assert!(next > 2, "sequences moved past the imported ids: {next}");
    drop(target_db);
    let _ = std::fs::remove_dir_all(target_dir);
}

both!(exports_cover_every_table_and_column);
async fn exports_cover_every_table_and_column() {
    let app = spawn().await;
    let schema = app.store.schema_columns().await.unwrap();
    assert!(schema.contains_key("cases") && schema["cases"].contains("next_escalation_at"));
    assert_eq!(
        skranke_store::exported_columns(),
        schema,
        "a migration added a table or column that export/import does not carry"
    );
}
