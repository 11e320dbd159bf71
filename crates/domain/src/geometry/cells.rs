//! G1: the cell of each building — the part of its region (a grid) nearer to it than to any other
//! building (a Voronoi cell clipped to the region).
//!
//! Buildings are points, and points have no area, perimeter or shared boundary. Their cells do:
//! the division of a grid's buildings is measured (Polsby–Popper, shared boundary, adjacency)
//! on the cells, and an accepted micro-grid's boundary is the union of its buildings' cells, so
//! the micro-grids of a grid tile it with no gap and no overlap (T3).
//!
//! Cells are computed in a local metric frame ([`LocalFrame`]) by clipping a box with the
//! perpendicular bisectors towards the nearest sites, nearest first, stopping once a site is
//! more than twice as far as the cell's farthest vertex (no farther bisector can cut the cell);
//! an R-tree gives the sites in order of distance, so a grid of n buildings costs about
//! n log n. The convex cell is taken back to longitude and latitude, its vertices snapped to a
//! fine lattice so the edge two neighbouring cells share comes out identical, and then
//! intersected with the region as stored (non-convex, with holes; geo's boolean operations):
//! the cells' outer edges lie on the region's own boundary, so the micro-grids drawn from them
//! tile their grid with neither gap nor overlap.

use geo::{BooleanOps, BoundingRect, Coord, LineString, MultiPolygon, Polygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;

const EARTH_RADIUS_M: f64 = 6_371_008.8;
const DEG: f64 = std::f64::consts::PI / 180.0;
/// Cell vertices are snapped to multiples of 2⁻³⁰° (≈ 0.1 mm; the demo's 2⁻²⁴° lattice is a
/// sub-lattice) so the vertices two neighbouring cells share, computed separately, coincide.
const SNAP: f64 = 1.0 / (1u64 << 30) as f64;

/// An equirectangular frame in metres about (lon0, lat0): exact enough over a street (the
/// scale error at 3 km from the centre is below 0.01 %), and it keeps bisectors true.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl LocalFrame {
    /// A frame centred on the middle of the given (lon, lat) points.
    pub fn around(points: impl IntoIterator<Item = (f64, f64)>) -> Self {
        let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for (x, y) in points {
            lo_x = lo_x.min(x);
            hi_x = hi_x.max(x);
            lo_y = lo_y.min(y);
            hi_y = hi_y.max(y);
        }
        let (lon0, lat0) = if lo_x.is_finite() {
            ((lo_x + hi_x) / 2.0, (lo_y + hi_y) / 2.0)
        } else {
            (0.0, 0.0)
        };
        LocalFrame {
            lon0,
            lat0,
            kx: EARTH_RADIUS_M * DEG * (lat0 * DEG).cos(),
            ky: EARTH_RADIUS_M * DEG,
        }
    }

    pub fn to_xy(&self, lon: f64, lat: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }

    /// Back to (lon, lat), snapped to the 2⁻³⁰° lattice.
    pub fn to_lon_lat(&self, x: f64, y: f64) -> (f64, f64) {
        let snap = |v: f64| (v / SNAP).round() * SNAP;
        (snap(self.lon0 + x / self.kx), snap(self.lat0 + y / self.ky))
    }

    /// A shape in the frame back to (lon, lat), snapped.
    pub fn shape_to_lon_lat(&self, mp: &MultiPolygon<f64>) -> MultiPolygon<f64> {
        map_coords(mp, |c| {
            let (x, y) = self.to_lon_lat(c.x, c.y);
            Coord { x, y }
        })
    }
}

fn map_coords(mp: &MultiPolygon<f64>, f: impl Fn(Coord<f64>) -> Coord<f64>) -> MultiPolygon<f64> {
    let ring = |r: &LineString<f64>| -> LineString<f64> {
        let mut pts: Vec<Coord<f64>> = Vec::with_capacity(r.0.len());
        for c in r.coords() {
            let p = f(*c);
            // Snapping can merge neighbouring vertices; a ring keeps distinct ones.
            if pts.last() != Some(&p) {
                pts.push(p);
            }
        }
        LineString(pts)
    };
    MultiPolygon(
        mp.0.iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    )
}

/// Clips a convex polygon (counter-clockwise, not closed) to the half-plane of points nearer to
/// `a` than to `b` (Sutherland–Hodgman against one line).
fn clip_nearer(poly: &[[f64; 2]], a: [f64; 2], b: [f64; 2]) -> Vec<[f64; 2]> {
    let n = [b[0] - a[0], b[1] - a[1]];
    let m = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let side = |p: [f64; 2]| (p[0] - m[0]) * n[0] + (p[1] - m[1]) * n[1];
    let mut out = Vec::with_capacity(poly.len() + 1);
    for i in 0..poly.len() {
        let (p, q) = (poly[i], poly[(i + 1) % poly.len()]);
        let (sp, sq) = (side(p), side(q));
        if sp <= 0.0 {
            out.push(p);
        }
        if (sp < 0.0 && sq > 0.0) || (sp > 0.0 && sq < 0.0) {
            let t = sp / (sp - sq);
            out.push([p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t]);
        }
    }
    out
}

/// The cells of `sites` (metres in `frame`) within `region` (longitude, latitude): cell `i` is
/// the part of the region nearer to site `i` than to any other site, in longitude and latitude.
/// Cells of sites outside the region may be empty. Sites at the same position are moved apart
/// by a few centimetres first, so each still gets a cell of its own.
pub fn voronoi_cells(sites: &[[f64; 2]], frame: &LocalFrame, region: &MultiPolygon<f64>) -> Vec<MultiPolygon<f64>> {
    let n = sites.len();
    if n == 0 {
        return Vec::new();
    }
    let mut pts: Vec<[f64; 2]> = sites.to_vec();
    {
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| {
            pts[i]
                .partial_cmp(&pts[j])
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(i.cmp(&j))
        });
        let mut k = 0.0;
        for w in 1..n {
            let (prev, cur) = (order[w - 1], order[w]);
            if sites[prev] == sites[cur] {
                k += 1.0;
                pts[cur] = [sites[cur][0] + 0.05 * k, sites[cur][1] + 0.03 * k];
            } else {
                k = 0.0;
            }
        }
    }
    // A box holding the region and every site, with a margin.
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for p in &pts {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    if let Some(r) = region.bounding_rect() {
        for (lon, lat) in [
            (r.min().x, r.min().y),
            (r.max().x, r.max().y),
            (r.min().x, r.max().y),
            (r.max().x, r.min().y),
        ] {
            let [x, y] = frame.to_xy(lon, lat);
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
    }
    let margin = 10.0 + (x1 - x0).max(y1 - y0);
    let outer = [
        [x0 - margin, y0 - margin],
        [x1 + margin, y0 - margin],
        [x1 + margin, y1 + margin],
        [x0 - margin, y1 + margin],
    ];
    let tree: RTree<GeomWithData<[f64; 2], usize>> =
        RTree::bulk_load(pts.iter().enumerate().map(|(i, p)| GeomWithData::new(*p, i)).collect());
    let mut out = Vec::with_capacity(n);
    for (i, &s) in pts.iter().enumerate() {
        let mut cell: Vec<[f64; 2]> = outer.to_vec();
        let reach2 = |cell: &[[f64; 2]]| {
            cell.iter()
                .map(|v| (v[0] - s[0]).powi(2) + (v[1] - s[1]).powi(2))
                .fold(0.0, f64::max)
        };
        let mut r2 = reach2(&cell);
        for (other, d2) in tree.nearest_neighbor_iter_with_distance_2(&s) {
            if other.data == i {
                continue;
            }
            // A site farther than twice the cell's reach has its bisector beyond the cell.
            if d2 > 4.0 * r2 {
                break;
            }
            cell = clip_nearer(&cell, s, *other.geom());
            if cell.len() < 3 {
                break;
            }
            r2 = reach2(&cell);
        }
        if cell.len() < 3 {
            out.push(MultiPolygon(Vec::new()));
            continue;
        }
        let mut ring: Vec<Coord<f64>> = cell.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
        ring.push(ring[0]);
        let convex = frame.shape_to_lon_lat(&MultiPolygon(vec![Polygon::new(LineString(ring), vec![])]));
        out.push(if convex.0.is_empty() {
            convex
        } else {
            convex.intersection(region)
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{ChamberlainDuquetteArea, Contains, Point, polygon};

    const X0: f64 = 121.40;
    const Y0: f64 = 31.25;

    /// A square region of about 1 km (0.01° of longitude, 0.009° of latitude) in lon/lat.
    fn square() -> MultiPolygon<f64> {
        MultiPolygon(vec![
            polygon![(x: X0, y: Y0), (x: X0 + 0.01, y: Y0), (x: X0 + 0.01, y: Y0 + 0.009), (x: X0, y: Y0 + 0.009), (x: X0, y: Y0)],
        ])
    }

    fn area(mp: &MultiPolygon<f64>) -> f64 {
        mp.chamberlain_duquette_unsigned_area()
    }

    #[test]
    fn g1_cells_tile_the_region_and_hold_their_site() {
        let region = square();
        let frame = LocalFrame::around([(X0, Y0), (X0 + 0.01, Y0 + 0.009)]);
        let mut pts = Vec::new();
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        for _ in 0..60 {
            pts.push((X0 + 0.01 * next(), Y0 + 0.009 * next()));
        }
        pts.push(pts[3]); // a duplicate still gets a cell
        let sites: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| frame.to_xy(x, y)).collect();
        let cells = voronoi_cells(&sites, &frame, &region);
        assert_eq!(cells.len(), sites.len());
        let whole = area(&region);
        let total: f64 = cells.iter().map(area).sum();
        assert!(
            (total - whole).abs() < 0.01,
            "cells cover the square exactly once: {total} of {whole} m²"
        );
        for (i, c) in cells.iter().enumerate() {
            assert!(area(c) > 0.0, "cell {i} is empty");
            if i + 1 < sites.len() {
                assert!(c.contains(&Point::new(pts[i].0, pts[i].1)), "cell {i} holds its site");
            }
        }
        let union = geo::unary_union(cells.iter());
        assert!((area(&union) - whole).abs() < 0.01);
        // The outer edges are the region's own: nothing sticks out, nothing is missing.
        assert!(area(&union.difference(&region)) < 0.01 && area(&region.difference(&union)) < 0.01);
    }

    #[test]
    fn g1_cells_follow_a_non_convex_region() {
        // An L shape (three squares of about 100 m): the cells are cut by the notch.
        let d = 0.001;
        let l = MultiPolygon(vec![
            polygon![(x: X0, y: Y0), (x: X0 + 2.0 * d, y: Y0), (x: X0 + 2.0 * d, y: Y0 + d), (x: X0 + d, y: Y0 + d), (x: X0 + d, y: Y0 + 2.0 * d), (x: X0, y: Y0 + 2.0 * d), (x: X0, y: Y0)],
        ]);
        let frame = LocalFrame::around([(X0, Y0), (X0 + 2.0 * d, Y0 + 2.0 * d)]);
        let pts = [
            (X0 + d / 2.0, Y0 + d / 2.0),
            (X0 + 1.5 * d, Y0 + d / 2.0),
            (X0 + d / 2.0, Y0 + 1.5 * d),
        ];
        let sites: Vec<[f64; 2]> = pts.iter().map(|&(x, y)| frame.to_xy(x, y)).collect();
        let cells = voronoi_cells(&sites, &frame, &l);
        let areas: Vec<f64> = cells.iter().map(area).collect();
        let third = area(&l) / 3.0;
        assert!((areas.iter().sum::<f64>() - 3.0 * third).abs() < 0.01);
        for a in &areas {
            assert!((a - third).abs() / third < 0.01, "{areas:?}");
        }
    }

    #[test]
    fn g1_frame_round_trips_to_the_snap_lattice() {
        let f = LocalFrame::around([(121.40, 31.25), (121.42, 31.27)]);
        let [x, y] = f.to_xy(121.4123, 31.2611);
        let (lon, lat) = f.to_lon_lat(x, y);
        assert!((lon - 121.4123).abs() < 1e-8 && (lat - 31.2611).abs() < 1e-8);
        assert_eq!(lon, (lon / SNAP).round() * SNAP);
        // 1 km east is about 1 km in the frame.
        let [x2, _] = f.to_xy(121.4123 + 1000.0 / (EARTH_RADIUS_M * DEG * (31.26f64 * DEG).cos()), 31.2611);
        assert!((x2 - x - 1000.0).abs() < 1.0);
    }
}
