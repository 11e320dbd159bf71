use serde::{Deserialize, Serialize};

use super::item::valid_date;
use super::refusal::CouncilRefusal;
use super::vote::Outcome;
use crate::DomainError;
use crate::error::Checks;

/// The life of a council topic:
/// raised → discussing → voting → decided_adopted | decided_rejected | no_quorum,
/// or decided by the minutes of a meeting (from raised, discussing or no_quorum);
/// an adopted topic is implemented (implementing → done); a topic that needs nothing more is closed.
///
/// A vote that missed its quorum is not repeated on the same topic (one vote per member per
/// topic): the council decides it at a meeting (minutes), or the topic is closed and raised anew.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicStatus {
    Raised,
    Discussing,
    Voting,
    #[serde(rename = "decided_adopted")]
    Adopted,
    #[serde(rename = "decided_rejected")]
    Rejected,
    NoQuorum,
    Implementing,
    Done,
    Closed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicAction {
    /// Staff take the topic up for discussion.
    Discuss,
    OpenVote,
    /// The vote closes with the tally's outcome.
    CloseVote(Outcome),
    /// A meeting decided: adopted (`true`) or rejected.
    Minutes(bool),
    /// An implementation item is added (the first one starts the implementation).
    AddItem,
    /// Every item is done.
    Finish,
    Close,
}

impl TopicStatus {
    pub const ALL: [TopicStatus; 9] = [
        TopicStatus::Raised,
        TopicStatus::Discussing,
        TopicStatus::Voting,
        TopicStatus::Adopted,
        TopicStatus::Rejected,
        TopicStatus::NoQuorum,
        TopicStatus::Implementing,
        TopicStatus::Done,
        TopicStatus::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TopicStatus::Raised => "raised",
            TopicStatus::Discussing => "discussing",
            TopicStatus::Voting => "voting",
            TopicStatus::Adopted => "decided_adopted",
            TopicStatus::Rejected => "decided_rejected",
            TopicStatus::NoQuorum => "no_quorum",
            TopicStatus::Implementing => "implementing",
            TopicStatus::Done => "done",
            TopicStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<TopicStatus> {
        TopicStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Residents and members may still comment: before the decision.
    pub fn takes_comments(self) -> bool {
        matches!(self, TopicStatus::Raised | TopicStatus::Discussing | TopicStatus::Voting)
    }

    pub fn is_final(self) -> bool {
        matches!(self, TopicStatus::Done | TopicStatus::Closed)
    }

    pub fn after(self, action: TopicAction) -> Result<TopicStatus, CouncilRefusal> {
        use TopicAction as A;
        use TopicStatus::*;
        match (self, action) {
            (Raised, A::Discuss) => Ok(Discussing),
            (Raised | Discussing, A::OpenVote) => Ok(Voting),
            (Voting, A::CloseVote(o)) => Ok(match o {
                Outcome::Adopted => Adopted,
                Outcome::Rejected => Rejected,
                Outcome::NoQuorum => NoQuorum,
            }),
            (Raised | Discussing | NoQuorum, A::Minutes(adopted)) => Ok(if adopted { Adopted } else { Rejected }),
            (Adopted | Implementing, A::AddItem) => Ok(Implementing),
            (Implementing, A::Finish) => Ok(Done),
            (Raised | Discussing | Adopted | Rejected | NoQuorum, A::Close) => Ok(Closed),
            _ => Err(CouncilRefusal::WrongState),
        }
    }
}

/// A topic as it is raised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTopic {
    /// The grid whose council decides it.
    pub grid_id: i64,
    pub title: String,
    #[serde(default)]
    pub content: String,
}

fn len(s: &str) -> usize {
    s.trim().chars().count()
}

impl NewTopic {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check((1..=100).contains(&len(&self.title)), "title", "must be 1–100 characters");
        c.check(len(&self.content) <= 4000, "content", "must be at most 4000 characters");
        c.finish()
    }
}

/// The record of a meeting that decided a topic.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minutes {
    /// `adopted` or `rejected`.
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub minutes: String,
    /// The day of the meeting, `YYYY-MM-DD`.
    #[serde(default)]
    pub held_on: String,
}

impl Minutes {
    /// Whether the meeting adopted the topic, once the record is complete.
    pub fn check(&self) -> Result<bool, DomainError> {
        let mut c = Checks::new();
        let decision = match self.decision.trim() {
            "adopted" => Some(true),
            "rejected" => Some(false),
            _ => None,
        };
        c.check(decision.is_some(), "decision", "must be adopted or rejected");
        c.check(
            (1..=10_000).contains(&len(&self.minutes)),
            "minutes",
            "must be 1–10000 characters",
        );
        c.check(valid_date(self.held_on.trim()), "held_on", "must be a date (YYYY-MM-DD)");
        c.finish()?;
        Ok(decision.unwrap_or(false))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TopicAction as A;
    use TopicStatus::*;

    #[test]
    fn p6_topic_paths() {
        let voted = Raised.after(A::Discuss).unwrap().after(A::OpenVote).unwrap();
        assert_eq!(voted, Voting);
        assert_eq!(voted.after(A::CloseVote(Outcome::Adopted)), Ok(Adopted));
        assert_eq!(voted.after(A::CloseVote(Outcome::Rejected)), Ok(Rejected));
        assert_eq!(voted.after(A::CloseVote(Outcome::NoQuorum)), Ok(NoQuorum));
        assert_eq!(NoQuorum.after(A::Minutes(true)), Ok(Adopted));
        assert_eq!(Discussing.after(A::Minutes(false)), Ok(Rejected));
        assert_eq!(Adopted.after(A::AddItem), Ok(Implementing));
        assert_eq!(Implementing.after(A::AddItem), Ok(Implementing));
        assert_eq!(Implementing.after(A::Finish), Ok(Done));
        assert_eq!(Rejected.after(A::Close), Ok(Closed));
    }

    #[test]
    fn p6_topic_refuses_out_of_order_steps() {
        // No second vote, no minutes while a vote runs, no work on a rejected topic.
        for (from, action) in [
            (Voting, A::OpenVote),
            (NoQuorum, A::OpenVote),
            (Voting, A::Minutes(true)),
            (Rejected, A::AddItem),
            (Raised, A::CloseVote(Outcome::Adopted)),
            (Adopted, A::Finish),
            (Voting, A::Close),
            (Implementing, A::Close),
            (Done, A::Close),
            (Closed, A::Discuss),
        ] {
            assert_eq!(from.after(action), Err(CouncilRefusal::WrongState), "{from:?} {action:?}");
        }
        for s in TopicStatus::ALL {
            assert_eq!(TopicStatus::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert!(Voting.takes_comments() && !Adopted.takes_comments());
    }

    #[test]
    fn p6_topic_and_minutes_checks_name_the_fields() {
        let bad = NewTopic {
            grid_id: 1,
            title: " ".into(),
            content: "x".repeat(4001),
        };
        let DomainError::Invalid(f) = bad.check().unwrap_err();
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "content"]);
        let DomainError::Invalid(f) = Minutes::default().check().unwrap_err();
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["decision", "minutes", "held_on"]);
        let ok = Minutes {
            decision: "rejected".into(),
            minutes: "会议决定暂缓".into(),
            held_on: "2024-05-01".into(),
        };
        assert_eq!(ok.check(), Ok(false));
    }
}
