//! Periods of statements and honour lists (P2 "monthly statistics", P4 month / quarter / year).
//! Days are UTC days, like every date the platform stores.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn parse(s: &str) -> Option<PeriodKind> {
        match s {
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            "year" => Some(PeriodKind::Year),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
}

/// `[start, end)` in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub kind: PeriodKind,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

fn first(y: i32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, 1).expect("first of a month")
}

impl Period {
    pub fn containing(kind: PeriodKind, d: NaiveDate) -> Period {
        let (y, m) = (d.year(), d.month());
        let (start_m, months) = match kind {
            PeriodKind::Month => (m, 1),
            PeriodKind::Quarter => ((m - 1) / 3 * 3 + 1, 3),
            PeriodKind::Year => (1, 12),
        };
        let start = first(y, start_m);
        let end_m0 = start_m - 1 + months;
        let end = first(y + (end_m0 / 12) as i32, end_m0 % 12 + 1);
        Period { kind, start, end }
    }

    /// `2024-05` (month), `2024-Q2` (quarter) or `2024` (year).
    pub fn parse(kind: PeriodKind, s: &str) -> Option<Period> {
        let s = s.trim();
        let d = match kind {
            PeriodKind::Month => {
                let (y, m) = s.split_once('-')?;
                NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?
            }
            PeriodKind::Quarter => {
                let (y, q) = s.split_once("-Q").or_else(|| s.split_once("-q"))?;
                let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                NaiveDate::from_ymd_opt(y.parse().ok()?, (q - 1) * 3 + 1, 1)?
            }
            PeriodKind::Year => NaiveDate::from_ymd_opt(s.parse().ok()?, 1, 1)?,
        };
        (1900..=9999).contains(&d.year()).then(|| Period::containing(kind, d))
    }

    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{}-{:02}", self.start.year(), self.start.month()),
            PeriodKind::Quarter => format!("{}-Q{}", self.start.year(), (self.start.month() - 1) / 3 + 1),
            PeriodKind::Year => format!("{}", self.start.year()),
        }
    }

    pub fn start_ms(&self) -> i64 {
        self.start
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp_millis()
    }

    pub fn end_ms(&self) -> i64 {
        self.end.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p2_periods() {
        let d = NaiveDate::from_ymd_opt(2024, 11, 15).unwrap();
        let m = Period::containing(PeriodKind::Month, d);
        assert_eq!(
            (m.start.to_string(), m.end.to_string()),
            ("2024-11-01".into(), "2024-12-01".into())
        );
        let q = Period::containing(PeriodKind::Quarter, d);
        assert_eq!(
            (q.start.to_string(), q.end.to_string(), q.label()),
            ("2024-10-01".into(), "2025-01-01".into(), "2024-Q4".into())
        );
        let y = Period::containing(PeriodKind::Year, d);
        assert_eq!(y.end.to_string(), "2025-01-01");
        assert_eq!(
            Period::parse(PeriodKind::Month, "2024-12"),
            Some(Period::containing(
                PeriodKind::Month,
                NaiveDate::from_ymd_opt(2024, 12, 3).unwrap()
            ))
        );
        assert_eq!(Period::parse(PeriodKind::Quarter, "2024-Q2").unwrap().label(), "2024-Q2");
        assert_eq!(Period::parse(PeriodKind::Month, "2024-13"), None);
        assert_eq!(Period::parse(PeriodKind::Quarter, "2024-Q5"), None);
        assert_eq!(m.end_ms() - m.start_ms(), 30 * 86_400_000);
    }
}
