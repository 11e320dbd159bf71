//! Implementation of an adopted topic: items with owners and deadlines, status reports
//! (supervision), and the topic done once every item is.

use onegrid_domain::council::{CouncilRefusal, ItemStatus, NewItem, NewReport, TopicAction, overdue};
use onegrid_store::council::item::{self as store, Item, NewItemRow, Report};
use onegrid_store::council::topic as topics;
use onegrid_store::people;
use serde::Serialize;
use serde_json::json;

use super::topic::{TopicView, step, topic_for, view_in};
use super::{access, audit, require_run};
use crate::points::own_person;
use crate::{Actor, App, AppError, today};

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub item: Item,
    pub reports: Vec<Report>,
    /// The signed-in user may report on it: its owner, or staff who run the council.
    pub can_report: bool,
}

fn status_of(i: &Item) -> Result<ItemStatus, AppError> {
    ItemStatus::parse(&i.status).ok_or_else(|| AppError::Internal(format!("item {} has status {}", i.id, i.status)))
}

pub(crate) fn is_overdue(i: &Item, today: &str) -> bool {
    ItemStatus::parse(&i.status).is_some_and(|s| overdue(&i.deadline, s, today))
}

impl App {
    /// An implementation item of an adopted topic; the first one starts the implementation.
    pub async fn add_item(&self, actor: &Actor, topic_id: i64, i: &NewItem) -> Result<TopicView, AppError> {
        i.check(&today())?;
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, topic_id).await?;
        require_run(actor, &a)?;
        let owner = people::person(&mut tx, i.owner_person_id)
            .await
            .ok()
            .filter(|p| p.street_id == topic.street_id)
            .ok_or_else(|| AppError::field("owner_person_id", "is not a person of this street"))?;
        step(&mut tx, &topic, TopicAction::AddItem).await?;
        let id = store::insert(
            &mut tx,
            NewItemRow {
                path: &topic.path(),
                topic_id,
                title: i.title.trim(),
                owner_person_id: owner.id,
                deadline: i.deadline.trim(),
                created_by: actor.user.id,
            },
        )
        .await?;
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "create",
            "council_item",
            id,
            json!({"topic_id": topic_id, "owner_person_id": owner.id, "deadline": i.deadline.trim()}),
        )
        .await?;
        let topic = topics::topic(&mut tx, topic_id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A status report on an item, by its owner or the staff who run the council.
    pub async fn report_item(&self, actor: &Actor, item_id: i64, r: &NewReport) -> Result<ItemView, AppError> {
        r.check()?;
        let mut tx = self.db.write().await?;
        let item = store::item(&mut tx, item_id).await?;
        let a = access(&mut tx, actor, &item.path()).await?;
        if !a.run && actor.user.person_id != Some(item.owner_person_id) {
            return Err(AppError::Forbidden);
        }
        let from = status_of(&item)?;
        let to = from.report(r.status)?;
        if !store::set_status(&mut tx, item_id, from.as_str(), to.as_str()).await? {
            return Err(CouncilRefusal::WrongState.into());
        }
        let rid = store::insert_report(&mut tx, item.street_id, item_id, to.as_str(), r.note.trim(), actor.user.id).await?;
        audit(
            &mut tx,
            actor,
            item.street_id,
            "report",
            "council_item",
            item_id,
            json!({"report_id": rid, "from": from.as_str(), "to": to.as_str()}),
        )
        .await?;
        let mut item = store::item(&mut tx, item_id).await?;
        item.overdue = is_overdue(&item, &today());
        let reports = store::reports_of_topic(&mut tx, item.topic_id)
            .await?
            .into_iter()
            .filter(|x| x.item_id == item_id)
            .collect();
        tx.commit().await?;
        Ok(ItemView {
            item,
            reports,
            can_report: true,
        })
    }

    /// The topic's implementation is done: refused with `items_open` while an item is not.
    pub async fn finish_topic(&self, actor: &Actor, topic_id: i64) -> Result<TopicView, AppError> {
        let mut tx = self.db.write().await?;
        let (topic, a) = topic_for(&mut tx, actor, topic_id).await?;
        require_run(actor, &a)?;
        let open = store::open_count(&mut tx, topic_id).await?;
        if open > 0 {
            return Err(AppError::Refused(
                CouncilRefusal::ItemsOpen.code(),
                format!("{open} implementation item(s) are not done yet"),
            ));
        }
        let to = step(&mut tx, &topic, TopicAction::Finish).await?;
        audit(
            &mut tx,
            actor,
            topic.street_id,
            "finish",
            "council_topic",
            topic_id,
            json!({"to": to.as_str()}),
        )
        .await?;
        let topic = topics::topic(&mut tx, topic_id).await?;
        let view = view_in(&mut tx, actor, topic, &a).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// The items the signed-in person is responsible for.
    pub async fn my_council_items(&self, actor: &Actor) -> Result<Vec<Item>, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.read().await?;
        let today = today();
        Ok(store::of_owner(&mut tx, person_id)
            .await?
            .into_iter()
            .map(|mut i| {
                i.overdue = is_overdue(&i, &today);
                i
            })
            .collect())
    }
}
