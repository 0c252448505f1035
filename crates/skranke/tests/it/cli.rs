//! The `skranke` binary's operator commands, run as real processes.

use crate::support::{client, spawn, temp_dir};
use reqwest::StatusCode;
use std::process::Command;

fn skranke() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skranke"))
}

#[tokio::test]
async fn user_add_and_token_create_work_while_the_server_runs() {
    let app = spawn().await;
    let data = app.data.to_str().unwrap().to_owned();
    let out = skranke()
        .args([
            "user",
            "add",
            "--data",
            &data,
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
        .args(["token", "create", "--data", &data, "--username", "cliagent"])
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
        .args(["token", "create", "--data", &data, "--username", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no user named nobody"));
    let out = skranke()
        .args([
            "user",
            "add",
            "--data",
            &data,
            "--username",
            "x y",
            "--name",
            "X",
            "--email",
            "x@y.example",
        ])
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
    let second = lines.next().unwrap().unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.contains("admin, one-time password: "), "{first}");
    assert!(
        second.starts_with("Skranke is running at http://127.0.0.1:"),
        "{second}"
    );
    assert!(dir.join("data/skranke.db").exists());
    let _ = std::fs::remove_dir_all(dir);
}
