//! C3 joint handling (联办): "special matters handled jointly". The command centre dispatches a
//! case to one lead department and one or more co-handling departments; each has a sub-task with
//! its own deadline (DB11/T 2021-2022: multi-unit matters get a designated lead unit; 首接负责制).
//!
//! The rule: **the case is handled only when the lead's sub-task is done and every co-handler's
//! sub-task is done or waived.** Only the lead submits the handling feedback (the case's `handle`
//! action); co-handlers report their part with `complete_subtask`. The command centre may waive a
//! co-handler's part (it turned out not to be needed), never the lead's. When the case is returned
//! for rework, the lead's sub-task opens again and the co-handlers' results stand: the lead
//! coordinates the rework and may ask for a re-dispatch if a co-handler must act again.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::tier::UnitId;
use crate::error::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubTaskStatus {
    Open,
    Done,
    Waived,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubTask {
    pub department: UnitId,
    /// Set by the dispatcher from the category's handle limit (or shorter for a co-handler's
    /// part); the deadline worker watches it like a case step (C5).
    pub due_at: Option<DateTime<Utc>>,
    pub status: SubTaskStatus,
}

impl SubTask {
    pub fn open(department: UnitId, due_at: Option<DateTime<Utc>>) -> Self {
        Self {
            department,
            due_at,
            status: SubTaskStatus::Open,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JointHandling {
    pub lead: SubTask,
    pub co_handlers: Vec<SubTask>,
}

/// Why a sub-task change is refused; the state machine reports it as a conflict (409).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubTaskRefusal {
    NotASubTask,
    NotOpen,
    LeadCannotBeWaived,
}

impl SubTaskRefusal {
    pub fn message(self) -> &'static str {
        match self {
            SubTaskRefusal::NotASubTask => "the department has no sub-task in this case",
            SubTaskRefusal::NotOpen => "the sub-task is already done or waived",
            SubTaskRefusal::LeadCannotBeWaived => "the lead department's sub-task cannot be waived",
        }
    }
}

impl JointHandling {
    /// A fresh plan with every sub-task open and no deadlines yet.
    pub fn new(lead: UnitId, co_handlers: &[UnitId]) -> Self {
        Self {
            lead: SubTask::open(lead, None),
            co_handlers: co_handlers.iter().map(|d| SubTask::open(*d, None)).collect(),
        }
    }

    /// Sets one department's deadline; a department not in the plan is ignored.
    pub fn with_due(mut self, department: UnitId, due_at: DateTime<Utc>) -> Self {
        if let Some(t) = self.all_mut().find(|t| t.department == department) {
            t.due_at = Some(due_at);
        }
        self
    }

    /// What is wrong with a plan offered at dispatch, every problem at once (R2).
    pub fn problems(&self) -> Vec<FieldError> {
        let mut out = Vec::new();
        if self.co_handlers.is_empty() {
            out.push(FieldError::new(
                "assignment.co_handlers",
                "joint handling needs at least one co-handling department",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for t in self.all() {
            if t.department <= 0 {
                out.push(FieldError::new("assignment.department", "department ids are positive"));
            } else if !seen.insert(t.department) {
                out.push(FieldError::new(
                    "assignment.co_handlers",
                    format!(
                        "department {} appears twice (the lead is not also a co-handler)",
                        t.department
                    ),
                ));
            }
            if t.status != SubTaskStatus::Open {
                out.push(FieldError::new(
                    "assignment.status",
                    "a new dispatch starts with every sub-task open",
                ));
            }
        }
        out
    }

    pub fn all(&self) -> impl Iterator<Item = &SubTask> {
        std::iter::once(&self.lead).chain(self.co_handlers.iter())
    }

    fn all_mut(&mut self) -> impl Iterator<Item = &mut SubTask> {
        std::iter::once(&mut self.lead).chain(self.co_handlers.iter_mut())
    }

    pub fn subtask(&self, department: UnitId) -> Option<&SubTask> {
        self.all().find(|t| t.department == department)
    }

    /// Sub-tasks still waiting, for work lists and deadline checks.
    pub fn open(&self) -> impl Iterator<Item = &SubTask> {
        self.all().filter(|t| t.status == SubTaskStatus::Open)
    }

    /// The rule of this module: lead done, co-handlers done or waived.
    pub fn is_handled(&self) -> bool {
        self.lead.status == SubTaskStatus::Done && self.co_handlers.iter().all(|t| t.status != SubTaskStatus::Open)
    }

    pub fn complete(&self, department: UnitId) -> Result<JointHandling, SubTaskRefusal> {
        self.set(department, SubTaskStatus::Done)
    }

    pub fn waive(&self, department: UnitId) -> Result<JointHandling, SubTaskRefusal> {
        if self.lead.department == department {
            return Err(SubTaskRefusal::LeadCannotBeWaived);
        }
        self.set(department, SubTaskStatus::Waived)
    }

    /// Rework: the lead's part opens again, the co-handlers' results stand (see module docs).
    pub fn reopen_lead(&self) -> JointHandling {
        let mut j = self.clone();
        j.lead.status = SubTaskStatus::Open;
        j
    }

    fn set(&self, department: UnitId, status: SubTaskStatus) -> Result<JointHandling, SubTaskRefusal> {
        let mut j = self.clone();
        let t = j
            .all_mut()
            .find(|t| t.department == department)
            .ok_or(SubTaskRefusal::NotASubTask)?;
        if t.status != SubTaskStatus::Open {
            return Err(SubTaskRefusal::NotOpen);
        }
        t.status = status;
        Ok(j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c3_joint_is_handled_only_when_lead_done_and_co_handlers_done_or_waived() {
        let j = JointHandling::new(10, &[20, 30]);
        assert!(j.problems().is_empty());
        assert!(!j.is_handled());
        let j = j.complete(10).unwrap();
        assert!(!j.is_handled(), "co-handlers still open");
        let j = j.complete(20).unwrap();
        assert!(!j.is_handled());
        let j = j.waive(30).unwrap();
        assert!(j.is_handled());
        assert_eq!(j.open().count(), 0);
        // Co-handlers alone are not enough.
        let k = JointHandling::new(10, &[20]).complete(20).unwrap();
        assert!(!k.is_handled());
    }

    #[test]
    fn c3_joint_refusals() {
        let j = JointHandling::new(10, &[20]);
        assert_eq!(j.waive(10), Err(SubTaskRefusal::LeadCannotBeWaived));
        assert_eq!(j.complete(99), Err(SubTaskRefusal::NotASubTask));
        let j = j.complete(20).unwrap();
        assert_eq!(j.complete(20), Err(SubTaskRefusal::NotOpen));
        assert_eq!(j.waive(20), Err(SubTaskRefusal::NotOpen));
    }

    #[test]
    fn c3_joint_plan_problems_are_all_reported() {
        let j = JointHandling::new(10, &[]);
        assert_eq!(j.problems().len(), 1);
        let j = JointHandling::new(10, &[10, 0]);
        assert_eq!(j.problems().len(), 2);
    }

    #[test]
    fn c3_rework_reopens_only_the_lead_and_deadlines_are_per_subtask() {
        let due = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let j = JointHandling::new(10, &[20])
            .with_due(20, due)
            .complete(10)
            .unwrap()
            .complete(20)
            .unwrap();
        let r = j.reopen_lead();
        assert_eq!(r.lead.status, SubTaskStatus::Open);
        assert_eq!(r.co_handlers[0].status, SubTaskStatus::Done);
        assert_eq!(r.co_handlers[0].due_at, Some(due));
        assert_eq!(r.lead.due_at, None);
    }
}
