//! Whole flows over HTTP against a real database; every test runs on SQLite and PostgreSQL.

mod auth;
mod case_admin_pages;
mod case_pages;
mod cases;
mod council;
mod honours;
mod import;
mod locate;
mod open311;
mod pages;
mod participation;
mod participation_pages;
mod partition;
mod permissions;
mod points;
mod schema;
mod store;
mod store_admin_pages;
mod team_tasks;
mod territory;
mod volunteer;
mod volunteer_record;

pub use onegrid_testkit::fixture::{self, PASSWORD};
pub use onegrid_testkit::{TestApp, both};
pub use serde_json::{Value, json};
