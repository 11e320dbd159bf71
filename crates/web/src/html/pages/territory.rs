use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::{Value, context};

use crate::auth::MaybeSession;
use crate::signed_in;
use crate::state::AppState;

pub async fn street(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("street.html", state.app.street_view(&s.actor, id).await)
}

pub async fn area(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("area.html", state.app.area_view(&s.actor, id).await)
}

pub async fn building(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("building.html", state.app.building_view(&s.actor, id).await)
}

pub async fn household(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("household.html", state.app.household_view(&s.actor, id).await)
}

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/search");
    let text = q.get("q").cloned().unwrap_or_default();
    if text.trim().is_empty() {
        return page.render("search.html", context! { q => "", view => None::<Value> });
    }
    match state.app.search(&s.actor, &text, 1, 50).await {
        Ok(v) => page.render(
            "search.html",
            context! { q => text, view => Value::from(minijinja::value::Serde(&v)) },
        ),
        Err(e) => page.error(e),
    }
}
