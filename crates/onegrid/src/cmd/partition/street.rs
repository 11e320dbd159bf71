//! `onegrid partition --street CODE …`: a division of a street's own buildings, read from the
//! database, printed beside the current division (SPEC G1–G2, I4). Nothing is written to the
//! database; `--out` writes the proposal as CSV `id,part,building,current` (the exchange
//! format's `id,part` plus the building code and its current micro-grid code).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use onegrid_app::partition::{Division, DivisionRequest, Within};
use onegrid_partition::report::Report;

use super::{PartitionArgs, WithinArg};
use crate::config::Settings;

pub async fn run(args: &PartitionArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    let code = args.street.as_deref().expect("--street given");
    if let Some(c) = args.cap
        && !(c.is_finite() && c > 0.0)
    {
        anyhow::bail!("--cap: must be a number > 0, got {c}");
    }
    let app = super::super::open_app(settings).await?;
    let street = super::super::street_by_code(&app, code).await?;
    let area_id = match &args.area {
        Some(a) => Some(app.division_area(street.id, a).await?),
        None => None,
    };
    let edges_csv = match &args.edges {
        Some(p) => Some(std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?),
        None => None,
    };
    let req = DivisionRequest {
        area_id,
        cap: args.cap,
        k: args.k,
        seed: args.seed,
        within: match args.within {
            WithinArg::Grid => Within::Grid,
            WithinArg::Community => Within::Community,
        },
        edges_csv,
    };
    let d = app
        .propose_division(street.id, &req)
        .await
        .map_err(|e| match (&e, &args.edges) {
            (onegrid_app::AppError::Invalid(f), Some(p)) if f.iter().any(|f| f.field == "edges") => {
                anyhow::anyhow!(
                    "{}: {}",
                    p.display(),
                    f.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join("; ")
                )
            }
            _ => e.into(),
        })?;
    let mut out = std::io::stdout().lock();
    if let Some(path) = &args.out {
        std::fs::write(path, assignment_csv(&d)).with_context(|| format!("cannot write {}", path.display()))?;
    }
    if args.json {
        serde_json::to_writer_pretty(&mut out, &d)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "street {} ({}), {} buildings, divided in {:.1} ms",
            street.code,
            street.name,
            d.units.len(),
            d.millis
        )?;
        write!(out, "{}", side_by_side(&d.current, &d.proposed))?;
        writeln!(out, "compared with the current division:\n{}", d.diff)?;
        for n in &d.notes {
            writeln!(out, "note: {n}")?;
        }
        if !d.skipped.is_empty() {
            let list: Vec<String> = d.skipped.iter().map(|s| format!("{} ({})", s.code, s.reason)).collect();
            writeln!(out, "left out: {}", list.join(", "))?;
        }
        if args.per_part {
            write!(out, "{}", d.proposed.parts_table())?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn assignment_csv(d: &Division) -> String {
    let mut s = String::from("id,part,building,current\n");
    for (i, u) in d.units.iter().enumerate() {
        let current = u
            .micro_grid_id
            .and_then(|m| d.micro_grid_codes.get(&m))
            .map(String::as_str)
            .unwrap_or("");
        s += &format!("{i},{},{},{current}\n", u.part, u.code);
    }
    s
}

fn opt(v: Option<f64>, digits: usize) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x:.digits$}"))
}

/// The two quality reports in two columns (SPEC G2: compare a proposal with the current division).
pub fn side_by_side(current: &Report, proposed: &Report) -> String {
    let mut rows: Vec<(&str, String, String)> = vec![
        ("buildings", current.units.to_string(), proposed.units.to_string()),
        ("micro-grids (parts)", current.parts.to_string(), proposed.parts.to_string()),
        ("households", current.total_load.to_string(), proposed.total_load.to_string()),
        (
            "target (households/part)",
            format!("{:.2}", current.target),
            format!("{:.2}", proposed.target),
        ),
        ("max load", current.max_load.to_string(), proposed.max_load.to_string()),
        ("min load", current.min_load.to_string(), proposed.min_load.to_string()),
        (
            "max load / target",
            format!("{:.4}", current.max_over_target),
            format!("{:.4}", proposed.max_over_target),
        ),
        (
            "min load / target",
            format!("{:.4}", current.min_over_target),
            format!("{:.4}", proposed.min_over_target),
        ),
    ];
    if let (Some(c), Some(oc), Some(op)) = (proposed.cap, current.over_cap, proposed.over_cap) {
        rows.push(("cap", c.to_string(), c.to_string()));
        rows.push((
            "parts over cap (unavoidable)",
            format!("{oc} ({})", current.over_cap_unavoidable.unwrap_or(0)),
            format!("{op} ({})", proposed.over_cap_unavoidable.unwrap_or(0)),
        ));
        let lb = proposed.parts_lower_bound.map(|v| v.to_string()).unwrap_or_default();
        rows.push(("parts lower bound", lb.clone(), lb));
    }
    rows.extend([
        (
            "non-contiguous parts",
            current.non_contiguous.to_string(),
            proposed.non_contiguous.to_string(),
        ),
        ("cut edges", current.cut_edges.to_string(), proposed.cut_edges.to_string()),
        ("cut length (m)", opt(current.cut_length_m, 1), opt(proposed.cut_length_m, 1)),
        (
            "mean Polsby-Popper",
            opt(current.mean_polsby_popper, 4),
            opt(proposed.mean_polsby_popper, 4),
        ),
        (
            "min Polsby-Popper",
            opt(current.min_polsby_popper, 4),
            opt(proposed.min_polsby_popper, 4),
        ),
    ]);
    let mut s = format!("{:<30}{:>14}{:>14}\n", "", "current", "proposed");
    for (label, a, b) in rows {
        s += &format!("{label:<30}{a:>14}{b:>14}\n");
    }
    s
}
