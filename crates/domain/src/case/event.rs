//! C4 and R6: every transition is an append-only event; the state is a fold over them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::action::Action;
use super::error::CaseError;
use super::state::{CaseState, CaseStatus};
use super::tier::ActorTier;
use super::transition::transition;

/// One step of a case's history: who (by tier; the app stores the person), when, from, to, and the
/// action with its reason, note and attachment ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseEvent {
    pub from: CaseStatus,
    pub to: CaseStatus,
    #[serde(flatten)]
    pub action: Action,
    pub by: ActorTier,
    pub at: DateTime<Utc>,
}

/// Rebuilds a case from its log, checking each event against the rules as they stand: an event
/// that `transition` would not produce from the state before it is reported, not applied.
pub fn replay(events: &[CaseEvent]) -> Result<CaseState, CaseError> {
    events.iter().enumerate().try_fold(CaseState::new(), |state, (index, ev)| {
        let again = transition(&state, &ev.action, &ev.by, ev.at).map_err(|e| CaseError::CorruptLog {
            index,
            why: e.to_string(),
        })?;
        if &again != ev {
            return Err(CaseError::CorruptLog {
                index,
                why: format!("recorded {} → {}, rules give {} → {}", ev.from, ev.to, again.from, again.to),
            });
        }
        Ok(state.apply(ev))
    })
}
