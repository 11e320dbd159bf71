//! Case handling over the API (issue 3): intake (`201`, or `200` replaying an `Idempotency-Key`),
//! one case and its steps, work lists, the reporter's private link, categories and departments.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use onegrid_app::case::{ActInput, CaseListQuery, Intake, ReporterKey, Source};
use serde_json::{Value, json};

use super::points::{created, csrf, id_param, json_body};
use super::query::{Params, int};
use crate::auth::{MaybeSession, same_origin};
use crate::error::ApiResult;
use crate::state::AppState;

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim().to_string()))
            .map_err(|_| AppError::field("Idempotency-Key", "must be visible ASCII")),
    }
}

/// `POST /api/v1/cases`: signed in (resident, field, hotline, import) or not (a resident's
/// public report). `201` with the case and its private `token`; `200` when an
/// `Idempotency-Key` was seen before (the first case, no token).
pub async fn create(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let input: Intake =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a case report: {e}")))?;
    let key = idempotency_key(&headers)?;
    let r = match &session.0 {
        Some(s) => {
            csrf(&headers, s)?;
            state.app.report_case(Source::User(&s.actor), &input, key.as_deref()).await?
        }
        None => {
            same_origin(&headers)?;
            state.app.report_case(Source::Public, &input, key.as_deref()).await?
        }
    };
    let status = if r.replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(json!(r))).into_response())
}

/// `GET /api/v1/cases?status=&category=&from=&to=&page=&per_page=`: cases in the user's scope.
pub async fn list(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let query = CaseListQuery {
        status: q.get("status").cloned(),
        category: q.get("category").cloned(),
        from: id_param(&q, "from")?,
        to: id_param(&q, "to")?,
        page: Some(int(&q, "page", 1, 1, 1_000_000)?),
        per_page: Some(int(&q, "per_page", 50, 1, 500)?),
    };
    Ok(Json(json!({"items": state.app.search_cases(&s.actor, &query).await?})))
}

/// `GET /api/v1/cases/mine?page=&per_page=`: the user's work list, overdue first.
pub async fn mine(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let page = int(&q, "page", 1, 1, 1_000_000)?;
    let per = int(&q, "per_page", 50, 1, 500)?;
    Ok(Json(json!(state.app.my_cases(&s.actor, Some(page), Some(per)).await?)))
}

/// `GET /api/v1/cases/reported`: the cases the signed-in resident reported.
pub async fn reported(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!({"items": state.app.reported_by_me(&s.actor).await?})))
}

/// `GET /api/v1/cases/weekly?community_id=&day=YYYY-MM-DD`: the weekly case meeting list (C11).
pub async fn weekly(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let community = id_param(&q, "community_id")?.ok_or_else(|| AppError::field("community_id", "is required"))?;
    let day = match q.get("day").map(|d| d.trim()).filter(|d| !d.is_empty()) {
        None => None,
        Some(d) => Some(
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| AppError::field("day", "must be a date YYYY-MM-DD"))?,
        ),
    };
    Ok(Json(json!(state.app.weekly_cases(&s.actor, community, day).await?)))
}

/// `GET /api/v1/cases/ratings?days=30`: the reporters' satisfaction in the user's scope (C6).
pub async fn ratings(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let days = int(&q, "days", 30, 1, 3660)?;
    Ok(Json(json!(state.app.case_ratings(&s.actor, days).await?)))
}

/// `GET /api/v1/cases/{id}`
pub async fn get(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.case(&s.actor, id).await?)))
}

/// `POST /api/v1/cases/{id}/actions` with `{"action": "dispatch", "to": {…}, …}`.
pub async fn act(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let input: ActInput =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a case step: {e}")))?;
    Ok(Json(json!(state.app.act_on_case(&s.actor, id, &input).await?)))
}

/// `GET /api/v1/track/{token}`: the reporter's view by private link (no sign-in).
pub async fn track(State(state): State<AppState>, Path(token): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(json!(state.app.tracked_case(ReporterKey::Token(&token)).await?)))
}

/// `POST /api/v1/track/{token}/actions`: the reporter rates (`{"action": "rate", "rating": 5}`)
/// or reopens (`{"action": "reopen", "reason": …}`).
pub async fn track_act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    same_origin(&headers)?;
    let input: ActInput =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a case step: {e}")))?;
    Ok(Json(json!(
        state.app.act_as_reporter(ReporterKey::Token(&token), &input).await?
    )))
}

fn street_param(state_streets: &[i64], q: &Params, s: Option<&crate::auth::Session>) -> Result<i64, AppError> {
    if let Some(id) = id_param(q, "street_id")? {
        return Ok(id);
    }
    if let Some(h) = s.and_then(|s| s.actor.home_street()) {
        return Ok(h);
    }
    match state_streets {
        [one] => Ok(*one),
        _ => Err(AppError::field("street_id", "is required: there are several streets")),
    }
}

/// `GET /api/v1/case-categories[?street_id=]`: the category tree (public: the report form needs it).
pub async fn categories(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let streets = state.app.street_ids().await?;
    let street = street_param(&streets, &q, session.0.as_ref())?;
    Ok(Json(json!({"items": state.app.case_categories(street).await?})))
}

/// `PUT /api/v1/case-categories/{code}[?street_id=]`: a street admin edits one category (C2).
pub async fn edit_category(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let streets = state.app.street_ids().await?;
    let street = street_param(&streets, &q, Some(&s))?;
    let edit = json_body(&body)?;
    Ok(Json(json!(
        state.app.edit_case_category(&s.actor, street, &code, &edit).await?
    )))
}

/// `GET /api/v1/departments[?street_id=]`
pub async fn departments(
    State(state): State<AppState>,
    session: MaybeSession,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let streets = state.app.street_ids().await?;
    let street = street_param(&streets, &q, Some(&s))?;
    Ok(Json(json!({"items": state.app.departments(&s.actor, street).await?})))
}

/// `POST /api/v1/departments/{id}/members` with `{"person_id": …}`: a street admin adds a person
/// to a department (department staff and specialists work its cases).
pub async fn add_member(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let v: Value = json_body(&body)?;
    let person = v
        .get("person_id")
        .and_then(Value::as_i64)
        .ok_or_else(|| AppError::field("person_id", "is required and must be a whole number"))?;
    state.app.add_department_member(&s.actor, id, person).await?;
    Ok(created(json!({"department_id": id, "person_id": person})))
}

/// `POST /api/v1/cases/import` with a CSV file as the body (`text/csv`): one case per row, each
/// through intake; a per-row report. Importing the same file again adds nothing (`external_id`).
pub async fn import(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.import_cases(&s.actor, &body).await?)))
}

/// `GET /api/v1/case-categories/suggest?text=…[&street_id=][&k=3]`: categories for a description,
/// learnt from closed cases, with their confidence (C10). Public: the report form asks it.
pub async fn suggest(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let streets = state.app.street_ids().await?;
    let street = street_param(&streets, &q, session.0.as_ref())?;
    let text = q.get("text").map(|t| t.trim()).unwrap_or_default();
    let k = int(&q, "k", 3, 1, 10)? as usize;
    Ok(Json(json!({"items": state.app.suggest_category(street, text, k).await?})))
}
