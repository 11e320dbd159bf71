use serde::{Deserialize, Serialize};

/// T4: the party organisation mirrors the territory level by level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyOrgKind {
    /// 街道党工委, on the street.
    WorkingCommittee,
    /// 居民区党组织, on a community.
    ResidentialOrganisation,
    /// 微网格党支部, on a micro-grid (or a grid).
    Branch,
    /// 楼道党小组, on a building.
    CorridorGroup,
}

impl PartyOrgKind {
    pub const ALL: [PartyOrgKind; 4] = [
        PartyOrgKind::WorkingCommittee,
        PartyOrgKind::ResidentialOrganisation,
        PartyOrgKind::Branch,
        PartyOrgKind::CorridorGroup,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            PartyOrgKind::WorkingCommittee => "working_committee",
            PartyOrgKind::ResidentialOrganisation => "residential_organisation",
            PartyOrgKind::Branch => "branch",
            PartyOrgKind::CorridorGroup => "corridor_group",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// T6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TeamKind {
    /// "3+N" grid team: the grid's full-time and part-time workers plus others.
    GridTeam,
    /// 微团队, e.g. the "Begonia Butler" elder-care team.
    MicroTeam,
    Patrol,
    /// "One body, two committees": the joint committee of a community.
    JointCommittee,
}

impl TeamKind {
    pub const ALL: [TeamKind; 4] = [
        TeamKind::GridTeam,
        TeamKind::MicroTeam,
        TeamKind::Patrol,
        TeamKind::JointCommittee,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            TeamKind::GridTeam => "grid_team",
            TeamKind::MicroTeam => "micro_team",
            TeamKind::Patrol => "patrol",
            TeamKind::JointCommittee => "joint_committee",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}
