//! T4–T7: people, posts with history, party organisations and members, teams, duty lists.

use onegrid_domain::people::{Grant, Role, Scope};
use onegrid_domain::territory::Level;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, on, scope};

#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub id: i64,
    pub street_id: i64,
    pub code: String,
    pub name: String,
    pub gender: String,
    pub phone: Option<String>,
    pub party_member: bool,
    pub household_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Post {
    pub id: i64,
    pub person_id: i64,
    pub role: String,
    pub level: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub starts_on: String,
    pub ends_on: Option<String>,
}

impl Post {
    /// A post is active on `today` from its first day to its last day inclusive.
    pub fn active_on(&self, today: &str) -> bool {
        self.starts_on.as_str() <= today && self.ends_on.as_deref().is_none_or(|e| e >= today)
    }
}

const PERSON: &str = "SELECT id, street_id, code, name, gender, phone, party_member, household_id FROM people";
type PersonRow = (i64, i64, String, String, String, Option<String>, bool, Option<i64>);
fn person_row(r: PersonRow) -> Person {
    Person {
        id: r.0,
        street_id: r.1,
        code: r.2,
        name: r.3,
        gender: r.4,
        phone: r.5,
        party_member: r.6,
        household_id: r.7,
    }
}

pub async fn person(tx: &mut Tx, id: i64) -> Result<Person> {
    let row: Option<PersonRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{PERSON} WHERE id = $1")))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    row.map(person_row).ok_or(StoreError::NotFound)
}

pub async fn person_by_code(tx: &mut Tx, code: &str) -> Result<Option<Person>> {
    let row: Option<PersonRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{PERSON} WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(person_row))
}

/// Unit names for posts: the unit lives in streets, areas or buildings according to the level.
const POST: &str = "SELECT p.id, p.person_id, p.role, p.level, p.unit_id, \
    COALESCE(s.code, a.code, b.code, ''), COALESCE(s.name, a.name, b.name, ''), p.starts_on, p.ends_on \
    FROM posts p \
    LEFT JOIN streets s ON p.level = 'street' AND s.id = p.unit_id \
    LEFT JOIN areas a ON p.level IN ('community', 'grid', 'micro_grid') AND a.id = p.unit_id \
    LEFT JOIN buildings b ON p.level = 'building' AND b.id = p.unit_id";
type PostRow = (i64, i64, String, String, i64, String, String, String, Option<String>);
fn post_row(r: PostRow) -> Post {
    Post {
        id: r.0,
        person_id: r.1,
        role: r.2,
        level: r.3,
        unit_id: r.4,
        unit_code: r.5,
        unit_name: r.6,
        starts_on: r.7,
        ends_on: r.8,
    }
}

/// Every post of a person, current and past, newest first (T5 history).
pub async fn posts_of(tx: &mut Tx, person_id: i64) -> Result<Vec<Post>> {
    let rows: Vec<PostRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{POST} WHERE p.person_id = $1 ORDER BY p.starts_on DESC, p.id DESC"
    )))
    .bind(person_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(post_row).collect())
}

/// Posts held on one unit (current and past), with the holder's name.
pub async fn posts_on(tx: &mut Tx, level: Level, unit_id: i64) -> Result<Vec<(Post, String)>> {
    let sql = format!("{POST} WHERE p.level = $1 AND p.unit_id = $2 ORDER BY p.role, p.starts_on DESC");
    let sql = sql.replacen(
        " FROM posts p",
        ", (SELECT name FROM people WHERE id = p.person_id) FROM posts p",
        1,
    );
    let rows: Vec<(i64, i64, String, String, i64, String, String, String, Option<String>, String)> =
        on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(level.as_str())
            .bind(unit_id)
            .fetch_all(c)
            .await)?;
    Ok(rows
        .into_iter()
        .map(|r| (post_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8)), r.9))
        .collect())
}

/// The active posts of a person as permission grants.
pub async fn grants(tx: &mut Tx, person_id: i64, today: &str) -> Result<Vec<Grant>> {
    let rows: Vec<(String, String, i64)> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT role, level, unit_id FROM posts WHERE person_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2)"
    )
    .bind(person_id)
    .bind(today)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|(role, level, unit_id)| {
            Some(Grant {
                role: Role::parse(&role)?,
                level: Level::parse(&level)?,
                unit_id,
            })
        })
        .collect())
}

/// People holding a post inside the scope (or living there), matching `q`; one page and the total.
pub async fn search_people(tx: &mut Tx, scope: &Scope, q: &str, page: i64, per_page: i64) -> Result<(Vec<Person>, i64)> {
    let in_posts = scope::filter(scope, "p", true);
    let in_homes = scope::filter(scope, "h", true);
    let like = format!("%{}%", q.to_lowercase());
    let where_ = format!(
        "(LOWER(x.name) LIKE $1 OR LOWER(x.code) LIKE $1) AND (EXISTS (SELECT 1 FROM posts p WHERE p.person_id = x.id AND {in_posts}) \
         OR EXISTS (SELECT 1 FROM households h WHERE h.id = x.household_id AND {in_homes}))"
    );
    let total: i64 = on!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM people x WHERE {where_}"
    )))
    .bind(&like)
    .fetch_one(c)
    .await)?;
    let sql = format!(
        "SELECT x.id, x.street_id, x.code, x.name, x.gender, x.phone, x.party_member, x.household_id FROM people x WHERE {where_} ORDER BY x.code LIMIT $2 OFFSET $3"
    );
    let rows: Vec<PersonRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(&like)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(c)
        .await)?;
    Ok((rows.into_iter().map(person_row).collect(), total))
}

/// True when one of the person's posts, or their home, lies inside the scope.
pub async fn person_in_scope(tx: &mut Tx, scope: &Scope, person_id: i64) -> Result<bool> {
    let sql = format!(
        "SELECT COUNT(*) FROM people x WHERE x.id = $1 AND (EXISTS (SELECT 1 FROM posts p WHERE p.person_id = x.id AND {}) \
         OR EXISTS (SELECT 1 FROM households h WHERE h.id = x.household_id AND {}))",
        scope::filter(scope, "p", true),
        scope::filter(scope, "h", true)
    );
    let n: i64 = on!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()))
        .bind(person_id)
        .fetch_one(c)
        .await)?;
    Ok(n > 0)
}

#[derive(Debug, Clone, Serialize)]
pub struct PartyOrg {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub level: String,
    pub unit_id: i64,
    pub members: i64,
}

pub async fn party_orgs(tx: &mut Tx, street_id: i64) -> Result<Vec<PartyOrg>> {
    let rows: Vec<(i64, String, String, String, Option<i64>, String, i64, i64)> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT o.id, o.code, o.name, o.kind, o.parent_id, o.level, o.unit_id, \
         (SELECT COUNT(*) FROM party_members m WHERE m.party_org_id = o.id) FROM party_orgs o WHERE o.street_id = $1 ORDER BY o.code"
    )
    .bind(street_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| PartyOrg {
            id: r.0,
            code: r.1,
            name: r.2,
            kind: r.3,
            parent_id: r.4,
            level: r.5,
            unit_id: r.6,
            members: r.7,
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct Team {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub level: String,
    pub unit_id: i64,
    pub leader: Option<String>,
    pub members: i64,
}

pub async fn teams(tx: &mut Tx, street_id: i64) -> Result<Vec<Team>> {
    let rows: Vec<(i64, String, String, String, String, i64, Option<String>, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT t.id, t.code, t.name, t.kind, t.level, t.unit_id, (SELECT name FROM people WHERE id = t.leader_id), \
         (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id) FROM teams t WHERE t.street_id = $1 ORDER BY t.code"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Team {
            id: r.0,
            code: r.1,
            name: r.2,
            kind: r.3,
            level: r.4,
            unit_id: r.5,
            leader: r.6,
            members: r.7,
        })
        .collect())
}

/// Teams a person belongs to.
pub async fn teams_of(tx: &mut Tx, person_id: i64) -> Result<Vec<(String, String, String)>> {
    Ok(on!(tx, |c| {
        sqlx::query_as(
        "SELECT t.code, t.name, t.kind FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.person_id = $1 ORDER BY t.code"
    )
    .bind(person_id)
    .fetch_all(c)
    .await
    })?)
}

/// T7 duty list per role.
pub async fn duties(tx: &mut Tx, street_id: i64) -> Result<Vec<(String, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT role, title FROM duties WHERE street_id = $1 ORDER BY role, id"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?)
}

/// T7 work items entering the grid, by category.
pub async fn work_items(tx: &mut Tx, street_id: i64) -> Result<Vec<(String, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT category, item FROM work_items WHERE street_id = $1 ORDER BY id"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Enterprise {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub industry: String,
}

pub async fn enterprises_in(tx: &mut Tx, micro_grid_id: i64) -> Result<Vec<Enterprise>> {
    let rows: Vec<(i64, String, String, String)> = on!(tx, |c| sqlx::query_as(
        "SELECT id, code, name, industry FROM enterprises WHERE micro_grid_id = $1 ORDER BY code"
    )
    .bind(micro_grid_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Enterprise {
            id: r.0,
            code: r.1,
            name: r.2,
            industry: r.3,
        })
        .collect())
}

/// Staffing per unit for the coverage check: (role, level, unit_id, person_id, person name) of
/// active posts of one street.
pub async fn active_posts_of_street(tx: &mut Tx, street_id: i64, today: &str) -> Result<Vec<(String, String, i64, i64, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT p.role, p.level, p.unit_id, p.person_id, x.name FROM posts p JOIN people x ON x.id = p.person_id \
         WHERE p.street_id = $1 AND p.starts_on <= $2 AND (p.ends_on IS NULL OR p.ends_on >= $2)"
    )
    .bind(street_id)
    .bind(today)
    .fetch_all(c)
    .await)?)
}
