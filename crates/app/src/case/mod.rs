//! Case handling use cases (C1–C11): intake from every channel, the steps of the closed loop,
//! the deadline worker, work lists, evidence and the reporter's private link.
//!
//! Who someone is to a case is decided here (R4, C3): a staff member acts at the tier of a post
//! that sits on the case's grid, community or street, or for a department the case is assigned
//! to; the reporter acts by account or private link. The rules of each step are the domain's.

mod act;
mod cache;
pub mod categories;
mod deadline;
mod demo;
pub mod evidence;
mod import;
mod intake;
mod lists;
mod notify;
pub mod open311;
mod place;
mod settings;
mod suggest;

pub use act::{ActInput, AssignTo};
pub use act::{ReporterKey, TimelineEntry, Tracked};
pub use cache::CatalogueCache;
pub use deadline::DeadlineRun;
pub use import::{COLUMNS as IMPORT_COLUMNS, CaseImportReport};
pub use intake::{Channel, Intake, Reported, Source};
pub use lists::{CaseListQuery, MyCases, MyReport, Weekly};
pub use notify::signature;
/// The case row as lists and views hand it out (the pages name it).
pub use onegrid_store::case::CaseRow;
pub use settings::CaseSettings;
pub use suggest::{CategorySuggestion, SuggesterCache};

use onegrid_domain::case::{ActionKind, ActorTier, Assignment, CaseState, CaseStatus, Tier, available_actions};
use onegrid_domain::people::{Permission, Role, UnitPath};
use onegrid_domain::territory::Level;
use onegrid_store::Tx;
use onegrid_store::case::catalogue;
use onegrid_store::case::evidence::Attachment;
use onegrid_store::case::{self as store, EventRow, Holder};
use serde::Serialize;

use crate::{Actor, App, AppError};

/// A case as staff see it: the row, its history, its files and what this user may do next.
#[derive(Debug, Clone, Serialize)]
pub struct CaseView {
    #[serde(flatten)]
    pub case: CaseRow,
    pub number: String,
    pub events: Vec<EventRow>,
    pub attachments: Vec<Attachment>,
    /// The buttons to show: actions this user may take now.
    pub actions: Vec<ActionKind>,
    /// The capacities this user has on the case, best first.
    pub acting_as: Vec<ActorTier>,
}

/// The human case number: year of receipt and id (`2026-000123`).
pub fn number(c: &CaseRow) -> String {
    let year = chrono::DateTime::from_timestamp_millis(c.received_at).map_or(0, |t| {
        use chrono::Datelike;
        t.year()
    });
    format!("{year}-{:06}", c.id)
}

pub(crate) fn path(c: &CaseRow) -> UnitPath {
    UnitPath {
        street_id: c.street_id,
        community_id: c.community_id,
        grid_id: c.grid_id,
        micro_grid_id: c.micro_grid_id,
        building_id: None,
    }
}

/// Whose move it is (the work lists' index): the coordinating level while the case waits to be
/// dispatched; the assignee while it is handled; the community (or, above it, the command centre)
/// while the result is checked and closed.
pub(crate) fn holder(c: &CaseRow, s: &CaseState) -> Option<Holder> {
    holder_at(c.street_id, c.community_id, c.grid_id, s)
}

/// `holder` for a case not yet written: its street, community and grid.
pub(crate) fn holder_at(street_id: i64, community_id: Option<i64>, grid_id: Option<i64>, s: &CaseState) -> Option<Holder> {
    let level_unit = |tier: Tier| -> Holder {
        let unit = match tier {
            Tier::Grid => grid_id,
            Tier::Community => community_id,
            _ => None,
        };
        match unit {
            Some(unit) => Holder { tier, unit },
            // Outside every grid (no location): the command centre holds it.
            None => Holder {
                tier: Tier::CommandCentre,
                unit: street_id,
            },
        }
    };
    use CaseStatus::*;
    match s.status {
        Received | Registered | Reopened => Some(level_unit(s.level)),
        Dispatched | Accepted | InProgress | Returned => s.assignment.as_ref().map(|a| Holder {
            tier: a.tier(),
            unit: a.unit(),
        }),
        Handled | Verified => Some(match s.level {
            Tier::Grid | Tier::Community => level_unit(Tier::Community),
            _ => level_unit(Tier::CommandCentre),
        }),
        Closed | Rejected | Merged => None,
    }
}

/// The capacities in which the actor may work on the case, the holder's first, then from the top
/// tier down; empty when the case is not theirs to see.
pub(crate) fn capacities(actor: &Actor, c: &CaseRow, departments: &[i64]) -> Vec<ActorTier> {
    let mut out = Vec::new();
    if actor.user.superuser && actor.all_streets.contains(&c.street_id) {
        out.push(ActorTier::CommandCentre);
    }
    for g in &actor.grants {
        if !g.role.allows(Permission::HandleCases) {
            continue;
        }
        let tier = ActorTier::of_role(g.role);
        let on_case = match tier {
            ActorTier::CommandCentre => g.level == Level::Street && g.unit_id == c.street_id,
            ActorTier::Community => g.level == Level::Community && Some(g.unit_id) == c.community_id,
            ActorTier::Grid => g.level == Level::Grid && Some(g.unit_id) == c.grid_id,
            ActorTier::Department => matches!(g.role, Role::DepartmentStaff | Role::Specialist) && involves(c, departments),
            ActorTier::Reporter | ActorTier::System => false,
        };
        if on_case && !out.contains(&tier) {
            out.push(tier);
        }
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.tier().map_or(0, Tier::rank)));
    if let Some(h) = c.handler_tier.as_deref().and_then(Tier::parse).map(ActorTier::of_tier)
        && let Some(i) = out.iter().position(|t| *t == h)
    {
        let t = out.remove(i);
        out.insert(0, t);
    }
    if c.reporter_user_id == Some(actor.user.id) {
        out.push(ActorTier::Reporter);
    }
    out
}

/// Whether one of the departments takes part in the case's current assignment.
fn involves(c: &CaseRow, departments: &[i64]) -> bool {
    match &c.state.assignment {
        Some(Assignment::Single(a)) => a.tier == Tier::Department && departments.contains(&a.unit),
        Some(Assignment::Joint(j)) => j.all().any(|t| departments.contains(&t.department)),
        None => false,
    }
}

pub(crate) async fn departments_of(tx: &mut Tx, actor: &Actor) -> Result<Vec<i64>, AppError> {
    Ok(match actor.user.person_id {
        Some(p) => catalogue::departments_of(tx, p).await?,
        None => Vec::new(),
    })
}

/// Staff who may see the case without acting on it: a post whose scope covers its place.
fn sees(actor: &Actor, c: &CaseRow) -> bool {
    actor.scope(Permission::HandleCases).covers(&path(c))
}

impl App {
    /// One case with its history, for staff in scope and for its reporter's account.
    pub async fn case(&self, actor: &Actor, id: i64) -> Result<CaseView, AppError> {
        let mut tx = self.db.read().await?;
        let c = store::get(&mut tx, id).await?;
        let departments = departments_of(&mut tx, actor).await?;
        let acting_as = capacities(actor, &c, &departments);
        if acting_as.is_empty() && !sees(actor, &c) {
            return Err(AppError::NotFound);
        }
        view(&mut tx, c, acting_as).await
    }
}

pub(crate) async fn view(tx: &mut Tx, c: CaseRow, acting_as: Vec<ActorTier>) -> Result<CaseView, AppError> {
    let events = store::events(tx, c.id).await?;
    let attachments = store::evidence::of_case(tx, c.id).await?;
    Ok(assemble(c, events, attachments, acting_as))
}

pub(crate) fn assemble(c: CaseRow, events: Vec<EventRow>, attachments: Vec<Attachment>, acting_as: Vec<ActorTier>) -> CaseView {
    let mut actions: Vec<ActionKind> = Vec::new();
    for t in &acting_as {
        for a in available_actions(&c.state, *t) {
            if !actions.contains(&a) {
                actions.push(a);
            }
        }
    }
    CaseView {
        number: number(&c),
        case: c,
        events,
        attachments,
        actions,
        acting_as,
    }
}
