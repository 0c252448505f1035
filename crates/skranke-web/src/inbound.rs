//! Mail arriving: the SMTP listener's sink (and, later, the IMAP poller's).
//! A message is parsed off the async threads, its raw bytes saved as a
//! file, and recorded once per identity, all before the sender is told
//! `250`. Turning it into a case or a reply happens after that.

use crate::AppState;
use crate::casework::Source;
use crate::error::WebError;
use crate::files;
use sha2::{Digest, Sha256};
use skranke_core::mail::HoldReason;
use skranke_mail::smtp::{Accepted, BoxFuture, Envelope, Sink};
use skranke_store::{MailSource, NewInboundMail, Received};
use std::sync::Arc;

/// Takes mail on `listener`; `spawn_processor` makes it into cases. Fails
/// only when the configured certificate cannot be used.
pub fn listen(state: AppState, listener: tokio::net::TcpListener) -> Result<(), String> {
    let smtp = &state.config.mail.smtp;
    let tls = match (&smtp.tls_cert, &smtp.tls_key) {
        (Some(cert), Some(key)) => Some(
            skranke_mail::smtp::tls_acceptor(cert, key)
                .map_err(|e| format!("mail.smtp.tls_cert: {e}"))?,
        ),
        _ => None,
    };
    let config = Arc::new(skranke_mail::smtp::SmtpConfig {
        hostname: match skranke_core::mail::domain(&state.config.contact.email) {
            "" => "skranke".to_owned(),
            d => d.to_owned(),
        },
        recipients: state.config.mail_recipients(),
        max_size: state.config.mail.smtp.max_message_bytes,
        max_recipients: 50,
        idle: std::time::Duration::from_secs(u64::from(state.config.mail.smtp.idle_seconds)),
        tls,
    });
    let sink = Arc::new(MailSink(state));
    tokio::spawn(skranke_mail::smtp::serve(
        listener,
        config,
        sink,
        std::future::pending(),
    ));
    Ok(())
}

/// Makes recorded mail into cases as it comes (woken by `mail_in_wake`)
/// and every ten seconds, for anything left from before a restart or
/// recorded by another instance.
pub fn spawn_processor(state: AppState) {
    tokio::spawn(async move {
        loop {
            match process_pending(&state, 50).await {
                Ok(50) => continue,
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %crate::logsafe::Safe(&e.to_string()), "processing incoming mail failed; trying again soon");
                }
            }
            tokio::select! {
                () = state.mail_in_wake.notified() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(10)) => {}
            }
        }
    });
}

/// The SMTP listener's sink: a message is taken once it is recorded, and
/// only within its sender's allowance (`[mail] per_sender_per_hour`).
pub struct MailSink(pub AppState);

impl Sink for MailSink {
    fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> BoxFuture<'_, Accepted> {
        Box::pin(async move {
            let peer = envelope.peer.to_string();
            let sender = format!("{} {}", envelope.from.to_lowercase(), envelope.peer.ip());
            let per_hour = self.0.config.mail.per_sender_per_hour;
            match self
                .0
                .store
                .admit_sender(&sender, per_hour, jiff::Timestamp::now())
                .await
            {
                Ok(Ok(())) => {}
                Ok(Err(until)) => {
                    tracing::warn!(%peer, from = %crate::logsafe::Safe(&envelope.from), "sender over its hourly allowance; told to try later");
                    return Accepted::Later(format!(
                        "Too much mail from this sender; try again after {until}"
                    ));
                }
                Err(e) => {
                    tracing::warn!(error = %e, %peer, "the sender's allowance could not be checked; the sender will retry");
                    return Accepted::Later("Cannot take the message now; try again later".into());
                }
            }
            match receive(
                &self.0,
                MailSource::Smtp,
                Some(&envelope.from),
                &envelope.to,
                Some(&peer),
                raw,
                None,
            )
            .await
            {
                Ok(_) => {
                    self.0.mail_in_wake.notify_one();
                    Accepted::Stored
                }
                Err(e) => {
                    tracing::warn!(error = %e, %peer, "an incoming message could not be stored; the sender will retry");
                    Accepted::Later("Cannot store the message now; try again later".into())
                }
            }
        })
    }
}

/// Records a message as it came. A second arrival of the same message
/// records nothing (and keeps no second file); a message whose MIME cannot
/// be read, or that comes `held` already, is kept in quarantine with the
/// reason.
pub async fn receive(
    state: &AppState,
    source: MailSource,
    envelope_from: Option<&str>,
    envelope_to: &[String],
    peer: Option<&str>,
    raw: Vec<u8>,
    held: Option<(HoldReason, String)>,
) -> Result<Received, WebError> {
    let (raw, parsed) = tokio::task::spawn_blocking(move || {
        let parsed = skranke_mail::parse(&raw);
        (raw, parsed)
    })
    .await
    .map_err(|e| WebError::Internal(format!("parsing a message: {e}")))?;
    let (identity, quarantine) = match &parsed {
        Ok(m) => (m.identity(), held),
        Err(e) => (
            format!("sha256:{}", hex::encode(Sha256::digest(&raw))),
            Some((HoldReason::Unreadable, e.to_string())),
        ),
    };
    let file = files::save(state.files.as_ref(), &raw)
        .await
        .map_err(|e| WebError::Internal(format!("saving a message: {e}")))?;
    let recorded = state
        .store
        .receive_mail(&NewInboundMail {
            identity: &identity,
            source,
            envelope_from,
            envelope_to,
            peer,
            size: file.size,
            storage_key: &file.key,
            quarantine: quarantine.as_ref().map(|(hold, why)| (*hold, why.as_str())),
            about: skranke_store::MailAbout {
                sender: parsed.as_ref().ok().and_then(|m| m.from.as_deref()),
                subject: parsed.as_ref().ok().and_then(|m| m.subject.as_deref()),
            },
            now: jiff::Timestamp::now(),
        })
        .await;
    match recorded {
        Ok(r) if !r.duplicate => Ok(r),
        other => {
            state.files.delete(&file.key).await;
            Ok(other?)
        }
    }
}

/// What became of one recorded message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new case, or a message on the case it answers.
    Case { id: i64, number: String },
    /// Set aside for an admin: why, and the detail.
    Quarantined(HoldReason, String),
    /// From someone who is not a customer: held, and answered once with
    /// whom to ask instead.
    NotCustomer(HoldReason, String),
    /// Written by a machine: nobody answers it, no case.
    Ignored(String),
}

/// Who a message is from and what it is about, as far as it could be read.
#[derive(Debug, Clone, Default)]
struct About {
    sender: Option<String>,
    subject: Option<String>,
}

/// Turns recorded mail into cases and replies, oldest first; returns how
/// many were handled. A message is marked done only after its case or
/// reply is committed, and the case is registered under the idempotency
/// key `mail:<identity>`, so a crash in between cannot make two.
pub async fn process_pending(state: &AppState, limit: i64) -> Result<usize, WebError> {
    let pending = state.store.pending_mail(limit).await?;
    for p in &pending {
        handle(state, p).await?;
    }
    Ok(pending.len())
}

/// Makes one recorded message a case or a reply, or sets it aside, and
/// records which. `Err` only when the database or the disk failed: then
/// the message waits for the next round.
async fn handle(state: &AppState, p: &skranke_store::PendingMail) -> Result<Outcome, WebError> {
    let mut about = About::default();
    let outcome = match process_one(state, p, &mut about).await {
        Ok(o) => o,
        Err(e @ (WebError::Unavailable(_) | WebError::Internal(_))) => return Err(e),
        // Anything else is about this message: set aside, the queue goes on.
        Err(e) => Outcome::Quarantined(HoldReason::NotACase, e.to_string()),
    };
    let now = jiff::Timestamp::now();
    let (hold, reason, case) = match &outcome {
        Outcome::Case { id, .. } => (None, None, Some(*id)),
        Outcome::Quarantined(hold, why) | Outcome::NotCustomer(hold, why) => {
            (Some(*hold), Some(why.as_str()), None)
        }
        Outcome::Ignored(why) => (None, Some(why.as_str()), None),
    };
    if let (Outcome::NotCustomer(..), Some(sender)) = (&outcome, &about.sender) {
        state.store.queue_auto_reply(p.id, sender, now).await?;
        state.mail_wake.notify_one();
    }
    let about = skranke_store::MailAbout {
        sender: about.sender.as_deref(),
        subject: about.subject.as_deref(),
    };
    state
        .store
        .finish_mail(p.id, hold, reason, case, about, now)
        .await?;
    Ok(outcome)
}

async fn process_one(
    state: &AppState,
    p: &skranke_store::PendingMail,
    about: &mut About,
) -> Result<Outcome, WebError> {
    use skranke_core::mail;
    let raw = state
        .files
        .get(&p.storage_key)
        .await
        .map_err(|e| WebError::Internal(format!("reading mail {}: {e}", p.id)))?;
    let m = match tokio::task::spawn_blocking(move || skranke_mail::parse(&raw))
        .await
        .map_err(|e| WebError::Internal(format!("parsing mail: {e}")))?
    {
        Ok(m) => m,
        Err(e) => return Ok(Outcome::Quarantined(HoldReason::Unreadable, e.to_string())),
    };
    about.sender = m.from.clone();
    about.subject = m.subject.clone();
    // Our Message-IDs carry the desk's own mail domain.
    let own = mail::domain(state.config.mail_from()).to_owned();
    if let Some(b) = &m.bounce {
        return bounced(state, b, &own).await;
    }
    if !p.released
        && let Some(why) = mail::automatic(&m.origin(p.envelope_from.as_deref()), &own)
    {
        return Ok(Outcome::Ignored(format!("automatic: {why:?}")));
    }
    let Some(from) = m.from.clone() else {
        return Ok(Outcome::Quarantined(HoldReason::NoSender, String::new()));
    };
    // Pupils and guardians cannot have cases, released or not; a released
    // mail is not answered twice.
    let not_customer = |why: &str| {
        if p.released {
            Outcome::Quarantined(HoldReason::NotCustomer, why.to_owned())
        } else {
            Outcome::NotCustomer(HoldReason::NotCustomer, why.to_owned())
        }
    };
    if mail::is_listed(&state.config.mail.not_customers, &from) {
        return Ok(not_customer("[mail] not_customers"));
    }
    let requester = match state.store.user_by_email(&from).await? {
        Some(u) => u,
        None => {
            let org = state.store.org_by_domain(mail::domain(&from)).await?;
            let anyone = p.released
                || state.config.mail.unknown_senders == skranke_core::config::UnknownSenders::Case;
            if org.is_none() && !anyone {
                return Ok(Outcome::NotCustomer(
                    HoldReason::UnknownDomain,
                    mail::domain(&from).to_owned(),
                ));
            }
            new_requester(state, &from, m.from_name.as_deref(), org).await?
        }
    };
    if !requester.kind.is_customer() && !requester.kind.is_staff() {
        return Ok(not_customer(requester.kind.key()));
    }
    let body = mail::written_part(&m.text).to_owned();
    let attachments = files::store_all(
        state.files.as_ref(),
        m.files
            .iter()
            .map(|f| files::Upload {
                name: f.name.clone(),
                content_type: f.content_type.clone(),
                bytes: f.bytes.clone(),
            })
            .collect(),
    )
    .await?;
    // The case the mail answers, if the sender takes part in it.
    // By the messages it answers (In-Reply-To, References), then by the tag.
    let referenced: Vec<String> = m
        .in_reply_to
        .iter()
        .chain(m.references.iter().rev())
        .map(|id| format!("id:{}", id.to_ascii_lowercase()))
        .collect();
    let by_header = match state.store.case_of_mail(&referenced).await? {
        Some(number) => state.store.case_by_number(&number).await.ok(),
        None => None,
    };
    let by_subject = match m.subject.as_deref().and_then(mail::case_number_in) {
        Some(n) => state.store.case_by_number(&n.to_string()).await.ok(),
        None => None,
    };
    let candidates = [by_header, by_subject];
    let mut copied_on = Vec::new();
    for c in candidates.iter().flatten() {
        if state.store.copied_ids(c.id).await?.contains(&requester.id) {
            copied_on.push(c.id);
        }
    }
    let role = |id: i64| match candidates.iter().flatten().find(|c| c.id == id) {
        Some(c) if c.requester_id == requester.id => mail::Participant::Requester,
        Some(_) if requester.kind.is_staff() => mail::Participant::Agent,
        Some(c) if copied_on.contains(&c.id) => mail::Participant::Copied,
        _ => mail::Participant::Stranger,
    };
    let ids = candidates.each_ref().map(|c| c.as_ref().map(|c| c.id));
    let tagged = mail::thread(ids[0], ids[1], role)
        .and_then(|id| candidates.iter().flatten().find(|c| c.id == id).cloned());
    let key = crate::casework::idempotency_key(
        "mail",
        requester.id,
        &format!("mail:{}", short(&p.identity)),
        &[p.identity.as_bytes()],
    )?;
    let mut follows = None;
    if let Some(case) = &tagged {
        let actor = skranke_core::Actor {
            user_id: requester.id,
            kind: requester.kind,
        };
        let change = skranke_core::change::Change::Message(skranke_core::change::NewMessage {
            body: cut(&body, skranke_core::case::MESSAGE_MAX),
            attachments: attachments.len(),
            ..Default::default()
        });
        match crate::casework::apply(
            state,
            actor,
            case,
            change,
            skranke_store::BasedOn::Latest,
            &attachments,
            Source {
                idempotency: Some(key.clone()),
                mail: Some(p.id),
            },
        )
        .await
        {
            Ok(changed) => {
                // Another instance took this message first: its files are the ones kept.
                if changed.replayed {
                    for a in &attachments {
                        state.files.delete(&a.storage_key).await;
                    }
                }
                // Whoever the requester or an agent copies on their answer
                // is copied on the case (a repeat changes nothing).
                if requester.id == case.requester_id || requester.kind.is_staff() {
                    for c in copied_people(state, &m, case.requester_id).await? {
                        let copy = skranke_core::change::Change::Copy(c);
                        let copied = crate::casework::apply(
                            state,
                            actor,
                            &changed.case,
                            copy,
                            skranke_store::BasedOn::Latest,
                            &[],
                            Source::default(),
                        )
                        .await;
                        if let Err(e @ WebError::Invalid { .. }) = copied {
                            tracing::info!(case = %case.number, error = %e, "a person on the mail was not copied");
                        } else {
                            copied?;
                        }
                    }
                }
                return Ok(Outcome::Case {
                    id: case.id,
                    number: case.number.clone(),
                });
            }
            // Closed, or resolved too long ago: a new case that follows it up.
            Err(WebError::Conflict { .. }) => follows = Some(case.id),
            Err(e) => {
                for a in &attachments {
                    state.files.delete(&a.storage_key).await;
                }
                return Err(e);
            }
        }
    }
    let title = mail::title(m.subject.as_deref(), &m.text)
        .unwrap_or_else(|| crate::i18n::t("mail-no-subject"));
    let description = if body.trim().is_empty() {
        title.clone()
    } else {
        cut(&body, skranke_core::case::DESCRIPTION_MAX)
    };
    let input = skranke_core::NewCaseInput {
        kind: skranke_core::CaseKind::Fault,
        title,
        description,
        requester_username: requester.username.clone(),
        computer_name: String::new(),
        service_id: None,
        suggested_priority: skranke_core::Priority::Low,
        priority_confirmed: false,
        channel: skranke_core::Channel::Email,
        follows_id: follows,
    }
    .validate()
    .map_err(|errors| crate::casework::validation_error(&errors))?;
    let copied = copied_people(state, &m, requester.id)
        .await?
        .into_iter()
        .map(|c| c.person)
        .collect();
    let registered = crate::casework::register(
        state,
        &requester,
        &requester,
        input,
        attachments,
        copied,
        Source {
            idempotency: Some(key),
            mail: Some(p.id),
        },
    )
    .await?;
    Ok(Outcome::Case {
        id: registered.case.id,
        number: registered.case.number,
    })
}

/// A delivery status report: our mail it is about is marked undelivered
/// for each address it names (admins see it); no case, no answer.
async fn bounced(
    state: &AppState,
    b: &skranke_mail::Bounce,
    own: &str,
) -> Result<Outcome, WebError> {
    let Some(id) = b
        .message_id
        .as_deref()
        .filter(|id| skranke_core::mail::is_ours(id, own))
    else {
        return Ok(Outcome::Ignored(
            "a delivery report about mail that is not ours".into(),
        ));
    };
    let now = jiff::Timestamp::now();
    let mut marked = 0;
    for f in &b.failed {
        if state
            .store
            .mail_bounced(id, Some(&f.address), &f.reason, now)
            .await?
        {
            marked += 1;
        }
    }
    Ok(Outcome::Ignored(format!(
        "a delivery report: {marked} of our mails not delivered"
    )))
}

/// At most `max` characters.
fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// An identity short enough for an idempotency key (which has a length limit).
fn short(identity: &str) -> String {
    if identity.len() <= 100 && identity.bytes().all(|b| b.is_ascii_graphic()) {
        identity.to_owned()
    } else {
        hex::encode(&Sha256::digest(identity.as_bytes())[..16])
    }
}

/// A person who wrote from a known organisation's domain for the first time.
/// The people a mail was also addressed to (To and Cc, but not the
/// desk), to be copied on a case of `requester_id`: customers, or people
/// at an organisation's domain (registered then); pupils, guardians,
/// `[mail] not_customers` and strangers are not.
async fn copied_people(
    state: &AppState,
    m: &skranke_mail::Inbound,
    requester_id: i64,
) -> Result<Vec<skranke_core::change::Candidate>, WebError> {
    use skranke_core::mail;
    let desk = state.config.mail_recipients();
    let mut out: Vec<skranke_core::change::Candidate> = Vec::new();
    for named in m.to.iter().chain(&m.cc) {
        let address = &named.address;
        if out.len() >= skranke_core::change::COPIED_MAX
            || desk.contains(address)
            || mail::is_listed(&state.config.mail.not_customers, address)
        {
            continue;
        }
        let Some(user) = customer_by_address(state, address, named.name.as_deref()).await? else {
            continue;
        };
        let c = crate::casework::candidate_of(user);
        if skranke_core::change::copyable(&c, requester_id)
            && !out.iter().any(|p| p.person.id == c.person.id)
        {
            out.push(c);
        }
    }
    Ok(out)
}

/// The person with this address, or a new customer of the organisation
/// its domain belongs to; `None` for a stranger.
pub(crate) async fn customer_by_address(
    state: &AppState,
    address: &str,
    name: Option<&str>,
) -> Result<Option<skranke_store::User>, WebError> {
    if let Some(u) = state.store.user_by_email(address).await? {
        return Ok(Some(u));
    }
    match state
        .store
        .org_by_domain(skranke_core::mail::domain(address))
        .await?
    {
        Some(org) => Ok(Some(new_requester(state, address, name, Some(org)).await?)),
        None => Ok(None),
    }
}

async fn new_requester(
    state: &AppState,
    address: &str,
    name: Option<&str>,
    org: Option<i64>,
) -> Result<skranke_store::User, WebError> {
    let local: String = address
        .split('@')
        .next()
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || ".-_".contains(*c))
        .take(40)
        .collect();
    let base = if local.is_empty() {
        "bruker".to_owned()
    } else {
        local
    };
    for n in 1..=50 {
        let username = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if state.store.user_by_username(&username).await.is_ok() {
            continue;
        }
        let created = state
            .store
            .create_user(
                &skranke_store::NewUser {
                    username: username.clone(),
                    full_name: name.unwrap_or(&base).to_owned(),
                    email: address.to_owned(),
                    phone: String::new(),
                    kind: skranke_core::UserKind::Employee,
                    org_id: org,
                    unit_id: None,
                    team_id: None,
                    password_hash: None,
                    must_change_password: false,
                },
                &skranke_core::audit::AuditEntry::new(
                    skranke_core::audit::AuditEvent::UserCreated,
                    None,
                ),
                jiff::Timestamp::now(),
            )
            .await;
        match created {
            Ok(id) => return Ok(state.store.user(id).await?),
            // Taken meanwhile: the person (another instance registered
            // them), or only the name (the next one).
            Err(skranke_store::StoreError::Conflict(_)) => {
                if let Some(u) = state.store.user_by_email(address).await? {
                    return Ok(u);
                }
                continue;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(WebError::Internal(format!(
        "no free username for {address}"
    )))
}

/// An admin lets a held message through: it is made a case now, also
/// from an unknown domain or written by a machine, and the case's number
/// returned (the page and the API both
/// come here). A pupil's or guardian's mail cannot be a case: it goes back
/// to quarantine, and the answer is a conflict saying why. `entry` is the
/// admin's `MailReleased`.
pub async fn release(
    state: &AppState,
    mut entry: skranke_core::audit::AuditEntry,
    id: i64,
) -> Result<String, WebError> {
    entry.subject = format!("mail {id}");
    let p = state
        .store
        .release_mail(id, &entry, jiff::Timestamp::now())
        .await?;
    match handle(state, &p).await? {
        Outcome::Case { number, .. } => Ok(number),
        Outcome::Quarantined(hold, _) | Outcome::NotCustomer(hold, _) => Err(WebError::Conflict {
            field: "mail".into(),
            msg: crate::i18n::Msg::new("error-mail-held")
                .arg("reason", crate::texts::hold_label(hold)),
        }),
        Outcome::Ignored(why) => Err(WebError::Internal(format!(
            "a released mail was ignored: {why}"
        ))),
    }
}

/// An admin deletes a held message and its file for good.
/// `entry` is the admin's `MailDeleted`.
pub async fn delete(
    state: &AppState,
    mut entry: skranke_core::audit::AuditEntry,
    id: i64,
) -> Result<(), WebError> {
    entry.subject = format!("mail {id}");
    let key = state
        .store
        .delete_mail(id, &entry, jiff::Timestamp::now())
        .await?;
    state.files.delete(&key).await;
    Ok(())
}
