//! P2 in SQL: awards registered, reviewed and credited. Every status change is a
//! compare-and-set on the status it was decided from, so two approvers acting at once cannot
//! both credit the same award.

use onegrid_domain::people::Scope;
use onegrid_domain::points::AwardStatus;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on, scope};

#[derive(Debug, Clone, Serialize)]
pub struct Award {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub person_id: i64,
    pub person_name: String,
    pub currency: String,
    pub category: String,
    pub amount: i64,
    pub minutes: i64,
    pub note: String,
    pub activity_on: String,
    pub source_kind: Option<String>,
    pub source_id: Option<i64>,
    pub status: String,
    pub joint: bool,
    pub registered_by: i64,
    pub registered_at: i64,
    pub first_approver: Option<i64>,
    pub second_approver: Option<i64>,
    pub rejected_by: Option<i64>,
    pub reject_reason: Option<String>,
    pub decided_at: Option<i64>,
    pub entry_id: Option<i64>,
    pub hours_entry_id: Option<i64>,
}

const AWARD: &str = "SELECT a.id, a.street_id, a.community_id, a.grid_id, a.micro_grid_id, a.person_id, p.name, a.currency, a.category, \
    a.amount, a.minutes, a.note, a.activity_on, a.source_kind, a.source_id, a.status, a.joint, a.registered_by, a.registered_at, \
    a.first_approver, a.second_approver, a.rejected_by, a.reject_reason, a.decided_at, a.entry_id, a.hours_entry_id \
    FROM points_awards a JOIN people p ON p.id = a.person_id";

async fn awards_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Award>> {
    let sql = format!("{AWARD} {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| Award {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            community_id: r.try_get(2usize)?,
            grid_id: r.try_get(3usize)?,
            micro_grid_id: r.try_get(4usize)?,
            person_id: r.try_get(5usize)?,
            person_name: r.try_get(6usize)?,
            currency: r.try_get(7usize)?,
            category: r.try_get(8usize)?,
            amount: r.try_get(9usize)?,
            minutes: r.try_get(10usize)?,
            note: r.try_get(11usize)?,
            activity_on: r.try_get(12usize)?,
            source_kind: r.try_get(13usize)?,
            source_id: r.try_get(14usize)?,
            status: r.try_get(15usize)?,
            joint: r.try_get(16usize)?,
            registered_by: r.try_get(17usize)?,
            registered_at: r.try_get(18usize)?,
            first_approver: r.try_get(19usize)?,
            second_approver: r.try_get(20usize)?,
            rejected_by: r.try_get(21usize)?,
            reject_reason: r.try_get(22usize)?,
            decided_at: r.try_get(23usize)?,
            entry_id: r.try_get(24usize)?,
            hours_entry_id: r.try_get(25usize)?,
        }
    )?)
}

pub struct NewAward<'a> {
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub person_id: i64,
    pub currency: &'a str,
    pub category: &'a str,
    pub amount: i64,
    pub minutes: i64,
    pub note: &'a str,
    pub activity_on: &'a str,
    pub source: Option<(&'a str, i64)>,
    pub joint: bool,
    pub registered_by: i64,
    pub registered_at: i64,
}

/// Registers an award; `Conflict` when its source record was already rewarded.
pub async fn insert(tx: &mut Tx, a: NewAward<'_>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO points_awards (street_id, community_id, grid_id, micro_grid_id, person_id, currency, category, amount, minutes, note, \
         activity_on, source_kind, source_id, status, joint, registered_by, registered_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'registered', $14, $15, $16) RETURNING id"
    )
    .bind(a.street_id)
    .bind(a.community_id)
    .bind(a.grid_id)
    .bind(a.micro_grid_id)
    .bind(a.person_id)
    .bind(a.currency)
    .bind(a.category)
    .bind(a.amount)
    .bind(a.minutes)
    .bind(a.note)
    .bind(a.activity_on)
    .bind(a.source.map(|s| s.0))
    .bind(a.source.map(|s| s.1))
    .bind(a.joint)
    .bind(a.registered_by)
    .bind(a.registered_at)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn award(tx: &mut Tx, id: i64) -> Result<Award> {
    awards_where(tx, "WHERE a.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Awards in the scope (by the award's community / grid / micro-grid), optionally of some
/// statuses, newest first.
pub async fn in_scope(tx: &mut Tx, scope: &Scope, statuses: &[AwardStatus], limit: i64) -> Result<Vec<Award>> {
    let filter = scope::filter(scope, "a", false);
    // Status names are our own constants.
    let status = if statuses.is_empty() {
        String::new()
    } else {
        format!(
            "AND a.status IN ({})",
            statuses
                .iter()
                .map(|s| format!("'{}'", s.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    awards_where(tx, &format!("WHERE {filter} {status} ORDER BY a.id DESC LIMIT $1"), &[limit]).await
}

pub async fn of_person(tx: &mut Tx, person_id: i64, limit: i64) -> Result<Vec<Award>> {
    awards_where(tx, "WHERE a.person_id = $1 ORDER BY a.id DESC LIMIT $2", &[person_id, limit]).await
}

/// Registered → first approval (a joint review's first half).
pub async fn set_first_approval(tx: &mut Tx, id: i64, approver: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE points_awards SET status = 'first_approval', first_approver = $2 WHERE id = $1 AND status = 'registered'"
    )
    .bind(id)
    .bind(approver)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Pending → credited, recording who approved and the entries written.
pub async fn set_credited(
    tx: &mut Tx,
    id: i64,
    from_status: &str,
    first: i64,
    second: Option<i64>,
    entry_id: Option<i64>,
    hours_entry_id: Option<i64>,
    at: i64,
) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
        "UPDATE points_awards SET status = 'credited', first_approver = $3, second_approver = $4, entry_id = $5, hours_entry_id = $6, decided_at = $7 \
         WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from_status)
    .bind(first)
    .bind(second)
    .bind(entry_id)
    .bind(hours_entry_id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn set_rejected(tx: &mut Tx, id: i64, from_status: &str, by: i64, reason: &str) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
        "UPDATE points_awards SET status = 'rejected', rejected_by = $3, reject_reason = $4, decided_at = $5 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from_status)
    .bind(by)
    .bind(reason)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
