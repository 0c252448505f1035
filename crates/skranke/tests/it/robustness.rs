//! Failures are what they are: one unreadable case does not stop the
//! escalations, a database failure is not the client's fault, and a
//! database too busy to answer in time says so.

use crate::support::{RawConn, spawn};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use skranke_core::{CaseKind, Channel, NewCaseInput, Priority};
use skranke_store::CreateCase;

async fn critical_case(
    app: &crate::support::TestApp,
    title: &str,
    at: Timestamp,
) -> skranke_store::Case {
    let requester = app.store.user_by_username("ansatt").await.unwrap();
    app.store
        .create_case(CreateCase {
            input: NewCaseInput {
                kind: CaseKind::Fault,
                title: title.into(),
                description: "Ingen får logget inn.".into(),
                requester_username: "ansatt".into(),
                computer_name: String::new(),
                service_id: None,
                suggested_priority: Priority::Critical,
                priority_confirmed: false,
                channel: Channel::Web,
                follows_id: None,
            },
            requester_id: requester.id,
            created_by: requester.id,
            year: 2027,
            now: at,
            idempotency: None,
            from_mail: None,
            copied: Vec::new(),
            attachments: Vec::new(),
        })
        .await
        .unwrap()
        .case
}

both!(an_unreadable_case_is_set_aside_and_the_sweep_goes_on);
async fn an_unreadable_case_is_set_aside_and_the_sweep_goes_on() {
    let app = spawn().await;
    // Monday 2027-01-11 10:00 in Oslo: both are due 15 minutes later.
    let reg: Timestamp = "2027-01-11T09:00:00Z".parse().unwrap();
    let bad = critical_case(&app, "Ødelagt historikk", reg).await;
    let good = critical_case(&app, "Journalsystemet", reg + SignedDuration::from_secs(1)).await;
    let mut raw = app.raw_conn().await;
    raw.exec(&format!(
        "INSERT INTO case_history (case_id, at, field, old_value, new_value) \
         VALUES ({}, {}, 'status', 'new', 'bogus')",
        bad.id,
        (reg + SignedDuration::from_mins(5)).as_millisecond()
    ))
    .await;
    let now = reg + SignedDuration::from_mins(20);
    let r = skranke_web::notify::sweep_once(&app.state, now)
        .await
        .expect("the sweep survives one bad case");
    assert_eq!(r.unreadable, 1);
    assert_eq!(
        app.store.escalations_of(good.id).await.unwrap().len(),
        1,
        "the good case escalated"
    );
    assert!(app.store.escalations_of(bad.id).await.unwrap().is_empty());
    let errors = app.store.sla_errors(10).await.unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].number, bad.number);
    assert!(errors[0].error.contains("bogus"), "{}", errors[0].error);
    // It is no longer first in line on every run.
    let r = skranke_web::notify::sweep_once(&app.state, now + SignedDuration::from_mins(1))
        .await
        .unwrap();
    assert_eq!(r.unreadable, 0);
    // Admins see it.
    let (admin, _) = app.login("admin").await;
    let (_, page) = app.get(&admin, "/admin").await;
    assert!(
        page.contains("id=\"sla-errors\"") && page.contains(&bad.number),
        "{page}"
    );
}

/// Makes a user unreadable for the application (a kind it does not know),
/// past the database's own check.
async fn break_user(raw: &mut RawConn, username: &str) {
    match raw {
        RawConn::Sqlite(_) => raw.exec("PRAGMA ignore_check_constraints = ON").await,
        RawConn::Postgres(_) => {
            raw.exec("ALTER TABLE users DROP CONSTRAINT users_kind_check")
                .await
        }
    }
    raw.exec(&format!(
        "UPDATE users SET kind = 'wizard' WHERE username = '{username}'"
    ))
    .await;
}

both!(a_database_failure_is_not_a_bad_request);
async fn a_database_failure_is_not_a_bad_request() {
    let app = spawn().await;
    let agent = app.token("agent1").await;
    let mut raw = app.raw_conn().await;
    break_user(&mut raw, "ansatt2").await;
    let post = |requester: &str| {
        app.api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &agent,
            Some(json!({"title": "t", "description": "d", "requester": requester})),
        )
    };
    let r = post("ingen-slik").await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown user is the client's mistake"
    );
    let r = post("ansatt2").await;
    assert_eq!(
        r.status(),
        StatusCode::INTERNAL_SERVER_ERROR,
        "a failure reading one is ours"
    );
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["field"], Value::Null);
    // The phone intake and the handler lookup say the same.
    let (c, csrf) = app.login("agent1").await;
    let broken: i64 = app
        .store
        .count_for_test("SELECT id FROM users WHERE username = 'ansatt2'")
        .await;
    let r = app
        .post(
            &c,
            "/agent/phone",
            &[
                ("csrf", &csrf),
                ("requester_id", &broken.to_string()),
                ("kind", "fault"),
                ("title", "t"),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

both!(a_locked_database_answers_busy_with_retry_after);
async fn a_locked_database_answers_busy_with_retry_after() {
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let before = app.case_count().await;
    let mut raw = app.raw_conn().await;
    match raw {
        RawConn::Sqlite(_) => raw.exec("BEGIN IMMEDIATE").await,
        RawConn::Postgres(_) => {
            raw.exec("BEGIN").await;
            raw.exec("LOCK TABLE case_sequences IN ACCESS EXCLUSIVE MODE")
                .await;
        }
    }
    let body = json!({"title": "Under last", "description": "d"});
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &kari,
            Some(body.clone()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    raw.exec("ROLLBACK").await;
    let r = app
        .api(reqwest::Method::POST, "/api/v1/cases", &kari, Some(body))
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "and works again once the lock is gone"
    );
    assert_eq!(app.case_count().await, before + 1);
}
