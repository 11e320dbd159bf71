//! D1: the SQLite and PostgreSQL migrations produce the same tables and columns.

use onegrid_store::{Backend, Db};
use onegrid_testkit::fresh_db;

async fn columns(db: &Db) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = match db {
        Db::Sqlite(p) => {
            let tables: Vec<(String,)> =
                sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                    .fetch_all(p)
                    .await
                    .unwrap();
            let mut v = Vec::new();
            for (t,) in tables {
                let cols: Vec<(String,)> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT name FROM pragma_table_info('{t}')")))
                        .fetch_all(p)
                        .await
                        .unwrap();
                v.extend(cols.into_iter().map(|(c,)| (t.clone(), c)));
            }
            v
        }
        Db::Postgres(p) => sqlx::query_as(
            "SELECT table_name::text, column_name::text FROM information_schema.columns WHERE table_schema = 'public'",
        )
        .fetch_all(p)
        .await
        .unwrap(),
    };
    out.sort();
    out
}

#[tokio::test]
async fn d1_both_migration_sets_give_the_same_schema() {
    let (sqlite, _dir) = fresh_db(Backend::Sqlite).await.unwrap();
    let Some((pg, _)) = fresh_db(Backend::Postgres).await else {
        return;
    };
    let (a, b) = (columns(&sqlite).await, columns(&pg).await);
    assert!(a.len() > 50);
    assert_eq!(a, b);
    // Every table that holds a street's data carries street_id (D3).
    let tables: std::collections::BTreeSet<&String> = a.iter().map(|(t, _)| t).collect();
    for t in tables {
        if [
            "streets",
            "schema_migrations",
            "sessions",
            "api_tokens",
            "login_failures",
            "users",
            "audit_events",
        ]
        .contains(&t.as_str())
        {
            continue;
        }
        assert!(a.contains(&(t.clone(), "street_id".to_string())), "{t} lacks street_id");
    }
    // Migrating again changes nothing.
    assert_eq!(sqlite.migrate().await.unwrap(), 0);
    assert_eq!(pg.migrate().await.unwrap(), 0);
}
