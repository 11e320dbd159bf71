//! P1–P2 pages: a resident's points (balances, stars, this month's entries, vouchers) on the
//! phone, and the staff review of registered points (approve, reject).

use std::collections::HashMap;

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::points::period_from;
use onegrid_domain::people::Permission;
use onegrid_domain::points::PeriodKind;
use serde::Deserialize;

use super::form::optional_int;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

fn v<T: serde::Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Forms that carry only the CSRF token (and sometimes a reason).
#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub reason: String,
}

/// `GET /points[?month=YYYY-MM][&voucher=CODE]`: the signed-in person's points, with the
/// statement of a month (this one unless asked).
pub async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/points");
    let me = match state.app.my_points(&s.actor).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let period = match period_from(PeriodKind::Month, q.get("month").map(String::as_str)) {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let statement = match state.app.person_statement(&s.actor, me.person_id, period).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let vouchers = match state.app.my_redemptions(&s.actor).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    page.render(
        "points.html",
        context! {
            me => v(&me), statement => v(&statement), vouchers => v(&vouchers), month => period.label(),
            new_voucher => q.get("voucher").cloned().unwrap_or_default(),
        },
    )
}

/// `GET /points/review`: registered points waiting for the staff member's review.
pub async fn review(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/points/review");
    match state.app.awards(&s.actor, Some("pending")).await {
        Ok(items) => page.render("points_review.html", context! { items => v(&items) }),
        Err(e) => page.error(e),
    }
}

/// `GET /points/statements[?community_id=][&month=YYYY-MM]`: a community's monthly statement
/// (P2 "monthly statistics") for staff who approve its points, printable.
pub async fn statements(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/points/statements");
    if !s.actor.can(Permission::ApprovePoints) {
        return page.error(AppError::Forbidden);
    }
    let communities = match state.app.communities_where(&s.actor, Permission::ApprovePoints).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    let community_id = match optional_int("community_id", q.get("community_id").map_or("", String::as_str)) {
        Ok(id) => id.or_else(|| communities.first().map(|c| c.id)),
        Err(e) => return page.error(e),
    };
    let period = match period_from(PeriodKind::Month, q.get("month").map(String::as_str)) {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let statement = match community_id {
        Some(id) => match state.app.community_statement(&s.actor, id, period).await {
            Ok(st) => Some(st),
            Err(e) => return page.error(e),
        },
        None => None,
    };
    page.render(
        "points_statements.html",
        context! {
            communities => v(&communities), statement => v(&statement), month => period.label(),
            community_id => community_id,
        },
    )
}

/// `POST /points/awards/{id}/approve`
pub async fn approve(
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
    match state.app.approve_award(&s.actor, id).await {
        Ok(_) => Redirect::to("/points/review").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /points/awards/{id}/reject` with `reason`.
pub async fn reject(
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
    match state.app.reject_award(&s.actor, id, &f.reason).await {
        Ok(_) => Redirect::to("/points/review").into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /honours[?period=month|quarter|year]`: public honour lists (P4).
pub async fn honours(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = crate::html::page::Page::new(&state, &headers, &session, "/honours");
    let kind = q
        .get("period")
        .and_then(|p| PeriodKind::parse(p))
        .unwrap_or(PeriodKind::Month);
    let community = q.get("community_id").and_then(|c| c.parse::<i64>().ok());
    let period = period_from(kind, None).expect("the current period");
    // P2: the latest published annual selections of the street or community.
    match (
        state.app.honours(None, community, period).await,
        state.app.published_honours(None, community, 6).await,
    ) {
        (Ok(h), Ok(selections)) => page.render(
            "honours.html",
            context! { view => v(&h), period => kind.as_str(), selections => v(&selections) },
        ),
        (Err(e), _) | (_, Err(e)) => page.error(e),
    }
}
