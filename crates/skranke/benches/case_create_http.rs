//! Case creation over HTTP: `POST /api/v1/cases` against a real server on
//! loopback with a real SQLite file (WAL, synchronous=FULL), several clients
//! at once. Prints throughput and latency percentiles.
//!
//! cargo bench -p skranke --bench case_create_http
//! (SKRANKE_BENCH_CASES and SKRANKE_BENCH_CLIENTS change the load.)

use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let cases = env_or("SKRANKE_BENCH_CASES", 4000);
    let clients = env_or("SKRANKE_BENCH_CLIENTS", 16);
    let dir = std::env::temp_dir().join(format!("skranke-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let config = skranke_core::Config::default();
    let sla = skranke_store::SlaSettings::from_config(&config).unwrap();
    let store = skranke_store::Store::open_sqlite(&dir.join("skranke.db"), sla)
        .await
        .unwrap();
    skranke::demo::seed(&store).await.unwrap();
    let user = store.user_by_username("ansatt").await.unwrap();
    let token = skranke_web::generate_token();
    store
        .create_api_token(
            user.id,
            "bench",
            &skranke_web::hash_token(&token),
            jiff::Timestamp::now(),
        )
        .await
        .unwrap();
    let state = skranke_web::AppState::new(store, config, dir.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/v1/cases", listener.local_addr().unwrap());
    tokio::spawn(skranke_web::serve(listener, state, std::future::pending()));

    let client = reqwest::Client::new();
    let body = serde_json::json!({
        "title": "Skriveren skriver ikke ut",
        "description": "Jobbene blir liggende i køen.",
        "computer_name": "PC-12345",
        "priority": "medium"
    });
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..clients {
        let (client, url, token, body) = (client.clone(), url.clone(), token.clone(), body.clone());
        let n = cases / clients + usize::from(w < cases % clients);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(n);
            for _ in 0..n {
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                r.bytes().await.unwrap();
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(cases);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "case_create_http: {} cases, {} clients, {:.0} cases/s, p50 {:.2} ms, p99 {:.2} ms",
        all.len(),
        clients,
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
