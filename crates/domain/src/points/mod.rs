//! P1–P4: the points ledger ("love savings bank", 爱心储蓄 / 积分), the rules that award points,
//! the review that credits them, the points store (积分超市) and the periods of statements and
//! honour lists.
//!
//! The ledger is double-entry: every movement takes an amount from one account and gives it to
//! another of the same currency, so the sum over all accounts of a currency is always zero and a
//! balance is only ever the sum of its entries. Corrections are reversing entries, never edits.

mod account;
mod award;
mod entry;
pub mod expiry;
mod group_star;
mod ledger;
mod period;
mod refusal;
mod rule;
pub mod selection;
pub mod star;
pub mod store;

pub use account::{Account, AccountKind, Currency, Holder};
pub use award::{AwardStatus, Decision, Review};
pub use entry::{Movement, Reason};
pub use group_star::{DEFAULT_STAR_PERCENT, HonourPolicy};
pub use ledger::{Ledger, Posted};
pub use period::{Period, PeriodKind};
pub use refusal::Refusal;
pub use rule::{Category, PointRule, PointsPolicy};

#[cfg(test)]
mod properties;
