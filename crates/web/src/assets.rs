//! Static files (vendored Leaflet and htmx, our CSS and JS), embedded in the release binary and
//! read from disk in debug builds. Served with a long cache lifetime under a versioned path.

use axum::Router;
use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::state::AppState;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/assets"]
struct Assets;

/// Part of every asset URL, so a new release is fetched anew despite the cache lifetime.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

pub fn routes() -> Router<AppState> {
    Router::new().route("/static/{version}/{*path}", get(asset))
}

async fn asset(Path((_version, path)): Path<(String, String)>) -> Response {
    let Some(file) = Assets::get(&path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mime = match path.rsplit('.').next() {
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        file.data.into_owned(),
    )
        .into_response()
}
