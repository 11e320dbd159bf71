use axum::Json;
use axum::extract::{Path, Query, State};
use serde_json::{Value, json};

use super::query::{self, Params};
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

pub async fn list(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let (page, per_page) = query::paging(&q, 50, 500)?;
    let (items, total) = state
        .app
        .people(&s.actor, q.get("q").map(String::as_str).unwrap_or(""), page, per_page)
        .await?;
    Ok(Json(
        json!({"items": items, "total": total, "page": page, "per_page": per_page}),
    ))
}

pub async fn person(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.person_view(&s.actor, id).await?)))
}

pub async fn organisation(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.organisation(&s.actor, id).await?)))
}

pub async fn coverage(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.coverage(&s.actor, id).await?)))
}
