//! Council topics, their comments and followers.

use onegrid_domain::council::{NewTopic, VoteRules};
use onegrid_domain::people::{Scope, UnitPath};
use serde::Serialize;

use super::WHO;
use crate::error::{Result, StoreError};
use crate::points::fetch_mapped;
use crate::{Backend, Tx, now_ms, on};

/// A topic as stored. The vote counts are not serialised: the use case decides whether the
/// reader may see them (a secret ballot shows them only once closed).
#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: i64,
    pub grid_name: String,
    pub title: String,
    pub content: String,
    pub raised_by: i64,
    pub raised_by_name: String,
    pub status: String,
    pub ballot: Option<String>,
    pub majority: Option<String>,
    pub quorum_percent: Option<i64>,
    pub electorate: Option<i64>,
    #[serde(skip)]
    pub votes_yes: i64,
    #[serde(skip)]
    pub votes_no: i64,
    #[serde(skip)]
    pub votes_abstain: i64,
    pub vote_opened_at: Option<i64>,
    pub vote_closed_at: Option<i64>,
    /// `vote` or `minutes`.
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub minutes: Option<String>,
    pub minutes_held_on: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Topic {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: Some(self.community_id),
            grid_id: Some(self.grid_id),
            ..Default::default()
        }
    }
}

const TOPIC: &str = "SELECT t.id, t.street_id, t.community_id, t.grid_id, g.name, t.title, t.content, t.raised_by, COALESCE(wp.name, wu.username), \
    t.status, t.ballot, t.majority, t.quorum_percent, t.electorate, t.votes_yes, t.votes_no, t.votes_abstain, t.vote_opened_at, \
    t.vote_closed_at, t.decided_by, t.decided_at, t.minutes, t.minutes_held_on, t.created_at, t.updated_at \
    FROM council_topics t JOIN areas g ON g.id = t.grid_id JOIN users wu ON wu.id = t.raised_by LEFT JOIN people wp ON wp.id = t.raised_by_person";

async fn topics_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Topic>> {
    let sql = format!("{TOPIC} {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| Topic {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            community_id: r.try_get(2usize)?,
            grid_id: r.try_get(3usize)?,
            grid_name: r.try_get(4usize)?,
            title: r.try_get(5usize)?,
            content: r.try_get(6usize)?,
            raised_by: r.try_get(7usize)?,
            raised_by_name: r.try_get(8usize)?,
            status: r.try_get(9usize)?,
            ballot: r.try_get(10usize)?,
            majority: r.try_get(11usize)?,
            quorum_percent: r.try_get(12usize)?,
            electorate: r.try_get(13usize)?,
            votes_yes: r.try_get(14usize)?,
            votes_no: r.try_get(15usize)?,
            votes_abstain: r.try_get(16usize)?,
            vote_opened_at: r.try_get(17usize)?,
            vote_closed_at: r.try_get(18usize)?,
            decided_by: r.try_get(19usize)?,
            decided_at: r.try_get(20usize)?,
            minutes: r.try_get(21usize)?,
            minutes_held_on: r.try_get(22usize)?,
            created_at: r.try_get(23usize)?,
            updated_at: r.try_get(24usize)?,
        }
    )?)
}

pub async fn insert(
    tx: &mut Tx,
    grid: &UnitPath,
    t: &NewTopic,
    user_id: i64,
    person_id: Option<i64>,
    status: &str,
) -> Result<i64> {
    let now = now_ms();
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_topics (street_id, community_id, grid_id, title, content, raised_by, raised_by_person, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id"
    )
    .bind(grid.street_id)
    .bind(grid.community_id)
    .bind(grid.grid_id)
    .bind(t.title.trim())
    .bind(t.content.trim())
    .bind(user_id)
    .bind(person_id)
    .bind(status)
    .bind(now)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn topic(tx: &mut Tx, id: i64) -> Result<Topic> {
    topics_where(tx, "WHERE t.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The topics of a community (one grid only when given), newest first.
pub async fn of_community(tx: &mut Tx, community_id: i64, grid_id: Option<i64>) -> Result<Vec<Topic>> {
    match grid_id {
        Some(g) => {
            topics_where(
                tx,
                "WHERE t.community_id = $1 AND t.grid_id = $2 ORDER BY t.created_at DESC, t.id DESC LIMIT 500",
                &[community_id, g],
            )
            .await
        }
        None => {
            topics_where(
                tx,
                "WHERE t.community_id = $1 ORDER BY t.created_at DESC, t.id DESC LIMIT 500",
                &[community_id],
            )
            .await
        }
    }
}

/// The topics in the scope (staff who run councils), newest first.
pub async fn in_scope(tx: &mut Tx, scope: &Scope, limit: i64) -> Result<Vec<Topic>> {
    let f = super::filter(scope, "t");
    topics_where(
        tx,
        &format!("WHERE {f} ORDER BY t.created_at DESC, t.id DESC LIMIT $1"),
        &[limit],
    )
    .await
}

/// The topics an account follows, newest first.
pub async fn followed_by(tx: &mut Tx, user_id: i64) -> Result<Vec<Topic>> {
    topics_where(
        tx,
        "WHERE t.id IN (SELECT topic_id FROM council_follows WHERE user_id = $1) ORDER BY t.created_at DESC, t.id DESC LIMIT 500",
        &[user_id],
    )
    .await
}

/// Locks the topic's row until the transaction ends (PostgreSQL; SQLite's write transaction
/// already holds the database), so counts read next are final: no vote can be added meanwhile.
pub async fn lock(tx: &mut Tx, id: i64) -> Result<()> {
    if tx.backend() == Backend::Postgres {
        let _: Option<i64> = on!(tx, |c| sqlx::query_scalar(
            "SELECT id FROM council_topics WHERE id = $1 FOR UPDATE"
        )
        .bind(id)
        .fetch_optional(c)
        .await)?;
    }
    Ok(())
}

/// Moves the topic `from` → `to`; false when it was no longer in `from`.
pub async fn set_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_topics SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Opens the vote with its rules and electorate.
pub async fn open_vote(tx: &mut Tx, id: i64, from: &str, rules: &VoteRules, electorate: i64) -> Result<bool> {
    let now = now_ms();
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_topics SET status = 'voting', ballot = $3, majority = $4, quorum_percent = $5, electorate = $6, \
         vote_opened_at = $7, updated_at = $7 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(rules.ballot.as_str())
    .bind(rules.majority.as_str())
    .bind(rules.quorum_percent)
    .bind(electorate)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Counts one vote on a topic whose vote is open; false when it closed meanwhile.
pub async fn count_vote(tx: &mut Tx, id: i64, choice: onegrid_domain::council::Choice) -> Result<bool> {
    use onegrid_domain::council::Choice;
    let sql = match choice {
        Choice::Yes => "UPDATE council_topics SET votes_yes = votes_yes + 1 WHERE id = $1 AND status = 'voting'",
        Choice::No => "UPDATE council_topics SET votes_no = votes_no + 1 WHERE id = $1 AND status = 'voting'",
        Choice::Abstain => "UPDATE council_topics SET votes_abstain = votes_abstain + 1 WHERE id = $1 AND status = 'voting'",
    };
    let n = on!(tx, |c| sqlx::query(sql).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Closes the vote with its outcome's status.
pub async fn close_vote(tx: &mut Tx, id: i64, to: &str) -> Result<bool> {
    let now = now_ms();
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_topics SET status = $2, vote_closed_at = $3, decided_by = 'vote', decided_at = $3, updated_at = $3 \
         WHERE id = $1 AND status = 'voting'"
    )
    .bind(id)
    .bind(to)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records the meeting's decision.
pub async fn record_minutes(tx: &mut Tx, id: i64, from: &str, to: &str, minutes: &str, held_on: &str) -> Result<bool> {
    let now = now_ms();
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_topics SET status = $3, minutes = $4, minutes_held_on = $5, decided_by = 'minutes', decided_at = $6, \
         updated_at = $6 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(minutes)
    .bind(held_on)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: i64,
    pub topic_id: i64,
    pub user_id: i64,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

pub async fn insert_comment(
    tx: &mut Tx,
    street_id: i64,
    topic_id: i64,
    user_id: i64,
    person_id: Option<i64>,
    body: &str,
) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_comments (street_id, topic_id, user_id, person_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id"
    )
    .bind(street_id)
    .bind(topic_id)
    .bind(user_id)
    .bind(person_id)
    .bind(body)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn comments(tx: &mut Tx, topic_id: i64) -> Result<Vec<Comment>> {
    let sql = format!(
        "SELECT k.id, k.topic_id, k.user_id, {WHO}, k.body, k.created_at FROM council_comments k \
         JOIN users wu ON wu.id = k.user_id LEFT JOIN people wp ON wp.id = k.person_id WHERE k.topic_id = $1 ORDER BY k.id LIMIT 1000"
    );
    let rows: Vec<(i64, i64, i64, String, String, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(topic_id)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Comment {
            id: r.0,
            topic_id: r.1,
            user_id: r.2,
            author: r.3,
            body: r.4,
            created_at: r.5,
        })
        .collect())
}

/// Follows a topic; following twice changes nothing. True when the follow is new.
pub async fn follow(tx: &mut Tx, street_id: i64, topic_id: i64, user_id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "INSERT INTO council_follows (street_id, topic_id, user_id, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (topic_id, user_id) DO NOTHING"
    )
    .bind(street_id)
    .bind(topic_id)
    .bind(user_id)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn unfollow(tx: &mut Tx, topic_id: i64, user_id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "DELETE FROM council_follows WHERE topic_id = $1 AND user_id = $2"
    )
    .bind(topic_id)
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn follows(tx: &mut Tx, topic_id: i64, user_id: i64) -> Result<bool> {
    let n: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM council_follows WHERE topic_id = $1 AND user_id = $2"
    )
    .bind(topic_id)
    .bind(user_id)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}

pub async fn followers(tx: &mut Tx, topic_id: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM council_follows WHERE topic_id = $1"
    )
    .bind(topic_id)
    .fetch_one(c)
    .await)?)
}
