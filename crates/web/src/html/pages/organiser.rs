//! P5 pages for the organiser (staff who manage tasks): post a task, see its claims, confirm
//! the service and evaluate it (which credits the points), close the task.

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::volunteer::{Confirmation, Evaluation};
use onegrid_domain::FieldError;
use onegrid_domain::points::Category;
use onegrid_domain::volunteer::NewTask;
use serde::Deserialize;

use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

fn v<T: serde::Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// `GET /tasks/manage`: the tasks the staff member manages and the form for a new one.
pub async fn list(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/tasks/manage");
    if !s.actor.can(onegrid_domain::people::Permission::ManageTasks) {
        return page.error(AppError::Forbidden);
    }
    let tasks = match state.app.volunteer_tasks(&s.actor, None).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let categories: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
    page.render("tasks_manage.html", context! { tasks => v(&tasks), categories })
}

#[derive(Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    place: String,
    /// `datetime-local`, China Standard Time.
    #[serde(default)]
    starts: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    skills: String,
}

fn parse_task(f: &TaskForm, community_id: i64, grid_id: Option<i64>) -> Result<NewTask, AppError> {
    let mut errs = Vec::new();
    let mut int = |name: &str, v: &str| {
        v.trim()
            .parse::<i64>()
            .map_err(|_| errs.push(FieldError::new(name, "must be a whole number")))
            .unwrap_or(0)
    };
    let (hours, capacity, points) = (int("hours", &f.hours), int("capacity", &f.capacity), int("points", &f.points));
    let starts_at = crate::html::local_time::parse_input(&f.starts);
    if starts_at.is_none() {
        errs.push(FieldError::new("starts", "must be a date and time"));
    }
    let category = Category::parse(f.category.trim());
    if category.is_none() {
        errs.push(FieldError::new("category", "choose a category"));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let starts_at = starts_at.unwrap_or_default();
    Ok(NewTask {
        community_id,
        grid_id,
        title: f.title.clone(),
        content: f.content.clone(),
        place: f.place.clone(),
        starts_at,
        ends_at: starts_at + hours * 3_600_000,
        capacity,
        points,
        category: category.expect("checked"),
        skills: f
            .skills
            .split([',', '，', '、'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
    })
}

/// `POST /tasks/manage`: posts a task at the organiser's own community (and grid).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<TaskForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/tasks/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let place = match state.app.my_place(&s.actor).await {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let Some(community_id) = place.community_id else {
        return page.error(AppError::field(
            "community_id",
            "your post is not in a community; post tasks through the API",
        ));
    };
    let task = match parse_task(&f, community_id, place.grid_id) {
        Ok(t) => t,
        Err(e) => return page.error(e),
    };
    match state.app.post_task(&s.actor, &task).await {
        Ok(t) => Redirect::to(&format!("/tasks/manage/{}", t.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /tasks/manage/{id}`: the task with its claims and their next steps.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    match state.app.volunteer_task(&s.actor, id).await {
        Ok(view) if view.claims.is_some() => page.render("task_manage.html", context! { view => v(&view) }),
        Ok(_) => page.error(AppError::NotFound),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    rating: String,
}

/// `POST /tasks/manage/claims/{id}/{step}` with step `confirm` or `evaluate`.
pub async fn step(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path((id, step)): Path<(i64, String)>,
    Form(f): Form<StepForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let done = match step.as_str() {
        "confirm" => match f.minutes.trim() {
            "" => state.app.confirm_claim(&s.actor, id, &Confirmation { minutes: None }).await,
            m => match m.parse::<i64>() {
                Ok(m) => {
                    state
                        .app
                        .confirm_claim(&s.actor, id, &Confirmation { minutes: Some(m) })
                        .await
                }
                Err(_) => Err(AppError::field("minutes", "must be a whole number")),
            },
        },
        "evaluate" => match f.rating.trim().parse::<i64>() {
            Ok(rating) => {
                state
                    .app
                    .evaluate_claim(&s.actor, id, &Evaluation { rating, points: None })
                    .await
            }
            Err(_) => Err(AppError::field("rating", "choose 1 to 5")),
        },
        _ => Err(AppError::NotFound),
    };
    match done {
        Ok(c) => Redirect::to(&format!("/tasks/manage/{}", c.task_id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /tasks/manage/{id}/close`
pub async fn close(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<StepForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.close_task(&s.actor, id).await {
        Ok(_) => Redirect::to(&format!("/tasks/manage/{id}")).into_response(),
        Err(e) => page.error(e),
    }
}
