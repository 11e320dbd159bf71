//! Topics: raise, list, read, take up for discussion, comment, follow, close.

use onegrid_domain::council::{Ballot, NewTopic, Tally, TopicAction, TopicStatus};
use onegrid_domain::people::Permission;
use onegrid_store::Tx;
use onegrid_store::council::item::{self as items, Report};
use onegrid_store::council::member::{self as members, Member};
use onegrid_store::council::topic::{self as store, Comment, Topic};
use onegrid_store::council::vote::{self as votes, Vote};
use serde::Serialize;
use serde_json::json;

use super::item::ItemView;
use super::{Access, access, audit, community_for_list, grid_path, in_street, require_run};
use crate::{Actor, App, AppError, today};

/// A topic as the signed-in user may see it.
#[derive(Debug, Clone, Serialize)]
pub struct TopicView {
    pub topic: Topic,
    /// The count: on open ballots from the start, on secret ballots once the vote is closed.
    pub tally: Option<Tally>,
    /// Who voted, and on open ballots what.
    pub votes: Vec<Vote>,
    /// The grid's council.
    pub members: Vec<Member>,
    pub comments: Vec<Comment>,
    pub items: Vec<ItemView>,
    pub following: bool,
    pub followers: i64,
    /// The signed-in person's vote (its choice only on an open ballot).
    pub my_vote: Option<Vote>,
    pub is_member: bool,
    pub can_run: bool,
    pub can_comment: bool,
    pub can_vote: bool,
}

pub(crate) fn status_of(t: &Topic) -> Result<TopicStatus, AppError> {
    TopicStatus::parse(&t.status).ok_or_else(|| AppError::Internal(format!("topic {} has status {}", t.id, t.status)))
}

/// The count of a topic's vote, when the reader may see it.
fn visible_tally(t: &Topic) -> Option<Tally> {
    let electorate = t.electorate?;
    let open = t.ballot.as_deref().and_then(Ballot::parse) == Some(Ballot::Open);
    (open || t.vote_closed_at.is_some()).then_some(Tally {
        electorate,
        yes: t.votes_yes,
        no: t.votes_no,
        abstain: t.votes_abstain,
    })
}

pub(crate) async fn view_in(tx: &mut Tx, actor: &Actor, topic: Topic, a: &Access) -> Result<TopicView, AppError> {
    let status = status_of(&topic)?;
    let votes = votes::of_topic(tx, topic.id).await?;
    let my_vote = actor
        .user
        .person_id
        .and_then(|p| votes.iter().find(|v| v.person_id == p).cloned());
    let today = today();
    let reports: Vec<Report> = items::reports_of_topic(tx, topic.id).await?;
    let items = items::of_topic(tx, topic.id)
        .await?
        .into_iter()
        .map(|mut item| {
            item.overdue = super::item::is_overdue(&item, &today);
            let mine = reports.iter().filter(|r| r.item_id == item.id).cloned().collect();
            let can_report = a.run || (actor.user.person_id == Some(item.owner_person_id));
            ItemView {
                item,
                reports: mine,
                can_report,
            }
        })
        .collect();
    // Eligible: a member whose seat dates from before the vote opened (the electorate).
    let eligible = match (actor.user.person_id, topic.vote_opened_at) {
        (Some(p), Some(opened)) => members::active(tx, topic.grid_id, p)
            .await?
            .is_some_and(|m| m.appointed_at <= opened),
        _ => false,
    };
    Ok(TopicView {
        tally: visible_tally(&topic),
        members: members::of_grid(tx, topic.grid_id).await?,
        comments: store::comments(tx, topic.id).await?,
        following: store::follows(tx, topic.id, actor.user.id).await?,
        followers: store::followers(tx, topic.id).await?,
        is_member: a.member_id.is_some(),
        can_run: a.run,
        can_comment: a.takes_part() && status.takes_comments(),
        can_vote: status == TopicStatus::Voting && eligible && my_vote.is_none(),
        my_vote,
        votes,
        items,
        topic,
    })
}

/// A topic the user may see, with their access to it.
pub(crate) async fn topic_for(tx: &mut Tx, actor: &Actor, id: i64) -> Result<(Topic, Access), AppError> {
    let topic = store::topic(tx, id).await?;
    let a = access(tx, actor, &topic.path()).await?;
    Ok((topic, a))
}

/// Moves the topic by `action` from the state it is in now; `wrong_state` when the rule or a
/// concurrent change says no.
pub(crate) async fn step(tx: &mut Tx, topic: &Topic, action: TopicAction) -> Result<TopicStatus, AppError> {
    let from = status_of(topic)?;
    let to = from.after(action)?;
    if !store::set_status(tx, topic.id, from.as_str(), to.as_str()).await? {
        return Err(onegrid_domain::council::CouncilRefusal::WrongState.into());
    }
    Ok(to)
}

impl App {
    /// Raises a topic in a grid of the person's community (or one whose council they run or sit on).
    pub async fn raise_topic(&self, actor: &Actor, t: &NewTopic) -> Result<TopicView, AppError> {
        t.check()?;
        let mut tx = self.db.write().await?;
        let path = grid_path(&mut tx, actor, t.grid_id, "grid_id").await?;
        let a = access(&mut tx, actor, &path).await?;
        if !a.takes_part() {
            return Err(AppError::field("grid_id", "is not a grid of your community"));
        }
        let id = store::insert(
            &mut tx,
            &path,
            t,
            actor.user.id,
            actor.user.person_id,
            TopicStatus::Raised.as_str(),
        )
        .await?;
        // Whoever raises a topic follows it.
        store::follow(&mut tx, path.street_id, id, actor.user.id).await?;
        audit(
            &mut tx,
            actor,
            path.street_id,
            "raise",
            "council_topic",
            id,
            json!({"grid_id": t.grid_id, "title": t.title.trim()}),
        )
        .await?;
        let topic = store::topic(&mut tx, id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Topics to show: without a community, staff see the councils they run; everyone else (and
    /// staff asking for a community) the topics of a community of their street, their own by
    /// default, optionally of one grid.
    pub async fn council_topics(
        &self,
        actor: &Actor,
        community_id: Option<i64>,
        grid_id: Option<i64>,
    ) -> Result<Vec<Topic>, AppError> {
        let mut tx = self.db.read().await?;
        if community_id.is_none() && grid_id.is_none() && actor.can(Permission::RunCouncil) {
            return Ok(store::in_scope(&mut tx, &actor.scope(Permission::RunCouncil), 500).await?);
        }
        let community_id = match (community_id, grid_id) {
            (None, Some(g)) => grid_path(&mut tx, actor, g, "grid_id").await?.community_id,
            (c, _) => c,
        };
        let community_id = community_for_list(&mut tx, actor, community_id).await?;
        Ok(store::of_community(&mut tx, community_id, grid_id).await?)
    }

    /// The topics the signed-in user follows.
    pub async fn followed_topics(&self, actor: &Actor) -> Result<Vec<Topic>, AppError> {
        let mut tx = self.db.read().await?;
        Ok(store::followed_by(&mut tx, actor.user.id).await?)
    }

    pub async fn council_topic(&self, actor: &Actor, id: i64) -> Result<TopicView, AppError> {
        let mut tx = self.db.read().await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        view_in(&mut tx, actor, topic, &a).await
    }

    /// Staff take a raised topic up for discussion.
    pub async fn discuss_topic(&self, actor: &Actor, id: i64) -> Result<TopicView, AppError> {
        self.topic_step(actor, id, TopicAction::Discuss, "discuss").await
    }

    /// Closes a topic that needs nothing more (withdrawn, rejected, decided without work).
    pub async fn close_topic(&self, actor: &Actor, id: i64) -> Result<TopicView, AppError> {
        self.topic_step(actor, id, TopicAction::Close, "close").await
    }

    pub(crate) async fn topic_step(
        &self,
        actor: &Actor,
        id: i64,
        action: TopicAction,
        name: &str,
    ) -> Result<TopicView, AppError> {
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        require_run(actor, &a)?;
        let to = step(&mut tx, &topic, action).await?;
        audit(
            &mut tx,
            actor,
            topic.street_id,
            name,
            "council_topic",
            id,
            json!({"from": topic.status, "to": to.as_str()}),
        )
        .await?;
        let topic = store::topic(&mut tx, id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A comment in the topic's discussion, before it is decided.
    pub async fn comment_topic(&self, actor: &Actor, id: i64, body: &str) -> Result<Comment, AppError> {
        let body = body.trim();
        if !(1..=2000).contains(&body.chars().count()) {
            return Err(AppError::field("body", "must be 1–2000 characters"));
        }
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, id).await?;
        if !a.takes_part() {
            return Err(AppError::Forbidden);
        }
        if !status_of(&topic)?.takes_comments() {
            return Err(onegrid_domain::council::CouncilRefusal::WrongState.into());
        }
        let cid = store::insert_comment(&mut tx, topic.street_id, id, actor.user.id, actor.user.person_id, body).await?;
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "comment",
            "council_topic",
            id,
            json!({"comment_id": cid}),
        )
        .await?;
        let comment = store::comments(&mut tx, id)
            .await?
            .into_iter()
            .find(|c| c.id == cid)
            .ok_or_else(|| AppError::Internal("comment vanished".into()))?;
        tx.commit().await?;
        Ok(comment)
    }

    /// Follows (or, with `on = false`, stops following) a topic; the answer is the new state.
    pub async fn follow_topic(&self, actor: &Actor, id: i64, on: bool) -> Result<bool, AppError> {
        let mut tx = self.db.write().await?;
        let topic = store::topic(&mut tx, id).await?;
        if !in_street(actor, topic.street_id) {
            return Err(AppError::NotFound);
        }
        let changed = if on {
            store::follow(&mut tx, topic.street_id, id, actor.user.id).await?
        } else {
            store::unfollow(&mut tx, id, actor.user.id).await?
        };
        if changed {
            audit(
                &mut tx,
                actor,
                topic.street_id,
                if on { "follow" } else { "unfollow" },
                "council_topic",
                id,
                json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(on)
    }
}
