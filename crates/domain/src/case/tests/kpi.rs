//! A2: KPI formulas.

use chrono::TimeDelta;

use super::*;

fn day(d: u32) -> DateTime<Utc> {
    local(2025, 6, d, 12, 0)
}

fn june() -> Period {
    Period {
        from: local(2025, 6, 1, 0, 0),
        to: local(2025, 7, 1, 0, 0),
    }
}

fn case(received: u32) -> CaseSummary {
    CaseSummary {
        status: CaseStatus::Received,
        received_at: day(received),
        registered_at: None,
        dispatched_at: None,
        accepted_at: None,
        accept_due_at: None,
        handled_at: None,
        closed_at: None,
        due_at: None,
        reworks: 0,
        rating: None,
        resolved: None,
    }
}

fn closed(received: u32, closed_on: u32, due: u32) -> CaseSummary {
    CaseSummary {
        status: CaseStatus::Closed,
        closed_at: Some(day(closed_on)),
        due_at: Some(day(due)),
        handled_at: Some(day(closed_on)),
        ..case(received)
    }
}

#[test]
fn a2_on_time_closure_rate_is_closed_on_time_over_due_in_period() {
    let cases = vec![
        closed(1, 3, 5), // on time
        closed(1, 5, 5), // on the due instant: on time
        closed(1, 9, 5), // late
        CaseSummary {
            status: CaseStatus::InProgress,
            due_at: Some(day(10)),
            ..case(2)
        }, // due, still open
        CaseSummary {
            due_at: Some(local(2025, 7, 2, 0, 0)),
            ..closed(1, 3, 30)
        }, // due in July: not counted
        CaseSummary {
            status: CaseStatus::Rejected,
            due_at: Some(day(4)),
            ..case(1)
        }, // rejected: not counted
        CaseSummary {
            status: CaseStatus::Merged,
            due_at: Some(day(4)),
            ..case(1)
        }, // duplicate: not counted
    ];
    assert_eq!(
        on_time_closure_rate(&cases, &june()),
        Rate {
            numerator: 2,
            denominator: 4
        }
    );
    // 天门, December 2016: 按期结案 737 of 应结案 972 = 75.82 %.
    let r = Rate {
        numerator: 737,
        denominator: 972,
    };
    assert!((r.percent().unwrap() - 75.82).abs() < 0.01);
}

#[test]
fn a2_rework_rate_is_reworked_over_handled() {
    let cases = vec![
        CaseSummary {
            reworks: 2,
            ..closed(1, 3, 5)
        },
        closed(1, 3, 5),
        closed(1, 4, 5),
        CaseSummary {
            reworks: 1,
            handled_at: Some(local(2025, 5, 30, 9, 0)),
            ..closed(1, 3, 5)
        }, // handled in May
        case(2), // not handled
    ];
    assert_eq!(
        rework_rate(&cases, &june()),
        Rate {
            numerator: 1,
            denominator: 3
        }
    );
}

#[test]
fn a2_response_rate_is_accepted_within_the_deadline_over_dispatched() {
    let d = |accepted: Option<DateTime<Utc>>| CaseSummary {
        status: CaseStatus::Accepted,
        dispatched_at: Some(day(2)),
        accept_due_at: Some(day(2) + TimeDelta::hours(2)),
        accepted_at: accepted,
        ..case(2)
    };
    let cases = vec![
        d(Some(day(2) + TimeDelta::hours(1))),
        d(Some(day(2) + TimeDelta::hours(2))),
        d(Some(day(3))),
        d(None),
        case(3),
    ];
    assert_eq!(
        response_rate(&cases, &june()),
        Rate {
            numerator: 2,
            denominator: 4
        }
    );
}

#[test]
fn a2_satisfaction_rate_counts_4_and_5_among_rated() {
    let r = |rating: Option<u8>| CaseSummary {
        rating,
        ..closed(1, 3, 5)
    };
    let cases = vec![r(Some(5)), r(Some(4)), r(Some(3)), r(Some(1)), r(None)];
    assert_eq!(
        satisfaction_rate(&cases, &june()),
        Rate {
            numerator: 2,
            denominator: 4
        }
    );
}

#[test]
fn a2_resolution_and_acceptance_rates() {
    let r = |resolved: Option<bool>| CaseSummary {
        resolved,
        ..closed(1, 3, 5)
    };
    assert_eq!(
        resolution_rate(&[r(Some(true)), r(Some(false)), r(None)], &june()),
        Rate {
            numerator: 1,
            denominator: 2
        }
    );
    let registered = CaseSummary {
        registered_at: Some(day(1)),
        ..case(1)
    };
    let merged = CaseSummary {
        status: CaseStatus::Merged,
        ..case(1)
    };
    assert_eq!(
        acceptance_rate(&[registered.clone(), registered, case(2), merged], &june()),
        Rate {
            numerator: 2,
            denominator: 3
        }
    );
}

#[test]
fn a2_median_time_to_close() {
    let p = june();
    assert_eq!(median_time_to_close(&[], &p), None);
    let odd = vec![closed(1, 2, 9), closed(1, 4, 9), closed(1, 11, 9)];
    assert_eq!(median_time_to_close(&odd, &p), Some(TimeDelta::days(3)));
    let even = vec![closed(1, 2, 9), closed(1, 4, 9), closed(1, 5, 9), closed(1, 20, 9), case(3)];
    assert_eq!(median_time_to_close(&even, &p), Some(TimeDelta::hours(84)));
}

#[test]
fn a2_empty_denominators_have_no_rate() {
    let r = on_time_closure_rate(&[], &june());
    assert_eq!(
        r,
        Rate {
            numerator: 0,
            denominator: 0
        }
    );
    assert_eq!(r.value(), None);
    assert_eq!(weighted_score(&[(r, 100)]), None);
}

#[test]
fn a2_weighted_scores_and_grade_bands() {
    // Dispatcher: on-time dispatch 40 %, accurate dispatch 40 %, volume 20 %.
    let full = Rate {
        numerator: 10,
        denominator: 10,
    };
    let half = Rate {
        numerator: 5,
        denominator: 10,
    };
    let s = weighted_score(&[(full, 40), (half, 40), (full, 20)]).unwrap();
    assert!((s - 80.0).abs() < 1e-9);
    assert_eq!(grade(s), Grade::B);
    // A part without data leaves the others' weights rescaled.
    let none = Rate::default();
    assert!((weighted_score(&[(full, 40), (none, 60)]).unwrap() - 100.0).abs() < 1e-9);
    let g: Vec<_> = [100.0, 90.0, 89.99, 75.0, 74.9, 60.0, 40.0, 39.9, 0.0]
        .into_iter()
        .map(grade)
        .collect();
    use Grade::*;
    assert_eq!(g, [A, A, B, B, C, C, D, E, E]);
}
