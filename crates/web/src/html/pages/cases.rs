//! Staff case lists (issue 3 item 10): "my cases" by urgency with the red/yellow/green light of
//! the running step (C5), the weekly case meeting list of a community (C11, printable), and the
//! in-app notifications.

use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate, Utc};
use minijinja::context;
use onegrid_app::AppError;
use onegrid_app::case::CaseRow;
use onegrid_domain::case::Colour;
use onegrid_domain::people::{Permission, UnitPath};
use serde::{Deserialize, Serialize};

use super::case_form::{Categories, v};
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

const PER_PAGE: i64 = 20;

/// One line of a case list.
#[derive(Serialize)]
pub struct Row {
    pub id: i64,
    pub number: String,
    pub category: String,
    pub status: &'static str,
    pub channel: String,
    pub description: String,
    pub address: Option<String>,
    pub received_at: i64,
    pub due_at: Option<i64>,
    /// Green below the warning share of the step, yellow until due, red after (C5).
    pub colour: Option<Colour>,
    pub handler_tier: Option<String>,
    pub escalation_level: u8,
    pub reworks: u32,
    pub reopens: u32,
}

/// List lines with category names in the page's language (one catalogue read per street).
pub async fn rows(state: &AppState, items: &[CaseRow], lang: &str) -> Vec<Row> {
    let mut names: HashMap<i64, Option<Categories>> = HashMap::new();
    let now = Utc::now();
    let mut out = Vec::with_capacity(items.len());
    for c in items {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(c.street_id) {
            e.insert(Categories::load(state, c.street_id).await.ok());
        }
        let category = names
            .get(&c.street_id)
            .and_then(Option::as_ref)
            .map_or_else(|| c.category_code.clone(), |n| n.label(&c.category_code, lang));
        out.push(Row {
            id: c.id,
            number: onegrid_app::case::number(c),
            category,
            status: c.state.status.as_str(),
            channel: c.channel.clone(),
            description: c.description.chars().take(80).collect(),
            address: c.address.clone(),
            received_at: c.received_at,
            due_at: c.due_at,
            colour: c.clock.as_ref().filter(|_| c.state.status.is_open()).map(|k| k.colour(now)),
            handler_tier: c.handler_tier.clone(),
            escalation_level: c.state.escalation_level,
            reworks: c.state.reworks,
            reopens: c.state.reopens,
        });
    }
    out
}

fn page_param(q: &HashMap<String, String>) -> Result<i64, AppError> {
    match q.get("page").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(1),
        Some(p) => p
            .parse::<i64>()
            .ok()
            .filter(|p| *p >= 1)
            .ok_or_else(|| AppError::field("page", "must be a whole number, 1 or more")),
    }
}

/// `GET /cases[?page=]`: the user's work list, overdue first.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases");
    let n = match page_param(&q) {
        Ok(n) => n,
        Err(e) => return page.error(e),
    };
    let mine = match state.app.my_cases(&s.actor, Some(n), Some(PER_PAGE)).await {
        Ok(m) => m,
        Err(e) => return page.error(e),
    };
    let items = rows(&state, &mine.items, page.lang).await;
    let pages = ((mine.total + PER_PAGE - 1) / PER_PAGE).max(1);
    page.render(
        "cases.html",
        context! {
            items => v(&items), total => mine.total, overdue => mine.overdue, page_no => mine.page, pages,
            can_weekly => s.actor.grants.iter().any(|g| g.role.allows(Permission::HandleCases)
                && matches!(g.level, onegrid_domain::territory::Level::Community | onegrid_domain::territory::Level::Street))
                || s.actor.user.superuser,
        },
    )
}

#[derive(Serialize)]
struct Choice {
    id: i64,
    name: String,
}

/// `GET /cases/weekly?community_id=&day=YYYY-MM-DD`: the weekly case meeting list (C11).
pub async fn weekly(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/weekly");
    if !s.actor.can(Permission::HandleCases) {
        return page.error(AppError::Forbidden);
    }
    // The communities the user may hold the meeting for.
    let mut choices = Vec::new();
    let scope = s.actor.scope(Permission::HandleCases);
    for street in s.actor.home_street().into_iter() {
        match state.app.street_view(&s.actor, street).await {
            Ok(view) => choices.extend(
                view.communities
                    .into_iter()
                    .filter(|c| {
                        scope.covers(&UnitPath {
                            street_id: street,
                            community_id: Some(c.area.id),
                            ..UnitPath::default()
                        })
                    })
                    .map(|c| Choice {
                        id: c.area.id,
                        name: c.area.name,
                    }),
            ),
            Err(e) => return page.error(e),
        }
    }
    let asked = match q.get("community_id").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(id) => match id.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => return page.error(AppError::field("community_id", "must be a whole number")),
        },
    };
    let day = match q.get("day").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => return page.error(AppError::field("day", "must be a date YYYY-MM-DD")),
        },
    };
    let Some(community_id) = asked.or_else(|| choices.first().map(|c| c.id)) else {
        return page.error(AppError::field(
            "community_id",
            "none of your posts is on a community or the street",
        ));
    };
    let week = match state.app.weekly_cases(&s.actor, community_id, day).await {
        Ok(w) => w,
        Err(e) => return page.error(e),
    };
    let items = rows(&state, &week.items, page.lang).await;
    let start = NaiveDate::parse_from_str(&week.week_start, "%Y-%m-%d").unwrap_or_default();
    let community = choices
        .iter()
        .find(|c| c.id == community_id)
        .map_or_else(|| format!("#{community_id}"), |c| c.name.clone());
    page.render(
        "cases_weekly.html",
        context! {
            items => v(&items), community_id, community, choices => v(&choices),
            week_start => week.week_start.clone(),
            week_end => (start + Duration::days(6)).to_string(),
            prev_week => (start - Duration::days(7)).to_string(),
            next_week => (start + Duration::days(7)).to_string(),
        },
    )
}

/// `GET /notifications`
pub async fn notifications(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/notifications");
    match state.app.notifications(&s.actor, 100).await {
        Ok((items, unread)) => page.render("notifications.html", context! { items => v(&items), unread }),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /notifications/read`: marks every notification read.
pub async fn read_all(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<CsrfForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/notifications");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.mark_notifications_read(&s.actor).await {
        Ok(_) => Redirect::to("/notifications").into_response(),
        Err(e) => page.error(e),
    }
}
