//! The street admin's case settings in the UI: the category tree with its departments and step
//! limits (C2), the working calendar, deadline policy and duplicate radius (C5, C8), the outgoing
//! webhooks with their deliveries (A5), and the CSV import of cases (C1). Desk-first tables that
//! still fold onto a phone; every form posts with the CSRF token and shows errors beside fields.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveTime};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_app::case::categories::CategoryEdit;
use onegrid_app::case::{CaseSettings, IMPORT_COLUMNS};
use onegrid_domain::case::{WorkCalendar, WorkPeriod};
use onegrid_domain::people::Permission;
use onegrid_domain::{DomainError, FieldError};
use serde::{Deserialize, Serialize};

use super::form::admin_street;
use crate::auth::{MaybeSession, Session, check_csrf};
use crate::html::page::{Page, urlencode};
use crate::signed_in;
use crate::state::AppState;

/// Field name → reasons, for the messages beside the fields.
type Errors = BTreeMap<String, Vec<String>>;

fn v<T: Serialize>(x: &T) -> Value {
    Value::from(minijinja::value::Serde(x))
}

fn errors_of(fields: &[FieldError], rename: &[(&str, &str)]) -> Errors {
    let mut out = Errors::new();
    for f in fields {
        let name = rename
            .iter()
            .find(|(from, _)| *from == f.field)
            .map_or(f.field.as_str(), |(_, to)| to);
        out.entry(name.to_string()).or_default().push(f.reason.clone());
    }
    out
}

fn render(page: &Page<'_>, status: StatusCode, section: &str, ctx: Value) -> Response {
    let columns: Vec<&str> = IMPORT_COLUMNS.to_vec();
    page.render_status(
        status,
        "case_admin.html",
        context! { section, import_columns => columns, ..ctx },
    )
}

/// `GET /cases/admin`: the first section the user may open.
pub async fn index(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin");
    if s.actor.can(Permission::Administer) {
        Redirect::to("/cases/admin/categories").into_response()
    } else if s.actor.can(Permission::Transfer) {
        Redirect::to("/cases/admin/import").into_response()
    } else {
        page.error(AppError::Forbidden)
    }
}

// ---- categories (C2) ----

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct CategoryForm {
    #[serde(default, skip_serializing)]
    csrf: String,
    #[serde(default)]
    zh: String,
    #[serde(default)]
    en: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    dispatch: String,
    #[serde(default)]
    handle: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    active: Option<String>,
}

/// A refused edit: the category, what was typed, and why.
struct Refused<'a> {
    code: &'a str,
    form: &'a CategoryForm,
    errors: Errors,
}

async fn render_categories(
    page: &Page<'_>,
    state: &AppState,
    s: &Session,
    status: StatusCode,
    refused: Option<Refused<'_>>,
    saved: Option<&str>,
) -> Response {
    let loaded = async {
        let street = admin_street(state, s).await?;
        let items = state.app.case_categories(street).await?;
        let departments = state.app.departments(&s.actor, street).await?;
        Ok::<_, AppError>((items, departments))
    }
    .await;
    let (items, departments) = match loaded {
        Ok(x) => x,
        Err(e) => return page.error(e),
    };
    // Depth in the tree, for the indentation of the code column.
    let parents: HashMap<&str, &str> = items
        .iter()
        .filter_map(|c| Some((c["code"].as_str()?, c["parent"].as_str()?)))
        .collect();
    let depths: BTreeMap<&str, usize> = items
        .iter()
        .filter_map(|c| c["code"].as_str())
        .map(|code| {
            let (mut d, mut at) = (0, code);
            while let Some(p) = parents.get(at).filter(|_| d < 16) {
                d += 1;
                at = p;
            }
            (code, d)
        })
        .collect();
    let dept_names: BTreeMap<&str, &str> = departments
        .iter()
        .map(|d| (d.code.as_str(), if page.lang == "en" { d.en.as_str() } else { d.zh.as_str() }))
        .collect();
    render(
        page,
        status,
        "categories",
        context! {
            items => v(&items), depths => v(&depths), departments => v(&departments), dept_names => v(&dept_names),
            failed => refused.as_ref().map(|r| r.code), form => refused.as_ref().map(|r| v(r.form)),
            errors => refused.as_ref().map(|r| v(&r.errors)), saved,
        },
    )
}

/// `GET /cases/admin/categories[?saved=CODE]`
pub async fn categories(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/categories");
    if let Err(e) = s.actor.require(Permission::Administer) {
        return page.error(e);
    }
    render_categories(&page, &state, s, StatusCode::OK, None, q.get("saved").map(String::as_str)).await
}

/// `POST /cases/admin/categories/{code}`: 303 back to the table, or the table again with the
/// errors beside the fields of that category's form.
pub async fn edit_category(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path(code): Path<String>,
    Form(f): Form<CategoryForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/categories");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::Administer)) {
        return page.error(e);
    }
    let street = match admin_street(&state, s).await {
        Ok(id) => id,
        Err(e) => return page.error(e),
    };
    let edit = CategoryEdit {
        zh: Some(f.zh.clone()),
        en: Some(f.en.clone()),
        department: Some(f.department.clone()),
        dispatch: Some(f.dispatch.clone()),
        handle: Some(f.handle.clone()),
        active: Some(f.active.is_some()),
    };
    match state.app.edit_case_category(&s.actor, street, &code, &edit).await {
        Ok(_) => {
            let code = urlencode(&code);
            Redirect::to(&format!("/cases/admin/categories?saved={code}#cat-{code}")).into_response()
        }
        Err(AppError::Invalid(fields)) => {
            let refused = Refused {
                code: &code,
                form: &f,
                errors: errors_of(&fields, &[]),
            };
            render_categories(&page, &state, s, StatusCode::UNPROCESSABLE_ENTITY, Some(refused), None).await
        }
        Err(e) => page.error(e),
    }
}

// ---- settings (C5, C8) ----

/// The settings form as typed: every field a string, the weekdays ticked.
#[derive(Debug, Default, Serialize)]
struct SettingsForm {
    periods: String,
    weekdays: Vec<String>,
    holidays: String,
    make_up_days: String,
    utc_offset: String,
    warn_percent: String,
    escalate_every_percent: String,
    duplicate_radius_m: String,
    duplicate_window_days: String,
}

fn offset_text(minutes: i32) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    format!("{sign}{:02}:{:02}", minutes.abs() / 60, minutes.abs() % 60)
}

fn parse_offset(s: &str) -> Option<i32> {
    let s = s.trim();
    let s = s.strip_prefix("UTC").or_else(|| s.strip_prefix("utc")).unwrap_or(s).trim();
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => (1, s),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h >= 0 && (0..60).contains(&m)).then_some(sign * (h * 60 + m))
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| c == ',' || c == '，' || c == ';' || c == '、' || c.is_whitespace())
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

impl SettingsForm {
    fn of(s: &CaseSettings) -> Self {
        let dates = |d: &BTreeSet<NaiveDate>| d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
        SettingsForm {
            periods: s
                .calendar
                .periods
                .iter()
                .map(|p| format!("{}-{}", p.start.format("%H:%M"), p.end.format("%H:%M")))
                .collect::<Vec<_>>()
                .join(", "),
            weekdays: s.calendar.weekdays.iter().map(u8::to_string).collect(),
            holidays: dates(&s.calendar.holidays),
            make_up_days: dates(&s.calendar.make_up_days),
            utc_offset: offset_text(s.calendar.utc_offset_minutes),
            warn_percent: s.deadlines.warn_percent.to_string(),
            escalate_every_percent: s.deadlines.escalate_every_percent.to_string(),
            duplicate_radius_m: s.duplicate_radius_m.to_string(),
            duplicate_window_days: s.duplicate_window_days.to_string(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> (Self, String) {
        let mut f = SettingsForm::default();
        let mut csrf = String::new();
        for (k, val) in pairs {
            let slot = match k.as_str() {
                "csrf" => &mut csrf,
                "periods" => &mut f.periods,
                "weekdays" => {
                    f.weekdays.push(val.clone());
                    continue;
                }
                "holidays" => &mut f.holidays,
                "make_up_days" => &mut f.make_up_days,
                "utc_offset" => &mut f.utc_offset,
                "warn_percent" => &mut f.warn_percent,
                "escalate_every_percent" => &mut f.escalate_every_percent,
                "duplicate_radius_m" => &mut f.duplicate_radius_m,
                "duplicate_window_days" => &mut f.duplicate_window_days,
                _ => continue,
            };
            *slot = val.clone();
        }
        (f, csrf)
    }

    /// The settings, or every problem at once (what cannot be read, and what the calendar and
    /// deadline rules refuse among the rest).
    fn parse(&self, old: &CaseSettings) -> Result<CaseSettings, Vec<FieldError>> {
        let mut errs = Vec::new();
        let mut out = old.clone();
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        let periods: Option<Vec<WorkPeriod>> = split_list(&self.periods.replace(['－', '–', '~', '～'], "-"))
            .map(|p| {
                let (a, b) = p.split_once('-')?;
                Some(WorkPeriod {
                    start: time(a)?,
                    end: time(b)?,
                })
            })
            .collect();
        match periods {
            Some(p) => out.calendar.periods = p,
            None => errs.push(FieldError::new("periods", "write periods like 09:00-12:00, 13:30-18:00")),
        }
        match self
            .weekdays
            .iter()
            .map(|d| d.trim().parse::<u8>())
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(mut d) => {
                d.sort_unstable();
                d.dedup();
                out.calendar.weekdays = d;
            }
            Err(_) => errs.push(FieldError::new("weekdays", "weekdays are numbered 1 (Monday) to 7 (Sunday)")),
        }
        let mut dates = |field: &str, text: &str, into: &mut BTreeSet<NaiveDate>| {
            let mut set = BTreeSet::new();
            for d in split_list(text) {
                match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
                    Ok(d) => {
                        set.insert(d);
                    }
                    Err(_) => {
                        errs.push(FieldError::new(field, format!("{d:?} is not a date like 2025-10-01")));
                        return;
                    }
                }
            }
            *into = set;
        };
        dates("holidays", &self.holidays, &mut out.calendar.holidays);
        dates("make_up_days", &self.make_up_days, &mut out.calendar.make_up_days);
        match parse_offset(&self.utc_offset) {
            Some(m) => out.calendar.utc_offset_minutes = m,
            None => errs.push(FieldError::new("utc_offset", "write the offset like +08:00")),
        }
        fn num<T: std::str::FromStr>(field: &str, text: &str, into: &mut T, errs: &mut Vec<FieldError>) {
            match text.trim().parse::<T>() {
                Ok(x) => *into = x,
                Err(_) => errs.push(FieldError::new(field, "must be a number")),
            }
        }
        num("warn_percent", &self.warn_percent, &mut out.deadlines.warn_percent, &mut errs);
        num(
            "escalate_every_percent",
            &self.escalate_every_percent,
            &mut out.deadlines.escalate_every_percent,
            &mut errs,
        );
        num(
            "duplicate_radius_m",
            &self.duplicate_radius_m,
            &mut out.duplicate_radius_m,
            &mut errs,
        );
        num(
            "duplicate_window_days",
            &self.duplicate_window_days,
            &mut out.duplicate_window_days,
            &mut errs,
        );
        if errs.is_empty() {
            return Ok(out);
        }
        // The rules on what could be read, so the admin sees every problem in one go.
        let calendar: &WorkCalendar = &out.calendar;
        for check in [calendar.validate(), out.deadlines.validate()] {
            if let Err(DomainError::Invalid(f)) = check {
                let f = f.into_iter().map(|e| {
                    if e.field == "utc_offset_minutes" {
                        FieldError::new("utc_offset", e.reason)
                    } else {
                        e
                    }
                });
                errs.extend(f.filter(|e| !errs.iter().any(|x| x.field == e.field)).collect::<Vec<_>>());
            }
        }
        Err(errs)
    }
}

fn render_settings(page: &Page<'_>, status: StatusCode, form: &SettingsForm, errors: Option<Errors>, saved: bool) -> Response {
    let weekdays: Vec<String> = (1..=7).map(|d: u8| d.to_string()).collect();
    render(
        page,
        status,
        "settings",
        context! { form => v(form), weekdays, errors => errors.map(|e| v(&e)), saved },
    )
}

/// `GET /cases/admin/settings[?saved=1]`
pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/settings");
    if let Err(e) = s.actor.require(Permission::Administer) {
        return page.error(e);
    }
    let current = match admin_street(&state, s).await {
        Ok(street) => state.app.case_settings(street).await,
        Err(e) => Err(e),
    };
    match current {
        Ok(c) => render_settings(&page, StatusCode::OK, &SettingsForm::of(&c), None, q.contains_key("saved")),
        Err(e) => page.error(e),
    }
}

/// `POST /cases/admin/settings`: the whole settings; 303 back, or the form with its errors.
pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/settings");
    let (form, csrf) = SettingsForm::from_pairs(&pairs);
    if let Err(e) = check_csrf(&headers, s, Some(&csrf)).and_then(|_| s.actor.require(Permission::Administer)) {
        return page.error(e);
    }
    let (street, old) = match admin_street(&state, s).await {
        Ok(street) => match state.app.case_settings(street).await {
            Ok(old) => (street, old),
            Err(e) => return page.error(e),
        },
        Err(e) => return page.error(e),
    };
    let refused = match form.parse(&old) {
        Ok(new) => match state.app.set_case_settings(&s.actor, street, &new).await {
            Ok(()) => return Redirect::to("/cases/admin/settings?saved=1").into_response(),
            Err(AppError::Invalid(f)) => f,
            Err(e) => return page.error(e),
        },
        Err(f) => f,
    };
    let errors = errors_of(&refused, &[("utc_offset_minutes", "utc_offset")]);
    render_settings(&page, StatusCode::UNPROCESSABLE_ENTITY, &form, Some(errors), false)
}

// ---- webhooks (A5) ----

#[derive(Debug, Deserialize)]
pub struct WebhookForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
}

#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    active: String,
}

/// The webhooks page; `added` is a hook just added with its secret (shown this once).
async fn render_webhooks(
    page: &Page<'_>,
    state: &AppState,
    s: &Session,
    status: StatusCode,
    added: Option<(i64, String)>,
    url: &str,
    errors: Option<Errors>,
) -> Response {
    let listed = match admin_street(state, s).await {
        Ok(street) => state.app.webhooks(&s.actor, street).await,
        Err(e) => Err(e),
    };
    match listed {
        Ok((hooks, deliveries)) => {
            let urls: BTreeMap<i64, &str> = hooks.iter().map(|h| (h.id, h.url.as_str())).collect();
            render(
                page,
                status,
                "webhooks",
                context! {
                    hooks => v(&hooks), deliveries => v(&deliveries), hook_urls => v(&urls),
                    added_id => added.as_ref().map(|a| a.0), secret => added.map(|a| a.1),
                    url, errors => errors.map(|e| v(&e)),
                },
            )
        }
        Err(e) => page.error(e),
    }
}

/// `GET /cases/admin/webhooks`
pub async fn webhooks(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/webhooks");
    if let Err(e) = s.actor.require(Permission::Administer) {
        return page.error(e);
    }
    render_webhooks(&page, &state, s, StatusCode::OK, None, "", None).await
}

/// `POST /cases/admin/webhooks`: adds a hook and answers with the page showing its signing secret
/// this one time (it is not stored readable anywhere the UI can show it again).
pub async fn add_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(f): Form<WebhookForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/webhooks");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::Administer)) {
        return page.error(e);
    }
    let added = match admin_street(&state, s).await {
        Ok(street) => state.app.add_webhook(&s.actor, street, &f.url).await,
        Err(e) => Err(e),
    };
    match added {
        Ok((hook, secret)) => render_webhooks(&page, &state, s, StatusCode::CREATED, Some((hook.id, secret)), "", None).await,
        Err(AppError::Invalid(fields)) => {
            let errors = errors_of(&fields, &[]);
            render_webhooks(&page, &state, s, StatusCode::UNPROCESSABLE_ENTITY, None, &f.url, Some(errors)).await
        }
        Err(e) => page.error(e),
    }
}

/// `POST /cases/admin/webhooks/{id}/active` with `active=true|false`: 303 back to the list.
pub async fn set_webhook_active(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path(id): Path<i64>,
    Form(f): Form<ActiveForm>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/webhooks");
    if let Err(e) = check_csrf(&headers, s, Some(&f.csrf)).and_then(|_| s.actor.require(Permission::Administer)) {
        return page.error(e);
    }
    let active = match f.active.as_str() {
        "true" => true,
        "false" => false,
        _ => return page.error(AppError::field("active", "must be true or false")),
    };
    let done = match admin_street(&state, s).await {
        Ok(street) => state.app.set_webhook_active(&s.actor, street, id, active).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Redirect::to(&format!("/cases/admin/webhooks#hook-{id}")).into_response(),
        Err(e) => page.error(e),
    }
}

// ---- CSV import of cases (C1) ----

/// `GET /cases/admin/import`
pub async fn import_form(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/import");
    if let Err(e) = s.actor.require(Permission::Transfer) {
        return page.error(e);
    }
    render(&page, StatusCode::OK, "import", context! { report => None::<Value> })
}

/// `POST /cases/admin/import` (multipart, `file`): the per-row report.
pub async fn import(State(state): State<AppState>, headers: HeaderMap, session: MaybeSession, mut form: Multipart) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/cases/admin/import");
    let mut csrf = String::new();
    let mut file: Option<Vec<u8>> = None;
    loop {
        match form.next_field().await {
            Ok(Some(f)) => match f.name().unwrap_or_default() {
                "file" => match f.bytes().await {
                    Ok(b) => file = Some(b.to_vec()),
                    Err(_) => return page.error(AppError::field("file", "could not be read")),
                },
                "csrf" => csrf = f.text().await.unwrap_or_default(),
                _ => {}
            },
            Ok(None) => break,
            Err(_) => return page.error(AppError::field("file", "the upload is not a valid form")),
        }
    }
    if let Err(e) = check_csrf(&headers, s, Some(&csrf)).and_then(|_| s.actor.require(Permission::Transfer)) {
        return page.error(e);
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let errors: Errors = [("file".to_string(), vec!["is required".to_string()])].into();
        return render(
            &page,
            StatusCode::UNPROCESSABLE_ENTITY,
            "import",
            context! { report => None::<Value>, errors => v(&errors) },
        );
    };
    match state.app.import_cases(&s.actor, &bytes).await {
        Ok(r) => render(&page, StatusCode::OK, "import", context! { report => v(&r) }),
        Err(e) => page.error(e),
    }
}
