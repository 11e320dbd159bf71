//! Issue 4's benchmark: redemptions per second under contention on one hot item, and monthly
//! statements for a community of 10,000 people, on SQLite and on PostgreSQL, each beside the raw
//! database doing the same statements without the use case around them (permission checks,
//! refusal rules, audit event, voucher).
//!
//! `cargo bench -p onegrid-testkit --bench participation` (PostgreSQL from `ONEGRID_TEST_PG`,
//! else 127.0.0.1:5432; `ONEGRID_TEST_PG_SKIP=1` runs SQLite only).

use std::time::{Duration, Instant};

use onegrid_app::{Actor, App};
use onegrid_domain::points::store::{ItemKind, NewItem};
use onegrid_domain::points::{Account, Currency, Movement, Period, PeriodKind, Reason};
use onegrid_domain::territory::{PersonRec, StreetData};
use onegrid_store::points::{self as ledger, EntryInfo};
use onegrid_store::{Backend, Db, Tx, now_ms, on};
use onegrid_testkit::{TestApp, fixture, spawn_app};

const PEOPLE: usize = 10_000;
const REDEEMERS: usize = 64;
const WORKERS: usize = 16;
const REDEMPTIONS: usize = 2_000;

/// The household codes of community 001 in the fixture street (grids 1 and 2).
fn household(i: usize) -> String {
    let (g, m, h) = (i / 4 % 2, i / 2 % 2, i % 2);
    format!("{}-0{}-01-1-0{}01", fixture::GRIDS[g], m + 1, h + 1)
}

async fn actor(t: &TestApp, username: &str) -> Actor {
    let token = t.app.create_token(username, "bench").await.unwrap();
    t.app.actor_from_token(&token).await.unwrap()
}

struct Setup {
    redeemers: Vec<Actor>,
    admin: Actor,
    people: Vec<i64>,
    street: i64,
    east: i64,
    item: i64,
}

async fn setup(t: &TestApp) -> Setup {
    fixture::load_small_street(t).await;
    let mut d = StreetData::default();
    for i in 0..PEOPLE {
        d.people.push(PersonRec {
            code: format!("B-{i:05}"),
            name: format!("居民{i:05}"),
            gender: "F".into(),
            phone: None,
            party_member: false,
            household_code: Some(household(i % 8)),
        });
    }
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &d).await.unwrap();
    let codes = onegrid_store::load::codes(&mut tx).await.unwrap();
    let people: Vec<i64> = (0..PEOPLE).map(|i| codes.people[&format!("B-{i:05}")].0).collect();
    let street = codes.people[&format!("B-{:05}", 0)].1;
    let east = codes.places["999001-001-001"].1;
    // A month of activity: five awards this month and one last month per person; the
    // redeemers get enough points for every redemption they will attempt.
    let month = Period::containing(PeriodKind::Month, chrono::Utc::now().date_naive());
    for (i, p) in people.iter().enumerate() {
        // Commit in batches: PostgreSQL walks a row's chain of versions made in one transaction,
        // so thousands of updates of the issuing account in one transaction get quadratic.
        if i % 250 == 249 {
            tx.commit().await.unwrap();
            tx = t.app.db.write().await.unwrap();
        }
        let mut amounts = vec![(month.start_ms() - 86_400_000, 3)];
        for k in 0..5 {
            amounts.push((month.start_ms() + (k + 1) * 3_600_000, 2));
        }
        if i < REDEEMERS {
            amounts.push((month.start_ms() + 10 * 3_600_000, 10_000));
        }
        for (at, amount) in amounts {
            let m = Movement {
                from: Account::issuing(east, Currency::GridPoints),
                to: Account::personal(*p, Currency::GridPoints),
                amount,
                reason: Reason::Award,
            };
            let info = EntryInfo {
                community_id: Some(east),
                rule: Some("public_welfare"),
                note: "bench",
                at: Some(at),
                ..Default::default()
            };
            ledger::post(&mut tx, street, &m, &info).await.unwrap().unwrap();
        }
    }
    tx.commit().await.unwrap();
    // Fresh statistics after the bulk load, as autovacuum would soon give them.
    if let Db::Postgres(pool) = &t.app.db {
        sqlx::query("ANALYZE").execute(pool).await.unwrap();
    }
    let mut redeemers = Vec::new();
    for i in 0..REDEEMERS {
        let u = format!("bench{i:02}");
        t.app
            .add_user(&u, fixture::PASSWORD, Some(&format!("B-{i:05}")), false)
            .await
            .unwrap();
        redeemers.push(actor(t, &u).await);
    }
    let admin = actor(t, "admin").await;
    let item = NewItem {
        kind: ItemKind::Goods,
        name: "抽纸".into(),
        description: String::new(),
        currency: Currency::GridPoints,
        price: 1,
        stock: 1_000_000,
        per_person_limit: 1000,
        venue: None,
        slot_starts_at: None,
        slot_ends_at: None,
        opens_at: None,
        closes_at: None,
    };
    let item = t.app.create_item(&admin, east, &item).await.unwrap().id;
    Setup {
        redeemers,
        admin,
        people,
        street,
        east,
        item,
    }
}

/// `REDEMPTIONS` redemptions of one item by `WORKERS` concurrent tasks.
async fn redeem_through_app(app: &App, s: &Setup) -> Duration {
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let app = app.clone();
        let actors: Vec<Actor> = s.redeemers.iter().skip(w).step_by(WORKERS).cloned().collect();
        let item = s.item;
        set.spawn(async move {
            for k in 0..REDEMPTIONS / WORKERS {
                app.redeem(&actors[k % actors.len()], item, None).await.unwrap();
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    start.elapsed()
}

/// The same writes in the raw: stock compare-and-set, debit compare-and-set, credit, entry.
async fn raw_redeem(db: &Db, s: &Setup, person: i64) {
    let mut tx: Tx = db.write().await.unwrap();
    let n = on!(&mut tx, |c| sqlx::query(
        "UPDATE store_items SET stock = stock - 1 WHERE id = $1 AND stock > 0"
    )
    .bind(s.item)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    assert_eq!(n, 1);
    let from: i64 = on!(&mut tx, |c| sqlx::query_scalar(
        "SELECT id FROM points_accounts WHERE person_id = $1 AND kind = 'grid'"
    )
    .bind(person)
    .fetch_one(c)
    .await)
    .unwrap();
    let to: i64 = on!(&mut tx, |c| {
        sqlx::query_scalar(
        "SELECT id FROM points_accounts WHERE street_id = $2 AND holder_id = $1 AND kind = 'store' AND currency = 'grid_points'"
    )
    .bind(s.east)
    .bind(s.street)
    .fetch_one(c)
    .await
    })
    .unwrap();
    let (first, second, d1, d2) = if from < to {
        (from, to, -1i64, 1i64)
    } else {
        (to, from, 1, -1)
    };
    for (id, d) in [(first, d1), (second, d2)] {
        on!(&mut tx, |c| sqlx::query(
            "UPDATE points_accounts SET balance = balance + $1 WHERE id = $2 AND balance + $1 >= 0"
        )
        .bind(d)
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))
        .unwrap();
    }
    on!(&mut tx, |c| sqlx::query(
        "INSERT INTO points_entries (street_id, community_id, currency, from_account_id, to_account_id, amount, reason, note, at) VALUES ($1, $2, 'grid_points', $3, $4, 1, 'redeem', 'raw', $5)"
    )
    .bind(s.street)
    .bind(s.east)
    .bind(from)
    .bind(to)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))
    .unwrap();
    tx.commit().await.unwrap();
}

async fn redeem_raw(db: &Db, s: &Setup) -> Duration {
    let start = Instant::now();
    let mut set = tokio::task::JoinSet::new();
    for w in 0..WORKERS {
        let db = db.clone();
        let people: Vec<i64> = s.people[..REDEEMERS].iter().skip(w).step_by(WORKERS).copied().collect();
        let setup = Setup {
            redeemers: Vec::new(),
            admin: s.admin.clone(),
            people: Vec::new(),
            street: s.street,
            east: s.east,
            item: s.item,
        };
        set.spawn(async move {
            for k in 0..REDEMPTIONS / WORKERS {
                raw_redeem(&db, &setup, people[k % people.len()]).await;
            }
        });
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    start.elapsed()
}

async fn statements_through_app(app: &App, s: &Setup, period: Period) -> Duration {
    let start = Instant::now();
    for p in &s.people {
        let st = app.person_statement(&s.admin, *p, period).await.unwrap();
        assert!(st.accounts[1].lines.len() >= 5);
    }
    start.elapsed()
}

async fn statements_raw(db: &Db, s: &Setup, period: Period) -> Duration {
    let start = Instant::now();
    for p in &s.people {
        let mut tx = db.read().await.unwrap();
        let ids: Vec<i64> = on!(&mut tx, |c| sqlx::query_scalar(
            "SELECT id FROM points_accounts WHERE person_id = $1"
        )
        .bind(*p)
        .fetch_all(c)
        .await)
        .unwrap();
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let sql = format!(
            "SELECT e.id, e.amount, e.at FROM points_entries e WHERE (e.to_account_id IN ({list}) OR e.from_account_id IN ({list})) \
             AND e.at >= $1 AND e.at < $2 ORDER BY e.at"
        );
        let rows: Vec<(i64, i64, i64)> = on!(&mut tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
            .bind(period.start_ms())
            .bind(period.end_ms())
            .fetch_all(c)
            .await)
        .unwrap();
        assert!(rows.len() >= 5);
    }
    start.elapsed()
}

fn per_second(n: usize, d: Duration) -> String {
    format!("{:.0}/s", n as f64 / d.as_secs_f64())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    println!("| backend | measurement | ours (use case) | raw database |");
    println!("|---|---|---|---|");
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let Some(t) = spawn_app(backend).await else { continue };
        let started = Instant::now();
        let s = setup(&t).await;
        eprintln!("{backend:?}: setup {:.1} s", started.elapsed().as_secs_f64());
        let name = format!("{backend:?}");
        let ours = redeem_through_app(&t.app, &s).await;
        let raw = redeem_raw(&t.app.db, &s).await;
        println!(
            "| {name} | {REDEMPTIONS} redemptions of one item, {WORKERS} concurrent | {} ({:.2} s) | {} ({:.2} s) |",
            per_second(REDEMPTIONS, ours),
            ours.as_secs_f64(),
            per_second(REDEMPTIONS, raw),
            raw.as_secs_f64()
        );
        let check = t.app.ledger_check(&s.admin, s.street).await.unwrap();
        assert!(check.mismatches.is_empty(), "{:?}", check.mismatches);
        let period = Period::containing(PeriodKind::Month, chrono::Utc::now().date_naive());
        let mut times = Vec::new();
        for _ in 0..5 {
            let start = Instant::now();
            t.app.community_statement(&s.admin, s.east, period).await.unwrap();
            times.push(start.elapsed());
        }
        times.sort();
        println!(
            "| {name} | monthly statement of the community ({} entries in the month) | {:.1} ms (median of 5) | — |",
            PEOPLE * 5 + REDEMPTIONS * 2 + REDEEMERS,
            times[2].as_secs_f64() * 1000.0
        );
        let ours = statements_through_app(&t.app, &s, period).await;
        let raw = statements_raw(&t.app.db, &s, period).await;
        println!(
            "| {name} | monthly statements of all {PEOPLE} people, one after another | {:.2} s ({}) | {:.2} s ({}) |",
            ours.as_secs_f64(),
            per_second(PEOPLE, ours),
            raw.as_secs_f64(),
            per_second(PEOPLE, raw)
        );
    }
}
