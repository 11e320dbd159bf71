//! D4 for issue 3: loads the demo's year of cases. Each case's steps go through the same rules
//! as a live case (`transition`, `apply`, the step clock); only the writing is in bulk. Open cases
//! whose step is overdue are left for the worker, which warns and escalates them at its first run.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use onegrid_demo::{DemoAssignee, DemoCase, DemoStep};
use onegrid_domain::case::{
    Action, ActionKind, Assignee, Assignment, CaseState, JointHandling, Step, StepClock, Tier, transition,
};
use onegrid_store::Tx;
use onegrid_store::case::{self as store, NewCase, catalogue};
use onegrid_store::value::Value;

use super::settings;
use crate::accounts::{random_token, token_hash};
use crate::{App, AppError};

struct Place {
    micro_grid: i64,
    grid: Option<i64>,
    community: Option<i64>,
}

fn bad(c: &DemoCase, why: impl std::fmt::Display) -> AppError {
    AppError::Internal(format!("demo case {}: {why}", c.number))
}

fn assignment(a: &DemoAssignee, areas: &HashMap<String, Place>, depts: &HashMap<String, i64>, street: i64) -> Option<Assignment> {
    let area = |code: &str| areas.get(code).map(|p| p.micro_grid);
    let single = |tier, unit| Some(Assignment::Single(Assignee { tier, unit }));
    match a {
        // Grids and communities are areas like micro-grids; the map holds them all by code.
        DemoAssignee::Grid(code) => single(Tier::Grid, area(code)?),
        DemoAssignee::Community(code) => single(Tier::Community, area(code)?),
        DemoAssignee::CommandCentre => single(Tier::CommandCentre, street),
        DemoAssignee::Department(code) => single(Tier::Department, *depts.get(code)?),
        DemoAssignee::Joint { lead, co } => {
            let co: Option<Vec<i64>> = co.iter().map(|c| depts.get(c).copied()).collect();
            Some(Assignment::Joint(JointHandling::new(*depts.get(lead)?, &co?)))
        }
    }
}

fn action(
    s: &DemoStep,
    c: &DemoCase,
    areas: &HashMap<String, Place>,
    depts: &HashMap<String, i64>,
    ids: &HashMap<u32, i64>,
    street: i64,
) -> Result<Action, AppError> {
    let mut a = Action::new(s.kind);
    a.reason = s.reason.clone();
    a.note = s.note.clone();
    a.rating = s.rating;
    a.escalation_level = s.escalation_level;
    if let Some(to) = &s.to {
        a.assignment = Some(assignment(to, areas, depts, street).ok_or_else(|| bad(c, format!("unknown assignee {to:?}")))?);
    }
    if let Some(d) = &s.department {
        a.department = Some(*depts.get(d).ok_or_else(|| bad(c, format!("unknown department {d}")))?);
    }
    if let Some(n) = s.merge_into {
        a.merge_into = Some(
            *ids.get(&n)
                .ok_or_else(|| bad(c, format!("merges into case {n}, not loaded before it")))?,
        );
    }
    Ok(a)
}

impl App {
    /// Writes the demo cases into the street; returns how many cases and events.
    pub(crate) async fn load_demo_cases(
        &self,
        tx: &mut Tx,
        street_id: i64,
        cases: &[DemoCase],
    ) -> Result<(usize, usize), AppError> {
        let mut areas = HashMap::new();
        for a in onegrid_store::territory::areas_of_street(tx, street_id).await? {
            areas.insert(
                a.code.clone(),
                Place {
                    micro_grid: a.id,
                    grid: a.grid_id,
                    community: a.community_id,
                },
            );
        }
        let depts: HashMap<String, i64> = catalogue::departments(tx, street_id)
            .await?
            .into_iter()
            .map(|d| (d.code, d.id))
            .collect();
        let cached = self.street_catalogue(tx, street_id).await?;
        let cat = &cached.catalogue;
        let s = settings::load(tx, street_id).await?;
        let mut ids: HashMap<u32, i64> = HashMap::new();
        let mut events: Vec<Vec<Value>> = Vec::new();
        for c in cases {
            let place = areas
                .get(&c.micro_grid_code)
                .ok_or_else(|| bad(c, format!("unknown micro-grid {}", c.micro_grid_code)))?;
            let limits = cat
                .limits(&c.category)
                .ok_or_else(|| bad(c, format!("category {} has no limits", c.category)))?;
            let received: DateTime<Utc> = c.received_at;
            let mut state = CaseState::new();
            let first = super::holder_at(street_id, place.community, place.grid, &state);
            let mut clock = Some(StepClock::start(
                Step::Dispatch,
                first.map_or(Tier::CommandCentre, |h| h.tier),
                received,
                &limits.dispatch,
                &s.calendar,
                &s.deadlines,
            ));
            let mut stamps: [Option<i64>; 5] = [None; 5];
            let (mut reply, mut comment) = (None, None);
            let mut log = Vec::new();
            for step in &c.steps {
                let a = action(step, c, &areas, &depts, &ids, street_id)?;
                let ev = transition(&state, &a, &step.by, step.at).map_err(|e| bad(c, e))?;
                let next = state.apply(&ev);
                clock = match StepClock::after_event(&ev, &next, |st| limits.for_step(st), &s.calendar, &s.deadlines) {
                    Some(fresh) => Some(fresh),
                    None if Step::for_status(next.status).is_some() => clock,
                    None => None,
                };
                if let Some(k) = clock.as_mut() {
                    k.escalation_level = next.escalation_level;
                }
                if let Some(i) = super::act::milestone(step.kind).and_then(|m| store::MILESTONES.iter().position(|x| *x == m)) {
                    stamps[i] = Some(step.at.timestamp_millis());
                }
                match step.kind {
                    ActionKind::Handle => reply = step.note.clone().or(reply),
                    ActionKind::Rate => comment = step.note.clone(),
                    _ => {}
                }
                log.push(ev);
                state = next;
            }
            let anonymous = c.reporter_name.is_none() && c.reporter_phone.is_none();
            let new = NewCase {
                street_id,
                token_hash: token_hash(&random_token()),
                category_code: c.category.clone(),
                channel: c.channel.to_string(),
                description: c.description.clone(),
                address: Some(c.address.clone()),
                lat: Some(c.lat),
                lng: Some(c.lng),
                community_id: place.community,
                grid_id: place.grid,
                micro_grid_id: Some(place.micro_grid),
                reporter_name: if anonymous { None } else { c.reporter_name.clone() },
                reporter_phone: if anonymous { None } else { c.reporter_phone.clone() },
                received_at: received.timestamp_millis(),
                ..NewCase::default()
            };
            let h = super::holder_at(street_id, place.community, place.grid, &state);
            let id = store::insert(tx, &new, &CaseState::new(), h, clock.as_ref()).await?;
            store::finish_loaded(
                tx,
                id,
                &state,
                &stamps,
                reply.as_deref(),
                comment.as_deref(),
                log.len() as i64,
            )
            .await?;
            if state.assignment.as_ref().is_some_and(|a| a.joint().is_some()) {
                store::sync_subtasks(tx, street_id, id, state.assignment.as_ref()).await?;
            }
            for (i, ev) in log.iter().enumerate() {
                events.push(vec![
                    street_id.into(),
                    id.into(),
                    (i as i64 + 1).into(),
                    ev.from.as_str().into(),
                    ev.to.as_str().into(),
                    ev.action.kind.as_str().into(),
                    ev.by.as_str().into(),
                    Value::I64(None),
                    ev.at.timestamp_millis().into(),
                    Value::Json(Some(serde_json::to_value(ev).map_err(|e| AppError::Internal(e.to_string()))?)),
                ]);
            }
            ids.insert(c.number, id);
        }
        onegrid_store::batch::insert_rows(
            tx,
            "case_events",
            &[
                "street_id",
                "case_id",
                "seq",
                "from_status",
                "to_status",
                "action",
                "by_tier",
                "by_user_id",
                "at",
                "detail",
            ],
            &events,
        )
        .await?;
        Ok((cases.len(), events.len()))
    }
}
