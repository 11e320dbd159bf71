//! P5 pages (phone): open tasks to claim (a team leader also for the team), the person's own
//! claims with their next step, and the claims taken for the teams they lead.

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::volunteer::TeamClaim;

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
    // A team leader also claims for the team (T6) and follows the team's claims here.
    let (teams, team_claims) = match (
        state.app.my_led_teams(&s.actor).await,
        state.app.my_team_claims(&s.actor).await,
    ) {
        (Ok(t), Ok(c)) => (t, c),
        (Err(e), _) | (_, Err(e)) => return page.error(e),
    };
    // Tasks the person holds a place on show among their own, not as claimable.
    let held: Vec<i64> = mine.iter().filter(|c| c.status != "withdrawn").map(|c| c.task_id).collect();
    let open: Vec<_> = open.into_iter().filter(|t| !held.contains(&t.id)).collect();
    page.render(
        "tasks.html",
        context! {
            open => Value::from(minijinja::value::Serde(&open)),
            mine => Value::from(minijinja::value::Serde(&mine)),
            teams => Value::from(minijinja::value::Serde(&teams)),
            team_claims => Value::from(minijinja::value::Serde(&team_claims)),
        },
    )
}

/// `POST /tasks/{id}/team-claim` with `team_id` and one `members` field per chosen member: the
/// team's leader claims places for them, all or none (`task_full` shows the error page).
pub async fn team_claim(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    if let Err(e) = check_csrf(&headers, s, field("csrf")) {
        return page.error(e);
    }
    let team_id = match field("team_id").and_then(|v| v.trim().parse::<i64>().ok()) {
        Some(t) => t,
        None => return page.error(AppError::field("team_id", "is not a team")),
    };
    let mut members = Vec::new();
    for (_, v) in pairs.iter().filter(|(k, _)| k == "members") {
        match v.trim().parse::<i64>() {
            Ok(p) => members.push(p),
            Err(_) => return page.error(AppError::field("members", format!("{v} is not a person"))),
        }
    }
    // Unticking everyone is a choice of nobody, not of the whole team.
    if members.is_empty() {
        return page.error(AppError::field("members", "must name at least one member of the team"));
    }
    let req = TeamClaim {
        team_id,
        members: Some(members),
    };
    match state.app.claim_task_for_team(&s.actor, id, &req).await {
        Ok(_) => Redirect::to("/tasks").into_response(),
        Err(e) => page.error(e),
    }
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
