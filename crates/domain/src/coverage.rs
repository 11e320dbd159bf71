//! T3 coverage check — "horizontal to the edge, vertical to the bottom, no blind spots": every
//! building in exactly one micro-grid, areas tiling their parent without overlap or gap, and every
//! unit staffed as the policy requires. Policy numbers are settings.

use std::collections::HashMap;

use geo::{BooleanOps, BoundingRect, Intersects, MultiPolygon, Point};
use serde::{Deserialize, Serialize};

use crate::geometry::{AreaIndex, area_m2};
use crate::territory::Level;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CoveragePolicy {
    /// Most households one building leader (liaison) may serve (Nanjing Gulou: 10–14).
    pub max_households_per_liaison: i64,
    /// "1 full-time + 2 part-time" per grid.
    pub min_full_time_per_grid: i64,
    pub min_part_time_per_grid: i64,
    /// Overlaps and gaps smaller than this many m² are drawing noise, not findings.
    pub area_tolerance_m2: f64,
}

impl Default for CoveragePolicy {
    fn default() -> Self {
        Self {
            max_households_per_liaison: 14,
            min_full_time_per_grid: 1,
            min_part_time_per_grid: 2,
            area_tolerance_m2: 1.0,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AreaNode {
    pub id: i64,
    pub level: Level,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub boundary: Option<MultiPolygon<f64>>,
}

#[derive(Debug, Clone)]
pub struct BuildingNode {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub micro_grid_id: Option<i64>,
    pub location: Option<Point<f64>>,
}

/// A liaison (building leader) and the households of the buildings they lead.
#[derive(Debug, Clone)]
pub struct Liaison {
    pub person_id: i64,
    pub name: String,
    pub households: i64,
}

#[derive(Debug, Clone, Default)]
pub struct CoverageInput {
    pub areas: Vec<AreaNode>,
    pub buildings: Vec<BuildingNode>,
    /// Active micro-grid leaders per micro-grid id.
    pub leaders: HashMap<i64, i64>,
    /// Active full-time and part-time workers per grid id.
    pub full_time: HashMap<i64, i64>,
    pub part_time: HashMap<i64, i64>,
    pub liaisons: Vec<Liaison>,
}

/// What a finding is about: an area, a building or a person, by id, code and name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Subject {
    pub kind: &'static str,
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Finding {
    BuildingUnassigned { building: Subject },
    BuildingOutsideMicroGrids { building: Subject },
    BuildingInSeveralMicroGrids { building: Subject, micro_grids: Vec<Subject> },
    BuildingOutsideItsMicroGrid { building: Subject, micro_grid: Subject },
    AreaWithoutBoundary { area: Subject },
    Overlap { a: Subject, b: Subject, area_m2: f64 },
    Gap { parent: Subject, area_m2: f64 },
    MicroGridWithoutLeader { micro_grid: Subject },
    MicroGridWithoutFullTimeWorker { micro_grid: Subject },
    LiaisonOverloaded { person: Subject, households: i64, max: i64 },
    GridUnderstaffed { grid: Subject, full_time: i64, part_time: i64 },
}

impl Finding {
    pub fn rule(&self) -> &'static str {
        match self {
            Finding::BuildingUnassigned { .. } => "building_unassigned",
            Finding::BuildingOutsideMicroGrids { .. } => "building_outside_micro_grids",
            Finding::BuildingInSeveralMicroGrids { .. } => "building_in_several_micro_grids",
            Finding::BuildingOutsideItsMicroGrid { .. } => "building_outside_its_micro_grid",
            Finding::AreaWithoutBoundary { .. } => "area_without_boundary",
            Finding::Overlap { .. } => "overlap",
            Finding::Gap { .. } => "gap",
            Finding::MicroGridWithoutLeader { .. } => "micro_grid_without_leader",
            Finding::MicroGridWithoutFullTimeWorker { .. } => "micro_grid_without_full_time_worker",
            Finding::LiaisonOverloaded { .. } => "liaison_overloaded",
            Finding::GridUnderstaffed { .. } => "grid_understaffed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct CoverageReport {
    pub policy: CoveragePolicy,
    pub areas_checked: usize,
    pub buildings_checked: usize,
    pub findings: Vec<Finding>,
}

impl CoverageReport {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
    pub fn count(&self, rule: &str) -> usize {
        self.findings.iter().filter(|f| f.rule() == rule).count()
    }
}

fn area_subject(a: &AreaNode) -> Subject {
    Subject {
        kind: a.level.as_str(),
        id: a.id,
        code: a.code.clone(),
        name: a.name.clone(),
    }
}

fn building_subject(b: &BuildingNode) -> Subject {
    Subject {
        kind: "building",
        id: b.id,
        code: b.code.clone(),
        name: b.name.clone(),
    }
}

pub fn check(input: &CoverageInput, policy: &CoveragePolicy) -> CoverageReport {
    let mut findings = Vec::new();
    let by_id: HashMap<i64, &AreaNode> = input.areas.iter().map(|a| (a.id, a)).collect();
    let micro_grids: Vec<&AreaNode> = input.areas.iter().filter(|a| a.level == Level::MicroGrid).collect();

    for a in &input.areas {
        if a.boundary.is_none() {
            findings.push(Finding::AreaWithoutBoundary { area: area_subject(a) });
        }
    }
    check_buildings(input, &by_id, &micro_grids, &mut findings);
    check_tiling(input, policy, &mut findings);

    for mg in &micro_grids {
        if input.leaders.get(&mg.id).copied().unwrap_or(0) == 0 {
            findings.push(Finding::MicroGridWithoutLeader {
                micro_grid: area_subject(mg),
            });
        }
        let grid_has_worker = mg.parent_id.and_then(|g| input.full_time.get(&g)).copied().unwrap_or(0) > 0;
        if !grid_has_worker {
            findings.push(Finding::MicroGridWithoutFullTimeWorker {
                micro_grid: area_subject(mg),
            });
        }
    }
    for l in &input.liaisons {
        if l.households > policy.max_households_per_liaison {
            findings.push(Finding::LiaisonOverloaded {
                person: Subject {
                    kind: "person",
                    id: l.person_id,
                    code: String::new(),
                    name: l.name.clone(),
                },
                households: l.households,
                max: policy.max_households_per_liaison,
            });
        }
    }
    for g in input.areas.iter().filter(|a| a.level == Level::Grid) {
        let full_time = input.full_time.get(&g.id).copied().unwrap_or(0);
        let part_time = input.part_time.get(&g.id).copied().unwrap_or(0);
        if full_time < policy.min_full_time_per_grid || part_time < policy.min_part_time_per_grid {
            findings.push(Finding::GridUnderstaffed {
                grid: area_subject(g),
                full_time,
                part_time,
            });
        }
    }
    CoverageReport {
        policy: *policy,
        areas_checked: input.areas.len(),
        buildings_checked: input.buildings.len(),
        findings,
    }
}

fn check_buildings(
    input: &CoverageInput,
    by_id: &HashMap<i64, &AreaNode>,
    micro_grids: &[&AreaNode],
    findings: &mut Vec<Finding>,
) {
    let index = AreaIndex::new(
        micro_grids
            .iter()
            .filter_map(|m| m.boundary.clone().map(|b| (m.id, b)))
            .collect(),
    );
    for b in &input.buildings {
        if b.micro_grid_id.is_none() {
            findings.push(Finding::BuildingUnassigned {
                building: building_subject(b),
            });
        }
        let Some(p) = b.location else { continue };
        let hits = index.containing(p.y(), p.x());
        match hits.as_slice() {
            [] if !index.is_empty() => findings.push(Finding::BuildingOutsideMicroGrids {
                building: building_subject(b),
            }),
            [] => {}
            [one] => {
                if let Some(assigned) = b.micro_grid_id.filter(|m| m != one) {
                    if let Some(mg) = by_id.get(&assigned).filter(|m| m.boundary.is_some()) {
                        findings.push(Finding::BuildingOutsideItsMicroGrid {
                            building: building_subject(b),
                            micro_grid: area_subject(mg),
                        });
                    }
                }
            }
            several => findings.push(Finding::BuildingInSeveralMicroGrids {
                building: building_subject(b),
                micro_grids: several
                    .iter()
                    .filter_map(|id| by_id.get(id))
                    .map(|a| area_subject(a))
                    .collect(),
            }),
        }
    }
}

/// Siblings must not overlap, and together they must fill their parent.
fn check_tiling(input: &CoverageInput, policy: &CoveragePolicy, findings: &mut Vec<Finding>) {
    let mut children: HashMap<i64, Vec<&AreaNode>> = HashMap::new();
    for a in input.areas.iter().filter(|a| a.boundary.is_some()) {
        if let Some(p) = a.parent_id {
            children.entry(p).or_default().push(a);
        }
    }
    let mut parents: Vec<&AreaNode> = input
        .areas
        .iter()
        .filter(|a| a.boundary.is_some() && children.contains_key(&a.id))
        .collect();
    parents.sort_by_key(|a| a.id);
    for parent in parents {
        let kids = &children[&parent.id];
        for (i, a) in kids.iter().enumerate() {
            let (ab, ar) = (a.boundary.as_ref().unwrap(), a.boundary.as_ref().unwrap().bounding_rect());
            for b in &kids[i + 1..] {
                let bb = b.boundary.as_ref().unwrap();
                let (Some(ar), Some(br)) = (ar, bb.bounding_rect()) else {
                    continue;
                };
                if !ar.intersects(&br) {
                    continue;
                }
                let overlap = area_m2(&ab.intersection(bb));
                if overlap > policy.area_tolerance_m2 {
                    findings.push(Finding::Overlap {
                        a: area_subject(a),
                        b: area_subject(b),
                        area_m2: overlap.round(),
                    });
                }
            }
        }
        // One union of all siblings: folding pairwise unions drifts on decimal coordinates and
        // leaves false gaps between exactly tiling polygons.
        let union = geo::unary_union(kids.iter().map(|k| k.boundary.as_ref().unwrap()));
        let gap = area_m2(&parent.boundary.as_ref().unwrap().difference(&union));
        if gap > policy.area_tolerance_m2 {
            findings.push(Finding::Gap {
                parent: area_subject(parent),
                area_m2: gap.round(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn sq(x: f64, y: f64, w: f64, h: f64) -> Option<MultiPolygon<f64>> {
        Some(MultiPolygon(vec![
            polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h), (x: x, y: y)],
        ]))
    }

    fn area(id: i64, level: Level, parent: Option<i64>, b: Option<MultiPolygon<f64>>) -> AreaNode {
        AreaNode {
            id,
            level,
            parent_id: parent,
            code: format!("c{id}"),
            name: format!("n{id}"),
            boundary: b,
        }
    }

    fn staffed(input: &mut CoverageInput) {
        for a in &input.areas {
            match a.level {
                Level::MicroGrid => {
                    input.leaders.insert(a.id, 1);
                }
                Level::Grid => {
                    input.full_time.insert(a.id, 1);
                    input.part_time.insert(a.id, 2);
                }
                _ => {}
            }
        }
    }

    fn tiled() -> CoverageInput {
        let mut input = CoverageInput {
            areas: vec![
                area(1, Level::Grid, None, sq(121.0, 31.0, 0.02, 0.01)),
                area(2, Level::MicroGrid, Some(1), sq(121.0, 31.0, 0.01, 0.01)),
                area(3, Level::MicroGrid, Some(1), sq(121.01, 31.0, 0.01, 0.01)),
            ],
            buildings: vec![BuildingNode {
                id: 10,
                code: "b".into(),
                name: "b".into(),
                micro_grid_id: Some(2),
                location: Some(Point::new(121.005, 31.005)),
            }],
            ..Default::default()
        };
        staffed(&mut input);
        input
    }

    #[test]
    fn t3_clean_tiling_has_no_findings() {
        let r = check(&tiled(), &CoveragePolicy::default());
        assert!(r.is_clean(), "{:?}", r.findings);
    }

    #[test]
    fn t3_reports_overlap_and_gap() {
        let mut input = tiled();
        input.areas[2].boundary = sq(121.009, 31.0, 0.005, 0.01);
        let r = check(&input, &CoveragePolicy::default());
        assert_eq!(r.count("overlap"), 1);
        assert_eq!(r.count("gap"), 1);
    }

    #[test]
    fn t3_reports_buildings_outside_unassigned_or_in_two() {
        let mut input = tiled();
        input.buildings.push(BuildingNode {
            id: 11,
            code: "x".into(),
            name: "x".into(),
            micro_grid_id: None,
            location: Some(Point::new(125.0, 31.0)),
        });
        input
            .areas
            .push(area(4, Level::MicroGrid, Some(1), sq(121.004, 31.004, 0.002, 0.002)));
        input.leaders.insert(4, 1);
        let r = check(&input, &CoveragePolicy::default());
        assert_eq!(r.count("building_unassigned"), 1);
        assert_eq!(r.count("building_outside_micro_grids"), 1);
        assert_eq!(r.count("building_in_several_micro_grids"), 1);
    }

    #[test]
    fn t3_reports_staffing_against_policy() {
        let mut input = tiled();
        input.leaders.remove(&3);
        input.part_time.insert(1, 1);
        input.liaisons.push(Liaison {
            person_id: 5,
            name: "王芳".into(),
            households: 15,
        });
        let r = check(&input, &CoveragePolicy::default());
        assert_eq!(r.count("micro_grid_without_leader"), 1);
        assert_eq!(r.count("grid_understaffed"), 1);
        assert_eq!(r.count("liaison_overloaded"), 1);
        let lenient = CoveragePolicy {
            max_households_per_liaison: 20,
            min_part_time_per_grid: 1,
            ..Default::default()
        };
        let r = check(&input, &lenient);
        assert_eq!(r.count("liaison_overloaded"), 0);
        assert_eq!(r.count("grid_understaffed"), 0);
    }
}
