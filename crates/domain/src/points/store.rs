//! P3: the points store (积分超市): its catalogue rules, the exchange window and the order in
//! which a redemption is refused.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{Currency, Refusal};
use crate::DomainError;
use crate::error::Checks;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Daily necessities; stock is a count of pieces.
    Goods,
    /// A room at a time slot (dance room, calligraphy room); stock is the places in the slot.
    Venue,
    /// A free meal, an hour of childcare; stock is the capacity.
    Service,
}

impl ItemKind {
    pub const ALL: [ItemKind; 3] = [ItemKind::Goods, ItemKind::Venue, ItemKind::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Goods => "goods",
            ItemKind::Venue => "venue",
            ItemKind::Service => "service",
        }
    }

    pub fn parse(s: &str) -> Option<ItemKind> {
        ItemKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Exchange days (P2 "quarterly exchange"): the store sells in the listed months, from one day
/// of the month to another, inclusive. The default is the first ten days after each quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeWindow {
    pub months: Vec<u32>,
    pub from_day: u32,
    pub to_day: u32,
}

impl ExchangeWindow {
    pub fn quarterly() -> ExchangeWindow {
        ExchangeWindow {
            months: vec![1, 4, 7, 10],
            from_day: 1,
            to_day: 10,
        }
    }

    pub fn is_open(&self, date: NaiveDate) -> bool {
        self.months.contains(&date.month()) && (self.from_day..=self.to_day).contains(&date.day())
    }

    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(
            !self.months.is_empty() && self.months.iter().all(|m| (1..=12).contains(m)),
            "exchange_window.months",
            "must list months from 1 to 12",
        );
        c.check(
            (1..=31).contains(&self.from_day) && (self.from_day..=31).contains(&self.to_day),
            "exchange_window.days",
            "must be days 1–31, from ≤ to",
        );
        c.finish()
    }
}

/// A catalogue item as the form gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewItem {
    pub kind: ItemKind,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "grid_points")]
    pub currency: Currency,
    pub price: i64,
    pub stock: i64,
    #[serde(default = "one")]
    pub per_person_limit: i64,
    /// For a venue: the room.
    #[serde(default)]
    pub venue: Option<String>,
    #[serde(default)]
    pub slot_starts_at: Option<i64>,
    #[serde(default)]
    pub slot_ends_at: Option<i64>,
    /// The item's own opening window (epoch ms), inside which it can be redeemed.
    #[serde(default)]
    pub opens_at: Option<i64>,
    #[serde(default)]
    pub closes_at: Option<i64>,
}

fn grid_points() -> Currency {
    Currency::GridPoints
}
fn one() -> i64 {
    1
}

impl NewItem {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        let name = self.name.trim().chars().count();
        c.check((1..=100).contains(&name), "name", "must be 1–100 characters");
        c.check(
            self.description.chars().count() <= 2000,
            "description",
            "must be at most 2000 characters",
        );
        c.check(self.currency.spendable(), "currency", "must be work_points or grid_points");
        c.check(
            (1..=1_000_000).contains(&self.price),
            "price",
            "must be from 1 to 1000000 points",
        );
        c.check((0..=1_000_000).contains(&self.stock), "stock", "must be from 0 to 1000000");
        c.check(
            (1..=1000).contains(&self.per_person_limit),
            "per_person_limit",
            "must be from 1 to 1000",
        );
        if self.kind == ItemKind::Venue {
            c.check(
                self.venue.as_deref().is_some_and(|v| !v.trim().is_empty()),
                "venue",
                "is required for a venue booking",
            );
            match (self.slot_starts_at, self.slot_ends_at) {
                (Some(s), Some(e)) => {
                    c.check(s < e, "slot_ends_at", "must be after the start of the slot");
                }
                _ => {
                    c.check(false, "slot_starts_at", "a venue booking needs a time slot");
                }
            }
        }
        if let (Some(o), Some(cl)) = (self.opens_at, self.closes_at) {
            c.check(o < cl, "closes_at", "must be after opens_at");
        }
        c.finish()
    }
}

/// Whether the store sells this item now: inside the street's exchange window (if one is set)
/// and the item's own opening window; a venue slot that has started is no longer sold.
pub fn is_open(
    window: Option<&ExchangeWindow>,
    today: NaiveDate,
    now_ms: i64,
    opens_at: Option<i64>,
    closes_at: Option<i64>,
    slot_starts_at: Option<i64>,
) -> bool {
    window.is_none_or(|w| w.is_open(today))
        && opens_at.is_none_or(|o| now_ms >= o)
        && closes_at.is_none_or(|c| now_ms < c)
        && slot_starts_at.is_none_or(|s| now_ms < s)
}

pub fn within_limit(already: i64, limit: i64) -> bool {
    already < limit
}

/// What a redemption sees, in the order it is refused: a closed store, then stock, then the
/// per-person limit, then the balance. The store checks stock and balance with compare-and-set
/// updates in this same order (item row first, then account row, so locks never cross).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedeemState {
    pub open: bool,
    pub stock: i64,
    pub already: i64,
    pub limit: i64,
    pub balance: i64,
    pub price: i64,
}

pub fn redeem_check(s: &RedeemState) -> Result<(), Refusal> {
    if !s.open {
        Err(Refusal::StoreClosed)
    } else if s.stock <= 0 {
        Err(Refusal::OutOfStock)
    } else if !within_limit(s.already, s.limit) {
        Err(Refusal::LimitReached)
    } else if s.balance < s.price {
        Err(Refusal::InsufficientPoints)
    } else {
        Ok(())
    }
}

/// Voucher codes: unambiguous upper-case letters and digits (no 0/O, 1/I/L), read aloud at the
/// counter; 10 characters from 31 symbols is about 49 bits.
const VOUCHER_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

pub fn voucher_code(random: [u8; 10]) -> String {
    random
        .iter()
        .map(|b| VOUCHER_ALPHABET[(*b as usize) % VOUCHER_ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> NewItem {
        NewItem {
            kind: ItemKind::Goods,
            name: "洗衣液".into(),
            description: String::new(),
            currency: Currency::GridPoints,
            price: 10,
            stock: 5,
            per_person_limit: 1,
            venue: None,
            slot_starts_at: None,
            slot_ends_at: None,
            opens_at: None,
            closes_at: None,
        }
    }

    #[test]
    fn p3_item_checks_report_every_field() {
        assert!(item().check().is_ok());
        let bad = NewItem {
            name: " ".into(),
            price: 0,
            stock: -1,
            kind: ItemKind::Venue,
            currency: Currency::ServiceMinutes,
            ..item()
        };
        let DomainError::Invalid(f) = bad.check().unwrap_err();
        let fields: Vec<&str> = f.iter().map(|e| e.field.as_str()).collect();
        for want in ["name", "price", "stock", "currency", "venue", "slot_starts_at"] {
            assert!(fields.contains(&want), "{want} missing from {fields:?}");
        }
    }

    #[test]
    fn p3_exchange_window_and_item_window() {
        let w = ExchangeWindow::quarterly();
        let d = |m, day| NaiveDate::from_ymd_opt(2024, m, day).unwrap();
        assert!(w.is_open(d(4, 1)) && w.is_open(d(4, 10)));
        assert!(!w.is_open(d(4, 11)) && !w.is_open(d(5, 1)));
        assert!(is_open(None, d(5, 1), 100, Some(50), Some(200), None));
        assert!(!is_open(Some(&w), d(5, 1), 100, None, None, None));
        assert!(!is_open(None, d(5, 1), 100, Some(150), None, None));
        assert!(!is_open(None, d(5, 1), 100, None, Some(100), None));
        assert!(!is_open(None, d(5, 1), 100, None, None, Some(90)));
    }

    #[test]
    fn p3_refusals_come_in_a_fixed_order() {
        let ok = RedeemState {
            open: true,
            stock: 1,
            already: 0,
            limit: 1,
            balance: 10,
            price: 10,
        };
        assert_eq!(redeem_check(&ok), Ok(()));
        assert_eq!(
            redeem_check(&RedeemState {
                open: false,
                stock: 0,
                ..ok
            }),
            Err(Refusal::StoreClosed)
        );
        assert_eq!(
            redeem_check(&RedeemState {
                stock: 0,
                balance: 0,
                ..ok
            }),
            Err(Refusal::OutOfStock)
        );
        assert_eq!(
            redeem_check(&RedeemState {
                already: 1,
                balance: 0,
                ..ok
            }),
            Err(Refusal::LimitReached)
        );
        assert_eq!(
            redeem_check(&RedeemState { balance: 9, ..ok }),
            Err(Refusal::InsufficientPoints)
        );
    }

    #[test]
    fn p3_voucher_codes_are_unambiguous() {
        let v = voucher_code([0, 1, 2, 3, 4, 250, 251, 252, 253, 255]);
        assert_eq!(v.len(), 10);
        assert!(!v.contains(['0', 'O', '1', 'I', 'L']));
    }
}
