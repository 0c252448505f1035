//! Escalations to the webhook, received by an HTTP server that is not ours
//! (Python's `http.server`, standing in for an SMS gateway): signed JSON,
//! retried until the receiver takes it, once per recipient.

use crate::support::{spawn_with, temp_dir};
use jiff::{SignedDuration, Timestamp};
use skranke_core::config::Contact;
use skranke_core::{Config, Priority};

both!(escalations_reach_the_webhook_signed_and_retried);
async fn escalations_reach_the_webhook_signed_and_retried() {
    if crate::mail::no_python() {
        return;
    }
    let dir = temp_dir("webhook");
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("requests.jsonl");
    let port = crate::support::free_port();
    // Answers 503 to the first request and 200 to the rest, writing each down.
    let receiver = format!(
        r#"
import http.server, json
seen = 0
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global seen
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with open({log:?}, "a") as f:
            f.write(json.dumps({{"headers": {{k.lower(): v for k, v in self.headers.items()}}, "body": body.decode()}}) + "\n")
        seen += 1
        self.send_response(503 if seen == 1 else 200)
        self.end_headers()
    def log_message(self, *a): pass
http.server.HTTPServer(("127.0.0.1", {port}), H).serve_forever()
"#
    );
    let mut server = tokio::process::Command::new("python3")
        .arg("-c")
        .arg(receiver)
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    assert!(
        crate::support::listening(port).await,
        "the receiver did not start"
    );
    let secret = dir.join("secret");
    std::fs::write(&secret, "hemmelig-nøkkel\n").unwrap();
    let mut config = Config::default();
    config.webhook.url = Some(format!("http://127.0.0.1:{port}/skranke"));
    config.webhook.secret_file = Some(secret);
    config.escalation.levels[0].contacts = vec![
        Contact {
            name: "Vakttelefon".into(),
            role: "driftsansvarlig".into(),
            phone: "+47 900 00 000".into(),
            email: String::new(),
            priorities: vec![Priority::Critical],
        },
        Contact {
            name: "Lavprioritet".into(),
            role: "tjenesteforvalter".into(),
            phone: "+47 911 11 111".into(),
            email: String::new(),
            priorities: vec![Priority::Low],
        },
    ];
    let app = spawn_with(config).await;
    // The demo's own overdue cases escalate too; this case is the one to follow.
    let reg = Timestamp::now() - SignedDuration::from_hours(24 * 7);
    let case = crate::sla::register(&app.store, Priority::Critical, reg).await;
    let now = Timestamp::now();
    let first = skranke_web::notify::sweep_once(&app.state, now)
        .await
        .unwrap();
    assert!(first.failed >= 1, "the first answer was 503: {first:?}");
    // Retried after the backoff; each recipient once it is taken.
    let later = now + SignedDuration::from_hours(2);
    skranke_web::notify::sweep_once(&app.state, later)
        .await
        .unwrap();
    skranke_web::notify::sweep_once(&app.state, later + SignedDuration::from_hours(2))
        .await
        .unwrap();
    let requests: Vec<serde_json::Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ours: Vec<(serde_json::Value, &serde_json::Value)> = requests
        .iter()
        .map(|r| {
            (
                serde_json::from_str(r["body"].as_str().unwrap()).unwrap(),
                &r["headers"],
            )
        })
        .filter(|(b, _): &(serde_json::Value, _)| b["case"] == case.number.as_str())
        .collect();
    let level1_contact: Vec<_> = ours
        .iter()
        .filter(|(b, _)| {
            b["level"] == 1 && b["clock"] == "response" && b["to"]["phone"] == "+47 900 00 000"
        })
        .collect();
    assert!(
        !level1_contact.is_empty(),
        "the on-call phone heard of level 1"
    );
    assert!(
        !ours
            .iter()
            .any(|(b, _)| b["to"]["phone"] == "+47 911 11 111"),
        "a contact for low-priority cases hears nothing of a critical one"
    );
    let logged: Vec<String> = app
        .store
        .export_tables()
        .await
        .unwrap()
        .into_iter()
        .find(|(t, _)| *t == "outbox")
        .unwrap()
        .1
        .iter()
        .filter(|r| r["case_id"] == case.id && r["channel"] == "log")
        .map(|r| r["recipient"].as_str().unwrap().to_owned())
        .collect();
    assert!(logged.iter().any(|r| r.contains("Vakttelefon")));
    assert!(
        !logged.iter().any(|r| r.contains("Lavprioritet")),
        "nor is logged as told"
    );
    for (_, headers) in &ours {
        assert_eq!(headers["content-type"], "application/json");
        assert!(
            headers["idempotency-key"]
                .as_str()
                .is_some_and(|k| k.starts_with("escalation:"))
        );
    }
    // The signature is over the timestamp and the body exactly as sent.
    for r in &requests {
        let at: i64 = r["headers"]["x-skranke-timestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(
            r["headers"]["x-skranke-signature"],
            skranke_web::webhook::signature(
                b"hemmelig-n\xc3\xb8kkel",
                at,
                r["body"].as_str().unwrap().as_bytes()
            ),
        );
    }
    // Once taken, never again: each key arrives at most once with a 200 after it.
    let taken: Vec<&str> = requests
        .iter()
        .skip(1)
        .map(|r| r["headers"]["idempotency-key"].as_str().unwrap())
        .collect();
    let mut distinct = taken.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(distinct.len(), taken.len(), "nothing taken twice");
    assert!(
        app.store
            .pending_outbox(later + SignedDuration::from_hours(3), 1000)
            .await
            .unwrap()
            .iter()
            .all(|i| i.channel != "webhook"),
        "nothing left for the webhook"
    );
    let handler = ours.iter().any(|(b, _)| b["to"]["role"] == "handler");
    assert!(handler, "the handler too");
    server.kill().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}
