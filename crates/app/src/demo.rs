//! D4: loads the generated demo street once. A second run on the same database finds the street
//! by its code and writes nothing.

use onegrid_demo::DemoAccount;
use onegrid_domain::people::Role;
use onegrid_domain::territory::Level;
use onegrid_store::accounts::{self as accounts_store, NewUser};
use onegrid_store::audit::{self, NewEvent};
use onegrid_store::{load, people, territory};
use serde_json::json;

use crate::accounts::hash_password;
use crate::{App, AppError};

pub struct DemoOutcome {
    pub street_id: i64,
    /// False when the street was already there.
    pub created: bool,
    pub accounts: Vec<DemoAccount>,
    /// Rows written per table (empty when nothing was created).
    pub written: Vec<(&'static str, usize)>,
    /// A resident's sign-in (username, password): residents hold no post, so it is not among
    /// the per-role accounts.
    pub resident: Option<(String, String)>,
}

impl App {
    pub async fn load_demo(&self, seed: u64) -> Result<DemoOutcome, AppError> {
        let demo = onegrid_demo::generate(seed);
        let street_code = demo
            .data
            .areas
            .iter()
            .find(|a| a.level == Level::Street)
            .map(|a| a.code.clone())
            .ok_or_else(|| AppError::Internal("demo has no street".into()))?;
        let participation = onegrid_demo::participation(seed, &demo.data);
        let resident = Some((
            participation.resident.username.clone(),
            participation.resident.password.clone(),
        ));
        let mut tx = self.db.write().await?;
        if let Some(street) = territory::street_by_code(&mut tx, &street_code).await? {
            return Ok(DemoOutcome {
                street_id: street.id,
                created: false,
                accounts: demo.accounts,
                written: Vec::new(),
                resident,
            });
        }
        let mut written = load::load(&mut tx, &demo.data).await?;
        let street = territory::street_by_code(&mut tx, &street_code)
            .await?
            .ok_or(AppError::NotFound)?;
        for a in &demo.accounts {
            let person = people::person_by_code(&mut tx, &a.person_code)
                .await?
                .ok_or_else(|| AppError::Internal(format!("demo account {} has no person", a.username)))?;
            let hash = hash_password(self.password_cost, &a.password)?;
            accounts_store::insert_user(
                &mut tx,
                NewUser {
                    street_id: Some(street.id),
                    username: &a.username,
                    password_hash: &hash,
                    person_id: Some(person.id),
                    superuser: false,
                },
            )
            .await?;
        }
        // Issue 4: a year of points, the stores, volunteer tasks and a resident account.
        let resident_hash = hash_password(self.password_cost, &participation.resident.password)?;
        let loaded =
            crate::points::demo::load(&mut tx, street.id, &participation, &resident_hash, onegrid_store::now_ms()).await?;
        written.extend(loaded.written);
        // P2: each community's annual selection of the past year, published.
        let plan = onegrid_demo::honours(seed);
        written.extend(crate::points::selection_demo::load(&mut tx, street.id, &plan, onegrid_store::now_ms()).await?);
        // Issue 3: a year of cases over every channel, state and category.
        let cases = onegrid_demo::cases(seed, &demo.data, chrono::Utc::now());
        let (n_cases, n_events) = self.load_demo_cases(&mut tx, street.id, &cases).await?;
        written.push(("cases", n_cases));
        written.push(("case_events", n_events));
        // P6: the first grid's council and a micro-update project.
        let council = onegrid_demo::council(&demo, &participation);
        written.extend(crate::council::demo::load(&mut tx, street.id, &council, onegrid_store::now_ms()).await?);
        audit::record(
            &mut tx,
            NewEvent {
                street_id: Some(street.id),
                user_id: None,
                action: "load_demo",
                entity: "street",
                entity_id: Some(street.id),
                detail: json!({"seed": seed, "written": written.iter().map(|(t, n)| json!([t, n])).collect::<Vec<_>>()}),
            },
        )
        .await?;
        tx.commit().await?;
        self.locator.rebuild(&self.db).await?;
        Ok(DemoOutcome {
            street_id: street.id,
            created: true,
            accounts: demo.accounts,
            written,
            resident: Some(loaded.resident),
        })
    }

    /// For the grid worker account: a household page in another grid and a resident name on
    /// it, which the worker must not be able to see (R4).
    pub async fn forbidden_example(&self, username: &str) -> Result<Option<(String, String)>, AppError> {
        let mut tx = self.db.read().await?;
        let Some(user) = accounts_store::user_by_name(&mut tx, username).await? else {
            return Ok(None);
        };
        let (Some(person), Some(street)) = (user.person_id, user.street_id) else {
            return Ok(None);
        };
        let grid = people::grants(&mut tx, person, &crate::today())
            .await?
            .into_iter()
            .find(|g| g.role == Role::GridWorker && g.level == Level::Grid);
        let Some(grid) = grid else { return Ok(None) };
        Ok(territory::household_outside_grid(&mut tx, street, grid.unit_id)
            .await?
            .map(|(id, name)| (format!("/territory/households/{id}"), name)))
    }
}
