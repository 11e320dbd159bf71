use axum::Json;
use axum::extract::{Path, Query, State};
use onegrid_app::locate::Crs;
use serde_json::{Value, json};

use super::query::{self, Params};
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// `GET /api/v1/locate?lat=..&lng=..[&crs=gcj02]` (public, fixed point).
pub async fn locate(State(state): State<AppState>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let mut errs = Vec::new();
    let lat = query::float(&q, "lat").map_err(|e| errs.push(e)).ok().flatten();
    let lng = query::float(&q, "lng").map_err(|e| errs.push(e)).ok().flatten();
    if let Some(e) = errs.into_iter().next() {
        return Err(e.into());
    }
    let crs = Crs::parse(q.get("crs").map(String::as_str))?;
    Ok(Json(json!(state.app.locator.locate(lat, lng, crs)?)))
}

/// `GET /api/v1/micro-grids?page=1&per_page=500[&geometry=true]` (public, fixed point).
pub async fn micro_grids(State(state): State<AppState>, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let (page, per_page) = query::paging(&q, 100, 1000)?;
    let geometry = query::flag(&q, "geometry")?;
    let (items, total) = state.app.micro_grids(page, per_page).await?;
    let items: Vec<Value> = items
        .into_iter()
        .map(|m| {
            let mut v = json!({
                "id": m.area.id,
                "code": m.area.code,
                "name": m.area.name,
                "grid_id": m.area.grid_id,
                "community_id": m.area.community_id,
                "street_id": m.area.street_id,
                "kind": m.area.kind,
                "households": m.households,
            });
            if geometry {
                v["geometry"] = m
                    .area
                    .boundary
                    .as_deref()
                    .and_then(|b| serde_json::from_str(b).ok())
                    .unwrap_or(Value::Null);
            }
            v
        })
        .collect();
    Ok(Json(
        json!({"items": items, "total": total, "page": page, "per_page": per_page}),
    ))
}

pub async fn streets(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    session.require()?;
    Ok(Json(json!({"items": state.app.streets().await?})))
}

pub async fn street(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.street_view(&s.actor, id).await?)))
}

pub async fn area(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.area_view(&s.actor, id).await?)))
}

pub async fn building(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.building_view(&s.actor, id).await?)))
}

pub async fn household(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.household_view(&s.actor, id).await?)))
}

pub async fn resident(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.resident(&s.actor, id).await?)))
}

pub async fn search(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let (page, per_page) = query::paging(&q, 50, 500)?;
    let r = state
        .app
        .search(&s.actor, q.get("q").map(String::as_str).unwrap_or(""), page, per_page)
        .await?;
    let residents: Vec<Value> = r
        .residents
        .iter()
        .map(|(res, hh)| json!({"resident": res, "household_code": hh}))
        .collect();
    Ok(Json(json!({
        "areas": r.areas, "buildings": r.buildings, "people": r.people,
        "residents": {"items": residents, "total": r.residents_total, "page": page, "per_page": per_page}
    })))
}
