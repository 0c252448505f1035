//! The HTTP hot paths on each backend, same harness: case creation
//! (`POST /api/v1/cases`: token auth, number, assignment, history and SLA
//! state in one durable transaction) and queue listing (`GET
//! /api/v1/cases?queue=open&sort=deadline`, 50 a page) and the status board
//! (`GET /api/v1/status` without a token: what everyone reads during an
//! outage), several clients at once against a real server on loopback.
//! Prints throughput and latency.
//!
//! cargo bench -p skranke --bench http
//! SKRANKE_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test adds PostgreSQL
//! (in a schema of its own, dropped afterwards). SKRANKE_BENCH_CASES,
//! SKRANKE_BENCH_LISTS and SKRANKE_BENCH_CLIENTS change the load.

use skranke_store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn token_for(store: &Store, username: &str) -> String {
    let user = store.user_by_username(username).await.unwrap();
    let token = skranke_web::generate_token();
    let now = jiff::Timestamp::now();
    let entry =
        skranke_core::audit::AuditEntry::new(skranke_core::audit::AuditEvent::TokenCreated, None);
    let hash = skranke_web::hash_token(&token);
    let new = skranke_store::NewToken {
        user_id: user.id,
        name: "bench",
        token_hash: &hash,
        scopes: "read write",
        expires: now + jiff::SignedDuration::from_hours(24),
    };
    store.create_api_token(&new, &entry, now).await.unwrap();
    token
}

/// Runs `total` requests from `clients` tasks; prints rate and latencies.
async fn load<F, Fut>(label: &str, total: usize, clients: usize, request: F)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let request = Arc::new(request);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..clients {
        let request = request.clone();
        let n = total / clients + usize::from(w < total % clients);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(n);
            for i in 0..n {
                let t = Instant::now();
                request(i).await;
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all: Vec<Duration> = Vec::with_capacity(total);
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct =
        |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)].as_secs_f64() * 1e3;
    println!(
        "{label}: {} requests, {clients} clients, {:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
        all.len(),
        all.len() as f64 / elapsed.as_secs_f64(),
        pct(0.50),
        pct(0.99)
    );
}

async fn bench(backend: &str, store: Store, dir: std::path::PathBuf) {
    let cases = env_or("SKRANKE_BENCH_CASES", 4000);
    let lists = env_or("SKRANKE_BENCH_LISTS", 4000);
    let boards = env_or("SKRANKE_BENCH_STATUS", 4000);
    let clients = env_or("SKRANKE_BENCH_CLIENTS", 16);
    skranke::demo::seed(&store).await.unwrap();
    let requester = token_for(&store, "ansatt").await;
    let agent = token_for(&store, "agent1").await;
    let state = skranke_web::AppState::new(store, skranke_core::Config::default(), dir).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/api/v1/cases", listener.local_addr().unwrap());
    tokio::spawn(skranke_web::serve(listener, state, std::future::pending()));
    let client = reqwest::Client::new();

    let (c, url) = (client.clone(), base.clone());
    load(
        &format!("{backend} case creation"),
        cases,
        clients,
        move |_| {
            let (c, url, token) = (c.clone(), url.clone(), requester.clone());
            async move {
                let r = c
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "title": "Skriveren skriver ikke ut",
                        "description": "Jobbene blir liggende i køen.",
                        "computer_name": "PC-12345",
                        "impact": {"system_down_for_user": true}
                    }))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::CREATED);
                r.bytes().await.unwrap();
            }
        },
    )
    .await;

    let (c, url) = (client.clone(), base.replace("/cases", "/status"));
    load(
        &format!("{backend} status board"),
        boards,
        clients,
        move |_| {
            let (c, url) = (c.clone(), url.clone());
            async move {
                let r = c.get(&url).send().await.unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::OK);
                r.bytes().await.unwrap();
            }
        },
    )
    .await;

    let url = format!("{base}?queue=open&sort=deadline&per_page=50");
    load(
        &format!("{backend} queue listing"),
        lists,
        clients,
        move |_| {
            let (c, url, token) = (client.clone(), url.clone(), agent.clone());
            async move {
                let r = c.get(&url).bearer_auth(&token).send().await.unwrap();
                assert_eq!(r.status(), reqwest::StatusCode::OK);
                r.bytes().await.unwrap();
            }
        },
    )
    .await;
}

#[tokio::main]
async fn main() {
    let config = skranke_core::Config::default();
    let sla = || skranke_store::SlaSettings::from_config(&config).unwrap();
    let dir = std::env::temp_dir().join(format!("skranke-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open_sqlite(&dir.join("skranke.db"), sla())
        .await
        .unwrap();
    bench("sqlite", store, dir.clone()).await;

    if let Ok(base) = std::env::var("SKRANKE_BENCH_POSTGRES_URL") {
        let schema = format!("bench_{}", std::process::id());
        let admin = sqlx::postgres::PgPool::connect(&base).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&admin)
            .await
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        let store = Store::open_postgres(&url, sla()).await.unwrap();
        bench("postgres", store.clone(), dir.clone()).await;
        store.close().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP SCHEMA {schema} CASCADE")))
            .execute(&admin)
            .await
            .unwrap();
    } else {
        println!("(set SKRANKE_BENCH_POSTGRES_URL to measure PostgreSQL as well)");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
