//! R6: the audit log. Rows are only ever inserted.

use serde::Serialize;

use crate::error::Result;
use crate::{Tx, now_ms, on};

pub struct NewEvent<'a> {
    pub street_id: Option<i64>,
    pub user_id: Option<i64>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i64>,
    pub detail: serde_json::Value,
}

pub async fn record(tx: &mut Tx, e: NewEvent<'_>) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO audit_events (street_id, at, user_id, action, entity, entity_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(e.street_id)
    .bind(now_ms())
    .bind(e.user_id)
    .bind(e.action)
    .bind(e.entity)
    .bind(e.entity_id)
    .bind(sqlx::types::Json(&e.detail))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub detail: serde_json::Value,
}

pub async fn recent(tx: &mut Tx, street_id: Option<i64>, limit: i64) -> Result<Vec<Event>> {
    let rows: Vec<(
        i64,
        i64,
        Option<i64>,
        String,
        String,
        Option<i64>,
        sqlx::types::Json<serde_json::Value>,
    )> = on!(tx, |c| sqlx::query_as(
        "SELECT id, at, user_id, action, entity, entity_id, detail FROM audit_events \
         WHERE ($1 IS NULL OR street_id = $1) ORDER BY id DESC LIMIT $2"
    )
    .bind(street_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Event {
            id: r.0,
            at: r.1,
            user_id: r.2,
            action: r.3,
            entity: r.4,
            entity_id: r.5,
            detail: r.6.0,
        })
        .collect())
}
