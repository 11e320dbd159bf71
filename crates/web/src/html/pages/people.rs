use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::{Value, context};

use crate::auth::MaybeSession;
use crate::signed_in;
use crate::state::AppState;

pub async fn person(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("person.html", state.app.person_view(&s.actor, id).await)
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/people");
    let text = q.get("q").cloned().unwrap_or_default();
    let p = q
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    match state.app.people(&s.actor, &text, p, 50).await {
        Ok((items, total)) => page.render(
            "people.html",
            context! {
                q => text, items => Value::from(minijinja::value::Serde(&items)), total, page_no => p, pages => (total + 49) / 50
            },
        ),
        Err(e) => page.error(e),
    }
}

pub async fn organisation(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/organisation");
    let Some(street) = s.actor.home_street() else {
        return page.render("empty.html", context! {});
    };
    page.show("organisation.html", state.app.organisation(&s.actor, street).await)
}
