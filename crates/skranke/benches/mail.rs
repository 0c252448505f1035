//! Mail into cases: messages sent over SMTP by several clients to the
//! built-in listener, each stored durably before its `250`, then made a
//! case (parse, requester, number, handler, history, SLA state, receipt
//! notice) by the processor, on SQLite. Prints how many messages a second
//! were taken, and how many a second became cases (from the first send to
//! the last case).
//!
//! cargo bench -p skranke --bench mail
//! SKRANKE_BENCH_MAILS and SKRANKE_BENCH_CLIENTS change the load.

use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let mails = env_or("SKRANKE_BENCH_MAILS", 3000);
    let clients = env_or("SKRANKE_BENCH_CLIENTS", 8);
    let mut config = skranke_core::Config::default();
    // One sender sends them all here.
    config.mail.per_sender_per_hour = u32::MAX;
    let dir = std::env::temp_dir().join(format!("skranke-bench-mail-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let sla = skranke_store::SlaSettings::from_config(&config).unwrap();
    let store = skranke_store::Store::open_sqlite(&dir.join("skranke.db"), sla)
        .await
        .unwrap();
    skranke::demo::seed(&store).await.unwrap();
    let before = store.count_for_test("SELECT COUNT(*) FROM cases").await;
    let state = skranke_web::AppState::new(store.clone(), config, dir.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    skranke_web::inbound::listen(state.clone(), listener).unwrap();
    skranke_web::inbound::spawn_processor(state.clone());

    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..clients {
        let n = mails / clients + usize::from(w < mails % clients);
        tasks.push(tokio::spawn(async move {
            // One connection per client, kept open (as a relay does).
            let smtp = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
                .port(port)
                .build();
            for i in 0..n {
                let m = Message::builder()
                    .from("Kari Nordmann <ansatt@kommune-a.example>".parse().unwrap())
                    .to("kundeservice@kundeservice.example".parse().unwrap())
                    .subject(format!("Skriveren står {w}-{i}"))
                    .message_id(Some(format!("<bench-{w}-{i}@kommune-a.example>")))
                    .body("Skriveren i 2. etasje skriver ikke ut.\n\nKari".to_owned())
                    .unwrap();
                smtp.send(m).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let taken = started.elapsed();
    let want = before + i64::try_from(mails).unwrap();
    loop {
        if store.count_for_test("SELECT COUNT(*) FROM cases").await >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let cased = started.elapsed();
    println!(
        "sqlite mail over SMTP: {mails} messages, {clients} clients, taken {:.0}/s, made cases {:.0}/s",
        mails as f64 / taken.as_secs_f64(),
        mails as f64 / cased.as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
