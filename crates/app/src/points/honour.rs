//! P4: honour lists, public: display names and figures only.

use onegrid_domain::points::{Period, PeriodKind};
use onegrid_store::points::honour::{self, BuildingGroup, Volunteer};
use onegrid_store::territory;
use serde::Serialize;

use crate::{App, AppError};

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

impl App {
    /// The lists of one period; the street is the only one when there is one.
    pub async fn honours(&self, street_id: Option<i64>, community_id: Option<i64>, period: Period) -> Result<Honours, AppError> {
        let mut tx = self.db.read().await?;
        let street_id = match (street_id, community_id) {
            (Some(s), _) => territory::street(&mut tx, s).await?.id,
            (None, Some(c)) => territory::area(&mut tx, c).await?.street_id,
            (None, None) => {
                let streets = territory::streets(&mut tx).await?;
                match streets.as_slice() {
                    [only] => only.id,
                    [] => return Err(AppError::NotFound),
                    _ => return Err(AppError::field("street_id", "is required: there are several streets")),
                }
            }
        };
        if let Some(c) = community_id {
            let a = territory::area(&mut tx, c).await?;
            if a.level != "community" || a.street_id != street_id {
                return Err(AppError::NotFound);
            }
        }
        let (from, to) = (period.start_ms(), period.end_ms());
        Ok(Honours {
            period: period.kind,
            label: period.label(),
            start: period.start,
            end: period.end,
            street_id,
            community_id,
            items: honour::volunteers(&mut tx, street_id, community_id, from, to, 20).await?,
            building_groups: honour::building_groups(&mut tx, street_id, community_id, from, to, 10).await?,
        })
    }
}
