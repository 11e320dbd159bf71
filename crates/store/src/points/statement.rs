//! P2 "monthly statistics": a person's statement (opening balance, every entry, closing balance
//! per currency) and a community's totals by currency, reason and rule for a period.

use onegrid_domain::points::Currency;
use serde::Serialize;

use super::{Entry, entries_where};
use crate::error::Result;
use crate::{Tx, on};

#[derive(Debug, Clone, Serialize)]
pub struct AccountStatement {
    pub currency: Currency,
    pub opening: i64,
    pub credits: i64,
    pub debits: i64,
    pub closing: i64,
    /// Entries of the period, oldest first; `amount` is signed from the person's side.
    pub lines: Vec<Line>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub amount: i64,
    pub entry: Entry,
}

/// `[start_ms, end_ms)`.
pub async fn person(tx: &mut Tx, person_id: i64, start_ms: i64, end_ms: i64) -> Result<Vec<AccountStatement>> {
    let opening: Vec<(String, i64)> = on!(tx, |c| {
        sqlx::query_as(
        "SELECT a.currency, CAST(COALESCE((SELECT SUM(e.amount) FROM points_entries e WHERE e.to_account_id = a.id AND e.at < $2), 0) \
         - COALESCE((SELECT SUM(e.amount) FROM points_entries e WHERE e.from_account_id = a.id AND e.at < $2), 0) AS BIGINT) \
         FROM points_accounts a WHERE a.person_id = $1"
    )
    .bind(person_id)
    .bind(start_ms)
    .fetch_all(c)
    .await
    })?;
    let ids: Vec<i64> = on!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM points_accounts WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_all(c)
    .await)?;
    let entries = if ids.is_empty() {
        Vec::new()
    } else {
        // Account ids come from our own database; as a literal list each side of the OR uses its
        // (account, at) index on both databases.
        let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        entries_where(tx, &format!("WHERE (e.to_account_id IN ({list}) OR e.from_account_id IN ({list})) AND e.at >= $1 AND e.at < $2 ORDER BY e.at, e.id"), &[start_ms, end_ms])
            .await?
    };
    Ok(Currency::ALL
        .into_iter()
        .map(|currency| {
            let opening = opening.iter().find(|(c, _)| c == currency.as_str()).map(|r| r.1).unwrap_or(0);
            let lines: Vec<Line> = entries
                .iter()
                .filter(|e| e.movement.currency() == currency)
                .map(|e| {
                    let incoming = e.movement.to.holder == onegrid_domain::points::Holder::Person(person_id)
                        && e.movement.to.kind.is_personal();
                    Line {
                        amount: if incoming { e.movement.amount } else { -e.movement.amount },
                        entry: e.clone(),
                    }
                })
                .collect();
            let credits = lines.iter().filter(|l| l.amount > 0).map(|l| l.amount).sum();
            let debits = -lines.iter().filter(|l| l.amount < 0).map(|l| l.amount).sum::<i64>();
            AccountStatement {
                currency,
                opening,
                credits,
                debits,
                closing: opening + credits - debits,
                lines,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunityLine {
    pub currency: String,
    pub reason: String,
    pub rule: Option<String>,
    pub entries: i64,
    pub amount: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunityStatement {
    pub lines: Vec<CommunityLine>,
    /// People who received an award in the period.
    pub people_credited: i64,
    /// Awards of the community still waiting for review.
    pub pending_awards: i64,
}

pub async fn community(tx: &mut Tx, community_id: i64, start_ms: i64, end_ms: i64) -> Result<CommunityStatement> {
    let rows: Vec<(String, String, Option<String>, i64, i64)> = on!(tx, |c| sqlx::query_as(
        "SELECT currency, reason, rule, COUNT(*), CAST(SUM(amount) AS BIGINT) FROM points_entries \
         WHERE community_id = $1 AND at >= $2 AND at < $3 GROUP BY currency, reason, rule ORDER BY currency, reason, rule"
    )
    .bind(community_id)
    .bind(start_ms)
    .bind(end_ms)
    .fetch_all(c)
    .await)?;
    let people_credited: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(DISTINCT ta.person_id) FROM points_entries e JOIN points_accounts ta ON ta.id = e.to_account_id \
         WHERE e.community_id = $1 AND e.reason = 'award' AND e.at >= $2 AND e.at < $3"
    )
    .bind(community_id)
    .bind(start_ms)
    .bind(end_ms)
    .fetch_one(c)
    .await)?;
    let pending_awards: i64 = on!(tx, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM points_awards WHERE community_id = $1 AND status IN ('registered', 'first_approval')"
    )
    .bind(community_id)
    .fetch_one(c)
    .await)?;
    Ok(CommunityStatement {
        lines: rows
            .into_iter()
            .map(|r| CommunityLine {
                currency: r.0,
                reason: r.1,
                rule: r.2,
                entries: r.3,
                amount: r.4,
            })
            .collect(),
        people_credited,
        pending_awards,
    })
}
