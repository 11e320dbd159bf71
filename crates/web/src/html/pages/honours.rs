//! P2 annual selection pages: the staff's `/honours/manage` (list, start a year, choose, publish,
//! discard) and the public, print-friendly notice (公示) of one published selection.

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::points::selection::NewSelection;
use onegrid_domain::people::Permission;
use onegrid_domain::points::selection::Choice;
use serde::Deserialize;

use super::form::optional_int;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

fn v<T: serde::Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

#[derive(Deserialize)]
pub struct StartForm {
    #[serde(default)]
    pub csrf: String,
    #[serde(default)]
    pub community_id: String,
    #[serde(default)]
    pub year: String,
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

/// `GET /honours/manage`: the selections the staff member runs, and the form to start one.
pub async fn manage(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/honours/manage");
    if !s.actor.can(Permission::ApprovePoints) {
        return page.error(AppError::Forbidden);
    }
    let (selections, communities) = match (
        state.app.honour_selections(Some(&s.actor), None, None).await,
        state.app.communities_where(&s.actor, Permission::ApprovePoints).await,
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return page.error(e),
    };
    // The past year by default: it has ended, so its figures are final.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    page.render(
        "honours_manage.html",
        context! {
            selections => v(&selections), communities => v(&communities),
            default_year => year - 1, max_year => year,
        },
    )
}

/// `POST /honours/manage` with `community_id` and `year`: starts the draft and opens it.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<StartForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/honours/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let input = match (optional_int("community_id", &f.community_id), optional_int("year", &f.year)) {
        (Ok(community_id), Ok(year)) => NewSelection { community_id, year },
        (Err(e), _) | (_, Err(e)) => return page.error(e),
    };
    match state.app.start_honour_selection(&s.actor, &input).await {
        Ok(view) => Redirect::to(&format!("/honours/manage/{}", view.selection.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /honours/manage/{id}`: the candidates with their frozen figures; a draft as a form.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if !s.actor.can(Permission::ApprovePoints) {
        return page.error(AppError::Forbidden);
    }
    page.show("honours_selection.html", state.app.honour_selection(Some(&s.actor), id).await)
}

/// The choices of the form: for each listed candidate `ids`, the checkbox `chosen_{id}` and the
/// texts `title_{id}`, `citation_{id}`.
fn choices_of(fields: &[(String, String)]) -> Result<Vec<Choice>, AppError> {
    let get = |name: String| fields.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
    fields
        .iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, id)| {
            let id: i64 = id
                .trim()
                .parse()
                .map_err(|_| AppError::field("ids", "must be whole numbers"))?;
            Ok(Choice {
                id,
                chosen: get(format!("chosen_{id}")).is_some(),
                title: get(format!("title_{id}")),
                citation: get(format!("citation_{id}")),
            })
        })
        .collect()
}

/// `POST /honours/manage/{id}/choose`
pub async fn choose(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let csrf = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
    if let Err(e) = check_csrf(&headers, s, csrf) {
        return page.error(e);
    }
    let entries = match choices_of(&fields) {
        Ok(c) => c,
        Err(e) => return page.error(e),
    };
    match state.app.choose_honours(&s.actor, id, &entries).await {
        Ok(_) => Redirect::to(&format!("/honours/manage/{id}")).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /honours/manage/{id}/publish`
pub async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    act(&state, &headers, &session, uri.path(), id, "publish", &f.csrf).await
}

/// `POST /honours/manage/{id}/discard`
pub async fn discard(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Response {
    act(&state, &headers, &session, uri.path(), id, "discard", &f.csrf).await
}

async fn act(
    state: &AppState,
    headers: &HeaderMap,
    session: &MaybeSession,
    path: &str,
    id: i64,
    action: &str,
    csrf: &str,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, path);
    if let Err(e) = check_csrf(headers, s, Some(csrf)) {
        return page.error(e);
    }
    let done = match action {
        "publish" => state
            .app
            .publish_honours(&s.actor, id)
            .await
            .map(|_| format!("/honours/manage/{id}")),
        _ => state
            .app
            .discard_honours(&s.actor, id)
            .await
            .map(|_| "/honours/manage".to_string()),
    };
    match done {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /honours/selections/{id}`: the public notice of a published selection, for print.
pub async fn notice(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let page = crate::html::page::Page::new(&state, &headers, &session, uri.path());
    let actor = session.0.as_ref().map(|s| &s.actor);
    match state.app.honour_selection(actor, id).await {
        // A draft is not a notice, even for the staff who see it on the manage page.
        Ok(view) if view.editable => page.error(AppError::NotFound),
        Ok(view) => {
            let honoured: Vec<_> = view.candidates.iter().filter(|c| c.chosen).collect();
            page.render("honours_notice.html", context! { view => v(&view), honoured => v(&honoured) })
        }
        Err(e) => page.error(e),
    }
}
