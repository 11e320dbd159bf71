//! C7 and A5 over the API: evidence uploads and downloads, in-app notifications.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use onegrid_app::case::evidence::Upload;
use serde_json::{Value, json};

use super::points::{created, csrf, id_param};
use super::query::Params;
use crate::auth::{MaybeSession, same_origin};
use crate::error::ApiResult;
use crate::state::AppState;

/// Reads the multipart field `file` (and `street_id`, if sent).
pub(crate) async fn read_file(form: &mut Multipart) -> Result<(String, Vec<u8>, Option<i64>), AppError> {
    let mut file = None;
    let mut street = None;
    while let Some(f) = form
        .next_field()
        .await
        .map_err(|e| AppError::field("file", format!("the upload is not a valid multipart form: {e}")))?
    {
        match f.name().unwrap_or_default() {
            "file" => {
                let name = f.file_name().unwrap_or_default().to_string();
                let bytes = f
                    .bytes()
                    .await
                    .map_err(|e| AppError::field("file", format!("could not be read: {e}")))?;
                file = Some((name, bytes.to_vec()));
            }
            "street_id" => {
                let v = f.text().await.unwrap_or_default();
                street = Some(
                    v.trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::field("street_id", "must be a whole number"))?,
                );
            }
            _ => {}
        }
    }
    let (name, bytes) = file.ok_or_else(|| AppError::field("file", "is required"))?;
    Ok((name, bytes, street))
}

/// `POST /api/v1/attachments` (multipart, field `file`) → 201 with the file's record; its id goes
/// into a report's or a step's `attachments`.
pub async fn upload(
    State(state): State<AppState>,
    session: MaybeSession,
    headers: HeaderMap,
    mut form: Multipart,
) -> ApiResult<Response> {
    match &session.0 {
        Some(s) => csrf(&headers, s)?,
        None => same_origin(&headers)?,
    }
    let (name, bytes, street) = read_file(&mut form).await?;
    let a = state
        .app
        .upload_evidence(
            session.0.as_ref().map(|s| &s.actor),
            street,
            Upload {
                name: &name,
                bytes: &bytes,
            },
        )
        .await?;
    Ok(created(a))
}

/// `GET /api/v1/attachments/{id}[?token=]`: the file, for staff who see its case, the reporter's
/// private link, or its uploader.
pub async fn download(
    State(state): State<AppState>,
    session: MaybeSession,
    Path(id): Path<i64>,
    Query(q): Query<Params>,
) -> ApiResult<Response> {
    let (a, bytes) = state
        .app
        .evidence(session.0.as_ref().map(|s| &s.actor), q.get("token").map(String::as_str), id)
        .await?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&a.mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400"));
    Ok(r)
}

/// `GET /api/v1/notifications`: the user's latest notifications and how many are unread.
pub async fn notifications(
    State(state): State<AppState>,
    session: MaybeSession,
    Query(q): Query<Params>,
) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    let limit = id_param(&q, "limit")?.unwrap_or(50).clamp(1, 200);
    let (items, unread) = state.app.notifications(&s.actor, limit).await?;
    Ok(Json(json!({"items": items, "unread": unread})))
}

/// `POST /api/v1/notifications/read`: marks every notification read.
pub async fn read_all(State(state): State<AppState>, session: MaybeSession, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let s = session.require()?;
    csrf(&headers, &s)?;
    Ok(Json(json!({"marked": state.app.mark_notifications_read(&s.actor).await?})))
}
