//! Quality report of any assignment, and the difference between two (SPEC G2).
//!
//! The same code scores our divisions and anybody else's (METIS in the benchmark), so the
//! figures are comparable.

use crate::graph::Graph;
use crate::model::{PartitionError, Problem};
use crate::refine::polsby_popper;
use std::collections::HashMap;
use std::fmt;

/// One part's figures.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartReport {
    /// The part id as given in the assignment.
    pub part: u32,
    pub units: usize,
    pub load: f64,
    pub load_over_target: f64,
    /// Connected pieces of the part in the adjacency graph (1 when contiguous).
    pub pieces: usize,
    pub area_m2: Option<f64>,
    pub perimeter_m: Option<f64>,
    pub polsby_popper: Option<f64>,
    pub over_cap: bool,
}

/// Quality of an assignment (SPEC G2). `target` is total load / number of parts.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub units: usize,
    pub parts: usize,
    pub total_load: f64,
    pub target: f64,
    pub max_load: f64,
    pub min_load: f64,
    pub max_over_target: f64,
    pub min_over_target: f64,
    /// The lowest max/target any division into this many parts can reach because of the
    /// heaviest unit: max(1, heaviest unit / target).
    pub max_over_target_bound: f64,
    pub cap: Option<f64>,
    /// Parts whose load exceeds the cap.
    pub over_cap: Option<usize>,
    /// Of those, parts made of one unit that alone exceeds the cap.
    pub over_cap_unavoidable: Option<usize>,
    /// Fewest parts any division under the cap can have: units over the cap alone, plus
    /// ⌈rest / cap⌉ (ignores contiguity, so it may be unreachable).
    pub parts_lower_bound: Option<usize>,
    pub non_contiguous: usize,
    pub cut_edges: usize,
    /// Total shared length of cut edges, when edge lengths are known.
    pub cut_length_m: Option<f64>,
    /// Polsby–Popper 4πA/P² of each merged part (P = Σ unit perimeters − 2 × internal
    /// shared lengths), when areas, perimeters and edge lengths are known.
    pub mean_polsby_popper: Option<f64>,
    pub min_polsby_popper: Option<f64>,
    pub part_list: Vec<PartReport>,
}

fn check_len(problem: &Problem, parts: &[u32]) -> Result<(), PartitionError> {
    if parts.len() != problem.units.len() {
        return Err(PartitionError::Invalid(format!(
            "assignment has {} entries for {} units",
            parts.len(),
            problem.units.len()
        )));
    }
    Ok(())
}

/// Scores `parts` (part id per unit; ids need not be consecutive) for `problem`.
pub fn score(problem: &Problem, parts: &[u32], cap: Option<f64>) -> Result<Report, PartitionError> {
    check_len(problem, parts)?;
    let (g, facts) = Graph::from_problem(problem)?;
    let n = g.n();
    // Dense local ids in order of the part id.
    let mut ids: Vec<u32> = parts.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let index: HashMap<u32, usize> = ids.iter().enumerate().map(|(i, &p)| (p, i)).collect();
    let k = ids.len();
    let pi: Vec<usize> = parts.iter().map(|p| index[p]).collect();
    let mut load = vec![0.0; k];
    let mut units = vec![0usize; k];
    let mut area = vec![0.0; k];
    let mut perim = vec![0.0; k];
    let mut heaviest = vec![0.0f64; k];
    for v in 0..n {
        let p = pi[v];
        load[p] += g.w[v];
        units[p] += 1;
        area[p] += g.area[v];
        perim[p] += g.perim[v];
        heaviest[p] = heaviest[p].max(g.w[v]);
    }
    let (mut cut_edges, mut cut_len) = (0usize, 0.0);
    for v in 0..n {
        for e in g.range(v) {
            let u = g.adj[e] as usize;
            if pi[u] == pi[v] {
                perim[pi[v]] -= g.elen[e];
            } else if u > v {
                cut_edges += 1;
                cut_len += g.elen[e];
            }
        }
    }
    // Pieces per part.
    let mut pieces = vec![0usize; k];
    let mut seen = vec![false; n];
    let mut stack = Vec::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        pieces[pi[s]] += 1;
        seen[s] = true;
        stack.push(s);
        while let Some(v) = stack.pop() {
            for e in g.range(v) {
                let u = g.adj[e] as usize;
                if !seen[u] && pi[u] == pi[v] {
                    seen[u] = true;
                    stack.push(u);
                }
            }
        }
    }
    let total: f64 = g.total_weight();
    let target = if k > 0 { total / k as f64 } else { 0.0 };
    let ratio = |l: f64| if target > 0.0 { l / target } else { 1.0 };
    let pp: Vec<Option<f64>> = (0..k)
        .map(|p| facts.shapes.then(|| polsby_popper(area[p], perim[p].max(0.0))))
        .collect();
    let over = |p: usize| cap.is_some_and(|c| load[p] > c * (1.0 + 1e-12));
    let part_list: Vec<PartReport> = (0..k)
        .map(|p| PartReport {
            part: ids[p],
            units: units[p],
            load: load[p],
            load_over_target: ratio(load[p]),
            pieces: pieces[p],
            area_m2: facts.shapes.then_some(area[p]),
            perimeter_m: facts.shapes.then_some(perim[p].max(0.0)),
            polsby_popper: pp[p],
            over_cap: over(p),
        })
        .collect();
    let max_load = load.iter().copied().fold(f64::NEG_INFINITY, f64::max).max(0.0);
    let min_load = if k > 0 {
        load.iter().copied().fold(f64::INFINITY, f64::min)
    } else {
        0.0
    };
    let max_unit = g.w.iter().copied().fold(0.0, f64::max);
    let (over_cap, unavoidable, lower) = match cap {
        Some(c) => {
            let over_n = (0..k).filter(|&p| over(p)).count();
            let unavoidable = (0..k).filter(|&p| over(p) && units[p] == 1).count();
            let heavy: Vec<f64> = g.w.iter().copied().filter(|&w| w > c).collect();
            let rest = total - heavy.iter().sum::<f64>();
            let lb = heavy.len() + (rest / c - 1e-9).ceil().max(0.0) as usize;
            (Some(over_n), Some(unavoidable), Some(lb))
        }
        None => (None, None, None),
    };
    let pps: Vec<f64> = pp.iter().flatten().copied().collect();
    Ok(Report {
        units: n,
        parts: k,
        total_load: total,
        target,
        max_load,
        min_load,
        max_over_target: ratio(max_load),
        min_over_target: ratio(min_load),
        max_over_target_bound: ratio(max_unit).max(1.0),
        cap,
        over_cap,
        over_cap_unavoidable: unavoidable,
        parts_lower_bound: lower,
        non_contiguous: pieces.iter().filter(|&&c| c > 1).count(),
        cut_edges,
        cut_length_m: facts.lengths.then_some(cut_len),
        mean_polsby_popper: (!pps.is_empty()).then(|| pps.iter().sum::<f64>() / pps.len() as f64),
        min_polsby_popper: pps.iter().copied().reduce(f64::min),
        part_list,
    })
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

impl Report {
    /// One line per part: id, units, load, load/target, pieces, Polsby–Popper.
    pub fn parts_table(&self) -> String {
        let mut s = String::from("part\tunits\tload\tload/target\tpieces\tpolsby_popper\n");
        for p in &self.part_list {
            s += &format!(
                "{}\t{}\t{}\t{:.3}\t{}\t{}\n",
                p.part,
                p.units,
                p.load,
                p.load_over_target,
                p.pieces,
                opt(p.polsby_popper, 3)
            );
        }
        s
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "units                 {}", self.units)?;
        writeln!(f, "parts                 {}", self.parts)?;
        writeln!(f, "total load            {}", self.total_load)?;
        writeln!(f, "target (total/parts)  {:.2}", self.target)?;
        writeln!(
            f,
            "max load / target     {:.4}  (bound from heaviest unit {:.4})",
            self.max_over_target, self.max_over_target_bound
        )?;
        writeln!(f, "min load / target     {:.4}", self.min_over_target)?;
        if let (Some(c), Some(o), Some(u), Some(lb)) =
            (self.cap, self.over_cap, self.over_cap_unavoidable, self.parts_lower_bound)
        {
            writeln!(f, "cap                   {c}")?;
            writeln!(f, "parts over cap        {o}  (unavoidable {u})")?;
            writeln!(f, "parts lower bound     {lb}")?;
        }
        writeln!(f, "non-contiguous parts  {}", self.non_contiguous)?;
        writeln!(f, "cut edges             {}", self.cut_edges)?;
        writeln!(f, "cut length (m)        {}", opt(self.cut_length_m, 1))?;
        writeln!(f, "mean Polsby-Popper    {}", opt(self.mean_polsby_popper, 4))?;
        write!(f, "min Polsby-Popper     {}", opt(self.min_polsby_popper, 4))
    }
}

/// How a new assignment differs from the current one (SPEC G2). Parts are matched one to one
/// by largest overlap, since part ids of two divisions need not correspond.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Diff {
    pub units: usize,
    pub parts_before: usize,
    pub parts_after: usize,
    /// Units whose part in `after` is not the match of their part in `before`.
    pub units_moved: usize,
    /// Load of those units.
    pub load_moved: f64,
    /// Parts of `after` identical to a part of `before`.
    pub parts_unchanged: usize,
    /// Parts of `after` that differ from their match, or have none.
    pub parts_changed: usize,
    /// (before id, after id) of matched parts.
    pub matching: Vec<(u32, u32)>,
}

/// Compares two assignments of the same units; `weights` gives the load moved.
pub fn diff(before: &[u32], after: &[u32], weights: Option<&[f64]>) -> Result<Diff, PartitionError> {
    if before.len() != after.len() {
        return Err(PartitionError::Invalid(format!(
            "assignments cover {} and {} units",
            before.len(),
            after.len()
        )));
    }
    let mut overlap: HashMap<(u32, u32), usize> = HashMap::new();
    let mut size_b: HashMap<u32, usize> = HashMap::new();
    let mut size_a: HashMap<u32, usize> = HashMap::new();
    for (&b, &a) in before.iter().zip(after) {
        *overlap.entry((b, a)).or_default() += 1;
        *size_b.entry(b).or_default() += 1;
        *size_a.entry(a).or_default() += 1;
    }
    let mut pairs: Vec<((u32, u32), usize)> = overlap.into_iter().collect();
    pairs.sort_unstable_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    let mut matched_b: HashMap<u32, u32> = HashMap::new();
    let mut matched_a: HashMap<u32, u32> = HashMap::new();
    let mut matching = Vec::new();
    let mut unchanged = 0;
    for ((b, a), c) in pairs {
        if matched_b.contains_key(&b) || matched_a.contains_key(&a) {
            continue;
        }
        matched_b.insert(b, a);
        matched_a.insert(a, b);
        matching.push((b, a));
        if c == size_b[&b] && c == size_a[&a] {
            unchanged += 1;
        }
    }
    matching.sort_unstable();
    let (mut moved, mut load_moved) = (0, 0.0);
    for (i, (&b, &a)) in before.iter().zip(after).enumerate() {
        if matched_b.get(&b) != Some(&a) {
            moved += 1;
            load_moved += weights.map_or(0.0, |w| w[i]);
        }
    }
    Ok(Diff {
        units: before.len(),
        parts_before: size_b.len(),
        parts_after: size_a.len(),
        units_moved: moved,
        load_moved,
        parts_unchanged: unchanged,
        parts_changed: size_a.len() - unchanged,
        matching,
    })
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "parts before / after  {} / {}", self.parts_before, self.parts_after)?;
        writeln!(f, "parts unchanged       {}", self.parts_unchanged)?;
        writeln!(f, "parts changed         {}", self.parts_changed)?;
        write!(
            f,
            "units moved           {} of {} (load {})",
            self.units_moved, self.units, self.load_moved
        )
    }
}
