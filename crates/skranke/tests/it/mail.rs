//! Inbound mail as the store records it: once per message, whichever way
//! and however often it comes.

use crate::support::spawn;
use skranke_store::{MailSource, NewInboundMail};

both!(a_message_is_recorded_once_however_often_it_arrives);
async fn a_message_is_recorded_once_however_often_it_arrives() {
    let app = spawn().await;
    let to = vec!["kundeservice@kundeservice.example".to_owned()];
    let mail = |identity: &'static str, source, key: &'static str, quarantine| NewInboundMail {
        identity,
        source,
        envelope_from: Some("kari@kommune-a.example"),
        envelope_to: &to,
        peer: Some("127.0.0.1:40000"),
        size: 1200,
        storage_key: key,
        quarantine,
        about: Default::default(),
        now: jiff::Timestamp::now(),
    };
    let first = app
        .store
        .receive_mail(&mail(
            "id:abc@kommune-a.example",
            MailSource::Smtp,
            "mail/1",
            None,
        ))
        .await
        .unwrap();
    assert!(!first.duplicate);
    // The same message again, over IMAP this time.
    let again = app
        .store
        .receive_mail(&mail(
            "id:abc@kommune-a.example",
            MailSource::Imap,
            "mail/2",
            None,
        ))
        .await
        .unwrap();
    assert!(again.duplicate);
    assert_eq!(again.id, first.id, "names the first arrival");
    let broken = app
        .store
        .receive_mail(&mail(
            "sha256:00ff",
            MailSource::Smtp,
            "mail/3",
            Some((skranke_core::mail::HoldReason::Unreadable, "no headers")),
        ))
        .await
        .unwrap();
    assert!(!broken.duplicate);
    let pending = app.store.pending_mail(10).await.unwrap();
    assert_eq!(
        pending
            .iter()
            .map(|p| (p.id, p.storage_key.as_str()))
            .collect::<Vec<_>>(),
        vec![(first.id, "mail/1")],
        "one pending, the unreadable one in quarantine"
    );
}

both!(the_same_message_arriving_at_once_is_recorded_once);
async fn the_same_message_arriving_at_once_is_recorded_once() {
    let app = spawn().await;
    let mut tasks = Vec::new();
    for i in 0..10 {
        let store = app.store.clone();
        tasks.push(tokio::spawn(async move {
            let to = vec!["kundeservice@kundeservice.example".to_owned()];
            let key = format!("mail/{i}");
            store
                .receive_mail(&NewInboundMail {
                    identity: "id:samtidig@kommune-a.example",
                    source: if i % 2 == 0 {
                        MailSource::Smtp
                    } else {
                        MailSource::Imap
                    },
                    envelope_from: None,
                    envelope_to: &to,
                    peer: None,
                    size: 10,
                    storage_key: &key,
                    quarantine: None,
                    about: Default::default(),
                    now: jiff::Timestamp::now(),
                })
                .await
                .unwrap()
        }));
    }
    let mut got = Vec::new();
    for t in tasks {
        got.push(t.await.unwrap());
    }
    assert_eq!(got.iter().filter(|r| !r.duplicate).count(), 1);
    assert!(got.iter().all(|r| r.id == got[0].id));
    assert_eq!(app.store.pending_mail(10).await.unwrap().len(), 1);
}

/// Python's smtplib is our independent SMTP client; without it, say so.
pub(crate) fn no_python() -> bool {
    let missing = std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_err();
    if missing {
        println!("SKIPPED: python3 is not installed");
    }
    missing
}

fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .flatten()
            .map(|e| {
                if e.path().is_dir() {
                    files_under(&e.path())
                } else {
                    1
                }
            })
            .sum()
    })
}

both!(mail_over_smtp_is_recorded_before_it_is_answered);
async fn mail_over_smtp_is_recorded_before_it_is_answered() {
    if no_python() {
        return;
    }
    let app = spawn().await;
    let port = listen(&app).await;
    let attachments = skranke_web::attachments_dir(&app.state.config, &app.data);
    let before = files_under(&attachments);

    // The same message twice (a client that did not hear the 250), and
    // something that is not MIME at all.
    let script = format!(
        r#"
import smtplib
from email.message import EmailMessage
m = EmailMessage()
m["From"] = "kari@kommune-a.example"
m["To"] = "kundeservice@kundeservice.example"
m["Subject"] = "Skjermen flimrer"
m["Message-ID"] = "<to-ganger@kommune-a.example>"
m.set_content("Skjermen flimrer etter oppdatering.")
for _ in range(2):
    with smtplib.SMTP("127.0.0.1", {port}) as s:
        s.send_message(m)
with smtplib.SMTP("127.0.0.1", {port}) as s:
    s.sendmail("kari@kommune-a.example", ["kundeservice@kundeservice.example"], b"\r\n\r\nbare tekst uten hode")
"#
    );
    run_python(&script).await;

    let tables = app.store.export_tables().await.unwrap();
    let rows = &tables.iter().find(|(t, _)| *t == "inbound_mail").unwrap().1;
    assert_eq!(rows.len(), 2, "the repeat is not recorded again: {rows:?}");
    let kept = rows.iter().find(|r| r["state"] == "pending").unwrap();
    assert_eq!(kept["identity"], "id:to-ganger@kommune-a.example");
    assert_eq!(kept["envelope_from"], "kari@kommune-a.example");
    let raw = app
        .state
        .files
        .get(kept["storage_key"].as_str().unwrap())
        .await
        .unwrap();
    let parsed = skranke_mail::parse(&raw).unwrap();
    assert_eq!(parsed.subject.as_deref(), Some("Skjermen flimrer"));
    let broken = rows.iter().find(|r| r["state"] == "quarantined").unwrap();
    assert!(
        broken["reason"].as_str().unwrap().contains("MIME"),
        "{broken:?}"
    );
    assert_eq!(
        files_under(&attachments),
        before + 2,
        "no file is kept for the repeat"
    );
}

/// After a crash and a restart: each message of `ids` is recorded once,
/// processed and made a case; every message kept made one case of its
/// own, and no case titled `title…` came of anything else. Returns the
/// rows of `ids`.
pub(crate) fn each_once<'a>(
    tables: &'a [(
        &'static str,
        Vec<serde_json::Map<String, serde_json::Value>>,
    )],
    ids: &[String],
    title: &str,
) -> Vec<&'a serde_json::Map<String, serde_json::Value>> {
    let table = |name: &str| &tables.iter().find(|(t, _)| *t == name).unwrap().1;
    let rows = table("inbound_mail");
    let mut kept = Vec::new();
    for id in ids {
        let found: Vec<_> = rows
            .iter()
            .filter(|r| r["identity"] == format!("id:{id}"))
            .collect();
        assert_eq!(found.len(), 1, "{id} not kept once");
        assert_eq!(found[0]["state"], "processed", "{id}: {found:?}");
        assert!(found[0]["case_id"].is_i64(), "{id} made a case");
        kept.push(found[0]);
    }
    // Over every message kept (also one stored just before a crash that
    // its sender never heard the answer to).
    let from_mail: Vec<_> = rows.iter().filter_map(|r| r["case_id"].as_i64()).collect();
    let mut distinct = from_mail.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), from_mail.len(), "one case a message");
    let titled = table("cases")
        .iter()
        .filter(|c| c["title"].as_str().is_some_and(|t| t.starts_with(title)))
        .count();
    assert_eq!(
        titled,
        from_mail.len(),
        "no case without its message, none twice"
    );
    kept
}

/// Runs a Python script, which must succeed; returns what it printed.
pub(crate) async fn run_python(script: &str) -> String {
    use tokio::io::AsyncWriteExt;
    // On standard input: a script may be longer than a command line.
    let mut python = tokio::process::Command::new("python3")
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = python.stdin.take().unwrap();
    stdin.write_all(script.as_bytes()).await.unwrap();
    drop(stdin);
    let out = python.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Sends `messages` (Python expressions building an EmailMessage `m`) over SMTP.
pub(crate) async fn send_with_python(port: u16, messages: &[String]) {
    let mut script = String::from(
        "import smtplib\nfrom email.message import EmailMessage\ns = smtplib.SMTP('127.0.0.1', PORT)\n",
    )
    .replace("PORT", &port.to_string());
    for m in messages {
        script.push_str("m = EmailMessage()\n");
        script.push_str(m);
        script.push_str("\ns.send_message(m)\n");
    }
    script.push_str("s.quit()\n");
    run_python(&script).await;
}

pub(crate) async fn listen(app: &crate::support::TestApp) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = std::sync::Arc::new(skranke_mail::smtp::SmtpConfig {
        hostname: "skranke.test".into(),
        recipients: vec!["kundeservice@kundeservice.example".into()],
        max_size: 1_000_000,
        max_recipients: 10,
        idle: std::time::Duration::from_secs(10),
        tls: None,
    });
    let sink = std::sync::Arc::new(skranke_web::inbound::MailSink(app.state.clone()));
    tokio::spawn(skranke_mail::smtp::serve(
        listener,
        config,
        sink,
        std::future::pending(),
    ));
    port
}

pub(crate) fn message(from: &str, id: &str, subject: &str, body: &str, extra: &str) -> String {
    format!(
        "m['From'] = {from:?}\nm['To'] = 'kundeservice@kundeservice.example'\nm['Subject'] = {subject:?}\nm['Message-ID'] = '<{id}@test.example>'\n{extra}\nm.set_content({body:?})"
    )
}

both!(mail_becomes_cases_and_replies_only_for_the_right_people);
async fn mail_becomes_cases_and_replies_only_for_the_right_people() {
    if no_python() {
        return;
    }
    let app = spawn().await;
    let port = listen(&app).await;
    send_with_python(
        port,
        &[message(
            "Kari Nordmann <ansatt@kommune-a.example>",
            "m1",
            "Skjermen  flimrer\tetter oppdatering",
            "Skjermen flimrer hver morgen.\n-- \nKari Nordmann\nKommune A",
            "",
        ) + "\nm.add_attachment(b'\\x89PNG\\r\\n\\x1a\\nbilde', maintype='image', subtype='png', filename='skjerm.png')"],
    )
    .await;
    assert_eq!(
        skranke_web::inbound::process_pending(&app.state, 100)
            .await
            .unwrap(),
        1
    );
    let (cases, _) = app
        .store
        .list_cases(&skranke_store::CaseFilter {
            text: Some("Skjermen flimrer etter".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(cases.len(), 1);
    let case = &cases[0];
    assert_eq!(case.title, "Skjermen flimrer etter oppdatering");
    assert_eq!(
        case.description, "Skjermen flimrer hver morgen.",
        "signature trimmed"
    );
    assert_eq!(case.channel, skranke_core::Channel::Email);
    assert_eq!(case.requester_username, "ansatt");
    assert!(case.handler_id.is_some(), "a handler like any case");
    let files = app.store.attachments(case.id, false).await.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].filename, "skjerm.png");
    // The whole mail, one click away, for the requester and the desk only.
    let mails = app.store.mail_of_case(case.id).await.unwrap();
    assert_eq!(mails.len(), 1);
    let link = format!("/mail/{}", mails[0].id);
    let (kari, _) = app.login("ansatt").await;
    let (_, page) = app.get(&kari, &format!("/cases/{}", case.number)).await;
    assert!(
        page.contains(&format!("href=\"{link}\"")),
        "the case page links it"
    );
    let r = kari.get(app.url(&link)).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "message/rfc822");
    let whole = r.bytes().await.unwrap();
    assert!(
        skranke_mail::parse(&whole)
            .unwrap()
            .text
            .contains("Kari Nordmann"),
        "signature and all"
    );
    let (ola, _) = app.login("ansatt2").await;
    assert_eq!(
        ola.get(app.url(&link)).send().await.unwrap().status(),
        reqwest::StatusCode::NOT_FOUND
    );
    let token = app.token("agent1").await;
    let r = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1{link}"),
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap(), whole);

    let tag = format!("[Sak {}]", case.number);
    send_with_python(
        port,
        &[
            // The requester answers: it joins the case, without the quoted history.
            message(
                "ansatt@kommune-a.example",
                "m2",
                &format!("SV: Skjermen flimrer {tag}"),
                "Nå er det verre.\n\nDen 1. des. 2026 kl. 10:15 skrev Kundeservice <kundeservice@kundeservice.example>:\n> Prøv å starte på nytt.",
                "",
            ),
            // Someone else quoting the number: a case of their own.
            message("ansatt2@kommune-b.example", "m3", &format!("Re: {tag}"), "Samme feil her.", ""),
            // A new person at a known organisation: registered as a requester.
            message("Per Ny <per.ny@kommune-a.example>", "m4", "Tilgang til fagsystem", "Jeg trenger tilgang.", ""),
            // Unknown domain, a pupil, an auto-reply: no case.
            message("x@ukjent.example", "m5", "Hei", "Hei", ""),
            message("elev@kommune-a.example", "m6", "PC", "Hjelp", ""),
            message("ansatt@kommune-a.example", "m7", "Fravær", "Jeg er bortreist.", "m['Auto-Submitted'] = 'auto-replied'"),
            // Answers to the first message without the tag: by In-Reply-To,
            // the requester's joins the case, a stranger's does not.
            message(
                "ansatt@kommune-a.example",
                "m8",
                "Re: Skjermen flimrer",
                "Og nå piper den.",
                "m['In-Reply-To'] = '<m1@test.example>'",
            ),
            message(
                "ansatt2@kommune-b.example",
                "m9",
                "Re: Skjermen flimrer",
                "Hos meg også.",
                "m['In-Reply-To'] = '<m1@test.example>'\nm['References'] = '<m0@test.example> <m1@test.example>'",
            ),
            // The first message once more.
            message("ansatt@kommune-a.example", "m1", "Skjermen flimrer etter oppdatering", "x", ""),
        ],
    )
    .await;
    let before = app.case_count().await;
    assert_eq!(
        skranke_web::inbound::process_pending(&app.state, 100)
            .await
            .unwrap(),
        8,
        "the repeat was never recorded"
    );
    assert_eq!(app.case_count().await, before + 3, "Ola's twice and Per's");
    let msgs = app.store.messages(case.id, true).await.unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0].body, "Nå er det verre.");
    assert_eq!(msgs[1].body, "Og nå piper den.", "joined by In-Reply-To");
    let per = app
        .store
        .user_by_email("per.ny@kommune-a.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (per.username.as_str(), per.full_name.as_str()),
        ("per.ny", "Per Ny")
    );
    let tables = app.store.export_tables().await.unwrap();
    let rows = &tables.iter().find(|(t, _)| *t == "inbound_mail").unwrap().1;
    let state_of = |id: &str| {
        let r = rows
            .iter()
            .find(|r| r["identity"] == format!("id:{id}@test.example"))
            .unwrap();
        (
            r["state"].as_str().unwrap().to_owned(),
            r["reason"].as_str().unwrap_or("").to_owned(),
        )
    };
    assert_eq!(state_of("m5").0, "quarantined");
    assert!(state_of("m5").1.contains("ukjent.example"));
    assert_eq!(state_of("m6").0, "quarantined");
    assert_eq!(state_of("m7").0, "processed");
    assert!(state_of("m7").1.contains("automatic"));
    assert_eq!(
        skranke_web::inbound::process_pending(&app.state, 100)
            .await
            .unwrap(),
        0,
        "nothing twice"
    );
}

both!(two_instances_processing_at_once_make_one_case);
async fn two_instances_processing_at_once_make_one_case() {
    if no_python() {
        return;
    }
    let app = spawn().await;
    let port = listen(&app).await;
    let attachments = skranke_web::attachments_dir(&app.state.config, &app.data);
    let with_file =
        "\nm.add_attachment(b'%PDF-1.4', maintype='application', subtype='pdf', filename='a.pdf')";
    send_with_python(
        port,
        &[message(
            "ansatt@kommune-a.example",
            "p1",
            "Samtidig",
            "To prosesser.",
            "",
        ) + with_file],
    )
    .await;
    let before_cases = app.case_count().await;
    let before_files = files_under(&attachments);
    // Two processors (as two instances would) take the same message at once.
    let (a, b) = tokio::join!(
        skranke_web::inbound::process_pending(&app.state, 10),
        skranke_web::inbound::process_pending(&app.state, 10)
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(app.case_count().await, before_cases + 1, "one case");
    assert_eq!(
        files_under(&attachments),
        before_files + 1,
        "one copy of the attachment kept"
    );
    assert!(app.store.pending_mail(10).await.unwrap().is_empty());
}

both!(a_sender_over_its_allowance_is_told_to_try_later_and_others_are_not);
async fn a_sender_over_its_allowance_is_told_to_try_later_and_others_are_not() {
    if no_python() {
        return;
    }
    let mut config = skranke_core::Config::default();
    config.mail.per_sender_per_hour = 5;
    let app = crate::support::spawn_with(config).await;
    let port = listen(&app).await;
    // Ten at once from Kari (counted one after the other), then one from Ola.
    let script = format!(
        r#"
import smtplib, threading
from email.message import EmailMessage
codes = []
def send(n, sender):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = "kundeservice@kundeservice.example"
    m["Subject"] = f"Melding {{n}}"
    m["Message-ID"] = f"<flom-{{n}}@kommune-a.example>"
    m.set_content("Hei")
    try:
        with smtplib.SMTP("127.0.0.1", {port}) as s:
            s.send_message(m)
        codes.append(250)
    except smtplib.SMTPDataError as e:
        codes.append(e.smtp_code)
threads = [threading.Thread(target=send, args=(n, "ansatt@kommune-a.example")) for n in range(10)]
for t in threads: t.start()
for t in threads: t.join()
send(99, "ansatt2@kommune-b.example")
print(sorted(codes[:10]), codes[10])
"#
    );
    assert_eq!(
        run_python(&script).await.trim(),
        "[250, 250, 250, 250, 250, 451, 451, 451, 451, 451] 250",
        "five taken, five told to try later; another sender is not held up"
    );
    assert_eq!(app.store.pending_mail(100).await.unwrap().len(), 6);
}
