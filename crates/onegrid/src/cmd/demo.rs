//! `onegrid demo` (D4): migrates, loads the generated demo street once, prints one sign-in per
//! role, and serves. The `LOGIN`, `FORBIDDEN_*` and `OPEN311_KEY` lines are a fixed format that
//! tests parse.

use std::process::ExitCode;

use onegrid_domain::people::Role;

use crate::config::Settings;

use super::serving;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address and port to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "ONEGRID_LISTEN", value_name = "ADDR:PORT", value_parser = crate::cli::parse_listen)]
    pub listen: Option<String>,

    /// Seed of the generated street; the same seed always gives the same street
    #[arg(long, env = "ONEGRID_SEED", value_name = "N", default_value_t = onegrid_demo::DEFAULT_SEED)]
    pub seed: u64,

    /// Load the demo data and print the sign-ins, then exit without serving
    #[arg(long)]
    pub no_serve: bool,
}

pub async fn run(args: Args, settings: &Settings) -> anyhow::Result<ExitCode> {
    let seed = args.seed;
    // Bind first: a port in use is reported before a long load, not after it.
    let bound = if args.no_serve {
        None
    } else {
        Some(serving::bind(&settings.listen).await?)
    };
    let app = super::open_app(settings).await?;

    let started = std::time::Instant::now();
    let outcome = app.load_demo(seed).await?;
    if outcome.created {
        let total: usize = outcome.written.iter().map(|(_, n)| n).sum();
        println!(
            "Demo street {} created from seed {seed} in {:.1} s ({total} rows, database: {}):",
            onegrid_demo::STREET_CODE,
            started.elapsed().as_secs_f64(),
            settings.database_display()
        );
        let width = outcome.written.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
        for (table, n) in &outcome.written {
            println!("  {table:<width$}  {n:>7}");
        }
    } else {
        println!(
            "Demo street {} already loaded, nothing written (database: {}).",
            onegrid_demo::STREET_CODE,
            settings.database_display()
        );
    }

    println!();
    println!("Sign in as any of these (one account per role):");
    for a in &outcome.accounts {
        println!(
            "LOGIN role={} username={} password={}",
            a.role.as_str(),
            a.username,
            a.password
        );
    }
    // A resident holds no post; the same line format, so scripts find it as role `resident`.
    if let Some((username, password)) = &outcome.resident {
        println!("LOGIN role=resident username={username} password={password}");
    }
    if let Some(worker) = outcome.accounts.iter().find(|a| a.role == Role::GridWorker) {
        match app.forbidden_example(&worker.username).await? {
            Some((path, text)) => {
                println!();
                println!(
                    "The grid worker {} may not open a household of another grid:",
                    worker.username
                );
                println!("FORBIDDEN_URL_FOR {} {path}", Role::GridWorker.as_str());
                println!("FORBIDDEN_TEXT_FOR {} {text}", Role::GridWorker.as_str());
            }
            None => tracing::warn!(username = %worker.username, "no household outside the grid worker's grid to show"),
        }
    }
    // I3: Open311 reads need no key; this one (derived from the seed) posts requests.
    match app.demo_open311_key(outcome.street_id, seed).await? {
        Some(key) => {
            println!();
            println!("Open311 GeoReport v2 clients post requests to /open311/v2/requests.xml with this api_key:");
            println!("OPEN311_KEY key={key}");
        }
        None => tracing::warn!("the demo Open311 key was revoked; issue one with `onegrid apikey create --name NAME`"),
    }
    serving::flush();

    let Some((listener, addr)) = bound else {
        return Ok(ExitCode::SUCCESS);
    };
    println!();
    println!("OneGrid demo at http://{addr} — sign in at http://{addr}/login");
    println!("Open311 GeoReport v2 at http://{addr}/open311/v2/discovery.xml");
    serving::flush();
    serving::serve(app, listener).await?;
    Ok(ExitCode::SUCCESS)
}
