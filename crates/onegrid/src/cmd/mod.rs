//! One module per subcommand. Each returns the process exit code; errors are printed by `main`.

pub mod apikey;
pub mod coverage;
pub mod demo;
pub mod export;
pub mod import;
pub mod migrate;
pub mod partition;
pub mod serve;
pub mod user;

mod actor;
mod serving;

use std::process::ExitCode;

use anyhow::Context;
use onegrid_app::App;
use onegrid_app::accounts::PasswordCost;
use onegrid_app::transfer::{Format, Kind};

use crate::cli::{Cli, Command};
use crate::config::{Settings, Sources};

pub async fn run(cli: Cli, sources: Sources) -> anyhow::Result<ExitCode> {
    // Partitioning files needs no settings and no database; `--street` reads the database.
    if let Command::Partition(a) = &cli.command
        && a.street.is_none()
    {
        let a = a.clone();
        tokio::task::spawn_blocking(move || partition::run(&a)).await??;
        return Ok(ExitCode::SUCCESS);
    }
    let settings = sources.settings()?;
    match cli.command {
        Command::Serve(a) => serve::run(a, &settings).await,
        Command::Demo(a) => demo::run(a, &settings).await,
        Command::Migrate(a) => migrate::run(a, &settings).await,
        Command::Import(a) => import::run(a, &settings).await,
        Command::Export(a) => export::run(a, &settings).await,
        Command::Coverage(a) => coverage::run(a, &settings).await,
        Command::User(c) => user::run(c, &settings).await,
        Command::Apikey(c) => apikey::run(c, &settings).await,
        Command::Partition(a) => partition::run_street(&a, &settings).await,
    }
}

/// Connects to the configured database and applies pending migrations (D1: "applied by
/// `migrate` and at start"). Returns the database and how many migrations ran.
pub async fn open_db(settings: &Settings) -> anyhow::Result<(onegrid_app::Db, usize)> {
    let db = onegrid_app::Db::connect(&settings.database_url)
        .await
        .with_context(|| format!("cannot open the database {}", settings.database_display()))?;
    let ran = db
        .migrate()
        .await
        .with_context(|| format!("cannot migrate the database {}", settings.database_display()))?;
    if ran > 0 {
        tracing::info!(migrations = ran, database = %settings.database_display(), "applied migrations");
    }
    Ok((db, ran))
}

/// The app on a migrated database, with production password hashing.
pub async fn open_app(settings: &Settings) -> anyhow::Result<App> {
    let (db, _) = open_db(settings).await?;
    Ok(App::new(db, PasswordCost::Standard)
        .await
        .context("cannot start the application")?
        .with_evidence_dir(settings.data_dir.join("evidence")))
}

/// `--kind` values: the transfer kinds of the app, by their names.
pub fn kind_parser() -> impl clap::builder::TypedValueParser<Value = Kind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Kind::ALL.map(Kind::as_str))
        .map(|s| Kind::parse(&s).expect("only listed kinds pass the parser"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    Csv,
    Geojson,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Csv => Format::Csv,
            FormatArg::Geojson => Format::GeoJson,
        }
    }
}

/// The format given, else the one the file name's extension names.
pub fn format_for(given: Option<FormatArg>, file: Option<&std::path::Path>) -> Result<Format, onegrid_app::AppError> {
    if let Some(f) = given {
        return Ok(f.into());
    }
    let ext = file
        .and_then(|p| p.extension())
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv") => Ok(Format::Csv),
        Some("geojson" | "json") => Ok(Format::GeoJson),
        None if file.is_none() => Ok(Format::Csv),
        _ => Err(onegrid_app::AppError::field(
            "format",
            "cannot tell from the file name; pass --format csv or --format geojson",
        )),
    }
}

/// A street by its code, as a field error when there is none.
pub async fn street_by_code(app: &App, code: &str) -> anyhow::Result<onegrid_store::territory::Street> {
    let streets = app.streets().await?;
    match streets.into_iter().find(|s| s.code == code) {
        Some(s) => Ok(s),
        None => Err(onegrid_app::AppError::field("street", format!("no street with code '{code}'")).into()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn t8_format_follows_the_extension_unless_given() {
        assert_eq!(format_for(None, Some(Path::new("a.csv"))).unwrap(), Format::Csv);
        assert_eq!(format_for(None, Some(Path::new("a.GeoJSON"))).unwrap(), Format::GeoJson);
        assert_eq!(format_for(None, Some(Path::new("a.json"))).unwrap(), Format::GeoJson);
        assert_eq!(
            format_for(Some(FormatArg::Csv), Some(Path::new("a.geojson"))).unwrap(),
            Format::Csv
        );
        assert_eq!(
            format_for(None, None).unwrap(),
            Format::Csv,
            "export to stdout defaults to CSV"
        );
        assert!(
            matches!(format_for(None, Some(Path::new("a.xlsx"))), Err(onegrid_app::AppError::Invalid(f)) if f[0].field == "format")
        );
    }
}
