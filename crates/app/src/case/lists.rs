//! Work lists (issue item 10): "my cases" by urgency with counts for the navigation, the weekly
//! case meeting list of a community (C11), a filtered search for staff, the reporter's own
//! cases, and the ratings staff see (C6).

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use onegrid_domain::case::CaseStatus;
use onegrid_domain::people::{Permission, Role, Scope};
use onegrid_domain::territory::Level;
use onegrid_store::case::lists::{self, Filter, RatingSummary, Units};
use onegrid_store::case::{CaseRow, catalogue};
use onegrid_store::{Tx, now_ms};
use serde::{Deserialize, Serialize};

use super::settings;
use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct MyCases {
    pub items: Vec<CaseRow>,
    pub total: i64,
    pub overdue: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Weekly {
    pub community_id: i64,
    pub week_start: String,
    pub items: Vec<CaseRow>,
    /// Received during the week.
    pub received: Vec<CaseRow>,
    /// Open and overdue, escalated, reworked or reopened.
    pub attention: Vec<CaseRow>,
}

/// Query of the staff case list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CaseListQuery {
    pub status: Option<String>,
    pub category: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

/// The units the actor works for, by tier (C3).
async fn units(tx: &mut Tx, actor: &Actor) -> Result<Units, AppError> {
    let mut u = Units::default();
    if actor.user.superuser {
        u.streets = actor.all_streets.clone();
    }
    for g in &actor.grants {
        if !g.role.allows(Permission::HandleCases) {
            continue;
        }
        match (g.role, g.level) {
            (Role::DepartmentStaff | Role::Specialist, _) => {}
            (_, Level::Street) => u.streets.push(g.unit_id),
            (_, Level::Community) => u.communities.push(g.unit_id),
            (_, Level::Grid) => u.grids.push(g.unit_id),
            _ => {}
        }
    }
    if actor
        .grants
        .iter()
        .any(|g| matches!(g.role, Role::DepartmentStaff | Role::Specialist))
    {
        u.departments = super::departments_of(tx, actor).await?;
    }
    Ok(u)
}

fn page(p: Option<i64>, per: Option<i64>) -> Result<(i64, i64), AppError> {
    let page = p.unwrap_or(1);
    let per = per.unwrap_or(50);
    if page < 1 {
        return Err(AppError::field("page", "must be 1 or more"));
    }
    if !(1..=500).contains(&per) {
        return Err(AppError::field("per_page", "must be between 1 and 500"));
    }
    Ok((page, per))
}

impl App {
    /// The actor's work list: open cases whose move is theirs, overdue first.
    pub async fn my_cases(&self, actor: &Actor, p: Option<i64>, per: Option<i64>) -> Result<MyCases, AppError> {
        actor.require(Permission::HandleCases)?;
        let (page, per_page) = page(p, per)?;
        let mut tx = self.db.read().await?;
        let u = units(&mut tx, actor).await?;
        let items = lists::my_cases(&mut tx, &u, per_page, (page - 1) * per_page).await?;
        let (total, overdue) = lists::my_counts(&mut tx, &u, now_ms()).await?;
        Ok(MyCases {
            items,
            total,
            overdue,
            page,
            per_page,
        })
    }

    /// (open, overdue) counts for the navigation; zeros for users who handle no cases.
    pub async fn my_case_counts(&self, actor: &Actor) -> Result<(i64, i64), AppError> {
        if !actor.can(Permission::HandleCases) {
            return Ok((0, 0));
        }
        let mut tx = self.db.read().await?;
        let u = units(&mut tx, actor).await?;
        Ok(lists::my_counts(&mut tx, &u, now_ms()).await?)
    }

    /// The weekly case meeting list of a community (C11) for the week containing `day` (local
    /// calendar of the street; Monday first).
    pub async fn weekly_cases(&self, actor: &Actor, community_id: i64, day: Option<NaiveDate>) -> Result<Weekly, AppError> {
        actor.require(Permission::HandleCases)?;
        let mut tx = self.db.read().await?;
        let area = onegrid_store::territory::area(&mut tx, community_id).await?;
        if area.level != "community" {
            return Err(AppError::NotFound);
        }
        actor.require_in(Permission::HandleCases, &area.path())?;
        let s = settings::load(&mut tx, area.street_id).await?;
        let offset = s.calendar.offset();
        let today = day.unwrap_or_else(|| Utc::now().with_timezone(&offset).date_naive());
        let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
        let start = offset
            .from_local_datetime(&monday.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or(0, |t| t.timestamp_millis());
        let end = start + 7 * 86_400_000;
        let (received, attention) = lists::weekly(&mut tx, community_id, start, end, now_ms()).await?;
        // `items`: every case on the agenda once, the ones needing attention first.
        let mut items = attention.clone();
        items.extend(received.iter().filter(|c| !attention.iter().any(|a| a.id == c.id)).cloned());
        Ok(Weekly {
            community_id,
            week_start: monday.to_string(),
            items,
            received,
            attention,
        })
    }

    /// Cases in the actor's scope, filtered, newest first.
    pub async fn search_cases(&self, actor: &Actor, q: &CaseListQuery) -> Result<Vec<CaseRow>, AppError> {
        actor.require(Permission::HandleCases)?;
        let (page, per_page) = page(q.page, q.per_page)?;
        let mut f = Filter {
            limit: per_page,
            offset: (page - 1) * per_page,
            from: q.from,
            to: q.to,
            ..Filter::default()
        };
        if let Some(s) = q.status.as_deref().filter(|s| !s.is_empty()) {
            for part in s.split(',') {
                let st = CaseStatus::parse(part.trim())
                    .ok_or_else(|| AppError::field("status", format!("{part:?} is not a case status")))?;
                f.statuses.push(st.as_str().to_string());
            }
        }
        let mut tx = self.db.read().await?;
        if let Some(c) = q.category.as_deref().filter(|s| !s.is_empty()) {
            let known = match actor.home_street() {
                Some(street) => catalogue::categories(&mut tx, street)
                    .await?
                    .iter()
                    .any(|r| r.category.code == c),
                None => false,
            };
            if !known {
                return Err(AppError::field("category", "is not a category"));
            }
            f.categories.push(c.to_string());
        }
        let scope: Scope = actor.scope(Permission::HandleCases);
        Ok(lists::search(&mut tx, Some(&scope), &f).await?)
    }

    /// The cases a resident reported from their account.
    pub async fn reported_by_me(&self, actor: &Actor) -> Result<Vec<CaseRow>, AppError> {
        let mut tx = self.db.read().await?;
        let f = Filter {
            reporter_user_id: Some(actor.user.id),
            limit: 100,
            ..Filter::default()
        };
        Ok(lists::search(&mut tx, None, &f).await?)
    }

    /// The signed-in resident's reports as they may see them (C6): number, category, status
    /// and dates, newest first; nothing of the handling staff.
    pub async fn my_reports(&self, actor: &Actor) -> Result<Vec<MyReport>, AppError> {
        Ok(self
            .reported_by_me(actor)
            .await?
            .into_iter()
            .map(|c| MyReport {
                id: c.id,
                number: super::number(&c),
                category_code: c.category_code,
                description: c.description,
                status: c.state.status,
                received_at: c.received_at,
                rating: c.state.rating,
            })
            .collect())
    }

    /// Satisfaction over the last `days` days in the actor's scope (C6).
    pub async fn case_ratings(&self, actor: &Actor, days: i64) -> Result<RatingSummary, AppError> {
        actor.require(Permission::HandleCases)?;
        if !(1..=3660).contains(&days) {
            return Err(AppError::field("days", "must be between 1 and 3660"));
        }
        let mut tx = self.db.read().await?;
        Ok(lists::ratings(&mut tx, &actor.scope(Permission::HandleCases), now_ms() - days * 86_400_000).await?)
    }
}

/// One of a resident's own reports, as their list shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MyReport {
    pub id: i64,
    pub number: String,
    pub category_code: String,
    pub description: String,
    pub status: onegrid_domain::case::CaseStatus,
    pub received_at: i64,
    pub rating: Option<u8>,
}
