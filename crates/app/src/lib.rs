//! Use cases. Every one takes the acting user, checks the scope of their posts (R4), and runs
//! its writes in one transaction together with the audit event (R6).

mod actor;
mod error;

pub mod accounts;
pub mod case;
pub mod council;
pub mod coverage;
pub mod demo;
pub mod locate;
pub mod partition;
pub mod people;
pub mod points;
mod street_settings;
pub mod territory;
pub mod transfer;
pub mod volunteer;
pub mod volunteer_record;
mod worker;

pub use actor::Actor;
pub use error::AppError;
pub use onegrid_store::{Db, now_ms};

use std::sync::Arc;

/// Shared by every request: the database, the spatial index, and the password-hash cost.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub locator: Arc<locate::Locator>,
    pub password_cost: accounts::PasswordCost,
    /// Where evidence files are kept (C7); uploads are refused without one.
    pub evidence_dir: Option<std::path::PathBuf>,
    /// Each street's category catalogue, rebuilt when its categories change.
    pub catalogues: Arc<case::CatalogueCache>,
    /// Each street's category suggester (C10), retrained as cases close.
    pub suggesters: Arc<case::SuggesterCache>,
}

impl App {
    /// Opens the app on a migrated database and builds the spatial index.
    pub async fn new(db: Db, password_cost: accounts::PasswordCost) -> Result<App, AppError> {
        let locator = Arc::new(locate::Locator::default());
        let app = App {
            db,
            locator,
            password_cost,
            evidence_dir: None,
            catalogues: Arc::default(),
            suggesters: Arc::default(),
        };
        app.locator.rebuild(&app.db).await?;
        app.seed_case_catalogues().await?;
        Ok(app)
    }

    /// Keeps evidence files under `dir`.
    pub fn with_evidence_dir(mut self, dir: impl Into<std::path::PathBuf>) -> App {
        self.evidence_dir = Some(dir.into());
        self
    }

    /// Writes the built-in category catalogue (C2) into every street that has an older one or
    /// none: at start, and after a street is imported.
    pub async fn seed_case_catalogues(&self) -> Result<usize, AppError> {
        let cat = onegrid_domain::case::Catalogue::builtin();
        let mut tx = self.db.write().await?;
        let streets = onegrid_store::case::catalogue::streets_needing(&mut tx, cat.version).await?;
        for s in &streets {
            onegrid_store::case::catalogue::seed(&mut tx, *s, &cat).await?;
        }
        tx.commit().await?;
        Ok(streets.len())
    }
}

/// Today's date in UTC as `YYYY-MM-DD`, the form posts' periods are stored in.
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}
