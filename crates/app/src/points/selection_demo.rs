//! D4 for P2: every demo community's annual selection of the past year, started from the loaded
//! year of points, with the top candidates honoured as the demo plan says, and published — so
//! the honour roll has its 年度评选 from the first start.

use chrono::{Datelike, TimeZone, Utc};
use onegrid_demo::HonourPlan;
use onegrid_domain::points::selection::{CandidateKind, Choice};
use onegrid_store::points::selection as store;
use onegrid_store::{Tx, accounts, territory};

use super::honour::honour_policy_in;
use super::selection::{choose_in, create_in, publish_in};
use crate::AppError;

/// Loads the selections as the street administrator; `now` fixes which year is the past one.
pub(crate) async fn load(
    tx: &mut Tx,
    street_id: i64,
    plan: &HonourPlan,
    now: i64,
) -> Result<Vec<(&'static str, usize)>, AppError> {
    let admin = accounts::user_by_name(tx, "admin")
        .await?
        .ok_or_else(|| AppError::Internal("demo honours: no admin account".into()))?
        .id;
    let year = Utc.timestamp_millis_opt(now).single().unwrap_or_else(Utc::now).year() - plan.years_back;
    let policy = honour_policy_in(tx, street_id).await?;
    let (mut selections, mut honoured) = (0, 0);
    for community in territory::areas(tx, street_id, "community", None).await? {
        let id = create_in(tx, street_id, community.id, year as i64, &policy, admin, now).await?;
        let candidates = store::candidates(tx, id).await?;
        let mut choices = Vec::new();
        for (kind, n, title, citations) in [
            (
                CandidateKind::Volunteer,
                plan.volunteers,
                plan.volunteer_title,
                &plan.volunteer_citations,
            ),
            (
                CandidateKind::BuildingGroup,
                plan.building_groups,
                plan.building_group_title,
                &plan.building_group_citations,
            ),
        ] {
            let top = candidates.iter().filter(|c| c.kind == kind).take(n);
            for (i, c) in top.enumerate() {
                choices.push(Choice {
                    id: c.id,
                    chosen: true,
                    title: Some(title.to_string()),
                    citation: citations.get(i % citations.len().max(1)).map(|s| s.to_string()),
                });
            }
        }
        // A community without a year of points keeps no empty selection.
        if choices.is_empty() {
            store::delete_draft(tx, id).await?;
            continue;
        }
        choose_in(tx, id, &choices).await?;
        publish_in(tx, id, admin, now).await?;
        selections += 1;
        honoured += choices.len();
    }
    Ok(vec![
        ("honour_selections (published)", selections),
        ("honour_candidates (honoured)", honoured),
    ])
}
