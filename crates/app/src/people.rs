//! T4–T7 views: a person with the history of their posts, teams and party membership; the
//! organisation of a street (party tree, teams, duty lists).

use onegrid_domain::people::Permission;
use onegrid_store::people::{self as store, PartyOrg, Person, Post, Team};
use serde::Serialize;

use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct PersonView {
    pub person: Person,
    pub current_posts: Vec<Post>,
    pub past_posts: Vec<Post>,
    pub teams: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OrganisationView {
    pub party_orgs: Vec<PartyOrg>,
    pub teams: Vec<Team>,
    pub duties: Vec<(String, String)>,
    pub work_items: Vec<(String, String)>,
}

impl App {
    pub async fn person_view(&self, actor: &Actor, id: i64) -> Result<PersonView, AppError> {
        actor.require(Permission::ViewPeople).map_err(|_| AppError::NotFound)?;
        let mut tx = self.db.read().await?;
        if !store::person_in_scope(&mut tx, &actor.scope(Permission::ViewPeople), id).await? {
            return Err(AppError::NotFound);
        }
        let person = store::person(&mut tx, id).await?;
        let today = crate::today();
        let (current_posts, past_posts) = store::posts_of(&mut tx, id)
            .await?
            .into_iter()
            .partition(|p| p.active_on(&today));
        let teams = store::teams_of(&mut tx, id).await?;
        Ok(PersonView {
            person,
            current_posts,
            past_posts,
            teams,
        })
    }

    pub async fn people(&self, actor: &Actor, q: &str, page: i64, per_page: i64) -> Result<(Vec<Person>, i64), AppError> {
        actor.require(Permission::ViewPeople)?;
        let mut tx = self.db.read().await?;
        Ok(store::search_people(&mut tx, &actor.scope(Permission::ViewPeople), q.trim(), page, per_page).await?)
    }

    pub async fn organisation(&self, actor: &Actor, street_id: i64) -> Result<OrganisationView, AppError> {
        actor.require(Permission::ViewPeople)?;
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.read().await?;
        Ok(OrganisationView {
            party_orgs: store::party_orgs(&mut tx, street_id).await?,
            teams: store::teams(&mut tx, street_id).await?,
            duties: store::duties(&mut tx, street_id).await?,
            work_items: store::work_items(&mut tx, street_id).await?,
        })
    }
}
