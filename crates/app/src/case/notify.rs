//! A5: in-app notifications and signed outgoing webhooks. Events are queued in the outbox in the
//! transaction of the change they report; the worker delivers them with an HMAC-SHA256
//! signature of the body (`X-OneGrid-Signature: sha256=<hex>`) and retries with back-off.

use onegrid_store::case::notify::{self as store, DeliveryRow, Notification, Webhook};
use onegrid_store::now_ms;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::points::record;
use crate::{Actor, App, AppError};

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(msg).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

/// The signature header value for a body.
pub fn signature(secret: &str, body: &[u8]) -> String {
    let mac = hmac_sha256(secret.as_bytes(), body);
    format!("sha256={}", mac.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

const MAX_ATTEMPTS: i64 = 8;

impl App {
    pub async fn notifications(&self, actor: &Actor, limit: i64) -> Result<(Vec<Notification>, i64), AppError> {
        let mut tx = self.db.read().await?;
        let items = store::for_user(&mut tx, actor.user.id, limit).await?;
        let unread = store::unread(&mut tx, actor.user.id).await?;
        Ok((items, unread))
    }

    pub async fn mark_notifications_read(&self, actor: &Actor) -> Result<u64, AppError> {
        let mut tx = self.db.write().await?;
        let n = store::mark_read(&mut tx, actor.user.id).await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Adds a webhook; returns it with its signing secret (shown this once).
    pub async fn add_webhook(&self, actor: &Actor, street_id: i64, url: &str) -> Result<(Webhook, String), AppError> {
        actor.require_admin_of(street_id)?;
        let url = url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) || url.len() > 500 || url.contains(char::is_whitespace) {
            return Err(AppError::field("url", "must be an http:// or https:// address"));
        }
        let secret = crate::accounts::random_token();
        let mut tx = self.db.write().await?;
        let id = store::add_webhook(&mut tx, street_id, url, &secret).await?;
        record(&mut tx, Some(actor), street_id, "create", "webhook", id, json!({"url": url})).await?;
        let hook = store::webhooks(&mut tx, street_id)
            .await?
            .into_iter()
            .find(|w| w.id == id)
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok((hook, secret))
    }

    pub async fn webhooks(&self, actor: &Actor, street_id: i64) -> Result<(Vec<Webhook>, Vec<DeliveryRow>), AppError> {
        actor.require_admin_of(street_id)?;
        let mut tx = self.db.read().await?;
        Ok((
            store::webhooks(&mut tx, street_id).await?,
            store::deliveries(&mut tx, street_id, 100).await?,
        ))
    }

    pub async fn set_webhook_active(&self, actor: &Actor, street_id: i64, id: i64, active: bool) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        let mut tx = self.db.write().await?;
        if !store::set_webhook_active(&mut tx, street_id, id, active).await? {
            return Err(AppError::NotFound);
        }
        record(
            &mut tx,
            Some(actor),
            street_id,
            "update",
            "webhook",
            id,
            json!({"active": active}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Delivers the webhook events that are due; returns how many were delivered.
    pub async fn deliver_webhooks(&self) -> Result<usize, AppError> {
        // Claim a batch and lease it for two minutes, then send outside any transaction (an
        // open write transaction would hold up every other writer on SQLite while we wait on
        // the network). A crash mid-send leaves the lease to expire: delivery is at least once.
        let mut tx = self.db.write().await?;
        let due = store::claim_deliveries(&mut tx, now_ms(), 50).await?;
        if due.is_empty() {
            return Ok(0);
        }
        for d in &due {
            store::lease(&mut tx, d.id, now_ms() + 120_000).await?;
        }
        tx.commit().await?;
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let mut delivered = 0;
        for d in due {
            let sent = client
                .post(&d.url)
                .header("content-type", "application/json")
                .header("x-onegrid-event", &d.event)
                .header("x-onegrid-delivery", d.id.to_string())
                .header("x-onegrid-signature", signature(&d.secret, d.payload.as_bytes()))
                .body(d.payload.clone())
                .send()
                .await;
            let error = match sent {
                Ok(r) if r.status().is_success() => None,
                Ok(r) => Some(format!("HTTP {}", r.status())),
                Err(e) => Some(e.to_string()),
            };
            let next = error
                .as_ref()
                .filter(|_| d.attempts + 1 < MAX_ATTEMPTS)
                .map(|_| now_ms() + 30_000 * (1 << d.attempts.min(10)));
            if error.is_none() {
                delivered += 1;
            }
            let mut tx = self.db.write().await?;
            store::attempted(&mut tx, d.id, error.is_none(), next, error.as_deref()).await?;
            tx.commit().await?;
        }
        Ok(delivered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a5_webhook_signature_is_rfc4231_hmac_sha256() {
        // RFC 4231 test case 2.
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert!(signature("k", b"{}").starts_with("sha256="));
    }
}
