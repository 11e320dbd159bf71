//! P5 volunteer record over the API: a person's certified service for a year (`?year=2024`) or
//! over all time.

use axum::Json;
use axum::extract::{Path, Query, State};
use onegrid_app::AppError;
use serde_json::{Value, json};

use super::query::Params;
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// `year` from the query: absent or empty for all time; anything but a whole number is refused
/// by name (the year's range is the use case's rule).
pub fn year_param(q: &Params) -> Result<Option<i32>, AppError> {
    match q.get("year").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i32>()
            .map(Some)
            .map_err(|_| AppError::field("year", "must be a year such as 2024")),
    }
}

/// `GET /api/v1/people/{id}/volunteer-record[?year=YYYY]`
pub async fn of_person(
    State(state): State<AppState>,
    session: MaybeSession,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let year = year_param(&q)?;
    Ok(Json(json!(state.app.volunteer_record(&s.actor, id, year).await?)))
}

/// `GET /api/v1/volunteer-record/me[?year=YYYY]`
pub async fn mine(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let year = year_param(&q)?;
    Ok(Json(json!(state.app.my_volunteer_record(&s.actor, year).await?)))
}
