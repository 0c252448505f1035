//! The rules of change as people meet them: a requester's reply is not the
//! desk's answer, it moves the case, and the pages and the API agree.

use crate::support::{change_as, set_status, spawn, spawn_with};
use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};
use skranke_core::{Config, Status};

fn reply(csrf: &str, body: &str) -> Form {
    Form::new()
        .text("csrf", csrf.to_owned())
        .text("body", body.to_owned())
}

both!(a_requesters_reply_is_not_the_desks_answer_and_moves_the_case);
async fn a_requesters_reply_is_not_the_desks_answer_and_moves_the_case() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Skjermen flimrer").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    let api = app.token("ansatt").await;

    // Her own reply meets no clock and leaves a new case new.
    let r = app
        .reply(&kari, &number, reply(&csrf, "Det blir verre"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(now.status, Status::New);
    assert_eq!(
        now.response_met_at, None,
        "the requester's reply is no answer"
    );
    let v: Value = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}"),
            &api,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["sla"]["response"]["met_at"], Value::Null);
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(!page.contains("Oppfylt"), "Svartid is not shown as met");
    let msgs: Value = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}/messages"),
            &api,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(msgs[0]["kind"], "requester_message");

    // Waiting for her: her answer resumes the work, recorded as the system's.
    change_as(
        &app,
        "agent1",
        case.id,
        set_status(Status::WaitingCustomer),
        jiff::Timestamp::now(),
    )
    .await;
    let r = app
        .reply(&kari, &number, reply(&csrf, "Modellen er P24"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(now.status, Status::InProgress);
    assert!(!now.resolution_paused, "the resolution clock runs again");
    let history = app.store.history(case.id).await.unwrap();
    let last = history.last().unwrap();
    assert_eq!(
        (
            last.field.as_str(),
            last.new_value.as_deref(),
            last.actor_name.as_deref(),
            last.from_message
        ),
        ("status", Some("in_progress"), None, true),
        "one entry, by the system, caused by the reply"
    );
    let (agent, _) = app.login("agent1").await;
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("(etter melding)"), "history says why");
    assert!(page.contains("Melding fra innmelder"));

    // An agent's public reply is the answer.
    let api_agent = app.token("agent1").await;
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &api_agent,
            Some(json!({"body": "Vi bytter skjermen."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(
        app.store
            .case_by_number(&number)
            .await
            .unwrap()
            .response_met_at
            .is_some()
    );

    // Resolved: her reply inside the window reopens it.
    change_as(
        &app,
        "agent1",
        case.id,
        set_status(Status::Resolved),
        jiff::Timestamp::now(),
    )
    .await;
    let r = app
        .reply(&kari, &number, reply(&csrf, "Fortsatt flimmer"))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let now = app.store.case_by_number(&number).await.unwrap();
    assert_eq!((now.status, now.resolved_at), (Status::InProgress, None));

    // Closed: her reply is refused kindly, nothing is stored, and she can
    // start a new report that follows up the old case, with her text.
    change_as(
        &app,
        "agent1",
        case.id,
        set_status(Status::Closed),
        jiff::Timestamp::now(),
    )
    .await;
    let before = app.store.messages(case.id, true).await.unwrap().len();
    let r = app
        .reply(&kari, &number, reply(&csrf, "Nå flimrer den andre"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("Saken er lukket"), "{page}");
    assert!(
        page.contains("Nå flimrer den andre</textarea>"),
        "what she typed is kept"
    );
    assert!(page.contains("id=\"follow-up\""));
    assert_eq!(
        app.store.messages(case.id, true).await.unwrap().len(),
        before
    );
    let r = app
        .post(
            &kari,
            "/portal/new",
            &[
                ("csrf", &csrf),
                ("follows", &number),
                ("description", "Nå flimrer den andre"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let form = r.text().await.unwrap();
    assert!(form.contains(&format!("name=\"follows\" value=\"{number}\"")));
    assert!(form.contains("Nå flimrer den andre</textarea>"));
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", &csrf),
                ("kind", "fault"),
                ("title", "Den andre skjermen"),
                ("description", "Nå flimrer den andre"),
                ("follows", &number),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let new_number = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/cases/")
        .to_owned();
    let follow = app.store.case_by_number(&new_number).await.unwrap();
    assert_eq!(follow.follows_number.as_deref(), Some(number.as_str()));
    let (_, page) = app.get(&kari, &format!("/cases/{new_number}")).await;
    assert!(page.contains(&format!("href=\"/cases/{number}\" id=\"follows\"")));
    // Over the API the same refusal is a 409.
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &api,
            Some(json!({"body": "Hallo?"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // Another requester's case cannot be followed up.
    let ola = app.token("ansatt2").await;
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &ola,
            Some(json!({"title": "t", "description": "d", "follows": number})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

both!(a_reply_to_a_case_resolved_past_the_window_is_refused);
async fn a_reply_to_a_case_resolved_past_the_window_is_refused() {
    let mut config = Config::default();
    config.cases.reopen_window_days = 0;
    let app = spawn_with(config).await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Gammel sak").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    change_as(
        &app,
        "agent1",
        case.id,
        set_status(Status::Resolved),
        jiff::Timestamp::now(),
    )
    .await;
    let r = app
        .reply(&kari, &number, reply(&csrf, "Den er tilbake"))
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("Fristen for å gjenåpne"), "{page}");
    assert!(page.contains("id=\"follow-up\""));
    assert_eq!(
        app.store.case_by_number(&number).await.unwrap().status,
        Status::Resolved
    );
}

both!(the_system_assigns_the_handler_and_pages_and_api_agree);
async fn the_system_assigns_the_handler_and_pages_and_api_agree() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Ny sak").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    let history = app.store.history(case.id).await.unwrap();
    let by = |field: &str| {
        history
            .iter()
            .find(|h| h.field == field)
            .map(|h| h.actor_name.clone())
            .unwrap()
    };
    assert_eq!(by("created").as_deref(), Some("Kari Nordmann"));
    assert_eq!(by("handler"), None, "the system assigned the handler");
    let (agent, _) = app.login("agent1").await;
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("– Systemet"), "{page}");

    // A requester's internal note: the page refuses it as the API does.
    let r = app
        .reply(
            &kari,
            &number,
            reply(&csrf, "hemmelig").text("internal", "on"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Internt notat kan ikke settes av deg.")
    );
    let api = app.token("ansatt").await;
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &api,
            Some(json!({"body": "hemmelig", "internal": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.messages(case.id, true).await.unwrap().is_empty());
}
