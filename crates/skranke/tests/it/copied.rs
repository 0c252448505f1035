//! People copied on a case (Cc): by mail, in the API and on the page.
//! They hear what the requester hears, read and write on the case, and
//! never count as the desk's response; nobody else gains anything.

use crate::mail::{listen, message, no_python, send_with_python};
use crate::support::{login_with, spawn_with};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn table<'a>(
    tables: &'a [(&'static str, Vec<serde_json::Map<String, Value>>)],
    name: &str,
) -> &'a [serde_json::Map<String, Value>] {
    &tables.iter().find(|(t, _)| *t == name).unwrap().1
}

/// A GET of the API, as JSON.
async fn get(app: &crate::support::TestApp, path: &str, token: &str) -> Value {
    let r = app.api(Method::GET, path, token, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

/// Who got mail of which kind about the case, in the order it was queued.
async fn mailed(app: &crate::support::TestApp, case_id: i64) -> Vec<(String, String)> {
    let tables = app.store.export_tables().await.unwrap();
    table(&tables, "outgoing_mail")
        .iter()
        .filter(|m| m["case_id"] == case_id)
        .map(|m| {
            (
                m["recipient"].as_str().unwrap().to_owned(),
                m["kind"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

both!(people_copied_by_mail_hear_of_the_case_and_write_on_it);
async fn people_copied_by_mail_hear_of_the_case_and_write_on_it() {
    if no_python() {
        return;
    }
    let mut config = skranke_core::Config::default();
    config.mail.outbound.directory = Some(crate::support::temp_dir("outgoing"));
    let app = spawn_with(config).await;
    let port = listen(&app).await;
    // A manager at the same municipality (not registered yet), a pupil, a
    // stranger and the desk itself are on the mail.
    send_with_python(
        port,
        &[message(
            "ansatt@kommune-a.example",
            "cc-1",
            "Skriveren på rådhuset",
            "Den skriver ikke.",
            "m['Cc'] = 'Leder <leder@kommune-a.example>, elev@kommune-a.example, noen@ukjent.example, kundeservice@kundeservice.example'",
        )],
    )
    .await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    let tables = app.store.export_tables().await.unwrap();
    let case = table(&tables, "cases")
        .iter()
        .find(|c| c["title"] == "Skriveren på rådhuset")
        .unwrap()
        .clone();
    let (id, number) = (
        case["id"].as_i64().unwrap(),
        case["number"].as_str().unwrap().to_owned(),
    );
    let agent = app.token("agent1").await;
    let copied = get(&app, &format!("/api/v1/cases/{number}/copied"), &agent).await;
    assert_eq!(copied.as_array().unwrap().len(), 1, "{copied}");
    assert_eq!(copied[0]["email"], "leder@kommune-a.example");
    assert_eq!(
        copied[0]["name"], "Leder",
        "registered with the name on the mail"
    );
    let mut got = mailed(&app, id).await;
    got.sort();
    assert!(
        got.contains(&("leder@kommune-a.example".into(), "received".into())),
        "the copied get the receipt: {got:?}"
    );
    assert!(
        got.iter()
            .all(|(to, _)| !to.contains("elev") && !to.contains("ukjent"))
    );

    // The manager answers by mail before the desk has: it joins the case
    // as the customer side's word, and the response clock runs on.
    send_with_python(
        port,
        &[message(
            "leder@kommune-a.example",
            "cc-2",
            &format!("SV: [Sak {number}] Skriveren på rådhuset"),
            "Den står i 2. etasje.",
            "",
        )],
    )
    .await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    let tables = app.store.export_tables().await.unwrap();
    let messages: Vec<_> = table(&tables, "messages")
        .iter()
        .filter(|m| m["case_id"] == id)
        .collect();
    assert_eq!(messages.len(), 1, "a message on the case, not a new case");
    assert_eq!(messages[0]["kind"], "requester_message");
    let case = table(&tables, "cases")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap();
    assert!(
        case["response_met_at"].is_null(),
        "never the desk's response"
    );
    let replied = |got: Vec<(String, String)>| -> Vec<String> {
        got.into_iter()
            .filter(|(_, kind)| kind == "replied")
            .map(|(to, _)| to)
            .collect()
    };
    assert_eq!(
        replied(mailed(&app, id).await),
        ["ansatt@kommune-a.example"],
        "the requester hears of the manager's words"
    );
    assert!(
        !table(&tables, "cases")
            .iter()
            .any(|c| c["title"].as_str().unwrap().contains("SV:")),
        "no new case"
    );

    // The desk replies: requester and manager both hear of it.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &agent,
            Some(json!({"body": "Vi ser på den."})),
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "{}",
        r.text().await.unwrap()
    );
    assert_eq!(
        replied(mailed(&app, id).await)[1..],
        ["ansatt@kommune-a.example", "leder@kommune-a.example"],
        "both hear of the desk's reply"
    );

    // An agent copies someone more: they hear of it, by mail and in the app.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{number}/copied"),
            &agent,
            Some(json!({"email": "ansatt2@kommune-b.example"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(
        mailed(&app, id)
            .await
            .contains(&("ansatt2@kommune-b.example".into(), "copied".into())),
        "told by mail"
    );
    let ola = app.token("ansatt2").await;
    let notices = get(&app, "/api/v1/notifications", &ola).await;
    assert!(
        notices
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "copied" && n["case"] == number.as_str()),
        "{notices}"
    );
    let r = app
        .api(
            Method::DELETE,
            &format!(
                "/api/v1/cases/{number}/copied/{}",
                r.json::<Value>().await.unwrap()[1]["id"]
            ),
            &agent,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The requester answers with a stand-in on copy: copied from now on.
    send_with_python(
        port,
        &[message(
            "ansatt@kommune-a.example",
            "cc-3",
            &format!("SV: [Sak {number}] Skriveren på rådhuset"),
            "Per tar over mens jeg er borte.",
            "m['Cc'] = 'Per Vikar <vikar@kommune-a.example>, leder@kommune-a.example'",
        )],
    )
    .await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    let copied = get(&app, &format!("/api/v1/cases/{number}/copied"), &agent).await;
    let names: Vec<&str> = copied
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Leder", "Per Vikar"], "added once each");
}

both!(the_api_and_the_page_copy_people_and_only_those_may_read);
async fn the_api_and_the_page_copy_people_and_only_those_may_read() {
    let app = spawn_with(skranke_core::Config::default()).await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Trenger tilgang til mappe").await;
    let path = format!("/api/v1/cases/{number}/copied");
    let other = app.token("ansatt2").await;
    let (status, _) = app
        .get(
            &login_with(&app, "ansatt2", "demo").await.0,
            &format!("/cases/{number}"),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not copied: not theirs");
    assert_eq!(
        app.api(Method::GET, &path, &other, None).await.status(),
        StatusCode::NOT_FOUND
    );

    // The requester copies a colleague on the page; a wrong address keeps
    // what was typed and says why.
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/copied"),
            &[("csrf", &csrf), ("email", "ingen@ukjent.example")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("value=\"ingen@ukjent.example\""),
        "what was typed is kept"
    );
    assert!(page.contains("Ingen kunde har denne e-postadressen"));
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/copied"),
            &[("csrf", &csrf), ("email", "ansatt2@kommune-b.example")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(
        page.contains("får nå kopi av saken"),
        "the page says what happened"
    );
    assert!(page.contains("id=\"copied\""));

    // Now ansatt2 reads the case and finds it in their list, may write on
    // it, but not copy others, and not confirm it.
    let (status, _) = app
        .get(
            &login_with(&app, "ansatt2", "demo").await.0,
            &format!("/cases/{number}"),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let list = get(&app, "/api/v1/cases", &other).await;
    assert!(
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["number"] == number.as_str()),
        "{list}"
    );
    let (ola, _) = login_with(&app, "ansatt2", "demo").await;
    let (_, portal) = app.get(&ola, "/portal").await;
    assert!(
        portal.contains("kopi; meldt inn av"),
        "their list says whose case it is"
    );
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &other,
            Some(json!({"body": "Jeg trenger den også."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let (_, portal) = app.get(&kari, "/portal").await;
    assert!(
        portal.contains("new-reply"),
        "the requester sees there is something new from the colleague"
    );
    let r = app
        .api(
            Method::POST,
            &path,
            &other,
            Some(json!({"email": "ansatt@kommune-a.example"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let agent = app.token("agent1").await;
    for (email, why) in [
        ("elev@kommune-a.example", "a pupil"),
        ("agent2@kundeservice.example", "an agent"),
        ("ansatt@kommune-a.example", "the requester"),
    ] {
        let r = app
            .api(Method::POST, &path, &agent, Some(json!({ "email": email })))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{why}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["field"], "copied", "{why}: {p}");
    }
    let r = app
        .api(
            Method::POST,
            &path,
            &agent,
            Some(json!({"email": "ikke en adresse"})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // They take themselves off: the case is theirs to read no more.
    let me = get(&app, "/api/v1/me", &other).await;
    let r = app
        .api(
            Method::DELETE,
            &format!("{path}/{}", me["id"]),
            &other,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap(), json!([]));
    assert_eq!(
        app.api(Method::GET, &path, &other, None).await.status(),
        StatusCode::NOT_FOUND
    );
    // The history says who was copied and who no longer is.
    let (desk, _) = app.login("agent1").await;
    let (_, page) = app.get(&desk, &format!("/cases/{number}")).await;
    assert!(
        page.contains("Kopi til: – → Ola Hansen"),
        "copied in the history"
    );
    assert!(page.contains("Kopi til: Ola Hansen → –"), "and no longer");
}
