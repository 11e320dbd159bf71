//! P1–P2 page for the street administrator: the points policy as one form — the rule of every
//! activity category (per activity, per hour, cap), the joint-review threshold, the store's
//! exchange window and the validity of points. A refused form keeps what was typed and shows
//! the reasons beside the fields; nothing is saved.

use std::collections::{BTreeMap, HashMap};

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use onegrid_app::AppError;
use onegrid_domain::people::Permission;
use onegrid_domain::points::store::ExchangeWindow;
use onegrid_domain::points::{Category, PointRule, PointsPolicy};
use onegrid_domain::{DomainError, FieldError};
use serde::Serialize;

use super::case_form::by_field;
use super::form::admin_street;
use crate::auth::{MaybeSession, check_csrf};
use crate::html::page::Page;
use crate::signed_in;
use crate::state::AppState;

/// Field name → reasons; rule rows are `rules.<category>` as in `PointsPolicy::check`.
type Errors = BTreeMap<String, Vec<String>>;

const MONTHS: std::ops::RangeInclusive<u32> = 1..=12;

/// One category's row as typed.
#[derive(Debug, Default, Clone, Serialize)]
struct RuleRow {
    category: &'static str,
    per_activity: String,
    per_hour: String,
    cap: String,
}

/// The form as typed: every number a string, so a refused form shows exactly what was sent.
#[derive(Debug, Default, Serialize)]
struct PolicyForm {
    rules: Vec<RuleRow>,
    joint_review_threshold: String,
    /// `none` or `months`.
    window: String,
    window_months: Vec<String>,
    window_from_day: String,
    window_to_day: String,
    /// Empty: points never expire.
    expiry_years: String,
}

impl PolicyForm {
    fn of(p: &PointsPolicy) -> Self {
        let w = p.exchange_window.clone();
        PolicyForm {
            rules: Category::ALL
                .iter()
                .map(|c| {
                    let r = p.rule(*c);
                    RuleRow {
                        category: c.as_str(),
                        per_activity: r.per_activity.to_string(),
                        per_hour: r.per_hour.to_string(),
                        cap: r.cap.to_string(),
                    }
                })
                .collect(),
            joint_review_threshold: p.joint_review_threshold.to_string(),
            window: if w.is_some() { "months" } else { "none" }.into(),
            // An empty window offers the quarterly default to start from.
            window_months: w
                .clone()
                .unwrap_or_else(ExchangeWindow::quarterly)
                .months
                .iter()
                .map(u32::to_string)
                .collect(),
            window_from_day: w.clone().unwrap_or_else(ExchangeWindow::quarterly).from_day.to_string(),
            window_to_day: w.unwrap_or_else(ExchangeWindow::quarterly).to_day.to_string(),
            expiry_years: p.expiry_years.map(|y| y.to_string()).unwrap_or_default(),
        }
    }

    fn from_pairs(pairs: &[(String, String)]) -> (Self, String) {
        let mut f = PolicyForm {
            rules: Category::ALL
                .iter()
                .map(|c| RuleRow {
                    category: c.as_str(),
                    ..Default::default()
                })
                .collect(),
            window: "none".into(),
            ..Default::default()
        };
        let mut csrf = String::new();
        for (k, val) in pairs {
            let slot = match k.as_str() {
                "csrf" => &mut csrf,
                "joint_review_threshold" => &mut f.joint_review_threshold,
                "window" => &mut f.window,
                "window_months" => {
                    f.window_months.push(val.clone());
                    continue;
                }
                "window_from_day" => &mut f.window_from_day,
                "window_to_day" => &mut f.window_to_day,
                "expiry_years" => &mut f.expiry_years,
                // Rule inputs are named `<category>.<column>`.
                other => {
                    let Some((cat, col)) = other.split_once('.') else { continue };
                    let Some(row) = f.rules.iter_mut().find(|r| r.category == cat) else {
                        continue;
                    };
                    match col {
                        "per_activity" => &mut row.per_activity,
                        "per_hour" => &mut row.per_hour,
                        "cap" => &mut row.cap,
                        _ => continue,
                    }
                }
            };
            *slot = val.clone();
        }
        (f, csrf)
    }

    /// The policy, or every problem at once: what cannot be read, and what the policy's rules
    /// refuse among the rest.
    fn parse(&self, old: &PointsPolicy) -> Result<PointsPolicy, Vec<FieldError>> {
        let mut errs: Vec<FieldError> = Vec::new();
        let mut out = old.clone();
        fn num<T: std::str::FromStr>(field: &str, what: &str, text: &str, errs: &mut Vec<FieldError>) -> Option<T> {
            let x = text.trim().parse::<T>().ok();
            if x.is_none() {
                errs.push(FieldError::new(field, format!("{what} must be a whole number")));
            }
            x
        }
        out.rules = Category::ALL
            .iter()
            .zip(&self.rules)
            .map(|(c, row)| {
                let field = format!("rules.{}", c.as_str());
                let was = old.rule(*c);
                PointRule {
                    category: *c,
                    per_activity: num(&field, "per activity", &row.per_activity, &mut errs).unwrap_or(was.per_activity),
                    per_hour: num(&field, "per hour", &row.per_hour, &mut errs).unwrap_or(was.per_hour),
                    cap: num(&field, "cap", &row.cap, &mut errs).unwrap_or(was.cap),
                }
            })
            .collect();
        if let Some(t) = num(
            "joint_review_threshold",
            "the threshold",
            &self.joint_review_threshold,
            &mut errs,
        ) {
            out.joint_review_threshold = t;
        }
        out.exchange_window = match self.window.as_str() {
            "none" => None,
            _ => {
                let months: Option<Vec<u32>> = self.window_months.iter().map(|m| m.trim().parse().ok()).collect();
                if months.is_none() {
                    errs.push(FieldError::new("exchange_window.months", "months are numbered 1 to 12"));
                }
                let from = num("exchange_window.days", "the first day", &self.window_from_day, &mut errs);
                let to = num("exchange_window.days", "the last day", &self.window_to_day, &mut errs);
                Some(ExchangeWindow {
                    months: months.unwrap_or_default(),
                    from_day: from.unwrap_or(1),
                    to_day: to.unwrap_or(31),
                })
            }
        };
        out.expiry_years = match self.expiry_years.trim() {
            "" => None,
            y => num("expiry_years", "the number of years", y, &mut errs).or(old.expiry_years),
        };
        if errs.is_empty() {
            return Ok(out);
        }
        if let Err(DomainError::Invalid(f)) = out.check() {
            let known: Vec<String> = errs.iter().map(|e| e.field.clone()).collect();
            errs.extend(f.into_iter().filter(|e| !known.contains(&e.field)));
        }
        Err(errs)
    }
}

fn render(page: &Page<'_>, status: StatusCode, form: &PolicyForm, errors: Option<Errors>, saved: bool) -> Response {
    let months: Vec<String> = MONTHS.map(|m| m.to_string()).collect();
    page.render_status(
        status,
        "points_policy.html",
        context! {
            form => Value::from(minijinja::value::Serde(form)), months,
            errors => errors.map(|e| Value::from(minijinja::value::Serde(&e))), saved,
        },
    )
}

/// `GET /points/policy[?saved=1]`
pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/points/policy");
    if let Err(e) = s.actor.require(Permission::Administer) {
        return page.error(e);
    }
    let policy = match admin_street(&state, s).await {
        Ok(street) => state.app.points_policy(street).await,
        Err(e) => Err(e),
    };
    match policy {
        Ok(p) => render(&page, StatusCode::OK, &PolicyForm::of(&p), None, q.contains_key("saved")),
        Err(e) => page.error(e),
    }
}

/// `POST /points/policy`: the whole policy; 303 back, or the form with its errors.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    session: MaybeSession,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Response {
    let (page, s) = signed_in!(state, headers, session, "/points/policy");
    let (form, csrf) = PolicyForm::from_pairs(&pairs);
    if let Err(e) = check_csrf(&headers, s, Some(&csrf)).and_then(|_| s.actor.require(Permission::Administer)) {
        return page.error(e);
    }
    let (street, old) = match admin_street(&state, s).await {
        Ok(street) => match state.app.points_policy(street).await {
            Ok(old) => (street, old),
            Err(e) => return page.error(e),
        },
        Err(e) => return page.error(e),
    };
    let refused = match form.parse(&old) {
        Ok(new) => match state.app.set_points_policy(&s.actor, street, &new).await {
            Ok(()) => return Redirect::to("/points/policy?saved=1").into_response(),
            Err(AppError::Invalid(f)) => f,
            Err(e) => return page.error(e),
        },
        Err(f) => f,
    };
    render(
        &page,
        StatusCode::UNPROCESSABLE_ENTITY,
        &form,
        Some(by_field(&refused, |f| f)),
        false,
    )
}
