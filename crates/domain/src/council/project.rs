use serde::{Deserialize, Serialize};

use super::item::valid_date;
use super::refusal::CouncilRefusal;
use crate::DomainError;
use crate::error::Checks;

/// The usual micro-updates of old neighbourhoods (SPEC P6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectKind {
    /// 加装电梯.
    Elevator,
    /// 水管改造.
    WaterPipes,
    /// 口袋公园.
    PocketPark,
    Other,
}

impl ProjectKind {
    pub const ALL: [ProjectKind; 4] = [
        ProjectKind::Elevator,
        ProjectKind::WaterPipes,
        ProjectKind::PocketPark,
        ProjectKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectKind::Elevator => "elevator",
            ProjectKind::WaterPipes => "water_pipes",
            ProjectKind::PocketPark => "pocket_park",
            ProjectKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectKind> {
        ProjectKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// planned → under_way (when a stage starts) → accepted (when an acceptance passes). An
/// accepted project is finished: its record no longer changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    UnderWay,
    Accepted,
}

impl ProjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Planned => "planned",
            ProjectStatus::UnderWay => "under_way",
            ProjectStatus::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectStatus> {
        [ProjectStatus::Planned, ProjectStatus::UnderWay, ProjectStatus::Accepted]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn open(self) -> bool {
        self != ProjectStatus::Accepted
    }
}

/// A stage: pending → in_progress → done (a short stage may be marked done at once).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageStatus {
    Pending,
    InProgress,
    Done,
}

impl StageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StageStatus::Pending => "pending",
            StageStatus::InProgress => "in_progress",
            StageStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<StageStatus> {
        [StageStatus::Pending, StageStatus::InProgress, StageStatus::Done]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn start(self) -> Result<StageStatus, CouncilRefusal> {
        match self {
            StageStatus::Pending => Ok(StageStatus::InProgress),
            _ => Err(CouncilRefusal::WrongState),
        }
    }

    pub fn finish(self) -> Result<StageStatus, CouncilRefusal> {
        match self {
            StageStatus::Pending | StageStatus::InProgress => Ok(StageStatus::Done),
            StageStatus::Done => Err(CouncilRefusal::WrongState),
        }
    }
}

/// Stages are done in order: the stage at `position` may be finished once every earlier one is.
pub fn stage_may_finish(position: i64, stages: &[(i64, StageStatus)]) -> Result<(), CouncilRefusal> {
    if stages.iter().all(|(p, s)| *p >= position || *s == StageStatus::Done) {
        Ok(())
    } else {
        Err(CouncilRefusal::EarlierStagesOpen)
    }
}

/// What stands in the way of accepting a project: stages not done, problems not resolved.
pub fn acceptance_blockers(stages: &[StageStatus], open_problems: usize) -> Vec<&'static str> {
    let mut out = Vec::new();
    if stages.is_empty() || stages.iter().any(|s| *s != StageStatus::Done) {
        out.push("every stage must be done");
    }
    if open_problems > 0 {
        out.push("every problem found must be resolved");
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    Open,
    Resolved,
}

impl ProblemStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemStatus::Open => "open",
            ProblemStatus::Resolved => "resolved",
        }
    }
}

fn len(s: &str) -> usize {
    s.trim().chars().count()
}

pub fn check_stage_name(c: &mut Checks, field: &str, name: &str) {
    c.check((1..=100).contains(&len(name)), field, "a stage name has 1–100 characters");
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProject {
    pub community_id: i64,
    #[serde(default)]
    pub grid_id: Option<i64>,
    /// The council topic that decided the project, if any.
    #[serde(default)]
    pub topic_id: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub kind: ProjectKind,
    /// The stages in order.
    #[serde(default)]
    pub stages: Vec<String>,
}

impl NewProject {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check((1..=100).contains(&len(&self.title)), "title", "must be 1–100 characters");
        c.check(
            len(&self.description) <= 4000,
            "description",
            "must be at most 4000 characters",
        );
        c.check((1..=20).contains(&self.stages.len()), "stages", "list 1–20 stages in order");
        for (i, s) in self.stages.iter().enumerate() {
            check_stage_name(&mut c, &format!("stages[{i}]"), s);
        }
        c.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProblem {
    /// The stage in which it was found.
    #[serde(default)]
    pub stage_id: Option<i64>,
    pub description: String,
}

impl NewProblem {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(
            (1..=2000).contains(&len(&self.description)),
            "description",
            "must be 1–2000 characters",
        );
        c.finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMilestone {
    pub name: String,
    /// `YYYY-MM-DD`.
    pub due_on: String,
}

impl NewMilestone {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check((1..=100).contains(&len(&self.name)), "name", "must be 1–100 characters");
        c.check(valid_date(self.due_on.trim()), "due_on", "must be a date (YYYY-MM-DD)");
        c.finish()
    }
}

/// The acceptance (验收) of a project, with photos: the ids of files uploaded to the evidence
/// store (C7) beforehand; a passed acceptance shows at least one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    #[serde(default)]
    pub passed: bool,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub photos: Vec<i64>,
}

impl Acceptance {
    pub fn check(&self) -> Result<(), DomainError> {
        let mut c = Checks::new();
        c.check(len(&self.note) <= 2000, "note", "must be at most 2000 characters");
        c.check(
            self.passed || len(&self.note) > 0,
            "note",
            "say what must be redone when the acceptance fails",
        );
        c.check(self.photos.len() <= 20, "photos", "at most 20 photos");
        c.check(
            !self.passed || !self.photos.is_empty(),
            "photos",
            "a passed acceptance needs at least one photo",
        );
        let mut seen = std::collections::HashSet::new();
        c.check(
            self.photos.iter().all(|p| *p > 0 && seen.insert(*p)),
            "photos",
            "each photo is the id of an uploaded file, named once",
        );
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn p6_stages_finish_in_order() {
        use StageStatus::*;
        let stages = [(1, Done), (2, InProgress), (3, Pending)];
        assert_eq!(stage_may_finish(2, &stages), Ok(()));
        assert_eq!(stage_may_finish(3, &stages), Err(CouncilRefusal::EarlierStagesOpen));
        assert_eq!(Pending.start(), Ok(InProgress));
        assert_eq!(InProgress.start(), Err(CouncilRefusal::WrongState));
        assert_eq!(Pending.finish(), Ok(Done));
        assert_eq!(Done.finish(), Err(CouncilRefusal::WrongState));
    }

    #[test]
    fn p6_acceptance_needs_done_stages_resolved_problems_and_photos() {
        use StageStatus::*;
        assert!(acceptance_blockers(&[Done, Done], 0).is_empty());
        assert_eq!(acceptance_blockers(&[Done, InProgress], 1).len(), 2);
        assert_eq!(acceptance_blockers(&[], 0).len(), 1);
        let ok = Acceptance {
            passed: true,
            note: String::new(),
            photos: vec![7],
        };
        assert!(ok.check().is_ok());
        let DomainError::Invalid(f) = Acceptance {
            passed: true,
            photos: vec![],
            ..ok.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(f[0].field, "photos");
        let DomainError::Invalid(f) = Acceptance {
            passed: false,
            photos: vec![3, 3],
            note: String::new(),
        }
        .check()
        .unwrap_err();
        assert_eq!(f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["note", "photos"]);
    }

    #[test]
    fn p6_project_checks_name_the_fields() {
        let p = NewProject {
            community_id: 1,
            grid_id: None,
            topic_id: None,
            title: "3号楼加装电梯".into(),
            description: String::new(),
            kind: ProjectKind::Elevator,
            stages: vec!["方案公示".into(), "施工".into(), "验收".into()],
        };
        assert!(p.check().is_ok());
        let DomainError::Invalid(f) = NewProject {
            title: "".into(),
            stages: vec!["ok".into(), " ".into()],
            ..p.clone()
        }
        .check()
        .unwrap_err();
        assert_eq!(f.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["title", "stages[1]"]);
        let DomainError::Invalid(f) = NewProject { stages: vec![], ..p }.check().unwrap_err();
        assert_eq!(f[0].field, "stages");
        let DomainError::Invalid(f) = NewMilestone {
            name: "完工".into(),
            due_on: "soon".into(),
        }
        .check()
        .unwrap_err();
        assert_eq!(f[0].field, "due_on");
        for k in ProjectKind::ALL {
            assert_eq!(ProjectKind::parse(k.as_str()), Some(k));
        }
    }
}
