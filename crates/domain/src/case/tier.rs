//! C3: the tier chain grid → community → street command centre → department(s), who acts at which
//! tier, and whom a case is assigned to.
//!
//! "General matters handled directly, difficult matters escalated, special matters handled
//! jointly": a case is *held* at a level (the tier that coordinates it: grid, community or command
//! centre) and *assigned* to a handler (one unit, or departments jointly, see `joint.rs`).

use serde::{Deserialize, Serialize};

use super::joint::JointHandling;
use crate::people::Role;

/// Id of a territorial unit (grid, community, street) or of a department, as stored.
pub type UnitId = i64;

/// The organisational tiers of C3, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Grid staff solve on site (网格).
    Grid,
    /// Community (社区 / 居民区) secretary and staff.
    Community,
    /// Street command centre (街道指挥中心): dispatches to departments, supervises.
    CommandCentre,
    /// Line departments (职能部门), reached only by dispatch from the command centre.
    Department,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Grid, Tier::Community, Tier::CommandCentre, Tier::Department];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Grid => "grid",
            Tier::Community => "community",
            Tier::CommandCentre => "command_centre",
            Tier::Department => "department",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Position in the chain; a tier may coordinate a case held at its rank or below.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// The escalation target of C3: where a case goes when this tier cannot solve it. From the
    /// command centre the next step is departments, which is a dispatch choosing the department,
    /// not an escalation; departments are the top of the chain.
    pub fn escalation_target(self) -> Option<Tier> {
        match self {
            Tier::Grid => Some(Tier::Community),
            Tier::Community => Some(Tier::CommandCentre),
            Tier::CommandCentre => Some(Tier::Department),
            Tier::Department => None,
        }
    }

    /// Whether a case may be *held* (coordinated) at this tier. Departments handle but do not
    /// coordinate: a case they cannot take goes back to the command centre (回退).
    pub fn can_hold(self) -> bool {
        self != Tier::Department
    }

    /// Who a dispatcher at this tier may assign to: a grid chief within the grid, a community to
    /// its grids or itself, the command centre to anyone including departments (DB11/T 2021-2022:
    /// clear jurisdiction goes straight to the handling unit).
    pub fn can_dispatch_to(self, target: Tier) -> bool {
        match self {
            Tier::Grid => target == Tier::Grid,
            Tier::Community => matches!(target, Tier::Grid | Tier::Community),
            Tier::CommandCentre => true,
            Tier::Department => false,
        }
    }

    /// C5: who is told when a step held by `handler` runs late, one tier per escalation level
    /// (level 1 = first entry). A department's supervisor is the command centre that dispatched
    /// it (督办); the command centre itself has nobody above it in the street, so its overdue
    /// steps are only flagged (and listed in the weekly case meeting, C11).
    pub fn supervisors(self) -> &'static [Tier] {
        match self {
            Tier::Grid => &[Tier::Community, Tier::CommandCentre],
            Tier::Community => &[Tier::CommandCentre],
            Tier::CommandCentre => &[],
            Tier::Department => &[Tier::CommandCentre],
        }
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who performs an action, as the state machine sees it: a staff tier, the reporter (by the
/// private link or account, C6) or the system (the deadline worker, C5). Which *unit* of the tier
/// the person belongs to is a scope question for the app layer (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorTier {
    Grid,
    Community,
    CommandCentre,
    Department,
    Reporter,
    System,
}

impl ActorTier {
    pub const ALL: [ActorTier; 6] = [
        ActorTier::Grid,
        ActorTier::Community,
        ActorTier::CommandCentre,
        ActorTier::Department,
        ActorTier::Reporter,
        ActorTier::System,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActorTier::Reporter => "reporter",
            ActorTier::System => "system",
            other => other.tier().map(Tier::as_str).unwrap_or(""),
        }
    }

    pub fn parse(s: &str) -> Option<ActorTier> {
        ActorTier::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// The staff tier, if the actor is staff.
    pub fn tier(self) -> Option<Tier> {
        match self {
            ActorTier::Grid => Some(Tier::Grid),
            ActorTier::Community => Some(Tier::Community),
            ActorTier::CommandCentre => Some(Tier::CommandCentre),
            ActorTier::Department => Some(Tier::Department),
            ActorTier::Reporter | ActorTier::System => None,
        }
    }

    pub fn of_tier(tier: Tier) -> ActorTier {
        match tier {
            Tier::Grid => ActorTier::Grid,
            Tier::Community => ActorTier::Community,
            Tier::CommandCentre => ActorTier::CommandCentre,
            Tier::Department => ActorTier::Department,
        }
    }

    /// The tier a post acts at (T5). Specialist grid members (专业网格员) are department staff
    /// sunk into the grids: they handle what is dispatched to their department. Street admins act
    /// as the command centre.
    pub fn of_role(role: Role) -> ActorTier {
        match role {
            Role::StreetAdmin | Role::Dispatcher => ActorTier::CommandCentre,
            Role::DepartmentStaff | Role::Specialist => ActorTier::Department,
            Role::CommunitySecretary | Role::CommunityStaff => ActorTier::Community,
            Role::GridChief
            | Role::GridWorker
            | Role::PartTimeWorker
            | Role::MicroGridLeader
            | Role::BuildingLeader
            | Role::SecondBuildingLeader => ActorTier::Grid,
        }
    }
}

impl std::fmt::Display for ActorTier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One unit handling a case: a grid, a community, the command centre or a department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignee {
    pub tier: Tier,
    pub unit: UnitId,
}

/// Whom a case is dispatched to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Assignment {
    Single(Assignee),
    /// 联办: departments together, one lead (C3).
    Joint(JointHandling),
}

impl Assignment {
    /// The tier that accepts, starts and handles the case: for joint handling, the lead department.
    pub fn tier(&self) -> Tier {
        match self {
            Assignment::Single(a) => a.tier,
            Assignment::Joint(_) => Tier::Department,
        }
    }

    /// The unit answerable for the case (the lead, for joint handling).
    pub fn unit(&self) -> UnitId {
        match self {
            Assignment::Single(a) => a.unit,
            Assignment::Joint(j) => j.lead.department,
        }
    }

    pub fn joint(&self) -> Option<&JointHandling> {
        match self {
            Assignment::Joint(j) => Some(j),
            Assignment::Single(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c3_tier_chain_runs_grid_to_department() {
        let mut t = Tier::Grid;
        let mut chain = vec![t];
        while let Some(n) = t.escalation_target() {
            chain.push(n);
            t = n;
        }
        assert_eq!(chain, Tier::ALL.to_vec());
        assert!(Tier::ALL.windows(2).all(|w| w[0].rank() < w[1].rank()));
    }

    #[test]
    fn c3_dispatch_targets_follow_the_chain() {
        assert!(Tier::Grid.can_dispatch_to(Tier::Grid));
        assert!(!Tier::Grid.can_dispatch_to(Tier::Community));
        assert!(Tier::Community.can_dispatch_to(Tier::Grid));
        assert!(!Tier::Community.can_dispatch_to(Tier::Department));
        assert!(Tier::ALL.iter().all(|t| Tier::CommandCentre.can_dispatch_to(*t)));
        assert!(Tier::ALL.iter().all(|t| !Tier::Department.can_dispatch_to(*t)));
        assert!(!Tier::Department.can_hold());
    }

    #[test]
    fn c3_supervisors_are_above_the_handler() {
        for t in Tier::ALL {
            for s in t.supervisors() {
                assert!(s.can_hold(), "{s} supervises {t}");
                assert!(t == Tier::Department || s.rank() > t.rank());
            }
        }
    }

    #[test]
    fn c3_names_round_trip_and_roles_map_to_tiers() {
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
            assert_eq!(ActorTier::of_tier(t).tier(), Some(t));
        }
        for a in ActorTier::ALL {
            assert_eq!(ActorTier::parse(a.as_str()), Some(a));
        }
        assert_eq!(ActorTier::of_role(Role::Dispatcher), ActorTier::CommandCentre);
        assert_eq!(ActorTier::of_role(Role::GridWorker), ActorTier::Grid);
        assert_eq!(ActorTier::of_role(Role::Specialist), ActorTier::Department);
        assert!(Role::ALL.iter().all(|r| ActorTier::of_role(*r).tier().is_some()));
    }
}
