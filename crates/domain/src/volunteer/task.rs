use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::error::Checks;
use crate::points::Category;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Takes claims while places are left.
    Open,
    /// No more claims (the organiser closed it); claims already made go on.
    Closed,
    Cancelled,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 3] = [TaskStatus::Open, TaskStatus::Closed, TaskStatus::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Open => "open",
            TaskStatus::Closed => "closed",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// A task as the organiser posts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTask {
    /// The community the task belongs to; with `grid_id`, who may manage it (R4).
    pub community_id: i64,
    #[serde(default)]
    pub grid_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub content: String,
    pub place: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub capacity: i64,
    /// Points each volunteer earns when the evaluation approves their service.
    pub points: i64,
    pub category: Category,
    #[serde(default)]
    pub skills: Vec<String>,
}

impl NewTask {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        let len = |s: &str| s.trim().chars().count();
        c.check((1..=100).contains(&len(&self.title)), "title", "must be 1–100 characters");
        c.check(len(&self.content) <= 4000, "content", "must be at most 4000 characters");
        c.check((1..=200).contains(&len(&self.place)), "place", "must be 1–200 characters");
        c.check(self.starts_at > 0, "starts_at", "is required");
        c.check(self.ends_at > self.starts_at, "ends_at", "must be after starts_at");
        c.check(
            self.ends_at - self.starts_at <= 7 * 86_400_000,
            "ends_at",
            "a task lasts at most 7 days",
        );
        c.check((1..=10_000).contains(&self.capacity), "capacity", "must be from 1 to 10000");
        c.check((0..=1000).contains(&self.points), "points", "must be from 0 to 1000");
        c.check(
            self.skills.len() <= 20 && self.skills.iter().all(|s| (1..=30).contains(&len(s))),
            "skills",
            "at most 20 skills of 1–30 characters",
        );
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p5_task_checks_report_every_field() {
        let t = NewTask {
            community_id: 1,
            grid_id: None,
            title: "清理楼道".into(),
            content: String::new(),
            place: "1号楼".into(),
            starts_at: 1_000,
            ends_at: 2_000,
            capacity: 10,
            points: 2,
            category: Category::EnvironmentalUpkeep,
            skills: vec![],
        };
        assert!(t.check().is_ok());
        let bad = NewTask {
            title: "".into(),
            place: "".into(),
            ends_at: 500,
            capacity: 0,
            points: -1,
            ..t
        };
        let DomainError::Invalid(f) = bad.check().unwrap_err();
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        for want in ["title", "place", "ends_at", "capacity", "points"] {
            assert!(fields.contains(&want), "{want} missing from {fields:?}");
        }
    }
}
