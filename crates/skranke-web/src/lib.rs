//! Skranke's HTTP layer: server-rendered pages for requesters, agents and
//! admins, and the JSON API. Handlers are thin: they authenticate, check
//! input, call the domain and the store, and render.

mod access;
mod account;
pub mod admin;
mod api;
mod auth;
mod casework;
mod context;
mod error;
pub mod files;
mod guard;
mod https;
pub mod i18n;
pub mod inbound;
mod logsafe;
pub mod mailbox;
mod markdown;
pub mod notify;
pub mod outmail;
mod pages;
pub mod password;
mod secret;
pub mod server;
pub mod webhook;

mod status;
mod texts;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use skranke_core::Config;
use skranke_core::calendar::OpeningHours;
use skranke_store::Store;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

pub use api::openapi;
pub use auth::{generate_token, hash_password, hash_token, one_time_password};
pub use pages::page_paths;
pub use server::serve;

/// Everything a handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    /// This process among several on one database (outbox leases).
    pub instance: String,
    pub deliveries: Vec<Box<dyn notify::Delivery>>,
    pub config: Config,
    pub hours: OpeningHours,
    pub files: Arc<dyn files::FileStore>,
    /// Password hashing runs at most this many at once (one per core).
    pub hashers: Arc<tokio::sync::Semaphore>,
    /// `[server] trusted_proxies`, parsed.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Where e-mail goes (`[mail.outbound]`); `None`: nowhere.
    pub mail_out: Option<outmail::Transport>,
    /// Wakes the mail loop when something was queued.
    pub mail_wake: Arc<tokio::sync::Notify>,
    /// Wakes the incoming-mail processor when a message was recorded.
    pub mail_in_wake: Arc<tokio::sync::Notify>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: Config, data_dir: PathBuf) -> Result<AppState, String> {
        let hours = config
            .opening_hours()
            .map_err(|errors| skranke_core::config::describe(&errors))?;
        views::set_display_zone(hours.tz.clone());
        let files = Arc::new(files::LocalDir::new(attachments_dir(&config, &data_dir)));
        let trusted_proxies = config
            .server
            .trusted_proxies
            .iter()
            .map(|p| {
                skranke_core::client::parse_net(p).ok_or_else(|| {
                    format!("server.trusted_proxies: `{p}` is not an address or network")
                })
            })
            .collect::<Result<_, _>>()?;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let mail_out = outmail::Transport::from_config(&config)?;
        Ok(AppState(Arc::new(Inner {
            hashers: Arc::new(tokio::sync::Semaphore::new(cores)),
            trusted_proxies,
            mail_out,
            mail_wake: Arc::new(tokio::sync::Notify::new()),
            mail_in_wake: Arc::new(tokio::sync::Notify::new()),
            store,
            instance: format!("{}-{}", std::process::id(), &auth::generate_token()[..8]),
            deliveries: notify::deliveries(&config)?,
            config,
            hours,
            files,
        })))
    }

    /// The same state with other delivery channels (e.g. without one, to see retries).
    pub fn with_deliveries(self, deliveries: Vec<Box<dyn notify::Delivery>>) -> AppState {
        let inner = Arc::try_unwrap(self.0).unwrap_or_else(|_| panic!("state is shared already"));
        AppState(Arc::new(Inner {
            deliveries,
            ..inner
        }))
    }

    /// People reach us over HTTPS (the configured public URL says so).
    pub fn public_https(&self) -> bool {
        self.config
            .server
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// Where attachments live: `[storage] attachments_dir`, else the data directory's.
pub fn attachments_dir(config: &Config, data_dir: &std::path::Path) -> PathBuf {
    config
        .storage
        .attachments_dir
        .clone()
        .unwrap_or_else(|| data_dir.join("attachments"))
}

/// Room in a multipart body for the form fields around its attachments.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;
/// How many attachments' worth a body with files may hold.
pub const UPLOAD_FILES: usize = 3;

/// The whole application: pages, API and static files, with the limits and
/// security headers every response gets.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        // `server::limits` reads every body within the route's limit first.
        .layer(DefaultBodyLimit::disable())
        // Pages and API answers are about someone: no cache may keep them
        // (Back after logging out on a shared PC shows nothing). Static
        // files set their own.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                 frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            ),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            server::limits,
        ))
        // Outermost: every answer, refusals by the layers above included,
        // is in the reader's language.
        .layer(axum::middleware::from_fn(context::middleware))
        .with_state(state)
}
