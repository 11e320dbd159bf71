//! C1 resident channel (issue 3 item 2): the public report page for the phone. No account needed;
//! a signed-in resident files under their account. The form posts as multipart so it works
//! without JavaScript; the script only adds the map pin, "use my location" and photo previews.
//! Success answers 303 to the private tracking page (C6).

use std::collections::HashMap;

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;

use super::case_form::{Categories, Problems, Submitted, intake_field, report, street_for, tile_url, v};
use crate::auth::{MaybeSession, check_csrf, same_origin};
use crate::html::page::Page;
use crate::state::AppState;

/// Everything the form shows besides what was typed.
async fn render(
    page: &Page<'_>,
    state: &AppState,
    asked_street: Option<i64>,
    status: StatusCode,
    form: Value,
    problems: Option<&Problems>,
) -> Response {
    let actor = page.session.map(|s| &s.actor);
    let (street_id, streets) = match street_for(state, actor, asked_street).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let categories = match Categories::load(state, street_id).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    let street_names = if streets.len() > 1 {
        match state.app.streets().await {
            Ok(s) => s.into_iter().map(|s| (s.id, s.name)).collect::<Vec<_>>(),
            Err(e) => return page.error(e),
        }
    } else {
        Vec::new()
    };
    page.render_status(
        status,
        "report.html",
        context! {
            groups => v(&categories.groups(page.lang)),
            street_id, streets => v(&street_names),
            tile_url => tile_url(),
            form,
            errors => problems.map_or_else(|| Value::from(()), Problems::fields),
            refusal => problems.map_or_else(|| Value::from(()), Problems::refusal),
        },
    )
}

/// `GET /report[?street_id=]`
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = Page::new(&state, &headers, &session, "/report").with_case_counts().await;
    let asked = q.get("street_id").and_then(|s| s.parse().ok());
    render(
        &page,
        &state,
        asked,
        StatusCode::OK,
        v(&HashMap::<String, String>::new()),
        None,
    )
    .await
}

/// `POST /report` (multipart): photos, then the case; 303 to `/track/{token}`.
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession, multipart: Multipart) -> Response {
    let page = Page::new(&state, &headers, &session, "/report").with_case_counts().await;
    let form = match Submitted::read(multipart, "photos").await {
        Ok(f) => f,
        Err(e) => return refused(&page, &state, None, &Submitted::default(), e).await,
    };
    let allowed = match page.session {
        Some(s) => check_csrf(&headers, s, Some(&form.get("csrf"))),
        None => same_origin(&headers),
    };
    if let Err(e) = allowed {
        return page.error(e);
    }
    let asked = form.opt("street_id").and_then(|s| s.parse().ok());
    let actor = page.session.map(|s| &s.actor);
    match report(&state, actor, &form, "resident", asked).await {
        Ok(r) => match r.token {
            Some(token) => Redirect::to(&format!("/track/{token}?new=1")).into_response(),
            None => page.error(AppError::Internal("a new report came back without its tracking token".into())),
        },
        Err(e) => refused(&page, &state, asked, &form, e).await,
    }
}

async fn refused(page: &Page<'_>, state: &AppState, asked: Option<i64>, form: &Submitted, e: AppError) -> Response {
    match Problems::of(&e, intake_field) {
        Some(p) => render(page, state, asked, p.status, form.echo(), Some(&p)).await,
        None => page.error(e),
    }
}
