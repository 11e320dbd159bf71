//! P2: an award is registered, reviewed and only then credited. Awards below the policy's
//! threshold need one approver; larger ones a joint review by two different approvers.

use serde::{Deserialize, Serialize};

use super::Refusal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardStatus {
    Registered,
    /// The first of the two approvals of a joint review is given.
    FirstApproval,
    Credited,
    Rejected,
}

impl AwardStatus {
    pub const ALL: [AwardStatus; 4] = [
        AwardStatus::Registered,
        AwardStatus::FirstApproval,
        AwardStatus::Credited,
        AwardStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AwardStatus::Registered => "registered",
            AwardStatus::FirstApproval => "first_approval",
            AwardStatus::Credited => "credited",
            AwardStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<AwardStatus> {
        AwardStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn is_pending(self) -> bool {
        matches!(self, AwardStatus::Registered | AwardStatus::FirstApproval)
    }
}

/// What an approval leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Joint review: recorded as the first approval; a second approver is needed.
    AwaitSecond,
    /// Credit the award now.
    Credit,
}

/// The part of an award its review looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Review {
    pub status: AwardStatus,
    /// The person the points go to.
    pub beneficiary: i64,
    /// The account (user) that gave the first approval, if any.
    pub first_approver: Option<i64>,
    pub joint: bool,
}

impl Review {
    /// `approver` is the approving account, `approver_person` its person: nobody approves
    /// points to themselves, and the two approvals of a joint review come from two accounts.
    pub fn approve(&self, approver: i64, approver_person: Option<i64>) -> Result<Decision, Refusal> {
        if !self.status.is_pending() {
            return Err(Refusal::NotPending);
        }
        if approver_person == Some(self.beneficiary) {
            return Err(Refusal::OwnAward);
        }
        match (self.joint, self.first_approver) {
            (false, _) => Ok(Decision::Credit),
            (true, None) => Ok(Decision::AwaitSecond),
            (true, Some(first)) if first == approver => Err(Refusal::SameApprover),
            (true, Some(_)) => Ok(Decision::Credit),
        }
    }

    pub fn reject(&self, approver_person: Option<i64>) -> Result<(), Refusal> {
        if !self.status.is_pending() {
            return Err(Refusal::NotPending);
        }
        if approver_person == Some(self.beneficiary) {
            return Err(Refusal::OwnAward);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(joint: bool, first: Option<i64>) -> Review {
        let status = if first.is_some() {
            AwardStatus::FirstApproval
        } else {
            AwardStatus::Registered
        };
        Review {
            status,
            beneficiary: 100,
            first_approver: first,
            joint,
        }
    }

    #[test]
    fn p2_single_approver_below_threshold() {
        assert_eq!(review(false, None).approve(1, Some(50)), Ok(Decision::Credit));
    }

    #[test]
    fn p2_joint_review_needs_two_distinct_approvers() {
        assert_eq!(review(true, None).approve(1, Some(50)), Ok(Decision::AwaitSecond));
        assert_eq!(review(true, Some(1)).approve(1, Some(50)), Err(Refusal::SameApprover));
        assert_eq!(review(true, Some(1)).approve(2, Some(51)), Ok(Decision::Credit));
    }

    #[test]
    fn p2_nobody_approves_their_own_points_or_decides_twice() {
        assert_eq!(review(false, None).approve(1, Some(100)), Err(Refusal::OwnAward));
        let done = Review {
            status: AwardStatus::Credited,
            ..review(false, None)
        };
        assert_eq!(done.approve(1, Some(50)), Err(Refusal::NotPending));
        assert_eq!(done.reject(Some(50)), Err(Refusal::NotPending));
    }
}
