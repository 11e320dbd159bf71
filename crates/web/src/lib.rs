//! HTTP: the server-rendered UI (I1), the JSON API under `/api/v1` (I2), Open311 GeoReport v2
//! under `/open311/v2` (I3), health and metrics (I5).
//! Handlers are thin: they parse, call one use case of `onegrid_app`, and render.

mod api;
mod assets;
mod auth;
mod error;
mod html;
mod i18n;
mod limit;
mod metrics;
mod open311;
mod state;

pub use i18n::Locales;
pub use state::AppState;

use std::future::Future;

use axum::Router;
use axum::routing::get;
use onegrid_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

/// Uploads (imports) are the largest bodies we accept.
const BODY_LIMIT: usize = 32 * 1024 * 1024;

pub fn router(app: App) -> Router {
    let state = AppState::new(app);
    Router::new()
        .route("/healthz", get(api::health::healthz))
        .route("/metrics", get(metrics::render))
        .nest("/api/v1", api::routes())
        .nest("/open311/v2", open311::routes())
        .merge(html::routes())
        .merge(assets::routes())
        .layer(axum::middleware::from_fn_with_state(state.clone(), limit::anonymous_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CatchPanicLayer::new())
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    app: App,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address is kept for the limit on anonymous writes.
    let service = router(app).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown).await
}
