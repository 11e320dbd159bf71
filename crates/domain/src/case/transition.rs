//! C4: the transition table and the one function that decides every step of a case.
//!
//! Checks run in a fixed order so the error is the most useful one: does the action exist from
//! this status at all (409) → may this tier do it here (403) → is the data complete (422) → does
//! something about this case stand in the way (409).

use chrono::{DateTime, Utc};

use super::action::{Action, ActionKind};
use super::deadline::Step;
use super::error::CaseError;
use super::event::CaseEvent;
use super::state::{CaseState, CaseStatus};
use super::tier::{ActorTier, Assignment, Tier};
use crate::error::FieldError;

/// The status an action leads to from `from`, or `None` where the loop has no such step.
pub fn next_status(from: CaseStatus, action: ActionKind) -> Option<CaseStatus> {
    use ActionKind as A;
    use CaseStatus as S;
    match (from, action) {
        (S::Received, A::Register) => Some(S::Registered),
        (S::Received | S::Registered | S::Reopened, A::Reject) => Some(S::Rejected),
        (S::Registered | S::Reopened, A::Dispatch) => Some(S::Dispatched),
        (S::Dispatched | S::Accepted, A::SendBack) => Some(S::Registered),
        (S::Dispatched | S::Accepted | S::InProgress | S::Returned, A::Reassign) => Some(S::Dispatched),
        (S::Dispatched | S::Returned, A::Accept) => Some(S::Accepted),
        (S::Accepted, A::Start) => Some(S::InProgress),
        (S::InProgress, A::Handle) => Some(S::Handled),
        (S::Handled, A::Verify) => Some(S::Verified),
        (S::Handled | S::Verified, A::ReturnForRework) => Some(S::Returned),
        (S::Verified, A::Close) => Some(S::Closed),
        (S::Closed | S::Rejected, A::Reopen) => Some(S::Reopened),
        (S::Received | S::Registered | S::Dispatched | S::Reopened, A::Merge) => Some(S::Merged),
        (S::Registered | S::Dispatched | S::Accepted | S::InProgress | S::Returned | S::Reopened, A::Escalate) => {
            Some(S::Registered)
        }
        // 督办 applies while a step clock runs (C5) and changes no status.
        (s, A::Supervise) if Step::for_status(s).is_some() => Some(s),
        (S::Closed, A::Rate) => Some(S::Closed),
        (S::Dispatched | S::Accepted | S::InProgress | S::Returned, A::CompleteSubtask) => Some(from),
        // A returned joint case was handled, so its co-handlers are all done or waived already.
        (S::Dispatched | S::Accepted | S::InProgress, A::WaiveSubtask) => Some(from),
        _ => None,
    }
}

/// Decides one step: the event to append, or why not.
pub fn transition(case: &CaseState, action: &Action, actor: &ActorTier, now: DateTime<Utc>) -> Result<CaseEvent, CaseError> {
    let (state, kind) = (case.status, action.kind);
    let to = next_status(state, kind).ok_or(CaseError::IllegalTransition { state, action: kind })?;
    if !may(case, kind, *actor) {
        return Err(CaseError::NotPermitted {
            actor: *actor,
            action: kind,
            state,
        });
    }
    let problems = action.problems();
    if !problems.is_empty() {
        return Err(CaseError::Invalid(problems));
    }
    let conflict = |reason: String| CaseError::Conflict {
        state,
        action: kind,
        reason,
    };
    if let Some(reason) = standing_conflict(case, kind) {
        return Err(conflict(reason.to_string()));
    }
    match kind {
        ActionKind::Dispatch | ActionKind::Reassign => {
            let target = action.assignment.as_ref().map(Assignment::tier);
            let from = actor.tier();
            if let (Some(from), Some(target)) = (from, target)
                && !from.can_dispatch_to(target)
            {
                return Err(CaseError::Invalid(vec![FieldError::new(
                    "assignment.tier",
                    format!("the {from} tier cannot dispatch to the {target} tier"),
                )]));
            }
        }
        ActionKind::Supervise => {
            let expected = case.escalation_level.saturating_add(1);
            if action.escalation_level != Some(expected) {
                return Err(conflict(format!(
                    "the step is at escalation level {}; the next is {expected}",
                    case.escalation_level
                )));
            }
        }
        ActionKind::CompleteSubtask | ActionKind::WaiveSubtask => {
            let (Some(Assignment::Joint(j)), Some(d)) = (&case.assignment, action.department) else {
                return Err(conflict("the case is not handled jointly".into()));
            };
            let done = if kind == ActionKind::CompleteSubtask {
                j.complete(d)
            } else {
                j.waive(d)
            };
            done.map_err(|r| conflict(r.message().into()))?;
        }
        _ => {}
    }
    Ok(CaseEvent {
        from: state,
        to,
        action: action.normalized(),
        by: *actor,
        at: now,
    })
}

/// The actions this actor could take now (given the right data): the buttons a page shows.
pub fn available_actions(case: &CaseState, actor: ActorTier) -> Vec<ActionKind> {
    ActionKind::ALL
        .into_iter()
        .filter(|k| next_status(case.status, *k).is_some() && may(case, *k, actor) && standing_conflict(case, *k).is_none())
        .collect()
}

/// Who may do what (C3, C4). Staff act on cases held at their tier or below; the handler signs
/// for, starts, hands back and reports; someone other than the handler checks the result
/// (separation of duties, CJ/T 315: the supervision side checks what the handling side did);
/// the reporter reopens and rates; the system only supervises.
fn may(case: &CaseState, kind: ActionKind, actor: ActorTier) -> bool {
    let staff = actor.tier();
    let holds = staff.is_some_and(|t| t.can_hold() && t.rank() >= case.level.rank());
    let handler = case.assignment.as_ref().map(Assignment::tier);
    let is_handler = staff.is_some() && staff == handler;
    let is_checker = staff.is_some_and(Tier::can_hold) && !is_handler;
    match kind {
        ActionKind::Register | ActionKind::Dispatch | ActionKind::Reassign | ActionKind::Merge => holds,
        // 作废 and 结案 are decisions of the shift leader (值班长), above the grid.
        ActionKind::Reject | ActionKind::Close => holds && staff != Some(Tier::Grid),
        ActionKind::SendBack | ActionKind::Accept | ActionKind::Start | ActionKind::Handle => is_handler,
        ActionKind::Verify | ActionKind::ReturnForRework => is_checker,
        ActionKind::Reopen => matches!(actor, ActorTier::Reporter | ActorTier::CommandCentre),
        // From the command centre the next tier is departments: that is a dispatch.
        ActionKind::Escalate => holds && staff.and_then(Tier::escalation_target).is_some_and(Tier::can_hold),
        ActionKind::Supervise => matches!(actor, ActorTier::System | ActorTier::CommandCentre),
        ActionKind::Rate => actor == ActorTier::Reporter,
        ActionKind::CompleteSubtask => actor == ActorTier::Department,
        ActionKind::WaiveSubtask => actor == ActorTier::CommandCentre,
    }
}

/// Conflicts that depend on the case only, not on the action's data.
fn standing_conflict(case: &CaseState, kind: ActionKind) -> Option<&'static str> {
    let joint = case.assignment.as_ref().and_then(Assignment::joint);
    match kind {
        ActionKind::Handle if joint.is_some_and(|j| !j.is_handled()) => {
            Some("joint handling: the lead's sub-task must be done and every co-handler's done or waived")
        }
        ActionKind::Rate if case.rating.is_some() => Some("the reporter has already rated this closure"),
        ActionKind::CompleteSubtask | ActionKind::WaiveSubtask if joint.is_none() => Some("the case is not handled jointly"),
        ActionKind::Supervise => {
            let above = case.handler_tier().map_or(0, |t| t.supervisors().len());
            (usize::from(case.escalation_level) >= above).then_some("every tier above the handler has already been told")
        }
        _ => None,
    }
}
