//! P4: star building groups (星级楼组) and the street's honour policy.
//!
//! A building group earns its stars (0–5) for a period from the share of its residents who took
//! part: who earned awarded points or service time in the period and kept them (not reversed).
//! The share, and not the sum of points, because the 楼组 honour is about how widely a building
//! is mobilised: one tireless volunteer already tops the volunteer list, and a large building
//! would otherwise outrank a small one by size alone. Thresholds are a street setting; the
//! defaults (5 / 10 / 20 / 30 / 40 %) follow the practice that a fifth of a building's residents
//! taking part is already a well-run group, and two in five is exceptional.

use serde::{Deserialize, Serialize};

use crate::error::{Checks, DomainError};

/// Default thresholds: percent of residents taking part for ★ … ★★★★★.
pub const DEFAULT_STAR_PERCENT: [u32; 5] = [5, 10, 20, 30, 40];

fn default_percent() -> [u32; 5] {
    DEFAULT_STAR_PERCENT
}

/// The street's honour settings (key `honour_policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HonourPolicy {
    /// Percent of a building's residents who must have taken part for one to five stars;
    /// strictly increasing, each 1–100.
    #[serde(default = "default_percent")]
    pub building_group_star_percent: [u32; 5],
}

impl Default for HonourPolicy {
    fn default() -> Self {
        HonourPolicy {
            building_group_star_percent: DEFAULT_STAR_PERCENT,
        }
    }
}

impl HonourPolicy {
    pub fn check(&self) -> Result<(), DomainError> {
        let p = &self.building_group_star_percent;
        let mut c = Checks::new();
        c.check(
            p.iter().all(|v| (1..=100).contains(v)),
            "building_group_star_percent",
            "each threshold is a percent from 1 to 100",
        );
        c.check(
            p.windows(2).all(|w| w[0] < w[1]),
            "building_group_star_percent",
            "the five thresholds must increase",
        );
        c.finish()
    }

    /// Stars (0–5) of a building group where `participants` of `residents` took part. Compared
    /// in whole numbers (participants × 100 ≥ threshold × residents), so 1 of 20 is exactly 5 %.
    /// The register may miss people who volunteer from a household (they are people, not
    /// register entries), so a building never has fewer residents than participants.
    pub fn building_group_stars(&self, participants: i64, residents: i64) -> u8 {
        let base = residents.max(participants);
        if base <= 0 || participants <= 0 {
            return 0;
        }
        self.building_group_star_percent
            .iter()
            .filter(|t| participants * 100 >= **t as i64 * base)
            .count() as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p4_building_group_stars_by_share_of_residents() {
        let p = HonourPolicy::default();
        assert_eq!(p.building_group_stars(0, 100), 0);
        assert_eq!(p.building_group_stars(4, 100), 0);
        assert_eq!(p.building_group_stars(5, 100), 1);
        assert_eq!(p.building_group_stars(1, 20), 1, "exactly 5 %");
        assert_eq!(p.building_group_stars(10, 100), 2);
        assert_eq!(p.building_group_stars(19, 100), 2);
        assert_eq!(p.building_group_stars(20, 100), 3);
        assert_eq!(p.building_group_stars(30, 100), 4);
        assert_eq!(p.building_group_stars(40, 100), 5);
        assert_eq!(p.building_group_stars(100, 100), 5);
    }

    #[test]
    fn p4_building_group_stars_edge_cases() {
        let p = HonourPolicy::default();
        assert_eq!(p.building_group_stars(0, 0), 0, "an empty building has no stars");
        assert_eq!(
            p.building_group_stars(3, 0),
            5,
            "volunteers not on the register count as residents"
        );
        assert_eq!(p.building_group_stars(3, 2), 5);
    }

    #[test]
    fn p4_building_group_star_thresholds_are_a_setting() {
        let strict = HonourPolicy {
            building_group_star_percent: [20, 40, 60, 80, 100],
        };
        assert!(strict.check().is_ok());
        assert_eq!(strict.building_group_stars(40, 100), 2);
        assert_eq!(strict.building_group_stars(100, 100), 5);
        // Stored settings written before the field existed read as the defaults.
        let old: HonourPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(old, HonourPolicy::default());
        for bad in [
            [0, 10, 20, 30, 40],
            [5, 10, 10, 30, 40],
            [5, 10, 20, 30, 101],
            [40, 30, 20, 10, 5],
        ] {
            let e = HonourPolicy {
                building_group_star_percent: bad,
            }
            .check()
            .unwrap_err();
            let DomainError::Invalid(f) = e;
            assert_eq!(f[0].field, "building_group_star_percent", "{bad:?}");
        }
    }
}
