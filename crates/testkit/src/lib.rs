//! Test support: `spawn_app(Backend)` runs the real router on 127.0.0.1:0 against a fresh
//! database, SQLite file or PostgreSQL database (`ONEGRID_TEST_PG`, else 127.0.0.1:5432).

pub mod fixture;

use std::path::PathBuf;

use onegrid_app::App;
use onegrid_app::accounts::PasswordCost;
use onegrid_store::Db;

pub use onegrid_store::Backend;

pub struct TestApp {
    pub base: String,
    pub app: App,
    pub backend: Backend,
    _dir: Option<TempDir>,
    /// Evidence files (C7).
    pub files: TempDir,
    /// The PostgreSQL test database, dropped by `both!` when the test passes.
    pub pg_database: Option<String>,
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn temp_dir() -> TempDir {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).unwrap();
    let name: String = b.iter().map(|x| format!("{x:02x}")).collect();
    let p = std::env::temp_dir().join(format!("onegrid-test-{name}"));
    std::fs::create_dir_all(&p).unwrap();
    TempDir(p)
}

/// The PostgreSQL server for tests, or `None` (then the test says so loudly, and fails under CI).
pub fn pg_url() -> Option<String> {
    if std::env::var("ONEGRID_TEST_PG_SKIP").is_ok_and(|v| v == "1") && std::env::var("CI").as_deref() != Ok("true") {
        return None;
    }
    Some(std::env::var("ONEGRID_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into()))
}

thread_local! {
    /// The name `fresh_db` gave the PostgreSQL database it just made, for `spawn_app` to keep.
    static LAST_PG_DATABASE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// The name of the PostgreSQL database the last `fresh_db` on this thread made (taken once).
pub fn take_last_pg_database() -> Option<String> {
    LAST_PG_DATABASE.with(|n| n.borrow_mut().take())
}

/// The URL of a test database on the test server, for a process of its own.
pub fn pg_database_url(name: &str) -> Option<String> {
    let url = pg_url()?;
    let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(url);
    Some(format!("{base}/{name}"))
}

/// Drops a test database, closing the connections the test's server still holds.
pub async fn drop_pg_database(name: &str) {
    let Some(url) = pg_url() else { return };
    if let Ok(Db::Postgres(pool)) = Db::connect(&url).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .execute(&pool)
            .await;
        pool.close().await;
    }
}

/// A fresh, migrated database on the backend.
pub async fn fresh_db(backend: Backend) -> Option<(Db, Option<TempDir>)> {
    match backend {
        Backend::Sqlite => {
            let dir = temp_dir();
            let db = Db::open_sqlite(&dir.0.join("onegrid.db")).await.expect("sqlite opens");
            db.migrate().await.expect("migrations apply");
            Some((db, Some(dir)))
        }
        Backend::Postgres => {
            let Some(url) = pg_url() else {
                eprintln!("\n*** SKIPPED: PostgreSQL test (ONEGRID_TEST_PG_SKIP=1, no server) ***\n");
                return None;
            };
            let admin = Db::connect(&url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL at {url} is required for this test: {e}"));
            let mut b = [0u8; 8];
            getrandom::fill(&mut b).unwrap();
            let name = format!("onegrid_test_{}", b.iter().map(|x| format!("{x:02x}")).collect::<String>());
            if let Db::Postgres(pool) = &admin {
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(pool)
                    .await
                    .expect("create test database");
            }
            admin.close().await;
            let base = url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(url.clone());
            let db = Db::connect(&format!("{base}/{name}")).await.expect("test database opens");
            db.migrate().await.expect("migrations apply");
            LAST_PG_DATABASE.with(|n| *n.borrow_mut() = Some(name));
            Some((db, None))
        }
    }
}

/// Serves the real router against a fresh database; `None` only when PostgreSQL is skipped.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let (db, dir) = fresh_db(backend).await?;
    let pg_database = (backend == Backend::Postgres)
        .then(|| LAST_PG_DATABASE.with(|n| n.borrow_mut().take()))
        .flatten();
    let files = temp_dir();
    let app = App::new(db, PasswordCost::Test)
        .await
        .expect("app starts")
        .with_evidence_dir(files.0.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let served = app.clone();
    tokio::spawn(async move {
        onegrid_web::serve(served, listener, std::future::pending()).await.unwrap();
    });
    Some(TestApp {
        base,
        app,
        backend,
        _dir: dir,
        files,
        pg_database,
    })
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A client with a cookie jar that does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// A client signed in through `POST /api/v1/auth/login`.
    pub async fn signed_in(&self, username: &str, password: &str) -> reqwest::Client {
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            200,
            "login of {username} failed: {}",
            r.text().await.unwrap_or_default()
        );
        c
    }
}

/// Runs an async test body once per backend: `both!(name, |t| async move { … })` defines
/// `name_sqlite` and `name_postgres`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = $crate::spawn_app($crate::Backend::Sqlite).await {
                    ($body)(t).await;
                }
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::spawn_app($crate::Backend::Postgres).await {
                    let database = t.pg_database.clone();
                    ($body)(t).await;
                    // A failed test keeps its database for inspection; scripts/test clears leftovers.
                    if let Some(name) = database {
                        $crate::drop_pg_database(&name).await;
                    }
                }
            }
        }
    };
}
