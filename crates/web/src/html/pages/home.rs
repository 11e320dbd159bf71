use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::{Value, context};

use crate::auth::MaybeSession;
use crate::html::page::Page;
use crate::state::AppState;

pub async fn home(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let page = Page::new(&state, &headers, &session, "/").with_case_counts().await;
    let s = match page.require() {
        Ok(s) => s,
        Err(r) => return r,
    };
    let streets = match state.app.streets().await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let mut views = Vec::new();
    for st in &streets {
        match state.app.street_view(&s.actor, st.id).await {
            Ok(v) => views.push(v),
            Err(e) => return page.error(e),
        }
    }
    let posts: Vec<Value> = s
        .actor
        .grants
        .iter()
        .map(|g| Value::from(minijinja::value::Serde(g.role.as_str())))
        .collect();
    page.render(
        "home.html",
        context! { streets => Value::from(minijinja::value::Serde(&views)), roles => posts },
    )
}
