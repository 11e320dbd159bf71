//! P6 over the API: the council's policy, members, topics (comments, follows, votes, minutes,
//! implementation items and reports) and micro-update projects (stages, problems, milestones,
//! acceptance). Refusals are 409 with a code (`already_voted`, `no_members`, `items_open`,
//! `not_ready` …); a vote by someone not on the council is 403.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_app::council::VoteOptions;
use onegrid_domain::council::{
    Acceptance, CouncilPolicy, Minutes, NewItem, NewMilestone, NewProblem, NewProject, NewReport, NewTopic,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::points::{created, id_param, json_body, writer};
use super::query::{Params, street_of};
use crate::auth::MaybeSession;
use crate::error::ApiResult;
use crate::state::AppState;

/// A required JSON body, read as `what`; the error names the body.
fn body_as<T: DeserializeOwned>(body: &Bytes, what: &str) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| AppError::field("body", format!("is not {what}: {e}")))
}

/// `GET /api/v1/council/policy[?street_id=]`
pub async fn policy(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.council_policy(&s.actor, street_of(&s, &q)?).await?)))
}

/// `PUT /api/v1/council/policy[?street_id=]` with `{"quorum_percent", "majority", "ballot"}`.
pub async fn set_policy(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let p: CouncilPolicy = body_as(&body, "a council policy")?;
    state.app.set_council_policy(&s.actor, street_of(&s, &q)?, &p).await?;
    Ok(Json(json!(p)))
}

/// `GET /api/v1/council/members[?grid_id=]`
pub async fn members(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(
        json!({"items": state.app.council_members(&s.actor, id_param(&q, "grid_id")?).await?}),
    ))
}

#[derive(Deserialize)]
struct Appointment {
    grid_id: i64,
    person_id: i64,
}

/// `POST /api/v1/council/members` with `{"grid_id", "person_id"}` → 201.
pub async fn appoint(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let a: Appointment = body_as(&body, "an appointment (grid_id, person_id)")?;
    Ok(created(state.app.appoint_member(&s.actor, a.grid_id, a.person_id).await?))
}

/// `POST /api/v1/council/members/{id}/remove`
pub async fn remove(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.remove_member(&s.actor, id).await?)))
}

/// `GET /api/v1/council/topics[?community_id=&grid_id=&following=true]`
pub async fn topics(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let items = if super::query::flag(&q, "following")? {
        state.app.followed_topics(&s.actor).await?
    } else {
        state
            .app
            .council_topics(&s.actor, id_param(&q, "community_id")?, id_param(&q, "grid_id")?)
            .await?
    };
    Ok(Json(json!({ "items": items })))
}

/// `POST /api/v1/council/topics` → 201 with the topic view.
pub async fn raise(State(state): State<AppState>, session: MaybeSession, headers: HeaderMap, body: Bytes) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let t: NewTopic = body_as(&body, "a council topic")?;
    Ok(created(state.app.raise_topic(&s.actor, &t).await?))
}

/// `GET /api/v1/council/topics/{id}`
pub async fn topic(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.council_topic(&s.actor, id).await?)))
}

/// `POST /api/v1/council/topics/{id}/discuss`
pub async fn discuss(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.discuss_topic(&s.actor, id).await?)))
}

/// `POST /api/v1/council/topics/{id}/close`
pub async fn close(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.close_topic(&s.actor, id).await?)))
}

#[derive(Deserialize)]
struct CommentBody {
    #[serde(default)]
    body: String,
}

/// `POST /api/v1/council/topics/{id}/comments` with `{"body"}` → 201.
pub async fn comment(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let c: CommentBody = body_as(&body, "a comment")?;
    Ok(created(state.app.comment_topic(&s.actor, id, &c.body).await?))
}

/// `POST /api/v1/council/topics/{id}/follow`
pub async fn follow(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!({"following": state.app.follow_topic(&s.actor, id, true).await?})))
}

/// `DELETE /api/v1/council/topics/{id}/follow`
pub async fn unfollow(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!({"following": state.app.follow_topic(&s.actor, id, false).await?})))
}

/// `POST /api/v1/council/topics/{id}/open-vote[ {"ballot", "majority", "quorum_percent"}]`
pub async fn open_vote(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let o: VoteOptions = json_body(&body)?;
    Ok(Json(json!(state.app.open_vote(&s.actor, id, &o).await?)))
}

#[derive(Deserialize)]
struct Cast {
    #[serde(default)]
    choice: String,
}

/// `POST /api/v1/council/topics/{id}/votes` with `{"choice": "yes"|"no"|"abstain"}` → 201.
pub async fn vote(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let c: Cast = body_as(&body, "a vote")?;
    Ok(created(state.app.cast_vote(&s.actor, id, &c.choice).await?))
}

/// `POST /api/v1/council/topics/{id}/close-vote`
pub async fn close_vote(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.close_vote(&s.actor, id).await?)))
}

/// `POST /api/v1/council/topics/{id}/minutes` with `{"decision", "minutes", "held_on"}`.
pub async fn minutes(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let m: Minutes = body_as(&body, "meeting minutes")?;
    Ok(Json(json!(state.app.record_minutes(&s.actor, id, &m).await?)))
}

/// `POST /api/v1/council/topics/{id}/items` with `{"title", "owner_person_id", "deadline"}` → 201.
pub async fn add_item(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let i: NewItem = body_as(&body, "an implementation item")?;
    Ok(created(state.app.add_item(&s.actor, id, &i).await?))
}

/// `POST /api/v1/council/topics/{id}/finish`
pub async fn finish(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.finish_topic(&s.actor, id).await?)))
}

/// `GET /api/v1/council/items`: the items the signed-in person is responsible for.
pub async fn my_items(State(state): State<AppState>, session: MaybeSession) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!({"items": state.app.my_council_items(&s.actor).await?})))
}

/// `POST /api/v1/council/items/{id}/reports` with `{"status", "note"}` → 201.
pub async fn report(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let r: NewReport = body_as(&body, "a status report")?;
    Ok(created(state.app.report_item(&s.actor, id, &r).await?))
}

/// `GET /api/v1/council/projects[?community_id=]`
pub async fn projects(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(
        json!({"items": state.app.council_projects(&s.actor, id_param(&q, "community_id")?).await?}),
    ))
}

/// `POST /api/v1/council/projects` → 201.
pub async fn create_project(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let p: NewProject = body_as(&body, "a micro-update project")?;
    Ok(created(state.app.create_project(&s.actor, &p).await?))
}

/// `GET /api/v1/council/projects/{id}`
pub async fn project(State(state): State<AppState>, session: MaybeSession, Path(id): Path<i64>) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    Ok(Json(json!(state.app.council_project(&s.actor, id).await?)))
}

#[derive(Deserialize)]
struct StageBody {
    #[serde(default)]
    name: String,
}

/// `POST /api/v1/council/projects/{id}/stages` with `{"name"}` → 201.
pub async fn add_stage(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let b: StageBody = body_as(&body, "a stage")?;
    Ok(created(state.app.add_stage(&s.actor, id, &b.name).await?))
}

/// `POST /api/v1/council/stages/{id}/start`
pub async fn start_stage(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.move_stage(&s.actor, id, false).await?)))
}

/// `POST /api/v1/council/stages/{id}/finish`
pub async fn finish_stage(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    Ok(Json(json!(state.app.move_stage(&s.actor, id, true).await?)))
}

/// `POST /api/v1/council/projects/{id}/problems` with `{"description", "stage_id"?}` → 201.
pub async fn add_problem(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let p: NewProblem = body_as(&body, "a problem")?;
    Ok(created(state.app.report_problem(&s.actor, id, &p).await?))
}

#[derive(Deserialize)]
struct Resolution {
    #[serde(default)]
    resolution: String,
}

/// `POST /api/v1/council/problems/{id}/resolve` with `{"resolution"}`.
pub async fn resolve(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let r: Resolution = body_as(&body, "a resolution")?;
    Ok(Json(json!(state.app.resolve_problem(&s.actor, id, &r.resolution).await?)))
}

/// `POST /api/v1/council/projects/{id}/milestones` with `{"name", "due_on"}` → 201.
pub async fn add_milestone(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let m: NewMilestone = body_as(&body, "a milestone")?;
    Ok(created(state.app.add_milestone(&s.actor, id, &m).await?))
}

#[derive(Default, Deserialize)]
struct Reached {
    #[serde(default)]
    done_on: Option<String>,
}

/// `POST /api/v1/council/milestones/{id}/reach[ {"done_on"}]`
pub async fn reach(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let s = writer(session, &headers)?;
    let r: Reached = json_body(&body)?;
    Ok(Json(json!(
        state.app.reach_milestone(&s.actor, id, r.done_on.as_deref()).await?
    )))
}

/// `POST /api/v1/council/projects/{id}/acceptance` with `{"passed", "note", "photos"}` → 201.
pub async fn accept(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let a: Acceptance = body_as(&body, "an acceptance")?;
    Ok(created(state.app.accept_project(&s.actor, id, &a).await?))
}

/// `POST /api/v1/council/problems/{id}/case` with `{"category", "lat", "lng" | "address"}` → 201
/// with the case the problem became (the same case again on a retry).
pub async fn problem_case(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = writer(session, &headers)?;
    let p: onegrid_app::council::ProblemCase = body_as(&body, "a case for the problem")?;
    let case_id = state.app.problem_to_case(&s.actor, id, &p).await?;
    Ok(created(json!({"problem_id": id, "case_id": case_id})))
}
