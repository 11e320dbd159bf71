//! P1–P2 over the API: the policy, my points, awards (register, approve, reject), corrections,
//! statements and the ledger check. Cookie sessions send `X-CSRF-Token` on writes.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use onegrid_app::points::award::AwardInput;
use onegrid_app::points::period_from;
use onegrid_domain::points::{PeriodKind, PointsPolicy};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::query::{Params, own_street, street_of};
use crate::auth::{MaybeSession, Session, check_csrf};
use crate::error::ApiResult;
use crate::state::AppState;

/// A write by cookie carries the session's CSRF token in `X-CSRF-Token`.
pub(super) fn csrf(headers: &HeaderMap, s: &Session) -> Result<(), AppError> {
    check_csrf(headers, s, headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))
}

/// The signed-in session of a write, its CSRF token checked.
pub(super) fn writer(session: MaybeSession, headers: &HeaderMap) -> Result<Session, AppError> {
    let s = session.require()?;
    csrf(headers, &s)?;
    Ok(s)
}

/// A JSON body; an empty body reads as `T::default()`, so bodies that are all optional may be left out.
pub(super) fn json_body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, AppError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| AppError::field("body", format!("is not the expected JSON: {e}")))
}

pub(super) fn id_param(q: &Params, name: &str) -> Result<Option<i64>, AppError> {
    match q.get(name).map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::field(name, "must be a whole number")),
    }
}

pub(super) fn created(v: impl serde::Serialize) -> Response {
    (StatusCode::CREATED, Json(json!(v))).into_response()
}

/// `GET /api/v1/points/policy[?street_id=]`
pub async fn policy(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let street = own_street(&s, &q)?;
    Ok(Json(json!(state.app.points_policy(street).await?)))
}

/// `PUT /api/v1/points/policy[?street_id=]` with the whole policy.
pub async fn set_policy(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let street = street_of(&s, &q)?;
    let policy: PointsPolicy =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a points policy: {e}")))?;
    state.app.set_points_policy(&s.actor, street, &policy).await?;
    Ok(Json(json!(policy)))
}

/// `GET /api/v1/points/me`
pub async fn me(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.my_points(&s.actor).await?)))
}

/// `GET /api/v1/points/awards[?status=pending|registered|first_approval|credited|rejected]`
pub async fn awards(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(
        json!({"items": state.app.awards(&s.actor, q.get("status").map(String::as_str)).await?}),
    ))
}

/// `POST /api/v1/points/awards` → 201 with the registered award.
pub async fn register(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let input: AwardInput = json_body(&body)?;
    Ok(created(state.app.register_award(&s.actor, &input).await?))
}

/// `GET /api/v1/points/awards/{id}`
pub async fn award(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.award(&s.actor, id).await?)))
}

/// `POST /api/v1/points/awards/{id}/approve`
pub async fn approve(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.approve_award(&s.actor, id).await?)))
}

#[derive(Default, Deserialize)]
struct Reason {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

/// `POST /api/v1/points/awards/{id}/reject` with `{"reason"}`.
pub async fn reject(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let b: Reason = json_body(&body)?;
    Ok(Json(json!(state.app.reject_award(&s.actor, id, &b.reason).await?)))
}

/// `POST /api/v1/points/entries/{id}/reverse` with `{"note"}` → 201 with the reversing entry.
pub async fn reverse(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let b: Reason = json_body(&body)?;
    Ok(created(state.app.reverse_entry(&s.actor, id, &b.note).await?))
}

/// `GET /api/v1/points/statements/people/{id}[?month=YYYY-MM]`
pub async fn person_statement(
    State(state): State<AppState>,
    session: MaybeSession,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let period = period_from(PeriodKind::Month, q.get("month").map(String::as_str))?;
    Ok(Json(json!(state.app.person_statement(&s.actor, id, period).await?)))
}

/// `GET /api/v1/points/statements/communities/{id}[?month=YYYY-MM]`
pub async fn community_statement(
    State(state): State<AppState>,
    session: MaybeSession,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let period = period_from(PeriodKind::Month, q.get("month").map(String::as_str))?;
    Ok(Json(json!(state.app.community_statement(&s.actor, id, period).await?)))
}

/// `GET /api/v1/points/check[?street_id=]`: every balance recomputed from the entries.
pub async fn check(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let street = street_of(&s, &q)?;
    Ok(Json(json!(state.app.ledger_check(&s.actor, street).await?)))
}

/// `GET /api/v1/honours?period=month|quarter|year[&at=2024-05|2024-Q2|2024][&street_id=][&community_id=]`:
/// public, display names and figures only.
pub async fn honours(State(state): State<AppState>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let kind = match q.get("period").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => PeriodKind::Month,
        Some(p) => PeriodKind::parse(p).ok_or_else(|| AppError::field("period", "must be month, quarter or year"))?,
    };
    let period = period_from(kind, q.get("at").map(String::as_str))
        .map_err(|_| AppError::field("at", "must match the period: 2024-05, 2024-Q2 or 2024"))?;
    let h = state
        .app
        .honours(id_param(&q, "street_id")?, id_param(&q, "community_id")?, period)
        .await?;
    Ok(Json(json!(h)))
}
