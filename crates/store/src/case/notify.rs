//! A5: in-app notifications, signed webhooks with their delivery outbox, and Open311 keys (I3:
//! created, listed and revoked from the console; a client presents the key, its hash is looked up).

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Backend, Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Notification {
    pub id: i64,
    pub case_id: Option<i64>,
    pub kind: String,
    pub message: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// Notifies every active account whose person holds a post on the unit, or works for the
/// department; returns how many were told.
pub async fn notify_holders(
    tx: &mut Tx,
    street_id: i64,
    tier: &str,
    unit: i64,
    case_id: i64,
    kind: &str,
    message: &str,
    today: &str,
) -> Result<u64> {
    let users = if tier == "department" {
        "SELECT u.id FROM users u JOIN department_members m ON m.person_id = u.person_id \
         WHERE m.department_id = $1 AND NOT u.disabled"
    } else {
        "SELECT DISTINCT u.id FROM users u JOIN posts p ON p.person_id = u.person_id \
         WHERE p.street_id = $4 AND p.level = $2 AND p.unit_id = $1 AND p.starts_on <= $3 AND (p.ends_on IS NULL OR p.ends_on >= $3) \
         AND NOT u.disabled AND p.role NOT IN ('building_leader', 'second_building_leader', 'micro_grid_leader')"
    };
    let level = match tier {
        "grid" => "grid",
        "community" => "community",
        _ => "street",
    };
    let sql = format!(
        "INSERT INTO notifications (street_id, user_id, case_id, kind, message, created_at) \
         SELECT $4, id, $5, $6, $7, $8 FROM ({users}) AS holders"
    );
    let n = on!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(unit)
        .bind(level)
        .bind(today)
        .bind(street_id)
        .bind(case_id)
        .bind(kind)
        .bind(message)
        .bind(now_ms())
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

pub async fn for_user(tx: &mut Tx, user_id: i64, limit: i64) -> Result<Vec<Notification>> {
    let rows = on!(tx, |c| sqlx::query_as::<
        _,
        (i64, Option<i64>, String, String, i64, Option<i64>),
    >(
        "SELECT id, case_id, kind, message, created_at, read_at FROM notifications WHERE user_id = $1 \
         ORDER BY created_at DESC, id DESC LIMIT $2"
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, case_id, kind, message, created_at, read_at)| Notification {
            id,
            case_id,
            kind,
            message,
            created_at,
            read_at,
        })
        .collect())
}

pub async fn unread(tx: &mut Tx, user_id: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user_id)
    .fetch_one(c)
    .await)?)
}

pub async fn mark_read(tx: &mut Tx, user_id: i64) -> Result<u64> {
    Ok(on!(tx, |c| sqlx::query(
        "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL"
    )
    .bind(user_id)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Webhook {
    pub id: i64,
    pub street_id: i64,
    pub url: String,
    #[serde(skip)]
    pub secret: String,
    pub active: bool,
    pub created_at: i64,
}

pub async fn add_webhook(tx: &mut Tx, street_id: i64, url: &str, secret: &str) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO webhooks (street_id, url, secret, active, created_at) VALUES ($1, $2, $3, TRUE, $4) RETURNING id"
    )
    .bind(street_id)
    .bind(url)
    .bind(secret)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn webhooks(tx: &mut Tx, street_id: i64) -> Result<Vec<Webhook>> {
    let rows = on!(tx, |c| sqlx::query_as::<_, (i64, i64, String, String, bool, i64)>(
        "SELECT id, street_id, url, secret, active, created_at FROM webhooks WHERE street_id = $1 ORDER BY id"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, street_id, url, secret, active, created_at)| Webhook {
            id,
            street_id,
            url,
            secret,
            active,
            created_at,
        })
        .collect())
}

pub async fn set_webhook_active(tx: &mut Tx, street_id: i64, id: i64, active: bool) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE webhooks SET active = $3 WHERE id = $1 AND street_id = $2"
    )
    .bind(id)
    .bind(street_id)
    .bind(active)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Queues the event for every active webhook of the street (the outbox; written in the same
/// transaction as the change it reports, so nothing is announced that did not happen).
pub async fn enqueue(tx: &mut Tx, street_id: i64, event: &str, payload: &serde_json::Value) -> Result<u64> {
    let now = now_ms();
    Ok(on!(tx, |c| sqlx::query(
        "INSERT INTO webhook_deliveries (street_id, webhook_id, event, payload, attempts, next_attempt_at, created_at) \
         SELECT street_id, id, $2, $3, 0, $4, $4 FROM webhooks WHERE street_id = $1 AND active"
    )
    .bind(street_id)
    .bind(event)
    .bind(payload.to_string())
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
}

/// Deliveries due at `now`, locked for this transaction (see `worker::claim_due`).
pub async fn claim_deliveries(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<Delivery>> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE OF d SKIP LOCKED"
    } else {
        ""
    };
    let sql = format!(
        "SELECT d.id, w.url, w.secret, d.event, d.payload, d.attempts FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
         WHERE d.next_attempt_at <= $1 ORDER BY d.next_attempt_at, d.id LIMIT $2{lock}"
    );
    let rows = on!(tx, |c| sqlx::query_as::<_, (i64, String, String, String, String, i64)>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(now)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, url, secret, event, payload, attempts)| Delivery {
            id,
            url,
            secret,
            event,
            payload,
            attempts,
        })
        .collect())
}

/// Records an attempt: delivered, or the next try (`None` gives up) with the error.
pub async fn attempted(tx: &mut Tx, id: i64, delivered: bool, next_attempt_at: Option<i64>, error: Option<&str>) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, delivered_at = CASE WHEN $2 THEN $3 ELSE NULL END, \
         next_attempt_at = $4, last_error = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(delivered)
    .bind(now_ms())
    .bind(next_attempt_at)
    .bind(error)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRow {
    pub id: i64,
    pub webhook_id: i64,
    pub event: String,
    pub attempts: i64,
    pub delivered_at: Option<i64>,
    pub last_error: Option<String>,
}

pub async fn deliveries(tx: &mut Tx, street_id: i64, limit: i64) -> Result<Vec<DeliveryRow>> {
    let rows = on!(tx, |c| sqlx::query_as::<
        _,
        (i64, i64, String, i64, Option<i64>, Option<String>),
    >(
        "SELECT id, webhook_id, event, attempts, delivered_at, last_error FROM webhook_deliveries WHERE street_id = $1 \
         ORDER BY id DESC LIMIT $2"
    )
    .bind(street_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, webhook_id, event, attempts, delivered_at, last_error)| DeliveryRow {
            id,
            webhook_id,
            event,
            attempts,
            delivered_at,
            last_error,
        })
        .collect())
}

pub async fn add_open311_key(tx: &mut Tx, street_id: i64, name: &str, key_hash: &str) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO open311_keys (street_id, name, key_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(street_id)
    .bind(name)
    .bind(key_hash)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

/// The key's id and street, if the key exists and is not revoked.
pub async fn open311_key(tx: &mut Tx, key_hash: &str) -> Result<Option<(i64, i64)>> {
    Ok(on!(tx, |c| sqlx::query_as::<_, (i64, i64)>(
        "SELECT id, street_id FROM open311_keys WHERE key_hash = $1 AND revoked_at IS NULL"
    )
    .bind(key_hash)
    .fetch_optional(c)
    .await)?)
}

/// Holds a claimed delivery until `until` while it is being sent.
pub async fn lease(tx: &mut Tx, id: i64, until: i64) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "UPDATE webhook_deliveries SET next_attempt_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(until)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// An Open311 API key as the console lists it (never the key itself: only its hash is kept).
#[derive(Debug, Clone, Serialize)]
pub struct Open311Key {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

pub async fn open311_keys(tx: &mut Tx) -> Result<Vec<Open311Key>> {
    let rows = on!(tx, |c| sqlx::query_as::<_, (i64, i64, String, i64, Option<i64>)>(
        "SELECT id, street_id, name, created_at, revoked_at FROM open311_keys ORDER BY id"
    )
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, street_id, name, created_at, revoked_at)| Open311Key {
            id,
            street_id,
            name,
            created_at,
            revoked_at,
        })
        .collect())
}

/// Revokes a key; `false` when there is no such key or it was already revoked.
pub async fn revoke_open311_key(tx: &mut Tx, id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE open311_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL"
    )
    .bind(id)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
