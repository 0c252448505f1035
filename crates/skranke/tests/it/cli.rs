//! The `skranke` binary's operator commands, run as real processes.

use crate::support::{client, spawn, temp_dir};
use reqwest::StatusCode;
use std::process::Command;

pub(crate) fn skranke() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skranke"))
}

both!(user_add_and_token_create_work_while_the_server_runs);
async fn user_add_and_token_create_work_while_the_server_runs() {
    let app = spawn().await;
    // The same database as the running server: a file, or PostgreSQL.
    let db = app.db.args(&app.data);
    let out = skranke()
        .args(["user", "add"])
        .args(&db)
        .args([
            "--username",
            "cliagent",
            "--name",
            "CLI Agent",
            "--email",
            "cli@kundeservice.example",
            "--kind",
            "agent",
        ])
        .env("SKRANKE_PASSWORD", "et-langt-passord")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = skranke()
        .args(["token", "create"])
        .args(&db)
        .args(["--username", "cliagent"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let token = stdout.trim();
    assert_eq!(stdout.lines().count(), 1, "only the token on stdout");
    assert_eq!(token.len(), 64);
    let r = client()
        .get(app.url("/api/v1/cases?queue=all"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::OK,
        "the running server accepts the new token"
    );

    let out = skranke()
        .args(["token", "create"])
        .args(&db)
        .args(["--username", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named nobody"));
    let out = skranke()
        .args(["user", "add"])
        .args(&db)
        .args(["--username", "x y", "--name", "X", "--email", "x@y.example"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("username"));
}

#[test]
fn config_check_reports_errors_and_the_lav_warning() {
    let out = skranke().args(["config", "check"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("warning: escalation.thresholds.low.resolution"),
        "{text}"
    );

    let dir = temp_dir("config");
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[calendar.opening_hours]\nmonday = \"16:00-08:00\"\n").unwrap();
    let out = skranke()
        .args(["config", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("calendar.opening_hours.monday"));
    std::fs::write(&bad, "[server]\nlistne = \"x\"\n").unwrap();
    let out = skranke()
        .args(["config", "check"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("listne"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn serve_creates_the_first_admin_and_prints_the_url() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("serve");
    let mut child = skranke()
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.join("data"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let mail = lines.next().unwrap().unwrap();
    let last = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("admin, one-time password: "), "{first}");
    assert_eq!(
        mail, "No mail goes out (no [mail.outbound] relay).",
        "says so"
    );
    assert!(
        last.starts_with("Skranke is running at http://127.0.0.1:"),
        "{last}"
    );
    assert!(dir.join("data/skranke.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}

fn simulate(input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = skranke()
        .args(["sla", "simulate"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

const SPEC_INPUT: &str = r#"{
  "registered_at": "2026-12-23T14:00:00+01:00",
  "priority": "medium",
  "channel": "web",
  "events": [
    {"at": "2026-12-23T14:30:00+01:00", "type": "public_reply"},
    {"at": "2026-12-23T14:35:00+01:00", "type": "status", "status": "waiting_customer"},
    {"at": "2027-01-04T09:00:00+01:00", "type": "status", "status": "in_progress"},
    {"at": "2027-01-04T10:00:00+01:00", "type": "priority", "priority": "high"},
    {"at": "2027-01-04T10:05:00+01:00", "type": "internal_note"},
    {"at": "2027-01-04T10:06:00+01:00", "type": "agreed_deadline", "deadline": "2027-01-08T12:00:00+01:00"},
    {"at": "2027-01-05T11:00:00+01:00", "type": "status", "status": "resolved"}
  ],
  "until": "2027-02-01T00:00:00+01:00"
}"#;

#[test]
fn sla_simulate_answers_the_spec_example() {
    let out = simulate(SPEC_INPUT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let want = serde_json::json!({
        "response":   {"due": "2026-12-24T08:30:00Z", "met_at": "2026-12-23T13:30:00Z",
                       "breached": false, "escalations": []},
        "resolution": {"due": "2027-01-08T11:00:00Z", "met_at": "2027-01-05T10:00:00Z",
                       "breached": false, "paused_seconds": 1016700,
                       "escalations": []}
    });
    assert_eq!(got, want);

    // Escalations come with their level and instant; a fraction of a second is dropped.
    let out = simulate(
        r#"{"registered_at": "2026-12-04T15:25:00.900+01:00", "priority": "critical", "channel": "email", "until": "2026-12-05T00:00:00+01:00"}"#,
    );
    assert!(out.status.success());
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got["resolution"]["due"], "2026-12-04T16:25:00Z");
    assert_eq!(
        got["resolution"]["escalations"],
        serde_json::json!([
            {"level": 1, "at": "2026-12-04T16:25:00Z"},
            {"level": 2, "at": "2026-12-04T18:25:00Z"},
            {"level": 3, "at": "2026-12-04T20:25:00Z"}
        ])
    );
    assert_eq!(got["response"]["met_at"], serde_json::Value::Null);
}

/// A change that makes the spec's input bad in one field.
type Mutation = Box<dyn Fn(&mut serde_json::Value)>;

#[test]
fn sla_simulate_refuses_bad_input_naming_the_field() {
    let base: serde_json::Value = serde_json::from_str(SPEC_INPUT).unwrap();
    let cases: Vec<(Mutation, &str)> = vec![
        (
            Box::new(|v| v["events"][3]["at"] = "2026-12-23T14:00:00+01:00".into()),
            "events[3].at",
        ),
        (
            Box::new(|v| v["events"][0]["at"] = "2026-12-23T13:00:00+01:00".into()),
            "events[0].at",
        ),
        (
            Box::new(|v| v["events"][5]["deadline"] = "2027-01-04T10:00:00+01:00".into()),
            "events[5].deadline",
        ),
        (
            Box::new(|v| v["until"] = "2027-01-05T10:00:00+01:00".into()),
            "until",
        ),
        (Box::new(|v| v["channel"] = "fax".into()), "channel"),
        (Box::new(|v| v["priority"] = "urgent".into()), "priority"),
        (
            Box::new(|v| v["events"][1]["status"] = "sleeping".into()),
            "events[1].status",
        ),
        (
            Box::new(|v| v["events"][4]["type"] = "phone_call".into()),
            "events[4].type",
        ),
        (
            Box::new(|v| v["registered_at"] = "2026-12-23 14:00".into()),
            "registered_at",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("priority");
            }),
            "priority",
        ),
    ];
    for (mutate, field) in cases {
        let mut v = base.clone();
        mutate(&mut v);
        let out = simulate(&v.to_string());
        assert!(!out.status.success(), "{field}");
        assert!(out.stdout.is_empty(), "{field}: nothing on stdout");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains(&format!("{field}:")),
            "{field} not named in: {err}"
        );
    }
}

#[test]
fn sla_due_prints_local_deadlines_and_levels() {
    let out = skranke()
        .args([
            "sla",
            "due",
            "--priority",
            "high",
            "--registered",
            "2027-03-24T15:00",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("response    due Tue 2027-03-30 08:30 (+02:00)"),
        "{text}"
    );
    assert!(
        text.contains("resolution  due Wed 2027-03-24 19:00 (+01:00)"),
        "{text}"
    );
    assert!(text.contains("level 3 at Fri 2027-03-26 15:00"), "{text}");
    let out = skranke()
        .args([
            "sla",
            "due",
            "--priority",
            "urgent",
            "--registered",
            "2027-03-24T15:00",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--priority"));
}

#[test]
fn the_demo_takes_mail_and_makes_it_a_case() {
    use std::io::{BufRead, BufReader};
    if Command::new("python3").arg("--version").output().is_err() {
        println!("SKIPPED: python3 is not installed");
        return;
    }
    let dir = temp_dir("serve-mail");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = skranke()
        .args([
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
            "--smtp-listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data")
        .arg(dir.join("data"))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut url = String::new();
    let mut mail = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.starts_with("Taking mail for") {
            mail = line.clone();
        }
        if let Some(u) = line.strip_prefix("Skranke is running at ") {
            url = u.trim_end_matches('/').to_owned();
            break;
        }
    }
    assert!(
        mail.contains("kundeservice@kundeservice.example") && mail.contains(&port.to_string()),
        "{mail}"
    );
    let script = format!(
        "import smtplib\nfrom email.message import EmailMessage\nm = EmailMessage()\n\
         m['From'] = 'ansatt@kommune-a.example'\nm['To'] = 'kundeservice@kundeservice.example'\n\
         m['Subject'] = 'Kalenderen synkroniserer ikke'\nm.set_content('Siden i går.')\n\
         s = smtplib.SMTP('127.0.0.1', {port})\ns.send_message(m)\ns.quit()\n"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // An agent sees it in the queue within moments.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let found = rt.block_on(async {
        let c = client();
        let page = c
            .get(format!("{url}/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = crate::support::csrf_of(&page);
        c.post(format!("{url}/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", "agent1"),
                ("password", "demo"),
            ])
            .send()
            .await
            .unwrap();
        for _ in 0..50 {
            let q = c
                .get(format!("{url}/agent?queue=all&q=Kalenderen"))
                .send()
                .await
                .unwrap();
            assert_eq!(q.status(), StatusCode::OK);
            if q.text()
                .await
                .unwrap()
                .contains("Kalenderen synkroniserer ikke")
            {
                return true;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        false
    });
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(dir);
    assert!(found, "the mail became a case an agent can find");
}

/// Kill -9 while several clients deliver: every message that got `250`
/// is there after the restart, once, and becomes one case.
#[test]
fn a_killed_server_keeps_every_message_it_answered_exactly_once() {
    use std::io::{BufRead, BufReader};
    if Command::new("python3").arg("--version").output().is_err() {
        println!("SKIPPED: python3 is not installed");
        return;
    }
    let dir = temp_dir("sigkill");
    let data = dir.join("data");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let serve = || {
        let mut child = skranke()
            .args([
                "serve",
                "--demo",
                "--listen",
                "127.0.0.1:0",
                "--smtp-listen",
            ])
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data")
            .arg(&data)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        for line in lines {
            if line.unwrap().starts_with("Skranke is running at ") {
                break;
            }
        }
        child
    };
    let mut server = serve();
    // Five clients, 100 messages each, each from a sender of its own (the
    // per-sender allowance is not what this is about); each 250 is printed.
    let script = format!(
        r#"
import smtplib, sys, threading
lock = threading.Lock()
def client(c):
    try:
        s = smtplib.SMTP("127.0.0.1", {port}, timeout=10)
        for i in range(100):
            mid = f"kill-{{c}}-{{i}}@kommune-a.example"
            frm = f"k{{c}}x{{i}}@kommune-a.example"
            msg = f"From: {{frm}}\r\nTo: kundeservice@kundeservice.example\r\nSubject: Melding {{c}}-{{i}}\r\nMessage-ID: <{{mid}}>\r\n\r\nHei\r\n"
            s.sendmail(frm, ["kundeservice@kundeservice.example"], msg.encode())
            with lock:
                print(mid, flush=True)
    except Exception:
        pass
threads = [threading.Thread(target=client, args=(c,)) for c in range(5)]
for t in threads: t.start()
for t in threads: t.join()
"#
    );
    let mut python = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut acked = Vec::new();
    let mut out = BufReader::new(python.stdout.take().unwrap()).lines();
    for line in out.by_ref() {
        acked.push(line.unwrap());
        if acked.len() == 150 {
            break;
        }
    }
    // SIGKILL, mid-delivery: no shutdown of any kind.
    server.kill().unwrap();
    server.wait().unwrap();
    // What was answered 250 before the kill reached the pipe too.
    acked.extend(out.map(Result::unwrap));
    python.wait().unwrap();
    assert!(
        acked.len() >= 150 && acked.len() < 500,
        "killed mid-delivery: {}",
        acked.len()
    );

    let mut server = serve();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let config = skranke_core::Config::default();
        let sla = skranke_store::SlaSettings::from_config(&config).unwrap();
        let store = skranke_store::Store::open_sqlite(&data.join("skranke.db"), sla)
            .await
            .unwrap();
        // The restarted server makes cases of what was recorded.
        for _ in 0..600 {
            if store
                .count_for_test("SELECT COUNT(*) FROM inbound_mail WHERE state = 'pending'")
                .await
                == 0
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let tables = store.export_tables().await.unwrap();
        for row in crate::mail::each_once(&tables, &acked, "Melding ") {
            let key = row["storage_key"].as_str().unwrap();
            assert!(
                data.join("attachments").join(&key[..2]).join(key).exists(),
                "{row:?}: its file"
            );
        }
        store.close().await;
    });
    server.kill().unwrap();
    server.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// The real description of Kundeservice, as the requirements have it.
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../skranke-core/tests/data/kundeservice-tjenestebeskrivelse.md"
);

both!(a_service_description_imports_and_exports_in_its_own_form);
async fn a_service_description_imports_and_exports_in_its_own_form() {
    let app = spawn().await;
    let db = app.db.args(&app.data);
    let run = |args: &[&str]| {
        let out = skranke()
            .args(["catalog"])
            .args(args)
            .args(&db)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&["import", SEED, "--category", "Brukerstøtte"]);
    assert!(ok, "{err}");
    assert_eq!(
        out.trim(),
        "created service kundeservice (Kundeservice): 6 sections, 3 roles"
    );
    let seed = skranke_core::catalog::parse(&std::fs::read_to_string(SEED).unwrap()).unwrap();
    let stored = app.store.catalog_service("kundeservice").await.unwrap();
    assert_eq!(stored.category, "Brukerstøtte");
    assert_eq!(stored.description.sections, seed.sections, "every section");
    assert_eq!(stored.description.roles, seed.roles, "the three roles");
    assert_eq!(
        stored.description.status_line.as_deref(),
        Some("TJENESTEN ER TILGJENGELIG")
    );
    // Export, then import what was exported: the same service, updated in place.
    let file = temp_dir("catalog").join("kundeservice.md");
    let (ok, _, err) = run(&["export", "kundeservice", "--output", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    let exported = std::fs::read_to_string(&file).unwrap();
    assert_eq!(skranke_core::catalog::parse(&exported).unwrap(), seed);
    let services = app.store.list_services().await.unwrap().len();
    let (ok, out, err) = run(&[
        "import",
        file.to_str().unwrap(),
        "--category",
        "Brukerstøtte",
    ]);
    assert!(ok, "{err}");
    assert!(out.starts_with("updated service kundeservice"), "{out}");
    assert_eq!(
        app.store.catalog_service("kundeservice").await.unwrap(),
        stored
    );
    assert_eq!(app.store.list_services().await.unwrap().len(), services);
    // A broken description is refused whole, and says why.
    let broken = temp_dir("catalog").join("broken.md");
    std::fs::write(&broken, exported.replace("## 4 HVA KOSTER DETTE?", "Pris:")).unwrap();
    let (ok, _, err) = run(&["import", broken.to_str().unwrap()]);
    assert!(!ok && err.contains("section 4"), "{err}");
    let (ok, _, err) = run(&["export", "finnes-ikke"]);
    assert!(!ok && err.contains("finnes-ikke"), "{err}");
    let (ok, _, err) = run(&["import", SEED, "--key", "Ikke Gyldig"]);
    assert!(!ok && err.contains("--key"), "{err}");
    // Customers read it in the catalog and over the API, with its status now.
    let token = app.token("ansatt").await;
    let r = app
        .api(
            reqwest::Method::GET,
            "/api/v1/services/kundeservice",
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let api: serde_json::Value = r.json().await.unwrap();
    assert_eq!(api["status_line"], "TJENESTEN ER TILGJENGELIG");
    assert_eq!(api["sections"].as_array().unwrap().len(), 6);
    assert_eq!(api["roles"][2]["role"], "operations");
    assert_eq!(api["roles"][2]["holder"], "ROR-IKT Kundeservice");
    let r = app
        .api(
            reqwest::Method::GET,
            "/api/v1/services/finnes-ikke",
            &token,
            None,
        )
        .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let (c, _) = app.login("ansatt").await;
    let (s, page) = app.get(&c, "/catalog/kundeservice").await;
    assert_eq!(s, StatusCode::OK);
    for part in [
        "TJENESTEN ER TILGJENGELIG",
        "1 Beskrivelse av tjenesten",
        "4 Hva koster dette?",
        "<li>Brukerhåndtering</li>",
        "Driftsansvarlig",
        "ROR-IKT Kundeservice",
        "/portal/new?service=",
    ] {
        assert!(page.contains(part), "{part}");
    }
    let (_, list) = app.get(&c, "/catalog?q=kunde").await;
    assert!(list.contains("href=\"/catalog/kundeservice\"") && list.contains("Brukerstøtte"));
    let (_, none) = app.get(&c, "/catalog?q=ingenting-slikt").await;
    assert!(none.contains("id=\"catalog-none\""));
    // Admins write a service over the API, as the import does.
    let admin = app.token("admin").await;
    let pc = serde_json::json!({
        "name": "PC-arbeidsplass",
        "category": "Arbeidsplass",
        "sections": {"description": "PC med kontorpakke.", "cost": "Se prislisten."},
        "roles": [{"role": "operations", "holder": "Drift"}, {"role": "owner", "holder": "ROR-IKT"}]
    });
    let put = |token: &str, key: &str, body: serde_json::Value| {
        let (token, path) = (token.to_owned(), format!("/api/v1/services/{key}"));
        let app = &app;
        async move {
            app.api(reqwest::Method::PUT, &path, &token, Some(body))
                .await
        }
    };
    assert_eq!(
        put(&token, "pc-arbeidsplass", pc.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let r = put(&admin, "pc-arbeidsplass", pc.clone()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: serde_json::Value = r.json().await.unwrap();
    assert_eq!(made["roles"][0]["role"], "owner", "in the form's order");
    assert_eq!(made["sections"][3]["body"], "Se prislisten.");
    assert_eq!(
        put(&admin, "pc-arbeidsplass", pc.clone()).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        put(&admin, "PC", pc.clone()).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let twice = serde_json::json!({"name": "PC-arbeidsplass", "roles": [{"role": "owner", "holder": "A"}, {"role": "owner", "holder": "B"}]});
    assert_eq!(
        put(&admin, "pc-arbeidsplass", twice).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let taken = serde_json::json!({"name": "Kundeservice"});
    assert_eq!(
        put(&admin, "annen", taken).await.status(),
        StatusCode::CONFLICT
    );
    let (ok, out, err) = run(&["export", "pc-arbeidsplass"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("# PC-ARBEIDSPLASS") && out.contains("Driftsansvarlig\tDrift"),
        "{out}"
    );
    let tables = app.store.export_tables().await.unwrap();
    let audit = &tables.iter().find(|(t, _)| *t == "audit_log").unwrap().1;
    let events: Vec<&str> = audit
        .iter()
        .filter(|a| a["subject"] == "kundeservice")
        .map(|a| a["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["service_created", "service_updated"]);
}
