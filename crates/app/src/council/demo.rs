//! D4 for P6: loads the demo council (`onegrid_demo::council`) in the demo's transaction
//! through the council's store functions, in the order the use cases would write them.

use onegrid_demo::{Council, DemoDecision};
use onegrid_domain::council::{
    Ballot, CouncilPolicy, Majority, NewProject, NewTopic, StageStatus, Tally, TopicStatus, VoteRules,
};
use onegrid_domain::people::UnitPath;
use onegrid_store::Tx;
use onegrid_store::accounts::{self as accounts_store, User};
use onegrid_store::council::item::{self as items, NewItemRow};
use onegrid_store::council::{member, project, topic, vote};
use onegrid_store::{people, territory};

use crate::AppError;

const DAY: i64 = 86_400_000;

fn internal(what: &str) -> AppError {
    AppError::Internal(format!("demo council: {what}"))
}

fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_default()
}

async fn user(tx: &mut Tx, username: &str) -> Result<User, AppError> {
    accounts_store::user_by_name(tx, username)
        .await?
        .ok_or_else(|| internal(&format!("no account {username}")))
}

async fn person(tx: &mut Tx, code: &str) -> Result<i64, AppError> {
    Ok(people::person_by_code(tx, code)
        .await?
        .ok_or_else(|| internal(&format!("no person {code}")))?
        .id)
}

pub(crate) async fn load(tx: &mut Tx, street_id: i64, c: &Council, now: i64) -> Result<Vec<(&'static str, usize)>, AppError> {
    let grid = territory::area_by_code(tx, &c.grid_code)
        .await?
        .ok_or_else(|| internal("no grid"))?;
    let path: UnitPath = grid.path();
    if path.street_id != street_id {
        return Err(internal("the grid is in another street"));
    }
    let runner = user(tx, &c.runner).await?;
    let mut members = Vec::new();
    for code in &c.members {
        let pid = person(tx, code).await?;
        members.push((member::insert(tx, &path, pid, runner.id).await?, pid));
    }
    let policy = CouncilPolicy::default();
    let mut topic_ids = Vec::new();
    let (mut votes, mut item_count) = (0, 0);
    for t in &c.topics {
        let raiser = user(tx, &t.raised_by).await?;
        let new = NewTopic {
            grid_id: grid.id,
            title: t.title.into(),
            content: t.content.into(),
        };
        new.check()?;
        let id = topic::insert(tx, &path, &new, raiser.id, raiser.person_id, TopicStatus::Raised.as_str()).await?;
        topic::follow(tx, street_id, id, raiser.id).await?;
        for (who, text) in &t.comments {
            let u = user(tx, who).await?;
            topic::insert_comment(tx, street_id, id, u.id, u.person_id, text).await?;
        }
        let mut status = TopicStatus::Raised;
        let vote_on = |ballot: Ballot, majority: Majority, quorum_percent: i64| VoteRules {
            quorum_percent,
            majority,
            ballot,
        };
        match &t.decision {
            DemoDecision::Discussing => {
                topic::set_status(tx, id, status.as_str(), TopicStatus::Discussing.as_str()).await?;
                status = TopicStatus::Discussing;
            }
            DemoDecision::Voting { ballot, votes: cast } | DemoDecision::Voted { ballot, votes: cast, .. } => {
                let rules = match &t.decision {
                    DemoDecision::Voted {
                        majority,
                        quorum_percent,
                        ..
                    } => vote_on(*ballot, *majority, *quorum_percent),
                    _ => vote_on(*ballot, policy.majority, policy.quorum_percent),
                };
                topic::open_vote(tx, id, status.as_str(), &rules, members.len() as i64).await?;
                status = TopicStatus::Voting;
                let mut tally = Tally {
                    electorate: members.len() as i64,
                    ..Tally::default()
                };
                for (m, choice) in cast {
                    let Some(&(member_id, pid)) = members.get(*m) else { continue };
                    let kept = (*ballot == Ballot::Open).then_some(choice.as_str());
                    vote::insert(tx, street_id, id, member_id, pid, kept).await?;
                    topic::count_vote(tx, id, *choice).await?;
                    tally.add(*choice);
                    votes += 1;
                }
                if matches!(t.decision, DemoDecision::Voted { .. }) {
                    let to = status.after(onegrid_domain::council::TopicAction::CloseVote(tally.outcome(&rules)))?;
                    topic::close_vote(tx, id, to.as_str()).await?;
                    status = to;
                }
            }
            DemoDecision::Minutes {
                adopted,
                minutes,
                days_ago,
            } => {
                let to = if *adopted {
                    TopicStatus::Adopted
                } else {
                    TopicStatus::Rejected
                };
                topic::record_minutes(tx, id, status.as_str(), to.as_str(), minutes, &date(now - days_ago * DAY)).await?;
                status = to;
            }
        }
        if !t.items.is_empty() && status == TopicStatus::Adopted {
            topic::set_status(tx, id, status.as_str(), TopicStatus::Implementing.as_str()).await?;
            for i in &t.items {
                let owner = person(tx, &i.owner_person_code).await?;
                let item_id = items::insert(
                    tx,
                    NewItemRow {
                        path: &path,
                        topic_id: id,
                        title: i.title,
                        owner_person_id: owner,
                        deadline: &date(now + i.deadline_in_days * DAY),
                        created_by: runner.id,
                    },
                )
                .await?;
                let mut at = onegrid_domain::council::ItemStatus::Open;
                for (to, note) in &i.reports {
                    let to = at.report(*to)?;
                    items::set_status(tx, item_id, at.as_str(), to.as_str()).await?;
                    items::insert_report(tx, street_id, item_id, to.as_str(), note, runner.id).await?;
                    at = to;
                }
                item_count += 1;
            }
        }
        topic_ids.push(id);
    }
    let (mut problems, mut milestones) = (0, 0);
    for p in &c.projects {
        let new = NewProject {
            community_id: grid.community_id.ok_or_else(|| internal("grid without community"))?,
            grid_id: Some(grid.id),
            topic_id: p.topic.and_then(|i| topic_ids.get(i).copied()),
            title: p.title.into(),
            description: p.description.into(),
            kind: p.kind,
            stages: p.stages.iter().map(|s| s.0.to_string()).collect(),
        };
        new.check()?;
        let id = project::insert(tx, &path, &new, runner.id).await?;
        let mut stage_ids = Vec::new();
        for (name, status) in &p.stages {
            let sid = project::append_stage(tx, street_id, id, name).await?;
            if *status != StageStatus::Pending {
                project::set_stage_status(tx, sid, "pending", StageStatus::InProgress.as_str()).await?;
            }
            if *status == StageStatus::Done {
                project::set_stage_status(tx, sid, StageStatus::InProgress.as_str(), StageStatus::Done.as_str()).await?;
            }
            stage_ids.push(sid);
        }
        if p.stages.iter().any(|s| s.1 != StageStatus::Pending) {
            project::set_status(tx, id, "planned", "under_way").await?;
        }
        for (text, stage, resolution) in &p.problems {
            let problem = onegrid_domain::council::NewProblem {
                stage_id: stage_ids.get(*stage).copied(),
                description: text.to_string(),
            };
            let pid = project::insert_problem(tx, street_id, id, &problem, runner.id).await?;
            if let Some(r) = resolution {
                project::resolve_problem(tx, pid, runner.id, r).await?;
            }
            problems += 1;
        }
        for (name, days, reached) in &p.milestones {
            let due_on = date(now + days * DAY);
            let m = onegrid_domain::council::NewMilestone {
                name: name.to_string(),
                due_on: due_on.clone(),
            };
            let mid = project::insert_milestone(tx, street_id, id, &m).await?;
            if *reached {
                project::reach_milestone(tx, mid, &due_on).await?;
            }
            milestones += 1;
        }
    }
    Ok(vec![
        ("council_members", members.len()),
        ("council_topics", topic_ids.len()),
        ("council_votes", votes),
        ("council_items", item_count),
        ("council_projects", c.projects.len()),
        ("council_project_problems", problems),
        ("council_project_milestones", milestones),
    ])
}
