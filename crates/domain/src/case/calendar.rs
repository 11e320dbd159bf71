//! C5: the working calendar that "working hours" deadlines (工作时, 工作日) count on.
//!
//! Defaults: Monday to Friday, 09:00–12:00 and 13:30–18:00, Asia/Shanghai. China has kept UTC+8
//! without daylight saving since 1991, so a fixed offset is exact and needs no tz database.
//! Public holidays and the weekend days worked in exchange (调休) change every year by State
//! Council notice: they are settings (lists of dates), not rules.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Checks, DomainError};

/// Longest stretch the calendar walks looking for working time; only a calendar with no working
/// days ahead at all gets this far.
const MAX_DAYS: u32 = 366 * 50;

/// One block of working time in a day, `start` inclusive, `end` exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkPeriod {
    #[serde(with = "hhmm")]
    pub start: NaiveTime,
    #[serde(with = "hhmm")]
    pub end: NaiveTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkCalendar {
    /// Minutes east of UTC (+480 for Asia/Shanghai).
    pub utc_offset_minutes: i32,
    /// Working blocks of a working day, in order, not overlapping.
    pub periods: Vec<WorkPeriod>,
    /// ISO weekday numbers that are working days: 1 = Monday … 7 = Sunday.
    pub weekdays: Vec<u8>,
    /// Public holidays (no working time even on a weekday).
    pub holidays: BTreeSet<NaiveDate>,
    /// 调休: weekend days that are working days.
    pub make_up_days: BTreeSet<NaiveDate>,
}

impl Default for WorkCalendar {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        Self {
            utc_offset_minutes: 8 * 60,
            periods: vec![
                WorkPeriod {
                    start: t(9, 0),
                    end: t(12, 0),
                },
                WorkPeriod {
                    start: t(13, 30),
                    end: t(18, 0),
                },
            ],
            weekdays: vec![1, 2, 3, 4, 5],
            holidays: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
        }
    }
}

impl WorkCalendar {
    /// The settings a street can save, all problems at once.
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(
            self.utc_offset_minutes.abs() <= 14 * 60,
            "utc_offset_minutes",
            "offsets run from -14:00 to +14:00",
        );
        c.check(
            !self.periods.is_empty(),
            "periods",
            "a working day needs at least one working period",
        );
        c.check(
            self.periods.iter().all(|p| p.start < p.end),
            "periods",
            "each period starts before it ends",
        );
        c.check(
            self.periods.windows(2).all(|w| w[0].end <= w[1].start),
            "periods",
            "periods are in order and do not overlap",
        );
        c.check(!self.weekdays.is_empty(), "weekdays", "at least one weekday is a working day");
        c.check(
            self.weekdays.iter().all(|d| (1..=7).contains(d)),
            "weekdays",
            "weekdays are numbered 1 (Monday) to 7 (Sunday)",
        );
        c.check(
            self.holidays.is_disjoint(&self.make_up_days),
            "make_up_days",
            "a date cannot be both a holiday and a make-up working day",
        );
        c.finish()
    }

    pub fn offset(&self) -> FixedOffset {
        FixedOffset::east_opt(self.utc_offset_minutes * 60).unwrap_or(FixedOffset::east_opt(0).expect("zero offset"))
    }

    pub fn local(&self, t: DateTime<Utc>) -> NaiveDateTime {
        t.with_timezone(&self.offset()).naive_local()
    }

    pub fn utc(&self, local: NaiveDateTime) -> DateTime<Utc> {
        (local - TimeDelta::seconds(i64::from(self.offset().local_minus_utc()))).and_utc()
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.make_up_days.contains(&d) {
            return true;
        }
        !self.holidays.contains(&d) && self.weekdays.contains(&(d.weekday().number_from_monday() as u8))
    }

    /// Length of one working day: what a limit in working days multiplies.
    pub fn daily_working_secs(&self) -> i64 {
        self.periods.iter().map(|p| (p.end - p.start).num_seconds().max(0)).sum()
    }

    /// The instant at which `secs` seconds of working time have passed since `start`. Time
    /// outside working periods does not count; a start outside them begins at the next opening.
    /// Ends at the earliest such instant, so 3 working hours from 09:00 end at 12:00, not 13:30.
    pub fn add_working(&self, start: DateTime<Utc>, secs: i64) -> DateTime<Utc> {
        if secs <= 0 {
            return start;
        }
        let from = self.local(start);
        let mut remaining = secs;
        let mut day = from.date();
        for _ in 0..MAX_DAYS {
            if self.is_working_day(day) {
                for p in &self.periods {
                    let (s, e) = (day.and_time(p.start).max(from), day.and_time(p.end));
                    if s >= e {
                        continue;
                    }
                    let available = (e - s).num_seconds();
                    if remaining <= available {
                        return self.utc(s + TimeDelta::seconds(remaining));
                    }
                    remaining -= available;
                }
            }
            day = day.succ_opt().unwrap_or(day);
        }
        self.utc(day.and_time(NaiveTime::MIN))
    }

    /// Working seconds between two instants (zero if `to` is not after `from`).
    pub fn working_secs_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let (a, b) = (self.local(from), self.local(to));
        let mut total = 0;
        let mut day = a.date();
        while day <= b.date() {
            if self.is_working_day(day) {
                for p in &self.periods {
                    let (s, e) = (day.and_time(p.start).max(a), day.and_time(p.end).min(b));
                    total += (e - s).num_seconds().max(0);
                }
            }
            match day.succ_opt() {
                Some(d) => day = d,
                None => break,
            }
        }
        total
    }
}

/// Periods are written "09:00" in settings files.
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&t.format("%H:%M").to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let s = String::deserialize(d)?;
        NaiveTime::parse_from_str(&s, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(&s, "%H:%M:%S"))
            .map_err(|_| serde::de::Error::custom(format!("`{s}` is not a time like 09:00")))
    }
}
