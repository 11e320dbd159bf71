//! Coarsening by matching (SPEC G1): pairs of adjacent vertices are merged, level after level,
//! until the graph is small enough for the initial division.
//!
//! Pairs are chosen greedily in a random (seeded) visiting order, each unmatched vertex
//! taking the unmatched neighbour with the best rating `ω(u,v)² / (c(u)·c(v))` (the
//! "expansion*²" rating of Holtgrewe, Sanders and Schulz, used by KaHIP), where ω is the
//! shared boundary length — relative to both perimeters when shapes are known, so that the
//! merged vertices stay round — and c the load. A merged vertex may not exceed `max_weight`,
//! which keeps the coarse levels fine enough to balance.

use crate::graph::Graph;
use crate::rng::Rng;

/// Contracts one level. Returns the coarse-vertex map and the number of coarse vertices.
pub(crate) fn match_level(g: &Graph, max_weight: f64, shapes: bool, rng: &mut Rng) -> (Vec<u32>, usize) {
    let n = g.n();
    const NONE: u32 = u32::MAX;
    let mean_w = (g.total_weight() / n.max(1) as f64).max(1e-12);
    let eps = 0.05 * mean_w;
    let mut mate = vec![NONE; n];
    let mut order: Vec<u32> = (0..n as u32).collect();
    rng.shuffle(&mut order);
    for &u in &order {
        let u = u as usize;
        if mate[u] != NONE {
            continue;
        }
        let mut best = NONE;
        let mut best_r = -1.0;
        for e in g.range(u) {
            let v = g.adj[e] as usize;
            if mate[v] != NONE || g.w[u] + g.w[v] > max_weight {
                continue;
            }
            let mut r = g.elen[e] * g.elen[e] / ((g.w[u] + eps) * (g.w[v] + eps));
            if shapes {
                r /= (g.perim[u] * g.perim[v]).max(1e-300);
            }
            if r > best_r {
                best_r = r;
                best = v as u32;
            }
        }
        if best != NONE {
            mate[u] = best;
            mate[best as usize] = u as u32;
        } else {
            mate[u] = u as u32;
        }
    }
    let mut cmap = vec![NONE; n];
    let mut nc = 0u32;
    for v in 0..n {
        if cmap[v] == NONE {
            cmap[v] = nc;
            cmap[mate[v] as usize] = nc;
            nc += 1;
        }
    }
    (cmap, nc as usize)
}

/// The coarse levels: `levels[i]` is level i+1 (level 0 is the input graph, kept by the
/// caller), `maps[i]` sends level i to level i+1.
pub(crate) struct Hierarchy {
    pub levels: Vec<Graph>,
    pub maps: Vec<Vec<u32>>,
}

pub(crate) fn coarsen(g0: &Graph, stop_at: usize, max_weight: f64, shapes: bool, rng: &mut Rng) -> Hierarchy {
    let mut h = Hierarchy {
        levels: Vec::new(),
        maps: Vec::new(),
    };
    loop {
        let g = h.levels.last().unwrap_or(g0);
        if g.n() <= stop_at {
            break;
        }
        let (cmap, nc) = match_level(g, max_weight, shapes, rng);
        if nc as f64 > 0.95 * g.n() as f64 {
            break;
        }
        let c = g.contract(&cmap, nc);
        h.maps.push(cmap);
        h.levels.push(c);
    }
    h
}
