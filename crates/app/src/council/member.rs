//! Council members per grid: appointed and removed by the staff who run the council.

use onegrid_domain::council::CouncilRefusal;
use onegrid_domain::people::Permission;
use onegrid_store::StoreError;
use onegrid_store::council::member::{self as store, Member};
use onegrid_store::people;
use serde_json::json;

use super::{audit, grid_path, in_street};
use crate::points::place_of;
use crate::{Actor, App, AppError};

impl App {
    /// Appoints a person of the street to a grid's council; `already_member` when they sit on it.
    pub async fn appoint_member(&self, actor: &Actor, grid_id: i64, person_id: i64) -> Result<Member, AppError> {
        actor.require(Permission::RunCouncil)?;
        let mut tx = self.db.write().await?;
        let path = grid_path(&mut tx, actor, grid_id, "grid_id").await?;
        actor.require_in(Permission::RunCouncil, &path)?;
        let person = people::person(&mut tx, person_id)
            .await
            .ok()
            .filter(|p| p.street_id == path.street_id)
            .ok_or_else(|| AppError::field("person_id", "is not a person of this street"))?;
        let id = store::insert(&mut tx, &path, person.id, actor.user.id)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => CouncilRefusal::AlreadyMember.into(),
                e => AppError::from(e),
            })?;
        audit(
            &mut tx,
            actor,
            path.street_id,
            "appoint",
            "council_member",
            id,
            json!({"grid_id": grid_id, "person_id": person.id}),
        )
        .await?;
        let member = store::member(&mut tx, id).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// Ends a seat. Votes already cast stay; the member cannot vote on votes still open.
    pub async fn remove_member(&self, actor: &Actor, member_id: i64) -> Result<Member, AppError> {
        actor.require(Permission::RunCouncil)?;
        let mut tx = self.db.write().await?;
        let member = store::member(&mut tx, member_id).await?;
        actor.require_in(
            Permission::RunCouncil,
            &onegrid_domain::people::UnitPath {
                street_id: member.street_id,
                community_id: Some(member.community_id),
                grid_id: Some(member.grid_id),
                ..Default::default()
            },
        )?;
        if !store::remove(&mut tx, member_id, actor.user.id).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            member.street_id,
            "remove",
            "council_member",
            member_id,
            json!({"grid_id": member.grid_id, "person_id": member.person_id}),
        )
        .await?;
        let member = store::member(&mut tx, member_id).await?;
        tx.commit().await?;
        Ok(member)
    }

    /// A grid's council; without a grid, the councils the staff member runs, or the council of
    /// the signed-in person's own grid.
    pub async fn council_members(&self, actor: &Actor, grid_id: Option<i64>) -> Result<Vec<Member>, AppError> {
        let mut tx = self.db.read().await?;
        if let Some(g) = grid_id {
            grid_path(&mut tx, actor, g, "grid_id").await?;
            return Ok(store::of_grid(&mut tx, g).await?);
        }
        if actor.can(Permission::RunCouncil) {
            return Ok(store::in_scope(&mut tx, &actor.scope(Permission::RunCouncil)).await?);
        }
        let own_grid = match actor.user.person_id {
            Some(p) => place_of(&mut tx, p).await?.grid_id,
            None => None,
        };
        match own_grid {
            Some(g) => Ok(store::of_grid(&mut tx, g).await?),
            None => Err(AppError::field("grid_id", "is required")),
        }
    }

    /// The person with this code (or id) in the staff member's street, to appoint or make an owner.
    pub async fn council_person(&self, actor: &Actor, code_or_id: &str) -> Result<i64, AppError> {
        actor.require(Permission::RunCouncil)?;
        let key = code_or_id.trim();
        let mut tx = self.db.read().await?;
        let person = match key.parse::<i64>() {
            Ok(id) => people::person(&mut tx, id).await.ok(),
            Err(_) => people::person_by_code(&mut tx, key).await?,
        };
        person
            .filter(|p| in_street(actor, p.street_id))
            .map(|p| p.id)
            .ok_or_else(|| AppError::field("person", "no person with this code or id in your street"))
    }
}
