//! E-mail out, read back from a real SMTP server that is not ours
//! (aiosmtpd writing a Maildir): receipts, replies, threading both ways,
//! the one polite answer to a non-customer, and the quarantine admins review.

use crate::support::spawn_with;
use reqwest::{Method, StatusCode};
use serde_json::json;
use skranke_core::Config;
use std::path::PathBuf;

/// aiosmtpd on a free port of 127.0.0.1, keeping each message in a Maildir.
struct SmtpSink {
    child: tokio::process::Child,
    dir: PathBuf,
    port: u16,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn addresses(to: &[skranke_mail::Named]) -> Vec<&str> {
    to.iter().map(|n| n.address.as_str()).collect()
}

/// A message as the sink got it.
struct Got {
    raw: String,
    mail: skranke_mail::Inbound,
}

impl SmtpSink {
    async fn start() -> Option<SmtpSink> {
        let ok = std::process::Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            println!("SKIPPED: python3 with aiosmtpd is not installed");
            return None;
        }
        let port = crate::support::free_port();
        let dir = crate::support::temp_dir("maildir");
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let child = tokio::process::Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        assert!(
            crate::support::listening(port).await,
            "aiosmtpd did not start"
        );
        Some(SmtpSink { child, dir, port })
    }

    /// Everything received so far, and forgets it.
    fn take(&self) -> Vec<Got> {
        let mut out = Vec::new();
        for sub in ["new", "cur"] {
            let Ok(entries) = std::fs::read_dir(self.dir.join(sub)) else {
                continue;
            };
            for e in entries.flatten() {
                let bytes = std::fs::read(e.path()).unwrap();
                std::fs::remove_file(e.path()).unwrap();
                out.push(Got {
                    raw: String::from_utf8_lossy(&bytes).into_owned(),
                    mail: skranke_mail::parse(&bytes).unwrap(),
                });
            }
        }
        out
    }
}

fn to<'a>(got: &'a [Got], address: &str) -> Vec<&'a Got> {
    got.iter()
        .filter(|g| g.mail.to.iter().any(|t| t.address == address))
        .collect()
}

/// Sends `messages` to the listener, makes them cases, and delivers what that tells.
async fn mail_in(
    app: &crate::support::TestApp,
    port: u16,
    messages: &[String],
) -> skranke_web::outmail::MailReport {
    crate::mail::send_with_python(port, messages).await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    deliver(app).await
}

async fn list(app: &crate::support::TestApp, path: &str, token: &str) -> Vec<serde_json::Value> {
    let r = app.api(Method::GET, path, token, None).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    r.json().await.unwrap()
}

async fn deliver(app: &crate::support::TestApp) -> skranke_web::outmail::MailReport {
    skranke_web::outmail::deliver_due(&app.state, jiff::Timestamp::now())
        .await
        .unwrap()
}

both!(the_desk_answers_by_mail_and_answers_thread_back);
async fn the_desk_answers_by_mail_and_answers_thread_back() {
    let Some(sink) = SmtpSink::start().await else {
        return;
    };
    let mut config = Config::default();
    config.mail.outbound.relay = Some(format!("smtp://127.0.0.1:{}", sink.port));
    config.mail.not_customers = vec!["elev.kommune-a.example".into()];
    let app = spawn_with(config).await;
    // The demo's own history is told too; this test is about what follows.
    deliver(&app).await;
    sink.take();
    let port = crate::mail::listen(&app).await;
    let report = mail_in(
        &app,
        port,
        &[crate::mail::message(
            "Kari Nordmann <ansatt@kommune-a.example>",
            "k1",
            "Skjermen er svart",
            "Skjermen er svart etter oppdateringen.",
            "",
        )],
    )
    .await;
    assert_eq!(report.failed + report.given_up, 0, "{report:?}");
    let got = sink.take();
    let receipt = to(&got, "ansatt@kommune-a.example");
    assert_eq!(receipt.len(), 1, "one receipt");
    let receipt = receipt[0];
    let subject = receipt.mail.subject.clone().unwrap();
    let number = skranke_core::mail::case_number_in(&subject)
        .expect("the case number in the subject")
        .to_string();
    assert!(subject.ends_with("Mottatt: Skjermen er svart"), "{subject}");
    assert_eq!(
        receipt.mail.in_reply_to,
        ["k1@test.example"],
        "under the mail it answers"
    );
    assert_eq!(
        receipt.mail.auto_submitted.as_deref(),
        Some("auto-generated")
    );
    assert!(receipt.raw.contains("multipart/alternative"));
    assert!(receipt.raw.contains("text/html"));
    let case = app.store.case_by_number(&number).await.unwrap();
    let handler = case.handler_name.clone().unwrap();
    assert!(
        receipt.mail.text.contains(&number) && receipt.mail.text.contains(&handler),
        "number and handler: {}",
        receipt.mail.text
    );
    assert!(receipt.mail.text.contains("Du kan vente svar innen"));
    let agent = app.store.user(case.handler_id.unwrap()).await.unwrap();
    assert_eq!(to(&got, &agent.email).len(), 1, "the handler hears of it");

    // The agent answers in Skranke: the requester gets the words by mail,
    // written by a person (no Auto-Submitted), with a Message-ID to answer.
    let token = app.token(&agent.username).await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/cases/{number}/messages"),
            &token,
            Some(json!({"body": "Prøv å holde inne av/på-knappen i ti sekunder."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    deliver(&app).await;
    let got = sink.take();
    assert_eq!(got.len(), 1, "only the requester: the agent did it");
    let reply = &got[0];
    assert_eq!(addresses(&reply.mail.to), ["ansatt@kommune-a.example"]);
    assert!(reply.mail.text.contains("ti sekunder"));
    assert_eq!(reply.mail.auto_submitted, None);
    let ours = reply.mail.message_id.clone().unwrap();

    // Kari answers that mail from her mail program, without the tag: it
    // joins the case by In-Reply-To, her quoted text trimmed.
    crate::mail::send_with_python(
        port,
        &[crate::mail::message(
            "ansatt@kommune-a.example",
            "k2",
            "Re: Skjermen er svart",
            "Det hjalp ikke.\n\n> Prøv å holde inne av/på-knappen i ti sekunder.",
            &format!("m['In-Reply-To'] = '<{ours}>'"),
        )],
    )
    .await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    let msgs = app.store.messages(case.id, true).await.unwrap();
    assert_eq!(
        msgs.iter().map(|m| m.body.as_str()).collect::<Vec<_>>(),
        [
            "Prøv å holde inne av/på-knappen i ti sekunder.",
            "Det hjalp ikke."
        ]
    );
    deliver(&app).await;
    let got = sink.take();
    assert_eq!(to(&got, &agent.email).len(), 1, "the handler hears of it");
    assert!(
        to(&got, "ansatt@kommune-a.example").is_empty(),
        "nobody is told of what they did"
    );

    // Resolved: the requester is told how to confirm or reopen.
    let r = app
        .api(
            Method::GET,
            &format!("/api/v1/cases/{number}"),
            &token,
            None,
        )
        .await;
    let version = r.json::<serde_json::Value>().await.unwrap()["version"].clone();
    let r = app
        .api(
            Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &token,
            Some(json!({"status": "resolved", "version": version})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{}", r.text().await.unwrap());
    deliver(&app).await;
    let got = sink.take();
    let resolved = to(&got, "ansatt@kommune-a.example");
    assert_eq!(resolved.len(), 1);
    assert!(
        resolved[0]
            .mail
            .subject
            .as_deref()
            .unwrap()
            .contains("Løst")
    );
    assert!(resolved[0].mail.text.contains("bekrefte"));

    // A pupil and a stranger: held, each answered once, however often
    // they write; an auto-reply to that answer is not answered again.
    mail_in(
        &app,
        port,
        &[
            crate::mail::message("per@elev.kommune-a.example", "e1", "PC", "Hjelp", ""),
            crate::mail::message("per@elev.kommune-a.example", "e2", "PC igjen", "Hjelp!", ""),
            crate::mail::message("ola@ukjent.example", "u1", "Tilbud", "Hei", ""),
            crate::mail::message(
                "per@elev.kommune-a.example",
                "e3",
                "Fravær",
                "Jeg er borte.",
                "m['Auto-Submitted'] = 'auto-replied'",
            ),
        ],
    )
    .await;
    let got = sink.take();
    let answers = to(&got, "per@elev.kommune-a.example");
    assert_eq!(answers.len(), 1, "one answer, not one per mail");
    assert_eq!(
        answers[0].mail.auto_submitted.as_deref(),
        Some("auto-replied")
    );
    assert!(answers[0].mail.text.contains("kontakter du skolen din"));
    assert_eq!(to(&got, "ola@ukjent.example").len(), 1);
    assert_eq!(got.len(), 2);

    // The quarantine, over the API as on the page: both held messages of
    // Per and Ola's; releasing Ola's makes it a case, deleting Per's
    // removes it.
    let admin = app.token("admin").await;
    let r = app
        .api(Method::GET, "/api/v1/mail/quarantine", &token, None)
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "admins only");
    let held = list(&app, "/api/v1/mail/quarantine", &admin).await;
    let held_from = |who: &str| -> Vec<i64> {
        held.iter()
            .filter(|h| h["sender"] == who)
            .map(|h| h["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(held_from("per@elev.kommune-a.example").len(), 2);
    let ola = held_from("ola@ukjent.example");
    assert_eq!(ola.len(), 1);
    assert_eq!(held[0]["subject"], "Tilbud", "newest first, with subject");
    assert_eq!(
        (
            held[0]["hold"].as_str(),
            held[0]["hold_label"].as_str(),
            held[0]["reason"].as_str()
        ),
        (
            Some("unknown_domain"),
            Some("Ukjent avsenderdomene"),
            Some("ukjent.example")
        ),
        "why, in words and as found"
    );
    assert!(
        held.iter()
            .filter(|h| h["sender"] == "per@elev.kommune-a.example")
            .all(|h| h["hold"] == "not_customer")
    );
    let cases = app.case_count().await;
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/mail/quarantine/{}/release", ola[0]),
            &admin,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let number = r.json::<serde_json::Value>().await.unwrap()["case"].clone();
    assert_eq!(app.case_count().await, cases + 1, "released as a case");
    let made = app
        .store
        .case_by_number(number.as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(made.title, "Tilbud");
    let per = held_from("per@elev.kommune-a.example")[0];
    // A pupil's mail cannot be a case: it stays held, and says why.
    let r = app
        .api(
            Method::POST,
            &format!("/api/v1/mail/quarantine/{per}/release"),
            &admin,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    assert!(
        r.text().await.unwrap().contains("Avsenderen er ikke kunde"),
        "says why"
    );
    assert_eq!(app.case_count().await, cases + 1);
    assert_eq!(
        list(&app, "/api/v1/mail/quarantine", &admin).await.len(),
        2,
        "held again, without a second answer"
    );
    let path = format!("/api/v1/mail/quarantine/{per}");
    assert_eq!(
        app.api(Method::DELETE, &path, &admin, None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.api(Method::DELETE, &path, &admin, None).await.status(),
        StatusCode::NOT_FOUND
    );
    let left = list(&app, "/api/v1/mail/quarantine", &admin).await;
    assert_eq!(left.len(), 1, "Per's second mail is still held: {left:?}");

    // What went out, as admins see it.
    let sent = list(&app, "/api/v1/mail/outgoing", &admin).await;
    assert!(sent.iter().any(|m| m["kind"] == "auto_reply"
        && m["recipient"] == "per@elev.kommune-a.example"
        && m["sent_at"].is_string()));
    let (browser, _) = app.login("admin").await;
    let (status, page) = app.get(&browser, "/admin/mail").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Utgående e-post") && page.contains("Karantene"));
    assert!(page.contains("per@elev.kommune-a.example"));
}

both!(mail_the_relay_refuses_is_retried_then_given_up_and_shown);
async fn mail_the_relay_refuses_is_retried_then_given_up_and_shown() {
    // Nothing listens on this port: every attempt fails for now.
    let port = crate::support::free_port();
    let mut config = Config::default();
    config.mail.outbound.relay = Some(format!("smtp://127.0.0.1:{port}"));
    config.mail.outbound.max_attempts = 2;
    let app = spawn_with(config).await;
    let first = deliver(&app).await;
    assert!(first.failed > 0 && first.sent == 0, "{first:?}");
    // Not again before its time …
    assert_eq!(deliver(&app).await, Default::default());
    // … and given up at the second attempt.
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(7);
    let second = skranke_web::outmail::deliver_due(&app.state, later)
        .await
        .unwrap();
    assert_eq!(second.given_up, first.failed, "{second:?}");
    let admin = app.token("admin").await;
    let sent = list(&app, "/api/v1/mail/outgoing", &admin).await;
    assert!(sent.iter().all(|m| m["failed_at"].is_string()
        && m["attempts"] == 2
        && m["last_error"].as_str().is_some_and(|e| !e.is_empty())));
}

both!(each_person_chooses_which_notices_come_by_mail);
async fn each_person_chooses_which_notices_come_by_mail() {
    let mut config = Config::default();
    let eml = crate::support::temp_dir("eml");
    config.mail.outbound.directory = Some(eml.clone());
    let app = spawn_with(config).await;
    let kari = app.token("ansatt").await;
    let admin = app.token("admin").await;
    let choices = list(&app, "/api/v1/me/mail", &kari).await;
    assert_eq!(
        choices
            .iter()
            .map(|c| c["kind"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "received",
            "replied",
            "waiting_for_you",
            "resolved",
            "copied",
            "status_update"
        ],
        "a requester's six"
    );
    assert!(choices.iter().all(|c| c["email"] == true));
    assert_eq!(
        list(&app, "/api/v1/me/mail", &admin).await.len(),
        skranke_core::notice::NoticeKind::ALL.len(),
        "the desk's all"
    );
    // Turning off what a requester never gets changes nothing.
    let r = app
        .api(
            Method::PUT,
            "/api/v1/me/mail",
            &kari,
            Some(json!({"email_off": ["escalated"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let kari_id = app.store.user_by_username("ansatt").await.unwrap().id;
    assert_eq!(app.store.mail_off(kari_id).await.unwrap(), "");
    for wrong in [
        json!({"email_off": ["ingen"]}),
        json!({"email_off": "received"}),
        json!({}),
    ] {
        let r = app
            .api(Method::PUT, "/api/v1/me/mail", &kari, Some(wrong.clone()))
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{wrong}");
    }
    let r = app
        .api(
            Method::PUT,
            "/api/v1/me/mail",
            &kari,
            Some(json!({"email_off": ["received"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let now: Vec<serde_json::Value> = r.json().await.unwrap();
    assert_eq!(now[0]["kind"], "received");
    assert_eq!(now[0]["email"], false);

    let receipts = || async {
        list(&app, "/api/v1/mail/outgoing", &admin)
            .await
            .iter()
            .filter(|m| m["kind"] == "received" && m["recipient"] == "ansatt@kommune-a.example")
            .count()
    };
    let before = receipts().await;
    let notices = list(&app, "/api/v1/notifications", &kari).await.len();
    let r = app
        .api(
            Method::POST,
            "/api/v1/cases",
            &kari,
            Some(json!({"title": "Mus", "description": "Musa er treg."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(receipts().await, before, "no receipt by mail");
    assert_eq!(
        list(&app, "/api/v1/notifications", &kari).await.len(),
        notices + 1,
        "the receipt is in the app still"
    );
    // Someone else's receipt goes out as before.
    let ola = app.token("ansatt2").await;
    let r = app
        .api(
            Method::POST,
            "/api/v1/cases",
            &ola,
            Some(json!({"title": "Skjerm", "description": "Svart."})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    deliver(&app).await;
    let written = std::fs::read_dir(&eml)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with("-received.eml"))
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap()
                .contains("ansatt2@kommune-b.example")
        })
        .count();
    assert!(written >= 1, "Ola's receipt is written as a file");
    let _ = std::fs::remove_dir_all(eml);
}

both!(a_bounce_marks_our_mail_undelivered_and_makes_no_case);
async fn a_bounce_marks_our_mail_undelivered_and_makes_no_case() {
    if crate::mail::no_python() {
        return;
    }
    let mut config = Config::default();
    let eml = crate::support::temp_dir("eml");
    config.mail.outbound.directory = Some(eml.clone());
    let app = spawn_with(config).await;
    let port = crate::mail::listen(&app).await;
    deliver(&app).await;
    // A receipt to someone whose mailbox is gone.
    mail_in(
        &app,
        port,
        &[crate::mail::message(
            "ansatt@kommune-a.example",
            "b1",
            "Tastaturet",
            "Tastaturet virker ikke.",
            "",
        )],
    )
    .await;
    let receipt = std::fs::read_dir(&eml)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read(e.path()).unwrap())
        .map(|raw| skranke_mail::parse(&raw).unwrap())
        .find(|m| {
            m.subject
                .as_deref()
                .is_some_and(|s| s.ends_with("Tastaturet"))
                && addresses(&m.to) == ["ansatt@kommune-a.example"]
        })
        .expect("the receipt");
    let ours = receipt.message_id.unwrap();
    let cases = app.case_count().await;
    let dsn = format!(
        "From: MAILER-DAEMON@mx.kommune-a.example\r\nTo: kundeservice@kundeservice.example\r\n\
         Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <dsn-1@mx.kommune-a.example>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n\
         --B\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.kommune-a.example\r\n\r\n\
         Final-Recipient: rfc822; ansatt@kommune-a.example\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n\
         --B\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ours}>\r\nSubject: x\r\n--B--\r\n"
    );
    let script = format!(
        "import smtplib\ns = smtplib.SMTP('127.0.0.1', {port})\ns.sendmail('', ['kundeservice@kundeservice.example'], {dsn:?}.encode())\ns.quit()\n"
    );
    crate::mail::run_python(&script).await;
    skranke_web::inbound::process_pending(&app.state, 10)
        .await
        .unwrap();
    assert_eq!(app.case_count().await, cases, "a bounce is no case");
    let admin = app.token("admin").await;
    let sent = list(&app, "/api/v1/mail/outgoing", &admin).await;
    let bounced: Vec<_> = sent
        .iter()
        .filter(|m| m["bounced_at"].is_string())
        .collect();
    assert_eq!(bounced.len(), 1, "only the receipt, for that address");
    assert_eq!(bounced[0]["kind"], "received");
    assert_eq!(bounced[0]["recipient"], "ansatt@kommune-a.example");
    assert!(bounced[0]["bounce"].as_str().unwrap().starts_with("5.1.1"));
    let (browser, _) = app.login("admin").await;
    let (_, page) = app.get(&browser, "/admin/mail").await;
    assert!(page.contains("Kom i retur: 5.1.1"), "admins see it");
    let _ = std::fs::remove_dir_all(eml);
}
