//! C2: a street's categories and departments; street admins edit categories (names, owning
//! department, step limits, in use or not) and say who works for which department.

use onegrid_domain::case::{Catalogue, Category, Limit};
use onegrid_domain::{DomainError, FieldError};
use onegrid_store::case::catalogue::{self as store, CategoryRow, DepartmentRow};
use serde::Deserialize;
use serde_json::json;

use crate::points::record;
use crate::{Actor, App, AppError};

/// A street admin's edit of one category; fields left out keep their value. A limit is written
/// like `24h`, `2wh` (working hours), `7d`, `5wd` (working days); an empty string inherits the
/// parent's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryEdit {
    pub zh: Option<String>,
    pub en: Option<String>,
    pub department: Option<String>,
    pub dispatch: Option<String>,
    pub handle: Option<String>,
    pub active: Option<bool>,
}

fn limit(field: &str, v: &Option<String>, old: Option<Limit>, out: &mut Vec<FieldError>) -> Option<Limit> {
    match v.as_deref().map(str::trim) {
        None => old,
        Some("") => None,
        Some(s) => match Limit::parse(s) {
            Ok(l) => Some(l),
            Err(e) => {
                out.push(FieldError::new(field, e));
                old
            }
        },
    }
}

impl App {
    pub async fn street_ids(&self) -> Result<Vec<i64>, AppError> {
        let mut tx = self.db.read().await?;
        Ok(onegrid_store::territory::streets(&mut tx)
            .await?
            .into_iter()
            .map(|s| s.id)
            .collect())
    }

    /// Every category of the street, with whether it can take cases (`leaf`) and its inherited
    /// limits and department (what the intake form and Open311 show).
    pub async fn case_categories(&self, street_id: i64) -> Result<Vec<serde_json::Value>, AppError> {
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        let (rows, cat) = (&cached.rows, &cached.catalogue);
        if rows.is_empty() {
            return Err(AppError::NotFound);
        }
        let leaves: std::collections::HashSet<&str> = cat.leaves().map(|c| c.code.as_str()).collect();
        Ok(rows
            .iter()
            .map(|r| {
                let code = r.category.code.as_str();
                json!({
                    "code": code, "parent": r.category.parent, "kind": r.category.kind, "standard_code": r.category.standard_code,
                    "zh": r.category.zh, "en": r.category.en, "active": r.active, "leaf": leaves.contains(code),
                    "department": cat.owner(code).map(|d| &d.code),
                    "limits": cat.limits(code).map(|l| json!({"dispatch": l.dispatch.to_string(), "handle": l.handle.to_string()})),
                    // What the category itself sets (null: inherited), for the admin's edit form.
                    "own": {"department": r.category.department, "dispatch": r.category.dispatch.map(|l| l.to_string()),
                        "handle": r.category.handle.map(|l| l.to_string())},
                    "edited_at": r.edited_at,
                })
            })
            .collect())
    }

    pub async fn edit_case_category(
        &self,
        actor: &Actor,
        street_id: i64,
        code: &str,
        e: &CategoryEdit,
    ) -> Result<CategoryRow, AppError> {
        actor.require_admin_of(street_id)?;
        let mut tx = self.db.write().await?;
        let rows = store::categories(&mut tx, street_id).await?;
        let Some(old) = rows.iter().find(|r| r.category.code == code) else {
            return Err(AppError::NotFound);
        };
        let mut fields = Vec::new();
        let text = |field: &str, v: &Option<String>, old: &str, out: &mut Vec<FieldError>| match v.as_deref().map(str::trim) {
            None => old.to_string(),
            Some("") => {
                out.push(FieldError::new(field, "must not be empty"));
                old.to_string()
            }
            Some(s) if s.chars().count() > 100 => {
                out.push(FieldError::new(field, "must be at most 100 characters"));
                old.to_string()
            }
            Some(s) => s.to_string(),
        };
        let edited = Category {
            zh: text("zh", &e.zh, &old.category.zh, &mut fields),
            en: text("en", &e.en, &old.category.en, &mut fields),
            department: match e.department.as_deref().map(str::trim) {
                None => old.category.department.clone(),
                Some("") => None,
                Some(d) => Some(d.to_string()),
            },
            dispatch: limit("dispatch", &e.dispatch, old.category.dispatch, &mut fields),
            handle: limit("handle", &e.handle, old.category.handle, &mut fields),
            ..old.category.clone()
        };
        if !fields.is_empty() {
            return Err(AppError::Invalid(fields));
        }
        // The edited tree must still resolve every department and limit.
        let mut all: Vec<Category> = rows.iter().map(|r| r.category.clone()).collect();
        if let Some(slot) = all.iter_mut().find(|c| c.code == code) {
            *slot = edited.clone();
        }
        let depts = store::department_records(&mut tx, street_id).await?;
        if let Err(DomainError::Invalid(f)) = Catalogue::new(1, String::new(), depts, all) {
            return Err(AppError::Invalid(f));
        }
        store::update_category(&mut tx, street_id, &edited, e.active.unwrap_or(old.active)).await?;
        record(
            &mut tx,
            Some(actor),
            street_id,
            "update",
            "case_category",
            old.catalogue_version,
            json!({"code": code, "edit": {
            "zh": e.zh, "en": e.en, "department": e.department, "dispatch": e.dispatch, "handle": e.handle, "active": e.active}}),
        )
        .await?;
        let row = store::categories(&mut tx, street_id)
            .await?
            .into_iter()
            .find(|r| r.category.code == code)
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(row)
    }

    pub async fn departments(&self, actor: &Actor, street_id: i64) -> Result<Vec<DepartmentRow>, AppError> {
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.db.read().await?;
        Ok(store::departments(&mut tx, street_id).await?)
    }

    pub async fn add_department_member(&self, actor: &Actor, department_id: i64, person_id: i64) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        let street_id = store::departments_all(&mut tx)
            .await?
            .into_iter()
            .find(|(id, _)| *id == department_id)
            .map(|(_, s)| s)
            .ok_or(AppError::NotFound)?;
        actor.require_admin_of(street_id)?;
        let person = onegrid_store::people::person(&mut tx, person_id)
            .await
            .map_err(|_| AppError::field("person_id", "is not a person"))?;
        if person.street_id != street_id {
            return Err(AppError::field("person_id", "is not a person of this street"));
        }
        store::add_member(&mut tx, street_id, department_id, person_id).await?;
        record(
            &mut tx,
            Some(actor),
            street_id,
            "create",
            "department_member",
            department_id,
            json!({"person_id": person_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
