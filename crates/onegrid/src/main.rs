//! The `onegrid` binary (I4): parses the command line, resolves the settings, and hands over to
//! one module per subcommand in `cmd/`.

mod cli;
mod cmd;
mod config;
mod failure;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

fn main() -> ExitCode {
    let matches = cli::Cli::command().get_matches();
    let cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    init_tracing();
    let sources = config::Sources::from_matches(&matches);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(cmd::run(cli, sources)) {
        Ok(code) => code,
        Err(e) => {
            failure::print(&e);
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr so that stdout carries only what a command prints for its reader (tokens,
/// exports, JSON). `ONEGRID_LOG` wins over `RUST_LOG`; the default level is `info`, except that
/// sqlx's slow-statement warning is off by default: bulk loads (`demo`, `import`) trip it, and
/// it prints the whole multi-row statement.
const DEFAULT_LOG: &str = "info,sqlx::query=error";

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let directives = std::env::var("ONEGRID_LOG")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| std::env::var("RUST_LOG").ok().filter(|s| !s.trim().is_empty()))
        .unwrap_or_else(|| DEFAULT_LOG.to_string());
    let filter = EnvFilter::try_new(&directives).unwrap_or_else(|e| {
        eprintln!("warning: ignoring the log filter '{directives}': {e}");
        EnvFilter::new(DEFAULT_LOG)
    });
    use std::io::IsTerminal;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
