//! T1: streets, areas (community, grid, micro-grid), buildings, units, households, residents.

use onegrid_domain::people::{Scope, UnitPath};
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, on, scope};

#[derive(Debug, Clone, Serialize)]
pub struct Street {
    pub id: i64,
    pub code: String,
    pub name: String,
    #[serde(skip)]
    pub boundary: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Area {
    pub id: i64,
    pub street_id: i64,
    pub level: String,
    pub parent_id: Option<i64>,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub kind: Option<String>,
    #[serde(skip)]
    pub boundary: Option<String>,
    /// Set when a division replaced the micro-grid (G2): the row stays for history, but the
    /// area is out of the territory (tree, map, lookup and coverage leave it out).
    pub retired_on: Option<String>,
}

impl Area {
    pub fn path(&self) -> UnitPath {
        let mut p = UnitPath {
            street_id: self.street_id,
            community_id: self.community_id,
            grid_id: self.grid_id,
            ..Default::default()
        };
        match self.level.as_str() {
            "community" => p.community_id = Some(self.id),
            "grid" => p.grid_id = Some(self.id),
            _ => p.micro_grid_id = Some(self.id),
        }
        p
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Building {
    pub id: i64,
    pub street_id: i64,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub address: String,
    pub kind: String,
    pub floors: i64,
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

impl Building {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: self.community_id,
            grid_id: self.grid_id,
            micro_grid_id: self.micro_grid_id,
            building_id: Some(self.id),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub id: i64,
    pub building_id: i64,
    pub code: String,
    pub name: String,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Household {
    pub id: i64,
    pub street_id: i64,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub building_id: i64,
    pub unit_id: i64,
    pub code: String,
    pub room: String,
    pub residents: i64,
}

impl Household {
    pub fn path(&self) -> UnitPath {
        UnitPath {
            street_id: self.street_id,
            community_id: self.community_id,
            grid_id: self.grid_id,
            micro_grid_id: self.micro_grid_id,
            building_id: Some(self.building_id),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Resident {
    pub id: i64,
    pub household_id: i64,
    pub name: String,
    pub gender: String,
    pub birth_year: i64,
    pub phone: Option<String>,
    pub relation: String,
}

const STREET: &str = "SELECT id, code, name, boundary FROM streets";
type StreetRow = (i64, String, String, Option<String>);
fn street_row(r: StreetRow) -> Street {
    Street {
        id: r.0,
        code: r.1,
        name: r.2,
        boundary: r.3,
    }
}

pub async fn streets(tx: &mut Tx) -> Result<Vec<Street>> {
    let rows: Vec<StreetRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{STREET} ORDER BY code")))
        .fetch_all(c)
        .await)?;
    Ok(rows.into_iter().map(street_row).collect())
}

pub async fn street(tx: &mut Tx, id: i64) -> Result<Street> {
    let row: Option<StreetRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{STREET} WHERE id = $1")))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    row.map(street_row).ok_or(StoreError::NotFound)
}

pub async fn street_by_code(tx: &mut Tx, code: &str) -> Result<Option<Street>> {
    let row: Option<StreetRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STREET} WHERE code = $1"
    )))
    .bind(code)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(street_row))
}

const AREA: &str =
    "SELECT id, street_id, level, parent_id, community_id, grid_id, code, name, kind, boundary, retired_on FROM areas";
type AreaRow = (
    i64,
    i64,
    String,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);
fn area_row(r: AreaRow) -> Area {
    Area {
        id: r.0,
        street_id: r.1,
        level: r.2,
        parent_id: r.3,
        community_id: r.4,
        grid_id: r.5,
        code: r.6,
        name: r.7,
        kind: r.8,
        boundary: r.9,
        retired_on: r.10,
    }
}

pub async fn area(tx: &mut Tx, id: i64) -> Result<Area> {
    let row: Option<AreaRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{AREA} WHERE id = $1")))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    row.map(area_row).ok_or(StoreError::NotFound)
}

pub async fn area_by_code(tx: &mut Tx, code: &str) -> Result<Option<Area>> {
    let row: Option<AreaRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{AREA} WHERE code = $1")))
        .bind(code)
        .fetch_optional(c)
        .await)?;
    Ok(row.map(area_row))
}

/// Areas in service of one street at one level, optionally under one parent area, ordered by code.
pub async fn areas(tx: &mut Tx, street_id: i64, level: &str, parent_id: Option<i64>) -> Result<Vec<Area>> {
    let rows: Vec<AreaRow> = match parent_id {
        Some(p) => on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{AREA} WHERE street_id = $1 AND level = $2 AND parent_id = $3 AND retired_on IS NULL ORDER BY code"
        )))
        .bind(street_id)
        .bind(level)
        .bind(p)
        .fetch_all(c)
        .await)?,
        None => on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{AREA} WHERE street_id = $1 AND level = $2 AND retired_on IS NULL ORDER BY code"
        )))
        .bind(street_id)
        .bind(level)
        .fetch_all(c)
        .await)?,
    };
    Ok(rows.into_iter().map(area_row).collect())
}

/// Every area in service of every street, for the spatial index.
pub async fn all_areas(tx: &mut Tx) -> Result<Vec<Area>> {
    let rows: Vec<AreaRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{AREA} WHERE retired_on IS NULL ORDER BY id"
    )))
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(area_row).collect())
}

/// The areas in service of one street (retired micro-grids left out), for the coverage check and export.
pub async fn areas_of_street(tx: &mut Tx, street_id: i64) -> Result<Vec<Area>> {
    let rows: Vec<AreaRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{AREA} WHERE street_id = $1 AND retired_on IS NULL ORDER BY id"
    )))
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(area_row).collect())
}

/// Micro-grids of all streets, one page, with their household counts. Public data (I2).
pub async fn micro_grids_page(tx: &mut Tx, page: i64, per_page: i64) -> Result<(Vec<(Area, i64)>, i64)> {
    let total: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM areas WHERE level = 'micro_grid' AND retired_on IS NULL"
    )
    .fetch_one(c)
    .await)?;
    let sql = "SELECT a.id, a.street_id, a.level, a.parent_id, a.community_id, a.grid_id, a.code, a.name, a.kind, a.boundary, a.retired_on, \
         (SELECT COUNT(*) FROM households h WHERE h.micro_grid_id = a.id) \
         FROM areas a WHERE a.level = 'micro_grid' AND a.retired_on IS NULL ORDER BY a.code LIMIT $1 OFFSET $2";
    type Row = (
        i64,
        i64,
        String,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
    );
    let rows: Vec<Row> = on!(tx, |c| sqlx::query_as(sql)
        .bind(per_page)
        .bind((page - 1) * per_page)
        .fetch_all(c)
        .await)?;
    Ok((
        rows.into_iter()
            .map(|r| (area_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6, r.7, r.8, r.9, r.10)), r.11))
            .collect(),
        total,
    ))
}

/// Households per area id (micro-grid, grid or community), for the areas of one street.
pub async fn household_counts(tx: &mut Tx, street_id: i64, column: AreaColumn) -> Result<Vec<(i64, i64)>> {
    let col = column.as_str();
    let rows: Vec<(Option<i64>, i64)> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {col}, COUNT(*) FROM households WHERE street_id = $1 GROUP BY {col}"
    )))
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().filter_map(|(id, n)| id.map(|id| (id, n))).collect())
}

#[derive(Debug, Clone, Copy)]
pub enum AreaColumn {
    Community,
    Grid,
    MicroGrid,
}

impl AreaColumn {
    fn as_str(self) -> &'static str {
        match self {
            AreaColumn::Community => "community_id",
            AreaColumn::Grid => "grid_id",
            AreaColumn::MicroGrid => "micro_grid_id",
        }
    }
}

const BUILDING: &str =
    "SELECT id, street_id, community_id, grid_id, micro_grid_id, code, name, address, kind, floors, lat, lng FROM buildings";
type BuildingRow = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    String,
    i64,
    Option<f64>,
    Option<f64>,
);
fn building_row(r: BuildingRow) -> Building {
    Building {
        id: r.0,
        street_id: r.1,
        community_id: r.2,
        grid_id: r.3,
        micro_grid_id: r.4,
        code: r.5,
        name: r.6,
        address: r.7,
        kind: r.8,
        floors: r.9,
        lat: r.10,
        lng: r.11,
    }
}

pub async fn building(tx: &mut Tx, id: i64) -> Result<Building> {
    let row: Option<BuildingRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILDING} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await)?;
    row.map(building_row).ok_or(StoreError::NotFound)
}

/// A building of the street by its code (Open311 `address_id`).
pub async fn building_by_code(tx: &mut Tx, street_id: i64, code: &str) -> Result<Option<Building>> {
    let row: Option<BuildingRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILDING} WHERE street_id = $1 AND code = $2"
    )))
    .bind(street_id)
    .bind(code)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(building_row))
}

pub async fn buildings_in(tx: &mut Tx, micro_grid_id: i64) -> Result<Vec<Building>> {
    let rows: Vec<BuildingRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILDING} WHERE micro_grid_id = $1 ORDER BY code"
    )))
    .bind(micro_grid_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(building_row).collect())
}

pub async fn buildings_of_street(tx: &mut Tx, street_id: i64) -> Result<Vec<Building>> {
    let rows: Vec<BuildingRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILDING} WHERE street_id = $1 ORDER BY code"
    )))
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(building_row).collect())
}

/// Households per building of one street.
pub async fn building_household_counts(tx: &mut Tx, street_id: i64) -> Result<Vec<(i64, i64)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT building_id, COUNT(*) FROM households WHERE street_id = $1 GROUP BY building_id"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?)
}

pub async fn units_in(tx: &mut Tx, building_id: i64) -> Result<Vec<Unit>> {
    let rows: Vec<(i64, i64, String, String, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT u.id, u.building_id, u.code, u.name, (SELECT COUNT(*) FROM households h WHERE h.unit_id = u.id) \
         FROM units u WHERE u.building_id = $1 ORDER BY u.code"
    )
    .bind(building_id)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Unit {
            id: r.0,
            building_id: r.1,
            code: r.2,
            name: r.3,
            households: r.4,
        })
        .collect())
}

const HOUSEHOLD: &str = "SELECT h.id, h.street_id, h.community_id, h.grid_id, h.micro_grid_id, h.building_id, h.unit_id, h.code, h.room, \
    (SELECT COUNT(*) FROM residents r WHERE r.household_id = h.id) FROM households h";
type HouseholdRow = (i64, i64, Option<i64>, Option<i64>, Option<i64>, i64, i64, String, String, i64);
fn household_row(r: HouseholdRow) -> Household {
    Household {
        id: r.0,
        street_id: r.1,
        community_id: r.2,
        grid_id: r.3,
        micro_grid_id: r.4,
        building_id: r.5,
        unit_id: r.6,
        code: r.7,
        room: r.8,
        residents: r.9,
    }
}

pub async fn household(tx: &mut Tx, id: i64) -> Result<Household> {
    let row: Option<HouseholdRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{HOUSEHOLD} WHERE h.id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await)?;
    row.map(household_row).ok_or(StoreError::NotFound)
}

pub async fn households_in_building(tx: &mut Tx, building_id: i64) -> Result<Vec<Household>> {
    let rows: Vec<HouseholdRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{HOUSEHOLD} WHERE h.building_id = $1 ORDER BY h.code"
    )))
    .bind(building_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(household_row).collect())
}

const RESIDENT: &str = "SELECT r.id, r.household_id, r.name, r.gender, r.birth_year, r.phone, r.relation FROM residents r";
type ResidentRow = (i64, i64, String, String, i64, Option<String>, String);
fn resident_row(r: ResidentRow) -> Resident {
    Resident {
        id: r.0,
        household_id: r.1,
        name: r.2,
        gender: r.3,
        birth_year: r.4,
        phone: r.5,
        relation: r.6,
    }
}

pub async fn residents_of(tx: &mut Tx, household_id: i64) -> Result<Vec<Resident>> {
    let rows: Vec<ResidentRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{RESIDENT} WHERE r.household_id = $1 ORDER BY r.id"
    )))
    .bind(household_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(resident_row).collect())
}

/// A resident and where they live, for the permission check.
pub async fn resident(tx: &mut Tx, id: i64) -> Result<(Resident, UnitPath)> {
    let sql = format!(
        "{}, r.street_id, r.community_id, r.grid_id, r.micro_grid_id, r.building_id FROM residents r WHERE r.id = $1",
        RESIDENT.trim_end_matches(" FROM residents r")
    );
    let row: Option<(
        i64,
        i64,
        String,
        String,
        i64,
        Option<String>,
        String,
        i64,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        i64,
    )> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    let r = row.ok_or(StoreError::NotFound)?;
    let path = UnitPath {
        street_id: r.7,
        community_id: r.8,
        grid_id: r.9,
        micro_grid_id: r.10,
        building_id: Some(r.11),
    };
    Ok((resident_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6)), path))
}

/// Residents whose name or phone matches, within the scope; one page and the total.
pub async fn search_residents(
    tx: &mut Tx,
    scope: &Scope,
    q: &str,
    page: i64,
    per_page: i64,
) -> Result<(Vec<(Resident, String)>, i64)> {
    let filter = scope::filter(scope, "r", true);
    let like = format!("%{}%", q.to_lowercase());
    let where_ = format!("{filter} AND (LOWER(r.name) LIKE $1 OR r.phone LIKE $1)");
    let total: i64 = on!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM residents r WHERE {where_}"
    )))
    .bind(&like)
    .fetch_one(c)
    .await)?;
    let sql = format!(
        "{}, h.code FROM residents r JOIN households h ON h.id = r.household_id WHERE {where_} ORDER BY r.name, r.id LIMIT $2 OFFSET $3",
        RESIDENT.trim_end_matches(" FROM residents r")
    );
    let rows: Vec<(i64, i64, String, String, i64, Option<String>, String, String)> =
        on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(&like)
            .bind(per_page)
            .bind((page - 1) * per_page)
            .fetch_all(c)
            .await)?;
    Ok((
        rows.into_iter()
            .map(|r| (resident_row((r.0, r.1, r.2, r.3, r.4, r.5, r.6)), r.7))
            .collect(),
        total,
    ))
}

/// Areas and buildings whose name, code or address matches, across the street (territory is not
/// personal data).
pub async fn search_places(tx: &mut Tx, street_id: i64, q: &str, limit: i64) -> Result<(Vec<Area>, Vec<Building>)> {
    let like = format!("%{}%", q.to_lowercase());
    let areas: Vec<AreaRow> = on!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{AREA} WHERE street_id = $1 AND retired_on IS NULL AND (LOWER(name) LIKE $2 OR LOWER(code) LIKE $2) ORDER BY code LIMIT $3"
    )))
    .bind(street_id)
    .bind(&like)
    .bind(limit)
    .fetch_all(c)
    .await
    })?;
    let buildings: Vec<BuildingRow> = on!(tx, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{BUILDING} WHERE street_id = $1 AND (LOWER(name) LIKE $2 OR LOWER(code) LIKE $2 OR LOWER(address) LIKE $2) ORDER BY code LIMIT $3"
    )))
    .bind(street_id)
    .bind(&like)
    .bind(limit)
    .fetch_all(c)
    .await
    })?;
    Ok((
        areas.into_iter().map(area_row).collect(),
        buildings.into_iter().map(building_row).collect(),
    ))
}

/// Rows per table of one street, for the demo's idempotence check and the status page.
pub async fn counts(tx: &mut Tx, street_id: i64) -> Result<Vec<(&'static str, i64)>> {
    let mut out = Vec::new();
    for table in [
        "areas",
        "buildings",
        "units",
        "households",
        "residents",
        "people",
        "posts",
        "party_orgs",
        "party_members",
        "teams",
        "enterprises",
    ] {
        let n: i64 = on!(tx, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE street_id = $1"
        )))
        .bind(street_id)
        .fetch_one(c)
        .await)?;
        out.push((table, n));
    }
    Ok(out)
}

/// A household of the street outside one grid and the name of its first resident: the demo
/// prints it so a test can check a grid worker is refused it (R4).
pub async fn household_outside_grid(tx: &mut Tx, street_id: i64, grid_id: i64) -> Result<Option<(i64, String)>> {
    Ok(on!(tx, |c| {
        sqlx::query_as(
        "SELECT h.id, (SELECT r.name FROM residents r WHERE r.household_id = h.id ORDER BY r.id LIMIT 1) FROM households h \
         WHERE h.street_id = $1 AND h.grid_id <> $2 AND EXISTS (SELECT 1 FROM residents r WHERE r.household_id = h.id) ORDER BY h.id LIMIT 1"
    )
    .bind(street_id)
    .bind(grid_id)
    .fetch_optional(c)
    .await
    })?)
}
