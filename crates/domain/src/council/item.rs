use serde::{Deserialize, Serialize};

use super::refusal::CouncilRefusal;
use crate::DomainError;
use crate::error::Checks;

/// An implementation item of an adopted topic: open → in_progress → done, moved by the status
/// reports of its owner or the staff who supervise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Open,
    InProgress,
    Done,
}

impl ItemStatus {
    pub const ALL: [ItemStatus; 3] = [ItemStatus::Open, ItemStatus::InProgress, ItemStatus::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::InProgress => "in_progress",
            ItemStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// A report may keep the status (progress noted) or move it forward; a done item takes no
    /// more reports.
    pub fn report(self, to: ItemStatus) -> Result<ItemStatus, CouncilRefusal> {
        use ItemStatus::*;
        match (self, to) {
            (Done, _) | (InProgress, Open) => Err(CouncilRefusal::WrongState),
            _ => Ok(to),
        }
    }
}

/// `YYYY-MM-DD` that names a real day.
pub fn valid_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Past its deadline and not done (dates compare as text in `YYYY-MM-DD`).
pub fn overdue(deadline: &str, status: ItemStatus, today: &str) -> bool {
    status != ItemStatus::Done && deadline < today
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    pub title: String,
    /// The person responsible.
    pub owner_person_id: i64,
    /// `YYYY-MM-DD`.
    pub deadline: String,
}

impl NewItem {
    /// `today` is `YYYY-MM-DD`: a new item's deadline is not in the past.
    pub fn check(&self, today: &str) -> Result<(), DomainError> {
        let mut c = Checks::new();
        let len = self.title.trim().chars().count();
        c.check((1..=200).contains(&len), "title", "must be 1–200 characters");
        let d = self.deadline.trim();
        if !valid_date(d) {
            c.check(false, "deadline", "must be a date (YYYY-MM-DD)");
        } else {
            c.check(d >= today, "deadline", "must not be in the past");
        }
        c.finish()
    }
}

/// A status report (supervision of the implementation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewReport {
    pub status: ItemStatus,
    #[serde(default)]
    pub note: String,
}

impl NewReport {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        let len = self.note.trim().chars().count();
        c.check((1..=2000).contains(&len), "note", "must be 1–2000 characters");
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p6_item_reports_move_forward_only() {
        use ItemStatus::*;
        assert_eq!(Open.report(InProgress), Ok(InProgress));
        assert_eq!(Open.report(Done), Ok(Done));
        assert_eq!(InProgress.report(InProgress), Ok(InProgress));
        assert_eq!(InProgress.report(Open), Err(CouncilRefusal::WrongState));
        assert_eq!(Done.report(Done), Err(CouncilRefusal::WrongState));
        assert!(overdue("2024-01-01", Open, "2024-01-02"));
        assert!(!overdue("2024-01-02", InProgress, "2024-01-02"));
        assert!(!overdue("2024-01-01", Done, "2024-05-01"));
    }

    #[test]
    fn p6_item_checks() {
        let item = NewItem {
            title: "加装扶手".into(),
            owner_person_id: 1,
            deadline: "2024-06-30".into(),
        };
        assert!(item.check("2024-06-01").is_ok());
        let DomainError::Invalid(f) = NewItem {
            title: "".into(),
            deadline: "2024-02-30".into(),
            ..item.clone()
        }
        .check("2024-01-01")
        .unwrap_err();
        assert_eq!(f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["title", "deadline"]);
        let DomainError::Invalid(f) = item.check("2024-07-01").unwrap_err();
        assert_eq!(f[0].reason, "must not be in the past");
        assert!(
            NewReport {
                status: ItemStatus::Done,
                note: " ".into()
            }
            .check()
            .is_err()
        );
    }
}
