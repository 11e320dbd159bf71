//! G1–G2: the territory a micro-grid division works on, stored proposals, and the writes of
//! accepting one (new micro-grids, buildings and their households, residents and posts moved,
//! micro-grids retired).

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::territory::Area;
use crate::{Backend, Tx, now_ms, on};

/// A building with its household count, as a division sees it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BuildingLoad {
    pub id: i64,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub households: i64,
}

/// `id IN (…)` for ids read from our own database (integers, so safe to write into SQL).
fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "NULL".to_string();
    }
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// Buildings of the street in the given grids, and buildings with no grid at all (they may
/// stand inside one), ordered by code.
pub async fn buildings_for(tx: &mut Tx, street_id: i64, grid_ids: &[i64]) -> Result<Vec<BuildingLoad>> {
    let sql = format!(
        "SELECT b.id, b.community_id, b.grid_id, b.micro_grid_id, b.code, b.name, b.lat, b.lng, \
         (SELECT COUNT(*) FROM households h WHERE h.building_id = b.id) \
         FROM buildings b WHERE b.street_id = $1 AND (b.grid_id IN ({}) OR b.grid_id IS NULL) ORDER BY b.code",
        id_list(grid_ids)
    );
    type Row = (
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
        String,
        Option<f64>,
        Option<f64>,
        i64,
    );
    let rows: Vec<Row> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| BuildingLoad {
            id: r.0,
            community_id: r.1,
            grid_id: r.2,
            micro_grid_id: r.3,
            code: r.4,
            name: r.5,
            lat: r.6,
            lng: r.7,
            households: r.8,
        })
        .collect())
}

/// Every area code under `prefix-` (retired ones included): codes are never given twice.
pub async fn codes_under(tx: &mut Tx, prefix: &str) -> Result<Vec<String>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT code FROM areas WHERE code LIKE $1 ORDER BY code"
    )
    .bind(format!("{prefix}-%"))
    .fetch_all(c)
    .await)?)
}

/// Locks the rows of these areas until the transaction ends, so two divisions of the same
/// grids cannot be accepted at once. On SQLite the IMMEDIATE write transaction already
/// serialises writers.
pub async fn lock_areas(tx: &mut Tx, ids: &[i64]) -> Result<()> {
    if tx.backend() == Backend::Postgres && !ids.is_empty() {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        let sql = format!(
            "SELECT id FROM areas WHERE id IN ({}) ORDER BY id FOR UPDATE",
            id_list(&sorted)
        );
        let _: Vec<i64> = on!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
            .fetch_all(c)
            .await)?;
    }
    Ok(())
}

pub struct NewProposal<'a> {
    pub street_id: i64,
    pub area_id: i64,
    pub params: &'a serde_json::Value,
    pub fingerprint: &'a str,
    pub data: &'a serde_json::Value,
    pub created_by: Option<i64>,
}

pub async fn insert_proposal(tx: &mut Tx, p: NewProposal<'_>) -> Result<i64> {
    let id: i64 = on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO partition_proposals (street_id, area_id, status, params, fingerprint, data, created_by, created_at) \
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(p.street_id)
    .bind(p.area_id)
    .bind(sqlx::types::Json(p.params))
    .bind(p.fingerprint)
    .bind(sqlx::types::Json(p.data))
    .bind(p.created_by)
    .bind(now_ms())
    .fetch_one(c)
    .await)?;
    Ok(id)
}

#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub id: i64,
    pub street_id: i64,
    pub area_id: i64,
    pub status: String,
    pub params: serde_json::Value,
    #[serde(skip)]
    pub fingerprint: String,
    /// Units, parts and reports; `None` in lists.
    pub data: Option<serde_json::Value>,
    pub outcome: Option<serde_json::Value>,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub decided_by: Option<i64>,
    pub decided_at: Option<i64>,
}

type Json = sqlx::types::Json<serde_json::Value>;
type ProposalRow = (
    i64,
    i64,
    i64,
    String,
    Json,
    String,
    Option<Json>,
    Option<Json>,
    Option<i64>,
    i64,
    Option<i64>,
    Option<i64>,
);

fn proposal_row(r: ProposalRow) -> Proposal {
    Proposal {
        id: r.0,
        street_id: r.1,
        area_id: r.2,
        status: r.3,
        params: r.4.0,
        fingerprint: r.5,
        data: r.6.map(|j| j.0),
        outcome: r.7.map(|j| j.0),
        created_by: r.8,
        created_at: r.9,
        decided_by: r.10,
        decided_at: r.11,
    }
}

pub async fn proposal(tx: &mut Tx, id: i64) -> Result<Proposal> {
    let row: Option<ProposalRow> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT id, street_id, area_id, status, params, fingerprint, data, outcome, created_by, created_at, decided_by, decided_at \
         FROM partition_proposals WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(c)
    .await
    })?;
    row.map(proposal_row).ok_or(StoreError::NotFound)
}

/// Proposals of one street, newest first, without their data.
pub async fn proposals(tx: &mut Tx, street_id: i64, limit: i64) -> Result<Vec<Proposal>> {
    type Row = (
        i64,
        i64,
        i64,
        String,
        Json,
        String,
        Option<Json>,
        Option<i64>,
        i64,
        Option<i64>,
        Option<i64>,
    );
    let rows: Vec<Row> = on!(tx, |c| sqlx::query_as(
        "SELECT id, street_id, area_id, status, params, fingerprint, outcome, created_by, created_at, decided_by, decided_at \
         FROM partition_proposals WHERE street_id = $1 ORDER BY id DESC LIMIT $2"
    )
    .bind(street_id)
    .bind(limit)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| proposal_row((r.0, r.1, r.2, r.3, r.4, r.5, None, r.6, r.7, r.8, r.9, r.10)))
        .collect())
}

/// Open → `status` (accepted or discarded), compare-and-set: false when it was no longer open.
pub async fn decide(
    tx: &mut Tx,
    id: i64,
    status: &str,
    user_id: Option<i64>,
    outcome: Option<&serde_json::Value>,
) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
        "UPDATE partition_proposals SET status = $2, decided_by = $3, decided_at = $4, outcome = $5 WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(status)
    .bind(user_id)
    .bind(now_ms())
    .bind(outcome.map(sqlx::types::Json))
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub struct NewMicroGrid<'a> {
    pub grid: &'a Area,
    pub code: &'a str,
    pub name: &'a str,
    pub kind: Option<&'a str>,
    pub boundary: Option<&'a str>,
}

pub async fn insert_micro_grid(tx: &mut Tx, m: NewMicroGrid<'_>) -> Result<i64> {
    let id: i64 = on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO areas (street_id, level, parent_id, community_id, grid_id, code, name, kind, boundary) \
         VALUES ($1, 'micro_grid', $2, $3, $2, $4, $5, $6, $7) RETURNING id"
    )
    .bind(m.grid.street_id)
    .bind(m.grid.id)
    .bind(m.grid.community_id)
    .bind(m.code)
    .bind(m.name)
    .bind(m.kind)
    .bind(m.boundary)
    .fetch_one(c)
    .await
    .map_err(StoreError::from_write))?;
    Ok(id)
}

pub async fn set_boundary(tx: &mut Tx, area_id: i64, boundary: &str) -> Result<()> {
    on!(tx, |c| sqlx::query("UPDATE areas SET boundary = $2 WHERE id = $1")
        .bind(area_id)
        .bind(boundary)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Puts buildings into a micro-grid and carries the change to the denormalised path columns
/// of their households, residents and building posts (R4 filters read those). Returns the
/// rows changed per table.
pub async fn move_buildings(tx: &mut Tx, street_id: i64, ids: &[i64], micro_grid: &Area) -> Result<[(&'static str, u64); 4]> {
    if ids.is_empty() {
        return Ok([("buildings", 0), ("households", 0), ("residents", 0), ("posts", 0)]);
    }
    let list = id_list(ids);
    let (mg, grid, community) = (micro_grid.id, micro_grid.grid_id, micro_grid.community_id);
    let mut out = [("buildings", 0), ("households", 0), ("residents", 0), ("posts", 0)];
    for (i, sql) in [
        format!("UPDATE buildings SET micro_grid_id = $2, grid_id = $3, community_id = $4 WHERE street_id = $1 AND id IN ({list})"),
        format!("UPDATE households SET micro_grid_id = $2, grid_id = $3, community_id = $4 WHERE street_id = $1 AND building_id IN ({list})"),
        format!("UPDATE residents SET micro_grid_id = $2, grid_id = $3, community_id = $4 WHERE street_id = $1 AND building_id IN ({list})"),
        format!(
            "UPDATE posts SET micro_grid_id = $2, grid_id = $3, community_id = $4 WHERE street_id = $1 AND level = 'building' AND unit_id IN ({list})"
        ),
    ]
    .into_iter()
    .enumerate()
    {
        out[i].1 = on!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .bind(street_id)
            .bind(mg)
            .bind(grid)
            .bind(community)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(out)
}

/// Takes a micro-grid out of service (compare-and-set: false when it already was).
pub async fn retire_micro_grid(tx: &mut Tx, id: i64, today: &str) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE areas SET retired_on = $2 WHERE id = $1 AND level = 'micro_grid' AND retired_on IS NULL"
    )
    .bind(id)
    .bind(today)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A post ended by a division: who held what.
#[derive(Debug, Clone, Serialize)]
pub struct EndedPost {
    pub post_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub role: String,
}

/// Ends the posts held on a micro-grid that are still running after `last_day` (they end on
/// `last_day`; history is kept).
pub async fn end_posts_on_micro_grid(tx: &mut Tx, micro_grid_id: i64, last_day: &str) -> Result<Vec<EndedPost>> {
    let rows: Vec<(i64, i64, String, String)> = on!(tx, |c| sqlx::query_as(
        "SELECT p.id, p.person_id, (SELECT name FROM people WHERE id = p.person_id), p.role FROM posts p \
         WHERE p.level = 'micro_grid' AND p.unit_id = $1 AND (p.ends_on IS NULL OR p.ends_on > $2) ORDER BY p.id"
    )
    .bind(micro_grid_id)
    .bind(last_day)
    .fetch_all(c)
    .await)?;
    on!(tx, |c| sqlx::query(
        "UPDATE posts SET ends_on = $2 WHERE level = 'micro_grid' AND unit_id = $1 AND (ends_on IS NULL OR ends_on > $2)"
    )
    .bind(micro_grid_id)
    .bind(last_day)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(rows
        .into_iter()
        .map(|r| EndedPost {
            post_id: r.0,
            person_id: r.1,
            person_name: r.2,
            role: r.3,
        })
        .collect())
}

/// Hands what belongs to a retired micro-grid to its successor: enterprises, teams and party
/// members assigned to it, and the work still open there, so the successor's staff see it in
/// their scope. Open cases follow the successor; awards waiting for review follow their person's
/// household (moved before this runs) when it stayed in the grid, else the successor. Closed
/// cases and decided awards keep the micro-grid they were in: that is their history.
/// Returns the rows moved per table.
pub async fn hand_over(tx: &mut Tx, from: i64, to: i64) -> Result<[(&'static str, u64); 5]> {
    let mut out = [
        ("enterprises", 0),
        ("teams", 0),
        ("party_members", 0),
        ("open_cases", 0),
        ("pending_awards", 0),
    ];
    for (i, sql) in [
        "UPDATE enterprises SET micro_grid_id = $2 WHERE micro_grid_id = $1",
        "UPDATE teams SET unit_id = $2 WHERE level = 'micro_grid' AND unit_id = $1",
        "UPDATE party_members SET micro_grid_id = $2 WHERE micro_grid_id = $1",
        "UPDATE cases SET micro_grid_id = $2 WHERE micro_grid_id = $1 AND handler_unit IS NOT NULL",
        "UPDATE points_awards SET micro_grid_id = COALESCE((SELECT h.micro_grid_id FROM people p \
         JOIN households h ON h.id = p.household_id WHERE p.id = points_awards.person_id \
         AND h.grid_id = points_awards.grid_id AND h.micro_grid_id <> $1), $2) \
         WHERE micro_grid_id = $1 AND status IN ('registered', 'first_approval')",
    ]
    .into_iter()
    .enumerate()
    {
        out[i].1 = on!(tx, |c| sqlx::query(sql)
            .bind(from)
            .bind(to)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(out)
}

/// Party organisations on a micro-grid (its party branch): a division does not dissolve or
/// merge them — that is the party's decision — so accepting lists them for attention.
pub async fn party_orgs_on(tx: &mut Tx, micro_grid_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT id, code, name FROM party_orgs WHERE level = 'micro_grid' AND unit_id = $1 ORDER BY code"
    )
    .bind(micro_grid_id)
    .fetch_all(c)
    .await)?)
}
