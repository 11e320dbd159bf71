//! Per-street settings (policy numbers such as the coverage policy), stored as JSON text.

use crate::error::Result;
use crate::{Tx, on};

pub async fn get(tx: &mut Tx, street_id: i64, key: &str) -> Result<Option<String>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT value FROM settings WHERE street_id = $1 AND key = $2"
    )
    .bind(street_id)
    .bind(key)
    .fetch_optional(c)
    .await)?)
}

pub async fn set(tx: &mut Tx, street_id: i64, key: &str, value: &str) -> Result<()> {
    on!(tx, |c| {
        sqlx::query(
        "INSERT INTO settings (street_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (street_id, key) DO UPDATE SET value = excluded.value"
    )
    .bind(street_id)
    .bind(key)
    .bind(value)
    .execute(c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
