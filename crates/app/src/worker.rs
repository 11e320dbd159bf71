//! D2: the background worker every `serve` process runs. Each tick applies the deadline
//! decisions that are due (C5) and delivers queued webhooks (A5); once a day it expires points
//! past their validity (P2) and deletes uploads no record took within a day (C7). Work is claimed with row locks, so any number of processes may run
//! it against one PostgreSQL database; an error is logged and retried on the next tick.

use std::time::Duration;

use chrono::{NaiveDate, Utc};

use crate::App;

impl App {
    /// Runs until `stop` resolves.
    pub async fn run_worker(self, every: Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut expired_on: Option<NaiveDate> = None;
        loop {
            tokio::select! {
                _ = &mut stop => return,
                _ = tick.tick() => {}
            }
            match self.run_deadlines(Utc::now()).await {
                Ok(run) if run.checked > 0 => tracing::info!(
                    checked = run.checked,
                    warned = run.warned,
                    overdue = run.overdue,
                    escalated = run.escalated,
                    "deadline run"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "deadline run failed; retrying on the next tick"),
            }
            match self.deliver_webhooks().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(delivered = n, "webhooks delivered"),
                Err(e) => tracing::warn!(error = %e, "webhook delivery failed; retrying on the next tick"),
            }
            let today = Utc::now().date_naive();
            if expired_on != Some(today) {
                expired_on = Some(today);
                self.expire_all_points(today).await;
                let before = onegrid_store::now_ms() - crate::case::evidence::UNATTACHED_KEPT_MS;
                match self.purge_unattached_uploads(before).await {
                    Ok((0, _)) => {}
                    Ok((records, files)) => tracing::info!(records, files, "unattached uploads deleted"),
                    Err(e) => tracing::warn!(error = %e, "deleting unattached uploads failed"),
                }
            }
        }
    }

    async fn expire_all_points(&self, today: NaiveDate) {
        let streets = match self.street_ids().await {
            Ok(s) => s,
            Err(e) => return tracing::warn!(error = %e, "points expiry: cannot list streets"),
        };
        for s in streets {
            match self.expire_points(s, today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(street = s, entries = n, "points expired"),
                Err(e) => tracing::warn!(street = s, error = %e, "points expiry failed"),
            }
        }
    }
}
