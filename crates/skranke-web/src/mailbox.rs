//! Polling the IMAP mailbox of `[mail.imap]`: one instance at a time holds
//! it (a lease in the database, renewed as it works), keeps what it
//! fetches as the SMTP listener does, and connects again after a failure.

use crate::AppState;
use crate::inbound;
use jiff::{SignedDuration, Timestamp};
use skranke_core::mail::HoldReason;
use skranke_mail::imap::{BoxFuture, Fetched, ImapSettings, MailStore};
use skranke_store::MailSource;
use std::time::Duration;

/// The mailbox `[mail.imap]` names, with its password read and its TLS
/// set up; `None` when no mailbox is configured.
pub fn settings(config: &skranke_core::Config) -> Result<Option<ImapSettings>, String> {
    let i = &config.mail.imap;
    let Some(host) = &i.host else {
        return Ok(None);
    };
    let password = crate::secret::read(
        "mail.imap.password",
        i.password_env.as_deref(),
        i.password_file.as_deref(),
    )?
    .ok_or("mail.imap: a password is needed (password_env or password_file)")?;
    let tls = match i.tls {
        skranke_core::config::ImapTls::None => None,
        _ => Some(
            skranke_mail::imap::tls_connector(i.ca_file.as_deref())
                .map_err(|e| format!("mail.imap.ca_file: {e}"))?,
        ),
    };
    Ok(Some(ImapSettings {
        host: host.clone(),
        port: i.port(),
        security: i.tls,
        tls,
        user: i.user.clone().unwrap_or_default(),
        password,
        folder: i.folder.clone(),
        move_to: i.move_to.clone(),
        idle: i.idle,
        poll: Duration::from_secs(u64::from(i.poll_seconds)),
        max_size: u32::try_from(config.mail.smtp.max_message_bytes).unwrap_or(u32::MAX),
        timeout: Duration::from_secs(60),
    }))
}

/// Polls the mailbox for as long as the server runs.
pub fn spawn(state: AppState, settings: ImapSettings) {
    tokio::spawn(async move {
        let name = settings.name();
        let keeper = Keeper {
            state: &state,
            name: &name,
            lease: lease(&settings),
        };
        let mut failures = 0u32;
        loop {
            if !keeper.renew().await {
                // Another instance has it; ready to take over when it stops.
                tokio::time::sleep(settings.poll.min(Duration::from_secs(5))).await;
                continue;
            }
            match skranke_mail::imap::session(&settings, &keeper).await {
                Ok(()) => failures = 0,
                Err(e) => {
                    failures = failures.saturating_add(1);
                    tracing::warn!(mailbox = %crate::logsafe::Safe(&name), error = %crate::logsafe::Safe(&e.to_string()), "polling the mailbox failed; trying again soon");
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
}

impl Keeper<'_> {
    async fn renew(&self) -> bool {
        let now = Timestamp::now();
        match self
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
        }
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
        Box::pin(self.renew())
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
        let mut s = settings(
            &skranke_core::Config::from_toml(
                "[mail.imap]\nhost = \"127.0.0.1\"\ntls = \"none\"\nuser = \"ks\"\npassword_env = \"PATH\"\n",
            )
            .unwrap()
            .0,
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.port, 143);
        assert_eq!(lease(&s), SignedDuration::from_secs(180));
        s.poll = Duration::from_secs(1);
        assert_eq!(lease(&s), SignedDuration::from_secs(15));
    }
}
