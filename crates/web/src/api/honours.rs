//! P2 annual selection and the P4 honour policy over the API. Published selections are public;
//! drafts exist only for the staff who approve points for the community. Refusals are 409 with
//! a code: `selection_exists`, `selection_published`, `nothing_chosen`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_app::points::selection::NewSelection;
use onegrid_domain::FieldError;
use onegrid_domain::points::HonourPolicy;
use onegrid_domain::points::selection::Choice;
use serde::Deserialize;
use serde_json::{Value, json};

use super::points::{created, id_param, json_body, writer};
use super::query::{Params, street_of};
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// A whole number from a JSON field, also written as a string (forms post strings).
fn whole(v: &Value, name: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    match v.get(name) {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) if s.trim().parse::<i64>().is_ok() => s.trim().parse().ok(),
        Some(_) => {
            errors.push(FieldError::new(name, "must be a whole number"));
            None
        }
    }
}

/// `{"community_id", "year"}`, each field's problem named.
pub(crate) fn new_selection(v: &Value) -> Result<NewSelection, AppError> {
    if !v.is_object() {
        return Err(AppError::field("body", "must be a JSON object"));
    }
    let mut errors = Vec::new();
    let input = NewSelection {
        community_id: whole(v, "community_id", &mut errors),
        year: whole(v, "year", &mut errors),
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(AppError::Invalid(errors))
    }
}

#[derive(Default, Deserialize)]
struct Choices {
    #[serde(default)]
    entries: Vec<Choice>,
}

/// `GET /api/v1/honours/policy[?street_id=]`
pub async fn policy(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.honour_policy(&s.actor, street_of(&s, &q)?).await?)))
}

/// `PUT /api/v1/honours/policy[?street_id=]` with `{"building_group_star_percent": [5, 10, 20, 30, 40]}`.
pub async fn set_policy(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let p: HonourPolicy = serde_json::from_slice(&body).map_err(|e| {
        AppError::field(
            "building_group_star_percent",
            format!("five whole percents are expected: {e}"),
        )
    })?;
    state.app.set_honour_policy(&s.actor, street_of(&s, &q)?, &p).await?;
    Ok(Json(json!(p)))
}

/// `GET /api/v1/honours/selections[?street_id=][&community_id=]`: published ones for everyone,
/// drafts too for staff in scope.
pub async fn list(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let actor = session.0.as_ref().map(|s| &s.actor);
    let items = state
        .app
        .honour_selections(actor, id_param(&q, "street_id")?, id_param(&q, "community_id")?)
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/honours/selections` with `{"community_id", "year"}` → 201 with the draft.
pub async fn start(State(state): State<AppState>, session: MaybeSession, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let v: Value = json_body(&body)?;
    let input = new_selection(&v)?;
    Ok(created(state.app.start_honour_selection(&s.actor, &input).await?))
}

/// `GET /api/v1/honours/selections/{id}`
pub async fn show(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let actor = session.0.as_ref().map(|s| &s.actor);
    Ok(Json(json!(state.app.honour_selection(actor, id).await?)))
}

/// `POST /api/v1/honours/selections/{id}/choose` with `{"entries": [{"id", "chosen", "title", "citation"}]}`.
pub async fn choose(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let c: Choices = json_body(&body)?;
    Ok(Json(json!(state.app.choose_honours(&s.actor, id, &c.entries).await?)))
}

/// `POST /api/v1/honours/selections/{id}/publish`
pub async fn publish(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.publish_honours(&s.actor, id).await?)))
}

/// `POST /api/v1/honours/selections/{id}/discard`: deletes a draft.
pub async fn discard(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    state.app.discard_honours(&s.actor, id).await?;
    Ok(Json(json!({ "id": id, "discarded": true })))
}
