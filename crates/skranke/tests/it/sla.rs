//! The SLA in the live system: state kept with every change, escalations
//! recorded once and delivered from the outbox, agreed deadlines, and the
//! agent's view of the clocks.

use crate::support::{spawn, spawn_state, temp_dir};
use jiff::{SignedDuration, Timestamp};
use reqwest::StatusCode;
use skranke_core::{CaseKind, Channel, Config, NewCaseInput, Priority, Status};
use skranke_store::{CreateCase, Store};

fn oslo(s: &str) -> Timestamp {
    let dt: jiff::civil::DateTime = s.parse().unwrap();
    jiff::tz::TimeZone::get("Europe/Oslo")
        .unwrap()
        .to_timestamp(dt)
        .unwrap()
}

pub(crate) async fn register(
    store: &Store,
    priority: Priority,
    at: Timestamp,
) -> skranke_store::Case {
    let requester = store.user_by_username("ansatt").await.unwrap();
    store
        .create_case(CreateCase {
            input: NewCaseInput {
                kind: CaseKind::Fault,
                title: "Journalsystemet er nede".into(),
                description: "Ingen får logget inn.".into(),
                requester_username: "ansatt".into(),
                computer_name: "PC-1".into(),
                service_id: None,
                suggested_priority: priority,
                priority_confirmed: false,
                channel: Channel::Web,
                follows_id: None,
            },
            requester_id: requester.id,
            created_by: requester.id,
            year: 2027,
            now: at,
            idempotency: None,
            from_mail: None,
            copied: Vec::new(),
            attachments: Vec::new(),
        })
        .await
        .unwrap()
        .case
}

both!(a_new_case_carries_its_deadlines);
async fn a_new_case_carries_its_deadlines() {
    let app = spawn().await;
    let reg = oslo("2027-01-11T10:00");
    let case = register(&app.store, Priority::Medium, reg).await;
    assert_eq!(
        case.response_due,
        Some(oslo("2027-01-11T13:00").as_millisecond())
    );
    assert_eq!(
        case.resolution_due,
        Some(oslo("2027-01-14T10:00").as_millisecond())
    );
    assert_eq!(case.next_due, case.response_due);
    assert!(!case.response_breached && !case.resolution_paused);
}

both!(escalations_are_recorded_once_delivered_and_caught_up_late);
async fn escalations_are_recorded_once_delivered_and_caught_up_late() {
    let app = spawn().await;
    let reg = oslo("2027-01-11T10:00");
    let case = register(&app.store, Priority::Critical, reg).await;
    let handler = case.handler_id.unwrap();
    // The demo's own cases escalate in the same sweeps; look at this case's only.
    let notes_of = || async {
        app.store
            .notifications(handler, 1000)
            .await
            .unwrap()
            .into_iter()
            .filter(|n| n.case_number.as_deref() == Some(case.number.as_str()))
            .filter(|n| n.kind == skranke_core::notice::NoticeKind::Escalated)
            .collect::<Vec<_>>()
    };
    let at = |mins: i64| reg + SignedDuration::from_mins(mins);

    // Nothing is due before 15 minutes of opening time.
    assert!(
        !app.store
            .due_escalations(at(14), None, 1000)
            .await
            .unwrap()
            .iter()
            .any(|(_, id)| *id == case.id)
    );
    assert!(
        app.store
            .due_escalations(at(15), None, 1000)
            .await
            .unwrap()
            .iter()
            .any(|(_, id)| *id == case.id)
    );

    let now = at(15) + SignedDuration::from_secs(30);
    let r = skranke_web::notify::sweep_once(&app.state, now)
        .await
        .unwrap();
    assert!(r.escalated >= 1);
    let esc = app.store.escalations_of(case.id).await.unwrap();
    assert_eq!(esc.len(), 1);
    assert_eq!((esc[0].clock.as_str(), esc[0].level), ("response", 1));
    assert_eq!(esc[0].reached_at, at(15).as_millisecond());
    assert!(!esc[0].late, "sent within the grace period");
    let notes = notes_of().await;
    assert_eq!(notes.len(), 1, "the handler got one in-app notification");
    assert_eq!(
        (
            notes[0].kind,
            notes[0].case_number.as_deref().unwrap_or_default(),
            notes[0].level
        ),
        (
            skranke_core::notice::NoticeKind::Escalated,
            case.number.as_str(),
            Some(1)
        )
    );
    let text = skranke_web::notify::notification_text(&app.state.config, &notes[0]);
    assert!(
        text.contains(&case.number) && text.contains("nivå 1"),
        "{text}"
    );
    assert!(
        app.store.pending_outbox(now, 100).await.unwrap().is_empty(),
        "log line delivered too"
    );

    // Sweeping again changes nothing: exactly once.
    skranke_web::notify::sweep_once(&app.state, now)
        .await
        .unwrap();
    assert_eq!(app.store.escalations_of(case.id).await.unwrap().len(), 1);
    assert_eq!(notes_of().await.len(), 1);

    // After seven hours of downtime every level is caught up, marked late, once.
    let later = at(7 * 60);
    skranke_web::notify::sweep_once(&app.state, later)
        .await
        .unwrap();
    skranke_web::notify::sweep_once(&app.state, later)
        .await
        .unwrap();
    let esc = app.store.escalations_of(case.id).await.unwrap();
    let mut keys: Vec<(String, i64)> = esc.iter().map(|e| (e.clock.clone(), e.level)).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            ("resolution", 1),
            ("resolution", 2),
            ("resolution", 3),
            ("response", 1),
            ("response", 2),
            ("response", 3)
        ]
        .map(|(c, l)| (c.to_owned(), l))
    );
    assert!(
        esc.iter()
            .filter(|e| e.level > 1 || e.clock == "resolution")
            .all(|e| e.late)
    );
    let resolution_l3 = esc
        .iter()
        .find(|e| e.clock == "resolution" && e.level == 3)
        .unwrap();
    assert_eq!(
        resolution_l3.reached_at,
        at(6 * 60).as_millisecond(),
        "reached at 6 h, not when noticed"
    );
    assert_eq!(notes_of().await.len(), 6);
    let case = app.store.case_by_number(&case.number).await.unwrap();
    assert_eq!((case.response_level, case.resolution_level), (3, 3));
    assert!(case.resolution_breached);
    assert!(
        !app.store
            .due_escalations(later, None, 1000)
            .await
            .unwrap()
            .iter()
            .any(|(_, id)| *id == case.id)
    );
}

both!(a_priority_change_escalates_in_the_same_transaction);
async fn a_priority_change_escalates_in_the_same_transaction() {
    let app = spawn().await;
    let reg = oslo("2027-01-11T09:00");
    let case = register(&app.store, Priority::Medium, reg).await;
    let change = reg + SignedDuration::from_mins(150);
    let raise = skranke_core::change::Change::Update(skranke_core::change::Update {
        priority: Some(Priority::High),
        ..Default::default()
    });
    let updated = crate::support::change_as(&app, "agent1", case.id, raise, change).await;
    // Høy: response levels at 1 h and 2 h are already passed; no sweep needed.
    assert_eq!(updated.response_level, 2);
    let esc = app.store.escalations_of(case.id).await.unwrap();
    assert_eq!(esc.len(), 2);
    assert!(esc.iter().all(|e| e.reached_at == change.as_millisecond()));
    // (The demo's own cases may have deliveries waiting too.)
    assert_eq!(
        app.store
            .pending_outbox(change, 1000)
            .await
            .unwrap()
            .iter()
            .filter(|i| i.case_id == case.id)
            .count(),
        4,
        "in-app and log, per level"
    );
    // Høy resolution runs around the clock: due 4 h after registration.
    assert_eq!(
        updated.resolution_due,
        Some((reg + SignedDuration::from_hours(4)).as_millisecond())
    );
}

both!(failed_deliveries_are_retried_later);
async fn failed_deliveries_are_retried_later() {
    let data = temp_dir("retry");
    let config = Config::default();
    let (store, db) = crate::support::TestDb::create(&data, &config).await;
    skranke::demo::seed(&store).await.unwrap();
    // A state that can only write log lines: in-app messages fail.
    let log_only = skranke_web::AppState::new(store.clone(), config.clone(), data.clone())
        .unwrap()
        .with_deliveries(vec![Box::new(skranke_web::notify::Log)]);
    let full = skranke_web::AppState::new(store.clone(), config, data.clone()).unwrap();
    let app = spawn_state(full, store.clone(), data, db).await;

    let reg = oslo("2027-02-01T10:00");
    let case = register(&store, Priority::Critical, reg).await;
    let now = reg + SignedDuration::from_mins(16);
    let r = skranke_web::notify::sweep_once(&log_only, now)
        .await
        .unwrap();
    assert!(r.failed >= 1, "{r:?}");
    let handler = case.handler_id.unwrap();
    let number = case.number.clone();
    let count = || {
        let (s, number) = (store.clone(), number.clone());
        async move {
            s.notifications(handler, 500)
                .await
                .unwrap()
                .into_iter()
                .filter(|n| n.case_number.as_deref() == Some(number.as_str()))
                .filter(|n| n.kind == skranke_core::notice::NoticeKind::Escalated)
                .count()
        }
    };
    assert_eq!(count().await, 0);
    // Backed off: not yet due for another try ten seconds later.
    assert!(
        store
            .pending_outbox(now + SignedDuration::from_secs(10), 100)
            .await
            .unwrap()
            .iter()
            .all(|i| i.case_id != case.id)
    );
    let r = skranke_web::notify::sweep_once(&app.state, now + SignedDuration::from_secs(31))
        .await
        .unwrap();
    assert!(r.delivered >= 1);
    assert_eq!(count().await, 1, "delivered once after the retry");
}

both!(agents_set_an_agreed_deadline_with_a_reason);
async fn agents_set_an_agreed_deadline_with_a_reason() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let number = app.report(&kari, &kcsrf, "Hjemmekontor").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    let handler = app.store.user(case.handler_id.unwrap()).await.unwrap();
    let (agent, csrf) = app.login(&handler.username).await;
    let path = format!("/cases/{number}/deadline");
    let tz = jiff::tz::TimeZone::get("Europe/Oslo").unwrap();
    let in_days = |d: i64| {
        (Timestamp::now() + SignedDuration::from_hours(24 * d))
            .to_zoned_datetime(tz.clone())
            .strftime("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let r = app
        .post(
            &agent,
            &path,
            &[
                ("csrf", &csrf),
                ("version", &case.version.to_string()),
                ("deadline", &in_days(3)),
                ("reason", " "),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Begrunnelsen må fylles ut.")
    );
    let r = app
        .post(
            &agent,
            &path,
            &[
                ("csrf", &csrf),
                ("version", &case.version.to_string()),
                ("deadline", &in_days(-1)),
                ("reason", "avtalt"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("kan ikke ligge før nå"));
    let r = app
        .post(
            &kari,
            &path,
            &[
                ("csrf", &kcsrf),
                ("version", &case.version.to_string()),
                ("deadline", &in_days(3)),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(
        r.status(),
        StatusCode::FORBIDDEN,
        "requesters cannot set deadlines"
    );
    assert_eq!(
        app.store
            .case_by_number(&number)
            .await
            .unwrap()
            .agreed_deadline,
        None
    );

    let when = in_days(3);
    let r = app
        .post(
            &agent,
            &path,
            &[
                ("csrf", &csrf),
                ("version", &case.version.to_string()),
                ("deadline", &when),
                ("reason", "Avtalt med bruker på telefon"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = app.store.case_by_number(&number).await.unwrap();
    let expected = tz
        .to_timestamp(when.parse().unwrap())
        .unwrap()
        .as_millisecond();
    assert_eq!(case.agreed_deadline, Some(expected));
    assert_eq!(
        case.resolution_due,
        Some(expected),
        "the agreed deadline replaces the resolution due"
    );
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("Avtalt frist: – →"), "history shows it");
    assert!(page.contains("Avtalt med bruker på telefon"));
    assert!(page.contains("id=\"agreed-deadline\""));
}

both!(the_queue_shows_clocks_and_sorts_by_the_nearest_deadline);
async fn the_queue_shows_clocks_and_sorts_by_the_nearest_deadline() {
    let app = spawn().await;
    let (agent, _) = app.login("agent1").await;
    let (status, page) = app.get(&agent, "/agent?queue=open").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<th scope=\"col\">Svartid</th>")
            && page.contains("<th scope=\"col\">Løsningstid</th>")
    );
    assert!(
        page.contains("class=\"clock k-"),
        "clock cells with their state"
    );
    // Rows come in order of next_due.
    let (cases, _) = app
        .store
        .list_cases(&skranke_store::CaseFilter {
            queue: Some(skranke_store::Queue::AllOpen),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    let positions: Vec<usize> = cases
        .iter()
        .map(|c| page.find(&format!(">{}<", c.number)).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "page order follows the store's deadline order"
    );
    let dues: Vec<i64> = cases.iter().filter_map(|c| c.next_due).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]));
}

both!(the_case_page_and_api_show_both_clocks);
async fn the_case_page_and_api_show_both_clocks() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let number = app.report(&kari, &kcsrf, "Klokker").await;
    let (agent, _) = app.login("agent1").await;
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("id=\"clocks\""));
    assert!(page.contains("Svartid") && page.contains("Løsningstid"));
    let token = app.token("agent1").await;
    let v: serde_json::Value = app
        .api(
            reqwest::Method::GET,
            &format!("/api/v1/cases/{number}"),
            &token,
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(v["sla"]["response"]["due"].is_string(), "{v}");
    assert!(v["sla"]["resolution"]["due"].is_string());
    assert_eq!(v["sla"]["paused"], false);
    // Waiting for the requester pauses the resolution clock.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &token,
            Some(serde_json::json!({"status": "waiting_customer", "version": v["version"]})),
        )
        .await;
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["sla"]["paused"], true);
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("På pause"), "paused clock shown as paused");
    // An agreed deadline over the API needs a reason.
    let r = app
        .api(
            reqwest::Method::PATCH,
            &format!("/api/v1/cases/{number}"),
            &token,
            Some(serde_json::json!({"agreed_deadline": "2099-01-01T10:00:00Z", "version": v["version"]})),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let p: serde_json::Value = r.json().await.unwrap();
    assert_eq!(p["field"], "agreed_deadline_reason");
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(case.status, Status::WaitingCustomer);
}

#[test]
fn serve_catches_up_on_escalations_missed_while_down() {
    use std::io::{BufRead, BufReader};
    let dir = temp_dir("catchup");
    let data = dir.join("data");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_skranke"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = BufReader::new(child.stdout.take().unwrap()).lines();
    for line in lines {
        if line.unwrap().starts_with("Skranke is running") {
            break;
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (late, undelivered) = rt.block_on(async {
        let sla = skranke_store::SlaSettings::from_config(&Config::default()).unwrap();
        let store = Store::open_sqlite(&data.join("skranke.db"), sla)
            .await
            .unwrap();
        let mut found = (0, usize::MAX);
        // The demo's cases were registered days ago; the first sweep runs at start.
        for _ in 0..100 {
            let (cases, _) = store
                .list_cases(&skranke_store::CaseFilter {
                    limit: 500,
                    ..Default::default()
                })
                .await
                .unwrap();
            let mut late = 0;
            for c in &cases {
                late += store
                    .escalations_of(c.id)
                    .await
                    .unwrap()
                    .iter()
                    .filter(|e| e.late)
                    .count();
            }
            let undelivered = store
                .pending_outbox(Timestamp::now(), 1000)
                .await
                .unwrap()
                .len();
            found = (late, undelivered);
            if late > 0 && undelivered == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        found
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        late > 0,
        "levels that fell due while down are recorded as late"
    );
    assert_eq!(undelivered, 0, "and delivered");
    let _ = std::fs::remove_dir_all(dir);
}

both!(a_dead_instances_lease_is_taken_over);
async fn a_dead_instances_lease_is_taken_over() {
    let app = spawn().await;
    let reg = oslo("2027-03-01T10:00");
    let case = register(&app.store, Priority::Critical, reg).await;
    let now = reg + SignedDuration::from_mins(16);
    app.store.sweep_case(case.id, now).await.unwrap();
    let lease = SignedDuration::from_secs(60);
    // Instance A leases the messages and dies before delivering them.
    let a = app.store.claim_outbox("a", now, lease, 1000).await.unwrap();
    assert!(a.iter().any(|i| i.case_id == case.id));
    // Instance B does not get them while A's lease runs…
    let b = app
        .store
        .claim_outbox("b", now + SignedDuration::from_secs(30), lease, 1000)
        .await
        .unwrap();
    assert!(b.iter().all(|i| i.case_id != case.id));
    // …and takes them over once it has run out.
    let b = app
        .store
        .claim_outbox("b", now + SignedDuration::from_secs(61), lease, 1000)
        .await
        .unwrap();
    let mine: Vec<_> = b.iter().filter(|i| i.case_id == case.id).collect();
    assert_eq!(
        mine.len(),
        a.iter().filter(|i| i.case_id == case.id).count()
    );
}
