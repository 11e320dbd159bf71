use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::context;

use crate::auth::MaybeSession;
use crate::signed_in;
use crate::state::AppState;

/// A1/I1: every micro-grid drawn from GeoJSON with Leaflet, no tile server.
pub async fn map(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, _s) = signed_in!(state, headers, session, "/map");
    let tiles = std::env::var("ONEGRID_TILE_URL").unwrap_or_default();
    page.render("map.html", context! { tile_url => tiles })
}
