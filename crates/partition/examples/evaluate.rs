//! Development aid: divides the real data sets with several seeds and prints mean quality
//! and time per run (files parsed once). `evaluate [SEEDS] [DATA_DIR]`.

use onegrid_partition::{Control, Options, Problem, exchange, partition, score};
use std::time::Instant;

fn load(dir: &str, name: &str) -> Problem {
    let units = std::fs::read_to_string(format!("{dir}/{name}.geojson")).expect("units");
    let data = exchange::parse_units_geojson(&units).expect("parse units");
    let edges = std::fs::read_to_string(format!("{dir}/{name}.edges.csv")).expect("edges");
    let edges = exchange::parse_edges_csv(&edges, data.units.len()).expect("parse edges");
    data.into_problem(edges)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seeds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(5);
    let dir = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| format!("{}/../../../shared/data", env!("CARGO_MANIFEST_DIR")));
    for (name, opts, cap) in [
        ("us_counties", Options::parts(20), None),
        ("helsinki_buildings", Options::cap(150.0), Some(150.0)),
    ] {
        let p = load(&dir, name);
        let (mut pp, mut mx, mut parts, mut secs, mut minpp, mut cut) = (0.0, 0.0f64, 0.0, 0.0, 0.0, 0.0);
        for seed in 1..=seeds {
            let t = Instant::now();
            let a = partition(&p, &opts.with_seed(seed), &Control::default()).unwrap();
            secs += t.elapsed().as_secs_f64();
            let r = score(&p, &a.parts, cap).unwrap();
            assert_eq!(r.non_contiguous, 0);
            pp += r.mean_polsby_popper.unwrap();
            minpp += r.min_polsby_popper.unwrap();
            cut += r.cut_length_m.unwrap();
            mx = mx.max(r.max_over_target);
            parts += r.parts as f64;
        }
        let s = seeds as f64;
        println!(
            "{name}: mean PP {:.4} min PP {:.4} worst max/target {:.4} parts {:.1} cut {:.0} time {:.1} ms",
            pp / s,
            minpp / s,
            mx,
            parts / s,
            cut / s,
            secs / s * 1e3
        );
    }
}
