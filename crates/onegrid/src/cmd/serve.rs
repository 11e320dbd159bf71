//! `onegrid serve`: the web UI and JSON API on a migrated database.

use std::process::ExitCode;

use crate::config::Settings;

use super::serving;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on, e.g. 0.0.0.0:8080 [default: 127.0.0.1:8080]
    #[arg(long, env = "ONEGRID_LISTEN", value_name = "ADDR:PORT", value_parser = crate::cli::parse_listen)]
    pub listen: Option<String>,
}

/// `args.listen` is already part of `settings` (flag and environment layers); it is declared
/// here for parsing and `--help`.
pub async fn run(_args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (listener, addr) = serving::bind(&settings.listen).await?;
    let app = super::open_app(settings).await?;
    let backend = if settings.is_postgres() { "postgresql" } else { "sqlite" };
    tracing::info!(backend, database = %settings.database_display(), "database ready");
    println!("OneGrid listening on http://{addr}");
    serving::flush();
    serving::serve(app, listener).await?;
    Ok(ExitCode::SUCCESS)
}
