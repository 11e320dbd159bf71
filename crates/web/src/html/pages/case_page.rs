//! One case for staff (issue 3 items 6–7): details, the place on the map, photos, the timeline
//! with who did what when, and one form for each step the user may take now (the `actions` of
//! the case view; the app decides again when the form is sent). A refused step re-shows the page
//! with the messages beside that form's fields.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Multipart, OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::case::{ActInput, AssignTo, CaseView};
use onegrid_app::{Actor, AppError};
use onegrid_domain::FieldError;
use onegrid_domain::case::{ActionKind, Assignment, Tier};
use serde::Serialize;

use super::case_form::{Categories, Problems, Submitted, tile_url, v};
use crate::auth::{MaybeSession, check_csrf};
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

/// The fields of each step's form, in order (the template draws each by its name).
fn fields_of(kind: ActionKind) -> &'static [&'static str] {
    use ActionKind::*;
    match kind {
        Register | Accept | Verify | Supervise => &["note"],
        Reject | SendBack | ReturnForRework | Reopen | Escalate => &["reason"],
        Dispatch | Reassign => &["to_tier", "to_unit", "to_department", "co_handlers", "note"],
        Start => &["note", "photos"],
        Handle => &["reply", "note", "photos"],
        Close => &["reply", "note"],
        Merge => &["merge_into", "note"],
        Rate => &["rating", "comment"],
        CompleteSubtask => &["department", "note"],
        WaiveSubtask => &["department", "reason"],
    }
}

/// The app's field names as the forms name them.
fn form_field(name: &str) -> &str {
    match name {
        "to.department" | "assignment.department" => "to_department",
        "to.co_handlers" | "co_handlers" | "assignment.co_handlers" => "co_handlers",
        "to.unit" | "assignment.unit" => "to_unit",
        "to.tier" | "assignment.tier" | "assignment" | "to" => "to_tier",
        "attachments" | "file" => "photos",
        "as" | "version" | "body" => "action",
        other => other,
    }
}

/// Whom a case is assigned to, by name.
#[derive(Serialize)]
struct Target {
    tier: &'static str,
    name: String,
    co: Vec<String>,
}

#[derive(Serialize)]
struct Named {
    id: i64,
    code: String,
    name: String,
}

#[derive(Serialize)]
struct SubTaskLine {
    code: String,
    name: String,
    status: &'static str,
    lead: bool,
    due_at: Option<i64>,
}

#[derive(Serialize)]
struct EventLine {
    at: i64,
    action: &'static str,
    from: &'static str,
    to: &'static str,
    by: &'static str,
    by_name: Option<String>,
    reason: Option<String>,
    note: Option<String>,
    target: Option<Target>,
    rating: Option<u8>,
    merge_into: Option<i64>,
    department: Option<String>,
    attachments: Vec<i64>,
}

#[derive(Serialize)]
struct FileLine {
    id: i64,
    purpose: String,
    name: String,
    image: bool,
}

struct Names {
    departments: Vec<Named>,
    units: HashMap<i64, String>,
}

impl Names {
    fn department(&self, id: i64) -> String {
        self.departments
            .iter()
            .find(|d| d.id == id)
            .map_or_else(|| format!("#{id}"), |d| d.name.clone())
    }

    fn target(&self, a: &Assignment) -> Target {
        match a {
            Assignment::Single(s) => Target {
                tier: s.tier.as_str(),
                name: match s.tier {
                    Tier::Department => self.department(s.unit),
                    _ => self.units.get(&s.unit).cloned().unwrap_or_default(),
                },
                co: Vec::new(),
            },
            Assignment::Joint(j) => Target {
                tier: Tier::Department.as_str(),
                name: self.department(j.lead.department),
                co: j.co_handlers.iter().map(|c| self.department(c.department)).collect(),
            },
        }
    }
}

fn ms(t: &chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

/// Renders the case page; `failed` re-shows one step's form with what was sent and why not.
async fn render(
    page: &Page<'_>,
    state: &AppState,
    actor: &Actor,
    id: i64,
    q: &HashMap<String, String>,
    failed: Option<(&str, &Submitted, &Problems)>,
) -> Response {
    let view: CaseView = match state.app.case(actor, id).await {
        Ok(v) => v,
        Err(e) => return page.error(e),
    };
    let c = &view.case;
    let lang = page.lang;
    let name = |zh: &str, en: &str| if lang == "en" { en.to_string() } else { zh.to_string() };
    let departments: Vec<Named> = match state.app.departments(actor, c.street_id).await {
        Ok(rows) => rows
            .into_iter()
            .map(|d| Named {
                name: name(&d.zh, &d.en),
                id: d.id,
                code: d.code,
            })
            .collect(),
        Err(AppError::NotFound) => Vec::new(),
        Err(e) => return page.error(e),
    };
    let place = match state.app.case_place(c).await {
        Ok(p) => p,
        Err(e) => return page.error(e),
    };
    let mut units: HashMap<i64, String> = place.iter().map(|p| (p.id, p.name.clone())).collect();
    // A case without a place is dispatched to a unit named on the form.
    let mut unit_choices: Vec<Named> = Vec::new();
    if c.grid_id.is_none() {
        let street = match state.app.street_view(actor, c.street_id).await {
            Ok(s) => s,
            Err(e) => return page.error(e),
        };
        for community in street.communities {
            unit_choices.push(Named {
                id: community.area.id,
                code: "community".into(),
                name: community.area.name.clone(),
            });
            if let Ok(area) = state.app.area_view(actor, community.area.id).await {
                for g in area.children.into_iter().filter(|g| g.area.level == "grid") {
                    unit_choices.push(Named {
                        id: g.area.id,
                        code: "grid".into(),
                        name: format!("{} › {}", community.area.name, g.area.name),
                    });
                }
            }
        }
        units.extend(unit_choices.iter().map(|u| (u.id, u.name.clone())));
    }
    let names = Names { departments, units };
    let category = match Categories::load(state, c.street_id).await {
        Ok(cat) => cat.label(&c.category_code, lang),
        Err(_) => c.category_code.clone(),
    };
    let events: Vec<EventLine> = view
        .events
        .iter()
        .map(|e| {
            let a = &e.event.action;
            EventLine {
                at: ms(&e.event.at),
                action: a.kind.as_str(),
                from: e.event.from.as_str(),
                to: e.event.to.as_str(),
                by: e.event.by.as_str(),
                by_name: e.by_name.clone(),
                reason: a.reason.clone(),
                note: a.note.clone(),
                target: a.assignment.as_ref().map(|x| names.target(x)),
                rating: a.rating,
                merge_into: a.merge_into,
                department: a.department.map(|d| names.department(d)),
                attachments: a.attachments.clone(),
            }
        })
        .collect();
    let files: Vec<FileLine> = view
        .attachments
        .iter()
        .map(|f| FileLine {
            id: f.id,
            purpose: f.purpose.clone(),
            name: f.name.clone(),
            image: f.mime.starts_with("image/") && f.mime != "image/heic",
        })
        .collect();
    let subtasks: Vec<SubTaskLine> = match c.state.assignment.as_ref().and_then(Assignment::joint) {
        Some(j) => std::iter::once((&j.lead, true))
            .chain(j.co_handlers.iter().map(|t| (t, false)))
            .map(|(t, lead)| SubTaskLine {
                code: names
                    .departments
                    .iter()
                    .find(|d| d.id == t.department)
                    .map(|d| d.code.clone())
                    .unwrap_or_default(),
                name: names.department(t.department),
                status: match t.status {
                    onegrid_domain::case::SubTaskStatus::Open => "open",
                    onegrid_domain::case::SubTaskStatus::Done => "done",
                    onegrid_domain::case::SubTaskStatus::Waived => "waived",
                },
                lead,
                due_at: t.due_at.as_ref().map(ms),
            })
            .collect(),
        None => Vec::new(),
    };
    // Whom this user may dispatch to: the tiers below or at theirs (C3).
    let staff: Vec<Tier> = view.acting_as.iter().filter_map(|t| t.tier()).collect();
    let dispatch_tiers: Vec<&str> = Tier::ALL
        .into_iter()
        .filter(|t| staff.iter().any(|s| s.can_dispatch_to(*t)))
        .map(Tier::as_str)
        .collect();
    let mut forms: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for k in &view.actions {
        let fields = fields_of(*k)
            .iter()
            .copied()
            .filter(|f| match *f {
                "to_unit" => c.grid_id.is_none() && !unit_choices.is_empty(),
                "to_department" | "co_handlers" => dispatch_tiers.contains(&"department") && !names.departments.is_empty(),
                _ => true,
            })
            .collect();
        forms.insert(k.as_str(), fields);
    }
    let actions: Vec<&str> = view.actions.iter().map(|k| k.as_str()).collect();
    let clock = c.clock.as_ref().filter(|_| c.state.status.is_open());
    let (failed_action, form, errors, refusal, status) = match failed {
        Some((a, f, p)) => (a.to_string(), f.echo(), p.fields(), p.refusal(), p.status),
        None => (
            String::new(),
            Value::from(()),
            Value::from(()),
            Value::from(()),
            StatusCode::OK,
        ),
    };
    page.render_status(
        status,
        "case.html",
        context! {
            view => v(&view), case => v(c), category, place => v(&place),
            target => v(&c.state.assignment.as_ref().map(|a| names.target(a))),
            subtasks => v(&subtasks), events => v(&events), files => v(&files),
            actions => v(&actions), forms => v(&forms), dispatch_tiers => v(&dispatch_tiers),
            departments => v(&names.departments), unit_choices => v(&unit_choices),
            open_subtasks => v(&subtasks.iter().filter(|t| t.status == "open").collect::<Vec<_>>()),
            acting_as => v(&view.acting_as.iter().map(|t| t.as_str()).collect::<Vec<_>>()),
            colour => v(&clock.map(|k| k.colour(chrono::Utc::now()))),
            step => clock.map(|k| match k.step { onegrid_domain::case::Step::Dispatch => "dispatch", onegrid_domain::case::Step::Handle => "handle" }),
            due_at => clock.map(|k| ms(&k.due_at)), warn_at => clock.map(|k| ms(&k.warn_at)),
            tile_url => tile_url(),
            done => q.get("done").cloned().unwrap_or_default(),
            track => q.get("track").cloned().unwrap_or_default(),
            failed_action, form, errors, refusal,
        },
    )
}

/// `GET /cases/{id}[?done=ACTION|track=TOKEN]`
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    uri: OriginalUri,
    Path(id): Path<i64>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, uri.path());
    if !s.actor.can(onegrid_domain::people::Permission::HandleCases) {
        return page.error(AppError::Forbidden);
    }
    render(&page, &state, &s.actor, id, &q, None).await
}

fn int(form: &Submitted, name: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let s = form.opt(name)?;
    match s.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errs.push(FieldError::new(name, "must be a whole number"));
            None
        }
    }
}

/// A case by its id or its number as pages show it (`2026-000123`).
fn case_ref(form: &Submitted, name: &str, errs: &mut Vec<FieldError>) -> Option<i64> {
    let s = form.opt(name)?;
    let digits = s.rsplit('-').next().unwrap_or_default().trim_start_matches('0');
    match digits.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            errs.push(FieldError::new(name, "must be a case number like 2026-000123"));
            None
        }
    }
}

/// The step as the app takes it, from the form (photos are added after they are stored).
fn input(form: &Submitted) -> Result<ActInput, AppError> {
    let action = form.get("action");
    let kind = ActionKind::parse(&action).ok_or_else(|| AppError::field("action", "is not a step of a case"))?;
    let mut errs = Vec::new();
    let version = int(form, "version", &mut errs);
    let merge_into = case_ref(form, "merge_into", &mut errs);
    let rating = match form.opt("rating") {
        None => None,
        Some(r) => match r.parse::<u8>() {
            Ok(r) if (1..=5).contains(&r) => Some(r),
            _ => {
                errs.push(FieldError::new("rating", "choose 1 to 5"));
                None
            }
        },
    };
    let to = match kind {
        ActionKind::Dispatch | ActionKind::Reassign => {
            let tier = form.get("to_tier");
            if tier.is_empty() {
                errs.push(FieldError::new("to_tier", "choose whom to send the case to"));
            }
            let department = (tier == "department").then(|| form.opt("to_department")).flatten();
            let lead = department.clone().unwrap_or_default();
            Some(AssignTo {
                unit: if tier == "grid" || tier == "community" {
                    int(form, "to_unit", &mut errs)
                } else {
                    None
                },
                co_handlers: if tier == "department" {
                    form.all("co_handlers").into_iter().filter(|c| *c != lead).collect()
                } else {
                    Vec::new()
                },
                department,
                tier,
            })
        }
        _ => None,
    };
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let carries_reply = matches!(kind, ActionKind::Handle | ActionKind::Close);
    Ok(ActInput {
        action,
        to,
        reason: form.opt("reason"),
        note: form.opt("note"),
        attachments: Vec::new(),
        merge_into: merge_into.filter(|_| kind == ActionKind::Merge),
        rating: rating.filter(|_| kind == ActionKind::Rate),
        comment: form.opt("comment").filter(|_| kind == ActionKind::Rate),
        department: form
            .opt("department")
            .filter(|_| matches!(kind, ActionKind::CompleteSubtask | ActionKind::WaiveSubtask)),
        reply: form.opt("reply").filter(|_| carries_reply),
        version,
        as_tier: None,
    })
}

/// `POST /cases/{id}/act` (multipart: a step's form, with photos for start and handle).
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Path(id): Path<i64>,
    multipart: Multipart,
) -> Response {
    let path = format!("/cases/{id}");
    let (page, s) = signed_in!(state, headers, session, &path);
    let q = HashMap::new();
    let form = match Submitted::read(multipart, "photos").await {
        Ok(f) => f,
        Err(e) => return refused(&page, &state, &s.actor, id, &q, "", &Submitted::default(), e).await,
    };
    if let Err(e) = check_csrf(&headers, s, Some(&form.get("csrf"))) {
        return page.error(e);
    }
    let action = form.get("action");
    let done = async {
        let mut step = input(&form)?;
        if !form.files.is_empty() {
            // The files belong to the case's street; reading it also checks the case is theirs.
            let street = state.app.case(&s.actor, id).await?.case.street_id;
            step.attachments = form.upload_photos(&state, Some(&s.actor), Some(street), "photos").await?;
        }
        state.app.act_on_case(&s.actor, id, &step).await
    };
    match done.await {
        Ok(_) => Redirect::to(&format!("/cases/{id}?done={action}")).into_response(),
        Err(e) => refused(&page, &state, &s.actor, id, &q, &action, &form, e).await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn refused(
    page: &Page<'_>,
    state: &AppState,
    actor: &Actor,
    id: i64,
    q: &HashMap<String, String>,
    action: &str,
    form: &Submitted,
    e: AppError,
) -> Response {
    match Problems::of(&e, form_field) {
        Some(p) if p.status != StatusCode::NOT_FOUND => render(page, state, actor, id, q, Some((action, form, &p))).await,
        _ => page.error(e),
    }
}
