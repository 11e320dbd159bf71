//! P6 pages. Residents (on the phone): the council topics of their community to follow,
//! discuss and — council members — vote on, their implementation items to report on, and the
//! community's micro-update projects. Staff who run the council: topics, members, votes,
//! minutes, implementation items and projects.

use axum::Form;
use axum::extract::{Multipart, OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::council::VoteOptions;
use onegrid_domain::FieldError;
use onegrid_domain::council::{
    Acceptance, ItemStatus, Minutes, NewItem, NewMilestone, NewProblem, NewProject, NewReport, NewTopic, ProjectKind,
};
use onegrid_domain::people::Permission;
use serde::Deserialize;

use super::case_form::Submitted;
use super::form::optional_int;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

fn v<T: serde::Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// Every council form: each field is optional here; the use case says what is missing.
#[derive(Deserialize, Default)]
pub struct CouncilForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    grid_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    choice: String,
    #[serde(default)]
    ballot: String,
    #[serde(default)]
    majority: String,
    #[serde(default)]
    quorum_percent: String,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    stages: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    due_on: String,
    #[serde(default)]
    resolution: String,
    #[serde(default)]
    stage_id: String,
    #[serde(default)]
    topic_id: String,
}

fn id_field(name: &str, v: &str) -> Result<i64, AppError> {
    v.trim().parse::<i64>().map_err(|_| AppError::field(name, "choose one"))
}

fn list(v: &str) -> Vec<String> {
    v.split(['\n', ',', '，', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// `GET /council`: the person's council page.
pub async fn home(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/council");
    // Staff of the street without a home community see no community list here, only their own.
    let or_empty = |r: Result<_, AppError>| match r {
        Ok(v) => Ok(v),
        Err(AppError::Invalid(_)) => Ok(Vec::new()),
        Err(e) => Err(e),
    };
    let community_id = match state.app.my_place(&s.actor).await {
        Ok(p) => p.community_id,
        Err(AppError::Invalid(_)) => None,
        Err(e) => return page.error(e),
    };
    let topics = match community_id {
        Some(c) => state.app.council_topics(&s.actor, Some(c), None).await,
        None => Ok(Vec::new()),
    };
    let projects = match community_id {
        Some(c) => state.app.council_projects(&s.actor, Some(c)).await,
        None => Ok(Vec::new()),
    };
    let (topics, projects, followed, items, grids) = match (
        topics,
        projects,
        state.app.followed_topics(&s.actor).await,
        or_empty(state.app.my_council_items(&s.actor).await),
        state.app.council_grids(&s.actor).await,
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d), Ok(e)) => (a, b, c, d, e),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), ..) | (_, _, _, Err(e), _) | (.., Err(e)) => return page.error(e),
    };
    page.render(
        "council.html",
        context! { topics => v(&topics), projects => v(&projects), followed => v(&followed), items => v(&items), grids => v(&grids) },
    )
}

/// `POST /council/topics`: raises a topic.
pub async fn raise(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/council");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let done = match id_field("grid_id", &f.grid_id) {
        Ok(grid_id) => {
            let t = NewTopic {
                grid_id,
                title: f.title.clone(),
                content: f.content.clone(),
            };
            state.app.raise_topic(&s.actor, &t).await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(view) => Redirect::to(&format!("/council/topics/{}", view.topic.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /council/topics/{id}`
pub async fn topic(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let view = state.app.council_topic(&s.actor, id).await;
    let today = onegrid_app::today();
    match view {
        Ok(view) => page.render("council_topic.html", context! { view => v(&view), today }),
        Err(e) => page.error(e),
    }
}

/// `POST /council/topics/{id}/{action}`: what residents, members and staff do on a topic.
pub async fn topic_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let app = &state.app;
    let a = &s.actor;
    let done: Result<(), AppError> = match action.as_str() {
        "comment" => app.comment_topic(a, id, &f.body).await.map(drop),
        "follow" => app.follow_topic(a, id, true).await.map(drop),
        "unfollow" => app.follow_topic(a, id, false).await.map(drop),
        "vote" => app.cast_vote(a, id, &f.choice).await.map(drop),
        "discuss" => app.discuss_topic(a, id).await.map(drop),
        "close" => app.close_topic(a, id).await.map(drop),
        "close-vote" => app.close_vote(a, id).await.map(drop),
        "finish" => app.finish_topic(a, id).await.map(drop),
        "open-vote" => match optional_int("quorum_percent", &f.quorum_percent) {
            Ok(quorum_percent) => {
                let o = VoteOptions {
                    ballot: Some(f.ballot.clone()),
                    majority: Some(f.majority.clone()),
                    quorum_percent,
                };
                app.open_vote(a, id, &o).await.map(drop)
            }
            Err(e) => Err(e),
        },
        "minutes" => {
            let m = Minutes {
                decision: f.decision.clone(),
                minutes: f.minutes.clone(),
                held_on: f.held_on.clone(),
            };
            app.record_minutes(a, id, &m).await.map(drop)
        }
        "items" => match app.council_person(a, &f.owner).await {
            Ok(owner) => {
                let i = NewItem {
                    title: f.title.clone(),
                    owner_person_id: owner,
                    deadline: f.deadline.clone(),
                };
                app.add_item(a, id, &i).await.map(drop)
            }
            Err(AppError::Invalid(_)) => Err(AppError::field("owner", "no person with this code or id in your street")),
            Err(e) => Err(e),
        },
        _ => Err(AppError::NotFound),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/council/topics/{id}")).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /council/items/{id}/report`: a status report by the item's owner or the staff.
pub async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let Some(status) = ItemStatus::parse(f.status.trim()) else {
        return page.error(AppError::field("status", "choose a status"));
    };
    let r = NewReport {
        status,
        note: f.note.clone(),
    };
    match state.app.report_item(&s.actor, id, &r).await {
        Ok(view) => Redirect::to(&format!("/council/topics/{}", view.item.topic_id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /council/manage`: the staff's council desk.
pub async fn manage(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/council/manage");
    if !s.actor.can(Permission::RunCouncil) {
        return page.error(AppError::Forbidden);
    }
    let (topics, members, projects, grids) = match (
        state.app.council_topics(&s.actor, None, None).await,
        state.app.council_members(&s.actor, None).await,
        state.app.council_projects(&s.actor, None).await,
        state.app.council_grids(&s.actor).await,
    ) {
        (Ok(a), Ok(b), Ok(c), Ok(d)) => (a, b, c, d),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return page.error(e),
    };
    // Only the grids whose council the staff member runs.
    let grids: Vec<_> = grids
        .into_iter()
        .filter(|g| s.actor.scope(Permission::RunCouncil).covers(&g.path()))
        .collect();
    let kinds: Vec<&str> = ProjectKind::ALL.iter().map(|k| k.as_str()).collect();
    page.render(
        "council_manage.html",
        context! { topics => v(&topics), members => v(&members), projects => v(&projects), grids => v(&grids), kinds },
    )
}

/// `POST /council/members`: appoints a person (by code or id) to a grid's council.
pub async fn appoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/council/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let done = match (
        id_field("grid_id", &f.grid_id),
        state.app.council_person(&s.actor, &f.person).await,
    ) {
        (Ok(g), Ok(p)) => state.app.appoint_member(&s.actor, g, p).await.map(drop),
        (Err(AppError::Invalid(mut a)), Err(AppError::Invalid(b))) => {
            a.extend(b);
            Err(AppError::Invalid(a))
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    match done {
        Ok(()) => Redirect::to("/council/manage").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /council/members/{id}/remove`
pub async fn remove(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.remove_member(&s.actor, id).await {
        Ok(_) => Redirect::to("/council/manage").into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /council/projects`: a project in a grid the staff member runs, stages one per line.
pub async fn create_project(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/council/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let grid = match id_field("grid_id", &f.grid_id) {
        Ok(g) => state
            .app
            .council_grids(&s.actor)
            .await
            .map(|gs| gs.into_iter().find(|x| x.id == g)),
        Err(e) => Err(e),
    };
    let grid = match grid {
        Ok(Some(g)) => g,
        Ok(None) => return page.error(AppError::field("grid_id", "is not a grid you run the council of")),
        Err(e) => return page.error(e),
    };
    let mut errs = Vec::new();
    let kind = ProjectKind::parse(f.kind.trim());
    if kind.is_none() {
        errs.push(FieldError::new("kind", "choose a kind"));
    }
    let topic_id = optional_int("topic_id", &f.topic_id).map_err(|e| {
        if let AppError::Invalid(f) = e {
            errs.extend(f)
        }
    });
    if !errs.is_empty() {
        return page.error(AppError::Invalid(errs));
    }
    let p = NewProject {
        community_id: grid.community_id.unwrap_or_default(),
        grid_id: Some(grid.id),
        topic_id: topic_id.unwrap_or(None),
        title: f.title.clone(),
        description: f.description.clone(),
        kind: kind.expect("checked"),
        stages: list(&f.stages),
    };
    match state.app.create_project(&s.actor, &p).await {
        Ok(view) => Redirect::to(&format!("/council/projects/{}", view.project.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /council/projects/{id}`
pub async fn project(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    page.show("council_project.html", state.app.council_project(&s.actor, id).await)
}

/// `POST /council/{projects|stages|problems|milestones}/{id}/{action}`: the steps of a project,
/// its stages, problems and milestones; back on the project's page.
pub async fn project_action(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<CouncilForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let what = uri.path().split('/').nth(2).unwrap_or_default().to_string();
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let app = &state.app;
    let a = &s.actor;
    let done = match (what.as_str(), action.as_str()) {
        ("projects", "stages") => app.add_stage(a, id, &f.name).await,
        ("projects", "problems") => match optional_int("stage_id", &f.stage_id) {
            Ok(stage_id) => {
                let p = NewProblem {
                    stage_id,
                    description: f.description.clone(),
                };
                app.report_problem(a, id, &p).await
            }
            Err(e) => Err(e),
        },
        ("projects", "milestones") => {
            let m = NewMilestone {
                name: f.name.clone(),
                due_on: f.due_on.clone(),
            };
            app.add_milestone(a, id, &m).await
        }
        ("stages", "start") => app.move_stage(a, id, false).await,
        ("stages", "finish") => app.move_stage(a, id, true).await,
        ("problems", "resolve") => app.resolve_problem(a, id, &f.resolution).await,
        ("milestones", "reach") => app.reach_milestone(a, id, Some(&f.due_on)).await,
        _ => Err(AppError::NotFound),
    };
    match done {
        Ok(view) => Redirect::to(&format!("/council/projects/{}", view.project.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /council/projects/{id}/acceptance`: a multipart form with the result, the note and the
/// photos, which go to the evidence store (C7) before the acceptance takes them.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    form: Multipart,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let done = async {
        let form = Submitted::read(form, "photos").await?;
        check_csrf(&headers, s, Some(&form.get("csrf")))?;
        let photos = form
            .upload_photos(&state, Some(&s.actor), s.actor.home_street(), "photos")
            .await?;
        let acc = Acceptance {
            passed: form.get("passed") == "true",
            note: form.get("note"),
            photos,
        };
        state.app.accept_project(&s.actor, id, &acc).await
    };
    match done.await {
        Ok(view) => Redirect::to(&format!("/council/projects/{}", view.project.id)).into_response(),
        Err(e) => page.error(e),
    }
}
