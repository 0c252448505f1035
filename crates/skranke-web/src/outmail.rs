//! E-mail out: each queued mail (see `skranke_store::Outgoing`) written
//! in its reader's language as a plain-text and an HTML part, with the case
//! tag in the subject and a Message-ID replies thread on, and handed to the
//! relay (or, to see it without one, written as an `.eml` file).

use crate::AppState;
use crate::i18n::{Lang, Msg};
use crate::texts::{self, Label};
use crate::views::Local;
use askama::Template;
use jiff::{SignedDuration, Timestamp};
use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use skranke_core::notice::NoticeKind;
use skranke_store::{Outgoing, StoreError};
use std::path::PathBuf;

/// Where mail goes.
pub enum Transport {
    Relay(AsyncSmtpTransport<Tokio1Executor>),
    /// `.eml` files in a directory (the demo, or trying a set-up out).
    Files(PathBuf),
}

impl Transport {
    /// The transport `[mail.outbound]` names; `None` if mail does not go out.
    pub fn from_config(config: &skranke_core::Config) -> Result<Option<Transport>, String> {
        let o = &config.mail.outbound;
        if let Some(dir) = &o.directory {
            return Ok(Some(Transport::Files(dir.clone())));
        }
        let Some(relay) = &o.relay else {
            return Ok(None);
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(relay)
            .map_err(|e| format!("mail.outbound.relay: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let Some(user) = &o.user {
            let password = crate::secret::read(
                "mail.outbound.password",
                o.password_env.as_deref(),
                o.password_file.as_deref(),
            )?
            .unwrap_or_default();
            builder = builder.credentials(
                lettre::transport::smtp::authentication::Credentials::new(user.clone(), password),
            );
        }
        Ok(Some(Transport::Relay(builder.build())))
    }

    /// Hands over one message. `Err((permanent, why))` when it was not taken.
    async fn send(&self, item: &Outgoing, m: lettre::Message) -> Result<(), (bool, String)> {
        match self {
            Transport::Relay(t) => t.send(m).await.map(|_| ()).map_err(|e| {
                let permanent = e.is_permanent();
                (permanent, e.to_string())
            }),
            Transport::Files(dir) => {
                let path = dir.join(format!("{:06}-{}.eml", item.id, item.kind));
                let bytes = m.formatted();
                let write = async {
                    tokio::fs::create_dir_all(dir).await?;
                    // Written whole under another name first: a reader never
                    // sees half a message.
                    let tmp = path.with_extension("eml.tmp");
                    tokio::fs::write(&tmp, &bytes).await?;
                    tokio::fs::rename(&tmp, &path).await
                };
                write
                    .await
                    .map_err(|e| (false, format!("{}: {e}", path.display())))
            }
        }
    }
}

/// `Auto-Submitted` (RFC 3834): other systems do not answer these.
#[derive(Debug, Clone)]
struct AutoSubmitted(&'static str);

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted(match s.trim() {
            "auto-replied" => "auto-replied",
            _ => "auto-generated",
        }))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.to_owned())
    }
}

/// A mail's words, before they become MIME.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    /// Someone's words it carries (a reply), shown as a quotation.
    pub quote: Option<String>,
    pub link: Option<String>,
    pub signature: String,
}

impl Letter {
    pub fn text(&self) -> String {
        let mut out = format!("{}\n\n", self.greeting);
        for p in &self.paragraphs {
            out.push_str(p);
            out.push_str("\n\n");
        }
        if let Some(q) = &self.quote {
            for line in q.lines() {
                out.push_str(if line.is_empty() { ">" } else { "> " });
                out.push_str(line);
                out.push('\n');
            }
            out.push('\n');
        }
        if let Some(l) = &self.link {
            out.push_str(l);
            out.push_str("\n\n");
        }
        out.push_str("-- \n");
        out.push_str(&self.signature);
        out.push('\n');
        out
    }
}

#[derive(Template)]
#[template(path = "mail.html")]
struct MailHtml<'a> {
    lang: &'a str,
    letter: &'a Letter,
    quote_lines: Vec<&'a str>,
}

/// The site's address for links in mail (and the webhook's).
pub fn site(config: &skranke_core::Config) -> String {
    config.server.public_url.clone().map_or_else(
        || format!("http://{}", config.server.listen),
        |u| u.trim_end_matches('/').to_owned(),
    )
}

/// What a queued mail says, in its reader's language, written at `now`.
pub fn letter(config: &skranke_core::Config, item: &Outgoing, now: Timestamp) -> Letter {
    let lang = Lang::parse(&item.locale).unwrap_or_default();
    crate::context::with_lang(lang, || compose(config, item, now))
}

fn compose(config: &skranke_core::Config, item: &Outgoing, now: Timestamp) -> Letter {
    let portal = config.contact.portal_name.as_str();
    let number = item.number.clone().unwrap_or_default();
    let title = item.title.clone().unwrap_or_default();
    let greeting = if item.recipient_name.trim().is_empty() {
        Msg::new("mail-greeting-anonymous").text()
    } else {
        Msg::new("mail-greeting")
            .arg("name", item.recipient_name.as_str())
            .text()
    };
    let signature = format!(
        "{}\n{} · {}",
        Msg::new("mail-signature").arg("portal", portal).text(),
        config.contact.email,
        config.contact.phone
    );
    let tagged = |subject: String| {
        number.parse::<skranke_core::CaseNumber>().map_or_else(
            |_| subject.clone(),
            |n| format!("{} {subject}", skranke_core::mail::subject_tag(n)),
        )
    };
    let link = (!number.is_empty()).then(|| {
        Msg::new("mail-link")
            .arg("url", format!("{}/cases/{number}", site(config)))
            .text()
    });
    let priority = item
        .priority
        .as_deref()
        .and_then(|p| p.parse::<skranke_core::Priority>().ok())
        .map(|p| p.label())
        .unwrap_or_default();
    let Ok(kind) = item.kind.parse::<NoticeKind>() else {
        // The one mail that is not a notice: the answer to a non-customer.
        return Letter {
            subject: Msg::new("mail-subject-auto-reply")
                .arg("portal", portal)
                .text(),
            greeting,
            paragraphs: vec![
                Msg::new("mail-auto-reply-lead").text(),
                Msg::new("mail-auto-reply-help")
                    .arg("phone", config.contact.phone.as_str())
                    .text(),
            ],
            quote: None,
            link: None,
            signature,
        };
    };
    let subject_key = match kind {
        NoticeKind::Received => "mail-subject-received",
        NoticeKind::Replied => "mail-subject-replied",
        NoticeKind::WaitingForYou => "mail-subject-waiting_for_you",
        NoticeKind::Resolved => "mail-subject-resolved",
        NoticeKind::Copied => "mail-subject-copied",
        NoticeKind::Assigned => "mail-subject-assigned",
        NoticeKind::RequesterReplied => "mail-subject-requester_replied",
        NoticeKind::Reopened => "mail-subject-reopened",
        NoticeKind::Escalated => "mail-subject-escalated",
        NoticeKind::StatusUpdate => "mail-subject-status_update",
    };
    if kind == NoticeKind::StatusUpdate {
        return status_letter(config, item, greeting, signature);
    }
    let subject = tagged(
        Msg::new(subject_key)
            .arg("title", title.as_str())
            .arg("level", item.level.unwrap_or(0))
            .text(),
    );
    let handler = item.handler_name.clone().unwrap_or_default();
    let actor = item.actor_name.clone().unwrap_or_default();
    let mut paragraphs = Vec::new();
    let mut quote = item.message_body.clone();
    match kind {
        NoticeKind::Received => {
            paragraphs.push(
                Msg::new("mail-received-lead")
                    .arg("number", number.as_str())
                    .text(),
            );
            paragraphs.push(if handler.is_empty() {
                Msg::new("mail-received-no-handler").text()
            } else {
                Msg::new("mail-received-handler")
                    .arg("handler", handler.as_str())
                    .text()
            });
            // Only a time still ahead is promised (a receipt sent late, or
            // one of the demo's backdated cases, names none).
            if let Some(due) = item.response_due.filter(|due| *due > now.as_millisecond()) {
                paragraphs.push(
                    Msg::new("mail-received-due")
                        .arg("priority", priority.as_str())
                        .arg("due", due.long())
                        .text(),
                );
            }
            paragraphs.push(Msg::new("mail-answer-hint").text());
        }
        NoticeKind::Replied => {
            paragraphs.push(
                Msg::new("mail-replied-lead")
                    .arg("actor", actor.as_str())
                    .arg("number", number.as_str())
                    .text(),
            );
        }
        NoticeKind::WaitingForYou => {
            paragraphs.push(
                Msg::new("mail-waiting-lead")
                    .arg("number", number.as_str())
                    .text(),
            );
            paragraphs.push(Msg::new("mail-answer-hint").text());
        }
        NoticeKind::Copied => {
            paragraphs.push(
                Msg::new("mail-copied-lead")
                    .arg("actor", actor.as_str())
                    .arg("number", number.as_str())
                    .arg("title", title.as_str())
                    .text(),
            );
            paragraphs.push(Msg::new("mail-copied-what").text());
            paragraphs.push(Msg::new("mail-answer-hint").text());
        }
        NoticeKind::Resolved => {
            paragraphs.push(
                Msg::new("mail-resolved-lead")
                    .arg("number", number.as_str())
                    .text(),
            );
            paragraphs.push(
                Msg::new("mail-resolved-how")
                    .arg("days", i64::from(config.cases.reopen_window_days))
                    .text(),
            );
        }
        NoticeKind::Escalated => {
            let level = item.level.unwrap_or(0);
            let level_name = crate::notify::level_name(config, level);
            paragraphs.push(
                Msg::new("mail-escalated-lead")
                    .arg("number", number.as_str())
                    .arg("title", title.as_str())
                    .arg("priority", priority.as_str())
                    .arg(
                        "clock",
                        texts::clock_label(item.clock.as_deref().unwrap_or("")),
                    )
                    .arg("level", level)
                    .arg("level_name", level_name)
                    .text(),
            );
            if !handler.is_empty() {
                paragraphs.push(
                    Msg::new("mail-escalated-handler")
                        .arg("handler", handler.as_str())
                        .text(),
                );
            }
            quote = None;
        }
        // Written by `status_letter`.
        NoticeKind::StatusUpdate => {}
        NoticeKind::Assigned | NoticeKind::RequesterReplied | NoticeKind::Reopened => {
            let key = match (kind, item.actor_name.is_some()) {
                (NoticeKind::Assigned, true) => "notice-text-assigned-by",
                (NoticeKind::Assigned, false) => "notice-text-assigned",
                (NoticeKind::RequesterReplied, _) => "notice-text-requester_replied",
                _ => "notice-text-reopened",
            };
            paragraphs.push(
                Msg::new(key)
                    .arg("actor", actor.as_str())
                    .arg("number", number.as_str())
                    .arg("title", title.as_str())
                    .text(),
            );
        }
    }
    Letter {
        subject,
        greeting,
        paragraphs,
        quote,
        link,
        signature,
    }
}

/// The one-click unsubscribe address of a subscription's mail.
fn unsubscribe_url(config: &skranke_core::Config, item: &Outgoing) -> Option<String> {
    item.unsubscribe_token
        .as_deref()
        .map(|t| format!("{}/unsubscribe/{t}", site(config)))
}

/// An operational message's event, to someone who follows it.
fn status_letter(
    config: &skranke_core::Config,
    item: &Outgoing,
    greeting: String,
    signature: String,
) -> Letter {
    use skranke_core::operational::{OpKind, OpState};
    let title = item.op_title.clone().unwrap_or_default();
    let kind = item
        .op_kind
        .as_deref()
        .and_then(|k| k.parse::<OpKind>().ok())
        .map(|k| k.label())
        .unwrap_or_default();
    let state = item
        .op_state
        .as_deref()
        .and_then(|k| k.parse::<OpState>().ok())
        .map(|k| k.label())
        .unwrap_or_default();
    let event = item.op_event.as_deref().unwrap_or("update");
    let lead_key = match event {
        "published" => "mail-status-published",
        "state" => "mail-status-state",
        _ => "mail-status-update",
    };
    let mut paragraphs = vec![
        Msg::new(lead_key)
            .arg("kind", kind.as_str())
            .arg("title", title.as_str())
            .arg("state", state.as_str())
            .text(),
    ];
    if let Some(start) = item.op_starts_at {
        let mut when = Msg::new("mail-status-when").arg("start", start.long());
        when = when.arg(
            "end",
            item.op_ends_at
                .map_or_else(|| crate::i18n::t("op-end-unknown"), |e| e.long()),
        );
        paragraphs.push(when.text());
    }
    let words = match (event, item.op_update_body.as_deref()) {
        (_, Some(b)) if !b.trim().is_empty() => b.to_owned(),
        ("published", _) => item.op_body.clone().unwrap_or_default(),
        _ => String::new(),
    };
    let quote = (!words.trim().is_empty()).then(|| crate::markdown::to_text(&words));
    if let Some(url) = unsubscribe_url(config, item) {
        paragraphs.push(Msg::new("mail-status-unsubscribe").arg("url", url).text());
    }
    Letter {
        subject: Msg::new("mail-subject-status_update")
            .arg("kind", kind.as_str())
            .arg("title", title.as_str())
            .text(),
        greeting,
        paragraphs,
        quote,
        link: item.op_message_id.map(|id| {
            Msg::new("mail-status-link")
                .arg("url", format!("{}/status/messages/{id}", site(config)))
                .text()
        }),
        signature,
    }
}

/// `List-Unsubscribe` (RFC 2369) with its one-click POST (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.trim().to_owned()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_owned())
    }
}

/// The message as it goes out.
pub fn message(
    config: &skranke_core::Config,
    item: &Outgoing,
    now: Timestamp,
) -> Result<lettre::Message, String> {
    let letter = letter(config, item, now);
    let from_address = config
        .mail_from()
        .parse()
        .map_err(|e| format!("sender {}: {e}", config.mail_from()))?;
    let from = Mailbox::new(Some(config.contact.portal_name.clone()), from_address);
    let to_address = item
        .recipient
        .parse()
        .map_err(|e| format!("recipient {}: {e}", item.recipient))?;
    let name = (!item.recipient_name.trim().is_empty()).then(|| item.recipient_name.clone());
    let mut b = lettre::Message::builder()
        .from(from.clone())
        .reply_to(from)
        .to(Mailbox::new(name, to_address))
        .subject(letter.subject.clone())
        .date(
            std::time::UNIX_EPOCH
                + std::time::Duration::from_millis(
                    u64::try_from(now.as_millisecond()).unwrap_or(0),
                ),
        )
        .message_id(Some(format!("<{}>", item.header_id)));
    // Under the mail it came from or answers, in the reader's program.
    if let Some(parent) = item
        .answers
        .as_deref()
        .or(item.first_mail.as_deref())
        .and_then(|i| i.strip_prefix("id:"))
    {
        b = b
            .in_reply_to(format!("<{parent}>"))
            .references(format!("<{parent}>"));
    }
    if let Some(url) = unsubscribe_url(config, item) {
        b = b.header(ListUnsubscribe(url)).header(ListUnsubscribePost);
    }
    let kind = item.kind.parse::<NoticeKind>().ok();
    match kind {
        Some(k) if !k.is_automatic() => {}
        Some(_) => b = b.header(AutoSubmitted("auto-generated")),
        None => b = b.header(AutoSubmitted("auto-replied")),
    }
    let lang = Lang::parse(&item.locale).unwrap_or_default();
    let html = MailHtml {
        lang: lang.code(),
        letter: &letter,
        quote_lines: letter
            .quote
            .as_deref()
            .map(|q| q.lines().collect())
            .unwrap_or_default(),
    }
    .render()
    .map_err(|e| format!("rendering mail: {e}"))?;
    b.multipart(MultiPart::alternative_plain_html(letter.text(), html))
        .map_err(|e| format!("building mail: {e}"))
}

/// Retry backoff: 1, 2, 4 … minutes, at most six hours.
fn retry_after(attempts: i64) -> SignedDuration {
    SignedDuration::from_secs(
        60i64
            .saturating_mul(1 << attempts.clamp(0, 9))
            .min(6 * 3600),
    )
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailReport {
    pub sent: usize,
    pub failed: usize,
    pub given_up: usize,
}

/// Delivers the mail that is due. Each is leased first, so another
/// instance does not send it as well; a mail the relay refuses for good
/// (5xx), or that has failed `max_attempts` times, is given up and shown
/// to admins.
pub async fn deliver_due(state: &AppState, now: Timestamp) -> Result<MailReport, StoreError> {
    let mut report = MailReport::default();
    let Some(transport) = state.mail_out.as_ref() else {
        return Ok(report);
    };
    let max = i64::from(state.config.mail.outbound.max_attempts);
    loop {
        let items = state
            .store
            .claim_outgoing(&state.instance, now, SignedDuration::from_secs(120), 50)
            .await?;
        for item in &items {
            let result = match message(&state.config, item, now) {
                Ok(m) => transport.send(item, m).await,
                Err(e) => Err((true, e)),
            };
            match result {
                Ok(()) => {
                    report.sent += 1;
                    state.store.mail_sent(item.id, Timestamp::now()).await?;
                }
                Err((permanent, e)) => {
                    let give_up = permanent || item.attempts + 1 >= max;
                    tracing::warn!(
                        mail = item.id,
                        kind = %item.kind,
                        give_up,
                        error = %crate::logsafe::Safe(&e),
                        "mail not sent"
                    );
                    let retry = (!give_up).then(|| now + retry_after(item.attempts));
                    if give_up {
                        report.given_up += 1;
                    } else {
                        report.failed += 1;
                    }
                    state
                        .store
                        .mail_not_sent(item.id, &e, retry, Timestamp::now())
                        .await?;
                }
            }
        }
        if items.len() < 50 {
            break;
        }
    }
    Ok(report)
}

/// Delivers mail when woken (something was queued) and every few seconds.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(&state, Timestamp::now()).await {
                Ok(r) if r.sent + r.failed + r.given_up > 0 => tracing::info!(
                    sent = r.sent,
                    failed = r.failed,
                    given_up = r.given_up,
                    "mail delivery"
                ),
                Ok(_) => {}
                Err(e) => {
                    tracing::error!(error = %crate::logsafe::Safe(&e.to_string()), "mail delivery failed")
                }
            }
            let _ = tokio::time::timeout(
                std::time::Duration::from_secs(5),
                state.mail_wake.notified(),
            )
            .await;
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(response_due: i64) -> Outgoing {
        Outgoing {
            id: 1,
            kind: "received".into(),
            recipient: "kari@kommune-a.example".into(),
            recipient_name: "Kari".into(),
            locale: "nb".into(),
            header_id: "skranke.1@kundeservice.example".into(),
            attempts: 0,
            created_at: 0,
            user_id: Some(1),
            number: Some("2026-000001".into()),
            title: Some("Skriveren".into()),
            status: Some("new".into()),
            priority: Some("high".into()),
            response_due: Some(response_due),
            handler_name: Some("Anne".into()),
            actor_name: None,
            message_body: None,
            clock: None,
            level: None,
            late: None,
            first_mail: None,
            answers: None,
            op_message_id: None,
            op_event: None,
            op_update_body: None,
            op_state: None,
            op_kind: None,
            op_title: None,
            op_body: None,
            op_severity: None,
            op_starts_at: None,
            op_ends_at: None,
            unsubscribe_token: None,
        }
    }

    #[test]
    fn a_receipt_promises_only_a_time_still_ahead() {
        let config = skranke_core::Config::default();
        let now = Timestamp::from_millisecond(1_796_000_000_000).unwrap();
        let at = now.as_millisecond();
        let ahead = letter(&config, &receipt(at + 3_600_000), now).text();
        assert!(ahead.contains("Du kan vente svar innen"), "{ahead}");
        let passed = letter(&config, &receipt(at - 1), now).text();
        assert!(!passed.contains("Du kan vente svar"), "{passed}");
        assert!(
            passed.contains("2026-000001"),
            "the rest of the receipt stays"
        );
    }
}
