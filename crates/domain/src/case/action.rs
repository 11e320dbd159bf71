//! C4: what can be done to a case, and the data each action must carry.

use serde::{Deserialize, Serialize};

use super::tier::{Assignment, UnitId};
use crate::error::FieldError;

pub type CaseId = i64;
pub type AttachmentId = i64;

/// Longest reason or note accepted (R2: a clear error, not a truncated record).
pub const MAX_TEXT_CHARS: usize = 2000;
/// Most attachments one step may reference (C7 limits sizes; this limits counts).
pub const MAX_ATTACHMENTS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// 核实立案: the report is real and within scope.
    Register,
    /// 不予受理 / 作废, with a reason the reporter will read.
    Reject,
    /// 派遣 to a unit, or to departments jointly (联办).
    Dispatch,
    /// 回退: the assignee says the case is not theirs; back to the dispatcher, with a reason.
    SendBack,
    /// Re-dispatch to someone else (manual re-routing, C3); counts against accurate dispatch.
    Reassign,
    /// 签收: the handler signs for the case.
    Accept,
    Start,
    /// 处置反馈: the handler reports the result (after-photos as attachments, C7).
    Handle,
    /// 核查 passed.
    Verify,
    /// 核查 failed: 返工, with a reason.
    ReturnForRework,
    /// 结案.
    Close,
    /// Taken up again after closing or rejection, with a reason.
    Reopen,
    /// Folded into another case as a duplicate (C8).
    Merge,
    /// "Difficult matters escalated": the coordinating tier hands the case one tier up (C3).
    Escalate,
    /// 督办: a late step is brought to the attention of the next tier up (C5). The deadline worker
    /// does this; the command centre may do it by hand. Changes no status.
    Supervise,
    /// 回访 evaluation by the reporter, 1–5, once per closure.
    Rate,
    /// A department reports its part of a joint case done.
    CompleteSubtask,
    /// The command centre waives a co-handler's part of a joint case, with a reason.
    WaiveSubtask,
}

impl ActionKind {
    pub const ALL: [ActionKind; 18] = [
        ActionKind::Register,
        ActionKind::Reject,
        ActionKind::Dispatch,
        ActionKind::SendBack,
        ActionKind::Reassign,
        ActionKind::Accept,
        ActionKind::Start,
        ActionKind::Handle,
        ActionKind::Verify,
        ActionKind::ReturnForRework,
        ActionKind::Close,
        ActionKind::Reopen,
        ActionKind::Merge,
        ActionKind::Escalate,
        ActionKind::Supervise,
        ActionKind::Rate,
        ActionKind::CompleteSubtask,
        ActionKind::WaiveSubtask,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::Register => "register",
            ActionKind::Reject => "reject",
            ActionKind::Dispatch => "dispatch",
            ActionKind::SendBack => "send_back",
            ActionKind::Reassign => "reassign",
            ActionKind::Accept => "accept",
            ActionKind::Start => "start",
            ActionKind::Handle => "handle",
            ActionKind::Verify => "verify",
            ActionKind::ReturnForRework => "return_for_rework",
            ActionKind::Close => "close",
            ActionKind::Reopen => "reopen",
            ActionKind::Merge => "merge",
            ActionKind::Escalate => "escalate",
            ActionKind::Supervise => "supervise",
            ActionKind::Rate => "rate",
            ActionKind::CompleteSubtask => "complete_subtask",
            ActionKind::WaiveSubtask => "waive_subtask",
        }
    }

    pub fn parse(s: &str) -> Option<ActionKind> {
        ActionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// A reason is part of the record the reporter or the next handler reads: refusals, hand-backs
    /// and hand-ups must say why (C4).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            ActionKind::Reject
                | ActionKind::SendBack
                | ActionKind::ReturnForRework
                | ActionKind::Reopen
                | ActionKind::Escalate
                | ActionKind::WaiveSubtask
        )
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One request to move a case: the kind plus the data some kinds need. Flat, so that an HTTP form
/// or JSON body maps onto it field by field; `problems` says what is missing or out of place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Action {
    #[serde(rename = "action")]
    pub kind: ActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<AttachmentId>,
    /// Dispatch and reassign: to whom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment: Option<Assignment>,
    /// Merge: the case this one duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_into: Option<CaseId>,
    /// Rate: 1–5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// Complete or waive a sub-task: whose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<UnitId>,
    /// Supervise: the level this escalation reaches (current + 1), so that a replayed decision is
    /// refused instead of escalating twice (C5, exactly once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation_level: Option<u8>,
}

impl Action {
    pub fn new(kind: ActionKind) -> Self {
        Self {
            kind,
            reason: None,
            note: None,
            attachments: Vec::new(),
            assignment: None,
            merge_into: None,
            rating: None,
            department: None,
            escalation_level: None,
        }
    }

    pub fn register() -> Self {
        Self::new(ActionKind::Register)
    }
    pub fn reject(reason: &str) -> Self {
        Self::new(ActionKind::Reject).with_reason(reason)
    }
    pub fn dispatch(to: Assignment) -> Self {
        Self {
            assignment: Some(to),
            ..Self::new(ActionKind::Dispatch)
        }
    }
    pub fn send_back(reason: &str) -> Self {
        Self::new(ActionKind::SendBack).with_reason(reason)
    }
    pub fn reassign(to: Assignment) -> Self {
        Self {
            assignment: Some(to),
            ..Self::new(ActionKind::Reassign)
        }
    }
    pub fn accept() -> Self {
        Self::new(ActionKind::Accept)
    }
    pub fn start() -> Self {
        Self::new(ActionKind::Start)
    }
    pub fn handle() -> Self {
        Self::new(ActionKind::Handle)
    }
    pub fn verify() -> Self {
        Self::new(ActionKind::Verify)
    }
    pub fn return_for_rework(reason: &str) -> Self {
        Self::new(ActionKind::ReturnForRework).with_reason(reason)
    }
    pub fn close() -> Self {
        Self::new(ActionKind::Close)
    }
    pub fn reopen(reason: &str) -> Self {
        Self::new(ActionKind::Reopen).with_reason(reason)
    }
    pub fn merge(into: CaseId) -> Self {
        Self {
            merge_into: Some(into),
            ..Self::new(ActionKind::Merge)
        }
    }
    pub fn escalate(reason: &str) -> Self {
        Self::new(ActionKind::Escalate).with_reason(reason)
    }
    pub fn supervise(level: u8) -> Self {
        Self {
            escalation_level: Some(level),
            ..Self::new(ActionKind::Supervise)
        }
    }
    pub fn rate(score: u8) -> Self {
        Self {
            rating: Some(score),
            ..Self::new(ActionKind::Rate)
        }
    }
    pub fn complete_subtask(department: UnitId) -> Self {
        Self {
            department: Some(department),
            ..Self::new(ActionKind::CompleteSubtask)
        }
    }
    pub fn waive_subtask(department: UnitId, reason: &str) -> Self {
        Self {
            department: Some(department),
            ..Self::new(ActionKind::WaiveSubtask)
        }
        .with_reason(reason)
    }

    pub fn with_reason(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_string());
        self
    }
    pub fn with_note(mut self, note: &str) -> Self {
        self.note = Some(note.to_string());
        self
    }
    pub fn with_attachments(mut self, ids: &[AttachmentId]) -> Self {
        self.attachments = ids.to_vec();
        self
    }

    /// Trimmed texts, blank texts dropped: the form the event log stores. Idempotent, so a
    /// replayed event produces itself again.
    pub fn normalized(&self) -> Action {
        let clean = |t: &Option<String>| t.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string);
        Action {
            reason: clean(&self.reason),
            note: clean(&self.note),
            ..self.clone()
        }
    }

    /// Missing, malformed or out-of-place data, every problem at once (R2). Checks that depend on
    /// the case or the actor (who may be dispatched to, which sub-tasks exist) are in `transition`.
    pub fn problems(&self) -> Vec<FieldError> {
        let a = self.normalized();
        let k = a.kind;
        let mut out = Vec::new();
        let mut bad = |field: &str, reason: String| out.push(FieldError::new(field, reason));

        match &a.reason {
            None if k.needs_reason() => bad("reason", format!("`{k}` needs a reason")),
            Some(r) if r.chars().count() > MAX_TEXT_CHARS => bad("reason", format!("at most {MAX_TEXT_CHARS} characters")),
            _ => {}
        }
        if a.note.as_ref().is_some_and(|n| n.chars().count() > MAX_TEXT_CHARS) {
            bad("note", format!("at most {MAX_TEXT_CHARS} characters"));
        }
        if a.attachments.len() > MAX_ATTACHMENTS {
            bad("attachments", format!("at most {MAX_ATTACHMENTS} attachments"));
        }
        if a.attachments.iter().any(|id| *id <= 0) {
            bad("attachments", "attachment ids are positive".into());
        }
        let mut ids = a.attachments.clone();
        ids.sort_unstable();
        if ids.windows(2).any(|w| w[0] == w[1]) {
            bad("attachments", "an attachment is listed twice".into());
        }

        let wants = |kinds: &[ActionKind]| kinds.contains(&k);
        let mut field = |name: &str, present: bool, wanted: bool| match (present, wanted) {
            (false, true) => out.push(FieldError::new(name, format!("`{k}` needs {name}"))),
            (true, false) => out.push(FieldError::new(name, format!("`{k}` takes no {name}"))),
            _ => {}
        };
        field(
            "assignment",
            a.assignment.is_some(),
            wants(&[ActionKind::Dispatch, ActionKind::Reassign]),
        );
        field("merge_into", a.merge_into.is_some(), wants(&[ActionKind::Merge]));
        field("rating", a.rating.is_some(), wants(&[ActionKind::Rate]));
        field(
            "department",
            a.department.is_some(),
            wants(&[ActionKind::CompleteSubtask, ActionKind::WaiveSubtask]),
        );
        field(
            "escalation_level",
            a.escalation_level.is_some(),
            wants(&[ActionKind::Supervise]),
        );

        match &a.assignment {
            Some(Assignment::Single(s)) if s.unit <= 0 => out.push(FieldError::new("assignment.unit", "unit ids are positive")),
            Some(Assignment::Joint(j)) => out.extend(j.problems()),
            _ => {}
        }
        if a.merge_into.is_some_and(|id| id <= 0) {
            out.push(FieldError::new("merge_into", "case ids are positive"));
        }
        if a.rating.is_some_and(|r| !(1..=5).contains(&r)) {
            out.push(FieldError::new("rating", "satisfaction is rated 1 to 5"));
        }
        if a.department.is_some_and(|d| d <= 0) {
            out.push(FieldError::new("department", "department ids are positive"));
        }
        if a.escalation_level == Some(0) {
            out.push(FieldError::new("escalation_level", "escalation levels start at 1"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::tier::{Assignee, Tier};

    #[test]
    fn c4_action_names_round_trip() {
        for k in ActionKind::ALL {
            assert_eq!(ActionKind::parse(k.as_str()), Some(k));
            let json = serde_json::to_string(&k).unwrap();
            assert_eq!(json, format!("\"{}\"", k.as_str()));
        }
    }

    #[test]
    fn c4_required_data_is_checked() {
        assert_eq!(Action::reject("  ").problems()[0].field, "reason");
        assert_eq!(Action::new(ActionKind::Merge).problems()[0].field, "merge_into");
        assert_eq!(Action::rate(6).problems()[0].field, "rating");
        assert_eq!(Action::rate(0).problems()[0].field, "rating");
        assert!(Action::rate(5).problems().is_empty());
        assert_eq!(Action::new(ActionKind::Dispatch).problems()[0].field, "assignment");
        assert!(Action::reject("duplicate of 12").problems().is_empty());
        // Data an action does not use is refused rather than silently dropped.
        let mut a = Action::close();
        a.rating = Some(5);
        assert_eq!(a.problems()[0].field, "rating");
        // Every problem at once.
        let mut b = Action::reject("");
        b.attachments = vec![0, 3, 3];
        assert_eq!(b.problems().len(), 3);
    }

    #[test]
    fn c4_action_json_is_flat() {
        let a = Action::dispatch(Assignment::Single(Assignee {
            tier: Tier::Department,
            unit: 7,
        }))
        .with_note("  go ");
        let json = serde_json::to_value(a.normalized()).unwrap();
        assert_eq!(json["action"], "dispatch");
        assert_eq!(json["note"], "go");
        assert_eq!(json["assignment"]["kind"], "single");
        let back: Action = serde_json::from_value(json).unwrap();
        assert_eq!(back, a.normalized());
        assert_eq!(back.normalized(), back);
    }
}
