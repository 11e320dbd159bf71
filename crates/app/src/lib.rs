//! Use cases. Every one takes the acting user, checks the scope of their posts (R4), and runs
//! its writes in one transaction together with the audit event (R6).

mod actor;
mod error;

pub mod accounts;
pub mod coverage;
pub mod demo;
pub mod locate;
pub mod partition;
pub mod people;
pub mod points;
pub mod territory;
pub mod transfer;
pub mod volunteer;

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
}

impl App {
    /// Opens the app on a migrated database and builds the spatial index.
    pub async fn new(db: Db, password_cost: accounts::PasswordCost) -> Result<App, AppError> {
        let locator = Arc::new(locate::Locator::default());
        let app = App {
            db,
            locator,
            password_cost,
        };
        app.locator.rebuild(&app.db).await?;
        Ok(app)
    }
}

/// Today's date in UTC as `YYYY-MM-DD`, the form posts' periods are stored in.
pub fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}
