//! Two real `skranke serve` processes on one PostgreSQL: 2,000 cases
//! created concurrently through both while escalations fall due.

use crate::support::{BACKEND, Backend, TestDb, client, csrf_of, postgres_url, temp_dir};
use reqwest::StatusCode;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const CASES: usize = 2000;

/// Escalations in seconds: every case reaches all six levels within 6 s.
const DRILL_CONFIG: &str = r#"
[sla]
sweep_seconds = 1
late_after_seconds = 3600

[priorities.critical]
response = "2 s"
resolution = "4 s"
response_calendar = "always"
resolution_calendar = "always"
definition = "Drill"

[escalation.thresholds.critical]
response = ["2 s", "3 s", "4 s"]
resolution = ["4 s", "5 s", "6 s"]
"#;

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn skranke(config: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skranke"));
    c.env("RUST_LOG", "error").env("SKRANKE_CONFIG", config);
    c
}

fn start(db: &[String], config: &std::path::Path) -> Instance {
    let mut child = skranke(config)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(db)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        let line = line.unwrap();
        if let Some(url) = line.strip_prefix("Skranke is running at ") {
            return Instance {
                child,
                base: url.trim_end_matches('/').to_owned(),
            };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("instance did not start");
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test]
async fn two_instances_share_one_postgres() {
    if postgres_url().is_none() {
        println!("SKIPPED: set SKRANKE_TEST_POSTGRES_URL to run the multi-instance test");
        return;
    }
    BACKEND.scope(Backend::Postgres, two_instances()).await;
}

async fn two_instances() {
    let dir = temp_dir("multi");
    let config_path = dir.join("drill.toml");
    std::fs::write(&config_path, DRILL_CONFIG).unwrap();
    let config = skranke_core::Config::from_toml(DRILL_CONFIG).unwrap().0;
    let (store, db) = TestDb::create(&dir, &config).await;
    let args_a = db.args(&dir.join("a"));
    let args_b = db.args(&dir.join("b"));
    // People first, with the operator commands, so neither instance creates a first admin.
    for (user, kind) in [
        ("kari", "employee"),
        ("agent1", "agent"),
        ("agent2", "agent"),
    ] {
        run(skranke(&config_path)
            .args(["user", "add"])
            .args(&args_a)
            .args([
                "--username",
                user,
                "--name",
                user,
                "--email",
                &format!("{user}@kommune-a.example"),
                "--kind",
                kind,
            ])
            .env("SKRANKE_PASSWORD", "drill-passord-123"));
    }
    let token = run(skranke(&config_path)
        .args(["token", "create"])
        .args(&args_a)
        .args(["--username", "kari"]))
    .trim()
    .to_owned();
    let a = start(&args_a, &config_path);
    let b = start(&args_b, &config_path);

    // A session made on one instance is valid on the other.
    let c = client();
    let page = c
        .get(format!("{}/login", a.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let r = c
        .post(format!("{}/login", a.base))
        .form(&[
            ("csrf", csrf_of(&page).as_str()),
            ("username", "kari"),
            ("password", "drill-passord-123"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let r = client()
        .get(format!("{}/portal", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK, "session from A accepted by B");

    // 2,000 cases, half through each instance, 32 at a time.
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = Vec::new();
    for i in 0..CASES {
        let base = if i % 2 == 0 {
            a.base.clone()
        } else {
            b.base.clone()
        };
        let (token, sem) = (token.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire().await.unwrap();
            let r = client()
                .post(format!("{base}/api/v1/cases"))
                .bearer_auth(&token)
                .json(&serde_json::json!({"title": format!("Drill {i}"), "description": "Stopp", "impact": {"life_and_health": true}}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::CREATED);
            let v: serde_json::Value = r.json().await.unwrap();
            v["number"].as_str().unwrap().to_owned()
        }));
    }
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    let created_in = started.elapsed();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), CASES, "every case got a number of its own");

    // Wait until every case has reached all six levels and every message is out.
    let expected = CASES as i64 * 6;
    let deadline = Instant::now() + Duration::from_secs(240);
    let counts = |sql: &'static str| {
        let store = store.clone();
        async move { store.count_for_test(sql).await }
    };
    loop {
        let esc = counts("SELECT COUNT(*) FROM escalations").await;
        let pending = counts("SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL").await;
        if esc == expected && pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "after {created_in:?} creating: {esc} of {expected} levels, {pending} undelivered"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(counts("SELECT COUNT(*) FROM cases").await, CASES as i64);
    assert_eq!(
        counts("SELECT COUNT(DISTINCT number) FROM cases").await,
        CASES as i64
    );
    // Exactly once: one escalation row per case, clock and level, one in-app
    // message per escalation, one notification per in-app message.
    assert_eq!(
        counts("SELECT COUNT(DISTINCT (case_id, clock, level)) FROM escalations").await,
        expected
    );
    assert_eq!(
        counts("SELECT COUNT(*) FROM outbox WHERE channel = 'in_app'").await,
        expected
    );
    assert_eq!(
        counts("SELECT COUNT(DISTINCT escalation_id) FROM outbox WHERE channel = 'in_app'").await,
        expected
    );
    assert_eq!(
        counts("SELECT COUNT(*) FROM notifications WHERE kind = 'escalated'").await,
        expected
    );
    assert_eq!(
        counts("SELECT COUNT(*) FROM notifications WHERE kind = 'assigned'").await,
        CASES as i64,
        "each handler told once of each case assigned"
    );
    // Both instances did delivery work.
    assert_eq!(
        counts("SELECT COUNT(DISTINCT leased_by) FROM outbox").await,
        2
    );
    drop((a, b));
    drop(db);
    let _ = std::fs::remove_dir_all(dir);
}
