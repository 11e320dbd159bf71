//! Whole `onegrid serve` processes against one database: two processes share the deadline work
//! and record each escalation exactly once (C5, D2); a server killed with SIGKILL while clients
//! post cases loses none it acknowledged with 201 (R1).

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use onegrid_app::App;
use onegrid_app::accounts::PasswordCost;
use onegrid_app::case::{Intake, Source};
use onegrid_store::{Backend, Db};
use onegrid_testkit::{TempDir, fixture, fresh_db, pg_database_url, take_last_pg_database, temp_dir};

/// A point in the fixture's grid 1.
const LAT: f64 = 31.005;
const LNG: f64 = 121.005;

/// A running `onegrid serve`, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `onegrid serve` on a free port with `args`, and waits until it listens.
    fn start(args: &[&str], worker_interval_ms: u64) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_onegrid"));
        for var in [
            "ONEGRID_DATA_DIR",
            "ONEGRID_DATABASE_URL",
            "ONEGRID_LISTEN",
            "ONEGRID_CONFIG",
            "RUST_LOG",
        ] {
            cmd.env_remove(var);
        }
        cmd.env("ONEGRID_LOG", "info,sqlx=error,tower_http=warn")
            .env("ONEGRID_WORKER_INTERVAL_MS", worker_interval_ms.to_string())
            .arg("serve")
            .args(args)
            .args(["--listen", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("onegrid serve starts");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            line.clear();
            if out.read_line(&mut line).unwrap_or(0) == 0 || Instant::now() > deadline {
                let mut err = String::new();
                let _ = child.stderr.take().unwrap().read_to_string(&mut err);
                panic!("onegrid serve did not start: {err}");
            }
            if let Some(url) = line.trim().strip_prefix("OneGrid listening on ") {
                break url.to_string();
            }
        };
        Server { child, base }
    }

    /// Stops the process (SIGKILL) and returns what it logged.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut err = String::new();
        if let Some(mut e) = self.child.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        err
    }
}

/// The fixture street with an admin account, on a fresh migrated database.
async fn prepare(db: Db) -> App {
    let app = App::new(db, PasswordCost::Test).await.unwrap();
    let mut tx = app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &fixture::street_data()).await.unwrap();
    tx.commit().await.unwrap();
    app.add_user("admin", fixture::PASSWORD, Some("P-ADMIN"), false)
        .await
        .unwrap();
    app.locator.rebuild(&app.db).await.unwrap();
    app
}

fn sum_of(log: &str, key: &str) -> i64 {
    log.lines()
        .filter(|l| l.contains("deadline run"))
        .filter_map(|l| l.split_whitespace().find_map(|w| w.strip_prefix(&format!("{key}="))))
        .filter_map(|v| v.trim_matches(|c: char| !c.is_ascii_digit()).parse::<i64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn c5_two_serve_processes_record_each_escalation_exactly_once() {
    let Some((db, _)) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let name = take_last_pg_database().unwrap();
    let url = pg_database_url(&name).unwrap();
    let app = prepare(db).await;
    let token = app.create_token("admin", "test").await.unwrap();
    let admin = app.actor_from_token(&token).await.unwrap();
    // A burst of imported cases received ten days ago: every one is overdue, and its grid's
    // community and the command centre are each to be told once.
    const CASES: i64 = 240;
    let received = onegrid_store::now_ms() - 10 * 86_400_000;
    for i in 0..CASES {
        let input = Intake {
            channel: Some("import".into()),
            category: "E0101".into(),
            description: format!("历史案件 {i}"),
            lat: Some(LAT),
            lng: Some(LNG),
            received_at: Some(received),
            ..Intake::default()
        };
        app.report_case(Source::User(&admin), &input, None).await.unwrap();
    }
    app.db.close().await;

    let (a, b) = (
        Server::start(&["--database-url", &url], 100),
        Server::start(&["--database-url", &url], 100),
    );
    let check = Db::connect(&url).await.unwrap();
    let count = |sql: &'static str| count(&check, sql);
    let deadline = Instant::now() + Duration::from_secs(120);
    while count("SELECT COUNT(*) FROM case_events WHERE action = 'supervise'").await < 2 * CASES {
        assert!(Instant::now() < deadline, "the workers did not finish in time");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Give a second worker every chance to record something twice.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (log_a, log_b) = (a.stop(), b.stop());
    assert_eq!(
        count("SELECT COUNT(*) FROM case_events WHERE action = 'supervise'").await,
        2 * CASES
    );
    // Per case: levels 1 and 2, once each.
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM (SELECT case_id FROM case_events WHERE action = 'supervise' GROUP BY case_id \
             HAVING COUNT(*) = 2 AND COUNT(DISTINCT detail->>'escalation_level') = 2) AS ok"
        )
        .await,
        CASES
    );
    assert_eq!(count("SELECT COUNT(*) FROM cases WHERE next_check_at IS NOT NULL").await, 0);
    // What the two processes say they did adds up to the same: nothing was done twice.
    let (ea, eb) = (sum_of(&log_a, "escalated"), sum_of(&log_b, "escalated"));
    eprintln!("process A escalated {ea}, process B escalated {eb}");
    assert_eq!(ea + eb, 2 * CASES, "A:\n{log_a}\nB:\n{log_b}");
    assert_eq!(sum_of(&log_a, "overdue") + sum_of(&log_b, "overdue"), CASES);
    check.close().await;
    onegrid_testkit::drop_pg_database(&name).await;
}

async fn count(db: &Db, sql: &'static str) -> i64 {
    match db {
        Db::Postgres(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap(),
        Db::Sqlite(p) => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await.unwrap(),
    }
}

/// Posts anonymous reports from `clients` tasks until the server stops answering; returns the
/// ids acknowledged with 201.
async fn post_until_killed(base: String, clients: usize) -> Vec<i64> {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let base = base.clone();
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
            let mut ok = Vec::new();
            for i in 0.. {
                let sent = http
                    .post(format!("{base}/api/v1/cases"))
                    .json(&serde_json::json!({"category": "E0102", "description": format!("垃圾 {c}-{i}"), "lat": LAT, "lng": LNG, "anonymous": true}))
                    .send()
                    .await;
                let Ok(r) = sent else { break };
                if r.status().as_u16() != 201 {
                    continue;
                }
                let Ok(v) = r.json::<serde_json::Value>().await else { break };
                ok.push(v["id"].as_i64().unwrap());
            }
            ok
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.extend(t.await.unwrap());
    }
    ids
}

async fn survives_sigkill(args: Vec<String>) {
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = Server::start(&argv, 60_000);
    let posting = tokio::spawn(post_until_killed(server.base.clone(), 6));
    // Let the clients get going, then kill the server mid-stream.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    drop(server);
    let acknowledged = posting.await.unwrap();
    assert!(
        acknowledged.len() >= 5,
        "only {} cases were acknowledged before the kill",
        acknowledged.len()
    );

    let server = Server::start(&argv, 60_000);
    let http = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let r = http
        .post(format!("{}/api/v1/auth/login", server.base))
        .json(&serde_json::json!({"username": "admin", "password": fixture::PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    for id in &acknowledged {
        let r = http.get(format!("{}/api/v1/cases/{id}", server.base)).send().await.unwrap();
        assert_eq!(
            r.status(),
            200,
            "case {id} was acknowledged with 201 but is gone after the restart"
        );
    }
    eprintln!("{} acknowledged cases all survived SIGKILL", acknowledged.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r1_acknowledged_cases_survive_sigkill_sqlite() {
    let dir: TempDir = temp_dir();
    let db = Db::open_sqlite(&dir.0.join("onegrid.db")).await.unwrap();
    db.migrate().await.unwrap();
    let app = prepare(db).await;
    app.db.close().await;
    survives_sigkill(vec!["--data-dir".into(), path(&dir.0)]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r1_acknowledged_cases_survive_sigkill_postgres() {
    let Some((db, _)) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let name = take_last_pg_database().unwrap();
    let app = prepare(db).await;
    app.db.close().await;
    let dir = temp_dir();
    survives_sigkill(vec![
        "--database-url".into(),
        pg_database_url(&name).unwrap(),
        "--data-dir".into(),
        path(&dir.0),
    ])
    .await;
    onegrid_testkit::drop_pg_database(&name).await;
}

fn path(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}
