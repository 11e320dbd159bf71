//! G1–G2 in the UI (street administrators): propose a division of a grid or community, see it
//! on the map beside the current one with both quality reports, accept or discard it.

use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use serde::Deserialize;

use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

/// `GET /partition`: the proposals and the form for a new one.
pub async fn list(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/partition");
    let items = match state.app.partition_proposals(&s.actor, None).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let choices = match state.app.division_choices(&s.actor, None).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let default_cap = match s.actor.home_street() {
        Some(street) => match state.app.division_policy(street).await {
            Ok(p) => p.households_per_micro_grid,
            Err(e) => return page.error(e),
        },
        None => onegrid_app::partition::DEFAULT_HOUSEHOLDS_PER_MICRO_GRID,
    };
    page.render(
        "partition_list.html",
        context! {
            items => Value::from(minijinja::value::Serde(&items)),
            choices => Value::from(minijinja::value::Serde(&choices)),
            default_cap,
        },
    )
}

#[derive(Deserialize)]
pub struct NewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    area_id: String,
    #[serde(default)]
    policy: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    k: String,
    #[serde(default)]
    seed: String,
}

struct Parsed {
    area_id: i64,
    cap: Option<f64>,
    k: Option<usize>,
    seed: Option<u64>,
}

fn parse_form(f: &NewForm) -> Result<Parsed, AppError> {
    let mut errs = Vec::new();
    let area_id = f
        .area_id
        .trim()
        .parse::<i64>()
        .map_err(|_| errs.push(onegrid_domain::FieldError::new("area_id", "choose a grid or community")))
        .ok();
    let (mut cap, mut k) = (None, None);
    if f.policy == "k" {
        k =
            f.k.trim()
                .parse::<usize>()
                .map_err(|_| errs.push(onegrid_domain::FieldError::new("k", "must be a whole number ≥ 1")))
                .ok();
    } else if !f.cap.trim().is_empty() {
        cap = f
            .cap
            .trim()
            .parse::<f64>()
            .map_err(|_| errs.push(onegrid_domain::FieldError::new("cap", "must be a number")))
            .ok();
    }
    let seed = match f.seed.trim() {
        "" => None,
        v => v
            .parse::<u64>()
            .map_err(|_| errs.push(onegrid_domain::FieldError::new("seed", "must be a whole number ≥ 0")))
            .ok(),
    };
    if errs.is_empty() {
        Ok(Parsed {
            area_id: area_id.unwrap_or_default(),
            cap,
            k,
            seed,
        })
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// `POST /partition`: runs a proposal and shows it.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<NewForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/partition");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    let p = match parse_form(&f) {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    match state
        .app
        .create_partition_proposal(&s.actor, p.area_id, p.cap, p.k, p.seed)
        .await
    {
        Ok(v) => Redirect::to(&format!("/partition/{}", v.proposal.id)).into_response(),
        Err(e) => page.error(e),
    }
}

/// `GET /partition/{id}`: both divisions on maps, both reports side by side.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    let tiles = std::env::var("ONEGRID_TILE_URL").unwrap_or_default();
    match state.app.partition_proposal(&s.actor, id).await {
        Ok(v) => page.render(
            "partition.html",
            context! { view => Value::from(minijinja::value::Serde(&v)), tile_url => tiles },
        ),
        Err(e) => page.error(e),
    }
}

#[derive(Deserialize)]
pub struct DecideForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /partition/{id}/accept`: accepts and shows what was done.
pub async fn accept(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.accept_partition_proposal(&s.actor, id).await {
        Ok(_) => Redirect::to(&format!("/partition/{id}")).into_response(),
        Err(e) => page.error(e),
    }
}

/// `POST /partition/{id}/discard`
pub async fn discard(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<DecideForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
        return page.error(e);
    }
    match state.app.discard_partition_proposal(&s.actor, id).await {
        Ok(()) => Redirect::to("/partition").into_response(),
        Err(e) => page.error(e),
    }
}
