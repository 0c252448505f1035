//! The API is the contract: the OpenAPI document is checked in (so every
//! change to it shows in review), validates as OpenAPI 3.1, and
//! schemathesis finds no request it answers against the document, with an
//! agent's token and with a requester's. The Python tools come from PyPI
//! (`.ci/run` installs them); without them these tests say so and pass.

use crate::support::spawn;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn contract_file() -> PathBuf {
    repo().join("crates/skranke-web/openapi.json")
}

fn document() -> String {
    serde_json::to_string_pretty(&skranke_web::openapi()).unwrap() + "\n"
}

/// A program on the PATH, or a notice that the test is skipped without it.
fn tool(name: &str) -> Option<String> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())?;
    Some(found.display().to_string())
}

fn skipped(name: &str) {
    println!("SKIPPED: `{name}` is not installed (pip install {name}; .ci/run does)");
}

#[test]
fn the_openapi_document_is_the_checked_in_contract() {
    let doc = document();
    if std::env::var_os("SKRANKE_UPDATE_CONTRACT").is_some() {
        std::fs::write(contract_file(), &doc).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(contract_file()).unwrap_or_default();
    assert!(
        stored == doc,
        "the API contract changed. Review the difference, then record it with \
         SKRANKE_UPDATE_CONTRACT=1 cargo test -p skranke --test it contract"
    );
}

#[test]
fn the_openapi_document_validates() {
    let Some(validator) = tool("openapi-spec-validator") else {
        return skipped("openapi-spec-validator");
    };
    let dir = crate::support::temp_dir("openapi");
    let file = dir.join("openapi.json");
    std::fs::write(&file, document()).unwrap();
    let out = Command::new(validator).arg(&file).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("OK"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&document()).unwrap();
    assert_eq!(v["openapi"], "3.1.0");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn schemathesis_finds_nothing_with_an_agent_or_a_requester_token() {
    let Some(schemathesis) = tool("schemathesis") else {
        return skipped("schemathesis");
    };
    let app = spawn().await;
    for user in ["agent1", "ansatt"] {
        let token = app.token(user).await;
        let mut cmd = Command::new(&schemathesis);
        cmd.arg("--config-file")
            .arg(repo().join("schemathesis.toml"))
            .arg("--no-color")
            .args(["run", &app.url("/api/openapi.json")])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "all", "--max-examples", "25", "--seed", "1"])
            .current_dir(&app.data);
        let out = tokio::task::spawn_blocking(move || cmd.output().unwrap())
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "schemathesis as {user}:\n{text}");
        assert!(text.contains("passed"), "schemathesis as {user}:\n{text}");
    }
}
