//! T8 in the UI: upload a file, see the per-row report; download exports.

use std::collections::HashMap;

use axum::extract::{Multipart, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::transfer::{Format, Kind};

use crate::api::transfer::kind_and_format;
use crate::auth::{MaybeSession, check_csrf};
use crate::signed_in;
use crate::state::AppState;

fn kinds() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.as_str()).collect()
}

pub async fn form(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, _s) = signed_in!(state, headers, session, "/transfer");
    page.render("transfer.html", context! { kinds => kinds(), report => None::<Value> })
}

pub async fn submit(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession, mut form: Multipart) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/transfer");
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(f)) => {
                let name = f.name().unwrap_or_default().to_string();
                if name == "file" {
                    let fname = f.file_name().unwrap_or_default().to_string();
                    match f.bytes().await {
                        Ok(b) => file = Some((fname, b.to_vec())),
                        Err(_) => return page.error(AppError::field("file", "could not be read")),
                    }
                } else if let Ok(v) = f.text().await {
                    fields.insert(name, v);
                }
            }
            Ok(None) => break,
            Err(_) => return page.error(AppError::field("file", "the upload is not a valid form")),
        }
    }
    if let Err(e) = check_csrf(&headers, s, fields.get("csrf").map(String::as_str)) {
        return page.error(e);
    }
    let Some((fname, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return page.error(AppError::field("file", "is required"));
    };
    if !fields.contains_key("format") {
        let f = if fname.ends_with(".geojson") || fname.ends_with(".json") {
            "geojson"
        } else {
            "csv"
        };
        fields.insert("format".into(), f.into());
    }
    let (kind, format) = match kind_and_format(&fields) {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let strict = fields.get("strict").is_some_and(|v| v == "on" || v == "true");
    match state.app.import(&s.actor, kind, format, &bytes, strict).await {
        Ok(r) => page.render(
            "transfer.html",
            context! { kinds => kinds(), report => Value::from(minijinja::value::Serde(&r)) },
        ),
        Err(e) => page.error(e),
    }
}

pub async fn export(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/transfer");
    let (kind, format) = match kind_and_format(&q) {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let Some(street) = s.actor.home_street() else {
        return page.error(AppError::NotFound);
    };
    match state.app.export(&s.actor, kind, format, street).await {
        Ok(bytes) => {
            let (mime, ext) = if format == Format::Csv {
                ("text/csv; charset=utf-8", "csv")
            } else {
                ("application/geo+json", "geojson")
            };
            (
                [
                    (header::CONTENT_TYPE, mime.to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{}.{ext}\"", kind.as_str()),
                    ),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => page.error(e),
    }
}
