//! C5: step limits, due times, the traffic light, and the warn / escalate decisions of the
//! deadline worker, as pure functions.
//!
//! When a step starts, `StepClock::start` computes every instant that matters (warn, due, each
//! escalation) with the working calendar; the store keeps them as columns, so the worker needs no
//! calendar and finds work with an indexed `next_check_at <= now`. Each decision names the value it
//! expects to replace (`notice`, `escalation_level`), so the store applies it compare-and-set and a
//! second worker, or a replay, changes nothing (D2: exactly once).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::action::{Action, ActionKind};
use super::calendar::WorkCalendar;
use super::event::CaseEvent;
use super::state::{CaseState, CaseStatus};
use super::tier::Tier;
use crate::error::{Checks, DomainError};

/// Whether a limit counts every hour or only working hours (工作时), as the category says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Clock {
    Calendar,
    Working,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitUnit {
    Minutes,
    Hours,
    /// A calendar day is 24 h; a working day is one day's working periods (7.5 h by default), so
    /// "1 working day" from Monday 10:00 ends Tuesday 10:00.
    Days,
}

/// A step's time limit, written compactly in data files: `30min`, `2h`, `7d` count calendar
/// time; `4wh`, `15wd`, `30wmin` count working time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Limit {
    pub amount: u32,
    pub unit: LimitUnit,
    pub clock: Clock,
}

impl Limit {
    pub fn calendar_hours(h: u32) -> Self {
        Self {
            amount: h,
            unit: LimitUnit::Hours,
            clock: Clock::Calendar,
        }
    }
    pub fn working_hours(h: u32) -> Self {
        Self {
            amount: h,
            unit: LimitUnit::Hours,
            clock: Clock::Working,
        }
    }
    pub fn calendar_days(d: u32) -> Self {
        Self {
            amount: d,
            unit: LimitUnit::Days,
            clock: Clock::Calendar,
        }
    }
    pub fn working_days(d: u32) -> Self {
        Self {
            amount: d,
            unit: LimitUnit::Days,
            clock: Clock::Working,
        }
    }

    /// The limit in seconds of its own clock.
    pub fn secs(&self, cal: &WorkCalendar) -> i64 {
        let n = i64::from(self.amount);
        match (self.unit, self.clock) {
            (LimitUnit::Minutes, _) => n * 60,
            (LimitUnit::Hours, _) => n * 3600,
            (LimitUnit::Days, Clock::Calendar) => n * 86_400,
            (LimitUnit::Days, Clock::Working) => n * cal.daily_working_secs(),
        }
    }

    pub fn parse(s: &str) -> Result<Limit, String> {
        let s = s.trim();
        let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let amount: u32 = s[..split]
            .parse()
            .map_err(|_| format!("`{s}` does not start with a number"))?;
        let (unit, clock) = match &s[split..] {
            "min" => (LimitUnit::Minutes, Clock::Calendar),
            "h" => (LimitUnit::Hours, Clock::Calendar),
            "d" => (LimitUnit::Days, Clock::Calendar),
            "wmin" => (LimitUnit::Minutes, Clock::Working),
            "wh" => (LimitUnit::Hours, Clock::Working),
            "wd" => (LimitUnit::Days, Clock::Working),
            other => return Err(format!("unknown unit `{other}` in `{s}` (min, h, d, wmin, wh, wd)")),
        };
        if amount == 0 {
            return Err(format!("`{s}`: a time limit is positive"));
        }
        Ok(Limit { amount, unit, clock })
    }
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let w = if self.clock == Clock::Working { "w" } else { "" };
        let u = match self.unit {
            LimitUnit::Minutes => "min",
            LimitUnit::Hours => "h",
            LimitUnit::Days => "d",
        };
        write!(f, "{}{w}{u}", self.amount)
    }
}

impl TryFrom<String> for Limit {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Limit::parse(&s)
    }
}

impl From<Limit> for String {
    fn from(l: Limit) -> String {
        l.to_string()
    }
}

/// The instant `secs` of `clock` time after `start`.
pub fn after(start: DateTime<Utc>, secs: i64, clock: Clock, cal: &WorkCalendar) -> DateTime<Utc> {
    match clock {
        Clock::Calendar => start + TimeDelta::seconds(secs),
        Clock::Working => cal.add_working(start, secs),
    }
}

/// When a step started at `start` with this limit is due.
pub fn due_at(start: DateTime<Utc>, limit: &Limit, cal: &WorkCalendar) -> DateTime<Utc> {
    after(start, limit.secs(cal), limit.clock, cal)
}

/// The settings of C5's timers (SPEC reference numbers: green until 80 %, yellow to 100 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlinePolicy {
    /// Share of the limit after which the light turns yellow and the handler is warned.
    pub warn_percent: u32,
    /// After the due time, one tier further up is told each time this share of the limit passes
    /// again (100: at 100 %, 200 %, …).
    pub escalate_every_percent: u32,
}

impl DeadlinePolicy {
    pub fn validate(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(
            (1..100).contains(&self.warn_percent),
            "warn_percent",
            "the warning comes before the due time: 1 to 99",
        );
        c.check(self.escalate_every_percent >= 1, "escalate_every_percent", "at least 1");
        c.finish()
    }
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        Self {
            warn_percent: 80,
            escalate_every_percent: 100,
        }
    }
}

/// The traffic light of a running step (数字城管 sts: green 0–80 %, yellow 80–100 %, red beyond).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    Green,
    Yellow,
    Red,
}

/// The two timed steps. Dispatch runs from receipt until a handler is assigned (DB11/T 2021-2022
/// counts 派单 from receipt); handle runs from dispatch until the handler feeds back (数字城管: the
/// clock starts when the case is dispatched and enters supervision).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Dispatch,
    Handle,
}

impl Step {
    pub fn for_status(s: CaseStatus) -> Option<Step> {
        use CaseStatus::*;
        match s {
            Received | Registered | Reopened => Some(Step::Dispatch),
            Dispatched | Accepted | InProgress | Returned => Some(Step::Handle),
            Handled | Verified | Closed | Rejected | Merged => None,
        }
    }
}

/// Whether this event starts a new step clock, and which: entering a timed step from another step
/// (sending back, reopening, rework), or a new handler in the same step (dispatch, reassign,
/// escalate). Registering does not restart: the dispatch clock runs from receipt.
pub fn restarts_clock(ev: &CaseEvent) -> Option<Step> {
    let step = Step::for_status(ev.to)?;
    let new_handler = matches!(
        ev.action.kind,
        ActionKind::Dispatch | ActionKind::Reassign | ActionKind::Escalate
    );
    (Step::for_status(ev.from) != Some(step) || new_handler).then_some(step)
}

/// What the handler has been told about the current step, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    None,
    Warned,
    Overdue,
}

/// The timer of one running step (or of one joint sub-task), as the case row stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepClock {
    pub step: Step,
    /// Whose move it is; its supervisors are told when it runs late.
    pub handler: Tier,
    pub started_at: DateTime<Utc>,
    pub warn_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// When each tier of `handler.supervisors()` is told; the first is the due time.
    pub escalate_at: Vec<DateTime<Utc>>,
    pub notice: Notice,
    pub escalation_level: u8,
}

impl StepClock {
    pub fn start(
        step: Step,
        handler: Tier,
        started_at: DateTime<Utc>,
        limit: &Limit,
        cal: &WorkCalendar,
        policy: &DeadlinePolicy,
    ) -> Self {
        let secs = limit.secs(cal);
        // Rounded up so that "below 80 %" (green) ends exactly where the warning starts.
        let share = |percent: u32| (secs * i64::from(percent) + 99) / 100;
        let escalate_at = (0..handler.supervisors().len() as u32)
            .map(|k| after(started_at, share(100 + k * policy.escalate_every_percent), limit.clock, cal))
            .collect();
        StepClock {
            step,
            handler,
            started_at,
            warn_at: after(started_at, share(policy.warn_percent), limit.clock, cal),
            due_at: after(started_at, secs, limit.clock, cal),
            escalate_at,
            notice: Notice::None,
            escalation_level: 0,
        }
    }

    /// The clock a case event starts, if it starts one: `state` is the state after the event,
    /// `limit_for` gives the category's limit for a step.
    pub fn after_event(
        ev: &CaseEvent,
        state: &CaseState,
        limit_for: impl Fn(Step) -> Limit,
        cal: &WorkCalendar,
        policy: &DeadlinePolicy,
    ) -> Option<StepClock> {
        let step = restarts_clock(ev)?;
        let handler = state.handler_tier()?;
        Some(StepClock::start(step, handler, ev.at, &limit_for(step), cal, policy))
    }

    pub fn colour(&self, now: DateTime<Utc>) -> Colour {
        if now < self.warn_at {
            Colour::Green
        } else if now <= self.due_at {
            Colour::Yellow
        } else {
            Colour::Red
        }
    }

    /// The next instant at which `next_deadline_action` will have something to do, for the
    /// worker's index; `None` once nothing is left to do for this step.
    pub fn next_check_at(&self) -> Option<DateTime<Utc>> {
        let warn = (self.notice == Notice::None).then_some(self.warn_at);
        let overdue = (self.notice < Notice::Overdue).then(|| just_after(self.due_at));
        let escalate = self
            .escalate_at
            .get(usize::from(self.escalation_level))
            .map(|t| just_after(*t));
        [warn, overdue, escalate].into_iter().flatten().min()
    }
}

/// Deadlines pass *after* their instant: due at 12:00 is on time at 12:00.
fn just_after(t: DateTime<Utc>) -> DateTime<Utc> {
    t + TimeDelta::milliseconds(1)
}

/// The light for a step started at `start`, without a stored clock.
pub fn colour(start: DateTime<Utc>, limit: &Limit, now: DateTime<Utc>, cal: &WorkCalendar, policy: &DeadlinePolicy) -> Colour {
    StepClock::start(Step::Handle, Tier::CommandCentre, start, limit, cal, policy).colour(now)
}

/// One decision of the deadline worker. Apply it with compare-and-set on the `expected` value;
/// if no row changes, another worker got there first and there is nothing to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineAction {
    /// Tell the handler (A5): `SET notice = notice WHERE notice = expected`.
    Notify {
        step: Step,
        to: Tier,
        expected: Notice,
        notice: Notice,
        due_at: DateTime<Utc>,
    },
    /// Tell the next tier up and append a `supervise` event (督办):
    /// `SET escalation_level = level WHERE escalation_level = expected_level`.
    Escalate {
        step: Step,
        to: Tier,
        expected_level: u8,
        level: u8,
        due_at: DateTime<Utc>,
    },
}

impl DeadlineAction {
    /// The case action that records an escalation, performed by `ActorTier::System`.
    pub fn supervise_action(&self) -> Option<Action> {
        match self {
            DeadlineAction::Escalate { level, .. } => Some(Action::supervise(*level)),
            DeadlineAction::Notify { .. } => None,
        }
    }
}

/// What the worker should do next for this step, one thing at a time (call again after applying):
/// overdue notice first, then escalations one tier at a time, else the 80 % warning while still
/// on time. A warning that the worker missed until after the due time is skipped as stale.
pub fn next_deadline_action(clock: &StepClock, now: DateTime<Utc>) -> Option<DeadlineAction> {
    let (step, due_at) = (clock.step, clock.due_at);
    if now > due_at && clock.notice < Notice::Overdue {
        return Some(DeadlineAction::Notify {
            step,
            to: clock.handler,
            expected: clock.notice,
            notice: Notice::Overdue,
            due_at,
        });
    }
    let level = usize::from(clock.escalation_level);
    if let (Some(at), Some(to)) = (clock.escalate_at.get(level), clock.handler.supervisors().get(level))
        && now > *at
    {
        let expected_level = clock.escalation_level;
        return Some(DeadlineAction::Escalate {
            step,
            to: *to,
            expected_level,
            level: expected_level + 1,
            due_at,
        });
    }
    if now >= clock.warn_at && now <= due_at && clock.notice == Notice::None {
        return Some(DeadlineAction::Notify {
            step,
            to: clock.handler,
            expected: Notice::None,
            notice: Notice::Warned,
            due_at,
        });
    }
    None
}
