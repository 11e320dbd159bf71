//! The only crate that knows SQL. One `Db` serves embedded SQLite and PostgreSQL from the same
//! statements (`$N` placeholders work on both); where the dialects differ, the difference is
//! written next to the statement that needs it.

pub mod batch;
mod db;
mod error;
mod migrate;
pub mod scope;
pub mod value;

pub mod accounts;
pub mod audit;
pub mod case;
pub mod council;
pub mod export;
pub mod load;
pub mod partition;
pub mod people;
pub mod points;
pub mod settings;
pub mod territory;
pub mod volunteer;
pub mod volunteer_record;

pub use db::{Backend, Db, Tx, now_ms};
pub use error::StoreError;
pub use migrate::{MIGRATIONS_POSTGRES, MIGRATIONS_SQLITE};
