//! P4: honour lists. Only display names and figures leave this module: the lists are public.
//! Points count the grid points (residents' and volunteers' points; staff work points are not a
//! volunteer honour) awarded in the period and not reversed since, and the service time.

use serde::Serialize;

use crate::error::Result;
use crate::{Tx, on};

#[derive(Debug, Clone, Serialize)]
pub struct Volunteer {
    pub rank: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingGroup {
    pub rank: i64,
    pub name: String,
    pub points: i64,
    pub minutes: i64,
    pub volunteers: i64,
}

/// Award entries of the period that were not reversed, to personal accounts, with the person.
const AWARDED: &str = "SELECT ta.person_id AS person_id, \
    CASE WHEN e.currency = 'grid_points' THEN e.amount ELSE 0 END AS points, \
    CASE WHEN e.currency = 'service_minutes' THEN e.amount ELSE 0 END AS minutes \
    FROM points_entries e JOIN points_accounts ta ON ta.id = e.to_account_id \
    WHERE e.street_id = $1 AND e.reason = 'award' AND e.currency IN ('grid_points', 'service_minutes') AND e.at >= $2 AND e.at < $3 \
    AND ($4 = 0 OR e.community_id = $4) \
    AND NOT EXISTS (SELECT 1 FROM points_entries r WHERE r.reverses_id = e.id)";

pub async fn volunteers(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: i64,
) -> Result<Vec<Volunteer>> {
    let sql = format!(
        "SELECT p.name, CAST(SUM(x.points) AS BIGINT) AS pts, CAST(SUM(x.minutes) AS BIGINT) AS mins FROM ({AWARDED}) x JOIN people p ON p.id = x.person_id \
         GROUP BY p.id, p.name ORDER BY pts DESC, mins DESC, p.id LIMIT $5"
    );
    let rows: Vec<(String, i64, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .bind(start_ms)
        .bind(end_ms)
        .bind(community_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| Volunteer {
            rank: i as i64 + 1,
            name: r.0,
            points: r.1,
            minutes: r.2,
        })
        .collect())
}

/// Building groups (楼组) ranked by the points their residents earned: the "star building group"
/// list of P4. A person counts for the building of their household.
pub async fn building_groups(
    tx: &mut Tx,
    street_id: i64,
    community_id: Option<i64>,
    start_ms: i64,
    end_ms: i64,
    limit: i64,
) -> Result<Vec<BuildingGroup>> {
    let sql = format!(
        "SELECT b.name, CAST(SUM(x.points) AS BIGINT) AS pts, CAST(SUM(x.minutes) AS BIGINT) AS mins, COUNT(DISTINCT x.person_id) \
         FROM ({AWARDED}) x JOIN people p ON p.id = x.person_id JOIN households h ON h.id = p.household_id \
         JOIN buildings b ON b.id = h.building_id GROUP BY b.id, b.name ORDER BY pts DESC, mins DESC, b.id LIMIT $5"
    );
    let rows: Vec<(String, i64, i64, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(street_id)
        .bind(start_ms)
        .bind(end_ms)
        .bind(community_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(c)
        .await)?;
    Ok(rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| BuildingGroup {
            rank: i as i64 + 1,
            name: r.0,
            points: r.1,
            minutes: r.2,
            volunteers: r.3,
        })
        .collect())
}
