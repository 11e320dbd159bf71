//! D4 for issue 4: loads the demo's year of participation (`onegrid_demo::participation`) in the
//! demo's transaction, through the same store functions as the use cases, with the history's
//! own times. Registered by the street administrator; joint reviews approved by the community
//! secretary and the administrator.

use chrono::{Duration, FixedOffset, NaiveTime, TimeZone, Utc};
use onegrid_demo::{Participation, ParticipationEvent as Event};
use onegrid_domain::people::UnitPath;
use onegrid_domain::points::store::NewItem;
use onegrid_domain::points::{Account, Currency, Movement, PointsPolicy, Reason};
use onegrid_domain::territory::StreetData;
use onegrid_domain::volunteer::NewTask;
use onegrid_store::accounts::{self as accounts_store, NewUser};
use onegrid_store::points::award::{self as awards, NewAward};
use onegrid_store::points::store::{self as shop, NewRedemption};
use onegrid_store::points::{self as ledger, EntryInfo};
use onegrid_store::{Tx, load, volunteer};

use crate::AppError;

const DAY: i64 = 86_400_000;

pub(crate) struct Loaded {
    pub written: Vec<(&'static str, usize)>,
    /// The resident sign-in: username, password.
    pub resident: (String, String),
}

fn internal(what: &str) -> AppError {
    AppError::Internal(format!("demo participation: {what}"))
}

/// Midnight (UTC+8) of the day `days` from `now`, plus `hour` hours, as epoch ms.
fn local_time(now: i64, days: i64, hour: i64) -> i64 {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8");
    let today = Utc
        .timestamp_millis_opt(now)
        .single()
        .unwrap_or_default()
        .with_timezone(&cst)
        .date_naive();
    let day = today + Duration::days(days);
    cst.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
        .unwrap_or(now)
        + hour * 3_600_000
}

pub(crate) async fn load(
    tx: &mut Tx,
    street_id: i64,
    p: &Participation,
    resident_hash: &str,
    now: i64,
) -> Result<Loaded, AppError> {
    load::load(
        tx,
        &StreetData {
            people: p.volunteers.clone(),
            ..Default::default()
        },
    )
    .await?;
    let codes = load::codes(tx).await?;
    let person = |code: &str| {
        codes
            .people
            .get(code)
            .map(|x| x.0)
            .ok_or_else(|| internal(&format!("no person {code}")))
    };
    let area = |code: &str| {
        codes
            .places
            .get(code)
            .map(|x| x.1)
            .ok_or_else(|| internal(&format!("no area {code}")))
    };
    let admin = accounts_store::user_by_name(tx, "admin")
        .await?
        .ok_or_else(|| internal("no admin account"))?
        .id;
    let secretary = accounts_store::user_by_name(tx, "secretary")
        .await?
        .map(|u| u.id)
        .unwrap_or(admin);
    let policy = PointsPolicy::default();
    let mut written = vec![("people (volunteers)", p.volunteers.len())];

    let mut item_ids = Vec::new();
    for i in &p.items {
        let (slot_starts_at, slot_ends_at) = match i.venue {
            Some((_, days, hour, hours)) => (Some(local_time(now, days, hour)), Some(local_time(now, days, hour + hours))),
            None => (None, None),
        };
        let item = NewItem {
            kind: i.kind,
            name: i.name.to_string(),
            description: String::new(),
            currency: Currency::GridPoints,
            price: i.price,
            stock: i.stock,
            per_person_limit: i.per_person_limit,
            venue: i.venue.map(|v| v.0.to_string()),
            slot_starts_at,
            slot_ends_at,
            opens_at: None,
            closes_at: None,
        };
        item.check()?;
        item_ids.push(shop::insert_item(tx, street_id, area(&i.community_code)?, &item, admin).await?);
    }
    written.push(("store_items", item_ids.len()));

    let mut credited = 0;
    let mut redeemed = 0;
    let mut vouchers = 0u64;
    for e in &p.history {
        match e {
            Event::Award {
                days_ago,
                person_code,
                community_code,
                category,
                minutes,
                points,
                note,
            } => {
                let at = now - days_ago * DAY;
                let person_id = person(person_code)?;
                let community_id = area(community_code)?;
                let joint = policy.needs_joint_review(*points);
                let id = awards::insert(
                    tx,
                    NewAward {
                        street_id,
                        community_id,
                        grid_id: None,
                        micro_grid_id: None,
                        person_id,
                        currency: Currency::GridPoints.as_str(),
                        category: category.as_str(),
                        amount: *points,
                        minutes: *minutes,
                        note,
                        activity_on: &chrono::DateTime::from_timestamp_millis(at)
                            .map(|d| d.date_naive().to_string())
                            .unwrap_or_default(),
                        source: None,
                        joint,
                        registered_by: admin,
                        registered_at: at,
                    },
                )
                .await?;
                let (first, second) = if joint { (secretary, Some(admin)) } else { (admin, None) };
                let info = EntryInfo {
                    community_id: Some(community_id),
                    rule: Some(category.as_str()),
                    note,
                    source: Some(("points_award", id)),
                    registered_by: Some(admin),
                    approved_by: Some(first),
                    second_approved_by: second,
                    at: Some(at),
                    ..Default::default()
                };
                let mut entries = [None, None];
                for (slot, currency, amount) in [(0, Currency::GridPoints, *points), (1, Currency::ServiceMinutes, *minutes)] {
                    if amount > 0 {
                        let m = Movement {
                            from: Account::issuing(community_id, currency),
                            to: Account::personal(person_id, currency),
                            amount,
                            reason: Reason::Award,
                        };
                        entries[slot] = ledger::post(tx, street_id, &m, &info).await?;
                    }
                }
                awards::set_credited(tx, id, "registered", first, second, entries[0], entries[1], at).await?;
                credited += 1;
            }
            Event::Redeem {
                days_ago,
                person_code,
                item,
            } => {
                let at = now - days_ago * DAY;
                let person_id = person(person_code)?;
                let (i, item_id) = (&p.items[*item], item_ids[*item]);
                let community_id = area(&i.community_code)?;
                if !shop::take_one(tx, item_id).await? {
                    continue;
                }
                let m = Movement {
                    from: Account::personal(person_id, Currency::GridPoints),
                    to: Account::store(community_id, Currency::GridPoints),
                    amount: i.price,
                    reason: Reason::Redeem,
                };
                let note = format!("{} ×1", i.name);
                let info = EntryInfo {
                    community_id: Some(community_id),
                    note: &note,
                    source: Some(("store_item", item_id)),
                    at: Some(at),
                    ..Default::default()
                };
                let Some(entry_id) = ledger::post(tx, street_id, &m, &info).await? else {
                    shop::add_stock(tx, item_id, 1).await?;
                    continue;
                };
                vouchers += 1;
                // Old vouchers: a code from the sequence, taken at the counter.
                let voucher = format!("DEMO{vouchers:06}");
                let rid = shop::insert_redemption(
                    tx,
                    NewRedemption {
                        street_id,
                        community_id,
                        item_id,
                        person_id,
                        price: i.price,
                        currency: Currency::GridPoints.as_str(),
                        voucher: &voucher,
                        entry_id,
                        created_by: admin,
                        created_at: at,
                    },
                )
                .await?;
                shop::close_redemption(tx, rid, "used", admin, None).await?;
                redeemed += 1;
            }
        }
    }
    written.push(("points_awards (credited)", credited));
    written.push(("store_redemptions", redeemed));

    for e in &p.pending {
        if let Event::Award {
            days_ago,
            person_code,
            community_code,
            category,
            minutes,
            points,
            note,
        } = e
        {
            let at = now - days_ago * DAY;
            awards::insert(
                tx,
                NewAward {
                    street_id,
                    community_id: area(community_code)?,
                    grid_id: None,
                    micro_grid_id: None,
                    person_id: person(person_code)?,
                    currency: Currency::GridPoints.as_str(),
                    category: category.as_str(),
                    amount: *points,
                    minutes: *minutes,
                    note,
                    activity_on: &chrono::DateTime::from_timestamp_millis(at)
                        .map(|d| d.date_naive().to_string())
                        .unwrap_or_default(),
                    source: None,
                    joint: policy.needs_joint_review(*points),
                    registered_by: admin,
                    registered_at: at,
                },
            )
            .await?;
        }
    }
    written.push(("points_awards (pending)", p.pending.len()));

    let mut claims = 0;
    for t in &p.tasks {
        let community_id = area(&t.community_code)?;
        let grid_id = match &t.grid_code {
            Some(g) => Some(area(g)?),
            None => None,
        };
        let starts_at = now + t.starts_in_minutes * 60_000;
        let task = NewTask {
            community_id,
            grid_id,
            title: t.title.to_string(),
            content: t.content.to_string(),
            place: t.place.to_string(),
            starts_at,
            ends_at: starts_at + t.minutes * 60_000,
            capacity: t.capacity,
            points: t.points,
            category: t.category,
            skills: t.skills.iter().map(|s| s.to_string()).collect(),
        };
        task.check()?;
        let path = UnitPath {
            street_id,
            community_id: Some(community_id),
            grid_id,
            ..Default::default()
        };
        let organiser = if t.grid_code.is_some() { secretary } else { admin };
        let id = volunteer::insert_task(tx, &path, &task, organiser).await?;
        for c in &t.claimers {
            if volunteer::take_place(tx, id).await? {
                volunteer::insert_claim(tx, street_id, id, person(c)?).await?;
                claims += 1;
            }
        }
    }
    written.push(("volunteer_tasks", p.tasks.len()));
    written.push(("volunteer_claims", claims));

    let r = &p.resident;
    accounts_store::insert_user(
        tx,
        NewUser {
            street_id: Some(street_id),
            username: &r.username,
            password_hash: resident_hash,
            person_id: Some(person(&r.person_code)?),
            superuser: false,
        },
    )
    .await?;
    Ok(Loaded {
        written,
        resident: (r.username.clone(), r.password.clone()),
    })
}
