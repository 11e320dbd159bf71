//! Browsing the territory (I1, I2): streets down to households, with search. Territory is visible
//! to every signed-in user; residents and post holders only within the user's scope (R4).

use onegrid_domain::people::{Permission, UnitPath};
use onegrid_domain::territory::Level;
use onegrid_store::people::{self as people_store, Enterprise, Person, Post};
use onegrid_store::territory::{self as store, Area, AreaColumn, Building, Household, Resident, Street, Unit};
use serde::Serialize;

use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct Crumb {
    pub level: &'static str,
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildArea {
    pub area: Area,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChildBuilding {
    pub building: Building,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Holder {
    pub post: Post,
    pub person_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StreetView {
    pub street: Street,
    pub communities: Vec<ChildArea>,
    pub households: i64,
    pub holders: Option<Vec<Holder>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaView {
    pub area: Area,
    pub crumbs: Vec<Crumb>,
    pub children: Vec<ChildArea>,
    pub buildings: Vec<ChildBuilding>,
    pub enterprises: Vec<Enterprise>,
    pub households: i64,
    /// `None` when the user may not see people here.
    pub holders: Option<Vec<Holder>>,
    pub boundary: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BuildingView {
    pub building: Building,
    pub crumbs: Vec<Crumb>,
    pub units: Vec<Unit>,
    /// `None` when the user may not see this building's residents.
    pub households: Option<Vec<Household>>,
    pub holders: Option<Vec<Holder>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HouseholdView {
    pub household: Household,
    pub crumbs: Vec<Crumb>,
    pub residents: Vec<Resident>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub areas: Vec<Area>,
    pub buildings: Vec<Building>,
    /// Residents and the code of their household; empty without the permission.
    pub residents: Vec<(Resident, String)>,
    pub residents_total: i64,
    pub people: Vec<Person>,
}

pub struct MicroGridItem {
    pub area: Area,
    pub households: i64,
}

impl App {
    pub async fn streets(&self) -> Result<Vec<Street>, AppError> {
        let mut tx = self.db.read().await?;
        Ok(store::streets(&mut tx).await?)
    }

    pub async fn street_view(&self, actor: &Actor, id: i64) -> Result<StreetView, AppError> {
        let mut tx = self.db.read().await?;
        let street = store::street(&mut tx, id).await?;
        let counts: std::collections::HashMap<i64, i64> = store::household_counts(&mut tx, id, AreaColumn::Community)
            .await?
            .into_iter()
            .collect();
        let communities = store::areas(&mut tx, id, "community", None)
            .await?
            .into_iter()
            .map(|a| ChildArea {
                households: counts.get(&a.id).copied().unwrap_or(0),
                area: a,
            })
            .collect();
        let path = UnitPath {
            street_id: id,
            ..Default::default()
        };
        let holders = holders(&mut tx, actor, Level::Street, id, &path).await?;
        let households = counts.values().sum();
        Ok(StreetView {
            street,
            communities,
            households,
            holders,
        })
    }

    pub async fn area_view(&self, actor: &Actor, id: i64) -> Result<AreaView, AppError> {
        let mut tx = self.db.read().await?;
        let area = store::area(&mut tx, id).await?;
        let level = Level::parse(&area.level).ok_or(AppError::NotFound)?;
        let crumbs = crumbs(&mut tx, &area.path()).await?;
        let mut children = Vec::new();
        let mut buildings = Vec::new();
        let mut enterprises = Vec::new();
        let households;
        if level == Level::MicroGrid {
            let counts: std::collections::HashMap<i64, i64> = store::building_household_counts(&mut tx, area.street_id)
                .await?
                .into_iter()
                .collect();
            buildings = store::buildings_in(&mut tx, id)
                .await?
                .into_iter()
                .map(|b| ChildBuilding {
                    households: counts.get(&b.id).copied().unwrap_or(0),
                    building: b,
                })
                .collect::<Vec<_>>();
            households = buildings.iter().map(|b| b.households).sum();
            enterprises = people_store::enterprises_in(&mut tx, id).await?;
        } else {
            let child = level.child().expect("areas above micro-grids have children");
            let column = if child == Level::Grid {
                AreaColumn::Grid
            } else {
                AreaColumn::MicroGrid
            };
            let counts: std::collections::HashMap<i64, i64> = store::household_counts(&mut tx, area.street_id, column)
                .await?
                .into_iter()
                .collect();
            children = store::areas(&mut tx, area.street_id, child.as_str(), Some(id))
                .await?
                .into_iter()
                .map(|a| ChildArea {
                    households: counts.get(&a.id).copied().unwrap_or(0),
                    area: a,
                })
                .collect::<Vec<_>>();
            households = children.iter().map(|c| c.households).sum();
        }
        let holders = holders(&mut tx, actor, level, id, &area.path()).await?;
        let boundary = area.boundary.as_deref().and_then(|b| serde_json::from_str(b).ok());
        Ok(AreaView {
            area,
            crumbs,
            children,
            buildings,
            enterprises,
            households,
            holders,
            boundary,
        })
    }

    pub async fn building_view(&self, actor: &Actor, id: i64) -> Result<BuildingView, AppError> {
        let mut tx = self.db.read().await?;
        let building = store::building(&mut tx, id).await?;
        let path = building.path();
        let crumbs = crumbs(&mut tx, &path).await?;
        let units = store::units_in(&mut tx, id).await?;
        let households = if actor.scope(Permission::ViewResidents).covers(&path) {
            Some(store::households_in_building(&mut tx, id).await?)
        } else {
            None
        };
        let holders = holders(&mut tx, actor, Level::Building, id, &path).await?;
        Ok(BuildingView {
            building,
            crumbs,
            units,
            households,
            holders,
        })
    }

    /// A household and its residents: personal data, so outside the scope it does not exist.
    pub async fn household_view(&self, actor: &Actor, id: i64) -> Result<HouseholdView, AppError> {
        let mut tx = self.db.read().await?;
        let household = store::household(&mut tx, id).await?;
        actor.require_in(Permission::ViewResidents, &household.path())?;
        let mut crumbs = crumbs(&mut tx, &household.path()).await?;
        crumbs.push(Crumb {
            level: "household",
            id,
            code: household.code.clone(),
            name: household.room.clone(),
        });
        let residents = store::residents_of(&mut tx, id).await?;
        Ok(HouseholdView {
            household,
            crumbs,
            residents,
        })
    }

    pub async fn resident(&self, actor: &Actor, id: i64) -> Result<Resident, AppError> {
        let mut tx = self.db.read().await?;
        let (resident, path) = store::resident(&mut tx, id).await?;
        actor.require_in(Permission::ViewResidents, &path)?;
        Ok(resident)
    }

    pub async fn search(&self, actor: &Actor, q: &str, page: i64, per_page: i64) -> Result<SearchResult, AppError> {
        let q = q.trim();
        if q.is_empty() {
            return Err(AppError::field("q", "is required"));
        }
        if q.chars().count() > 100 {
            return Err(AppError::field("q", "must be at most 100 characters"));
        }
        let mut tx = self.db.read().await?;
        let (mut areas, mut buildings) = (Vec::new(), Vec::new());
        for s in &actor.all_streets {
            let (a, b) = store::search_places(&mut tx, *s, q, 50).await?;
            areas.extend(a);
            buildings.extend(b);
        }
        let (residents, residents_total) = if actor.can(Permission::ViewResidents) {
            store::search_residents(&mut tx, &actor.scope(Permission::ViewResidents), q, page, per_page).await?
        } else {
            (Vec::new(), 0)
        };
        let people = if actor.can(Permission::ViewPeople) {
            people_store::search_people(&mut tx, &actor.scope(Permission::ViewPeople), q, 1, 50)
                .await?
                .0
        } else {
            Vec::new()
        };
        Ok(SearchResult {
            areas,
            buildings,
            residents,
            residents_total,
            people,
        })
    }

    /// Public list of micro-grids with household counts (I2 fixed point).
    pub async fn micro_grids(&self, page: i64, per_page: i64) -> Result<(Vec<MicroGridItem>, i64), AppError> {
        let mut tx = self.db.read().await?;
        let (rows, total) = store::micro_grids_page(&mut tx, page, per_page).await?;
        Ok((
            rows.into_iter()
                .map(|(area, households)| MicroGridItem { area, households })
                .collect(),
            total,
        ))
    }
}

async fn holders(
    tx: &mut onegrid_store::Tx,
    actor: &Actor,
    level: Level,
    id: i64,
    path: &UnitPath,
) -> Result<Option<Vec<Holder>>, AppError> {
    // Post holders are visible to anyone who may see people at this unit or above it.
    let scope = actor.scope(Permission::ViewPeople);
    if !scope.covers(path) {
        return Ok(None);
    }
    let today = crate::today();
    Ok(Some(
        people_store::posts_on(tx, level, id)
            .await?
            .into_iter()
            .filter(|(p, _)| p.active_on(&today))
            .map(|(post, person_name)| Holder { post, person_name })
            .collect(),
    ))
}

/// Street → … → building, for the breadcrumb.
pub async fn crumbs(tx: &mut onegrid_store::Tx, path: &UnitPath) -> Result<Vec<Crumb>, AppError> {
    let s = store::street(tx, path.street_id).await?;
    let mut out = vec![Crumb {
        level: "street",
        id: s.id,
        code: s.code,
        name: s.name,
    }];
    for (level, id) in [
        ("community", path.community_id),
        ("grid", path.grid_id),
        ("micro_grid", path.micro_grid_id),
    ] {
        if let Some(id) = id {
            let a = store::area(tx, id).await?;
            out.push(Crumb {
                level,
                id,
                code: a.code,
                name: a.name,
            });
        }
    }
    if let Some(b) = path.building_id {
        let b = store::building(tx, b).await?;
        out.push(Crumb {
            level: "building",
            id: b.id,
            code: b.code,
            name: b.name,
        });
    }
    Ok(out)
}
