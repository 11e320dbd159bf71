use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::{Value, context};

use crate::auth::MaybeSession;
use crate::signed_in;
use crate::state::AppState;

/// T3 as a page: findings grouped by rule, with the policy in force.
pub async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/coverage");
    let street = q.get("street").and_then(|v| v.parse::<i64>().ok()).or(s.actor.home_street());
    let Some(street) = street else {
        return page.render("empty.html", context! {});
    };
    match state.app.coverage(&s.actor, street).await {
        Ok(r) => {
            let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
            for f in &r.findings {
                let rule = f.rule().to_string();
                match groups.iter_mut().find(|(k, _)| *k == rule) {
                    Some((_, v)) => v.push(Value::from(minijinja::value::Serde(f))),
                    None => groups.push((rule, vec![Value::from(minijinja::value::Serde(f))])),
                }
            }
            page.render(
                "coverage.html",
                context! { report => Value::from(minijinja::value::Serde(&r)), groups => groups },
            )
        }
        Err(e) => page.error(e),
    }
}
