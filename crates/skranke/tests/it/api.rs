//! The JSON API and its OpenAPI document.

use crate::support::{client, spawn};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

both!(api_case_lifecycle);
async fn api_case_lifecycle() {
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let agent = app.token("agent1").await;
    // A requester does not pick a priority: a bare one is refused, naming it.
    let before = app.case_count().await;
    let r = app.api(reqwest::Method::POST, "/api/v1/cases", &kari, Some(json!({"title": "Teams starter ikke", "description": "Krasjer ved oppstart.", "priority": "high"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["field"], "priority", "{p}");
    assert_eq!(app.case_count().await, before);
    // The impact answers set it, as in the form.
    let r = app.api(reqwest::Method::POST, "/api/v1/cases", &kari, Some(json!({"title": "Teams starter ikke", "description": "Krasjer ved oppstart.", "computer_name": "PC-7", "impact": {"whole_unit_down": true}}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let case: Value = r.json().await.unwrap();
    let number = case["number"].as_str().unwrap().to_owned();
    assert!(
        number.len() == 11 && number.as_bytes()[4] == b'-',
        "{number}"
    );
    assert!(
        case["handler"]["name"].is_string(),
        "handler assigned: {case}"
    );
    assert_eq!(case["channel"], "api");
    assert_eq!(case["status"], "new");
    assert_eq!(case["suggested_priority"], "high");
    assert_eq!(case["priority_confirmed"], false, "waits for the handler");
    assert_eq!(case["requester_username"], "ansatt");
    // Title and description alone make a valid case, at the rule's default.
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &kari,
            Some(json!({"title": "Mus", "description": "Musa er treg."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let plain: Value = r.json().await.unwrap();
    assert_eq!(plain["priority"], "low");
    // Agents set the priority directly, for someone else.
    let r = app.api(reqwest::Method::POST, "/api/v1/cases", &agent, Some(json!({"title": "Journal nede", "description": "Ringte inn.", "priority": "critical", "requester": "ansatt2"}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let set: Value = r.json().await.unwrap();
    assert_eq!(
        (
            set["priority"].as_str(),
            set["priority_confirmed"].as_bool()
        ),
        (Some("critical"), Some(true))
    );
    assert_eq!(set["requester"]["name"], "Ola Hansen");

    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}"),
            &kari,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let list: Value = app
        .api(
            reqwest::Method::GET,
            "/api/v1/cases?per_page=200",
            &kari,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .all(|i| i["requester"]["name"] == "Kari Nordmann"),
        "only own cases"
    );
    assert_eq!(list["total"].as_i64().unwrap() as usize, items.len());

    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &agent,
            Some(json!({"body": "Vi ser på det."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &agent,
            Some(json!({"body": "Internt", "internal": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let msgs: Value = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}/messages"),
            &kari,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        msgs.as_array().unwrap().len(),
        1,
        "requester sees no internal notes"
    );

    // A change must say which version it is based on.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &agent,
            Some(json!({"status": "resolved"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PRECONDITION_REQUIRED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}"),
            &agent,
            None,
        )
        .await;
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let current: Value = r.json().await.unwrap();
    assert_eq!(etag, format!("\"{}\"", current["version"]));
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &agent,
            Some(json!({"status": "resolved", "priority": "medium", "handler": "agent2", "version": current["version"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_ne!(r.headers()["etag"].to_str().unwrap(), etag, "a new version");
    let updated: Value = r.json().await.unwrap();
    assert_eq!(updated["status"], "resolved");
    assert_eq!(updated["priority"], "medium");
    assert_eq!(updated["priority_confirmed"], true);
    assert_eq!(updated["handler"]["name"], "Bjørn Saksbehandler");
    assert!(updated["resolved_at"].is_string());

    // A stale version is refused with 409.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &agent,
            Some(json!({"status": "closed", "version": 0})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    // So is a stale `If-Match`, with 412; the current one works.
    let patch = |etag: String| {
        client()
            .patch(app.url(&format!("/api/v1/cases/{number}")))
            .bearer_auth(&agent)
            .header("if-match", etag)
            .json(&json!({"status": "closed"}))
            .send()
    };
    assert_eq!(
        patch(etag.clone()).await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    let r = patch(format!("\"{}\"", updated["version"])).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let closed: Value = r.json().await.unwrap();
    assert_eq!(closed["status"], "closed");

    // Requesters cannot change status or write internal notes.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &kari,
            Some(json!({"status": "in_progress", "version": closed["version"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &kari,
            Some(json!({"body": "x", "internal": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Agents filter.
    let list: Value = app
        .api(
            reqwest::Method::GET,
            "/api/v1/cases?queue=open&priority=critical",
            &agent,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["priority"] == "critical" && i["status"] != "closed")
    );
}

both!(api_errors_are_problem_documents_naming_the_field);
async fn api_errors_are_problem_documents_naming_the_field() {
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let c = client();
    let before = app.case_count().await;
    let cases = [
        (
            json!({"title": "t", "description": "d", "colour": "red"}),
            "colour",
            422,
        ),
        (
            json!({"title": "t", "description": "d", "impact": {"urgent": true}}),
            "urgent",
            422,
        ),
        (json!({"title": "", "description": "d"}), "title", 422),
        (json!({"description": "d"}), "title", 422),
        (
            json!({"title": "t", "description": "d", "kind": "wish"}),
            "kind",
            422,
        ),
        (
            json!({"title": "t", "description": "d", "service_id": 9999}),
            "service",
            422,
        ),
    ];
    for (body, field, status) in cases {
        let r = app
            .api(
                reqwest::Method::POST,
                "/api/v1/cases",
                &kari,
                Some(body.clone()),
            )
            .await;
        assert_eq!(r.status().as_u16(), status, "{body}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["field"], field, "{body} → {p}");
        assert_eq!(p["status"], status);
    }
    let r = client()
        .post(app.url("/api/v1/cases"))
        .bearer_auth(&kari)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let big = "x".repeat(600 * 1024);
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &kari,
            Some(json!({"title": "t", "description": big})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.case_count().await, before, "nothing was stored");

    let r = c.get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = app
        .api(reqwest::Method::GET, "/api/v1/cases", "not-a-token", None)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Another requester's case is a 404 over the API too.
    let ola = app.token("ansatt2").await;
    let created: Value = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &kari,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = created["number"].as_str().unwrap();
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}"),
            &ola,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .api(
            reqwest::Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &ola,
            Some(json!({"body": "hei"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // Pupils are refused over the API as well.
    let elev = app.token("elev").await;
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &elev,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("skolen"));
}

both!(openapi_document_describes_the_api);
async fn openapi_document_describes_the_api() {
    let app = spawn().await;
    let doc: Value = client()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/cases",
        "/api/v1/cases/{number}",
        "/api/v1/cases/{number}/messages",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["paths"]["/api/v1/cases"]["post"]["responses"]["201"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

both!(a_change_is_all_or_nothing);
async fn a_change_is_all_or_nothing() {
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let agent = app.token("agent1").await;
    let created: Value = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &kari,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await
        .json()
        .await
        .unwrap();
    let number = created["number"].as_str().unwrap();
    let case = app.store.case_by_number(number).await.unwrap();
    let history = app.store.history(case.id).await.unwrap().len();
    for deadline in ["not a time", "2001-01-01T10:00:00Z"] {
        let r = app
            .api(
                reqwest::Method::PATCH,
                &format!("/api/v1/cases/{number}"),
                &agent,
                Some(json!({"status": "waiting_supplier", "priority": "high", "agreed_deadline": deadline,
                    "agreed_deadline_reason": "avtalt", "version": case.version})),
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{deadline}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["field"], "agreed_deadline");
        let after = app.store.case_by_number(number).await.unwrap();
        assert_eq!(
            (after.status, after.priority, after.version),
            (case.status, case.priority, case.version),
            "nothing of the change was committed"
        );
        assert_eq!(app.store.history(case.id).await.unwrap().len(), history);
    }
    // The same change with a good deadline lands whole.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &agent,
            Some(json!({"status": "waiting_supplier", "priority": "high", "agreed_deadline": "2099-01-01T10:00:00Z",
                "agreed_deadline_reason": "avtalt", "version": case.version})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let after = app.store.case_by_number(number).await.unwrap();
    assert_eq!(after.status.key(), "waiting_supplier");
    assert_eq!(after.priority.key(), "high");
    assert_eq!(after.version, case.version + 1, "one change, one version");
    assert_eq!(after.agreed_deadline, Some(4_070_944_800_000));
}

both!(the_api_does_what_the_admin_and_account_pages_do);
async fn the_api_does_what_the_admin_and_account_pages_do() {
    let app = spawn().await;
    let admin = app.token("admin").await;
    let agent = app.token("agent1").await;
    let kari = app.token("ansatt").await;
    use reqwest::Method as M;
    let me: Value = call(&app, &kari, M::GET, "/api/v1/me", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "ansatt");
    let kari_id = app.store.user_by_username("ansatt").await.unwrap().id;
    assert_eq!(me["id"], kari_id, "the token's user, not the token's id");
    assert_eq!(me["kind"], "employee");

    // Organizations, units, teams, services: admins create, agents read.
    let r = call(
        &app,
        &admin,
        M::POST,
        "/api/v1/organizations",
        Some(json!({"name": "Kommune C", "domains": ["kommune-c.example"]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let org: Value = r.json().await.unwrap();
    let r = call(
        &app,
        &admin,
        M::POST,
        &format!("/api/v1/organizations/{}/units", org["id"]),
        Some(json!({"name": "Skole"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let unit: Value = r.json().await.unwrap();
    let r = call(
        &app,
        &admin,
        M::POST,
        "/api/v1/organizations",
        Some(json!({"name": "Kommune C"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = call(
        &app,
        &admin,
        M::POST,
        "/api/v1/teams",
        Some(json!({"name": "Nettverk"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let team: Value = r.json().await.unwrap();
    let r = call(
        &app,
        &admin,
        M::POST,
        "/api/v1/services",
        Some(json!({"name": "Trådløst nett"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let services: Value = call(&app, &kari, M::GET, "/api/v1/services", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        services
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["name"] == "Trådløst nett")
    );
    let orgs: Value = call(&app, &agent, M::GET, "/api/v1/organizations", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        orgs.as_array()
            .unwrap()
            .iter()
            .any(|o| o["name"] == "Kommune C" && o["units"][0]["name"] == "Skole")
    );
    for (method, path) in [
        (M::POST, "/api/v1/teams"),
        (M::POST, "/api/v1/services"),
        (M::POST, "/api/v1/organizations"),
    ] {
        let r = call(&app, &agent, method, path, Some(json!({"name": "x"}))).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(
        call(&app, &kari, M::GET, "/api/v1/teams", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );

    // People.
    let r = call(&app, &admin, M::POST, "/api/v1/users", Some(json!({"username": "nyagent", "name": "Ny Agent", "email": "ny@kundeservice.example", "kind": "agent", "team_id": team["id"], "password": "Fjellet brenner i natt 7"}))).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let new: Value = r.json().await.unwrap();
    assert_eq!(new["team"], "Nettverk");
    let r = call(&app, &admin, M::POST, "/api/v1/users", Some(json!({"username": "nyagent", "name": "Igjen", "email": "igjen@kundeservice.example", "kind": "agent"}))).await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let r = call(&app, &admin, M::POST, "/api/v1/users", Some(json!({"username": "svak", "name": "Svak", "email": "svak@kommune-c.example", "kind": "employee", "unit_id": unit["id"], "password": "password1234"}))).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let found: Value = call(&app, &agent, M::GET, "/api/v1/users?q=Ny%20Ag", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(found[0]["username"], "nyagent");
    assert_eq!(
        call(&app, &agent, M::GET, "/api/v1/users", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let everyone: Value = call(&app, &admin, M::GET, "/api/v1/users", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(everyone.as_array().unwrap().len() >= 9);
    let id = new["id"].as_i64().unwrap();
    let r = call(
        &app,
        &admin,
        M::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"team_id": null})),
    )
    .await;
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["team"], Value::Null);
    let r = call(
        &app,
        &admin,
        M::POST,
        &format!("/api/v1/users/{id}/password-reset"),
        None,
    )
    .await;
    let otp: Value = r.json().await.unwrap();
    assert_eq!(otp["password"].as_str().unwrap().len(), 16);
    let r = call(
        &app,
        &admin,
        M::PATCH,
        &format!("/api/v1/users/{id}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(r.json::<Value>().await.unwrap()["active"], false);
    let r = call(
        &app,
        &admin,
        M::PATCH,
        "/api/v1/users/999999",
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let events: Value = call(&app, &admin, M::GET, "/api/v1/audit", None)
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for e in [
        "organization_created",
        "unit_created",
        "team_created",
        "service_created",
        "user_created",
        "user_team_changed",
        "password_reset",
        "user_deactivated",
    ] {
        assert!(events.contains(&e), "{e} in {events:?}");
    }
    assert!(
        call(&app, &admin, M::GET, "/api/v1/sla-errors", None)
            .await
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The caller's own password and sessions.
    let (browser, _) = app.login("ansatt").await;
    let r = call(
        &app,
        &kari,
        M::POST,
        "/api/v1/me/password",
        Some(json!({"current": "demo", "new": "blåbær-traktor-vinduskarm"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        browser
            .get(app.url("/portal"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );
    let (browser, _) =
        crate::support::login_with(&app, "ansatt", "blåbær-traktor-vinduskarm").await;
    let r = call(&app, &kari, M::DELETE, "/api/v1/me/sessions", None).await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        browser
            .get(app.url("/portal"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::SEE_OTHER
    );

    // Everyone has their own notifications: the desk's, and a requester's
    // (the receipt of their case, the desk's replies).
    assert_eq!(
        call(&app, &agent, M::GET, "/api/v1/notifications", None)
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        call(&app, &agent, M::POST, "/api/v1/notifications/read", None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    let r = call(&app, &kari, M::GET, "/api/v1/notifications", None).await;
    assert_eq!(r.status(), StatusCode::OK);
    let mine: Vec<serde_json::Value> = r.json().await.unwrap();
    assert!(
        mine.iter()
            .all(|n| ["received", "replied", "waiting_for_you", "resolved"]
                .contains(&n["kind"].as_str().unwrap())),
        "only what a requester is told: {mine:?}"
    );
}

async fn call(
    app: &crate::support::TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    app.api(method, path, token, body).await
}

both!(files_confirm_and_reopen_over_the_api);
async fn files_confirm_and_reopen_over_the_api() {
    use reqwest::Method as M;
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let ola = app.token("ansatt2").await;
    let agent = app.token("agent1").await;
    let created: Value = call(
        &app,
        &kari,
        M::POST,
        "/api/v1/cases",
        Some(json!({"title": "Skjermbilde", "description": "Se vedlegg."})),
    )
    .await
    .json()
    .await
    .unwrap();
    let number = created["number"].as_str().unwrap().to_owned();
    let upload = |token: &str, internal: bool, name: &str, bytes: &'static [u8]| {
        let form = reqwest::multipart::Form::new()
            .text("internal", internal.to_string())
            .part(
                "attachment",
                reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        client()
            .post(app.url(&format!("/api/v1/cases/{number}/messages")))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let r = upload(&kari, false, "feil.png", b"PNG-bytes")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let m: Value = r.json().await.unwrap();
    assert_eq!(m["kind"], "requester_message");
    let href = m["attachments"][0]["href"].as_str().unwrap().to_owned();
    let r = upload(&agent, true, "intern.txt", b"hemmelig")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // The requester lists and downloads hers, not the internal note's file.
    let mine: Value = call(
        &app,
        &kari,
        M::GET,
        &format!("/api/v1/cases/{number}/attachments"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let all: Value = call(
        &app,
        &agent,
        M::GET,
        &format!("/api/v1/cases/{number}/attachments"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let r = call(&app, &kari, M::GET, &href, None).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("feil.png")
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"PNG-bytes");
    let internal = all
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["internal"] == true)
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        call(&app, &kari, M::GET, &internal, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(&app, &ola, M::GET, &href, None).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(
            &app,
            &kari,
            M::GET,
            "/api/v1/attachments/99999999999999999999",
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // Confirm needs a resolved case; reopen a finished one; only hers.
    let r = call(
        &app,
        &kari,
        M::POST,
        &format!("/api/v1/cases/{number}/confirm"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let v: Value = call(
        &app,
        &agent,
        M::GET,
        &format!("/api/v1/cases/{number}"),
        None,
    )
    .await
    .json()
    .await
    .unwrap();
    let r = call(
        &app,
        &agent,
        M::PATCH,
        &format!("/api/v1/cases/{number}"),
        Some(json!({"status": "resolved", "version": v["version"]})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        call(
            &app,
            &ola,
            M::POST,
            &format!("/api/v1/cases/{number}/confirm"),
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        call(
            &app,
            &agent,
            M::POST,
            &format!("/api/v1/cases/{number}/confirm"),
            None
        )
        .await
        .status(),
        StatusCode::FORBIDDEN
    );
    let r = call(
        &app,
        &kari,
        M::POST,
        &format!("/api/v1/cases/{number}/confirm"),
        None,
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "closed");
    let r = call(
        &app,
        &kari,
        M::POST,
        &format!("/api/v1/cases/{number}/reopen"),
        Some(json!({"reason": "  "})),
    )
    .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is needed"
    );
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "reason");
    let r = call(
        &app,
        &kari,
        M::POST,
        &format!("/api/v1/cases/{number}/reopen"),
        Some(json!({"reason": "Skjermen blinker igjen"})),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        (v["status"].as_str(), v["resolved_at"].as_str()),
        (Some("in_progress"), None)
    );
    let case = app.store.case_by_number(&number).await.unwrap();
    let history = app.store.history(case.id).await.unwrap();
    assert_eq!(
        history.last().and_then(|h| h.note.as_deref()),
        Some("Skjermen blinker igjen"),
        "the reason is in the history"
    );
}

both!(a_person_chooses_the_language_over_the_api_as_on_the_account_page);
async fn a_person_chooses_the_language_over_the_api_as_on_the_account_page() {
    let app = spawn().await;
    let token = app.token("ansatt").await;
    let me = |body| app.api(Method::PATCH, "/api/v1/me", &token, Some(body));
    let r = me(json!({"locale": "en"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["locale"], "en");
    // Error details follow the choice, with no Accept-Language.
    let r = app
        .api(Method::GET, "/api/v1/cases/2026-999999", &token, None)
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let detail = r.json::<Value>().await.unwrap()["detail"].to_string();
    assert!(detail.contains("No such resource"), "{detail}");
    // The page speaks it too.
    let (c, _) = app.login("ansatt").await;
    let (_, page) = app.get(&c, "/portal").await;
    assert!(page.contains("<html lang=\"en\">"));

    let r = me(json!({"locale": "sv"})).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = me(json!({"locale": null})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["locale"], Value::Null);
    let (_, page) = app.get(&c, "/portal").await;
    assert!(page.contains("<html lang=\"nb\">"), "back to the default");
}
