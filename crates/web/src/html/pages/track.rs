//! C6: the reporter's private tracking page. Anyone holding the link sees the progress (without
//! staff names or contact data), the final reply and the photos, and may rate a closed case or
//! ask to reopen it. No session: the forms are checked for our own origin.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::case::ActInput;
use serde::Deserialize;

use super::case_form::{Categories, Problems, v};
use crate::auth::{MaybeSession, same_origin};
use crate::html::page::Page;
use crate::state::AppState;

async fn render(
    page: &Page<'_>,
    state: &AppState,
    token: &str,
    status: StatusCode,
    notice: Option<&str>,
    failed: Option<(&str, &TrackForm, &Problems)>,
) -> Response {
    let t = match state.app.tracked_case(token).await {
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
            view => v(&t), category, token, link => format!("/track/{token}"),
            notice => notice.unwrap_or_default(), failed_action, form, errors, refusal,
        },
    )
}

/// `GET /track/{token}[?new=1|rated=1|reopened=1]`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path(token): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let path = format!("/track/{token}");
    let page = Page::new(&state, &headers, &session, &path).with_case_counts().await;
    let notice = ["new", "rated", "reopened"].into_iter().find(|k| q.contains_key(*k));
    render(&page, &state, &token, StatusCode::OK, notice, None).await
}

#[derive(Deserialize, serde::Serialize, Default)]
pub struct TrackForm {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    reason: String,
}

/// `POST /track/{token}/{action}` with action `rate` (rating 1–5, comment) or `reopen` (reason).
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path((token, action)): Path<(String, String)>,
    Form(f): Form<TrackForm>,
) -> Response {
    let path = format!("/track/{token}");
    let page = Page::new(&state, &headers, &session, &path).with_case_counts().await;
    if let Err(e) = same_origin(&headers) {
        return page.error(e);
    }
    let input = match action.as_str() {
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
        Ok(i) => state.app.act_by_token(&token, &i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => {
            let flag = if action == "rate" { "rated" } else { "reopened" };
            Redirect::to(&format!("/track/{token}?{flag}=1")).into_response()
        }
        Err(e) => match Problems::of(&e, |f| f) {
            // An unknown link stays a plain "not found".
            Some(p) if p.status != StatusCode::NOT_FOUND => {
                render(&page, &state, &token, p.status, None, Some((&action, &f, &p))).await
            }
            _ => page.error(e),
        },
    }
}
