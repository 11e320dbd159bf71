//! Votes: who voted on a topic, and (open ballots only) what.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Vote {
    pub topic_id: i64,
    pub member_id: i64,
    pub person_id: i64,
    pub person_name: String,
    /// `None` on a secret ballot: the choice was only counted.
    pub choice: Option<String>,
    pub voted_at: i64,
}

/// Records that a member voted; `Conflict` (from the unique index) when they already had.
pub async fn insert(
    tx: &mut Tx,
    street_id: i64,
    topic_id: i64,
    member_id: i64,
    person_id: i64,
    choice: Option<&str>,
) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_votes (street_id, topic_id, member_id, person_id, choice, voted_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(street_id)
    .bind(topic_id)
    .bind(member_id)
    .bind(person_id)
    .bind(choice)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

async fn votes_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Vote>> {
    let sql = format!(
        "SELECT v.topic_id, v.member_id, v.person_id, p.name, v.choice, v.voted_at FROM council_votes v JOIN people p ON p.id = v.person_id {tail}"
    );
    let rows: Vec<(i64, i64, i64, String, Option<String>, i64)> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Vote {
            topic_id: r.0,
            member_id: r.1,
            person_id: r.2,
            person_name: r.3,
            choice: r.4,
            voted_at: r.5,
        })
        .collect())
}

pub async fn of_topic(tx: &mut Tx, topic_id: i64) -> Result<Vec<Vote>> {
    votes_where(tx, "WHERE v.topic_id = $1 ORDER BY v.id", &[topic_id]).await
}

pub async fn of_person(tx: &mut Tx, topic_id: i64, person_id: i64) -> Result<Option<Vote>> {
    Ok(
        votes_where(tx, "WHERE v.topic_id = $1 AND v.person_id = $2", &[topic_id, person_id])
            .await?
            .pop(),
    )
}
