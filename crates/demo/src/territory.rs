//! T1: the street, its communities, grids and micro-grids (from the layout), buildings with
//! units and households, residents, and enterprises in the non-residential micro-grids.

use std::collections::{HashMap, HashSet};

use geo::Point;
use onegrid_domain::territory::{AreaRec, BuildingRec, EnterpriseRec, HouseholdRec, Level, MicroGridKind, UnitRec};

use crate::layout::{COLS, Cell, Lattice, ROWS, Rect, plan};
use crate::names::{
    COMMUNITY_SUFFIXES, ESTATE_STEMS, ESTATE_SUFFIXES, INDUSTRIAL_INDUSTRIES, OFFICE_INDUSTRIES, RETAIL_INDUSTRIES, ROADS,
    SHOP_INDUSTRIES, STREET_NAMES, TRADE_NAMES, cn_number, unique_estate,
};
use crate::residents;
use crate::rng::Rng;
use crate::{BuildingInfo, CommunityInfo, GridInfo, HouseholdInfo, MicroGridInfo, STREET_CODE, World};

/// Roads on the lines between communities, and the house numbers used along each.
struct Roads {
    pool: Vec<&'static str>,
    ew: HashMap<usize, &'static str>,
    ns: HashMap<usize, &'static str>,
    next_no: HashMap<&'static str, i64>,
}

impl Roads {
    fn new(rng: &mut Rng) -> Self {
        let mut pool = ROADS.to_vec();
        rng.shuffle(&mut pool);
        Self {
            pool,
            ew: HashMap::new(),
            ns: HashMap::new(),
            next_no: HashMap::new(),
        }
    }

    /// The east–west road along row line `j`.
    fn ew(&mut self, j: usize) -> &'static str {
        let pool = &mut self.pool;
        self.ew.entry(j).or_insert_with(|| pool.pop().expect("enough roads"))
    }

    /// The north–south road along column line `i`.
    fn ns(&mut self, i: usize) -> &'static str {
        let pool = &mut self.pool;
        self.ns.entry(i).or_insert_with(|| pool.pop().expect("enough roads"))
    }

    /// The road on the side of a community nearest to a cell.
    fn nearest(&mut self, r: &Rect, (i, j): Cell) -> &'static str {
        let sides = [(j - r.j0, 0), (r.j0 + r.h - 1 - j, 1), (i - r.i0, 2), (r.i0 + r.w - 1 - i, 3)];
        let (_, side) = sides.iter().min().copied().unwrap();
        match side {
            0 => self.ew(r.j0),
            1 => self.ew(r.j0 + r.h),
            2 => self.ns(r.i0),
            _ => self.ns(r.i0 + r.w),
        }
    }

    /// The next free house or lane number on a road, increasing along it.
    fn number(&mut self, rng: &mut Rng, road: &'static str, span: i64) -> i64 {
        let n = self.next_no.entry(road).or_insert_with(|| 2 * rng.range(15, 120));
        let at = *n;
        *n += span + 2 * rng.range(5, 60);
        at
    }
}

/// A residential estate (小区): a name, a lane off a road, and building numbers running on
/// through the micro-grids it spans.
struct Estate {
    name: String,
    road: &'static str,
    lane: i64,
    next_building: i64,
    micro_grids_left: i64,
}

pub(crate) fn build(seed: u64) -> World {
    let mut layout_rng = Rng::stream(seed, "layout");
    let lattice = Lattice::new(&mut layout_rng);
    let plan = plan(&mut layout_rng);
    let mut rng = Rng::stream(seed, "territory");
    let mut place_rng = Rng::stream(seed, "buildings");
    let mut people_rng = Rng::stream(seed, "residents");

    let street_name = rng.pick(STREET_NAMES).to_string();
    let mut w = World::new(street_name.clone());
    let all: Vec<Cell> = (0..ROWS).rev().flat_map(|j| (0..COLS).map(move |i| (i, j))).collect();
    let mut communities = Vec::new();
    let mut grids = Vec::new();
    let mut micro_grids = Vec::new();
    let street = AreaRec {
        level: Level::Street,
        code: STREET_CODE.to_string(),
        name: street_name,
        parent_code: None,
        kind: None,
        boundary: Some(lattice.boundary(&all)),
    };

    let mut roads = Roads::new(&mut rng);
    let mut estate_names: HashSet<String> = HashSet::new();
    let mut other_names: HashSet<String> = HashSet::new();
    let mut phones: HashSet<String> = HashSet::new();
    let mut district: Option<(String, usize)> = None;
    let mut park: Option<(String, usize)> = None;
    let margin = 0.12 * lattice.cell_w.min(lattice.cell_h);

    for (ci, cp) in plan.communities.iter().enumerate() {
        let ccode = format!("{STREET_CODE}-{:03}", ci + 1);
        let (_, short) = unique_estate(&mut rng, ESTATE_STEMS, COMMUNITY_SUFFIXES, &mut estate_names);
        let cname = format!("{short}居民区");
        communities.push(AreaRec {
            level: Level::Community,
            code: ccode.clone(),
            name: cname.clone(),
            parent_code: Some(STREET_CODE.to_string()),
            kind: None,
            boundary: Some(lattice.boundary(&cp.rect.cells())),
        });
        w.communities.push(CommunityInfo {
            code: ccode.clone(),
            name: cname,
            short: short.clone(),
            grids: vec![],
        });
        let mut first_estate = true;
        for (gi, grect) in cp.grids.iter().enumerate() {
            let gcode = format!("{ccode}-{:02}", gi + 1);
            let gname = format!("{short}第{}网格", cn_number(gi + 1));
            grids.push(AreaRec {
                level: Level::Grid,
                code: gcode.clone(),
                name: gname.clone(),
                parent_code: Some(ccode.clone()),
                kind: None,
                boundary: Some(lattice.boundary(&grect.cells())),
            });
            let g = w.grids.len();
            w.grids.push(GridInfo {
                code: gcode.clone(),
                name: gname,
                community: ci,
                micro_grids: vec![],
            });
            w.communities[ci].grids.push(g);
            let mut estate: Option<Estate> = None;
            for (mi, cell) in grect.cells().into_iter().enumerate() {
                let mcode = format!("{gcode}-{:02}", mi + 1);
                let kind = plan.kinds.get(&cell).copied().unwrap_or(MicroGridKind::Residential);
                let m = w.micro_grids.len();
                let mut spots = |n: usize| lattice.place_points(&mut place_rng, cell, n, margin, 18.0);
                let mut buildings: Vec<BuildingRec> = Vec::new();
                let name = match kind {
                    MicroGridKind::Residential => {
                        if estate.as_ref().is_none_or(|e| e.micro_grids_left == 0) {
                            let name = if first_estate {
                                short.clone()
                            } else {
                                unique_estate(&mut rng, ESTATE_STEMS, ESTATE_SUFFIXES, &mut estate_names).1
                            };
                            first_estate = false;
                            let road = roads.nearest(&cp.rect, cell);
                            let lane = roads.number(&mut rng, road, 0);
                            estate = Some(Estate {
                                name,
                                road,
                                lane,
                                next_building: 1,
                                micro_grids_left: rng.range(1, 3),
                            });
                        }
                        let e = estate.as_mut().unwrap();
                        e.micro_grids_left -= 1;
                        let n = rng.range(2, 5);
                        let first = e.next_building;
                        e.next_building += n;
                        for (k, at) in spots(n as usize).into_iter().enumerate() {
                            let no = first + k as i64;
                            buildings.push(BuildingRec {
                                code: format!("{mcode}-{:02}", k + 1),
                                name: format!("{}{no}号楼", e.name),
                                micro_grid_code: Some(mcode.clone()),
                                address: format!("{}{}弄{no}号", e.road, e.lane),
                                kind: "residential".to_string(),
                                floors: 5 + rng.weighted(&[3, 5, 2]) as i64,
                                location: Some(Point::from(at)),
                            });
                        }
                        format!("{}{}-{}号楼", e.name, first, first + n - 1)
                    }
                    MicroGridKind::CommercialBuilding => {
                        const TOWER: &[&str] = &["大厦", "国际大厦", "商务中心", "科技大厦", "广场", "中心大厦"];
                        let name = unique_name(&mut rng, &mut other_names, |r| {
                            let stem = if r.chance(0.5) {
                                *r.pick(TRADE_NAMES)
                            } else {
                                *r.pick(ESTATE_STEMS)
                            };
                            format!("{stem}{}", r.pick(TOWER))
                        });
                        let road = roads.nearest(&cp.rect, cell);
                        let no = roads.number(&mut rng, road, 0);
                        let at = spots(1)[0];
                        buildings.push(BuildingRec {
                            code: format!("{mcode}-01"),
                            name: name.clone(),
                            micro_grid_code: Some(mcode.clone()),
                            address: format!("{road}{no}号"),
                            kind: "office".to_string(),
                            floors: rng.range(12, 32),
                            location: Some(Point::from(at)),
                        });
                        name
                    }
                    MicroGridKind::BusinessDistrict => {
                        let (base, k) = district.get_or_insert_with(|| (format!("{}商圈", rng.pick(ESTATE_STEMS)), 0));
                        *k += 1;
                        let name = format!("{base}{}区", cn_number(*k));
                        if rng.chance(0.67) {
                            const MALL: &[&str] = &["购物中心", "商业广场", "生活广场", "百货"];
                            let mall = unique_name(&mut rng, &mut other_names, |r| {
                                format!("{}{}", r.pick(ESTATE_STEMS), r.pick(MALL))
                            });
                            let road = roads.nearest(&cp.rect, cell);
                            let no = roads.number(&mut rng, road, 0);
                            let at = spots(1)[0];
                            buildings.push(BuildingRec {
                                code: format!("{mcode}-01"),
                                name: mall,
                                micro_grid_code: Some(mcode.clone()),
                                address: format!("{road}{no}号"),
                                kind: "commercial".to_string(),
                                floors: rng.range(3, 8),
                                location: Some(Point::from(at)),
                            });
                        }
                        name
                    }
                    MicroGridKind::Block => {
                        let road = roads.ew(plan.block_line);
                        let from = roads.number(&mut rng, road, 0);
                        let to = from + 2 * rng.range(8, 30);
                        roads.next_no.insert(road, to + 2);
                        if rng.chance(0.5) {
                            let at = spots(1)[0];
                            buildings.push(BuildingRec {
                                code: format!("{mcode}-01"),
                                name: format!("{road}{from}号商铺楼"),
                                micro_grid_code: Some(mcode.clone()),
                                address: format!("{road}{from}号"),
                                kind: "commercial".to_string(),
                                floors: rng.range(2, 3),
                                location: Some(Point::from(at)),
                            });
                        }
                        format!("{road}沿街商铺{from}-{to}号")
                    }
                    MicroGridKind::IndustrialPark => {
                        let (base, k) = park.get_or_insert_with(|| (format!("{}都市工业园", rng.pick(ESTATE_STEMS)), 0));
                        *k += 1;
                        let name = format!("{base}{}期", cn_number(*k));
                        let road = roads.nearest(&cp.rect, cell);
                        let no = roads.number(&mut rng, road, 0);
                        let at = spots(1)[0];
                        buildings.push(BuildingRec {
                            code: format!("{mcode}-01"),
                            name: format!("{name}综合楼"),
                            micro_grid_code: Some(mcode.clone()),
                            address: format!("{road}{no}号"),
                            kind: "office".to_string(),
                            floors: rng.range(4, 6),
                            location: Some(Point::from(at)),
                        });
                        name
                    }
                };
                micro_grids.push(AreaRec {
                    level: Level::MicroGrid,
                    code: mcode.clone(),
                    name: name.clone(),
                    parent_code: Some(gcode.clone()),
                    kind: Some(kind),
                    boundary: Some(lattice.boundary(&[cell])),
                });
                w.micro_grids.push(MicroGridInfo {
                    code: mcode.clone(),
                    name,
                    grid: g,
                    kind,
                    buildings: vec![],
                });
                w.grids[g].micro_grids.push(m);
                if kind != MicroGridKind::Residential {
                    enterprises(&mut rng, &mut other_names, &mcode, kind, &mut w.data.enterprises);
                }
                for b in buildings {
                    add_building(&mut w, &mut people_rng, &mut phones, m, b);
                }
            }
        }
    }
    w.data.areas.push(street);
    w.data.areas.extend(communities);
    w.data.areas.extend(grids);
    w.data.areas.extend(micro_grids);

    // Planted finding: a newly handed-over building not yet assigned to any micro-grid.
    let residential: Vec<usize> = (0..w.buildings.len()).filter(|&b| w.buildings[b].residential).collect();
    let b = *rng.pick(&residential);
    w.data.buildings[b].micro_grid_code = None;
    w.unassigned_building = b;
    w
}

/// Adds a building, and for a residential one its two units, one household per unit and floor,
/// and their residents.
fn add_building(w: &mut World, rng: &mut Rng, phones: &mut HashSet<String>, m: usize, b: BuildingRec) {
    let bi = w.buildings.len();
    let residential = b.kind == "residential";
    let mut households = Vec::new();
    if residential {
        for u in 1..=2 {
            let ucode = format!("{}-{u}", b.code);
            w.data.units.push(UnitRec {
                code: ucode.clone(),
                building_code: b.code.clone(),
                name: format!("{u}单元"),
            });
            for floor in 1..=b.floors {
                let code = format!("{ucode}-{floor:02}{u:02}");
                let h = w.households.len();
                let rs = residents::household(rng, &code, phones);
                let first = w.data.residents.len();
                w.resident_household.extend(std::iter::repeat_n(h, rs.len()));
                w.data.residents.extend(rs);
                w.households.push(HouseholdInfo {
                    building: bi,
                    residents: (first..w.data.residents.len()).collect(),
                });
                w.data.households.push(HouseholdRec {
                    code,
                    unit_code: ucode.clone(),
                    room: format!("{floor}{u:02}"),
                });
                households.push(h);
            }
        }
    }
    w.micro_grids[m].buildings.push(bi);
    w.buildings.push(BuildingInfo {
        micro_grid: m,
        residential,
        households,
    });
    w.data.buildings.push(b);
}

fn unique_name(rng: &mut Rng, used: &mut HashSet<String>, mut make: impl FnMut(&mut Rng) -> String) -> String {
    for _ in 0..200 {
        let n = make(rng);
        if used.insert(n.clone()) {
            return n;
        }
    }
    let n = format!("{}{}", make(rng), used.len());
    used.insert(n.clone());
    n
}

/// 3–15 enterprises (companies, shops, factories) as the members of a non-residential micro-grid.
fn enterprises(rng: &mut Rng, used: &mut HashSet<String>, mcode: &str, kind: MicroGridKind, out: &mut Vec<EnterpriseRec>) {
    let (lo, hi, table) = match kind {
        MicroGridKind::CommercialBuilding => (6, 15, OFFICE_INDUSTRIES),
        MicroGridKind::BusinessDistrict => (8, 15, RETAIL_INDUSTRIES),
        MicroGridKind::Block => (3, 12, SHOP_INDUSTRIES),
        _ => (4, 12, INDUSTRIAL_INDUSTRIES),
    };
    for k in 1..=rng.range(lo, hi) {
        let (industry, phrase) = *rng.pick(table);
        let name = unique_name(rng, used, |r| {
            let trade = if r.chance(0.7) {
                *r.pick(TRADE_NAMES)
            } else {
                *r.pick(ESTATE_STEMS)
            };
            if kind == MicroGridKind::Block {
                format!("{trade}{phrase}")
            } else {
                format!("上海{trade}{phrase}")
            }
        });
        out.push(EnterpriseRec {
            code: format!("E-{mcode}-{k:02}"),
            name,
            micro_grid_code: mcode.to_string(),
            industry: industry.to_string(),
        });
    }
}
