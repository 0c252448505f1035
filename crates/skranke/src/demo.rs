//! Demo data: two municipalities, their people, three agents and about
//! thirty cases, with fixed usernames and the password `demo`.

use anyhow::Result;
use jiff::{SignedDuration, Timestamp};
use skranke_core::audit::{AuditEntry, AuditEvent as E};
use skranke_core::change::{Change, NewMessage, Rules, Update};
use skranke_core::{Actor, Config};
use skranke_core::{CaseKind, Channel, NewCaseInput, Priority, Status, UserKind};
use skranke_store::{BasedOn, ChangeCase, CreateCase, NewUser, Store};

/// Username, name, kind, organization, unit, team and mail domain.
type DemoPerson<'a> = (
    &'a str,
    &'a str,
    UserKind,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    &'a str,
);

pub fn print_logins() {
    println!(
        "WARNING: demo mode. Every demo account has the password `demo`; never use this for real data."
    );
    println!("Demo logins: ansatt, ansatt2 (employees), elev (pupil), foresatt (guardian),");
    println!("             agent1, agent2, agent3 (agents), admin — password: demo");
}

const TITLES: [(&str, &str); 10] = [
    (
        "Får ikke logget inn i fagsystemet",
        "Feilmelding om ugyldig sesjon etter passordbytte.",
    ),
    (
        "Skriveren i 2. etasje skriver ikke ut",
        "Jobbene blir liggende i køen.",
    ),
    (
        "Outlook synkroniserer ikke kalenderen",
        "Møter fra i dag vises ikke på mobilen.",
    ),
    (
        "Ny PC til nyansatt",
        "Bestilling av standard PC med kontorpakke til oppstart mandag.",
    ),
    (
        "Nettverket er nede på legekontoret",
        "Ingen PC-er får kontakt med nettet.",
    ),
    (
        "Journalsystemet svarer ikke",
        "Helsepersonell får ikke åpnet pasientjournaler.",
    ),
    (
        "Tilgang til felles mappe",
        "Trenger lesetilgang til mappen for økonomi.",
    ),
    (
        "Hjemmekontor: VPN kobler fra",
        "VPN faller ut hvert tiende minutt.",
    ),
    (
        "Innbyggerportalen viser feilside",
        "Skjemaet for søknad om SFO-plass gir feil 500.",
    ),
    (
        "Bestille ekstra skjerm",
        "Ønsker en ekstra 27-tommers skjerm.",
    ),
];

async fn change(
    store: &Store,
    rules: &Rules,
    case_id: i64,
    actor: Actor,
    change: Change,
    now: Timestamp,
) -> Result<()> {
    let c = ChangeCase {
        case_id,
        actor,
        change,
        based_on: BasedOn::Latest,
        attachments: &[],
        now,
        idempotency: None,
        from_mail: None,
    };
    store.change_case(c, rules).await?;
    Ok(())
}

pub async fn seed(store: &Store) -> Result<()> {
    let now = Timestamp::now();
    let rules = Rules::from_config(&Config::default());
    let seeded = |event| AuditEntry {
        address: "demo".into(),
        ..AuditEntry::new(event, None)
    };
    let hash = |pw: &str| skranke_web::hash_password(pw).map_err(|e| anyhow::anyhow!(e));
    let a = store
        .create_org(
            "Kommune A",
            &["kommune-a.example".into()],
            &seeded(E::OrganizationCreated),
            now,
        )
        .await?;
    let b = store
        .create_org(
            "Kommune B",
            &["kommune-b.example".into()],
            &seeded(E::OrganizationCreated),
            now,
        )
        .await?;
    let a_health = store
        .create_unit(a, "Helse og omsorg", &seeded(E::UnitCreated), now)
        .await?;
    let a_school = store
        .create_unit(a, "Oppvekst og skole", &seeded(E::UnitCreated), now)
        .await?;
    store
        .create_unit(a, "Rådhuset", &seeded(E::UnitCreated), now)
        .await?;
    let b_tech = store
        .create_unit(b, "Teknisk etat", &seeded(E::UnitCreated), now)
        .await?;
    store
        .create_unit(b, "Barnehage", &seeded(E::UnitCreated), now)
        .await?;
    let ks = store
        .create_team("Kundeservice", &seeded(E::TeamCreated), now)
        .await?;
    let drift = store
        .create_team("Drift", &seeded(E::TeamCreated), now)
        .await?;
    let mut services = Vec::new();
    for s in [
        "E-post og kalender",
        "Fagsystem helse",
        "Skriver og utskrift",
        "Nettverk",
        "PC og programvare",
        "Innbyggerportal",
    ] {
        services.push(
            store
                .create_service(s, &seeded(E::ServiceCreated), now)
                .await?,
        );
    }
    let people: [DemoPerson; 8] = [
        (
            "ansatt",
            "Kari Nordmann",
            UserKind::Employee,
            Some(a),
            Some(a_health),
            None,
            "kommune-a.example",
        ),
        (
            "ansatt2",
            "Ola Hansen",
            UserKind::Employee,
            Some(b),
            Some(b_tech),
            None,
            "kommune-b.example",
        ),
        (
            "elev",
            "Emma Elev",
            UserKind::Pupil,
            Some(a),
            Some(a_school),
            None,
            "kommune-a.example",
        ),
        (
            "foresatt",
            "Per Foresatt",
            UserKind::Guardian,
            Some(a),
            None,
            None,
            "kommune-a.example",
        ),
        (
            "agent1",
            "Anne Saksbehandler",
            UserKind::Agent,
            None,
            None,
            Some(ks),
            "kundeservice.example",
        ),
        (
            "agent2",
            "Bjørn Saksbehandler",
            UserKind::Agent,
            None,
            None,
            Some(ks),
            "kundeservice.example",
        ),
        (
            "agent3",
            "Cecilie Drift",
            UserKind::Agent,
            None,
            None,
            Some(drift),
            "kundeservice.example",
        ),
        (
            "admin",
            "Demo Administrator",
            UserKind::Admin,
            None,
            None,
            None,
            "kundeservice.example",
        ),
    ];
    let mut ids = std::collections::HashMap::new();
    for (username, name, kind, org, unit, team, domain) in people {
        let id = store
            .create_user(
                &NewUser {
                    username: username.into(),
                    full_name: name.into(),
                    email: format!("{username}@{domain}"),
                    phone: String::new(),
                    kind,
                    org_id: org,
                    unit_id: unit,
                    team_id: team,
                    password_hash: Some(hash("demo")?),
                    must_change_password: false,
                },
                &seeded(E::UserCreated),
                now,
            )
            .await?;
        ids.insert(username, id);
    }
    let channels = [Channel::Web, Channel::Email, Channel::Phone, Channel::Api];
    let statuses = [
        Status::New,
        Status::InProgress,
        Status::WaitingCustomer,
        Status::InProgress,
        Status::WaitingSupplier,
        Status::Resolved,
        Status::Closed,
        Status::New,
    ];
    for i in 0..30usize {
        let (title, description) = TITLES[i % TITLES.len()];
        let requester = if i % 3 == 2 {
            ids["ansatt2"]
        } else {
            ids["ansatt"]
        };
        let channel = channels[i % channels.len()];
        let created_by = if channel == Channel::Phone {
            ids["agent1"]
        } else {
            requester
        };
        let registered = now - SignedDuration::from_hours(5 * (30 - i as i64));
        let case = store
            .create_case(CreateCase {
                input: NewCaseInput {
                    kind: if title.starts_with("Bestill") || title.starts_with("Ny PC") {
                        CaseKind::Order
                    } else {
                        CaseKind::Fault
                    },
                    title: title.into(),
                    description: description.into(),
                    requester_username: if requester == ids["ansatt"] {
                        "ansatt"
                    } else {
                        "ansatt2"
                    }
                    .into(),
                    computer_name: format!("PC-{:05}", 10_000 + i * 37),
                    service_id: Some(services[i % services.len()]),
                    suggested_priority: Priority::ALL[i % 4],
                    priority_confirmed: false,
                    channel,
                    follows_id: None,
                },
                requester_id: requester,
                created_by,
                year: registered
                    .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/Oslo")?)
                    .year(),
                now: registered,
                idempotency: None,
                from_mail: None,
                copied: Vec::new(),
                attachments: Vec::new(),
            })
            .await?
            .case;
        let status = statuses[i % statuses.len()];
        if status == Status::New {
            continue;
        }
        let agent = Actor {
            user_id: case.handler_id.unwrap_or(ids["agent1"]),
            kind: UserKind::Agent,
        };
        let t = registered + SignedDuration::from_mins(40);
        let reply = Change::Message(NewMessage {
            body: "Takk for henvendelsen. Vi ser på saken.".into(),
            ..NewMessage::default()
        });
        change(store, &rules, case.id, agent, reply, t).await?;
        let requester_actor = Actor {
            user_id: requester,
            kind: UserKind::Employee,
        };
        if i == 3 {
            // The requester answered back: the handler is told, and sees it as new.
            let answer = Change::Message(NewMessage {
                body: "Det hjelper dessverre ikke. Feilen kommer fortsatt hver morgen.".into(),
                ..NewMessage::default()
            });
            let at = t + SignedDuration::from_mins(90);
            change(store, &rules, case.id, requester_actor, answer, at).await?;
        }
        if status != Status::InProgress {
            let update = Change::Update(Update {
                status: Some(status),
                priority: Some(case.priority),
                ..Update::default()
            });
            change(
                store,
                &rules,
                case.id,
                agent,
                update,
                t + SignedDuration::from_mins(60),
            )
            .await?;
        }
        if i == 13 {
            // Resolved too early: the requester reopens it, saying why.
            let reopen = Change::Reopen {
                reason: "Skjermen flimrer igjen etter omstart.".into(),
            };
            let at = t + SignedDuration::from_mins(180);
            change(store, &rules, case.id, requester_actor, reopen, at).await?;
        }
    }
    operational_messages(store, &services, ids["agent1"], now).await
}

/// An ongoing outage of e-mail (with the first report linked), planned
/// maintenance of the health system tonight, and a resolved printer problem.
async fn operational_messages(
    store: &Store,
    services: &[i64],
    agent: i64,
    now: Timestamp,
) -> Result<()> {
    use skranke_core::operational::{OpFields, OpKind, OpState, Severity};
    let first_report = store
        .list_cases(&skranke_store::CaseFilter {
            text: Some("Outlook".into()),
            limit: 1,
            ..skranke_store::CaseFilter::default()
        })
        .await?
        .0
        .first()
        .map(|c| c.id);
    let message = |kind, title: &str, body: &str, severity, service, start, end| OpFields {
        kind,
        title: title.into(),
        body: body.into(),
        severity,
        services: vec![service],
        orgs: Vec::new(),
        starts_at: start,
        ends_at: end,
        published: true,
    };
    let outage = store
        .create_op_message(&skranke_store::NewOpMessage {
            fields: message(
                OpKind::Outage,
                "E-post er treg for mange brukere",
                "Vi ser at **e-post og kalender** bruker lang tid på å laste.\n\n- Gjelder Outlook på PC og mobil\n- Webmail virker som normalt\n\nVi jobber med leverandøren og melder her når det er løst.",
                Some(Severity::Degraded),
                services[0],
                now - SignedDuration::from_hours(2),
                Some(now + SignedDuration::from_hours(2)),
            ),
            state: OpState::Active,
            actor_id: agent,
            from_case: first_report,
            now: now - SignedDuration::from_hours(2),
        })
        .await?;
    let outage = store.op_message(outage).await?.rules();
    store
        .add_op_update(
            &outage,
            agent,
            "Leverandøren har funnet feilen og ruller ut en retting.",
            now - SignedDuration::from_mins(30),
        )
        .await?;
    let tonight = now + SignedDuration::from_hours(10);
    store
        .create_op_message(&skranke_store::NewOpMessage {
            fields: message(
                OpKind::Maintenance,
                "Oppgradering av fagsystem helse",
                "Fagsystemet er utilgjengelig mens det oppgraderes. Lagre arbeidet ditt før start.",
                None,
                services[1],
                tonight,
                Some(tonight + SignedDuration::from_hours(3)),
            ),
            state: OpState::Planned,
            actor_id: agent,
            from_case: None,
            now,
        })
        .await?;
    let printers = store
        .create_op_message(&skranke_store::NewOpMessage {
            fields: message(
                OpKind::Outage,
                "Utskrift virket ikke i Rådhuset",
                "Skriverkøen i Rådhuset stoppet.",
                Some(Severity::Unavailable),
                services[2],
                now - SignedDuration::from_hours(30),
                None,
            ),
            state: OpState::Active,
            actor_id: agent,
            from_case: None,
            now: now - SignedDuration::from_hours(30),
        })
        .await?;
    let before = store.op_message(printers).await?;
    let (after, diff) = skranke_core::operational::edit(
        &before.rules(),
        skranke_core::operational::OpPatch {
            state: Some(OpState::Resolved),
            ..Default::default()
        },
        now - SignedDuration::from_hours(27),
    )
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    store
        .edit_op_message(&skranke_store::EditOpMessage {
            after: &after,
            diff: &diff,
            version: before.row.version,
            actor_id: agent,
            note: "Skriverkøen er startet på nytt, og utskrift virker igjen.",
            now: now - SignedDuration::from_hours(27),
        })
        .await?;
    Ok(())
}
