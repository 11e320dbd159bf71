use std::collections::HashMap;

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use onegrid_app::AppError;
use serde::Deserialize;

use crate::auth::{
    LANG_COOKIE, LOGIN_CSRF_COOKIE, MaybeSession, SESSION_COOKIE, check_csrf, clear_session_cookie, cookie, same_origin,
    session_cookie,
};
use crate::html::page::{Page, safe_next};
use crate::i18n::normalize;
use crate::state::AppState;

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let page = Page::new(&state, &headers, &session, "/login");
    let token = onegrid_app::accounts::random_token();
    let mut res = page.render("login.html", context! { next => safe_next(q.get("next").map(String::as_str)), login_csrf => token.clone(), error => None::<String>, username => "" });
    res.headers_mut().append(
        header::SET_COOKIE,
        format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict")
            .parse()
            .unwrap(),
    );
    res
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    login_csrf: String,
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<LoginForm>,
) -> Response {
    let page = Page::new(&state, &headers, &session, "/login");
    // Double submit: the form's token must equal the cookie set with the form.
    let csrf_ok = same_origin(&headers).is_ok()
        && !f.login_csrf.is_empty()
        && cookie(&headers, LOGIN_CSRF_COOKIE) == Some(f.login_csrf.as_str());
    if !csrf_ok {
        return page.error(AppError::Forbidden);
    }
    match state.app.login(f.username.trim(), &f.password).await {
        Ok(s) => {
            let mut res = Redirect::to(&safe_next(Some(&f.next))).into_response();
            res.headers_mut()
                .append(header::SET_COOKIE, session_cookie(&s.token).parse().unwrap());
            // The account's saved language wins over a browser's earlier anonymous choice.
            if let Some(l) = s.user.locale.as_deref().and_then(normalize) {
                res.headers_mut().append(header::SET_COOKIE, lang_cookie(l).parse().unwrap());
            }
            res
        }
        Err(e) => {
            let key = match e {
                AppError::RateLimited(_) => "login.rate_limited",
                AppError::Invalid(_) => "login.missing",
                AppError::Unauthenticated => "login.failed",
                other => return page.error(other),
            };
            let token = onegrid_app::accounts::random_token();
            let status = if key == "login.rate_limited" {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                StatusCode::UNAUTHORIZED
            };
            let mut res = page.render_status(
                status,
                "login.html",
                context! { next => safe_next(Some(&f.next)), login_csrf => token.clone(), error => key, username => f.username },
            );
            res.headers_mut().append(
                header::SET_COOKIE,
                format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict")
                    .parse()
                    .unwrap(),
            );
            res
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<LogoutForm>,
) -> Response {
    let page = Page::new(&state, &headers, &session, "/logout");
    if let Some(s) = page.session {
        if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)) {
            return page.error(e);
        }
        if let Some(token) = cookie(&headers, SESSION_COOKIE) {
            if let Err(e) = state.app.logout(token).await {
                return page.error(e);
            }
        }
    }
    ([(header::SET_COOKIE, clear_session_cookie())], Redirect::to("/login")).into_response()
}

fn lang_cookie(lang: &str) -> String {
    format!("{LANG_COOKIE}={lang}; Path=/; SameSite=Lax; Max-Age=31536000")
}

/// `GET /lang?to=en&next=/map`: remembers the language in a cookie and on the account.
pub async fn switch_lang(
    State(state): State<AppState>,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(lang) = q.get("to").and_then(|l| normalize(l)) else {
        return (StatusCode::BAD_REQUEST, "to: must be zh-CN or en").into_response();
    };
    if let Some(s) = &session.0 {
        if let Err(e) = state.app.set_locale(&s.actor, lang).await {
            tracing::warn!(error = %e, "could not save the language");
        }
    }
    (
        [(header::SET_COOKIE, lang_cookie(lang))],
        Redirect::to(&safe_next(q.get("next").map(String::as_str))),
    )
        .into_response()
}
