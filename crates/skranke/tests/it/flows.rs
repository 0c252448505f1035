//! Whole flows through the pages, as people use them.

use crate::support::{csrf_of, spawn, spawn_with};
use reqwest::StatusCode;
use skranke_core::Config;

both!(requester_reports_agent_replies_and_resolves_requester_confirms);
async fn requester_reports_agent_replies_and_resolves_requester_confirms() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let (status, form) = app.get(&kari, "/portal/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        form.contains("driftsmeldinger"),
        "the form points to operational messages"
    );
    assert!(
        form.contains("Liv og Helse") || form.contains("liv og helse"),
        "priority definitions shown"
    );
    assert!(form.contains("value=\"ansatt\""), "username is filled in");

    let number = app.report(&kari, &kcsrf, "Skriveren virker ikke").await;
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(page.contains(&number));
    assert!(page.contains("Skriveren virker ikke"));
    let case = app.store.case_by_number(&number).await.unwrap();
    assert!(
        case.handler_id.is_some(),
        "a handler is assigned at creation"
    );
    assert_eq!(
        case.suggested_priority.key(),
        "medium",
        "system down for one user → Middels"
    );
    assert_eq!(case.channel.key(), "web");
    assert_eq!(case.computer_name, "PC-42");
    assert_eq!(case.requester_username, "ansatt");

    let handler = app.store.user(case.handler_id.unwrap()).await.unwrap();
    let (agent, acsrf) = app.login(&handler.username).await;
    let r = app
        .reply(
            &agent,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", acsrf.clone())
                .text("body", "Har du prøvd å slå den av og på?"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = app
        .reply(
            &agent,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", acsrf.clone())
                .text("body", "Hemmelig notat")
                .text("internal", "on"),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(
        case.status.key(),
        "in_progress",
        "the first public reply starts the work"
    );

    let version = case.version.to_string();
    let r = app
        .post(
            &agent,
            &format!("/cases/{number}/update"),
            &[
                ("csrf", &acsrf),
                ("version", &version),
                ("status", "resolved"),
                ("priority", "medium"),
                ("handler", &handler.id.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(case.status.key(), "resolved");
    assert!(case.priority_confirmed);

    // The agent's page shows the history timeline.
    let (_, page) = app.get(&agent, &format!("/cases/{number}")).await;
    assert!(page.contains("Status: Under behandling → Løst"), "{page}");
    assert!(page.contains("Prioritet bekreftet"));

    // The requester sees the reply, not the internal note, and confirms.
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(page.contains("Har du prøvd å slå den av og på?"));
    assert!(
        !page.contains("Hemmelig notat"),
        "internal notes stay internal"
    );
    assert!(page.contains("id=\"confirm\""));
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/confirm"),
            &[("csrf", &kcsrf)],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.store
            .case_by_number(&number)
            .await
            .unwrap()
            .status
            .key(),
        "closed"
    );

    // Reopen within the window, saying why.
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/reopen"),
            &[("csrf", &kcsrf), ("reason", " ")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("id=\"e-reopen-reason\"") && page.contains("Begrunnelsen må fylles ut."),
        "the reason is asked for at its field"
    );
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/reopen"),
            &[("csrf", &kcsrf), ("reason", "Skriveren stopper igjen")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(case.status.key(), "in_progress");
    assert_eq!(case.resolved_at, None);

    // The portal lists it with status, handler and priority.
    let (_, page) = app.get(&kari, "/portal").await;
    assert!(page.contains(&number) && page.contains(&handler.full_name));
    assert!(page.contains("id=\"open-now\""));
    assert!(page.contains("kundeservice@kundeservice.example"));
}

both!(reopen_is_refused_after_the_window);
async fn reopen_is_refused_after_the_window() {
    let mut config = Config::default();
    config.cases.reopen_window_days = 0;
    let app = spawn_with(config).await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Gammel sak").await;
    let case = app.store.case_by_number(&number).await.unwrap();
    crate::support::change_as(
        &app,
        "agent1",
        case.id,
        crate::support::set_status(skranke_core::Status::Resolved),
        jiff::Timestamp::now(),
    )
    .await;
    let r = app
        .post(
            &kari,
            &format!("/cases/{number}/reopen"),
            &[("csrf", &csrf), ("reason", "Det virker ikke likevel")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::CONFLICT);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"reopen-refused\"") && page.contains("Fristen for å gjenåpne"));
    assert!(
        page.contains("id=\"follow-up\"") && page.contains("Det virker ikke likevel"),
        "a new report is offered, with the text kept"
    );
    assert_eq!(
        app.store
            .case_by_number(&number)
            .await
            .unwrap()
            .status
            .key(),
        "resolved"
    );
}

both!(new_cases_go_to_the_least_loaded_agent_then_round_robin);
async fn new_cases_go_to_the_least_loaded_agent_then_round_robin() {
    let app = spawn().await;
    // Close every demo case so all agents start with zero open cases.
    let (all, _) = app
        .store
        .list_cases(&skranke_store::CaseFilter {
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    for c in all.iter().filter(|c| c.status.is_open()) {
        crate::support::change_as(
            &app,
            "agent1",
            c.id,
            crate::support::set_status(skranke_core::Status::Closed),
            jiff::Timestamp::now(),
        )
        .await;
    }
    let (kari, csrf) = app.login("ansatt").await;
    let mut handlers = Vec::new();
    for i in 0..6 {
        let n = app.report(&kari, &csrf, &format!("Sak {i}")).await;
        handlers.push(
            app.store
                .case_by_number(&n)
                .await
                .unwrap()
                .handler_id
                .unwrap(),
        );
    }
    let mut distinct = handlers[..3].to_vec();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        distinct.len(),
        3,
        "three agents, three first cases: one each"
    );
    assert_eq!(handlers[..3], handlers[3..], "then the same order again");

    // An agent with fewer open cases is preferred over the round-robin.
    let first = app
        .store
        .case_by_number(&app.report(&kari, &csrf, "x").await)
        .await
        .unwrap();
    let busy = first.handler_id.unwrap();
    let next = app.report(&kari, &csrf, "y").await;
    assert_ne!(
        app.store
            .case_by_number(&next)
            .await
            .unwrap()
            .handler_id
            .unwrap(),
        busy
    );
}

both!(agent_registers_a_phone_case_for_a_caller);
async fn agent_registers_a_phone_case_for_a_caller() {
    let app = spawn().await;
    let (agent, csrf) = app.login("agent2").await;
    let (status, page) = app.get(&agent, "/agent/phone?q=Nordmann").await;
    assert_eq!(status, StatusCode::OK);
    let kari = app.store.user_by_username("ansatt").await.unwrap();
    assert!(page.contains(&format!("/agent/phone/{}", kari.id)));
    let (_, page) = app.get(&agent, "/agent/phone?q=ansatt2@kommune-b").await;
    assert!(page.contains("Ola Hansen"), "found by e-mail");
    let (status, form) = app.get(&agent, &format!("/agent/phone/{}", kari.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("Telefonhenvendelse for Kari Nordmann"));
    let kid = kari.id.to_string();
    let r = app
        .post(
            &agent,
            "/agent/phone",
            &[
                ("csrf", &csrf),
                ("requester_id", &kid),
                ("kind", "fault"),
                ("title", "Ringte om VPN"),
                ("description", "VPN faller ut."),
                ("life_and_health", "on"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let number = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/cases/")
        .to_owned();
    let case = app.store.case_by_number(&number).await.unwrap();
    assert_eq!(case.channel.key(), "phone");
    assert_eq!(case.requester_id, kari.id);
    assert_eq!(case.suggested_priority.key(), "critical");
    assert_eq!(case.requester_username, "ansatt");

    // A pupil calling is refused, and nothing is stored.
    let elev = app.store.user_by_username("elev").await.unwrap();
    let before = app.case_count().await;
    let (status, page) = app.get(&agent, &format!("/agent/phone/{}", elev.id)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("skolen"));
    let eid = elev.id.to_string();
    let r = app
        .post(
            &agent,
            "/agent/phone",
            &[
                ("csrf", &csrf),
                ("requester_id", &eid),
                ("kind", "fault"),
                ("title", "t"),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.case_count().await, before);
}

both!(queues_filter_and_sort);
async fn queues_filter_and_sort() {
    let app = spawn().await;
    let (agent, _) = app.login("agent1").await;
    let me = app.store.user_by_username("agent1").await.unwrap();
    let (status, mine) = app.get(&agent, "/agent").await;
    assert_eq!(status, StatusCode::OK);
    let (open, total_open) = app
        .store
        .list_cases(&skranke_store::CaseFilter {
            queue: Some(skranke_store::Queue::Mine(me.id)),
            limit: 500,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(total_open > 0);
    for c in &open {
        assert!(mine.contains(&c.number));
    }
    assert!(mine.contains(&format!("{total_open} saker")));
    let (_, critical) = app.get(&agent, "/agent?queue=all&priority=critical").await;
    assert!(critical.contains("p-critical"));
    assert!(
        !critical.contains("class=\"prio p-low\""),
        "filter by priority"
    );
    let (_, found) = app.get(&agent, "/agent?queue=all&q=Journalsystemet").await;
    assert!(found.contains("Journalsystemet svarer ikke"));
    assert!(!found.contains("Skriveren i 2. etasje"));
    let (status, _) = app
        .get(&agent, "/agent?queue=unassigned&sort=priority&status=bogus")
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "unknown filter values are ignored, not errors"
    );
}

both!(attachments_are_stored_and_served_as_downloads);
async fn attachments_are_stored_and_served_as_downloads() {
    let app = spawn().await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Med vedlegg").await;
    let part = reqwest::multipart::Part::bytes(b"<script>alert(1)</script>".to_vec())
        .file_name("skjerm bilde.html")
        .mime_str("text/html")
        .unwrap();
    let r = app
        .reply(
            &kari,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("body", "Se vedlegg")
                .part("attachment", part),
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let case = app.store.case_by_number(&number).await.unwrap();
    let atts = app.store.attachments(case.id, true).await.unwrap();
    assert_eq!(atts.len(), 1);
    let r = kari
        .get(app.url(&format!("/attachments/{}", atts[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(
        r.bytes().await.unwrap().as_ref(),
        b"<script>alert(1)</script>"
    );

    // Another requester cannot fetch it.
    let (ola, _) = app.login("ansatt2").await;
    let r = ola
        .get(app.url(&format!("/attachments/{}", atts[0].id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

both!(oversized_attachments_are_refused_and_nothing_is_kept);
async fn oversized_attachments_are_refused_and_nothing_is_kept() {
    let mut config = Config::default();
    config.cases.max_attachment_bytes = 1024;
    let app = spawn_with(config).await;
    let (kari, csrf) = app.login("ansatt").await;
    let number = app.report(&kari, &csrf, "Stort vedlegg").await;
    let part = reqwest::multipart::Part::bytes(vec![b'x'; 200 * 1024]).file_name("stor.bin");
    let r = app
        .reply(
            &kari,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("body", "stor")
                .part("attachment", part),
        )
        .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let case = app.store.case_by_number(&number).await.unwrap();
    assert!(app.store.messages(case.id, true).await.unwrap().is_empty());
    assert!(
        app.store
            .attachments(case.id, true)
            .await
            .unwrap()
            .is_empty()
    );
}

both!(a_file_over_the_limit_or_too_much_text_keeps_what_was_typed);
async fn a_file_over_the_limit_or_too_much_text_keeps_what_was_typed() {
    let mut config = Config::default();
    config.cases.max_attachment_bytes = 1024;
    let app = spawn_with(config).await;
    let (kari, csrf) = app.login("ansatt").await;
    let before = app.case_count().await;
    let big = || reqwest::multipart::Part::bytes(vec![b'x'; 2000]).file_name("logg.txt");

    // The first report, with a file just over the limit.
    let r = kari
        .post(app.url("/portal/cases"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("kind", "fault")
                .text("title", "Skriveren <står>")
                .text("description", "Papirstopp i skuff 2")
                .part("attachment", big()),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("«logg.txt» er for stor"), "{page}");
    assert!(page.contains("høyst 1,0\u{a0}kB"), "the limit in words");
    assert!(
        page.contains("value=\"Skriveren &#60;står&#62;\""),
        "title kept, escaped"
    );
    assert!(
        page.contains(">Papirstopp i skuff 2</textarea>"),
        "text kept"
    );
    assert_eq!(app.case_count().await, before, "nothing stored");

    // Too long a title: the same form, the same text.
    let long = "a".repeat(201);
    let r = app
        .post(
            &kari,
            "/portal/cases",
            &[
                ("csrf", &csrf),
                ("kind", "fault"),
                ("title", &long),
                ("description", "Beskrivelse"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Tittel kan ikke være lenger enn 200 tegn."),
        "{page}"
    );
    assert!(page.contains(&long));
    assert_eq!(app.case_count().await, before);

    // A reply with a file over the limit keeps the reply.
    let number = app.report(&kari, &csrf, "Med svar").await;
    let r = app
        .reply(
            &kari,
            &number,
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text("body", "Her er loggen")
                .part("attachment", big()),
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("«logg.txt» er for stor"));
    assert!(page.contains(">Her er loggen</textarea>"), "reply kept");
    let case = app.store.case_by_number(&number).await.unwrap();
    assert!(app.store.messages(case.id, true).await.unwrap().is_empty());
}

both!(admin_manages_people_organizations_and_teams);
async fn admin_manages_people_organizations_and_teams() {
    let app = spawn().await;
    let (admin, csrf) = app.login("admin").await;
    let r = app
        .post(
            &admin,
            "/admin/orgs",
            &[
                ("csrf", &csrf),
                ("name", "Kommune C"),
                ("domains", "kommune-c.example"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let orgs = app.store.list_orgs().await.unwrap();
    let c = orgs.iter().find(|o| o.name == "Kommune C").unwrap();
    assert_eq!(c.domains, ["kommune-c.example"]);
    let path = format!("/admin/orgs/{}/units", c.id);
    assert_eq!(
        app.post(&admin, &path, &[("csrf", &csrf), ("name", "Skole")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        app.post(
            &admin,
            "/admin/teams",
            &[("csrf", &csrf), ("name", "Nivå 2")]
        )
        .await
        .status(),
        StatusCode::SEE_OTHER
    );
    let unit = app
        .store
        .list_orgs()
        .await
        .unwrap()
        .into_iter()
        .find(|o| o.name == "Kommune C")
        .unwrap()
        .units[0]
        .id
        .to_string();
    let r = app
        .post(
            &admin,
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "nyansatt"),
                ("full_name", "Ny Ansatt"),
                ("email", "ny@kommune-c.example"),
                ("kind", "employee"),
                ("unit_id", &unit),
                ("password", "langt-passord-1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let u = app.store.user_by_username("nyansatt").await.unwrap();
    assert_eq!(
        u.org_name.as_deref(),
        Some("Kommune C"),
        "org follows the unit"
    );

    // Duplicates and bad input are shown on the page, nothing changes.
    let r = app
        .post(
            &admin,
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "nyansatt"),
                ("full_name", "X"),
                ("email", "x@kommune-c.example"),
                ("kind", "employee"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Brukernavn er allerede i bruk.")
    );
    let r = app
        .post(
            &admin,
            "/admin/users",
            &[
                ("csrf", &csrf),
                ("username", "a b"),
                ("full_name", "X"),
                ("email", "nope"),
                ("kind", "employee"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Deactivating a user ends their sessions.
    let (ola, _) = app.login("ansatt2").await;
    let ola_id = app
        .store
        .user_by_username("ansatt2")
        .await
        .unwrap()
        .id
        .to_string();
    let r = app
        .post(
            &admin,
            &format!("/admin/users/{ola_id}/active"),
            &[("csrf", &csrf), ("active", "false")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = ola.get(app.url("/portal")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/login");

    let (_, page) = app.get(&admin, "/admin").await;
    assert!(page.contains("Kommune C") && page.contains("Nivå 2") && page.contains("nyansatt"));
    let _ = csrf_of(&page);
}

both!(a_requester_sees_which_cases_have_replies_they_have_not_read);
async fn a_requester_sees_which_cases_have_replies_they_have_not_read() {
    let app = spawn().await;
    let (kari, kcsrf) = app.login("ansatt").await;
    let number = app.report(&kari, &kcsrf, "Uleste svar").await;
    let row_marked = |page: &str| {
        let at = page
            .find(&format!(">{number}</a>"))
            .expect("the case is listed");
        page[at..]
            .split("</td>")
            .next()
            .unwrap()
            .contains("new-reply")
    };
    let (_, portal) = app.get(&kari, "/portal").await;
    assert!(!row_marked(&portal), "their own report is not news");

    let case = app.store.case_by_number(&number).await.unwrap();
    let handler = app.store.user(case.handler_id.unwrap()).await.unwrap();
    let (agent, acsrf) = app.login(&handler.username).await;
    let note = reqwest::multipart::Form::new()
        .text("csrf", acsrf.clone())
        .text("body", "Internt: sjekk lisens")
        .text("internal", "on");
    assert_eq!(
        app.reply(&agent, &number, note).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, portal) = app.get(&kari, "/portal").await;
    assert!(
        !row_marked(&portal),
        "an internal note is not for the requester"
    );

    let answer = reqwest::multipart::Form::new()
        .text("csrf", acsrf.clone())
        .text("body", "Prøv å starte på nytt.");
    assert_eq!(
        app.reply(&agent, &number, answer).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, portal) = app.get(&kari, "/portal").await;
    assert!(row_marked(&portal), "the desk's answer is marked");
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(
        page.contains("id=\"new-notice\""),
        "the case page says what is new"
    );
    assert!(page.contains("class=\" new\""), "and marks the message");

    // Once read, it is no longer new; their own reply does not make it so.
    let own = reqwest::multipart::Form::new()
        .text("csrf", kcsrf.clone())
        .text("body", "Det hjalp ikke.");
    assert_eq!(
        app.reply(&kari, &number, own).await.status(),
        StatusCode::SEE_OTHER
    );
    let (_, portal) = app.get(&kari, "/portal").await;
    assert!(!row_marked(&portal));
    let (_, page) = app.get(&kari, &format!("/cases/{number}")).await;
    assert!(!page.contains("id=\"new-notice\""));
}
