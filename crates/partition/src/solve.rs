//! The division driver (SPEC G1): splits the input into independent pieces (fixed groups ×
//! connected components, with units too heavy for any shared part taken out as parts of
//! their own), decides how many parts each piece gets, and divides each piece by the
//! multilevel scheme: coarsen → initial sweep bisection → project back level by level with
//! balancing and refinement → contiguity guarantee.

use crate::coarsen::coarsen;
use crate::graph::Graph;
use crate::initial::initial;
use crate::model::{Assignment, Control, Options, PartitionError, Policy, Problem};
use crate::refine::{Bounds, State};
use crate::rng::Rng;
use std::collections::BinaryHeap;

/// Divides `problem` as `options` ask. See the crate documentation for the method.
pub fn partition(problem: &Problem, options: &Options, ctrl: &Control) -> Result<Assignment, PartitionError> {
    let tol = options.tolerance;
    if !(tol.is_finite() && tol >= 0.0) {
        return Err(PartitionError::Invalid(format!("tolerance must be ≥ 0, got {tol}")));
    }
    match options.policy {
        Policy::Parts(0) => return Err(PartitionError::Invalid("the number of parts must be at least 1".into())),
        Policy::Cap(c) if !(c.is_finite() && c > 0.0) => {
            return Err(PartitionError::Invalid(format!("the cap must be a number > 0, got {c}")));
        }
        _ => {}
    }
    ctrl.report("prepare", 0, problem.units.len());
    let (g, facts) = Graph::from_problem(problem)?;
    let n = g.n();
    if n == 0 {
        return Ok(Assignment {
            parts: Vec::new(),
            n_parts: 0,
            notes: Vec::new(),
        });
    }
    let mut rng = Rng::new(options.seed);
    let mut notes = Vec::new();
    let total = g.total_weight();

    // Units that cannot share a part without breaking the load limit stand alone.
    let mut alone = vec![false; n];
    let mut n_alone = 0usize;
    match options.policy {
        Policy::Cap(cap) => {
            for v in 0..n {
                if g.w[v] > cap {
                    alone[v] = true;
                    n_alone += 1;
                    notes.push(format!(
                        "unit {v} alone weighs {} > cap {cap}: it is a part by itself",
                        g.w[v]
                    ));
                }
            }
        }
        Policy::Parts(k) => {
            // Repeatedly: a unit heavier than (1+tol)·(remaining load / remaining parts).
            let mut rest_w = total;
            let mut rest_k = k;
            loop {
                if rest_k <= 1 {
                    break;
                }
                let t = rest_w / rest_k as f64;
                let heavy: Vec<usize> = (0..n).filter(|&v| !alone[v] && g.w[v] > (1.0 + tol) * t).collect();
                if heavy.is_empty() || heavy.len() >= rest_k {
                    break;
                }
                for v in heavy {
                    alone[v] = true;
                    n_alone += 1;
                    rest_w -= g.w[v];
                    rest_k -= 1;
                    notes.push(format!(
                        "unit {v} alone weighs {:.4}× the target: it is a part by itself",
                        g.w[v] / (total / k as f64)
                    ));
                }
            }
        }
    }

    // Pieces: connected components of the rest, never crossing a fixed group.
    let groups = problem.groups.as_deref();
    let same_group = |u: u32, v: u32| groups.is_none_or(|gr| gr[u as usize] == gr[v as usize]);
    let keep = |u: u32, v: u32| !alone[u as usize] && !alone[v as usize] && same_group(u, v);
    let (comp, n_comp) = g.components(keep);
    let mut pieces: Vec<Vec<u32>> = vec![Vec::new(); n_comp];
    for v in 0..n {
        if !alone[v] {
            pieces[comp[v] as usize].push(v as u32);
        }
    }
    pieces.retain(|p| !p.is_empty());
    let piece_w: Vec<f64> = pieces.iter().map(|p| p.iter().map(|&v| g.w[v as usize]).sum()).collect();

    // Parts per piece.
    let mut ks: Vec<usize> = vec![1; pieces.len()];
    let global_target = match options.policy {
        Policy::Parts(k) => total / k as f64,
        Policy::Cap(cap) => cap,
    };
    match options.policy {
        Policy::Parts(k) => {
            let rest = k.saturating_sub(n_alone);
            if rest < pieces.len() {
                notes.push(format!(
                    "asked for {k} parts, but the input falls into {} separate pieces{}: {} parts",
                    pieces.len() + n_alone,
                    if groups.is_some() {
                        " (fixed groups × connected components)"
                    } else {
                        " (connected components)"
                    },
                    pieces.len() + n_alone
                ));
            } else {
                // Highest averages (D'Hondt): each further part goes to the piece whose load
                // per part is highest, which minimises the largest mean load.
                let mut heap: BinaryHeap<(OrdF64, std::cmp::Reverse<usize>)> = (0..pieces.len())
                    .filter(|&i| pieces[i].len() > 1)
                    .map(|i| (OrdF64(piece_w[i]), std::cmp::Reverse(i)))
                    .collect();
                let mut left = rest - pieces.len();
                while left > 0 {
                    let Some((_, std::cmp::Reverse(i))) = heap.pop() else { break };
                    ks[i] += 1;
                    left -= 1;
                    if ks[i] < pieces[i].len() {
                        heap.push((OrdF64(piece_w[i] / ks[i] as f64), std::cmp::Reverse(i)));
                    }
                }
                if left > 0 {
                    notes.push(format!("only {} units: {} parts", n, k - left));
                }
            }
        }
        Policy::Cap(_) => {}
    }

    // Divide each piece.
    let mut parts = vec![u32::MAX; n];
    let mut next_part = 0u32;
    let mut done_units = 0usize;
    let mut local = vec![u32::MAX; n];
    for (i, piece) in pieces.iter().enumerate() {
        ctrl.check()?;
        ctrl.report("divide", done_units, n);
        let sub = g.induced(piece, &mut local, same_group);
        // Progress inside the piece, mapped onto the whole run.
        let (base, span) = (done_units, piece.len());
        let inner = |p: crate::model::Progress| ctrl.report(p.stage, base + p.done * span / p.total.max(1), n);
        let ctrl = &Control {
            cancel: ctrl.cancel,
            progress: ctrl.progress.map(|_| &inner as &dyn Fn(_)),
        };
        let mut prng = rng.fork(i as u64);
        let (assign, k) = match options.policy {
            Policy::Parts(_) => {
                let k = ks[i];
                let t = piece_w[i] / k as f64;
                // The goal is max/(total/K) ≤ 1 + tol; a piece whose own mean load is higher
                // (pieces with few units) gets a little slack above its mean.
                let upper = ((1.0 + tol) * global_target).max(t * (1.0 + tol / 5.0));
                let b = Bounds {
                    target: t,
                    upper,
                    lower: (1.0 - tol) * t,
                };
                (divide_piece(&sub, k, &b, facts.shapes, options.attempts, &mut prng, ctrl)?, k)
            }
            Policy::Cap(cap) => cap_search(&sub, piece_w[i], cap, tol, facts.shapes, options.attempts, &mut prng, ctrl)?,
        };
        for (li, &v) in piece.iter().enumerate() {
            parts[v as usize] = next_part + assign[li];
        }
        next_part += k as u32;
        done_units += piece.len();
    }
    for v in 0..n {
        if alone[v] {
            parts[v] = next_part;
            next_part += 1;
        }
    }
    ctrl.report("done", n, n);
    // Canonical numbering: parts in the order of their lowest unit.
    let mut renum = vec![u32::MAX; next_part as usize];
    let mut count = 0u32;
    for p in parts.iter_mut() {
        if renum[*p as usize] == u32::MAX {
            renum[*p as usize] = count;
            count += 1;
        }
        *p = renum[*p as usize];
    }
    Ok(Assignment {
        parts,
        n_parts: count as usize,
        notes,
    })
}

#[derive(PartialEq, Clone, Copy)]
struct OrdF64(f64);
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&o.0)
    }
}

/// As few parts as possible with every load ≤ cap. First a division with a little slack
/// (about 10 % more parts than ⌈load/cap⌉, raised until it fits); then parts are dissolved
/// one at a time into their neighbours, keeping the result only when
/// balancing brings every load back under the cap; finally loads are evened out and
/// shapes refined with the number of parts fixed.
#[allow(clippy::too_many_arguments)]
fn cap_search(
    g: &Graph,
    w: f64,
    cap: f64,
    tol: f64,
    shapes: bool,
    attempts: u32,
    rng: &mut Rng,
    ctrl: &Control,
) -> Result<(Vec<u32>, usize), PartitionError> {
    let n = g.n();
    let lower_bound = ((w / cap - 1e-9).ceil() as usize).clamp(1, n);
    let fits = |assign: &[u32], k: usize| {
        let mut load = vec![0.0; k];
        for v in 0..n {
            load[assign[v] as usize] += g.w[v];
        }
        load.iter().all(|&l| l <= cap * (1.0 + 1e-12))
    };
    let mut k = ((w / (0.9 * cap)).ceil() as usize).clamp(lower_bound, n);
    let assign = loop {
        ctrl.check()?;
        ctrl.report("cap-search", 0, 1);
        let b = Bounds {
            target: w / k as f64,
            upper: cap,
            lower: 0.0,
        };
        let assign = divide_piece(g, k, &b, shapes, attempts, &mut rng.fork(k as u64), ctrl)?;
        if k >= n || fits(&assign, k) {
            break assign;
        }
        k = (k + (k / 10).max(1)).min(n);
    };
    let mut s = State::new(g, k, assign, shapes);
    let loose = Bounds {
        target: w / s.k as f64,
        upper: cap,
        lower: 0.0,
    };
    'shrink: while s.k > lower_bound {
        ctrl.check()?;
        // Candidates: parts whose load their neighbours can most easily take in first
        // (load − room left in the adjacent parts), at most 40 per step.
        let mut nb = Vec::new();
        let mut order: Vec<(f64, usize)> = (0..s.k)
            .map(|p| {
                s.neighbour_parts(p, &mut nb);
                let room: f64 = nb.iter().map(|&q| (cap - s.load[q as usize]).max(0.0)).sum();
                (s.load[p] - room, p)
            })
            .collect();
        order.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for &(_, p) in order.iter().take(40) {
            let (snapshot, k0) = (s.part.clone(), s.k);
            if s.dissolve(p) && s.balance(&loose, ctrl)? {
                continue 'shrink;
            }
            s = State::new(g, k0, snapshot, shapes);
        }
        break;
    }
    let k = s.k;
    let t = w / k as f64;
    let b = Bounds {
        target: t,
        upper: cap,
        lower: (1.0 - tol) * t,
    };
    s.balance(&b, ctrl)?;
    s.improve(&b, 6, rng, ctrl)?;
    if s.recombine(&b, 2, rng, ctrl)? > 0 {
        s.improve(&b, 4, rng, ctrl)?;
    }
    Ok((s.part, k))
}

/// Divides one connected piece into k parts within bounds; returns local part ids 0..k.
pub(crate) fn divide_piece(
    g: &Graph,
    k: usize,
    b: &Bounds,
    shapes: bool,
    attempts: u32,
    rng: &mut Rng,
    ctrl: &Control,
) -> Result<Vec<u32>, PartitionError> {
    let n = g.n();
    if k <= 1 {
        return Ok(vec![0; n]);
    }
    if k >= n {
        return Ok((0..n as u32).collect());
    }
    let attempts = attempts.max(1) as usize;
    let mut best: Option<(f64, f64, Vec<u32>)> = None;
    for a in 0..attempts {
        let mut arng = rng.fork(a as u64);
        let part = multilevel(g, k, b, shapes, &mut arng, ctrl)?;
        let s = State::new(g, k, part, shapes);
        let (over, obj) = (s.over(b), s.objective());
        let better = match &best {
            None => true,
            Some((bo, bobj, _)) => over < bo - 1e-9 || (over <= bo + 1e-9 && obj > *bobj),
        };
        if better {
            best = Some((over, obj, s.part));
        }
    }
    let part = best.unwrap().2;
    let mut s = State::new(g, k, part, shapes);
    let fixed = s.enforce_contiguity();
    debug_assert_eq!(fixed, 0);
    if fixed > 0 {
        s.balance(b, ctrl)?;
    }
    Ok(s.part)
}

fn multilevel(g: &Graph, k: usize, b: &Bounds, shapes: bool, rng: &mut Rng, ctrl: &Control) -> Result<Vec<u32>, PartitionError> {
    let n = g.n();
    let stop_at = (20 * k).max(120);
    let max_w = 1.5 * g.total_weight() / stop_at as f64;
    ctrl.check()?;
    ctrl.report("coarsen", 0, 1);
    let h = coarsen(g, stop_at, max_w, shapes, rng);
    let levels = h.levels.len();
    let coarsest = h.levels.last().unwrap_or(g);
    let mut part = initial(coarsest, k, 3, rng);
    let mut recombined = false;
    for l in (0..=levels).rev() {
        ctrl.check()?;
        ctrl.report("refine", levels - l, levels + 1);
        let gl = if l == 0 { g } else { &h.levels[l - 1] };
        if l < levels {
            let map = &h.maps[l];
            part = (0..gl.n()).map(|v| part[map[v] as usize]).collect();
        }
        let mut s = State::new(gl, k, part, shapes);
        s.fill_empty();
        if l == levels || l == 0 {
            s.enforce_contiguity();
        }
        s.balance(b, ctrl)?;
        s.improve(b, if l == 0 { 12 } else { 6 }, rng, ctrl)?;
        // Recombine once, at the coarsest level with about 60 vertices per part: nearly the
        // gain of recombining the finest level at a fraction of the cost.
        if !recombined && (gl.n() >= 60 * k || l == 0) {
            recombined = true;
            if s.recombine(b, 2, rng, ctrl)? > 0 {
                s.improve(b, 4, rng, ctrl)?;
            }
        }
        if l == 0 {
            s.balance(b, ctrl)?;
            s.improve(b, 4, rng, ctrl)?;
            // Refinement never splits a part; this is the belt to those braces.
            let fixed = s.enforce_contiguity();
            debug_assert_eq!(fixed, 0);
            if fixed > 0 {
                s.balance(b, ctrl)?;
            }
        }
        part = s.part;
    }
    debug_assert_eq!(part.len(), n);
    Ok(part)
}
