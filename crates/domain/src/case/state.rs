//! C4: the states of a case and the snapshot the state machine decides on.

use serde::{Deserialize, Serialize};

use super::action::{ActionKind, CaseId};
use super::deadline::restarts_clock;
use super::event::CaseEvent;
use super::tier::{Assignment, Tier};

/// The standard loop of C4 (CJ/T 315 / GB/T 30428.8: 立案 → 派遣 → 处置 → 核查 → 结案) plus its
/// side states. Evaluation (回访, satisfaction 1–5) is not a state: it is a rating recorded on a
/// closed case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Reported through any channel (C1), not yet checked.
    Received,
    /// Checked and filed (核实, 立案); waiting to be dispatched.
    Registered,
    /// Sent to a handler (派遣), waiting for the handler to sign for it.
    Dispatched,
    /// The handler signed for it (签收).
    Accepted,
    InProgress,
    /// The handler fed back the result (处置反馈).
    Handled,
    /// The result was checked on site (核查) and matches.
    Verified,
    /// 结案. Only reopening and the reporter's rating remain.
    Closed,
    /// Refused with a reason (不予受理 / 作废).
    Rejected,
    /// The check failed; back to the handler for rework (返工).
    Returned,
    /// A closed or rejected case taken up again; waits for a dispatch like a registered one.
    Reopened,
    /// A duplicate folded into another case (C8). Terminal.
    Merged,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 12] = [
        CaseStatus::Received,
        CaseStatus::Registered,
        CaseStatus::Dispatched,
        CaseStatus::Accepted,
        CaseStatus::InProgress,
        CaseStatus::Handled,
        CaseStatus::Verified,
        CaseStatus::Closed,
        CaseStatus::Rejected,
        CaseStatus::Returned,
        CaseStatus::Reopened,
        CaseStatus::Merged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Received => "received",
            CaseStatus::Registered => "registered",
            CaseStatus::Dispatched => "dispatched",
            CaseStatus::Accepted => "accepted",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Handled => "handled",
            CaseStatus::Verified => "verified",
            CaseStatus::Closed => "closed",
            CaseStatus::Rejected => "rejected",
            CaseStatus::Returned => "returned",
            CaseStatus::Reopened => "reopened",
            CaseStatus::Merged => "merged",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Still someone's work. Closed, rejected and merged cases are not (they leave work lists).
    pub fn is_open(self) -> bool {
        !matches!(self, CaseStatus::Closed | CaseStatus::Rejected | CaseStatus::Merged)
    }

    /// Open311 GeoReport v2 knows only `open` and `closed` (C9).
    pub fn open311_status(self) -> &'static str {
        if self.is_open() { "open" } else { "closed" }
    }
}

impl std::fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Everything the state machine needs to decide the next step; derived from the event log
/// (`replay`) and kept as columns of the case row by the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseState {
    pub status: CaseStatus,
    /// The tier coordinating the case (C3). Starts at the grid: location → micro-grid → its
    /// grid staff. Raised by `escalate`; never a department.
    pub level: Tier,
    /// Set by dispatch and reassign; cleared when the case goes back to be dispatched again.
    pub assignment: Option<Assignment>,
    /// How many tiers have been told the current step is late (C5). Reset when a new step clock
    /// starts; the deadline worker updates it compare-and-set (`WHERE escalation_level = $n`).
    pub escalation_level: u8,
    pub reworks: u32,
    pub reopens: u32,
    /// The reporter's satisfaction 1–5 for the current closure (cleared by reopening).
    pub rating: Option<u8>,
    pub merged_into: Option<CaseId>,
}

impl Default for CaseState {
    fn default() -> Self {
        Self::new()
    }
}

impl CaseState {
    /// A case as intake creates it.
    pub fn new() -> Self {
        Self {
            status: CaseStatus::Received,
            level: Tier::Grid,
            assignment: None,
            escalation_level: 0,
            reworks: 0,
            reopens: 0,
            rating: None,
            merged_into: None,
        }
    }

    /// The tier whose move it is while a step clock runs (C5): the coordinating level while the
    /// case waits to be dispatched, the assignee while it is being handled.
    pub fn handler_tier(&self) -> Option<Tier> {
        use CaseStatus::*;
        match self.status {
            Received | Registered | Reopened => Some(self.level),
            Dispatched | Accepted | InProgress | Returned => self.assignment.as_ref().map(Assignment::tier),
            Handled | Verified | Closed | Rejected | Merged => None,
        }
    }

    /// The state after an event that `transition` produced from this state. Infallible: the
    /// checks happened when the event was made (and again in `replay`).
    pub fn apply(&self, ev: &CaseEvent) -> CaseState {
        let mut s = self.clone();
        s.status = ev.to;
        let a = &ev.action;
        match a.kind {
            ActionKind::Dispatch | ActionKind::Reassign => s.assignment = a.assignment.clone(),
            ActionKind::SendBack => s.assignment = None,
            ActionKind::Escalate => {
                s.assignment = None;
                if let Some(next) = ev.by.tier().and_then(Tier::escalation_target).filter(|t| t.can_hold()) {
                    s.level = next;
                }
            }
            ActionKind::ReturnForRework => {
                s.reworks += 1;
                if let Some(Assignment::Joint(j)) = &s.assignment {
                    s.assignment = Some(Assignment::Joint(j.reopen_lead()));
                }
            }
            ActionKind::Reopen => {
                s.reopens += 1;
                s.rating = None;
                s.assignment = None;
            }
            ActionKind::Rate => s.rating = a.rating,
            ActionKind::Merge => s.merged_into = a.merge_into,
            ActionKind::Supervise => s.escalation_level = a.escalation_level.unwrap_or(s.escalation_level),
            ActionKind::CompleteSubtask | ActionKind::WaiveSubtask => {
                if let (Some(Assignment::Joint(j)), Some(d)) = (&s.assignment, a.department) {
                    let next = if a.kind == ActionKind::CompleteSubtask {
                        j.complete(d)
                    } else {
                        j.waive(d)
                    };
                    if let Ok(j) = next {
                        s.assignment = Some(Assignment::Joint(j));
                    }
                }
            }
            ActionKind::Register
            | ActionKind::Reject
            | ActionKind::Accept
            | ActionKind::Start
            | ActionKind::Handle
            | ActionKind::Verify
            | ActionKind::Close => {}
        }
        if restarts_clock(ev).is_some() {
            s.escalation_level = 0;
        }
        s
    }
}
