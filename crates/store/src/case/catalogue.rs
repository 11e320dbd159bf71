//! C2 in SQL: a street's categories and departments, seeded from the versioned catalogue. A
//! newer catalogue replaces the rows a street has not edited; edited rows stay as written.

use onegrid_domain::case::{Catalogue, Category, CategoryKind, Department, Limit};
use serde::Serialize;

use crate::error::Result;
use crate::{Tx, now_ms, on};

/// Streets whose categories are older than `version` (or absent).
pub async fn streets_needing(tx: &mut Tx, version: u32) -> Result<Vec<i64>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT s.id FROM streets s WHERE NOT EXISTS \
         (SELECT 1 FROM case_categories k WHERE k.street_id = s.id AND k.catalogue_version >= $1) ORDER BY s.id"
    )
    .bind(i64::from(version))
    .fetch_all(c)
    .await)?)
}

/// Writes the catalogue into a street: new departments and categories are added, unedited
/// categories of an older version take the new text and limits.
pub async fn seed(tx: &mut Tx, street_id: i64, cat: &Catalogue) -> Result<()> {
    for d in &cat.departments {
        on!(tx, |c| sqlx::query(
            "INSERT INTO departments (street_id, code, zh, en) VALUES ($1, $2, $3, $4) ON CONFLICT (street_id, code) DO NOTHING"
        )
        .bind(street_id)
        .bind(&d.code)
        .bind(&d.zh)
        .bind(&d.en)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    for k in &cat.categories {
        on!(tx, |c| {
            sqlx::query(
            "INSERT INTO case_categories (street_id, code, parent_code, kind, standard_code, zh, en, department_code, \
             dispatch_limit, handle_limit, basis, active, catalogue_version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, TRUE, $12) \
             ON CONFLICT (street_id, code) DO UPDATE SET parent_code = excluded.parent_code, kind = excluded.kind, \
             standard_code = excluded.standard_code, zh = excluded.zh, en = excluded.en, department_code = excluded.department_code, \
             dispatch_limit = excluded.dispatch_limit, handle_limit = excluded.handle_limit, basis = excluded.basis, \
             catalogue_version = excluded.catalogue_version \
             WHERE case_categories.edited_at IS NULL AND case_categories.catalogue_version < excluded.catalogue_version"
        )
        .bind(street_id)
        .bind(&k.code)
        .bind(&k.parent)
        .bind(kind_str(k.kind))
        .bind(&k.standard_code)
        .bind(&k.zh)
        .bind(&k.en)
        .bind(&k.department)
        .bind(k.dispatch.map(|l| l.to_string()))
        .bind(k.handle.map(|l| l.to_string()))
        .bind(&k.basis)
        .bind(i64::from(cat.version))
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

fn kind_str(k: CategoryKind) -> &'static str {
    match k {
        CategoryKind::Event => "event",
        CategoryKind::Component => "component",
        CategoryKind::Social => "social",
    }
}

fn parse_kind(s: &str) -> CategoryKind {
    match s {
        "component" => CategoryKind::Component,
        "social" => CategoryKind::Social,
        _ => CategoryKind::Event,
    }
}

/// One category row of a street, as stored.
#[derive(Debug, Clone, Serialize)]
pub struct CategoryRow {
    #[serde(flatten)]
    pub category: Category,
    pub active: bool,
    pub catalogue_version: i64,
    pub edited_at: Option<i64>,
}

type CategoryTuple = (
    String,
    Option<String>,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    bool,
    i64,
    Option<i64>,
);

fn limit(s: Option<String>) -> Option<Limit> {
    s.and_then(|s| Limit::parse(&s).ok())
}

pub async fn categories(tx: &mut Tx, street_id: i64) -> Result<Vec<CategoryRow>> {
    let rows = on!(tx, |c| {
        sqlx::query_as::<_, CategoryTuple>(
        "SELECT code, parent_code, kind, standard_code, zh, en, department_code, dispatch_limit, handle_limit, basis, active, \
         catalogue_version, edited_at FROM case_categories WHERE street_id = $1 ORDER BY code"
    )
    .bind(street_id)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .map(|r| CategoryRow {
            category: Category {
                code: r.0,
                parent: r.1,
                kind: parse_kind(&r.2),
                standard_code: r.3,
                zh: r.4,
                en: r.5,
                department: r.6,
                dispatch: limit(r.7),
                handle: limit(r.8),
                basis: r.9,
            },
            active: r.10,
            catalogue_version: r.11,
            edited_at: r.12,
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: String,
    pub zh: String,
    pub en: String,
}

pub async fn departments(tx: &mut Tx, street_id: i64) -> Result<Vec<DepartmentRow>> {
    let rows = on!(tx, |c| sqlx::query_as::<_, (i64, String, String, String)>(
        "SELECT id, code, zh, en FROM departments WHERE street_id = $1 ORDER BY code"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(id, code, zh, en)| DepartmentRow { id, code, zh, en })
        .collect())
}

/// The street's departments as the catalogue rules take them.
pub async fn department_records(tx: &mut Tx, street_id: i64) -> Result<Vec<Department>> {
    Ok(departments(tx, street_id)
        .await?
        .into_iter()
        .map(|d| Department {
            code: d.code,
            zh: d.zh,
            en: d.en,
        })
        .collect())
}

/// Saves a street admin's edit of one category.
pub async fn update_category(tx: &mut Tx, street_id: i64, c: &Category, active: bool) -> Result<bool> {
    let n = on!(tx, |conn| {
        sqlx::query(
        "UPDATE case_categories SET zh = $3, en = $4, department_code = $5, dispatch_limit = $6, handle_limit = $7, active = $8, \
         edited_at = $9 WHERE street_id = $1 AND code = $2"
    )
    .bind(street_id)
    .bind(&c.code)
    .bind(&c.zh)
    .bind(&c.en)
    .bind(&c.department)
    .bind(c.dispatch.map(|l| l.to_string()))
    .bind(c.handle.map(|l| l.to_string()))
    .bind(active)
    .bind(now_ms())
    .execute(conn)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn add_member(tx: &mut Tx, street_id: i64, department_id: i64, person_id: i64) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO department_members (street_id, department_id, person_id) VALUES ($1, $2, $3) \
         ON CONFLICT (department_id, person_id) DO NOTHING"
    )
    .bind(street_id)
    .bind(department_id)
    .bind(person_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The departments a person works for.
pub async fn departments_of(tx: &mut Tx, person_id: i64) -> Result<Vec<i64>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT department_id FROM department_members WHERE person_id = $1 ORDER BY department_id"
    )
    .bind(person_id)
    .fetch_all(c)
    .await)?)
}

/// Every department as (id, street_id).
pub async fn departments_all(tx: &mut Tx) -> Result<Vec<(i64, i64)>> {
    Ok(on!(tx, |c| sqlx::query_as::<_, (i64, i64)>(
        "SELECT id, street_id FROM departments ORDER BY id"
    )
    .fetch_all(c)
    .await)?)
}

/// What changes when the street's categories change: row count, latest edit, catalogue version.
/// Cheap (the unique index on (street_id, code) answers it), so a cached catalogue is checked
/// against it on every use, in every process.
pub async fn stamp(tx: &mut Tx, street_id: i64) -> Result<(i64, i64, i64)> {
    Ok(on!(tx, |c| {
        sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT COUNT(*), COALESCE(MAX(edited_at), 0), COALESCE(MAX(catalogue_version), 0) FROM case_categories WHERE street_id = $1"
    )
    .bind(street_id)
    .fetch_one(c)
    .await
    })?)
}
