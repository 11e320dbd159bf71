//! Helpers shared by the tests.

use onegrid_partition::{Edge, Problem, Unit};

/// A w×h grid of 10 m squares, rook adjacency with 10 m shared sides; `weight(i)` per cell;
/// edges for which `keep(u, v)` is false are left out (barriers).
pub fn grid(w: usize, h: usize, weight: impl Fn(usize) -> f64, keep: impl Fn(usize, usize) -> bool) -> Problem {
    let mut units = Vec::new();
    for i in 0..w * h {
        let (r, c) = (i / w, i % w);
        units.push(Unit {
            weight: weight(i),
            x: c as f64 * 10.0,
            y: r as f64 * 10.0,
            area: Some(100.0),
            perimeter: Some(40.0),
        });
    }
    let mut edges = Vec::new();
    for i in 0..w * h {
        let (r, c) = (i / w, i % w);
        if c + 1 < w && keep(i, i + 1) {
            edges.push(Edge {
                u: i as u32,
                v: (i + 1) as u32,
                length: Some(10.0),
            });
        }
        if r + 1 < h && keep(i, i + w) {
            edges.push(Edge {
                u: i as u32,
                v: (i + w) as u32,
                length: Some(10.0),
            });
        }
    }
    Problem {
        units,
        edges,
        groups: None,
    }
}

/// Number of connected pieces of each part, using only the problem's edges.
pub fn pieces_per_part(p: &Problem, parts: &[u32]) -> Vec<usize> {
    let n = p.units.len();
    let k = parts.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let mut adj = vec![Vec::new(); n];
    for e in &p.edges {
        adj[e.u as usize].push(e.v as usize);
        adj[e.v as usize].push(e.u as usize);
    }
    let mut seen = vec![false; n];
    let mut count = vec![0; k];
    for s in 0..n {
        if seen[s] {
            continue;
        }
        count[parts[s] as usize] += 1;
        seen[s] = true;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for &u in &adj[v] {
                if !seen[u] && parts[u] == parts[v] {
                    seen[u] = true;
                    stack.push(u);
                }
            }
        }
    }
    count
}

pub fn loads(p: &Problem, parts: &[u32]) -> Vec<f64> {
    let k = parts.iter().map(|&x| x as usize + 1).max().unwrap_or(0);
    let mut l = vec![0.0; k];
    for (i, u) in p.units.iter().enumerate() {
        l[parts[i] as usize] += u.weight;
    }
    l
}

/// Path of the shared data directory, or None (with a note) when it is absent.
pub fn data_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("note: {} is absent; skipping the real-data test", dir.display());
        None
    }
}
