use serde::{Deserialize, Serialize};

use super::{Account, AccountKind, Currency, Refusal};

/// Why points moved. Each reason allows one direction between kinds of account, and a
/// correction only the reverse of one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Issuing account → personal account: points or service time credited after review.
    Award,
    /// Personal points → store: a redemption.
    Redeem,
    /// Store → personal points: a cancelled redemption.
    Refund,
    /// Personal points → issuing account: points past their validity (P2, optional).
    Expire,
    /// The reverse of an earlier entry, which stays as it was.
    Correction,
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::Award,
        Reason::Redeem,
        Reason::Refund,
        Reason::Expire,
        Reason::Correction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Award => "award",
            Reason::Redeem => "redeem",
            Reason::Refund => "refund",
            Reason::Expire => "expire",
            Reason::Correction => "correction",
        }
    }

    pub fn parse(s: &str) -> Option<Reason> {
        Reason::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The directions each reason allows, as (from kind, to kind).
fn forward_flow(reason: Reason, from: AccountKind, to: AccountKind) -> bool {
    use AccountKind::*;
    match reason {
        Reason::Award => from == Issuing && to.is_personal(),
        Reason::Redeem => matches!(from, Work | Grid) && to == Store,
        Reason::Refund => from == Store && matches!(to, Work | Grid),
        Reason::Expire => matches!(from, Work | Grid) && to == Issuing,
        Reason::Correction => false,
    }
}

/// One movement of `amount` from one account to another: the content of a ledger entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub from: Account,
    pub to: Account,
    pub amount: i64,
    pub reason: Reason,
}

impl Movement {
    pub fn currency(&self) -> Currency {
        self.from.currency
    }

    /// The rules every entry obeys: a positive amount, two different well-formed accounts of
    /// the same currency, and a direction its reason allows.
    pub fn check(&self) -> Result<(), Refusal> {
        let flow = match self.reason {
            Reason::Correction => Reason::ALL.into_iter().any(|r| forward_flow(r, self.to.kind, self.from.kind)),
            r => forward_flow(r, self.from.kind, self.to.kind),
        };
        let ok = self.amount > 0
            && self.from != self.to
            && self.from.currency == self.to.currency
            && self.from.is_well_formed()
            && self.to.is_well_formed()
            && flow;
        if ok { Ok(()) } else { Err(Refusal::InvalidMovement) }
    }

    /// The entry that undoes this one. A cancelled redemption is a refund; anything else is a
    /// correction.
    pub fn reversal(&self) -> Movement {
        let reason = if self.reason == Reason::Redeem {
            Reason::Refund
        } else {
            Reason::Correction
        };
        Movement {
            from: self.to,
            to: self.from,
            amount: self.amount,
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn award(amount: i64) -> Movement {
        Movement {
            from: Account::issuing(3, Currency::GridPoints),
            to: Account::personal(1, Currency::GridPoints),
            amount,
            reason: Reason::Award,
        }
    }

    #[test]
    fn p1_entries_need_a_positive_amount_and_one_currency() {
        assert!(award(5).check().is_ok());
        assert_eq!(award(0).check(), Err(Refusal::InvalidMovement));
        assert_eq!(award(-5).check(), Err(Refusal::InvalidMovement));
        let mut m = award(5);
        m.to = Account::personal(1, Currency::WorkPoints);
        assert_eq!(m.check(), Err(Refusal::InvalidMovement));
    }

    #[test]
    fn p1_reasons_fix_the_direction() {
        let mut m = award(5);
        m.reason = Reason::Redeem;
        assert!(m.check().is_err());
        let redeem = Movement {
            from: Account::personal(1, Currency::GridPoints),
            to: Account::store(3, Currency::GridPoints),
            amount: 5,
            reason: Reason::Redeem,
        };
        assert!(redeem.check().is_ok());
        // Service time is never spent in the store.
        let spend_hours = Movement {
            from: Account::personal(1, Currency::ServiceMinutes),
            to: Account::store(3, Currency::ServiceMinutes),
            amount: 5,
            reason: Reason::Redeem,
        };
        assert!(spend_hours.check().is_err());
    }

    #[test]
    fn p1_reversal_undoes_and_is_allowed() {
        let r = award(5).reversal();
        assert_eq!(r.reason, Reason::Correction);
        assert_eq!(r.from, award(5).to);
        assert!(r.check().is_ok());
        let redeem = Movement {
            from: Account::personal(1, Currency::GridPoints),
            to: Account::store(3, Currency::GridPoints),
            amount: 5,
            reason: Reason::Redeem,
        };
        assert_eq!(redeem.reversal().reason, Reason::Refund);
        assert!(redeem.reversal().check().is_ok());
        // A correction that is not the reverse of any allowed flow is refused.
        let odd = Movement {
            from: Account::store(3, Currency::GridPoints),
            to: Account::issuing(3, Currency::GridPoints),
            amount: 1,
            reason: Reason::Correction,
        };
        assert!(odd.check().is_err());
    }
}
