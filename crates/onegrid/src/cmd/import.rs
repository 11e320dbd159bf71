//! `onegrid import` (T8): one file of one kind, checked row by row. The report lists every
//! rejected row; a file rejected as a whole writes nothing and exits with status 1.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use onegrid_app::transfer::{ImportReport, Kind};

use crate::config::Settings;

use super::FormatArg;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Columns per kind (CSV header; GeoJSON properties for areas and buildings):\n  \
    areas: level,code,name,parent_code,kind\n  \
    buildings: code,name,micro_grid_code,address,kind,floors,lat,lng\n  \
    units: code,building_code,name\n  \
    households: code,unit_code,room\n  \
    residents: household_code,name,gender,birth_year,phone,relation\n  \
    people: code,name,gender,phone,party_member,household_code\n  \
    posts: person_code,role,level,unit_code,starts_on,ends_on"
)]
pub struct Args {
    /// What the file holds
    #[arg(long, value_parser = super::kind_parser())]
    pub kind: Kind,

    /// The file to import
    #[arg(long, value_name = "FILE")]
    pub file: PathBuf,

    /// File format [default: from the file's extension: .csv, .geojson or .json]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Reject the whole file when any row is bad (otherwise the good rows are written)
    #[arg(long)]
    pub strict: bool,

    /// Import as this account, within the scope of its posts [default: the console operator, a superuser]
    #[arg(long = "as", value_name = "USERNAME")]
    pub as_user: Option<String>,

    /// Print the report as JSON instead of a table
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let format = super::format_for(args.format, Some(&args.file))?;
    let bytes = std::fs::read(&args.file).with_context(|| format!("file: cannot read {}", args.file.display()))?;
    let app = super::open_app(settings).await?;
    let actor = super::actor::cli_actor(&app, args.as_user.as_deref()).await?;
    let report = app.import(&actor, args.kind, format, &bytes, args.strict).await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", table(&report));
    }
    match &report.file_error {
        Some(reason) => {
            eprintln!(
                "error: {}: the file was rejected, nothing was written: {reason}",
                args.file.display()
            );
            Ok(ExitCode::FAILURE)
        }
        None => Ok(ExitCode::SUCCESS),
    }
}

fn table(r: &ImportReport) -> String {
    let mut out = String::new();
    if r.written {
        out += &format!(
            "{}: {} of {} rows imported, {} rejected\n",
            r.kind.as_str(),
            r.accepted,
            r.rows,
            r.rejected.len()
        );
    } else {
        out += &format!(
            "{}: nothing imported ({} rows, {} rejected)\n",
            r.kind.as_str(),
            r.rows,
            r.rejected.len()
        );
    }
    if !r.rejected.is_empty() {
        let fw = r
            .rejected
            .iter()
            .map(|e| e.field.chars().count())
            .max()
            .unwrap_or(0)
            .max("field".len());
        out += &format!("{:>5}  {:<fw$}  reason\n", "row", "field");
        for e in &r.rejected {
            out += &format!("{:>5}  {:<fw$}  {}\n", e.row, e.field, e.reason);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use onegrid_app::transfer::RowError;

    use super::*;

    #[test]
    fn t8_report_table_lists_every_rejected_row() {
        let r = ImportReport {
            kind: Kind::Households,
            rows: 3,
            accepted: 1,
            rejected: vec![
                RowError {
                    row: 3,
                    field: "unit_code".into(),
                    reason: "no unit with code 'U-9'".into(),
                },
                RowError {
                    row: 4,
                    field: "room".into(),
                    reason: "is required".into(),
                },
            ],
            written: true,
            file_error: None,
        };
        let t = table(&r);
        assert!(t.starts_with("households: 1 of 3 rows imported, 2 rejected\n"), "{t}");
        assert!(t.contains("    3  unit_code  no unit with code 'U-9'\n"), "{t}");
        assert!(t.contains("    4  room       is required\n"), "{t}");
    }
}
