//! Versioned migrations for both backends, embedded in the binary. Our own small runner rather
//! than `sqlx::migrate!`, which would pull in sqlx's macro crate and compile both drivers twice.

use crate::db::{Db, Tx, now_ms};
use crate::error::Result;
use crate::on;

pub const MIGRATIONS_SQLITE: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/sqlite/0001_foundation.sql")),
    (
        2,
        "participation",
        include_str!("../migrations/sqlite/0002_participation.sql"),
    ),
    (
        3,
        "partition_proposals",
        include_str!("../migrations/sqlite/0003_partition_proposals.sql"),
    ),
    (4, "cases", include_str!("../migrations/sqlite/0004_cases.sql")),
    (5, "council", include_str!("../migrations/sqlite/0005_council.sql")),
    (6, "open311", include_str!("../migrations/sqlite/0006_open311.sql")),
    (7, "team_claims", include_str!("../migrations/sqlite/0007_team_claims.sql")),
    (
        8,
        "user_person_index",
        include_str!("../migrations/sqlite/0008_user_person_index.sql"),
    ),
    (
        9,
        "honour_selections",
        include_str!("../migrations/sqlite/0009_honour_selections.sql"),
    ),
    (
        11,
        "acceptance_photos",
        include_str!("../migrations/sqlite/0011_acceptance_photos.sql"),
    ),
];
pub const MIGRATIONS_POSTGRES: &[(i64, &str, &str)] = &[
    (1, "foundation", include_str!("../migrations/postgres/0001_foundation.sql")),
    (
        2,
        "participation",
        include_str!("../migrations/postgres/0002_participation.sql"),
    ),
    (
        3,
        "partition_proposals",
        include_str!("../migrations/postgres/0003_partition_proposals.sql"),
    ),
    (4, "cases", include_str!("../migrations/postgres/0004_cases.sql")),
    (5, "council", include_str!("../migrations/postgres/0005_council.sql")),
    (6, "open311", include_str!("../migrations/postgres/0006_open311.sql")),
    (7, "team_claims", include_str!("../migrations/postgres/0007_team_claims.sql")),
    (
        8,
        "user_person_index",
        include_str!("../migrations/postgres/0008_user_person_index.sql"),
    ),
    (
        9,
        "honour_selections",
        include_str!("../migrations/postgres/0009_honour_selections.sql"),
    ),
    (
        11,
        "acceptance_photos",
        include_str!("../migrations/postgres/0011_acceptance_photos.sql"),
    ),
];

impl Db {
    /// Applies every migration not yet applied, each in its own transaction; returns how many ran.
    pub async fn migrate(&self) -> Result<usize> {
        let set = match self {
            Db::Sqlite(_) => MIGRATIONS_SQLITE,
            Db::Postgres(_) => MIGRATIONS_POSTGRES,
        };
        let mut tx = self.write().await?;
        on!(&mut tx, |c| {
            sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
        )
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
        tx.commit().await?;
        let mut ran = 0;
        for (version, name, sql) in set {
            let mut tx = self.write().await?;
            if applied(&mut tx, *version).await? {
                continue;
            }
            // Two instances starting together on PostgreSQL both see the version missing; the
            // primary key on schema_migrations makes the second one fail and roll back.
            on!(&mut tx, |c| sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
                .execute(c)
                .await
                .map(|r| r.rows_affected()))?;
            on!(&mut tx, |c| sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)"
            )
            .bind(version)
            .bind(*name)
            .bind(now_ms())
            .execute(c)
            .await
            .map(|r| r.rows_affected()))?;
            tx.commit().await?;
            ran += 1;
        }
        Ok(ran)
    }
}

async fn applied(tx: &mut Tx, version: i64) -> Result<bool> {
    let n: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM schema_migrations WHERE version = $1"
    )
    .bind(version)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}
