//! Votes: open (with the rules of the street or of this vote), cast (one member one vote),
//! close (quorum and majority decide); or the minutes of a meeting decide.

use onegrid_domain::council::{Ballot, Choice, CouncilRefusal, Majority, Minutes, Tally, TopicAction, TopicStatus, VoteRules};
use onegrid_domain::{DomainError, FieldError};
use onegrid_store::StoreError;
use onegrid_store::council::member as members;
use onegrid_store::council::topic as store;
use onegrid_store::council::vote as votes;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::topic::{TopicView, status_of, topic_for, view_in};
use super::{audit, policy_in, require_run};
use crate::points::own_person;
use crate::{Actor, App, AppError};

/// The rules of a vote about to open; each left out takes the street's setting.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct VoteOptions {
    #[serde(default)]
    pub ballot: Option<String>,
    #[serde(default)]
    pub majority: Option<String>,
    #[serde(default)]
    pub quorum_percent: Option<i64>,
}

/// What a voter gets back: that the vote counted, and (open ballots) what it was.
#[derive(Debug, Clone, Serialize)]
pub struct VoteReceipt {
    pub topic_id: i64,
    pub ballot: String,
    pub choice: Option<String>,
    pub voted_at: i64,
}

fn rules_from(o: &VoteOptions, defaults: VoteRules) -> Result<VoteRules, AppError> {
    let mut errs = Vec::new();
    let ballot = match o.ballot.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => defaults.ballot,
        Some(b) => Ballot::parse(b).unwrap_or_else(|| {
            errs.push(FieldError::new("ballot", "must be open or secret"));
            defaults.ballot
        }),
    };
    let majority = match o.majority.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => defaults.majority,
        Some(m) => Majority::parse(m).unwrap_or_else(|| {
            errs.push(FieldError::new("majority", "must be simple or two_thirds"));
            defaults.majority
        }),
    };
    let rules = VoteRules {
        quorum_percent: o.quorum_percent.unwrap_or(defaults.quorum_percent),
        majority,
        ballot,
    };
    if let Err(DomainError::Invalid(f)) = rules.check() {
        errs.extend(f);
    }
    if errs.is_empty() {
        Ok(rules)
    } else {
        Err(AppError::Invalid(errs))
    }
}

fn rules_of(t: &store::Topic) -> Result<VoteRules, AppError> {
    let broken = || AppError::Internal(format!("topic {} has no complete vote rules", t.id));
    Ok(VoteRules {
        quorum_percent: t.quorum_percent.ok_or_else(broken)?,
        majority: t.majority.as_deref().and_then(Majority::parse).ok_or_else(broken)?,
        ballot: t.ballot.as_deref().and_then(Ballot::parse).ok_or_else(broken)?,
    })
}

impl App {
    /// Opens the vote; the electorate is the grid council's members at this moment.
    pub async fn open_vote(&self, actor: &Actor, id: i64, o: &VoteOptions) -> Result<TopicView, AppError> {
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        require_run(actor, &a)?;
        let rules = rules_from(o, policy_in(&mut tx, topic.street_id).await?.rules())?;
        let from = status_of(&topic)?;
        from.after(TopicAction::OpenVote)?;
        let electorate = members::count_active(&mut tx, topic.grid_id).await?;
        if electorate == 0 {
            return Err(CouncilRefusal::NoMembers.into());
        }
        if !store::open_vote(&mut tx, id, from.as_str(), &rules, electorate).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "open_vote",
            "council_topic",
            id,
            json!({"rules": rules, "electorate": electorate}),
        )
        .await?;
        let topic = store::topic(&mut tx, id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// One member, one vote: the member's seat must date from before the vote opened. A second
    /// vote is refused with `already_voted`, also when two arrive at once (unique index).
    pub async fn cast_vote(&self, actor: &Actor, id: i64, choice: &str) -> Result<VoteReceipt, AppError> {
        let choice = Choice::parse(choice.trim()).ok_or_else(|| AppError::field("choice", "must be yes, no or abstain"))?;
        let person_id = own_person(actor)?;
        let mut tx = self.db.write().await?;
        let (topic, _) = topic_for(&mut tx, actor, id).await?;
        if status_of(&topic)? != TopicStatus::Voting {
            return Err(CouncilRefusal::WrongState.into());
        }
        let opened = topic.vote_opened_at.unwrap_or(i64::MIN);
        let member = members::active(&mut tx, topic.grid_id, person_id)
            .await?
            .filter(|m| m.appointed_at <= opened)
            .ok_or(AppError::Forbidden)?;
        if votes::of_person(&mut tx, id, person_id).await?.is_some() {
            return Err(CouncilRefusal::AlreadyVoted.into());
        }
        let rules = rules_of(&topic)?;
        // A secret ballot keeps who voted, never what: the choice goes only into the count.
        let kept = (rules.ballot == Ballot::Open).then_some(choice.as_str());
        votes::insert(&mut tx, topic.street_id, id, member.id, person_id, kept)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => CouncilRefusal::AlreadyVoted.into(),
                e => AppError::from(e),
            })?;
        if !store::count_vote(&mut tx, id, choice).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "vote",
            "council_topic",
            id,
            json!({"member_id": member.id, "choice": kept}),
        )
        .await?;
        let vote = votes::of_person(&mut tx, id, person_id)
            .await?
            .ok_or_else(|| AppError::Internal("vote vanished".into()))?;
        tx.commit().await?;
        Ok(VoteReceipt {
            topic_id: id,
            ballot: rules.ballot.as_str().into(),
            choice: vote.choice,
            voted_at: vote.voted_at,
        })
    }

    /// Closes the vote: without the quorum `no_quorum`, else adopted or rejected by the majority.
    pub async fn close_vote(&self, actor: &Actor, id: i64) -> Result<TopicView, AppError> {
        let mut tx = self.db.write().await?;
        store::lock(&mut tx, id).await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        require_run(actor, &a)?;
        let from = status_of(&topic)?;
        if from != TopicStatus::Voting {
            return Err(CouncilRefusal::WrongState.into());
        }
        let rules = rules_of(&topic)?;
        let tally = Tally {
            electorate: topic.electorate.unwrap_or(0),
            yes: topic.votes_yes,
            no: topic.votes_no,
            abstain: topic.votes_abstain,
        };
        let outcome = tally.outcome(&rules);
        let to = from.after(TopicAction::CloseVote(outcome))?;
        if !store::close_vote(&mut tx, id, to.as_str()).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "close_vote",
            "council_topic",
            id,
            json!({"tally": tally, "outcome": outcome}),
        )
        .await?;
        let topic = store::topic(&mut tx, id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The minutes of a meeting decide the topic (adopted or rejected).
    pub async fn record_minutes(&self, actor: &Actor, id: i64, m: &Minutes) -> Result<TopicView, AppError> {
        let adopted = m.check()?;
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        require_run(actor, &a)?;
        let from = status_of(&topic)?;
        let to = from.after(TopicAction::Minutes(adopted))?;
        if !store::record_minutes(&mut tx, id, from.as_str(), to.as_str(), m.minutes.trim(), m.held_on.trim()).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "minutes",
            "council_topic",
            id,
            json!({"decision": m.decision.trim(), "held_on": m.held_on.trim()}),
        )
        .await?;
        let topic = store::topic(&mut tx, id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }
}
