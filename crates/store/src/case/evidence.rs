//! C7: attachment records. The bytes are on disk under their SHA-256 (the app writes them); a
//! row says what they are (sniffed), who sent them and which case (or project acceptance, P6)
//! they belong to.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Attachment {
    pub id: i64,
    pub street_id: i64,
    pub case_id: Option<i64>,
    /// The council project acceptance (P6) whose photo this is.
    pub acceptance_id: Option<i64>,
    pub purpose: String,
    pub sha256: String,
    pub mime: String,
    pub bytes: i64,
    pub name: String,
    pub uploaded_by: Option<i64>,
    pub uploaded_at: i64,
}

pub struct NewAttachment<'a> {
    pub street_id: i64,
    pub case_id: Option<i64>,
    pub purpose: &'a str,
    pub sha256: &'a str,
    pub mime: &'a str,
    pub bytes: i64,
    pub name: &'a str,
    pub uploaded_by: Option<i64>,
}

pub async fn insert(tx: &mut Tx, a: &NewAttachment<'_>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO attachments (street_id, case_id, purpose, sha256, mime, bytes, name, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id"
    )
    .bind(a.street_id)
    .bind(a.case_id)
    .bind(a.purpose)
    .bind(a.sha256)
    .bind(a.mime)
    .bind(a.bytes)
    .bind(a.name)
    .bind(a.uploaded_by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

type Row = (
    i64,
    i64,
    Option<i64>,
    Option<i64>,
    String,
    String,
    String,
    i64,
    String,
    Option<i64>,
    i64,
);

fn from_row(r: Row) -> Attachment {
    Attachment {
        id: r.0,
        street_id: r.1,
        case_id: r.2,
        acceptance_id: r.3,
        purpose: r.4,
        sha256: r.5,
        mime: r.6,
        bytes: r.7,
        name: r.8,
        uploaded_by: r.9,
        uploaded_at: r.10,
    }
}

const SELECT: &str =
    "SELECT id, street_id, case_id, acceptance_id, purpose, sha256, mime, bytes, name, uploaded_by, uploaded_at FROM attachments";

pub async fn get(tx: &mut Tx, id: i64) -> Result<Attachment> {
    let r = on!(tx, |c| sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE id = $1"
    )))
    .bind(id)
    .fetch_optional(c)
    .await)?;
    r.map(from_row).ok_or(StoreError::NotFound)
}

pub async fn of_case(tx: &mut Tx, case_id: i64) -> Result<Vec<Attachment>> {
    let rows = on!(tx, |c| sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE case_id = $1 ORDER BY id"
    )))
    .bind(case_id)
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Ties uploaded, still unattached files to a case; `false` if any id is not such a file of
/// this street.
pub async fn attach(tx: &mut Tx, street_id: i64, case_id: i64, ids: &[i64], purpose: &str) -> Result<bool> {
    for id in ids {
        let n = on!(tx, |c| {
            sqlx::query(
            "UPDATE attachments SET case_id = $1, purpose = $2 WHERE id = $3 AND street_id = $4 AND case_id IS NULL AND acceptance_id IS NULL"
        )
        .bind(case_id)
        .bind(purpose)
        .bind(*id)
        .bind(street_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
        })?;
        if n != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The photos of a project's acceptances, in upload order.
pub async fn of_acceptances(tx: &mut Tx, acceptance_ids: &[i64]) -> Result<Vec<Attachment>> {
    if acceptance_ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = acceptance_ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let rows = on!(tx, |c| sqlx::query_as::<_, Row>(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE acceptance_id IN ({list}) ORDER BY id"
    )))
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Ties files that `uploader` sent and nothing holds yet to a project acceptance; `false` if any
/// id is not such a file of this street.
pub async fn attach_to_acceptance(tx: &mut Tx, street_id: i64, acceptance_id: i64, uploader: i64, ids: &[i64]) -> Result<bool> {
    for id in ids {
        let n = on!(tx, |c| sqlx::query(
            "UPDATE attachments SET acceptance_id = $1, purpose = 'acceptance' WHERE id = $2 AND street_id = $3 \
             AND uploaded_by = $4 AND case_id IS NULL AND acceptance_id IS NULL"
        )
        .bind(acceptance_id)
        .bind(*id)
        .bind(street_id)
        .bind(uploader)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        if n != 1 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Serialises the work on one blob (writing it, or deciding to delete it) across processes:
/// PostgreSQL takes a transaction lock on the hash; SQLite's write transactions are already one
/// at a time.
pub async fn lock_blob(tx: &mut Tx, sha256: &str) -> Result<()> {
    if tx.backend() == crate::Backend::Postgres {
        on!(tx, |c| sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
            .bind(sha256)
            .execute(c)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// Deletes the uploads nothing took that were sent before `before` (epoch ms); returns the
/// hashes of their bytes.
pub async fn delete_unattached_before(tx: &mut Tx, before: i64) -> Result<Vec<String>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "DELETE FROM attachments WHERE case_id IS NULL AND acceptance_id IS NULL AND uploaded_at < $1 RETURNING sha256"
    )
    .bind(before)
    .fetch_all(c)
    .await)?)
}

/// Whether any attachment still points at these bytes.
pub async fn blob_in_use(tx: &mut Tx, sha256: &str) -> Result<bool> {
    let n: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM attachments WHERE sha256 = $1"
    )
    .bind(sha256)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}
