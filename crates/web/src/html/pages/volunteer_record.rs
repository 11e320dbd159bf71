//! P5 volunteer record pages: the person's own (`/tasks/record`) and, for staff, anyone's in
//! their scope (`/people/{id}/volunteer-record`); printable as the community's certificate.

use std::collections::HashMap;

use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::volunteer_record::VolunteerRecord;

use crate::api::volunteer_record::year_param;
use crate::auth::MaybeSession;
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

fn show(page: &Page<'_>, action: &str, record: Result<VolunteerRecord, AppError>) -> Response {
    match record {
        Ok(r) => page.render(
            "volunteer_record.html",
            context! { view => Value::from(minijinja::value::Serde(&r)), action },
        ),
        Err(e) => page.error(e),
    }
}

/// `GET /tasks/record[?year=YYYY]`
pub async fn mine(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/tasks/record");
    let record = match year_param(&q) {
        Ok(year) => state.app.my_volunteer_record(&s.actor, year).await,
        Err(e) => Err(e),
    };
    show(&page, "/tasks/record", record)
}

/// `GET /people/{id}/volunteer-record[?year=YYYY]`
pub async fn of_person(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let record = match year_param(&q) {
        Ok(year) => state.app.volunteer_record(&s.actor, id, year).await,
        Err(e) => Err(e),
    };
    show(&page, uri.path(), record)
}
