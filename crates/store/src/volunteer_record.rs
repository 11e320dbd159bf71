//! The volunteer record in SQL: a person's evaluated claims with what their award credited, and
//! the person's other credited awards. Whether an entry was reversed is read from the ledger
//! (a correction names the entry it reverses), so the record follows every correction.

use onegrid_domain::volunteer::record::{AwardLine, Credit, ServiceLine, Span, day_of, settle};

use crate::error::Result;
use crate::points::fetch_mapped;
use crate::{Tx, on};

/// Evaluated claims of the person whose task started in the span, oldest first.
pub async fn service_lines(tx: &mut Tx, person_id: i64, span: &Span) -> Result<Vec<ServiceLine>> {
    Ok(fetch_mapped!(
        tx,
        sqlx::query(
            "SELECT c.id, c.task_id, t.title, t.place, t.starts_at, t.ends_at, c.checked_in_at, c.checked_out_at, c.rating, tm.name, \
             a.status, a.currency, a.amount, a.minutes, a.entry_id, a.hours_entry_id, \
             (SELECT COUNT(*) FROM points_entries r WHERE r.reverses_id = a.entry_id), \
             (SELECT COUNT(*) FROM points_entries r WHERE r.reverses_id = a.hours_entry_id) \
             FROM volunteer_claims c JOIN volunteer_tasks t ON t.id = c.task_id \
             LEFT JOIN teams tm ON tm.id = c.team_id LEFT JOIN points_awards a ON a.id = c.award_id \
             WHERE c.person_id = $1 AND c.status = 'evaluated' AND t.starts_at >= $2 AND t.starts_at < $3 \
             ORDER BY t.starts_at, c.id"
        )
        .bind(person_id)
        .bind(span.start_ms)
        .bind(span.end_ms),
        |r| {
            let starts_at: i64 = r.try_get(4usize)?;
            let credit = |amount: Option<i64>, entry: Option<i64>, reversals: i64| Credit {
                amount: amount.unwrap_or(0),
                posted: entry.is_some(),
                reversed: reversals > 0,
            };
            let s = settle(
                credit(r.try_get(12usize)?, r.try_get(14usize)?, r.try_get(16usize)?),
                credit(r.try_get(13usize)?, r.try_get(15usize)?, r.try_get(17usize)?),
            );
            ServiceLine {
                claim_id: r.try_get(0usize)?,
                task_id: r.try_get(1usize)?,
                title: r.try_get(2usize)?,
                place: r.try_get(3usize)?,
                date: day_of(starts_at),
                starts_at,
                ends_at: r.try_get(5usize)?,
                checked_in_at: r.try_get(6usize)?,
                checked_out_at: r.try_get(7usize)?,
                rating: r.try_get(8usize)?,
                team_name: r.try_get(9usize)?,
                award_status: r.try_get(10usize)?,
                currency: r.try_get(11usize)?,
                minutes: s.minutes,
                points: s.points,
                corrected: s.corrected,
                withdrawn: s.withdrawn,
            }
        }
    )?)
}

/// Credited awards of the person not made for a volunteer claim, by activity day in the span.
pub async fn award_lines(tx: &mut Tx, person_id: i64, span: &Span) -> Result<Vec<AwardLine>> {
    type Row = (
        i64,
        String,
        String,
        String,
        String,
        i64,
        i64,
        Option<i64>,
        Option<i64>,
        i64,
        i64,
    );
    let rows: Vec<Row> = on!(tx, |c| sqlx::query_as(
        "SELECT a.id, a.activity_on, a.category, a.note, a.currency, a.amount, a.minutes, a.entry_id, a.hours_entry_id, \
         (SELECT COUNT(*) FROM points_entries r WHERE r.reverses_id = a.entry_id), \
         (SELECT COUNT(*) FROM points_entries r WHERE r.reverses_id = a.hours_entry_id) \
         FROM points_awards a WHERE a.person_id = $1 AND a.status = 'credited' \
         AND (a.source_kind IS NULL OR a.source_kind <> 'volunteer_claim') AND a.activity_on >= $2 AND a.activity_on < $3 \
         ORDER BY a.activity_on, a.id"
    )
    .bind(person_id)
    .bind(&span.start_day)
    .bind(&span.end_day)
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = settle(
                Credit {
                    amount: r.5,
                    posted: r.7.is_some(),
                    reversed: r.9 > 0,
                },
                Credit {
                    amount: r.6,
                    posted: r.8.is_some(),
                    reversed: r.10 > 0,
                },
            );
            AwardLine {
                award_id: r.0,
                date: r.1,
                category: r.2,
                note: r.3,
                currency: r.4,
                points: s.points,
                minutes: s.minutes,
                corrected: s.corrected,
                withdrawn: s.withdrawn,
            }
        })
        .collect())
}
