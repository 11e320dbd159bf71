//! P5 use cases: staff post tasks; residents claim (never beyond capacity), withdraw, check in
//! and out; the organiser confirms the service and the evaluation awards points and service
//! time through the ledger (P1), with the evaluator as the award's approver.

use onegrid_domain::FieldError;
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_domain::points::Refusal;
use onegrid_domain::volunteer::{ClaimAction, ClaimStatus, NewTask, service_minutes};
use onegrid_store::volunteer::{self as store, Claim, Step, Task};
use onegrid_store::{Tx, now_ms, people, territory};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::points::award::{AwardInput, approve_in, register_in};
use crate::points::{community_in_view, community_path, own_person, place_of, policy_in, record};
use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct TaskView {
    pub task: Task,
    /// Every claim, for staff who manage the task.
    pub claims: Option<Vec<Claim>>,
    /// The signed-in person's claim.
    pub my_claim: Option<Claim>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Confirmation {
    /// Service minutes; from check-in and check-out inside the task's window when absent.
    #[serde(default)]
    pub minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Evaluation {
    /// 1–5; below 3 earns no points unless `points` says otherwise.
    pub rating: i64,
    /// Points to award, at most the task's; the task's points when absent.
    #[serde(default)]
    pub points: Option<i64>,
}

/// A team leader's claim for the team (T6 applied to P5).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TeamClaim {
    pub team_id: i64,
    /// The members taking part (person ids); every member of the team when absent.
    #[serde(default)]
    pub members: Option<Vec<i64>>,
}

/// A claim, and its task, that the actor may act on: their own, or (`staff`) one of a task in
/// their ManageTasks scope.
async fn claim_for(tx: &mut Tx, actor: &Actor, id: i64, staff: bool) -> Result<(Claim, Task), AppError> {
    let claim = store::claim(tx, id).await?;
    let task = store::task(tx, claim.task_id).await?;
    let own = actor.user.person_id == Some(claim.person_id);
    let manages = actor.scope(Permission::ManageTasks).covers(&task.path());
    // Staff steps need the task in scope; a volunteer's own steps need the claim to be theirs
    // (organisers may take them on the volunteer's behalf).
    if !manages && (staff || !own) {
        return Err(AppError::NotFound);
    }
    Ok((claim, task))
}

fn status_of(c: &Claim) -> Result<ClaimStatus, AppError> {
    ClaimStatus::parse(&c.status).ok_or_else(|| AppError::Internal(format!("claim {} has status {}", c.id, c.status)))
}

async fn step(
    tx: &mut Tx,
    c: &Claim,
    action: ClaimAction,
    at_column: &'static str,
    by: Option<(&'static str, i64)>,
    minutes: Option<i64>,
    rating: Option<i64>,
    award_id: Option<i64>,
) -> Result<ClaimStatus, AppError> {
    let from = status_of(c)?;
    let to = from.after(action)?;
    let done = store::step(
        tx,
        c.id,
        Step {
            from: from.as_str(),
            to: to.as_str(),
            at_column,
            by_column: by.map(|b| b.0),
            by: by.map(|b| b.1),
            minutes,
            rating,
            award_id,
        },
    )
    .await?;
    // Changed meanwhile by another request: the step no longer applies.
    if !done {
        return Err(Refusal::WrongState.into());
    }
    Ok(to)
}

impl App {
    pub async fn post_task(&self, actor: &Actor, t: &NewTask) -> Result<Task, AppError> {
        actor.require(Permission::ManageTasks)?;
        t.check()?;
        let mut tx = self.db.write().await?;
        let mut path = community_path(&mut tx, t.community_id)
            .await
            .map_err(|_| AppError::field("community_id", "is not a community"))?;
        if let Some(g) = t.grid_id {
            let grid = territory::area(&mut tx, g)
                .await
                .map_err(|_| AppError::field("grid_id", "is not a grid"))?;
            if grid.level != "grid" || grid.community_id != Some(t.community_id) {
                return Err(AppError::field("grid_id", "is not a grid of the community"));
            }
            path = UnitPath {
                grid_id: Some(g),
                ..path
            };
        }
        actor.require_in(Permission::ManageTasks, &path)?;
        let cap = policy_in(&mut tx, path.street_id).await?.rule(t.category).cap;
        if t.points > cap {
            return Err(AppError::field(
                "points",
                format!("must be at most {cap}, the cap of the category's rule"),
            ));
        }
        let id = store::insert_task(&mut tx, &path, t, actor.user.id).await?;
        record(
            &mut tx,
            Some(actor),
            path.street_id,
            "create",
            "volunteer_task",
            id,
            json!({"title": t.title, "capacity": t.capacity, "points": t.points}),
        )
        .await?;
        let task = store::task(&mut tx, id).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Tasks to show: staff without a community see what they manage; everyone else the open
    /// tasks of a community (their own by default).
    pub async fn volunteer_tasks(&self, actor: &Actor, community_id: Option<i64>) -> Result<Vec<Task>, AppError> {
        if community_id.is_none() && actor.can(Permission::ManageTasks) {
            let mut tx = self.db.read().await?;
            return Ok(store::tasks_in_scope(&mut tx, &actor.scope(Permission::ManageTasks), 500).await?);
        }
        self.open_tasks(actor, community_id).await
    }

    /// The open tasks of a community, the signed-in person's own by default: what they may claim.
    pub async fn open_tasks(&self, actor: &Actor, community_id: Option<i64>) -> Result<Vec<Task>, AppError> {
        let mut tx = self.db.read().await?;
        let (community_id, _) = community_in_view(&mut tx, actor, community_id).await?;
        Ok(store::open_tasks(&mut tx, community_id, now_ms()).await?)
    }

    pub async fn volunteer_task(&self, actor: &Actor, id: i64) -> Result<TaskView, AppError> {
        let mut tx = self.db.read().await?;
        let task = store::task(&mut tx, id).await?;
        if !actor.user.superuser && actor.home_street() != Some(task.street_id) {
            return Err(AppError::NotFound);
        }
        let claims = if actor.scope(Permission::ManageTasks).covers(&task.path()) {
            Some(store::claims_of_task(&mut tx, id).await?)
        } else {
            None
        };
        let my_claim = match actor.user.person_id {
            Some(p) => store::claim_of(&mut tx, id, p).await?,
            None => None,
        };
        Ok(TaskView { task, claims, my_claim })
    }

    /// Claims a place for the signed-in person: `task_full` when none is left, never more
    /// claims than the capacity (compare-and-set on the task's counter).
    pub async fn claim_task(&self, actor: &Actor, task_id: i64) -> Result<Claim, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.write().await?;
        let task = store::task(&mut tx, task_id).await?;
        if people::person(&mut tx, person_id).await?.street_id != task.street_id {
            return Err(AppError::NotFound);
        }
        if task.status != "open" || task.ends_at <= now_ms() {
            return Err(Refusal::TaskClosed.into());
        }
        let existing = store::claim_of(&mut tx, task_id, person_id).await?;
        if existing.as_ref().is_some_and(|c| c.status != ClaimStatus::Withdrawn.as_str()) {
            return Err(Refusal::AlreadyClaimed.into());
        }
        if !store::take_place(&mut tx, task_id).await? {
            return Err(Refusal::TaskFull.into());
        }
        let id = match existing {
            Some(c) => {
                if !store::reclaim(&mut tx, c.id).await? {
                    return Err(Refusal::AlreadyClaimed.into());
                }
                c.id
            }
            None => store::insert_claim(&mut tx, task.street_id, task_id, person_id)
                .await
                .map_err(|e| match e {
                    // The same person claiming twice at once: the unique key lets one through.
                    onegrid_store::StoreError::Conflict(_) => Refusal::AlreadyClaimed.into(),
                    e => AppError::from(e),
                })?,
        };
        record(
            &mut tx,
            Some(actor),
            task.street_id,
            "claim",
            "volunteer_claim",
            id,
            json!({"task_id": task_id, "person_id": person_id}),
        )
        .await?;
        let claim = store::claim(&mut tx, id).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// A team's leader claims places for the team's members: one ordinary claim per member
    /// (recording the team), all in one transaction, the places taken at once by compare-and-set
    /// (`claimed + n <= capacity`), so a team never overfills the task: `task_full` and nothing
    /// written when the places are not enough. Members who already hold a claim on the task are
    /// refused by name (a field error on `members`), never skipped, so the leader knows who
    /// comes; a member's withdrawn claim is taken up again for the team. The team must work in
    /// the task's community (its unit lies inside it); only its leader may claim for it.
    pub async fn claim_task_for_team(&self, actor: &Actor, task_id: i64, req: &TeamClaim) -> Result<Vec<Claim>, AppError> {
        let leader_id = own_person(actor)?;
        let mut tx = self.db.write().await?;
        let task = store::task(&mut tx, task_id).await?;
        if people::person(&mut tx, leader_id).await?.street_id != task.street_id {
            return Err(AppError::NotFound);
        }
        let team = match store::claiming_team(&mut tx, req.team_id).await {
            Ok(t) if t.street_id == task.street_id => t,
            Ok(_) | Err(onegrid_store::StoreError::NotFound) => return Err(AppError::field("team_id", "is not a team")),
            Err(e) => return Err(e.into()),
        };
        if team.leader_id != Some(leader_id) {
            return Err(AppError::Denied(
                "only the team's leader may claim a task for the team".into(),
            ));
        }
        if team.community_id != Some(task.community_id) {
            return Err(AppError::field("team_id", "the team does not work in the task's community"));
        }
        if task.status != "open" || task.ends_at <= now_ms() {
            return Err(Refusal::TaskClosed.into());
        }
        let mut members: Vec<i64> = Vec::new();
        for p in req.members.clone().unwrap_or_else(|| team.members.clone()) {
            if !members.contains(&p) {
                members.push(p);
            }
        }
        if members.is_empty() {
            return Err(AppError::field("members", "must name at least one member of the team"));
        }
        let mut errors = Vec::new();
        let mut existing = Vec::new();
        for &p in &members {
            if !team.members.contains(&p) {
                errors.push(FieldError::new("members", format!("person {p} is not a member of the team")));
                continue;
            }
            let claim = store::claim_of(&mut tx, task_id, p).await?;
            match claim {
                Some(c) if c.status != ClaimStatus::Withdrawn.as_str() => errors.push(FieldError::new(
                    "members",
                    format!("{} (person {p}) already holds a claim on this task", c.person_name),
                )),
                c => existing.push((p, c.map(|c| c.id))),
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if !store::take_places(&mut tx, task_id, existing.len() as i64).await? {
            return Err(Refusal::TaskFull.into());
        }
        let mut ids = Vec::new();
        for (person_id, withdrawn) in existing {
            let id = match withdrawn {
                Some(id) => {
                    if !store::reclaim_for(&mut tx, id, Some(team.id)).await? {
                        return Err(Refusal::AlreadyClaimed.into());
                    }
                    id
                }
                None => store::insert_claim_for(&mut tx, task.street_id, task_id, person_id, Some(team.id))
                    .await
                    .map_err(|e| match e {
                        // The member claimed at the same moment (or another team took them).
                        onegrid_store::StoreError::Conflict(_) => Refusal::AlreadyClaimed.into(),
                        e => AppError::from(e),
                    })?,
            };
            record(
                &mut tx,
                Some(actor),
                task.street_id,
                "claim",
                "volunteer_claim",
                id,
                json!({"task_id": task_id, "person_id": person_id, "team_id": team.id}),
            )
            .await?;
            ids.push(id);
        }
        let mut claims = Vec::with_capacity(ids.len());
        for id in ids {
            claims.push(store::claim(&mut tx, id).await?);
        }
        tx.commit().await?;
        Ok(claims)
    }

    pub async fn withdraw_claim(&self, actor: &Actor, id: i64) -> Result<Claim, AppError> {
        let mut tx = self.db.write().await?;
        let (claim, task) = claim_for(&mut tx, actor, id, false).await?;
        step(&mut tx, &claim, ClaimAction::Withdraw, "withdrawn_at", None, None, None, None).await?;
        store::free_place(&mut tx, task.id).await?;
        record(
            &mut tx,
            Some(actor),
            task.street_id,
            "withdraw",
            "volunteer_claim",
            id,
            json!({}),
        )
        .await?;
        let claim = store::claim(&mut tx, id).await?;
        tx.commit().await?;
        Ok(claim)
    }

    pub async fn check_in(&self, actor: &Actor, id: i64) -> Result<Claim, AppError> {
        self.clock(actor, id, ClaimAction::CheckIn, "checked_in_at", "check_in").await
    }

    pub async fn check_out(&self, actor: &Actor, id: i64) -> Result<Claim, AppError> {
        self.clock(actor, id, ClaimAction::CheckOut, "checked_out_at", "check_out")
            .await
    }

    async fn clock(
        &self,
        actor: &Actor,
        id: i64,
        action: ClaimAction,
        column: &'static str,
        name: &str,
    ) -> Result<Claim, AppError> {
        let mut tx = self.db.write().await?;
        let (claim, task) = claim_for(&mut tx, actor, id, false).await?;
        step(&mut tx, &claim, action, column, None, None, None, None).await?;
        record(&mut tx, Some(actor), task.street_id, name, "volunteer_claim", id, json!({})).await?;
        let claim = store::claim(&mut tx, id).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// The organiser confirms the service took place and how long it counted.
    pub async fn confirm_claim(&self, actor: &Actor, id: i64, c: &Confirmation) -> Result<Claim, AppError> {
        actor.require(Permission::ManageTasks)?;
        let mut tx = self.db.write().await?;
        let (claim, task) = claim_for(&mut tx, actor, id, true).await?;
        let window = (task.ends_at - task.starts_at) / 60_000;
        let minutes = match c.minutes {
            Some(m) if (0..=window).contains(&m) => m,
            Some(_) => {
                return Err(AppError::field(
                    "minutes",
                    format!("must be from 0 to {window}, the task's length"),
                ));
            }
            None => service_minutes(
                claim.checked_in_at.unwrap_or(task.starts_at),
                claim.checked_out_at.unwrap_or_else(now_ms),
                task.starts_at,
                task.ends_at,
            ),
        };
        step(
            &mut tx,
            &claim,
            ClaimAction::Confirm,
            "confirmed_at",
            Some(("confirmed_by", actor.user.id)),
            Some(minutes),
            None,
            None,
        )
        .await?;
        record(
            &mut tx,
            Some(actor),
            task.street_id,
            "confirm",
            "volunteer_claim",
            id,
            json!({"minutes": minutes}),
        )
        .await?;
        let claim = store::claim(&mut tx, id).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// The evaluation: registers the award for the claim (points and service time) and
    /// approves it as the evaluator, which credits it unless a joint review is needed.
    pub async fn evaluate_claim(&self, actor: &Actor, id: i64, e: &Evaluation) -> Result<Claim, AppError> {
        actor.require(Permission::ManageTasks)?;
        if !(1..=5).contains(&e.rating) {
            return Err(AppError::field("rating", "must be from 1 to 5"));
        }
        let mut tx = self.db.write().await?;
        let (claim, task) = claim_for(&mut tx, actor, id, true).await?;
        let points = match e.points {
            Some(p) if (0..=task.points).contains(&p) => p,
            Some(_) => {
                return Err(AppError::field(
                    "points",
                    format!("must be from 0 to {}, the task's points", task.points),
                ));
            }
            // Poor service earns no points (research §9.3: complaint → 0); the time still counts.
            None if e.rating < 3 => 0,
            None => task.points,
        };
        // The step's state rule first, so a second evaluation is refused before anything is written.
        status_of(&claim)?.after(ClaimAction::Evaluate)?;
        let minutes = claim.minutes.unwrap_or(0);
        let award_id = if points > 0 || minutes > 0 {
            let input = AwardInput {
                person_id: Some(claim.person_id),
                currency: Some("grid_points".into()),
                category: task.category.clone(),
                minutes,
                amount: Some(points),
                note: task.title.clone(),
                activity_on: Some(
                    chrono::DateTime::from_timestamp_millis(task.starts_at)
                        .map(|d| d.date_naive().to_string())
                        .unwrap_or_default(),
                ),
                community_id: Some(task.community_id),
            };
            let award = register_in(&mut tx, actor, &input, Some(("volunteer_claim", claim.id))).await?;
            approve_in(&mut tx, actor, &award).await?;
            Some(award.id)
        } else {
            None
        };
        step(
            &mut tx,
            &claim,
            ClaimAction::Evaluate,
            "evaluated_at",
            Some(("evaluated_by", actor.user.id)),
            None,
            Some(e.rating),
            award_id,
        )
        .await?;
        record(
            &mut tx,
            Some(actor),
            task.street_id,
            "evaluate",
            "volunteer_claim",
            id,
            json!({"rating": e.rating, "points": points, "award_id": award_id}),
        )
        .await?;
        let claim = store::claim(&mut tx, id).await?;
        tx.commit().await?;
        Ok(claim)
    }

    /// Stops further claims; claims already made go on.
    pub async fn close_task(&self, actor: &Actor, id: i64) -> Result<Task, AppError> {
        actor.require(Permission::ManageTasks)?;
        let mut tx = self.db.write().await?;
        let task = store::task(&mut tx, id).await?;
        actor.require_in(Permission::ManageTasks, &task.path())?;
        if !store::set_task_status(&mut tx, id, "open", "closed").await? {
            return Err(Refusal::WrongState.into());
        }
        record(&mut tx, Some(actor), task.street_id, "close", "volunteer_task", id, json!({})).await?;
        let task = store::task(&mut tx, id).await?;
        tx.commit().await?;
        Ok(task)
    }

    /// Where the signed-in person works or lives: the default place of a task they post.
    pub async fn my_place(&self, actor: &Actor) -> Result<UnitPath, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.read().await?;
        place_of(&mut tx, person_id).await
    }

    /// The signed-in person's claims, newest task first: their volunteer record.
    pub async fn my_claims(&self, actor: &Actor) -> Result<Vec<Claim>, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.read().await?;
        Ok(store::claims_of_person(&mut tx, person_id).await?)
    }
}

/// A member as the leader's claim form lists them.
#[derive(Debug, Clone, Serialize)]
pub struct TeamMember {
    pub person_id: i64,
    pub name: String,
}

/// A team the signed-in person leads, with its members by name.
#[derive(Debug, Clone, Serialize)]
pub struct LedTeam {
    pub id: i64,
    pub name: String,
    /// Where the team works: it may claim only this community's tasks.
    pub community_id: Option<i64>,
    pub members: Vec<TeamMember>,
}

impl App {
    /// The teams the signed-in person leads (none for an account without a person).
    pub async fn my_led_teams(&self, actor: &Actor) -> Result<Vec<LedTeam>, AppError> {
        let Some(person_id) = actor.user.person_id else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        let mut out = Vec::new();
        for team in store::teams_led_by(&mut tx, person_id).await? {
            let members = store::team_member_names(&mut tx, team.id)
                .await?
                .into_iter()
                .map(|(person_id, name)| TeamMember { person_id, name })
                .collect();
            out.push(LedTeam {
                id: team.id,
                name: team.name,
                community_id: team.community_id,
                members,
            });
        }
        Ok(out)
    }

    /// Claims taken for the teams the signed-in person leads, newest task first.
    pub async fn my_team_claims(&self, actor: &Actor) -> Result<Vec<Claim>, AppError> {
        let Some(person_id) = actor.user.person_id else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        Ok(store::claims_of_teams_led_by(&mut tx, person_id).await?)
    }
}
