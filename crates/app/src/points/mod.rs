//! P1–P4 use cases: the street's points policy, a person's balances and statements, community
//! statements, corrections by reversing entries, the ledger check and expiry. Awards, the store
//! and honour lists are in the submodules.

pub mod award;
pub(crate) mod demo;
pub mod expiry;
pub mod honour;
pub mod selection;
pub(crate) mod selection_demo;
pub mod store;
pub mod store_staff;

use chrono::NaiveDate;
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_domain::points::{Currency, Period, PointsPolicy, Reason, Refusal, star};
use onegrid_store::audit::{self, NewEvent};
use onegrid_store::points::statement::{self, AccountStatement, CommunityStatement};
use onegrid_store::points::{self as ledger, EntryInfo, Mismatch};
use onegrid_store::{Tx, people, territory};
use serde::Serialize;
use serde_json::json;

use crate::{Actor, App, AppError, today};

pub const POLICY_KEY: &str = "points_policy";

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> Self {
        AppError::Refused(r.code(), r.to_string())
    }
}

/// The person the account acts as (residents act for themselves).
pub(crate) fn own_person(actor: &Actor) -> Result<i64, AppError> {
    actor
        .user
        .person_id
        .ok_or_else(|| AppError::field("person", "this account belongs to no person"))
}

pub(crate) async fn policy_in(tx: &mut Tx, street_id: i64) -> Result<PointsPolicy, AppError> {
    crate::street_settings::load(tx, street_id, POLICY_KEY).await
}

/// The place of a person, or their street alone when they have neither home nor post.
pub(crate) async fn place_of(tx: &mut Tx, person_id: i64) -> Result<UnitPath, AppError> {
    let person = people::person(tx, person_id).await?;
    Ok(ledger::person_place(tx, person_id, &today()).await?.unwrap_or(UnitPath {
        street_id: person.street_id,
        ..Default::default()
    }))
}

/// The community as a place, checked to be a community.
pub(crate) async fn community_path(tx: &mut Tx, community_id: i64) -> Result<UnitPath, AppError> {
    let area = territory::area(tx, community_id).await?;
    if area.level != "community" {
        return Err(AppError::NotFound);
    }
    Ok(area.path())
}

pub(crate) async fn record(
    tx: &mut Tx,
    actor: Option<&Actor>,
    street_id: i64,
    action: &str,
    entity: &str,
    id: i64,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        tx,
        NewEvent {
            street_id: Some(street_id),
            user_id: actor.map(|a| a.user.id),
            action,
            entity,
            entity_id: Some(id),
            detail,
        },
    )
    .await?;
    Ok(())
}

/// A period from the query: `month=2024-05`, `quarter=2024-Q2` or `year=2024`; this month by default.
pub fn period_from(kind: onegrid_domain::points::PeriodKind, value: Option<&str>) -> Result<Period, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(Period::containing(kind, chrono::Utc::now().date_naive())),
        Some(v) => Period::parse(kind, v)
            .ok_or_else(|| AppError::field(kind.as_str(), "is not a valid period (2024-05, 2024-Q2 or 2024)")),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Balance {
    pub currency: Currency,
    pub balance: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MyPoints {
    pub person_id: i64,
    pub name: String,
    pub community_id: Option<i64>,
    pub balances: Vec<Balance>,
    /// Volunteer stars (0–5) from the service time.
    pub stars: u8,
    pub awards: Vec<onegrid_store::points::award::Award>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PersonStatement {
    pub person_id: i64,
    pub name: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub accounts: Vec<AccountStatement>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunityStatementView {
    pub community_id: i64,
    pub name: String,
    pub period: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    #[serde(flatten)]
    pub statement: CommunityStatement,
}

#[derive(Debug, Clone, Serialize)]
pub struct LedgerCheck {
    pub ok: bool,
    pub mismatches: Vec<Mismatch>,
    pub totals: Vec<(String, i64)>,
}

impl App {
    pub async fn points_policy(&self, street_id: i64) -> Result<PointsPolicy, AppError> {
        let mut tx = self.db.read().await?;
        policy_in(&mut tx, street_id).await
    }

    /// Street administrators set the policy (amounts, caps, joint-review threshold, exchange
    /// window, expiry) of their street.
    pub async fn set_points_policy(&self, actor: &Actor, street_id: i64, policy: &PointsPolicy) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        policy.check()?;
        self.save_street_setting(actor, street_id, POLICY_KEY, "set_points_policy", policy)
            .await
    }

    /// The signed-in person's balances, stars and latest awards.
    pub async fn my_points(&self, actor: &Actor) -> Result<MyPoints, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.read().await?;
        let person = people::person(&mut tx, person_id).await?;
        let place = place_of(&mut tx, person_id).await?;
        let balances: Vec<Balance> = ledger::person_balances(&mut tx, person_id)
            .await?
            .into_iter()
            .map(|(currency, balance)| Balance { currency, balance })
            .collect();
        let minutes = balances
            .iter()
            .find(|b| b.currency == Currency::ServiceMinutes)
            .map(|b| b.balance)
            .unwrap_or(0);
        let awards = ledger::award::of_person(&mut tx, person_id, 20).await?;
        Ok(MyPoints {
            person_id,
            name: person.name,
            community_id: place.community_id,
            balances,
            stars: star::stars(minutes),
            awards,
        })
    }

    /// A person's statement for a period: the person themselves, or staff who register points
    /// where the person lives or works.
    pub async fn person_statement(&self, actor: &Actor, person_id: i64, period: Period) -> Result<PersonStatement, AppError> {
        let mut tx = self.db.read().await?;
        if actor.user.person_id != Some(person_id) {
            let place = place_of(&mut tx, person_id).await?;
            actor.require_in(Permission::RegisterPoints, &place)?;
        }
        let person = people::person(&mut tx, person_id).await?;
        let accounts = statement::person(&mut tx, person_id, period.start_ms(), period.end_ms()).await?;
        Ok(PersonStatement {
            person_id,
            name: person.name,
            period: period.label(),
            start: period.start,
            end: period.end,
            accounts,
        })
    }

    /// A community's totals for a period, for staff who approve points for the whole community.
    pub async fn community_statement(
        &self,
        actor: &Actor,
        community_id: i64,
        period: Period,
    ) -> Result<CommunityStatementView, AppError> {
        let mut tx = self.db.read().await?;
        let path = community_path(&mut tx, community_id).await?;
        actor.require_in(Permission::ApprovePoints, &path)?;
        let name = territory::area(&mut tx, community_id).await?.name;
        let statement = statement::community(&mut tx, community_id, period.start_ms(), period.end_ms()).await?;
        Ok(CommunityStatementView {
            community_id,
            name,
            period: period.label(),
            start: period.start,
            end: period.end,
            statement,
        })
    }

    /// A correction: the reverse of an entry, booked now; the entry itself stays. Redemptions
    /// are undone by cancelling them (which also returns the stock).
    pub async fn reverse_entry(&self, actor: &Actor, entry_id: i64, note: &str) -> Result<ledger::Entry, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let note = note.trim();
        if !(1..=500).contains(&note.chars().count()) {
            return Err(AppError::field("note", "a correction needs a reason of 1–500 characters"));
        }
        let mut tx = self.db.write().await?;
        let entry = ledger::entry(&mut tx, entry_id).await?;
        let path = match entry.community_id {
            Some(c) => community_path(&mut tx, c).await?,
            None => UnitPath {
                street_id: entry.street_id,
                ..Default::default()
            },
        };
        actor.require_in(Permission::ApprovePoints, &path)?;
        if entry.movement.reason == Reason::Redeem {
            return Err(AppError::Refused(
                Refusal::WrongState.code(),
                "a redemption is undone by cancelling it".into(),
            ));
        }
        if entry.reverses_id.is_some() {
            return Err(Refusal::ReversalOfReversal.into());
        }
        if entry.reversed_by.is_some() {
            return Err(Refusal::AlreadyReversed.into());
        }
        let m = entry.movement.reversal();
        m.check()?;
        let info = EntryInfo {
            community_id: entry.community_id,
            rule: entry.rule.as_deref(),
            note,
            source: Some(("entry", entry.id)),
            reverses: Some(entry.id),
            registered_by: Some(actor.user.id),
            approved_by: Some(actor.user.id),
            second_approved_by: None,
            at: None,
        };
        let id = match ledger::post(&mut tx, entry.street_id, &m, &info).await {
            Ok(Some(id)) => id,
            Ok(None) => {
                return Err(AppError::Refused(
                    Refusal::InsufficientPoints.code(),
                    "the points were spent meanwhile; nothing to take back".into(),
                ));
            }
            // Two corrections of one entry at once: the unique reverses_id lets one through.
            Err(onegrid_store::StoreError::Conflict(_)) => return Err(Refusal::AlreadyReversed.into()),
            Err(e) => return Err(e.into()),
        };
        record(
            &mut tx,
            Some(actor),
            entry.street_id,
            "reverse",
            "points_entry",
            entry.id,
            json!({"reversal": id, "note": note}),
        )
        .await?;
        let reversal = ledger::entry(&mut tx, id).await?;
        tx.commit().await?;
        Ok(reversal)
    }

    /// Recomputes every balance of the street from its entries.
    pub async fn ledger_check(&self, actor: &Actor, street_id: i64) -> Result<LedgerCheck, AppError> {
        actor.require(Permission::Administer)?;
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.read().await?;
        let (mismatches, totals) = ledger::check(&mut tx, street_id).await?;
        Ok(LedgerCheck {
            ok: mismatches.is_empty() && totals.iter().all(|t| t.1 == 0),
            mismatches,
            totals,
        })
    }
}

impl App {
    /// The communities of the user's street that `permission` covers as a whole (pickers of
    /// the staff pages: statements, selections).
    pub async fn communities_where(&self, actor: &Actor, permission: Permission) -> Result<Vec<territory::Area>, AppError> {
        let Some(street_id) = actor.home_street() else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        let scope = actor.scope(permission);
        Ok(territory::areas(&mut tx, street_id, "community", None)
            .await?
            .into_iter()
            .filter(|a| scope.covers(&a.path()))
            .collect())
    }
}

/// The community a participation page is about: the one asked for, else the signed-in person's
/// own; outside the user's street it does not exist.
pub(crate) async fn community_in_view(
    tx: &mut Tx,
    actor: &Actor,
    community_id: Option<i64>,
) -> Result<(i64, UnitPath), AppError> {
    let community_id = match community_id {
        Some(c) => c,
        None => place_of(tx, own_person(actor)?)
            .await?
            .community_id
            .ok_or_else(|| AppError::field("community_id", "is required"))?,
    };
    let path = community_path(tx, community_id).await?;
    if !actor.user.superuser && actor.home_street() != Some(path.street_id) {
        return Err(AppError::NotFound);
    }
    Ok((community_id, path))
}
