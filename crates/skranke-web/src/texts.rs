//! Every text the user interface shows, in Norwegian Bokmål. One place, so
//! that an English table can follow with the same keys.

use skranke_core::case::ValidationCode;
use skranke_core::status::TransitionError;
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

impl Label for skranke_core::audit::AuditEvent {
    fn label(&self) -> &'static str {
        use skranke_core::audit::AuditEvent as E;
        match self {
            E::LoginSucceeded => "Innlogging",
            E::LoginFailed => "Mislykket innlogging",
            E::LoginThrottled => "Innlogging avvist (for mange forsøk)",
            E::Logout => "Utlogging",
            E::LogoutEverywhere => "Logget ut overalt",
            E::PasswordChanged => "Passord byttet",
            E::PasswordReset => "Passord tilbakestilt",
            E::TokenCreated => "API-nøkkel laget",
            E::TokenDeleted => "API-nøkkel slettet",
            E::UserCreated => "Bruker opprettet",
            E::UserActivated => "Bruker aktivert",
            E::UserDeactivated => "Bruker deaktivert",
            E::UserTeamChanged => "Team endret",
            E::OrganizationCreated => "Organisasjon opprettet",
            E::UnitCreated => "Virksomhet opprettet",
            E::TeamCreated => "Team opprettet",
            E::ServiceCreated => "Tjeneste opprettet",
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
        "reason" | "agreed_deadline_reason" => "Begrunnelse",
        "internal" => "Internt notat",
        "current" => "Nåværende passord",
        "new" => "Nytt passord",
        "repeat" => "Gjenta nytt passord",
        "active" => "Aktiv",
        "phone" => "Telefon",
        "expires_in_days" => "Gyldig i",
        "form" | "form_token" => "Skjemaet",
        "follows" => "Tidligere sak",
        _ => "Feltet",
    }
}

pub fn validation_message(code: ValidationCode) -> String {
    match code {
        ValidationCode::Required => "må fylles ut.".into(),
        ValidationCode::TooLong(n) => format!("kan ikke være lenger enn {n} tegn."),
        ValidationCode::InvalidChars => "inneholder tegn som ikke er tillatt.".into(),
        ValidationCode::NotAllowed => "kan ikke settes av deg.".into(),
        ValidationCode::InPast => "kan ikke ligge før nå.".into(),
        ValidationCode::NotActiveAgent => "må være en aktiv saksbehandler.".into(),
    }
}

/// Why a status change (or a message that implies one) was refused.
pub fn transition_message(e: TransitionError) -> &'static str {
    match e {
        TransitionError::Unchanged(_) => "saken har allerede denne statusen.",
        TransitionError::BackToNew => "en sak kan ikke settes tilbake til «Ny».",
        TransitionError::NotResolved => "bare en løst sak kan bekreftes.",
        TransitionError::NotFinished => "bare en løst eller lukket sak kan gjenåpnes.",
        TransitionError::ReopenWindowPassed => REOPEN_WINDOW_PASSED,
        TransitionError::Closed => CASE_CLOSED,
    }
}

pub const NOT_CUSTOMER: &str = "Elever og foresatte er ikke kunder av Kundeservice og kan ikke melde saker her. \
     Ta kontakt med skolen din (kontaktlærer eller skolens IKT-ansvarlige), så hjelper de deg videre.";
pub const LOGIN_FAILED: &str = "Feil brukernavn eller passord.";
/// A throttled attempt: how long to wait.
pub fn throttled(wait: jiff::SignedDuration) -> String {
    let secs = crate::error::whole_seconds(wait);
    if secs < 120 {
        format!("For mange mislykkede innlogginger. Vent {secs} sekunder før du prøver igjen.")
    } else {
        format!(
            "For mange mislykkede innlogginger fra denne maskinen. Vent {} minutter før du prøver igjen.",
            (secs + 59) / 60
        )
    }
}
pub const TOKEN_DELETED: &str = "Nøkkelen er slettet.";
pub const PASSWORD_CHANGED: &str = "Passordet er byttet. Du er logget ut alle andre steder.";
pub const WRONG_PASSWORD: &str = "er ikke riktig.";
pub const TOKEN_READ_ONLY: &str =
    "Nøkkelen har bare lesetilgang (scope `read`); denne forespørselen trenger `write`.";
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
pub const CASE_CLOSED: &str =
    "Saken er lukket og tar ikke imot flere meldinger. Meld gjerne en ny sak som viser til denne.";
pub const UNAVAILABLE: &str = "Skranke har mye å gjøre akkurat nå. Prøv igjen om noen sekunder.";
pub const UNSUPPORTED_MEDIA_TYPE: &str = "Innholdet er ikke i et format Skranke tar imot her.";
pub const VERSION_REQUIRED: &str = "Endringen må si hvilken versjon av saken den bygger på.";
pub const FOLLOWS_UNKNOWN: &str = "finner ikke den saken blant dine saker.";
pub const REQUEST_TIMEOUT: &str = "Forespørselen kom ikke fram i tide. Prøv igjen.";
pub const NOT_UTF8: &str =
    "inneholder tegn som ikke kunne leses (teksten er ikke UTF-8). Skriv den inn på nytt.";
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

/// Every text the pages show, by English key. `NB` is the Bokmål table;
/// an English one can follow with the same keys.
pub struct Ui {
    pub service_name: &'static str,
    pub nav_queues: &'static str,
    pub nav_phone: &'static str,
    pub nav_notifications: &'static str,
    pub nav_my_cases: &'static str,
    pub nav_report: &'static str,
    pub nav_admin: &'static str,
    pub nav_tokens: &'static str,
    pub logout: &'static str,
    pub error_title: &'static str,
    pub error_heading: &'static str,
    pub to_front_page: &'static str,
    pub login: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub report_heading: &'static str,
    pub no_cases_yet: &'static str,
    pub contact_heading: &'static str,
    pub open_now: &'static str,
    pub closed_now: &'static str,
    pub closed_on_holidays: &'static str,
    pub this_portal: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub new_case_title: &'static str,
    pub phone_case_for: &'static str,
    pub check_ops_messages: &'static str,
    pub ops_messages_hint: &'static str,
    pub idea_hint: &'static str,
    pub what_about: &'static str,
    pub service: &'static str,
    pub service_unknown: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub be_ready_hint: &'static str,
    pub computer_name: &'static str,
    pub computer_name_example: &'static str,
    pub impact_legend: &'static str,
    pub impact_life_and_health: &'static str,
    pub impact_whole_unit: &'static str,
    pub impact_citizen_service: &'static str,
    pub impact_user_down: &'static str,
    pub submit: &'static str,
    pub priorities_summary: &'static str,
    pub priority: &'static str,
    pub response_time: &'static str,
    pub resolution_time: &'static str,
    pub definition: &'static str,
    pub case: &'static str,
    pub status: &'static str,
    pub priority_unconfirmed: &'static str,
    pub handler: &'static str,
    pub unassigned: &'static str,
    pub kind: &'static str,
    pub channel: &'static str,
    pub requester: &'static str,
    pub organization: &'static str,
    pub computer: &'static str,
    pub registered: &'static str,
    pub deadlines: &'static str,
    pub due: &'static str,
    pub escalation_level: &'static str,
    pub time_paused: &'static str,
    pub agreed_deadline: &'static str,
    pub escalations: &'static str,
    pub level: &'static str,
    pub reached: &'static str,
    pub notified_late: &'static str,
    pub reason: &'static str,
    pub reason_example: &'static str,
    pub set_agreed_deadline: &'static str,
    pub conversation: &'static str,
    pub no_messages: &'static str,
    pub internal_note: &'static str,
    pub bytes: &'static str,
    pub reply_or_note: &'static str,
    pub reply: &'static str,
    pub attachment_max: &'static str,
    pub internal_note_hint: &'static str,
    pub send: &'static str,
    pub confirm_resolved: &'static str,
    pub reopen: &'static str,
    pub handling: &'static str,
    pub reply_short: &'static str,
    pub resolution_short: &'static str,
    pub save: &'static str,
    pub history: &'static str,
    pub all: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub sort: &'static str,
    pub sort_deadline: &'static str,
    pub sort_newest: &'static str,
    pub sort_oldest: &'static str,
    pub sort_updated: &'static str,
    pub show: &'static str,
    pub cases_count: &'static str,
    pub number: &'static str,
    pub previous: &'static str,
    pub page: &'static str,
    pub next: &'static str,
    pub find_caller: &'static str,
    pub no_hits: &'static str,
    pub name: &'static str,
    pub register_case: &'static str,
    pub users: &'static str,
    pub team: &'static str,
    pub active: &'static str,
    pub none: &'static str,
    pub set: &'static str,
    pub deactivate: &'static str,
    pub activate: &'static str,
    pub new_user: &'static str,
    pub unit: &'static str,
    pub create_user: &'static str,
    pub orgs_and_units: &'static str,
    pub new_unit: &'static str,
    pub add: &'static str,
    pub new_org: &'static str,
    pub domains_hint: &'static str,
    pub create: &'static str,
    pub new_team: &'static str,
    pub services: &'static str,
    pub new_service: &'static str,
    pub token_shown_once: &'static str,
    pub created: &'static str,
    pub delete: &'static str,
    pub token_name: &'static str,
    pub new_token: &'static str,
    pub token_usage: &'static str,
    pub api_description: &'static str,
    pub no_notifications: &'static str,
    pub mark_all_read: &'static str,
    pub follow_up_title: &'static str,
    pub follows_case: &'static str,
    pub follow_up_button: &'static str,
    pub system: &'static str,
    pub after_message: &'static str,
    pub set_status_with_message: &'static str,
    pub keep_status: &'static str,
    pub sla_errors: &'static str,
    pub sla_errors_hint: &'static str,
    pub error: &'static str,
    pub when: &'static str,
    pub account: &'static str,
    pub sessions: &'static str,
    pub logout_everywhere: &'static str,
    pub logout_everywhere_hint: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub password_rules: &'static str,
    pub must_change_password: &'static str,
    pub expires: &'static str,
    pub last_used: &'static str,
    pub never: &'static str,
    pub scopes: &'static str,
    pub token_write: &'static str,
    pub token_lifetime: &'static str,
    pub days: &'static str,
    pub token_expires: &'static str,
    pub reset_password: &'static str,
    pub one_time_password_for: &'static str,
    pub one_time_password_hint: &'static str,
    pub audit_log: &'static str,
    pub event: &'static str,
    pub actor: &'static str,
    pub subject: &'static str,
    pub address: &'static str,
    pub detail: &'static str,
    pub older: &'static str,
    pub no_tokens: &'static str,
}

pub static NB: Ui = Ui {
    service_name: "Kundeservice",
    nav_queues: "Køer",
    nav_phone: "Telefonhenvendelse",
    nav_notifications: "Varsler",
    nav_my_cases: "Mine saker",
    nav_report: "Meld feil eller bestill",
    nav_admin: "Administrasjon",
    nav_tokens: "API-nøkler",
    logout: "Logg ut",
    error_title: "Feil",
    error_heading: "Noe stoppet her",
    to_front_page: "Til forsiden",
    login: "Logg inn",
    username: "Brukernavn",
    password: "Passord",
    report_heading: "Meld feil eller bestill en tjeneste",
    no_cases_yet: "Du har ingen saker ennå.",
    contact_heading: "Kontakt Kundeservice",
    open_now: "Kundeservice er åpen nå.",
    closed_now: "Kundeservice er stengt nå.",
    closed_on_holidays: "Stengt på helligdager.",
    this_portal: "denne portalen",
    email: "E-post",
    phone: "Telefon",
    new_case_title: "Ny sak",
    phone_case_for: "Telefonhenvendelse for",
    check_ops_messages: "Sjekk driftsmeldinger først.",
    ops_messages_hint: "Før du melder feil: sjekk publiserte driftsmeldinger. Kanskje feilen allerede er kjent og under arbeid.",
    idea_hint: "Idéer til nye tjenester eller endringer av eksisterende tjenester meldes ikke som sak, men som «Idé til utvikling» til Innovasjonsløypa.",
    what_about: "Hva gjelder det?",
    service: "Tjeneste",
    service_unknown: "Vet ikke / annet",
    title: "Tittel",
    description: "Beskrivelse",
    be_ready_hint: "Ha brukernavn og datamaskinnavn klart (snarvei på Startmenyen under @PC-info).",
    computer_name: "Datamaskinnavn",
    computer_name_example: "f.eks. PC-12345",
    impact_legend: "Hvor alvorlig er det? (gir forslag til prioritet)",
    impact_life_and_health: "Feilen rammer applikasjoner som trengs for tjenester innen liv og helse",
    impact_whole_unit: "Et helt system er nede for minst én virksomhet eller faggruppe",
    impact_citizen_service: "Det gjelder en elektronisk tjeneste innbyggerne bruker",
    impact_user_down: "Et system er nede for meg eller minst én bruker",
    submit: "Send inn",
    priorities_summary: "Prioriteter, mål for svar- og løsningstid",
    priority: "Prioritet",
    response_time: "Svartid",
    resolution_time: "Løsningstid",
    definition: "Definisjon",
    case: "Sak",
    status: "Status",
    priority_unconfirmed: "foreslått, ikke bekreftet",
    handler: "Saksbehandler",
    unassigned: "Ikke tildelt",
    kind: "Type",
    channel: "Kanal",
    requester: "Innmelder",
    organization: "Organisasjon",
    computer: "Datamaskin",
    registered: "Registrert",
    deadlines: "Frister",
    due: "Frist",
    escalation_level: "Eskaleringsnivå",
    time_paused: "Tid på pause (venter på bruker/leverandør):",
    agreed_deadline: "Avtalt frist",
    escalations: "Eskaleringer",
    level: "nivå",
    reached: "nådd",
    notified_late: "varslet forsinket",
    reason: "Begrunnelse",
    reason_example: "Avtalt med bruker på telefon",
    set_agreed_deadline: "Sett avtalt frist",
    conversation: "Samtale",
    no_messages: "Ingen meldinger ennå.",
    internal_note: "Internt notat",
    bytes: "byte",
    reply_or_note: "Svar eller notat",
    reply: "Svar",
    attachment_max: "Vedlegg, maks MB:",
    internal_note_hint: "Internt notat (vises ikke for innmelder)",
    send: "Send",
    confirm_resolved: "Bekreft at saken er løst",
    reopen: "Gjenåpne saken",
    handling: "Behandling",
    reply_short: "svar",
    resolution_short: "løsning",
    save: "Lagre",
    history: "Historikk",
    all: "Alle",
    search: "Søk",
    search_hint: "Nummer eller tittel",
    sort: "Sortering",
    sort_deadline: "Nærmeste frist",
    sort_newest: "Nyeste først",
    sort_oldest: "Eldste først",
    sort_updated: "Sist endret",
    show: "Vis",
    cases_count: "saker",
    number: "Nummer",
    previous: "Forrige",
    page: "Side",
    next: "Neste",
    find_caller: "Finn innringer (navn, brukernavn eller e-post)",
    no_hits: "Ingen treff.",
    name: "Navn",
    register_case: "Registrer sak",
    users: "Brukere",
    team: "Team",
    active: "Aktiv",
    none: "Ingen",
    set: "Sett",
    deactivate: "Deaktiver",
    activate: "Aktiver",
    new_user: "Ny bruker",
    unit: "Virksomhet",
    create_user: "Opprett bruker",
    orgs_and_units: "Organisasjoner og virksomheter",
    new_unit: "Ny virksomhet",
    add: "Legg til",
    new_org: "Ny organisasjon (kommune)",
    domains_hint: "e-postdomener, kommaseparert",
    create: "Opprett",
    new_team: "Nytt team",
    services: "Tjenester",
    new_service: "Ny tjeneste",
    token_shown_once: "Din nye nøkkel. Den vises bare denne ene gangen, så kopier den nå:",
    created: "Opprettet",
    delete: "Slett",
    token_name: "Navn på nøkkelen",
    new_token: "Lag ny nøkkel",
    token_usage: "Bruk nøkkelen som",
    api_description: "Beskrivelse:",
    no_notifications: "Ingen varsler.",
    mark_all_read: "Merk alle som lest",
    follow_up_title: "Oppfølging av sak",
    follows_case: "Oppfølging av sak",
    follow_up_button: "Meld ny sak som viser til denne",
    system: "Systemet",
    after_message: "etter melding",
    set_status_with_message: "Sett status samtidig",
    keep_status: "Behold status",
    sla_errors: "Saker fristene ikke kan beregnes for",
    sla_errors_hint: "Historikken til disse sakene kan ikke leses av SLA-motoren. De eskaleres ikke før feilen er rettet; neste endring av saken prøver igjen.",
    error: "Feil",
    when: "Når",
    account: "Min konto",
    sessions: "Innlogginger",
    logout_everywhere: "Logg ut overalt",
    logout_everywhere_hint: "Avslutter alle innlogginger med kontoen din, også denne (for eksempel om du har glemt å logge ut på en delt PC).",
    change_password: "Bytt passord",
    current_password: "Nåværende passord",
    new_password: "Nytt passord",
    repeat_password: "Gjenta nytt passord",
    password_rules: "Minst 12 tegn. Unngå vanlige passord og navnet ditt; flere ord som ikke hører sammen er både lett å huske og vanskelig å gjette.",
    must_change_password: "Passordet ditt er tilbakestilt. Velg et nytt passord før du fortsetter.",
    expires: "Utløper",
    last_used: "Sist brukt",
    never: "aldri",
    scopes: "Tilgang",
    token_write: "Kan også endre (scope write)",
    token_lifetime: "Gyldig i",
    days: "dager",
    token_expires: "Nøkkelen utløper",
    reset_password: "Tilbakestill passord",
    one_time_password_for: "Engangspassord for",
    one_time_password_hint: "Gi det bare til brukeren selv. Det må byttes ved neste innlogging, og alle brukerens innlogginger er avsluttet.",
    audit_log: "Sikkerhetslogg",
    event: "Hendelse",
    actor: "Utført av",
    subject: "Gjelder",
    address: "Adresse",
    detail: "Detaljer",
    older: "Eldre",
    no_tokens: "Du har ingen API-nøkler.",
};

/// The texts for the current request (Bokmål until a second language exists).
pub fn ui() -> &'static Ui {
    &NB
}
