//! Micro-update projects: the project, its ordered stages, the problems found, milestones and
//! acceptances with photo references.

use onegrid_domain::council::{Acceptance, NewMilestone, NewProblem, NewProject};
use onegrid_domain::people::{Scope, UnitPath};
use serde::Serialize;

use super::WHO;
use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub community_name: String,
    pub grid_id: Option<i64>,
    pub topic_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub kind: String,
    pub status: String,
    pub created_by: i64,
    pub created_at: i64,
    pub accepted_at: Option<i64>,
}

impl Project {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: Some(self.community_id),
            grid_id: self.grid_id,
            ..Default::default()
        }
    }
}

type ProjectRow = (
    i64,
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
    i64,
    i64,
    Option<i64>,
);

const PROJECT: &str = "SELECT j.id, j.street_id, j.community_id, c.name, j.grid_id, j.topic_id, j.title, j.description, j.kind, j.status, \
    j.created_by, j.created_at, j.accepted_at FROM council_projects j JOIN areas c ON c.id = j.community_id";

async fn projects_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Project>> {
    let sql = format!("{PROJECT} {tail}");
    let rows: Vec<ProjectRow> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Project {
            id: r.0,
            street_id: r.1,
            community_id: r.2,
            community_name: r.3,
            grid_id: r.4,
            topic_id: r.5,
            title: r.6,
            description: r.7,
            kind: r.8,
            status: r.9,
            created_by: r.10,
            created_at: r.11,
            accepted_at: r.12,
        })
        .collect())
}

pub async fn insert(tx: &mut Tx, path: &UnitPath, p: &NewProject, by: i64) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_projects (street_id, community_id, grid_id, topic_id, title, description, kind, status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'planned', $8, $9) RETURNING id"
    )
    .bind(path.street_id)
    .bind(path.community_id)
    .bind(path.grid_id)
    .bind(p.topic_id)
    .bind(p.title.trim())
    .bind(p.description.trim())
    .bind(p.kind.as_str())
    .bind(by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn project(tx: &mut Tx, id: i64) -> Result<Project> {
    projects_where(tx, "WHERE j.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn of_community(tx: &mut Tx, community_id: i64) -> Result<Vec<Project>> {
    projects_where(
        tx,
        "WHERE j.community_id = $1 ORDER BY j.created_at DESC, j.id DESC LIMIT 500",
        &[community_id],
    )
    .await
}

pub async fn in_scope(tx: &mut Tx, scope: &Scope, limit: i64) -> Result<Vec<Project>> {
    let f = super::filter(scope, "j");
    projects_where(
        tx,
        &format!("WHERE {f} ORDER BY j.created_at DESC, j.id DESC LIMIT $1"),
        &[limit],
    )
    .await
}

pub async fn set_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_projects SET status = $3, accepted_at = CASE WHEN $3 = 'accepted' THEN $4 ELSE accepted_at END \
         WHERE id = $1 AND status = $2"
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

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub id: i64,
    pub project_id: i64,
    pub position: i64,
    pub name: String,
    pub status: String,
    pub started_at: Option<i64>,
    pub done_at: Option<i64>,
}

async fn stages_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Stage>> {
    let sql = format!("SELECT id, project_id, position, name, status, started_at, done_at FROM council_project_stages {tail}");
    let rows: Vec<(i64, i64, i64, String, String, Option<i64>, Option<i64>)> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Stage {
            id: r.0,
            project_id: r.1,
            position: r.2,
            name: r.3,
            status: r.4,
            started_at: r.5,
            done_at: r.6,
        })
        .collect())
}

/// Appends a stage after the last one.
pub async fn append_stage(tx: &mut Tx, street_id: i64, project_id: i64, name: &str) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_project_stages (street_id, project_id, position, name, status) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM council_project_stages WHERE project_id = $2), $3, 'pending') RETURNING id"
    )
    .bind(street_id)
    .bind(project_id)
    .bind(name)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn stage(tx: &mut Tx, id: i64) -> Result<Stage> {
    stages_where(tx, "WHERE id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn stages(tx: &mut Tx, project_id: i64) -> Result<Vec<Stage>> {
    stages_where(tx, "WHERE project_id = $1 ORDER BY position", &[project_id]).await
}

/// Moves a stage `from` → `to`, stamping `started_at` or `done_at`.
pub async fn set_stage_status(tx: &mut Tx, id: i64, from: &str, to: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_project_stages SET status = $3, \
         started_at = CASE WHEN $3 = 'in_progress' THEN $4 ELSE started_at END, \
         done_at = CASE WHEN $3 = 'done' THEN $4 ELSE done_at END WHERE id = $1 AND status = $2"
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

#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    pub id: i64,
    pub project_id: i64,
    pub stage_id: Option<i64>,
    pub description: String,
    pub status: String,
    pub found_by: i64,
    pub found_by_name: String,
    pub found_at: i64,
    pub resolved_by: Option<i64>,
    pub resolved_at: Option<i64>,
    pub resolution: Option<String>,
    /// The case the problem became, once case handling takes it up.
    pub case_id: Option<i64>,
}

type ProblemRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    i64,
    String,
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
);

async fn problems_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Problem>> {
    let sql = format!(
        "SELECT x.id, x.project_id, x.stage_id, x.description, x.status, x.found_by, {WHO}, x.found_at, x.resolved_by, x.resolved_at, \
         x.resolution, x.case_id FROM council_project_problems x JOIN users wu ON wu.id = x.found_by LEFT JOIN people wp ON wp.id = wu.person_id {tail}"
    );
    let rows: Vec<ProblemRow> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Problem {
            id: r.0,
            project_id: r.1,
            stage_id: r.2,
            description: r.3,
            status: r.4,
            found_by: r.5,
            found_by_name: r.6,
            found_at: r.7,
            resolved_by: r.8,
            resolved_at: r.9,
            resolution: r.10,
            case_id: r.11,
        })
        .collect())
}

pub async fn insert_problem(tx: &mut Tx, street_id: i64, project_id: i64, p: &NewProblem, by: i64) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_project_problems (street_id, project_id, stage_id, description, status, found_by, found_at) \
         VALUES ($1, $2, $3, $4, 'open', $5, $6) RETURNING id"
    )
    .bind(street_id)
    .bind(project_id)
    .bind(p.stage_id)
    .bind(p.description.trim())
    .bind(by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn problem(tx: &mut Tx, id: i64) -> Result<Problem> {
    problems_where(tx, "WHERE x.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn problems(tx: &mut Tx, project_id: i64) -> Result<Vec<Problem>> {
    problems_where(tx, "WHERE x.project_id = $1 ORDER BY x.id", &[project_id]).await
}

pub async fn resolve_problem(tx: &mut Tx, id: i64, by: i64, resolution: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_project_problems SET status = 'resolved', resolved_by = $2, resolved_at = $3, resolution = $4 \
         WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(by)
    .bind(now_ms())
    .bind(resolution)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct Milestone {
    pub id: i64,
    pub project_id: i64,
    pub name: String,
    pub due_on: String,
    pub done_on: Option<String>,
}

async fn milestones_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Milestone>> {
    let sql = format!("SELECT id, project_id, name, due_on, done_on FROM council_project_milestones {tail}");
    let rows: Vec<(i64, i64, String, String, Option<String>)> = on!(tx, |c| binds
        .iter()
        .fold(sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Milestone {
            id: r.0,
            project_id: r.1,
            name: r.2,
            due_on: r.3,
            done_on: r.4,
        })
        .collect())
}

pub async fn insert_milestone(tx: &mut Tx, street_id: i64, project_id: i64, m: &NewMilestone) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_project_milestones (street_id, project_id, name, due_on) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(street_id)
    .bind(project_id)
    .bind(m.name.trim())
    .bind(m.due_on.trim())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn milestone(tx: &mut Tx, id: i64) -> Result<Milestone> {
    milestones_where(tx, "WHERE id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn milestones(tx: &mut Tx, project_id: i64) -> Result<Vec<Milestone>> {
    milestones_where(tx, "WHERE project_id = $1 ORDER BY due_on, id", &[project_id]).await
}

/// Marks a milestone reached on `date`; false when it already was.
pub async fn reach_milestone(tx: &mut Tx, id: i64, date: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_project_milestones SET done_on = $2 WHERE id = $1 AND done_on IS NULL"
    )
    .bind(id)
    .bind(date)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct AcceptanceRecord {
    pub id: i64,
    pub project_id: i64,
    pub passed: bool,
    pub note: String,
    /// The files of the evidence store tied to this acceptance.
    pub photos: Vec<AcceptancePhoto>,
    pub accepted_by: i64,
    pub accepted_by_name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AcceptancePhoto {
    pub id: i64,
    pub name: String,
    pub mime: String,
}

pub async fn insert_acceptance(tx: &mut Tx, street_id: i64, project_id: i64, a: &Acceptance, by: i64) -> Result<i64> {
    let photos = &a.photos;
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO council_project_acceptances (street_id, project_id, passed, note, photos, accepted_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(street_id)
    .bind(project_id)
    .bind(a.passed)
    .bind(a.note.trim())
    .bind(sqlx::types::Json(&photos))
    .bind(by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

/// The project an acceptance belongs to.
pub async fn acceptance_project(tx: &mut Tx, acceptance_id: i64) -> Result<i64> {
    let id: Option<i64> = on!(tx, |c| sqlx::query_scalar(
        "SELECT project_id FROM council_project_acceptances WHERE id = $1"
    )
    .bind(acceptance_id)
    .fetch_optional(c)
    .await)?;
    id.ok_or(StoreError::NotFound)
}

pub async fn acceptances(tx: &mut Tx, project_id: i64) -> Result<Vec<AcceptanceRecord>> {
    let sql = format!(
        "SELECT a.id, a.project_id, a.passed, a.note, a.accepted_by, {WHO}, a.created_at FROM council_project_acceptances a \
         JOIN users wu ON wu.id = a.accepted_by LEFT JOIN people wp ON wp.id = wu.person_id WHERE a.project_id = $1 ORDER BY a.id"
    );
    type Row = (i64, i64, bool, String, i64, String, i64);
    let rows: Vec<Row> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(project_id)
        .fetch_all(c)
        .await)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let mut photos = crate::case::evidence::of_acceptances(tx, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| AcceptanceRecord {
            id: r.0,
            project_id: r.1,
            passed: r.2,
            note: r.3,
            photos: photos
                .extract_if(.., |p| p.acceptance_id == Some(r.0))
                .map(|p| AcceptancePhoto {
                    id: p.id,
                    name: p.name,
                    mime: p.mime,
                })
                .collect(),
            accepted_by: r.4,
            accepted_by_name: r.5,
            created_at: r.6,
        })
        .collect())
}

/// Records the case a problem became; `false` if it already became one.
pub async fn set_problem_case(tx: &mut Tx, problem_id: i64, case_id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE council_project_problems SET case_id = $2 WHERE id = $1 AND case_id IS NULL"
    )
    .bind(problem_id)
    .bind(case_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
