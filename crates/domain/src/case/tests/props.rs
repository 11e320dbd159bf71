//! C4 and C5 properties over random inputs.

use chrono::TimeDelta;
use proptest::prelude::*;

use super::table::reachable;
use super::*;

/// One random attempt: which action, by whom, a variant choosing its data (some variants carry
/// bad data on purpose), and whether to aim. An aimed attempt picks among the actions some tier
/// may take now, so that sequences get deep into the loop; the others are blind, so that most of
/// them are refused.
type Attempt = (usize, usize, u8, bool);

fn attempts() -> impl Strategy<Value = Vec<Attempt>> {
    prop::collection::vec(
        (0..1000usize, 0..ActorTier::ALL.len(), 0u8..6, prop::bool::weighted(0.8)),
        0..80,
    )
}

fn choose(state: &CaseState, (pick, actor, _, aim): Attempt) -> (ActionKind, ActorTier) {
    if aim {
        // Forward steps weigh more than side steps, or few sequences would reach `closed`.
        use ActionKind::*;
        let weight = |k: ActionKind| {
            if matches!(
                k,
                Register | Dispatch | Accept | Start | Handle | Verify | Close | CompleteSubtask
            ) {
                6
            } else {
                1
            }
        };
        let offered: Vec<(ActionKind, ActorTier)> = ActorTier::ALL
            .iter()
            .flat_map(|a| available_actions(state, *a).into_iter().map(move |k| (k, *a)))
            .flat_map(|p| std::iter::repeat_n(p, weight(p.0)))
            .collect();
        if !offered.is_empty() {
            return offered[pick % offered.len()];
        }
    }
    (ActionKind::ALL[pick % ActionKind::ALL.len()], ActorTier::ALL[actor])
}

/// Builds the action for an attempt, looking at the case so that valid data is likely.
fn action_for(state: &CaseState, kind: ActionKind, v: u8) -> Action {
    use ActionKind::*;
    let reason = if v == 5 { "" } else { "because" };
    match kind {
        Register | Accept | Start | Handle | Verify | Close => Action::new(kind),
        Reject => Action::reject(reason),
        SendBack => Action::send_back(reason),
        ReturnForRework => Action::return_for_rework(reason),
        Reopen => Action::reopen(reason),
        Escalate => Action::escalate(reason),
        Dispatch | Reassign => {
            let to = match v % 4 {
                0 => single(Tier::Grid, 1),
                1 => single(Tier::Community, 2),
                2 => single(Tier::Department, 10),
                _ => Assignment::Joint(JointHandling::new(10, &[20, 30])),
            };
            if kind == Dispatch {
                Action::dispatch(to)
            } else {
                Action::reassign(to)
            }
        }
        Merge => Action::merge(if v == 5 { 0 } else { 77 }),
        Supervise => Action::supervise(state.escalation_level.saturating_add(if v == 5 { 2 } else { 1 })),
        Rate => Action::rate(v + 1),
        CompleteSubtask => Action::complete_subtask([10, 20, 30, 10, 20, 99][usize::from(v)]),
        WaiveSubtask => Action::waive_subtask([20, 30, 10, 20, 30, 20][usize::from(v)], reason),
    }
}

struct Run {
    log: Vec<CaseEvent>,
    state: CaseState,
}

/// Applies the attempts in order from `received`, checking the per-step invariants.
fn run(attempts: &[Attempt]) -> Result<Run, TestCaseError> {
    let reach = reachable();
    let mut state = CaseState::new();
    let mut log = Vec::new();
    for (i, attempt) in attempts.iter().enumerate() {
        let (kind, actor) = choose(&state, *attempt);
        let action = action_for(&state, kind, attempt.2);
        let at = now() + TimeDelta::minutes(i as i64);
        match transition(&state, &action, &actor, at) {
            Ok(ev) => {
                prop_assert_eq!(ev.from, state.status);
                prop_assert_eq!(next_status(ev.from, kind), Some(ev.to));
                prop_assert!(reach.contains(&ev.to));
                if state.status == CaseStatus::Closed {
                    prop_assert!(
                        matches!(kind, ActionKind::Reopen | ActionKind::Rate),
                        "closed case took {}",
                        kind
                    );
                }
                prop_assert_ne!(state.status, CaseStatus::Merged);
                state = state.apply(&ev);
                log.push(ev);
            }
            Err(e) => {
                if state.status == CaseStatus::Merged {
                    prop_assert!(matches!(e, CaseError::IllegalTransition { .. }), "merged case: {}", e);
                }
                prop_assert!(!matches!(e, CaseError::CorruptLog { .. }), "{}", e);
            }
        }
        check_invariants(&state)?;
    }
    Ok(Run { log, state })
}

fn check_invariants(s: &CaseState) -> Result<(), TestCaseError> {
    use CaseStatus::*;
    prop_assert!(s.level.can_hold(), "a case is never held by a department");
    prop_assert!(s.rating.is_none() || s.status == Closed, "ratings exist only on closed cases");
    prop_assert!(s.rating.is_none_or(|r| (1..=5).contains(&r)));
    prop_assert!(usize::from(s.escalation_level) <= 2);
    match s.status {
        Received | Registered | Reopened => prop_assert!(s.assignment.is_none(), "{} with an assignment", s.status),
        Dispatched | Accepted | InProgress | Handled | Verified | Returned => prop_assert!(s.assignment.is_some()),
        Closed | Rejected | Merged => {}
    }
    prop_assert_eq!(s.merged_into.is_some(), s.status == Merged);
    if s.status == Handled
        && let Some(j) = s.assignment.as_ref().and_then(Assignment::joint)
    {
        prop_assert!(j.is_handled(), "a joint case is handled only when its sub-tasks are");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any random sequence from `received` is refused or follows the table to a reachable status,
    /// and the event log replays to the same state.
    #[test]
    fn c4_random_actions_follow_the_table_and_the_log_replays(xs in attempts()) {
        let r = run(&xs)?;
        prop_assert_eq!(replay(&r.log).unwrap(), r.state);
    }

    /// Closed cases only reopen or get rated; merged cases take nothing (checked at every step of
    /// `run`); here from cases driven to closed and merged first.
    #[test]
    fn c4_closed_only_reopens_or_rates_and_merged_is_terminal(xs in attempts(), merge_first in any::<bool>()) {
        let mut prefix: Vec<Attempt> = Vec::new();
        let idx = |k: ActionKind| ActionKind::ALL.iter().position(|x| *x == k).unwrap();
        let by = |a: ActorTier| ActorTier::ALL.iter().position(|x| *x == a).unwrap();
        if merge_first {
            prefix.push((idx(ActionKind::Merge), by(ActorTier::Community), 0, false));
        } else {
            for (a, t) in grid_path() {
                prefix.push((idx(a.kind), by(t), 0, false));
            }
        }
        let start = run(&prefix)?;
        prop_assert_eq!(start.state.status, if merge_first { CaseStatus::Merged } else { CaseStatus::Closed });
        let all: Vec<Attempt> = prefix.into_iter().chain(xs).collect();
        let r = run(&all)?;
        if merge_first {
            prop_assert_eq!(r.log.len(), 1);
        }
        prop_assert_eq!(replay(&r.log).unwrap(), r.state);
    }

    /// The replayed state equals the state after every prefix of the log, not only the last.
    #[test]
    fn c4_every_prefix_of_the_log_replays(xs in attempts()) {
        let r = run(&xs)?;
        let mut s = CaseState::new();
        for (i, ev) in r.log.iter().enumerate() {
            s = s.apply(ev);
            prop_assert_eq!(replay(&r.log[..=i]).unwrap(), s.clone());
        }
    }

    /// Working time added and measured again gives the same amount, ends inside working time at
    /// the earliest instant, whatever the start (weekends, nights, lunch, holidays).
    #[test]
    fn c5_working_time_round_trips(start_min in 0i64..(2 * 366 * 24 * 60), secs in 1i64..(20 * 27_000)) {
        let cal = holiday_calendar();
        let start = local(2025, 1, 1, 0, 0) + TimeDelta::minutes(start_min);
        let due = cal.add_working(start, secs);
        prop_assert!(due > start);
        prop_assert_eq!(cal.working_secs_between(start, due), secs);
        prop_assert_eq!(cal.working_secs_between(start, due - TimeDelta::seconds(1)), secs - 1);
        let l = cal.local(due);
        prop_assert!(cal.is_working_day(l.date()));
        prop_assert!(cal.periods.iter().any(|p| p.start < l.time() && l.time() <= p.end), "due {} outside working time", l);
    }

    /// The light follows the share of the limit used: green below the warning share, red only
    /// once the whole limit is used and the due time has passed.
    #[test]
    fn c5_colour_follows_the_share_of_the_limit(start_min in 0i64..(366 * 24 * 60), hours in 1u32..40, working in any::<bool>(), at_min in 0i64..(30 * 24 * 60)) {
        let cal = holiday_calendar();
        let policy = DeadlinePolicy::default();
        let start = local(2025, 1, 1, 0, 0) + TimeDelta::minutes(start_min);
        let limit = if working { Limit::working_hours(hours) } else { Limit::calendar_hours(hours) };
        let now = start + TimeDelta::minutes(at_min);
        let used = if working { cal.working_secs_between(start, now) } else { (now - start).num_seconds() };
        let total = limit.secs(&cal);
        let c = colour(start, &limit, now, &cal, &policy);
        prop_assert_eq!(c == Colour::Green, used * 100 < total * 80, "used {} of {}", used, total);
        if c == Colour::Red {
            prop_assert!(used >= total && now > due_at(start, &limit, &cal));
        }
        if used > total {
            prop_assert_eq!(c, Colour::Red);
        }
    }

    /// However often and whenever the worker looks, each notice and each escalation happens once,
    /// in order, and only after its instant.
    #[test]
    fn c5_deadline_decisions_fire_once_each(start_min in 0i64..(366 * 24 * 60), hours in 1u32..30, tier in 0usize..4, looks in prop::collection::vec(0i64..(20 * 24 * 60), 1..30)) {
        let cal = holiday_calendar();
        let handler = Tier::ALL[tier];
        let start = local(2025, 1, 1, 0, 0) + TimeDelta::minutes(start_min);
        let mut clock = StepClock::start(Step::Handle, handler, start, &Limit::working_hours(hours), &cal, &DeadlinePolicy::default());
        let mut looks = looks;
        looks.sort_unstable();
        let (mut warned, mut overdue, mut escalations) = (0, 0, Vec::new());
        for m in looks {
            let now = start + TimeDelta::minutes(m);
            while let Some(d) = next_deadline_action(&clock, now) {
                match d {
                    DeadlineAction::Notify { expected, notice, .. } => {
                        prop_assert_eq!(expected, clock.notice);
                        prop_assert!(notice > clock.notice);
                        if notice == Notice::Warned { warned += 1; prop_assert!(now >= clock.warn_at && now <= clock.due_at); }
                        if notice == Notice::Overdue { overdue += 1; prop_assert!(now > clock.due_at); }
                        clock.notice = notice;
                    }
                    DeadlineAction::Escalate { expected_level, level, to, .. } => {
                        prop_assert_eq!(expected_level, clock.escalation_level);
                        prop_assert_eq!(level, expected_level + 1);
                        prop_assert!(now > clock.escalate_at[usize::from(expected_level)]);
                        prop_assert_eq!(clock.notice, Notice::Overdue, "the handler is told before the tier above");
                        escalations.push(to);
                        clock.escalation_level = level;
                    }
                }
            }
            if let Some(next) = clock.next_check_at() {
                prop_assert!(next > now, "nothing left to do before {}", next);
            }
        }
        prop_assert!(warned <= 1 && overdue <= 1);
        prop_assert!(escalations.len() <= handler.supervisors().len());
        prop_assert_eq!(&escalations[..], &handler.supervisors()[..escalations.len()]);
    }
}

/// The default calendar with the 2025 National Day holiday and its make-up days.
pub(super) fn holiday_calendar() -> WorkCalendar {
    let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
    WorkCalendar {
        holidays: (1..=8).map(|day| d(10, day)).collect(),
        make_up_days: [d(9, 28), d(10, 11)].into_iter().collect(),
        ..WorkCalendar::default()
    }
}
