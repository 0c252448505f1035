//! Mail arriving: the SMTP listener's sink (and, later, the IMAP poller's).
//! A message is parsed off the async threads, its raw bytes saved as a
//! file, and recorded once per identity, all before the sender is told
//! `250`. Turning it into a case or a reply happens after that.

use crate::AppState;
use crate::error::WebError;
use crate::files;
use sha2::{Digest, Sha256};
use skranke_mail::smtp::{Accepted, BoxFuture, Envelope, Sink};
use skranke_store::{MailSource, NewInboundMail, Received};

/// The SMTP listener's sink: a message is taken once it is recorded.
pub struct MailSink(pub AppState);

impl Sink for MailSink {
    fn deliver(&self, envelope: Envelope, raw: Vec<u8>) -> BoxFuture<'_, Accepted> {
        Box::pin(async move {
            let peer = envelope.peer.to_string();
            match receive(
                &self.0,
                MailSource::Smtp,
                Some(&envelope.from),
                &envelope.to,
                Some(&peer),
                raw,
            )
            .await
            {
                Ok(_) => Accepted::Stored,
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
/// be read is kept in quarantine with the reason.
pub async fn receive(
    state: &AppState,
    source: MailSource,
    envelope_from: Option<&str>,
    envelope_to: &[String],
    peer: Option<&str>,
    raw: Vec<u8>,
) -> Result<Received, WebError> {
    let (raw, parsed) = tokio::task::spawn_blocking(move || {
        let parsed = skranke_mail::parse(&raw);
        (raw, parsed)
    })
    .await
    .map_err(|e| WebError::Internal(format!("parsing a message: {e}")))?;
    let (identity, quarantine) = match &parsed {
        Ok(m) => (m.identity(), None),
        Err(e) => (
            format!("sha256:{}", hex::encode(Sha256::digest(&raw))),
            Some(e.to_string()),
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
            quarantine: quarantine.as_deref(),
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
