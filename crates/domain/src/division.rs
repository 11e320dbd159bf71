//! G1–G2: what accepting a proposed micro-grid division changes in one grid.
//!
//! A proposal assigns each building of the grid to a part. Accepting it should disturb a
//! street as little as the new division allows, because a micro-grid is more than its
//! buildings: it has a code printed on notices, a leader residents know, a party branch and a
//! history of cases. So:
//! * each part is matched to at most one current micro-grid and vice versa, heaviest overlap
//!   (households, then buildings) first; a matched part **keeps** that micro-grid (id, code,
//!   name, leader) and only its buildings and boundary change;
//! * an unmatched part becomes a **new** micro-grid with the next free code of the grid,
//!   `grid code + '-' + NN` (T1; codes of retired micro-grids are never reused);
//! * a current micro-grid that held buildings of the proposal and matches no part is
//!   **retired**; its *successor* is the part that received most of its households (its
//!   enterprises, teams and party members follow). Since the matching is maximal, a retired
//!   micro-grid overlaps only kept parts and a new part only kept micro-grids: a new
//!   micro-grid has no predecessor whose leader it could inherit;
//! * micro-grids that held none of the proposal's buildings are left alone.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

/// Where a building is now and where the proposal puts it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    pub building_id: i64,
    pub households: i64,
    /// Its current micro-grid, if any.
    pub current: Option<i64>,
    /// Its part in the proposal.
    pub part: u32,
}

/// What becomes of one part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// The part keeps this current micro-grid.
    Keep { micro_grid_id: i64 },
    /// The part becomes a new micro-grid with this code.
    New { code: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartPlan {
    pub part: u32,
    pub target: Target,
    pub buildings: Vec<i64>,
    pub households: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retirement {
    pub micro_grid_id: i64,
    /// The part that received most of its households.
    pub successor: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct AcceptPlan {
    /// In part order.
    pub parts: Vec<PartPlan>,
    /// In id order.
    pub retired: Vec<Retirement>,
    /// Buildings whose micro-grid changes (or that get one for the first time).
    pub moved: usize,
}

impl AcceptPlan {
    pub fn target_of(&self, part: u32) -> Option<&Target> {
        self.parts.iter().find(|p| p.part == part).map(|p| &p.target)
    }
}

/// The next `count` free codes under `grid_code`: `grid_code-01`, `-02` …, skipping codes in use.
pub fn next_codes(grid_code: &str, in_use: &HashSet<String>, count: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    let mut n = 1;
    while out.len() < count {
        let code = format!("{grid_code}-{n:02}");
        if !in_use.contains(&code) {
            out.push(code);
        }
        n += 1;
    }
    out
}

/// Overlap of (micro-grid, part): (households, buildings).
type Overlap = BTreeMap<(i64, u32), (i64, usize)>;

/// Greedy one-to-one matching of (a, b) pairs by descending weight; ties by ids, so the plan
/// is the same on every run.
fn match_pairs(weights: &Overlap) -> Vec<(i64, u32)> {
    let mut pairs: Vec<_> = weights.iter().collect();
    pairs.sort_by(|x, y| y.1.cmp(x.1).then(x.0.cmp(y.0)));
    let (mut used_a, mut used_b) = (HashSet::new(), HashSet::new());
    let mut out = Vec::new();
    for (&(a, b), _) in pairs {
        if used_a.contains(&a) || used_b.contains(&b) {
            continue;
        }
        used_a.insert(a);
        used_b.insert(b);
        out.push((a, b));
    }
    out
}

/// The plan for one grid. `current` lists the grid's micro-grids in service (ids); codes in
/// `in_use` (every area code of the street, retired ones included) are not given to new parts.
pub fn plan(grid_code: &str, placements: &[Placement], current: &[i64], in_use: &HashSet<String>) -> AcceptPlan {
    let current: HashSet<i64> = current.iter().copied().collect();
    // Overlap of each current micro-grid with each part: (households, buildings).
    let mut overlap: Overlap = BTreeMap::new();
    let mut parts: BTreeMap<u32, (Vec<i64>, i64)> = BTreeMap::new();
    let mut involved: Vec<i64> = Vec::new();
    for p in placements {
        let e = parts.entry(p.part).or_default();
        e.0.push(p.building_id);
        e.1 += p.households;
        if let Some(m) = p.current.filter(|m| current.contains(m)) {
            let o = overlap.entry((m, p.part)).or_default();
            o.0 += p.households;
            o.1 += 1;
            involved.push(m);
        }
    }
    involved.sort_unstable();
    involved.dedup();
    let kept: BTreeMap<u32, i64> = match_pairs(&overlap).into_iter().map(|(m, p)| (p, m)).collect();
    let kept_ids: HashSet<i64> = kept.values().copied().collect();
    let retired_ids: Vec<i64> = involved.iter().copied().filter(|m| !kept_ids.contains(m)).collect();
    let new_parts = parts.keys().filter(|p| !kept.contains_key(p)).count();
    let mut codes = next_codes(grid_code, in_use, new_parts).into_iter();
    let mut out = AcceptPlan::default();
    for (part, (mut buildings, households)) in parts {
        buildings.sort_unstable();
        let target = match kept.get(&part) {
            Some(&m) => Target::Keep { micro_grid_id: m },
            None => Target::New {
                code: codes.next().expect("one code per new part"),
            },
        };
        out.parts.push(PartPlan {
            part,
            target,
            buildings,
            households,
        });
    }
    for m in retired_ids {
        let successor = overlap
            .iter()
            .filter(|((mm, _), _)| *mm == m)
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.1.cmp(&a.0.1)))
            .map(|((_, p), _)| *p)
            .expect("a retired micro-grid overlaps some part");
        out.retired.push(Retirement {
            micro_grid_id: m,
            successor,
        });
    }
    out.moved = placements
        .iter()
        .filter(|p| match out.target_of(p.part) {
            Some(Target::Keep { micro_grid_id }) => p.current != Some(*micro_grid_id),
            _ => true,
        })
        .count();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(building_id: i64, households: i64, current: Option<i64>, part: u32) -> Placement {
        Placement {
            building_id,
            households,
            current,
            part,
        }
    }

    #[test]
    fn g2_unchanged_division_keeps_every_micro_grid() {
        let p = [at(1, 10, Some(100), 0), at(2, 12, Some(100), 0), at(3, 9, Some(200), 1)];
        let plan = plan("G", &p, &[100, 200], &HashSet::new());
        assert_eq!(plan.moved, 0);
        assert!(plan.retired.is_empty());
        assert_eq!(plan.target_of(0), Some(&Target::Keep { micro_grid_id: 100 }));
        assert_eq!(plan.target_of(1), Some(&Target::Keep { micro_grid_id: 200 }));
    }

    #[test]
    fn g2_merge_keeps_the_heavier_and_retires_the_other() {
        let p = [at(1, 10, Some(100), 0), at(2, 30, Some(200), 0)];
        let plan = plan("G", &p, &[100, 200, 300], &HashSet::new());
        assert_eq!(plan.target_of(0), Some(&Target::Keep { micro_grid_id: 200 }));
        assert_eq!(
            plan.retired,
            vec![Retirement {
                micro_grid_id: 100,
                successor: 0
            }]
        );
        assert_eq!(plan.moved, 1);
    }

    #[test]
    fn g2_split_creates_a_new_micro_grid_with_the_next_free_code() {
        let in_use: HashSet<String> = ["G-01", "G-02", "G-03"].iter().map(|s| s.to_string()).collect();
        let p = [at(1, 10, Some(100), 0), at(2, 12, Some(100), 1), at(3, 5, None, 1)];
        let plan = plan("G", &p, &[100], &in_use);
        assert_eq!(plan.target_of(1), Some(&Target::Keep { micro_grid_id: 100 }));
        assert_eq!(plan.target_of(0), Some(&Target::New { code: "G-04".into() }));
        assert_eq!(
            plan.moved, 2,
            "building 1 moves to the new part; building 3 gets its first micro-grid"
        );
    }

    #[test]
    fn g2_redraw_keeps_best_overlaps_retires_the_rest_and_names_new_parts() {
        // 100: a(20) b(15); 200: c(30) d(5); 300: e(5). Parts: 0 = {a}, 1 = {c, e}, 2 = {b, d}.
        let p = [
            at(1, 20, Some(100), 0),
            at(2, 15, Some(100), 2),
            at(3, 30, Some(200), 1),
            at(4, 5, Some(200), 2),
            at(5, 5, Some(300), 1),
        ];
        let in_use: HashSet<String> = ["G-01", "G-02", "G-03"].iter().map(|s| s.to_string()).collect();
        let plan = plan("G", &p, &[100, 200, 300], &in_use);
        assert_eq!(plan.target_of(1), Some(&Target::Keep { micro_grid_id: 200 }));
        assert_eq!(plan.target_of(0), Some(&Target::Keep { micro_grid_id: 100 }));
        assert_eq!(plan.target_of(2), Some(&Target::New { code: "G-04".into() }));
        assert_eq!(
            plan.retired,
            vec![Retirement {
                micro_grid_id: 300,
                successor: 1
            }]
        );
        assert_eq!(plan.moved, 3, "b and d to the new part, e to 200");
        assert_eq!(plan.parts[2].buildings, vec![2, 4]);
        assert_eq!(plan.parts[2].households, 20);
    }

    #[test]
    fn g2_codes_skip_those_in_use() {
        let in_use: HashSet<String> = ["G-01", "G-03"].iter().map(|s| s.to_string()).collect();
        assert_eq!(next_codes("G", &in_use, 3), vec!["G-02", "G-04", "G-05"]);
    }
}
