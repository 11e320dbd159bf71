//! P6: the grid council (网格议事会) and micro-update projects (微更新).
//!
//! A topic is raised by a resident or staff member in a grid, discussed (comments), decided by
//! the grid's council members in a vote (one member one vote; quorum, majority and secrecy are
//! settings) or by the minutes of a meeting, then implemented through items with owners and
//! deadlines whose progress is supervised by status reports. Micro-update projects (elevator
//! installation, water pipes, pocket parks) go through ordered stages, record the problems found
//! on the way and their milestones, and end with an acceptance that carries photos.

mod item;
mod project;
mod refusal;
mod topic;
mod vote;

pub use item::{ItemStatus, NewItem, NewReport, overdue, valid_date};
pub use project::{
    Acceptance, NewMilestone, NewProblem, NewProject, ProblemStatus, ProjectKind, ProjectStatus, StageStatus,
    acceptance_blockers, check_stage_name, stage_may_finish,
};
pub use refusal::CouncilRefusal;
pub use topic::{Minutes, NewTopic, TopicAction, TopicStatus};
pub use vote::{Ballot, Choice, CouncilPolicy, Majority, Outcome, Tally, VoteRules};
