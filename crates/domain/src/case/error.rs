//! The refusals of the case state machine, each mapped once to an HTTP status by the web layer.

use super::action::ActionKind;
use super::state::CaseStatus;
use super::tier::ActorTier;
use crate::error::{DomainError, FieldError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// The action does not exist from this state at all (HTTP 409).
    #[error("cannot {action} a case that is {state}")]
    IllegalTransition { state: CaseStatus, action: ActionKind },
    /// The action exists from this state, but something about this case stands in the way:
    /// already rated, co-handlers unfinished, escalation already recorded … (HTTP 409).
    #[error("cannot {action} this {state} case: {reason}")]
    Conflict {
        state: CaseStatus,
        action: ActionKind,
        reason: String,
    },
    /// The actor's tier may not do this here (HTTP 403).
    #[error("{actor} may not {action} a {state} case")]
    NotPermitted {
        actor: ActorTier,
        action: ActionKind,
        state: CaseStatus,
    },
    /// The action's data is missing or malformed (HTTP 422, fields beside the form).
    #[error("{}", DomainError::Invalid(.0.clone()))]
    Invalid(Vec<FieldError>),
    /// A stored event does not follow from the events before it (tampering or a bug; HTTP 500).
    #[error("event {index} of the case log does not follow from the state before it: {why}")]
    CorruptLog { index: usize, why: String },
}

impl CaseError {
    /// The `code` of the `{"error": {"code", …}}` body.
    pub fn code(&self) -> &'static str {
        match self {
            CaseError::IllegalTransition { .. } => "illegal_transition",
            CaseError::Conflict { .. } => "conflict",
            CaseError::NotPermitted { .. } => "forbidden",
            CaseError::Invalid(_) => "invalid",
            CaseError::CorruptLog { .. } => "corrupt_log",
        }
    }

    /// Whether the web layer answers 409 Conflict.
    pub fn is_conflict(&self) -> bool {
        matches!(self, CaseError::IllegalTransition { .. } | CaseError::Conflict { .. })
    }
}

impl From<DomainError> for CaseError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(f) => CaseError::Invalid(f),
        }
    }
}
