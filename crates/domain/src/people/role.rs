use serde::{Deserialize, Serialize};

use crate::territory::Level;

/// The posts of T5. A person holds a role on one territorial unit for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Street administrator: configures the street, its territory and accounts.
    StreetAdmin,
    /// Dispatcher of the street command centre (街道指挥中心).
    Dispatcher,
    /// Staff of a department (职能部门) that receives cases.
    DepartmentStaff,
    /// Community (residential-area) party secretary (书记).
    CommunitySecretary,
    CommunityStaff,
    /// 网格长.
    GridChief,
    /// 专职网格员.
    GridWorker,
    /// 兼职网格员.
    PartTimeWorker,
    /// 微网格长.
    MicroGridLeader,
    /// 楼组长.
    BuildingLeader,
    /// 第二楼组长 ("second echelon").
    SecondBuildingLeader,
    /// 专业网格员 from a department: police, law enforcement, market supervision …
    Specialist,
}

/// What a post allows, always within the post's unit and below (R4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read residents, households and their personal data.
    ViewResidents,
    /// Read people and their posts.
    ViewPeople,
    /// Create and change the territory (areas, buildings, households, residents).
    EditTerritory,
    /// Create and change people, posts, teams and party records.
    EditPeople,
    /// Import and export files.
    Transfer,
    /// See the coverage report.
    ViewCoverage,
    /// Manage accounts and settings.
    Administer,
    /// Register points for people (P1) and read their statements.
    RegisterPoints,
    /// Approve or reject registered points, reverse entries, read community statements (P2).
    ApprovePoints,
    /// Run the points store: catalogue, stock, vouchers (P3).
    ManageStore,
    /// Post volunteer tasks, confirm and evaluate the service (P5).
    ManageTasks,
    /// File a case seen in the field or taken by phone (C1).
    ReportCases,
    /// See and work the cases of one's units: register, dispatch, handle, verify, close (C3, C4).
    HandleCases,
    /// Run the grid council: appoint members, open and close votes, record minutes, create
    /// implementation items and micro-update projects (P6).
    RunCouncil,
}

impl Role {
    pub const ALL: [Role; 12] = [
        Role::StreetAdmin,
        Role::Dispatcher,
        Role::DepartmentStaff,
        Role::CommunitySecretary,
        Role::CommunityStaff,
        Role::GridChief,
        Role::GridWorker,
        Role::PartTimeWorker,
        Role::MicroGridLeader,
        Role::BuildingLeader,
        Role::SecondBuildingLeader,
        Role::Specialist,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::StreetAdmin => "street_admin",
            Role::Dispatcher => "dispatcher",
            Role::DepartmentStaff => "department_staff",
            Role::CommunitySecretary => "community_secretary",
            Role::CommunityStaff => "community_staff",
            Role::GridChief => "grid_chief",
            Role::GridWorker => "grid_worker",
            Role::PartTimeWorker => "part_time_worker",
            Role::MicroGridLeader => "micro_grid_leader",
            Role::BuildingLeader => "building_leader",
            Role::SecondBuildingLeader => "second_building_leader",
            Role::Specialist => "specialist",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The level a post of this role is held on; a post on another level is refused.
    pub fn levels(self) -> &'static [Level] {
        use Level::*;
        match self {
            Role::StreetAdmin | Role::Dispatcher | Role::DepartmentStaff => &[Street],
            Role::CommunitySecretary | Role::CommunityStaff => &[Community],
            Role::GridChief | Role::GridWorker | Role::PartTimeWorker => &[Grid],
            Role::MicroGridLeader => &[MicroGrid],
            Role::BuildingLeader | Role::SecondBuildingLeader => &[Building],
            Role::Specialist => &[Street, Community, Grid],
        }
    }

    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::StreetAdmin => &[
                ViewResidents,
                ViewPeople,
                EditTerritory,
                EditPeople,
                Transfer,
                ViewCoverage,
                Administer,
                RegisterPoints,
                ApprovePoints,
                ManageStore,
                ManageTasks,
                RunCouncil,
                ReportCases,
                HandleCases,
            ],
            Role::Dispatcher => &[ViewResidents, ViewPeople, ViewCoverage, ReportCases, HandleCases],
            Role::CommunitySecretary => &[
                ViewResidents,
                ViewPeople,
                EditTerritory,
                EditPeople,
                Transfer,
                ViewCoverage,
                RegisterPoints,
                ApprovePoints,
                ManageStore,
                ManageTasks,
                RunCouncil,
                ReportCases,
                HandleCases,
            ],
            Role::CommunityStaff => &[
                ViewResidents,
                ViewPeople,
                EditTerritory,
                ViewCoverage,
                RegisterPoints,
                ApprovePoints,
                ManageStore,
                ManageTasks,
                RunCouncil,
                ReportCases,
                HandleCases,
            ],
            // The grid chief approves points in the grid; grid workers and micro-grid leaders
            // register them and run volunteer tasks (P2, P5).
            Role::GridChief => &[
                ViewResidents,
                ViewPeople,
                EditTerritory,
                RegisterPoints,
                ApprovePoints,
                ManageTasks,
                RunCouncil,
                ReportCases,
                HandleCases,
            ],
            Role::GridWorker => &[
                ViewResidents,
                ViewPeople,
                EditTerritory,
                RegisterPoints,
                ManageTasks,
                ReportCases,
                HandleCases,
            ],
            Role::MicroGridLeader => &[ViewResidents, ViewPeople, RegisterPoints, ManageTasks, ReportCases],
            Role::PartTimeWorker | Role::BuildingLeader => &[ViewResidents, ViewPeople, RegisterPoints, ReportCases],
            Role::SecondBuildingLeader => &[ViewResidents, ReportCases],
            // Departments and specialists work on cases; they see people, not residents' files.
            Role::DepartmentStaff | Role::Specialist => &[ViewPeople, ReportCases, HandleCases],
        }
    }

    pub fn allows(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t5_roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert!(!r.levels().is_empty());
        }
    }

    #[test]
    fn r4_only_street_admin_administers() {
        for r in Role::ALL {
            assert_eq!(r.allows(Permission::Administer), r == Role::StreetAdmin);
        }
    }
}
