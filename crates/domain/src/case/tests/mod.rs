//! Tests of the case rules, named after the SPEC ids they prove.

mod category;
mod deadline;
mod kpi;
mod paths;
mod props;
mod table;

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::error::DomainError;

/// An instant given in Asia/Shanghai local time.
pub(super) fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    WorkCalendar::default().utc(NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap())
}

pub(super) fn now() -> DateTime<Utc> {
    local(2025, 6, 2, 10, 0)
}

pub(super) fn single(tier: Tier, unit: UnitId) -> Assignment {
    Assignment::Single(Assignee { tier, unit })
}

pub(super) fn joint() -> Assignment {
    Assignment::Joint(JointHandling::new(10, &[20]))
}

/// Runs steps that must all succeed; returns the state and the log.
pub(super) fn walk_from(mut state: CaseState, steps: &[(Action, ActorTier)]) -> (CaseState, Vec<CaseEvent>) {
    let mut log = Vec::new();
    for (a, by) in steps {
        let ev = transition(&state, a, by, now()).unwrap_or_else(|e| panic!("{} by {by} from {}: {e}", a.kind, state.status));
        state = state.apply(&ev);
        log.push(ev);
    }
    (state, log)
}

pub(super) fn walk(steps: &[(Action, ActorTier)]) -> CaseState {
    walk_from(CaseState::new(), steps).0
}

use ActorTier as By;

/// The grid solves it: registered, dispatched and handled at grid level, checked and closed by the
/// community.
pub(super) fn grid_path() -> Vec<(Action, ActorTier)> {
    vec![
        (Action::register(), By::Grid),
        (Action::dispatch(single(Tier::Grid, 1)), By::Grid),
        (Action::accept(), By::Grid),
        (Action::start(), By::Grid),
        (Action::handle().with_note("cleared").with_attachments(&[5, 6]), By::Grid),
        (Action::verify(), By::Community),
        (Action::close(), By::Community),
    ]
}

/// The command centre dispatches to two departments jointly (lead 10, co-handler 20).
pub(super) fn joint_path() -> Vec<(Action, ActorTier)> {
    vec![
        (Action::register(), By::CommandCentre),
        (Action::dispatch(joint()), By::CommandCentre),
        (Action::accept(), By::Department),
        (Action::start(), By::Department),
        (Action::complete_subtask(20), By::Department),
        (Action::complete_subtask(10), By::Department),
        (Action::handle(), By::Department),
        (Action::verify(), By::Grid),
        (Action::close(), By::CommandCentre),
    ]
}

/// Cases in every status, reached by real paths, several per status where the tier matters.
pub(super) fn fixtures(status: CaseStatus) -> Vec<CaseState> {
    let g = grid_path();
    let j = joint_path();
    let prefix = |p: &[(Action, ActorTier)], n: usize| walk(&p[..n]);
    let then = |p: &[(Action, ActorTier)], n: usize, more: &[(Action, ActorTier)]| {
        walk(&p[..n].iter().cloned().chain(more.iter().cloned()).collect::<Vec<_>>())
    };
    let dept = [
        (Action::register(), By::CommandCentre),
        (Action::dispatch(single(Tier::Department, 10)), By::CommandCentre),
    ];
    use CaseStatus::*;
    match status {
        Received => vec![CaseState::new()],
        Registered => vec![prefix(&g, 1), prefix(&j, 1)],
        Dispatched => vec![prefix(&g, 2), prefix(&j, 2), walk(&dept)],
        Accepted => vec![prefix(&g, 3), prefix(&j, 3)],
        InProgress => vec![prefix(&g, 4), prefix(&j, 4), prefix(&j, 6)],
        Handled => vec![prefix(&g, 5), prefix(&j, 7)],
        Verified => vec![prefix(&g, 6), prefix(&j, 8)],
        Closed => vec![prefix(&g, 7), prefix(&j, 9)],
        Rejected => vec![walk(&[(Action::reject("not in our street"), By::Community)])],
        Returned => vec![
            then(&g, 5, &[(Action::return_for_rework("still dirty"), By::Community)]),
            then(&j, 7, &[(Action::return_for_rework("leak not fixed"), By::Grid)]),
        ],
        Reopened => vec![then(&g, 7, &[(Action::reopen("it is back"), By::Reporter)])],
        Merged => vec![walk(&[(Action::merge(99), By::Grid)])],
    }
}

/// Actions of each kind with valid data, in the variants the tiers need.
pub(super) fn candidates(kind: ActionKind) -> Vec<Action> {
    use ActionKind::*;
    match kind {
        Register => vec![Action::register()],
        Reject => vec![Action::reject("out of scope")],
        Dispatch | Reassign => [
            single(Tier::Grid, 1),
            single(Tier::Community, 2),
            single(Tier::Department, 10),
            joint(),
        ]
        .into_iter()
        .map(|a| {
            if kind == Dispatch {
                Action::dispatch(a)
            } else {
                Action::reassign(a)
            }
        })
        .collect(),
        SendBack => vec![Action::send_back("not ours")],
        Accept => vec![Action::accept()],
        Start => vec![Action::start()],
        Handle => vec![Action::handle()],
        Verify => vec![Action::verify()],
        ReturnForRework => vec![Action::return_for_rework("not done")],
        Close => vec![Action::close()],
        Reopen => vec![Action::reopen("again")],
        Merge => vec![Action::merge(99)],
        Escalate => vec![Action::escalate("needs the community")],
        Supervise => vec![Action::supervise(1)],
        Rate => vec![Action::rate(5)],
        CompleteSubtask => vec![Action::complete_subtask(10), Action::complete_subtask(20)],
        WaiveSubtask => vec![Action::waive_subtask(20, "not needed")],
    }
}
