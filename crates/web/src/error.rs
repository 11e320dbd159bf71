//! The one mapping of application errors to HTTP: JSON `{"error": {"code", "message", "fields"}}`
//! for the API, and a translated page for the UI.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onegrid_app::AppError;
use serde_json::json;

/// An API error.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

pub fn status_and_code(e: &AppError) -> (StatusCode, &'static str) {
    match e {
        AppError::Invalid(_) => (StatusCode::BAD_REQUEST, "invalid"),
        AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
        AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
        AppError::Forbidden | AppError::Denied(_) => (StatusCode::FORBIDDEN, "forbidden"),
        AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
        AppError::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
        AppError::Refused(code, _) => (StatusCode::CONFLICT, code),
        AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

pub fn message(e: &AppError) -> String {
    match e {
        AppError::Invalid(f) => f
            .iter()
            .map(|f| format!("{}: {}", f.field, f.reason))
            .collect::<Vec<_>>()
            .join("; "),
        AppError::NotFound => "not found".into(),
        AppError::Unauthenticated => "sign-in required".into(),
        AppError::Forbidden => "you do not have the permission for this".into(),
        AppError::Denied(m) => m.clone(),
        AppError::RateLimited(m) => m.clone(),
        AppError::Conflict(m) => format!("conflict: {m}"),
        AppError::Refused(_, m) => m.clone(),
        // Details go to the log, not to the client.
        AppError::Internal(_) => "internal error".into(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = status_and_code(&self.0);
        if let AppError::Internal(detail) = &self.0 {
            tracing::error!(%detail, "internal error");
        }
        let fields = match &self.0 {
            AppError::Invalid(f) => json!(f),
            _ => json!([]),
        };
        (
            status,
            Json(json!({"error": {"code": code, "message": message(&self.0), "fields": fields}})),
        )
            .into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
