//! `onegrid coverage` (T3): the coverage report of one street or of all, as text grouped by rule
//! or as JSON. Findings are the report's content, not a failure: the exit status is 0 unless
//! `--fail-on-findings` asks for 2.

use std::process::ExitCode;

use onegrid_domain::coverage::{CoverageReport, Finding, Subject};
use onegrid_store::territory::Street;
use serde::Serialize;

use crate::config::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Code of the street to check [default: every street]
    #[arg(long, value_name = "CODE")]
    pub street: Option<String>,

    /// Print the report as JSON: a list of {"street": {...}, "report": {...}}
    #[arg(long)]
    pub json: bool,

    /// Exit with status 2 when there is any finding (for scripts and CI)
    #[arg(long)]
    pub fail_on_findings: bool,
}

#[derive(Serialize)]
struct StreetReport {
    street: Street,
    report: CoverageReport,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = super::open_app(settings).await?;
    let streets = match &args.street {
        Some(code) => vec![super::street_by_code(&app, code).await?],
        None => app.streets().await?,
    };
    let mut reports = Vec::new();
    for street in streets {
        let report = app.coverage_of_street(street.id).await?;
        reports.push(StreetReport { street, report });
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else if reports.is_empty() {
        println!("No streets yet: load one with `onegrid import --kind areas` or `onegrid demo`.");
    } else {
        for r in &reports {
            print!("{}", text(&r.street, &r.report));
        }
    }
    let findings: usize = reports.iter().map(|r| r.report.findings.len()).sum();
    Ok(if args.fail_on_findings && findings > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn text(street: &Street, r: &CoverageReport) -> String {
    let mut out = format!(
        "Street {} {}: {} areas and {} buildings checked, {} finding(s)\n",
        street.code,
        street.name,
        r.areas_checked,
        r.buildings_checked,
        r.findings.len()
    );
    out += &format!(
        "  policy: at most {} households per building leader; per grid at least {} full-time and {} part-time workers; areas within {} m²\n",
        r.policy.max_households_per_liaison,
        r.policy.min_full_time_per_grid,
        r.policy.min_part_time_per_grid,
        r.policy.area_tolerance_m2
    );
    if r.findings.is_empty() {
        out += "  no findings: every building is in one micro-grid, areas tile without gaps or overlaps, and every unit is staffed\n";
        return out;
    }
    // Grouped by rule, rules in the order they first occur.
    let mut rules: Vec<&'static str> = Vec::new();
    for f in &r.findings {
        if !rules.contains(&f.rule()) {
            rules.push(f.rule());
        }
    }
    for rule in rules {
        out += &format!("\n  {rule} ({})\n", r.count(rule));
        for f in r.findings.iter().filter(|f| f.rule() == rule) {
            out += &format!("    {}\n", describe(f, r));
        }
    }
    out += "\n";
    out
}

fn subject(s: &Subject) -> String {
    format!("{} {} {}", s.kind, s.code, s.name)
}

fn describe(f: &Finding, r: &CoverageReport) -> String {
    match f {
        Finding::BuildingUnassigned { building } => format!("{} belongs to no micro-grid", subject(building)),
        Finding::BuildingOutsideMicroGrids { building } => format!("{} stands outside every micro-grid", subject(building)),
        Finding::BuildingInSeveralMicroGrids { building, micro_grids } => format!(
            "{} stands in several micro-grids: {}",
            subject(building),
            micro_grids
                .iter()
                .map(|m| format!("{} {}", m.code, m.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Finding::BuildingOutsideItsMicroGrid { building, micro_grid } => {
            format!("{} stands outside its micro-grid {}", subject(building), subject(micro_grid))
        }
        Finding::AreaWithoutBoundary { area } => format!("{} has no boundary", subject(area)),
        Finding::Overlap { a, b, area_m2 } => format!("{} and {} overlap by {area_m2:.1} m²", subject(a), subject(b)),
        Finding::Gap { parent, area_m2 } => format!(
            "{} is not fully covered by its parts: {area_m2:.1} m² left over",
            subject(parent)
        ),
        Finding::MicroGridWithoutLeader { micro_grid } => format!("{} has no micro-grid leader", subject(micro_grid)),
        Finding::MicroGridWithoutFullTimeWorker { micro_grid } => format!("{} has no full-time grid worker", subject(micro_grid)),
        Finding::LiaisonOverloaded { person, households, max } => {
            let who = if person.code.is_empty() {
                person.name.clone()
            } else {
                format!("{} ({})", person.name, person.code)
            };
            format!("building leader {who} serves {households} households, more than {max}")
        }
        Finding::GridUnderstaffed {
            grid,
            full_time,
            part_time,
        } => format!(
            "{} has {full_time} full-time and {part_time} part-time workers; the policy asks for {} and {}",
            subject(grid),
            r.policy.min_full_time_per_grid,
            r.policy.min_part_time_per_grid
        ),
    }
}

#[cfg(test)]
mod tests {
    use onegrid_domain::coverage::CoveragePolicy;

    use super::*;

    fn s(kind: &'static str, code: &str, name: &str) -> Subject {
        Subject {
            kind,
            id: 1,
            code: code.into(),
            name: name.into(),
        }
    }

    #[test]
    fn t3_text_report_groups_findings_by_rule() {
        let street = Street {
            id: 1,
            code: "S1".into(),
            name: "示范街道".into(),
            boundary: None,
        };
        let report = CoverageReport {
            policy: CoveragePolicy::default(),
            areas_checked: 10,
            buildings_checked: 20,
            findings: vec![
                Finding::BuildingUnassigned {
                    building: s("building", "B1", "1号楼"),
                },
                Finding::LiaisonOverloaded {
                    person: s("person", "P1", "王芳"),
                    households: 24,
                    max: 14,
                },
                Finding::BuildingUnassigned {
                    building: s("building", "B2", "2号楼"),
                },
            ],
        };
        let t = text(&street, &report);
        assert!(
            t.starts_with("Street S1 示范街道: 10 areas and 20 buildings checked, 3 finding(s)\n"),
            "{t}"
        );
        let unassigned = t.find("building_unassigned (2)").expect("rule heading");
        let b2 = t.find("building B2 2号楼 belongs to no micro-grid").expect("second finding");
        let overloaded = t.find("liaison_overloaded (1)").expect("rule heading");
        assert!(
            unassigned < b2 && b2 < overloaded,
            "findings are grouped under their rule:\n{t}"
        );
        assert!(t.contains("王芳 (P1) serves 24 households, more than 14"), "{t}");
    }
}
