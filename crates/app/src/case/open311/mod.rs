//! I3 / C9: Open311 GeoReport v2. A jurisdiction is a street (its code is the
//! `jurisdiction_id`); services are its active leaf categories; a request is a case filed on the
//! `open311` channel with an API key. Reads are public, so a request shows only what a public
//! list may: never the reporter's name, phone or e-mail, and for social-governance items (which
//! are about people) only the category and the status.

mod keys;
mod query;
mod service;

use chrono::{FixedOffset, Utc};
use onegrid_domain::FieldError;
use onegrid_domain::case::{CaseStatus, Catalogue};
use onegrid_store::case::lists::{self, Filter};
use onegrid_store::case::{self as store, CaseRow, catalogue};
use onegrid_store::territory::{self, Street};
use serde::Serialize;

pub use query::{Checked, MAX_REQUESTS, RequestQuery, WINDOW_DAYS, w3c_datetime, w3c_utc};
pub use service::{Attribute, COMPONENT_ID, LOCATION_DETAIL, Service, ServiceDefinition, TIME_LIMIT};

use super::intake::{Intake, MAX_DESCRIPTION, Source};
use super::settings;
use crate::accounts::token_hash;
use crate::{App, AppError};

/// The language of names and notes: `zh-CN` or `en`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The form of `POST requests`, as sent (GeoReport v2 names). `device_id` and `account_id` are
/// accepted and not kept: OneGrid has no device or account registry for Open311 clients.
#[derive(Debug, Clone, Default)]
pub struct Open311Post {
    pub api_key: Option<String>,
    pub service_code: Option<String>,
    pub lat: Option<String>,
    pub long: Option<String>,
    pub address_string: Option<String>,
    pub address_id: Option<String>,
    pub email: Option<String>,
    pub device_id: Option<String>,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub description: Option<String>,
    pub media_url: Option<String>,
    /// `attribute[CODE]=v` and `attribute[CODE][]=v…`, in the order sent.
    pub attributes: Vec<(String, Vec<String>)>,
}

/// The answer to `POST requests`.
#[derive(Debug, Clone, Serialize)]
pub struct Posted {
    pub service_request_id: i64,
    /// The reporter's private tracking token (also `GET tokens/{token}`); absent on a replay.
    pub token: Option<String>,
    pub service_notice: Option<String>,
    /// True when an `Idempotency-Key` seen before returned the first request.
    pub replayed: bool,
}

/// A request as the public may read it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRequest {
    pub service_request_id: i64,
    pub status: &'static str,
    pub status_notes: String,
    pub service_name: String,
    pub service_code: String,
    pub description: Option<String>,
    pub agency_responsible: Option<String>,
    pub service_notice: Option<String>,
    pub requested_datetime: String,
    pub updated_datetime: String,
    pub expected_datetime: Option<String>,
    pub address: Option<String>,
    pub address_id: Option<String>,
    pub zipcode: Option<String>,
    pub lat: Option<f64>,
    pub long: Option<f64>,
    pub media_url: Option<String>,
}

fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn status_notes(c: &CaseRow, lang: Lang) -> String {
    use CaseStatus::*;
    let s = c.state.status;
    if s == Merged {
        return match (lang, c.state.merged_into) {
            (Lang::Zh, Some(id)) => format!("与请求 {id} 合并处理"),
            (Lang::En, Some(id)) => format!("Merged into request {id}"),
            (Lang::Zh, None) => "已合并处理".into(),
            (Lang::En, None) => "Merged into another request".into(),
        };
    }
    let (zh, en) = match s {
        Received => ("已收到，待核实立案", "Received, waiting to be checked and registered"),
        Registered => ("已立案，待派遣", "Registered, waiting to be dispatched"),
        Dispatched => ("已派遣，待处置单位签收", "Dispatched, waiting for the handler to accept it"),
        Accepted => ("处置单位已签收", "Accepted by the handler"),
        InProgress => ("处置中", "Being handled"),
        Handled => ("已处置，待现场核查", "Handled, waiting to be checked on site"),
        Verified => ("已核查，待结案", "Checked on site, waiting to be closed"),
        Closed => ("已结案", "Closed"),
        Rejected => ("不予受理", "Not accepted"),
        Returned => ("核查未通过，返工中", "Sent back for rework"),
        Reopened => ("已重新打开，待派遣", "Reopened, waiting to be dispatched"),
        Merged => unreachable!("handled above"),
    };
    lang.pick(zh, en).to_string()
}

/// The public face of a case.
fn public(c: &CaseRow, cat: &Catalogue, offset: FixedOffset, lang: Lang) -> PublicRequest {
    let category = cat.get(&c.category_code);
    let open = c.state.status.is_open();
    let shown = category.is_none_or(|k| service::details_are_public(k.kind));
    let updated = if open {
        c.updated_at
    } else {
        c.closed_at.unwrap_or(c.updated_at)
    };
    PublicRequest {
        service_request_id: c.id,
        status: c.state.status.open311_status(),
        status_notes: status_notes(c, lang),
        service_name: category.map_or_else(|| c.category_code.clone(), |k| lang.pick(&k.zh, &k.en).to_string()),
        service_code: c.category_code.clone(),
        description: shown.then(|| c.description.clone()),
        agency_responsible: cat.owner(&c.category_code).map(|d| lang.pick(&d.zh, &d.en).to_string()),
        service_notice: cat.limits(&c.category_code).map(|l| service::notice(l, lang)),
        requested_datetime: w3c_datetime(c.received_at, offset),
        updated_datetime: w3c_datetime(updated, offset),
        expected_datetime: c.due_at.filter(|_| open).map(|t| w3c_datetime(t, offset)),
        address: c.address.clone().filter(|_| shown),
        address_id: None,
        zipcode: None,
        lat: c.lat.filter(|_| shown),
        long: c.lng.filter(|_| shown),
        media_url: c.media_url.clone().filter(|_| shown),
    }
}

/// Names of Intake's fields as GeoReport v2 calls them.
fn open311_field(intake_field: &str) -> &str {
    match intake_field {
        "category" => "service_code",
        "lng" | "crs" => "long",
        "address" => "address_string",
        "reporter_name" => "first_name",
        "reporter_phone" => "phone",
        "reporter_email" => "email",
        "street_id" => "jurisdiction_id",
        other => other,
    }
}

fn is_cjk(s: &str) -> bool {
    s.chars()
        .all(|c| matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0xB7))
}

/// `first_name` and `last_name` as one name: "Jane Doe", but 王小明 for a Chinese name (family
/// name first, no space).
fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(f), Some(l)) if is_cjk(f) && is_cjk(l) => Some(format!("{l}{f}")),
        (Some(f), Some(l)) => Some(format!("{f} {l}")),
        (Some(x), None) | (None, Some(x)) => Some(x.to_string()),
        (None, None) => None,
    }
}

fn coordinate(name: &str, v: Option<&str>, limit: f64, out: &mut Vec<FieldError>) -> Option<f64> {
    let s = v?;
    match s.parse::<f64>() {
        Ok(x) if x.is_finite() && x.abs() <= limit => Some(x),
        _ => {
            out.push(FieldError::new(
                name,
                format!("{s:?} must be a number from -{limit} to {limit} (WGS84 degrees)"),
            ));
            None
        }
    }
}

impl App {
    /// The street a request addresses: the one whose code is `jurisdiction_id`, else the only
    /// street. `None` only when `required` is false and the id was left out with several (or no)
    /// streets. Unknown ids are `NotFound` (404); a missing id with several streets is a 400.
    pub async fn open311_jurisdiction(&self, jurisdiction_id: Option<&str>, required: bool) -> Result<Option<Street>, AppError> {
        let mut tx = self.db.read().await?;
        if let Some(code) = jurisdiction_id.map(str::trim).filter(|s| !s.is_empty()) {
            return Ok(Some(
                territory::street_by_code(&mut tx, code).await?.ok_or(AppError::NotFound)?,
            ));
        }
        let streets = territory::streets(&mut tx).await?;
        match streets.len() {
            1 => Ok(streets.into_iter().next()),
            _ if !required => Ok(None),
            0 => Err(AppError::NotFound),
            _ => Err(AppError::field(
                "jurisdiction_id",
                format!(
                    "is required: this endpoint serves several jurisdictions ({})",
                    streets.iter().map(|s| s.code.as_str()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// Every street's code and name (discovery).
    pub async fn open311_jurisdictions(&self) -> Result<Vec<Street>, AppError> {
        let mut tx = self.db.read().await?;
        Ok(territory::streets(&mut tx).await?)
    }

    /// `GET services`: the street's active leaf categories.
    pub async fn open311_services(&self, street_id: i64, lang: Lang) -> Result<Vec<Service>, AppError> {
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let (rows, cat) = (&cached.rows, &cached.catalogue);
        Ok(cat
            .leaves()
            .filter(|c| rows.iter().any(|r| r.category.code == c.code && r.active))
            .map(|c| service::service(&cat, c, lang))
            .collect())
    }

    /// `GET services/{code}`: `NotFound` unless the code is an active leaf of the street.
    pub async fn open311_definition(&self, street_id: i64, code: &str, lang: Lang) -> Result<ServiceDefinition, AppError> {
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let (rows, cat) = (&cached.rows, &cached.catalogue);
        let c = active_leaf(&cat, &rows, code).ok_or(AppError::NotFound)?;
        Ok(ServiceDefinition {
            service_code: c.code.clone(),
            attributes: service::attributes(c, cat.limits(code), lang),
        })
    }

    /// `POST requests`: checks the key (403), the service (404) and every field (400, all at
    /// once, named as GeoReport v2 names them), then files the case (C1) on the `open311`
    /// channel. `street_id` is the jurisdiction the client named, if it named one.
    pub async fn open311_post(
        &self,
        street_id: Option<i64>,
        post: &Open311Post,
        idempotency_key: Option<&str>,
        lang: Lang,
    ) -> Result<Posted, AppError> {
        let (key_id, key_street) = self.open311_key_check(post.api_key.as_deref()).await?;
        if street_id.is_some_and(|s| s != key_street) {
            return Err(AppError::Denied("api_key is not valid for this jurisdiction".into()));
        }
        let street_id = key_street;
        let Some(code) = given(&post.service_code) else {
            return Err(AppError::field("service_code", "is required"));
        };
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let (rows, cat) = (&cached.rows, &cached.catalogue);
        let c = active_leaf(&cat, &rows, code).ok_or(AppError::NotFound)?.clone();
        let limits = cat.limits(code);

        let mut fields = Vec::new();
        let lat = coordinate("lat", given(&post.lat), 90.0, &mut fields);
        let lng = coordinate("long", given(&post.long), 180.0, &mut fields);
        match (given(&post.lat), given(&post.long)) {
            (Some(_), None) => fields.push(FieldError::new("long", "is required with lat")),
            (None, Some(_)) => fields.push(FieldError::new("lat", "is required with long")),
            _ => {}
        }
        let building = match given(&post.address_id) {
            None => None,
            Some(id) => {
                let b = territory::building_by_code(&mut tx, street_id, id).await?;
                if b.is_none() {
                    fields.push(FieldError::new(
                        "address_id",
                        format!("{id:?} is not a building code of this jurisdiction"),
                    ));
                }
                b
            }
        };
        drop(tx);
        let address_string = given(&post.address_string);
        if address_string.is_some_and(|a| a.chars().count() > 200) {
            fields.push(FieldError::new("address_string", "must be at most 200 characters"));
        }

        // The service's attributes: known codes are checked, others are ignored (clients such as
        // FixMyStreet send extra attributes for every service).
        let defs = service::attributes(&c, limits, lang);
        let mut detail = None;
        let mut component = None;
        for def in defs.iter().filter(|d| d.variable) {
            let name = format!("attribute[{}]", def.code);
            let values: Vec<&str> = post
                .attributes
                .iter()
                .filter(|(k, _)| k == def.code)
                .flat_map(|(_, v)| v.iter().map(|s| s.trim()))
                .filter(|s| !s.is_empty())
                .collect();
            let max = if def.code == COMPONENT_ID {
                service::COMPONENT_ID_MAX
            } else {
                service::LOCATION_DETAIL_MAX
            };
            let value = match values.as_slice() {
                [] if def.required => {
                    fields.push(FieldError::new(
                        &name,
                        format!("is required for this service: {}", def.description),
                    ));
                    None
                }
                [] => None,
                [v] if v.chars().count() > max || v.chars().any(char::is_control) => {
                    fields.push(FieldError::new(
                        &name,
                        format!("must be at most {max} characters on one line"),
                    ));
                    None
                }
                [v] => Some(v.to_string()),
                _ => {
                    fields.push(FieldError::new(&name, "takes one value"));
                    None
                }
            };
            match def.code {
                LOCATION_DETAIL => detail = value,
                COMPONENT_ID => component = value,
                _ => {}
            }
        }

        if [&post.lat, &post.long, &post.address_id].iter().all(|v| given(v).is_none())
            && address_string.is_none()
            && detail.is_none()
        {
            fields.push(FieldError::new(
                "lat",
                "a location is required: lat and long, address_string or address_id",
            ));
        }
        let place = address_string
            .map(String::from)
            .or_else(|| building.as_ref().map(|b| b.address.clone()));
        let address = match (place, &detail) {
            (Some(p), Some(d)) => Some(format!("{p} / {d}")),
            (p, d) => p.or_else(|| d.clone()),
        };
        // GeoReport v2 makes the description optional; a case needs one (C1).
        let text = given(&post.description).unwrap_or_default();
        if text.is_empty() {
            fields.push(FieldError::new("description", "is required: say what is wrong and where"));
        }
        let description = match &component {
            Some(id) if !text.is_empty() => {
                let line = format!("部件编号 / Facility number: {id}");
                let room = MAX_DESCRIPTION - line.chars().count() - 1;
                if text.chars().count() > room {
                    fields.push(FieldError::new(
                        "description",
                        format!("must be at most {room} characters together with attribute[{COMPONENT_ID}]"),
                    ));
                }
                format!("{text}\n{line}")
            }
            _ => text.to_string(),
        };
        for (name, v) in [("first_name", &post.first_name), ("last_name", &post.last_name)] {
            if given(v).is_some_and(|s| s.chars().count() > 50) {
                fields.push(FieldError::new(name, "must be at most 50 characters"));
            }
        }
        if !fields.is_empty() {
            return Err(AppError::Invalid(fields));
        }
        let (lat, lng) = match (lat, lng, &building) {
            (Some(a), Some(b), _) => (Some(a), Some(b)),
            (_, _, Some(b)) => (b.lat, b.lng),
            _ => (None, None),
        };
        let reporter_name = full_name(given(&post.first_name), given(&post.last_name));
        let phone = given(&post.phone).map(String::from);
        let email = given(&post.email).map(String::from);
        let intake = Intake {
            category: code.to_string(),
            description,
            lat,
            lng,
            address,
            anonymous: reporter_name.is_none() && phone.is_none() && email.is_none(),
            reporter_name,
            reporter_phone: phone,
            reporter_email: email,
            media_url: given(&post.media_url).map(String::from),
            ..Intake::default()
        };
        let r = self
            .report_case(Source::Open311 { key_id, street_id }, &intake, idempotency_key)
            .await
            .map_err(|e| match e {
                AppError::Invalid(f) => AppError::Invalid(
                    f.into_iter()
                        .map(|f| FieldError::new(open311_field(&f.field), f.reason))
                        .collect(),
                ),
                other => other,
            })?;
        Ok(Posted {
            service_request_id: r.view.case.id,
            token: r.token,
            service_notice: limits.map(|l| service::notice(l, lang)),
            replayed: r.replayed,
        })
    }

    /// `GET requests`: the street's requests matching the query, newest first, at most 1000.
    pub async fn open311_requests(&self, street_id: i64, q: &RequestQuery, lang: Lang) -> Result<Vec<PublicRequest>, AppError> {
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let cat = &cached.catalogue;
        let offset = settings::load(&mut tx, street_id).await?.calendar.offset();
        let codes: Vec<String> = cat.leaves().map(|c| c.code.clone()).collect();
        let filter = match q.check(&codes, offset, Utc::now()).map_err(AppError::Invalid)? {
            Checked::Ids(ids) if ids.is_empty() => return Ok(Vec::new()),
            Checked::Ids(ids) => Filter {
                street_id: Some(street_id),
                limit: ids.len() as i64,
                ids,
                ..Filter::default()
            },
            Checked::Window {
                codes,
                statuses,
                from,
                to,
            } => Filter {
                street_id: Some(street_id),
                categories: codes,
                statuses: statuses.iter().map(|s| s.as_str().to_string()).collect(),
                from: Some(from),
                to: Some(to),
                limit: MAX_REQUESTS,
                ..Filter::default()
            },
        };
        let rows = lists::search(&mut tx, None, &filter).await?;
        Ok(rows.iter().map(|c| public(c, &cat, offset, lang)).collect())
    }

    /// `GET requests/{id}`: `NotFound` unless the case is the street's.
    pub async fn open311_request(&self, street_id: i64, id: i64, lang: Lang) -> Result<PublicRequest, AppError> {
        let mut tx = self.db.read().await?;
        let c = store::get(&mut tx, id).await?;
        if c.street_id != street_id {
            return Err(AppError::NotFound);
        }
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let cat = &cached.catalogue;
        let offset = settings::load(&mut tx, street_id).await?.calendar.offset();
        Ok(public(&c, &cat, offset, lang))
    }

    /// `GET tokens/{token}`: the id of the request the token was issued for.
    pub async fn open311_token(&self, street_id: i64, token: &str) -> Result<i64, AppError> {
        let mut tx = self.db.read().await?;
        let c = store::by_token_hash(&mut tx, &token_hash(token.trim())).await?;
        if c.street_id != street_id {
            return Err(AppError::NotFound);
        }
        Ok(c.id)
    }
}

fn active_leaf<'a>(
    cat: &'a Catalogue,
    rows: &[catalogue::CategoryRow],
    code: &str,
) -> Option<&'a onegrid_domain::case::Category> {
    cat.leaves()
        .find(|c| c.code == code)
        .filter(|c| rows.iter().any(|r| r.category.code == c.code && r.active))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_names_join_as_their_language_writes_them() {
        assert_eq!(full_name(Some("Jane"), Some("Doe")).as_deref(), Some("Jane Doe"));
        assert_eq!(full_name(Some("小明"), Some("王")).as_deref(), Some("王小明"));
        assert_eq!(full_name(None, Some("王")).as_deref(), Some("王"));
        assert_eq!(full_name(None, None), None);
        assert_eq!(open311_field("lng"), "long");
        assert_eq!(open311_field("category"), "service_code");
        assert_eq!(open311_field("description"), "description");
    }
}
