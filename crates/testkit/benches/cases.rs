//! Issue 3's benchmark, on SQLite and on PostgreSQL:
//! - case intake over HTTP (public reports, `POST /api/v1/cases`, 16 concurrent clients):
//!   requests per second, p50 and p99 latency; beside it the raw insert rate of the same
//!   database (one single-row INSERT per transaction, same concurrency), so the ratio shows
//!   what the use case costs on top (locating, category and duplicate checks, clock, event,
//!   notifications, outbox, audit, HTTP);
//! - the "my cases" work list and the weekly meeting list at 10 million cases.
//!
//! `cargo bench -p onegrid-testkit --bench cases` (PostgreSQL from `ONEGRID_TEST_PG`, else
//! 127.0.0.1:5432; `ONEGRID_TEST_PG_SKIP=1` runs SQLite only; `ONEGRID_BENCH_CASES` sets the
//! size of the big table, 10,000,000 by default).

use std::time::{Duration, Instant};

use onegrid_app::Actor;
use onegrid_store::{Backend, Db, Tx, now_ms, on};
use onegrid_testkit::{TestApp, fixture, spawn_app};

const REQUESTS: usize = 4_000;
const CLIENTS: usize = 16;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

struct Rate {
    per_sec: f64,
    p50: Duration,
    p99: Duration,
}

/// Runs `n` calls of `f` from `clients` concurrent tasks; the rate and latency percentiles.
async fn measure<F, Fut>(n: usize, clients: usize, f: F) -> Rate
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let f = f.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            for i in (c..n).step_by(clients) {
                let t = Instant::now();
                f(i).await;
                lat.push(t.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let secs = start.elapsed().as_secs_f64();
    all.sort();
    Rate {
        per_sec: n as f64 / secs,
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
    }
}

/// A point in the fixture street (all six micro-grids), varied so duplicates are rare.
fn point(i: usize) -> (f64, f64) {
    let x = (i * 7919 % 997) as f64 / 997.0;
    let y = (i * 104_729 % 991) as f64 / 991.0;
    (31.0005 + y * 0.019, 121.0005 + x * 0.029)
}

async fn intake(t: &TestApp) -> (Rate, Rate) {
    fixture::load_small_street(t).await;
    let http = reqwest::Client::new();
    let url = t.url("/api/v1/cases");
    let post = move |i: usize| {
        let (http, url) = (http.clone(), url.clone());
        async move {
            let (lat, lng) = point(i);
            let r = http
                .post(&url)
                .json(&serde_json::json!({"category": "E0102", "description": format!("楼下垃圾堆放 {i}"), "lat": lat, "lng": lng, "anonymous": true}))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
    };
    // Warm-up: connection pools, caches, the first pages of the indexes.
    measure(200, CLIENTS, post.clone()).await;
    let api = measure(REQUESTS, CLIENTS, post).await;

    let db = t.app.db.clone();
    let street = street_id(&db).await;
    let raw = measure(REQUESTS, CLIENTS, move |i| {
        let db = db.clone();
        async move {
            let mut tx = db.write().await.unwrap();
            on!(&mut tx, |c| sqlx::query(
                "INSERT INTO cases (street_id, token_hash, category_code, channel, description, status, level, escalation_level, \
                 reworks, reopens, version, received_at, updated_at) \
                 VALUES ($1, $2, 'E0102', 'resident', $3, 'received', 'grid', 0, 0, 0, 0, $4, $4)"
            )
            .bind(street)
            .bind(format!("raw-{i}-{}", now_ms()))
            .bind(format!("楼下垃圾堆放 {i}"))
            .bind(now_ms())
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
            .unwrap();
            tx.commit().await.unwrap();
        }
    })
    .await;
    (api, raw)
}

async fn street_id(db: &Db) -> i64 {
    let mut tx = db.read().await.unwrap();
    onegrid_store::territory::streets(&mut tx).await.unwrap()[0].id
}

async fn area(db: &Db, code: &str) -> i64 {
    let mut tx = db.read().await.unwrap();
    onegrid_store::territory::area_by_code(&mut tx, code)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// Fills `cases` with `n` rows spread over ten years; 1 in 100 is open (held by a grid, its
/// community or a department), the rest closed: the shape of a long-running street.
async fn fill(db: &Db, n: i64) -> Duration {
    let start = Instant::now();
    let street = street_id(db).await;
    let g = [
        area(db, fixture::GRIDS[0]).await,
        area(db, fixture::GRIDS[1]).await,
        area(db, fixture::GRIDS[2]).await,
    ];
    let c = [area(db, "999001-001-001").await, area(db, "999001-001-002").await];
    let m = [
        area(db, &format!("{}-01", fixture::GRIDS[0])).await,
        area(db, &format!("{}-01", fixture::GRIDS[1])).await,
        area(db, &format!("{}-01", fixture::GRIDS[2])).await,
    ];
    let now = now_ms();
    let span: i64 = 10 * 365 * 86_400_000;
    let step = span / n.max(1);
    let columns = "street_id, token_hash, category_code, channel, description, lat, lng, community_id, grid_id, micro_grid_id, \
        status, level, handler_tier, handler_unit, escalation_level, reworks, reopens, version, received_at, updated_at, due_at, closed_at";
    let values = format!(
        "SELECT {street}, 'bench-' || s.g, 'E0102', 'resident', '楼道堆物', 31.005, 121.005, \
         CASE s.g % 3 WHEN 2 THEN {c1} ELSE {c0} END, CASE s.g % 3 WHEN 0 THEN {g0} WHEN 1 THEN {g1} ELSE {g2} END, \
         CASE s.g % 3 WHEN 0 THEN {m0} WHEN 1 THEN {m1} ELSE {m2} END, \
         CASE WHEN s.g % 100 = 0 THEN 'in_progress' ELSE 'closed' END, 'grid', \
         CASE WHEN s.g % 100 <> 0 THEN NULL WHEN s.g % 7 = 0 THEN 'community' ELSE 'grid' END, \
         CASE WHEN s.g % 100 <> 0 THEN NULL WHEN s.g % 7 = 0 THEN (CASE s.g % 3 WHEN 2 THEN {c1} ELSE {c0} END) \
              ELSE (CASE s.g % 3 WHEN 0 THEN {g0} WHEN 1 THEN {g1} ELSE {g2} END) END, \
         0, 0, 0, 5, {t0} + CAST(s.g AS BIGINT) * {step}, {t0} + CAST(s.g AS BIGINT) * {step}, {t0} + CAST(s.g AS BIGINT) * {step} + 86400000, \
         CASE WHEN s.g % 100 = 0 THEN NULL ELSE {t0} + CAST(s.g AS BIGINT) * {step} + 3600000 END",
        c0 = c[0],
        c1 = c[1],
        g0 = g[0],
        g1 = g[1],
        g2 = g[2],
        m0 = m[0],
        m1 = m[1],
        m2 = m[2],
        t0 = now - span,
    );
    let chunk = 500_000;
    let mut from = 1;
    while from <= n {
        let to = (from + chunk - 1).min(n);
        let sql = match db.backend() {
            Backend::Postgres => format!("INSERT INTO cases ({columns}) {values} FROM generate_series({from}, {to}) AS s(g)"),
            Backend::Sqlite => format!(
                "WITH RECURSIVE s(g) AS (SELECT {from} UNION ALL SELECT g + 1 FROM s WHERE g < {to}) \
                 INSERT INTO cases ({columns}) {values} FROM s"
            ),
        };
        let mut tx = db.write().await.unwrap();
        on!(&mut tx, |c| sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .unwrap();
        tx.commit().await.unwrap();
        from = to + 1;
    }
    let mut tx: Tx = db.write().await.unwrap();
    on!(&mut tx, |c| sqlx::query("ANALYZE")
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
    .unwrap();
    tx.commit().await.unwrap();
    start.elapsed()
}

async fn actor(t: &TestApp, username: &str) -> Actor {
    let token = t.app.create_token(username, "bench").await.unwrap();
    t.app.actor_from_token(&token).await.unwrap()
}

/// Median and p95 of `runs` sequential calls.
async fn timed<F, Fut, T>(runs: usize, f: F) -> (Duration, Duration, T)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut lat = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f().await);
        lat.push(t.elapsed());
    }
    lat.sort();
    (percentile(&lat, 0.5), percentile(&lat, 0.95), last.unwrap())
}

async fn lists(t: &TestApp, n: i64) {
    let filled = fill(&t.app.db, n).await;
    println!("  filled {n} cases in {:.0} s", filled.as_secs_f64());
    let worker = actor(t, "worker_a").await;
    let secretary = actor(t, "secretary").await;
    let east = area(&t.app.db, "999001-001-001").await;
    let (p50, p95, mine) = timed(30, || t.app.my_cases(&worker, Some(1), Some(50))).await;
    let mine = mine.unwrap();
    println!(
        "  my cases (grid worker, first page of 50 of {} open, {} overdue): p50 {:.1} ms, p95 {:.1} ms",
        mine.total,
        mine.overdue,
        ms(p50),
        ms(p95)
    );
    let (p50, p95, mine) = timed(30, || t.app.my_cases(&secretary, Some(1), Some(50))).await;
    println!(
        "  my cases (community secretary, {} open): p50 {:.1} ms, p95 {:.1} ms",
        mine.unwrap().total,
        ms(p50),
        ms(p95)
    );
    let (p50, p95, counts) = timed(30, || t.app.my_case_counts(&worker)).await;
    println!(
        "  navigation counts {:?}: p50 {:.1} ms, p95 {:.1} ms",
        counts.unwrap(),
        ms(p50),
        ms(p95)
    );
    let (p50, p95, week) = timed(30, || t.app.weekly_cases(&secretary, east, None)).await;
    let week = week.unwrap();
    println!(
        "  weekly list of a community ({} received this week, {} needing attention): p50 {:.1} ms, p95 {:.1} ms",
        week.received.len(),
        week.attention.len(),
        ms(p50),
        ms(p95)
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let n: i64 = std::env::var("ONEGRID_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000_000);
    rt.block_on(async {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let name = format!("{backend:?}");
            let Some(t) = spawn_app(backend).await else {
                println!("{name}: skipped (no PostgreSQL)");
                continue;
            };
            let (api, raw) = intake(&t).await;
            println!(
                "{name}: intake over HTTP {:.0} req/s (p50 {:.1} ms, p99 {:.1} ms); raw single-row INSERT {:.0} rows/s (p50 {:.2} ms, p99 {:.2} ms); ratio {:.2}",
                api.per_sec,
                ms(api.p50),
                ms(api.p99),
                raw.per_sec,
                ms(raw.p50),
                ms(raw.p99),
                api.per_sec / raw.per_sec
            );
            lists(&t, n).await;
            if let Some(db) = &t.pg_database {
                t.app.db.close().await;
                onegrid_testkit::drop_pg_database(db).await;
            }
        }
    });
}
