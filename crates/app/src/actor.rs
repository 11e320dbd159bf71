use onegrid_domain::people::{Grant, Permission, Scope, UnitPath};
use onegrid_store::accounts::User;

use crate::AppError;

/// The signed-in user and the grants of their active posts.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user: User,
    pub grants: Vec<Grant>,
    /// Streets that exist, so a superuser's scope can be written as "every street".
    pub all_streets: Vec<i64>,
}

impl Actor {
    pub fn scope(&self, p: Permission) -> Scope {
        if self.user.superuser {
            let mut s = Scope::default();
            s.streets.extend(self.all_streets.iter().copied());
            return s;
        }
        Scope::of(&self.grants, p)
    }

    pub fn can(&self, p: Permission) -> bool {
        self.user.superuser || self.grants.iter().any(|g| g.role.allows(p))
    }

    pub fn require(&self, p: Permission) -> Result<(), AppError> {
        if self.can(p) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// The record is inside the scope of `p`; otherwise it does not exist for this user.
    pub fn require_in(&self, p: Permission, path: &UnitPath) -> Result<(), AppError> {
        if self.scope(p).covers(path) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A street administrator of this street (or the installation's superuser); anyone else
    /// is refused, and a street outside their posts does not exist for them.
    pub fn require_admin_of(&self, street_id: i64) -> Result<(), AppError> {
        self.require(Permission::Administer)?;
        if self.scope(Permission::Administer).streets.contains(&street_id) {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The street the user works in: of their account, else of their first post.
    pub fn home_street(&self) -> Option<i64> {
        self.user.street_id.or_else(|| self.all_streets.first().copied())
    }
}
