//! Who is asking: a session cookie (browsers and API clients that signed in) or a bearer token
//! (API clients, R3). Also the CSRF checks for cookie-authenticated writes.

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use onegrid_app::{Actor, AppError};

use crate::state::AppState;

pub const SESSION_COOKIE: &str = "onegrid_session";
pub const LANG_COOKIE: &str = "onegrid_lang";
/// Double-submit token for the sign-in form, before there is a session.
pub const LOGIN_CSRF_COOKIE: &str = "onegrid_login_csrf";

pub struct Session {
    pub actor: Actor,
    /// The session's CSRF token; `None` for bearer tokens, which browsers never send by themselves.
    pub csrf: Option<String>,
}

/// The session if there is a valid one.
pub struct MaybeSession(pub Option<Session>);

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            return Ok(MaybeSession(
                state
                    .app
                    .actor_from_token(token)
                    .await
                    .ok()
                    .map(|actor| Session { actor, csrf: None }),
            ));
        }
        if let Some(token) = cookie(&parts.headers, SESSION_COOKIE) {
            if let Ok((actor, csrf)) = state.app.actor_from_session(token).await {
                return Ok(MaybeSession(Some(Session { actor, csrf: Some(csrf) })));
            }
        }
        Ok(MaybeSession(None))
    }
}

impl MaybeSession {
    pub fn require(self) -> Result<Session, AppError> {
        self.0.ok_or(AppError::Unauthenticated)
    }
}

/// A write authenticated by cookie must come from our own pages: the Origin, when the browser
/// sends one, names our host, and the form carries the session's CSRF token.
pub fn check_csrf(headers: &HeaderMap, session: &Session, submitted: Option<&str>) -> Result<(), AppError> {
    same_origin(headers)?;
    match &session.csrf {
        None => Ok(()),
        Some(expected) if submitted == Some(expected.as_str()) => Ok(()),
        Some(_) => Err(AppError::Forbidden),
    }
}

pub fn same_origin(headers: &HeaderMap) -> Result<(), AppError> {
    let Some(origin) = headers.get(axum::http::header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split("://").nth(1).unwrap_or_default();
    if origin_host == host {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}",
        onegrid_app::accounts::SESSION_TTL_MS / 1000
    )
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
