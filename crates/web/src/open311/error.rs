//! The spec's errors: an array of `{code, description}` with the HTTP status the spec asks for:
//! 404 for what does not exist, 403 for a missing or bad api_key, 400 for everything else.

use axum::http::StatusCode;
use axum::response::Response;
use onegrid_app::AppError;
use onegrid_domain::FieldError;

use super::doc::{Doc, V};
use super::{Format, respond};

/// One or more errors with the response status.
#[derive(Debug)]
pub struct Errors {
    pub status: StatusCode,
    pub items: Vec<(u16, String)>,
}

impl Errors {
    pub fn one(status: StatusCode, description: impl Into<String>) -> Errors {
        Errors {
            status,
            items: vec![(status.as_u16(), description.into())],
        }
    }

    pub fn not_found(description: impl Into<String>) -> Errors {
        Errors::one(StatusCode::NOT_FOUND, description)
    }

    pub fn bad(description: impl Into<String>) -> Errors {
        Errors::one(StatusCode::BAD_REQUEST, description)
    }

    /// One error per field, each naming it.
    pub fn fields(fields: Vec<FieldError>) -> Errors {
        Errors {
            status: StatusCode::BAD_REQUEST,
            items: fields
                .into_iter()
                .map(|f| (400, format!("{}: {}", f.field, f.reason)))
                .collect(),
        }
    }

    /// An application error; `not_found` says what was not found.
    pub fn app(e: AppError, not_found: &str) -> Errors {
        match e {
            AppError::Invalid(f) => Errors::fields(f),
            AppError::NotFound => Errors::not_found(not_found),
            AppError::Denied(m) => Errors::one(StatusCode::FORBIDDEN, m),
            AppError::Forbidden | AppError::Unauthenticated => Errors::one(StatusCode::FORBIDDEN, "api_key is not valid"),
            AppError::RateLimited(_) => Errors::one(StatusCode::TOO_MANY_REQUESTS, "too many requests; try again later"),
            AppError::Conflict(m) | AppError::Refused(_, m) => Errors::bad(m),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error (Open311)");
                Errors::one(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
            }
        }
    }

    pub fn render(self, fmt: Format) -> Response {
        let body = V::List(
            "error",
            self.items
                .into_iter()
                .map(|(code, d)| V::Obj(vec![("code", V::Int(i64::from(code))), ("description", V::str(d))]))
                .collect(),
        );
        respond(fmt, self.status, &Doc { root: "errors", body })
    }
}
