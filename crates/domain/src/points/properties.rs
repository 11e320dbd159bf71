//! P1 property tests: any sequence of register / approve / reject / redeem / refund / expire /
//! correct operations, each run through the same rules the use cases call, keeps the ledger
//! balanced per currency, every cached balance equal to the sum of its entries, no person (or
//! store) below zero, and stock equal to what was not redeemed.

use proptest::prelude::*;

use super::store::{RedeemState, redeem_check};
use super::*;

const PEOPLE: i64 = 4;
const STOCK: i64 = 5;

#[derive(Debug, Clone)]
enum Op {
    Register {
        person: i64,
        currency: Currency,
        category: usize,
        minutes: i64,
    },
    Approve {
        award: usize,
        approver: i64,
    },
    Reject {
        award: usize,
        approver: i64,
    },
    Redeem {
        person: i64,
        item: usize,
    },
    Refund {
        redemption: usize,
    },
    Expire {
        person: i64,
        back: i64,
    },
    Correct {
        entry: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let currency = prop_oneof![
        Just(Currency::GridPoints),
        Just(Currency::WorkPoints),
        Just(Currency::ServiceMinutes)
    ];
    prop_oneof![
        4 => (1..=PEOPLE, currency, 0..7usize, 0..600i64).prop_map(|(person, currency, category, minutes)| Op::Register { person, currency, category, minutes }),
        4 => (0..40usize, 1..=3i64).prop_map(|(award, approver)| Op::Approve { award, approver }),
        1 => (0..40usize, 1..=3i64).prop_map(|(award, approver)| Op::Reject { award, approver }),
        4 => (1..=PEOPLE, 0..2usize).prop_map(|(person, item)| Op::Redeem { person, item }),
        2 => (0..20usize).prop_map(|redemption| Op::Refund { redemption }),
        1 => (1..=PEOPLE, 0..30i64).prop_map(|(person, back)| Op::Expire { person, back }),
        1 => (0..60usize).prop_map(|entry| Op::Correct { entry }),
    ]
}

struct Award {
    community: i64,
    person: i64,
    currency: Currency,
    amount: i64,
    status: AwardStatus,
    first: Option<i64>,
}

struct Item {
    community: i64,
    currency: Currency,
    price: i64,
    stock: i64,
    limit: i64,
}

struct Redemption {
    item: usize,
    person: i64,
    entry: usize,
    cancelled: bool,
}

struct World {
    policy: PointsPolicy,
    ledger: Ledger,
    awards: Vec<Award>,
    items: Vec<Item>,
    redemptions: Vec<Redemption>,
    now: i64,
}

/// Approver accounts 1–3 belong to persons 1–3, so some approvals are of one's own points.
fn person_of_user(u: i64) -> Option<i64> {
    Some(u)
}

fn home(person: i64) -> i64 {
    person % 2 + 1
}

impl World {
    fn new() -> World {
        World {
            policy: PointsPolicy {
                joint_review_threshold: 3,
                ..PointsPolicy::default()
            },
            ledger: Ledger::new(),
            awards: Vec::new(),
            items: vec![
                Item {
                    community: 1,
                    currency: Currency::GridPoints,
                    price: 2,
                    stock: STOCK,
                    limit: 2,
                },
                Item {
                    community: 2,
                    currency: Currency::WorkPoints,
                    price: 3,
                    stock: STOCK,
                    limit: 3,
                },
            ],
            redemptions: Vec::new(),
            now: 0,
        }
    }

    fn apply(&mut self, op: Op) {
        self.now += 1;
        let now = self.now;
        match op {
            Op::Register {
                person,
                currency,
                category,
                minutes,
            } => {
                let amount = match currency {
                    Currency::ServiceMinutes => minutes,
                    _ => self.policy.rule(Category::ALL[category]).points(minutes),
                };
                if amount > 0 {
                    let community = home(person);
                    self.awards.push(Award {
                        community,
                        person,
                        currency,
                        amount,
                        status: AwardStatus::Registered,
                        first: None,
                    });
                }
            }
            Op::Approve { award, approver } => {
                let joint_threshold = self.policy.joint_review_threshold;
                let Some(a) = self.awards.get_mut(award) else { return };
                let review = Review {
                    status: a.status,
                    beneficiary: a.person,
                    first_approver: a.first,
                    joint: a.amount >= joint_threshold,
                };
                match review.approve(approver, person_of_user(approver)) {
                    Ok(Decision::AwaitSecond) => {
                        a.status = AwardStatus::FirstApproval;
                        a.first = Some(approver);
                    }
                    Ok(Decision::Credit) => {
                        let m = Movement {
                            from: Account::issuing(a.community, a.currency),
                            to: Account::personal(a.person, a.currency),
                            amount: a.amount,
                            reason: Reason::Award,
                        };
                        self.ledger
                            .post(m, now)
                            .expect("an award from an issuing account always posts");
                        a.status = AwardStatus::Credited;
                    }
                    Err(_) => {}
                }
            }
            Op::Reject { award, approver } => {
                let Some(a) = self.awards.get_mut(award) else { return };
                let review = Review {
                    status: a.status,
                    beneficiary: a.person,
                    first_approver: a.first,
                    joint: false,
                };
                if review.reject(person_of_user(approver)).is_ok() {
                    a.status = AwardStatus::Rejected;
                }
            }
            Op::Redeem { person, item } => {
                let it = &self.items[item];
                let me = Account::personal(person, it.currency);
                let already = self
                    .redemptions
                    .iter()
                    .filter(|r| r.item == item && r.person == person && !r.cancelled)
                    .count() as i64;
                let state = RedeemState {
                    open: true,
                    stock: it.stock,
                    already,
                    limit: it.limit,
                    balance: self.ledger.balance(&me),
                    price: it.price,
                };
                let before = self.ledger.entries().len();
                match redeem_check(&state) {
                    Ok(()) => {
                        let m = Movement {
                            from: me,
                            to: Account::store(it.community, it.currency),
                            amount: it.price,
                            reason: Reason::Redeem,
                        };
                        let entry = self.ledger.post(m, now).expect("checked redemption posts");
                        self.items[item].stock -= 1;
                        self.redemptions.push(Redemption {
                            item,
                            person,
                            entry,
                            cancelled: false,
                        });
                    }
                    Err(_) => assert_eq!(self.ledger.entries().len(), before, "a refused redemption writes nothing"),
                }
            }
            Op::Refund { redemption } => {
                let Some(r) = self.redemptions.get_mut(redemption) else {
                    return;
                };
                if r.cancelled {
                    assert_eq!(self.ledger.reverse(r.entry, now), Err(Refusal::AlreadyReversed));
                    return;
                }
                self.ledger.reverse(r.entry, now).expect("the store holds what was paid");
                r.cancelled = true;
                self.items[r.item].stock += 1;
            }
            Op::Expire { person, back } => {
                for currency in [Currency::GridPoints, Currency::WorkPoints] {
                    let me = Account::personal(person, currency);
                    let amount = expiry::expiring(self.ledger.balance(&me), self.ledger.credits_since(&me, now - back));
                    if amount > 0 {
                        let m = Movement {
                            from: me,
                            to: Account::issuing(home(person), currency),
                            amount,
                            reason: Reason::Expire,
                        };
                        self.ledger.post(m, now).expect("expiry never takes more than the balance");
                    }
                }
            }
            Op::Correct { entry } => {
                if entry < self.ledger.entries().len() && self.ledger.entries()[entry].movement.reason != Reason::Redeem {
                    // Refused when the points were spent meanwhile, or the entry was already
                    // reversed; either way nothing is written.
                    let before = self.ledger.entries().len();
                    if self.ledger.reverse(entry, now).is_err() {
                        assert_eq!(self.ledger.entries().len(), before);
                    }
                }
            }
        }
    }

    fn check_invariants(&self) {
        for c in Currency::ALL {
            assert_eq!(self.ledger.total(c), 0, "cached balances of {c:?} sum to zero");
            let derived: i64 = self
                .ledger
                .accounts()
                .filter(|(a, _)| a.currency == c)
                .map(|(a, _)| self.ledger.derived_balance(a))
                .sum();
            assert_eq!(derived, 0, "entries of {c:?} sum to zero");
        }
        for (a, b) in self.ledger.accounts() {
            assert_eq!(*b, self.ledger.derived_balance(a), "{a:?}: cached balance equals its entries");
            if !a.may_go_negative() {
                assert!(*b >= 0, "{a:?} went below zero: {b}");
            }
        }
        for (i, it) in self.items.iter().enumerate() {
            let live = self.redemptions.iter().filter(|r| r.item == i && !r.cancelled).count() as i64;
            assert!(it.stock >= 0);
            assert_eq!(it.stock + live, STOCK, "stock plus live redemptions is the initial stock");
            let in_store = self.ledger.balance(&Account::store(it.community, it.currency));
            assert_eq!(
                in_store,
                live * it.price,
                "the store holds exactly what live redemptions paid"
            );
        }
        for e in self.ledger.entries() {
            assert!(e.movement.amount > 0 && e.movement.from.currency == e.movement.to.currency);
        }
        for a in &self.awards {
            assert!(a.amount > 0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn p1_ledger_stays_balanced_under_any_sequence(ops in proptest::collection::vec(op(), 1..120)) {
        let mut w = World::new();
        for op in ops {
            w.apply(op);
            w.check_invariants();
        }
    }

}
