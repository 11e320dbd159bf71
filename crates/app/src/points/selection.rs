//! P2 annual selection (年度评选) use cases. Staff who approve points for a whole community
//! (street administrators, community secretaries and staff: `ApprovePoints` over the community)
//! start a community's selection of a year, choose whom to honour, and publish. Drafts exist
//! only for them; published selections are public, and only their honoured entries are shown to
//! the public. Every write runs in one transaction with its audit event.

use chrono::Datelike;
use onegrid_domain::FieldError;
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_domain::points::selection::{self as rules, CandidateKind, Choice, SelectionRefusal, SelectionStatus};
use onegrid_domain::points::{HonourPolicy, Period, PeriodKind, star};
use onegrid_store::points::honour;
use onegrid_store::points::selection::{self as store, Candidate, NewCandidate, Selection};
use onegrid_store::{StoreError, Tx, now_ms, territory};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::honour::{honour_policy_in, public_street};
use super::record;
use crate::{Actor, App, AppError};

impl From<SelectionRefusal> for AppError {
    fn from(r: SelectionRefusal) -> Self {
        AppError::Refused(r.code(), r.to_string())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct SelectionView {
    #[serde(flatten)]
    pub selection: Selection,
    /// The user may choose, publish or discard (a draft in their scope).
    pub editable: bool,
    /// Every candidate for staff in scope; the honoured ones only for everyone else.
    pub candidates: Vec<Candidate>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewSelection {
    #[serde(default)]
    pub community_id: Option<i64>,
    #[serde(default)]
    pub year: Option<i64>,
}

fn path_of(s: &Selection) -> UnitPath {
    UnitPath {
        street_id: s.street_id,
        community_id: Some(s.community_id),
        ..Default::default()
    }
}

fn is_staff(actor: Option<&Actor>, path: &UnitPath) -> bool {
    actor.is_some_and(|a| a.scope(Permission::ApprovePoints).covers(path))
}

fn view(selection: Selection, candidates: Vec<Candidate>, staff: bool) -> SelectionView {
    let editable = staff && selection.status == SelectionStatus::Draft;
    let candidates = if staff {
        candidates
    } else {
        candidates.into_iter().filter(|c| c.chosen).collect()
    };
    SelectionView {
        selection,
        editable,
        candidates,
    }
}

pub(crate) fn current_year() -> i64 {
    chrono::Utc::now().year() as i64
}

/// Creates the draft of `community_id` for `year` with its candidates computed now from the
/// year's figures; they never change afterwards. The caller checked who may and the input.
pub(crate) async fn create_in(
    tx: &mut Tx,
    street_id: i64,
    community_id: i64,
    year: i64,
    policy: &HonourPolicy,
    created_by: i64,
    now: i64,
) -> Result<i64, AppError> {
    let period = Period::parse(PeriodKind::Year, &year.to_string()).ok_or_else(|| AppError::field("year", "is not a year"))?;
    let (from, to) = (period.start_ms(), period.end_ms());
    let id = store::insert(
        tx,
        street_id,
        community_id,
        year,
        &policy.building_group_star_percent,
        created_by,
        now,
    )
    .await
    .map_err(|e| match e {
        StoreError::Conflict(_) => AppError::from(SelectionRefusal::Exists),
        e => e.into(),
    })?;
    let volunteers = honour::volunteer_figures(tx, street_id, Some(community_id), from, to, rules::VOLUNTEER_CANDIDATES).await?;
    for (i, v) in volunteers.iter().enumerate() {
        let c = NewCandidate {
            kind: CandidateKind::Volunteer,
            rank: i as i64 + 1,
            subject_id: v.person_id,
            name: &v.name,
            points: v.points,
            minutes: v.minutes,
            tasks: v.tasks,
            participants: 0,
            residents: 0,
            stars: star::stars(v.lifetime_minutes) as i64,
        };
        store::insert_candidate(tx, street_id, id, &c).await?;
    }
    // Star building groups are about breadth: the candidates are ranked by stars, then points.
    let mut groups: Vec<_> = honour::building_figures(tx, street_id, Some(community_id), from, to, None)
        .await?
        .into_iter()
        .map(|b| (policy.building_group_stars(b.participants, b.residents), b))
        .collect();
    groups.sort_by(|(sa, a), (sb, b)| {
        sb.cmp(sa)
            .then(b.points.cmp(&a.points))
            .then(b.minutes.cmp(&a.minutes))
            .then(a.building_id.cmp(&b.building_id))
    });
    for (i, (stars, b)) in groups.iter().take(rules::BUILDING_GROUP_CANDIDATES as usize).enumerate() {
        let c = NewCandidate {
            kind: CandidateKind::BuildingGroup,
            rank: i as i64 + 1,
            subject_id: b.building_id,
            name: &b.name,
            points: b.points,
            minutes: b.minutes,
            tasks: 0,
            participants: b.participants,
            residents: b.residents,
            stars: *stars as i64,
        };
        store::insert_candidate(tx, street_id, id, &c).await?;
    }
    Ok(id)
}

/// Records the choices of a draft the caller has locked; unknown candidates are field errors.
pub(crate) async fn choose_in(tx: &mut Tx, selection_id: i64, entries: &[Choice]) -> Result<(), AppError> {
    let mut unknown = Vec::new();
    for (i, ch) in entries.iter().enumerate() {
        if !store::set_choice(tx, selection_id, &ch.normalised()).await? {
            unknown.push(FieldError::new(
                format!("entries[{i}].id"),
                "is not a candidate of this selection",
            ));
        }
    }
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(unknown))
    }
}

/// Publishes a draft the caller has locked, refusing one with nobody chosen.
pub(crate) async fn publish_in(tx: &mut Tx, selection_id: i64, by: i64, now: i64) -> Result<(), AppError> {
    if store::selection(tx, selection_id).await?.chosen == 0 {
        return Err(SelectionRefusal::NothingChosen.into());
    }
    if !store::publish(tx, selection_id, by, now).await? {
        return Err(SelectionRefusal::Published.into());
    }
    Ok(())
}

impl App {
    /// The selections of a street or community: published ones for everyone, drafts too for
    /// staff in scope.
    pub async fn honour_selections(
        &self,
        actor: Option<&Actor>,
        street_id: Option<i64>,
        community_id: Option<i64>,
    ) -> Result<Vec<Selection>, AppError> {
        let mut tx = self.db.read().await?;
        let street_id = match (street_id, actor.and_then(|a| a.home_street())) {
            (None, Some(home)) if community_id.is_none() => home,
            _ => public_street(&mut tx, street_id, community_id).await?,
        };
        Ok(store::list(&mut tx, street_id, community_id)
            .await?
            .into_iter()
            .filter(|s| s.status == SelectionStatus::Published || is_staff(actor, &path_of(s)))
            .collect())
    }

    /// The latest `limit` published selections with their honoured entries, for the honour roll.
    pub async fn published_honours(
        &self,
        street_id: Option<i64>,
        community_id: Option<i64>,
        limit: usize,
    ) -> Result<Vec<SelectionView>, AppError> {
        let mut tx = self.db.read().await?;
        let street_id = public_street(&mut tx, street_id, community_id).await?;
        let mut out = Vec::new();
        for s in store::list(&mut tx, street_id, community_id).await? {
            if s.status != SelectionStatus::Published {
                continue;
            }
            if out.len() == limit {
                break;
            }
            let candidates = store::candidates(&mut tx, s.id).await?;
            out.push(view(s, candidates, false));
        }
        Ok(out)
    }

    pub async fn honour_selection(&self, actor: Option<&Actor>, id: i64) -> Result<SelectionView, AppError> {
        let mut tx = self.db.read().await?;
        let s = store::selection(&mut tx, id).await?;
        let staff = is_staff(actor, &path_of(&s));
        if s.status == SelectionStatus::Draft && !staff {
            return Err(AppError::NotFound);
        }
        let candidates = store::candidates(&mut tx, id).await?;
        Ok(view(s, candidates, staff))
    }

    /// Starts the selection of a community's year with the figures frozen now.
    pub async fn start_honour_selection(&self, actor: &Actor, input: &NewSelection) -> Result<SelectionView, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let mut tx = self.db.write().await?;
        let mut errors = Vec::new();
        match input.year {
            None => errors.push(FieldError::new("year", "is required")),
            Some(y) => {
                if let Err(e) = rules::check_year(y, current_year()) {
                    errors.push(e);
                }
            }
        }
        let mut path = None;
        match input.community_id {
            None => errors.push(FieldError::new("community_id", "is required")),
            Some(c) => match territory::area(&mut tx, c).await {
                Ok(a) if a.level == "community" && (actor.user.superuser || actor.home_street() == Some(a.street_id)) => {
                    path = Some(a.path())
                }
                Ok(_) | Err(StoreError::NotFound) => {
                    errors.push(FieldError::new("community_id", "is not a community of your street"))
                }
                Err(e) => return Err(e.into()),
            },
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let (path, year, community_id) = (
            path.expect("checked"),
            input.year.expect("checked"),
            input.community_id.expect("checked"),
        );
        actor.require_in(Permission::ApprovePoints, &path)?;
        if store::list(&mut tx, path.street_id, Some(community_id))
            .await?
            .iter()
            .any(|s| s.year == year)
        {
            return Err(SelectionRefusal::Exists.into());
        }
        let policy = honour_policy_in(&mut tx, path.street_id).await?;
        let id = create_in(&mut tx, path.street_id, community_id, year, &policy, actor.user.id, now_ms()).await?;
        let s = store::selection(&mut tx, id).await?;
        let candidates = store::candidates(&mut tx, id).await?;
        record(
            &mut tx,
            Some(actor),
            path.street_id,
            "start_honour_selection",
            "honour_selection",
            id,
            json!({"community_id": community_id, "year": year, "candidates": candidates.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(view(s, candidates, true))
    }

    /// The draft, locked for a change by staff in scope; refused once published.
    async fn draft_for_change(&self, tx: &mut Tx, actor: &Actor, id: i64) -> Result<Selection, AppError> {
        let s = store::selection(tx, id).await?;
        actor.require_in(Permission::ApprovePoints, &path_of(&s))?;
        if !store::lock_draft(tx, id, now_ms()).await? {
            return Err(SelectionRefusal::Published.into());
        }
        Ok(s)
    }

    /// Marks candidates as honoured or not, with their titles and citations.
    pub async fn choose_honours(&self, actor: &Actor, id: i64, entries: &[Choice]) -> Result<SelectionView, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let mut tx = self.db.write().await?;
        let s = self.draft_for_change(&mut tx, actor, id).await?;
        rules::check_choices(entries)?;
        choose_in(&mut tx, id, entries).await?;
        let chosen: Vec<i64> = entries.iter().filter(|c| c.chosen).map(|c| c.id).collect();
        record(
            &mut tx,
            Some(actor),
            s.street_id,
            "choose_honours",
            "honour_selection",
            id,
            json!({"entries": entries.len(), "chosen": chosen}),
        )
        .await?;
        let (s, candidates) = (store::selection(&mut tx, id).await?, store::candidates(&mut tx, id).await?);
        tx.commit().await?;
        Ok(view(s, candidates, true))
    }

    /// Publishes the selection: from now on it is public and never changes.
    pub async fn publish_honours(&self, actor: &Actor, id: i64) -> Result<SelectionView, AppError> {
        actor.require(Permission::ApprovePoints)?;
        let mut tx = self.db.write().await?;
        let s = self.draft_for_change(&mut tx, actor, id).await?;
        publish_in(&mut tx, id, actor.user.id, now_ms()).await?;
        record(
            &mut tx,
            Some(actor),
            s.street_id,
            "publish_honours",
            "honour_selection",
            id,
            json!({"community_id": s.community_id, "year": s.year}),
        )
        .await?;
        let (s, candidates) = (store::selection(&mut tx, id).await?, store::candidates(&mut tx, id).await?);
        tx.commit().await?;
        Ok(view(s, candidates, true))
    }

    /// Discards a draft, so the year can be started again with later figures.
    pub async fn discard_honours(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        actor.require(Permission::ApprovePoints)?;
        let mut tx = self.db.write().await?;
        let s = self.draft_for_change(&mut tx, actor, id).await?;
        store::delete_draft(&mut tx, id).await?;
        record(
            &mut tx,
            Some(actor),
            s.street_id,
            "discard_honours",
            "honour_selection",
            id,
            json!({"community_id": s.community_id, "year": s.year}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
