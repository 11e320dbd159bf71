//! P5 over the API: tasks, claims (`201`, or `409` with `task_full`), and the steps of a claim.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_app::volunteer::{Confirmation, Evaluation, TeamClaim};
use onegrid_domain::volunteer::NewTask;
use serde_json::{Value, json};

use super::points::{created, csrf, id_param, json_body};
use super::query::Params;
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// `GET /api/v1/volunteer-tasks[?community_id=]`: staff see the tasks they manage, others the
/// open tasks of their (or the given) community.
pub async fn list(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(
        json!({"items": state.app.volunteer_tasks(&s.actor, id_param(&q, "community_id")?).await?}),
    ))
}

/// `POST /api/v1/volunteer-tasks` → 201.
pub async fn create(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let t: NewTask =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a volunteer task: {e}")))?;
    Ok(created(state.app.post_task(&s.actor, &t).await?))
}

/// `GET /api/v1/volunteer-tasks/{id}`
pub async fn get(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.volunteer_task(&s.actor, id).await?)))
}

/// `POST /api/v1/volunteer-tasks/{id}/close`
pub async fn close(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.close_task(&s.actor, id).await?)))
}

/// `POST /api/v1/volunteer-tasks/{id}/claims` → 201 with the claim, 409 `task_full`.
pub async fn claim(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(created(state.app.claim_task(&s.actor, id).await?))
}

/// `POST /api/v1/volunteer-tasks/{id}/team-claims` with `{"team_id", "members"?}`: the team's
/// leader claims for its members → 201 with the claims, 409 `task_full` (nothing written).
pub async fn team_claim(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let req: TeamClaim =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a team claim: {e}")))?;
    let claims = state.app.claim_task_for_team(&s.actor, id, &req).await?;
    Ok(created(json!({"items": claims})))
}

/// `GET /api/v1/volunteer-claims`: the signed-in person's claims (their volunteer record).
pub async fn mine(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!({"items": state.app.my_claims(&s.actor).await?})))
}

pub async fn withdraw(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.withdraw_claim(&s.actor, id).await?)))
}

pub async fn check_in(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.check_in(&s.actor, id).await?)))
}

pub async fn check_out(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.check_out(&s.actor, id).await?)))
}

/// `POST /api/v1/volunteer-claims/{id}/confirm[ {"minutes"}]`
pub async fn confirm(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let c: Confirmation = json_body(&body)?;
    Ok(Json(json!(state.app.confirm_claim(&s.actor, id, &c).await?)))
}

/// `POST /api/v1/volunteer-claims/{id}/evaluate` with `{"rating", "points"?}`.
pub async fn evaluate(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let e: Evaluation = json_body(&body)?;
    Ok(Json(json!(state.app.evaluate_claim(&s.actor, id, &e).await?)))
}
