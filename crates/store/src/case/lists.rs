//! The case lists: work lists by whose move it is (C3, urgency first), the weekly meeting list of a
//! community (C11), filtered searches (Open311, staff), and nearby open cases (C8).

use onegrid_domain::case::Tier;
use onegrid_domain::people::Scope;
use serde::Serialize;

use super::{CaseRow, cases_where};
use crate::error::Result;
use crate::{Tx, on, scope};

/// Open cases: a case is held by someone exactly while it is open (not closed, rejected or
/// merged), and this form is the one the partial indexes on `handler_unit` serve.
const HELD: &str = "handler_unit IS NOT NULL";

/// The units a user acts for, by tier (C3).
#[derive(Debug, Clone, Default)]
pub struct Units {
    pub grids: Vec<i64>,
    pub communities: Vec<i64>,
    pub streets: Vec<i64>,
    pub departments: Vec<i64>,
}

/// The work-list order: due time (none last), then id. Written with `NULLS LAST` so PostgreSQL
/// reads it straight off the `(handler_tier, handler_unit, due_at)` index.
const URGENT_FIRST: &str = "due_at NULLS LAST, id";

impl Units {
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty() && self.communities.is_empty() && self.streets.is_empty() && self.departments.is_empty()
    }

    /// One condition per unit (and one for the departments' open sub-tasks): each is a single
    /// range of an index, read in work-list order.
    fn branches(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (tier, ids) in [
            (Tier::Grid, &self.grids),
            (Tier::Community, &self.communities),
            (Tier::CommandCentre, &self.streets),
            (Tier::Department, &self.departments),
        ] {
            for id in ids.iter() {
                out.push(format!("handler_tier = '{}' AND handler_unit = {id}", tier.as_str()));
            }
        }
        if !self.departments.is_empty() {
            let list = self.departments.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
            out.push(format!(
                "id IN (SELECT case_id FROM case_subtasks WHERE department_id IN ({list}) AND status = 'open')"
            ));
        }
        out
    }
}

/// Open cases whose move is the user's: overdue first, then by due time (C3 work list). Each of
/// the user's units gives at most a page's worth from its own index range, and the page is cut
/// from their union, so a unit with thousands of open cases costs a page, not thousands of rows.
pub async fn my_cases(tx: &mut Tx, units: &Units, limit: i64, offset: i64) -> Result<Vec<CaseRow>> {
    let branches = units.branches();
    if branches.is_empty() {
        return Ok(Vec::new());
    }
    let enough = limit.max(0) + offset.max(0);
    let union = branches
        .iter()
        .enumerate()
        .map(|(i, w)| {
            format!("SELECT id, due_at FROM (SELECT id, due_at FROM cases WHERE {HELD} AND {w} ORDER BY {URGENT_FIRST} LIMIT {enough}) b{i}")
        })
        .collect::<Vec<_>>()
        .join(" UNION ");
    cases_where(
        tx,
        &format!("WHERE id IN (SELECT id FROM ({union}) u ORDER BY {URGENT_FIRST} LIMIT $1 OFFSET $2) ORDER BY {URGENT_FIRST}"),
        &[limit, offset],
    )
    .await
}

/// How many open cases are the user's, and how many of those are overdue at `now`.
pub async fn my_counts(tx: &mut Tx, units: &Units, now: i64) -> Result<(i64, i64)> {
    let branches = units.branches();
    if branches.is_empty() {
        return Ok((0, 0));
    }
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(CASE WHEN due_at < $1 THEN 1 ELSE 0 END), 0) FROM cases WHERE {HELD} AND (({}))",
        branches.join(") OR (")
    );
    Ok(on!(tx, |c| sqlx::query_as::<_, (i64, i64)>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(now)
    .fetch_one(c)
    .await)?)
}

/// The weekly case meeting list of a community (C11), in two parts: what came in during the week
/// (oldest first), and the open cases that need the meeting's attention (overdue, escalated,
/// reworked or reopened; most overdue first). Each part is one range of an index.
pub async fn weekly(tx: &mut Tx, community_id: i64, from: i64, to: i64, now: i64) -> Result<(Vec<CaseRow>, Vec<CaseRow>)> {
    let received = cases_where(
        tx,
        "WHERE community_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY received_at, id LIMIT 1000",
        &[community_id, from, to],
    )
    .await?;
    let attention = cases_where(
        tx,
        &format!(
            "WHERE community_id = $1 AND {HELD} AND (due_at < $2 OR escalation_level > 0 OR reworks > 0 OR reopens > 0) \
             ORDER BY due_at, id LIMIT 500"
        ),
        &[community_id, now],
    )
    .await?;
    Ok((received, attention))
}

/// A filtered search; each field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub street_id: Option<i64>,
    pub ids: Vec<i64>,
    pub categories: Vec<String>,
    pub statuses: Vec<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub reporter_user_id: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Cases matching the filter inside the scope, newest first. Category and status values are
/// checked against the catalogue and the status list by the caller; quoting here is a second
/// guard, not the first.
pub async fn search(tx: &mut Tx, scope: Option<&Scope>, f: &Filter) -> Result<Vec<CaseRow>> {
    let mut w = vec!["1 = 1".to_string()];
    if let Some(s) = scope {
        w.push(scope::filter(s, "", false));
    }
    if let Some(s) = f.street_id {
        w.push(format!("street_id = {s}"));
    }
    if !f.ids.is_empty() {
        w.push(format!(
            "id IN ({})",
            f.ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    if !f.categories.is_empty() {
        w.push(format!("category_code IN ({})", quoted(&f.categories)));
    }
    if !f.statuses.is_empty() {
        w.push(format!("status IN ({})", quoted(&f.statuses)));
    }
    if let Some(t) = f.from {
        w.push(format!("received_at >= {t}"));
    }
    if let Some(t) = f.to {
        w.push(format!("received_at <= {t}"));
    }
    if let Some(u) = f.reporter_user_id {
        w.push(format!("reporter_user_id = {u}"));
    }
    cases_where(
        tx,
        &format!(
            "WHERE {} ORDER BY received_at DESC, id DESC LIMIT $1 OFFSET $2",
            w.join(" AND ")
        ),
        &[f.limit, f.offset],
    )
    .await
}

/// Open cases of the category within a box around the point (C8): the caller measures the
/// distance; the box keeps the query on the index.
pub async fn open_nearby(
    tx: &mut Tx,
    street_id: i64,
    category: &str,
    lat: f64,
    lng: f64,
    dlat: f64,
    dlng: f64,
    since: i64,
) -> Result<Vec<(i64, f64, f64, i64)>> {
    let sql = format!(
        "SELECT id, lat, lng, received_at FROM cases WHERE street_id = $1 AND category_code = $2 AND {HELD} \
         AND lat BETWEEN $3 AND $4 AND lng BETWEEN $5 AND $6 AND received_at >= $7 ORDER BY received_at DESC LIMIT 50"
    );
    Ok(on!(tx, |c| sqlx::query_as::<_, (i64, f64, f64, i64)>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(street_id)
    .bind(category)
    .bind(lat - dlat)
    .bind(lat + dlat)
    .bind(lng - dlng)
    .bind(lng + dlng)
    .bind(since)
    .fetch_all(c)
    .await)?)
}

/// Ratings for staff (C6): closed cases with a rating, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct RatingSummary {
    pub count: i64,
    pub average: Option<f64>,
    pub satisfied: i64,
}

pub async fn ratings(tx: &mut Tx, scope: &Scope, from: i64) -> Result<RatingSummary> {
    let sql = format!(
        "SELECT COUNT(rating), AVG(CAST(rating AS DOUBLE PRECISION)), COALESCE(SUM(CASE WHEN rating >= 4 THEN 1 ELSE 0 END), 0) \
         FROM cases WHERE rating IS NOT NULL AND closed_at >= $1 AND {}",
        scope::filter(scope, "", false)
    );
    let (count, average, satisfied) = on!(tx, |c| sqlx::query_as::<_, (i64, Option<f64>, i64)>(sqlx::AssertSqlSafe(
        sql.clone()
    ))
    .bind(from)
    .fetch_one(c)
    .await)?;
    Ok(RatingSummary {
        count,
        average,
        satisfied,
    })
}

/// (description, category) of the street's latest closed cases: what the category suggester
/// learns from (C10).
pub async fn closed_examples(tx: &mut Tx, street_id: i64, limit: i64) -> Result<Vec<(String, String)>> {
    Ok(on!(tx, |c| sqlx::query_as::<_, (String, String)>(
        "SELECT description, category_code FROM cases WHERE street_id = $1 AND status = 'closed' \
         ORDER BY closed_at DESC LIMIT $2"
    )
    .bind(street_id)
    .bind(limit)
    .fetch_all(c)
    .await)?)
}
