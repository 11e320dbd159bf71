//! The ledger's rules in memory. The store keeps the same rules in SQL (an entry row plus a
//! compare-and-set on the cached balance, in one transaction); this model is what the property
//! tests drive, and what the store's recomputing check compares against.

use std::collections::{BTreeMap, HashSet};

use super::{Account, Currency, Movement, Reason, Refusal};

/// An entry as written: its movement, when, and the entry it reverses if it is a reversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posted {
    pub id: usize,
    pub movement: Movement,
    pub at: i64,
    pub reverses: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Ledger {
    entries: Vec<Posted>,
    /// Cached balances, changed only together with an appended entry.
    balances: BTreeMap<Account, i64>,
    reversed: HashSet<usize>,
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger::default()
    }

    pub fn entries(&self) -> &[Posted] {
        &self.entries
    }

    pub fn balance(&self, a: &Account) -> i64 {
        self.balances.get(a).copied().unwrap_or(0)
    }

    pub fn accounts(&self) -> impl Iterator<Item = (&Account, &i64)> {
        self.balances.iter()
    }

    /// Appends the movement if the rules allow it; the payer may not go below zero unless it
    /// is an issuing account.
    pub fn post(&mut self, m: Movement, at: i64) -> Result<usize, Refusal> {
        self.append(m, at, None)
    }

    /// Appends the reverse of entry `id`. Each entry is reversed at most once, and a reversal is
    /// not itself reversed (register a new entry instead), so the chain of corrections stays
    /// readable.
    pub fn reverse(&mut self, id: usize, at: i64) -> Result<usize, Refusal> {
        let original = *self.entries.get(id).ok_or(Refusal::InvalidMovement)?;
        if original.reverses.is_some() {
            return Err(Refusal::ReversalOfReversal);
        }
        if self.reversed.contains(&id) {
            return Err(Refusal::AlreadyReversed);
        }
        let new = self.append(original.movement.reversal(), at, Some(id))?;
        self.reversed.insert(id);
        Ok(new)
    }

    fn append(&mut self, m: Movement, at: i64, reverses: Option<usize>) -> Result<usize, Refusal> {
        m.check()?;
        if reverses.is_none() && m.reason == Reason::Correction {
            return Err(Refusal::InvalidMovement);
        }
        if !m.from.can_pay(self.balance(&m.from), m.amount) {
            return Err(Refusal::InsufficientPoints);
        }
        let id = self.entries.len();
        self.entries.push(Posted {
            id,
            movement: m,
            at,
            reverses,
        });
        *self.balances.entry(m.from).or_default() -= m.amount;
        *self.balances.entry(m.to).or_default() += m.amount;
        Ok(id)
    }

    /// A balance recomputed from the entries alone.
    pub fn derived_balance(&self, a: &Account) -> i64 {
        self.entries
            .iter()
            .map(|e| {
                let m = &e.movement;
                if m.to == *a {
                    m.amount
                } else if m.from == *a {
                    -m.amount
                } else {
                    0
                }
            })
            .sum()
    }

    /// The sum of the cached balances of one currency; double entry keeps it at zero.
    pub fn total(&self, c: Currency) -> i64 {
        self.balances.iter().filter(|(a, _)| a.currency == c).map(|(_, b)| *b).sum()
    }

    /// Credits to `a` at or after `since`, the valid part of a balance under expiry.
    pub fn credits_since(&self, a: &Account, since: i64) -> i64 {
        self.entries
            .iter()
            .filter(|e| e.at >= since && e.movement.to == *a)
            .map(|e| e.movement.amount)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn award(person: i64, amount: i64) -> Movement {
        Movement {
            from: Account::issuing(3, Currency::GridPoints),
            to: Account::personal(person, Currency::GridPoints),
            amount,
            reason: Reason::Award,
        }
    }

    #[test]
    fn p1_balance_is_the_sum_of_entries() {
        let mut l = Ledger::new();
        l.post(award(1, 10), 0).unwrap();
        l.post(award(1, 5), 1).unwrap();
        let me = Account::personal(1, Currency::GridPoints);
        assert_eq!(l.balance(&me), 15);
        assert_eq!(l.derived_balance(&me), 15);
        assert_eq!(l.balance(&Account::issuing(3, Currency::GridPoints)), -15);
        assert_eq!(l.total(Currency::GridPoints), 0);
    }

    #[test]
    fn p1_no_overdraft_and_reversal_once() {
        let mut l = Ledger::new();
        let a = l.post(award(1, 10), 0).unwrap();
        let spend = Movement {
            from: Account::personal(1, Currency::GridPoints),
            to: Account::store(3, Currency::GridPoints),
            amount: 11,
            reason: Reason::Redeem,
        };
        assert_eq!(l.post(spend, 1), Err(Refusal::InsufficientPoints));
        let r = l.reverse(a, 2).unwrap();
        assert_eq!(l.reverse(a, 3), Err(Refusal::AlreadyReversed));
        assert_eq!(l.reverse(r, 3), Err(Refusal::ReversalOfReversal));
        assert_eq!(l.balance(&Account::personal(1, Currency::GridPoints)), 0);
        // A correction is only ever posted as the reversal of an entry.
        assert_eq!(l.post(award(1, 10).reversal(), 4), Err(Refusal::InvalidMovement));
    }
}
