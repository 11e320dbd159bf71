//! Plain records of the territory and its people, keyed by codes rather than database ids: the
//! shape that CSV/GeoJSON import (T8) and the demo generator (D4) both hand to storage.

use chrono::NaiveDate;
use geo::{MultiPolygon, Point};
use serde::Serialize;

use super::{Level, MicroGridKind};
use crate::people::{PartyOrgKind, Role, TeamKind};

/// A street, community, grid or micro-grid. `parent_code` is `None` only for a street.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaRec {
    pub level: Level,
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    /// Only micro-grids have a kind.
    pub kind: Option<MicroGridKind>,
    pub boundary: Option<MultiPolygon<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BuildingRec {
    pub code: String,
    pub name: String,
    /// `None` is allowed and reported by the coverage check (T3).
    pub micro_grid_code: Option<String>,
    pub address: String,
    pub kind: String,
    pub floors: i64,
    /// WGS-84, x = longitude, y = latitude.
    pub location: Option<Point<f64>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UnitRec {
    pub code: String,
    pub building_code: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HouseholdRec {
    pub code: String,
    pub unit_code: String,
    pub room: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResidentRec {
    pub household_code: String,
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    pub birth_year: i64,
    pub phone: Option<String>,
    /// Relation to the head of household: `head`, `spouse`, `child`, `parent`, `other`.
    pub relation: String,
}

/// Someone who holds posts: staff, cadres, party members, volunteers (T5).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonRec {
    pub code: String,
    pub name: String,
    pub gender: String,
    pub phone: Option<String>,
    pub party_member: bool,
    /// The household the person lives in, when they live in the street.
    pub household_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostRec {
    pub person_code: String,
    pub role: Role,
    pub level: Level,
    pub unit_code: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

/// T4: the party tree mirrored on the territory.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyOrgRec {
    pub code: String,
    pub name: String,
    pub kind: PartyOrgKind,
    pub parent_code: Option<String>,
    pub level: Level,
    pub unit_code: String,
}

/// T4: a party member registered (报到) at a community and assigned to a micro-grid.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyMemberRec {
    pub person_code: String,
    pub party_org_code: String,
    pub community_code: String,
    pub micro_grid_code: Option<String>,
    pub registered_on: NaiveDate,
}

/// T6: micro-teams, patrol teams, "3+N" grid teams, joint committees.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamRec {
    pub code: String,
    pub name: String,
    pub kind: TeamKind,
    pub level: Level,
    pub unit_code: String,
    pub leader_code: Option<String>,
    pub member_codes: Vec<String>,
}

/// T1: enterprises are the members of non-residential micro-grids.
#[derive(Debug, Clone, PartialEq)]
pub struct EnterpriseRec {
    pub code: String,
    pub name: String,
    pub micro_grid_code: String,
    pub industry: String,
}

/// T7: the duty list of a role.
#[derive(Debug, Clone, PartialEq)]
pub struct DutyRec {
    pub role: Role,
    pub title: String,
}

/// T7: an item of work that enters the grid (入格事项), grouped by major category.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItemRec {
    pub category: String,
    pub item: String,
}

/// Everything of one street, in the order storage must insert it.
#[derive(Debug, Clone, Default)]
pub struct StreetData {
    pub areas: Vec<AreaRec>,
    pub buildings: Vec<BuildingRec>,
    pub units: Vec<UnitRec>,
    pub households: Vec<HouseholdRec>,
    pub residents: Vec<ResidentRec>,
    pub people: Vec<PersonRec>,
    pub posts: Vec<PostRec>,
    pub party_orgs: Vec<PartyOrgRec>,
    pub party_members: Vec<PartyMemberRec>,
    pub teams: Vec<TeamRec>,
    pub enterprises: Vec<EnterpriseRec>,
    pub duties: Vec<DutyRec>,
    pub work_items: Vec<WorkItemRec>,
}
