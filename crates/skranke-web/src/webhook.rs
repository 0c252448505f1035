//! Escalations to an HTTP webhook (an SMS gateway, a chat tool): the
//! escalation ladder names people by mobile number, and they must hear of
//! a case when the desk is closed. Each is a JSON POST, signed with
//! HMAC-SHA256 over the timestamp and the body, delivered through the
//! outbox like the other channels: retried with backoff until the
//! receiver answers 2xx, with the outbox row's key as `Idempotency-Key` so
//! a receiver can drop a repeat.

use crate::notify::{BoxFuture, Delivery};
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use jiff::Timestamp;
use sha2::Sha256;
use skranke_store::{OutboxItem, Store};

pub struct Webhook {
    url: hyper::Uri,
    secret: Vec<u8>,
    client: crate::https::HttpsClient,
    config: skranke_core::Config,
}

/// Who the webhook tells, as the outbox row names them (JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Recipient {
    pub name: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

/// The signature header's value: `sha256=<hex>` of HMAC-SHA256 over
/// `<timestamp>.<body>` with the shared secret.
pub fn signature(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

impl Webhook {
    /// The webhook `[webhook]` configures; `None` without a URL.
    pub fn from_config(config: &skranke_core::Config) -> Result<Option<Webhook>, String> {
        let w = &config.webhook;
        let Some(url) = &w.url else {
            return Ok(None);
        };
        let url: hyper::Uri = url.parse().map_err(|e| format!("webhook.url: {e}"))?;
        let secret = crate::secret::read(
            "webhook.secret",
            w.secret_env.as_deref(),
            w.secret_file.as_deref(),
        )?
        .ok_or("webhook: a secret is needed (secret_env or secret_file)")?;
        let client = crate::https::client("webhook")?;
        Ok(Some(Webhook {
            url,
            secret: secret.into_bytes(),
            client,
            config: config.clone(),
        }))
    }

    fn body(&self, item: &OutboxItem, text: &str) -> Result<Vec<u8>, String> {
        let to: Recipient = serde_json::from_str(&item.recipient)
            .map_err(|e| format!("outbox {}: recipient: {e}", item.id))?;
        let site = crate::outmail::site(&self.config);
        serde_json::to_vec(&serde_json::json!({
            "event": "escalation",
            "case": item.number,
            "title": item.title,
            "priority": item.priority,
            "clock": item.clock,
            "level": item.level,
            "level_name": crate::notify::level_name(&self.config, item.level),
            "reached_at": skranke_store::from_ms(item.reached_at).to_string(),
            "late": item.late,
            "url": format!("{site}/cases/{}", item.number),
            "text": text,
            "to": to,
        }))
        .map_err(|e| e.to_string())
    }
}

impl Delivery for Webhook {
    fn channel(&self) -> &'static str {
        "webhook"
    }

    fn deliver<'a>(
        &'a self,
        store: &'a Store,
        item: &'a OutboxItem,
        text: &'a str,
        now: Timestamp,
    ) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            let body = self.body(item, text)?;
            let at = now.as_second();
            let request = hyper::Request::post(self.url.clone())
                .header(hyper::header::CONTENT_TYPE, "application/json")
                .header("X-Skranke-Timestamp", at.to_string())
                .header("X-Skranke-Signature", signature(&self.secret, at, &body))
                .header("Idempotency-Key", item.idempotency_key.as_str())
                .body(Full::new(Bytes::from(body)))
                .map_err(|e| e.to_string())?;
            let response = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                self.client.request(request),
            )
            .await
            .map_err(|_| "the webhook did not answer within 10 s".to_owned())?
            .map_err(|e| format!("the webhook: {e}"))?;
            let status = response.status();
            // Read (and drop) the answer so the connection can be reused.
            let _ = response.into_body().collect().await;
            if !status.is_success() {
                return Err(format!("the webhook answered {status}"));
            }
            store
                .mark_delivered(item.id, now)
                .await
                .map_err(|e| e.to_string())
        })
    }
}
