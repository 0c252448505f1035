//! A request sent twice creates once: `Idempotency-Key` on the API, the
//! one-time token of the report and reply forms.

use crate::support::spawn;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn form_token(html: &str) -> String {
    let marker = "name=\"form_token\" value=\"";
    let start = html.find(marker).expect("form has a one-time token") + marker.len();
    html[start..].split('"').next().unwrap().to_owned()
}

/// Files in the attachments directory.
fn stored_files(dir: &std::path::Path) -> usize {
    let Ok(fan) = std::fs::read_dir(dir.join("attachments")) else {
        return 0;
    };
    fan.flatten()
        .map(|d| std::fs::read_dir(d.path()).map_or(0, |f| f.count()))
        .sum()
}

both!(ten_identical_form_posts_register_one_case);
async fn ten_identical_form_posts_register_one_case() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let (_, form) = app.get(&kari, "/portal/new").await;
    let token = form_token(&form);
    let before = app.case_count().await;
    let posts = (0..10).map(|_| {
        let (c, url, csrf, token) = (
            kari.clone(),
            app.url("/portal/cases"),
            csrf.clone(),
            token.clone(),
        );
        tokio::spawn(async move {
            let r = c
                .post(url)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("form_token", token.as_str()),
                    ("kind", "fault"),
                    ("title", "Dobbeltklikk"),
                    ("description", "Sendt ti ganger"),
                ])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::SEE_OTHER);
            r.headers()["location"].to_str().unwrap().to_owned()
        })
    });
    let mut locations = Vec::new();
    for p in posts.collect::<Vec<_>>() {
        locations.push(p.await.unwrap());
    }
    locations.dedup();
    assert_eq!(
        locations.len(),
        1,
        "every post lands on the same case: {locations:?}"
    );
    assert_eq!(app.case_count().await, before + 1);
    // A fresh form is a fresh report.
    let (_, form) = app.get(&kari, "/portal/new").await;
    assert_ne!(form_token(&form), token);

    // The reply form too: a double click sends one message.
    let number = locations[0].trim_start_matches("/cases/").to_owned();
    let (_, page) = app.get(&kari, &locations[0]).await;
    let token = form_token(&page);
    for _ in 0..2 {
        let r = app
            .reply(
                &kari,
                &number,
                reqwest::multipart::Form::new()
                    .text("csrf", csrf.clone())
                    .text("form_token", token.clone())
                    .text("body", "Bare én gang"),
            )
            .await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(app.store.messages(case.id, true).await.unwrap().len(), 1);
}

both!(the_api_honours_idempotency_keys);
async fn the_api_honours_idempotency_keys() {
    let app = spawn().await;
    let kari = app.token("ansatt").await;
    let post = |token: &str, key: &str, body: Value| {
        crate::support::client()
            .post(app.url("/api/v1/cases"))
            .bearer_auth(token)
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let before = app.case_count().await;
    let body = json!({"title": "Nettet er nede", "description": "Hele etasjen"});
    let first = post(&kari, "k-1", body.clone()).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(first.headers().get("idempotent-replayed").is_none());
    let first: Value = first.json().await.unwrap();
    let again = post(&kari, "k-1", body.clone()).await.unwrap();
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["number"], first["number"]);
    assert_eq!(app.case_count().await, before + 1, "nothing new stored");
    // The key with another request is refused; another user's same key is theirs.
    let r = post(
        &kari,
        "k-1",
        json!({"title": "Noe annet", "description": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: Value = r.json().await.unwrap();
    assert_eq!(p["field"], "Idempotency-Key");
    let ola = app.token("ansatt2").await;
    let r: Value = post(&ola, "k-1", body.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_ne!(r["number"], first["number"]);
    assert_eq!(app.case_count().await, before + 2);
    let r = post(&kari, &"x".repeat(300), body.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Concurrent retries of one request register one case.
    let tasks: Vec<_> = (0..10)
        .map(|_| {
            let (url, token, body) = (app.url("/api/v1/cases"), kari.clone(), body.clone());
            tokio::spawn(async move {
                let r = crate::support::client()
                    .post(url)
                    .bearer_auth(token)
                    .header("idempotency-key", "storm")
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
                r.json::<Value>().await.unwrap()["number"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.dedup();
    assert_eq!(numbers.len(), 1);
    assert_eq!(app.case_count().await, before + 3);

    // Messages with files: sent twice, stored once, no stray file left.
    let number = first["number"].as_str().unwrap();
    let send = || {
        crate::support::client()
            .post(app.url(&format!("/api/v1/cases/{number}/messages")))
            .bearer_auth(&kari)
            .header("idempotency-key", "m-1")
            .multipart(
                reqwest::multipart::Form::new()
                    .text("body", "Skjermbilde vedlagt")
                    .part(
                        "attachment",
                        reqwest::multipart::Part::bytes(b"PNG...".to_vec())
                            .file_name("feil.png")
                            .mime_str("image/png")
                            .unwrap(),
                    ),
            )
            .send()
    };
    let m1 = send().await.unwrap();
    assert_eq!(m1.status(), StatusCode::CREATED);
    let m1: Value = m1.json().await.unwrap();
    assert_eq!(m1["attachments"][0]["filename"], "feil.png");
    let m2 = send().await.unwrap();
    assert_eq!(m2.headers()["idempotent-replayed"], "true");
    let m2: Value = m2.json().await.unwrap();
    assert_eq!(m1["id"], m2["id"]);
    let case = app.store.case_by_number(number).await.unwrap();
    assert_eq!(app.store.messages(case.id, true).await.unwrap().len(), 1);
    assert_eq!(app.store.attachments(case.id, true).await.unwrap().len(), 1);
    assert_eq!(
        stored_files(&app.data),
        1,
        "the second upload's file was removed"
    );
}
