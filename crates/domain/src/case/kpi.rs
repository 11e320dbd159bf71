//! A2: case KPIs as pure functions over case summaries, with their denominators stated (GB/T
//! 30428.4 style; Beijing's three core rates of 接诉即办: response, resolution, satisfaction).
//!
//! Rates keep numerator and denominator, so reports can show "737 / 972" and sum periods
//! correctly; an empty denominator has no rate rather than 0 % or 100 %. Periods are half-open
//! `[from, to)`. Merged duplicates are never counted: they are not a separate demand.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::state::CaseStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Period {
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    fn has(&self, t: Option<DateTime<Utc>>) -> bool {
        t.is_some_and(|t| self.contains(t))
    }
}

/// What the KPIs need to know about one case; the store builds these from case rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub status: CaseStatus,
    pub received_at: DateTime<Utc>,
    pub registered_at: Option<DateTime<Utc>>,
    pub dispatched_at: Option<DateTime<Utc>>,
    /// First signature by the handler after the (last) dispatch.
    pub accepted_at: Option<DateTime<Utc>>,
    /// By when the handler had to sign for it: the category's dispatch-step limit counted from the
    /// dispatch (a unit signs for an order in the time the hotline had to send it).
    pub accept_due_at: Option<DateTime<Utc>>,
    /// First handling feedback.
    pub handled_at: Option<DateTime<Utc>>,
    /// The latest closure, if closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// By when the case had to be handled (the handle step's due time): the 应结案 date.
    pub due_at: Option<DateTime<Utc>>,
    pub reworks: u32,
    pub rating: Option<u8>,
    /// At the return visit the reporter said the problem is solved (解决) or not.
    pub resolved: Option<bool>,
}

impl CaseSummary {
    fn counts(&self) -> bool {
        self.status != CaseStatus::Merged
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
}

impl Rate {
    fn count<'a>(cases: impl Iterator<Item = &'a CaseSummary>, hit: impl Fn(&CaseSummary) -> bool) -> Rate {
        cases.fold(Rate::default(), |r, c| Rate {
            numerator: r.numerator + u64::from(hit(c)),
            denominator: r.denominator + 1,
        })
    }

    /// 0.0–1.0, or `None` when nothing was due.
    pub fn value(&self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    pub fn percent(&self) -> Option<f64> {
        self.value().map(|v| v * 100.0)
    }
}

/// 立案率 / acceptance rate: filed ÷ received in the period (denominator: received; some cities
/// use valid reports, see domain-cn §5.2).
pub fn acceptance_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let received = cases.iter().filter(|c| c.counts() && period.contains(c.received_at));
    Rate::count(received, |c| c.registered_at.is_some())
}

/// 响应率 / response rate (A2: accepted within the deadline): of the cases dispatched in the
/// period, those the handler signed for by `accept_due_at`.
pub fn response_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let dispatched = cases.iter().filter(|c| c.counts() && period.has(c.dispatched_at));
    Rate::count(
        dispatched,
        |c| matches!((c.accepted_at, c.accept_due_at), (Some(a), Some(d)) if a <= d),
    )
}

/// 按期结案率 / on-time closure rate = closed on time ÷ due in the period (应结案数: cases whose
/// handle deadline falls in the period, rejected ones excluded).
pub fn on_time_closure_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let due = cases
        .iter()
        .filter(|c| c.counts() && c.status != CaseStatus::Rejected && period.has(c.due_at));
    Rate::count(
        due,
        |c| matches!((c.closed_at, c.due_at), (Some(closed), Some(due)) if closed <= due),
    )
}

/// 返工率 / rework rate = reworked ÷ handled (cases first handled in the period that were ever
/// returned for rework).
pub fn rework_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let handled = cases.iter().filter(|c| c.counts() && period.has(c.handled_at));
    Rate::count(handled, |c| c.reworks > 0)
}

/// 满意率 / satisfaction rate: of the cases closed in the period and rated, those rated 4 (基本满意,
/// fairly satisfied) or 5 (满意, satisfied).
pub fn satisfaction_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let rated = cases
        .iter()
        .filter(|c| c.counts() && period.has(c.closed_at) && c.rating.is_some());
    Rate::count(rated, |c| c.rating.is_some_and(|r| r >= 4))
}

/// 解决率 / resolution rate: of the cases closed in the period with a return-visit answer, those
/// the reporter confirmed solved.
pub fn resolution_rate(cases: &[CaseSummary], period: &Period) -> Rate {
    let asked = cases
        .iter()
        .filter(|c| c.counts() && period.has(c.closed_at) && c.resolved.is_some());
    Rate::count(asked, |c| c.resolved == Some(true))
}

/// Median calendar time from receipt to closure of the cases closed in the period; with an even
/// count, the mean of the two middle values.
pub fn median_time_to_close(cases: &[CaseSummary], period: &Period) -> Option<TimeDelta> {
    let mut ms: Vec<i64> = cases
        .iter()
        .filter(|c| c.counts() && period.has(c.closed_at))
        .filter_map(|c| c.closed_at.map(|t| (t - c.received_at).num_milliseconds()))
        .collect();
    if ms.is_empty() {
        return None;
    }
    ms.sort_unstable();
    let n = ms.len();
    let mid = if n % 2 == 1 {
        ms[n / 2]
    } else {
        (ms[n / 2 - 1] + ms[n / 2]) / 2
    };
    Some(TimeDelta::milliseconds(mid))
}

/// A composite score 0–100 from rates and weights (e.g. dispatcher: on-time dispatch 40, accurate
/// dispatch 40, volume 20). Rates without a denominator are left out and the weights rescaled.
pub fn weighted_score(parts: &[(Rate, u32)]) -> Option<f64> {
    let (sum, weights) = parts
        .iter()
        .filter_map(|(r, w)| r.value().map(|v| (v * f64::from(*w), f64::from(*w))))
        .fold((0.0, 0.0), |(s, t), (v, w)| (s + v, t + w));
    (weights > 0.0).then(|| sum / weights * 100.0)
}

/// Grade bands of GB/T 30428.4 practice: A ≥ 90, B ≥ 75, C ≥ 60, D ≥ 40, E below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Grade {
    A,
    B,
    C,
    D,
    E,
}

pub fn grade(score: f64) -> Grade {
    match score {
        s if s >= 90.0 => Grade::A,
        s if s >= 75.0 => Grade::B,
        s if s >= 60.0 => Grade::C,
        s if s >= 40.0 => Grade::D,
        _ => Grade::E,
    }
}
