//! The weighted adjacency graph the algorithm works on (compressed sparse rows), at the
//! finest level and at every coarser level.

use crate::model::{PartitionError, Problem};

/// One level of the multilevel hierarchy. A coarse vertex stands for a connected set of
/// fine units; its area is their sum, its perimeter their merged perimeter
/// (Σ perimeters − 2 × internal shared lengths), its position their area-weighted centroid.
#[derive(Debug, Clone, Default)]
pub(crate) struct Graph {
    pub xadj: Vec<u32>,
    pub adj: Vec<u32>,
    /// Shared boundary length of each adjacency (1.0 per edge when lengths are unknown).
    pub elen: Vec<f64>,
    pub w: Vec<f64>,
    pub area: Vec<f64>,
    pub perim: Vec<f64>,
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// Weight of the position in centroid averages (area, or 1 per unit without areas).
    pub mass: Vec<f64>,
}

/// What the input tells us beyond the graph.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Facts {
    /// Every edge has a shared length.
    pub lengths: bool,
    /// Every unit has area and perimeter and every edge a length: Polsby–Popper is defined.
    pub shapes: bool,
}

impl Graph {
    pub fn n(&self) -> usize {
        self.w.len()
    }

    #[inline]
    pub fn range(&self, v: usize) -> std::ops::Range<usize> {
        self.xadj[v] as usize..self.xadj[v + 1] as usize
    }

    pub fn total_weight(&self) -> f64 {
        self.w.iter().sum()
    }

    /// Builds the finest level from a problem, validating it.
    pub fn from_problem(p: &Problem) -> Result<(Graph, Facts), PartitionError> {
        let n = p.units.len();
        if n > u32::MAX as usize / 2 {
            return Err(PartitionError::Invalid("too many units".into()));
        }
        for (i, u) in p.units.iter().enumerate() {
            if !(u.weight.is_finite() && u.weight >= 0.0) {
                return Err(PartitionError::Invalid(format!(
                    "unit {i}: weight must be a finite number ≥ 0, got {}",
                    u.weight
                )));
            }
            if !(u.x.is_finite() && u.y.is_finite()) {
                return Err(PartitionError::Invalid(format!("unit {i}: position is not finite")));
            }
            for (name, val) in [("area", u.area), ("perimeter", u.perimeter)] {
                if let Some(a) = val
                    && !(a.is_finite() && a >= 0.0)
                {
                    return Err(PartitionError::Invalid(format!(
                        "unit {i}: {name} must be a finite number ≥ 0, got {a}"
                    )));
                }
            }
        }
        if let Some(g) = &p.groups
            && g.len() != n
        {
            return Err(PartitionError::Invalid(format!("groups: {} entries for {n} units", g.len())));
        }
        let lengths = !p.edges.is_empty() && p.edges.iter().all(|e| e.length.is_some());
        let shapes = p.units.iter().all(|u| u.area.is_some() && u.perimeter.is_some()) && (lengths || p.edges.is_empty());
        let mut list: Vec<(u32, u32, f64)> = Vec::with_capacity(p.edges.len() * 2);
        for (i, e) in p.edges.iter().enumerate() {
            if e.u as usize >= n || e.v as usize >= n {
                return Err(PartitionError::Invalid(format!(
                    "edge {i} ({},{}): unit id out of range 0..{n}",
                    e.u, e.v
                )));
            }
            let len = if lengths { e.length.unwrap_or(1.0) } else { 1.0 };
            if !(len.is_finite() && len >= 0.0) {
                return Err(PartitionError::Invalid(format!(
                    "edge {i} ({},{}): shared length must be a finite number ≥ 0",
                    e.u, e.v
                )));
            }
            if e.u == e.v {
                continue;
            }
            list.push((e.u, e.v, len));
            list.push((e.v, e.u, len));
        }
        // Both directions or duplicates of one edge describe the same boundary: keep the
        // longest rather than adding them up.
        list.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)).then(b.2.total_cmp(&a.2)));
        list.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        let mut xadj = vec![0u32; n + 1];
        for &(u, _, _) in &list {
            xadj[u as usize + 1] += 1;
        }
        for i in 0..n {
            xadj[i + 1] += xadj[i];
        }
        let adj = list.iter().map(|e| e.1).collect();
        let elen = list.iter().map(|e| e.2).collect();
        let g = Graph {
            xadj,
            adj,
            elen,
            w: p.units.iter().map(|u| u.weight).collect(),
            area: p.units.iter().map(|u| u.area.unwrap_or(0.0)).collect(),
            perim: p.units.iter().map(|u| u.perimeter.unwrap_or(0.0)).collect(),
            x: p.units.iter().map(|u| u.x).collect(),
            y: p.units.iter().map(|u| u.y).collect(),
            mass: p
                .units
                .iter()
                .map(|u| match u.area {
                    Some(a) if shapes => a.max(1e-9),
                    _ => 1.0,
                })
                .collect(),
        };
        Ok((g, Facts { lengths, shapes }))
    }

    /// The subgraph induced by `verts` (local index i ↔ verts[i]), keeping only edges for
    /// which `keep(u, v)` holds (used to cut fixed-group boundaries).
    pub fn induced(&self, verts: &[u32], local: &mut [u32], keep: impl Fn(u32, u32) -> bool) -> Graph {
        const NONE: u32 = u32::MAX;
        for (i, &v) in verts.iter().enumerate() {
            local[v as usize] = i as u32;
        }
        let mut g = Graph {
            xadj: Vec::with_capacity(verts.len() + 1),
            ..Default::default()
        };
        g.xadj.push(0);
        for &v in verts {
            let v = v as usize;
            for e in self.range(v) {
                let u = self.adj[e];
                let lu = local[u as usize];
                if lu != NONE && (lu as usize) < verts.len() && verts[lu as usize] == u && keep(v as u32, u) {
                    g.adj.push(lu);
                    g.elen.push(self.elen[e]);
                }
            }
            g.xadj.push(g.adj.len() as u32);
            g.w.push(self.w[v]);
            g.area.push(self.area[v]);
            g.perim.push(self.perim[v]);
            g.x.push(self.x[v]);
            g.y.push(self.y[v]);
            g.mass.push(self.mass[v]);
        }
        for &v in verts {
            local[v as usize] = NONE;
        }
        g
    }

    /// Contracts the graph: fine vertex v goes to coarse vertex cmap[v] (0..nc). Every coarse
    /// vertex must be a connected set of fine vertices.
    pub fn contract(&self, cmap: &[u32], nc: usize) -> Graph {
        let n = self.n();
        let mut c = Graph {
            xadj: Vec::with_capacity(nc + 1),
            adj: Vec::with_capacity(self.adj.len() / 2),
            elen: Vec::with_capacity(self.adj.len() / 2),
            w: vec![0.0; nc],
            area: vec![0.0; nc],
            perim: vec![0.0; nc],
            x: vec![0.0; nc],
            y: vec![0.0; nc],
            mass: vec![0.0; nc],
        };
        // Fine vertices grouped by coarse vertex (counting sort keeps it deterministic).
        let mut start = vec![0u32; nc + 1];
        for &cv in cmap {
            start[cv as usize + 1] += 1;
        }
        for i in 0..nc {
            start[i + 1] += start[i];
        }
        let mut order = vec![0u32; n];
        let mut fill = start.clone();
        for v in 0..n {
            let cv = cmap[v] as usize;
            order[fill[cv] as usize] = v as u32;
            fill[cv] += 1;
        }
        let mut slot = vec![u32::MAX; nc];
        c.xadj.push(0);
        for cv in 0..nc {
            let row = c.adj.len();
            let (mut w, mut a, mut p, mut m, mut sx, mut sy) = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
            for &v in &order[start[cv] as usize..start[cv + 1] as usize] {
                let v = v as usize;
                w += self.w[v];
                a += self.area[v];
                p += self.perim[v];
                m += self.mass[v];
                sx += self.x[v] * self.mass[v];
                sy += self.y[v] * self.mass[v];
                for e in self.range(v) {
                    let cu = cmap[self.adj[e] as usize] as usize;
                    if cu == cv {
                        // Each internal edge is seen from both ends: subtract it once per end.
                        p -= self.elen[e];
                    } else if slot[cu] == u32::MAX {
                        slot[cu] = c.adj.len() as u32;
                        c.adj.push(cu as u32);
                        c.elen.push(self.elen[e]);
                    } else {
                        c.elen[slot[cu] as usize] += self.elen[e];
                    }
                }
            }
            for &cu in &c.adj[row..] {
                slot[cu as usize] = u32::MAX;
            }
            c.xadj.push(c.adj.len() as u32);
            c.w[cv] = w;
            c.area[cv] = a;
            c.perim[cv] = p.max(0.0);
            c.mass[cv] = m;
            c.x[cv] = if m > 0.0 {
                sx / m
            } else {
                self.x[order[start[cv] as usize] as usize]
            };
            c.y[cv] = if m > 0.0 {
                sy / m
            } else {
                self.y[order[start[cv] as usize] as usize]
            };
        }
        c
    }

    /// Connected components (label per vertex, count), restricted by `keep(u, v)` on edges.
    pub fn components(&self, keep: impl Fn(u32, u32) -> bool) -> (Vec<u32>, usize) {
        let n = self.n();
        let mut comp = vec![u32::MAX; n];
        let mut count = 0;
        let mut stack = Vec::new();
        for s in 0..n {
            if comp[s] != u32::MAX {
                continue;
            }
            comp[s] = count as u32;
            stack.push(s as u32);
            while let Some(v) = stack.pop() {
                for e in self.range(v as usize) {
                    let u = self.adj[e];
                    if comp[u as usize] == u32::MAX && keep(v, u) {
                        comp[u as usize] = count as u32;
                        stack.push(u);
                    }
                }
            }
            count += 1;
        }
        (comp, count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, Unit};

    fn square_row(n: usize) -> Problem {
        let units = (0..n)
            .map(|i| Unit {
                weight: 1.0,
                x: i as f64 * 10.0,
                y: 0.0,
                area: Some(100.0),
                perimeter: Some(40.0),
            })
            .collect();
        let mut edges: Vec<Edge> = (0..n as u32 - 1)
            .map(|i| Edge {
                u: i,
                v: i + 1,
                length: Some(10.0),
            })
            .collect();
        edges.push(Edge {
            u: 1,
            v: 0,
            length: Some(10.0),
        }); // the same edge again, reversed
        Problem {
            units,
            edges,
            groups: None,
        }
    }

    #[test]
    fn g1_graph_merges_duplicate_edges_and_contracts_shapes() {
        let (g, facts) = Graph::from_problem(&square_row(4)).unwrap();
        assert!(facts.shapes && facts.lengths);
        assert_eq!(g.adj.len(), 6);
        let c = g.contract(&[0, 0, 1, 1], 2);
        assert_eq!(c.w, vec![2.0, 2.0]);
        assert_eq!(c.area, vec![200.0, 200.0]);
        // Two squares merged: 40 + 40 − 2·10.
        assert_eq!(c.perim, vec![60.0, 60.0]);
        assert_eq!(c.elen, vec![10.0, 10.0]);
        assert_eq!((c.x[0], c.x[1]), (5.0, 25.0));
        let (comp, count) = g.components(|u, v| !(u == 1 && v == 2 || u == 2 && v == 1));
        assert_eq!((comp, count), (vec![0, 0, 1, 1], 2));
    }
}
