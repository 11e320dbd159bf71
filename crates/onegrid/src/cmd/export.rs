//! `onegrid export` (T8): a street's records of one kind in the import format, so a file
//! round-trips. CSV starts with a UTF-8 BOM for spreadsheet programs.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use onegrid_app::transfer::Kind;

use crate::config::Settings;

use super::FormatArg;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What to export
    #[arg(long, value_parser = super::kind_parser())]
    pub kind: Kind,

    /// Code of the street to export, e.g. 310107-014
    #[arg(long, value_name = "CODE")]
    pub street: String,

    /// File format; GeoJSON is for areas and buildings [default: from --out's extension, else csv]
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Write to this file instead of stdout
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    /// Export as this account, within the scope of its posts [default: the console operator, a superuser]
    #[arg(long = "as", value_name = "USERNAME")]
    pub as_user: Option<String>,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let format = super::format_for(args.format, args.out.as_deref())?;
    let app = super::open_app(settings).await?;
    let street = super::street_by_code(&app, &args.street).await?;
    let actor = super::actor::cli_actor(&app, args.as_user.as_deref()).await?;
    let bytes = app.export(&actor, args.kind, format, street.id).await?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("out: cannot write {}", path.display()))?;
            eprintln!(
                "wrote {} bytes of {} of street {} to {}",
                bytes.len(),
                args.kind.as_str(),
                street.code,
                path.display()
            );
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes).context("cannot write to stdout")?;
            out.flush().context("cannot write to stdout")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
