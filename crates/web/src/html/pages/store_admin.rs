//! P3 pages for store staff (desk and phone): the catalogues of the communities they run with a
//! form for a new item, an item's terms and vouchers, and the voucher counter. Refused forms
//! come back with the reasons beside the fields and what was typed; nothing is written.

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::points::store::{ItemChange, ItemView, ItemWindow};
use onegrid_domain::people::Permission;
use onegrid_domain::points::Currency;
use onegrid_domain::points::store::{ItemKind, NewItem};
use onegrid_domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};

use super::case_form::by_field;
use crate::auth::{MaybeSession, Session, check_csrf};
use crate::html::local_time::{input_value, parse_input};
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

/// Field name → reasons, for the messages beside the fields.
type Errors = BTreeMap<String, Vec<String>>;

/// Domain field names that the forms show under another input.
const RENAMED: [(&str, &str); 4] = [
    ("slot_starts_at", "slot_starts"),
    ("slot_ends_at", "slot_ends"),
    ("opens_at", "opens"),
    ("closes_at", "closes"),
];

fn v<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

/// The form's name of a domain field.
fn renamed(field: &str) -> &str {
    RENAMED.iter().find(|(from, _)| *from == field).map_or(field, |(_, to)| to)
}

fn errors_of(fields: &[FieldError]) -> Errors {
    by_field(fields, renamed)
}

/// Reads the typed values, collecting a reason for every field that cannot be read.
#[derive(Default)]
struct Reader(Vec<FieldError>);

impl Reader {
    fn int(&mut self, field: &str, text: &str) -> i64 {
        text.trim().parse().unwrap_or_else(|_| {
            self.0.push(FieldError::new(field, "must be a whole number"));
            0
        })
    }

    /// Empty is "not set".
    fn time(&mut self, field: &str, text: &str) -> Option<i64> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let t = parse_input(text);
        if t.is_none() {
            self.0.push(FieldError::new(field, "must be a date and time"));
        }
        t
    }

    /// What could not be read, plus what the rules refuse among the rest (one reason list per
    /// field, so a field that could not be read is not also called out of range).
    fn finish(mut self, rules: Result<(), DomainError>) -> Result<(), Vec<FieldError>> {
        if self.0.is_empty() {
            return Ok(());
        }
        if let Err(DomainError::Invalid(f)) = rules {
            let known: Vec<String> = self.0.iter().map(|e| e.field.clone()).collect();
            self.0
                .extend(f.into_iter().filter(|e| !known.iter().any(|k| k == renamed(&e.field))));
        }
        Err(self.0)
    }
}

// ---- the catalogues and the new-item form ----

/// The new-item form as typed.
#[derive(Debug, Deserialize, Serialize)]
pub struct ItemForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    community_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    stock: String,
    #[serde(default)]
    per_person_limit: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    slot_starts: String,
    #[serde(default)]
    slot_ends: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
}

impl Default for ItemForm {
    fn default() -> Self {
        ItemForm {
            csrf: String::new(),
            community_id: String::new(),
            kind: ItemKind::Goods.as_str().into(),
            name: String::new(),
            description: String::new(),
            currency: Currency::GridPoints.as_str().into(),
            price: String::new(),
            stock: String::new(),
            per_person_limit: "1".into(),
            venue: String::new(),
            slot_starts: String::new(),
            slot_ends: String::new(),
            opens: String::new(),
            closes: String::new(),
        }
    }
}

impl ItemForm {
    fn parse(&self) -> Result<(i64, NewItem), Vec<FieldError>> {
        let mut r = Reader::default();
        let community_id = r.int("community_id", &self.community_id);
        let kind = ItemKind::parse(self.kind.trim());
        if kind.is_none() {
            r.0.push(FieldError::new("kind", "choose goods, venue or service"));
        }
        let currency = Currency::parse(self.currency.trim());
        if currency.is_none() {
            r.0.push(FieldError::new("currency", "choose a kind of points"));
        }
        // A room and a slot belong to venue bookings only; other kinds ignore those inputs.
        let is_venue = kind == Some(ItemKind::Venue);
        let venue = Some(self.venue.trim().to_string()).filter(|v| is_venue && !v.is_empty());
        let (slot_starts_at, slot_ends_at) = if is_venue {
            (r.time("slot_starts", &self.slot_starts), r.time("slot_ends", &self.slot_ends))
        } else {
            (None, None)
        };
        let item = NewItem {
            kind: kind.unwrap_or(ItemKind::Goods),
            name: self.name.clone(),
            description: self.description.clone(),
            currency: currency.unwrap_or(Currency::GridPoints),
            price: r.int("price", &self.price),
            stock: r.int("stock", &self.stock),
            per_person_limit: r.int("per_person_limit", &self.per_person_limit),
            venue,
            slot_starts_at,
            slot_ends_at,
            opens_at: r.time("opens", &self.opens),
            closes_at: r.time("closes", &self.closes),
        };
        r.finish(item.check()).map(|_| (community_id, item))
    }
}

/// What the voucher counter answered: the redemption it took, or the reason it refused.
#[derive(Default)]
struct Counter {
    code: String,
    taken: Option<Value>,
    refused: Option<&'static str>,
}

async fn render_manage(
    page: &Page<'_>,
    state: &AppState,
    s: &Session,
    status: StatusCode,
    form: &ItemForm,
    errors: Option<Errors>,
    counter: Counter,
) -> Response {
    let stores = match state.app.managed_stores(&s.actor).await {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let kinds: Vec<&str> = ItemKind::ALL.iter().map(|k| k.as_str()).collect();
    let currencies: Vec<&str> = Currency::ALL.iter().filter(|c| c.spendable()).map(|c| c.as_str()).collect();
    page.render_status(
        status,
        "store_manage.html",
        context! {
            stores => v(&stores), kinds, currencies, form => v(form), errors => errors.map(|e| v(&e)),
            voucher_code => counter.code, voucher => counter.taken, voucher_error => counter.refused,
        },
    )
}

/// `GET /store/manage`
pub async fn list(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/store/manage");
    if let Err(e) = s.actor.require(Permission::ManageStore) {
        return page.error(e);
    }
    render_manage(
        &page,
        &state,
        s,
        StatusCode::OK,
        &ItemForm::default(),
        None,
        Counter::default(),
    )
    .await
}

/// `POST /store/manage`: 303 to the new item's page, or the form again with its errors.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<ItemForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/store/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::ManageStore)) {
        return page.error(e);
    }
    let refused = match f.parse() {
        Ok((community_id, item)) => match state.app.create_item(&s.actor, community_id, &item).await {
            Ok(item) => return Redirect::to(&format!("/store/manage/{}?saved=1", item.id)).into_response(),
            Err(AppError::Invalid(fields)) => fields,
            Err(e) => return page.error(e),
        },
        Err(fields) => fields,
    };
    render_manage(
        &page,
        &state,
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        &f,
        Some(errors_of(&refused)),
        Counter::default(),
    )
    .await
}

#[derive(Deserialize)]
pub struct VoucherForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /store/manage/vouchers`: takes a voucher at the counter and shows what was taken, or
/// why not (unknown code, already used or cancelled).
pub async fn use_voucher(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<VoucherForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/store/manage");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::ManageStore)) {
        return page.error(e);
    }
    let (status, counter) = match state.app.use_voucher(&s.actor, &f.code).await {
        Ok(r) => (
            StatusCode::OK,
            Counter {
                code: String::new(),
                taken: Some(v(&r)),
                refused: None,
            },
        ),
        Err(e @ (AppError::NotFound | AppError::Refused(..) | AppError::Invalid(_))) => {
            let (status, code) = crate::error::status_and_code(&e);
            (
                status,
                Counter {
                    code: f.code.clone(),
                    taken: None,
                    refused: Some(code),
                },
            )
        }
        Err(e) => return page.error(e),
    };
    render_manage(&page, &state, s, status, &ItemForm::default(), None, counter).await
}

// ---- one item: its terms and vouchers ----

/// The edit form as typed.
#[derive(Debug, Default, Deserialize, Serialize)]
pub struct EditForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    per_person_limit: String,
    /// Empty adds nothing.
    #[serde(default)]
    add_stock: String,
    #[serde(default)]
    opens: String,
    #[serde(default)]
    closes: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

impl EditForm {
    fn of(view: &ItemView) -> Self {
        let item = &view.item;
        EditForm {
            csrf: String::new(),
            price: item.price.to_string(),
            per_person_limit: item.per_person_limit.to_string(),
            add_stock: String::new(),
            opens: input_value(item.opens_at),
            closes: input_value(item.closes_at),
            active: item.active.then(|| "on".to_string()),
        }
    }

    /// The change; the rules on the item after it are the app's (`change_item`).
    fn parse(&self) -> Result<ItemChange, Vec<FieldError>> {
        let mut r = Reader::default();
        let change = ItemChange {
            add_stock: match self.add_stock.trim() {
                "" => None,
                n => Some(r.int("add_stock", n)),
            },
            active: Some(self.active.is_some()),
            price: Some(r.int("price", &self.price)),
            per_person_limit: Some(r.int("per_person_limit", &self.per_person_limit)),
            window: Some(ItemWindow {
                opens_at: r.time("opens", &self.opens),
                closes_at: r.time("closes", &self.closes),
            }),
        };
        r.finish(Ok(())).map(|_| change)
    }
}

async fn render_item(
    page: &Page<'_>,
    state: &AppState,
    s: &Session,
    id: i64,
    status: StatusCode,
    refused: Option<(&EditForm, Errors)>,
    saved: bool,
) -> Response {
    // The vouchers first: they need the store permission in the item's community, so a
    // resident (who may see an active item) gets 403 and other staff 404.
    let loaded = async {
        let redemptions = state.app.item_redemptions(&s.actor, id).await?;
        let item = state.app.store_item(&s.actor, id).await?;
        Ok::<_, AppError>((redemptions, item))
    }
    .await;
    let (redemptions, item) = match loaded {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    let current = EditForm::of(&item);
    let (form, errors) = match &refused {
        Some((f, e)) => (*f, Some(v(e))),
        None => (&current, None),
    };
    page.render_status(
        status,
        "store_item_manage.html",
        context! { view => v(&item), redemptions => v(&redemptions), form => v(form), errors, saved },
    )
}

/// `GET /store/manage/{id}[?saved=1]`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = s.actor.require(Permission::ManageStore) {
        return page.error(e);
    }
    render_item(&page, &state, s, id, StatusCode::OK, None, q.contains_key("saved")).await
}

/// `POST /store/manage/{id}`: 303 back to the item, or the form again with its errors.
pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Form(f): Form<EditForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::ManageStore)) {
        return page.error(e);
    }
    let refused = match f.parse() {
        Ok(change) => match state.app.change_item(&s.actor, id, &change).await {
            Ok(_) => return Redirect::to(&format!("/store/manage/{id}?saved=1")).into_response(),
            Err(AppError::Invalid(fields)) => fields,
            Err(e) => return page.error(e),
        },
        Err(fields) => fields,
    };
    render_item(
        &page,
        &state,
        s,
        id,
        StatusCode::UNPROCESSABLE_ENTITY,
        Some((&f, errors_of(&refused))),
        false,
    )
    .await
}
