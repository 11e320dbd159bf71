//! Synthetic benchmark (issue 5, SPEC G3): a generated city divided in memory, timed.
//!
//! synthetic city  [UNITS] [PARTS]   default 100000 units → 2000 parts (K policy)
//! synthetic street [BUILDINGS] [CAP] default 5000 buildings, cap 40 households
//! synthetic points [POINTS] [PARTS]  default 100000 random points → 2000 parts (no shapes)
//!
//! The city is a jittered grid of square plots (20 m) whose adjacency is rook adjacency with
//! shared sides as edge lengths; every 8th row and column is a road along which 80 % of the
//! crossings are missing (barriers), so parts must route around them. Households per plot:
//! 15 % none (shops, schools), the rest 1–5 for a street (≈ 12,000 households on 5,000
//! buildings, as in SPEC D4) or 1–60 for the city. The seed is fixed, so runs are comparable.

use onegrid_partition::{Control, Edge, Options, Problem, Unit, partition, score};
use std::time::Instant;

struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn city(n: usize, max_households: u32, seed: u64) -> Problem {
    let side = (n as f64).sqrt().ceil() as usize;
    let mut rng = Lcg(seed);
    let cell = 20.0;
    let mut units = Vec::with_capacity(n);
    for i in 0..n {
        let (r, c) = (i / side, i % side);
        let w = if rng.next() < 0.15 {
            0.0
        } else {
            1.0 + (rng.next() * max_households as f64).floor().min(max_households as f64 - 1.0)
        };
        units.push(Unit {
            weight: w,
            x: c as f64 * cell + (rng.next() - 0.5) * 4.0,
            y: r as f64 * cell + (rng.next() - 0.5) * 4.0,
            area: Some(cell * cell),
            perimeter: Some(4.0 * cell),
        });
    }
    let mut edges = Vec::with_capacity(2 * n);
    for i in 0..n {
        let (r, c) = (i / side, i % side);
        for (dr, dc) in [(0usize, 1usize), (1, 0)] {
            let (r2, c2) = (r + dr, c + dc);
            if r2 >= side || c2 >= side {
                continue;
            }
            let j = r2 * side + c2;
            if j >= n {
                continue;
            }
            // A road runs after every 8th row / column: most crossings are missing.
            let crosses_road = (dr == 1 && r % 8 == 7) || (dc == 1 && c % 8 == 7);
            if crosses_road && rng.next() < 0.8 {
                continue;
            }
            edges.push(Edge {
                u: i as u32,
                v: j as u32,
                length: Some(cell),
            });
        }
    }
    Problem {
        units,
        edges,
        groups: None,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("city");
    let num = |i: usize, d: f64| args.get(i).and_then(|s| s.parse::<f64>().ok()).unwrap_or(d);
    let (problem, opts) = match mode {
        "city" => {
            let n = num(1, 100_000.0) as usize;
            let k = num(2, 2000.0) as usize;
            (city(n, 60, 7), Options::parts(k))
        }
        "street" => {
            let n = num(1, 5000.0) as usize;
            let cap = num(2, 40.0);
            (city(n, 5, 11), Options::cap(cap))
        }
        "points" => {
            // Random points (no shapes): the k-nearest-neighbour fallback and the cut objective.
            let n = num(1, 100_000.0) as usize;
            let k = num(2, 2000.0) as usize;
            let mut rng = Lcg(5);
            let pos: Vec<[f64; 2]> = (0..n).map(|_| [rng.next() * 5000.0, rng.next() * 5000.0]).collect();
            let units = pos
                .iter()
                .map(|p| Unit::point(1.0 + (rng.next() * 40.0).floor(), p[0], p[1]))
                .collect();
            let t = Instant::now();
            let mut pairs = onegrid_partition::geometry::knn_edges(&pos, onegrid_partition::geometry::KNN);
            pairs.extend(onegrid_partition::geometry::join_components(&pos, &pairs));
            eprintln!(
                "k-nearest-neighbour graph of {n} points in {:.3} s",
                t.elapsed().as_secs_f64()
            );
            let edges = pairs.into_iter().map(|(u, v)| Edge { u, v, length: None }).collect();
            (
                Problem {
                    units,
                    edges,
                    groups: None,
                },
                Options::parts(k),
            )
        }
        other => {
            eprintln!("unknown mode {other}: city | street | points");
            std::process::exit(2);
        }
    };
    let total: f64 = problem.units.iter().map(|u| u.weight).sum();
    let t = Instant::now();
    let a = partition(&problem, &opts, &Control::default()).expect("partition");
    let secs = t.elapsed().as_secs_f64();
    let cap = match opts.policy {
        onegrid_partition::Policy::Cap(c) => Some(c),
        _ => None,
    };
    let r = score(&problem, &a.parts, cap).expect("score");
    println!(
        "{mode}: {} units, {} edges, total load {total}, {:?} → {} parts in {:.3} s; max/target {:.3}, min/target {:.3}, non-contiguous {}, over cap {:?} (lower bound {:?}), mean PP {:.3}, min PP {:.3}",
        problem.units.len(),
        problem.edges.len(),
        opts.policy,
        a.n_parts,
        secs,
        r.max_over_target,
        r.min_over_target,
        r.non_contiguous,
        r.over_cap,
        r.parts_lower_bound,
        r.mean_polsby_popper.unwrap_or(0.0),
        r.min_polsby_popper.unwrap_or(0.0),
    );
}
