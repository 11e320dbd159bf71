use serde::Serialize;

/// A well-formed council request that the rules refuse in the record's current state (HTTP 409).
/// The code is part of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum CouncilRefusal {
    #[error("this step is not possible in the record's current state")]
    WrongState,
    #[error("you have already voted on this topic")]
    AlreadyVoted,
    #[error("the grid's council has no members to vote")]
    NoMembers,
    #[error("the person is already a member of this grid's council")]
    AlreadyMember,
    #[error("implementation items are still open")]
    ItemsOpen,
    #[error("earlier stages are not done yet")]
    EarlierStagesOpen,
    #[error("the project is not ready for acceptance")]
    NotReady,
}

impl CouncilRefusal {
    pub fn code(self) -> &'static str {
        match self {
            CouncilRefusal::WrongState => "wrong_state",
            CouncilRefusal::AlreadyVoted => "already_voted",
            CouncilRefusal::NoMembers => "no_members",
            CouncilRefusal::AlreadyMember => "already_member",
            CouncilRefusal::ItemsOpen => "items_open",
            CouncilRefusal::EarlierStagesOpen => "earlier_stages_open",
            CouncilRefusal::NotReady => "not_ready",
        }
    }
}
