//! P3 use cases: the catalogue, redemption (one transaction: stock, limit, debit, voucher),
//! cancellation with a refund entry, and vouchers used at the counter.
//!
//! Lock order, so concurrent redemptions and cancellations never deadlock on PostgreSQL: the
//! item row first (stock compare-and-set), then the account rows in id order (`ledger::post`).

use onegrid_domain::people::Permission;
use onegrid_domain::points::store::{self as rules, NewItem};
use onegrid_domain::points::{Account, Currency, Movement, Reason, Refusal};
use onegrid_domain::{DomainError, FieldError};
use onegrid_store::now_ms;
use onegrid_store::people;
use onegrid_store::points::store::{self as store, Item, NewRedemption, Redemption};
use onegrid_store::points::{self as ledger, EntryInfo};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{community_in_view, community_path, own_person, place_of, policy_in, record};
use crate::{Actor, App, AppError};

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    #[serde(flatten)]
    pub item: Item,
    /// Whether it can be redeemed now (exchange window, item window, slot not started).
    pub open: bool,
}

/// A change by store staff; every part is optional. The item after the change must still pass
/// the catalogue rules (`NewItem::check`), so prices and limits keep one definition.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ItemChange {
    /// Pieces (or places) to add to the stock.
    #[serde(default)]
    pub add_stock: Option<i64>,
    #[serde(default)]
    pub active: Option<bool>,
    #[serde(default)]
    pub price: Option<i64>,
    #[serde(default)]
    pub per_person_limit: Option<i64>,
    /// The item's own opening window, replaced as a whole (an open end is `null`).
    #[serde(default)]
    pub window: Option<ItemWindow>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemWindow {
    #[serde(default)]
    pub opens_at: Option<i64>,
    #[serde(default)]
    pub closes_at: Option<i64>,
}

/// The item as a catalogue entry with the change applied, to check it with the creation rules.
fn changed(item: &Item, change: &ItemChange) -> Result<NewItem, AppError> {
    let bad = |what: &str| AppError::Internal(format!("store item {} has {what}", item.id));
    let window = change.window.unwrap_or(ItemWindow {
        opens_at: item.opens_at,
        closes_at: item.closes_at,
    });
    Ok(NewItem {
        kind: rules::ItemKind::parse(&item.kind).ok_or_else(|| bad("an unknown kind"))?,
        name: item.name.clone(),
        description: item.description.clone(),
        currency: Currency::parse(&item.currency).ok_or_else(|| bad("an unknown currency"))?,
        price: change.price.unwrap_or(item.price),
        // Stock moves only by `add_stock` (checked on its own), never through the terms.
        stock: 0,
        per_person_limit: change.per_person_limit.unwrap_or(item.per_person_limit),
        venue: item.venue.clone(),
        slot_starts_at: item.slot_starts_at,
        slot_ends_at: item.slot_ends_at,
        opens_at: window.opens_at,
        closes_at: window.closes_at,
    })
}

pub(super) fn open_now(window: Option<&rules::ExchangeWindow>, item: &Item) -> bool {
    item.active
        && rules::is_open(
            window,
            chrono::Utc::now().date_naive(),
            now_ms(),
            item.opens_at,
            item.closes_at,
            item.slot_starts_at,
        )
}

fn random_voucher() -> String {
    let mut b = [0u8; 10];
    getrandom::fill(&mut b).expect("system random source");
    rules::voucher_code(b)
}

impl App {
    /// A community's catalogue: the signed-in person's own community by default. Store staff of
    /// the community also see inactive items.
    pub async fn store_items(&self, actor: &Actor, community_id: Option<i64>) -> Result<Vec<ItemView>, AppError> {
        let mut tx = self.db.read().await?;
        let (community_id, path) = community_in_view(&mut tx, actor, community_id).await?;
        let manage = actor.scope(Permission::ManageStore).covers(&path);
        let window = policy_in(&mut tx, path.street_id).await?.exchange_window;
        let items = store::items_of_community(&mut tx, community_id, !manage).await?;
        Ok(items
            .into_iter()
            .map(|item| ItemView {
                open: open_now(window.as_ref(), &item),
                item,
            })
            .collect())
    }

    pub async fn store_item(&self, actor: &Actor, id: i64) -> Result<ItemView, AppError> {
        let mut tx = self.db.read().await?;
        let item = store::item(&mut tx, id).await?;
        if !actor.user.superuser && actor.home_street() != Some(item.street_id) {
            return Err(AppError::NotFound);
        }
        if !item.active {
            let path = community_path(&mut tx, item.community_id).await?;
            actor.require_in(Permission::ManageStore, &path)?;
        }
        let window = policy_in(&mut tx, item.street_id).await?.exchange_window;
        Ok(ItemView {
            open: open_now(window.as_ref(), &item),
            item,
        })
    }

    pub async fn create_item(&self, actor: &Actor, community_id: i64, new: &NewItem) -> Result<Item, AppError> {
        actor.require(Permission::ManageStore)?;
        new.check()?;
        let mut tx = self.db.write().await?;
        let path = community_path(&mut tx, community_id)
            .await
            .map_err(|_| AppError::field("community_id", "is not a community"))?;
        actor.require_in(Permission::ManageStore, &path)?;
        let id = store::insert_item(&mut tx, path.street_id, community_id, new, actor.user.id).await?;
        record(&mut tx, Some(actor), path.street_id, "create", "store_item", id, json!(new)).await?;
        let item = store::item(&mut tx, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Restocks, (de)activates or changes the terms (price, per-person limit, opening window)
    /// of an item. Every field error comes at once and nothing is written when there is one.
    pub async fn change_item(&self, actor: &Actor, id: i64, change: &ItemChange) -> Result<Item, AppError> {
        actor.require(Permission::ManageStore)?;
        let mut tx = self.db.write().await?;
        let item = store::item(&mut tx, id).await?;
        let path = community_path(&mut tx, item.community_id).await?;
        actor.require_in(Permission::ManageStore, &path)?;
        let mut errs = Vec::new();
        if change.add_stock.is_some_and(|n| !(1..=1_000_000).contains(&n)) {
            errs.push(FieldError::new("add_stock", "must be from 1 to 1000000"));
        }
        let after = changed(&item, change)?;
        if let Err(DomainError::Invalid(f)) = after.check() {
            errs.extend(f);
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        if change.price.is_some() || change.per_person_limit.is_some() || change.window.is_some() {
            store::set_terms(
                &mut tx,
                id,
                after.price,
                after.per_person_limit,
                after.opens_at,
                after.closes_at,
            )
            .await?;
        }
        if let Some(n) = change.add_stock {
            store::add_stock(&mut tx, id, n).await?;
        }
        if let Some(a) = change.active {
            store::set_active(&mut tx, id, a).await?;
        }
        record(
            &mut tx,
            Some(actor),
            item.street_id,
            "change",
            "store_item",
            id,
            json!(change),
        )
        .await?;
        let item = store::item(&mut tx, id).await?;
        tx.commit().await?;
        Ok(item)
    }

    /// Redeems one piece for the signed-in person (or, by store staff at the counter, for a
    /// person in their scope). Refusals in order: `store_closed`, `out_of_stock`,
    /// `limit_reached`, `insufficient_points`; nothing is written when refused.
    pub async fn redeem(&self, actor: &Actor, item_id: i64, for_person: Option<i64>) -> Result<Redemption, AppError> {
        let person_id = match for_person {
            Some(p) if Some(p) != actor.user.person_id => {
                actor.require(Permission::ManageStore)?;
                p
            }
            _ => own_person(actor)?,
        };
        let mut tx = self.db.write().await?;
        let item = store::item(&mut tx, item_id).await?;
        let person = people::person(&mut tx, person_id).await?;
        if person.street_id != item.street_id {
            return Err(AppError::NotFound);
        }
        if Some(person_id) != actor.user.person_id {
            let path = community_path(&mut tx, item.community_id).await?;
            actor.require_in(Permission::ManageStore, &path)?;
            actor.require_in(Permission::ManageStore, &place_of(&mut tx, person_id).await?)?;
        }
        let window = policy_in(&mut tx, item.street_id).await?.exchange_window;
        if !open_now(window.as_ref(), &item) {
            return Err(Refusal::StoreClosed.into());
        }
        if !store::take_one(&mut tx, item_id).await? {
            return Err(Refusal::OutOfStock.into());
        }
        if !rules::within_limit(store::live_count(&mut tx, item_id, person_id).await?, item.per_person_limit) {
            return Err(Refusal::LimitReached.into());
        }
        let currency = Currency::parse(&item.currency)
            .ok_or_else(|| AppError::Internal(format!("item {item_id} has currency {}", item.currency)))?;
        let m = Movement {
            from: Account::personal(person_id, currency),
            to: Account::store(item.community_id, currency),
            amount: item.price,
            reason: Reason::Redeem,
        };
        m.check()?;
        let note = format!("{} ×1", item.name);
        let info = EntryInfo {
            community_id: Some(item.community_id),
            note: &note,
            source: Some(("store_item", item_id)),
            registered_by: Some(actor.user.id),
            ..Default::default()
        };
        let Some(entry_id) = ledger::post(&mut tx, item.street_id, &m, &info).await? else {
            return Err(Refusal::InsufficientPoints.into());
        };
        let mut voucher = random_voucher();
        while store::voucher_taken(&mut tx, &voucher).await? {
            voucher = random_voucher();
        }
        let id = store::insert_redemption(
            &mut tx,
            NewRedemption {
                street_id: item.street_id,
                community_id: item.community_id,
                item_id,
                person_id,
                price: item.price,
                currency: currency.as_str(),
                voucher: &voucher,
                entry_id,
                created_by: actor.user.id,
                created_at: now_ms(),
            },
        )
        .await?;
        record(
            &mut tx,
            Some(actor),
            item.street_id,
            "redeem",
            "store_redemption",
            id,
            json!({"item_id": item_id, "person_id": person_id, "price": item.price}),
        )
        .await?;
        let r = store::redemption(&mut tx, id).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Cancels an issued voucher: the person themselves (before a venue slot starts) or store
    /// staff. The points come back by a refund entry and the piece goes back into stock.
    pub async fn cancel_redemption(&self, actor: &Actor, id: i64) -> Result<Redemption, AppError> {
        let mut tx = self.db.write().await?;
        let r = store::redemption(&mut tx, id).await?;
        let own = actor.user.person_id == Some(r.person_id);
        let staff = actor
            .scope(Permission::ManageStore)
            .covers(&community_path(&mut tx, r.community_id).await?);
        if !own && !staff {
            return Err(AppError::NotFound);
        }
        if r.status != "issued" || (!staff && r.slot_starts_at.is_some_and(|s| s <= now_ms())) {
            return Err(Refusal::WrongState.into());
        }
        // Item row first, as in a redemption.
        store::add_stock(&mut tx, r.item_id, 1).await?;
        let entry = ledger::entry(&mut tx, r.entry_id).await?;
        if entry.reversed_by.is_some() {
            return Err(Refusal::AlreadyReversed.into());
        }
        let m = entry.movement.reversal();
        debug_assert_eq!(m.reason, Reason::Refund);
        let note = format!("{} cancelled", r.item_name);
        let info = EntryInfo {
            community_id: Some(r.community_id),
            note: &note,
            source: Some(("store_redemption", r.id)),
            reverses: Some(entry.id),
            registered_by: Some(actor.user.id),
            ..Default::default()
        };
        let refund = ledger::post(&mut tx, r.street_id, &m, &info)
            .await?
            .ok_or(Refusal::InvalidMovement)?;
        if !store::close_redemption(&mut tx, id, "cancelled", actor.user.id, Some(refund)).await? {
            return Err(Refusal::WrongState.into());
        }
        record(
            &mut tx,
            Some(actor),
            r.street_id,
            "cancel",
            "store_redemption",
            id,
            json!({"refund_entry": refund}),
        )
        .await?;
        let r = store::redemption(&mut tx, id).await?;
        tx.commit().await?;
        Ok(r)
    }

    /// Store staff take a voucher at the counter.
    pub async fn use_voucher(&self, actor: &Actor, code: &str) -> Result<Redemption, AppError> {
        actor.require(Permission::ManageStore)?;
        let mut tx = self.db.write().await?;
        let r = store::redemption_by_voucher(&mut tx, code.trim().to_ascii_uppercase().as_str()).await?;
        actor.require_in(Permission::ManageStore, &community_path(&mut tx, r.community_id).await?)?;
        if !store::close_redemption(&mut tx, r.id, "used", actor.user.id, None).await? {
            return Err(Refusal::WrongState.into());
        }
        record(&mut tx, Some(actor), r.street_id, "use", "store_redemption", r.id, json!({})).await?;
        let r = store::redemption(&mut tx, r.id).await?;
        tx.commit().await?;
        Ok(r)
    }

    pub async fn my_redemptions(&self, actor: &Actor) -> Result<Vec<Redemption>, AppError> {
        let person_id = own_person(actor)?;
        let mut tx = self.db.read().await?;
        Ok(store::redemptions_of_person(&mut tx, person_id).await?)
    }
}
