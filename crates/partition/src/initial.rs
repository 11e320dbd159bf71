//! Initial division of the coarsest level by recursive sweep bisection (SPEC G1).
//!
//! A connected vertex set that must become k parts is split into two connected sides that
//! will hold ⌊k/2⌋ and ⌈k/2⌉ parts. Side one is grown from the extreme vertex along a
//! direction, always adding the frontier vertex that lies furthest back along that
//! direction (a sweep line that may only advance through adjacency), until it holds its
//! share of the load. The grown side is connected by construction; pockets of the rest that
//! the sweep cut off are handed to side one, so both sides are connected. Directions near
//! the principal axis of the set (recursive inertial bisection, Simon 1991; Williams 1991) are
//! tried from both ends and the split with the shortest cut, penalised by imbalance, is kept.

use crate::graph::Graph;
use crate::rng::Rng;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

#[derive(PartialEq)]
struct Key(f64, u32);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Key {
    // Reversed: BinaryHeap pops the smallest projection first.
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}

struct Scratch {
    owner: Vec<u32>,
    side: Vec<u32>,
    /// Stamp of the growth that queued the vertex: the key (projection) of a vertex does
    /// not change, so it is queued once.
    queued: Vec<u32>,
    stamp: u32,
    heap: BinaryHeap<Key>,
}

pub(crate) fn initial(g: &Graph, k: usize, directions: usize, rng: &mut Rng) -> Vec<u32> {
    let n = g.n();
    let mut part = vec![0u32; n];
    let mut s = Scratch {
        owner: vec![0; n],
        side: vec![0; n],
        queued: vec![0; n],
        stamp: 0,
        heap: BinaryHeap::new(),
    };
    let mut next_id = 1u32;
    let mut stack: Vec<(Vec<u32>, usize, u32, u32)> = vec![((0..n as u32).collect(), k, 0, 0)];
    while let Some((verts, k, base, id)) = stack.pop() {
        if k <= 1 || verts.len() <= 1 {
            for &v in &verts {
                part[v as usize] = base;
            }
            continue;
        }
        let k1 = k / 2;
        let k2 = k - k1;
        let (one, two) = bisect(g, &verts, id, k1, k2, directions, &mut s, rng);
        let (id1, id2) = (next_id, next_id + 1);
        next_id += 2;
        for &v in &one {
            s.owner[v as usize] = id1;
        }
        for &v in &two {
            s.owner[v as usize] = id2;
        }
        stack.push((two, k2, base + k1 as u32, id2));
        stack.push((one, k1, base, id1));
    }
    part
}

#[allow(clippy::too_many_arguments)]
fn bisect(
    g: &Graph,
    verts: &[u32],
    id: u32,
    k1: usize,
    k2: usize,
    directions: usize,
    s: &mut Scratch,
    rng: &mut Rng,
) -> (Vec<u32>, Vec<u32>) {
    // Principal axis of the set (mass-weighted).
    let (mut m, mut mx, mut my) = (0.0, 0.0, 0.0);
    for &v in verts {
        let v = v as usize;
        m += g.mass[v];
        mx += g.mass[v] * g.x[v];
        my += g.mass[v] * g.y[v];
    }
    let (cx, cy) = (mx / m, my / m);
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for &v in verts {
        let v = v as usize;
        let (dx, dy) = (g.x[v] - cx, g.y[v] - cy);
        sxx += g.mass[v] * dx * dx;
        syy += g.mass[v] * dy * dy;
        sxy += g.mass[v] * dx * dy;
    }
    let theta = 0.5 * (2.0 * sxy).atan2(sxx - syy);
    let jitter = (rng.unit() - 0.5) * 0.2;
    let all = [0.0, 0.35, -0.35, 0.7, -0.7, std::f64::consts::FRAC_PI_2];
    let angles = &all[..if verts.len() > 4000 {
        1
    } else {
        directions.clamp(1, all.len())
    }];
    let total: f64 = verts.iter().map(|&v| g.w[v as usize]).sum();
    let want = total * k1 as f64 / (k1 + k2) as f64;
    let mut best: Option<(f64, f64)> = None;
    for &da in angles {
        for flip in [false, true] {
            let a = theta + da + jitter + if flip { std::f64::consts::PI } else { 0.0 };
            let stamp = grow(g, verts, id, k1, k2, want, a.cos(), a.sin(), false, s);
            let (mut w1, mut cut) = (0.0, 0.0);
            for &v in verts {
                let v = v as usize;
                if s.side[v] == stamp {
                    w1 += g.w[v];
                    for e in g.range(v) {
                        let u = g.adj[e] as usize;
                        if s.owner[u] == id && s.side[u] != stamp {
                            cut += g.elen[e];
                        }
                    }
                }
            }
            let imbalance = if total > 0.0 { (w1 - want).abs() / total } else { 0.0 };
            let score = cut * (1.0 + 8.0 * imbalance) + imbalance;
            if best.is_none_or(|b| score < b.0) {
                best = Some((score, a));
            }
        }
    }
    // Candidates were compared before handing pockets over (rarely any); grow the best
    // again, this time with its pockets.
    let a = best.unwrap().1;
    let mark = grow(g, verts, id, k1, k2, want, a.cos(), a.sin(), true, s);
    verts.iter().copied().partition(|&v| s.side[v as usize] == mark)
}

/// Grows side one along direction (dx, dy); marks it with the returned stamp. With
/// `pockets`, pieces of the rest other than its heaviest join side one.
#[allow(clippy::too_many_arguments)]
fn grow(
    g: &Graph,
    verts: &[u32],
    id: u32,
    k1: usize,
    k2: usize,
    want: f64,
    dx: f64,
    dy: f64,
    pockets: bool,
    s: &mut Scratch,
) -> u32 {
    s.stamp += 1;
    let stamp = s.stamp;
    let proj = |v: usize| g.x[v] * dx + g.y[v] * dy;
    let start = *verts
        .iter()
        .min_by(|&&a, &&b| proj(a as usize).total_cmp(&proj(b as usize)).then(a.cmp(&b)))
        .unwrap();
    s.heap.clear();
    s.heap.push(Key(proj(start as usize), start));
    s.queued[start as usize] = stamp;
    let (mut w, mut count) = (0.0, 0usize);
    while let Some(Key(_, v)) = s.heap.pop() {
        let v = v as usize;
        if s.side[v] == stamp {
            continue;
        }
        if count >= k1 {
            let over = w + g.w[v] - want;
            if count + k2 >= verts.len() || (over > 0.0 && over > want - w) {
                break;
            }
        }
        s.side[v] = stamp;
        w += g.w[v];
        count += 1;
        if w >= want && count >= k1 {
            break;
        }
        for e in g.range(v) {
            let u = g.adj[e] as usize;
            if s.owner[u] == id && s.queued[u] != stamp {
                s.queued[u] = stamp;
                s.heap.push(Key(proj(u), u as u32));
            }
        }
    }
    if !pockets {
        return stamp;
    }
    // Pockets of the other side cut off by the sweep join side one; the heaviest piece of
    // the rest stays side two.
    let mut comp_of: Vec<(u32, f64, usize)> = Vec::new(); // (seed vertex, weight, size)
    let tag = stamp.wrapping_add(1_000_000_000); // temporary marks for the rest's pieces
    let mut pieces: Vec<Vec<u32>> = Vec::new();
    let mut stack = Vec::new();
    for &r in verts {
        let r = r as usize;
        if s.side[r] == stamp || s.side[r] == tag {
            continue;
        }
        let mut piece = vec![r as u32];
        s.side[r] = tag;
        stack.push(r);
        let mut pw = 0.0;
        while let Some(v) = stack.pop() {
            pw += g.w[v];
            for e in g.range(v) {
                let u = g.adj[e] as usize;
                if s.owner[u] == id && s.side[u] != stamp && s.side[u] != tag {
                    s.side[u] = tag;
                    piece.push(u as u32);
                    stack.push(u);
                }
            }
        }
        comp_of.push((r as u32, pw, piece.len()));
        pieces.push(piece);
    }
    let main = (0..pieces.len()).max_by(|&a, &b| {
        comp_of[a]
            .1
            .total_cmp(&comp_of[b].1)
            .then(comp_of[a].2.cmp(&comp_of[b].2))
            .then(b.cmp(&a))
    });
    for (i, piece) in pieces.iter().enumerate() {
        let mark = if Some(i) == main { 0 } else { stamp };
        for &v in piece {
            s.side[v as usize] = mark;
        }
    }
    stamp
}
