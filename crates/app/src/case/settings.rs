//! The street's case settings (C5, C8): the working calendar the deadlines count in, when to warn
//! and escalate, and how near an open case of the same category must be to be flagged.

use onegrid_domain::case::{DeadlinePolicy, WorkCalendar};
use onegrid_store::Tx;
use serde::{Deserialize, Serialize};

use crate::{Actor, App, AppError};

const KEY: &str = "cases";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseSettings {
    pub calendar: WorkCalendar,
    pub deadlines: DeadlinePolicy,
    /// An open case of the same category within this many metres is flagged at intake (C8).
    pub duplicate_radius_m: f64,
    /// …and received within this many days.
    pub duplicate_window_days: i64,
}

impl Default for CaseSettings {
    fn default() -> Self {
        Self {
            calendar: WorkCalendar::default(),
            deadlines: DeadlinePolicy::default(),
            duplicate_radius_m: 50.0,
            duplicate_window_days: 7,
        }
    }
}

impl CaseSettings {
    fn check(&self) -> Result<(), AppError> {
        let mut fields = Vec::new();
        if let Err(onegrid_domain::DomainError::Invalid(f)) = self.calendar.validate() {
            fields.extend(f);
        }
        if let Err(onegrid_domain::DomainError::Invalid(f)) = self.deadlines.validate() {
            fields.extend(f);
        }
        if !(self.duplicate_radius_m.is_finite() && (0.0..=5000.0).contains(&self.duplicate_radius_m)) {
            fields.push(onegrid_domain::FieldError::new(
                "duplicate_radius_m",
                "must be between 0 and 5000 metres",
            ));
        }
        if !(0..=365).contains(&self.duplicate_window_days) {
            fields.push(onegrid_domain::FieldError::new(
                "duplicate_window_days",
                "must be between 0 and 365",
            ));
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(fields))
        }
    }
}

pub(crate) async fn load(tx: &mut Tx, street_id: i64) -> Result<CaseSettings, AppError> {
    crate::street_settings::load(tx, street_id, KEY).await
}

impl App {
    pub async fn case_settings(&self, street_id: i64) -> Result<CaseSettings, AppError> {
        let mut tx = self.db.read().await?;
        load(&mut tx, street_id).await
    }

    pub async fn set_case_settings(&self, actor: &Actor, street_id: i64, s: &CaseSettings) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        s.check()?;
        self.save_street_setting(actor, street_id, KEY, "set_case_settings", s).await
    }
}
