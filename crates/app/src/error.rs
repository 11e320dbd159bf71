use onegrid_domain::{DomainError, FieldError};
use onegrid_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Also returned when the record exists but is outside the user's scope, so ids leak nothing.
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    #[error("not allowed")]
    Forbidden,
    /// Not allowed, with the reason (HTTP 403): the case rules say who may take which step.
    #[error("{0}")]
    Denied(String),
    /// Too many attempts (HTTP 429); the message says what and when to try again.
    #[error("{0}")]
    RateLimited(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A rule refuses the request in the record's current state (HTTP 409). The code is part of
    /// the API (`out_of_stock`, `task_full` …); the message explains it.
    #[error("{1}")]
    Refused(&'static str, String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn field(field: &str, reason: impl Into<String>) -> Self {
        AppError::Invalid(vec![FieldError::new(field, reason)])
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(f) => AppError::Invalid(f),
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

impl From<onegrid_domain::case::CaseError> for AppError {
    fn from(e: onegrid_domain::case::CaseError) -> Self {
        use onegrid_domain::case::CaseError as E;
        match e {
            E::Invalid(f) => AppError::Invalid(f),
            E::NotPermitted { .. } => AppError::Denied(e.to_string()),
            E::CorruptLog { .. } => AppError::Internal(e.to_string()),
            E::IllegalTransition { .. } | E::Conflict { .. } => AppError::Refused(e.code(), e.to_string()),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(m) => AppError::Conflict(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}
