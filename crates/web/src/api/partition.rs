//! G1–G2 over the API: propose a micro-grid division of a grid or community, read it with both
//! quality reports, accept or discard it. Street administrators only; cookie sessions send
//! `X-CSRF-Token` on writes.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use serde::Deserialize;
use serde_json::{Value, json};

use super::query::Params;
use crate::auth::{MaybeSession, check_csrf};
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewProposal {
    area_id: Option<i64>,
    cap: Option<f64>,
    k: Option<usize>,
    seed: Option<u64>,
}

fn csrf_header(headers: &HeaderMap) -> Option<&str> {
    headers.get("x-csrf-token").and_then(|v| v.to_str().ok())
}

/// `GET /api/v1/partition-proposals[?street_id=]`
pub async fn list(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let street = match q.get("street_id") {
        Some(v) => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::field("street_id", "must be a whole number"))?,
        ),
        None => None,
    };
    Ok(Json(json!({"items": state.app.partition_proposals(&s.actor, street).await?})))
}

/// `POST /api/v1/partition-proposals` with `{"area_id", "cap"?, "k"?, "seed"?}` → 201.
pub async fn create(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Result<Json<NewProposal>, JsonRejection>,
) -> ApiResult<Response> {
    let s = session.require()?;
    check_csrf(&headers, &s, csrf_header(&headers))?;
    let Json(b) = body.map_err(|e| {
        AppError::field(
            "body",
            format!("must be JSON {{\"area_id\", \"cap\"?, \"k\"?, \"seed\"?}}: {}", e.body_text()),
        )
    })?;
    let area_id = b.area_id.ok_or_else(|| AppError::field("area_id", "is required"))?;
    let view = state
        .app
        .create_partition_proposal(&s.actor, area_id, b.cap, b.k, b.seed)
        .await?;
    Ok((StatusCode::CREATED, Json(json!(view))).into_response())
}

/// `GET /api/v1/partition-proposals/{id}`
pub async fn get(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.partition_proposal(&s.actor, id).await?)))
}

/// `POST /api/v1/partition-proposals/{id}/accept`
pub async fn accept(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    check_csrf(&headers, &s, csrf_header(&headers))?;
    Ok(Json(json!(state.app.accept_partition_proposal(&s.actor, id).await?)))
}

/// `POST /api/v1/partition-proposals/{id}/discard`
pub async fn discard(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    check_csrf(&headers, &s, csrf_header(&headers))?;
    state.app.discard_partition_proposal(&s.actor, id).await?;
    Ok(Json(json!({"id": id, "status": "discarded"})))
}
