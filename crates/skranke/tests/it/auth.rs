//! Logins, sessions, cookies, tokens and the audit log, as an attacker and
//! as their victims would try them.

use crate::support::{TestApp, client, csrf_of, new_token_of, spawn, spawn_with};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use skranke_core::Config;

/// A fresh browser with the login form open: the client and the form's token.
async fn login_form(app: &TestApp) -> (Client, String) {
    let c = client();
    let (_, page) = app.get(&c, "/login").await;
    let csrf = csrf_of(&page);
    (c, csrf)
}

async fn try_login(
    app: &TestApp,
    c: &Client,
    csrf: &str,
    user: &str,
    password: &str,
    from: Option<&str>,
) -> reqwest::Response {
    let mut r = c.post(app.url("/login")).form(&[
        ("csrf", csrf),
        ("username", user),
        ("password", password),
    ]);
    if let Some(addr) = from {
        r = r.header("x-forwarded-for", addr);
    }
    r.send().await.unwrap()
}

fn trusting_localhost() -> Config {
    let mut config = Config::default();
    config.server.trusted_proxies = vec!["127.0.0.1".into()];
    config
}

async fn audit_events(app: &TestApp, event: &str) -> usize {
    app.store
        .audit_log(None, 10_000)
        .await
        .unwrap()
        .iter()
        .filter(|r| r.event == event)
        .count()
}

both!(parallel_guesses_are_counted_before_they_are_checked);
async fn parallel_guesses_are_counted_before_they_are_checked() {
    let app = spawn().await;
    let (c, csrf) = login_form(&app).await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let (c, url, csrf) = (c.clone(), app.url("/login"), csrf.clone());
            // One of the forty is the right password.
            let password = if i == 20 { "demo" } else { "gjetning" };
            tokio::spawn(async move {
                let r = c
                    .post(url)
                    .form(&[
                        ("csrf", csrf.as_str()),
                        ("username", "agent3"),
                        ("password", password),
                    ])
                    .send()
                    .await
                    .unwrap();
                (r.status(), r.headers().contains_key("retry-after"))
            })
        })
        .collect();
    let mut checked = Vec::new();
    for t in tasks {
        let (status, retry_after) = t.await.unwrap();
        match status {
            StatusCode::TOO_MANY_REQUESTS => {
                assert!(retry_after, "a refusal says when to try again")
            }
            // Too busy to look at it at all (a loaded machine): not checked.
            StatusCode::SERVICE_UNAVAILABLE => {}
            other => checked.push(other),
        }
    }
    assert!(
        checked.len() <= 5,
        "{} of 40 guesses were checked: {checked:?}",
        checked.len()
    );
    let evaluated =
        audit_events(&app, "login_failed").await + audit_events(&app, "login_succeeded").await;
    assert!(evaluated <= 5, "{evaluated} passwords were checked");
    assert!(audit_events(&app, "login_throttled").await >= 35);
}

both!(a_stranger_cannot_lock_anyone_out);
async fn a_stranger_cannot_lock_anyone_out() {
    let app = spawn_with(trusting_localhost()).await;
    let attacker = Some("198.51.100.66");
    let (c, csrf) = login_form(&app).await;
    for _ in 0..5 {
        let r = try_login(&app, &c, &csrf, "agent3", "gjetning", attacker).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // The attacker's address is stopped, even with the right password …
    let r = try_login(&app, &c, &csrf, "agent3", "demo", attacker).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&wait), "{wait}");
    // … but the owner, elsewhere, logs in.
    let r = try_login(&app, &c, &csrf, "agent3", "demo", Some("203.0.113.7")).await;
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "the account is not locked"
    );

    // Many typos behind one shared address do not lock the others out.
    let office = Some("192.0.2.10");
    let (c, csrf) = login_form(&app).await;
    for i in 0..35 {
        let r = try_login(&app, &c, &csrf, &format!("bruker{i}"), "feil", office).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = try_login(&app, &c, &csrf, "ansatt", "demo", office).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

both!(forwarded_addresses_count_only_from_trusted_proxies);
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let app = spawn().await;
    let (c, csrf) = login_form(&app).await;
    for i in 0..5 {
        let from = format!("203.0.113.{i}");
        try_login(&app, &c, &csrf, "agent2", "feil", Some(&from)).await;
    }
    // A made-up X-Forwarded-For from an untrusted peer changes nothing.
    let r = try_login(&app, &c, &csrf, "agent2", "demo", Some("203.0.113.99")).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

both!(password_hashing_is_bounded);
async fn password_hashing_is_bounded() {
    let app = spawn().await;
    let cores = app.state.hashers.available_permits();
    assert!(cores >= 1);
    let (c, csrf) = login_form(&app).await;
    // Every hasher busy: a login waits briefly, then hears "busy".
    let held = app
        .state
        .hashers
        .clone()
        .acquire_many_owned(cores as u32)
        .await
        .unwrap();
    let r = try_login(&app, &c, &csrf, "ansatt", "demo", None).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.headers().contains_key("retry-after"));
    drop(held);
    let r = try_login(&app, &c, &csrf, "ansatt", "demo", None).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

both!(sessions_end_when_idle_and_everywhere_at_once);
async fn sessions_end_when_idle_and_everywhere_at_once() {
    let app = spawn().await;
    let (pc1, csrf1) = app.login("ansatt").await;
    let (pc2, _) = app.login("ansatt").await;
    // Idle for longer than the timeout (2 h by default): logged out.
    let mut raw = app.raw_conn().await;
    let long_ago = jiff::Timestamp::now().as_millisecond() - 3 * 3600 * 1000;
    raw.exec(&format!("UPDATE sessions SET last_seen_at = {long_ago} WHERE id_hash IN (SELECT id_hash FROM sessions ORDER BY created_at LIMIT 1)"))
        .await;
    let first = pc1.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(
        first.status(),
        StatusCode::SEE_OTHER,
        "the idle session has ended"
    );
    assert_eq!(
        pc2.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::OK
    );
    let _ = csrf1;
    // "Logg ut overalt" from a third browser ends the second one too.
    let (pc3, csrf3) = app.login("ansatt").await;
    let (_, page) = app.get(&pc3, "/account").await;
    assert!(page.contains("id=\"logout-everywhere\""));
    let r = app
        .post(&pc3, "/account/sessions/delete", &[("csrf", &csrf3)])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        pc2.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        pc3.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_events(&app, "logout_everywhere").await, 1);
}

both!(people_change_their_password_and_admins_reset_it);
async fn people_change_their_password_and_admins_reset_it() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let (other, _) = app.login("ansatt").await;
    let change = |current: &str, new: &str, repeat: &str| {
        let form = [
            ("csrf", csrf.as_str()),
            ("current", current),
            ("new", new),
            ("repeat", repeat),
        ];
        kari.post(app.url("/account/password")).form(&form).send()
    };
    let r = change(
        "feil",
        "blåbær-traktor-vinduskarm",
        "blåbær-traktor-vinduskarm",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Nåværende passord er ikke riktig.")
    );
    let r = change("demo", "password1234", "password1234")
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("for lett å gjette"));
    let r = change("demo", "kort", "kort").await.unwrap();
    assert!(r.text().await.unwrap().contains("minst 12 tegn"));
    let r = change(
        "demo",
        "blåbær-traktor-vinduskarm",
        "blåbær-traktor-vinduskarm",
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/account");
    let (_, page) = app.get(&kari, "/account").await;
    assert!(
        page.contains("id=\"flash\"") && page.contains("Passordet er byttet"),
        "the new session says what happened"
    );
    let (_, page) = app.get(&kari, "/account").await;
    assert!(!page.contains("id=\"flash\""), "once");
    assert_eq!(
        kari.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::OK,
        "this session goes on"
    );
    assert_eq!(
        other.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER,
        "the others end"
    );
    let (c, form) = login_form(&app).await;
    assert_eq!(
        try_login(&app, &c, &form, "ansatt", "demo", None)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        try_login(&app, &c, &form, "ansatt", "blåbær-traktor-vinduskarm", None)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // An admin resets Ola's password: his sessions end, the new one works
    // once, and he must choose his own before anything else.
    let (ola, _) = app.login("ansatt2").await;
    let (admin, acsrf) = app.login("admin").await;
    let id = app.store.user_by_username("ansatt2").await.unwrap().id;
    let r = app
        .post(
            &admin,
            &format!("/admin/users/{id}/password"),
            &[("csrf", &acsrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let marker = "Engangspassord for ansatt2: ";
    let start = page.find(marker).expect("the password is shown once") + marker.len();
    let one_time: String = page[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(one_time.len(), 16);
    assert_eq!(
        ola.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    let (c, form) = login_form(&app).await;
    let r = try_login(&app, &c, &form, "ansatt2", &one_time, None).await;
    assert_eq!(r.headers()["location"], "/account/password");
    let r = c.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(
        r.headers()["location"],
        "/account/password",
        "nothing else until it is changed"
    );
    let (_, page) = app.get(&c, "/account/password").await;
    assert!(page.contains("id=\"forced\""));
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/account/password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("current", one_time.as_str()),
            ("new", "Fjellet brenner i natt 7"),
            ("repeat", "Fjellet brenner i natt 7"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(app.url("/portal")).send().await.unwrap().status(),
        StatusCode::OK
    );
    assert_eq!(audit_events(&app, "password_changed").await, 2);
    assert_eq!(audit_events(&app, "password_reset").await, 1);

    // New users get the same password rules.
    let r = app
        .post(
            &admin,
            "/admin/users",
            &[
                ("csrf", &acsrf),
                ("username", "ny"),
                ("full_name", "Ny Bruker"),
                ("email", "ny@kommune-a.example"),
                ("kind", "employee"),
                ("password", "password1234"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(app.store.user_by_username("ny").await.is_err());
}

both!(cookies_are_secure_and_host_bound_over_https);
async fn cookies_are_secure_and_host_bound_over_https() {
    // Plain HTTP (a test or a laptop): no Secure, no HSTS.
    let app = spawn().await;
    let (c, csrf) = login_form(&app).await;
    let r = try_login(&app, &c, &csrf, "ansatt", "demo", None).await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("skranke_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    assert!(r.headers().get("strict-transport-security").is_none());

    // Behind a TLS-terminating proxy we trust.
    let app = spawn_with(trusting_localhost()).await;
    let c = client();
    let page = c
        .get(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(
        page.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
    let form_cookie = page.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        form_cookie.starts_with("__Host-skranke_login=") && form_cookie.contains("Secure"),
        "{form_cookie}"
    );
    let csrf = csrf_of(&page.text().await.unwrap());
    let cookie_value = form_cookie.split(';').next().unwrap().to_owned();
    let r = c
        .post(app.url("/login"))
        .header("x-forwarded-proto", "https")
        .header("cookie", cookie_value)
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "ansatt"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("__Host-skranke_session="))
        .expect("a __Host- session cookie");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly") && session.contains("Path=/")
    );
    assert!(!session.contains("Domain"));
    // The same proto header from an untrusted peer is ignored.
    let plain = spawn().await;
    let r = client()
        .get(plain.url("/login"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .unwrap();
    assert!(r.headers().get("strict-transport-security").is_none());
}

both!(no_cache_keeps_a_page_after_logout);
async fn no_cache_keeps_a_page_after_logout() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Privat sak").await;
    let r = kari
        .get(app.url(&format!("/cases/{number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let token = app.token("ansatt").await;
    let r = app
        .api(reqwest::Method::GET, "/api/v1/cases", &token, None)
        .await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    app.post(&kari, "/logout", &[("csrf", &csrf)]).await;
    let r = kari
        .get(app.url(&format!("/cases/{number}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // The stylesheet may be cached.
    let r = kari.get(app.url("/static/app.css")).send().await.unwrap();
    assert!(
        r.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
}

both!(cross_site_posts_are_refused_and_login_csrf_is_server_side);
async fn cross_site_posts_are_refused_and_login_csrf_is_server_side() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let before = app.case_count().await;
    let form = [
        ("csrf", csrf.as_str()),
        ("kind", "fault"),
        ("title", "Fra et annet nettsted"),
        ("description", "x"),
    ];
    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
        ("origin", "null"),
    ] {
        let r = kari
            .post(app.url("/portal/cases"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{header}: {value}");
    }
    assert_eq!(app.case_count().await, before, "nothing stored");
    let r = kari
        .post(app.url("/portal/cases"))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = kari
        .post(app.url("/portal/cases"))
        .header("origin", app.base.clone())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // A login CSRF token must be one the server handed out for this cookie.
    let c = client();
    let r = c
        .post(app.url("/login"))
        .header("cookie", "skranke_login=planted")
        .form(&[
            ("csrf", "planted"),
            ("username", "ansatt"),
            ("password", "demo"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (c, csrf) = login_form(&app).await;
    let (_, other_csrf) = login_form(&app).await;
    assert_eq!(
        try_login(&app, &c, &other_csrf, "ansatt", "demo", None)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        try_login(&app, &c, &csrf, "ansatt", "demo", None)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
}

both!(tokens_expire_carry_scopes_and_record_their_use);
async fn tokens_expire_carry_scopes_and_record_their_use() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let r = app
        .post(
            &kari,
            "/account/tokens",
            &[("csrf", &csrf), ("name", "Lesebrett"), ("days", "30")],
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"new-token-expires\""),
        "the expiry is shown at creation"
    );
    let read_only = new_token_of(&page);
    let r = app
        .api(reqwest::Method::GET, "/api/v1/cases", &read_only, None)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/cases",
            &read_only,
            Some(json!({"title": "t", "description": "d"})),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "a read token cannot write"
    );
    let tokens = app
        .store
        .list_api_tokens(app.store.user_by_username("ansatt").await.unwrap().id)
        .await
        .unwrap();
    let t = tokens.iter().find(|t| t.name == "Lesebrett").unwrap();
    assert_eq!(t.scopes, "read");
    assert!(t.last_used_at.is_some(), "its use is recorded");
    let days = (t.expires_at.unwrap() - t.created_at) / 86_400_000;
    assert_eq!(days, 30);
    // Run out: 401.
    let mut raw = app.raw_conn().await;
    raw.exec(&format!(
        "UPDATE api_tokens SET expires_at = 1 WHERE id = {}",
        t.id
    ))
    .await;
    let r = app
        .api(reqwest::Method::GET, "/api/v1/cases", &read_only, None)
        .await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);

    // Over the API: tokens, and the audit log for admins.
    let write = app.token("ansatt").await;
    let r = app
        .api(
            reqwest::Method::POST,
            "/api/v1/me/tokens",
            &write,
            Some(json!({"name": "Skript", "expires_in_days": 7})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: Value = r.json().await.unwrap();
    assert_eq!(made["scopes"], "read");
    let mine: Value = app
        .api(reqwest::Method::GET, "/api/v1/me/tokens", &write, None)
        .await
        .json()
        .await
        .unwrap();
    let id = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "Skript")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = app
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/me/tokens/{id}"),
            &write,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let r = app
        .api(reqwest::Method::GET, "/api/v1/audit", &write, None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let admin = app.token("admin").await;
    let log: Value = app
        .api(
            reqwest::Method::GET,
            "/api/v1/audit?limit=500",
            &admin,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    for e in ["login_succeeded", "token_created", "token_deleted"] {
        assert!(events.contains(&e), "{e} in {events:?}");
    }
    let (admin_page, _) = app.login("admin").await;
    let (status, page) = app.get(&admin_page, "/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("API-nøkkel laget") && page.contains("Innlogging"));
}
