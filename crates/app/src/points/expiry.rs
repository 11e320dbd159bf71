//! P2 (optional): points older than the policy's validity expire, as entries back to the
//! issuing account. Meant for a scheduled job; running it again the same day changes nothing,
//! because the first run brought every balance down to what is still valid.

use onegrid_domain::points::{Account, Movement, Reason, expiry};
use onegrid_store::points::{self as ledger, EntryInfo};
use serde_json::json;

use super::{policy_in, record};
use crate::{App, AppError};

impl App {
    /// Expires what is past its validity in one street; returns the entries written.
    pub async fn expire_points(&self, street_id: i64, today: chrono::NaiveDate) -> Result<usize, AppError> {
        let mut tx = self.db.write().await?;
        let Some(years) = policy_in(&mut tx, street_id).await?.expiry_years else {
            return Ok(0);
        };
        let cutoff = expiry::cutoff(today, years);
        let since = cutoff.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis();
        let mut written = 0;
        for c in ledger::expiry_candidates(&mut tx, street_id, since).await? {
            let amount = expiry::expiring(c.balance, c.credited_since);
            let Some(community_id) = c.community_id.filter(|_| amount > 0) else {
                continue;
            };
            let m = Movement {
                from: Account::personal(c.person_id, c.currency),
                to: Account::issuing(community_id, c.currency),
                amount,
                reason: Reason::Expire,
            };
            m.check()?;
            let note = format!("points credited before {cutoff} expire after {years} year(s)");
            let info = EntryInfo {
                community_id: Some(community_id),
                note: &note,
                ..Default::default()
            };
            if ledger::post(&mut tx, street_id, &m, &info).await?.is_some() {
                written += 1;
            }
        }
        if written > 0 {
            record(
                &mut tx,
                None,
                street_id,
                "expire_points",
                "street",
                street_id,
                json!({"entries": written, "cutoff": cutoff}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(written)
    }
}
