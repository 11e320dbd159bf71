//! P3 for store staff: the catalogues of every community they run, and an item's vouchers for
//! the counter. Residents' own use of the store is in `store`.

use onegrid_domain::people::Permission;
use onegrid_store::points::store::{self as store, Redemption};
use onegrid_store::territory;
use serde::Serialize;

use super::store::{ItemView, open_now};
use super::{community_path, policy_in};
use crate::{Actor, App, AppError};

/// One community the staff member runs a store for, with every item (inactive ones too).
#[derive(Debug, Clone, Serialize)]
pub struct ManagedStore {
    pub community_id: i64,
    pub name: String,
    pub items: Vec<ItemView>,
}

impl App {
    /// The communities of the user's street that their posts let them run a store for, each
    /// with its catalogue; communities without items are listed too, so one can be stocked.
    pub async fn managed_stores(&self, actor: &Actor) -> Result<Vec<ManagedStore>, AppError> {
        actor.require(Permission::ManageStore)?;
        let street_id = actor.home_street().ok_or(AppError::NotFound)?;
        let scope = actor.scope(Permission::ManageStore);
        let mut tx = self.db.read().await?;
        let window = policy_in(&mut tx, street_id).await?.exchange_window;
        let communities = territory::areas(&mut tx, street_id, "community", None).await?;
        let items = store::items_of_street(&mut tx, street_id).await?;
        Ok(communities
            .into_iter()
            .filter(|c| scope.covers(&c.path()))
            .map(|c| ManagedStore {
                items: items
                    .iter()
                    .filter(|i| i.community_id == c.id)
                    .map(|i| ItemView {
                        open: open_now(window.as_ref(), i),
                        item: i.clone(),
                    })
                    .collect(),
                community_id: c.id,
                name: c.name,
            })
            .collect())
    }

    /// The latest redemptions of an item, for the store staff of its community.
    pub async fn item_redemptions(&self, actor: &Actor, item_id: i64) -> Result<Vec<Redemption>, AppError> {
        actor.require(Permission::ManageStore)?;
        let mut tx = self.db.read().await?;
        let item = store::item(&mut tx, item_id).await?;
        actor.require_in(Permission::ManageStore, &community_path(&mut tx, item.community_id).await?)?;
        Ok(store::redemptions_of_item(&mut tx, item_id).await?)
    }
}
