//! C4: every (status, action) pair, allowed or refused, against a table written out by hand.

use super::*;

/// Rows: the status a case is in. Columns: the actions, in `ActionKind::ALL` order. Cells: the
/// status the action leads to, or `-` where it is refused.
const EXPECTED: &str = "
state       register   reject   dispatch   send_back  reassign   accept   start       handle  verify   return_for_rework close  reopen   merge  escalate   supervise   rate   complete_subtask waive_subtask
received    registered rejected -          -          -          -        -           -       -        -                 -      -        merged -          received    -      -                -
registered  -          rejected dispatched -          -          -        -           -       -        -                 -      -        merged registered registered  -      -                -
dispatched  -          -        -          registered dispatched accepted -           -       -        -                 -      -        merged registered dispatched  -      dispatched       dispatched
accepted    -          -        -          registered dispatched -        in_progress -       -        -                 -      -        -      registered accepted    -      accepted         accepted
in_progress -          -        -          -          dispatched -        -           handled -        -                 -      -        -      registered in_progress -      in_progress      in_progress
handled     -          -        -          -          -          -        -           -       verified returned          -      -        -      -          -           -      -                -
verified    -          -        -          -          -          -        -           -       -        returned          closed -        -      -          -           -      -                -
closed      -          -        -          -          -          -        -           -       -        -                 -      reopened -      -          -           closed -                -
rejected    -          -        -          -          -          -        -           -       -        -                 -      reopened -      -          -           -      -                -
returned    -          -        -          -          dispatched accepted -           -       -        -                 -      -        -      registered returned    -      returned         -
reopened    -          rejected dispatched -          -          -        -           -       -        -                 -      -        merged registered reopened    -      -                -
merged      -          -        -          -          -          -        -           -       -        -                 -      -        -      -          -           -      -                -
";

fn expected() -> Vec<(CaseStatus, ActionKind, Option<CaseStatus>)> {
    let mut lines = EXPECTED.trim().lines();
    let header: Vec<ActionKind> = lines
        .next()
        .unwrap()
        .split_whitespace()
        .skip(1)
        .map(|s| ActionKind::parse(s).unwrap())
        .collect();
    assert_eq!(header, ActionKind::ALL.to_vec(), "columns in ActionKind::ALL order");
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for line in lines {
        let mut cells = line.split_whitespace();
        let state = CaseStatus::parse(cells.next().unwrap()).unwrap();
        rows.push(state);
        let cells: Vec<&str> = cells.collect();
        assert_eq!(cells.len(), header.len(), "row {state}");
        for (k, cell) in header.iter().zip(cells) {
            let to = if cell == "-" {
                None
            } else {
                Some(CaseStatus::parse(cell).unwrap_or_else(|| panic!("bad cell {cell}")))
            };
            out.push((state, *k, to));
        }
    }
    assert_eq!(rows, CaseStatus::ALL.to_vec(), "rows in CaseStatus::ALL order");
    out
}

#[test]
fn c4_transition_table_matches_every_state_action_pair() {
    let table = expected();
    assert_eq!(table.len(), 12 * 18);
    for (state, kind, to) in table {
        assert_eq!(next_status(state, kind), to, "{state} × {kind}");
    }
}

#[test]
fn c4_transition_allows_and_refuses_every_pair_as_the_table_says() {
    for (state, kind, to) in expected() {
        let mut successes = 0;
        for case in fixtures(state) {
            assert_eq!(case.status, state);
            for action in candidates(kind) {
                for actor in ActorTier::ALL {
                    match transition(&case, &action, &actor, now()) {
                        Ok(ev) => {
                            successes += 1;
                            assert_eq!((ev.from, Some(ev.to), ev.action.kind, ev.by), (state, to, kind, actor));
                        }
                        Err(e) if to.is_none() => {
                            assert_eq!(
                                e,
                                CaseError::IllegalTransition { state, action: kind },
                                "{state} × {kind} by {actor}"
                            );
                            let msg = e.to_string();
                            assert!(msg.contains(state.as_str()) && msg.contains(kind.as_str()), "{msg}");
                            assert!(e.is_conflict());
                        }
                        Err(e) => assert!(
                            !matches!(e, CaseError::IllegalTransition { .. } | CaseError::CorruptLog { .. }),
                            "{state} × {kind} by {actor}: {e}"
                        ),
                    }
                }
            }
        }
        assert_eq!(
            successes > 0,
            to.is_some(),
            "{state} × {kind}: some tier with valid data succeeds iff the table allows it"
        );
    }
}

#[test]
fn c4_every_status_is_reachable_from_received() {
    let reach = reachable();
    assert_eq!(reach.len(), CaseStatus::ALL.len(), "{reach:?}");
}

/// Statuses reachable from `received` over the table.
pub(super) fn reachable() -> std::collections::BTreeSet<CaseStatus> {
    let mut seen = std::collections::BTreeSet::from([CaseStatus::Received]);
    let mut todo = vec![CaseStatus::Received];
    while let Some(s) = todo.pop() {
        for k in ActionKind::ALL {
            if let Some(t) = next_status(s, k)
                && seen.insert(t)
            {
                todo.push(t);
            }
        }
    }
    seen
}

#[test]
fn c4_available_actions_agree_with_transition() {
    for state in CaseStatus::ALL {
        for case in fixtures(state) {
            for actor in ActorTier::ALL {
                let offered = available_actions(&case, actor);
                for kind in ActionKind::ALL {
                    let works = candidates(kind).iter().any(|a| transition(&case, a, &actor, now()).is_ok());
                    if works {
                        assert!(offered.contains(&kind), "{state} {kind} by {actor} works but is not offered");
                    }
                    if offered.contains(&kind) {
                        assert!(next_status(state, kind).is_some());
                    }
                }
            }
        }
    }
}
