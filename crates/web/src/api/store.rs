//! P3 over the API: the catalogue, redemption (`201` with the voucher, or `409` with
//! `out_of_stock`, `insufficient_points`, `limit_reached` or `store_closed`), cancellation and
//! vouchers used at the counter.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_app::points::store::ItemChange;
use onegrid_domain::points::store::NewItem;
use serde::Deserialize;
use serde_json::{Value, json};

use super::points::{created, csrf, id_param, json_body};
use super::query::Params;
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// `GET /api/v1/store/items[?community_id=]`: the signed-in person's community by default.
pub async fn items(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(
        json!({"items": state.app.store_items(&s.actor, id_param(&q, "community_id")?).await?}),
    ))
}

#[derive(Deserialize)]
struct NewItemBody {
    community_id: i64,
    #[serde(flatten)]
    item: NewItem,
}

/// `POST /api/v1/store/items` with `{"community_id", "kind", "name", "price", "stock", …}` → 201.
pub async fn create(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let b: NewItemBody =
        serde_json::from_slice(&body).map_err(|e| AppError::field("body", format!("is not a store item: {e}")))?;
    Ok(created(state.app.create_item(&s.actor, b.community_id, &b.item).await?))
}

/// `GET /api/v1/store/items/{id}`
pub async fn item(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.store_item(&s.actor, id).await?)))
}

/// `GET /api/v1/store/items/{id}/redemptions`: the item's latest vouchers (store staff).
pub async fn item_redemptions(
    State(state): State<AppState>,
    session: MaybeSession,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!({"items": state.app.item_redemptions(&s.actor, id).await?})))
}

/// `PATCH /api/v1/store/items/{id}` with `{"add_stock"?, "active"?, "price"?, "per_person_limit"?,
/// "window"?: {"opens_at", "closes_at"}}`.
pub async fn change(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let change: ItemChange = json_body(&body)?;
    Ok(Json(json!(state.app.change_item(&s.actor, id, &change).await?)))
}

#[derive(Default, Deserialize)]
struct RedeemBody {
    /// Store staff redeeming at the counter for a person.
    #[serde(default)]
    person_id: Option<i64>,
}

/// `POST /api/v1/store/items/{id}/redeem[ {"person_id"}]` → 201 with the redemption and its voucher.
pub async fn redeem(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    let b: RedeemBody = json_body(&body)?;
    Ok(created(state.app.redeem(&s.actor, id, b.person_id).await?))
}

/// `GET /api/v1/store/redemptions`: the signed-in person's vouchers.
pub async fn redemptions(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!({"items": state.app.my_redemptions(&s.actor).await?})))
}

/// `POST /api/v1/store/redemptions/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.cancel_redemption(&s.actor, id).await?)))
}

/// `POST /api/v1/store/vouchers/{code}/use`
pub async fn use_voucher(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!(state.app.use_voucher(&s.actor, &code).await?)))
}
