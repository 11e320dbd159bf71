//! I4: the built `onegrid` binary, run as a user would, each test in its own data directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// A fresh directory under the target dir, removed when the test ends.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let dir = base.join(format!("onegrid-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with none of the caller's `ONEGRID_*` settings, so only the test's arguments count.
fn onegrid() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onegrid"));
    for var in [
        "ONEGRID_DATA_DIR",
        "ONEGRID_DATABASE_URL",
        "ONEGRID_LISTEN",
        "ONEGRID_CONFIG",
        "ONEGRID_SEED",
        "ONEGRID_PASSWORD",
        "ONEGRID_LOG",
        "RUST_LOG",
    ] {
        c.env_remove(var);
    }
    c.env("ONEGRID_LOG", "warn,sqlx::query=error");
    c
}

fn run(cmd: &mut Command) -> Output {
    cmd.stdin(Stdio::null()).output().expect("the onegrid binary runs")
}

fn run_with_stdin(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn onegrid");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: Output) -> String {
    assert!(
        o.status.success(),
        "onegrid failed ({}):\nstdout:\n{}\nstderr:\n{}",
        o.status,
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn data_dir_args(d: &TempDir) -> [String; 2] {
    ["--data-dir".into(), d.path().display().to_string()]
}

#[test]
fn d1_migrate_twice_runs_the_migrations_once() {
    let d = TempDir::new("migrate");
    let first = ok(run(onegrid().arg("migrate").args(data_dir_args(&d))));
    assert!(first.contains("migrations applied: "), "{first}");
    assert!(
        !first.contains("migrations applied: 0"),
        "a fresh database needs migrations: {first}"
    );
    assert!(
        d.path().join("onegrid.db").exists(),
        "the SQLite file is in the data directory"
    );
    let second = ok(run(onegrid().arg("migrate").args(data_dir_args(&d))));
    assert!(second.contains("migrations applied: 0"), "{second}");
}

#[test]
fn i4_environment_and_config_file_choose_the_data_dir() {
    let d = TempDir::new("settings");
    let env_dir = d.path().join("from-env");
    ok(run(onegrid().arg("migrate").env("ONEGRID_DATA_DIR", &env_dir)));
    assert!(env_dir.join("onegrid.db").exists());

    let file_dir = d.path().join("from-file");
    let config = d.path().join("onegrid.toml");
    std::fs::write(&config, format!("data_dir = {:?}\n", file_dir.display().to_string())).unwrap();
    ok(run(onegrid().arg("migrate").arg("--config").arg(&config)));
    assert!(file_dir.join("onegrid.db").exists());

    // The flag beats both.
    let flag_dir = d.path().join("from-flag");
    ok(run(onegrid()
        .arg("migrate")
        .arg("--config")
        .arg(&config)
        .env("ONEGRID_DATA_DIR", &env_dir)
        .arg("--data-dir")
        .arg(&flag_dir)));
    assert!(flag_dir.join("onegrid.db").exists());

    std::fs::write(&config, "listen = 8080\n").unwrap();
    let o = run(onegrid().arg("migrate").arg("--config").arg(&config));
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(
        e.starts_with("error: config file ") && e.contains("onegrid.toml") && e.contains("`listen`"),
        "{e}"
    );
}

#[test]
fn r3_user_add_with_a_short_password_names_the_field() {
    let d = TempDir::new("useradd");
    let o = run_with_stdin(
        onegrid()
            .args(["user", "add", "chen.jing", "--superuser", "--password-stdin"])
            .args(data_dir_args(&d)),
        "short\n",
    );
    assert_eq!(o.status.code(), Some(1), "stdout: {}\nstderr: {}", stdout(&o), stderr(&o));
    assert!(
        stderr(&o)
            .lines()
            .any(|l| l == "error: password: must be at least 10 characters"),
        "{}",
        stderr(&o)
    );

    let o = run(onegrid()
        .args(["user", "add", "chen.jing", "--superuser"])
        .args(data_dir_args(&d)));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: password: "),
        "no password source is a field error: {}",
        stderr(&o)
    );

    let o = run(onegrid()
        .args(["user", "add", "chen.jing"])
        .args(data_dir_args(&d))
        .env("ONEGRID_PASSWORD", "a-long-enough-password"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: person: "),
        "an account needs a person or --superuser: {}",
        stderr(&o)
    );

    let out = ok(run_with_stdin(
        onegrid()
            .args(["user", "add", "chen.jing", "--superuser", "--password-stdin"])
            .args(data_dir_args(&d)),
        "a-long-enough-password\n",
    ));
    assert!(out.contains("created user chen.jing"), "{out}");
    let o = run(onegrid()
        .args(["user", "add", "chen.jing", "--superuser"])
        .args(data_dir_args(&d))
        .env("ONEGRID_PASSWORD", "another-long-password"));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error: username: is already taken"), "{}", stderr(&o));

    let list = ok(run(onegrid().args(["user", "list"]).args(data_dir_args(&d))));
    assert!(list.contains("chen.jing") && list.contains("superuser"), "{list}");
    ok(run(onegrid()
        .args(["user", "passwd", "chen.jing"])
        .args(data_dir_args(&d))
        .env("ONEGRID_PASSWORD", "a-new-long-password")));
}

fn write_areas(d: &TempDir) -> PathBuf {
    let good = d.path().join("areas.csv");
    std::fs::write(
        &good,
        "level,code,name,parent_code,kind\nstreet,990001-001,测试街道,,\ncommunity,990001-001-01,第一社区,990001-001,\ncommunity,990001-001-02,第二社区,no-such-street,\n",
    )
    .unwrap();
    good
}

#[test]
fn t8_import_reports_rejected_rows_and_a_wholly_bad_file_fails() {
    let d = TempDir::new("import");
    ok(run(onegrid()
        .args(["user", "add", "importer", "--superuser"])
        .args(data_dir_args(&d))
        .env("ONEGRID_PASSWORD", "importer-password")));
    let good = write_areas(&d);
    let out = ok(run(onegrid()
        .args(["import", "--kind", "areas", "--as", "importer", "--file"])
        .arg(&good)
        .args(data_dir_args(&d))));
    assert!(out.contains("2 of 3 rows imported, 1 rejected"), "{out}");
    assert!(out.lines().any(|l| l.trim_start().starts_with("4  parent_code")), "{out}");

    let bad = d.path().join("bad.csv");
    std::fs::write(&bad, "level,code\nstreet,x\n").unwrap();
    let o = run(onegrid()
        .args(["import", "--kind", "areas", "--as", "importer", "--json", "--file"])
        .arg(&bad)
        .args(data_dir_args(&d)));
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("the report is JSON");
    assert_eq!(report["written"], false);
    assert!(report["file_error"].as_str().unwrap().contains("name"), "{report}");
    assert!(stderr(&o).starts_with("error: "), "{}", stderr(&o));

    let o = run(onegrid()
        .args(["import", "--kind", "areas", "--as", "nobody", "--file"])
        .arg(&good)
        .args(data_dir_args(&d)));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("error: as: no user named 'nobody'"), "{}", stderr(&o));

    let csv = ok(run(onegrid()
        .args(["export", "--kind", "areas", "--street", "990001-001"])
        .args(data_dir_args(&d))));
    assert!(csv.contains("990001-001-01") && !csv.contains("990001-001-02"), "{csv}");
    let o = run(onegrid()
        .args(["export", "--kind", "areas", "--street", "000000-000"])
        .args(data_dir_args(&d)));
    assert!(
        stderr(&o).contains("error: street: no street with code '000000-000'"),
        "{}",
        stderr(&o)
    );
}

/// Without `--as` the import runs as the console operator, who has no account row.
#[test]
fn t8_import_without_an_account_runs_as_the_console_operator() {
    let d = TempDir::new("import-console");
    let good = write_areas(&d);
    let out = ok(run(onegrid()
        .args(["import", "--kind", "areas", "--file"])
        .arg(&good)
        .args(data_dir_args(&d))));
    assert!(out.contains("2 of 3 rows imported, 1 rejected"), "{out}");
}

#[test]
fn d4_demo_twice_loads_once_and_prints_the_same_sign_ins() {
    let d = TempDir::new("demo");
    let first = ok(run(onegrid().args(["demo", "--no-serve"]).args(data_dir_args(&d))));
    let second = ok(run(onegrid().args(["demo", "--no-serve"]).args(data_dir_args(&d))));
    assert!(!first.contains("already loaded"), "{first}");
    assert!(second.contains("already loaded"), "{second}");

    let logins = |s: &str| {
        s.lines()
            .filter(|l| l.starts_with("LOGIN "))
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let l1 = logins(&first);
    assert!(!l1.is_empty(), "{first}");
    assert_eq!(l1, logins(&second));
    for line in &l1 {
        let parts: Vec<&str> = line.split(' ').collect();
        assert_eq!(parts.len(), 4, "{line}");
        assert!(
            parts[1].starts_with("role=") && parts[2].starts_with("username=") && parts[3].starts_with("password="),
            "{line}"
        );
    }
    assert!(l1.iter().any(|l| l.starts_with("LOGIN role=grid_worker ")), "{l1:?}");
    assert!(
        l1.iter().any(|l| l.starts_with("LOGIN role=street_admin username=admin ")),
        "{l1:?}"
    );
    for s in [&first, &second] {
        let url = s
            .lines()
            .find_map(|l| l.strip_prefix("FORBIDDEN_URL_FOR grid_worker "))
            .expect("forbidden URL line");
        assert!(url.starts_with('/'), "{url}");
        assert!(
            s.lines()
                .any(|l| l.starts_with("FORBIDDEN_TEXT_FOR grid_worker ") && l.len() > "FORBIDDEN_TEXT_FOR grid_worker ".len())
        );
    }

    let out = ok(run(onegrid().args(["user", "token", "admin"]).args(data_dir_args(&d))));
    let last = out.lines().last().expect("output");
    assert_eq!(last.len(), 64, "{out}");
    assert!(
        last.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{out}"
    );

    let o = run(onegrid().args(["coverage", "--fail-on-findings"]).args(data_dir_args(&d)));
    assert_eq!(
        o.status.code(),
        Some(2),
        "the demo street has planted findings: {}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("building_unassigned"), "{}", stdout(&o));
}

/// `serve` prints its address, answers, and on SIGTERM finishes and exits with status 0.
#[cfg(unix)]
#[test]
fn i4_serve_answers_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read};

    let d = TempDir::new("serve");
    let mut child = onegrid()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(data_dir_args(&d))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn onegrid serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("OneGrid listening on http://")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));

    let mut conn = std::net::TcpStream::connect(addr).expect("the server accepts connections");
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: onegrid\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits with 0, got {status}");
}

/// G1–G2: `partition --street` divides the street's own buildings from the database and prints
/// the proposal's quality beside the current division's; `--out` is readable by `--score`.
#[test]
fn g1_partition_street_prints_both_reports_and_writes_the_division() {
    let d = TempDir::new("partition-street");
    ok(run(onegrid().args(["demo", "--no-serve"]).args(data_dir_args(&d))));
    let csv = d.path().join("division.csv");
    let out = ok(run(onegrid()
        .args(["partition", "--street", "310107-014", "--seed", "3", "--out"])
        .arg(&csv)
        .args(data_dir_args(&d))));
    let header = out
        .lines()
        .find(|l| l.contains("current") && l.contains("proposed"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(header.trim_start().starts_with("current"), "{header}");
    for row in [
        "micro-grids (parts)",
        "max load / target",
        "parts over cap (unavoidable)",
        "non-contiguous parts",
        "cut edges",
        "mean Polsby-Popper",
    ] {
        assert!(out.lines().any(|l| l.starts_with(row)), "{row} missing:\n{out}");
    }
    let cap_row = out.lines().find(|l| l.starts_with("cap")).unwrap();
    assert!(
        cap_row.split_whitespace().nth(1) == Some("40"),
        "the default cap is 40 households: {cap_row}"
    );
    let contiguity = out.lines().find(|l| l.starts_with("non-contiguous parts")).unwrap();
    assert!(contiguity.split_whitespace().last() == Some("0"), "{contiguity}");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("id,part,building,current\n"), "{}", &text[..80]);
    let rows = text.lines().count() - 1;
    assert!(rows > 1000, "one row per located building: {rows}");
    // One grid, K parts, crossing grids allowed but not communities.
    let out = ok(run(onegrid()
        .args([
            "partition",
            "--street",
            "310107-014",
            "--area",
            "310107-014-001",
            "--within",
            "community",
            "--k",
            "12",
        ])
        .args(data_dir_args(&d))));
    let parts = out.lines().find(|l| l.starts_with("micro-grids (parts)")).unwrap();
    assert_eq!(parts.split_whitespace().last(), Some("12"), "{out}");
    // Bad input names what is wrong.
    let o = run(onegrid()
        .args(["partition", "--street", "999999-999"])
        .args(data_dir_args(&d)));
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("999999-999"), "{}", stderr(&o));
    let o = run(onegrid()
        .args(["partition", "--street", "310107-014", "--area", "nope"])
        .args(data_dir_args(&d)));
    assert!(stderr(&o).contains("nope"), "{}", stderr(&o));
    let o = run(onegrid()
        .args(["partition", "--street", "310107-014", "--units", "u.geojson", "--k", "2"])
        .args(data_dir_args(&d)));
    assert_eq!(o.status.code(), Some(2), "--street and --units conflict: {}", stderr(&o));
}
