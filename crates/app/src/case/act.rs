//! C3–C6: one step of a case. The request names the action; the app resolves who the actor is to
//! the case and what units the request names, the domain decides, and the step is written in one
//! transaction: event, new state and clock (compare-and-set on the version), sub-tasks, files,
//! notifications and the webhook outbox, and the audit record.

use chrono::{DateTime, Utc};
use onegrid_domain::FieldError;
use onegrid_domain::case::{
    Action, ActionKind, ActorTier, Assignee, Assignment, CaseError, JointHandling, Step, StepClock, Tier, transition,
};
use onegrid_store::Tx;
use onegrid_store::case::{self as store, CaseRow, Holder, catalogue, evidence as files, notify};
use serde::Deserialize;
use serde_json::json;

use super::{CaseView, capacities, departments_of, holder, view};
use crate::accounts::token_hash;
use crate::points::record;
use crate::{Actor, App, AppError, today};

/// Whom to dispatch to. `tier` alone means the case's own grid or community, or the command
/// centre; `department` names a department by code; `co_handlers` makes it joint handling led by
/// `department`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignTo {
    pub tier: String,
    #[serde(default)]
    pub unit: Option<i64>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub co_handlers: Vec<String>,
}

/// A step as the API and the forms send it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActInput {
    pub action: String,
    #[serde(default)]
    pub to: Option<AssignTo>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub attachments: Vec<i64>,
    #[serde(default)]
    pub merge_into: Option<i64>,
    #[serde(default)]
    pub rating: Option<u8>,
    /// The reporter's comment with a rating.
    #[serde(default)]
    pub comment: Option<String>,
    /// Complete or waive a sub-task: the department's code.
    #[serde(default)]
    pub department: Option<String>,
    /// The final reply to the reporter (handle or close).
    #[serde(default)]
    pub reply: Option<String>,
    /// The version the client saw; a step on a case that changed since is refused.
    #[serde(default)]
    pub version: Option<i64>,
    /// Act in this capacity (`grid`, `community`, `command_centre`, `department`) when the user
    /// has several on the case.
    #[serde(default, rename = "as")]
    pub as_tier: Option<String>,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

async fn department_id(tx: &mut Tx, street_id: i64, code: &str, field: &str) -> Result<i64, AppError> {
    catalogue::departments(tx, street_id)
        .await?
        .into_iter()
        .find(|d| d.code == code.trim())
        .map(|d| d.id)
        .ok_or_else(|| AppError::field(field, format!("{code:?} is not a department of this street")))
}

/// Resolves `to` into an assignment of units that exist in the case's street.
async fn assignment(
    tx: &mut Tx,
    c: &CaseRow,
    to: &AssignTo,
    handle_due: impl Fn() -> DateTime<Utc>,
) -> Result<Assignment, AppError> {
    let tier = Tier::parse(to.tier.trim())
        .ok_or_else(|| AppError::field("to.tier", "must be grid, community, command_centre or department"))?;
    let single = |unit| Assignment::Single(Assignee { tier, unit });
    match tier {
        Tier::Department => {
            let code = to
                .department
                .as_deref()
                .ok_or_else(|| AppError::field("to.department", "is required to dispatch to a department"))?;
            let lead = department_id(tx, c.street_id, code, "to.department").await?;
            if to.co_handlers.is_empty() {
                return Ok(single(lead));
            }
            let mut co = Vec::new();
            for code in &to.co_handlers {
                co.push(department_id(tx, c.street_id, code, "to.co_handlers").await?);
            }
            let due = handle_due();
            let mut j = JointHandling::new(lead, &co);
            for d in std::iter::once(lead).chain(co) {
                j = j.with_due(d, due);
            }
            Ok(Assignment::Joint(j))
        }
        Tier::CommandCentre => Ok(single(c.street_id)),
        Tier::Grid | Tier::Community => {
            let own = if tier == Tier::Grid { c.grid_id } else { c.community_id };
            let unit = match to.unit.or(own) {
                Some(u) => u,
                None => return Err(AppError::field("to.unit", "the case has no place: name the unit")),
            };
            let area = onegrid_store::territory::area(tx, unit)
                .await
                .map_err(|_| AppError::field("to.unit", "is not an area"))?;
            let level = if tier == Tier::Grid { "grid" } else { "community" };
            if area.level != level || area.street_id != c.street_id || area.retired_on.is_some() {
                return Err(AppError::field("to.unit", format!("is not a {level} of this street")));
            }
            Ok(single(unit))
        }
    }
}

/// Builds the domain action from the request, resolving codes and ids against the street.
async fn action(tx: &mut Tx, c: &CaseRow, input: &ActInput, handle_due: impl Fn() -> DateTime<Utc>) -> Result<Action, AppError> {
    let kind = ActionKind::parse(input.action.trim()).ok_or_else(|| {
        AppError::field(
            "action",
            format!("must be one of {}", ActionKind::ALL.map(ActionKind::as_str).join(", ")),
        )
    })?;
    let mut a = Action::new(kind);
    a.reason = opt(&input.reason);
    a.note = opt(&input.note);
    a.attachments = input.attachments.clone();
    a.rating = input.rating;
    a.merge_into = input.merge_into;
    if let Some(to) = &input.to {
        a.assignment = Some(assignment(tx, c, to, handle_due).await?);
    }
    if let Some(code) = &input.department {
        a.department = Some(department_id(tx, c.street_id, code, "department").await?);
    }
    if kind == ActionKind::Supervise {
        a.escalation_level = Some(c.state.escalation_level.saturating_add(1));
    }
    if let Some(target) = a.merge_into {
        let t = store::get(tx, target)
            .await
            .map_err(|_| AppError::field("merge_into", "is not a case"))?;
        if t.street_id != c.street_id || t.id == c.id || !t.state.status.is_open() {
            return Err(AppError::field("merge_into", "must be another open case of the same street"));
        }
    }
    let mut fields = Vec::new();
    if opt(&input.reply).is_some_and(|r| r.chars().count() > 2000) {
        fields.push(FieldError::new("reply", "must be at most 2000 characters"));
    }
    if opt(&input.comment).is_some_and(|r| r.chars().count() > 1000) {
        fields.push(FieldError::new("comment", "must be at most 1000 characters"));
    }
    if input.reply.is_some() && !matches!(kind, ActionKind::Handle | ActionKind::Close) {
        fields.push(FieldError::new("reply", "only `handle` and `close` carry the reply"));
    }
    if input.comment.is_some() && kind != ActionKind::Rate {
        fields.push(FieldError::new("comment", "only `rate` carries a comment"));
    }
    if !fields.is_empty() {
        return Err(AppError::Invalid(fields));
    }
    Ok(a)
}

pub(crate) fn milestone(kind: ActionKind) -> Option<&'static str> {
    match kind {
        ActionKind::Register => Some("registered_at"),
        ActionKind::Dispatch | ActionKind::Reassign => Some("dispatched_at"),
        ActionKind::Accept => Some("accepted_at"),
        ActionKind::Handle => Some("handled_at"),
        ActionKind::Close | ActionKind::Reject | ActionKind::Merge => Some("closed_at"),
        _ => None,
    }
}

fn purpose(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Accept | ActionKind::Start => "before",
        ActionKind::Handle => "after",
        _ => "evidence",
    }
}

/// Notifies whoever holds the unit and queues the webhook event.
pub(crate) async fn tell(
    tx: &mut Tx,
    street_id: i64,
    h: Holder,
    case_id: i64,
    kind: &str,
    message: &str,
) -> Result<(), AppError> {
    notify::notify_holders(tx, street_id, h.tier.as_str(), h.unit, case_id, kind, message, &today()).await?;
    notify::enqueue(
        tx,
        street_id,
        &format!("case.{kind}"),
        &json!({"event": format!("case.{kind}"), "case_id": case_id, "tier": h.tier.as_str(), "unit": h.unit, "message": message}),
    )
    .await?;
    Ok(())
}

/// What else a step writes besides the event.
#[derive(Default)]
pub(crate) struct Extra {
    pub reply: Option<String>,
    pub comment: Option<String>,
}

/// Decides and writes one step on a case read in this transaction. Used by staff, the reporter
/// and the deadline worker alike.
pub(crate) async fn apply(
    tx: &mut Tx,
    rules: &super::cache::Rules,
    c: &CaseRow,
    a: &Action,
    by: ActorTier,
    by_user: Option<i64>,
    now: DateTime<Utc>,
    extra: Extra,
) -> Result<CaseRow, AppError> {
    let ev = transition(&c.state, a, &by, now)?;
    let next = c.state.apply(&ev);
    let s = &rules.settings;
    let limits = rules
        .catalogue
        .catalogue
        .limits(&c.category_code)
        .ok_or_else(|| AppError::Internal(format!("category {} has no limits", c.category_code)))?;
    let mut clock = match StepClock::after_event(&ev, &next, |step| limits.for_step(step), &s.calendar, &s.deadlines) {
        Some(fresh) => Some(fresh),
        None if Step::for_status(next.status).is_some() => c.clock.clone(),
        None => None,
    };
    if let Some(k) = clock.as_mut() {
        k.escalation_level = next.escalation_level;
    }
    let h = holder(c, &next);
    let saved = store::save(
        tx,
        c.id,
        c.version,
        store::Saved {
            state: &next,
            holder: h,
            clock: clock.as_ref(),
            milestone: milestone(a.kind),
            at: now.timestamp_millis(),
            rating_comment: extra.comment.as_deref(),
            final_reply: extra.reply.as_deref(),
        },
    )
    .await?;
    if !saved {
        return Err(AppError::Refused(
            "stale",
            "the case changed while this step was decided; reload it and try again".into(),
        ));
    }
    store::append_event(tx, c.street_id, c.id, c.version + 1, &ev, by_user).await?;
    if next.assignment != c.state.assignment {
        store::sync_subtasks(tx, c.street_id, c.id, next.assignment.as_ref()).await?;
    }
    if !a.attachments.is_empty() && !files::attach(tx, c.street_id, c.id, &a.attachments, purpose(a.kind)).await? {
        return Err(AppError::field(
            "attachments",
            "includes a file that was not uploaded or is already used",
        ));
    }
    let (kind, message) = match a.kind {
        ActionKind::Dispatch | ActionKind::Reassign | ActionKind::Escalate | ActionKind::SendBack | ActionKind::Reopen => {
            ("assigned", format!("案件派遣 / case assigned: {}", c.category_code))
        }
        ActionKind::ReturnForRework => (
            "returned",
            format!("案件退回重办 / case returned for rework: {}", c.category_code),
        ),
        ActionKind::Handle => (
            "handled",
            format!("案件已处置待核查 / case handled, to verify: {}", c.category_code),
        ),
        _ => ("", String::new()),
    };
    if let (false, Some(h)) = (kind.is_empty(), h) {
        tell(tx, c.street_id, h, c.id, kind, &message).await?;
    }
    Ok(store::get(tx, c.id).await?)
}

impl App {
    /// A staff member (or the reporter's account) takes one step on a case.
    pub async fn act_on_case(&self, actor: &Actor, id: i64, input: &ActInput) -> Result<CaseView, AppError> {
        let mut tx = self.db.write().await?;
        let c = store::get(&mut tx, id).await?;
        let departments = departments_of(&mut tx, actor).await?;
        let mut caps = capacities(actor, &c, &departments);
        if caps.is_empty() {
            return Err(if super::sees(actor, &c) {
                AppError::Denied("this case is not held by any of your posts".into())
            } else {
                AppError::NotFound
            });
        }
        if let Some(t) = input.as_tier.as_deref() {
            let t = ActorTier::parse(t.trim())
                .filter(|t| caps.contains(t))
                .ok_or_else(|| AppError::field("as", format!("must be one of your capacities on this case: {caps:?}")))?;
            caps = vec![t];
        }
        if input.version.is_some_and(|v| v != c.version) {
            return Err(AppError::Refused(
                "stale",
                format!(
                    "the case is at version {}, not {}; reload it",
                    c.version,
                    input.version.unwrap_or_default()
                ),
            ));
        }
        let now = Utc::now();
        let rules = self.street_rules(&mut tx, c.street_id).await?;
        let (cat, s) = (&rules.catalogue.catalogue, &rules.settings);
        let handle_limit = cat.limits(&c.category_code).map(|l| l.handle);
        let due = || handle_limit.map_or(now, |l| onegrid_domain::case::due_at(now, &l, &s.calendar));
        let a = action(&mut tx, &c, input, due).await?;
        // Try the capacities in order; report the most telling refusal if none may.
        let mut refusal: Option<CaseError> = None;
        let mut chosen = None;
        for t in &caps {
            match transition(&c.state, &a, t, now) {
                Ok(_) => {
                    chosen = Some(*t);
                    break;
                }
                Err(e) => {
                    let better = match (&refusal, &e) {
                        (None, _) => true,
                        (Some(CaseError::NotPermitted { .. }), e) => !matches!(e, CaseError::NotPermitted { .. }),
                        _ => false,
                    };
                    if better {
                        refusal = Some(e);
                    }
                }
            }
        }
        let Some(by) = chosen else {
            return Err(refusal.map_or(AppError::Forbidden, AppError::from));
        };
        let extra = Extra {
            reply: opt(&input.reply),
            comment: opt(&input.comment),
        };
        let row = apply(&mut tx, &rules, &c, &a, by, Some(actor.user.id), now, extra).await?;
        record(
            &mut tx,
            Some(actor),
            c.street_id,
            a.kind.as_str(),
            "case",
            c.id,
            json!({"as": by.as_str(), "from": c.state.status.as_str(), "to": row.state.status.as_str()}),
        )
        .await?;
        let caps = capacities(actor, &row, &departments);
        let v = view(&mut tx, row, caps).await?;
        tx.commit().await?;
        Ok(v)
    }

    /// The case as its reporter may see it (C6): by the private link, or a signed-in
    /// resident's own report.
    pub async fn tracked_case(&self, key: ReporterKey<'_>) -> Result<Tracked, AppError> {
        let mut tx = self.db.read().await?;
        let c = reporter_case(&mut tx, key).await?;
        tracked(&mut tx, c).await
    }

    /// The reporter rates or reopens, by the private link or as the signed-in reporter.
    pub async fn act_as_reporter(&self, key: ReporterKey<'_>, input: &ActInput) -> Result<Tracked, AppError> {
        let mut tx = self.db.write().await?;
        let c = reporter_case(&mut tx, key).await?;
        if input.to.is_some() || input.department.is_some() || input.merge_into.is_some() || input.as_tier.is_some() {
            return Err(AppError::field("action", "the reporter may only rate or reopen"));
        }
        let a = action(&mut tx, &c, input, Utc::now).await?;
        if !matches!(a.kind, ActionKind::Rate | ActionKind::Reopen) {
            return Err(AppError::Denied(format!("the reporter may not {} a case", a.kind)));
        }
        let extra = Extra {
            reply: None,
            comment: opt(&input.comment),
        };
        let rules = self.street_rules(&mut tx, c.street_id).await?;
        let by = key.account();
        let row = apply(
            &mut tx,
            &rules,
            &c,
            &a,
            ActorTier::Reporter,
            by.map(|x| x.user.id),
            Utc::now(),
            extra,
        )
        .await?;
        record(
            &mut tx,
            by,
            c.street_id,
            a.kind.as_str(),
            "case",
            c.id,
            json!({"as": "reporter"}),
        )
        .await?;
        let t = tracked(&mut tx, row).await?;
        tx.commit().await?;
        Ok(t)
    }
}

/// How a reporter reaches their case: the private link's token, or their account and the
/// case's id (a resident who reported signed in).
#[derive(Clone, Copy)]
pub enum ReporterKey<'a> {
    Token(&'a str),
    Account(&'a Actor, i64),
}

impl<'a> ReporterKey<'a> {
    fn account(self) -> Option<&'a Actor> {
        match self {
            ReporterKey::Token(_) => None,
            ReporterKey::Account(a, _) => Some(a),
        }
    }
}

/// The case a reporter key opens; someone else's case does not exist for them.
async fn reporter_case(tx: &mut Tx, key: ReporterKey<'_>) -> Result<CaseRow, AppError> {
    match key {
        ReporterKey::Token(t) => Ok(store::by_token_hash(tx, &token_hash(t.trim())).await?),
        ReporterKey::Account(actor, id) => {
            let c = store::get(tx, id).await?;
            if c.reporter_user_id == Some(actor.user.id) {
                Ok(c)
            } else {
                Err(AppError::NotFound)
            }
        }
    }
}

/// What the reporter sees (C6): progress without staff names, contact data or internal notes.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tracked {
    pub id: i64,
    /// For the page's category names; not part of the reporter's JSON.
    #[serde(skip)]
    pub street_id: i64,
    pub number: String,
    pub category_code: String,
    pub description: String,
    pub address: Option<String>,
    pub status: onegrid_domain::case::CaseStatus,
    pub received_at: i64,
    pub closed_at: Option<i64>,
    pub final_reply: Option<String>,
    pub rating: Option<u8>,
    pub rating_comment: Option<String>,
    pub timeline: Vec<TimelineEntry>,
    pub photos: Vec<i64>,
    pub can_rate: bool,
    pub can_reopen: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct TimelineEntry {
    pub at: i64,
    pub status: onegrid_domain::case::CaseStatus,
    pub action: ActionKind,
}

async fn tracked(tx: &mut Tx, c: CaseRow) -> Result<Tracked, AppError> {
    let events = store::events(tx, c.id).await?;
    let photos = files::of_case(tx, c.id)
        .await?
        .into_iter()
        .filter(|f| f.purpose == "report" || f.purpose == "after")
        .map(|f| f.id)
        .collect();
    let actions = onegrid_domain::case::available_actions(&c.state, ActorTier::Reporter);
    Ok(Tracked {
        id: c.id,
        street_id: c.street_id,
        number: super::number(&c),
        category_code: c.category_code.clone(),
        description: c.description.clone(),
        address: c.address.clone(),
        status: c.state.status,
        received_at: c.received_at,
        closed_at: c.closed_at,
        final_reply: c.final_reply.clone(),
        rating: c.state.rating,
        rating_comment: c.rating_comment.clone(),
        timeline: events
            .iter()
            .filter(|e| e.event.action.kind != ActionKind::Supervise)
            .map(|e| TimelineEntry {
                at: e.event.at.timestamp_millis(),
                status: e.event.to,
                action: e.event.action.kind,
            })
            .collect(),
        photos,
        can_rate: actions.contains(&ActionKind::Rate),
        can_reopen: actions.contains(&ActionKind::Reopen),
    })
}
