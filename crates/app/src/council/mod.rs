//! P6 use cases: the grid council and micro-update projects.
//!
//! Who may do what: staff whose posts give `RunCouncil` over the grid (street administrators,
//! community secretaries and staff, grid chiefs) run the council — appoint members, take topics
//! up, open and close votes, record minutes, create implementation items and projects. Anyone
//! of the street may read topics and projects. People of the community (residents and the
//! staff who work there) and the grid's council members raise topics, comment and report
//! problems; council members vote. Every write runs in one transaction with its audit event.

pub(crate) mod demo;
mod item;
mod member;
mod problem_case;
mod project;
mod topic;
mod vote;

pub use item::ItemView;
pub use problem_case::ProblemCase;
pub use project::ProjectView;
pub(crate) use project::may_see_acceptance;
use project::project_problem_for_run;
pub use topic::TopicView;
pub use vote::{VoteOptions, VoteReceipt};

use onegrid_domain::council::{CouncilPolicy, CouncilRefusal};
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_store::council::member as members;
use onegrid_store::{Tx, territory};

use crate::points::{place_of, record};
use crate::{Actor, App, AppError};

pub const POLICY_KEY: &str = "council_policy";

impl From<CouncilRefusal> for AppError {
    fn from(r: CouncilRefusal) -> Self {
        AppError::Refused(r.code(), r.to_string())
    }
}

pub(crate) async fn policy_in(tx: &mut Tx, street_id: i64) -> Result<CouncilPolicy, AppError> {
    crate::street_settings::load(tx, street_id, POLICY_KEY).await
}

/// The grid as a place; `field` names the input when it is not a grid (of this street).
pub(crate) async fn grid_path(tx: &mut Tx, actor: &Actor, grid_id: i64, field: &str) -> Result<UnitPath, AppError> {
    let grid = territory::area(tx, grid_id)
        .await
        .map_err(|_| AppError::field(field, "is not a grid"))?;
    if grid.level != "grid" || grid.retired_on.is_some() || !in_street(actor, grid.street_id) {
        return Err(AppError::field(field, "is not a grid"));
    }
    Ok(grid.path())
}

/// Council records are public within their street: outside it they do not exist.
pub(crate) fn in_street(actor: &Actor, street_id: i64) -> bool {
    actor.user.superuser || actor.home_street() == Some(street_id)
}

/// What the signed-in user may do on a council record at `path`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Access {
    /// Runs the council there (RunCouncil over the place).
    pub run: bool,
    /// Lives or works in the record's community.
    pub local: bool,
    /// The person's active seat on the grid's council.
    pub member_id: Option<i64>,
}

impl Access {
    /// Raises topics, comments, reports problems.
    pub fn takes_part(&self) -> bool {
        self.run || self.local || self.member_id.is_some()
    }
}

/// The user's access to a record at `path`; `NotFound` outside their street.
pub(crate) async fn access(tx: &mut Tx, actor: &Actor, path: &UnitPath) -> Result<Access, AppError> {
    if !in_street(actor, path.street_id) {
        return Err(AppError::NotFound);
    }
    let run = actor.scope(Permission::RunCouncil).covers(path);
    let Some(person_id) = actor.user.person_id else {
        return Ok(Access {
            run,
            ..Default::default()
        });
    };
    let place = place_of(tx, person_id).await?;
    let member_id = match path.grid_id {
        Some(g) => members::active(tx, g, person_id).await?.map(|m| m.id),
        None => None,
    };
    Ok(Access {
        run,
        local: place.community_id.is_some() && place.community_id == path.community_id,
        member_id,
    })
}

/// The user runs the council at the record's place: without the permission at all the answer
/// is forbidden; with it, but elsewhere, the record is outside their scope (not found).
pub(crate) fn require_run(actor: &Actor, a: &Access) -> Result<(), AppError> {
    actor.require(Permission::RunCouncil)?;
    if a.run { Ok(()) } else { Err(AppError::NotFound) }
}

/// The community a list is about: the one asked for, else the signed-in person's own.
pub(crate) async fn community_for_list(tx: &mut Tx, actor: &Actor, community_id: Option<i64>) -> Result<i64, AppError> {
    Ok(crate::points::community_in_view(tx, actor, community_id).await?.0)
}

pub(crate) async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    street_id: i64,
    action: &str,
    entity: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record(tx, Some(actor), street_id, action, entity, id, detail).await
}

impl App {
    pub async fn council_policy(&self, actor: &Actor, street_id: i64) -> Result<CouncilPolicy, AppError> {
        if !in_street(actor, street_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.read().await?;
        policy_in(&mut tx, street_id).await
    }

    /// Street administrators set the defaults of their street's council votes.
    pub async fn set_council_policy(&self, actor: &Actor, street_id: i64, policy: &CouncilPolicy) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        policy.check()?;
        self.save_street_setting(actor, street_id, POLICY_KEY, "set_council_policy", policy)
            .await
    }

    /// The grids a user may raise topics in: those of their community, and those they run
    /// the council of.
    pub async fn council_grids(&self, actor: &Actor) -> Result<Vec<territory::Area>, AppError> {
        let mut tx = self.db.read().await?;
        let Some(street_id) = actor.home_street() else {
            return Ok(Vec::new());
        };
        let own_community = match actor.user.person_id {
            Some(p) => place_of(&mut tx, p).await?.community_id,
            None => None,
        };
        let scope = actor.scope(Permission::RunCouncil);
        Ok(territory::areas(&mut tx, street_id, "grid", None)
            .await?
            .into_iter()
            .filter(|g| (own_community.is_some() && g.community_id == own_community) || scope.covers(&g.path()))
            .collect())
    }
}
