//! I1: the server-rendered UI. zh-CN by default; English by a switch that is remembered.

mod page;
mod pages;
pub mod templates;

use axum::Router;
use axum::routing::{get, post};

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    use pages::*;
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/lang", get(login::switch_lang))
        .route("/territory/streets/{id}", get(territory::street))
        .route("/territory/areas/{id}", get(territory::area))
        .route("/territory/micro-grids/{id}", get(territory::area))
        .route("/territory/buildings/{id}", get(territory::building))
        .route("/territory/households/{id}", get(territory::household))
        .route("/search", get(territory::search))
        .route("/people", get(people::list))
        .route("/people/{id}", get(people::person))
        .route("/organisation", get(people::organisation))
        .route("/coverage", get(coverage::report))
        .route("/map", get(map::map))
        .route("/transfer", get(transfer::form).post(transfer::submit))
        .route("/transfer/export", get(transfer::export))
}
