//! P6 meets C1: a problem found on a micro-update project becomes a case, filed as a field report
//! by the staff member who runs the project, and the problem keeps the link. A retry returns the
//! same case (the problem's id is the idempotency key).

use serde::Deserialize;
use serde_json::json;

use super::project_problem_for_run;
use crate::case::{Intake, Source};
use crate::{Actor, App, AppError};

/// Where and what: the category of the case, and its place (the map pin or an address).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProblemCase {
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub lat: Option<f64>,
    #[serde(default)]
    pub lng: Option<f64>,
    #[serde(default)]
    pub address: Option<String>,
}

impl App {
    /// Files the problem as a case; returns the case id.
    pub async fn problem_to_case(&self, actor: &Actor, problem_id: i64, p: &ProblemCase) -> Result<i64, AppError> {
        let (problem, project) = {
            let mut tx = self.db.read().await?;
            project_problem_for_run(&mut tx, actor, problem_id).await?
        };
        if let Some(existing) = problem.case_id {
            return Ok(existing);
        }
        let intake = Intake {
            channel: Some("field".into()),
            category: p.category.clone(),
            description: format!("【{}】{}", project.title, problem.description),
            lat: p.lat,
            lng: p.lng,
            address: p.address.clone(),
            ..Intake::default()
        };
        let key = format!("council-problem:{problem_id}");
        let reported = self.report_case(Source::User(actor), &intake, Some(&key)).await?;
        let case_id = reported.view.case.id;
        let mut tx = self.db.write().await?;
        if !onegrid_store::council::project::set_problem_case(&mut tx, problem_id, case_id).await? {
            let again = onegrid_store::council::project::problem(&mut tx, problem_id).await?;
            if again.case_id != Some(case_id) {
                return Err(AppError::Conflict("the problem became another case meanwhile".into()));
            }
            return Ok(case_id);
        }
        super::audit(
            &mut tx,
            actor,
            project.street_id,
            "problem_to_case",
            "council_project",
            project.id,
            json!({"problem_id": problem_id, "case_id": case_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(case_id)
    }
}
