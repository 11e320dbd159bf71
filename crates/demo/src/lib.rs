//! D4: a believable demo street, generated deterministically from a seed.
//!
//! [`generate`] returns plain records ([`StreetData`]) that storage loads as they are, plus one
//! sign-in account per role ([`DemoAccount`]). The same seed always gives the same data; a
//! different seed gives a different street. No I/O, no clock, no external randomness.
//!
//! # What is generated
//! - A fictional sub-district `310107-014` ("桃浦路街道" and the like) of about 2.5 km × 2.4 km
//!   (≈ 6 km²) centred near 31.25° N 121.40° E in Putuo, Shanghai.
//! - 9 communities (5 with 5 grids, 4 with 4) = 41 grids, and 18 × 18 = 324 micro-grids, all
//!   tiling exactly: micro-grids are quadrilaterals of a jittered lattice of shared vertices; a
//!   grid is a block of cells cut from its community by straight cuts (contiguous, no holes),
//!   and its ring is walked along the cells' outer edges, so a grid is exactly the union of its
//!   micro-grids, a community of its grids, the street of its communities (see the `layout`
//!   module). Coordinates are snapped to multiples of 2⁻²⁴° (≈ 6 mm) so that polygon boolean
//!   operations on them are exact.
//! - Micro-grid kinds: 301 residential building groups, 12 commercial buildings, a business
//!   district of 3, 6 street-front blocks along a main road and an industrial park of 2, the
//!   non-residential ones with 3–15 enterprises each.
//! - Residential micro-grids hold 2–5 buildings of 2 units × 5–7 floors, one household per unit
//!   and floor (10–14 households per building, the load of one building leader): about 12,400
//!   households (within 11,000–13,500 for each of 400 seeds tried) with 1–5 residents each (about
//!   31,000 residents).
//! - People in every post of T5 with some post history, the party tree of T4 with members,
//!   teams of T6, duty lists and the 55 work items of T7.
//! - A year of cases up to a given `now` ([`cases()`]): about 5,000 across every channel, state and
//!   leaf category, each replaying through the domain's state machine.
//!
//! # Planted coverage findings
//! The coverage check (T3) of the generated street is clean except for two findings planted on
//! purpose, so that the coverage page has something to show ([`PLANTED_FINDINGS`]):
//! - `building_unassigned`: one residential building (a newly handed-over one) has
//!   `micro_grid_code: None`, although it stands inside a micro-grid.
//! - `liaison_overloaded`: one building leader leads two neighbouring buildings of the same
//!   micro-grid (20–28 households, above the policy maximum of 14).

mod case_texts;
mod cases;
mod catalogue;
mod council;
mod honours;
mod layout;
mod names;
mod participation;
mod people;
mod residents;
mod rng;
mod territory;

#[cfg(test)]
mod tests;

use onegrid_domain::people::Role;
use onegrid_domain::territory::{MicroGridKind, StreetData};

pub use cases::{CASE_CHANNELS, DemoAssignee, DemoCase, DemoStep, cases};
pub use council::{Council, DemoCouncilItem, DemoDecision, DemoProject, DemoTopic, council};
pub use honours::{HonourPlan, honours};
pub use participation::{DemoItem, DemoTask, Event as ParticipationEvent, Participation, ResidentAccount, participation};
pub use rng::Rng;

/// The seed `onegrid demo` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20261121;

/// The code of the demo street: county 310107 + street 014.
pub const STREET_CODE: &str = "310107-014";

/// The coverage rules (`Finding::rule()`) that the demo street breaks on purpose, once each.
pub const PLANTED_FINDINGS: &[&str] = &["building_unassigned", "liaison_overloaded"];

/// A sign-in for one role: `person_code` holds an active post of `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub role: Role,
    pub username: String,
    pub password: String,
    pub person_code: String,
}

#[derive(Debug, Clone)]
pub struct Demo {
    pub data: StreetData,
    pub accounts: Vec<DemoAccount>,
}

/// Generates the demo street for `seed`.
pub fn generate(seed: u64) -> Demo {
    let mut world = territory::build(seed);
    let accounts = people::staff(seed, &mut world);
    world.data.duties = catalogue::duties();
    world.data.work_items = catalogue::work_items();
    Demo {
        data: world.data,
        accounts,
    }
}

/// The territory as built, with the indices that the people generator walks.
pub(crate) struct World {
    pub data: StreetData,
    pub street_name: String,
    pub communities: Vec<CommunityInfo>,
    pub grids: Vec<GridInfo>,
    pub micro_grids: Vec<MicroGridInfo>,
    /// Parallel to `data.buildings`.
    pub buildings: Vec<BuildingInfo>,
    /// Parallel to `data.households`.
    pub households: Vec<HouseholdInfo>,
    /// Parallel to `data.residents`: the household index.
    pub resident_household: Vec<usize>,
    /// The building planted with `micro_grid_code: None`.
    pub unassigned_building: usize,
}

impl World {
    fn new(street_name: String) -> Self {
        Self {
            data: StreetData::default(),
            street_name,
            communities: vec![],
            grids: vec![],
            micro_grids: vec![],
            buildings: vec![],
            households: vec![],
            resident_household: vec![],
            unassigned_building: 0,
        }
    }
}

pub(crate) struct CommunityInfo {
    pub code: String,
    pub name: String,
    /// The name without "居民区", e.g. "海棠苑".
    pub short: String,
    pub grids: Vec<usize>,
}

pub(crate) struct GridInfo {
    pub code: String,
    pub name: String,
    pub community: usize,
    pub micro_grids: Vec<usize>,
}

pub(crate) struct MicroGridInfo {
    pub code: String,
    pub name: String,
    pub grid: usize,
    pub kind: MicroGridKind,
    pub buildings: Vec<usize>,
}

pub(crate) struct BuildingInfo {
    /// The micro-grid the building stands in (also for the planted unassigned building).
    pub micro_grid: usize,
    pub residential: bool,
    pub households: Vec<usize>,
}

pub(crate) struct HouseholdInfo {
    pub building: usize,
    pub residents: Vec<usize>,
}
