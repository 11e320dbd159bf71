//! The endpoints. Every answer, error or not, is in the format the resource's extension names.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::Response;
use onegrid_app::case::open311::RequestQuery;

use super::doc::Doc;
use super::error::Errors;
use super::{Format, Params, base_url, form, lang, params, render, respond, split};
use crate::state::AppState;

fn reply(fmt: Format, result: Result<Doc, Errors>) -> Response {
    match result {
        Ok(doc) => respond(fmt, StatusCode::OK, &doc),
        Err(e) => e.render(fmt),
    }
}

fn not_found_jurisdiction(id: Option<&str>) -> String {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(j) => format!("jurisdiction_id: unknown jurisdiction {j:?}"),
        None => "jurisdiction_id: this server serves no jurisdiction yet".into(),
    }
}

/// The street the request names (`jurisdiction_id`), or the only one: its id and code.
struct Jurisdiction {
    id: i64,
    code: String,
}

async fn street(state: &AppState, q: &Params) -> Result<Jurisdiction, Errors> {
    let id = q.get("jurisdiction_id").map(String::as_str);
    match state.app.open311_jurisdiction(id, true).await {
        Ok(Some(s)) => Ok(Jurisdiction { id: s.id, code: s.code }),
        Ok(None) => Err(Errors::not_found(not_found_jurisdiction(id))),
        Err(e) => Err(Errors::app(e, &not_found_jurisdiction(id))),
    }
}

/// `GET discovery|services|requests.{xml,json}`
pub async fn top(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (name, fmt) = match split(&file) {
        Ok(x) => x,
        Err(e) => return e.render(Format::Xml),
    };
    let result = async {
        let q = params(raw.as_deref())?;
        match name {
            "discovery" => discovery(&state, &headers, &q).await,
            "services" => {
                let lang = lang(&q, &headers)?;
                let s = street(&state, &q).await?;
                let items = state
                    .app
                    .open311_services(s.id, lang)
                    .await
                    .map_err(|e| Errors::app(e, "services"))?;
                Ok(render::services(&items))
            }
            "requests" => {
                let lang = lang(&q, &headers)?;
                let s = street(&state, &q).await?;
                let get = |k: &str| q.get(k).cloned();
                let query = RequestQuery {
                    service_request_id: get("service_request_id"),
                    service_code: get("service_code"),
                    start_date: get("start_date"),
                    end_date: get("end_date"),
                    status: get("status"),
                };
                let items = state
                    .app
                    .open311_requests(s.id, &query, lang)
                    .await
                    .map_err(|e| Errors::app(e, "requests"))?;
                Ok(render::requests(&items))
            }
            _ => Err(Errors::not_found(format!("{file}: no such resource"))),
        }
    }
    .await;
    reply(fmt, result)
}

async fn discovery(state: &AppState, headers: &HeaderMap, q: &Params) -> Result<Doc, Errors> {
    let id = q.get("jurisdiction_id").map(String::as_str);
    let streets = match state.app.open311_jurisdiction(id, false).await {
        Ok(Some(s)) => vec![s],
        Ok(None) => state
            .app
            .open311_jurisdictions()
            .await
            .map_err(|e| Errors::app(e, "discovery"))?,
        Err(e) => return Err(Errors::app(e, &not_found_jurisdiction(id))),
    };
    let contact = if streets.is_empty() {
        "The operator of this OneGrid server".to_string()
    } else {
        streets
            .iter()
            .map(|s| format!("{} — 街道办事处 / street office (jurisdiction_id {})", s.name, s.code))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(render::discovery(&base_url(headers), &contact))
}

/// `GET services/{code}.{xml,json}`
pub async fn definition(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (code, fmt) = match split(&file) {
        Ok(x) => x,
        Err(e) => return e.render(Format::Xml),
    };
    let result = async {
        let q = params(raw.as_deref())?;
        let lang = lang(&q, &headers)?;
        let s = street(&state, &q).await?;
        let d = state.app.open311_definition(s.id, code, lang).await.map_err(|e| {
            Errors::app(
                e,
                &format!("service_code: {code:?} is not a service of jurisdiction {}", s.code),
            )
        })?;
        Ok(render::definition(&d))
    }
    .await;
    reply(fmt, result)
}

/// `GET requests/{id}.{xml,json}`: an array of one.
pub async fn one_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let (id, fmt) = match split(&file) {
        Ok(x) => x,
        Err(e) => return e.render(Format::Xml),
    };
    let result = async {
        let q = params(raw.as_deref())?;
        let lang = lang(&q, &headers)?;
        let s = street(&state, &q).await?;
        let missing = format!("service_request_id: there is no request {id:?} in jurisdiction {}", s.code);
        let n = id
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| Errors::not_found(&missing))?;
        let r = state
            .app
            .open311_request(s.id, n, lang)
            .await
            .map_err(|e| Errors::app(e, &missing))?;
        Ok(render::requests(std::slice::from_ref(&r)))
    }
    .await;
    reply(fmt, result)
}

/// `GET tokens/{token}.{xml,json}`
pub async fn token(State(state): State<AppState>, Path(file): Path<String>, RawQuery(raw): RawQuery) -> Response {
    let (token, fmt) = match split(&file) {
        Ok(x) => x,
        Err(e) => return e.render(Format::Xml),
    };
    let result = async {
        let q = params(raw.as_deref())?;
        let s = street(&state, &q).await?;
        let id = state
            .app
            .open311_token(s.id, token)
            .await
            .map_err(|e| Errors::app(e, "token: unknown token"))?;
        Ok(render::token(id, token))
    }
    .await;
    reply(fmt, result)
}

/// `POST requests.{xml,json}` (form-encoded). 200 with `[{service_request_id, token,
/// service_notice, account_id}]`; an `Idempotency-Key` seen before from the same key returns
/// the first request.
pub async fn post_requests(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Response {
    let (name, fmt) = match split(&file) {
        Ok(x) => x,
        Err(e) => return e.render(Format::Xml),
    };
    if name != "requests" {
        return not_allowed(fmt, &file);
    }
    let result = async {
        let ctype = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        if ctype.starts_with("multipart/") {
            return Err(Errors::bad(
                "Content-Type: file uploads are not accepted; send the form url-encoded, with media_url linking the photo",
            ));
        }
        if !ctype.is_empty() && !ctype.starts_with("application/x-www-form-urlencoded") {
            return Err(Errors::bad("Content-Type: must be application/x-www-form-urlencoded"));
        }
        let text = std::str::from_utf8(&body).map_err(|_| Errors::bad("body: is not UTF-8"))?;
        let (post, jurisdiction) = form::post(form::pairs(text).map_err(Errors::bad)?).map_err(Errors::fields)?;
        let lang = lang(&params(raw.as_deref())?, &headers)?;
        let street = match jurisdiction.as_deref().map(str::trim).filter(|j| !j.is_empty()) {
            None => None,
            Some(j) => match state.app.open311_jurisdiction(Some(j), false).await {
                Ok(s) => s.map(|s| s.id),
                Err(e) => return Err(Errors::app(e, &not_found_jurisdiction(Some(j)))),
            },
        };
        let key = crate::api::cases::idempotency_key(&headers).map_err(|e| Errors::app(e, "Idempotency-Key"))?;
        let code = post.service_code.clone().unwrap_or_default();
        let posted = state
            .app
            .open311_post(street, &post, key.as_deref(), lang)
            .await
            .map_err(|e| {
                Errors::app(
                    e,
                    &format!(
                        "service_code: {:?} is not a service of this jurisdiction (see services.xml)",
                        code.trim()
                    ),
                )
            })?;
        Ok(render::posted(&posted))
    }
    .await;
    reply(fmt, result)
}

/// The format a path asks for, for answers outside the routes.
fn format_of(uri: &Uri) -> Format {
    if uri.path().ends_with(".json") {
        Format::Json
    } else {
        Format::Xml
    }
}

fn not_allowed(fmt: Format, file: &str) -> Response {
    let mut r = Errors::one(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{file}: only GET is allowed here (POST only on requests.xml or requests.json)"),
    )
    .render(fmt);
    r.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET"));
    r
}

pub async fn wrong_method(uri: Uri) -> Response {
    let file = uri.path().rsplit('/').next().unwrap_or_default().to_string();
    not_allowed(format_of(&uri), &file)
}

pub async fn unknown(uri: Uri) -> Response {
    Errors::not_found(format!(
        "{}: no such resource; start at discovery.xml or services.xml",
        uri.path()
    ))
    .render(format_of(&uri))
}
