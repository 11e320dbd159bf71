//! Stand-in for `onegrid partition` until the binary wires `partition_cmd` (same flags):
//!
//! partition_cli --units U.geojson [--edges E.csv] [--groups G.csv] (--k K | --cap C) [--seed S] --out A.csv
//! partition_cli --units U.geojson [--edges E.csv] --score A.csv [--cap C] [--compare B.csv] [--json]

use onegrid_partition::{Control, Options, Policy, exchange, partition, report};
use std::time::Instant;

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn read(path: &str) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))
}

fn run() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let get = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let flag = |name: &str| args.iter().any(|a| a == name);
    let units_path = get("--units").ok_or("--units is required")?;
    let t0 = Instant::now();
    let data = exchange::parse_units_geojson(&read(&units_path)?).map_err(|e| format!("{units_path}: {e}"))?;
    let n = data.units.len();
    let edges = match get("--edges") {
        Some(p) => exchange::parse_edges_csv(&read(&p)?, n).map_err(|e| format!("{p}: {e}"))?,
        None => data.derive_edges(),
    };
    let mut problem = data.into_problem(edges);
    if let Some(p) = get("--groups") {
        problem.groups = Some(exchange::parse_groups_csv(&read(&p)?, n).map_err(|e| format!("{p}: {e}"))?);
    }
    let load_ms = t0.elapsed().as_secs_f64() * 1e3;
    let cap = get("--cap")
        .map(|c| c.parse::<f64>().map_err(|_| format!("--cap: not a number: {c}")))
        .transpose()?;
    if let Some(a) = get("--score") {
        let parts = exchange::parse_assignment_csv(&read(&a)?, n).map_err(|e| format!("{a}: {e}"))?;
        let rep = report::score(&problem, &parts, cap).map_err(|e| e.to_string())?;
        let d = match get("--compare") {
            Some(b) => {
                let other = exchange::parse_assignment_csv(&read(&b)?, n).map_err(|e| format!("{b}: {e}"))?;
                let w: Vec<f64> = problem.units.iter().map(|u| u.weight).collect();
                Some(report::diff(&other, &parts, Some(&w)).map_err(|e| e.to_string())?)
            }
            None => None,
        };
        if flag("--json") {
            let v = serde_json::json!({ "report": rep, "diff": d });
            println!("{}", serde_json::to_string_pretty(&v).unwrap());
        } else {
            println!("{rep}");
            if let Some(d) = d {
                println!("{d}");
            }
        }
        return Ok(());
    }
    let policy = match (get("--k"), cap) {
        (Some(k), None) => Policy::Parts(k.parse().map_err(|_| format!("--k: not a count: {k}"))?),
        (None, Some(c)) => Policy::Cap(c),
        _ => return Err("give exactly one of --k and --cap".into()),
    };
    let seed = get("--seed").map_or(Ok(1), |s| s.parse().map_err(|_| format!("--seed: not a number: {s}")))?;
    let mut opts = Options {
        policy,
        seed,
        ..Options::parts(1)
    };
    if let Some(a) = get("--attempts") {
        opts.attempts = a.parse().map_err(|_| "--attempts: not a number".to_string())?;
    }
    let t1 = Instant::now();
    let a = partition(&problem, &opts, &Control::default()).map_err(|e| e.to_string())?;
    let ms = t1.elapsed().as_secs_f64() * 1e3;
    let out = get("--out").ok_or("--out is required")?;
    std::fs::write(&out, exchange::assignment_csv(&a.parts)).map_err(|e| format!("{out}: {e}"))?;
    eprintln!(
        "partitioned {n} units into {} parts in {ms:.1} ms (reading input {load_ms:.1} ms)",
        a.n_parts
    );
    for note in &a.notes {
        eprintln!("note: {note}");
    }
    Ok(())
}
