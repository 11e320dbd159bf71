//! Council members per grid.

use onegrid_domain::people::{Scope, UnitPath};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: i64,
    pub grid_name: String,
    pub person_id: i64,
    pub person_name: String,
    pub appointed_at: i64,
    pub removed_at: Option<i64>,
}

type Row = (i64, i64, i64, i64, String, i64, String, i64, Option<i64>);

const MEMBER: &str = "SELECT m.id, m.street_id, m.community_id, m.grid_id, g.name, m.person_id, p.name, m.appointed_at, m.removed_at \
    FROM council_members m JOIN areas g ON g.id = m.grid_id JOIN people p ON p.id = m.person_id";

async fn members_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Member>> {
    let sql = format!("{MEMBER} {tail}");
    let rows: Vec<Row> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Member {
            id: r.0,
            street_id: r.1,
            community_id: r.2,
            grid_id: r.3,
            grid_name: r.4,
            person_id: r.5,
            person_name: r.6,
            appointed_at: r.7,
            removed_at: r.8,
        })
        .collect())
}

/// A new seat; `Conflict` when the person already holds one on the grid's council.
pub async fn insert(tx: &mut Tx, grid: &UnitPath, person_id: i64, by: i64) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_members (street_id, community_id, grid_id, person_id, appointed_by, appointed_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(grid.street_id)
    .bind(grid.community_id)
    .bind(grid.grid_id)
    .bind(person_id)
    .bind(by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn member(tx: &mut Tx, id: i64) -> Result<Member> {
    members_where(tx, "WHERE m.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The active members of a grid's council, in order of appointment.
pub async fn of_grid(tx: &mut Tx, grid_id: i64) -> Result<Vec<Member>> {
    members_where(
        tx,
        "WHERE m.grid_id = $1 AND m.removed_at IS NULL ORDER BY m.appointed_at, m.id",
        &[grid_id],
    )
    .await
}

/// The active members of the councils in the scope.
pub async fn in_scope(tx: &mut Tx, scope: &Scope) -> Result<Vec<Member>> {
    let f = super::filter(scope, "m");
    members_where(
        tx,
        &format!("WHERE {f} AND m.removed_at IS NULL ORDER BY m.grid_id, m.appointed_at, m.id LIMIT 2000"),
        &[],
    )
    .await
}

/// The person's active seats.
pub async fn of_person(tx: &mut Tx, person_id: i64) -> Result<Vec<Member>> {
    members_where(
        tx,
        "WHERE m.person_id = $1 AND m.removed_at IS NULL ORDER BY m.id",
        &[person_id],
    )
    .await
}

/// The person's active seat on a grid's council.
pub async fn active(tx: &mut Tx, grid_id: i64, person_id: i64) -> Result<Option<Member>> {
    Ok(members_where(
        tx,
        "WHERE m.grid_id = $1 AND m.person_id = $2 AND m.removed_at IS NULL",
        &[grid_id, person_id],
    )
    .await?
    .pop())
}

/// The number of active members of a grid's council: the electorate of a vote opening now.
pub async fn count_active(tx: &mut Tx, grid_id: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM council_members WHERE grid_id = $1 AND removed_at IS NULL"
    )
    .bind(grid_id)
    .fetch_one(c)
    .await)?)
}

/// Ends a seat; false when it had already ended.
pub async fn remove(tx: &mut Tx, id: i64, by: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_members SET removed_at = $2, removed_by = $3 WHERE id = $1 AND removed_at IS NULL"
    )
    .bind(id)
    .bind(now_ms())
    .bind(by)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
