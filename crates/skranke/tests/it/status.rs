//! Operational messages and service status over HTTP, on both backends:
//! agents publish, everyone reads what is published (drafts and other
//! organisations' messages stay hidden), users say "this concerns me too"
//! and follow services and messages, linked cases are resolved together,
//! mail carries a one-click unsubscribe, the feed is valid Atom, and a
//! planned maintenance becomes active at its start.

use crate::support::{TestApp, client, csrf_of, spawn_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn get(app: &TestApp, path: &str, token: &str) -> Value {
    let r = app.api(Method::GET, path, token, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// The API read without a token.
async fn public(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let r = client().get(app.url(path)).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn service_id(app: &TestApp, name: &str) -> i64 {
    let (_, s) = public(app, "/api/v1/status").await;
    s["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["name"] == name)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

fn service_status(board: &Value, id: i64) -> String {
    board["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id)
        .unwrap()["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app
        .api(
            Method::POST,
            "/api/v1/operational-messages",
            token,
            Some(body),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json().await.unwrap()
}

fn mail_config() -> skranke_core::Config {
    let mut config = skranke_core::Config::default();
    config.mail.outbound.directory = Some(crate::support::temp_dir("outgoing"));
    config
}

fn rows<'a>(
    tables: &'a [(&'static str, Vec<serde_json::Map<String, Value>>)],
    name: &str,
) -> &'a [serde_json::Map<String, Value>] {
    &tables.iter().find(|(t, _)| *t == name).unwrap().1
}

both!(an_outage_from_report_to_mass_resolution);
async fn an_outage_from_report_to_mass_resolution() {
    let app = spawn_with(mail_config()).await;
    let agent = app.token("agent1").await;
    let kari = app.token("ansatt").await;
    let network = service_id(&app, "Nettverk").await;
    // Kari follows the network service; Ola will say it concerns him.
    let r = app
        .api(
            Method::POST,
            "/api/v1/subscriptions",
            &kari,
            Some(json!({"service_id": network})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // Kari's report comes first; the agent makes the outage from it.
    let (kc, kcsrf) = app.login("ansatt").await;
    let first = app.report(&kc, &kcsrf, "Ingen nettverk i 2. etasje").await;
    let m = create(
        &app,
        &agent,
        json!({
            "kind": "outage",
            "title": "Nettverket er nede på rådhuset",
            "body": "Vi **feilsøker**.<script>alert(1)</script>",
            "severity": "unavailable",
            "services": [network],
            "case": first,
        }),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    assert_eq!(m["state"], "active");
    assert_eq!(m["cases"], json!([first]), "the first report is linked");
    let (status, board) = public(&app, "/api/v1/status").await;
    assert_eq!(status, StatusCode::OK, "no login needed");
    assert_eq!(service_status(&board, network), "unavailable");
    assert!(
        board["active"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == id)
    );
    // The public page renders the Markdown and never the script.
    let (s, page) = app.get(&client(), &format!("/status/messages/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("<strong>feilsøker</strong>"), "{page}");
    assert!(!page.contains("<script>alert"), "escaped");
    // The report form shows it before Ola submits; he says it concerns him.
    let (oc, _) = app.login("ansatt2").await;
    let (_, form) = app.get(&oc, "/portal/new").await;
    assert!(
        form.contains("Nettverket er nede på rådhuset"),
        "on the form"
    );
    assert!(form.contains(&format!("/status/messages/{id}/affected")));
    let before = app.case_count().await;
    let r = app
        .post(
            &oc,
            &format!("/status/messages/{id}/affected"),
            &[("csrf", &csrf_of(&form))],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.case_count().await, before, "no new case");
    let (_, page) = app.get(&oc, &format!("/status/messages/{id}")).await;
    assert!(page.contains("dette gjelder deg også"), "says so");
    assert!(page.contains("id=\"op-concerned\""), "and shows it");
    // Another report arrives, and is linked from its own case page.
    let second = app.report(&kc, &kcsrf, "Nettet er borte").await;
    let (ac, _) = app.login("agent1").await;
    let (_, case_page) = app.get(&ac, &format!("/cases/{second}")).await;
    assert!(
        case_page.contains("id=\"case-op-link\""),
        "the case page offers it"
    );
    let r = app
        .post(
            &ac,
            &format!("/cases/{second}/operational-messages"),
            &[("csrf", &csrf_of(&case_page)), ("message", &id.to_string())],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let linked = get(
        &app,
        &format!("/api/v1/operational-messages/{id}/cases"),
        &agent,
    )
    .await;
    let numbers: Vec<&str> = linked
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, [first.as_str(), second.as_str()]);
    // Kari's case page tells her the fault is known, and where to read more.
    let (_, mine) = app.get(&kc, &format!("/cases/{first}")).await;
    assert!(
        mine.contains("id=\"case-op-linked\"") && mine.contains(&format!("/status/messages/{id}"))
    );
    assert!(
        !mine.contains("id=\"case-op-link\""),
        "but links nothing herself"
    );
    let whole = get(&app, &format!("/api/v1/operational-messages/{id}"), &agent).await;
    assert_eq!(whole["affected"], 2, "Kari (her cases) and Ola (said so)");
    // An update reaches the service's follower and the affected, in the
    // app and by mail with a one-click unsubscribe.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/operational-messages/{id}/updates"),
            &agent,
            Some(json!({"body": "Svitsjen byttes nå."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let ola = app.token("ansatt2").await;
    for token in [&kari, &ola] {
        let notes = get(&app, "/api/v1/notifications", token).await;
        assert!(
            notes
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["kind"] == "status_update" && n["operational_message"] == id),
            "{notes}"
        );
    }
    let tables = app.store.export_tables().await.unwrap();
    let mails: Vec<_> = rows(&tables, "outgoing_mail")
        .iter()
        .filter(|m| m["kind"] == "status_update")
        .collect();
    let recipients: std::collections::BTreeSet<&str> = mails
        .iter()
        .map(|m| m["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(
        recipients.into_iter().collect::<Vec<_>>(),
        ["ansatt2@kommune-b.example", "ansatt@kommune-a.example"]
    );
    let sent = skranke_web::outmail::deliver_due(&app.state, jiff::Timestamp::now())
        .await
        .unwrap();
    assert!(sent.sent >= 2, "{sent:?}");
    let dir = app.state.config.mail.outbound.directory.clone().unwrap();
    let eml = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-status_update.eml"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .find(|t| t.contains("ansatt@kommune-a.example"))
        .expect("Kari's mail");
    assert!(eml.contains("List-Unsubscribe: <http"), "{eml}");
    assert!(eml.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    let url = eml
        .lines()
        .find_map(|l| l.strip_prefix("List-Unsubscribe: <"))
        .unwrap()
        .trim_end_matches('>')
        .to_owned();
    let path = &url[url.find("/unsubscribe/").unwrap()..];
    // A mail scanner's GET changes nothing; the one-click POST does.
    let (s, page) = app.get(&client(), path).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Nettverk"), "names what it stops");
    assert_eq!(
        get(&app, "/api/v1/subscriptions", &kari)
            .await
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = client()
        .post(app.url(path))
        .form(&[("List-Unsubscribe", "One-Click")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        get(&app, "/api/v1/subscriptions", &kari)
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Resolved: the message, then every linked case with one reply.
    let version = whole["version"].as_i64().unwrap();
    let r = app
        .api(
            Method::PATCH,
            &format!("/api/v1/operational-messages/{id}"),
            &agent,
            Some(
                json!({"version": version, "state": "resolved", "note": "Ny svitsj er på plass."}),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let stale = app
        .api(
            Method::PATCH,
            &format!("/api/v1/operational-messages/{id}"),
            &agent,
            Some(json!({"version": version, "title": "Gammel"})),
        )
        .await;
    assert_eq!(
        stale.status(),
        StatusCode::CONFLICT,
        "lost updates are refused"
    );
    let (_, board) = public(&app, "/api/v1/status").await;
    assert_eq!(service_status(&board, network), "available");
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/operational-messages/{id}/resolve-cases"),
            &agent,
            Some(
                json!({"body": "Nettverket virker igjen. Meld fra om du fortsatt har problemer."}),
            ),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let done: Value = r.json().await.unwrap();
    assert_eq!(done["resolved"].as_array().unwrap().len(), 2, "{done}");
    for number in [&first, &second] {
        let case = get(&app, &format!("/api/v1/cases/{number}"), &agent).await;
        assert_eq!(case["status"], "resolved");
        assert!(case["sla"]["resolution"]["met_at"].is_string(), "{case}");
        assert!(
            case["sla"]["response"]["met_at"].is_string(),
            "the reply is a response"
        );
        let msgs = get(&app, &format!("/api/v1/cases/{number}/messages"), &kari).await;
        assert!(
            msgs.as_array().unwrap().iter().any(|m| m["body"]
                .as_str()
                .unwrap()
                .starts_with("Nettverket virker igjen")),
            "the requester sees the reply"
        );
    }
    // Again: nothing left to resolve.
    let again: Value = app
        .api(
            Method::POST,
            &format!("/api/v1/operational-messages/{id}/resolve-cases"),
            &agent,
            Some(json!({"body": "Igjen."})),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["resolved"], json!([]));
    assert_eq!(again["skipped"].as_array().unwrap().len(), 2);
    // Every edit is in the history.
    let tables = app.store.export_tables().await.unwrap();
    let fields: Vec<&str> = rows(&tables, "op_message_history")
        .iter()
        .filter(|h| h["message_id"] == id)
        .map(|h| h["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["created", "case", "case", "state"]);
}

both!(only_agents_publish_and_only_the_published_is_shown);
async fn only_agents_publish_and_only_the_published_is_shown() {
    let app = spawn_with(skranke_core::Config::default()).await;
    let agent = app.token("agent1").await;
    let kari = app.token("ansatt").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/operational-messages",
            &kari,
            Some(json!({"kind": "outage", "title": "Falsk", "body": "x", "severity": "degraded"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client()
        .post(app.url("/api/v1/operational-messages"))
        .json(&json!({"kind": "outage", "title": "Falsk", "body": "x", "severity": "degraded"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Validation: an outage says how bad; an end comes after the start.
    let r = app
        .api(
            Method::POST,
            "/api/v1/operational-messages",
            &agent,
            Some(json!({"kind": "outage", "title": "Uten alvorlighet", "body": "x"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["field"], "severity");
    let r = app
        .api(
            Method::POST,
            "/api/v1/operational-messages",
            &agent,
            Some(json!({"kind": "change", "title": "Baklengs", "body": "x",
                "starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T09:00:00Z"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json::<Value>().await.unwrap()["field"], "ends_at");
    let r = app
        .api(
            Method::POST,
            "/api/v1/operational-messages",
            &agent,
            Some(json!({"kind": "change", "title": "Ukjent tjeneste", "body": "x", "services": [999999]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let tables = app.store.export_tables().await.unwrap();
    assert!(
        !rows(&tables, "op_messages")
            .iter()
            .any(|m| m["title"] == "Ukjent tjeneste"),
        "nothing half-written"
    );
    // A draft, and a message for Kommune A only.
    let draft = create(
        &app,
        &agent,
        json!({"kind": "outage", "title": "Hemmelig utkast", "body": "Intern tekst", "severity": "unavailable", "published": false}),
    )
    .await;
    let orgs = get(&app, "/api/v1/organizations", &app.token("admin").await).await;
    let kommune_a = orgs
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["name"] == "Kommune A")
        .unwrap()["id"]
        .clone();
    let only_a = create(
        &app,
        &agent,
        json!({"kind": "change", "title": "Ny VPN for Kommune A", "body": "Fra mandag.", "organizations": [kommune_a]}),
    )
    .await;
    let ola = app.token("ansatt2").await;
    let (_, board) = public(&app, "/api/v1/status").await;
    let titles = |v: &Value, key: &str| -> Vec<String> {
        v[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["title"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(!titles(&board, "active").contains(&"Hemmelig utkast".to_owned()));
    assert!(!titles(&board, "active").contains(&"Ny VPN for Kommune A".to_owned()));
    let kari_board = get(&app, "/api/v1/status", &kari).await;
    assert!(titles(&kari_board, "active").contains(&"Ny VPN for Kommune A".to_owned()));
    assert!(!titles(&kari_board, "active").contains(&"Hemmelig utkast".to_owned()));
    let ola_board = get(&app, "/api/v1/status", &ola).await;
    assert!(!titles(&ola_board, "active").contains(&"Ny VPN for Kommune A".to_owned()));
    let agent_list = get(&app, "/api/v1/operational-messages", &agent).await;
    assert!(
        agent_list
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == draft["id"])
    );
    for (who, token) in [("anyone", None), ("Kari", Some(&kari)), ("Ola", Some(&ola))] {
        let path = format!("/api/v1/operational-messages/{}", draft["id"]);
        let r = match token {
            Some(t) => app.api(Method::GET, &path, t, None).await,
            None => client().get(app.url(&path)).send().await.unwrap(),
        };
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{who} sees no draft");
    }
    let path = format!("/api/v1/operational-messages/{}", only_a["id"]);
    assert_eq!(
        app.api(Method::GET, &path, &ola, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let seen = get(&app, &path, &kari).await;
    assert!(
        seen.get("cases").is_none() && seen.get("affected").is_none(),
        "no desk fields: {seen}"
    );
    // Pages and feed show neither to someone not logged in.
    let (_, page) = app.get(&client(), "/status").await;
    assert!(!page.contains("Hemmelig utkast") && !page.contains("Ny VPN for Kommune A"));
    let (_, feed) = app.get(&client(), "/status.atom").await;
    assert!(
        !feed.contains("Hemmelig") && !feed.contains("Intern tekst") && !feed.contains("Ny VPN")
    );
    let (s, _) = app
        .get(&client(), &format!("/status/messages/{}", draft["id"]))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Customers neither edit, link nor resolve.
    let id = draft["id"].as_i64().unwrap();
    for (method, path, body) in [
        (
            Method::PATCH,
            format!("/api/v1/operational-messages/{id}"),
            json!({"version": 0, "title": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/operational-messages/{id}/updates"),
            json!({"body": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/operational-messages/{id}/cases"),
            json!({"case": "2026-000001"}),
        ),
        (
            Method::POST,
            format!("/api/v1/operational-messages/{id}/resolve-cases"),
            json!({"body": "x"}),
        ),
    ] {
        let r = app.api(method, &path, &kari, Some(body)).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (kc, _) = app.login("ansatt").await;
    let (s, _) = app.get(&kc, "/agent/messages").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    // Publishing the draft tells its followers; it cannot be taken back.
    let version = draft["version"].as_i64().unwrap();
    let r = app
        .api(
            Method::PATCH,
            &format!("/api/v1/operational-messages/{id}"),
            &agent,
            Some(json!({"version": version, "published": true})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, board) = public(&app, "/api/v1/status").await;
    assert!(titles(&board, "active").contains(&"Hemmelig utkast".to_owned()));
    let back: Value = r.json().await.unwrap();
    let r = app
        .api(
            Method::PATCH,
            &format!("/api/v1/operational-messages/{id}"),
            &agent,
            Some(json!({"version": back["version"], "published": false})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

both!(a_planned_maintenance_becomes_active_at_its_start);
async fn a_planned_maintenance_becomes_active_at_its_start() {
    let app = spawn_with(skranke_core::Config::default()).await;
    let agent = app.token("agent1").await;
    let kari = app.token("ansatt").await;
    let health = service_id(&app, "Innbyggerportal").await;
    let start = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3);
    let m = create(
        &app,
        &agent,
        json!({"kind": "maintenance", "title": "Oppgradering av innbyggerportalen", "body": "Nede i to timer.",
            "services": [health], "starts_at": start.to_string(),
            "ends_at": (start + jiff::SignedDuration::from_hours(2)).to_string()}),
    )
    .await;
    let id = m["id"].as_i64().unwrap();
    assert_eq!(m["state"], "planned");
    let r = app
        .api(
            Method::POST,
            "/api/v1/subscriptions",
            &kari,
            Some(json!({"operational_message_id": id})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, board) = public(&app, "/api/v1/status").await;
    assert_eq!(service_status(&board, health), "available", "not yet");
    assert!(
        board["upcoming"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id),
        "shown ahead of time"
    );
    // The clock is the scheduler's argument: a minute before, nothing.
    let store = &app.store;
    assert_eq!(
        store
            .activate_due_op_messages(start - jiff::SignedDuration::from_mins(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(store.activate_due_op_messages(start).await.unwrap(), 1);
    assert_eq!(
        store.activate_due_op_messages(start).await.unwrap(),
        0,
        "once"
    );
    let r = store.op_message(id).await.unwrap();
    assert_eq!(r.row.state, skranke_core::operational::OpState::Active);
    let updates = store.op_updates(Some(id), 10).await.unwrap();
    let last = updates.last().unwrap();
    assert_eq!(
        (last.event.as_str(), last.state),
        ("state", skranke_core::operational::OpState::Active)
    );
    assert!(last.author_name.is_none(), "by the system");
    let notes = get(&app, "/api/v1/notifications", &kari).await;
    assert!(
        notes
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["operational_message"] == id),
        "{notes}"
    );
    let (_, board) = public(&app, "/api/v1/status").await;
    assert_eq!(service_status(&board, health), "maintenance");
}

/// RFC 4287's schema, the parts a feed of ours can hold, for xmllint.
const ATOM_RNG: &str = include_str!("atom.rng");

#[tokio::test]
async fn the_feeds_are_valid_atom() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        println!("SKIPPED: xmllint (Debian libxml2-utils) is not installed");
        return;
    }
    let app = spawn_with(skranke_core::Config::default()).await;
    let dir = crate::support::temp_dir("atom");
    let schema = dir.join("atom.rng");
    std::fs::write(&schema, ATOM_RNG).unwrap();
    let email = service_id(&app, "E-post og kalender").await;
    for path in [
        "/status.atom".to_owned(),
        format!("/status/services/{email}/feed"),
    ] {
        let r = client().get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/atom+xml")
        );
        let body = r.text().await.unwrap();
        let file = dir.join("feed.xml");
        std::fs::write(&file, &body).unwrap();
        let out = std::process::Command::new("xmllint")
            .args(["--noout", "--relaxng"])
            .arg(&schema)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{path}: {}\n{body}",
            String::from_utf8_lossy(&out.stderr)
        );
        // One entry per public event of the demo's messages (for everyone).
        let entries = body.matches("<entry>").count();
        assert!(
            entries >= if path.ends_with(".atom") { 5 } else { 2 },
            "{path}: {entries}"
        );
    }
    // The schema is strict enough to fail: a feed without its id.
    let bad = dir.join("bad.xml");
    std::fs::write(&bad, r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title><updated>2026-12-01T00:00:00Z</updated></feed>"#).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--relaxng"])
        .arg(&schema)
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success(), "a feed without an id must fail");
}

both!(an_organisations_contact_follows_for_it);
async fn an_organisations_contact_follows_for_it() {
    let app = spawn_with(skranke_core::Config::default()).await;
    let admin = app.token("admin").await;
    let agent = app.token("agent1").await;
    let kari = app.token("ansatt").await;
    let network = service_id(&app, "Nettverk").await;
    let for_org = json!({"service_id": network, "for_organization": true});
    let r = app
        .api(
            Method::POST,
            "/api/v1/subscriptions",
            &kari,
            Some(for_org.clone()),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not a contact yet"
    );
    let kari_id = app.store.user_by_username("ansatt").await.unwrap().id;
    let kari_path = format!("/api/v1/users/{kari_id}");
    let set = |on: bool| {
        app.api(
            Method::PATCH,
            &kari_path,
            &admin,
            Some(json!({"org_contact": on})),
        )
    };
    let r = set(true).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["org_contact"], true);
    let elev = app.store.user_by_username("elev").await.unwrap().id;
    let r = app
        .api(
            Method::PATCH,
            &format!("/api/v1/users/{elev}"),
            &admin,
            Some(json!({"org_contact": true})),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a pupil speaks for no one"
    );
    let r = app
        .api(Method::POST, "/api/v1/subscriptions", &kari, Some(for_org))
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let subs: Value = r.json().await.unwrap();
    assert_eq!(subs[0]["organization"], "Kommune A");
    let told = || async {
        get(&app, "/api/v1/notifications", &kari)
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "status_update")
            .count()
    };
    create(&app, &agent, json!({"kind": "outage", "title": "Nettet faller ut", "body": "x", "severity": "degraded", "services": [network]})).await;
    assert_eq!(
        told().await,
        1,
        "the contact hears of it for the organisation"
    );
    assert_eq!(set(false).await.status(), StatusCode::OK);
    create(&app, &agent, json!({"kind": "outage", "title": "Nettet igjen", "body": "x", "severity": "degraded", "services": [network]})).await;
    assert_eq!(told().await, 1, "no longer the contact: no longer told");
    let tables = app.store.export_tables().await.unwrap();
    assert!(
        rows(&tables, "audit_log")
            .iter()
            .any(|a| a["event"] == "org_contact_changed"),
        "audited"
    );
}
