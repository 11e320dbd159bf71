//! R3: accounts, sessions and API tokens (stored as SHA-256 hashes), failed sign-ins.

use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub street_id: Option<i64>,
    pub username: String,
    #[serde(skip)]
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub superuser: bool,
    pub locale: Option<String>,
    pub disabled: bool,
}

const USER: &str = "SELECT id, street_id, username, password_hash, person_id, superuser, locale, disabled FROM users";
type UserRow = (i64, Option<i64>, String, String, Option<i64>, bool, Option<String>, bool);
fn user_row(r: UserRow) -> User {
    User {
        id: r.0,
        street_id: r.1,
        username: r.2,
        password_hash: r.3,
        person_id: r.4,
        superuser: r.5,
        locale: r.6,
        disabled: r.7,
    }
}

pub struct NewUser<'a> {
    pub street_id: Option<i64>,
    pub username: &'a str,
    pub password_hash: &'a str,
    pub person_id: Option<i64>,
    pub superuser: bool,
}

pub async fn insert_user(tx: &mut Tx, u: NewUser<'_>) -> Result<i64> {
    let id: i64 = on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO users (street_id, username, password_hash, person_id, superuser, locale, disabled, created_at) \
         VALUES ($1, $2, $3, $4, $5, NULL, $6, $7) RETURNING id"
    )
    .bind(u.street_id)
    .bind(u.username)
    .bind(u.password_hash)
    .bind(u.person_id)
    .bind(u.superuser)
    .bind(false)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)?;
    Ok(id)
}

pub async fn user(tx: &mut Tx, id: i64) -> Result<User> {
    let row: Option<UserRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!("{USER} WHERE id = $1")))
        .bind(id)
        .fetch_optional(c)
        .await)?;
    row.map(user_row).ok_or(StoreError::NotFound)
}

pub async fn user_by_name(tx: &mut Tx, username: &str) -> Result<Option<User>> {
    let row: Option<UserRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{USER} WHERE username = $1"
    )))
    .bind(username)
    .fetch_optional(c)
    .await)?;
    Ok(row.map(user_row))
}

pub async fn users(tx: &mut Tx) -> Result<Vec<User>> {
    let rows: Vec<UserRow> = on!(tx, |c| sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{USER} ORDER BY username"
    )))
    .fetch_all(c)
    .await)?;
    Ok(rows.into_iter().map(user_row).collect())
}

pub async fn set_password(tx: &mut Tx, user_id: i64, hash: &str) -> Result<()> {
    let done = on!(tx, |c| sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    // A new password ends every open session of the account.
    on!(tx, |c| sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_locale(tx: &mut Tx, user_id: i64, locale: &str) -> Result<()> {
    on!(tx, |c| sqlx::query("UPDATE users SET locale = $1 WHERE id = $2")
        .bind(locale)
        .bind(user_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_session(tx: &mut Tx, token_hash: &str, user_id: i64, csrf: &str, ttl_ms: i64) -> Result<()> {
    let now = now_ms();
    on!(tx, |c| sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(csrf)
    .bind(now)
    .bind(now + ttl_ms)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The user and CSRF token of an unexpired session.
pub async fn session(tx: &mut Tx, token_hash: &str) -> Result<Option<(i64, String)>> {
    Ok(on!(tx, |c| sqlx::query_as(
        "SELECT user_id, csrf_token FROM sessions WHERE token_hash = $1 AND expires_at > $2"
    )
    .bind(token_hash)
    .bind(now_ms())
    .fetch_optional(c)
    .await)?)
}

pub async fn delete_session(tx: &mut Tx, token_hash: &str) -> Result<()> {
    on!(tx, |c| sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn insert_token(tx: &mut Tx, token_hash: &str, user_id: i64, name: &str) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(name)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn token_user(tx: &mut Tx, token_hash: &str) -> Result<Option<i64>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT user_id FROM api_tokens WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(c)
    .await)?)
}

pub async fn record_login_failure(tx: &mut Tx, username: &str) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "INSERT INTO login_failures (username, at) VALUES ($1, $2)"
    )
    .bind(username)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn login_failures_since(tx: &mut Tx, username: &str, since_ms: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2"
    )
    .bind(username)
    .bind(since_ms)
    .fetch_one(c)
    .await)?)
}

pub async fn clear_login_failures(tx: &mut Tx, username: &str) -> Result<()> {
    on!(tx, |c| sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
