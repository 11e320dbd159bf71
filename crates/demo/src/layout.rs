//! Geometry of the demo street: a jittered lattice of shared vertices, cut into communities,
//! grids and micro-grids.
//!
//! Every micro-grid is the quadrilateral of four shared lattice vertices, so micro-grids can
//! neither overlap nor leave gaps. Grids, communities and the street are sets of cells whose
//! outer ring is walked along the edges used by exactly one cell of the set: all polygons share
//! the very same vertex coordinates, and every parent is exactly the union of its children.

use std::collections::{BTreeMap, HashMap, HashSet};

use geo::{Coord, LineString, MultiPolygon, Polygon};
use onegrid_domain::territory::MicroGridKind;

use crate::rng::Rng;

/// Lattice columns (west → east) and rows (south → north): 18 × 18 = 324 micro-grids.
pub const COLS: usize = 18;
pub const ROWS: usize = 18;
/// About 2.5 km × 2.4 km = 6 km², as in the Zhenru practice.
pub const WIDTH_M: f64 = 2500.0;
pub const HEIGHT_M: f64 = 2400.0;
pub const CENTRE_LAT: f64 = 31.25;
pub const CENTRE_LNG: f64 = 121.40;
/// Interior vertices move by up to this share of a cell in each axis. Below 0.25 every cell
/// stays a strictly convex quadrilateral.
const JITTER: f64 = 0.22;
/// The sphere that `geometry::area_m2` (Chamberlain–Duquette) measures on.
const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// A lattice cell: `(column, row)`, column west → east, row south → north.
pub type Cell = (usize, usize);

pub struct Lattice {
    pub cell_w: f64,
    pub cell_h: f64,
    /// Local metres east and north of the south-west corner, per vertex.
    metres: Vec<(f64, f64)>,
    /// WGS-84 degrees (x = longitude), snapped to 2⁻²⁴°, per vertex.
    degrees: Vec<Coord<f64>>,
    lng0: f64,
    lat0: f64,
    m_per_deg_lat: f64,
    m_per_deg_lng: f64,
}

fn vid(i: usize, j: usize) -> usize {
    j * (COLS + 1) + i
}

/// Coordinates are snapped to multiples of 2⁻²⁴° (about 6 mm). Such dyadic values survive the
/// float → integer → float conversion of the polygon boolean operations (i_overlay scales by a
/// power of two) exactly, so the union of shared-edge polygons is exact. Decimal rounding
/// (say to 1e-7°) is not: the coverage check's repeated unions then drift, leave touching
/// pieces unmerged and report false gaps.
fn snap(v: f64) -> f64 {
    const Q: f64 = (1u64 << 24) as f64;
    (v * Q).round() / Q
}

impl Lattice {
    pub fn new(rng: &mut Rng) -> Self {
        let cell_w = WIDTH_M / COLS as f64;
        let cell_h = HEIGHT_M / ROWS as f64;
        let m_per_deg_lat = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;
        let m_per_deg_lng = m_per_deg_lat * CENTRE_LAT.to_radians().cos();
        let lng0 = CENTRE_LNG - WIDTH_M / 2.0 / m_per_deg_lng;
        let lat0 = CENTRE_LAT - HEIGHT_M / 2.0 / m_per_deg_lat;
        let mut metres = Vec::with_capacity((COLS + 1) * (ROWS + 1));
        for j in 0..=ROWS {
            for i in 0..=COLS {
                let mut dx = rng.uniform(-JITTER, JITTER) * cell_w;
                let mut dy = rng.uniform(-JITTER, JITTER) * cell_h;
                // Vertices on the outer edge slide only along it, so the street stays a rectangle.
                if i == 0 || i == COLS {
                    dx = 0.0;
                }
                if j == 0 || j == ROWS {
                    dy = 0.0;
                }
                metres.push((i as f64 * cell_w + dx, j as f64 * cell_h + dy));
            }
        }
        let mut l = Self {
            cell_w,
            cell_h,
            metres,
            degrees: Vec::new(),
            lng0,
            lat0,
            m_per_deg_lat,
            m_per_deg_lng,
        };
        l.degrees = l.metres.iter().map(|&(x, y)| l.to_degrees(x, y)).collect();
        l
    }

    /// Local metres → WGS-84 (x = longitude), snapped to 2⁻²⁴° (see [`snap`]).
    pub fn to_degrees(&self, x: f64, y: f64) -> Coord<f64> {
        Coord {
            x: snap(self.lng0 + x / self.m_per_deg_lng),
            y: snap(self.lat0 + y / self.m_per_deg_lat),
        }
    }

    /// The four corners of a cell in metres, counter-clockwise from the south-west.
    pub fn corners_m(&self, (i, j): Cell) -> [(f64, f64); 4] {
        cell_vertices((i, j)).map(|v| self.metres[v])
    }

    /// The outer ring of a set of cells, counter-clockwise, through every lattice vertex on it.
    /// Panics unless the set is one edge-connected piece without holes or pinch points.
    pub fn polygon(&self, cells: &[Cell]) -> Polygon<f64> {
        let set: HashSet<Cell> = cells.iter().copied().collect();
        let mut next: BTreeMap<usize, usize> = BTreeMap::new();
        for &(i, j) in cells {
            let v = cell_vertices((i, j));
            // Neighbour across edge k: south, east, north, west.
            let across = [
                j.checked_sub(1).map(|j| (i, j)),
                Some((i + 1, j)),
                Some((i, j + 1)),
                i.checked_sub(1).map(|i| (i, j)),
            ];
            for k in 0..4 {
                if across[k].is_some_and(|n| set.contains(&n)) {
                    continue;
                }
                let prev = next.insert(v[k], v[(k + 1) % 4]);
                assert!(prev.is_none(), "cell set pinches at a vertex");
            }
        }
        let start = *next.keys().next().expect("empty cell set");
        let mut ring = vec![self.degrees[start]];
        let mut at = next[&start];
        while at != start {
            ring.push(self.degrees[at]);
            at = next[&at];
            assert!(ring.len() <= next.len(), "boundary walk does not close");
        }
        assert_eq!(ring.len(), next.len(), "cell set has a hole or is not connected");
        Polygon::new(LineString(ring), vec![])
    }

    pub fn boundary(&self, cells: &[Cell]) -> MultiPolygon<f64> {
        MultiPolygon(vec![self.polygon(cells)])
    }

    /// `n` points strictly inside a cell, each at least `margin_m` from the cell's edges and
    /// `spacing_m` from the others.
    pub fn place_points(&self, rng: &mut Rng, c: Cell, n: usize, margin_m: f64, spacing_m: f64) -> Vec<Coord<f64>> {
        let k = self.corners_m(c);
        let at = |u: f64, v: f64| {
            // Bilinear map of the unit square onto the quadrilateral SW, SE, NE, NW.
            let x = (1.0 - u) * (1.0 - v) * k[0].0 + u * (1.0 - v) * k[1].0 + u * v * k[2].0 + (1.0 - u) * v * k[3].0;
            let y = (1.0 - u) * (1.0 - v) * k[0].1 + u * (1.0 - v) * k[1].1 + u * v * k[2].1 + (1.0 - u) * v * k[3].1;
            (x, y)
        };
        let mut out: Vec<(f64, f64)> = Vec::with_capacity(n);
        for _ in 0..400 * n {
            if out.len() == n {
                break;
            }
            let p = at(rng.uniform(0.08, 0.92), rng.uniform(0.08, 0.92));
            if edge_distance(&k, p) >= margin_m && out.iter().all(|q| dist(*q, p) >= spacing_m) {
                out.push(p);
            }
        }
        // Practically unreachable: fall back to fixed spots well inside the cell.
        const SPOTS: [(f64, f64); 5] = [(0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.5, 0.5)];
        for &(u, v) in SPOTS.iter().cycle().take(2 * n) {
            if out.len() == n {
                break;
            }
            out.push(at(u, v));
        }
        out.into_iter().map(|(x, y)| self.to_degrees(x, y)).collect()
    }
}

/// Vertex ids of a cell, counter-clockwise: SW, SE, NE, NW.
fn cell_vertices((i, j): Cell) -> [usize; 4] {
    [vid(i, j), vid(i + 1, j), vid(i + 1, j + 1), vid(i, j + 1)]
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

fn edge_distance(k: &[(f64, f64); 4], p: (f64, f64)) -> f64 {
    (0..4)
        .map(|e| segment_distance(k[e], k[(e + 1) % 4], p))
        .fold(f64::INFINITY, f64::min)
}

fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    dist((a.0 + t * dx, a.1 + t * dy), p)
}

/// A rectangle of cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub i0: usize,
    pub j0: usize,
    pub w: usize,
    pub h: usize,
}

impl Rect {
    /// Cells in reading order: north to south, west to east.
    pub fn cells(&self) -> Vec<Cell> {
        (self.j0..self.j0 + self.h)
            .rev()
            .flat_map(|j| (self.i0..self.i0 + self.w).map(move |i| (i, j)))
            .collect()
    }
    pub fn len(&self) -> usize {
        self.w * self.h
    }
}

pub struct CommunityPlan {
    pub rect: Rect,
    pub grids: Vec<Rect>,
}

pub struct Plan {
    /// In code order: north to south, west to east.
    pub communities: Vec<CommunityPlan>,
    pub kinds: HashMap<Cell, MicroGridKind>,
    /// The row line (a main east–west road) that the street-front blocks face; the block cells
    /// are in the row just north of it.
    pub block_line: usize,
}

/// `parts` numbers in `lo..=hi` summing to `total`.
fn split_sum(rng: &mut Rng, total: usize, parts: usize, lo: usize, hi: usize) -> Vec<usize> {
    loop {
        let v: Vec<usize> = (0..parts).map(|_| rng.range(lo as i64, hi as i64) as usize).collect();
        if v.iter().sum::<usize>() == total {
            return v;
        }
    }
}

/// 9 communities in three bands of three; the five largest get five grids, the others four.
pub fn plan(rng: &mut Rng) -> Plan {
    let heights = split_sum(rng, ROWS, 3, 5, 7);
    let mut rects = Vec::new();
    let mut band_lines = Vec::new();
    let mut top = ROWS;
    for (b, &h) in heights.iter().enumerate() {
        let j0 = top - h;
        if b > 0 {
            band_lines.push(top);
        }
        let widths = split_sum(rng, COLS, 3, 5, 7);
        let mut i0 = 0;
        for w in widths {
            rects.push(Rect { i0, j0, w, h });
            i0 += w;
        }
        top = j0;
    }
    let mut by_size: Vec<usize> = (0..rects.len()).collect();
    by_size.sort_by_key(|&k| (std::cmp::Reverse(rects[k].len()), k));
    let five: HashSet<usize> = by_size[..5].iter().copied().collect();
    let communities = rects
        .iter()
        .enumerate()
        .map(|(k, &rect)| {
            let mut grids = Vec::new();
            guillotine(rng, rect, if five.contains(&k) { 5 } else { 4 }, &mut grids);
            CommunityPlan { rect, grids }
        })
        .collect();
    let (kinds, block_line) = special_kinds(rng, &band_lines);
    Plan {
        communities,
        kinds,
        block_line,
    }
}

/// Cuts a rectangle into `k` rectangles of roughly equal size by alternating straight cuts:
/// every grid is contiguous, compact and without holes.
fn guillotine(rng: &mut Rng, r: Rect, k: usize, out: &mut Vec<Rect>) {
    if k == 1 {
        out.push(r);
        return;
    }
    let (mut k1, mut k2) = (k / 2, k - k / 2);
    if rng.chance(0.5) {
        std::mem::swap(&mut k1, &mut k2);
    }
    let vertical = r.w > r.h || (r.w == r.h && rng.chance(0.5));
    let side = if vertical { r.w } else { r.h };
    let mut cut = (side as f64 * k1 as f64 / k as f64).round() as i64;
    if rng.chance(0.3) {
        cut += if rng.chance(0.5) { 1 } else { -1 };
    }
    let cut = cut.clamp(1, side as i64 - 1) as usize;
    let (a, b) = if vertical {
        (
            Rect { w: cut, ..r },
            Rect {
                i0: r.i0 + cut,
                w: r.w - cut,
                ..r
            },
        )
    } else {
        // North part first, to keep reading order.
        (
            Rect {
                j0: r.j0 + r.h - cut,
                h: cut,
                ..r
            },
            Rect { h: r.h - cut, ..r },
        )
    };
    guillotine(rng, a, k1, out);
    guillotine(rng, b, k2, out);
}

/// Where the non-residential micro-grids lie: a business district of 3 cells near the centre
/// with 12 commercial buildings around it, 6 street-front blocks along a main road, and an
/// industrial park of 2 cells on the western (railway) edge.
fn special_kinds(rng: &mut Rng, band_lines: &[usize]) -> (HashMap<Cell, MicroGridKind>, usize) {
    let mut kinds: HashMap<Cell, MicroGridKind> = HashMap::new();
    // Business district: an L of three cells around a core near the centre.
    let core = (rng.range(6, 10) as usize, rng.range(6, 10) as usize);
    for c in [core, (core.0 + 1, core.1), (core.0, core.1 + 1)] {
        kinds.insert(c, MicroGridKind::BusinessDistrict);
    }
    // Street-front blocks: six cells in a row along a main east–west road.
    let block_line = *rng.pick(band_lines);
    loop {
        let s = rng.range(0, (COLS - 6) as i64) as usize;
        let row: Vec<Cell> = (s..s + 6).map(|i| (i, block_line)).collect();
        if row.iter().all(|c| !kinds.contains_key(c)) {
            for c in row {
                kinds.insert(c, MicroGridKind::Block);
            }
            break;
        }
    }
    // Industrial park on the western edge.
    loop {
        let j = rng.range(1, (ROWS - 3) as i64) as usize;
        if !kinds.contains_key(&(0, j)) && !kinds.contains_key(&(0, j + 1)) {
            kinds.insert((0, j), MicroGridKind::IndustrialPark);
            kinds.insert((0, j + 1), MicroGridKind::IndustrialPark);
            break;
        }
    }
    // Commercial buildings around the business district.
    let mut placed = 0;
    while placed < 12 {
        let c = (
            (core.0 as i64 + rng.range(-4, 4)).clamp(0, COLS as i64 - 1) as usize,
            (core.1 as i64 + rng.range(-4, 4)).clamp(0, ROWS as i64 - 1) as usize,
        );
        if let std::collections::hash_map::Entry::Vacant(e) = kinds.entry(c) {
            e.insert(MicroGridKind::CommercialBuilding);
            placed += 1;
        }
    }
    (kinds, block_line)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Area;

    #[test]
    fn d4_cells_are_convex_and_counter_clockwise() {
        let mut rng = Rng::new(3);
        let l = Lattice::new(&mut rng);
        for j in 0..ROWS {
            for i in 0..COLS {
                let k = l.corners_m((i, j));
                for e in 0..4 {
                    let (a, b, c) = (k[e], k[(e + 1) % 4], k[(e + 2) % 4]);
                    let cross = (b.0 - a.0) * (c.1 - b.1) - (b.1 - a.1) * (c.0 - b.0);
                    assert!(cross > 0.0, "cell {i},{j} not strictly convex");
                }
                assert!(l.polygon(&[(i, j)]).signed_area() > 0.0);
            }
        }
    }

    #[test]
    fn d4_plan_has_41_contiguous_grids() {
        for seed in 0..20 {
            let mut rng = Rng::new(seed);
            let l = Lattice::new(&mut rng);
            let p = plan(&mut rng);
            assert_eq!(p.communities.len(), 9);
            assert_eq!(p.communities.iter().map(|c| c.grids.len()).sum::<usize>(), 41);
            let cells: usize = p.communities.iter().flat_map(|c| &c.grids).map(|g| g.len()).sum();
            assert_eq!(cells, COLS * ROWS);
            for g in p.communities.iter().flat_map(|c| &c.grids) {
                assert!(g.w > 0 && g.h > 0);
                l.polygon(&g.cells());
            }
            let count = |k| p.kinds.values().filter(|&&v| v == k).count();
            assert_eq!(count(MicroGridKind::CommercialBuilding), 12);
            assert_eq!(count(MicroGridKind::BusinessDistrict), 3);
            assert_eq!(count(MicroGridKind::Block), 6);
            assert_eq!(count(MicroGridKind::IndustrialPark), 2);
        }
    }
}
