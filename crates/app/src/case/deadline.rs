//! C5, D2: the deadline worker. It takes cases whose next check is due, a batch at a time, each
//! batch in one transaction with the rows locked (`SKIP LOCKED` on PostgreSQL, so a second
//! `serve` process takes other cases), and applies the domain's decisions one at a time: warn,
//! mark overdue, and escalate tier by tier with a `supervise` event by the system. Each change is
//! compare-and-set on the case's version, so a decision can never be recorded twice.

use chrono::{DateTime, Utc};
use onegrid_domain::case::{ActorTier, DeadlineAction, Notice, next_deadline_action};
use onegrid_store::case::{self as store, Holder, worker};
use serde::Serialize;

use super::act::{Extra, apply, tell};
use crate::{App, AppError};

/// What one run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DeadlineRun {
    pub checked: usize,
    pub warned: usize,
    pub overdue: usize,
    pub escalated: usize,
}

impl DeadlineRun {
    fn decisions(&self) -> usize {
        self.warned + self.overdue + self.escalated
    }
}

const BATCH: i64 = 100;

impl App {
    /// Applies every deadline decision due at `now`; returns what it did.
    pub async fn run_deadlines(&self, now: DateTime<Utc>) -> Result<DeadlineRun, AppError> {
        let mut run = DeadlineRun::default();
        loop {
            let mut tx = self.db.write().await?;
            let due = worker::claim_due(&mut tx, now.timestamp_millis(), BATCH).await?;
            if due.is_empty() {
                break;
            }
            let n = due.len();
            let before = run.decisions();
            for c in due {
                self.check_one(&mut tx, c, now, &mut run).await?;
            }
            tx.commit().await?;
            run.checked += n;
            // A full batch that changed nothing would come back unchanged: stop.
            if (n as i64) < BATCH || run.decisions() == before {
                break;
            }
        }
        Ok(run)
    }

    async fn check_one(
        &self,
        tx: &mut onegrid_store::Tx,
        mut c: store::CaseRow,
        now: DateTime<Utc>,
        run: &mut DeadlineRun,
    ) -> Result<(), AppError> {
        let rules = self.street_rules(tx, c.street_id).await?;
        // One decision at a time, re-deciding after each (the domain's contract).
        for _ in 0..8 {
            let Some(clock) = c.clock.clone() else {
                break;
            };
            let Some(decision) = next_deadline_action(&clock, now) else {
                break;
            };
            match &decision {
                DeadlineAction::Notify { notice, to, .. } => {
                    let mut next = clock.clone();
                    next.notice = *notice;
                    let holder = super::holder(&c, &c.state);
                    let saved = store::save(
                        tx,
                        c.id,
                        c.version,
                        store::Saved {
                            state: &c.state,
                            holder,
                            clock: Some(&next),
                            milestone: None,
                            at: now.timestamp_millis(),
                            rating_comment: None,
                            final_reply: None,
                        },
                    )
                    .await?;
                    if !saved {
                        return Ok(());
                    }
                    let (kind, text) = if *notice == Notice::Overdue {
                        run.overdue += 1;
                        ("overdue", "案件已超时 / case overdue")
                    } else {
                        run.warned += 1;
                        ("warning", "案件即将到期 / case due soon")
                    };
                    if let Some(h) = holder.filter(|h| h.tier == *to) {
                        tell(tx, c.street_id, h, c.id, kind, &format!("{text}: {}", c.category_code)).await?;
                    }
                }
                DeadlineAction::Escalate { to, .. } => {
                    let Some(action) = decision.supervise_action() else {
                        break;
                    };
                    let next = match apply(tx, &rules, &c, &action, ActorTier::System, None, now, Extra::default()).await {
                        Ok(next) => next,
                        // Another worker moved the case first: its decision stands.
                        Err(AppError::Refused("stale", _)) => return Ok(()),
                        // The rules refuse the escalation (the case moved on in a way the clock
                        // did not follow): note it and stop checking this step.
                        Err(e @ (AppError::Refused(..) | AppError::Denied(_))) => {
                            tracing::warn!(case = c.id, error = %e, "deadline escalation refused; the step's clock stops");
                            let mut stopped = clock.clone();
                            stopped.notice = Notice::Overdue;
                            stopped.escalate_at.clear();
                            store::save(
                                tx,
                                c.id,
                                c.version,
                                store::Saved {
                                    state: &c.state,
                                    holder: super::holder(&c, &c.state),
                                    clock: Some(&stopped),
                                    milestone: None,
                                    at: now.timestamp_millis(),
                                    rating_comment: None,
                                    final_reply: None,
                                },
                            )
                            .await?;
                            return Ok(());
                        }
                        Err(e) => return Err(e),
                    };
                    run.escalated += 1;
                    let unit = match to {
                        onegrid_domain::case::Tier::Grid => c.grid_id,
                        onegrid_domain::case::Tier::Community => c.community_id,
                        _ => Some(c.street_id),
                    };
                    if let Some(unit) = unit {
                        let h = Holder { tier: *to, unit };
                        tell(
                            tx,
                            c.street_id,
                            h,
                            c.id,
                            "escalated",
                            &format!("案件督办 / case escalated to you: {}", c.category_code),
                        )
                        .await?;
                    }
                    c = next;
                    continue;
                }
            }
            c = store::get(tx, c.id).await?;
        }
        Ok(())
    }
}
