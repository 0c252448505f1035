//! Authorization, CSRF, validation, limits and throttling.

use crate::support::{client, csrf_of, spawn};
use reqwest::StatusCode;

both!(requesters_cannot_read_list_or_reply_to_each_others_cases);
async fn requesters_cannot_read_list_or_reply_to_each_others_cases() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let number = app.report(&kari, &kcsrf, "Karis sak").await;
    let (ola, ocsrf) = app.login("ansatt2").await;
    let (status, page) = app.get(&ola, &format!("/cases/{number}")).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "another's case is a 404, not a 403"
    );
    assert!(!page.contains("Karis sak"));
    let (status, _) = app.get(&ola, "/cases/2099-999999").await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "same answer as a case that does not exist"
    );
    let (_, list) = app.get(&ola, "/portal").await;
    assert!(!list.contains(&number));
    let r = app
        .reply(
            &ola,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", ocsrf.clone())
                .text("body", "inn på andres sak"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = app
        .post(
            &ola,
            &format!("/cases/{number}/reopen"),
            &[("csrf", &ocsrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let case = app.store.case_by_number(&number).await.unwrap();
    assert!(app.store.messages(case.id, true).await.unwrap().is_empty());
}

both!(agent_and_admin_routes_are_closed_to_others);
async fn agent_and_admin_routes_are_closed_to_others() {
    let app = spawn().await;
    let anon = client();
    for path in [
        "/portal",
        "/agent",
        "/admin",
        "/account",
        "/cases/2026-000001",
    ] {
        let r = anon.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{path} needs a login");
        assert_eq!(r.headers()["location"], "/login");
    }
    let (kari, csrf) = app.login("ansatt").await;
    for path in ["/agent", "/agent/phone", "/admin"] {
        assert_eq!(
            app.get(&kari, path).await.0,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let number = app.report(&kari, &csrf, "Min sak").await;
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/update"),
            &[("csrf", &csrf), ("version", "1"), ("status", "closed")],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "requesters cannot change status directly"
    );
    let (agent, acsrf) = app.login("agent1").await;
    assert_eq!(app.get(&agent, "/admin").await.0, StatusCode::FORBIDDEN);
    let r = app
        .post(&agent, "/admin/teams", &[("csrf", &acsrf), ("name", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(
        app.store
            .list_teams()
            .await
            .unwrap()
            .iter()
            .all(|t| t.name != "x")
    );
}

both!(pupils_and_guardians_are_refused_kindly_and_nothing_is_stored);
async fn pupils_and_guardians_are_refused_kindly_and_nothing_is_stored() {
    let app = spawn().await;
    for who in ["elev", "foresatt"] {
        let (c, csrf) = app.login(who).await;
        let (status, page) = app.get(&c, "/portal/new").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(
            page.contains("skolens IKT-ansvarlige"),
            "says whom to contact"
        );
        assert!(!page.contains("id=\"submit-case\""), "no form to fill in");
        let before = app.case_count().await;
        let r = app
            .post(
                &c,
                "/portal/cases",
                &[
                    ("csrf", &csrf),
                    ("kind", "fault"),
                    ("title", "Hjelp"),
                    ("description", "PC-en min"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        assert!(r.text().await.unwrap().contains("skolen"));
        assert_eq!(app.case_count().await, before);
    }
}

both!(every_state_changing_form_needs_the_csrf_token);
async fn every_state_changing_form_needs_the_csrf_token() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let number = app.report(&kari, &kcsrf, "CSRF-sak").await;
    let before = app.case_count().await;
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", "forged"),
                ("kind", "fault"),
                ("title", "x"),
                ("description", "y"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[("kind", "fault"), ("title", "x"), ("description", "y")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.case_count().await, before);
    let r = app
        .reply(
            &kari,
            &number,
            reqwest::multipart::Form::new().text("body", "uten token"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    let (admin, _) = app.login("admin").await;
    let (agent, _) = app.login("agent1").await;
    for (c, path) in [
        (&kari, "/logout".to_owned()),
        (&kari, "/account/tokens".to_owned()),
        (&kari, format!("/cases/{number}/confirm")),
        (&agent, format!("/cases/{number}/update")),
        (&agent, "/agent/phone".to_owned()),
        (&admin, "/admin/users".to_owned()),
        (&admin, "/admin/orgs".to_owned()),
        (&admin, "/admin/teams".to_owned()),
        (&admin, "/admin/services".to_owned()),
    ] {
        let r = app
            .post(c, &path, &[("csrf", "wrong"), ("name", "n")])
            .await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    // Logging in needs the login form's own token (a cookie and a field).
    let fresh = client();
    let r = app
        .post(
            &fresh,
            "/login",
            &[("csrf", "x"), ("username", "ansatt"), ("password", "demo")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

both!(bad_input_gets_clear_messages_and_stores_nothing);
async fn bad_input_gets_clear_messages_and_stores_nothing() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let before = app.case_count().await;
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", &csrf),
                ("title", " "),
                ("description", ""),
                ("computer_name", "PC 1;drop"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("Type sak må velges."), "{page}");
    assert!(page.contains("Tittel må fylles ut."));
    assert!(page.contains("Beskrivelse må fylles ut."));
    assert!(page.contains("Datamaskinnavn inneholder tegn som ikke er tillatt."));
    assert!(page.contains("PC 1;drop"), "values are kept");
    let long = "x".repeat(201);
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", &csrf),
                ("kind", "fault"),
                ("title", &long),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("kan ikke være lenger enn 200 tegn")
    );
    assert_eq!(app.case_count().await, before);

    // Output is escaped.
    let number = app
        .report(&kari, &csrf, "<img src=x onerror=alert(1)>")
        .await;
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(!page.contains("<img src=x"));
    assert!(page.contains("&#60;img src=x") || page.contains("&lt;img src=x"));

    // Oversized form bodies are refused with 413.
    let huge = "x".repeat(600 * 1024);
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", &csrf),
                ("kind", "fault"),
                ("title", "t"),
                ("description", &huge),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.case_count().await, before + 1);
}

both!(logins_are_throttled_after_repeated_failures);
async fn logins_are_throttled_after_repeated_failures() {
    let app = spawn().await;
    let c = client();
    let (_, page) = app.get(&c, "/login").await;
    let csrf = csrf_of(&page);
    for _ in 0..5 {
        let r = app
            .post(
                &c,
                "/login",
                &[
                    ("csrf", &csrf),
                    ("username", "agent3"),
                    ("password", "feil"),
                ],
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            r.text()
                .await
                .unwrap()
                .contains("Feil brukernavn eller passord.")
        );
    }
    // Even the right password is refused while throttled.
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "agent3"),
                ("password", "demo"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // Other accounts are not locked out.
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("csrf", &csrf),
                ("username", "agent2"),
                ("password", "demo"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

both!(sessions_end_at_logout_and_cookies_are_httponly);
async fn sessions_end_at_logout_and_cookies_are_httponly() {
    let app = spawn().await;
    let c = client();
    let (_, page) = app.get(&c, "/login").await;
    let r = app
        .post(
            &c,
            "/login",
            &[
                ("csrf", &csrf_of(&page)),
                ("username", "ansatt"),
                ("password", "demo"),
            ],
        )
        .await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let (_, page) = app.get(&c, "/portal").await;
    let r = app.post(&c, "/logout", &[("csrf", &csrf_of(&page))]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the session is gone server-side"
    );
    let r = c.get(app.url("/login")).send().await.unwrap();
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
}
