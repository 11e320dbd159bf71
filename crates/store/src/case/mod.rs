//! Cases in SQL (C1–C8). The case row keeps the state the rules need and the running step
//! clock; every change appends an event and moves the row from one `version` to the next by
//! compare-and-set, so two writers deciding from the same state cannot both win.

pub mod catalogue;
pub mod evidence;
pub mod lists;
pub mod notify;
pub mod worker;

use onegrid_domain::case::{Assignment, CaseEvent, CaseState, CaseStatus, StepClock, Tier};
use serde::Serialize;
use sqlx::types::Json;

use crate::error::{Result, StoreError};
use crate::points::fetch_mapped;
use crate::{Tx, now_ms, on};

/// What intake writes (C1).
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub street_id: i64,
    pub token_hash: String,
    pub category_code: String,
    pub channel: String,
    pub description: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub created_by: Option<i64>,
    pub open311_key_id: Option<i64>,
    pub idempotency_scope: Option<String>,
    pub idempotency_key: Option<String>,
    pub duplicate_of: Option<i64>,
    pub received_at: i64,
    /// A link to a photo the client hosts (Open311 `media_url`).
    pub media_url: Option<String>,
}

/// Whose move it is, as the work lists index it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Holder {
    pub tier: Tier,
    pub unit: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseRow {
    pub id: i64,
    pub street_id: i64,
    pub category_code: String,
    pub channel: String,
    pub description: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub reporter_email: Option<String>,
    pub reporter_user_id: Option<i64>,
    pub created_by: Option<i64>,
    pub open311_key_id: Option<i64>,
    pub duplicate_of: Option<i64>,
    #[serde(flatten)]
    pub state: CaseState,
    pub handler_tier: Option<String>,
    pub handler_unit: Option<i64>,
    pub rating_comment: Option<String>,
    pub clock: Option<StepClock>,
    pub due_at: Option<i64>,
    pub next_check_at: Option<i64>,
    pub final_reply: Option<String>,
    pub version: i64,
    pub received_at: i64,
    pub registered_at: Option<i64>,
    pub dispatched_at: Option<i64>,
    pub accepted_at: Option<i64>,
    pub handled_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub updated_at: i64,
    pub media_url: Option<String>,
}

pub(crate) const CASE_COLUMNS: &str = "id, street_id, category_code, channel, description, address, lat, lng, community_id, grid_id, \
    micro_grid_id, reporter_name, reporter_phone, reporter_email, reporter_user_id, created_by, open311_key_id, duplicate_of, status, \
    level, assignment, escalation_level, reworks, reopens, rating, merged_into, handler_tier, handler_unit, rating_comment, clock, \
    due_at, next_check_at, final_reply, version, received_at, registered_at, dispatched_at, accepted_at, handled_at, closed_at, \
    updated_at, media_url";

fn bad(column: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("cases.{column} holds {value:?}").into())
}

/// Runs `SELECT <case columns> FROM cases <tail>` with integer binds.
pub(crate) async fn cases_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| {
            let status: String = r.try_get(18usize)?;
            let level: String = r.try_get(19usize)?;
            CaseRow {
                id: r.try_get(0usize)?,
                street_id: r.try_get(1usize)?,
                category_code: r.try_get(2usize)?,
                channel: r.try_get(3usize)?,
                description: r.try_get(4usize)?,
                address: r.try_get(5usize)?,
                lat: r.try_get(6usize)?,
                lng: r.try_get(7usize)?,
                community_id: r.try_get(8usize)?,
                grid_id: r.try_get(9usize)?,
                micro_grid_id: r.try_get(10usize)?,
                reporter_name: r.try_get(11usize)?,
                reporter_phone: r.try_get(12usize)?,
                reporter_email: r.try_get(13usize)?,
                reporter_user_id: r.try_get(14usize)?,
                created_by: r.try_get(15usize)?,
                open311_key_id: r.try_get(16usize)?,
                duplicate_of: r.try_get(17usize)?,
                state: CaseState {
                    status: CaseStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
                    level: Tier::parse(&level).ok_or_else(|| bad("level", &level))?,
                    assignment: r.try_get::<Option<Json<Assignment>>, _>(20usize)?.map(|j| j.0),
                    escalation_level: r.try_get::<i64, _>(21usize)? as u8,
                    reworks: r.try_get::<i64, _>(22usize)? as u32,
                    reopens: r.try_get::<i64, _>(23usize)? as u32,
                    rating: r.try_get::<Option<i64>, _>(24usize)?.map(|v| v as u8),
                    merged_into: r.try_get(25usize)?,
                },
                handler_tier: r.try_get(26usize)?,
                handler_unit: r.try_get(27usize)?,
                rating_comment: r.try_get(28usize)?,
                clock: r.try_get::<Option<Json<StepClock>>, _>(29usize)?.map(|j| j.0),
                due_at: r.try_get(30usize)?,
                next_check_at: r.try_get(31usize)?,
                final_reply: r.try_get(32usize)?,
                version: r.try_get(33usize)?,
                received_at: r.try_get(34usize)?,
                registered_at: r.try_get(35usize)?,
                dispatched_at: r.try_get(36usize)?,
                accepted_at: r.try_get(37usize)?,
                handled_at: r.try_get(38usize)?,
                closed_at: r.try_get(39usize)?,
                updated_at: r.try_get(40usize)?,
                media_url: r.try_get(41usize)?,
            }
        }
    )?)
}

pub async fn get(tx: &mut Tx, id: i64) -> Result<CaseRow> {
    cases_where(tx, "WHERE id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn by_token_hash(tx: &mut Tx, token_hash: &str) -> Result<CaseRow> {
    let id: Option<i64> = on!(tx, |c| sqlx::query_scalar("SELECT id FROM cases WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(c)
        .await)?;
    get(tx, id.ok_or(StoreError::NotFound)?).await
}

/// The case an earlier request with the same idempotency key created.
pub async fn by_idempotency_key(tx: &mut Tx, scope: &str, key: &str) -> Result<Option<i64>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM cases WHERE idempotency_scope = $1 AND idempotency_key = $2"
    )
    .bind(scope)
    .bind(key)
    .fetch_optional(c)
    .await)?)
}

/// Inserts a received case with whose move it is and its first step clock (intake is not an
/// event: the log starts with the first step staff take).
pub async fn insert(
    tx: &mut Tx,
    n: &NewCase,
    state: &CaseState,
    holder: Option<Holder>,
    clock: Option<&StepClock>,
) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO cases (street_id, token_hash, category_code, channel, description, address, lat, lng, community_id, grid_id, \
         micro_grid_id, reporter_name, reporter_phone, reporter_email, reporter_user_id, created_by, open311_key_id, \
         idempotency_scope, idempotency_key, duplicate_of, status, level, escalation_level, reworks, reopens, handler_tier, \
         handler_unit, version, received_at, updated_at, media_url, clock, due_at, next_check_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, 0, 0, 0, $23, \
         $24, 0, $25, $26, $27, $28, $29, $30) RETURNING id"
    )
    .bind(n.street_id)
    .bind(&n.token_hash)
    .bind(&n.category_code)
    .bind(&n.channel)
    .bind(&n.description)
    .bind(&n.address)
    .bind(n.lat)
    .bind(n.lng)
    .bind(n.community_id)
    .bind(n.grid_id)
    .bind(n.micro_grid_id)
    .bind(&n.reporter_name)
    .bind(&n.reporter_phone)
    .bind(&n.reporter_email)
    .bind(n.reporter_user_id)
    .bind(n.created_by)
    .bind(n.open311_key_id)
    .bind(&n.idempotency_scope)
    .bind(&n.idempotency_key)
    .bind(n.duplicate_of)
    .bind(state.status.as_str())
    .bind(state.level.as_str())
    .bind(holder.map(|h| h.tier.as_str()))
    .bind(holder.map(|h| h.unit))
    .bind(n.received_at)
    .bind(now_ms())
    .bind(&n.media_url)
    .bind(clock.map(Json))
    .bind(clock.map(|c| c.due_at.timestamp_millis()))
    .bind(clock.and_then(StepClock::next_check_at).map(|t| t.timestamp_millis()))
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

/// The milestone columns, in the order a case reaches them (`finish_loaded` takes their times in
/// this order).
pub const MILESTONES: [&str; 5] = ["registered_at", "dispatched_at", "accepted_at", "handled_at", "closed_at"];

/// The row after a step: the new state, whose move it is, and the clock.
pub struct Saved<'a> {
    pub state: &'a CaseState,
    pub holder: Option<Holder>,
    pub clock: Option<&'a StepClock>,
    /// The milestone column this step stamps (`registered_at` …), if any.
    pub milestone: Option<&'static str>,
    pub at: i64,
    pub rating_comment: Option<&'a str>,
    pub final_reply: Option<&'a str>,
}

/// Moves the case from `version` to `version + 1`; `false` when someone else moved it first.
pub async fn save(tx: &mut Tx, id: i64, version: i64, s: Saved<'_>) -> Result<bool> {
    // Every milestone column is written, each kept unless this step stamps it, so the statement
    // (and its parameters) stays the same for every step.
    let stamp = |col: &str| format!("{col} = CASE WHEN $20 = '{col}' THEN $17 ELSE {col} END");
    let milestones = MILESTONES.map(stamp).join(", ");
    let sql = format!(
        "UPDATE cases SET status = $3, level = $4, assignment = $5, escalation_level = $6, reworks = $7, reopens = $8, rating = $9, \
         merged_into = $10, handler_tier = $11, handler_unit = $12, clock = $13, due_at = $14, next_check_at = $15, \
         version = version + 1, updated_at = $16, rating_comment = COALESCE($18, rating_comment), \
         final_reply = COALESCE($19, final_reply), {milestones} WHERE id = $1 AND version = $2"
    );
    let st = s.state;
    let n = on!(tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .bind(version)
        .bind(st.status.as_str())
        .bind(st.level.as_str())
        .bind(st.assignment.as_ref().map(Json))
        .bind(i64::from(st.escalation_level))
        .bind(i64::from(st.reworks))
        .bind(i64::from(st.reopens))
        .bind(st.rating.map(i64::from))
        .bind(st.merged_into)
        .bind(s.holder.map(|h| h.tier.as_str()))
        .bind(s.holder.map(|h| h.unit))
        .bind(s.clock.map(Json))
        .bind(s.clock.map(|c| c.due_at.timestamp_millis()))
        .bind(s.clock.and_then(StepClock::next_check_at).map(|t| t.timestamp_millis()))
        .bind(now_ms())
        .bind(s.at)
        .bind(s.rating_comment)
        .bind(s.final_reply)
        .bind(s.milestone.unwrap_or(""))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Appends one event as the case's `seq`-th.
pub async fn append_event(
    tx: &mut Tx,
    street_id: i64,
    case_id: i64,
    seq: i64,
    ev: &CaseEvent,
    by_user: Option<i64>,
) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO case_events (street_id, case_id, seq, from_status, to_status, action, by_tier, by_user_id, at, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    )
    .bind(street_id)
    .bind(case_id)
    .bind(seq)
    .bind(ev.from.as_str())
    .bind(ev.to.as_str())
    .bind(ev.action.kind.as_str())
    .bind(ev.by.as_str())
    .bind(by_user)
    .bind(ev.at.timestamp_millis())
    .bind(Json(ev))
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .map_err(StoreError::from_write)?;
    Ok(())
}

/// One event as pages show it: the event plus who (by name) did it.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub seq: i64,
    #[serde(flatten)]
    pub event: CaseEvent,
    pub by_user_id: Option<i64>,
    pub by_name: Option<String>,
}

pub async fn events(tx: &mut Tx, case_id: i64) -> Result<Vec<EventRow>> {
    let rows = on!(tx, |c| {
        sqlx::query_as::<_, (i64, Json<CaseEvent>, Option<i64>, Option<String>)>(
            "SELECT e.seq, e.detail, e.by_user_id, COALESCE(p.name, u.username) FROM case_events e \
         LEFT JOIN users u ON u.id = e.by_user_id LEFT JOIN people p ON p.id = u.person_id \
         WHERE e.case_id = $1 ORDER BY e.seq",
        )
        .bind(case_id)
        .fetch_all(c)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(seq, ev, by_user_id, by_name)| EventRow {
            seq,
            event: ev.0,
            by_user_id,
            by_name,
        })
        .collect())
}

/// Rewrites the joint-handling sub-tasks of a case from its assignment.
pub async fn sync_subtasks(tx: &mut Tx, street_id: i64, case_id: i64, assignment: Option<&Assignment>) -> Result<()> {
    on!(tx, |c| sqlx::query("DELETE FROM case_subtasks WHERE case_id = $1")
        .bind(case_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    let Some(Assignment::Joint(j)) = assignment else {
        return Ok(());
    };
    for (lead, t) in std::iter::once((true, &j.lead)).chain(j.co_handlers.iter().map(|t| (false, t))) {
        let status = serde_json::to_value(t.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        on!(tx, |c| sqlx::query(
            "INSERT INTO case_subtasks (street_id, case_id, department_id, lead, status, due_at) VALUES ($1, $2, $3, $4, $5, $6)"
        )
        .bind(street_id)
        .bind(case_id)
        .bind(t.department)
        .bind(lead)
        .bind(status)
        .bind(t.due_at.map(|d| d.timestamp_millis()))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Whether a department exists in the street.
pub async fn department_in(tx: &mut Tx, street_id: i64, department_id: i64) -> Result<bool> {
    let n: Option<i64> = on!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM departments WHERE id = $1 AND street_id = $2"
    )
    .bind(department_id)
    .bind(street_id)
    .fetch_optional(c)
    .await)?;
    Ok(n.is_some())
}

/// The stored hash of a case's private token.
pub async fn token_hash_of(tx: &mut Tx, case_id: i64) -> Result<String> {
    on!(tx, |c| sqlx::query_scalar("SELECT token_hash FROM cases WHERE id = $1")
        .bind(case_id)
        .fetch_optional(c)
        .await)?
    .ok_or(StoreError::NotFound)
}

/// Sets what a loaded case's history arrived at (the demo, imports of whole histories): the
/// state, the milestone times (registered, dispatched, accepted, handled, closed), the reply and
/// rating comment, and the version (the number of events).
pub async fn finish_loaded(
    tx: &mut Tx,
    id: i64,
    st: &CaseState,
    stamps: &[Option<i64>; 5],
    final_reply: Option<&str>,
    rating_comment: Option<&str>,
    version: i64,
) -> Result<()> {
    on!(tx, |c| {
        sqlx::query(
        "UPDATE cases SET status = $2, level = $3, assignment = $4, escalation_level = $5, reworks = $6, reopens = $7, rating = $8, \
         merged_into = $9, registered_at = $10, dispatched_at = $11, accepted_at = $12, handled_at = $13, closed_at = $14, \
         final_reply = $15, rating_comment = $16, version = $17 WHERE id = $1"
    )
    .bind(id)
    .bind(st.status.as_str())
    .bind(st.level.as_str())
    .bind(st.assignment.as_ref().map(Json))
    .bind(i64::from(st.escalation_level))
    .bind(i64::from(st.reworks))
    .bind(i64::from(st.reopens))
    .bind(st.rating.map(i64::from))
    .bind(st.merged_into)
    .bind(stamps[0])
    .bind(stamps[1])
    .bind(stamps[2])
    .bind(stamps[3])
    .bind(stamps[4])
    .bind(final_reply)
    .bind(rating_comment)
    .bind(version)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(())
}
