//! P2 annual selection in SQL: a selection row per community and year, and its candidates with
//! the figures frozen when it started. Every change of a draft first takes the selection row by
//! a compare-and-set on `status = 'draft'` (`lock_draft`), so a change racing a publication
//! either lands before it or is refused after it, on both backends.

use onegrid_domain::points::selection::{CandidateKind, Choice, SelectionStatus};
use serde::Serialize;

use crate::error::Result;
use crate::{StoreError, Tx, on};

#[derive(Debug, Clone, Serialize)]
pub struct Selection {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub year: i64,
    pub status: SelectionStatus,
    /// The building-group star thresholds (percent) the candidates were rated with.
    pub star_percent: Vec<u32>,
    pub created_at: i64,
    pub published_at: Option<i64>,
    /// Candidates chosen for an honour.
    pub chosen: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub id: i64,
    pub kind: CandidateKind,
    pub rank: i64,
    /// The person or building; not for the public.
    #[serde(skip)]
    pub subject_id: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    /// Volunteers: tasks done in the year.
    pub tasks: i64,
    /// Building groups: residents who took part, and residents on the register.
    pub participants: i64,
    pub residents: i64,
    /// Volunteer stars (cumulative service to the year's end) or building-group stars.
    pub stars: i64,
    pub chosen: bool,
    pub title: Option<String>,
    pub citation: Option<String>,
}

pub struct NewCandidate<'a> {
    pub kind: CandidateKind,
    pub rank: i64,
    pub subject_id: i64,
    pub name: &'a str,
    pub points: i64,
    pub minutes: i64,
    pub tasks: i64,
    pub participants: i64,
    pub residents: i64,
    pub stars: i64,
}

/// A new draft; `StoreError::Conflict` when the community already has one for the year.
pub async fn insert(
    tx: &mut Tx,
    street_id: i64,
    community_id: i64,
    year: i64,
    star_percent: &[u32],
    created_by: i64,
    now: i64,
) -> Result<i64> {
    let percent = serde_json::to_string(star_percent).expect("numbers serialize");
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO honour_selections (street_id, community_id, year, status, star_percent, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, 'draft', $4, $5, $6, $6) RETURNING id"
    )
    .bind(street_id)
    .bind(community_id)
    .bind(year)
    .bind(&percent)
    .bind(created_by)
    .bind(now)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn insert_candidate(tx: &mut Tx, street_id: i64, selection_id: i64, n: &NewCandidate<'_>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO honour_candidates (street_id, selection_id, kind, rank, subject_id, name, points, minutes, tasks, \
         participants, residents, stars, chosen, title, citation) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, FALSE, NULL, NULL) RETURNING id"
    )
    .bind(street_id)
    .bind(selection_id)
    .bind(n.kind.as_str())
    .bind(n.rank)
    .bind(n.subject_id)
    .bind(n.name)
    .bind(n.points)
    .bind(n.minutes)
    .bind(n.tasks)
    .bind(n.participants)
    .bind(n.residents)
    .bind(n.stars)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

const SELECTION: &str = "SELECT s.id, s.street_id, s.community_id, a.name, s.year, s.status, s.star_percent, s.created_at, s.published_at, \
    CAST((SELECT COUNT(*) FROM honour_candidates c WHERE c.selection_id = s.id AND c.chosen = TRUE) AS BIGINT) \
    FROM honour_selections s JOIN areas a ON a.id = s.community_id";

type SelectionRow = (i64, i64, i64, String, i64, String, String, i64, Option<i64>, i64);

fn selection_of(r: SelectionRow) -> Selection {
    Selection {
        id: r.0,
        street_id: r.1,
        community_id: r.2,
        community_name: r.3,
        year: r.4,
        status: SelectionStatus::parse(&r.5).unwrap_or(SelectionStatus::Draft),
        star_percent: serde_json::from_str(&r.6).unwrap_or_default(),
        created_at: r.7,
        published_at: r.8,
        chosen: r.9,
    }
}

pub async fn selection(tx: &mut Tx, id: i64) -> Result<Selection> {
    let sql = format!("{SELECTION} WHERE s.id = $1");
    let row: Option<SelectionRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    row.map(selection_of).ok_or(StoreError::NotFound)
}

/// The selections of a street (of one community when given), newest year first.
pub async fn list(tx: &mut Tx, street_id: i64, community_id: Option<i64>) -> Result<Vec<Selection>> {
    let sql =
        format!("{SELECTION} WHERE s.street_id = $1 AND ($2 = 0 OR s.community_id = $2) ORDER BY s.year DESC, a.name, s.id");
    let rows: Vec<SelectionRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .bind(community_id.unwrap_or(0))
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(selection_of).collect())
}

type CandidateRow = (
    i64,
    String,
    i64,
    i64,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    bool,
    Option<String>,
    Option<String>,
);

/// The candidates: volunteers first, then building groups, each by rank.
pub async fn candidates(tx: &mut Tx, selection_id: i64) -> Result<Vec<Candidate>> {
    let rows: Vec<CandidateRow> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT id, kind, rank, subject_id, name, points, minutes, tasks, participants, residents, stars, chosen, title, citation \
         FROM honour_candidates WHERE selection_id = $1 ORDER BY CASE WHEN kind = 'volunteer' THEN 0 ELSE 1 END, rank, id"
    )
    .bind(selection_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            id: r.0,
            kind: CandidateKind::parse(&r.1).unwrap_or(CandidateKind::Volunteer),
            rank: r.2,
            subject_id: r.3,
            name: r.4,
            points: r.5,
            minutes: r.6,
            tasks: r.7,
            participants: r.8,
            residents: r.9,
            stars: r.10,
            chosen: r.11,
            title: r.12,
            citation: r.13,
        })
        .collect())
}

/// Takes the selection row for a change while it is a draft; false when it is published (or gone).
pub async fn lock_draft(tx: &mut Tx, id: i64, now: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE honour_selections SET updated_at = $2 WHERE id = $1 AND status = 'draft'"
    )
    .bind(id)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Records one choice; false when the candidate is not of this selection.
pub async fn set_choice(tx: &mut Tx, selection_id: i64, ch: &Choice) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE honour_candidates SET chosen = $3, title = $4, citation = $5 WHERE id = $1 AND selection_id = $2"
    )
    .bind(ch.id)
    .bind(selection_id)
    .bind(ch.chosen)
    .bind(ch.title.as_deref())
    .bind(ch.citation.as_deref())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Publishes a draft; false when it was not a draft.
pub async fn publish(tx: &mut Tx, id: i64, by: i64, now: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE honour_selections SET status = 'published', published_by = $2, published_at = $3, updated_at = $3 \
         WHERE id = $1 AND status = 'draft'"
    )
    .bind(id)
    .bind(by)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Deletes a draft with its candidates (the caller has locked it with `lock_draft`).
pub async fn delete_draft(tx: &mut Tx, id: i64) -> Result<()> {
    on!(tx, |c| sqlx::query("DELETE FROM honour_candidates WHERE selection_id = $1")
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    on!(tx, |c| sqlx::query(
        "DELETE FROM honour_selections WHERE id = $1 AND status = 'draft'"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
