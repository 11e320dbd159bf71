//! P4: honour lists, public: display names and figures only; and the street's honour policy
//! (the star building-group thresholds).

use onegrid_domain::points::{HonourPolicy, Period, PeriodKind};
use onegrid_store::points::honour::{self, BuildingGroup, Volunteer};
use onegrid_store::{Tx, territory};
use serde::Serialize;

use crate::{Actor, App, AppError};

pub const HONOUR_POLICY_KEY: &str = "honour_policy";

#[derive(Debug, Clone, Serialize)]
pub struct Honours {
    pub period: PeriodKind,
    pub label: String,
    pub start: chrono::NaiveDate,
    pub end: chrono::NaiveDate,
    pub street_id: i64,
    pub community_id: Option<i64>,
    /// Top volunteers.
    pub items: Vec<Volunteer>,
    /// Star building groups.
    pub building_groups: Vec<BuildingGroup>,
}

pub(crate) async fn honour_policy_in(tx: &mut Tx, street_id: i64) -> Result<HonourPolicy, AppError> {
    crate::street_settings::load(tx, street_id, HONOUR_POLICY_KEY).await
}

/// The street a public page is about: the one asked for, the community's, or the only one.
pub(crate) async fn public_street(tx: &mut Tx, street_id: Option<i64>, community_id: Option<i64>) -> Result<i64, AppError> {
    let street_id = match (street_id, community_id) {
        (Some(s), _) => territory::street(tx, s).await?.id,
        (None, Some(c)) => territory::area(tx, c).await?.street_id,
        (None, None) => {
            let streets = territory::streets(tx).await?;
            match streets.as_slice() {
                [only] => only.id,
                [] => return Err(AppError::NotFound),
                _ => return Err(AppError::field("street_id", "is required: there are several streets")),
            }
        }
    };
    if let Some(c) = community_id {
        let a = territory::area(tx, c).await?;
        if a.level != "community" || a.street_id != street_id {
            return Err(AppError::NotFound);
        }
    }
    Ok(street_id)
}

impl App {
    /// The lists of one period; the street is the only one when there is one.
    pub async fn honours(&self, street_id: Option<i64>, community_id: Option<i64>, period: Period) -> Result<Honours, AppError> {
        let mut tx = self.db.read().await?;
        let street_id = public_street(&mut tx, street_id, community_id).await?;
        let policy = honour_policy_in(&mut tx, street_id).await?;
        let (from, to) = (period.start_ms(), period.end_ms());
        Ok(Honours {
            period: period.kind,
            label: period.label(),
            start: period.start,
            end: period.end,
            street_id,
            community_id,
            items: honour::volunteers(&mut tx, street_id, community_id, from, to, 20).await?,
            building_groups: honour::building_groups(&mut tx, street_id, community_id, from, to, 10, &policy).await?,
        })
    }

    /// The honour policy of a street, for anyone signed in there.
    pub async fn honour_policy(&self, actor: &Actor, street_id: i64) -> Result<HonourPolicy, AppError> {
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.read().await?;
        territory::street(&mut tx, street_id).await?;
        honour_policy_in(&mut tx, street_id).await
    }

    /// Street administrators set their street's star building-group thresholds.
    pub async fn set_honour_policy(&self, actor: &Actor, street_id: i64, policy: &HonourPolicy) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        policy.check()?;
        self.save_street_setting(actor, street_id, HONOUR_POLICY_KEY, "set_honour_policy", policy)
            .await
    }
}
