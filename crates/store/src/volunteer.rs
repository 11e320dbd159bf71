//! P5 in SQL: volunteer tasks and claims. A task's `claimed` counter moves by compare-and-set
//! (`claimed < capacity`), so concurrent claims never exceed the capacity; each claim changes
//! state by compare-and-set on the state it was decided from.

use onegrid_domain::people::{Scope, UnitPath};
use onegrid_domain::volunteer::NewTask;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::points::fetch_mapped;
use crate::{Tx, now_ms, on, scope};

#[derive(Debug, Clone, Serialize)]
pub struct Task {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub title: String,
    pub content: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i64,
    pub claimed: i64,
    pub points: i64,
    pub category: String,
    pub skills: Vec<String>,
    pub status: String,
    pub case_id: Option<i64>,
    pub organiser_id: i64,
    pub created_at: i64,
}

impl Task {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: Some(self.community_id),
            grid_id: self.grid_id,
            micro_grid_id: self.micro_grid_id,
            building_id: None,
        }
    }
}

const TASK: &str = "SELECT id, street_id, community_id, grid_id, micro_grid_id, title, content, place, starts_at, ends_at, capacity, claimed, \
    points, category, skills, status, case_id, organiser_id, created_at FROM volunteer_tasks";

async fn tasks_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Task>> {
    let sql = format!("{TASK} {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| Task {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            community_id: r.try_get(2usize)?,
            grid_id: r.try_get(3usize)?,
            micro_grid_id: r.try_get(4usize)?,
            title: r.try_get(5usize)?,
            content: r.try_get(6usize)?,
            place: r.try_get(7usize)?,
            starts_at: r.try_get(8usize)?,
            ends_at: r.try_get(9usize)?,
            capacity: r.try_get(10usize)?,
            claimed: r.try_get(11usize)?,
            points: r.try_get(12usize)?,
            category: r.try_get(13usize)?,
            skills: r.try_get::<sqlx::types::Json<Vec<String>>, _>(14usize)?.0,
            status: r.try_get(15usize)?,
            case_id: r.try_get(16usize)?,
            organiser_id: r.try_get(17usize)?,
            created_at: r.try_get(18usize)?,
        }
    )?)
}

pub async fn insert_task(tx: &mut Tx, path: &UnitPath, t: &NewTask, organiser: i64) -> Result<i64> {
    let skills: Vec<String> = t.skills.iter().map(|s| s.trim().to_string()).collect();
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO volunteer_tasks (street_id, community_id, grid_id, micro_grid_id, title, content, place, starts_at, ends_at, capacity, \
         claimed, points, category, skills, status, organiser_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, $11, $12, $13, 'open', $14, $15) RETURNING id"
    )
    .bind(path.street_id)
    .bind(path.community_id)
    .bind(path.grid_id)
    .bind(path.micro_grid_id)
    .bind(t.title.trim())
    .bind(t.content.trim())
    .bind(t.place.trim())
    .bind(t.starts_at)
    .bind(t.ends_at)
    .bind(t.capacity)
    .bind(t.points)
    .bind(t.category.as_str())
    .bind(sqlx::types::Json(&skills))
    .bind(organiser)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn task(tx: &mut Tx, id: i64) -> Result<Task> {
    tasks_where(tx, "WHERE id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// Open tasks of a community that have not ended, soonest first (what residents may claim).
pub async fn open_tasks(tx: &mut Tx, community_id: i64, now: i64) -> Result<Vec<Task>> {
    tasks_where(
        tx,
        "WHERE community_id = $1 AND status = 'open' AND ends_at > $2 ORDER BY starts_at, id LIMIT 200",
        &[community_id, now],
    )
    .await
}

/// Tasks in the scope (staff), newest first.
pub async fn tasks_in_scope(tx: &mut Tx, scope: &Scope, limit: i64) -> Result<Vec<Task>> {
    let filter = scope::filter(scope, "", false);
    tasks_where(
        tx,
        &format!("WHERE {filter} ORDER BY starts_at DESC, id DESC LIMIT $1"),
        &[limit],
    )
    .await
}

/// Takes `n` places at once if the task is open and has `n` free (a team's claim): all or none.
pub async fn take_places(tx: &mut Tx, task_id: i64, n: i64) -> Result<bool> {
    let done = on!(tx, |c| sqlx::query(
        "UPDATE volunteer_tasks SET claimed = claimed + $2 WHERE id = $1 AND status = 'open' AND claimed + $2 <= capacity"
    )
    .bind(task_id)
    .bind(n)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Takes a place if the task is open and not full.
pub async fn take_place(tx: &mut Tx, task_id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE volunteer_tasks SET claimed = claimed + 1 WHERE id = $1 AND status = 'open' AND claimed < capacity"
    )
    .bind(task_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn free_place(tx: &mut Tx, task_id: i64) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "UPDATE volunteer_tasks SET claimed = claimed - 1 WHERE id = $1 AND claimed > 0"
    )
    .bind(task_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_task_status(tx: &mut Tx, task_id: i64, from: &str, to: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE volunteer_tasks SET status = $3 WHERE id = $1 AND status = $2"
    )
    .bind(task_id)
    .bind(from)
    .bind(to)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Debug, Clone, Serialize)]
pub struct Claim {
    pub id: i64,
    pub street_id: i64,
    pub task_id: i64,
    pub task_title: String,
    pub person_id: i64,
    pub person_name: String,
    pub status: String,
    pub claimed_at: i64,
    pub withdrawn_at: Option<i64>,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<i64>,
    pub minutes: Option<i64>,
    pub evaluated_by: Option<i64>,
    pub evaluated_at: Option<i64>,
    pub rating: Option<i64>,
    pub award_id: Option<i64>,
    /// The team the claim was taken for by its leader (T6), `None` for a personal claim.
    pub team_id: Option<i64>,
    pub team_name: Option<String>,
}

const CLAIM: &str = "SELECT c.id, c.street_id, c.task_id, t.title, c.person_id, p.name, c.status, c.claimed_at, c.withdrawn_at, \
    c.checked_in_at, c.checked_out_at, c.confirmed_by, c.confirmed_at, c.minutes, c.evaluated_by, c.evaluated_at, c.rating, c.award_id, \
    c.team_id, tm.name FROM volunteer_claims c JOIN volunteer_tasks t ON t.id = c.task_id JOIN people p ON p.id = c.person_id \
    LEFT JOIN teams tm ON tm.id = c.team_id";

async fn claims_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Claim>> {
    let sql = format!("{CLAIM} {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| Claim {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            task_id: r.try_get(2usize)?,
            task_title: r.try_get(3usize)?,
            person_id: r.try_get(4usize)?,
            person_name: r.try_get(5usize)?,
            status: r.try_get(6usize)?,
            claimed_at: r.try_get(7usize)?,
            withdrawn_at: r.try_get(8usize)?,
            checked_in_at: r.try_get(9usize)?,
            checked_out_at: r.try_get(10usize)?,
            confirmed_by: r.try_get(11usize)?,
            confirmed_at: r.try_get(12usize)?,
            minutes: r.try_get(13usize)?,
            evaluated_by: r.try_get(14usize)?,
            evaluated_at: r.try_get(15usize)?,
            rating: r.try_get(16usize)?,
            award_id: r.try_get(17usize)?,
            team_id: r.try_get(18usize)?,
            team_name: r.try_get(19usize)?,
        }
    )?)
}

pub async fn claim(tx: &mut Tx, id: i64) -> Result<Claim> {
    claims_where(tx, "WHERE c.id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn claim_of(tx: &mut Tx, task_id: i64, person_id: i64) -> Result<Option<Claim>> {
    Ok(
        claims_where(tx, "WHERE c.task_id = $1 AND c.person_id = $2", &[task_id, person_id])
            .await?
            .pop(),
    )
}

pub async fn claims_of_task(tx: &mut Tx, task_id: i64) -> Result<Vec<Claim>> {
    claims_where(tx, "WHERE c.task_id = $1 ORDER BY c.id", &[task_id]).await
}

pub async fn claims_of_person(tx: &mut Tx, person_id: i64) -> Result<Vec<Claim>> {
    claims_where(
        tx,
        "WHERE c.person_id = $1 ORDER BY t.starts_at DESC, c.id DESC LIMIT 500",
        &[person_id],
    )
    .await
}

/// A new claim; `Conflict` when the person already has one on the task.
pub async fn insert_claim(tx: &mut Tx, street_id: i64, task_id: i64, person_id: i64) -> Result<i64> {
    insert_claim_for(tx, street_id, task_id, person_id, None).await
}

/// A new claim, taken for `team_id` when a team's leader claims for its members.
pub async fn insert_claim_for(tx: &mut Tx, street_id: i64, task_id: i64, person_id: i64, team_id: Option<i64>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO volunteer_claims (street_id, task_id, person_id, status, claimed_at, team_id) \
         VALUES ($1, $2, $3, 'claimed', $4, $5) RETURNING id"
    )
    .bind(street_id)
    .bind(task_id)
    .bind(person_id)
    .bind(now_ms())
    .bind(team_id)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

/// A withdrawn claim taken up again, by the person themselves.
pub async fn reclaim(tx: &mut Tx, claim_id: i64) -> Result<bool> {
    reclaim_for(tx, claim_id, None).await
}

/// A withdrawn claim taken up again, for `team_id` when a team's leader claims for the member.
pub async fn reclaim_for(tx: &mut Tx, claim_id: i64, team_id: Option<i64>) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
            "UPDATE volunteer_claims SET status = 'claimed', claimed_at = $2, withdrawn_at = NULL, team_id = $3 \
         WHERE id = $1 AND status = 'withdrawn'",
        )
        .bind(claim_id)
        .bind(now_ms())
        .bind(team_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// One step of a claim: status `from` → `to`, setting the step's time column (and who, and the
/// service minutes or rating where the step records them).
pub struct Step<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub at_column: &'static str,
    pub by_column: Option<&'static str>,
    pub by: Option<i64>,
    pub minutes: Option<i64>,
    pub rating: Option<i64>,
    pub award_id: Option<i64>,
}

pub async fn step(tx: &mut Tx, claim_id: i64, s: Step<'_>) -> Result<bool> {
    let by = s.by_column.map(|c| format!(", {c} = $4")).unwrap_or_default();
    let sql = format!(
        "UPDATE volunteer_claims SET status = $2, {} = $3{by}, minutes = COALESCE($5, minutes), rating = COALESCE($6, rating), \
         award_id = COALESCE($7, award_id) WHERE id = $1 AND status = $8",
        s.at_column
    );
    let n = on!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(claim_id)
        .bind(s.to)
        .bind(now_ms())
        .bind(s.by)
        .bind(s.minutes)
        .bind(s.rating)
        .bind(s.award_id)
        .bind(s.from)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A team (T6) as team claims see it: where it works and who leads it.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimingTeam {
    pub id: i64,
    pub street_id: i64,
    pub name: String,
    pub level: String,
    /// The community the team's unit lies in; `None` for a street-wide team.
    pub community_id: Option<i64>,
    pub leader_id: Option<i64>,
    /// Member person ids, ascending.
    pub members: Vec<i64>,
}

pub async fn claiming_team(tx: &mut Tx, team_id: i64) -> Result<ClaimingTeam> {
    let row: Option<(i64, i64, String, String, Option<i64>, Option<i64>)> = on!(tx, |c| sqlx::query_as(
        "SELECT t.id, t.street_id, t.name, t.level, CASE t.level \
           WHEN 'community' THEN t.unit_id \
           WHEN 'grid' THEN (SELECT a.community_id FROM areas a WHERE a.id = t.unit_id) \
           WHEN 'micro_grid' THEN (SELECT a.community_id FROM areas a WHERE a.id = t.unit_id) \
           WHEN 'building' THEN (SELECT b.community_id FROM buildings b WHERE b.id = t.unit_id) \
           WHEN 'unit' THEN (SELECT b.community_id FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.id = t.unit_id) \
           WHEN 'household' THEN (SELECT h.community_id FROM households h WHERE h.id = t.unit_id) \
           ELSE NULL END, t.leader_id FROM teams t WHERE t.id = $1"
    )
    .bind(team_id)
    .fetch_optional(c)
    .await)?;
    let (id, street_id, name, level, community_id, leader_id) = row.ok_or(StoreError::NotFound)?;
    let members: Vec<i64> = on!(tx, |c| sqlx::query_scalar(
        "SELECT person_id FROM team_members WHERE team_id = $1 ORDER BY person_id"
    )
    .bind(team_id)
    .fetch_all(c)
    .await)?;
    Ok(ClaimingTeam {
        id,
        street_id,
        name,
        level,
        community_id,
        leader_id,
        members,
    })
}

/// The teams a person leads (where they may claim tasks for the team), by code.
pub async fn teams_led_by(tx: &mut Tx, person_id: i64) -> Result<Vec<ClaimingTeam>> {
    let ids: Vec<i64> = on!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM teams WHERE leader_id = $1 ORDER BY code, id"
    )
    .bind(person_id)
    .fetch_all(c)
    .await)?;
    let mut teams = Vec::with_capacity(ids.len());
    for id in ids {
        teams.push(claiming_team(tx, id).await?);
    }
    Ok(teams)
}

/// A team's members as (person id, name), by name: the leader's choice on the claim form.
pub async fn team_member_names(tx: &mut Tx, team_id: i64) -> Result<Vec<(i64, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT p.id, p.name FROM team_members m JOIN people p ON p.id = m.person_id WHERE m.team_id = $1 ORDER BY p.name, p.id"
    )
    .bind(team_id)
    .fetch_all(c)
    .await)?)
}

/// Claims taken for the teams the person leads, newest task first.
pub async fn claims_of_teams_led_by(tx: &mut Tx, person_id: i64) -> Result<Vec<Claim>> {
    claims_where(
        tx,
        "WHERE c.team_id IN (SELECT id FROM teams WHERE leader_id = $1) ORDER BY t.starts_at DESC, c.task_id DESC, p.name LIMIT 500",
        &[person_id],
    )
    .await
}
