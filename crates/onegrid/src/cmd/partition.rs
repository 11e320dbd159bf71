//! `onegrid partition` (SPEC G1–G2, I4): divide units into contiguous, balanced, compact parts,
//! or score a division, using the exchange format of `onegrid_partition::exchange`.
//!
//! ```text
//! onegrid partition --units U.geojson [--edges E.csv] [--groups G.csv] (--k K | --cap C) [--seed S] [--out A.csv]
//! onegrid partition --units U.geojson [--edges E.csv] --score A.csv [--cap C] [--compare B.csv] [--json]
//! onegrid partition --street CODE [--area CODE] [--within grid|community] [--k K | --cap C] [--seed S] [--edges E.csv] [--out A.csv]
//! ```
//! Without `--edges`, adjacency is derived from the geometry (shared polygon boundaries, or the
//! 6 nearest neighbours of points). Bad input names the file, the row and the field (R2).
//!
//! With `--street`, the units are the street's buildings with a location (households as
//! weight) from the database, numbered in code order; adjacency is the shared boundaries of
//! the buildings' cells within their grid (see `onegrid_app::partition`); the current grids
//! are fixed groups (`--within community`: communities). The cap defaults to the street's
//! division policy (40 households per micro-grid unless set). The quality of the proposal and
//! of the current division (the buildings' micro-grids) are printed side by side.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

mod street;

pub use street::run as run_street;

use anyhow::{Context, bail};
use onegrid_partition::{Control, Options, Policy, Problem, Progress, exchange, partition, report};

#[derive(Debug, Clone, clap::Args)]
pub struct PartitionArgs {
    /// Units: GeoJSON FeatureCollection (WGS-84) with properties `id` (0..n-1) and `weight`,
    /// optionally `area_m2` and `perim_m`; Polygon, MultiPolygon or Point geometries
    #[arg(long, value_name = "FILE", required_unless_present = "street", conflicts_with = "street")]
    pub units: Option<PathBuf>,

    /// Divide this street's buildings, read from the database (by street code)
    #[arg(long, value_name = "CODE", conflicts_with_all = ["groups", "score", "compare"])]
    pub street: Option<String>,

    /// With --street: only this grid or community (by code)
    #[arg(long, value_name = "CODE", requires = "street")]
    pub area: Option<String>,

    /// With --street: the fixed groups no part crosses
    #[arg(long, value_enum, default_value_t = WithinArg::Grid, requires = "street")]
    pub within: WithinArg,

    /// Adjacency: CSV with header `u,v[,shared_m]` [default: derived from the geometry]
    #[arg(long, value_name = "FILE")]
    pub edges: Option<PathBuf>,

    /// Fixed groups no part may cross (grids, communities): CSV with header `id,group`
    #[arg(long, value_name = "FILE")]
    pub groups: Option<PathBuf>,

    /// Divide into this many parts (max load ≤ (1 + tolerance) × total / K where possible)
    #[arg(long, value_name = "K", conflicts_with = "score")]
    pub k: Option<usize>,

    /// Divide into as few parts as possible with no load over this cap; with --score, count the
    /// parts over it
    #[arg(long, value_name = "LOAD")]
    pub cap: Option<f64>,

    /// Seed of the division: the same seed and input give the same result
    #[arg(long, default_value_t = 1)]
    pub seed: u64,

    /// Allowed imbalance with --k, as a fraction of the mean load
    #[arg(long, default_value_t = 0.05, value_name = "FRACTION")]
    pub tolerance: f64,

    /// Independent attempts, best kept (slower, sometimes better)
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub attempts: u32,

    /// Write the division here as CSV `id,part` [default: standard output]
    #[arg(long, value_name = "FILE", conflicts_with = "score")]
    pub out: Option<PathBuf>,

    /// Score this division (CSV `id,part`) instead of dividing, and print its quality report
    #[arg(long, value_name = "FILE")]
    pub score: Option<PathBuf>,

    /// With --score: compare with this division (the current one), counting units moved
    #[arg(long, value_name = "FILE", requires = "score")]
    pub compare: Option<PathBuf>,

    /// Print the report as JSON ({"report": …, "diff": …})
    #[arg(long)]
    pub json: bool,

    /// Also print one line per part (load, pieces, Polsby–Popper)
    #[arg(long)]
    pub per_part: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WithinArg {
    /// No part crosses a grid
    Grid,
    /// Parts may cross grids but not communities
    Community,
}

/// The subcommand's argument type under the name the other commands use.
#[allow(dead_code)]
pub type Args = PartitionArgs;

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Units, edges and groups as a problem; errors name the file, row and field.
fn load(args: &PartitionArgs) -> anyhow::Result<Problem> {
    let path = args.units.as_ref().context("--units is required without --street")?;
    let units = exchange::parse_units_geojson(&read(path)?).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let n = units.units.len();
    let edges = match &args.edges {
        Some(p) => exchange::parse_edges_csv(&read(p)?, n).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?,
        None => units.derive_edges(),
    };
    let mut problem = units.into_problem(edges);
    if let Some(p) = &args.groups {
        problem.groups = Some(exchange::parse_groups_csv(&read(p)?, n).map_err(|e| anyhow::anyhow!("{}: {e}", p.display()))?);
    }
    Ok(problem)
}

fn assignment(path: &Path, n: usize) -> anyhow::Result<Vec<u32>> {
    exchange::parse_assignment_csv(&read(path)?, n).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

pub fn run(args: &PartitionArgs) -> anyhow::Result<()> {
    if let Some(c) = args.cap
        && !(c.is_finite() && c > 0.0)
    {
        bail!("--cap: must be a number > 0, got {c}");
    }
    if !(args.tolerance.is_finite() && args.tolerance >= 0.0) {
        bail!("--tolerance: must be a number ≥ 0, got {}", args.tolerance);
    }
    let t0 = Instant::now();
    let problem = load(args)?;
    let n = problem.units.len();
    let read_ms = t0.elapsed().as_secs_f64() * 1e3;
    let mut stdout = std::io::stdout().lock();

    if let Some(score_path) = &args.score {
        let parts = assignment(score_path, n)?;
        let rep = report::score(&problem, &parts, args.cap).map_err(|e| anyhow::anyhow!("{}: {e}", score_path.display()))?;
        let diff = match &args.compare {
            Some(b) => {
                let before = assignment(b, n)?;
                let w: Vec<f64> = problem.units.iter().map(|u| u.weight).collect();
                Some(report::diff(&before, &parts, Some(&w))?)
            }
            None => None,
        };
        if args.json {
            serde_json::to_writer_pretty(&mut stdout, &serde_json::json!({ "report": rep, "diff": diff }))?;
            writeln!(stdout)?;
        } else {
            writeln!(stdout, "{rep}")?;
            if let Some(d) = diff {
                writeln!(stdout, "compared with the current division:\n{d}")?;
            }
            if args.per_part {
                write!(stdout, "{}", rep.parts_table())?;
            }
        }
        return Ok(());
    }

    let policy = match (args.k, args.cap) {
        (Some(k), None) => Policy::Parts(k),
        (None, Some(c)) => Policy::Cap(c),
        (Some(_), Some(_)) => bail!("give either --k or --cap, not both"),
        (None, None) => bail!("give --k K (number of parts) or --cap C (maximum load per part), or --score A.csv"),
    };
    let options = Options {
        policy,
        seed: args.seed,
        tolerance: args.tolerance,
        attempts: args.attempts,
    };
    // Progress on a terminal for large inputs.
    let show = n >= 20_000 && std::io::stderr().is_terminal();
    let last = std::cell::Cell::new(Instant::now());
    let progress = |p: Progress| {
        if show && last.get().elapsed().as_millis() >= 500 {
            last.set(Instant::now());
            eprint!("\r{}: {}/{}   ", p.stage, p.done, p.total);
        }
    };
    let ctrl = Control {
        cancel: None,
        progress: Some(&progress),
    };
    let t1 = Instant::now();
    let a = partition(&problem, &options, &ctrl)?;
    let ms = t1.elapsed().as_secs_f64() * 1e3;
    if show {
        eprintln!();
    }
    eprintln!(
        "partitioned {n} units into {} parts in {ms:.1} ms (reading input {read_ms:.1} ms)",
        a.n_parts
    );
    for note in &a.notes {
        eprintln!("note: {note}");
    }
    let csv = exchange::assignment_csv(&a.parts);
    match &args.out {
        Some(path) => {
            std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
            let cap = match policy {
                Policy::Cap(c) => Some(c),
                Policy::Parts(_) => None,
            };
            let rep = report::score(&problem, &a.parts, cap)?;
            if args.json {
                serde_json::to_writer_pretty(&mut stdout, &serde_json::json!({ "report": rep, "notes": a.notes }))?;
                writeln!(stdout)?;
            } else {
                writeln!(stdout, "{rep}")?;
                if args.per_part {
                    write!(stdout, "{}", rep.parts_table())?;
                }
            }
        }
        None => stdout.write_all(csv.as_bytes())?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        args: PartitionArgs,
    }

    fn parse(a: &[&str]) -> Result<PartitionArgs, clap::Error> {
        Wrap::try_parse_from(std::iter::once("partition").chain(a.iter().copied())).map(|w| w.args)
    }

    fn temp(name: &str, text: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("onegrid-partition-cmd-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const UNITS: &str = r#"{"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"id":0,"weight":2},"geometry":{"type":"Polygon","coordinates":[[[0,0],[0.001,0],[0.001,0.001],[0,0.001],[0,0]]]}},
      {"type":"Feature","properties":{"id":1,"weight":2},"geometry":{"type":"Polygon","coordinates":[[[0.001,0],[0.002,0],[0.002,0.001],[0.001,0.001],[0.001,0]]]}},
      {"type":"Feature","properties":{"id":2,"weight":2},"geometry":{"type":"Polygon","coordinates":[[[0.002,0],[0.003,0],[0.003,0.001],[0.002,0.001],[0.002,0]]]}}]}"#;

    #[test]
    fn g1_cli_divides_and_scores_files() {
        let units = temp("u.geojson", UNITS);
        let out = units.with_file_name("a.csv");
        let a = parse(&["--units", units.to_str().unwrap(), "--k", "3", "--out", out.to_str().unwrap()]).unwrap();
        run(&a).unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("id,part\n"));
        assert_eq!(text.lines().count(), 4);
        let s = parse(&["--units", units.to_str().unwrap(), "--score", out.to_str().unwrap(), "--json"]).unwrap();
        run(&s).unwrap();
        assert!(parse(&["--units", "u", "--k", "2", "--score", "a.csv"]).is_err());
    }

    #[test]
    fn g1_cli_errors_name_file_row_and_field() {
        let units = temp("u2.geojson", UNITS);
        let edges = temp("e.csv", "u,v,shared_m\n0,1,10\n1,9,10\n");
        let a = parse(&[
            "--units",
            units.to_str().unwrap(),
            "--edges",
            edges.to_str().unwrap(),
            "--k",
            "2",
        ])
        .unwrap();
        let e = run(&a).unwrap_err().to_string();
        assert!(e.contains("e.csv: line 3, field `v`"), "{e}");
        let bad = temp(
            "bad.geojson",
            &UNITS.replace(
                r#""weight":2},"geometry":{"type":"Polygon","coordinates":[[[0.001"#,
                r#""weight":-2},"geometry":{"type":"Polygon","coordinates":[[[0.001"#,
            ),
        );
        let a = parse(&["--units", bad.to_str().unwrap(), "--k", "2"]).unwrap();
        let e = run(&a).unwrap_err().to_string();
        assert!(e.contains("bad.geojson: feature 1, field `properties.weight`"), "{e}");
        let a = parse(&["--units", units.to_str().unwrap()]).unwrap();
        assert!(run(&a).unwrap_err().to_string().contains("--k"));
    }
}
