//! Whole flows over HTTP against a real database; every test runs on SQLite and PostgreSQL.

mod auth;
mod import;
mod locate;
mod permissions;
mod schema;
mod territory;

pub use onegrid_testkit::fixture::{self, PASSWORD};
pub use onegrid_testkit::{TestApp, both};
pub use serde_json::{Value, json};
