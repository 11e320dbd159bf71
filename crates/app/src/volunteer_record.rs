//! P5 volunteer record (志愿服务记录与证明, 民政部令第67号): a person's certified service for a year
//! or over all time — completed tasks with time and points credited, other awards, stars — issued
//! by the community that organised and recorded it ("谁组织谁记录、谁记录谁证明").

use onegrid_domain::people::Permission;
use onegrid_domain::points::{Currency, star};
use onegrid_domain::volunteer::record::{self, AwardLine, ServiceLine, Totals};
use onegrid_store::{people, points as ledger, territory, volunteer_record as store};
use serde::Serialize;

use crate::points::{own_person, place_of};
use crate::{Actor, App, AppError, today};

#[derive(Debug, Clone, Serialize)]
pub struct VolunteerRecord {
    pub person_id: i64,
    pub name: String,
    pub code: String,
    pub community_id: Option<i64>,
    pub community: Option<String>,
    pub street: String,
    /// The year covered; all time when absent.
    pub year: Option<i32>,
    /// Stars (0–5) from all the service time ever credited: a star level is cumulative.
    pub stars: u8,
    pub lifetime_minutes: i64,
    pub totals: Totals,
    /// Completed tasks, oldest first.
    pub service: Vec<ServiceLine>,
    /// Points credited outside tasks, oldest first.
    pub awards: Vec<AwardLine>,
    /// Who certifies: the person's community (else their street).
    pub issued_by: String,
    pub issued_on: String,
}

impl App {
    /// The record of `person_id`: the person themselves, or staff who manage tasks or register
    /// points where the person lives or works; for anyone else the person does not exist.
    pub async fn volunteer_record(&self, actor: &Actor, person_id: i64, year: Option<i32>) -> Result<VolunteerRecord, AppError> {
        let span = record::span(year)?;
        let mut tx = self.db.read().await?;
        let person = people::person(&mut tx, person_id).await?;
        let place = place_of(&mut tx, person_id).await?;
        let staff = [Permission::ManageTasks, Permission::RegisterPoints]
            .into_iter()
            .any(|p| actor.scope(p).covers(&place));
        if actor.user.person_id != Some(person_id) && !staff {
            return Err(AppError::NotFound);
        }
        let community = match place.community_id {
            Some(c) => Some(territory::area(&mut tx, c).await?.name),
            None => None,
        };
        let street = territory::street(&mut tx, person.street_id).await?.name;
        let lifetime_minutes = ledger::person_balances(&mut tx, person_id)
            .await?
            .into_iter()
            .find(|b| b.0 == Currency::ServiceMinutes)
            .map(|b| b.1)
            .unwrap_or(0);
        let service = store::service_lines(&mut tx, person_id, &span).await?;
        let awards = store::award_lines(&mut tx, person_id, &span).await?;
        let (service, awards, totals) = record::compile(service, awards);
        Ok(VolunteerRecord {
            person_id,
            name: person.name,
            code: person.code,
            community_id: place.community_id,
            issued_by: community.clone().unwrap_or_else(|| street.clone()),
            community,
            street,
            year,
            stars: star::stars(lifetime_minutes),
            lifetime_minutes,
            totals,
            service,
            awards,
            issued_on: today(),
        })
    }

    /// The signed-in person's own record.
    pub async fn my_volunteer_record(&self, actor: &Actor, year: Option<i32>) -> Result<VolunteerRecord, AppError> {
        let person_id = own_person(actor)?;
        self.volunteer_record(actor, person_id, year).await
    }
}
