use serde::Serialize;

/// A well-formed request that the rules refuse in the current state (HTTP 409). The code is
/// part of the API: clients branch on it (issue 4 fixes `out_of_stock`, `insufficient_points`,
/// `limit_reached`, `store_closed` and `task_full`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    #[error("the item is out of stock")]
    OutOfStock,
    #[error("not enough points")]
    InsufficientPoints,
    #[error("the per-person limit for this item is reached")]
    LimitReached,
    #[error("the store is closed (outside the exchange window)")]
    StoreClosed,
    #[error("the task is full")]
    TaskFull,
    #[error("the task is not open for claims")]
    TaskClosed,
    #[error("you have already claimed this task")]
    AlreadyClaimed,
    #[error("this step is not possible in the record's current state")]
    WrongState,
    #[error("the award has already been decided")]
    NotPending,
    #[error("nobody approves an award to themselves")]
    OwnAward,
    #[error("a joint review needs a second, different approver")]
    SameApprover,
    #[error("the entry has already been reversed")]
    AlreadyReversed,
    #[error("a reversing entry cannot itself be reversed; register a new entry")]
    ReversalOfReversal,
    #[error("the movement breaks a ledger rule")]
    InvalidMovement,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::OutOfStock => "out_of_stock",
            Refusal::InsufficientPoints => "insufficient_points",
            Refusal::LimitReached => "limit_reached",
            Refusal::StoreClosed => "store_closed",
            Refusal::TaskFull => "task_full",
            Refusal::TaskClosed => "task_closed",
            Refusal::AlreadyClaimed => "already_claimed",
            Refusal::WrongState => "wrong_state",
            Refusal::NotPending => "not_pending",
            Refusal::OwnAward => "own_award",
            Refusal::SameApprover => "same_approver",
            Refusal::AlreadyReversed => "already_reversed",
            Refusal::ReversalOfReversal => "reversal_of_reversal",
            Refusal::InvalidMovement => "invalid_movement",
        }
    }
}
