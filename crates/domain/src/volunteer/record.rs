//! The volunteer record (志愿服务记录, 民政部令第67号): what a person's certified service was in a
//! year or over all time. Only what the ledger credited counts, net of corrections: a reversed
//! entry adds nothing, and a line whose every credit was reversed is left out, because the
//! record certifies service ("谁记录谁证明") and a fully withdrawn credit certifies none.

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

use crate::error::DomainError;

/// What one award put (or was to put) into one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Credit {
    /// The amount the award carries.
    pub amount: i64,
    /// The ledger entry was written (the award was credited).
    pub posted: bool,
    /// That entry has been reversed since.
    pub reversed: bool,
}

impl Credit {
    /// What the credit still adds to the person's record.
    pub fn net(self) -> i64 {
        if self.posted && !self.reversed { self.amount } else { 0 }
    }
}

/// An award's points and service time after corrections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settled {
    pub points: i64,
    pub minutes: i64,
    /// Some entry of the award was reversed.
    pub corrected: bool,
    /// Every entry the award wrote was reversed: nothing of it stands.
    pub withdrawn: bool,
}

pub fn settle(points: Credit, minutes: Credit) -> Settled {
    let written = [points, minutes].into_iter().filter(|c| c.posted && c.amount > 0);
    let (mut any, mut all_reversed) = (false, true);
    let mut corrected = false;
    for c in written {
        any = true;
        corrected |= c.reversed;
        all_reversed &= c.reversed;
    }
    Settled {
        points: points.net(),
        minutes: minutes.net(),
        corrected,
        withdrawn: any && all_reversed,
    }
}

/// One completed (evaluated) claim: the service the community organised and recorded.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceLine {
    pub claim_id: i64,
    pub task_id: i64,
    pub title: String,
    /// The day of the service (UTC, like every stored date).
    pub date: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub checked_in_at: Option<i64>,
    pub checked_out_at: Option<i64>,
    /// Service minutes credited (travel excluded: the organiser confirmed the time on site).
    pub minutes: i64,
    pub points: i64,
    /// The currency of the points, when an award was made.
    pub currency: Option<String>,
    /// The evaluation, 1–5.
    pub rating: Option<i64>,
    pub team_name: Option<String>,
    /// The award's status; not `credited` while a joint review is pending (or when rejected).
    pub award_status: Option<String>,
    pub corrected: bool,
    #[serde(skip)]
    pub withdrawn: bool,
}

/// Points credited outside volunteer tasks (awards registered by staff: honours, mediation…).
#[derive(Debug, Clone, Serialize)]
pub struct AwardLine {
    pub award_id: i64,
    pub date: String,
    pub category: String,
    pub note: String,
    pub currency: String,
    pub points: i64,
    pub minutes: i64,
    pub corrected: bool,
    #[serde(skip)]
    pub withdrawn: bool,
}

/// The record's totals: earned only (spending is not part of a volunteer record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Totals {
    /// Service minutes, from tasks and from other awards.
    pub minutes: i64,
    /// Completed tasks on the record.
    pub tasks: i64,
    pub grid_points: i64,
    pub work_points: i64,
}

/// Drops the lines whose credit was fully reversed and sums what stands.
pub fn compile(service: Vec<ServiceLine>, awards: Vec<AwardLine>) -> (Vec<ServiceLine>, Vec<AwardLine>, Totals) {
    let service: Vec<ServiceLine> = service.into_iter().filter(|l| !l.withdrawn).collect();
    let awards: Vec<AwardLine> = awards.into_iter().filter(|l| !l.withdrawn).collect();
    let mut t = Totals {
        tasks: service.len() as i64,
        ..Default::default()
    };
    let mut add = |currency: Option<&str>, points: i64, minutes: i64| {
        t.minutes += minutes;
        match currency {
            Some("work_points") => t.work_points += points,
            Some("grid_points") => t.grid_points += points,
            _ => {}
        }
    };
    for l in &service {
        add(l.currency.as_deref(), l.points, l.minutes);
    }
    for l in &awards {
        add(Some(&l.currency), l.points, l.minutes);
    }
    (service, awards, t)
}

/// The span a record covers: a calendar year (UTC) or all time, as epoch ms for task times and
/// as `YYYY-MM-DD` bounds for award days; both `[start, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start_ms: i64,
    pub end_ms: i64,
    pub start_day: String,
    pub end_day: String,
}

pub fn span(year: Option<i32>) -> Result<Span, DomainError> {
    let Some(y) = year else {
        // "99999" sorts after every `YYYY-MM-DD` day.
        return Ok(Span {
            start_ms: i64::MIN,
            end_ms: i64::MAX,
            start_day: "0000-01-01".into(),
            end_day: "99999".into(),
        });
    };
    if !(1900..=9998).contains(&y) {
        return Err(DomainError::field("year", "must be a year from 1900 to 9998"));
    }
    let day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).expect("1 January");
    let ms = |d: NaiveDate| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis();
    Ok(Span {
        start_ms: ms(day(y)),
        end_ms: ms(day(y + 1)),
        start_day: day(y).to_string(),
        end_day: day(y + 1).to_string(),
    })
}

/// The UTC day of an epoch-ms time.
pub fn day_of(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posted(amount: i64) -> Credit {
        Credit {
            amount,
            posted: true,
            reversed: false,
        }
    }

    fn reversed(amount: i64) -> Credit {
        Credit {
            reversed: true,
            ..posted(amount)
        }
    }

    #[test]
    fn p5_record_settles_credits_net_of_reversals() {
        assert_eq!(
            settle(posted(2), posted(60)),
            Settled {
                points: 2,
                minutes: 60,
                corrected: false,
                withdrawn: false
            }
        );
        let s = settle(reversed(2), posted(60));
        assert_eq!((s.points, s.minutes, s.corrected, s.withdrawn), (0, 60, true, false));
        let s = settle(reversed(2), reversed(60));
        assert_eq!((s.points, s.minutes, s.withdrawn), (0, 0, true));
        // Only points were written (no time): reversing them withdraws the whole award.
        assert!(settle(reversed(5), Credit::default()).withdrawn);
        // Not yet credited (joint review pending): nothing counts, nothing is withdrawn.
        let pending = Credit {
            amount: 5,
            posted: false,
            reversed: false,
        };
        assert_eq!(settle(pending, pending), Settled::default());
    }

    fn service(points: i64, minutes: i64, withdrawn: bool) -> ServiceLine {
        ServiceLine {
            claim_id: 1,
            task_id: 1,
            title: "t".into(),
            date: "2024-05-01".into(),
            place: "p".into(),
            starts_at: 0,
            ends_at: 0,
            checked_in_at: None,
            checked_out_at: None,
            minutes,
            points,
            currency: Some("grid_points".into()),
            rating: Some(5),
            team_name: None,
            award_status: Some("credited".into()),
            corrected: withdrawn,
            withdrawn,
        }
    }

    #[test]
    fn p5_record_totals_sum_what_stands() {
        let award = |currency: &str, points, minutes, withdrawn| AwardLine {
            award_id: 1,
            date: "2024-05-02".into(),
            category: "outstanding_contribution".into(),
            note: String::new(),
            currency: currency.into(),
            points,
            minutes,
            corrected: withdrawn,
            withdrawn,
        };
        let (s, a, t) = compile(
            vec![service(2, 90, false), service(0, 0, true), service(3, 30, false)],
            vec![
                award("grid_points", 10, 0, false),
                award("work_points", 4, 20, false),
                award("grid_points", 7, 0, true),
            ],
        );
        assert_eq!((s.len(), a.len()), (2, 2));
        assert_eq!(
            t,
            Totals {
                minutes: 140,
                tasks: 2,
                grid_points: 15,
                work_points: 4
            }
        );
    }

    #[test]
    fn p5_record_span_is_a_utc_year_or_all_time() {
        let s = span(Some(2024)).unwrap();
        assert_eq!((s.start_day.as_str(), s.end_day.as_str()), ("2024-01-01", "2025-01-01"));
        assert_eq!(s.end_ms - s.start_ms, 366 * 86_400_000);
        assert_eq!(day_of(s.start_ms), "2024-01-01");
        assert!(span(Some(1800)).is_err());
        let all = span(None).unwrap();
        assert!(all.start_day.as_str() < "1900-01-01" && "9999-12-31" < all.end_day.as_str());
    }
}
