//! `onegrid user` (R3): accounts and API tokens from the console. Passwords never come from the
//! command line (where `ps` and shell history would keep them): from stdin with
//! `--password-stdin`, or from the `ONEGRID_PASSWORD` environment variable.

use std::io::Read;
use std::process::ExitCode;

use anyhow::Context;
use onegrid_app::AppError;

use crate::config::Settings;

pub const PASSWORD_ENV: &str = "ONEGRID_PASSWORD";

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Create an account: tied to a person (permissions come from the person's posts) or a superuser
    #[command(after_help = "The password is read from stdin with --password-stdin, else from ONEGRID_PASSWORD.")]
    Add(AddArgs),
    /// Set an account's password
    #[command(after_help = "The password is read from stdin with --password-stdin, else from ONEGRID_PASSWORD.")]
    Passwd(PasswdArgs),
    /// List the accounts
    List(ListArgs),
    /// Create an API token for `Authorization: Bearer TOKEN`; the token is the last line printed
    Token(TokenArgs),
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// Sign-in name: 2–64 letters, digits, '.', '_' or '-'
    pub username: String,

    /// Code of the person this account belongs to (required unless --superuser)
    #[arg(long, value_name = "CODE")]
    pub person: Option<String>,

    /// Make the account a superuser: every permission on every street
    #[arg(long)]
    pub superuser: bool,

    /// Read the password from the first line of stdin (else from ONEGRID_PASSWORD)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub struct PasswdArgs {
    /// The account's sign-in name
    pub username: String,

    /// Read the new password from the first line of stdin (else from ONEGRID_PASSWORD)
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print the accounts as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The account the token acts as
    pub username: String,

    /// A name to recognise the token by, e.g. the client that uses it
    #[arg(long, value_name = "NAME", default_value = "cli")]
    pub name: String,
}

pub async fn run(cmd: Command, settings: &Settings) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Add(a) => {
            let password = password(a.password_stdin)?;
            let app = super::open_app(settings).await?;
            let user = app.add_user(&a.username, &password, a.person.as_deref(), a.superuser).await?;
            println!(
                "created user {} (id {}{})",
                user.username,
                user.id,
                if user.superuser { ", superuser" } else { "" }
            );
        }
        Command::Passwd(a) => {
            let password = password(a.password_stdin)?;
            let app = super::open_app(settings).await?;
            app.set_password(&a.username, &password).await?;
            println!("password of {} changed", a.username);
        }
        Command::List(a) => {
            let app = super::open_app(settings).await?;
            let users = app.users().await?;
            if a.json {
                println!("{}", serde_json::to_string_pretty(&users)?);
            } else if users.is_empty() {
                println!("no users yet: add one with `onegrid user add NAME --superuser --password-stdin`");
            } else {
                let w = users
                    .iter()
                    .map(|u| u.username.chars().count())
                    .max()
                    .unwrap_or(0)
                    .max("username".len());
                println!(
                    "{:>6}  {:<w$}  {:>9}  {:>9}  flags",
                    "id", "username", "person_id", "street_id"
                );
                for u in &users {
                    let mut flags = Vec::new();
                    if u.superuser {
                        flags.push("superuser");
                    }
                    if u.disabled {
                        flags.push("disabled");
                    }
                    println!(
                        "{:>6}  {:<w$}  {:>9}  {:>9}  {}",
                        u.id,
                        u.username,
                        u.person_id.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                        u.street_id.map(|s| s.to_string()).unwrap_or_else(|| "-".into()),
                        flags.join(",")
                    );
                }
            }
        }
        Command::Token(a) => {
            let app = super::open_app(settings).await?;
            let token = app.create_token(&a.username, &a.name).await?;
            println!(
                "API token '{}' for {} (shown once; send it as `Authorization: Bearer TOKEN`):",
                a.name, a.username
            );
            println!("{token}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn password(from_stdin: bool) -> anyhow::Result<String> {
    if from_stdin {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("password: cannot read stdin")?;
        return Ok(first_line(&s));
    }
    match std::env::var(PASSWORD_ENV) {
        Ok(p) => Ok(p),
        Err(_) => Err(AppError::field(
            "password",
            format!("pass --password-stdin and write it to stdin, or set {PASSWORD_ENV}"),
        )
        .into()),
    }
}

/// The first line without its line ending, so `echo secret | onegrid user add …` works.
fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim_end_matches('\r').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r3_password_from_stdin_is_its_first_line() {
        assert_eq!(first_line("correct horse\n"), "correct horse");
        assert_eq!(first_line("correct horse\r\nsecond"), "correct horse");
        assert_eq!(first_line("no newline"), "no newline");
        assert_eq!(first_line(""), "");
    }
}
