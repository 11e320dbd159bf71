//! Multi-row inserts: one statement per chunk instead of one round trip per row, which is what
//! makes loading a street of 40,000 rows take a second on PostgreSQL too.

use crate::error::{Result, StoreError};
use crate::value::Value;
use crate::{Tx, bind_all, on};

/// Inserts `rows` into `table`. Table and column names are our own constants, never user input.
pub async fn insert_rows(tx: &mut Tx, table: &str, columns: &[&str], rows: &[Vec<Value>]) -> Result<()> {
    // SQLite allows 32,766 parameters per statement; stay well below for both backends.
    let per_chunk = (8_000 / columns.len()).max(1);
    for chunk in rows.chunks(per_chunk) {
        let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            debug_assert_eq!(row.len(), columns.len());
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..row.len() {
                n += 1;
                sql.push_str(&if j == 0 { format!("${n}") } else { format!(", ${n}") });
            }
            sql.push(')');
        }
        let values = chunk.iter().flatten();
        on!(tx, |c| bind_all!(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), values)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .map_err(StoreError::from_write)?;
    }
    Ok(())
}
