//! `onegrid apikey` (I3): the keys Open311 clients post requests with (`api_key`). Only a hash
//! is stored, so a key is shown once, as the last line `create` prints.

use std::process::ExitCode;

use crate::config::Settings;

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Issue a key for posting Open311 requests to a street; the key is the last line printed
    Create(CreateArgs),
    /// List the keys (never the keys themselves: only their hashes are kept)
    List(ListArgs),
    /// Revoke a key by id: clients using it are refused (HTTP 403) from then on
    Revoke(RevokeArgs),
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// A name to recognise the key by, e.g. the client or organisation that uses it
    #[arg(long, value_name = "NAME")]
    pub name: String,

    /// Code of the street (Open311 jurisdiction_id) the key posts to; optional with one street
    #[arg(long, value_name = "CODE")]
    pub street: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print the keys as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The key's id, as `onegrid apikey list` shows it
    pub id: i64,
}

use onegrid_app::case::open311::w3c_utc as time;

pub async fn run(cmd: Command, settings: &Settings) -> anyhow::Result<ExitCode> {
    let app = super::open_app(settings).await?;
    match cmd {
        Command::Create(a) => {
            let (key, row) = app.create_open311_key(a.street.as_deref(), &a.name).await?;
            let street = app
                .streets()
                .await?
                .into_iter()
                .find(|s| s.id == row.street_id)
                .map(|s| s.code)
                .unwrap_or_default();
            println!(
                "Open311 API key {} '{}' for street {street} (shown once; clients send it as the form field api_key):",
                row.id, row.name
            );
            println!("{key}");
        }
        Command::List(a) => {
            let keys = app.open311_keys().await?;
            if a.json {
                let items: Vec<serde_json::Value> = keys
                    .iter()
                    .map(|(k, street)| {
                        serde_json::json!({"id": k.id, "street": street, "name": k.name, "created_at": k.created_at,
                            "revoked_at": k.revoked_at})
                    })
                    .collect();
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if keys.is_empty() {
                println!("no API keys yet: issue one with `onegrid apikey create --name NAME`");
            } else {
                let w = keys
                    .iter()
                    .map(|(_, s)| s.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max("street".len());
                println!("{:>5}  {:<w$}  {:<20}  {:<20}  name", "id", "street", "created", "revoked");
                for (k, street) in &keys {
                    println!(
                        "{:>5}  {:<w$}  {:<20}  {:<20}  {}",
                        k.id,
                        street,
                        time(k.created_at),
                        k.revoked_at.map(time).unwrap_or_else(|| "-".into()),
                        k.name
                    );
                }
            }
        }
        Command::Revoke(a) => {
            let k = app.revoke_open311_key(a.id).await?;
            println!("API key {} '{}' revoked", k.id, k.name);
        }
    }
    Ok(ExitCode::SUCCESS)
}
