//! I3 / C9: Open311 GeoReport v2 under `/open311/v2`: discovery, services, service definitions,
//! requests (POST with an api_key; GET with filters), one request, tokens; XML and JSON from
//! one response tree; the spec's error array. Handlers parse, call one use case of
//! `onegrid_app::case::open311`, and render. See docs/open311.md.

mod doc;
mod error;
mod form;
mod handlers;
mod render;

use std::collections::HashMap;

use axum::Router;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use onegrid_app::case::open311::Lang;

use crate::state::AppState;
use doc::Doc;
use error::Errors;

/// The response format, from the resource's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Xml,
}

/// `services.json` → (`services`, JSON). A missing or unknown extension is a 404 (answered in
/// XML, the format every GeoReport server must speak).
fn split(file: &str) -> Result<(&str, Format), Errors> {
    let (name, ext) = file.rsplit_once('.').unwrap_or((file, ""));
    match ext {
        "json" => Ok((name, Format::Json)),
        "xml" => Ok((name, Format::Xml)),
        _ => Err(Errors::not_found(format!(
            "{file}: no such resource; resources end in .xml or .json (e.g. services.xml)"
        ))),
    }
}

pub fn respond(fmt: Format, status: StatusCode, doc: &Doc) -> Response {
    let (body, ctype) = match fmt {
        Format::Json => (doc::json(doc), "application/json; charset=utf-8"),
        Format::Xml => (doc::xml(doc), "text/xml; charset=utf-8"),
    };
    let mut r = (status, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    // Public data: browser clients of other sites may read it.
    h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    r
}

/// Query or form parameters; a repeated parameter's values are joined with commas (the spec's
/// lists are comma separated, and some clients repeat the parameter instead).
type Params = HashMap<String, String>;

fn params(raw: Option<&str>) -> Result<Params, Errors> {
    let mut out: Params = HashMap::new();
    for (k, v) in form::pairs(raw.unwrap_or_default()).map_err(Errors::bad)? {
        out.entry(k)
            .and_modify(|e| {
                e.push(',');
                e.push_str(&v);
            })
            .or_insert(v);
    }
    Ok(out)
}

/// `locale=zh-CN|en`, else the first of zh or en in Accept-Language (by q), else zh-CN: the
/// street's own language and the one its categories are named in first.
fn lang(q: &Params, headers: &HeaderMap) -> Result<Lang, Errors> {
    fn of(tag: &str) -> Option<Lang> {
        let t = tag.trim().to_ascii_lowercase();
        if t == "zh" || t.starts_with("zh-") {
            Some(Lang::Zh)
        } else if t == "en" || t.starts_with("en-") {
            Some(Lang::En)
        } else {
            None
        }
    }
    if let Some(l) = q.get("locale").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        return of(l).ok_or_else(|| Errors::bad(format!("locale: {l:?} is not served: use zh-CN or en")));
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut ranked: Vec<(f32, Lang)> = accept
        .split(',')
        .filter_map(|part| {
            let mut it = part.split(';');
            let l = of(it.next()?)?;
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            (q > 0.0).then_some((q, l))
        })
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(ranked.first().map_or(Lang::Zh, |(_, l)| *l))
}

/// This server's address as the client reached it, for absolute URLs.
fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c)))
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

pub fn routes() -> Router<AppState> {
    use handlers::*;
    Router::new()
        .route("/{file}", get(top).post(post_requests).fallback(wrong_method))
        .route("/services/{file}", get(definition).fallback(wrong_method))
        .route("/requests/{file}", get(one_request).fallback(wrong_method))
        .route("/tokens/{file}", get(token).fallback(wrong_method))
        .fallback(unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_language_from_locale_then_accept_language() {
        let h = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
            h
        };
        let none = Params::new();
        assert_eq!(lang(&none, &HeaderMap::new()).unwrap(), Lang::Zh);
        assert_eq!(lang(&none, &h("en-GB,en;q=0.9")).unwrap(), Lang::En);
        assert_eq!(lang(&none, &h("fr, zh-CN;q=0.5, en;q=0.8")).unwrap(), Lang::En);
        assert_eq!(lang(&none, &h("en;q=0, zh-TW")).unwrap(), Lang::Zh);
        let q: Params = [("locale".to_string(), "en".to_string())].into();
        assert_eq!(lang(&q, &h("zh-CN")).unwrap(), Lang::En);
        let q: Params = [("locale".to_string(), "fr".to_string())].into();
        assert!(lang(&q, &HeaderMap::new()).unwrap_err().items[0].1.starts_with("locale:"));
        assert_eq!(split("services.json").unwrap(), ("services", Format::Json));
        assert_eq!(split("a.b.xml").unwrap(), ("a.b", Format::Xml));
        assert_eq!(split("services").unwrap_err().status, StatusCode::NOT_FOUND);
        assert_eq!(split("services.html").unwrap_err().status, StatusCode::NOT_FOUND);
    }
}
