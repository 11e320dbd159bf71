//! P3 in SQL: the catalogue and the redemptions. Stock moves only by compare-and-set, so
//! concurrent redemptions of the last piece cannot both take it.

use onegrid_domain::points::store::NewItem;
use serde::Serialize;

use crate::error::{Result, StoreError};
use crate::{Tx, now_ms, on};

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub kind: String,
    pub name: String,
    pub description: String,
    pub currency: String,
    pub price: i64,
    pub stock: i64,
    pub per_person_limit: i64,
    pub venue: Option<String>,
    pub slot_starts_at: Option<i64>,
    pub slot_ends_at: Option<i64>,
    pub opens_at: Option<i64>,
    pub closes_at: Option<i64>,
    pub active: bool,
    pub created_at: i64,
}

const ITEM: &str = "SELECT id, street_id, community_id, kind, name, description, currency, price, stock, per_person_limit, venue, \
    slot_starts_at, slot_ends_at, opens_at, closes_at, active, created_at FROM store_items";

async fn items_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Item>> {
    let sql = format!("{ITEM} {tail}");
    Ok(fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| Item {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            community_id: r.try_get(2usize)?,
            kind: r.try_get(3usize)?,
            name: r.try_get(4usize)?,
            description: r.try_get(5usize)?,
            currency: r.try_get(6usize)?,
            price: r.try_get(7usize)?,
            stock: r.try_get(8usize)?,
            per_person_limit: r.try_get(9usize)?,
            venue: r.try_get(10usize)?,
            slot_starts_at: r.try_get(11usize)?,
            slot_ends_at: r.try_get(12usize)?,
            opens_at: r.try_get(13usize)?,
            closes_at: r.try_get(14usize)?,
            active: r.try_get(15usize)?,
            created_at: r.try_get(16usize)?,
        }
    )?)
}

pub async fn insert_item(tx: &mut Tx, street_id: i64, community_id: i64, i: &NewItem, created_by: i64) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO store_items (street_id, community_id, kind, name, description, currency, price, stock, per_person_limit, venue, \
         slot_starts_at, slot_ends_at, opens_at, closes_at, active, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id"
    )
    .bind(street_id)
    .bind(community_id)
    .bind(i.kind.as_str())
    .bind(i.name.trim())
    .bind(i.description.trim())
    .bind(i.currency.as_str())
    .bind(i.price)
    .bind(i.stock)
    .bind(i.per_person_limit)
    .bind(i.venue.as_deref().map(str::trim))
    .bind(i.slot_starts_at)
    .bind(i.slot_ends_at)
    .bind(i.opens_at)
    .bind(i.closes_at)
    .bind(true)
    .bind(created_by)
    .bind(now_ms())
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn item(tx: &mut Tx, id: i64) -> Result<Item> {
    items_where(tx, "WHERE id = $1", &[id])
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

/// The catalogue of a community, active items first, then by name.
pub async fn items_of_community(tx: &mut Tx, community_id: i64, only_active: bool) -> Result<Vec<Item>> {
    let tail = if only_active {
        "WHERE community_id = $1 AND active ORDER BY kind, name, id"
    } else {
        "WHERE community_id = $1 ORDER BY active DESC, kind, name, id"
    };
    items_where(tx, tail, &[community_id]).await
}

pub async fn items_of_street(tx: &mut Tx, street_id: i64) -> Result<Vec<Item>> {
    items_where(
        tx,
        "WHERE street_id = $1 ORDER BY community_id, active DESC, kind, name, id",
        &[street_id],
    )
    .await
}

/// Takes one piece if any is left; the row stays locked (PostgreSQL) until the transaction ends,
/// which serialises redemptions of one item.
pub async fn take_one(tx: &mut Tx, item_id: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE store_items SET stock = stock - 1 WHERE id = $1 AND stock > 0"
    )
    .bind(item_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn add_stock(tx: &mut Tx, item_id: i64, n: i64) -> Result<()> {
    on!(tx, |c| sqlx::query("UPDATE store_items SET stock = stock + $2 WHERE id = $1")
        .bind(item_id)
        .bind(n)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The terms staff may change after an item is created: price, per-person limit and the item's
/// own opening window (a price change applies to later redemptions only; each keeps its own).
pub async fn set_terms(
    tx: &mut Tx,
    item_id: i64,
    price: i64,
    per_person_limit: i64,
    opens_at: Option<i64>,
    closes_at: Option<i64>,
) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "UPDATE store_items SET price = $2, per_person_limit = $3, opens_at = $4, closes_at = $5 WHERE id = $1"
    )
    .bind(item_id)
    .bind(price)
    .bind(per_person_limit)
    .bind(opens_at)
    .bind(closes_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn set_active(tx: &mut Tx, item_id: i64, active: bool) -> Result<()> {
    on!(tx, |c| sqlx::query("UPDATE store_items SET active = $2 WHERE id = $1")
        .bind(item_id)
        .bind(active)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Redemptions of the item by the person that are not cancelled.
pub async fn live_count(tx: &mut Tx, item_id: i64, person_id: i64) -> Result<i64> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM store_redemptions WHERE item_id = $1 AND person_id = $2 AND status <> 'cancelled'"
    )
    .bind(item_id)
    .bind(person_id)
    .fetch_one(c)
    .await)?)
}

#[derive(Debug, Clone, Serialize)]
pub struct Redemption {
    pub id: i64,
    pub street_id: i64,
    pub community_id: i64,
    pub item_id: i64,
    pub item_name: String,
    pub item_kind: String,
    pub person_id: i64,
    /// So staff at the counter can see whose voucher it is.
    pub person_name: String,
    pub price: i64,
    pub currency: String,
    pub voucher: String,
    pub status: String,
    pub entry_id: i64,
    pub refund_entry_id: Option<i64>,
    pub created_at: i64,
    pub closed_at: Option<i64>,
    pub slot_starts_at: Option<i64>,
}

const REDEMPTION: &str = "SELECT r.id, r.street_id, r.community_id, r.item_id, i.name, i.kind, r.person_id, r.price, r.currency, r.voucher, \
    r.status, r.entry_id, r.refund_entry_id, r.created_at, r.closed_at, i.slot_starts_at, p.name \
    FROM store_redemptions r JOIN store_items i ON i.id = r.item_id JOIN people p ON p.id = r.person_id";

async fn redemptions_where(tx: &mut Tx, tail: &str, bind: Bind<'_>) -> Result<Vec<Redemption>> {
    let sql = format!("{REDEMPTION} {tail}");
    Ok(fetch_mapped!(
        tx,
        match bind {
            Bind::Id(v) => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(v),
            Bind::Text(v) => sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(v.to_string()),
        },
        |r| Redemption {
            id: r.try_get(0usize)?,
            street_id: r.try_get(1usize)?,
            community_id: r.try_get(2usize)?,
            item_id: r.try_get(3usize)?,
            item_name: r.try_get(4usize)?,
            item_kind: r.try_get(5usize)?,
            person_id: r.try_get(6usize)?,
            price: r.try_get(7usize)?,
            currency: r.try_get(8usize)?,
            voucher: r.try_get(9usize)?,
            status: r.try_get(10usize)?,
            entry_id: r.try_get(11usize)?,
            refund_entry_id: r.try_get(12usize)?,
            created_at: r.try_get(13usize)?,
            closed_at: r.try_get(14usize)?,
            slot_starts_at: r.try_get(15usize)?,
            person_name: r.try_get(16usize)?,
        }
    )?)
}

#[derive(Clone, Copy)]
enum Bind<'a> {
    Id(i64),
    Text(&'a str),
}

pub struct NewRedemption<'a> {
    pub street_id: i64,
    pub community_id: i64,
    pub item_id: i64,
    pub person_id: i64,
    pub price: i64,
    pub currency: &'a str,
    pub voucher: &'a str,
    pub entry_id: i64,
    pub created_by: i64,
    pub created_at: i64,
}

/// `Conflict` when the voucher code is taken (the caller draws another).
pub async fn insert_redemption(tx: &mut Tx, r: NewRedemption<'_>) -> Result<i64> {
    on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO store_redemptions (street_id, community_id, item_id, person_id, price, currency, voucher, status, entry_id, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'issued', $8, $9, $10) RETURNING id"
    )
    .bind(r.street_id)
    .bind(r.community_id)
    .bind(r.item_id)
    .bind(r.person_id)
    .bind(r.price)
    .bind(r.currency)
    .bind(r.voucher)
    .bind(r.entry_id)
    .bind(r.created_by)
    .bind(r.created_at)
    .fetch_one(c)
    .await)
    .map_err(StoreError::from_write)
}

pub async fn voucher_taken(tx: &mut Tx, voucher: &str) -> Result<bool> {
    let n: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM store_redemptions WHERE voucher = $1"
    )
    .bind(voucher)
    .fetch_one(c)
    .await)?;
    Ok(n > 0)
}

pub async fn redemption(tx: &mut Tx, id: i64) -> Result<Redemption> {
    redemptions_where(tx, "WHERE r.id = $1", Bind::Id(id))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn redemption_by_voucher(tx: &mut Tx, voucher: &str) -> Result<Redemption> {
    redemptions_where(tx, "WHERE r.voucher = $1", Bind::Text(voucher))
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}

pub async fn redemptions_of_person(tx: &mut Tx, person_id: i64) -> Result<Vec<Redemption>> {
    redemptions_where(tx, "WHERE r.person_id = $1 ORDER BY r.id DESC LIMIT 200", Bind::Id(person_id)).await
}

/// The latest redemptions of an item (a page for the counter, not an archive).
pub async fn redemptions_of_item(tx: &mut Tx, item_id: i64) -> Result<Vec<Redemption>> {
    redemptions_where(tx, "WHERE r.item_id = $1 ORDER BY r.id DESC LIMIT 500", Bind::Id(item_id)).await
}

/// Issued → used or cancelled; false when it was no longer issued.
pub async fn close_redemption(tx: &mut Tx, id: i64, status: &str, by: i64, refund_entry_id: Option<i64>) -> Result<bool> {
    let n = on!(tx, |c| {
        sqlx::query(
        "UPDATE store_redemptions SET status = $2, closed_by = $3, closed_at = $4, refund_entry_id = $5 WHERE id = $1 AND status = 'issued'"
    )
    .bind(id)
    .bind(status)
    .bind(by)
    .bind(now_ms())
    .bind(refund_entry_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
