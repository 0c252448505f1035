//! The `skranke` binary: serve the service desk, check configuration,
//! and administer users and tokens against the same data directory.

use skranke::demo;
use skranke::sla_cli;
use skranke::transfer;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use jiff::Timestamp;
use skranke_core::audit::{AuditEntry, AuditEvent};
use skranke_core::{Config, UserKind};
use skranke_store::{NewUser, Store};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(
    name = "skranke",
    version,
    about = "Skranke: Kundeservice's service desk"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct DataArgs {
    /// The data directory: database and attachments.
    #[arg(long, env = "SKRANKE_DATA", default_value = "./skranke-data")]
    data: PathBuf,
    /// The configuration file (TOML). Defaults mirror the service description.
    #[arg(long, env = "SKRANKE_CONFIG")]
    config: Option<PathBuf>,
    /// A PostgreSQL URL (postgres://…) instead of the SQLite file in the data directory.
    #[arg(long, env = "SKRANKE_DATABASE_URL")]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the service desk.
    Serve {
        #[command(flatten)]
        data: DataArgs,
        /// Address to listen on (overrides `server.listen`).
        #[arg(long, env = "SKRANKE_LISTEN")]
        listen: Option<String>,
        /// Seed demo organizations, people and cases (password `demo`);
        /// take mail on 127.0.0.1:2525 unless told otherwise.
        #[arg(long)]
        demo: bool,
        /// Take mail over SMTP on this address (overrides `mail.smtp.listen`).
        #[arg(long, env = "SKRANKE_SMTP_LISTEN")]
        smtp_listen: Option<String>,
        /// Send e-mail through this relay, e.g. `smtp://mail.kommune.no:25`
        /// (overrides `mail.outbound.relay`).
        #[arg(long, env = "SKRANKE_SMTP_RELAY")]
        smtp_relay: Option<String>,
    },
    /// Work with the configuration file.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Write the whole installation (every table and attachment) as JSON lines.
    Export {
        #[command(flatten)]
        data: DataArgs,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Load an export into an empty database (e.g. SQLite → PostgreSQL).
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// Read from here instead of standard input.
        #[arg(long)]
        input: Option<PathBuf>,
    },
    /// Create or upgrade the database schema, then exit.
    Migrate {
        #[command(flatten)]
        data: DataArgs,
    },
    /// Work with the service catalog.
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// Ask the SLA engine.
    Sla {
        #[command(subcommand)]
        command: SlaCommand,
    },
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Create or update a service from its description (the seven-section
    /// form: `# NAME`, `STATUS: …`, `## 1 BESKRIVELSE AV TJENESTEN` … `## 7 ROLLER`).
    Import {
        #[command(flatten)]
        data: DataArgs,
        /// The description, Markdown.
        file: PathBuf,
        /// The service's key (default: from its name, `kundeservice`).
        #[arg(long)]
        key: Option<String>,
        /// The category it is listed under.
        #[arg(long, default_value = "")]
        category: String,
    },
    /// Write a service's description in the same form.
    Export {
        #[command(flatten)]
        data: DataArgs,
        key: String,
        /// Write here instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SlaCommand {
    /// Replay a case history (JSON on stdin or --input) and print the clocks as JSON.
    Simulate {
        #[arg(long)]
        input: Option<PathBuf>,
        #[arg(long, env = "SKRANKE_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Print the deadlines and escalation instants of a new case.
    Due {
        /// critical, high, medium or low.
        #[arg(long)]
        priority: String,
        /// RFC 3339, or local time like 2026-12-01T10:00.
        #[arg(long)]
        registered: String,
        #[arg(long, default_value = "web")]
        channel: String,
        #[arg(long, env = "SKRANKE_CONFIG")]
        config: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration file; print errors and warnings.
    Check {
        /// The file to check (default: the compiled-in defaults).
        file: Option<PathBuf>,
    },
    /// Print the default configuration as TOML.
    Default,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user. The password is read from SKRANKE_PASSWORD or generated and printed.
    Add {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: String,
        /// employee, pupil, guardian, agent or admin.
        #[arg(long, default_value = "employee")]
        kind: String,
    },
    /// Set a one-time password (printed) that must be changed at the next login.
    Password {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; prints only the token, once.
    Create {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// `read` (GET only) or `write` (everything the user may do).
        #[arg(long, default_value = "write")]
        scope: String,
        /// Days until the token runs out (1–366).
        #[arg(long, default_value_t = 365)]
        days: i64,
    },
}

fn load_config(path: Option<&Path>) -> Result<Config> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration file {}", path.display()))?;
    let (config, warnings) =
        Config::from_toml(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(config)
}

/// The database named by `--database`, or the SQLite file in the data directory.
async fn catalog(command: CatalogCommand) -> Result<()> {
    use skranke_core::catalog::{self, CatalogService};
    match command {
        CatalogCommand::Import {
            data,
            file,
            key,
            category,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let form = catalog::parse(&text).with_context(|| format!("{}", file.display()))?;
            if let Some(k) = key.as_deref().filter(|k| !catalog::valid_key(k)) {
                bail!("--key: `{k}` is not a key (lower-case letters, digits and -)");
            }
            let service = CatalogService::from_form(form, key.as_deref(), &category);
            if !catalog::valid_key(&service.key) {
                bail!(
                    "the name `{}` gives no key; give one with --key",
                    service.name
                );
            }
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            let entry = cli_entry(AuditEvent::ServiceUpdated, &service.key);
            let done = store
                .import_service(&service, &entry, Timestamp::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "{} service {} ({}): {} sections, {} roles",
                if done.created { "created" } else { "updated" },
                service.key,
                service.name,
                service.description.sections.len(),
                service.description.roles.len()
            );
            Ok(())
        }
        CatalogCommand::Export { data, key, output } => {
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            let service = store.catalog_service(&key).await.map_err(|e| match e {
                skranke_store::StoreError::NotFound => {
                    anyhow::anyhow!("no service has the key `{key}`")
                }
                e => anyhow::anyhow!("{e}"),
            })?;
            let text = service.to_form();
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
    }
}

async fn open_store(args: &DataArgs, config: &Config) -> Result<Store> {
    let sla = skranke_store::SlaSettings::from_config(config)
        .map_err(|errors| anyhow::anyhow!("{}", skranke_core::config::describe(&errors)))?;
    match args.database.as_deref() {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Store::open_postgres(url, sla)
                .await
                .context("cannot open the PostgreSQL database")
        }
        Some(url) => match url.strip_prefix("sqlite://") {
            Some(path) => Store::open_sqlite(Path::new(path), sla)
                .await
                .context("cannot open the SQLite database"),
            None => bail!("--database: `{url}` is neither postgres://… nor sqlite://…"),
        },
        None => {
            let data = &args.data;
            private_dir(data)?;
            Store::open_sqlite(&data.join("skranke.db"), sla)
                .await
                .context("cannot open the database")
        }
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve {
            data,
            listen,
            demo,
            smtp_listen,
            smtp_relay,
        } => serve(data, listen, demo, smtp_listen, smtp_relay).await,
        Command::Sla { command } => sla(command),
        Command::Catalog { command } => catalog(command).await,
        Command::Export { data, output } => {
            let config = load_config(data.config.as_deref())?;
            let store = open_store(&data, &config).await?;
            let files = skranke_web::files::LocalDir::new(skranke_web::attachments_dir(
                &config, &data.data,
            ));
            let text = transfer::export(&store, &files).await?;
            match output {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Import { data, input } => {
            let text = match input {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => std::io::read_to_string(std::io::stdin()).context("cannot read stdin")?,
            };
            let config = load_config(data.config.as_deref())?;
            let store = open_store(&data, &config).await?;
            let dir = skranke_web::files::LocalDir::new(skranke_web::attachments_dir(
                &config, &data.data,
            ));
            let (rows, files) = transfer::import(&store, &dir, &text).await?;
            eprintln!(
                "imported {rows} rows and {files} attachment files into the {} database",
                store.backend()
            );
            Ok(())
        }
        Command::Migrate { data } => {
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            println!("{} database is migrated", store.backend());
            Ok(())
        }
        Command::Config { command } => match command {
            ConfigCommand::Check { file } => config_check(file.as_deref()),
            ConfigCommand::Default => {
                print!("{}", toml::to_string(&Config::default())?);
                Ok(())
            }
        },
        Command::User {
            command:
                UserCommand::Add {
                    data,
                    username,
                    name,
                    email,
                    kind,
                },
        } => {
            let given = std::env::var("SKRANKE_PASSWORD").ok();
            let (password, generated) = match given {
                Some(p) => (p, false),
                None => (skranke_web::one_time_password(), true),
            };
            let mut new = skranke_web::admin::check_user(&skranke_web::admin::UserRequest {
                username,
                full_name: name,
                email,
                kind,
                password: password.clone(),
                ..Default::default()
            })
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            new.password_hash =
                Some(skranke_web::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?);
            // A password made up here is for the first login only.
            new.must_change_password = generated;
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            let entry = cli_entry(AuditEvent::UserCreated, &new.username);
            let id = store
                .create_user(&new, &entry, Timestamp::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created user {} (id {id})", new.username);
            if generated {
                println!("one-time password (to be changed at the first login): {password}");
            }
            Ok(())
        }
        Command::User {
            command: UserCommand::Password { data, username },
        } => {
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            let user = store
                .user_by_username(&username)
                .await
                .map_err(|_| anyhow::anyhow!("no user named {username}"))?;
            let password = skranke_web::one_time_password();
            let hash = skranke_web::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
            let mut entry = cli_entry(AuditEvent::PasswordReset, &username);
            entry.subject_id = Some(user.id);
            store
                .set_password(user.id, &hash, true, None, &entry, Timestamp::now())
                .await?;
            println!(
                "one-time password for {username} (to be changed at the next login): {password}"
            );
            Ok(())
        }
        Command::Token {
            command:
                TokenCommand::Create {
                    data,
                    username,
                    name,
                    scope,
                    days,
                },
        } => {
            if !(1..=366).contains(&days) {
                bail!("--days: must be 1 to 366");
            }
            let scopes = match scope.as_str() {
                "read" => "read",
                "write" => "read write",
                other => bail!("--scope: `{other}` is neither read nor write"),
            };
            let store = open_store(&data, &load_config(data.config.as_deref())?).await?;
            let user = store
                .user_by_username(&username)
                .await
                .map_err(|_| anyhow::anyhow!("no user named {username}"))?;
            if !user.active {
                bail!("user {username} is deactivated");
            }
            let token = skranke_web::generate_token();
            let now = Timestamp::now();
            let mut entry = cli_entry(AuditEvent::TokenCreated, &name);
            entry.subject_id = Some(user.id);
            entry.detail = scopes.into();
            let hash = skranke_web::hash_token(&token);
            let new = skranke_store::NewToken {
                user_id: user.id,
                name: &name,
                token_hash: &hash,
                scopes,
                expires: now + jiff::SignedDuration::from_hours(24 * days),
            };
            store.create_api_token(&new, &entry, now).await?;
            println!("{token}");
            Ok(())
        }
    }
}

/// An audit entry of something done at the command line.
fn cli_entry(event: AuditEvent, subject: &str) -> AuditEntry {
    AuditEntry {
        subject: subject.into(),
        address: "cli".into(),
        ..AuditEntry::new(event, None)
    }
}

fn policy(config: &Config) -> Result<skranke_core::sla::SlaPolicy> {
    skranke_core::sla::SlaPolicy::from_config(config)
        .map_err(|errors| anyhow::anyhow!("{}", skranke_core::config::describe(&errors)))
}

fn sla(command: SlaCommand) -> Result<()> {
    match command {
        SlaCommand::Simulate { input, config } => {
            let config = load_config(config.as_deref())?;
            let text = match input {
                Some(path) => std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?,
                None => std::io::read_to_string(std::io::stdin()).context("cannot read stdin")?,
            };
            let out =
                sla_cli::simulate(&policy(&config)?, &text).map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{out}");
            Ok(())
        }
        SlaCommand::Due {
            priority,
            registered,
            channel,
            config,
        } => {
            let config = load_config(config.as_deref())?;
            let priority: skranke_core::Priority = priority
                .parse()
                .map_err(|_| anyhow::anyhow!("--priority: unknown value `{priority}`"))?;
            let channel: skranke_core::Channel = channel
                .parse()
                .map_err(|_| anyhow::anyhow!("--channel: unknown value `{channel}`"))?;
            let tz = config
                .opening_hours()
                .map_err(|e| anyhow::anyhow!("{}", e[0]))?
                .tz;
            let registered = sla_cli::parse_local_or_rfc3339(&registered, &tz)
                .map_err(|e| anyhow::anyhow!(e))?;
            print!(
                "{}",
                sla_cli::due_report(&policy(&config)?, &tz, priority, channel, registered)
            );
            Ok(())
        }
    }
}

fn config_check(file: Option<&Path>) -> Result<()> {
    let config = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Config::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?
        }
        None => Config::default(),
    };
    let report = config.check();
    for w in &report.warnings {
        println!("warning: {w}");
    }
    for e in &report.errors {
        println!("error: {e}");
    }
    if !report.errors.is_empty() {
        bail!("{} error(s) in the configuration", report.errors.len());
    }
    println!(
        "configuration is valid ({} warning(s))",
        report.warnings.len()
    );
    Ok(())
}

/// Where the demo takes mail when nothing else is said.
const DEMO_SMTP: &str = "127.0.0.1:2525";

async fn serve(
    data: DataArgs,
    listen: Option<String>,
    demo: bool,
    smtp_listen: Option<String>,
    smtp_relay: Option<String>,
) -> Result<()> {
    let mut config = load_config(data.config.as_deref())?;
    if let Some(relay) = smtp_relay {
        config.mail.outbound.relay = Some(relay);
        config.mail.outbound.directory = None;
    }
    // Without a relay the demo writes its mail as files, to be read there
    // and on the admin page.
    if demo && !config.mail_goes_out() {
        config.mail.outbound.directory = Some(data.data.join("outgoing-mail"));
    }
    let report = config.check();
    if !report.errors.is_empty() {
        bail!("{}", skranke_core::config::describe(&report.errors));
    }
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter);
    // User text in log lines is escaped where it is logged (a title with a
    // line break cannot forge a line); JSON lines are escaped as a whole.
    match config.server.log_format {
        skranke_core::config::LogFormat::Text => logs.init(),
        skranke_core::config::LogFormat::Json => logs.json().init(),
    }
    if let Some(l) = listen {
        config.server.listen = l;
    }
    let addr: std::net::SocketAddr = config
        .server
        .listen
        .parse()
        .with_context(|| format!("--listen: `{}` is not an address", config.server.listen))?;
    let store = open_store(&data, &config).await?;
    if store.count_users().await? == 0 {
        if demo {
            demo::seed(&store).await?;
            demo::print_logins();
        } else {
            let password = skranke_web::one_time_password();
            let hash = skranke_web::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
            store
                .create_user(
                    &NewUser {
                        username: "admin".into(),
                        full_name: "Administrator".into(),
                        email: "admin@localhost.invalid".into(),
                        phone: String::new(),
                        kind: UserKind::Admin,
                        org_id: None,
                        unit_id: None,
                        team_id: None,
                        password_hash: Some(hash),
                        must_change_password: true,
                    },
                    &cli_entry(AuditEvent::UserCreated, "admin"),
                    Timestamp::now(),
                )
                .await?;
            println!("Created the first user: admin, one-time password: {password}");
        }
    } else if demo {
        println!("Demo data is only seeded into an empty data directory; using the existing data.");
        demo::print_logins();
    }
    let state = skranke_web::AppState::new(store, config, data.data.clone())
        .map_err(|e| anyhow::anyhow!(e))?;
    // Catches up on escalations that fell due while the server was down.
    skranke_web::notify::spawn_scheduler(state.clone());
    match (
        &state.config.mail.outbound.relay,
        &state.config.mail.outbound.directory,
    ) {
        (Some(relay), _) => println!("Sending mail through {}", redacted(relay)),
        (None, Some(dir)) => println!("Writing outgoing mail to {}", dir.display()),
        (None, None) => println!("No mail goes out (no [mail.outbound] relay)."),
    }
    skranke_web::outmail::spawn(state.clone());
    // Also without a listener: another instance's or a released mail.
    skranke_web::inbound::spawn_processor(state.clone());
    if let Some(mailbox) =
        skranke_web::mailbox::Mailbox::from_config(&state.config).map_err(|e| anyhow::anyhow!(e))?
    {
        println!("Taking mail from {}", mailbox.imap.name());
        skranke_web::mailbox::spawn(state.clone(), mailbox);
    }
    let smtp = smtp_listen.or_else(|| state.config.mail.smtp.listen.clone());
    let demo_smtp = smtp.is_none() && demo;
    if let Some(at) = smtp.or_else(|| demo_smtp.then(|| DEMO_SMTP.to_owned())) {
        let addr: std::net::SocketAddr = at
            .parse()
            .with_context(|| format!("--smtp-listen: `{at}` is not an address"))?;
        match tokio::net::TcpListener::bind(addr).await {
            Ok(l) => {
                println!(
                    "Taking mail for {} at smtp://{}",
                    state.config.mail_recipients().join(", "),
                    l.local_addr()?
                );
                skranke_web::inbound::listen(state.clone(), l).map_err(|e| anyhow::anyhow!(e))?;
            }
            // Several demo servers may run side by side: one takes the mail.
            Err(e) if demo_smtp => {
                println!("The demo takes no mail: {addr} is in use ({e}).");
            }
            Err(e) => return Err(e).with_context(|| format!("cannot take mail on {addr}")),
        }
    }
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    println!("Skranke is running at http://{}/", listener.local_addr()?);
    skranke_web::serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// A relay URL without its password, for printing.
fn redacted(relay: &str) -> String {
    match url::Url::parse(relay) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => relay.to_owned(),
    }
}

/// Creates the data directory readable by its owner only (what is in it:
/// the database, attachments). An existing one is left as the operator set it.
fn private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.exists() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create data directory {}", dir.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_relay_is_printed_without_its_password() {
        assert_eq!(
            super::redacted("smtp://skranke:hemmelig@mail.kommune.no:587?tls=required"),
            "smtp://skranke:***@mail.kommune.no:587?tls=required"
        );
        assert_eq!(
            super::redacted("smtp://mail.kommune.no:25"),
            "smtp://mail.kommune.no:25"
        );
    }
}
