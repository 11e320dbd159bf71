//! The command line (I4). Each subcommand's options live beside its code in `cmd/`; this file
//! holds the global options and the list of subcommands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::cmd;

#[derive(Debug, Parser)]
#[command(
    name = "onegrid",
    version,
    about = "OneGrid: grid governance for a street — territory, people, posts and permissions",
    long_about = "OneGrid: grid governance for a street — territory, people, posts and permissions.\n\n\
        Settings come from flags, then ONEGRID_* environment variables, then the TOML file given \
        by --config, then defaults. Data is kept in SQLite under --data-dir unless \
        --database-url names a PostgreSQL database.\n\n\
        Start with `onegrid demo` for a generated street to explore.",
    after_help = "Logging: set ONEGRID_LOG (or RUST_LOG) to a filter such as `debug` or `onegrid_web=debug`; logs go to stderr."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

const GLOBAL: &str = "Global options";

/// Accepted by every subcommand, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Directory for local data; the SQLite database is <DIR>/onegrid.db [default: ./onegrid-data]
    #[arg(long, global = true, env = "ONEGRID_DATA_DIR", value_name = "DIR", help_heading = GLOBAL)]
    pub data_dir: Option<PathBuf>,

    /// postgres://user:password@host/db for PostgreSQL; any other value is a SQLite file path
    /// [default: <data-dir>/onegrid.db]
    #[arg(long, global = true, env = "ONEGRID_DATABASE_URL", value_name = "URL", hide_env_values = true, help_heading = GLOBAL)]
    pub database_url: Option<String>,

    /// TOML file with the keys data_dir, database_url and listen; flags and ONEGRID_* variables
    /// override what it says
    #[arg(long, global = true, env = "ONEGRID_CONFIG", value_name = "FILE", help_heading = GLOBAL)]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (UI and JSON API) until Ctrl-C or SIGTERM
    Serve(cmd::serve::Args),
    /// Load the generated demo street (once), print sign-ins for every role, and serve it
    Demo(cmd::demo::Args),
    /// Apply database migrations that have not run yet
    Migrate(cmd::migrate::Args),
    /// Import territory or people from a CSV or GeoJSON file, with a per-row report
    Import(cmd::import::Args),
    /// Export a street's territory or people as CSV or GeoJSON
    Export(cmd::export::Args),
    /// Check that the territory is covered without gaps, overlaps or missing staff (T3)
    Coverage(cmd::coverage::Args),
    /// Manage sign-in accounts and API tokens
    #[command(subcommand)]
    User(cmd::user::Command),
    /// Manage the API keys Open311 clients post requests with (I3)
    #[command(subcommand)]
    Apikey(cmd::apikey::Command),
    /// Divide buildings into contiguous, balanced, compact micro-grids, or score a division (G1–G2)
    Partition(cmd::partition::PartitionArgs),
}

/// `ADDR:PORT` as `--listen` takes it: a host name or IP address and a port. The address is
/// resolved when the server binds, so `localhost:8080` works as well as `[::1]:8080`.
pub fn parse_listen(s: &str) -> Result<String, String> {
    let s = s.trim();
    let (host, port) = s
        .rsplit_once(':')
        .ok_or_else(|| format!("'{s}' is not ADDR:PORT (for example 127.0.0.1:8080)"))?;
    if host.is_empty() {
        return Err(format!(
            "'{s}' has no address before the port (for example 127.0.0.1:8080 or 0.0.0.0:8080)"
        ));
    }
    port.parse::<u16>()
        .map_err(|_| format!("'{port}' is not a port number (0–65535)"))?;
    Ok(s.to_string())
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, Parser};

    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("onegrid").chain(args.iter().copied()))
    }

    #[test]
    fn i4_command_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn i4_every_subcommand_and_option_has_help() {
        fn walk(cmd: &clap::Command, path: &str) {
            for sub in cmd.get_subcommands() {
                let p = format!("{path} {}", sub.get_name());
                assert!(sub.get_about().is_some(), "`{p}` has no description");
                for arg in sub.get_arguments() {
                    let generated = matches!(arg.get_id().as_str(), "help" | "version");
                    assert!(
                        generated || arg.get_help().is_some(),
                        "`{p}` option `{}` has no description",
                        arg.get_id()
                    );
                }
                walk(sub, &p);
            }
        }
        walk(&Cli::command(), "onegrid");
    }

    #[test]
    fn i4_all_subcommands_exist() {
        let cmd = Cli::command();
        let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
        for n in ["serve", "demo", "migrate", "import", "export", "coverage", "user"] {
            assert!(names.contains(&n), "missing subcommand {n}");
        }
        let user = cmd.find_subcommand("user").unwrap();
        let names: Vec<&str> = user.get_subcommands().map(|s| s.get_name()).collect();
        assert_eq!(names, ["add", "passwd", "list", "token"]);
    }

    #[test]
    fn i4_help_is_available_on_every_subcommand() {
        for sub in ["serve", "demo", "migrate", "import", "export", "coverage", "user"] {
            let e = parse(&[sub, "--help"]).unwrap_err();
            assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp, "{sub} --help");
        }
        let e = parse(&["user", "token", "--help"]).unwrap_err();
        assert_eq!(e.kind(), clap::error::ErrorKind::DisplayHelp);
    }

    #[test]
    fn i4_global_options_go_before_or_after_the_subcommand() {
        let a = parse(&["--data-dir", "d1", "migrate"]).unwrap();
        assert_eq!(a.global.data_dir.as_deref(), Some(std::path::Path::new("d1")));
        let b = parse(&[
            "migrate",
            "--data-dir",
            "d2",
            "--database-url",
            "postgres://x/y",
            "--config",
            "c.toml",
        ])
        .unwrap();
        assert_eq!(b.global.data_dir.as_deref(), Some(std::path::Path::new("d2")));
        assert_eq!(b.global.database_url.as_deref(), Some("postgres://x/y"));
        assert_eq!(b.global.config.as_deref(), Some(std::path::Path::new("c.toml")));
    }

    #[test]
    fn i4_serve_and_demo_take_listen_and_data_dir() {
        let c = parse(&["serve", "--listen", "0.0.0.0:9000", "--data-dir", "x"]).unwrap();
        let Command::Serve(s) = c.command else {
            panic!("serve expected")
        };
        assert_eq!(s.listen.as_deref(), Some("0.0.0.0:9000"));
        let c = parse(&[
            "demo",
            "--listen",
            "127.0.0.1:0",
            "--seed",
            "7",
            "--no-serve",
            "--data-dir",
            "x",
        ])
        .unwrap();
        let Command::Demo(d) = c.command else {
            panic!("demo expected")
        };
        assert_eq!(d.listen.as_deref(), Some("127.0.0.1:0"));
        assert_eq!(d.seed, 7);
        assert!(d.no_serve);
    }

    #[test]
    fn i4_listen_must_be_addr_and_port() {
        assert!(parse(&["serve", "--listen", "8080"]).is_err());
        assert!(parse(&["serve", "--listen", ":8080"]).is_err());
        assert!(parse(&["serve", "--listen", "127.0.0.1:99999"]).is_err());
        assert!(parse(&["serve", "--listen", "localhost:8080"]).is_ok());
        assert!(parse(&["serve", "--listen", "[::1]:8080"]).is_ok());
    }

    #[test]
    fn t8_import_needs_a_known_kind_and_a_file() {
        assert!(parse(&["import", "--file", "a.csv"]).is_err());
        assert!(parse(&["import", "--kind", "areas"]).is_err());
        let e = parse(&["import", "--kind", "planets", "--file", "a.csv"]).unwrap_err();
        assert!(e.to_string().contains("planets"));
        let c = parse(&[
            "import",
            "--kind",
            "households",
            "--file",
            "h.csv",
            "--strict",
            "--as",
            "admin",
            "--json",
        ])
        .unwrap();
        let Command::Import(i) = c.command else {
            panic!("import expected")
        };
        assert_eq!(i.kind, onegrid_app::transfer::Kind::Households);
        assert!(i.strict && i.json);
        assert_eq!(i.as_user.as_deref(), Some("admin"));
    }

    #[test]
    fn t8_export_needs_kind_and_street() {
        assert!(parse(&["export", "--kind", "areas"]).is_err());
        let c = parse(&[
            "export",
            "--kind",
            "areas",
            "--street",
            "310107-014",
            "--format",
            "geojson",
            "--out",
            "a.geojson",
        ])
        .unwrap();
        let Command::Export(e) = c.command else {
            panic!("export expected")
        };
        assert_eq!(e.street, "310107-014");
        assert_eq!(e.format, Some(cmd::FormatArg::Geojson));
    }

    #[test]
    fn t3_coverage_options() {
        let c = parse(&["coverage", "--street", "S", "--json", "--fail-on-findings"]).unwrap();
        let Command::Coverage(a) = c.command else {
            panic!("coverage expected")
        };
        assert_eq!(a.street.as_deref(), Some("S"));
        assert!(a.json && a.fail_on_findings);
    }

    #[test]
    fn r3_user_subcommands_parse() {
        let c = parse(&["user", "add", "li.ming", "--person", "P-1", "--password-stdin"]).unwrap();
        let Command::User(cmd::user::Command::Add(a)) = c.command else {
            panic!("user add expected")
        };
        assert_eq!(a.username, "li.ming");
        assert_eq!(a.person.as_deref(), Some("P-1"));
        assert!(a.password_stdin && !a.superuser);
        let c = parse(&["user", "token", "admin", "--name", "ci"]).unwrap();
        let Command::User(cmd::user::Command::Token(t)) = c.command else {
            panic!("user token expected")
        };
        assert_eq!((t.username.as_str(), t.name.as_str()), ("admin", "ci"));
        assert!(parse(&["user", "passwd"]).is_err(), "passwd needs a user name");
        assert!(parse(&["user", "list"]).is_ok());
    }

    #[test]
    fn c9_apikey_subcommands_parse() {
        let c = parse(&["apikey", "create", "--data-dir", "d", "--name", "civic bot"]).unwrap();
        assert_eq!(c.global.data_dir.as_deref(), Some(std::path::Path::new("d")));
        let Command::Apikey(cmd::apikey::Command::Create(a)) = c.command else {
            panic!("apikey create expected")
        };
        assert_eq!((a.name.as_str(), a.street.as_deref()), ("civic bot", None));
        assert!(parse(&["apikey", "create"]).is_err(), "create needs --name");
        let c = parse(&["apikey", "revoke", "3"]).unwrap();
        assert!(matches!(c.command, Command::Apikey(cmd::apikey::Command::Revoke(ref r)) if r.id == 3));
        assert!(parse(&["apikey", "revoke", "x"]).is_err());
        assert!(parse(&["apikey", "list", "--json"]).is_ok());
    }
}
