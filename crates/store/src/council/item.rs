//! Implementation items of adopted topics and their status reports (supervision).

use onegrid_domain::people::UnitPath;
use serde::Serialize;

use super::WHO;
use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: i64,
    pub topic_id: i64,
    pub topic_title: String,
    pub title: String,
    pub owner_person_id: i64,
    pub owner_name: String,
    pub deadline: String,
    pub status: String,
    pub created_by: i64,
    pub created_at: i64,
    pub done_at: Option<i64>,
    /// Past the deadline and not done; set by the use case, which knows today's date.
    pub overdue: bool,
}

impl Item {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: Some(self.community_id),
            grid_id: Some(self.grid_id),
            ..Default::default()
        }
    }
}

type Row = (
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
    String,
    i64,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);

const ITEM: &str = "SELECT i.id, i.street_id, i.community_id, i.grid_id, i.topic_id, t.title, i.title, i.owner_person_id, p.name, i.deadline, \
    i.status, i.created_by, i.created_at, i.done_at FROM council_items i JOIN council_topics t ON t.id = i.topic_id \
    JOIN people p ON p.id = i.owner_person_id";

async fn items_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Item>> {
    let sql = format!("{ITEM} {tail}");
    let rows: Vec<Row> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Item {
            id: r.0,
            street_id: r.1,
            community_id: r.2,
            grid_id: r.3,
            topic_id: r.4,
            topic_title: r.5,
            title: r.6,
            owner_person_id: r.7,
            owner_name: r.8,
            deadline: r.9,
            status: r.10,
            created_by: r.11,
            created_at: r.12,
            done_at: r.13,
            overdue: false,
        })
        .collect())
}

pub struct NewItemRow<'a> {
    pub path: &'a UnitPath,
    pub topic_id: i64,
    pub title: &'a str,
    pub owner_person_id: i64,
    pub deadline: &'a str,
    pub created_by: i64,
}

pub async fn insert(tx: &mut Tx, i: NewItemRow<'_>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_items (street_id, community_id, grid_id, topic_id, title, owner_person_id, deadline, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8, $9) RETURNING id"
    )
    .bind(i.path.street_id)
    .bind(i.path.community_id)
    .bind(i.path.grid_id)
    .bind(i.topic_id)
    .bind(i.title)
    .bind(i.owner_person_id)
    .bind(i.deadline)
    .bind(i.created_by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn item(tx: &mut Tx, id: i64) -> Result<Item> {
    items_where(tx, "WHERE i.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn of_topic(tx: &mut Tx, topic_id: i64) -> Result<Vec<Item>> {
    items_where(tx, "WHERE i.topic_id = $1 ORDER BY i.deadline, i.id", &[topic_id]).await
}

/// The items a person is responsible for, open ones first, soonest deadline first.
pub async fn of_owner(tx: &mut Tx, person_id: i64) -> Result<Vec<Item>> {
    items_where(
        tx,
        "WHERE i.owner_person_id = $1 ORDER BY CASE WHEN i.status = 'done' THEN 1 ELSE 0 END, i.deadline, i.id LIMIT 500",
        &[person_id],
    )
    .await
}

/// How many items of the topic are not done.
pub async fn open_count(tx: &mut Tx, topic_id: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM council_items WHERE topic_id = $1 AND status <> 'done'"
    )
    .bind(topic_id)
    .fetch_one(c)
    .await)?)
}

/// Moves the item `from` → `to` (a report that keeps the status changes nothing but still
/// checks the status it was decided from); `done_at` is set when it becomes done.
pub async fn set_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
        "UPDATE council_items SET status = $3, done_at = CASE WHEN $3 = 'done' THEN $4 ELSE done_at END WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub id: i64,
    pub item_id: i64,
    pub status: String,
    pub note: String,
    pub reported_by: i64,
    pub reporter: String,
    pub created_at: i64,
}

pub async fn insert_report(tx: &mut Tx, street_id: i64, item_id: i64, status: &str, note: &str, by: i64) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_reports (street_id, item_id, status, note, reported_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(street_id)
    .bind(item_id)
    .bind(status)
    .bind(note)
    .bind(by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

/// The reports on a topic's items, oldest first.
pub async fn reports_of_topic(tx: &mut Tx, topic_id: i64) -> Result<Vec<Report>> {
    let sql = format!(
        "SELECT r.id, r.item_id, r.status, r.note, r.reported_by, {WHO}, r.created_at FROM council_reports r \
         JOIN council_items i ON i.id = r.item_id JOIN users wu ON wu.id = r.reported_by LEFT JOIN people wp ON wp.id = wu.person_id \
         WHERE i.topic_id = $1 ORDER BY r.id"
    );
    let rows: Vec<(i64, i64, String, String, i64, String, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(topic_id)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Report {
            id: r.0,
            item_id: r.1,
            status: r.2,
            note: r.3,
            reported_by: r.4,
            reporter: r.5,
            created_at: r.6,
        })
        .collect())
}
