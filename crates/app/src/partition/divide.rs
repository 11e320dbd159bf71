//! G1–G2 computation, no I/O: the buildings of a territory as partition units, their cells,
//! adjacency and fixed groups, the division, and the quality of the current and the proposed
//! division measured the same way.
//!
//! * **Units** are the buildings with a location; weight = households (rows of `households`).
//!   Buildings with no grid that stand inside a grid of the territory join that grid.
//! * **Cells**: each building's Voronoi cell clipped to its grid (or, with `within =
//!   community`, its community), minus micro-grids holding no located building (they stay as
//!   they are). A grid without a boundary uses its micro-grids' union, else the box around its
//!   buildings plus 30 m. Unit area and perimeter are those of the cell, so Polsby–Popper means
//!   something for point buildings, and a part's boundary is the union of its cells.
//! * **Adjacency**: shared cell boundaries within each group (with their lengths), from the
//!   partition crate's `derive_edges` (k-nearest neighbours for a building whose cell is empty);
//!   or the edges given by the caller (CLI `--edges`).
//! * **Groups**: grids (default) or communities; no part crosses one.

use std::collections::{BTreeMap, HashMap};

use geo::{BooleanOps, Contains, MultiPolygon, Point, Polygon};
use onegrid_domain::geometry::{LocalFrame, multipolygon_from_geojson, to_geojson_value, voronoi_cells};
use onegrid_partition::exchange::{Shape, UnitsData};
use onegrid_partition::geometry::{Projection, polygon_measures};
use onegrid_partition::{Control, Edge, Options, Policy, Problem, Unit, report};
use onegrid_store::partition::BuildingLoad;
use onegrid_store::territory::Area;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{DivisionRequest, Within};
use crate::AppError;

/// The territory a division works on, as read from the database.
#[derive(Debug, Clone)]
pub struct Ground {
    pub street_id: i64,
    /// Grids of the territory (in service), by code.
    pub grids: Vec<Area>,
    /// Micro-grids in service under those grids.
    pub micro_grids: Vec<Area>,
    /// Buildings of those grids, and buildings with no grid standing inside one of them.
    pub buildings: Vec<BuildingLoad>,
    /// Buildings of the street with no grid that stand in none of these grids (only reported
    /// when the territory is the whole street).
    pub outside: Vec<BuildingLoad>,
}

fn shape(text: Option<&str>) -> Option<MultiPolygon<f64>> {
    let v: serde_json::Value = serde_json::from_str(text?).ok()?;
    multipolygon_from_geojson("boundary", &v).ok()
}

impl Ground {
    /// Splits the candidate buildings: those of the grids (or inside one), and the rest.
    pub fn new(street_id: i64, grids: Vec<Area>, micro_grids: Vec<Area>, candidates: Vec<BuildingLoad>) -> Ground {
        let grid_ids: Vec<i64> = grids.iter().map(|g| g.id).collect();
        let shapes: Vec<(i64, Option<MultiPolygon<f64>>)> = grids.iter().map(|g| (g.id, shape(g.boundary.as_deref()))).collect();
        let (mut buildings, mut outside) = (Vec::new(), Vec::new());
        for mut b in candidates {
            if b.grid_id.is_some_and(|g| grid_ids.contains(&g)) {
                buildings.push(b);
                continue;
            }
            let at = b.lat.zip(b.lng).map(|(lat, lng)| Point::new(lng, lat));
            let home = at.and_then(|p| {
                shapes
                    .iter()
                    .find(|(_, s)| s.as_ref().is_some_and(|s| s.contains(&p)))
                    .map(|(id, _)| *id)
            });
            match home {
                Some(g) if b.grid_id.is_none() => {
                    b.grid_id = Some(g);
                    b.community_id = grids.iter().find(|x| x.id == g).and_then(|x| x.community_id);
                    buildings.push(b);
                }
                _ if b.grid_id.is_none() => outside.push(b),
                _ => {}
            }
        }
        Ground {
            street_id,
            grids,
            micro_grids,
            buildings,
            outside,
        }
    }

    /// A hash of everything a proposal depends on: grids and micro-grids with their
    /// boundaries, and each building's place, location and households. Accepting compares it
    /// with the proposal's, so a proposal made on another territory is refused.
    pub fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for g in &self.grids {
            h.update(format!(
                "g{}|{}|{}\n",
                g.id,
                g.community_id.unwrap_or(0),
                g.boundary.as_deref().unwrap_or("")
            ));
        }
        for m in &self.micro_grids {
            h.update(format!(
                "m{}|{}|{}\n",
                m.id,
                m.grid_id.unwrap_or(0),
                m.boundary.as_deref().unwrap_or("")
            ));
        }
        for b in &self.buildings {
            h.update(format!(
                "b{}|{:?}|{:?}|{}|{:?}|{:?}\n",
                b.id, b.grid_id, b.micro_grid_id, b.households, b.lat, b.lng
            ));
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// A building in a division: where it is now and its part in the proposal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DivisionUnit {
    pub building_id: i64,
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lng: f64,
    pub households: i64,
    pub grid_id: i64,
    pub micro_grid_id: Option<i64>,
    pub part: u32,
}

/// A part of the proposal: its grid (the one holding most of its households), load and
/// boundary (GeoJSON, the union of its buildings' cells).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProposedPart {
    pub part: u32,
    pub grid_id: i64,
    pub households: i64,
    pub buildings: usize,
    pub boundary: Option<serde_json::Value>,
    /// What accepting would do with it (filled in for stored proposals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Skipped {
    pub building_id: i64,
    pub code: String,
    pub reason: String,
}

/// The parameters a division ran with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DivisionParams {
    /// `cap` or `parts`.
    pub policy: String,
    pub cap: Option<f64>,
    pub k: Option<usize>,
    pub seed: u64,
    pub within: Within,
}

/// A proposed division and the quality of the current and the proposed one (SPEC G2).
#[derive(Debug, Clone, Serialize)]
pub struct Division {
    pub street_id: i64,
    pub params: DivisionParams,
    pub units: Vec<DivisionUnit>,
    pub parts: Vec<ProposedPart>,
    pub skipped: Vec<Skipped>,
    /// The buildings' current micro-grids, scored on the same cells and adjacency.
    pub current: report::Report,
    pub proposed: report::Report,
    pub diff: report::Diff,
    pub notes: Vec<String>,
    /// Codes of the current micro-grids the units are in, by id.
    pub micro_grid_codes: BTreeMap<i64, String>,
    /// Time to compute cells and the division, ms.
    pub millis: f64,
    #[serde(skip)]
    pub fingerprint: String,
}

fn to_partition_polygons(mp: &MultiPolygon<f64>) -> Vec<Vec<Vec<[f64; 2]>>> {
    mp.0.iter()
        .map(|p| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| {
                    let mut v: Vec<[f64; 2]> = r.coords().map(|c| [c.x, c.y]).collect();
                    if v.len() > 1 && v.first() == v.last() {
                        v.pop();
                    }
                    v
                })
                .collect()
        })
        .collect()
}

fn bbox_polygon(pts: &[[f64; 2]], pad: f64) -> MultiPolygon<f64> {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in pts {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    let (x0, y0, x1, y1) = (x0 - pad, y0 - pad, x1 + pad, y1 + pad);
    MultiPolygon(vec![Polygon::new(
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)].into(),
        vec![],
    )])
}

/// The division of `ground` as `req` asks (`cap` is the cap in force when `req.k` is not set).
pub fn divide(ground: &Ground, req: &DivisionRequest, cap: f64) -> Result<Division, AppError> {
    let started = std::time::Instant::now();
    let whole_street = req.area_id.is_none();
    let mut skipped = Vec::new();
    let mut located: Vec<&BuildingLoad> = Vec::new();
    for b in &ground.buildings {
        if b.lat.is_some() && b.lng.is_some() {
            located.push(b);
        } else {
            skipped.push(Skipped {
                building_id: b.id,
                code: b.code.clone(),
                reason: "no location".into(),
            });
        }
    }
    if whole_street {
        for b in &ground.outside {
            skipped.push(Skipped {
                building_id: b.id,
                code: b.code.clone(),
                reason: "in no grid".into(),
            });
        }
    }
    if located.is_empty() {
        return Err(AppError::field("area_id", "has no building with a location to divide"));
    }
    let n = located.len();
    let policy = match req.k {
        Some(k) if k == 0 || k > n => {
            return Err(AppError::field(
                "k",
                format!("must be between 1 and the number of buildings ({n})"),
            ));
        }
        Some(k) => Policy::Parts(k),
        None => Policy::Cap(cap),
    };
    let grid_of: HashMap<i64, &Area> = ground.grids.iter().map(|g| (g.id, g)).collect();
    // Fixed groups: grids, or their communities.
    let group_key = |b: &BuildingLoad| -> i64 {
        let g = b.grid_id.expect("buildings of the ground have a grid");
        match req.within {
            Within::Grid => g,
            Within::Community => grid_of.get(&g).and_then(|a| a.community_id).unwrap_or(-g),
        }
    };
    let mut keys: Vec<i64> = located.iter().map(|b| group_key(b)).collect();
    keys.sort_unstable();
    keys.dedup();
    let group_index: HashMap<i64, u32> = keys.iter().enumerate().map(|(i, k)| (*k, i as u32)).collect();
    let groups: Vec<u32> = located.iter().map(|b| group_index[&group_key(b)]).collect();

    let frame = LocalFrame::around(located.iter().map(|b| (b.lng.unwrap(), b.lat.unwrap())));
    let sites: Vec<[f64; 2]> = located.iter().map(|b| frame.to_xy(b.lng.unwrap(), b.lat.unwrap())).collect();
    // Micro-grids holding a located building are redrawn; the others are left as they are.
    let mut holding: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for b in &located {
        if let Some(m) = b.micro_grid_id {
            holding.insert(m);
        }
    }
    let mut cells: Vec<MultiPolygon<f64>> = vec![MultiPolygon(Vec::new()); n];
    for (gi, _) in keys.iter().enumerate() {
        let members: Vec<usize> = (0..n).filter(|&i| groups[i] == gi as u32).collect();
        let member_sites: Vec<[f64; 2]> = members.iter().map(|&i| sites[i]).collect();
        let grid_ids: Vec<i64> = {
            let mut v: Vec<i64> = members.iter().map(|&i| located[i].grid_id.unwrap()).collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let mut region: Option<MultiPolygon<f64>> = None;
        let mut untouched: Vec<MultiPolygon<f64>> = Vec::new();
        for g in &grid_ids {
            let kids: Vec<&Area> = ground.micro_grids.iter().filter(|m| m.grid_id == Some(*g)).collect();
            let own = grid_of.get(g).and_then(|a| shape(a.boundary.as_deref())).or_else(|| {
                let shapes: Vec<MultiPolygon<f64>> = kids.iter().filter_map(|m| shape(m.boundary.as_deref())).collect();
                (!shapes.is_empty()).then(|| geo::unary_union(shapes.iter()))
            });
            if let Some(s) = own {
                region = Some(match region {
                    Some(r) => r.union(&s),
                    None => s,
                });
            }
            for m in kids.iter().filter(|m| !holding.contains(&m.id)) {
                if let Some(s) = shape(m.boundary.as_deref()) {
                    untouched.push(s);
                }
            }
        }
        let mut region = region.unwrap_or_else(|| frame.shape_to_lon_lat(&bbox_polygon(&member_sites, 30.0)));
        if !untouched.is_empty() {
            region = region.difference(&geo::unary_union(untouched.iter()));
        }
        for (k, cell) in voronoi_cells(&member_sites, &frame, &region).into_iter().enumerate() {
            cells[members[k]] = cell;
        }
    }

    // The partition problem: units with cell measures, adjacency within each group.
    let (lon0, lat0) = frame.to_lon_lat(0.0, 0.0);
    let projection = Projection::around(lon0, lat0);
    let polys: Vec<Vec<Vec<Vec<[f64; 2]>>>> = cells.iter().map(to_partition_polygons).collect();
    let units: Vec<Unit> = (0..n)
        .map(|i| {
            let (area, perimeter, _) = polygon_measures(&polys[i]);
            let [x, y] = projection.project(located[i].lng.unwrap(), located[i].lat.unwrap());
            Unit {
                weight: located[i].households as f64,
                x,
                y,
                area: Some(area),
                perimeter: Some(perimeter),
            }
        })
        .collect();
    let edges: Vec<Edge> = match &req.edges_csv {
        Some(text) => {
            onegrid_partition::exchange::parse_edges_csv(text, n).map_err(|e| AppError::field("edges", e.to_string()))?
        }
        None => {
            let mut edges = Vec::new();
            for (gi, _) in keys.iter().enumerate() {
                let members: Vec<usize> = (0..n).filter(|&i| groups[i] == gi as u32).collect();
                let data = UnitsData {
                    units: members.iter().map(|&i| units[i].clone()).collect(),
                    shapes: members.iter().map(|&i| Shape::Polygons(polys[i].clone())).collect(),
                    projection,
                };
                for e in data.derive_edges() {
                    edges.push(Edge {
                        u: members[e.u as usize] as u32,
                        v: members[e.v as usize] as u32,
                        length: e.length,
                    });
                }
            }
            edges
        }
    };
    let problem = Problem {
        units,
        edges,
        groups: Some(groups),
    };
    let options = Options {
        policy,
        seed: req.seed,
        tolerance: 0.05,
        attempts: 0,
    };
    let assignment = onegrid_partition::partition(&problem, &options, &Control::default()).map_err(|e| match e {
        onegrid_partition::PartitionError::Invalid(m) => AppError::field("edges", m),
        other => AppError::Internal(other.to_string()),
    })?;

    // The current division on the same units: micro-grid per building, a part of its own for
    // a building in none.
    let mut dense: BTreeMap<i64, u32> = BTreeMap::new();
    for b in &located {
        if let Some(m) = b.micro_grid_id {
            let next = dense.len() as u32;
            dense.entry(m).or_insert(next);
        }
    }
    let mut lone = dense.len() as u32;
    let current: Vec<u32> = located
        .iter()
        .map(|b| match b.micro_grid_id {
            Some(m) => dense[&m],
            None => {
                lone += 1;
                lone - 1
            }
        })
        .collect();
    let cap_of = match policy {
        Policy::Cap(c) => Some(c),
        Policy::Parts(_) => None,
    };
    let scored = |parts: &[u32]| report::score(&problem, parts, cap_of).map_err(|e| AppError::Internal(e.to_string()));
    let current_report = scored(&current)?;
    let proposed_report = scored(&assignment.parts)?;
    let weights: Vec<f64> = problem.units.iter().map(|u| u.weight).collect();
    let diff = report::diff(&current, &assignment.parts, Some(&weights)).map_err(|e| AppError::Internal(e.to_string()))?;

    let mut parts = Vec::with_capacity(assignment.n_parts);
    for p in 0..assignment.n_parts as u32 {
        let members: Vec<usize> = (0..n).filter(|&i| assignment.parts[i] == p).collect();
        let mut by_grid: BTreeMap<i64, i64> = BTreeMap::new();
        for &i in &members {
            *by_grid.entry(located[i].grid_id.unwrap()).or_default() += located[i].households;
        }
        let grid_id = by_grid
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(g, _)| *g)
            .unwrap_or(0);
        let union = geo::unary_union(members.iter().map(|&i| &cells[i]));
        parts.push(ProposedPart {
            part: p,
            grid_id,
            households: members.iter().map(|&i| located[i].households).sum(),
            buildings: members.len(),
            boundary: (!union.0.is_empty()).then(|| to_geojson_value(&union)),
            target: None,
        });
    }
    let units_out = located
        .iter()
        .enumerate()
        .map(|(i, b)| DivisionUnit {
            building_id: b.id,
            code: b.code.clone(),
            name: b.name.clone(),
            lat: b.lat.unwrap(),
            lng: b.lng.unwrap(),
            households: b.households,
            grid_id: b.grid_id.unwrap(),
            micro_grid_id: b.micro_grid_id,
            part: assignment.parts[i],
        })
        .collect();
    let params = DivisionParams {
        policy: if req.k.is_some() { "parts" } else { "cap" }.into(),
        cap: cap_of,
        k: req.k,
        seed: req.seed,
        within: req.within,
    };
    Ok(Division {
        street_id: ground.street_id,
        params,
        units: units_out,
        parts,
        skipped,
        current: current_report,
        proposed: proposed_report,
        diff,
        notes: assignment.notes,
        micro_grid_codes: ground.micro_grids.iter().map(|m| (m.id, m.code.clone())).collect(),
        millis: started.elapsed().as_secs_f64() * 1e3,
        fingerprint: ground.fingerprint(),
    })
}
