//! Rows for export (T8), as text in the import column order, filtered by the user's scope.

use onegrid_domain::people::Scope;

use crate::error::Result;
use crate::{Tx, on, scope};

/// `kind` is one of units, households, residents, people, posts; anything else gives no rows.
pub async fn rows(tx: &mut Tx, kind: &str, street_id: i64, scope: &Scope) -> Result<Vec<Vec<String>>> {
    let filter = |alias: &str, has_building: bool| scope::filter(scope, alias, has_building);
    let sql = match kind {
        "units" => Some(format!(
            "SELECT u.code, b.code, u.name FROM units u JOIN buildings b ON b.id = u.building_id WHERE u.street_id = {street_id} AND {} ORDER BY u.code",
            filter("b", false)
        )),
        "households" => Some(format!(
            "SELECT h.code, u.code, h.room FROM households h JOIN units u ON u.id = h.unit_id WHERE h.street_id = {street_id} AND {} ORDER BY h.code",
            filter("h", true)
        )),
        "residents" => Some(format!(
            "SELECT h.code, r.name, r.gender, CAST(r.birth_year AS TEXT), COALESCE(r.phone, ''), r.relation FROM residents r JOIN households h ON h.id = r.household_id \
                 WHERE r.street_id = {street_id} AND {} ORDER BY h.code, r.id",
            filter("r", true)
        )),
        "people" => Some(format!(
            "SELECT x.code, x.name, x.gender, COALESCE(x.phone, ''), CASE WHEN x.party_member THEN 'true' ELSE 'false' END, COALESCE(h.code, '') \
                 FROM people x LEFT JOIN households h ON h.id = x.household_id WHERE x.street_id = {street_id} \
                 AND (EXISTS (SELECT 1 FROM posts p WHERE p.person_id = x.id AND {}) OR {}) ORDER BY x.code",
            filter("p", true),
            filter("h", true)
        )),
        "posts" => Some(format!(
            "SELECT x.code, p.role, p.level, COALESCE(s.code, a.code, b.code, ''), p.starts_on, COALESCE(p.ends_on, '') FROM posts p \
                 JOIN people x ON x.id = p.person_id \
                 LEFT JOIN streets s ON p.level = 'street' AND s.id = p.unit_id \
                 LEFT JOIN areas a ON p.level IN ('community', 'grid', 'micro_grid') AND a.id = p.unit_id \
                 LEFT JOIN buildings b ON p.level = 'building' AND b.id = p.unit_id \
                 WHERE p.street_id = {street_id} AND {} ORDER BY x.code, p.starts_on",
            filter("p", true)
        )),
        _ => None,
    };
    let Some(sql) = sql else { return Ok(Vec::new()) };
    text_rows(tx, &sql).await
}

/// Runs a statement whose columns are all text.
async fn text_rows(tx: &mut Tx, sql: &str) -> Result<Vec<Vec<String>>> {
    use sqlx::Row;
    let out = on!(tx, |c| {
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql.to_string())).fetch_all(c).await?;
        rows.iter()
            .map(|r| {
                (0..r.len())
                    .map(|i| r.try_get::<String, _>(i))
                    .collect::<std::result::Result<Vec<_>, _>>()
            })
            .collect::<std::result::Result<Vec<_>, sqlx::Error>>()
    })?;
    Ok(out)
}
