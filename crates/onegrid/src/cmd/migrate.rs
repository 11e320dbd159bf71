//! `onegrid migrate`: applies the migrations that have not run on this database yet.

use std::process::ExitCode;

use crate::config::Settings;

#[derive(Debug, clap::Args)]
pub struct Args {}

pub async fn run(_args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let (db, ran) = super::open_db(settings).await?;
    db.close().await;
    println!("migrations applied: {ran} (database: {})", settings.database_display());
    Ok(ExitCode::SUCCESS)
}
