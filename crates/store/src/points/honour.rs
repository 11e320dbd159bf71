//! P4: honour lists. Only display names and figures leave this module in the public lists.
//! Points count the grid points (residents' and volunteers' points; staff work points are not a
//! volunteer honour) awarded in the period and not reversed since, and the service time.
//!
//! The `*_figures` functions also carry the ids, tasks done and lifetime service time: the
//! annual selection (P2) freezes them as its candidates.

use onegrid_domain::points::{HonourPolicy, star};
use serde::Serialize;

use crate::error::Result;
use crate::{Tx, on};

#[derive(Debug, Clone, Serialize)]
pub struct Volunteer {
    pub rank: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    /// Volunteer stars (0–5) from the service time up to the end of the period.
    pub stars: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingGroup {
    pub rank: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    /// Residents who took part (earned points or service time) in the period.
    pub volunteers: i64,
    /// Residents of the building on the register.
    pub residents: i64,
    /// Star building group (0–5) by the street's rule on the share who took part.
    pub stars: u8,
}

/// A volunteer's figures for a period, with the person.
#[derive(Debug, Clone)]
pub struct VolunteerFigures {
    pub person_id: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    /// Volunteer tasks (P5) the organiser confirmed in the period, in the community.
    pub tasks: i64,
    /// Service minutes up to the end of the period: what volunteer stars count.
    pub lifetime_minutes: i64,
}

/// A building group's figures for a period, with the building.
#[derive(Debug, Clone)]
pub struct BuildingFigures {
    pub building_id: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    pub participants: i64,
    pub residents: i64,
}

/// Award entries of the period that were not reversed, to personal accounts, with the person.
const AWARDED: &str = "SELECT ta.person_id AS person_id, \
    CASE WHEN e.currency = 'grid_points' THEN e.amount ELSE 0 END AS points, \
    CASE WHEN e.currency = 'service_minutes' THEN e.amount ELSE 0 END AS minutes \
    FROM points_entries e JOIN points_accounts ta ON ta.id = e.to_account_id \
    WHERE e.street_id = $1 AND e.reason = 'award' AND e.currency IN ('grid_points', 'service_minutes') AND e.at >= $2 AND e.at < $3 \
    AND ($4 = 0 OR e.community_id = $4) \
    AND NOT EXISTS (SELECT 1 FROM points_entries r WHERE r.reverses_id = e.id)";

/// Net service minutes of person `p.id` booked before `$3`: credits minus debits (reversals).
const LIFETIME: &str = "COALESCE((SELECT SUM(e.amount) FROM points_accounts a JOIN points_entries e ON e.to_account_id = a.id \
    WHERE a.person_id = p.id AND a.currency = 'service_minutes' AND e.at < $3), 0) \
    - COALESCE((SELECT SUM(e.amount) FROM points_accounts a JOIN points_entries e ON e.from_account_id = a.id \
    WHERE a.person_id = p.id AND a.currency = 'service_minutes' AND e.at < $3), 0)";

/// Volunteer tasks of person `p.id` confirmed in the period (in the community when one is given).
const TASKS: &str = "(SELECT COUNT(*) FROM volunteer_claims vc JOIN volunteer_tasks vt ON vt.id = vc.task_id \
    WHERE vc.person_id = p.id AND vc.status IN ('confirmed', 'evaluated') AND vc.confirmed_at >= $2 AND vc.confirmed_at < $3 \
    AND ($4 = 0 OR vt.community_id = $4))";

/// The top `limit` volunteers of the period by points, then service time.
pub async fn volunteer_figures(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: i64,
) -> Result<Vec<VolunteerFigures>> {
    let sql = format!(
        "SELECT p.id, p.name, t.pts, t.mins, CAST({TASKS} AS BIGINT), CAST({LIFETIME} AS BIGINT) \
         FROM (SELECT x.person_id, CAST(SUM(x.points) AS BIGINT) AS pts, CAST(SUM(x.minutes) AS BIGINT) AS mins \
         FROM ({AWARDED}) x GROUP BY x.person_id) t JOIN people p ON p.id = t.person_id \
         ORDER BY t.pts DESC, t.mins DESC, p.id LIMIT $5"
    );
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .bind(start_ms)
        .bind(end_ms)
        .bind(community_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| VolunteerFigures {
            person_id: r.0,
            name: r.1,
            points: r.2,
            minutes: r.3,
            tasks: r.4,
            lifetime_minutes: r.5,
        })
        .collect())
}

pub async fn volunteers(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: i64,
) -> Result<Vec<Volunteer>> {
    let rows = volunteer_figures(tx, street_id, community_id, start_ms, end_ms, limit).await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| Volunteer {
            rank: i as i64 + 1,
            name: r.name,
            points: r.points,
            minutes: r.minutes,
            stars: star::stars(r.lifetime_minutes),
        })
        .collect())
}

/// Building groups (楼组) whose residents earned points or service time in the period, by
/// points, then service time; `limit` of them, or all. A person counts for the building of their
/// household. Residents are counted on the register by unit and household (both indexed).
pub async fn building_figures(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: Option<i64>,
) -> Result<Vec<BuildingFigures>> {
    let sql = format!(
        "SELECT b.id, b.name, CAST(SUM(x.points) AS BIGINT) AS pts, CAST(SUM(x.minutes) AS BIGINT) AS mins, \
         CAST(COUNT(DISTINCT x.person_id) AS BIGINT), \
         CAST((SELECT COUNT(*) FROM units u JOIN households rh ON rh.street_id = u.street_id AND rh.unit_id = u.id \
           JOIN residents r ON r.street_id = rh.street_id AND r.household_id = rh.id \
           WHERE u.street_id = b.street_id AND u.building_id = b.id) AS BIGINT) \
         FROM ({AWARDED}) x JOIN people p ON p.id = x.person_id JOIN households h ON h.id = p.household_id \
         JOIN buildings b ON b.id = h.building_id GROUP BY b.id, b.name, b.street_id \
         ORDER BY pts DESC, mins DESC, b.id LIMIT $5"
    );
    let rows: Vec<(i64, String, i64, i64, i64, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .bind(start_ms)
        .bind(end_ms)
        .bind(community_id.unwrap_or(0))
        .bind(limit.unwrap_or(i64::MAX))
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .map(|r| BuildingFigures {
            building_id: r.0,
            name: r.1,
            points: r.2,
            minutes: r.3,
            participants: r.4,
            residents: r.5,
        })
        .collect())
}

/// The "star building group" list of P4: building groups ranked by the points their residents
/// earned, each with its stars by the street's rule.
pub async fn building_groups(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: i64,
    policy: &HonourPolicy,
) -> Result<Vec<BuildingGroup>> {
    let rows = building_figures(tx, street_id, community_id, start_ms, end_ms, Some(limit)).await?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| BuildingGroup {
            rank: i as i64 + 1,
            stars: policy.building_group_stars(r.participants, r.residents),
            name: r.name,
            points: r.points,
            minutes: r.minutes,
            volunteers: r.participants,
            residents: r.residents,
        })
        .collect())
}
