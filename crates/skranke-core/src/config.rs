//! Skranke's configuration: one TOML file whose every section has compiled-in
//! defaults that mirror the service description. `check` reports errors
//! (refuse to start) and warnings (start, but tell the operator).

use crate::calendar::{BusinessCalendar, Calendar, OpeningHours};
use crate::priority::Priority;
use crate::status::Status;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub contact: ContactConfig,
    pub calendar: CalendarConfig,
    pub cases: CasesConfig,
    pub priorities: BTreeMap<Priority, PriorityConfig>,
    pub escalation: EscalationConfig,
    pub sla: SlaConfig,
    pub storage: StorageConfig,
    pub mail: MailConfig,
    pub webhook: WebhookConfig,
}

/// Escalations as signed JSON POSTs to an SMS gateway or chat tool.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WebhookConfig {
    /// `https://sms.kommune.no/skranke` (or `http://` on a trusted network).
    pub url: Option<String>,
    /// The shared secret the HMAC-SHA256 signature is made with, from this
    /// environment variable…
    pub secret_env: Option<String>,
    /// … or this file.
    pub secret_file: Option<std::path::PathBuf>,
}

/// E-mail: the built-in SMTP listener the organisation's mail server
/// relays to, and the relay Skranke sends through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub smtp: SmtpListenConfig,
    pub imap: ImapConfig,
    pub outbound: OutboundConfig,
    /// Domains (`elev.kommune.no`) or addresses of people who are not
    /// customers (pupils, guardians): their mail is held with a polite
    /// answer saying whom to ask.
    pub not_customers: Vec<String>,
    /// Mail from a domain no organisation has: held (`quarantine`), or
    /// made a case from a person of no organisation (`case`).
    pub unknown_senders: UnknownSenders,
    /// Messages taken from one sender address per hour; more are answered
    /// "try later" (451), which a real mail server does.
    pub per_sender_per_hour: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp: SmtpListenConfig::default(),
            imap: ImapConfig::default(),
            outbound: OutboundConfig::default(),
            not_customers: Vec::new(),
            unknown_senders: UnknownSenders::Quarantine,
            per_sender_per_hour: 60,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownSenders {
    Quarantine,
    Case,
}

/// Where notifications by e-mail go: an SMTP relay, or (to see them
/// without one) `.eml` files in a directory. Neither: no e-mail is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboundConfig {
    /// `smtp://host:25` (STARTTLS when offered), `smtp://host:587?tls=required`
    /// or `smtps://host:465`.
    pub relay: Option<String>,
    pub user: Option<String>,
    /// The relay password is read from this environment variable…
    pub password_env: Option<String>,
    /// … or from this file (never written in the config itself).
    pub password_file: Option<std::path::PathBuf>,
    pub directory: Option<std::path::PathBuf>,
    /// The sender address; empty: `contact.email`.
    pub from: Option<String>,
    /// Attempts before a message is given up (and shown to admins).
    pub max_attempts: u32,
}

impl Default for OutboundConfig {
    fn default() -> Self {
        OutboundConfig {
            relay: None,
            user: None,
            password_env: None,
            password_file: None,
            directory: None,
            from: None,
            max_attempts: 10,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpListenConfig {
    /// Address to take mail on (e.g. `127.0.0.1:2525`); none: no listener.
    pub listen: Option<String>,
    /// Addresses we take mail for; empty: `contact.email`.
    pub recipients: Vec<String>,
    /// The largest message, in bytes.
    pub max_message_bytes: usize,
    /// A session ends after this long without a line from the client.
    pub idle_seconds: u32,
    /// A certificate chain (PEM) for STARTTLS, with `tls_key`; neither:
    /// STARTTLS is not offered.
    pub tls_cert: Option<std::path::PathBuf>,
    pub tls_key: Option<std::path::PathBuf>,
}

impl Default for SmtpListenConfig {
    fn default() -> Self {
        SmtpListenConfig {
            listen: None,
            recipients: Vec::new(),
            max_message_bytes: 25 * 1024 * 1024,
            idle_seconds: 120,
            tls_cert: None,
            tls_key: None,
        }
    }
}

/// A mailbox kept on another mail server, polled for new mail (for
/// organisations whose mail cannot be relayed to the SMTP listener).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImapConfig {
    /// The IMAP server; none: no mailbox is polled.
    pub host: Option<String>,
    /// None: 993 with `tls = "tls"`, 143 otherwise.
    pub port: Option<u16>,
    pub tls: ImapTls,
    /// Certificates (PEM) trusted besides the system's, for a server with
    /// a certificate of the organisation's own authority.
    pub ca_file: Option<std::path::PathBuf>,
    pub user: Option<String>,
    /// How Skranke logs in: with the user's password, or (Microsoft 365,
    /// Google) with an OAuth 2.0 access token (XOAUTH2).
    pub auth: ImapAuth,
    /// The password is read from this environment variable…
    pub password_env: Option<String>,
    /// … or from this file (never written in the config itself).
    pub password_file: Option<std::path::PathBuf>,
    /// OAuth 2.0 (client credentials): where tokens are issued
    /// (`https://login.microsoftonline.com/<tenant>/oauth2/v2.0/token`)…
    pub oauth_token_url: Option<String>,
    /// … to this application (its client id)…
    pub oauth_client_id: Option<String>,
    /// … with this secret, from an environment variable or a file…
    pub oauth_client_secret_env: Option<String>,
    pub oauth_client_secret_file: Option<std::path::PathBuf>,
    /// … for this scope (`https://outlook.office365.com/.default`).
    pub oauth_scope: Option<String>,
    /// The folder new mail arrives in.
    pub folder: String,
    /// A folder to move taken mail to; none: taken mail is marked seen
    /// and left where it is.
    pub move_to: Option<String>,
    /// Wait for new mail with IDLE where the server offers it, instead of
    /// asking every `poll_seconds`.
    pub idle: bool,
    pub poll_seconds: u32,
}

impl Default for ImapConfig {
    fn default() -> Self {
        ImapConfig {
            host: None,
            port: None,
            tls: ImapTls::Tls,
            ca_file: None,
            user: None,
            auth: ImapAuth::Password,
            password_env: None,
            password_file: None,
            oauth_token_url: None,
            oauth_client_id: None,
            oauth_client_secret_env: None,
            oauth_client_secret_file: None,
            oauth_scope: None,
            folder: "INBOX".into(),
            move_to: None,
            idle: true,
            poll_seconds: 60,
        }
    }
}

impl ImapConfig {
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls {
            ImapTls::Tls => 993,
            ImapTls::Starttls | ImapTls::None => 143,
        })
    }
}

/// How Skranke proves who it is to the IMAP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImapAuth {
    /// LOGIN with `user` and the password.
    Password,
    /// AUTHENTICATE XOAUTH2 with an access token for `user`, fetched with
    /// the client credentials grant.
    Oauth2,
}

/// How the connection to the IMAP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImapTls {
    /// TLS from the first byte (port 993).
    Tls,
    /// A plain connection upgraded with STARTTLS; refused if not offered.
    Starttls,
    /// No protection: only for a server on this machine.
    None,
}

impl Config {
    /// Whether notifications go out by e-mail at all.
    pub fn mail_goes_out(&self) -> bool {
        self.mail.outbound.relay.is_some() || self.mail.outbound.directory.is_some()
    }

    /// The address mail from Skranke comes from.
    pub fn mail_from(&self) -> &str {
        self.mail
            .outbound
            .from
            .as_deref()
            .unwrap_or(&self.contact.email)
    }

    /// The addresses the SMTP listener takes mail for.
    pub fn mail_recipients(&self) -> Vec<String> {
        let listed = if self.mail.smtp.recipients.is_empty() {
            std::slice::from_ref(&self.contact.email)
        } else {
            &self.mail.smtp.recipients[..]
        };
        listed
            .iter()
            .filter_map(|a| crate::mail::address(a))
            .collect()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Where attachment files go; default `<data>/attachments`. Point
    /// several instances at one shared directory.
    pub attachments_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaConfig {
    /// Statuses in which the resolution clock is paused.
    pub pausing_statuses: Vec<Status>,
    /// How often the escalation scheduler looks for due escalations.
    pub sweep_seconds: u32,
    /// A notification sent more than this long after its level was reached is marked late.
    pub late_after_seconds: u32,
}

impl Default for SlaConfig {
    fn default() -> Self {
        SlaConfig {
            pausing_statuses: vec![Status::WaitingCustomer, Status::WaitingSupplier],
            sweep_seconds: 15,
            late_after_seconds: 120,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: String,
    /// The URL people use to reach Skranke. With `https://` the session
    /// cookie is marked `Secure`.
    pub public_url: Option<String>,
    /// Largest request body for forms and JSON, in bytes.
    pub max_body_bytes: usize,
    /// Proxies (addresses or networks like `10.0.0.0/8`) whose
    /// `X-Forwarded-For` and `X-Forwarded-Proto` are believed.
    pub trusted_proxies: Vec<String>,
    /// A session ends after this long without use.
    pub session_idle_minutes: u32,
    /// A session ends this long after login, however busy.
    pub session_hours: u32,
    /// A client must send its request headers within this time.
    pub header_timeout_seconds: u32,
    /// A client must send its request body within this time.
    pub body_timeout_seconds: u32,
    /// `text` (for people) or `json` (for log collectors).
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContactConfig {
    pub portal_name: String,
    pub email: String,
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarConfig {
    pub timezone: String,
    /// Per weekday (`monday` … `sunday`): `"08:00-15:30"`, several as
    /// `"08:00-11:00, 11:30-15:30"`, or `""` for closed.
    pub opening_hours: BTreeMap<String, String>,
    /// One "day" of a target in the business calendar, in minutes of open time.
    pub standard_day_minutes: u32,
    pub extra_closed: Vec<Date>,
    pub extra_open: Vec<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CasesConfig {
    /// How long after resolution a requester may reopen a case.
    pub reopen_window_days: u32,
    pub max_attachment_bytes: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarKey {
    /// Kontortid: the opening hours.
    Business,
    /// Døgnet rundt.
    Always,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityConfig {
    pub response: Amount,
    pub resolution: Amount,
    pub response_calendar: CalendarKey,
    pub resolution_calendar: CalendarKey,
    /// The definition from the service description, shown where a priority is chosen.
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EscalationConfig {
    pub levels: Vec<EscalationLevel>,
    pub thresholds: BTreeMap<Priority, Thresholds>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    pub name: String,
    #[serde(default)]
    pub contacts: Vec<Contact>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    /// Only for cases of these priorities; empty: all.
    #[serde(default)]
    pub priorities: Vec<Priority>,
}

impl Contact {
    pub fn hears_of(&self, p: Priority) -> bool {
        self.priorities.is_empty() || self.priorities.contains(&p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    pub response: [Amount; 3],
    pub resolution: [Amount; 3],
}

/// A target or threshold: a count of minutes, hours or (working) days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Amount {
    pub value: u32,
    pub unit: Unit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Unit {
    /// For tests and drills; the service description uses minutes and up.
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl Amount {
    pub const fn new(value: u32, unit: Unit) -> Self {
        Amount { value, unit }
    }

    /// Seconds of clock time, given the length of one day in that calendar.
    pub fn seconds(self, day_seconds: i64) -> i64 {
        let v = i64::from(self.value);
        match self.unit {
            Unit::Seconds => v,
            Unit::Minutes => v * 60,
            Unit::Hours => v * 3600,
            Unit::Days => v * day_seconds,
        }
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            Unit::Seconds => "s",
            Unit::Minutes => "min",
            Unit::Hours => "h",
            Unit::Days => "days",
        };
        write!(f, "{} {unit}", self.value)
    }
}

impl FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let (num, unit) = s.split_at(split);
        if num.starts_with('-') || s.starts_with('-') {
            return Err(format!("`{s}` is negative; durations must be zero or more"));
        }
        let value: u32 = num
            .parse()
            .map_err(|_| format!("`{s}` does not start with a whole number"))?;
        let unit = match unit.trim() {
            "s" | "sec" | "secs" | "second" | "seconds" | "sekund" | "sekunder" => Unit::Seconds,
            "m" | "min" | "mins" | "minute" | "minutes" | "minutt" | "minutter" => Unit::Minutes,
            "h" | "hour" | "hours" | "time" | "timer" => Unit::Hours,
            "d" | "day" | "days" | "dag" | "dager" => Unit::Days,
            other => {
                return Err(format!(
                    "`{other}` is not a unit; use s, min, h or days (as in \"15 min\")"
                ));
            }
        };
        Ok(Amount { value, unit })
    }
}

impl TryFrom<String> for Amount {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Amount> for String {
    fn from(a: Amount) -> String {
        a.to_string()
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            // The longest texts (20,000 characters) fit even as JSON
            // escapes (`\ud83d\ude00`, 12 bytes a character).
            max_body_bytes: 512 * 1024,
            trusted_proxies: Vec::new(),
            session_idle_minutes: 120,
            session_hours: 12,
            header_timeout_seconds: 10,
            body_timeout_seconds: 30,
            log_format: LogFormat::Text,
        }
    }
}

impl Default for ContactConfig {
    fn default() -> Self {
        ContactConfig {
            portal_name: "Kundeservice WEB".into(),
            email: "kundeservice@kundeservice.example".into(),
            phone: "71 11 11 66".into(),
        }
    }
}

pub const WEEKDAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

impl Default for CalendarConfig {
    fn default() -> Self {
        let opening_hours = WEEKDAYS
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let hours = if i < 5 { "08:00-15:30" } else { "" };
                ((*d).to_owned(), hours.to_owned())
            })
            .collect();
        CalendarConfig {
            timezone: "Europe/Oslo".into(),
            opening_hours,
            standard_day_minutes: 450,
            extra_closed: Vec::new(),
            extra_open: Vec::new(),
        }
    }
}

impl Default for CasesConfig {
    fn default() -> Self {
        CasesConfig {
            reopen_window_days: 14,
            max_attachment_bytes: 10 * 1024 * 1024,
        }
    }
}

fn default_priorities() -> BTreeMap<Priority, PriorityConfig> {
    use CalendarKey::{Always, Business};
    use Unit::{Days, Hours, Minutes};
    let p = |response, resolution, resolution_calendar, definition: &str| PriorityConfig {
        response,
        resolution,
        response_calendar: Business,
        resolution_calendar,
        definition: definition.to_owned(),
    };
    BTreeMap::from([
        (
            Priority::Critical,
            p(
                Amount::new(15, Minutes),
                Amount::new(2, Hours),
                Always,
                "Bortfall av applikasjoner definert som nødvendige for tjenester som omhandler liv og helse. \
                 Bortfall av andre systemer hvor det forventes høy oppetid kan også inngå her. \
                 Feilretting skal foregå løpende inntil feilen er utbedret, eventuelt til en tilfredsstillende \
                 midlertidig løsning er etablert.",
            ),
        ),
        (
            Priority::High,
            p(
                Amount::new(1, Hours),
                Amount::new(4, Hours),
                Always,
                "Fullstendig bortfall av system som berører minst én virksomhet/faggruppe. Elektroniske \
                 tjenester som benyttes av innbyggere i dialog med tjenestemottaker. Feilretting skal foregå \
                 inntil feilen er utbedret, eventuelt til en tilfredsstillende midlertidig løsning er etablert.",
            ),
        ),
        (
            Priority::Medium,
            p(
                Amount::new(3, Hours),
                Amount::new(3, Days),
                Business,
                "Bortfall av system som berører minimum én bruker. Feilretting vil foregå innenfor ordinær \
                 arbeidstid.",
            ),
        ),
        (
            Priority::Low,
            p(
                Amount::new(4, Hours),
                Amount::new(7, Days),
                Business,
                "Feil i utstyr og/eller system som ikke er direkte til hinder for at tjenestemottakeren kan \
                 utføre den ordinære funksjonen utstyret eller systemet har i sin daglige bruk. Feilretting av \
                 hjemmekontorløsning. Feilrettingen skjer etter nærmere avtale mellom Kundeservice og brukeren.",
            ),
        ),
    ])
}

impl Default for EscalationConfig {
    fn default() -> Self {
        use Unit::{Days, Hours, Minutes};
        let a = Amount::new;
        let levels = (1..=3)
            .map(|n| EscalationLevel {
                name: format!("Eskaleringsnivå {n}"),
                contacts: Vec::new(),
            })
            .collect();
        let thresholds = BTreeMap::from([
            (
                Priority::Critical,
                Thresholds {
                    response: [a(15, Minutes), a(30, Minutes), a(1, Hours)],
                    resolution: [a(2, Hours), a(4, Hours), a(6, Hours)],
                },
            ),
            (
                Priority::High,
                Thresholds {
                    response: [a(1, Hours), a(2, Hours), a(4, Hours)],
                    resolution: [a(4, Hours), a(8, Hours), a(2, Days)],
                },
            ),
            (
                Priority::Medium,
                Thresholds {
                    response: [a(3, Hours), a(6, Hours), a(12, Hours)],
                    resolution: [a(3, Days), a(6, Days), a(12, Days)],
                },
            ),
            (
                Priority::Low,
                Thresholds {
                    response: [a(4, Hours), a(8, Hours), a(16, Hours)],
                    resolution: [a(5, Days), a(10, Days), a(20, Days)],
                },
            ),
        ]);
        EscalationConfig { levels, thresholds }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            server: ServerConfig::default(),
            contact: ContactConfig::default(),
            calendar: CalendarConfig::default(),
            cases: CasesConfig::default(),
            priorities: default_priorities(),
            escalation: EscalationConfig::default(),
            sla: SlaConfig::default(),
            storage: StorageConfig::default(),
            mail: MailConfig::default(),
            webhook: WebhookConfig::default(),
        }
    }
}

/// A finding of `Config::check`, naming the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub field: String,
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Findings as one line: `field: message; field: message`.
pub fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub errors: Vec<Finding>,
    pub warnings: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Syntax(String),
    #[error("{}", describe(&.0.errors))]
    Invalid(Report),
}

fn parse_hours(s: &str) -> Result<Vec<(Time, Time)>, String> {
    let mut out: Vec<(Time, Time)> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (a, b) = part
            .split_once('-')
            .ok_or_else(|| format!("`{part}` is not of the form \"08:00-15:30\""))?;
        let start: Time = a
            .trim()
            .parse()
            .map_err(|_| format!("`{a}` is not a time of day"))?;
        let end: Time = b
            .trim()
            .parse()
            .map_err(|_| format!("`{b}` is not a time of day"))?;
        if end <= start {
            return Err(format!("closing {end} is not after opening {start}"));
        }
        out.push((start, end));
    }
    out.sort();
    if let Some(w) = out.windows(2).find(|w| w[1].0 < w[0].1) {
        return Err(format!(
            "intervals overlap: {}-{} and {}-{}",
            w[0].0, w[0].1, w[1].0, w[1].1
        ));
    }
    Ok(out)
}

impl Config {
    /// Parses a TOML file's text. Tables keyed by priority or weekday are
    /// merged with the defaults, so a file that changes one priority's
    /// targets or one day's hours leaves the others as shipped.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let mut config: Config =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        let defaults = Config::default();
        for (p, d) in defaults.priorities {
            config.priorities.entry(p).or_insert(d);
        }
        for (p, d) in defaults.escalation.thresholds {
            config.escalation.thresholds.entry(p).or_insert(d);
        }
        for (day, d) in defaults.calendar.opening_hours {
            config.calendar.opening_hours.entry(day).or_insert(d);
        }
        Ok(config)
    }

    /// Parses a TOML file's text and checks it; warnings come back with the config.
    pub fn from_toml(text: &str) -> Result<(Config, Vec<Finding>), ConfigError> {
        let config = Config::parse(text)?;
        let report = config.check();
        if report.errors.is_empty() {
            Ok((config, report.warnings))
        } else {
            Err(ConfigError::Invalid(report))
        }
    }

    pub fn opening_hours(&self) -> Result<OpeningHours, Vec<Finding>> {
        let mut errors = Vec::new();
        let tz = TimeZone::get(&self.calendar.timezone).unwrap_or_else(|_| {
            errors.push(Finding {
                field: "calendar.timezone".into(),
                message: format!("`{}` is not a known IANA time zone", self.calendar.timezone),
            });
            TimeZone::UTC
        });
        let mut weekly: [Vec<(Time, Time)>; 7] = Default::default();
        for key in self.calendar.opening_hours.keys() {
            if !WEEKDAYS.contains(&key.as_str()) {
                errors.push(Finding {
                    field: format!("calendar.opening_hours.{key}"),
                    message: "is not a weekday (monday … sunday)".into(),
                });
            }
        }
        for (i, day) in WEEKDAYS.iter().enumerate() {
            let text = self
                .calendar
                .opening_hours
                .get(*day)
                .map(String::as_str)
                .unwrap_or("");
            match parse_hours(text) {
                Ok(h) => weekly[i] = h,
                Err(message) => errors.push(Finding {
                    field: format!("calendar.opening_hours.{day}"),
                    message,
                }),
            }
        }
        if errors.is_empty() {
            Ok(OpeningHours {
                tz,
                weekly,
                extra_closed: self.calendar.extra_closed.clone(),
                extra_open: self.calendar.extra_open.clone(),
            })
        } else {
            Err(errors)
        }
    }

    pub fn business_calendar(&self) -> Result<Calendar, Vec<Finding>> {
        Ok(Calendar::Business(std::sync::Arc::new(
            BusinessCalendar::new(self.opening_hours()?),
        )))
    }

    /// Seconds in one "day" of a target in a calendar.
    pub fn day_seconds(&self, cal: CalendarKey) -> i64 {
        match cal {
            CalendarKey::Business => i64::from(self.calendar.standard_day_minutes) * 60,
            CalendarKey::Always => 86_400,
        }
    }

    pub fn priority(&self, p: Priority) -> &PriorityConfig {
        // `check` guarantees every priority is present; defaults fill a gap.
        self.priorities
            .get(&p)
            .unwrap_or_else(|| &DEFAULT_PRIORITIES[p as usize])
    }

    pub fn check(&self) -> Report {
        let mut report = Report::default();
        if let Err(errors) = self.opening_hours() {
            report.errors.extend(errors);
        }
        for d in &self.calendar.extra_open {
            if self.calendar.extra_closed.contains(d) {
                report.errors.push(Finding {
                    field: "calendar.extra_open".into(),
                    message: format!("{d} is also in calendar.extra_closed"),
                });
            }
        }
        if !(1..=1440).contains(&self.calendar.standard_day_minutes) {
            report.errors.push(Finding {
                field: "calendar.standard_day_minutes".into(),
                message: "must be 1 to 1440".into(),
            });
        }
        for s in &self.sla.pausing_statuses {
            if s.is_finished() || *s == Status::New {
                report.errors.push(Finding {
                    field: "sla.pausing_statuses".into(),
                    message: format!(
                        "`{s}` cannot pause the clock (only open working statuses can)"
                    ),
                });
            }
        }
        if self.sla.sweep_seconds == 0 {
            report.errors.push(Finding {
                field: "sla.sweep_seconds".into(),
                message: "must be at least 1".into(),
            });
        }
        if self.server.listen.parse::<std::net::SocketAddr>().is_err() {
            report.errors.push(Finding {
                field: "server.listen".into(),
                message: format!(
                    "`{}` is not an address like 127.0.0.1:8080",
                    self.server.listen
                ),
            });
        }
        if let Some(l) = &self.mail.smtp.listen
            && l.parse::<std::net::SocketAddr>().is_err()
        {
            report.errors.push(Finding {
                field: "mail.smtp.listen".into(),
                message: format!("`{l}` is not an address like 127.0.0.1:2525"),
            });
        }
        for (i, r) in self.mail.smtp.recipients.iter().enumerate() {
            if crate::mail::address(r).is_none() {
                report.errors.push(Finding {
                    field: format!("mail.smtp.recipients[{i}]"),
                    message: format!("`{r}` is not an e-mail address"),
                });
            }
        }
        if self.mail.smtp.max_message_bytes == 0 || self.mail.smtp.idle_seconds == 0 {
            report.errors.push(Finding {
                field: "mail.smtp".into(),
                message: "max_message_bytes and idle_seconds must be at least 1".into(),
            });
        }
        if self.mail.smtp.tls_cert.is_some() != self.mail.smtp.tls_key.is_some() {
            report.errors.push(Finding {
                field: "mail.smtp.tls_cert".into(),
                message: "STARTTLS needs both tls_cert and tls_key".into(),
            });
        }
        for (field, path) in [
            ("tls_cert", &self.mail.smtp.tls_cert),
            ("tls_key", &self.mail.smtp.tls_key),
        ] {
            if let Some(p) = path
                && !p.is_file()
            {
                report.errors.push(Finding {
                    field: format!("mail.smtp.{field}"),
                    message: format!("{} is not a file", p.display()),
                });
            }
        }
        self.check_outbound(&mut report);
        self.check_imap(&mut report);
        let w = &self.webhook;
        if let Some(url) = &w.url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            report.errors.push(Finding {
                field: "webhook.url".into(),
                message: format!("`{url}` is not an address like https://sms.kommune.no/skranke"),
            });
        }
        if w.url.is_some() && w.secret_env.is_some() == w.secret_file.is_some() {
            report.errors.push(Finding {
                field: "webhook.secret_env".into(),
                message: "the webhook needs its secret in secret_env or secret_file (one of them)"
                    .into(),
            });
        }
        for (i, p) in self.server.trusted_proxies.iter().enumerate() {
            if crate::client::parse_net(p).is_none() {
                report.errors.push(Finding {
                    field: format!("server.trusted_proxies[{i}]"),
                    message: format!("`{p}` is not an address or network like 10.0.0.0/8"),
                });
            }
        }
        if let Some(url) = &self.server.public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            report.errors.push(Finding {
                field: "server.public_url".into(),
                message: format!("`{url}` must start with https:// or http://"),
            });
        }
        for (field, value, range) in [
            (
                "server.session_idle_minutes",
                self.server.session_idle_minutes,
                1..=10_080,
            ),
            ("server.session_hours", self.server.session_hours, 1..=720),
            (
                "server.header_timeout_seconds",
                self.server.header_timeout_seconds,
                1..=600,
            ),
            (
                "server.body_timeout_seconds",
                self.server.body_timeout_seconds,
                1..=3600,
            ),
        ] {
            if !range.contains(&value) {
                report.errors.push(Finding {
                    field: field.into(),
                    message: format!("must be {} to {}", range.start(), range.end()),
                });
            }
        }
        if self.server.max_body_bytes < 1024 {
            report.errors.push(Finding {
                field: "server.max_body_bytes".into(),
                message: "must be at least 1024".into(),
            });
        }
        if self.cases.max_attachment_bytes == 0 {
            report.errors.push(Finding {
                field: "cases.max_attachment_bytes".into(),
                message: "must be more than 0".into(),
            });
        }
        if self.cases.reopen_window_days > 366 {
            report.errors.push(Finding {
                field: "cases.reopen_window_days".into(),
                message: "must be at most 366".into(),
            });
        }
        for p in Priority::ALL {
            let Some(pc) = self.priorities.get(&p) else {
                report.errors.push(Finding {
                    field: format!("priorities.{p}"),
                    message: "is missing; every priority needs targets".into(),
                });
                continue;
            };
            let Some(t) = self.escalation.thresholds.get(&p) else {
                report.errors.push(Finding {
                    field: format!("escalation.thresholds.{p}"),
                    message: "is missing; every priority needs three levels".into(),
                });
                continue;
            };
            for (clock, levels, target, cal) in [
                ("response", &t.response, pc.response, pc.response_calendar),
                (
                    "resolution",
                    &t.resolution,
                    pc.resolution,
                    pc.resolution_calendar,
                ),
            ] {
                let day = self.day_seconds(cal);
                let secs: Vec<i64> = levels.iter().map(|a| a.seconds(day)).collect();
                if secs.windows(2).any(|w| w[1] <= w[0]) {
                    report.errors.push(Finding {
                        field: format!("escalation.thresholds.{p}.{clock}"),
                        message: format!(
                            "levels must increase: {}",
                            levels
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    });
                }
                if secs[0] != target.seconds(day) {
                    report.warnings.push(Finding {
                        field: format!("escalation.thresholds.{p}.{clock}"),
                        message: format!(
                            "level 1 ({}) differs from the {clock} target ({target}); level 1 is then not reached at the moment of breach",
                            levels[0]
                        ),
                    });
                }
            }
        }
        if self.escalation.levels.len() != 3 {
            report.errors.push(Finding {
                field: "escalation.levels".into(),
                message: format!(
                    "must name exactly 3 levels, not {}",
                    self.escalation.levels.len()
                ),
            });
        }
        report
    }

    fn check_outbound(&self, report: &mut Report) {
        let o = &self.mail.outbound;
        let mut error = |field: &str, message: String| {
            report.errors.push(Finding {
                field: format!("mail.outbound.{field}"),
                message,
            })
        };
        if let Some(r) = &o.relay
            && !(r.starts_with("smtp://") || r.starts_with("smtps://"))
        {
            error(
                "relay",
                format!("`{r}` is not an address like smtp://mail.kommune.no:25"),
            );
        }
        if o.password_env.is_some() && o.password_file.is_some() {
            error(
                "password_env",
                "give the password in password_env or password_file, not both".into(),
            );
        }
        if (o.password_env.is_some() || o.password_file.is_some()) && o.user.is_none() {
            error("user", "a password needs a user".into());
        }
        if o.relay.is_some() && o.directory.is_some() {
            error(
                "directory",
                "mail goes to a relay or a directory, not both".into(),
            );
        }
        if let Some(f) = &o.from
            && crate::mail::address(f).is_none()
        {
            error("from", format!("`{f}` is not an e-mail address"));
        }
        if o.max_attempts == 0 {
            error("max_attempts", "must be at least 1".into());
        }
        if self.mail_goes_out() && self.server.public_url.is_none() {
            report.warnings.push(Finding {
                field: "server.public_url".into(),
                message: "links in e-mail point at server.listen; set the address people reach Skranke at".into(),
            });
        }
        for (i, n) in self.mail.not_customers.iter().enumerate() {
            if n.trim().is_empty() || n.contains(char::is_whitespace) {
                report.errors.push(Finding {
                    field: format!("mail.not_customers[{i}]"),
                    message: format!("`{n}` is not a domain or an e-mail address"),
                });
            }
        }
        if self.mail.per_sender_per_hour == 0 {
            report.errors.push(Finding {
                field: "mail.per_sender_per_hour".into(),
                message: "must be at least 1".into(),
            });
        }
        for (l, level) in self.escalation.levels.iter().enumerate() {
            for (i, c) in level.contacts.iter().enumerate() {
                if !c.email.is_empty() && crate::mail::address(&c.email).is_none() {
                    report.errors.push(Finding {
                        field: format!("escalation.levels[{l}].contacts[{i}].email"),
                        message: format!("`{}` is not an e-mail address", c.email),
                    });
                }
            }
        }
    }
}

impl Config {
    fn check_imap(&self, report: &mut Report) {
        let i = &self.mail.imap;
        let Some(host) = &i.host else {
            return;
        };
        let mut error = |field: &str, message: String| {
            report.errors.push(Finding {
                field: format!("mail.imap.{field}"),
                message,
            })
        };
        if host.trim().is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
            error("host", format!("`{host}` is not a host name"));
        }
        if i.port == Some(0) {
            error("port", "must be 1 to 65535".into());
        }
        if i.user.as_deref().is_none_or(|u| u.trim().is_empty()) {
            error("user", "the mailbox needs a user".into());
        }
        let secret = |env: &Option<String>, file: &Option<std::path::PathBuf>| match (env, file) {
            (Some(_), Some(_)) => Some("from the environment or a file, not both"),
            (None, None) => Some("is needed, from the environment or a file"),
            _ => None,
        };
        match i.auth {
            ImapAuth::Password => {
                if let Some(why) = secret(&i.password_env, &i.password_file) {
                    error("password_env", format!("the mailbox password {why}"));
                }
            }
            ImapAuth::Oauth2 => {
                match i.oauth_token_url.as_deref() {
                    Some(u)
                        if u.starts_with("https://")
                            || u.starts_with("http://127.0.0.1")
                            || u.starts_with("http://localhost") => {}
                    Some(u) => error(
                        "oauth_token_url",
                        format!("`{u}` must be an https:// address"),
                    ),
                    None => error(
                        "oauth_token_url",
                        "auth = \"oauth2\" needs the token address".into(),
                    ),
                }
                if i.oauth_client_id
                    .as_deref()
                    .is_none_or(|c| c.trim().is_empty())
                {
                    error(
                        "oauth_client_id",
                        "auth = \"oauth2\" needs the application's client id".into(),
                    );
                }
                if let Some(why) = secret(&i.oauth_client_secret_env, &i.oauth_client_secret_file) {
                    error(
                        "oauth_client_secret_env",
                        format!("the client secret {why}"),
                    );
                }
                if i.oauth_scope.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    error("oauth_scope", "auth = \"oauth2\" needs a scope, such as https://outlook.office365.com/.default".into());
                }
            }
        }
        if i.folder.trim().is_empty() {
            error("folder", "must name a folder, such as INBOX".into());
        }
        if let Some(to) = &i.move_to
            && (to.trim().is_empty() || to == &i.folder)
        {
            error(
                "move_to",
                format!("`{to}` must be a folder other than `{}`", i.folder),
            );
        }
        if !(1..=3600).contains(&i.poll_seconds) {
            error("poll_seconds", "must be 1 to 3600".into());
        }
        let local = matches!(host.as_str(), "localhost" | "::1")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|a| a.is_loopback());
        if i.tls == ImapTls::None && !local {
            report.warnings.push(Finding {
                field: "mail.imap.tls".into(),
                message: format!("the password and all mail cross the network to `{host}` unprotected; use tls or starttls"),
            });
        }
    }
}

static DEFAULT_PRIORITIES: std::sync::LazyLock<Vec<PriorityConfig>> =
    std::sync::LazyLock::new(|| default_priorities().into_values().collect());

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_defaults_only_warn_about_lav_level_one() {
        let report = Config::default().check();
        assert_eq!(report.errors, []);
        assert_eq!(report.warnings.len(), 1);
        assert_eq!(
            report.warnings[0].field,
            "escalation.thresholds.low.resolution"
        );
    }

    #[test]
    fn partial_tables_keep_the_other_defaults() {
        let (c, _) = Config::from_toml(
            "[priorities.critical]\nresponse = \"10 min\"\nresolution = \"1 h\"\nresponse_calendar = \"business\"\n\
             resolution_calendar = \"always\"\ndefinition = \"x\"\n[calendar.opening_hours]\nfriday = \"08:00-14:00\"\n",
        )
        .unwrap();
        assert_eq!(
            c.priority(Priority::Critical).response,
            Amount::new(10, Unit::Minutes)
        );
        assert_eq!(
            c.priority(Priority::Low),
            Config::default().priority(Priority::Low)
        );
        assert_eq!(c.calendar.opening_hours["monday"], "08:00-15:30");
        assert_eq!(c.calendar.opening_hours["friday"], "08:00-14:00");
    }

    #[test]
    fn empty_file_is_the_default() {
        let (c, _) = Config::from_toml("").unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn a_default_config_round_trips_through_toml() {
        let text = toml::to_string(&Config::default()).unwrap();
        let (c, _) = Config::from_toml(&text).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn bad_files_name_the_field() {
        let err = Config::from_toml("[server]\nlisten = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("listen"), "{err}");
        let err = Config::from_toml("[server]\nlisn = \"x\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown field"), "{err}");
        let err = Config::from_toml("[calendar.opening_hours]\nmonday = \"15:30-08:00\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("calendar.opening_hours.monday"), "{err}");
        let err = Config::from_toml(
            "[escalation.thresholds.high]\nresponse = [\"1 h\", \"30 min\", \"4 h\"]\nresolution = [\"4 h\", \"8 h\", \"2 days\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("escalation.thresholds.high.response"), "{err}");
        let err = Config::from_toml("[priorities.high]\nresponse = \"-1 h\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("negative"), "{err}");
        let err =
            Config::from_toml("[calendar.opening_hours]\nfriday = \"08:00-12:00, 11:00-15:30\"\n")
                .unwrap_err()
                .to_string();
        assert!(err.contains("overlap"), "{err}");
        let err = Config::from_toml("[priorities.low]\nresponse = \"4 h\"\nresolution = \"7 days\"\nresponse_calendar = \"weekdays\"\nresolution_calendar = \"business\"\ndefinition = \"\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("weekdays"), "{err}");
        let err = Config::from_toml("[calendar]\ntimezone = \"Mars/Olympus\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("calendar.timezone"), "{err}");
    }

    #[test]
    fn amounts_parse_in_english_and_norwegian() {
        assert_eq!("15 min".parse(), Ok(Amount::new(15, Unit::Minutes)));
        assert_eq!("2 timer".parse(), Ok(Amount::new(2, Unit::Hours)));
        assert_eq!("3days".parse(), Ok(Amount::new(3, Unit::Days)));
        assert!("3 weeks".parse::<Amount>().is_err());
        assert_eq!(Amount::new(3, Unit::Days).seconds(27_000), 3 * 27_000);
    }

    #[test]
    fn mail_settings_are_checked() {
        let fields = |toml: &str| -> Vec<String> {
            match Config::from_toml(toml) {
                Ok(_) => Vec::new(),
                Err(ConfigError::Invalid(r)) => r.errors.into_iter().map(|f| f.field).collect(),
                Err(e) => panic!("{e}"),
            }
        };
        assert!(fields("").is_empty(), "the defaults pass");
        assert_eq!(
            fields("[mail.smtp]\ntls_cert = \"/nowhere/cert.pem\"\n"),
            ["mail.smtp.tls_cert", "mail.smtp.tls_cert"],
            "a key is missing, and the file"
        );
        assert_eq!(
            fields("[mail.outbound]\nrelay = \"mail.kommune.no\"\npassword_env = \"P\"\n"),
            ["mail.outbound.relay", "mail.outbound.user"]
        );
        assert_eq!(
            fields("[mail.outbound]\nrelay = \"smtp://a:25\"\ndirectory = \"/tmp\"\n"),
            ["mail.outbound.directory"]
        );
        assert_eq!(
            fields("[mail]\nper_sender_per_hour = 0\n"),
            ["mail.per_sender_per_hour"]
        );
        assert_eq!(
            fields("[mail.imap]\nhost = \"imap.kommune.no\"\nfolder = \"\"\npoll_seconds = 0\n"),
            [
                "mail.imap.user",
                "mail.imap.password_env",
                "mail.imap.folder",
                "mail.imap.poll_seconds"
            ]
        );
        assert_eq!(
            fields(
                "[mail.imap]\nhost = \"imap.kommune.no\"\nuser = \"ks\"\npassword_env = \"P\"\npassword_file = \"/p\"\nmove_to = \"INBOX\"\n"
            ),
            ["mail.imap.password_env", "mail.imap.move_to"]
        );
        assert_eq!(
            fields(
                "[mail.imap]\nhost = \"outlook.office365.com\"\nuser = \"ks@kommune.no\"\nauth = \"oauth2\"\noauth_token_url = \"http://login.example/token\"\n"
            ),
            [
                "mail.imap.oauth_token_url",
                "mail.imap.oauth_client_id",
                "mail.imap.oauth_client_secret_env",
                "mail.imap.oauth_scope"
            ],
            "a token fetched in clear is refused, and each missing part named"
        );
        assert!(
            fields(
                "[mail.imap]\nhost = \"outlook.office365.com\"\nuser = \"ks@kommune.no\"\nauth = \"oauth2\"\noauth_token_url = \"https://login.microsoftonline.com/t/oauth2/v2.0/token\"\noauth_client_id = \"app\"\noauth_client_secret_file = \"/run/secrets/app\"\noauth_scope = \"https://outlook.office365.com/.default\"\n"
            )
            .is_empty(),
            "no password needed then"
        );
        let imap = "[mail.imap]\nhost = \"imap.kommune.no\"\nuser = \"ks\"\npassword_env = \"P\"\n";
        let (c, warnings) = Config::from_toml(imap).unwrap();
        assert_eq!(
            c.mail.imap.port(),
            993,
            "TLS from the first byte by default"
        );
        assert!(
            !warnings.iter().any(|w| w.field.starts_with("mail.imap")),
            "{warnings:?}"
        );
        let (c, warnings) = Config::from_toml(&format!("{imap}tls = \"none\"\n")).unwrap();
        assert_eq!(c.mail.imap.port(), 143);
        assert!(
            warnings.iter().any(|w| w.field == "mail.imap.tls"),
            "a password in clear over the network is warned of"
        );
        let (_, warnings) = Config::from_toml(
            "[mail.imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nuser = \"ks\"\npassword_env = \"P\"\n",
        )
        .unwrap();
        assert!(
            !warnings.iter().any(|w| w.field.starts_with("mail.imap")),
            "not on this machine: {warnings:?}"
        );
        let (_, warnings) = Config::from_toml("[mail.outbound]\ndirectory = \"/tmp\"\n").unwrap();
        assert!(
            warnings.iter().any(|w| w.field == "server.public_url"),
            "links in mail need the public address"
        );
    }
}
