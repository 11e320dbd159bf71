//! T2: point → micro-grid, grid, community and street through the in-memory R-tree. The index
//! is rebuilt from the database after every change to boundaries and swapped in whole.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use onegrid_domain::geometry::{AreaIndex, check_lat_lng, gcj02_to_wgs84, multipolygon_from_geojson};
use onegrid_store::{Db, territory};
use serde::Serialize;

use crate::AppError;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AreaRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The answer of `GET /api/v1/locate` (a fixed point).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Located {
    pub micro_grid: AreaRef,
    pub grid: AreaRef,
    pub community: AreaRef,
    pub street: AreaRef,
}

/// Which datum the caller's coordinates are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    Wgs84,
    Gcj02,
}

impl Crs {
    pub fn parse(s: Option<&str>) -> Result<Crs, AppError> {
        match s.map(|s| s.to_ascii_lowercase()) {
            None => Ok(Crs::Wgs84),
            Some(s) if s == "wgs84" || s == "wgs-84" || s.is_empty() => Ok(Crs::Wgs84),
            Some(s) if s == "gcj02" || s == "gcj-02" => Ok(Crs::Gcj02),
            Some(_) => Err(AppError::field("crs", "must be wgs84 or gcj02")),
        }
    }
}

struct Snapshot {
    index: AreaIndex,
    answers: HashMap<i64, Located>,
}

#[derive(Default)]
pub struct Locator {
    current: RwLock<Option<Arc<Snapshot>>>,
}

impl Locator {
    pub async fn rebuild(&self, db: &Db) -> Result<usize, AppError> {
        let mut tx = db.read().await?;
        let areas = territory::all_areas(&mut tx).await?;
        let streets: HashMap<i64, AreaRef> = territory::streets(&mut tx)
            .await?
            .into_iter()
            .map(|s| {
                (
                    s.id,
                    AreaRef {
                        id: s.id,
                        code: s.code,
                        name: s.name,
                    },
                )
            })
            .collect();
        drop(tx);
        let refs: HashMap<i64, AreaRef> = areas
            .iter()
            .map(|a| {
                (
                    a.id,
                    AreaRef {
                        id: a.id,
                        code: a.code.clone(),
                        name: a.name.clone(),
                    },
                )
            })
            .collect();
        let mut shapes = Vec::new();
        let mut answers = HashMap::new();
        for a in areas.iter().filter(|a| a.level == "micro_grid") {
            let Some(text) = &a.boundary else { continue };
            let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else {
                continue;
            };
            let Ok(mp) = multipolygon_from_geojson("boundary", &value) else {
                continue;
            };
            let (Some(grid), Some(community), Some(street)) = (
                a.grid_id.and_then(|g| refs.get(&g)),
                a.community_id.and_then(|c| refs.get(&c)),
                streets.get(&a.street_id),
            ) else {
                continue;
            };
            shapes.push((a.id, mp));
            answers.insert(
                a.id,
                Located {
                    micro_grid: refs[&a.id].clone(),
                    grid: grid.clone(),
                    community: community.clone(),
                    street: street.clone(),
                },
            );
        }
        let n = shapes.len();
        let snapshot = Arc::new(Snapshot {
            index: AreaIndex::new(shapes),
            answers,
        });
        *self.current.write().expect("locator lock") = Some(snapshot);
        Ok(n)
    }

    /// Validates the coordinate, converts GCJ-02 to WGS-84 if asked, and finds the micro-grid.
    pub fn locate(&self, lat: Option<f64>, lng: Option<f64>, crs: Crs) -> Result<Located, AppError> {
        let lat = lat.ok_or_else(|| AppError::field("lat", "is required and must be a number"))?;
        let lng = lng.ok_or_else(|| AppError::field("lng", "is required and must be a number"))?;
        check_lat_lng(lat, lng)?;
        let (lat, lng) = match crs {
            Crs::Wgs84 => (lat, lng),
            Crs::Gcj02 => gcj02_to_wgs84(lat, lng),
        };
        let snap = self.current.read().expect("locator lock").clone().ok_or(AppError::NotFound)?;
        let id = snap.index.locate(lat, lng).ok_or(AppError::NotFound)?;
        snap.answers.get(&id).cloned().ok_or(AppError::NotFound)
    }

    pub fn len(&self) -> usize {
        self.current
            .read()
            .expect("locator lock")
            .as_ref()
            .map_or(0, |s| s.index.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
