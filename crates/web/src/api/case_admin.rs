//! Street admins' case settings over the API: the working calendar and deadline policy (C5), the
//! duplicate radius (C8), and the outgoing webhooks with their delivery log (A5).

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_app::case::CaseSettings;
use serde_json::{Value, json};

use super::points::{created, csrf, json_body};
use super::query::{Params, own_street, street_of};
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// `GET /api/v1/case-settings[?street_id=]`
pub async fn settings(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let street = own_street(&s, &q)?;
    Ok(Json(json!(state.app.case_settings(street).await?)))
}

/// `PUT /api/v1/case-settings[?street_id=]` with the whole settings.
pub async fn set_settings(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let street = street_of(&s, &q)?;
    let settings: CaseSettings =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not case settings: {e}")))?;
    state.app.set_case_settings(&s.actor, street, &settings).await?;
    Ok(Json(json!(state.app.case_settings(street).await?)))
}

/// `GET /api/v1/webhooks[?street_id=]`: the hooks and the latest deliveries.
pub async fn webhooks(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let street = street_of(&s, &q)?;
    let (items, deliveries) = state.app.webhooks(&s.actor, street).await?;
    Ok(Json(json!({"items": items, "deliveries": deliveries})))
}

/// `POST /api/v1/webhooks[?street_id=]` with `{"url": …}` → 201 with the hook and its signing
/// `secret` (shown this once).
pub async fn add_webhook(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let street = street_of(&s, &q)?;
    let v: Value = json_body(&body)?;
    let url = v
        .get("url")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::field("url", "is required"))?;
    let (hook, secret) = state.app.add_webhook(&s.actor, street, url).await?;
    Ok(created(json!({"webhook": hook, "secret": secret})))
}

/// `PATCH /api/v1/webhooks/{id}[?street_id=]` with `{"active": false}`.
pub async fn change_webhook(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let street = street_of(&s, &q)?;
    let v: Value = json_body(&body)?;
    let active = v
        .get("active")
        .and_then(Value::as_bool)
        .ok_or_else(|| AppError::field("active", "is required: true or false"))?;
    state.app.set_webhook_active(&s.actor, street, id, active).await?;
    Ok(Json(json!({"id": id, "active": active})))
}
