use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::error::Checks;

/// One member, one vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Yes,
    No,
    Abstain,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Yes, Choice::No, Choice::Abstain];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Yes => "yes",
            Choice::No => "no",
            Choice::Abstain => "abstain",
        }
    }

    pub fn parse(s: &str) -> Option<Choice> {
        Choice::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Open: everyone sees who voted what and the running count. Secret: who voted is recorded, what
/// they voted is not kept with their name at all (only the topic's counts), and the counts are
/// shown only once the vote is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ballot {
    Open,
    Secret,
}

impl Ballot {
    pub fn as_str(self) -> &'static str {
        match self {
            Ballot::Open => "open",
            Ballot::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<Ballot> {
        [Ballot::Open, Ballot::Secret].into_iter().find(|x| x.as_str() == s)
    }
}

/// The share of yes votes among the yes and no votes (abstentions left out) that adopts a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Majority {
    /// More than half.
    Simple,
    /// At least two thirds.
    TwoThirds,
}

impl Majority {
    pub fn as_str(self) -> &'static str {
        match self {
            Majority::Simple => "simple",
            Majority::TwoThirds => "two_thirds",
        }
    }

    pub fn parse(s: &str) -> Option<Majority> {
        [Majority::Simple, Majority::TwoThirds].into_iter().find(|x| x.as_str() == s)
    }

    /// Whether `yes` out of `yes + no` reaches the majority; nobody voting yes never does.
    pub fn reached(self, yes: i64, no: i64) -> bool {
        let decisive = yes + no;
        yes > 0
            && match self {
                Majority::Simple => 2 * yes > decisive,
                Majority::TwoThirds => 3 * yes >= 2 * decisive,
            }
    }
}

/// The rules of one vote, fixed when it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRules {
    /// The share of the members (in percent, 1–100) who must cast a vote, abstentions included.
    pub quorum_percent: i64,
    pub majority: Majority,
    pub ballot: Ballot,
}

impl VoteRules {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(
            (1..=100).contains(&self.quorum_percent),
            "quorum_percent",
            "must be from 1 to 100",
        );
        c.finish()
    }
}

/// A street's defaults for council votes (a setting; each vote may override them when it opens).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilPolicy {
    /// Half the members must take part unless the street sets otherwise.
    #[serde(default = "default_quorum")]
    pub quorum_percent: i64,
    #[serde(default = "default_majority")]
    pub majority: Majority,
    #[serde(default = "default_ballot")]
    pub ballot: Ballot,
}

fn default_quorum() -> i64 {
    50
}
fn default_majority() -> Majority {
    Majority::Simple
}
fn default_ballot() -> Ballot {
    Ballot::Open
}

impl Default for CouncilPolicy {
    fn default() -> Self {
        CouncilPolicy {
            quorum_percent: default_quorum(),
            majority: default_majority(),
            ballot: default_ballot(),
        }
    }
}

impl CouncilPolicy {
    pub fn rules(&self) -> VoteRules {
        VoteRules {
            quorum_percent: self.quorum_percent,
            majority: self.majority,
            ballot: self.ballot,
        }
    }

    pub fn check(&self) -> Result<(), DomainError> {
        self.rules().check()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Adopted,
    Rejected,
    NoQuorum,
}

/// The count of a vote: the members entitled to vote when it opened and the votes cast.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub electorate: i64,
    pub yes: i64,
    pub no: i64,
    pub abstain: i64,
}

impl Tally {
    pub fn add(&mut self, c: Choice) {
        match c {
            Choice::Yes => self.yes += 1,
            Choice::No => self.no += 1,
            Choice::Abstain => self.abstain += 1,
        }
    }

    pub fn cast(&self) -> i64 {
        self.yes + self.no + self.abstain
    }

    /// At least `quorum_percent` of the electorate cast a vote (integer arithmetic, no rounding).
    pub fn quorum_met(&self, quorum_percent: i64) -> bool {
        self.electorate > 0 && self.cast() > 0 && self.cast() * 100 >= quorum_percent * self.electorate
    }

    pub fn outcome(&self, rules: &VoteRules) -> Outcome {
        if !self.quorum_met(rules.quorum_percent) {
            Outcome::NoQuorum
        } else if rules.majority.reached(self.yes, self.no) {
            Outcome::Adopted
        } else {
            Outcome::Rejected
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rules(q: i64, m: Majority) -> VoteRules {
        VoteRules {
            quorum_percent: q,
            majority: m,
            ballot: Ballot::Open,
        }
    }

    fn tally(electorate: i64, yes: i64, no: i64, abstain: i64) -> Tally {
        Tally {
            electorate,
            yes,
            no,
            abstain,
        }
    }

    #[test]
    fn p6_quorum_counts_abstentions_and_is_exact() {
        // 2 of 4 is exactly half: met at 50 %, not at 51 %.
        assert!(tally(4, 1, 0, 1).quorum_met(50));
        assert!(!tally(4, 1, 0, 1).quorum_met(51));
        // Two thirds of 3 members: 2 votes are 66.6 %, short of 67 %.
        assert!(!tally(3, 2, 0, 0).quorum_met(67));
        assert!(tally(3, 2, 0, 0).quorum_met(66));
        assert!(!tally(0, 0, 0, 0).quorum_met(1));
    }

    #[test]
    fn p6_majorities() {
        let simple = rules(50, Majority::Simple);
        let two_thirds = rules(50, Majority::TwoThirds);
        assert_eq!(tally(5, 3, 2, 0).outcome(&simple), Outcome::Adopted);
        assert_eq!(tally(5, 3, 2, 0).outcome(&two_thirds), Outcome::Rejected);
        assert_eq!(tally(6, 4, 2, 0).outcome(&two_thirds), Outcome::Adopted);
        // A tie is no majority; abstentions do not count against.
        assert_eq!(tally(4, 2, 2, 0).outcome(&simple), Outcome::Rejected);
        assert_eq!(tally(4, 1, 0, 3).outcome(&simple), Outcome::Adopted);
        // Everyone abstaining adopts nothing.
        assert_eq!(tally(4, 0, 0, 4).outcome(&simple), Outcome::Rejected);
        assert_eq!(tally(10, 3, 0, 0).outcome(&simple), Outcome::NoQuorum);
        assert!(rules(0, Majority::Simple).check().is_err());
        assert!(rules(101, Majority::Simple).check().is_err());
        assert_eq!(CouncilPolicy::default().rules(), rules(50, Majority::Simple));
        for c in Choice::ALL {
            assert_eq!(Choice::parse(c.as_str()), Some(c));
        }
    }

    fn majority() -> impl Strategy<Value = Majority> {
        prop_oneof![Just(Majority::Simple), Just(Majority::TwoThirds)]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Adopted ⇒ the quorum was met and yes is above the threshold; every tally has exactly
        /// one outcome, and the quorum alone separates no_quorum from the rest.
        #[test]
        fn p6_tally_outcome_follows_the_rules(
            electorate in 0i64..60,
            votes in proptest::collection::vec(0usize..3, 0..60),
            q in 1i64..=100,
            m in majority(),
        ) {
            let mut t = Tally { electorate, ..Tally::default() };
            for v in votes.iter().take(electorate as usize) {
                t.add(Choice::ALL[*v]);
            }
            prop_assert!(t.cast() <= t.electorate);
            let r = rules(q, m);
            let decisive = t.yes + t.no;
            match t.outcome(&r) {
                Outcome::Adopted => {
                    prop_assert!(t.cast() * 100 >= q * t.electorate && t.electorate > 0);
                    match m {
                        Majority::Simple => prop_assert!(t.yes * 2 > decisive),
                        Majority::TwoThirds => prop_assert!(t.yes * 3 >= decisive * 2 && t.yes > 0),
                    }
                }
                Outcome::Rejected => {
                    prop_assert!(t.quorum_met(q));
                    prop_assert!(!m.reached(t.yes, t.no));
                }
                Outcome::NoQuorum => prop_assert!(t.cast() * 100 < q * t.electorate || t.cast() == 0),
            }
            // Two thirds is stricter than a simple majority.
            if rules(q, Majority::TwoThirds).outcome_is_adopted(&t) {
                prop_assert!(rules(q, Majority::Simple).outcome_is_adopted(&t));
            }
            // One more yes vote never turns an adopted topic down.
            if t.outcome(&r) == Outcome::Adopted && t.cast() < t.electorate {
                let mut more = t;
                more.add(Choice::Yes);
                prop_assert_eq!(more.outcome(&r), Outcome::Adopted);
            }
        }
    }

    impl VoteRules {
        fn outcome_is_adopted(&self, t: &Tally) -> bool {
            t.outcome(self) == Outcome::Adopted
        }
    }
}
