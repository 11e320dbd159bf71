//! C5: working calendar, due times, the light, and the worker's decisions.

use chrono::TimeDelta;

use super::props::holiday_calendar;
use super::*;

fn due(start: DateTime<Utc>, limit: &str) -> DateTime<Utc> {
    due_at(start, &Limit::parse(limit).unwrap(), &holiday_calendar())
}

#[test]
fn c5_working_hours_skip_the_lunch_break() {
    // Monday 2 June 2025.
    assert_eq!(due(local(2025, 6, 2, 11, 0), "4wh"), local(2025, 6, 2, 16, 30));
    assert_eq!(
        due(local(2025, 6, 2, 11, 0), "1wh"),
        local(2025, 6, 2, 12, 0),
        "ends at the break, not after it"
    );
    assert_eq!(due(local(2025, 6, 2, 9, 0), "3wh"), local(2025, 6, 2, 12, 0));
    assert_eq!(
        due(local(2025, 6, 2, 12, 30), "1wh"),
        local(2025, 6, 2, 14, 30),
        "a start in the break counts from 13:30"
    );
    assert_eq!(due(local(2025, 6, 2, 11, 30), "30wmin"), local(2025, 6, 2, 12, 0));
}

#[test]
fn c5_working_hours_skip_nights_and_weekends() {
    // Friday 6 June 16:00 + 4 working hours: 2 h on Friday, 2 h on Monday.
    assert_eq!(due(local(2025, 6, 6, 16, 0), "4wh"), local(2025, 6, 9, 11, 0));
    assert_eq!(
        due(local(2025, 6, 7, 10, 0), "1wh"),
        local(2025, 6, 9, 10, 0),
        "a Saturday report counts from Monday"
    );
    assert_eq!(due(local(2025, 6, 2, 7, 0), "1wh"), local(2025, 6, 2, 10, 0));
    assert_eq!(due(local(2025, 6, 2, 19, 0), "1wh"), local(2025, 6, 3, 10, 0));
}

#[test]
fn c5_holidays_are_skipped_and_make_up_days_count() {
    let cal = holiday_calendar();
    // 2025 National Day: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    assert!(!cal.is_working_day(NaiveDate::from_ymd_opt(2025, 10, 1).unwrap()));
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2025, 9, 28).unwrap()));
    assert!(cal.is_working_day(NaiveDate::from_ymd_opt(2025, 10, 11).unwrap()));
    assert_eq!(due(local(2025, 9, 30, 17, 0), "2wh"), local(2025, 10, 9, 10, 0));
    assert_eq!(
        due(local(2025, 9, 27, 10, 0), "1wh"),
        local(2025, 9, 28, 10, 0),
        "Saturday report, Sunday make-up day"
    );
    assert_eq!(due(local(2025, 10, 10, 17, 0), "2wh"), local(2025, 10, 11, 10, 0));
    // The default calendar knows no holidays: the same start is due on 1 October.
    assert_eq!(
        due_at(local(2025, 9, 30, 17, 0), &Limit::working_hours(2), &WorkCalendar::default()),
        local(2025, 10, 1, 10, 0)
    );
}

#[test]
fn c5_working_days_are_days_of_working_time() {
    let cal = WorkCalendar::default();
    assert_eq!(cal.daily_working_secs(), 7 * 3600 + 1800);
    assert_eq!(due(local(2025, 6, 2, 10, 0), "1wd"), local(2025, 6, 3, 10, 0));
    assert_eq!(due(local(2025, 6, 6, 10, 0), "1wd"), local(2025, 6, 9, 10, 0));
    assert_eq!(due(local(2025, 6, 2, 10, 0), "15wd"), local(2025, 6, 23, 10, 0));
    assert_eq!(due(local(2025, 6, 2, 16, 0), "1wd"), local(2025, 6, 3, 16, 0));
}

#[test]
fn c5_calendar_hours_ignore_the_working_calendar() {
    // Sunday 03:00: emergencies run round the clock (DB11: dispatch 1 h, reply 2 h).
    assert_eq!(due(local(2025, 6, 8, 3, 0), "2h"), local(2025, 6, 8, 5, 0));
    assert_eq!(due(local(2025, 10, 1, 3, 0), "1h"), local(2025, 10, 1, 4, 0), "holidays too");
    assert_eq!(due(local(2025, 6, 2, 10, 0), "7d"), local(2025, 6, 9, 10, 0));
    assert_eq!(due(local(2025, 6, 2, 10, 0), "30min"), local(2025, 6, 2, 10, 30));
}

#[test]
fn c5_asia_shanghai_is_a_fixed_utc_plus_8() {
    let cal = WorkCalendar::default();
    // Around the European and American DST switches nothing moves: 09:00 local is 01:00 UTC.
    for (m, d) in [(3, 10), (3, 31), (10, 27), (11, 3)] {
        let nine = local(2025, m, d, 9, 0);
        assert_eq!(
            nine,
            NaiveDate::from_ymd_opt(2025, m, d)
                .unwrap()
                .and_hms_opt(1, 0, 0)
                .unwrap()
                .and_utc()
        );
        assert_eq!(cal.local(nine).time(), chrono::NaiveTime::from_hms_opt(9, 0, 0).unwrap());
    }
    // A working day that starts on the previous UTC date: Monday 09:00 local = Monday 01:00 UTC,
    // and Sunday 23:00 UTC is Monday 07:00 local, before opening.
    let sunday_night_utc = NaiveDate::from_ymd_opt(2025, 6, 1)
        .unwrap()
        .and_hms_opt(23, 0, 0)
        .unwrap()
        .and_utc();
    assert_eq!(cal.add_working(sunday_night_utc, 3600), local(2025, 6, 2, 10, 0));
    assert_eq!(
        cal.working_secs_between(local(2025, 6, 2, 0, 0), local(2025, 6, 3, 0, 0)),
        27_000
    );
}

#[test]
fn c5_colour_is_green_below_80_yellow_to_100_red_beyond() {
    let cal = WorkCalendar::default();
    let p = DeadlinePolicy::default();
    let start = local(2025, 6, 2, 9, 0);
    let h10 = Limit::calendar_hours(10);
    let at = |min: i64| colour(start, &h10, start + TimeDelta::minutes(min), &cal, &p);
    assert_eq!(at(479), Colour::Green);
    assert_eq!(at(480), Colour::Yellow);
    assert_eq!(at(600), Colour::Yellow);
    assert_eq!(colour(start, &h10, start + TimeDelta::seconds(36_001), &cal, &p), Colour::Red);
    // Working hours: 10 wh from Monday 09:00; 8 wh are used at Tuesday 09:30; due Tuesday 11:30.
    let wh10 = Limit::working_hours(10);
    let w = |t| colour(start, &wh10, t, &cal, &p);
    assert_eq!(w(local(2025, 6, 2, 18, 0)), Colour::Green);
    assert_eq!(w(local(2025, 6, 3, 9, 29)), Colour::Green);
    assert_eq!(w(local(2025, 6, 3, 9, 30)), Colour::Yellow);
    assert_eq!(w(local(2025, 6, 3, 11, 30)), Colour::Yellow);
    assert_eq!(
        w(local(2025, 6, 3, 12, 30)),
        Colour::Red,
        "past the due time, even though the lunch break adds no working time"
    );
}

#[test]
fn c5_worker_warns_then_flags_overdue_then_escalates_one_tier_at_a_time() {
    let cal = WorkCalendar::default();
    // A grid worker has 4 working hours from Monday 09:00: warn at 3.2 wh (13:42), due 14:30,
    // community told after 14:30, command centre after 8 wh (Tuesday 09:30).
    let mut c = StepClock::start(
        Step::Handle,
        Tier::Grid,
        local(2025, 6, 2, 9, 0),
        &Limit::working_hours(4),
        &cal,
        &DeadlinePolicy::default(),
    );
    assert_eq!((c.warn_at, c.due_at), (local(2025, 6, 2, 13, 42), local(2025, 6, 2, 14, 30)));
    assert_eq!(c.escalate_at, vec![local(2025, 6, 2, 14, 30), local(2025, 6, 3, 9, 30)]);
    assert_eq!(next_deadline_action(&c, local(2025, 6, 2, 13, 41)), None);
    assert_eq!(c.next_check_at(), Some(c.warn_at));

    let warn = next_deadline_action(&c, local(2025, 6, 2, 13, 42)).unwrap();
    assert!(matches!(
        warn,
        DeadlineAction::Notify {
            expected: Notice::None,
            notice: Notice::Warned,
            to: Tier::Grid,
            ..
        }
    ));
    c.notice = Notice::Warned;
    assert_eq!(
        next_deadline_action(&c, local(2025, 6, 2, 14, 30)),
        None,
        "due at 14:30 is still on time at 14:30"
    );

    let late = local(2025, 6, 2, 14, 31);
    let overdue = next_deadline_action(&c, late).unwrap();
    assert!(matches!(
        overdue,
        DeadlineAction::Notify {
            expected: Notice::Warned,
            notice: Notice::Overdue,
            ..
        }
    ));
    c.notice = Notice::Overdue;
    let up = next_deadline_action(&c, late).unwrap();
    assert!(matches!(
        up,
        DeadlineAction::Escalate {
            expected_level: 0,
            level: 1,
            to: Tier::Community,
            ..
        }
    ));
    assert_eq!(up.supervise_action(), Some(Action::supervise(1)));
    c.escalation_level = 1;
    assert_eq!(next_deadline_action(&c, local(2025, 6, 3, 9, 30)), None);
    let up2 = next_deadline_action(&c, local(2025, 6, 3, 9, 31)).unwrap();
    assert!(matches!(
        up2,
        DeadlineAction::Escalate {
            expected_level: 1,
            level: 2,
            to: Tier::CommandCentre,
            ..
        }
    ));
    c.escalation_level = 2;
    assert_eq!(next_deadline_action(&c, local(2025, 7, 1, 9, 0)), None);
    assert_eq!(c.next_check_at(), None);
}

#[test]
fn c5_a_warning_missed_until_after_the_due_time_is_skipped() {
    let cal = WorkCalendar::default();
    let c = StepClock::start(
        Step::Dispatch,
        Tier::Community,
        local(2025, 6, 2, 9, 0),
        &Limit::calendar_hours(1),
        &cal,
        &DeadlinePolicy::default(),
    );
    let d = next_deadline_action(&c, local(2025, 6, 2, 12, 0)).unwrap();
    assert!(matches!(
        d,
        DeadlineAction::Notify {
            expected: Notice::None,
            notice: Notice::Overdue,
            to: Tier::Community,
            ..
        }
    ));
}

#[test]
fn c5_command_centre_steps_are_flagged_but_not_escalated() {
    let cal = WorkCalendar::default();
    let mut c = StepClock::start(
        Step::Dispatch,
        Tier::CommandCentre,
        local(2025, 6, 2, 9, 0),
        &Limit::calendar_hours(1),
        &cal,
        &DeadlinePolicy::default(),
    );
    assert!(c.escalate_at.is_empty());
    c.notice = Notice::Overdue;
    assert_eq!(next_deadline_action(&c, local(2025, 6, 9, 9, 0)), None);
    assert_eq!(c.colour(local(2025, 6, 9, 9, 0)), Colour::Red);
}

#[test]
fn c5_escalation_is_recorded_exactly_once_through_the_state_machine() {
    let cal = WorkCalendar::default();
    let (state, log) = walk_from(
        CaseState::new(),
        &[
            (Action::register(), ActorTier::Grid),
            (Action::dispatch(single(Tier::Grid, 1)), ActorTier::Grid),
        ],
    );
    let limits = StepLimits {
        dispatch: Limit::working_hours(1),
        handle: Limit::working_hours(4),
    };
    let mut clock = StepClock::after_event(
        log.last().unwrap(),
        &state,
        |s| limits.for_step(s),
        &cal,
        &DeadlinePolicy::default(),
    )
    .unwrap();
    assert_eq!((clock.step, clock.handler), (Step::Handle, Tier::Grid));
    clock.notice = Notice::Overdue;
    let d = next_deadline_action(&clock, clock.due_at + TimeDelta::hours(1)).unwrap();
    let action = d.supervise_action().unwrap();
    let ev = transition(&state, &action, &ActorTier::System, now()).unwrap();
    let after = state.apply(&ev);
    assert_eq!((after.status, after.escalation_level), (CaseStatus::Dispatched, 1));
    // A second worker holding the same decision is refused: the escalation is not recorded twice.
    assert!(matches!(
        transition(&after, &action, &ActorTier::System, now()),
        Err(CaseError::Conflict { .. })
    ));
}

#[test]
fn c5_which_events_start_a_new_clock() {
    let (_, log) = walk_from(CaseState::new(), &grid_path());
    let restarts: Vec<_> = log.iter().map(|e| (e.action.kind, restarts_clock(e))).collect();
    assert_eq!(
        restarts,
        vec![
            (ActionKind::Register, None),
            (ActionKind::Dispatch, Some(Step::Handle)),
            (ActionKind::Accept, None),
            (ActionKind::Start, None),
            (ActionKind::Handle, None),
            (ActionKind::Verify, None),
            (ActionKind::Close, None),
        ]
    );
    let handled = walk(&grid_path()[..5]);
    let rework = transition(&handled, &Action::return_for_rework("x"), &ActorTier::Community, now()).unwrap();
    assert_eq!(restarts_clock(&rework), Some(Step::Handle));
    let accepted = walk(&grid_path()[..3]);
    let up = transition(&accepted, &Action::escalate("x"), &ActorTier::Grid, now()).unwrap();
    assert_eq!(restarts_clock(&up), Some(Step::Dispatch));
    let s = accepted.apply(&up);
    let clock = StepClock::after_event(
        &up,
        &s,
        |_| Limit::working_hours(1),
        &WorkCalendar::default(),
        &DeadlinePolicy::default(),
    )
    .unwrap();
    assert_eq!(clock.handler, Tier::Community, "the new level dispatches now");
    let sup = transition(&accepted, &Action::supervise(1), &ActorTier::System, now()).unwrap();
    assert_eq!(restarts_clock(&sup), None);
}

#[test]
fn c5_limits_are_written_compactly_and_must_be_positive() {
    for s in ["30min", "2h", "7d", "30wmin", "4wh", "15wd"] {
        let l = Limit::parse(s).unwrap();
        assert_eq!(l.to_string(), s);
        let json = serde_json::to_string(&l).unwrap();
        assert_eq!(serde_json::from_str::<Limit>(&json).unwrap(), l);
    }
    for bad in ["0h", "0wd", "4x", "h", "", "-1h", "1.5h"] {
        assert!(Limit::parse(bad).is_err(), "{bad}");
    }
    assert!(serde_json::from_str::<Limit>("\"0h\"").is_err());
    assert_eq!(Limit::parse("15wd").unwrap(), Limit::working_days(15));
    assert_eq!(Limit::parse("7d").unwrap(), Limit::calendar_days(7));
}

#[test]
fn c5_calendar_settings_are_validated_and_round_trip() {
    let cal = WorkCalendar::default();
    cal.validate().unwrap();
    let json = serde_json::to_value(&cal).unwrap();
    assert_eq!(json["periods"][1]["start"], "13:30");
    let back: WorkCalendar = serde_json::from_value(json).unwrap();
    assert_eq!(back, cal);
    let partial: WorkCalendar = serde_json::from_str(r#"{"holidays": ["2025-10-01"]}"#).unwrap();
    assert_eq!(partial.periods, cal.periods, "unset fields take the defaults");
    let t = |s: &str| chrono::NaiveTime::parse_from_str(s, "%H:%M").unwrap();
    let bad = WorkCalendar {
        periods: vec![
            WorkPeriod {
                start: t("09:00"),
                end: t("13:00"),
            },
            WorkPeriod {
                start: t("12:00"),
                end: t("11:00"),
            },
        ],
        weekdays: vec![],
        ..WorkCalendar::default()
    };
    let DomainError::Invalid(errors) = bad.validate().unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn c5_deadline_policy_is_validated() {
    DeadlinePolicy::default().validate().unwrap();
    let DomainError::Invalid(e) = DeadlinePolicy {
        warn_percent: 100,
        escalate_every_percent: 0,
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.len(), 2);
}
