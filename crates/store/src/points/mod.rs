//! P1 in SQL: accounts and append-only entries. A balance is cached on the account row and
//! changes only in the statement pair that appends an entry; the debit is a compare-and-set
//! (`balance >= amount` unless the account issues), so no person or store goes below zero even
//! when transactions race on PostgreSQL. `check` recomputes every balance from the entries.

/// Runs a query and builds each row by column index with `r.try_get(i)`: sqlx decodes tuples of
/// at most 16 columns, and awards, entries and claims have more.
macro_rules! fetch_mapped {
    ($tx:expr, $q:expr, |$r:ident| $body:expr) => {
        $crate::on!($tx, |c| {
            #[allow(unused_imports)]
            use sqlx::Row as _;
            match $q.fetch_all(c).await {
                Ok(rows) => rows
                    .iter()
                    .map(|$r| -> std::result::Result<_, sqlx::Error> { Ok($body) })
                    .collect::<std::result::Result<Vec<_>, sqlx::Error>>(),
                Err(e) => Err(e),
            }
        })
    };
}
pub(crate) use fetch_mapped;

pub mod award;
pub mod honour;
pub mod selection;
pub mod statement;
pub mod store;

use onegrid_domain::people::UnitPath;
use onegrid_domain::points::{Account, AccountKind, Currency, Holder, Movement, Reason};
use serde::Serialize;

use crate::error::Result;
use crate::{Tx, now_ms, on};

/// Where a person belongs for participation (scope checks, their community's store and tasks):
/// their household if they have one, else their first active post.
pub async fn person_place(tx: &mut Tx, person_id: i64, today: &str) -> Result<Option<UnitPath>> {
    type PathRow = (i64, Option<i64>, Option<i64>, Option<i64>, Option<i64>);
    let home: Option<PathRow> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT h.street_id, h.community_id, h.grid_id, h.micro_grid_id, h.building_id FROM people p JOIN households h ON h.id = p.household_id WHERE p.id = $1"
    )
    .bind(person_id)
    .fetch_optional(c)
    .await
    })?;
    let row = match home {
        Some(r) => Some(r),
        None => on!(tx, |c| sqlx::query_as(
            "SELECT street_id, community_id, grid_id, micro_grid_id, building_id FROM posts \
             WHERE person_id = $1 AND starts_on <= $2 AND (ends_on IS NULL OR ends_on >= $2) ORDER BY id LIMIT 1"
        )
        .bind(person_id)
        .bind(today)
        .fetch_optional(c)
        .await)?,
    };
    Ok(row.map(|r| UnitPath {
        street_id: r.0,
        community_id: r.1,
        grid_id: r.2,
        micro_grid_id: r.3,
        building_id: r.4,
    }))
}

/// The id of the account, created on first use. Racing creators both end with the one row:
/// the loser's insert does nothing and the select finds the winner's.
pub async fn account_id(tx: &mut Tx, street_id: i64, a: &Account) -> Result<i64> {
    // Almost always the account exists: one indexed read.
    if let Some(id) = find_account(tx, street_id, a).await? {
        return Ok(id);
    }
    let (person_id, community_id) = match a.holder {
        Holder::Person(p) => (Some(p), None),
        Holder::Community(c) => (None, Some(c)),
    };
    on!(tx, |c| sqlx::query(
        "INSERT INTO points_accounts (street_id, kind, currency, holder_id, person_id, community_id, balance, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7) ON CONFLICT (street_id, holder_id, kind, currency) DO NOTHING"
    )
    .bind(street_id)
    .bind(a.kind.as_str())
    .bind(a.currency.as_str())
    .bind(a.holder.id())
    .bind(person_id)
    .bind(community_id)
    .bind(now_ms())
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    find_account(tx, street_id, a).await?.ok_or(crate::StoreError::NotFound)
}

async fn find_account(tx: &mut Tx, street_id: i64, a: &Account) -> Result<Option<i64>> {
    Ok(on!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM points_accounts WHERE street_id = $4 AND holder_id = $3 AND kind = $1 AND currency = $2"
    )
    .bind(a.kind.as_str())
    .bind(a.currency.as_str())
    .bind(a.holder.id())
    .bind(street_id)
    .fetch_optional(c)
    .await)?)
}

/// A person's balance in each currency (absent currencies are 0).
pub async fn person_balances(tx: &mut Tx, person_id: i64) -> Result<Vec<(Currency, i64)>> {
    let rows: Vec<(String, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT currency, balance FROM points_accounts WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_all(c)
    .await)?;
    Ok(Currency::ALL
        .into_iter()
        .map(|cur| (cur, rows.iter().find(|(c, _)| c == cur.as_str()).map(|r| r.1).unwrap_or(0)))
        .collect())
}

/// Everything an entry records besides its movement.
#[derive(Debug, Clone, Default)]
pub struct EntryInfo<'a> {
    pub community_id: Option<i64>,
    pub rule: Option<&'a str>,
    pub note: &'a str,
    pub source: Option<(&'a str, i64)>,
    pub reverses: Option<i64>,
    pub registered_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub second_approved_by: Option<i64>,
    /// When the movement happened; now when absent (the demo loader writes a year of history).
    pub at: Option<i64>,
}

/// Appends one entry and moves the cached balances with it; `None`, with no balance changed,
/// when the payer cannot pay. The two account rows are
/// updated in id order, so concurrent movements never wait on each other in a cycle.
/// The caller has checked the movement (`Movement::check`).
pub async fn post(tx: &mut Tx, street_id: i64, m: &Movement, info: &EntryInfo<'_>) -> Result<Option<i64>> {
    debug_assert!(m.check().is_ok());
    let from = account_id(tx, street_id, &m.from).await?;
    let to = account_id(tx, street_id, &m.to).await?;
    let paid = if from < to {
        let paid = debit(tx, from, m.amount).await?;
        if paid {
            credit(tx, to, m.amount).await?;
        }
        paid
    } else {
        credit(tx, to, m.amount).await?;
        let paid = debit(tx, from, m.amount).await?;
        if !paid {
            credit(tx, to, -m.amount).await?;
        }
        paid
    };
    if !paid {
        return Ok(None);
    }
    let id: i64 = on!(tx, |c| sqlx::query_scalar(
        "INSERT INTO points_entries (street_id, community_id, currency, from_account_id, to_account_id, amount, reason, rule, note, \
         source_kind, source_id, reverses_id, registered_by, approved_by, second_approved_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id"
    )
    .bind(street_id)
    .bind(info.community_id)
    .bind(m.currency().as_str())
    .bind(from)
    .bind(to)
    .bind(m.amount)
    .bind(m.reason.as_str())
    .bind(info.rule)
    .bind(info.note)
    .bind(info.source.map(|s| s.0))
    .bind(info.source.map(|s| s.1))
    .bind(info.reverses)
    .bind(info.registered_by)
    .bind(info.approved_by)
    .bind(info.second_approved_by)
    .bind(info.at.unwrap_or_else(now_ms))
    .fetch_one(c)
    .await)
    .map_err(crate::StoreError::from_write)?;
    Ok(Some(id))
}

/// Takes `amount` from the account unless it would go below zero (issuing accounts may).
async fn debit(tx: &mut Tx, account: i64, amount: i64) -> Result<bool> {
    let n = on!(tx, |c| sqlx::query(
        "UPDATE points_accounts SET balance = balance - $1 WHERE id = $2 AND (kind = 'issuing' OR balance >= $1)"
    )
    .bind(amount)
    .bind(account)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

async fn credit(tx: &mut Tx, account: i64, amount: i64) -> Result<()> {
    on!(tx, |c| sqlx::query(
        "UPDATE points_accounts SET balance = balance + $1 WHERE id = $2"
    )
    .bind(amount)
    .bind(account)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// One entry as stored, with both accounts spelled out.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub street_id: i64,
    pub community_id: Option<i64>,
    pub movement: Movement,
    pub rule: Option<String>,
    pub note: String,
    pub source_kind: Option<String>,
    pub source_id: Option<i64>,
    pub reverses_id: Option<i64>,
    pub reversed_by: Option<i64>,
    pub registered_by: Option<i64>,
    pub approved_by: Option<i64>,
    pub second_approved_by: Option<i64>,
    pub at: i64,
}

pub(crate) const ENTRY: &str = "SELECT e.id, e.street_id, e.community_id, e.currency, fa.kind, fa.holder_id, ta.kind, ta.holder_id, e.amount, e.reason, \
    e.rule, e.note, e.source_kind, e.source_id, e.reverses_id, (SELECT r.id FROM points_entries r WHERE r.reverses_id = e.id), \
    e.registered_by, e.approved_by, e.second_approved_by, e.at \
    FROM points_entries e JOIN points_accounts fa ON fa.id = e.from_account_id JOIN points_accounts ta ON ta.id = e.to_account_id";

fn account_of(kind: &str, holder: i64, currency: Currency) -> Account {
    let kind = AccountKind::parse(kind).unwrap_or(AccountKind::Issuing);
    let holder = if kind.is_personal() {
        Holder::Person(holder)
    } else {
        Holder::Community(holder)
    };
    Account { kind, holder, currency }
}

/// Entries selected with `ENTRY` and a tail (`WHERE …`, `ORDER BY …`) binding `binds` in order.
pub(crate) async fn entries_where(tx: &mut Tx, tail: &str, binds: &[i64]) -> Result<Vec<Entry>> {
    let sql = format!("{ENTRY} {tail}");
    let rows = fetch_mapped!(
        tx,
        binds
            .iter()
            .fold(sqlx::query(sqlx::AssertSqlSafe(sql.clone())), |q, b| q.bind(*b)),
        |r| {
            let currency: String = r.try_get(3usize)?;
            let currency = Currency::parse(&currency).unwrap_or(Currency::GridPoints);
            let (fk, fh, tk, th, reason): (String, i64, String, i64, String) = (
                r.try_get(4usize)?,
                r.try_get(5usize)?,
                r.try_get(6usize)?,
                r.try_get(7usize)?,
                r.try_get(9usize)?,
            );
            Entry {
                id: r.try_get(0usize)?,
                street_id: r.try_get(1usize)?,
                community_id: r.try_get(2usize)?,
                movement: Movement {
                    from: account_of(&fk, fh, currency),
                    to: account_of(&tk, th, currency),
                    amount: r.try_get(8usize)?,
                    reason: Reason::parse(&reason).unwrap_or(Reason::Correction),
                },
                rule: r.try_get(10usize)?,
                note: r.try_get(11usize)?,
                source_kind: r.try_get(12usize)?,
                source_id: r.try_get(13usize)?,
                reverses_id: r.try_get(14usize)?,
                reversed_by: r.try_get(15usize)?,
                registered_by: r.try_get(16usize)?,
                approved_by: r.try_get(17usize)?,
                second_approved_by: r.try_get(18usize)?,
                at: r.try_get(19usize)?,
            }
        }
    )?;
    Ok(rows)
}

pub async fn entry(tx: &mut Tx, id: i64) -> Result<Entry> {
    entries_where(tx, "WHERE e.id = $1", &[id])
        .await?
        .pop()
        .ok_or(crate::StoreError::NotFound)
}

/// A mismatch found by `check`: an account whose cached balance is not the sum of its entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mismatch {
    pub account_id: i64,
    pub cached: i64,
    pub derived: i64,
}

/// The ledger check: every cached balance against the sum of its entries, and the total of each
/// currency (zero under double entry). Returns the mismatches and the totals.
pub async fn check(tx: &mut Tx, street_id: i64) -> Result<(Vec<Mismatch>, Vec<(String, i64)>)> {
    let rows: Vec<(i64, i64, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT a.id, a.balance, CAST(\
         COALESCE((SELECT SUM(amount) FROM points_entries WHERE to_account_id = a.id), 0) \
         - COALESCE((SELECT SUM(amount) FROM points_entries WHERE from_account_id = a.id), 0) AS BIGINT) \
         FROM points_accounts a WHERE a.street_id = $1 ORDER BY a.id"
    )
    .bind(street_id)
    .fetch_all(c)
    .await)?;
    let mismatches = rows
        .iter()
        .filter(|r| r.1 != r.2)
        .map(|r| Mismatch {
            account_id: r.0,
            cached: r.1,
            derived: r.2,
        })
        .collect();
    let totals: Vec<(String, i64)> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT currency, CAST(COALESCE(SUM(balance), 0) AS BIGINT) FROM points_accounts WHERE street_id = $1 GROUP BY currency ORDER BY currency"
    )
    .bind(street_id)
    .fetch_all(c)
    .await
    })?;
    Ok((mismatches, totals))
}

/// A personal points account that holds points, with what was credited to it since a cutoff
/// and the community its latest credit was booked to (where expired points return).
#[derive(Debug, Clone)]
pub struct ExpiryCandidate {
    pub person_id: i64,
    pub currency: Currency,
    pub balance: i64,
    pub credited_since: i64,
    pub community_id: Option<i64>,
}

pub async fn expiry_candidates(tx: &mut Tx, street_id: i64, since_ms: i64) -> Result<Vec<ExpiryCandidate>> {
    let rows: Vec<(i64, String, i64, i64, Option<i64>)> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT a.person_id, a.currency, a.balance, \
         CAST(COALESCE((SELECT SUM(e.amount) FROM points_entries e WHERE e.to_account_id = a.id AND e.at >= $2), 0) AS BIGINT), \
         (SELECT e.community_id FROM points_entries e WHERE e.to_account_id = a.id AND e.community_id IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1) \
         FROM points_accounts a WHERE a.street_id = $1 AND a.kind IN ('work', 'grid') AND a.balance > 0 ORDER BY a.id"
    )
    .bind(street_id)
    .bind(since_ms)
    .fetch_all(c)
    .await
    })?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(ExpiryCandidate {
                person_id: r.0,
                currency: Currency::parse(&r.1)?,
                balance: r.2,
                credited_since: r.3,
                community_id: r.4,
            })
        })
        .collect())
}
