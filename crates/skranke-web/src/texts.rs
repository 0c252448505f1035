//! Every text the user interface shows, in Norwegian Bokmål. One place, so
//! that an English table can follow with the same keys.

use skranke_core::case::ValidationCode;
use skranke_core::{CaseKind, Channel, Priority, Status, UserKind};

/// The Norwegian label of an enum that travels as an English key.
pub trait Label {
    fn label(&self) -> &'static str;
}

impl Label for Priority {
    fn label(&self) -> &'static str {
        match self {
            Priority::Critical => "Kritisk",
            Priority::High => "Høy",
            Priority::Medium => "Middels",
            Priority::Low => "Lav",
        }
    }
}

impl Label for Status {
    fn label(&self) -> &'static str {
        match self {
            Status::New => "Ny",
            Status::InProgress => "Under behandling",
            Status::WaitingCustomer => "Venter på bruker",
            Status::WaitingSupplier => "Venter på leverandør",
            Status::Resolved => "Løst",
            Status::Closed => "Lukket",
        }
    }
}

impl Label for CaseKind {
    fn label(&self) -> &'static str {
        match self {
            CaseKind::Fault => "Feilmelding",
            CaseKind::Order => "Bestilling (avrop)",
        }
    }
}

impl Label for Channel {
    fn label(&self) -> &'static str {
        match self {
            Channel::Web => "Web",
            Channel::Email => "E-post",
            Channel::Phone => "Telefon",
            Channel::Api => "API",
        }
    }
}

impl Label for UserKind {
    fn label(&self) -> &'static str {
        match self {
            UserKind::Employee => "Ansatt",
            UserKind::Pupil => "Elev",
            UserKind::Guardian => "Foresatt",
            UserKind::Agent => "Saksbehandler",
            UserKind::Admin => "Administrator",
        }
    }
}

/// The label of a form field, by its API name.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "title" => "Tittel",
        "description" => "Beskrivelse",
        "computer_name" => "Datamaskinnavn",
        "requester_username" => "Brukernavn",
        "body" => "Melding",
        "kind" => "Type sak",
        "service" | "service_id" => "Tjeneste",
        "priority" => "Prioritet",
        "status" => "Status",
        "handler" => "Saksbehandler",
        "username" => "Brukernavn",
        "full_name" => "Navn",
        "email" => "E-post",
        "password" => "Passord",
        "name" => "Navn",
        "domains" => "E-postdomener",
        "org" | "org_id" => "Organisasjon",
        "unit" | "unit_id" => "Virksomhet",
        "team" | "team_id" => "Team",
        "requester" => "Innmelder",
        "attachment" => "Vedlegg",
        "version" => "Saken",
        "deadline" | "agreed_deadline" => "Avtalt frist",
        "reason" => "Begrunnelse",
        _ => "Feltet",
    }
}

pub fn validation_message(code: ValidationCode) -> String {
    match code {
        ValidationCode::Required => "må fylles ut.".into(),
        ValidationCode::TooLong(n) => format!("kan ikke være lenger enn {n} tegn."),
        ValidationCode::InvalidChars => "inneholder tegn som ikke er tillatt.".into(),
    }
}

pub const NOT_CUSTOMER: &str = "Elever og foresatte er ikke kunder av Kundeservice og kan ikke melde saker her. \
     Ta kontakt med skolen din (kontaktlærer eller skolens IKT-ansvarlige), så hjelper de deg videre.";
pub const LOGIN_FAILED: &str = "Feil brukernavn eller passord.";
pub const LOGIN_THROTTLED: &str =
    "For mange mislykkede innlogginger. Vent noen minutter før du prøver igjen.";
pub const CSRF_FAILED: &str =
    "Skjemaet er utløpt eller kom ikke fra Skranke. Last siden på nytt og prøv igjen.";
pub const NOT_FOUND: &str = "Finner ikke siden eller saken.";
pub const FORBIDDEN: &str = "Du har ikke tilgang til denne siden.";
pub const INTERNAL: &str = "Noe gikk galt hos oss. Prøv igjen om litt.";
pub const TOO_LARGE: &str = "Forespørselen eller vedlegget er for stort.";
pub const CONFLICT_VERSION: &str =
    "Saken er endret av noen andre siden du åpnet den. Last siden på nytt og prøv igjen.";
pub const REOPEN_WINDOW_PASSED: &str =
    "Fristen for å gjenåpne saken er ute. Meld gjerne en ny sak og vis til saksnummeret.";
pub const MESSAGE_EMPTY: &str = "Skriv en melding eller legg ved en fil.";
pub const OPS_MESSAGES_HINT: &str = "Før du melder feil: sjekk publiserte driftsmeldinger. \
     Kanskje feilen allerede er kjent og under arbeid.";
pub const IDEA_HINT: &str = "Idéer til nye tjenester eller endringer av eksisterende tjenester meldes ikke som sak, \
     men som «Idé til utvikling» til Innovasjonsløypa.";
pub const BE_READY_HINT: &str =
    "Ha brukernavn og datamaskinnavn klart (snarvei på Startmenyen under @PC-info).";
pub const OPEN_NOW: &str = "Kundeservice er åpen nå.";
pub const CLOSED_NOW: &str = "Kundeservice er stengt nå.";
pub const WEEKDAYS: [&str; 7] = [
    "Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag",
];

pub fn clock_label(clock: &str) -> &'static str {
    match clock {
        "response" => "Svartid",
        _ => "Løsningstid",
    }
}

/// The text of an escalation notification.
pub fn escalation_text(config: &skranke_core::Config, item: &skranke_store::OutboxItem) -> String {
    use crate::views::Local;
    let level_name = config
        .escalation
        .levels
        .get((item.level - 1).max(0) as usize)
        .map_or_else(|| format!("Nivå {}", item.level), |l| l.name.clone());
    let priority = item.priority.parse::<Priority>().map_or("?", |p| p.label());
    let late = if item.late { " (forsinket varsel)" } else { "" };
    format!(
        "{level_name}: sak {} «{}» ({priority}) – {} overskredet, nivå {} nådd {}{late}",
        item.number,
        item.title,
        clock_label(&item.clock).to_lowercase(),
        item.level,
        item.reached_at.local()
    )
}

/// A span of clock time as "3 t 15 min".
pub fn span(seconds: i64) -> String {
    let m = seconds.abs() / 60;
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} t"),
        (h, m) => format!("{h} t {m} min"),
    }
}
