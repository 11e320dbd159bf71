//! P5 pages (phone): open tasks to claim and the person's own claims with their next step.

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;

use super::points::ActionForm;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

/// `GET /tasks`
pub async fn list(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/tasks");
    // A person without a home community (street staff) sees no open list, only their claims.
    let open = match state.app.open_tasks(&s.actor, None).await {
        Ok(v) => v,
        Err(AppError::Invalid(_)) => Vec::new(),
        Err(e) => return page.error(e),
    };
    let mine = match state.app.my_claims(&s.actor).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    // Tasks the person holds a place on show among their own, not as claimable.
    let held: Vec<i64> = mine.iter().filter(|c| c.status != "withdrawn").map(|c| c.task_id).collect();
    let open: Vec<_> = open.into_iter().filter(|t| !held.contains(&t.id)).collect();
    page.render(
        "tasks.html",
        context! {
            open => Value::from(minijinja::value::Serde(&open)),
            mine => Value::from(minijinja::value::Serde(&mine)),
        },
    )
}

/// `POST /tasks/{id}/claim`
pub async fn claim(
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
    match state.app.claim_task(&s.actor, id).await {
        Ok(_) => Redirect::to("/tasks").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /tasks/claims/{id}/{step}` with step `withdraw`, `check-in` or `check-out`.
pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path((id, step)): Path<(i64, String)>,
    Form(f): Form<ActionForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let done = match step.as_str() {
        "withdraw" => state.app.withdraw_claim(&s.actor, id).await,
        "check-in" => state.app.check_in(&s.actor, id).await,
        "check-out" => state.app.check_out(&s.actor, id).await,
        _ => Err(AppError::NotFound),
    };
    match done {
        Ok(_) => Redirect::to("/tasks").into_response(),
        Err(e) => page.error(e),
    }
}
