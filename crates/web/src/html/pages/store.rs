//! P3 pages (phone): the store of the person's community with redemption, and cancelling a
//! voucher. Refusals show the error page with their code (`error.out_of_stock` …).

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};

use super::points::ActionForm;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

/// `GET /store`
pub async fn catalogue(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/store");
    let items = match state.app.store_items(&s.actor, None).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let balances = match state.app.my_points(&s.actor).await {
        Ok(v) => v.balances,
        Err(e) => return page.error(e),
    };
    page.render(
        "store.html",
        context! {
            items => Value::from(minijinja::value::Serde(&items)),
            balances => Value::from(minijinja::value::Serde(&balances)),
        },
    )
}

/// `POST /store/{id}/redeem` → the points page with the new voucher.
pub async fn redeem(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.redeem(&s.actor, id, None).await {
        Ok(r) => Redirect::to(&format!("/points?voucher={}", r.voucher)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /store/redemptions/{id}/cancel`
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<ActionForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.cancel_redemption(&s.actor, id).await {
        Ok(_) => Redirect::to("/points").into_response(),
        Err(e) => page.error(e),
    }
}
