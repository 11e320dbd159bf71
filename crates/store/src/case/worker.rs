//! C5, D2: claiming work for the background worker. A claimed row is locked until the claiming
//! transaction ends: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets a second process take other
//! rows instead of waiting; on SQLite the write transaction (`BEGIN IMMEDIATE`) already keeps
//! every other writer out. Either way the change itself is compare-and-set on the version, so
//! a step can never be recorded twice.

use super::{CaseRow, cases_where};
use crate::error::Result;
use crate::{Backend, Tx};

/// Up to `limit` cases whose next deadline check is due at `now`, locked for this transaction.
pub async fn claim_due(tx: &mut Tx, now: i64, limit: i64) -> Result<Vec<CaseRow>> {
    let lock = if tx.backend() == Backend::Postgres {
        " FOR UPDATE SKIP LOCKED"
    } else {
        ""
    };
    cases_where(
        tx,
        &format!("WHERE next_check_at <= $1 ORDER BY next_check_at, id LIMIT $2{lock}"),
        &[now, limit],
    )
    .await
}
