//! C3/C4: paths through the loop, who may act, the data each step needs, and the event log.

use super::*;
use ActorTier as By;

fn refuse(state: &CaseState, a: Action, by: By) -> CaseError {
    transition(state, &a, &by, now()).expect_err("refused")
}

#[test]
fn c4_grid_level_case_runs_the_standard_loop_and_replays() {
    let (state, log) = walk_from(CaseState::new(), &grid_path());
    assert_eq!(state.status, CaseStatus::Closed);
    let path: Vec<_> = log.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(
        path,
        [
            "registered",
            "dispatched",
            "accepted",
            "in_progress",
            "handled",
            "verified",
            "closed"
        ]
    );
    assert_eq!(log[4].action.note.as_deref(), Some("cleared"));
    assert_eq!(log[4].action.attachments, vec![5, 6]);
    assert_eq!(replay(&log).unwrap(), state);
    let (rated, more) = walk_from(state, &[(Action::rate(4).with_note("quick"), By::Reporter)]);
    assert_eq!(rated.rating, Some(4));
    assert_eq!(more[0].from, CaseStatus::Closed);
}

#[test]
fn c4_illegal_transition_is_refused_naming_state_and_action() {
    let e = refuse(&CaseState::new(), Action::close(), By::CommandCentre);
    assert_eq!(
        e,
        CaseError::IllegalTransition {
            state: CaseStatus::Received,
            action: ActionKind::Close
        }
    );
    assert_eq!(e.to_string(), "cannot close a case that is received");
    assert_eq!(e.code(), "illegal_transition");
    assert!(e.is_conflict());
    // Rating comes only after closing.
    let dispatched = walk(&grid_path()[..2]);
    assert!(matches!(
        refuse(&dispatched, Action::rate(5), By::Reporter),
        CaseError::IllegalTransition { .. }
    ));
}

#[test]
fn c4_each_tier_may_do_only_its_part() {
    let received = CaseState::new();
    let forbidden = |s: &CaseState, a: Action, by: By| matches!(refuse(s, a, by), CaseError::NotPermitted { .. });
    assert!(forbidden(&received, Action::register(), By::Department));
    assert!(forbidden(&received, Action::register(), By::Reporter));
    assert!(forbidden(&received, Action::reject("no"), By::Grid), "作废 is above the grid");
    assert!(
        forbidden(&received, Action::supervise(1), By::Grid),
        "only the system and the command centre supervise"
    );
    let in_progress = walk(&grid_path()[..4]);
    assert!(
        forbidden(&in_progress, Action::handle(), By::Community),
        "only the handler reports handling"
    );
    let handled = walk(&grid_path()[..5]);
    assert!(
        forbidden(&handled, Action::verify(), By::Grid),
        "the handler's tier does not check its own work"
    );
    assert!(transition(&handled, &Action::verify(), &By::CommandCentre, now()).is_ok());
    let verified = walk(&grid_path()[..6]);
    assert!(forbidden(&verified, Action::close(), By::Grid));
    assert!(forbidden(&verified, Action::close(), By::Reporter));
    let closed = walk(&grid_path());
    assert!(
        forbidden(&closed, Action::rate(5), By::CommandCentre),
        "only the reporter rates"
    );
    assert!(forbidden(&closed, Action::reopen("x"), By::Grid));
    assert!(transition(&closed, &Action::reopen("x"), &By::Reporter, now()).is_ok());
    let e = refuse(&received, Action::register(), By::Department);
    assert_eq!(e.code(), "forbidden");
    assert_eq!(e.to_string(), "department may not register a received case");
}

#[test]
fn c3_dispatch_targets_depend_on_the_dispatching_tier() {
    let registered = walk(&[(Action::register(), By::Grid)]);
    let e = refuse(&registered, Action::dispatch(single(Tier::Department, 10)), By::Community);
    let CaseError::Invalid(fields) = e else { panic!("{e}") };
    assert_eq!(fields[0].field, "assignment.tier");
    assert!(matches!(
        refuse(&registered, Action::dispatch(joint()), By::Grid),
        CaseError::Invalid(_)
    ));
    assert!(transition(&registered, &Action::dispatch(single(Tier::Grid, 1)), &By::Grid, now()).is_ok());
    assert!(transition(&registered, &Action::dispatch(single(Tier::Grid, 1)), &By::Community, now()).is_ok());
    assert!(transition(&registered, &Action::dispatch(joint()), &By::CommandCentre, now()).is_ok());
}

#[test]
fn c3_escalation_climbs_grid_community_command_centre_then_dispatches() {
    let (s, log) = walk_from(
        CaseState::new(),
        &[
            (Action::register(), By::Grid),
            (Action::dispatch(single(Tier::Grid, 1)), By::Grid),
            (Action::accept(), By::Grid),
            (Action::escalate("needs the property company"), By::Grid),
        ],
    );
    assert_eq!(
        (s.status, s.level, s.assignment.clone()),
        (CaseStatus::Registered, Tier::Community, None)
    );
    // The grid no longer coordinates the case.
    assert!(matches!(
        refuse(&s, Action::dispatch(single(Tier::Grid, 1)), By::Grid),
        CaseError::NotPermitted { .. }
    ));
    let (s, log2) = walk_from(s, &[(Action::escalate("needs departments"), By::Community)]);
    assert_eq!(s.level, Tier::CommandCentre);
    assert!(matches!(
        refuse(&s, Action::escalate("?"), By::Community),
        CaseError::NotPermitted { .. }
    ));
    assert!(
        matches!(
            refuse(&s, Action::escalate("?"), By::CommandCentre),
            CaseError::NotPermitted { .. }
        ),
        "from the command centre the next tier is a dispatch to departments"
    );
    let (s, more) = walk_from(
        s,
        &[
            (Action::dispatch(single(Tier::Department, 10)), By::CommandCentre),
            (Action::accept(), By::Department),
        ],
    );
    assert_eq!(s.status, CaseStatus::Accepted);
    let all: Vec<_> = log.into_iter().chain(log2).chain(more).collect();
    assert_eq!(replay(&all).unwrap().level, Tier::CommandCentre);
}

#[test]
fn c4_send_back_returns_the_case_to_its_dispatcher() {
    let dispatched = walk(&[
        (Action::register(), By::CommandCentre),
        (Action::dispatch(single(Tier::Department, 10)), By::CommandCentre),
    ]);
    assert!(matches!(
        refuse(&dispatched, Action::send_back(""), By::Department),
        CaseError::Invalid(_)
    ));
    let (s, _) = walk_from(
        dispatched,
        &[(Action::send_back("belongs to the water company"), By::Department)],
    );
    assert_eq!((s.status, s.assignment.is_none()), (CaseStatus::Registered, true));
}

#[test]
fn c4_required_data_is_refused_when_missing() {
    let received = CaseState::new();
    let invalid = |s: &CaseState, a: Action, by: By| match refuse(s, a, by) {
        CaseError::Invalid(f) => f[0].field.clone(),
        e => panic!("{e}"),
    };
    assert_eq!(invalid(&received, Action::reject(" "), By::Community), "reason");
    assert_eq!(
        invalid(&received, Action::new(ActionKind::Merge), By::Community),
        "merge_into"
    );
    let closed = walk(&grid_path());
    assert_eq!(invalid(&closed, Action::rate(6), By::Reporter), "rating");
    assert_eq!(invalid(&closed, Action::reopen(""), By::Reporter), "reason");
    let handled = walk(&grid_path()[..5]);
    assert_eq!(invalid(&handled, Action::return_for_rework(""), By::Community), "reason");
    let e = refuse(&received, Action::reject(""), By::Community);
    assert_eq!((e.code(), e.is_conflict()), ("invalid", false));
}

#[test]
fn c4_closed_case_is_rated_once_and_reopening_allows_a_new_rating() {
    let (closed, _) = walk_from(CaseState::new(), &grid_path());
    let (rated, _) = walk_from(closed, &[(Action::rate(2), By::Reporter)]);
    let e = refuse(&rated, Action::rate(5), By::Reporter);
    assert!(matches!(e, CaseError::Conflict { .. }) && e.is_conflict(), "{e}");
    let (reopened, _) = walk_from(rated, &[(Action::reopen("water is back"), By::Reporter)]);
    assert_eq!(
        (
            reopened.status,
            reopened.rating,
            reopened.reopens,
            reopened.assignment.clone()
        ),
        (CaseStatus::Reopened, None, 1, None)
    );
    let again: Vec<_> = [(Action::dispatch(single(Tier::Grid, 1)), By::Grid)]
        .into_iter()
        .chain(grid_path().into_iter().skip(2))
        .collect();
    let (closed2, _) = walk_from(reopened, &again);
    let (rated2, _) = walk_from(closed2, &[(Action::rate(5), By::Reporter)]);
    assert_eq!(rated2.rating, Some(5));
}

#[test]
fn c4_rework_goes_back_to_the_same_handler() {
    let handled = walk(&grid_path()[..5]);
    let (s, _) = walk_from(handled, &[(Action::return_for_rework("rubbish still there"), By::Community)]);
    assert_eq!((s.status, s.reworks), (CaseStatus::Returned, 1));
    assert_eq!(s.assignment, Some(single(Tier::Grid, 1)));
    let (s, _) = walk_from(
        s,
        &[
            (Action::accept(), By::Grid),
            (Action::start(), By::Grid),
            (Action::handle(), By::Grid),
            (Action::verify(), By::Community),
        ],
    );
    let (s, _) = walk_from(s, &[(Action::return_for_rework("again"), By::CommandCentre)]);
    assert_eq!(s.reworks, 2);
}

#[test]
fn c3_joint_case_is_handled_only_after_the_lead_and_co_handlers() {
    let in_progress = walk(&joint_path()[..4]);
    let conflict = |s: &CaseState, a: Action, by: By| matches!(refuse(s, a, by), CaseError::Conflict { .. });
    assert!(conflict(&in_progress, Action::handle(), By::Department));
    assert!(
        conflict(&in_progress, Action::waive_subtask(10, "lead"), By::CommandCentre),
        "the lead cannot be waived"
    );
    assert!(
        conflict(&in_progress, Action::complete_subtask(30), By::Department),
        "no such sub-task"
    );
    let (lead_done, _) = walk_from(in_progress.clone(), &[(Action::complete_subtask(10), By::Department)]);
    assert!(
        conflict(&lead_done, Action::handle(), By::Department),
        "co-handler still open"
    );
    assert!(
        conflict(&lead_done, Action::complete_subtask(10), By::Department),
        "already done"
    );
    let (waived, _) = walk_from(
        lead_done,
        &[(Action::waive_subtask(20, "no gas works needed"), By::CommandCentre)],
    );
    let (handled, _) = walk_from(waived, &[(Action::handle(), By::Department)]);
    assert_eq!(handled.status, CaseStatus::Handled);
    // Rework opens the lead's sub-task again; the co-handler's result stands.
    let (returned, _) = walk_from(handled, &[(Action::return_for_rework("smell remains"), By::Grid)]);
    let j = returned.assignment.as_ref().and_then(Assignment::joint).unwrap();
    assert_eq!(
        (j.lead.status, j.co_handlers[0].status),
        (SubTaskStatus::Open, SubTaskStatus::Waived)
    );
    // A single-handler case has no sub-tasks.
    let single_case = walk(&grid_path()[..3]);
    assert!(conflict(&single_case, Action::complete_subtask(10), By::Department));
}

#[test]
fn c5_supervise_is_compare_and_set_on_the_escalation_level() {
    let received = CaseState::new();
    let (s, _) = walk_from(received, &[(Action::supervise(1), By::System)]);
    assert_eq!((s.status, s.escalation_level), (CaseStatus::Received, 1));
    assert!(
        matches!(refuse(&s, Action::supervise(1), By::System), CaseError::Conflict { .. }),
        "a replayed decision changes nothing"
    );
    let (s, _) = walk_from(s, &[(Action::supervise(2), By::System)]);
    let e = refuse(&s, Action::supervise(3), By::System);
    assert!(
        matches!(e, CaseError::Conflict { .. }),
        "a grid step has two supervisors: {e}"
    );
    // A new step clock starts from level 0.
    let (s, _) = walk_from(s, &[(Action::register(), By::Grid)]);
    assert_eq!(s.escalation_level, 2, "registering keeps the dispatch clock running");
    let (s, _) = walk_from(s, &[(Action::dispatch(single(Tier::Grid, 1)), By::Grid)]);
    assert_eq!(s.escalation_level, 0);
}

#[test]
fn c4_merged_is_terminal() {
    let merged = walk(&[(Action::register(), By::Grid), (Action::merge(42), By::Community)]);
    assert_eq!(merged.merged_into, Some(42));
    for kind in ActionKind::ALL {
        for a in candidates(kind) {
            for by in ActorTier::ALL {
                assert!(matches!(refuse(&merged, a.clone(), by), CaseError::IllegalTransition { .. }));
            }
        }
    }
    assert!(ActorTier::ALL.iter().all(|a| available_actions(&merged, *a).is_empty()));
}

#[test]
fn c4_available_actions_are_the_buttons_for_each_tier() {
    let handled = walk(&grid_path()[..5]);
    assert_eq!(
        available_actions(&handled, By::Community),
        vec![ActionKind::Verify, ActionKind::ReturnForRework]
    );
    assert!(available_actions(&handled, By::Grid).is_empty());
    let closed = walk(&grid_path());
    assert_eq!(
        available_actions(&closed, By::Reporter),
        vec![ActionKind::Reopen, ActionKind::Rate]
    );
    let received = CaseState::new();
    assert_eq!(available_actions(&received, By::System), vec![ActionKind::Supervise]);
}

#[test]
fn c4_replay_refuses_a_tampered_or_reordered_log() {
    let (_, log) = walk_from(CaseState::new(), &grid_path());
    let mut forged = log.clone();
    forged[3].to = CaseStatus::Closed;
    assert!(matches!(replay(&forged), Err(CaseError::CorruptLog { index: 3, .. })));
    let mut swapped = log.clone();
    swapped.swap(1, 2);
    assert!(matches!(replay(&swapped), Err(CaseError::CorruptLog { index: 1, .. })));
    let mut wrong_actor = log.clone();
    wrong_actor[6].by = By::Grid;
    assert_eq!(replay(&wrong_actor).unwrap_err().code(), "corrupt_log");
    assert_eq!(replay(&[]).unwrap(), CaseState::new());
}

#[test]
fn c4_events_serialise_flat_and_round_trip() {
    let (_, log) = walk_from(CaseState::new(), &joint_path());
    for ev in &log {
        let json = serde_json::to_value(ev).unwrap();
        assert_eq!(json["action"], ev.action.kind.as_str());
        assert_eq!(json["from"], ev.from.as_str());
        let back: CaseEvent = serde_json::from_value(json).unwrap();
        assert_eq!(&back, ev);
    }
    let dispatch = serde_json::to_value(&log[1]).unwrap();
    assert_eq!(dispatch["assignment"]["kind"], "joint");
    assert_eq!(dispatch["assignment"]["lead"]["department"], 10);
    assert_eq!(dispatch["by"], "command_centre");
}
