use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use serde::Deserialize;
use serde_json::json;

use crate::auth::{MaybeSession, SESSION_COOKIE, clear_session_cookie, cookie, same_origin, session_cookie};
use crate::error::ApiResult;
use crate::state::AppState;

#[derive(Deserialize)]
pub struct Login {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /api/v1/auth/login` with `{"username", "password"}`: sets the session cookie.
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<Login>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Response> {
    same_origin(&headers)?;
    let Json(body) = body.map_err(|e| {
        AppError::field(
            "body",
            format!("must be JSON {{\"username\", \"password\"}}: {}", e.body_text()),
        )
    })?;
    let s = state.app.login(&body.username, &body.password).await?;
    Ok((
        StatusCode::OK,
        [(header::SET_COOKIE, session_cookie(&s.token))],
        Json(json!({"user": s.user, "csrf_token": s.csrf})),
    )
        .into_response())
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    same_origin(&headers)?;
    if let Some(token) = cookie(&headers, SESSION_COOKIE) {
        state.app.logout(token).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear_session_cookie())]).into_response())
}

pub async fn me(session: MaybeSession) -> ApiResult<Json<serde_json::Value>> {
    let s = session.require()?;
    let posts: Vec<_> = s
        .actor
        .grants
        .iter()
        .map(|g| json!({"role": g.role, "level": g.level, "unit_id": g.unit_id}))
        .collect();
    Ok(Json(json!({"user": s.actor.user, "posts": posts})))
}
