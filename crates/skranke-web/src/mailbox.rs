//! Polling the IMAP mailbox of `[mail.imap]`: one instance at a time holds
//! it (a lease in the database, renewed as it works), keeps what it
//! fetches as the SMTP listener does, and connects again after a failure.

use crate::AppState;
use crate::inbound;
use jiff::{SignedDuration, Timestamp};
use skranke_core::mail::HoldReason;
use skranke_mail::imap::{BoxFuture, Credential, Fetched, ImapSettings, MailStore};
use skranke_store::MailSource;
use std::time::Duration;

/// The mailbox `[mail.imap]` names, with its secrets read and its TLS set
/// up, and where its OAuth tokens come from (with `auth = "oauth2"`).
pub struct Mailbox {
    pub imap: ImapSettings,
    tokens: Option<TokenSource>,
}

impl Mailbox {
    /// `None` when no mailbox is configured.
    pub fn from_config(config: &skranke_core::Config) -> Result<Option<Mailbox>, String> {
        use skranke_core::config::{ImapAuth, ImapTls};
        let i = &config.mail.imap;
        let Some(host) = &i.host else {
            return Ok(None);
        };
        let (credential, tokens) = match i.auth {
            ImapAuth::Password => {
                let password = crate::secret::read(
                    "mail.imap.password",
                    i.password_env.as_deref(),
                    i.password_file.as_deref(),
                )?
                .ok_or("mail.imap: a password is needed (password_env or password_file)")?;
                (Credential::Password(password), None)
            }
            ImapAuth::Oauth2 => (
                Credential::Bearer(String::new()),
                Some(TokenSource::from_config(i)?),
            ),
        };
        let tls = match i.tls {
            ImapTls::None => None,
            _ => Some(
                skranke_mail::imap::tls_connector(i.ca_file.as_deref())
                    .map_err(|e| format!("mail.imap.ca_file: {e}"))?,
            ),
        };
        let imap = ImapSettings {
            host: host.clone(),
            port: i.port(),
            security: i.tls,
            tls,
            user: i.user.clone().unwrap_or_default(),
            credential,
            folder: i.folder.clone(),
            move_to: i.move_to.clone(),
            idle: i.idle,
            poll: Duration::from_secs(u64::from(i.poll_seconds)),
            max_size: u32::try_from(config.mail.smtp.max_message_bytes).unwrap_or(u32::MAX),
            timeout: Duration::from_secs(60),
        };
        Ok(Some(Mailbox { imap, tokens }))
    }

    /// Settings ready to log in with: a fresh access token where OAuth is used.
    pub async fn ready(&mut self) -> Result<&ImapSettings, String> {
        if let Some(tokens) = &mut self.tokens {
            self.imap.credential = Credential::Bearer(tokens.token().await?);
        }
        Ok(&self.imap)
    }
}

/// Access tokens by the OAuth 2.0 client credentials grant (RFC 6749
/// section 4.4), kept until shortly before they run out.
struct TokenSource {
    url: hyper::Uri,
    /// The request body: grant type, client id and secret, scope.
    form: String,
    client: crate::https::HttpsClient,
    cached: Option<(String, std::time::Instant)>,
}

impl TokenSource {
    fn from_config(i: &skranke_core::config::ImapConfig) -> Result<TokenSource, String> {
        let url = i.oauth_token_url.as_deref().unwrap_or_default();
        let url: hyper::Uri = url
            .parse()
            .map_err(|e| format!("mail.imap.oauth_token_url: {e}"))?;
        let secret = crate::secret::read(
            "mail.imap.oauth_client_secret",
            i.oauth_client_secret_env.as_deref(),
            i.oauth_client_secret_file.as_deref(),
        )?
        .ok_or("mail.imap: the OAuth client secret is needed")?;
        let form = serde_urlencoded::to_string([
            ("grant_type", "client_credentials"),
            (
                "client_id",
                i.oauth_client_id.as_deref().unwrap_or_default(),
            ),
            ("client_secret", secret.as_str()),
            ("scope", i.oauth_scope.as_deref().unwrap_or_default()),
        ])
        .map_err(|e| e.to_string())?;
        Ok(TokenSource {
            url,
            form,
            client: crate::https::client("mail.imap.oauth_token_url")?,
            cached: None,
        })
    }

    async fn token(&mut self) -> Result<String, String> {
        use http_body_util::BodyExt;
        if let Some((token, until)) = &self.cached
            && std::time::Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let request = hyper::Request::post(self.url.clone())
            .header(
                hyper::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(hyper::header::ACCEPT, "application/json")
            .body(http_body_util::Full::new(hyper::body::Bytes::from(
                self.form.clone(),
            )))
            .map_err(|e| e.to_string())?;
        let response = tokio::time::timeout(Duration::from_secs(30), self.client.request(request))
            .await
            .map_err(|_| "the token service did not answer within 30 s".to_owned())?
            .map_err(|e| format!("the token service: {e}"))?;
        let status = response.status();
        let body = tokio::time::timeout(Duration::from_secs(30), response.into_body().collect())
            .await
            .map_err(|_| "the token service's answer did not finish within 30 s".to_owned())?
            .map_err(|e| format!("the token service: {e}"))?
            .to_bytes();
        let answer: TokenAnswer = serde_json::from_slice(&body).map_err(|e| {
            format!("the token service answered {status} with something else than a token: {e}")
        })?;
        match (status.is_success(), answer.access_token) {
            (true, Some(token)) => {
                // Renewed a minute early: a login never carries a token
                // that runs out on the way.
                let life = answer.expires_in.unwrap_or(3600).saturating_sub(60);
                let until = std::time::Instant::now() + Duration::from_secs(life);
                self.cached = Some((token.clone(), until));
                Ok(token)
            }
            _ => Err(format!(
                "the token service refused ({status}): {} {}",
                answer.error.unwrap_or_default(),
                answer.error_description.unwrap_or_default()
            )),
        }
    }
}

/// What a token endpoint answers (RFC 6749 sections 5.1 and 5.2).
#[derive(serde::Deserialize)]
struct TokenAnswer {
    access_token: Option<String>,
    expires_in: Option<u64>,
    error: Option<String>,
    error_description: Option<String>,
}

/// Polls the mailbox for as long as the server runs.
pub fn spawn(state: AppState, mut mailbox: Mailbox) {
    tokio::spawn(async move {
        let name = mailbox.imap.name();
        let keeper = Keeper {
            state: &state,
            name: &name,
            lease: lease(&mailbox.imap),
            renewed: std::sync::Mutex::new(None),
        };
        let mut failures = 0u32;
        loop {
            if !keeper.renew().await {
                // Another instance has it; ready to take over when it stops.
                tokio::time::sleep(mailbox.imap.poll.min(Duration::from_secs(5))).await;
                continue;
            }
            let session = match mailbox.ready().await {
                Ok(settings) => skranke_mail::imap::session(settings, &keeper)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e),
            };
            match session {
                Ok(()) => failures = 0,
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(mailbox = %crate::logsafe::Safe(&name), error = %crate::logsafe::Safe(&e), "polling the mailbox failed; trying again soon");
                    tokio::time::sleep(backoff(failures)).await;
                }
            }
        }
    });
}

/// How long a holder keeps the mailbox without renewing: past the longest
/// wait between renewals (an IDLE of `poll`), and then some.
fn lease(settings: &ImapSettings) -> SignedDuration {
    let poll = i64::try_from(settings.poll.as_secs()).unwrap_or(3600);
    SignedDuration::from_secs((3 * poll).max(15))
}

/// The wait after `failures` failed sessions in a row: 5 s, doubling up
/// to 5 minutes.
fn backoff(failures: u32) -> Duration {
    let doublings = failures.clamp(1, 8) - 1;
    Duration::from_secs(5 << doublings).min(Duration::from_secs(300))
}

struct Keeper<'a> {
    state: &'a AppState,
    name: &'a str,
    lease: SignedDuration,
    /// When the lease was last taken or renewed.
    renewed: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Keeper<'_> {
    async fn renew(&self) -> bool {
        let now = Timestamp::now();
        let held = match self
            .state
            .store
            .hold_mailbox(self.name, &self.state.instance, now, now + self.lease)
            .await
        {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(error = %e, "the mailbox lease could not be renewed; pausing the mailbox");
                false
            }
        };
        *self.renewed.lock().unwrap_or_else(|e| e.into_inner()) =
            held.then(std::time::Instant::now);
        held
    }

    /// Still holding the mailbox: renewed when a third of the lease has
    /// passed, not once a message (a write each would slow the mail down).
    async fn still_held(&self) -> bool {
        let third = self.lease.unsigned_abs() / 3;
        let fresh = self
            .renewed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some_and(|at| at.elapsed() < third);
        fresh || self.renew().await
    }
}

impl MailStore for Keeper<'_> {
    fn keep(&self, message: Fetched) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            let (raw, held) = match message {
                Fetched::Whole(raw) => (raw, None),
                Fetched::TooLarge { header, size } => {
                    let why = format!(
                        "{size} bytes, over the limit of {} (mail.smtp.max_message_bytes); the whole message is in {}",
                        self.state.config.mail.smtp.max_message_bytes, self.name
                    );
                    (header, Some((HoldReason::TooLarge, why)))
                }
            };
            inbound::receive(
                self.state,
                MailSource::Imap,
                None,
                &[],
                Some(self.name),
                raw,
                held,
            )
            .await
            .map_err(|e| e.to_string())?;
            self.state.mail_in_wake.notify_one();
            Ok(())
        })
    }

    fn go_on(&self) -> BoxFuture<'_, bool> {
        Box::pin(self.still_held())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_sessions_back_off_to_five_minutes() {
        let secs = |n| backoff(n).as_secs();
        assert_eq!([secs(1), secs(2), secs(3), secs(6)], [5, 10, 20, 160]);
        assert_eq!(secs(7), 300);
        assert_eq!(secs(u32::MAX), 300);
    }

    #[test]
    fn a_lease_outlasts_the_longest_wait_between_renewals() {
        let mut s = Mailbox::from_config(
            &skranke_core::Config::from_toml(
                "[mail.imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nuser = \"ks\"\npassword_env = \"PATH\"\n",
            )
            .unwrap()
            .0,
        )
        .unwrap()
        .unwrap()
        .imap;
        assert_eq!(s.port, 143);
        assert_eq!(lease(&s), SignedDuration::from_secs(180));
        s.poll = Duration::from_secs(1);
        assert_eq!(lease(&s), SignedDuration::from_secs(15));
    }
}
