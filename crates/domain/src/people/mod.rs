//! T4–T7 and R4: roles, posts and the permissions and scope they give.

mod party;
mod role;
mod scope;

pub use party::{PartyOrgKind, TeamKind};
pub use role::{Permission, Role};
pub use scope::{Grant, Scope, UnitPath};
