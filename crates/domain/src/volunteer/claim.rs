use serde::{Deserialize, Serialize};

use crate::points::Refusal;

/// A volunteer's claim on a task: claimed → checked in → checked out → confirmed by the
/// organiser → evaluated (points and service time credited). Withdrawn frees the place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    Claimed,
    Withdrawn,
    CheckedIn,
    CheckedOut,
    Confirmed,
    Evaluated,
}

impl ClaimStatus {
    pub const ALL: [ClaimStatus; 6] = [
        ClaimStatus::Claimed,
        ClaimStatus::Withdrawn,
        ClaimStatus::CheckedIn,
        ClaimStatus::CheckedOut,
        ClaimStatus::Confirmed,
        ClaimStatus::Evaluated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Claimed => "claimed",
            ClaimStatus::Withdrawn => "withdrawn",
            ClaimStatus::CheckedIn => "checked_in",
            ClaimStatus::CheckedOut => "checked_out",
            ClaimStatus::Confirmed => "confirmed",
            ClaimStatus::Evaluated => "evaluated",
        }
    }

    pub fn parse(s: &str) -> Option<ClaimStatus> {
        ClaimStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the claim holds one of the task's places.
    pub fn holds_place(self) -> bool {
        self != ClaimStatus::Withdrawn
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimAction {
    /// The volunteer gives up the place before starting.
    Withdraw,
    CheckIn,
    CheckOut,
    /// The organiser confirms the service took place (also when the volunteer forgot to check out).
    Confirm,
    /// The evaluation credits points and service time.
    Evaluate,
}

impl ClaimStatus {
    pub fn after(self, action: ClaimAction) -> Result<ClaimStatus, Refusal> {
        use ClaimAction::*;
        use ClaimStatus::*;
        match (self, action) {
            (Claimed, Withdraw) => Ok(Withdrawn),
            (Claimed, CheckIn) => Ok(CheckedIn),
            (CheckedIn, CheckOut) => Ok(CheckedOut),
            (CheckedIn | CheckedOut, Confirm) => Ok(Confirmed),
            (Confirmed, Evaluate) => Ok(Evaluated),
            _ => Err(Refusal::WrongState),
        }
    }
}

/// Service time in minutes: the part of check-in → check-out inside the task's window, so
/// waiting and travel outside the window are not counted.
pub fn service_minutes(check_in: i64, check_out: i64, starts_at: i64, ends_at: i64) -> i64 {
    let from = check_in.max(starts_at);
    let to = check_out.min(ends_at);
    ((to - from) / 60_000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p5_claim_life() {
        use ClaimAction::*;
        let s = ClaimStatus::Claimed
            .after(CheckIn)
            .unwrap()
            .after(CheckOut)
            .unwrap()
            .after(Confirm)
            .unwrap();
        assert_eq!(s.after(Evaluate), Ok(ClaimStatus::Evaluated));
        assert_eq!(ClaimStatus::Claimed.after(Evaluate), Err(Refusal::WrongState));
        assert_eq!(ClaimStatus::CheckedIn.after(Withdraw), Err(Refusal::WrongState));
        assert_eq!(ClaimStatus::Evaluated.after(Confirm), Err(Refusal::WrongState));
        assert!(!ClaimStatus::Withdrawn.holds_place());
        for c in ClaimStatus::ALL {
            assert_eq!(ClaimStatus::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn p5_service_time_is_inside_the_window() {
        let h = 3_600_000;
        assert_eq!(service_minutes(0, 2 * h, h, 3 * h), 60);
        assert_eq!(service_minutes(h, 2 * h, 0, 10 * h), 60);
        assert_eq!(service_minutes(5 * h, 6 * h, 0, h), 0);
    }
}
