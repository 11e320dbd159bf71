//! What the staff forms share: reading an optional number, and the street an administrator
//! works on.

use onegrid_app::AppError;

use crate::auth::Session;
use crate::state::AppState;

/// A whole number from a form field; a blank field is absent, anything else is the field's error.
pub fn optional_int(name: &str, value: &str) -> Result<Option<i64>, AppError> {
    match value.trim() {
        "" => Ok(None),
        v => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field(name, "must be a whole number")),
    }
}

/// The street the admin works on: their own, or the first for a superuser without one.
pub async fn admin_street(state: &AppState, s: &Session) -> Result<i64, AppError> {
    match s.actor.home_street() {
        Some(id) => Ok(id),
        None => state.app.street_ids().await?.first().copied().ok_or(AppError::NotFound),
    }
}
