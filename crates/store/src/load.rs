//! Writes a street's records (import, T8; demo, D4), resolving codes to ids. Callers validate
//! first; anything still unresolvable here is an error and, since the caller's transaction is
//! then dropped, nothing is written.

use std::collections::HashMap;

use onegrid_domain::people::UnitPath;
use onegrid_domain::territory::{Level, StreetData};

use crate::batch::insert_rows;
use crate::error::{Result, StoreError};
use crate::value::Value;
use crate::{Tx, now_ms, on};

/// Every code of the database and what it resolves to. Codes are unique across streets.
#[derive(Debug, Default, Clone)]
pub struct Codes {
    /// Streets, communities, grids, micro-grids and buildings.
    pub places: HashMap<String, (Level, i64, UnitPath)>,
    pub units: HashMap<String, (i64, UnitPath)>,
    pub households: HashMap<String, (i64, UnitPath)>,
    pub people: HashMap<String, (i64, i64)>,
    pub party_orgs: HashMap<String, (i64, i64)>,
    pub teams: HashMap<String, i64>,
    pub enterprises: HashMap<String, i64>,
    /// `(household code, resident name)` pairs already present.
    pub residents: std::collections::HashSet<(String, String)>,
}

impl Codes {
    pub fn place(&self, level: Level, code: &str) -> Option<(i64, UnitPath)> {
        self.places
            .get(code)
            .filter(|(l, _, _)| *l == level)
            .map(|(_, id, p)| (*id, *p))
    }
}

fn geojson_text(mp: &Option<geo::MultiPolygon<f64>>) -> Option<String> {
    mp.as_ref().map(|m| onegrid_domain::geometry::to_geojson_value(m).to_string())
}

pub async fn codes(tx: &mut Tx) -> Result<Codes> {
    let mut c = Codes::default();
    let streets: Vec<(i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, code FROM streets").fetch_all(x).await)?;
    for (id, code) in streets {
        c.places.insert(
            code,
            (
                Level::Street,
                id,
                UnitPath {
                    street_id: id,
                    ..Default::default()
                },
            ),
        );
    }
    let areas: Vec<(i64, i64, String, Option<i64>, Option<i64>, String)> = on!(tx, |x| sqlx::query_as(
        "SELECT id, street_id, level, community_id, grid_id, code FROM areas"
    )
    .fetch_all(x)
    .await)?;
    for (id, street_id, level, community_id, grid_id, code) in areas {
        let level = Level::parse(&level).unwrap_or(Level::MicroGrid);
        let mut p = UnitPath {
            street_id,
            community_id,
            grid_id,
            ..Default::default()
        };
        match level {
            Level::Community => p.community_id = Some(id),
            Level::Grid => p.grid_id = Some(id),
            _ => p.micro_grid_id = Some(id),
        }
        c.places.insert(code, (level, id, p));
    }
    let buildings: Vec<(i64, i64, Option<i64>, Option<i64>, Option<i64>, String)> = on!(tx, |x| sqlx::query_as(
        "SELECT id, street_id, community_id, grid_id, micro_grid_id, code FROM buildings"
    )
    .fetch_all(x)
    .await)?;
    for (id, street_id, community_id, grid_id, micro_grid_id, code) in buildings {
        let p = UnitPath {
            street_id,
            community_id,
            grid_id,
            micro_grid_id,
            building_id: Some(id),
        };
        c.places.insert(code, (Level::Building, id, p));
    }
    let units: Vec<(i64, i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, building_id, code FROM units")
        .fetch_all(x)
        .await)?;
    let building_paths: HashMap<i64, UnitPath> = c
        .places
        .values()
        .filter(|(l, _, _)| *l == Level::Building)
        .map(|(_, id, p)| (*id, *p))
        .collect();
    for (id, building_id, code) in units {
        c.units
            .insert(code, (id, building_paths.get(&building_id).copied().unwrap_or_default()));
    }
    let households: Vec<(i64, i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, building_id, code FROM households")
        .fetch_all(x)
        .await)?;
    for (id, building_id, code) in households {
        c.households
            .insert(code, (id, building_paths.get(&building_id).copied().unwrap_or_default()));
    }
    let people: Vec<(i64, i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, street_id, code FROM people")
        .fetch_all(x)
        .await)?;
    c.people = people.into_iter().map(|(id, s, code)| (code, (id, s))).collect();
    let orgs: Vec<(i64, i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, street_id, code FROM party_orgs")
        .fetch_all(x)
        .await)?;
    c.party_orgs = orgs.into_iter().map(|(id, s, code)| (code, (id, s))).collect();
    let teams: Vec<(i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, code FROM teams").fetch_all(x).await)?;
    c.teams = teams.into_iter().map(|(id, code)| (code, id)).collect();
    let ents: Vec<(i64, String)> = on!(tx, |x| sqlx::query_as("SELECT id, code FROM enterprises").fetch_all(x).await)?;
    c.enterprises = ents.into_iter().map(|(id, code)| (code, id)).collect();
    let residents: Vec<(String, String)> = on!(tx, |x| sqlx::query_as(
        "SELECT h.code, r.name FROM residents r JOIN households h ON h.id = r.household_id"
    )
    .fetch_all(x)
    .await)?;
    c.residents = residents.into_iter().collect();
    Ok(c)
}

fn missing(what: &str, code: &str) -> StoreError {
    StoreError::Config(format!("{what} '{code}' does not exist"))
}

/// Inserts everything in `data`, parents before children. Returns the rows written per table.
pub async fn load(tx: &mut Tx, data: &StreetData) -> Result<Vec<(&'static str, usize)>> {
    let mut codes = codes(tx).await?;
    let mut written = Vec::new();

    let mut n = 0;
    for a in data.areas.iter().filter(|a| a.level == Level::Street) {
        let id: i64 = on!(tx, |c| sqlx::query_scalar(
            "INSERT INTO streets (code, name, boundary, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(&a.code)
        .bind(&a.name)
        .bind(geojson_text(&a.boundary))
        .bind(now_ms())
        .fetch_one(c)
        .await)
        .map_err(StoreError::from_write)?;
        // A new street takes cases from the start (C2): its categories come with it.
        crate::case::catalogue::seed(tx, id, &onegrid_domain::case::Catalogue::builtin()).await?;
        codes.places.insert(
            a.code.clone(),
            (
                Level::Street,
                id,
                UnitPath {
                    street_id: id,
                    ..Default::default()
                },
            ),
        );
        n += 1;
    }
    written.push(("streets", n));

    let mut n = 0;
    for level in [Level::Community, Level::Grid, Level::MicroGrid] {
        let mut rows = Vec::new();
        for a in data.areas.iter().filter(|a| a.level == level) {
            let parent_code = a.parent_code.as_deref().unwrap_or_default();
            let parent_level = level.parent().expect("areas have parents");
            let (parent_id, p) = codes
                .place(parent_level, parent_code)
                .ok_or_else(|| missing(parent_level.as_str(), parent_code))?;
            rows.push(vec![
                Value::from(p.street_id),
                Value::from(level.as_str()),
                Value::from((level != Level::Community).then_some(parent_id)),
                Value::from(p.community_id),
                Value::from(p.grid_id),
                Value::from(a.code.as_str()),
                Value::from(a.name.as_str()),
                Value::from(a.kind.map(|k| k.as_str().to_string())),
                Value::from(geojson_text(&a.boundary)),
            ]);
        }
        insert_rows(
            tx,
            "areas",
            &[
                "street_id",
                "level",
                "parent_id",
                "community_id",
                "grid_id",
                "code",
                "name",
                "kind",
                "boundary",
            ],
            &rows,
        )
        .await?;
        n += rows.len();
        if !rows.is_empty() {
            codes = self::codes(tx).await?;
        }
    }
    written.push(("areas", n));

    let mut rows = Vec::new();
    for b in &data.buildings {
        let p = match &b.micro_grid_code {
            Some(m) => codes.place(Level::MicroGrid, m).ok_or_else(|| missing("micro_grid", m))?.1,
            None => {
                // A building outside every micro-grid still belongs to a street: the one of
                // its code prefix (coverage reports it as unassigned).
                let street = codes
                    .places
                    .iter()
                    .filter(|(code, (l, _, _))| *l == Level::Street && b.code.starts_with(code.as_str()))
                    .map(|(_, (_, id, _))| *id)
                    .next()
                    .ok_or_else(|| missing("street for building", &b.code))?;
                UnitPath {
                    street_id: street,
                    ..Default::default()
                }
            }
        };
        rows.push(vec![
            Value::from(p.street_id),
            Value::from(p.community_id),
            Value::from(p.grid_id),
            Value::from(p.micro_grid_id),
            Value::from(b.code.as_str()),
            Value::from(b.name.as_str()),
            Value::from(b.address.as_str()),
            Value::from(b.kind.as_str()),
            Value::from(b.floors),
            Value::from(b.location.map(|l| l.y())),
            Value::from(b.location.map(|l| l.x())),
        ]);
    }
    insert_rows(
        tx,
        "buildings",
        &[
            "street_id",
            "community_id",
            "grid_id",
            "micro_grid_id",
            "code",
            "name",
            "address",
            "kind",
            "floors",
            "lat",
            "lng",
        ],
        &rows,
    )
    .await?;
    written.push(("buildings", rows.len()));
    if !rows.is_empty() {
        codes = self::codes(tx).await?;
    }

    let mut rows = Vec::new();
    for u in &data.units {
        let (bid, p) = codes
            .place(Level::Building, &u.building_code)
            .ok_or_else(|| missing("building", &u.building_code))?;
        rows.push(vec![
            Value::from(p.street_id),
            Value::from(bid),
            Value::from(u.code.as_str()),
            Value::from(u.name.as_str()),
        ]);
    }
    insert_rows(tx, "units", &["street_id", "building_id", "code", "name"], &rows).await?;
    written.push(("units", rows.len()));
    if !rows.is_empty() {
        codes = self::codes(tx).await?;
    }

    let mut rows = Vec::new();
    for h in &data.households {
        let (uid, p) = *codes.units.get(&h.unit_code).ok_or_else(|| missing("unit", &h.unit_code))?;
        rows.push(vec![
            Value::from(p.street_id),
            Value::from(p.community_id),
            Value::from(p.grid_id),
            Value::from(p.micro_grid_id),
            Value::from(p.building_id),
            Value::from(uid),
            Value::from(h.code.as_str()),
            Value::from(h.room.as_str()),
        ]);
    }
    insert_rows(
        tx,
        "households",
        &[
            "street_id",
            "community_id",
            "grid_id",
            "micro_grid_id",
            "building_id",
            "unit_id",
            "code",
            "room",
        ],
        &rows,
    )
    .await?;
    written.push(("households", rows.len()));
    if !rows.is_empty() {
        codes = self::codes(tx).await?;
    }

    let mut rows = Vec::new();
    for r in &data.residents {
        let (hid, p) = *codes
            .households
            .get(&r.household_code)
            .ok_or_else(|| missing("household", &r.household_code))?;
        rows.push(vec![
            Value::from(p.street_id),
            Value::from(p.community_id),
            Value::from(p.grid_id),
            Value::from(p.micro_grid_id),
            Value::from(p.building_id),
            Value::from(hid),
            Value::from(r.name.as_str()),
            Value::from(r.gender.as_str()),
            Value::from(r.birth_year),
            Value::from(r.phone.clone()),
            Value::from(r.relation.as_str()),
        ]);
    }
    insert_rows(
        tx,
        "residents",
        &[
            "street_id",
            "community_id",
            "grid_id",
            "micro_grid_id",
            "building_id",
            "household_id",
            "name",
            "gender",
            "birth_year",
            "phone",
            "relation",
        ],
        &rows,
    )
    .await?;
    written.push(("residents", rows.len()));

    let mut rows = Vec::new();
    for p in &data.people {
        let home = match &p.household_code {
            Some(h) => Some(*codes.households.get(h).ok_or_else(|| missing("household", h))?),
            None => None,
        };
        // A person belongs to the street of their home, or else to the street of the data set.
        let street_id = match home {
            Some((_, path)) => path.street_id,
            None => street_of(&codes, data)?,
        };
        rows.push(vec![
            Value::from(street_id),
            Value::from(p.code.as_str()),
            Value::from(p.name.as_str()),
            Value::from(p.gender.as_str()),
            Value::from(p.phone.clone()),
            Value::from(p.party_member),
            Value::from(home.map(|(id, _)| id)),
        ]);
    }
    insert_rows(
        tx,
        "people",
        &["street_id", "code", "name", "gender", "phone", "party_member", "household_id"],
        &rows,
    )
    .await?;
    written.push(("people", rows.len()));
    if !rows.is_empty() {
        codes = self::codes(tx).await?;
    }

    let mut rows = Vec::new();
    for p in &data.posts {
        let (person_id, _) = *codes
            .people
            .get(&p.person_code)
            .ok_or_else(|| missing("person", &p.person_code))?;
        let (unit_id, path) = codes
            .place(p.level, &p.unit_code)
            .ok_or_else(|| missing(p.level.as_str(), &p.unit_code))?;
        rows.push(vec![
            Value::from(path.street_id),
            Value::from(person_id),
            Value::from(p.role.as_str()),
            Value::from(p.level.as_str()),
            Value::from(unit_id),
            Value::from(path.community_id),
            Value::from(path.grid_id),
            Value::from(path.micro_grid_id),
            Value::from(path.building_id),
            Value::from(p.starts_on.to_string()),
            Value::from(p.ends_on.map(|d| d.to_string())),
        ]);
    }
    insert_rows(
        tx,
        "posts",
        &[
            "street_id",
            "person_id",
            "role",
            "level",
            "unit_id",
            "community_id",
            "grid_id",
            "micro_grid_id",
            "building_id",
            "starts_on",
            "ends_on",
        ],
        &rows,
    )
    .await?;
    written.push(("posts", rows.len()));

    for o in &data.party_orgs {
        let (unit_id, path) = codes
            .place(o.level, &o.unit_code)
            .ok_or_else(|| missing(o.level.as_str(), &o.unit_code))?;
        let parent = match &o.parent_code {
            Some(pc) => Some(codes.party_orgs.get(pc).ok_or_else(|| missing("party organisation", pc))?.0),
            None => None,
        };
        let id: i64 = on!(tx, |c| sqlx::query_scalar(
            "INSERT INTO party_orgs (street_id, code, name, kind, parent_id, level, unit_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(path.street_id)
        .bind(&o.code)
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(parent)
        .bind(o.level.as_str())
        .bind(unit_id)
        .fetch_one(c)
        .await)
        .map_err(StoreError::from_write)?;
        codes.party_orgs.insert(o.code.clone(), (id, path.street_id));
    }
    written.push(("party_orgs", data.party_orgs.len()));

    let mut rows = Vec::new();
    for m in &data.party_members {
        let (person_id, street_id) = *codes
            .people
            .get(&m.person_code)
            .ok_or_else(|| missing("person", &m.person_code))?;
        let (org_id, _) = *codes
            .party_orgs
            .get(&m.party_org_code)
            .ok_or_else(|| missing("party organisation", &m.party_org_code))?;
        let (community_id, _) = codes
            .place(Level::Community, &m.community_code)
            .ok_or_else(|| missing("community", &m.community_code))?;
        let micro_grid_id = match &m.micro_grid_code {
            Some(code) => Some(
                codes
                    .place(Level::MicroGrid, code)
                    .ok_or_else(|| missing("micro_grid", code))?
                    .0,
            ),
            None => None,
        };
        rows.push(vec![
            Value::from(street_id),
            Value::from(person_id),
            Value::from(org_id),
            Value::from(community_id),
            Value::from(micro_grid_id),
            Value::from(m.registered_on.to_string()),
        ]);
    }
    insert_rows(
        tx,
        "party_members",
        &[
            "street_id",
            "person_id",
            "party_org_id",
            "community_id",
            "micro_grid_id",
            "registered_on",
        ],
        &rows,
    )
    .await?;
    written.push(("party_members", rows.len()));

    let mut members = Vec::new();
    for t in &data.teams {
        let (unit_id, path) = codes
            .place(t.level, &t.unit_code)
            .ok_or_else(|| missing(t.level.as_str(), &t.unit_code))?;
        let leader = match &t.leader_code {
            Some(l) => Some(codes.people.get(l).ok_or_else(|| missing("person", l))?.0),
            None => None,
        };
        let id: i64 = on!(tx, |c| sqlx::query_scalar(
            "INSERT INTO teams (street_id, code, name, kind, level, unit_id, leader_id) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
        )
        .bind(path.street_id)
        .bind(&t.code)
        .bind(&t.name)
        .bind(t.kind.as_str())
        .bind(t.level.as_str())
        .bind(unit_id)
        .bind(leader)
        .fetch_one(c)
        .await)
        .map_err(StoreError::from_write)?;
        let mut seen = std::collections::HashSet::new();
        for m in &t.member_codes {
            let (pid, _) = *codes.people.get(m).ok_or_else(|| missing("person", m))?;
            if seen.insert(pid) {
                members.push(vec![Value::from(path.street_id), Value::from(id), Value::from(pid)]);
            }
        }
    }
    insert_rows(tx, "team_members", &["street_id", "team_id", "person_id"], &members).await?;
    written.push(("teams", data.teams.len()));

    let mut rows = Vec::new();
    for e in &data.enterprises {
        let (mid, p) = codes
            .place(Level::MicroGrid, &e.micro_grid_code)
            .ok_or_else(|| missing("micro_grid", &e.micro_grid_code))?;
        rows.push(vec![
            Value::from(p.street_id),
            Value::from(mid),
            Value::from(e.code.as_str()),
            Value::from(e.name.as_str()),
            Value::from(e.industry.as_str()),
        ]);
    }
    insert_rows(
        tx,
        "enterprises",
        &["street_id", "micro_grid_id", "code", "name", "industry"],
        &rows,
    )
    .await?;
    written.push(("enterprises", rows.len()));

    if !data.duties.is_empty() || !data.work_items.is_empty() {
        let street_id = street_of(&codes, data)?;
        let rows: Vec<_> = data
            .duties
            .iter()
            .map(|d| {
                vec![
                    Value::from(street_id),
                    Value::from(d.role.as_str()),
                    Value::from(d.title.as_str()),
                ]
            })
            .collect();
        insert_rows(tx, "duties", &["street_id", "role", "title"], &rows).await?;
        let rows: Vec<_> = data
            .work_items
            .iter()
            .map(|w| {
                vec![
                    Value::from(street_id),
                    Value::from(w.category.as_str()),
                    Value::from(w.item.as_str()),
                ]
            })
            .collect();
        insert_rows(tx, "work_items", &["street_id", "category", "item"], &rows).await?;
    }
    written.push(("duties", data.duties.len()));
    written.push(("work_items", data.work_items.len()));
    Ok(written)
}

/// The street a data set is about: its street record, else the street of its first area.
fn street_of(codes: &Codes, data: &StreetData) -> Result<i64> {
    if let Some(s) = data.areas.iter().find(|a| a.level == Level::Street) {
        return codes
            .place(Level::Street, &s.code)
            .map(|(id, _)| id)
            .ok_or_else(|| missing("street", &s.code));
    }
    if let Some(a) = data.areas.first() {
        if let Some((_, _, p)) = codes.places.get(&a.code) {
            return Ok(p.street_id);
        }
    }
    let mut streets = codes.places.values().filter(|(l, _, _)| *l == Level::Street);
    match (streets.next(), streets.next()) {
        (Some((_, id, _)), None) => Ok(*id),
        _ => Err(StoreError::Config("cannot tell which street the records belong to".into())),
    }
}
