//! P2 use cases: register an award (staff for people in their scope, residents for
//! themselves), approve it (one approver below the threshold, two different ones above), reject
//! it. Crediting writes the ledger entries in the approval's transaction.

use chrono::NaiveDate;
use onegrid_domain::FieldError;
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_domain::points::{Account, AwardStatus, Category, Currency, Decision, Movement, Reason, Refusal, Review};
use onegrid_store::points::award::{self as store, Award, NewAward};
use onegrid_store::points::{self as ledger, EntryInfo};
use onegrid_store::{Tx, people};
use serde::Deserialize;
use serde_json::json;

use super::{community_path, place_of, policy_in, record};
use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AwardInput {
    /// The beneficiary; the signed-in person when absent.
    #[serde(default)]
    pub person_id: Option<i64>,
    /// `grid_points` (default) or `work_points`.
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub category: String,
    /// Service time, without travel.
    #[serde(default)]
    pub minutes: i64,
    /// Points; the category's rule gives them when absent, and caps them when present.
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub note: String,
    /// `YYYY-MM-DD`, today when absent.
    #[serde(default)]
    pub activity_on: Option<String>,
    /// The community the points are booked to; the person's own when absent.
    #[serde(default)]
    pub community_id: Option<i64>,
}

/// Where an award sits for scope checks.
pub(crate) fn award_path(a: &Award) -> UnitPath {
    UnitPath {
        street_id: a.street_id,
        community_id: Some(a.community_id),
        grid_id: a.grid_id,
        micro_grid_id: a.micro_grid_id,
        building_id: None,
    }
}

/// Registers inside the caller's transaction (volunteer evaluations use it too). `source` names
/// the record rewarded; `None` for manual registrations.
pub(crate) async fn register_in(
    tx: &mut Tx,
    actor: &Actor,
    input: &AwardInput,
    source: Option<(&str, i64)>,
) -> Result<Award, AppError> {
    let me = actor.user.person_id;
    let person_id = input
        .person_id
        .or(me)
        .ok_or_else(|| AppError::field("person_id", "is required"))?;
    let own = Some(person_id) == me && source.is_none();
    if !own && source.is_none() {
        actor.require(Permission::RegisterPoints)?;
    }
    let mut errs: Vec<FieldError> = Vec::new();
    let currency = match input.currency.as_deref().unwrap_or("grid_points") {
        "grid_points" => Some(Currency::GridPoints),
        // Work points are for staff and party members; a person cannot declare them for themselves.
        "work_points" if !own => Some(Currency::WorkPoints),
        _ => {
            errs.push(FieldError::new(
                "currency",
                if own {
                    "must be grid_points"
                } else {
                    "must be grid_points or work_points"
                },
            ));
            None
        }
    };
    let category = Category::parse(input.category.trim());
    if category.is_none() {
        let all = Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", ");
        errs.push(FieldError::new("category", format!("must be one of {all}")));
    }
    if !(0..=24 * 60).contains(&input.minutes) {
        errs.push(FieldError::new("minutes", "must be from 0 to 1440"));
    }
    if input.note.chars().count() > 500 {
        errs.push(FieldError::new("note", "must be at most 500 characters"));
    }
    let today_date = chrono::Utc::now().date_naive();
    let activity_on = match input.activity_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(today_date),
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d <= today_date && (today_date - d).num_days() <= 366 => Some(d),
            _ => {
                errs.push(FieldError::new(
                    "activity_on",
                    "must be a date (YYYY-MM-DD) within the last year",
                ));
                None
            }
        },
    };
    let person = people::person(tx, person_id).await?;
    let policy = policy_in(tx, person.street_id).await?;
    let amount = match (category, input.amount) {
        (Some(c), Some(a)) => {
            let cap = policy.rule(c).cap;
            // Zero points are allowed when the record is about service time alone.
            let min = if input.minutes > 0 { 0 } else { 1 };
            if !(min..=cap).contains(&a) {
                errs.push(FieldError::new(
                    "amount",
                    format!("must be from {min} to {cap} (the cap of the rule)"),
                ));
            }
            a
        }
        (Some(c), None) => policy.rule(c).points(input.minutes),
        (None, _) => 0,
    };
    if category.is_some() && amount == 0 && input.minutes == 0 {
        errs.push(FieldError::new(
            "minutes",
            "the rule gives no points for this; give the service time",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let (currency, category, activity_on) = (
        currency.expect("checked"),
        category.expect("checked"),
        activity_on.expect("checked"),
    );

    let place = place_of(tx, person_id).await?;
    let community_id = input
        .community_id
        .or(place.community_id)
        .ok_or_else(|| AppError::field("community_id", "is required: the person has no home community"))?;
    let community = community_path(tx, community_id)
        .await
        .map_err(|_| AppError::field("community_id", "is not a community"))?;
    if community.street_id != person.street_id {
        return Err(AppError::field("community_id", "is in another street"));
    }
    // Booked to the person's own community, the award sits at their grid and micro-grid too,
    // so their grid's staff review it.
    let path = if place.community_id == Some(community_id) {
        UnitPath {
            building_id: None,
            ..place
        }
    } else {
        community
    };
    if !own && source.is_none() {
        actor.require_in(Permission::RegisterPoints, &path)?;
    }
    let note = input.note.trim();
    let id = store::insert(
        tx,
        NewAward {
            street_id: person.street_id,
            community_id,
            grid_id: path.grid_id,
            micro_grid_id: path.micro_grid_id,
            person_id,
            currency: currency.as_str(),
            category: category.as_str(),
            amount,
            minutes: input.minutes,
            note,
            activity_on: &activity_on.to_string(),
            source,
            joint: policy.needs_joint_review(amount),
            registered_by: actor.user.id,
            registered_at: onegrid_store::now_ms(),
        },
    )
    .await
    .map_err(|e| match e {
        onegrid_store::StoreError::Conflict(_) => AppError::Conflict("this record has already been rewarded".into()),
        e => e.into(),
    })?;
    record(
        tx,
        Some(actor),
        person.street_id,
        "register",
        "points_award",
        id,
        json!({"person_id": person_id, "amount": amount, "minutes": input.minutes, "category": category}),
    )
    .await?;
    Ok(store::award(tx, id).await?)
}

/// Approves inside the caller's transaction; credits when the review is complete.
pub(crate) async fn approve_in(tx: &mut Tx, actor: &Actor, a: &Award) -> Result<(), AppError> {
    let status =
        AwardStatus::parse(&a.status).ok_or_else(|| AppError::Internal(format!("award {} has status {}", a.id, a.status)))?;
    let review = Review {
        status,
        beneficiary: a.person_id,
        first_approver: a.first_approver,
        joint: a.joint,
    };
    match review.approve(actor.user.id, actor.user.person_id)? {
        Decision::AwaitSecond => {
            if !store::set_first_approval(tx, a.id, actor.user.id).await? {
                return Err(Refusal::NotPending.into());
            }
            record(
                tx,
                Some(actor),
                a.street_id,
                "first_approval",
                "points_award",
                a.id,
                json!({}),
            )
            .await?;
        }
        Decision::Credit => {
            let (first, second) = match a.first_approver {
                Some(first) if a.joint => (first, Some(actor.user.id)),
                _ => (actor.user.id, None),
            };
            credit(tx, a, first, second).await?;
            record(
                tx,
                Some(actor),
                a.street_id,
                "credit",
                "points_award",
                a.id,
                json!({"amount": a.amount, "minutes": a.minutes}),
            )
            .await?;
        }
    }
    Ok(())
}

/// Writes the award's entries: its points, and its service time into the hours account.
async fn credit(tx: &mut Tx, a: &Award, first: i64, second: Option<i64>) -> Result<(), AppError> {
    let currency =
        Currency::parse(&a.currency).ok_or_else(|| AppError::Internal(format!("award {} has currency {}", a.id, a.currency)))?;
    let info = EntryInfo {
        community_id: Some(a.community_id),
        rule: Some(&a.category),
        note: &a.note,
        source: Some(("points_award", a.id)),
        reverses: None,
        registered_by: Some(a.registered_by),
        approved_by: Some(first),
        second_approved_by: second,
        at: None,
    };
    let mut post = async |currency: Currency, amount: i64| -> Result<Option<i64>, AppError> {
        if amount <= 0 {
            return Ok(None);
        }
        let m = Movement {
            from: Account::issuing(a.community_id, currency),
            to: Account::personal(a.person_id, currency),
            amount,
            reason: Reason::Award,
        };
        m.check()?;
        // An issuing account always pays.
        Ok(Some(
            ledger::post(tx, a.street_id, &m, &info)
                .await?
                .ok_or(Refusal::InvalidMovement)?,
        ))
    };
    let entry = post(currency, a.amount).await?;
    let hours = post(Currency::ServiceMinutes, a.minutes).await?;
    if !store::set_credited(tx, a.id, &a.status, first, second, entry, hours, onegrid_store::now_ms()).await? {
        // Someone decided the award meanwhile; dropping the transaction drops the entries.
        return Err(Refusal::NotPending.into());
    }
    Ok(())
}

impl App {
    pub async fn register_award(&self, actor: &Actor, input: &AwardInput) -> Result<Award, AppError> {
        let mut tx = self.db.write().await?;
        let award = register_in(&mut tx, actor, input, None).await?;
        tx.commit().await?;
        Ok(award)
    }

    pub async fn award(&self, actor: &Actor, id: i64) -> Result<Award, AppError> {
        let mut tx = self.db.read().await?;
        let a = store::award(&mut tx, id).await?;
        if actor.user.person_id != Some(a.person_id) {
            actor.require_in(Permission::RegisterPoints, &award_path(&a))?;
        }
        Ok(a)
    }

    /// Awards to review (staff: in their scope) or the person's own; `status` is one status or
    /// `pending` (registered or half-way through a joint review).
    pub async fn awards(&self, actor: &Actor, status: Option<&str>) -> Result<Vec<Award>, AppError> {
        let statuses: Vec<AwardStatus> =
            match status.map(str::trim).filter(|s| !s.is_empty()) {
                None => Vec::new(),
                Some("pending") => vec![AwardStatus::Registered, AwardStatus::FirstApproval],
                Some(s) => vec![AwardStatus::parse(s).ok_or_else(|| {
                    AppError::field("status", "must be pending, registered, first_approval, credited or rejected")
                })?],
            };
        let mut tx = self.db.read().await?;
        if actor.can(Permission::RegisterPoints) {
            return Ok(store::in_scope(&mut tx, &actor.scope(Permission::RegisterPoints), &statuses, 500).await?);
        }
        let mut list = store::of_person(&mut tx, super::own_person(actor)?, 500).await?;
        if !statuses.is_empty() {
            list.retain(|a| statuses.iter().any(|s| s.as_str() == a.status));
        }
        Ok(list)
    }

    pub async fn approve_award(&self, actor: &Actor, id: i64) -> Result<Award, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let mut tx = self.db.write().await?;
        let a = store::award(&mut tx, id).await?;
        actor.require_in(Permission::ApprovePoints, &award_path(&a))?;
        approve_in(&mut tx, actor, &a).await?;
        let a = store::award(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }

    pub async fn reject_award(&self, actor: &Actor, id: i64, reason: &str) -> Result<Award, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let reason = reason.trim();
        if !(1..=500).contains(&reason.chars().count()) {
            return Err(AppError::field("reason", "must be 1–500 characters"));
        }
        let mut tx = self.db.write().await?;
        let a = store::award(&mut tx, id).await?;
        actor.require_in(Permission::ApprovePoints, &award_path(&a))?;
        let status = AwardStatus::parse(&a.status).ok_or(AppError::NotFound)?;
        Review {
            status,
            beneficiary: a.person_id,
            first_approver: a.first_approver,
            joint: a.joint,
        }
        .reject(actor.user.person_id)?;
        if !store::set_rejected(&mut tx, id, &a.status, actor.user.id, reason).await? {
            return Err(Refusal::NotPending.into());
        }
        record(
            &mut tx,
            Some(actor),
            a.street_id,
            "reject",
            "points_award",
            id,
            json!({"reason": reason}),
        )
        .await?;
        let a = store::award(&mut tx, id).await?;
        tx.commit().await?;
        Ok(a)
    }
}
