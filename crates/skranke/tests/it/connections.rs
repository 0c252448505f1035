//! Slow and lying clients, bounded parameters, text that is not what it
//! claims, log lines, and file permissions.

use crate::support::{spawn, spawn_with, temp_dir};
use reqwest::StatusCode;
use serde_json::Value;
use skranke_core::Config;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn quick_timeouts() -> Config {
    let mut config = Config::default();
    config.server.header_timeout_seconds = 1;
    config.server.body_timeout_seconds = 1;
    config
}

/// Everything the server sends until it closes, or `None` if it is still
/// open after `within`.
async fn read_until_closed(s: &mut TcpStream, within: Duration) -> Option<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, s.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&out).into_owned()),
            Ok(Ok(n)) => out.extend_from_slice(&buf[..n]),
        }
    }
}

both!(slow_and_lying_clients_are_cut_off);
async fn slow_and_lying_clients_are_cut_off() {
    let app = spawn_with(quick_timeouts()).await;
    let addr = app.base.trim_start_matches("http://").to_owned();
    let token = app.token("ansatt").await;

    // Headers that never end: 408 after the timeout, and closed.
    let started = Instant::now();
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /login HTTP/1.1\r\nHost: skranke\r\nX-Slow: ")
        .await
        .unwrap();
    let answer = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .expect("still connected after 5 s");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "not before the timeout"
    );

    // An idle keep-alive connection ends too.
    let mut s = TcpStream::connect(&addr).await.unwrap();
    s.write_all(b"GET /login HTTP/1.1\r\nHost: skranke\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .expect("closed when idle");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // (The page itself may hold "408" in a random token: look for a status line.)
    assert!(
        !answer.contains("HTTP/1.1 408"),
        "an idle connection is closed without a word"
    );

    // A body declared far over the limit: 413 at once, nothing is read.
    let started = Instant::now();
    let mut s = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: skranke\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n{{}}"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .expect("answered and closed");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("application/problem+json"));
    assert!(started.elapsed() < Duration::from_secs(2));

    // A body that trickles: 408 when its time is up.
    let mut s = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/cases HTTP/1.1\r\nHost: skranke\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"title\""
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let answer = read_until_closed(&mut s, Duration::from_secs(5))
        .await
        .expect("answered");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");

    // A form body over the limit, sent in full: 413 too.
    let (kari, csrf) = app.login("ansatt").await;
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
}

both!(query_parameters_are_bounded);
async fn query_parameters_are_bounded() {
    let app = spawn().await;
    let token = app.token("agent1").await;
    let long = "a".repeat(50_000);
    for (query, field) in [
        (format!("q={long}"), "q"),
        ("page=9223372036854775807".to_owned(), "page"),
        ("page=0".to_owned(), "page"),
        ("per_page=100000".to_owned(), "per_page"),
        ("status=lost".to_owned(), "status"),
    ] {
        let r = app
            .api(
                reqwest::Method::GET,
                &format!("/api/v1/cases?{query}"),
                &token,
                None,
            )
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let p: Value = r.json().await.unwrap();
        assert_eq!(p["field"], field, "{p}");
    }
    // The agent's queue page takes the same without a 500.
    let (agent, _) = app.login("agent1").await;
    for query in [format!("q={long}"), "page=9223372036854775807".to_owned()] {
        let (status, _) = app.get(&agent, &format!("/agent?queue=all&{query}")).await;
        assert_eq!(status, StatusCode::OK);
    }
}

both!(text_is_what_it_claims_and_files_are_never_dropped);
async fn text_is_what_it_claims_and_files_are_never_dropped() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let before = app.case_count().await;
    // Bytes that are not UTF-8 are refused, not stored as "�".
    let body = format!("csrf={csrf}&kind=fault&title=Skriver%FF%FE&description=d");
    let r = kari
        .post(app.url("/portal/cases"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("er ikke UTF-8"));
    assert_eq!(app.case_count().await, before);

    // Direction overrides and control characters leave titles.
    let number = app
        .report(&kari, &csrf, "Faktura r\u{202E}fdp.exe\u{7}")
        .await;
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(case.title, "Faktura rfdp.exe");

    // Files: names in filename* only, in Latin-1, with overrides, or none;
    // several in one message; none dropped.
    let boundary = "XyZ";
    let part = |disposition: &[u8], content: &[u8]| {
        let mut p =
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; ")
                .into_bytes();
        p.extend_from_slice(disposition);
        p.extend_from_slice(b"\r\nContent-Type: application/pdf\r\n\r\n");
        p.extend_from_slice(content);
        p.extend_from_slice(b"\r\n");
        p
    };
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    body.extend(part(
        b"filename*=UTF-8''s%C3%B8knad%20om%20tilgang.pdf",
        b"one",
    ));
    body.extend(part(b"filename=\"bl\xe5b\xe6r.pdf\"", b"two"));
    body.extend(part("filename=\"r\u{202E}fdp.exe\"".as_bytes(), b"three"));
    body.extend(part(b"filename=\"\"", b"four"));
    body.extend(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nVedlegg\r\n--{boundary}--\r\n").into_bytes());
    let r = kari
        .post(app.url(&format!("/cases/{number}/messages")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mut names: Vec<String> = app
        .store
        .attachments(case.id, true)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.filename)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "blåbær.pdf",
            "rfdp.exe",
            "søknad om tilgang.pdf",
            "vedlegg.pdf"
        ]
    );

    // A text part that is not UTF-8 is refused as well.
    let mut body =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n")
            .into_bytes();
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\n")
            .into_bytes(),
    );
    body.extend(b"S\xf8knad\r\n");
    body.extend(format!("--{boundary}--\r\n").into_bytes());
    let r = kari
        .post(app.url(&format!("/cases/{number}/messages")))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.store.messages(case.id, true).await.unwrap().len(), 1);
}

both!(user_text_cannot_forge_a_log_line);
async fn user_text_cannot_forge_a_log_line() {
    let logs = crate::support::captured_logs();
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Vanlig tittel").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    // A title from before line breaks were taken out of titles.
    let forged = "2026-12-01T10:00:00Z  WARN skranke::escalation: FORGED";
    let mut raw = app.raw_conn().await;
    raw.exec(&format!(
        "UPDATE cases SET title = 'Skriver\n{forged}', next_escalation_at = 0 WHERE id = {}",
        case.id
    ))
    .await;
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(24 * 30);
    skranke_web::notify::sweep_once(&app.state, later)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(text.contains("FORGED"), "the title was logged");
    assert!(
        !text.lines().any(|l| l.starts_with(forged)),
        "no line begins with the forged text"
    );
    assert!(text.contains("Skriver\\n2026-12-01T10:00:00Z"));
}

#[test]
fn logs_can_be_json_and_files_are_private() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("json-logs");
    let data = dir.join("data");
    let config = dir.join("skranke.toml");
    std::fs::write(&config, "[server]\nlog_format = \"json\"\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skranke"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .arg("--config")
        .arg(&config)
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = BufReader::new(child.stdout.take().unwrap());
    let mut json_lines = 0;
    for line in out.lines().map_while(Result::ok) {
        if line.starts_with('{') {
            let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{line}: {e}"));
            assert!(v["level"].is_string() && v["fields"].is_object(), "{v}");
            json_lines += 1;
            // The demo's old cases escalate at start: a sweep line comes.
            if v["fields"]["message"] == "escalation sweep" {
                break;
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(json_lines > 0);
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data directory");
    assert_eq!(mode(&data.join("skranke.db")), 0o600, "the database");
    let _ = std::fs::remove_dir_all(&dir);
}

both!(attachment_files_are_private);
async fn attachment_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Med vedlegg").await;
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "attachment",
            reqwest::multipart::Part::bytes(b"hemmelig".to_vec()).file_name("lonn.txt"),
        );
    assert_eq!(
        app.reply(&kari, &number, form).await.status(),
        StatusCode::SEE_OTHER
    );
    let fan = std::fs::read_dir(app.data.join("attachments"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let file = std::fs::read_dir(fan.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(file.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(fan.metadata().unwrap().permissions().mode() & 0o777, 0o700);
}
