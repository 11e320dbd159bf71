use serde::{Deserialize, Serialize};

use super::store::ExchangeWindow;
use crate::DomainError;
use crate::error::Checks;

/// The activity categories of P1 that point rules are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 学习教育
    StudyEducation,
    /// 文化宣传
    CulturalPublicity,
    /// 环境维护
    EnvironmentalUpkeep,
    /// 矛盾调解
    DisputeMediation,
    /// 帮困助弱
    HelpInDifficulty,
    /// 公益服务
    PublicWelfare,
    /// 突出贡献
    OutstandingContribution,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::StudyEducation,
        Category::CulturalPublicity,
        Category::EnvironmentalUpkeep,
        Category::DisputeMediation,
        Category::HelpInDifficulty,
        Category::PublicWelfare,
        Category::OutstandingContribution,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::StudyEducation => "study_education",
            Category::CulturalPublicity => "cultural_publicity",
            Category::EnvironmentalUpkeep => "environmental_upkeep",
            Category::DisputeMediation => "dispute_mediation",
            Category::HelpInDifficulty => "help_in_difficulty",
            Category::PublicWelfare => "public_welfare",
            Category::OutstandingContribution => "outstanding_contribution",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// How many points one activity of a category earns: a fixed part plus a part per hour of
/// service, never more than the cap (research §9.3: "1 h = 1 point, capped at 2 per activity").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointRule {
    pub category: Category,
    pub per_activity: i64,
    pub per_hour: i64,
    pub cap: i64,
}

impl PointRule {
    /// Points for an activity of `minutes` (whole hours count; travel is not service time).
    pub fn points(&self, minutes: i64) -> i64 {
        (self.per_activity + self.per_hour * (minutes.max(0) / 60)).clamp(0, self.cap)
    }
}

/// The street's points policy (a setting): rules per category, the size of award that needs a
/// joint review, the store's exchange window and the validity of points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointsPolicy {
    pub rules: Vec<PointRule>,
    /// Awards of at least this many points need two different approvers (P2's joint review).
    pub joint_review_threshold: i64,
    /// When set, the store sells only inside the window (P2: "quarterly exchange").
    pub exchange_window: Option<ExchangeWindow>,
    /// When set, points older than this many years expire (FIFO), by ledger entries.
    pub expiry_years: Option<i64>,
}

impl Default for PointsPolicy {
    fn default() -> Self {
        use Category::*;
        let rule = |category, per_activity, per_hour, cap| PointRule {
            category,
            per_activity,
            per_hour,
            cap,
        };
        PointsPolicy {
            rules: vec![
                rule(StudyEducation, 2, 0, 2),
                rule(CulturalPublicity, 2, 1, 5),
                rule(EnvironmentalUpkeep, 0, 1, 2),
                rule(DisputeMediation, 5, 0, 10),
                rule(HelpInDifficulty, 2, 1, 10),
                rule(PublicWelfare, 0, 1, 2),
                rule(OutstandingContribution, 20, 0, 100),
            ],
            joint_review_threshold: 20,
            exchange_window: None,
            expiry_years: None,
        }
    }
}

impl PointsPolicy {
    pub fn rule(&self, c: Category) -> PointRule {
        self.rules.iter().copied().find(|r| r.category == c).unwrap_or(PointRule {
            category: c,
            per_activity: 0,
            per_hour: 0,
            cap: 0,
        })
    }

    pub fn needs_joint_review(&self, amount: i64) -> bool {
        amount >= self.joint_review_threshold
    }

    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        for cat in Category::ALL {
            c.check(
                self.rules.iter().filter(|r| r.category == cat).count() == 1,
                &format!("rules.{}", cat.as_str()),
                "needs exactly one rule",
            );
        }
        for r in &self.rules {
            let f = format!("rules.{}", r.category.as_str());
            c.check(r.per_activity >= 0 && r.per_hour >= 0, &f, "amounts must be 0 or more");
            c.check((1..=10_000).contains(&r.cap), &f, "cap must be from 1 to 10000");
        }
        c.check(
            self.joint_review_threshold >= 1,
            "joint_review_threshold",
            "must be 1 or more",
        );
        if let Some(Err(DomainError::Invalid(f))) = self.exchange_window.as_ref().map(|w| w.check()) {
            f.into_iter().for_each(|e| c.push(e));
        }
        c.check(
            self.expiry_years.is_none_or(|y| (1..=50).contains(&y)),
            "expiry_years",
            "must be from 1 to 50",
        );
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p1_rules_cap_the_award() {
        let p = PointsPolicy::default();
        assert!(p.check().is_ok());
        let welfare = p.rule(Category::PublicWelfare);
        assert_eq!(welfare.points(59), 0);
        assert_eq!(welfare.points(60), 1);
        assert_eq!(welfare.points(5 * 60), 2);
        assert_eq!(p.rule(Category::DisputeMediation).points(0), 5);
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
    }

    #[test]
    fn p1_policy_checks_every_category() {
        let mut p = PointsPolicy::default();
        p.rules.pop();
        p.joint_review_threshold = 0;
        let DomainError::Invalid(f) = p.check().unwrap_err();
        assert!(f.iter().any(|e| e.field == "rules.outstanding_contribution"));
        assert!(f.iter().any(|e| e.field == "joint_review_threshold"));
    }
}
