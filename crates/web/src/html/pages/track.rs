//! C6: the reporter's view of a case. By the private tracking link, anyone holding it sees the
//! progress (without staff names or contact data), the final reply and the photos, and may rate
//! a closed case or ask to reopen it; no session, so the forms are checked for our own origin.
//! A resident who reported signed in also finds their reports under `/reports`, without the link.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::case::{ActInput, ReporterKey};
use serde::Deserialize;

use super::case_form::{Categories, Problems, v};
use crate::auth::{MaybeSession, check_csrf, same_origin};
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

/// Where the reporter's page lives: its URL (the forms post below it) and, for the private
/// link, the token the photos are fetched with.
struct Place<'a> {
    key: ReporterKey<'a>,
    base: String,
    token: &'a str,
}

impl<'a> Place<'a> {
    fn link(token: &'a str) -> Self {
        Place {
            key: ReporterKey::Token(token),
            base: format!("/track/{token}"),
            token,
        }
    }
}

async fn render(
    page: &Page<'_>,
    state: &AppState,
    place: &Place<'_>,
    status: StatusCode,
    notice: Option<&str>,
    failed: Option<(&str, &TrackForm, &Problems)>,
) -> Response {
    let t = match state.app.tracked_case(place.key).await {
        Ok(t) => t,
        Err(e) => return page.error(e),
    };
    let category = match Categories::load(state, t.street_id).await {
        Ok(c) => c.label(&t.category_code, page.lang),
        Err(_) => t.category_code.clone(),
    };
    let (failed_action, form, errors, refusal) = match failed {
        Some((action, f, p)) => (action, v(f), p.fields(), p.refusal()),
        None => ("", Value::from(()), Value::from(()), Value::from(())),
    };
    page.render_status(
        status,
        "track.html",
        context! {
            view => v(&t), category, token => place.token, link => &place.base,
            notice => notice.unwrap_or_default(), failed_action, form, errors, refusal,
        },
    )
}

fn notice(q: &HashMap<String, String>) -> Option<&'static str> {
    ["new", "rated", "reopened"].into_iter().find(|k| q.contains_key(*k))
}

/// `GET /track/{token}[?new=1|rated=1|reopened=1]`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let place = Place::link(&token);
    let page = Page::new(&state, &headers, &session, &place.base).with_case_counts().await;
    render(&page, &state, &place, StatusCode::OK, notice(&q), None).await
}

#[derive(Deserialize, serde::Serialize, Default)]
pub struct TrackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf: String,
}

/// `POST /track/{token}/{action}` with action `rate` (rating 1–5, comment) or `reopen` (reason).
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path((token, action)): Path<(String, String)>,
    Form(f): Form<TrackForm>,
) -> Response {
    let place = Place::link(&token);
    let page = Page::new(&state, &headers, &session, &place.base).with_case_counts().await;
    if let Err(e) = same_origin(&headers) {
        return page.error(e);
    }
    step(&page, &state, &place, &action, &f).await
}

/// Rates or reopens as the reporter; back on the reporter's page, with the reasons beside the
/// fields when refused.
async fn step(page: &Page<'_>, state: &AppState, place: &Place<'_>, action: &str, f: &TrackForm) -> Response {
    let input = match action {
        "rate" => match f.rating.trim().parse::<u8>() {
            Ok(r) if (1..=5).contains(&r) => Ok(ActInput {
                action: "rate".into(),
                rating: Some(r),
                comment: Some(f.comment.trim().to_string()).filter(|c| !c.is_empty()),
                ..ActInput::default()
            }),
            _ => Err(AppError::field("rating", "choose 1 to 5")),
        },
        "reopen" => Ok(ActInput {
            action: "reopen".into(),
            reason: Some(f.reason.trim().to_string()).filter(|r| !r.is_empty()),
            ..ActInput::default()
        }),
        _ => return page.error(AppError::NotFound),
    };
    let done = match input {
        Ok(i) => state.app.act_as_reporter(place.key, &i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => {
            let flag = if action == "rate" { "rated" } else { "reopened" };
            Redirect::to(&format!("{}?{flag}=1", place.base)).into_response()
        }
        Err(e) => match Problems::of(&e, |f| f) {
            // An unknown case stays a plain "not found".
            Some(p) if p.status != StatusCode::NOT_FOUND => {
                render(page, state, place, p.status, None, Some((action, f, &p))).await
            }
            _ => page.error(e),
        },
    }
}

/// `GET /reports`: the signed-in resident's own reports, newest first.
pub async fn mine(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/reports");
    let reports = match state.app.my_reports(&s.actor).await {
        Ok(r) => r,
        Err(e) => return page.error(e),
    };
    let mut labels = HashMap::new();
    if let Some(street) = s.actor.home_street()
        && let Ok(c) = Categories::load(&state, street).await
    {
        for r in &reports {
            labels
                .entry(r.category_code.clone())
                .or_insert_with(|| c.label(&r.category_code, page.lang));
        }
    }
    page.render("reports.html", context! { reports => v(&reports), labels => v(&labels) })
}

/// `GET /reports/{id}[?rated=1|reopened=1]`: one of them, as the tracking page shows it.
pub async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let place = Place {
        key: ReporterKey::Account(&s.actor, id),
        base: format!("/reports/{id}"),
        token: "",
    };
    render(&page, &state, &place, StatusCode::OK, notice(&q), None).await
}

/// `POST /reports/{id}/{action}`: rate or reopen one's own report.
pub async fn report_act(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<TrackForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let place = Place {
        key: ReporterKey::Account(&s.actor, id),
        base: format!("/reports/{id}"),
        token: "",
    };
    step(&page, &state, &place, &action, &f).await
}
