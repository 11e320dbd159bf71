//! I2: the JSON API under `/api/v1`, described by `/api/v1/openapi.json`.

pub mod auth;
pub mod health;
pub mod openapi;
pub mod people;
pub mod query;
pub mod territory;
pub mod transfer;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

/// Every API route; the OpenAPI test checks this list against the document.
#[cfg_attr(not(test), allow(dead_code))]
pub const PATHS: &[&str] = &[
    "/auth/login",
    "/auth/logout",
    "/me",
    "/locate",
    "/micro-grids",
    "/streets",
    "/streets/{id}",
    "/areas/{id}",
    "/buildings/{id}",
    "/households/{id}",
    "/residents/{id}",
    "/search",
    "/people",
    "/people/{id}",
    "/streets/{id}/organisation",
    "/streets/{id}/coverage",
    "/import",
    "/export",
    "/openapi.json",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/locate", get(territory::locate))
        .route("/micro-grids", get(territory::micro_grids))
        .route("/streets", get(territory::streets))
        .route("/streets/{id}", get(territory::street))
        .route("/areas/{id}", get(territory::area))
        .route("/buildings/{id}", get(territory::building))
        .route("/households/{id}", get(territory::household))
        .route("/residents/{id}", get(territory::resident))
        .route("/search", get(territory::search))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::person))
        .route("/streets/{id}/organisation", get(people::organisation))
        .route("/streets/{id}/coverage", get(people::coverage))
        .route("/import", post(transfer::import))
        .route("/export", get(transfer::export))
        .route("/openapi.json", get(openapi::document))
}
