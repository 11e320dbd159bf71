//! Micro-update projects: created by the staff who run the council, stages done in order,
//! problems found (by staff or the community's people) and resolved, milestones, and the
//! acceptance with photos that finishes the project.

use onegrid_domain::FieldError;
use onegrid_domain::council::{
    Acceptance, CouncilRefusal, NewMilestone, NewProblem, NewProject, ProjectStatus, StageStatus, acceptance_blockers,
    check_stage_name, stage_may_finish, valid_date,
};
use onegrid_domain::error::Checks;
use onegrid_domain::people::{Permission, UnitPath};
use onegrid_store::Tx;
use onegrid_store::council::project::{self as store, AcceptanceRecord, Milestone, Problem, Project, Stage};
use onegrid_store::council::topic as topics;
use onegrid_store::territory;
use serde::Serialize;
use serde_json::json;

use super::{Access, access, audit, community_for_list, require_run};
use crate::points::community_path;
use crate::{Actor, App, AppError, today};

#[derive(Debug, Clone, Serialize)]
pub struct ProjectView {
    pub project: Project,
    pub stages: Vec<Stage>,
    pub problems: Vec<Problem>,
    pub milestones: Vec<Milestone>,
    pub acceptances: Vec<AcceptanceRecord>,
    /// What still stands in the way of a passing acceptance.
    pub blockers: Vec<&'static str>,
    pub can_run: bool,
    /// May report a problem found.
    pub can_report: bool,
}

fn project_status(p: &Project) -> Result<ProjectStatus, AppError> {
    ProjectStatus::parse(&p.status).ok_or_else(|| AppError::Internal(format!("project {} has status {}", p.id, p.status)))
}

fn stage_status(s: &Stage) -> Result<StageStatus, AppError> {
    StageStatus::parse(&s.status).ok_or_else(|| AppError::Internal(format!("stage {} has status {}", s.id, s.status)))
}

async fn view_in(tx: &mut Tx, project: Project, a: &Access) -> Result<ProjectView, AppError> {
    let stages = store::stages(tx, project.id).await?;
    let problems = store::problems(tx, project.id).await?;
    let statuses: Vec<StageStatus> = stages.iter().map(stage_status).collect::<Result<_, _>>()?;
    let open_problems = problems.iter().filter(|p| p.status == "open").count();
    let open = project_status(&project)?.open();
    Ok(ProjectView {
        blockers: if open {
            acceptance_blockers(&statuses, open_problems)
        } else {
            Vec::new()
        },
        milestones: store::milestones(tx, project.id).await?,
        acceptances: store::acceptances(tx, project.id).await?,
        can_run: a.run,
        can_report: open && (a.run || a.local),
        stages,
        problems,
        project,
    })
}

/// Whether the user may see the project an acceptance photo belongs to.
pub(crate) async fn may_see_acceptance(tx: &mut Tx, actor: &Actor, acceptance_id: i64) -> Result<bool, AppError> {
    let project_id = store::acceptance_project(tx, acceptance_id).await?;
    match project_for(tx, actor, project_id).await {
        Ok(_) => Ok(true),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A project the user may see, with their access.
async fn project_for(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(Project, Access), AppError> {
    let project = store::project(tx, id).await?;
    let a = access(tx, actor, &project.path()).await?;
    Ok((project, a))
}

/// A project the user runs and that is not yet accepted.
async fn open_project_to_run(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(Project, Access), AppError> {
    let (project, a) = project_for(tx, actor, id).await?;
    require_run(actor, &a)?;
    if !project_status(&project)?.open() {
        return Err(CouncilRefusal::WrongState.into());
    }
    Ok((project, a))
}

/// Work on a stage puts a planned project under way.
async fn under_way(tx: &mut Tx, project: &Project) -> Result<(), AppError> {
    if project.status == ProjectStatus::Planned.as_str() {
        store::set_status(tx, project.id, "planned", ProjectStatus::UnderWay.as_str()).await?;
    }
    Ok(())
}

impl App {
    pub async fn create_project(&self, actor: &Actor, p: &NewProject) -> Result<ProjectView, AppError> {
        actor.require(Permission::RunCouncil)?;
        p.check()?;
        let mut tx = self.db.write().await?;
        let mut path = community_path(&mut tx, p.community_id)
            .await
            .map_err(|_| AppError::field("community_id", "is not a community"))?;
        if let Some(g) = p.grid_id {
            let grid = territory::area(&mut tx, g)
                .await
                .map_err(|_| AppError::field("grid_id", "is not a grid"))?;
            if grid.level != "grid" || grid.community_id != Some(p.community_id) {
                return Err(AppError::field("grid_id", "is not a grid of the community"));
            }
            path = UnitPath {
                grid_id: Some(g),
                ..path
            };
        }
        actor.require_in(Permission::RunCouncil, &path)?;
        if let Some(t) = p.topic_id {
            let topic = topics::topic(&mut tx, t)
                .await
                .map_err(|_| AppError::field("topic_id", "is not a council topic"))?;
            if topic.community_id != p.community_id {
                return Err(AppError::field("topic_id", "is a topic of another community"));
            }
        }
        let id = store::insert(&mut tx, &path, p, actor.user.id).await?;
        for s in &p.stages {
            store::append_stage(&mut tx, path.street_id, id, s.trim()).await?;
        }
        audit(
            &mut tx,
            actor,
            path.street_id,
            "create",
            "council_project",
            id,
            json!({"title": p.title.trim(), "kind": p.kind, "stages": p.stages.len()}),
        )
        .await?;
        let project = store::project(&mut tx, id).await?;
        let a = access(&mut tx, actor, &path).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Projects to show: staff without a community see those they run; everyone else those of a
    /// community of their street, their own by default.
    pub async fn council_projects(&self, actor: &Actor, community_id: Option<i64>) -> Result<Vec<Project>, AppError> {
        let mut tx = self.db.read().await?;
        if community_id.is_none() && actor.can(Permission::RunCouncil) {
            return Ok(store::in_scope(&mut tx, &actor.scope(Permission::RunCouncil), 500).await?);
        }
        let community_id = community_for_list(&mut tx, actor, community_id).await?;
        Ok(store::of_community(&mut tx, community_id).await?)
    }

    pub async fn council_project(&self, actor: &Actor, id: i64) -> Result<ProjectView, AppError> {
        let mut tx = self.db.read().await?;
        let (project, a) = project_for(&mut tx, actor, id).await?;
        view_in(&mut tx, project, &a).await
    }

    /// Appends a stage at the end.
    pub async fn add_stage(&self, actor: &Actor, project_id: i64, name: &str) -> Result<ProjectView, AppError> {
        let mut c = Checks::new();
        check_stage_name(&mut c, "name", name);
        c.finish()?;
        let mut tx = self.db.write().await?;
        let (project, a) = open_project_to_run(&mut tx, actor, project_id).await?;
        let id = store::append_stage(&mut tx, project.street_id, project_id, name.trim()).await?;
        audit(
            &mut tx,
            actor,
            project.street_id,
            "add_stage",
            "council_project",
            project_id,
            json!({"stage_id": id, "name": name.trim()}),
        )
        .await?;
        let project = store::project(&mut tx, project_id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Starts (`finish = false`) or finishes a stage; stages finish in order.
    pub async fn move_stage(&self, actor: &Actor, stage_id: i64, finish: bool) -> Result<ProjectView, AppError> {
        let mut tx = self.db.write().await?;
        let stage = store::stage(&mut tx, stage_id).await?;
        let (project, a) = open_project_to_run(&mut tx, actor, stage.project_id).await?;
        let from = stage_status(&stage)?;
        let to = if finish {
            let all: Vec<(i64, StageStatus)> = store::stages(&mut tx, project.id)
                .await?
                .iter()
                .map(|s| Ok((s.position, stage_status(s)?)))
                .collect::<Result<_, AppError>>()?;
            stage_may_finish(stage.position, &all)?;
            from.finish()?
        } else {
            from.start()?
        };
        if !store::set_stage_status(&mut tx, stage_id, from.as_str(), to.as_str()).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        under_way(&mut tx, &project).await?;
        audit(
            &mut tx,
            actor,
            project.street_id,
            if finish { "finish_stage" } else { "start_stage" },
            "council_project",
            project.id,
            json!({"stage_id": stage_id, "to": to.as_str()}),
        )
        .await?;
        let project = store::project(&mut tx, project.id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A problem found on the project, by the staff or a person of the community.
    pub async fn report_problem(&self, actor: &Actor, project_id: i64, p: &NewProblem) -> Result<ProjectView, AppError> {
        p.check()?;
        let mut tx = self.db.write().await?;
        let (project, a) = project_for(&mut tx, actor, project_id).await?;
        if !(a.run || a.local) {
            return Err(AppError::Forbidden);
        }
        if !project_status(&project)?.open() {
            return Err(CouncilRefusal::WrongState.into());
        }
        if let Some(s) = p.stage_id {
            if store::stage(&mut tx, s).await.ok().map(|s| s.project_id) != Some(project_id) {
                return Err(AppError::field("stage_id", "is not a stage of this project"));
            }
        }
        let id = store::insert_problem(&mut tx, project.street_id, project_id, p, actor.user.id).await?;
        audit(
            &mut tx,
            actor,
            project.street_id,
            "report_problem",
            "council_project",
            project_id,
            json!({"problem_id": id, "stage_id": p.stage_id}),
        )
        .await?;
        let project = store::project(&mut tx, project_id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn resolve_problem(&self, actor: &Actor, problem_id: i64, resolution: &str) -> Result<ProjectView, AppError> {
        let resolution = resolution.trim();
        if !(1..=2000).contains(&resolution.chars().count()) {
            return Err(AppError::field("resolution", "must be 1–2000 characters"));
        }
        let mut tx = self.db.write().await?;
        let problem = store::problem(&mut tx, problem_id).await?;
        let (project, a) = open_project_to_run(&mut tx, actor, problem.project_id).await?;
        if !store::resolve_problem(&mut tx, problem_id, actor.user.id, resolution).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            project.street_id,
            "resolve_problem",
            "council_project",
            project.id,
            json!({"problem_id": problem_id}),
        )
        .await?;
        let project = store::project(&mut tx, project.id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    pub async fn add_milestone(&self, actor: &Actor, project_id: i64, m: &NewMilestone) -> Result<ProjectView, AppError> {
        m.check()?;
        let mut tx = self.db.write().await?;
        let (project, a) = open_project_to_run(&mut tx, actor, project_id).await?;
        let id = store::insert_milestone(&mut tx, project.street_id, project_id, m).await?;
        audit(
            &mut tx,
            actor,
            project.street_id,
            "add_milestone",
            "council_project",
            project_id,
            json!({"milestone_id": id, "due_on": m.due_on.trim()}),
        )
        .await?;
        let project = store::project(&mut tx, project_id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Marks a milestone reached, today unless `on` says otherwise.
    pub async fn reach_milestone(&self, actor: &Actor, milestone_id: i64, on: Option<&str>) -> Result<ProjectView, AppError> {
        let date = on
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(String::from)
            .unwrap_or_else(today);
        if !valid_date(&date) {
            return Err(FieldError::new("done_on", "must be a date (YYYY-MM-DD)").into());
        }
        let mut tx = self.db.write().await?;
        let milestone = store::milestone(&mut tx, milestone_id).await?;
        let (project, a) = open_project_to_run(&mut tx, actor, milestone.project_id).await?;
        if !store::reach_milestone(&mut tx, milestone_id, &date).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            project.street_id,
            "reach_milestone",
            "council_project",
            project.id,
            json!({"milestone_id": milestone_id, "done_on": date}),
        )
        .await?;
        let project = store::project(&mut tx, project.id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The acceptance: recorded whether it passes or not; a passing one needs every stage done
    /// and every problem resolved (`not_ready`), and finishes the project.
    pub async fn accept_project(&self, actor: &Actor, project_id: i64, acc: &Acceptance) -> Result<ProjectView, AppError> {
        acc.check()?;
        let mut tx = self.db.write().await?;
        let (project, a) = open_project_to_run(&mut tx, actor, project_id).await?;
        if acc.passed {
            let view = view_in(&mut tx, project.clone(), &a).await?;
            if !view.blockers.is_empty() {
                return Err(AppError::Refused(
                    CouncilRefusal::NotReady.code(),
                    format!("not ready for acceptance: {}", view.blockers.join("; ")),
                ));
            }
        }
        let id = store::insert_acceptance(&mut tx, project.street_id, project_id, acc, actor.user.id).await?;
        if !onegrid_store::case::evidence::attach_to_acceptance(&mut tx, project.street_id, id, actor.user.id, &acc.photos)
            .await?
        {
            return Err(AppError::field(
                "photos",
                "each must be a file you uploaded to this street and that nothing holds yet",
            ));
        }
        if acc.passed && !store::set_status(&mut tx, project_id, &project.status, ProjectStatus::Accepted.as_str()).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            project.street_id,
            "acceptance",
            "council_project",
            project_id,
            json!({"acceptance_id": id, "passed": acc.passed, "photos": acc.photos.len()}),
        )
        .await?;
        let project = store::project(&mut tx, project_id).await?;
        let view = view_in(&mut tx, project, &a).await?;
        tx.commit().await?;
        Ok(view)
    }
}

/// A problem of a project the actor runs, with its project (P6 → C1).
pub(super) async fn project_problem_for_run(tx: &mut Tx, actor: &Actor, problem_id: i64) -> Result<(Problem, Project), AppError> {
    let problem = store::problem(tx, problem_id).await?;
    let (project, _) = open_project_to_run(tx, actor, problem.project_id).await?;
    Ok((problem, project))
}
