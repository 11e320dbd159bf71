//! C1 staff intake: grid staff file what they found on patrol (field report); the command
//! centre's hotline operator files a caller's report with the caller's contact. The channel
//! select offers only what the user's posts allow.

use std::collections::HashMap;

use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::{Actor, AppError};
use onegrid_domain::people::Permission;
use onegrid_domain::territory::Level;

use super::case_form::{Categories, Problems, Submitted, intake_field, report, street_for, tile_url, v};
use crate::auth::{MaybeSession, check_csrf};
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

/// The channels the user may file under: field reports with any post that reports cases; the
/// hotline from the command centre (a street post).
fn channels(actor: &Actor) -> Vec<&'static str> {
    let mut out = Vec::new();
    if actor.can(Permission::ReportCases) {
        out.push("field");
    }
    if actor.user.superuser
        || actor
            .grants
            .iter()
            .any(|g| g.role.allows(Permission::ReportCases) && g.level == Level::Street)
    {
        out.push("hotline");
    }
    out
}

async fn render(
    page: &Page<'_>,
    state: &AppState,
    actor: &Actor,
    status: StatusCode,
    form: Value,
    problems: Option<&Problems>,
) -> Response {
    let (street_id, _) = match street_for(state, Some(actor), None).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let categories = match Categories::load(state, street_id).await {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    page.render_status(
        status,
        "case_new.html",
        context! {
            groups => v(&categories.groups(page.lang)), street_id, channels => v(&channels(actor)),
            tile_url => tile_url(), form,
            errors => problems.map_or_else(|| Value::from(()), Problems::fields),
            refusal => problems.map_or_else(|| Value::from(()), Problems::refusal),
        },
    )
}

/// `GET /cases/new`
pub async fn form(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/new");
    if channels(&s.actor).is_empty() {
        return page.error(AppError::Forbidden);
    }
    render(
        &page,
        &state,
        &s.actor,
        StatusCode::OK,
        v(&HashMap::<String, String>::new()),
        None,
    )
    .await
}

/// `POST /cases/new` (multipart): 303 to the case page, which shows the reporter's tracking link
/// once (the hotline operator reads it to the caller).
pub async fn submit(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession, multipart: Multipart) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/new");
    let allowed = channels(&s.actor);
    if allowed.is_empty() {
        return page.error(AppError::Forbidden);
    }
    let form = match Submitted::read(multipart, "photos").await {
        Ok(f) => f,
        Err(e) => return refused(&page, &state, &s.actor, &Submitted::default(), e).await,
    };
    if let Err(e) = check_csrf(&headers, s, Some(&form.get("csrf"))) {
        return page.error(e);
    }
    let channel = form.get("channel");
    let Some(channel) = allowed.iter().find(|c| **c == channel) else {
        let e = AppError::field("channel", format!("must be one of {}", allowed.join(", ")));
        return refused(&page, &state, &s.actor, &form, e).await;
    };
    let street = form.opt("street_id").and_then(|s| s.parse().ok());
    match report(&state, Some(&s.actor), &form, channel, street).await {
        Ok(r) => {
            let token = r.token.unwrap_or_default();
            // Staff who only report (building leaders …) follow their report like a resident.
            let to = if s.actor.can(Permission::HandleCases) {
                format!("/cases/{}?track={token}", r.view.case.id)
            } else {
                format!("/track/{token}?new=1")
            };
            Redirect::to(&to).into_response()
        }
        Err(e) => refused(&page, &state, &s.actor, &form, e).await,
    }
}

async fn refused(page: &Page<'_>, state: &AppState, actor: &Actor, form: &Submitted, e: AppError) -> Response {
    match Problems::of(&e, intake_field) {
        Some(p) => render(page, state, actor, p.status, form.echo(), Some(&p)).await,
        None => page.error(e),
    }
}
