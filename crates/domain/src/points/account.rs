use serde::{Deserialize, Serialize};

/// What an account counts. Service time is kept apart from spendable points (research §9.3:
/// spending never reduces the hours a volunteer's star level and certificates rest on), and the
/// two kinds of points of P1 are separate currencies: staff work points and residents' grid points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Currency {
    WorkPoints,
    GridPoints,
    /// Service time in minutes, counted without travel (民函〔2012〕340号).
    ServiceMinutes,
}

impl Currency {
    pub const ALL: [Currency; 3] = [Currency::WorkPoints, Currency::GridPoints, Currency::ServiceMinutes];

    pub fn as_str(self) -> &'static str {
        match self {
            Currency::WorkPoints => "work_points",
            Currency::GridPoints => "grid_points",
            Currency::ServiceMinutes => "service_minutes",
        }
    }

    pub fn parse(s: &str) -> Option<Currency> {
        Currency::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Points can be spent in the store; service time cannot.
    pub fn spendable(self) -> bool {
        self != Currency::ServiceMinutes
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountKind {
    /// A person's work points (staff and party members).
    Work,
    /// A person's grid points (residents and volunteers).
    Grid,
    /// A person's service time.
    Hours,
    /// A community's issuing account: the source of every award, so its balance is minus what
    /// the community has issued net.
    Issuing,
    /// A community's points store: receives what residents spend there.
    Store,
}

impl AccountKind {
    pub const ALL: [AccountKind; 5] = [
        AccountKind::Work,
        AccountKind::Grid,
        AccountKind::Hours,
        AccountKind::Issuing,
        AccountKind::Store,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccountKind::Work => "work",
            AccountKind::Grid => "grid",
            AccountKind::Hours => "hours",
            AccountKind::Issuing => "issuing",
            AccountKind::Store => "store",
        }
    }

    pub fn parse(s: &str) -> Option<AccountKind> {
        AccountKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn is_personal(self) -> bool {
        matches!(self, AccountKind::Work | AccountKind::Grid | AccountKind::Hours)
    }

    /// The personal account that holds `currency`.
    pub fn personal_for(currency: Currency) -> AccountKind {
        match currency {
            Currency::WorkPoints => AccountKind::Work,
            Currency::GridPoints => AccountKind::Grid,
            Currency::ServiceMinutes => AccountKind::Hours,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "id")]
pub enum Holder {
    Person(i64),
    Community(i64),
}

impl Holder {
    pub fn id(self) -> i64 {
        match self {
            Holder::Person(id) | Holder::Community(id) => id,
        }
    }
}

/// One account of the ledger; the three fields are its identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Account {
    pub kind: AccountKind,
    pub holder: Holder,
    pub currency: Currency,
}

impl Account {
    /// A person's account of the kind that holds `currency`.
    pub fn personal(person_id: i64, currency: Currency) -> Account {
        Account {
            kind: AccountKind::personal_for(currency),
            holder: Holder::Person(person_id),
            currency,
        }
    }

    pub fn issuing(community_id: i64, currency: Currency) -> Account {
        Account {
            kind: AccountKind::Issuing,
            holder: Holder::Community(community_id),
            currency,
        }
    }

    pub fn store(community_id: i64, currency: Currency) -> Account {
        Account {
            kind: AccountKind::Store,
            holder: Holder::Community(community_id),
            currency,
        }
    }

    /// Kind, holder and currency fit together: personal kinds belong to people and hold their
    /// one currency; a store only ever holds points.
    pub fn is_well_formed(&self) -> bool {
        match (self.kind, self.holder) {
            (k, Holder::Person(_)) if k.is_personal() => AccountKind::personal_for(self.currency) == k,
            (AccountKind::Issuing, Holder::Community(_)) => true,
            (AccountKind::Store, Holder::Community(_)) => self.currency.spendable(),
            _ => false,
        }
    }

    /// Only an issuing account may go below zero; every other balance is what its holder owns.
    /// The store's SQL guard (`balance >= amount OR kind = 'issuing'`) is this rule.
    pub fn may_go_negative(&self) -> bool {
        self.kind == AccountKind::Issuing
    }

    pub fn can_pay(&self, balance: i64, amount: i64) -> bool {
        self.may_go_negative() || balance >= amount
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_account_shapes() {
        assert!(Account::personal(1, Currency::GridPoints).is_well_formed());
        assert_eq!(Account::personal(1, Currency::ServiceMinutes).kind, AccountKind::Hours);
        assert!(Account::issuing(3, Currency::ServiceMinutes).is_well_formed());
        assert!(!Account::store(3, Currency::ServiceMinutes).is_well_formed());
        let wrong = Account {
            kind: AccountKind::Work,
            holder: Holder::Person(1),
            currency: Currency::GridPoints,
        };
        assert!(!wrong.is_well_formed());
        let wrong = Account {
            kind: AccountKind::Grid,
            holder: Holder::Community(1),
            currency: Currency::GridPoints,
        };
        assert!(!wrong.is_well_formed());
    }

    #[test]
    fn p1_only_issuing_goes_negative() {
        assert!(Account::issuing(1, Currency::GridPoints).can_pay(0, 10));
        assert!(!Account::personal(1, Currency::GridPoints).can_pay(9, 10));
        assert!(Account::personal(1, Currency::GridPoints).can_pay(10, 10));
        assert!(!Account::store(1, Currency::GridPoints).can_pay(0, 1));
    }

    #[test]
    fn p1_names_round_trip() {
        for c in Currency::ALL {
            assert_eq!(Currency::parse(c.as_str()), Some(c));
        }
        for k in AccountKind::ALL {
            assert_eq!(AccountKind::parse(k.as_str()), Some(k));
        }
    }
}
