//! C2–C5, C10 and A2: case handling as pure rules — the category catalogue, the tier chain and
//! joint handling, the state machine with its append-only events, the working calendar and
//! deadline decisions, the KPI formulas, and category suggestion from text. No I/O: the store
//! keeps the state and events, the app calls `transition` inside its transaction and the deadline
//! worker calls `next_deadline_action`.
//!
//! A step of a case, end to end: `transition(&state, &action, &actor, now)` → `CaseEvent` (append
//! it) → `state.apply(&event)` (the new row) → `StepClock::after_event(..)` (a new timer, if the
//! event starts one).

mod action;
mod calendar;
mod category;
mod deadline;
mod error;
mod event;
mod joint;
mod kpi;
mod state;
mod suggest;
mod tier;
mod transition;

#[cfg(test)]
mod tests;

pub use action::{Action, ActionKind, AttachmentId, CaseId, MAX_ATTACHMENTS, MAX_TEXT_CHARS};
pub use calendar::{WorkCalendar, WorkPeriod};
pub use category::{BUILTIN_JSON, Catalogue, Category, CategoryKind, Department, StepLimits};
pub use deadline::{
    Clock, Colour, DeadlineAction, DeadlinePolicy, Limit, LimitUnit, Notice, Step, StepClock, after, colour, due_at,
    next_deadline_action, restarts_clock,
};
pub use error::CaseError;
pub use event::{CaseEvent, replay};
pub use joint::{JointHandling, SubTask, SubTaskRefusal, SubTaskStatus};
pub use kpi::{
    CaseSummary, Grade, Period, Rate, acceptance_rate, grade, median_time_to_close, on_time_closure_rate, resolution_rate,
    response_rate, rework_rate, satisfaction_rate, weighted_score,
};
pub use state::{CaseState, CaseStatus};
pub use suggest::{Evaluation, Suggester, Suggestion, held_out_accuracy};
pub use tier::{ActorTier, Assignee, Assignment, Tier, UnitId};
pub use transition::{available_actions, next_status, transition};
