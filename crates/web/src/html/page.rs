//! Rendering a page with the context every page needs, and turning errors into pages.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;

use crate::auth::{LANG_COOKIE, MaybeSession, Session, cookie};
use crate::i18n::{DEFAULT_LANG, normalize};
use crate::state::AppState;

/// The language of a request: the remembered switch (cookie), the account's choice, or zh-CN.
pub fn lang_of(headers: &HeaderMap, session: Option<&Session>) -> &'static str {
    cookie(headers, LANG_COOKIE)
        .and_then(normalize)
        .or_else(|| session.and_then(|s| s.actor.user.locale.as_deref()).and_then(normalize))
        .unwrap_or(DEFAULT_LANG)
}

pub struct Page<'a> {
    pub state: &'a AppState,
    pub lang: &'static str,
    pub session: Option<&'a Session>,
    pub path: String,
    /// (open, overdue) cases whose move is the user's, for the navigation badge.
    pub case_counts: Option<(i64, i64)>,
}

impl<'a> Page<'a> {
    pub fn new(state: &'a AppState, headers: &HeaderMap, session: &'a MaybeSession, path: &str) -> Self {
        Page {
            state,
            lang: lang_of(headers, session.0.as_ref()),
            session: session.0.as_ref(),
            path: path.to_string(),
            case_counts: None,
        }
    }

    /// Adds the navigation's case badge for users who handle cases (one count query).
    pub async fn with_case_counts(mut self) -> Self {
        if let Some(s) = self.session
            && s.actor.can(onegrid_domain::people::Permission::HandleCases)
        {
            self.case_counts = self.state.app.my_case_counts(&s.actor).await.ok();
        }
        self
    }

    pub fn render(&self, template: &str, ctx: Value) -> Response {
        self.render_status(StatusCode::OK, template, ctx)
    }

    pub fn render_status(&self, status: StatusCode, template: &str, ctx: Value) -> Response {
        let base = context! {
            lang => self.lang,
            other_lang => if self.lang == "en" { "zh-CN" } else { "en" },
            path => self.path.clone(),
            user => self.session.map(|s| Value::from(minijinja::value::Serde(&s.actor.user))),
            csrf => self.session.and_then(|s| s.csrf.clone()),
            can_administer => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::Administer)),
            // Navigation shows only what the user's posts allow; the handlers check again.
            can_view_people => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ViewPeople)),
            can_view_coverage => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ViewCoverage)),
            can_transfer => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::Transfer)),
            can_review_points => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ApprovePoints)),
            can_manage_store => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ManageStore)),
            can_manage_tasks => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ManageTasks)),
            can_run_council => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::RunCouncil)),
            can_handle_cases => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::HandleCases)),
            can_report_cases => self.session.is_some_and(|s| s.actor.can(onegrid_domain::people::Permission::ReportCases)),
            case_open => self.case_counts.map(|c| c.0),
            case_overdue => self.case_counts.map(|c| c.1),
        };
        let merged = context! { ..ctx, ..base };
        match self.state.templates.get_template(template).and_then(|t| t.render(merged)) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, template, "template failed");
                // Debug builds show the template error, so tests that hit the page report it.
                let body = if cfg!(debug_assertions) {
                    format!("template error: {e:#}")
                } else {
                    "template error".to_string()
                };
                (StatusCode::INTERNAL_SERVER_ERROR, body).into_response()
            }
        }
    }

    /// The page for an error: sign-in for the anonymous, else a translated message.
    pub fn error(&self, e: AppError) -> Response {
        let (status, code) = crate::error::status_and_code(&e);
        if status == StatusCode::UNAUTHORIZED {
            return Redirect::to(&format!("/login?next={}", urlencode(&self.path))).into_response();
        }
        if let AppError::Internal(detail) = &e {
            tracing::error!(%detail, "internal error");
        }
        let fields = match &e {
            AppError::Invalid(f) => Value::from(minijinja::value::Serde(f)),
            _ => Value::from(Vec::<Value>::new()),
        };
        self.render_status(status, "error.html", context! { status => status.as_u16(), code, fields })
    }

    pub fn require(&self) -> Result<&'a Session, Response> {
        self.session.ok_or_else(|| self.error(AppError::Unauthenticated))
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A redirect target from a form must stay on this site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

impl Page<'_> {
    /// Renders `template` with `view` (the use case's answer), or the error page.
    pub fn show<T: serde::Serialize>(&self, template: &str, view: Result<T, AppError>) -> Response {
        match view {
            Ok(v) => self.render(template, context! { view => Value::from(minijinja::value::Serde(&v)) }),
            Err(e) => self.error(e),
        }
    }
}

/// Starts a page handler: the page, and the session or the sign-in redirect.
#[macro_export]
macro_rules! signed_in {
    ($state:expr, $headers:expr, $session:expr, $path:expr) => {{
        let page = $crate::html::page::Page::new(&$state, &$headers, &$session, $path)
            .with_case_counts()
            .await;
        match page.session {
            Some(s) => (page, s),
            None => return page.error(onegrid_app::AppError::Unauthenticated),
        }
    }};
}
