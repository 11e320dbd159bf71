//! T8: import and export of the territory and its people as CSV and GeoJSON. Every row is checked
//! and every rejected row reported with its line, field and reason. Good rows are written in one
//! transaction; a file rejected as a whole (unreadable, wrong header, no good row, or any bad row
//! in strict mode) writes nothing.

use std::collections::HashSet;

use chrono::NaiveDate;
use onegrid_domain::FieldError;
use onegrid_domain::geometry::{check_lat_lng, multipolygon_from_geojson};
use onegrid_domain::people::{Permission, Role, Scope};
use onegrid_domain::territory::*;
use onegrid_store::audit::{self, NewEvent};
use onegrid_store::load::{self, Codes};
use serde::Serialize;
use serde_json::json;

use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Areas,
    Buildings,
    Units,
    Households,
    Residents,
    People,
    Posts,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Areas,
        Kind::Buildings,
        Kind::Units,
        Kind::Households,
        Kind::Residents,
        Kind::People,
        Kind::Posts,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Areas => "areas",
            Kind::Buildings => "buildings",
            Kind::Units => "units",
            Kind::Households => "households",
            Kind::Residents => "residents",
            Kind::People => "people",
            Kind::Posts => "posts",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The CSV header; import requires these columns (in any order), export writes them.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Kind::Areas => &["level", "code", "name", "parent_code", "kind"],
            Kind::Buildings => &["code", "name", "micro_grid_code", "address", "kind", "floors", "lat", "lng"],
            Kind::Units => &["code", "building_code", "name"],
            Kind::Households => &["code", "unit_code", "room"],
            Kind::Residents => &["household_code", "name", "gender", "birth_year", "phone", "relation"],
            Kind::People => &["code", "name", "gender", "phone", "party_member", "household_code"],
            Kind::Posts => &["person_code", "role", "level", "unit_code", "starts_on", "ends_on"],
        }
    }

    fn optional(self, column: &str) -> bool {
        matches!(
            (self, column),
            (Kind::Areas, "kind" | "parent_code")
                | (Kind::Buildings, "micro_grid_code" | "lat" | "lng" | "kind" | "floors")
                | (Kind::Residents, "phone" | "relation")
                | (Kind::People, "phone" | "party_member" | "household_code")
                | (Kind::Posts, "ends_on")
        )
    }

    fn permission(self) -> Permission {
        match self {
            Kind::People | Kind::Posts => Permission::EditPeople,
            _ => Permission::EditTerritory,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    GeoJson,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RowError {
    /// Line in a CSV file (the header is line 1), feature index + 1 in GeoJSON.
    pub row: usize,
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub kind: Kind,
    pub rows: usize,
    pub accepted: usize,
    pub rejected: Vec<RowError>,
    /// False when the file was rejected as a whole: then nothing was written.
    pub written: bool,
    /// Why the whole file was rejected, if it was.
    pub file_error: Option<String>,
}

/// One record per accepted row, ready for the store.
struct Parsed {
    data: StreetData,
    rows: usize,
    rejected: Vec<RowError>,
}

/// A row of a file as name → value (CSV columns, or GeoJSON properties).
struct Row {
    line: usize,
    fields: std::collections::HashMap<String, String>,
    geometry: Option<serde_json::Value>,
}

impl Row {
    fn get(&self, name: &str) -> &str {
        self.fields.get(name).map(|s| s.trim()).unwrap_or("")
    }
    fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name).to_string()).filter(|s| !s.is_empty())
    }
    fn req(&self, name: &str) -> Result<String, FieldError> {
        self.opt(name).ok_or_else(|| FieldError::new(name, "is required"))
    }
}

fn read_rows(kind: Kind, format: Format, bytes: &[u8]) -> Result<Vec<Row>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match format {
        Format::Csv => {
            let mut r = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
            let headers: Vec<String> = r
                .headers()
                .map_err(|e| format!("cannot read the header: {e}"))?
                .iter()
                .map(|h| h.trim().to_string())
                .collect();
            let missing: Vec<&str> = kind
                .columns()
                .iter()
                .copied()
                .filter(|c| !kind.optional(c) && !headers.iter().any(|h| h == c))
                .collect();
            if !missing.is_empty() {
                return Err(format!(
                    "the header lacks the column(s) {}; expected {}",
                    missing.join(", "),
                    kind.columns().join(",")
                ));
            }
            let mut rows = Vec::new();
            for (i, rec) in r.records().enumerate() {
                let rec = rec.map_err(|e| format!("line {}: {e}", i + 2))?;
                rows.push(Row {
                    line: i + 2,
                    fields: headers.iter().cloned().zip(rec.iter().map(|s| s.to_string())).collect(),
                    geometry: None,
                });
            }
            Ok(rows)
        }
        Format::GeoJson => {
            let v: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
            if v["type"] != "FeatureCollection" {
                return Err("a GeoJSON FeatureCollection is expected".into());
            }
            let features = v["features"]
                .as_array()
                .ok_or("the FeatureCollection has no features array")?;
            Ok(features
                .iter()
                .enumerate()
                .map(|(i, f)| Row {
                    line: i + 1,
                    fields: f["properties"]
                        .as_object()
                        .map(|o| {
                            o.iter()
                                .map(|(k, v)| {
                                    (
                                        k.clone(),
                                        match v {
                                            serde_json::Value::String(s) => s.clone(),
                                            serde_json::Value::Null => String::new(),
                                            other => other.to_string(),
                                        },
                                    )
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    geometry: Some(f["geometry"].clone()).filter(|g| !g.is_null()),
                })
                .collect())
        }
    }
}

/// Checks rows against the database's codes (`codes`), the rows before them, and the user's
/// scope, and collects the good ones.
struct Checker<'a> {
    codes: &'a Codes,
    scope: Scope,
    superuser: bool,
    seen: HashSet<String>,
    new_places: std::collections::HashMap<String, Level>,
    new_units: HashSet<String>,
    new_households: HashSet<String>,
    new_people: HashSet<String>,
}

impl Checker<'_> {
    fn fresh(&mut self, field: &str, code: &str, exists: bool) -> Result<(), FieldError> {
        if exists {
            return Err(FieldError::new(field, format!("'{code}' already exists")));
        }
        if !self.seen.insert(code.to_string()) {
            return Err(FieldError::new(field, format!("'{code}' appears twice in the file")));
        }
        Ok(())
    }

    /// A place the row refers to: in the database (and then inside the scope) or earlier in the file.
    fn place(&self, field: &str, level: Level, code: &str) -> Result<(), FieldError> {
        if let Some((_, path)) = self.codes.place(level, code) {
            if self.superuser || self.scope.covers(&path) {
                return Ok(());
            }
            return Err(FieldError::new(
                field,
                format!("'{code}' is outside your area of responsibility"),
            ));
        }
        if self.new_places.get(code) == Some(&level) {
            return Ok(());
        }
        Err(FieldError::new(field, format!("no {} with code '{code}'", level.as_str())))
    }

    fn unit(&self, field: &str, code: &str) -> Result<(), FieldError> {
        match self.codes.units.get(code) {
            Some((_, p)) if self.superuser || self.scope.covers(p) => Ok(()),
            Some(_) => Err(FieldError::new(
                field,
                format!("'{code}' is outside your area of responsibility"),
            )),
            None if self.new_units.contains(code) => Ok(()),
            None => Err(FieldError::new(field, format!("no unit with code '{code}'"))),
        }
    }

    fn household(&self, field: &str, code: &str) -> Result<(), FieldError> {
        match self.codes.households.get(code) {
            Some((_, p)) if self.superuser || self.scope.covers(p) => Ok(()),
            Some(_) => Err(FieldError::new(
                field,
                format!("'{code}' is outside your area of responsibility"),
            )),
            None if self.new_households.contains(code) => Ok(()),
            None => Err(FieldError::new(field, format!("no household with code '{code}'"))),
        }
    }

    fn row(&mut self, kind: Kind, row: &Row, data: &mut StreetData) -> Result<(), FieldError> {
        match kind {
            Kind::Areas => {
                let level = Level::parse(&row.req("level")?)
                    .filter(|l| matches!(l, Level::Street | Level::Community | Level::Grid | Level::MicroGrid))
                    .ok_or_else(|| FieldError::new("level", "must be street, community, grid or micro_grid"))?;
                let code = row.req("code")?;
                let name = row.req("name")?;
                check_code("code", &code)?;
                let parent_code = row.opt("parent_code");
                match (level.parent(), &parent_code) {
                    (None, Some(_)) => return Err(FieldError::new("parent_code", "must be empty for a street")),
                    (None, None) if !self.superuser => {
                        return Err(FieldError::new("level", "only an administrator may create a street"));
                    }
                    (Some(_), None) => return Err(FieldError::new("parent_code", "is required")),
                    (Some(pl), Some(pc)) => {
                        self.place("parent_code", pl, pc)?;
                        check_child_code("code", &code, pc)?;
                    }
                    (None, None) => {}
                }
                let kind = match row.opt("kind") {
                    Some(k) if level == Level::MicroGrid => Some(MicroGridKind::parse(&k).ok_or_else(|| {
                        FieldError::new(
                            "kind",
                            "must be residential, commercial_building, business_district, block or industrial_park",
                        )
                    })?),
                    Some(_) => return Err(FieldError::new("kind", "only micro-grids have a kind")),
                    None if level == Level::MicroGrid => Some(MicroGridKind::Residential),
                    None => None,
                };
                let boundary = match &row.geometry {
                    Some(g) => Some(multipolygon_from_geojson("geometry", g)?),
                    None => None,
                };
                self.fresh("code", &code, self.codes.places.contains_key(&code))?;
                self.new_places.insert(code.clone(), level);
                data.areas.push(AreaRec {
                    level,
                    code,
                    name,
                    parent_code,
                    kind,
                    boundary,
                });
            }
            Kind::Buildings => {
                let code = row.req("code")?;
                let name = row.req("name")?;
                check_code("code", &code)?;
                let micro_grid_code = row.opt("micro_grid_code");
                match &micro_grid_code {
                    Some(m) => {
                        self.place("micro_grid_code", Level::MicroGrid, m)?;
                        check_child_code("code", &code, m)?;
                    }
                    None if !self.superuser => return Err(FieldError::new("micro_grid_code", "is required")),
                    None => {}
                }
                let floors = match row.opt("floors") {
                    Some(f) => f
                        .parse::<i64>()
                        .ok()
                        .filter(|f| (1..=200).contains(f))
                        .ok_or_else(|| FieldError::new("floors", "must be a whole number from 1 to 200"))?,
                    None => 1,
                };
                let location = match (row.opt("lat"), row.opt("lng"), &row.geometry) {
                    (Some(lat), Some(lng), _) => {
                        let lat: f64 = lat.parse().map_err(|_| FieldError::new("lat", "must be a number"))?;
                        let lng: f64 = lng.parse().map_err(|_| FieldError::new("lng", "must be a number"))?;
                        check_lat_lng(lat, lng)?;
                        Some(geo::Point::new(lng, lat))
                    }
                    (None, None, Some(g)) if g["type"] == "Point" => {
                        let c = g["coordinates"]
                            .as_array()
                            .filter(|c| c.len() >= 2)
                            .ok_or_else(|| FieldError::new("geometry", "a Point needs [lng, lat]"))?;
                        let (lng, lat) = (c[0].as_f64().unwrap_or(f64::NAN), c[1].as_f64().unwrap_or(f64::NAN));
                        check_lat_lng(lat, lng).map_err(|e| FieldError::new("geometry", e.reason))?;
                        Some(geo::Point::new(lng, lat))
                    }
                    (None, None, Some(_)) => return Err(FieldError::new("geometry", "a building's geometry must be a Point")),
                    (None, None, None) => None,
                    (Some(_), None, _) => return Err(FieldError::new("lng", "is required when lat is given")),
                    (None, Some(_), _) => return Err(FieldError::new("lat", "is required when lng is given")),
                };
                self.fresh("code", &code, self.codes.places.contains_key(&code))?;
                self.new_places.insert(code.clone(), Level::Building);
                data.buildings.push(BuildingRec {
                    code,
                    name,
                    micro_grid_code,
                    address: row.get("address").to_string(),
                    kind: row.opt("kind").unwrap_or_else(|| "residential".into()),
                    floors,
                    location,
                });
            }
            Kind::Units => {
                let code = row.req("code")?;
                let building_code = row.req("building_code")?;
                self.place("building_code", Level::Building, &building_code)?;
                check_child_code("code", &code, &building_code)?;
                self.fresh("code", &code, self.codes.units.contains_key(&code))?;
                self.new_units.insert(code.clone());
                data.units.push(UnitRec {
                    code,
                    building_code,
                    name: row.req("name")?,
                });
            }
            Kind::Households => {
                let code = row.req("code")?;
                let unit_code = row.req("unit_code")?;
                self.unit("unit_code", &unit_code)?;
                check_child_code("code", &code, &unit_code)?;
                let room = row.req("room")?;
                self.fresh("code", &code, self.codes.households.contains_key(&code))?;
                self.new_households.insert(code.clone());
                data.households.push(HouseholdRec { code, unit_code, room });
            }
            Kind::Residents => {
                let household_code = row.req("household_code")?;
                self.household("household_code", &household_code)?;
                let name = row.req("name")?;
                if name.chars().count() > 50 {
                    return Err(FieldError::new("name", "must be at most 50 characters"));
                }
                let gender = gender(row)?;
                let birth_year = row
                    .req("birth_year")?
                    .parse::<i64>()
                    .ok()
                    .filter(|y| (1890..=2100).contains(y))
                    .ok_or_else(|| FieldError::new("birth_year", "must be a year between 1890 and 2100"))?;
                let phone = phone(row)?;
                let relation = row.opt("relation").unwrap_or_else(|| "other".into());
                if !["head", "spouse", "child", "parent", "other"].contains(&relation.as_str()) {
                    return Err(FieldError::new("relation", "must be head, spouse, child, parent or other"));
                }
                let key = format!("{household_code}\u{1}{name}");
                if self.codes.residents.contains(&(household_code.clone(), name.clone())) || !self.seen.insert(key) {
                    return Err(FieldError::new("name", "this household already has a resident of that name"));
                }
                data.residents.push(ResidentRec {
                    household_code,
                    name,
                    gender,
                    birth_year,
                    phone,
                    relation,
                });
            }
            Kind::People => {
                let code = row.req("code")?;
                check_code("code", &code)?;
                let name = row.req("name")?;
                let gender = gender(row)?;
                let phone = phone(row)?;
                let party_member = match row.get("party_member").to_ascii_lowercase().as_str() {
                    "" | "0" | "false" | "no" | "否" => false,
                    "1" | "true" | "yes" | "是" => true,
                    _ => return Err(FieldError::new("party_member", "must be true or false")),
                };
                let household_code = row.opt("household_code");
                if let Some(h) = &household_code {
                    self.household("household_code", h)?;
                }
                self.fresh("code", &code, self.codes.people.contains_key(&code))?;
                self.new_people.insert(code.clone());
                data.people.push(PersonRec {
                    code,
                    name,
                    gender,
                    phone,
                    party_member,
                    household_code,
                });
            }
            Kind::Posts => {
                let person_code = row.req("person_code")?;
                if !self.codes.people.contains_key(&person_code) && !self.new_people.contains(&person_code) {
                    return Err(FieldError::new("person_code", format!("no person with code '{person_code}'")));
                }
                let role = Role::parse(&row.req("role")?).ok_or_else(|| FieldError::new("role", "is not a known role"))?;
                let level = Level::parse(&row.req("level")?).ok_or_else(|| FieldError::new("level", "is not a known level"))?;
                if !role.levels().contains(&level) {
                    return Err(FieldError::new(
                        "level",
                        format!(
                            "a {} post is held on {}",
                            role.as_str(),
                            role.levels().iter().map(|l| l.as_str()).collect::<Vec<_>>().join(" or ")
                        ),
                    ));
                }
                let unit_code = row.req("unit_code")?;
                self.place("unit_code", level, &unit_code)?;
                let starts_on = date(row, "starts_on")?.ok_or_else(|| FieldError::new("starts_on", "is required"))?;
                let ends_on = date(row, "ends_on")?;
                if ends_on.is_some_and(|e| e < starts_on) {
                    return Err(FieldError::new("ends_on", "must not be before starts_on"));
                }
                data.posts.push(PostRec {
                    person_code,
                    role,
                    level,
                    unit_code,
                    starts_on,
                    ends_on,
                });
            }
        }
        Ok(())
    }
}

fn gender(row: &Row) -> Result<String, FieldError> {
    match row.req("gender")?.as_str() {
        "M" | "m" | "男" => Ok("M".into()),
        "F" | "f" | "女" => Ok("F".into()),
        _ => Err(FieldError::new("gender", "must be M or F")),
    }
}

fn phone(row: &Row) -> Result<Option<String>, FieldError> {
    match row.opt("phone") {
        Some(p) if p.len() >= 5 && p.len() <= 20 && p.chars().all(|c| c.is_ascii_digit() || c == '-' || c == '+') => Ok(Some(p)),
        Some(_) => Err(FieldError::new("phone", "must be 5–20 digits")),
        None => Ok(None),
    }
}

fn date(row: &Row, field: &str) -> Result<Option<NaiveDate>, FieldError> {
    match row.opt(field) {
        Some(s) => NaiveDate::parse_from_str(&s, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| FieldError::new(field, "must be a date YYYY-MM-DD")),
        None => Ok(None),
    }
}

impl App {
    /// Imports one file. `strict` rejects the whole file when any row is bad.
    pub async fn import(
        &self,
        actor: &Actor,
        kind: Kind,
        format: Format,
        bytes: &[u8],
        strict: bool,
    ) -> Result<ImportReport, AppError> {
        actor.require(Permission::Transfer)?;
        actor.require(kind.permission())?;
        let whole = |reason: String| ImportReport {
            kind,
            rows: 0,
            accepted: 0,
            rejected: Vec::new(),
            written: false,
            file_error: Some(reason),
        };
        if format == Format::GeoJson && !matches!(kind, Kind::Areas | Kind::Buildings) {
            return Ok(whole(
                "GeoJSON import is for areas and buildings; use CSV for the others".into(),
            ));
        }
        let rows = match read_rows(kind, format, bytes) {
            Ok(r) => r,
            Err(e) => return Ok(whole(e)),
        };
        let mut tx = self.db.write().await?;
        let codes = load::codes(&mut tx).await?;
        let parsed = {
            let mut checker = Checker {
                codes: &codes,
                scope: actor.scope(kind.permission()),
                superuser: actor.user.superuser,
                seen: HashSet::new(),
                new_places: Default::default(),
                new_units: HashSet::new(),
                new_households: HashSet::new(),
                new_people: HashSet::new(),
            };
            let mut p = Parsed {
                data: StreetData::default(),
                rows: rows.len(),
                rejected: Vec::new(),
            };
            for row in &rows {
                if let Err(e) = checker.row(kind, row, &mut p.data) {
                    p.rejected.push(RowError {
                        row: row.line,
                        field: e.field,
                        reason: e.reason,
                    });
                }
            }
            p
        };
        let accepted = parsed.rows - parsed.rejected.len();
        let mut report = ImportReport {
            kind,
            rows: parsed.rows,
            accepted,
            rejected: parsed.rejected,
            written: false,
            file_error: None,
        };
        if parsed.rows == 0 {
            report.file_error = Some("the file has no rows".into());
        } else if accepted == 0 {
            report.file_error = Some("no row could be imported".into());
        } else if strict && !report.rejected.is_empty() {
            report.file_error = Some("strict import: the file has rejected rows".into());
        }
        if report.file_error.is_some() {
            report.accepted = 0;
            return Ok(report);
        }
        load::load(&mut tx, &parsed.data).await.map_err(AppError::from)?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: actor.home_street(),
                // The console operator (`onegrid import` without --as) has no account row.
                user_id: (actor.user.id > 0).then_some(actor.user.id),
                action: "import",
                entity: kind.as_str(),
                entity_id: None,
                detail: json!({"rows": report.rows, "accepted": report.accepted, "rejected": report.rejected.len()}),
            },
        )
        .await?;
        tx.commit().await?;
        report.written = true;
        if kind == Kind::Areas {
            self.locator.rebuild(&self.db).await?;
        }
        Ok(report)
    }
}

pub mod export;
