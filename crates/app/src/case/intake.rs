//! C1: a case comes in from a resident's phone, a grid worker in the field, the hotline, Open311
//! or an import file. It is located (micro-grid → grid → community), held by its grid, checked
//! against nearby open cases of the same category (C8), and given a private tracking token (C6).
//! An `Idempotency-Key` makes a retried request return the first case instead of a second one.

use chrono::{DateTime, Utc};
use onegrid_domain::FieldError;
use onegrid_domain::case::{CaseState, Step, StepClock};
use onegrid_domain::people::Permission;
use onegrid_store::case::{self as store, NewCase, evidence as files};
use onegrid_store::{Tx, now_ms};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::settings::{self, CaseSettings};
use super::{CaseView, assemble, capacities, departments_of, holder_at, view};
use crate::accounts::{random_token, token_hash};
use crate::locate::Crs;
use crate::points::record;
use crate::{Actor, App, AppError};

/// Where a case came from (C1); recorded on the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// A resident's own report (phone page, signed in or not).
    Resident,
    /// Grid staff reporting what they found on patrol.
    Field,
    /// The hotline operator's form.
    Hotline,
    /// An Open311 client with an API key.
    Open311,
    /// A row of an import file (historical cases keep their receipt time).
    Import,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Resident => "resident",
            Channel::Field => "field",
            Channel::Hotline => "hotline",
            Channel::Open311 => "open311",
            Channel::Import => "import",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [
            Channel::Resident,
            Channel::Field,
            Channel::Hotline,
            Channel::Open311,
            Channel::Import,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }
}

/// What a reporter fills in.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    #[serde(default)]
    pub channel: Option<String>,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    /// `wgs84` (default) or `gcj02` (the datum of Chinese map apps).
    #[serde(default)]
    pub crs: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub anonymous: bool,
    #[serde(default)]
    pub reporter_name: Option<String>,
    #[serde(default)]
    pub reporter_phone: Option<String>,
    #[serde(default)]
    pub reporter_email: Option<String>,
    /// Ids of files uploaded before (`POST /api/v1/attachments`).
    #[serde(default)]
    pub attachments: Vec<i64>,
    /// Import only: when the case was received (epoch ms).
    #[serde(default)]
    pub received_at: Option<i64>,
    /// Which street, for a report without a location when there are several streets.
    #[serde(default)]
    pub street_id: Option<i64>,
    /// A link to a photo hosted by the client (Open311 `media_url`): http(s), at most 500 characters.
    #[serde(default)]
    pub media_url: Option<String>,
}

/// Intake's answer: the case, the reporter's private token (only when the case was created
/// now), and the open case it may duplicate.
#[derive(Debug, Clone, Serialize)]
pub struct Reported {
    #[serde(flatten)]
    pub view: CaseView,
    pub token: Option<String>,
    pub replayed: bool,
}

/// Who files: a signed-in user, an Open311 key (id, street), or nobody (public page).
pub enum Source<'a> {
    User(&'a Actor),
    Open311 { key_id: i64, street_id: i64 },
    Public,
}

pub(crate) const MAX_DESCRIPTION: usize = 2000;

fn text(v: &Option<String>) -> Option<String> {
    v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn check_contact(i: &Intake, required: bool, out: &mut Vec<FieldError>) {
    let name = text(&i.reporter_name);
    let phone = text(&i.reporter_phone);
    let email = text(&i.reporter_email);
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        out.push(FieldError::new("reporter_name", "must be at most 100 characters"));
    }
    if let Some(p) = &phone
        && (p.len() > 30
            || !p.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c))
            || p.chars().filter(char::is_ascii_digit).count() < 5)
    {
        out.push(FieldError::new(
            "reporter_phone",
            "must be a phone number (digits, spaces, + - ( ))",
        ));
    }
    if let Some(e) = &email
        && (e.len() > 200 || !e.contains('@') || e.starts_with('@') || e.ends_with('@'))
    {
        out.push(FieldError::new("reporter_email", "must be an e-mail address"));
    }
    if required && !i.anonymous && phone.is_none() && email.is_none() {
        out.push(FieldError::new(
            "reporter_phone",
            "give a phone number or e-mail so we can reply, or report anonymously",
        ));
    }
}

/// A photo link we are willing to show back: an absolute http(s) URL with a host.
fn valid_media_url(u: &str) -> bool {
    let rest = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
    u.len() <= 500
        && !u
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == '"')
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
}

/// Metres between two WGS-84 points (equirectangular; fine at the scale of a street).
fn metres(a: (f64, f64), b: (f64, f64)) -> f64 {
    let k = std::f64::consts::PI / 180.0;
    let x = (b.1 - a.1) * k * ((a.0 + b.0) / 2.0 * k).cos();
    let y = (b.0 - a.0) * k;
    6_371_000.0 * (x * x + y * y).sqrt()
}

impl App {
    /// Files a case (C1). `idempotency_key`: a retry with the same key from the same source
    /// returns the first case (C8).
    pub async fn report_case(
        &self,
        source: Source<'_>,
        input: &Intake,
        idempotency_key: Option<&str>,
    ) -> Result<Reported, AppError> {
        let channel = match (&source, input.channel.as_deref()) {
            (Source::Open311 { .. }, _) => Channel::Open311,
            (_, None) => match source {
                Source::User(a) if a.can(Permission::ReportCases) => Channel::Field,
                _ => Channel::Resident,
            },
            (_, Some(c)) => {
                Channel::parse(c).ok_or_else(|| AppError::field("channel", "must be one of resident, field, hotline, import"))?
            }
        };
        let actor = match source {
            Source::User(a) => Some(a),
            _ => None,
        };
        match channel {
            Channel::Field | Channel::Hotline => {
                actor.ok_or(AppError::Unauthenticated)?.require(Permission::ReportCases)?;
            }
            Channel::Import => actor.ok_or(AppError::Unauthenticated)?.require(Permission::Transfer)?,
            Channel::Open311 if !matches!(source, Source::Open311 { .. }) => {
                return Err(AppError::field("channel", "open311 is for Open311 clients with an API key"));
            }
            _ => {}
        }
        let scope = match (&source, idempotency_key) {
            (_, None) => None,
            (Source::User(a), Some(_)) => Some(format!("user:{}", a.user.id)),
            (Source::Open311 { key_id, .. }, Some(_)) => Some(format!("open311:{key_id}")),
            (Source::Public, Some(_)) => Some("public".to_string()),
        };
        if let Some(key) = idempotency_key
            && (key.is_empty() || key.len() > 200)
        {
            return Err(AppError::field("Idempotency-Key", "must be 1 to 200 characters"));
        }
        if let (Some(scope), Some(key)) = (&scope, idempotency_key)
            && let Some(r) = self.replay(actor, scope, key).await?
        {
            return Ok(r);
        }

        // Validate everything before writing anything (R2): all field errors at once.
        let mut fields = Vec::new();
        let description = input.description.trim().to_string();
        if description.is_empty() {
            fields.push(FieldError::new("description", "is required: say what is wrong and where"));
        } else if description.chars().count() > MAX_DESCRIPTION {
            fields.push(FieldError::new(
                "description",
                format!("must be at most {MAX_DESCRIPTION} characters"),
            ));
        }
        if input.category.trim().is_empty() {
            fields.push(FieldError::new("category", "is required"));
        }
        let address = text(&input.address);
        if address.as_ref().is_some_and(|a| a.chars().count() > 300) {
            fields.push(FieldError::new("address", "must be at most 300 characters"));
        }
        check_contact(input, matches!(channel, Channel::Resident) && actor.is_none(), &mut fields);
        if input.attachments.len() > onegrid_domain::case::MAX_ATTACHMENTS {
            fields.push(FieldError::new(
                "attachments",
                format!("at most {} files", onegrid_domain::case::MAX_ATTACHMENTS),
            ));
        }
        let media_url = text(&input.media_url);
        if let Some(u) = &media_url
            && !valid_media_url(u)
        {
            fields.push(FieldError::new(
                "media_url",
                "must be an http:// or https:// address of at most 500 characters, without spaces",
            ));
        }
        let now = now_ms();
        let received_at = match (channel, input.received_at) {
            (Channel::Import, Some(t)) if t > now + 60_000 => {
                fields.push(FieldError::new("received_at", "must not be in the future"));
                now
            }
            (Channel::Import, Some(t)) if t < 946_684_800_000 => {
                fields.push(FieldError::new("received_at", "must be after 2000-01-01"));
                now
            }
            (Channel::Import, Some(t)) => t,
            (_, Some(_)) => {
                fields.push(FieldError::new(
                    "received_at",
                    "only imported cases carry their own receipt time",
                ));
                now
            }
            (_, None) => now,
        };
        let located = match (input.lat, input.lng) {
            (None, None) => {
                if address.is_none() {
                    fields.push(FieldError::new("lat", "give the place: a map pin (lat, lng) or an address"));
                }
                None
            }
            (lat, lng) => match Crs::parse(input.crs.as_deref()).and_then(|crs| Ok((self.locator.locate(lat, lng, crs)?, crs))) {
                Ok((l, crs)) => Some((l, crs)),
                Err(AppError::Invalid(f)) => {
                    fields.extend(f);
                    None
                }
                Err(AppError::NotFound) => {
                    fields.push(FieldError::new("lat", "the point lies outside every micro-grid we serve"));
                    None
                }
                Err(e) => return Err(e),
            },
        };
        let wgs = located.as_ref().map(|(_, crs)| match crs {
            Crs::Wgs84 => (input.lat.unwrap_or_default(), input.lng.unwrap_or_default()),
            Crs::Gcj02 => onegrid_domain::geometry::gcj02_to_wgs84(input.lat.unwrap_or_default(), input.lng.unwrap_or_default()),
        });
        let street_id = match (&located, &source, input.street_id) {
            (Some((l, _)), _, _) => Some(l.street.id),
            (None, Source::Open311 { street_id, .. }, _) => Some(*street_id),
            (None, _, Some(s)) => Some(s),
            (None, Source::User(a), None) => a.home_street(),
            (None, Source::Public, None) => None,
        };
        if let (Some((l, _)), Source::Open311 { street_id, .. }) = (&located, &source)
            && l.street.id != *street_id
        {
            fields.push(FieldError::new(
                "lat",
                "the point lies outside the street this API key serves",
            ));
        }
        // Everything that only reads happens before the write transaction, which on SQLite holds
        // the single write lock: it is kept to the inserts (R1, throughput).
        let mut tx = self.db.read().await?;
        let street_id = match street_id {
            Some(s) => Some(s),
            None => only_street(&mut tx).await?,
        };
        let Some(street_id) = street_id else {
            fields.push(FieldError::new("street_id", "is required when the report has no map pin"));
            return Err(AppError::Invalid(fields));
        };
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let cat = &cached.catalogue;
        let code = input.category.trim();
        if !code.is_empty() && !cached.fileable.contains(code) {
            let parent = cat.get(code).is_some() && !cat.leaves().any(|c| c.code == code);
            fields.push(FieldError::new(
                "category",
                if parent {
                    "choose a sub-category: this one has sub-categories"
                } else {
                    "is not a category of this street"
                },
            ));
        }
        if !fields.is_empty() {
            return Err(AppError::Invalid(fields));
        }
        let settings = settings::load(&mut tx, street_id).await?;
        let duplicate_of = match wgs {
            Some(p) => nearby_duplicate(&mut tx, street_id, code, p, received_at, &settings).await?,
            None => None,
        };
        drop(tx);
        let mut tx = self.db.write().await?;
        let token = random_token();
        let new = NewCase {
            street_id,
            token_hash: token_hash(&token),
            category_code: code.to_string(),
            channel: channel.as_str().to_string(),
            description,
            address,
            lat: wgs.map(|p| p.0),
            lng: wgs.map(|p| p.1),
            community_id: located.as_ref().map(|(l, _)| l.community.id),
            grid_id: located.as_ref().map(|(l, _)| l.grid.id),
            micro_grid_id: located.as_ref().map(|(l, _)| l.micro_grid.id),
            reporter_name: if input.anonymous { None } else { text(&input.reporter_name) },
            reporter_phone: if input.anonymous { None } else { text(&input.reporter_phone) },
            reporter_email: if input.anonymous { None } else { text(&input.reporter_email) },
            // A resident's own report is theirs to follow and rate from their account.
            reporter_user_id: actor.filter(|_| channel == Channel::Resident).map(|a| a.user.id),
            created_by: actor.map(|a| a.user.id),
            open311_key_id: match source {
                Source::Open311 { key_id, .. } => Some(key_id),
                _ => None,
            },
            idempotency_scope: scope.clone(),
            idempotency_key: idempotency_key.map(String::from),
            duplicate_of,
            received_at,
            media_url,
        };
        let state = CaseState::new();
        let h = holder_at(street_id, new.community_id, new.grid_id, &state);
        let limits = cat
            .limits(code)
            .ok_or_else(|| AppError::Internal(format!("category {code} has no limits")))?;
        let received = DateTime::<Utc>::from_timestamp_millis(received_at).unwrap_or_default();
        let clock = StepClock::start(
            Step::Dispatch,
            h.map_or(onegrid_domain::case::Tier::CommandCentre, |h| h.tier),
            received,
            &limits.dispatch,
            &settings.calendar,
            &settings.deadlines,
        );
        let id = match store::insert(&mut tx, &new, &state, h, Some(&clock)).await {
            Ok(id) => id,
            // Another request with the same key won the race: answer with its case.
            Err(onegrid_store::StoreError::Conflict(_)) if scope.is_some() => {
                drop(tx);
                let (scope, key) = (scope.unwrap_or_default(), idempotency_key.unwrap_or_default());
                return self
                    .replay(actor, &scope, key)
                    .await?
                    .ok_or(AppError::Conflict("a case with this Idempotency-Key is being created".into()));
            }
            Err(e) => return Err(e.into()),
        };
        if !input.attachments.is_empty() && !files::attach(&mut tx, street_id, id, &input.attachments, "report").await? {
            return Err(AppError::field(
                "attachments",
                "includes a file that was not uploaded or is already used",
            ));
        }
        if let Some(h) = h {
            super::act::tell(&mut tx, street_id, h, id, "new_case", &format!("新案件 / new case {code}")).await?;
        }
        record(
            &mut tx,
            actor,
            street_id,
            "create",
            "case",
            id,
            json!({"channel": channel.as_str(), "category": code, "duplicate_of": duplicate_of}),
        )
        .await?;
        tx.commit().await?;
        let mut tx = self.db.read().await?;
        let row = store::get(&mut tx, id).await?;
        let departments = match actor {
            Some(a) => departments_of(&mut tx, a).await?,
            None => Vec::new(),
        };
        let acting_as = actor.map(|a| capacities(a, &row, &departments)).unwrap_or_default();
        // A new case has no events yet, and files only if the report brought some.
        let attachments = if input.attachments.is_empty() {
            Vec::new()
        } else {
            files::of_case(&mut tx, id).await?
        };
        let view = assemble(row, Vec::new(), attachments, acting_as);
        Ok(Reported {
            view,
            token: Some(token),
            replayed: false,
        })
    }

    async fn replay(&self, actor: Option<&Actor>, scope: &str, key: &str) -> Result<Option<Reported>, AppError> {
        let mut tx = self.db.read().await?;
        let Some(id) = store::by_idempotency_key(&mut tx, scope, key).await? else {
            return Ok(None);
        };
        let mut row = store::get(&mut tx, id).await?;
        let Some(a) = actor else {
            // Anyone may send a key without an account: the answer names the case and its
            // state, not who reported it or who works on it.
            row.reporter_name = None;
            row.reporter_phone = None;
            row.reporter_email = None;
            return Ok(Some(Reported {
                view: assemble(row, Vec::new(), Vec::new(), Vec::new()),
                token: None,
                replayed: true,
            }));
        };
        let departments = departments_of(&mut tx, a).await?;
        let acting_as = capacities(a, &row, &departments);
        Ok(Some(Reported {
            view: view(&mut tx, row, acting_as).await?,
            token: None,
            replayed: true,
        }))
    }
}

/// The street when the installation serves exactly one.
async fn only_street(tx: &mut Tx) -> Result<Option<i64>, AppError> {
    let streets = onegrid_store::territory::streets(tx).await?;
    Ok(if streets.len() == 1 {
        streets.first().map(|s| s.id)
    } else {
        None
    })
}

/// The nearest open case of the category within the street's radius and window (C8).
async fn nearby_duplicate(
    tx: &mut Tx,
    street_id: i64,
    category: &str,
    p: (f64, f64),
    at: i64,
    s: &CaseSettings,
) -> Result<Option<i64>, AppError> {
    if s.duplicate_radius_m <= 0.0 {
        return Ok(None);
    }
    let dlat = s.duplicate_radius_m / 111_000.0;
    let dlng = dlat / p.0.to_radians().cos().max(0.01);
    let since = at - s.duplicate_window_days * 86_400_000;
    let near = store::lists::open_nearby(tx, street_id, category, p.0, p.1, dlat, dlng, since).await?;
    Ok(near
        .into_iter()
        .map(|(id, lat, lng, _)| (id, metres(p, (lat, lng))))
        .filter(|(_, d)| *d <= s.duplicate_radius_m)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id))
}
