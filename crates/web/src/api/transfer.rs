//! T8 over the API: `POST /api/v1/import?kind=..&format=csv|geojson[&strict=true]` with the file
//! as the body; `GET /api/v1/export?kind=..&street_id=..&format=..`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use onegrid_app::transfer::{Format, Kind};

use super::query::{self, Params};
use crate::auth::{MaybeSession, check_csrf};
use crate::error::ApiResult;
use crate::state::AppState;

pub fn kind_and_format(q: &Params) -> Result<(Kind, Format), AppError> {
    let kinds = Kind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
    let kind = q
        .get("kind")
        .and_then(|k| Kind::parse(k))
        .ok_or_else(|| AppError::field("kind", format!("must be one of {kinds}")))?;
    let format = match q.get("format").map(|s| s.to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("csv") => Format::Csv,
        Some("geojson") => Format::GeoJson,
        Some(_) => return Err(AppError::field("format", "must be csv or geojson")),
    };
    Ok((kind, format))
}

pub async fn import(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    Query(q): Query<Params>,
    body: Bytes,
) -> ApiResult<Response> {
    let s = session.require()?;
    // A cookie-authenticated import must carry the session's CSRF token in a header.
    check_csrf(&headers, &s, headers.get("x-csrf-token").and_then(|v| v.to_str().ok()))?;
    let (kind, format) = kind_and_format(&q)?;
    let strict = query::flag(&q, "strict")?;
    let report = state.app.import(&s.actor, kind, format, &body, strict).await?;
    let status = if report.written {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

pub async fn export(State(state): State<AppState>, session: MaybeSession, Query(q): Query<Params>) -> ApiResult<Response> {
    let s = session.require()?;
    let (kind, format) = kind_and_format(&q)?;
    let street_id = match q.get("street_id") {
        Some(v) => v
            .parse::<i64>()
            .map_err(|_| AppError::field("street_id", "must be a whole number"))?,
        None => s
            .actor
            .home_street()
            .ok_or_else(|| AppError::field("street_id", "is required"))?,
    };
    let bytes = state.app.export(&s.actor, kind, format, street_id).await?;
    let (mime, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::GeoJson => ("application/geo+json", "geojson"),
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}.{ext}\"", kind.as_str()),
            ),
        ],
        bytes,
    )
        .into_response())
}
