//! Settings (I4), each taken from the first source that has it: command-line flag, `ONEGRID_*`
//! environment variable, TOML file (`--config FILE`), default.
//!
//! clap reads flags and environment variables together; `Sources::from_matches` separates them
//! again by clap's record of where each value came from, so that `resolve` is a pure function of
//! the layers and the precedence can be tested without touching the process environment.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::ArgMatches;
use clap::parser::ValueSource;

pub const DEFAULT_DATA_DIR: &str = "./onegrid-data";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const SQLITE_FILE: &str = "onegrid.db";
const FILE_KEYS: [&str; 3] = ["data_dir", "database_url", "listen"];

/// The values one source gives; `None` where it says nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layer {
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub listen: Option<String>,
}

/// What the command line and environment gave, and the config file they name (not yet read).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub flags: Layer,
    pub env: Layer,
    pub config_file: Option<PathBuf>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub data_dir: PathBuf,
    /// A `postgres://` URL, or the path of the SQLite file.
    pub database_url: String,
    pub listen: String,
}

impl Settings {
    pub fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres://") || self.database_url.starts_with("postgresql://")
    }

    /// The database for messages: the password of a PostgreSQL URL is masked.
    pub fn database_display(&self) -> String {
        redact(&self.database_url)
    }
}

/// Flags over environment over file over defaults, key by key. The SQLite file follows the data
/// directory wherever that came from, unless a database URL is given by any source.
pub fn resolve(flags: &Layer, env: &Layer, file: &Layer) -> Settings {
    let layers = [flags, env, file];
    let data_dir = layers
        .iter()
        .find_map(|l| l.data_dir.clone())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let database_url = layers
        .iter()
        .find_map(|l| l.database_url.clone())
        .unwrap_or_else(|| data_dir.join(SQLITE_FILE).to_string_lossy().into_owned());
    let listen = layers
        .iter()
        .find_map(|l| l.listen.clone())
        .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
    Settings {
        data_dir,
        database_url,
        listen,
    }
}

impl Sources {
    /// Splits the parsed command line into the flag layer and the environment layer. Global
    /// options are found at the top level; `--listen` on the subcommand that has it.
    pub fn from_matches(m: &ArgMatches) -> Sources {
        let mut s = Sources::default();
        let mut level = Some(m);
        while let Some(mm) = level {
            pick(mm, "data_dir", &mut s.flags.data_dir, &mut s.env.data_dir);
            pick(mm, "database_url", &mut s.flags.database_url, &mut s.env.database_url);
            pick(mm, "listen", &mut s.flags.listen, &mut s.env.listen);
            let (mut flag, mut env) = (None, None);
            pick(mm, "config", &mut flag, &mut env);
            if let Some(c) = flag.or(env) {
                s.config_file = Some(c);
            }
            level = mm.subcommand().map(|(_, sub)| sub);
        }
        s
    }

    /// Reads the config file, if one is named, and resolves the settings.
    pub fn settings(&self) -> anyhow::Result<Settings> {
        let file = match &self.config_file {
            Some(path) => read_file(path)?,
            None => Layer::default(),
        };
        Ok(resolve(&self.flags, &self.env, &file))
    }
}

fn pick<T: Clone + Send + Sync + 'static>(m: &ArgMatches, id: &str, flag: &mut Option<T>, env: &mut Option<T>) {
    // `try_get_one` is an error (not a panic) when this level does not define the option.
    let Ok(Some(v)) = m.try_get_one::<T>(id) else { return };
    match m.value_source(id) {
        Some(ValueSource::CommandLine) => *flag = Some(v.clone()),
        Some(ValueSource::EnvVariable) => *env = Some(v.clone()),
        _ => {}
    }
}

pub fn read_file(path: &Path) -> anyhow::Result<Layer> {
    let text = std::fs::read_to_string(path).with_context(|| format!("config file {}: cannot read it", path.display()))?;
    parse_file(path, &text)
}

/// Parses the TOML config file. Every error names the file and, where there is one, the key.
pub fn parse_file(path: &Path, text: &str) -> anyhow::Result<Layer> {
    let file = path.display();
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let at = e
                .span()
                .map(|s| format!(" at line {}", line_of(text, s.start)))
                .unwrap_or_default();
            bail!("config file {file}: not valid TOML{at}: {}", e.message().trim());
        }
    };
    let mut layer = Layer::default();
    for (key, value) in table {
        let Some(s) = value.as_str().map(str::to_string) else {
            if FILE_KEYS.contains(&key.as_str()) {
                bail!("config file {file}: key `{key}` must be a string, not {}", value.type_str());
            }
            bail!(
                "config file {file}: unknown key `{key}` (the keys are {})",
                FILE_KEYS.join(", ")
            );
        };
        match key.as_str() {
            "data_dir" => {
                if s.trim().is_empty() {
                    bail!("config file {file}: key `data_dir` must not be empty");
                }
                layer.data_dir = Some(PathBuf::from(s));
            }
            "database_url" => {
                if s.trim().is_empty() {
                    bail!("config file {file}: key `database_url` must not be empty");
                }
                layer.database_url = Some(s);
            }
            "listen" => {
                let l = crate::cli::parse_listen(&s).map_err(|e| anyhow::anyhow!("config file {file}: key `listen`: {e}"))?;
                layer.listen = Some(l);
            }
            _ => bail!(
                "config file {file}: unknown key `{key}` (the keys are {})",
                FILE_KEYS.join(", ")
            ),
        }
    }
    Ok(layer)
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// Masks the password in `scheme://user:password@host/...`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.split_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;
    use crate::cli::Cli;

    fn layer(dir: Option<&str>, url: Option<&str>, listen: Option<&str>) -> Layer {
        Layer {
            data_dir: dir.map(PathBuf::from),
            database_url: url.map(String::from),
            listen: listen.map(String::from),
        }
    }

    #[test]
    fn i4_flags_over_env_over_file_over_defaults() {
        let flags = layer(Some("flag-dir"), None, None);
        let env = layer(Some("env-dir"), None, Some("0.0.0.0:7000"));
        let file = layer(Some("file-dir"), Some("postgres://u:p@db/onegrid"), Some("127.0.0.1:6000"));

        let s = resolve(&flags, &env, &file);
        assert_eq!(s.data_dir, PathBuf::from("flag-dir"), "a flag beats env and file");
        assert_eq!(s.listen, "0.0.0.0:7000", "env beats file");
        assert_eq!(s.database_url, "postgres://u:p@db/onegrid", "file beats the default");

        let s = resolve(&Layer::default(), &env, &file);
        assert_eq!(s.data_dir, PathBuf::from("env-dir"));

        let s = resolve(&Layer::default(), &Layer::default(), &file);
        assert_eq!(s.data_dir, PathBuf::from("file-dir"));
        assert_eq!(s.listen, "127.0.0.1:6000");

        let s = resolve(&Layer::default(), &Layer::default(), &Layer::default());
        assert_eq!(s.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
        assert_eq!(s.listen, DEFAULT_LISTEN);
        assert_eq!(
            PathBuf::from(&s.database_url),
            PathBuf::from(DEFAULT_DATA_DIR).join("onegrid.db")
        );
    }

    #[test]
    fn d1_sqlite_file_lives_in_the_data_dir_by_default() {
        let s = resolve(&layer(Some("/srv/og"), None, None), &Layer::default(), &Layer::default());
        assert_eq!(PathBuf::from(&s.database_url), PathBuf::from("/srv/og/onegrid.db"));
        assert!(!s.is_postgres());
        // The data directory from the file still places the SQLite file.
        let s = resolve(&Layer::default(), &Layer::default(), &layer(Some("/var/lib/og"), None, None));
        assert_eq!(PathBuf::from(&s.database_url), PathBuf::from("/var/lib/og/onegrid.db"));
    }

    #[test]
    fn d1_postgres_url_is_used_as_given() {
        let s = resolve(
            &layer(None, Some("postgresql://og:secret@localhost:5432/og"), None),
            &Layer::default(),
            &Layer::default(),
        );
        assert!(s.is_postgres());
        assert_eq!(s.database_display(), "postgresql://og:***@localhost:5432/og");
        assert_eq!(redact("postgres://og@localhost/og"), "postgres://og@localhost/og");
        assert_eq!(redact("./data/onegrid.db"), "./data/onegrid.db");
    }

    #[test]
    fn i4_flags_on_the_command_line_form_the_flag_layer() {
        let m = Cli::command()
            .try_get_matches_from([
                "onegrid",
                "serve",
                "--data-dir",
                "cli-dir",
                "--listen",
                "127.0.0.1:9999",
                "--config",
                "f.toml",
            ])
            .unwrap();
        let s = Sources::from_matches(&m);
        assert_eq!(s.flags.data_dir, Some(PathBuf::from("cli-dir")));
        assert_eq!(s.flags.listen.as_deref(), Some("127.0.0.1:9999"));
        assert_eq!(s.config_file, Some(PathBuf::from("f.toml")));
        // Whatever the environment of the test holds, it cannot end up in the flag layer.
        let m = Cli::command()
            .try_get_matches_from(["onegrid", "--database-url", "x.db", "migrate"])
            .unwrap();
        let s = Sources::from_matches(&m);
        assert_eq!(s.flags.database_url.as_deref(), Some("x.db"));
        assert_eq!(s.env.database_url, None);
    }

    #[test]
    fn i4_config_file_gives_the_three_keys() {
        let l = parse_file(
            Path::new("og.toml"),
            "data_dir = \"/d\"\ndatabase_url = \"postgres://h/db\"\nlisten = \"0.0.0.0:80\"\n",
        )
        .unwrap();
        assert_eq!(l, layer(Some("/d"), Some("postgres://h/db"), Some("0.0.0.0:80")));
        assert_eq!(parse_file(Path::new("empty.toml"), "").unwrap(), Layer::default());
    }

    #[test]
    fn i4_bad_config_file_names_the_file_and_the_key() {
        let e = parse_file(Path::new("/etc/og.toml"), "listen = 8080\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/etc/og.toml") && e.contains("`listen`") && e.contains("string"),
            "{e}"
        );

        let e = parse_file(Path::new("og.toml"), "data_dir = \"d\"\nlisten = \"nonsense\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("og.toml") && e.contains("`listen`") && e.contains("nonsense"),
            "{e}"
        );

        let e = parse_file(Path::new("og.toml"), "datadir = \"d\"\n").unwrap_err().to_string();
        assert!(
            e.contains("og.toml") && e.contains("unknown key `datadir`") && e.contains("data_dir"),
            "{e}"
        );

        let e = parse_file(Path::new("og.toml"), "data_dir = \"d\"\nlisten = \n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("og.toml") && e.contains("not valid TOML") && e.contains("line 2"),
            "{e}"
        );
    }

    #[test]
    fn i4_missing_config_file_is_an_error_naming_it() {
        let s = Sources {
            config_file: Some(PathBuf::from("/nonexistent/onegrid.toml")),
            ..Default::default()
        };
        let e = format!("{:#}", s.settings().unwrap_err());
        assert!(e.contains("/nonexistent/onegrid.toml"), "{e}");
    }
}
