//! R4: a post gives its permissions on its unit and everything below it.

use std::collections::HashSet;

use super::{Permission, Role};
use crate::territory::Level;

/// One active post as the permission check sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub level: Level,
    pub unit_id: i64,
}

/// Where a record sits in the tree: the ids of its ancestors (and itself), as far down as it goes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnitPath {
    pub street_id: i64,
    pub community_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub micro_grid_id: Option<i64>,
    pub building_id: Option<i64>,
}

impl UnitPath {
    pub fn id_at(&self, level: Level) -> Option<i64> {
        match level {
            Level::Street => Some(self.street_id),
            Level::Community => self.community_id,
            Level::Grid => self.grid_id,
            Level::MicroGrid => self.micro_grid_id,
            Level::Building => self.building_id,
            Level::Unit | Level::Household => None,
        }
    }
}

/// The units on which a user holds a permission, one id set per level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub streets: HashSet<i64>,
    pub communities: HashSet<i64>,
    pub grids: HashSet<i64>,
    pub micro_grids: HashSet<i64>,
    pub buildings: HashSet<i64>,
}

impl Scope {
    /// The scope of `permission` from a user's active posts.
    pub fn of(grants: &[Grant], permission: Permission) -> Scope {
        let mut s = Scope::default();
        for g in grants.iter().filter(|g| g.role.allows(permission)) {
            s.set_mut(g.level).map(|set| set.insert(g.unit_id));
        }
        s
    }

    fn set_mut(&mut self, level: Level) -> Option<&mut HashSet<i64>> {
        match level {
            Level::Street => Some(&mut self.streets),
            Level::Community => Some(&mut self.communities),
            Level::Grid => Some(&mut self.grids),
            Level::MicroGrid => Some(&mut self.micro_grids),
            Level::Building => Some(&mut self.buildings),
            Level::Unit | Level::Household => None,
        }
    }

    pub fn set(&self, level: Level) -> Option<&HashSet<i64>> {
        match level {
            Level::Street => Some(&self.streets),
            Level::Community => Some(&self.communities),
            Level::Grid => Some(&self.grids),
            Level::MicroGrid => Some(&self.micro_grids),
            Level::Building => Some(&self.buildings),
            Level::Unit | Level::Household => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.streets.is_empty()
            && self.communities.is_empty()
            && self.grids.is_empty()
            && self.micro_grids.is_empty()
            && self.buildings.is_empty()
    }

    /// True when a post covers the record: the post's unit is the record's unit or an ancestor.
    pub fn covers(&self, path: &UnitPath) -> bool {
        [
            Level::Street,
            Level::Community,
            Level::Grid,
            Level::MicroGrid,
            Level::Building,
        ]
        .into_iter()
        .any(|l| match (path.id_at(l), self.set(l)) {
            (Some(id), Some(set)) => set.contains(&id),
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(c: i64, g: i64, m: i64, b: i64) -> UnitPath {
        UnitPath {
            street_id: 1,
            community_id: Some(c),
            grid_id: Some(g),
            micro_grid_id: Some(m),
            building_id: Some(b),
        }
    }

    #[test]
    fn r4_grid_worker_sees_own_grid_only() {
        let grants = [Grant {
            role: Role::GridWorker,
            level: Level::Grid,
            unit_id: 7,
        }];
        let s = Scope::of(&grants, Permission::ViewResidents);
        assert!(s.covers(&path(3, 7, 70, 700)));
        assert!(!s.covers(&path(3, 8, 80, 800)));
    }

    #[test]
    fn r4_secretary_sees_whole_community() {
        let grants = [Grant {
            role: Role::CommunitySecretary,
            level: Level::Community,
            unit_id: 3,
        }];
        let s = Scope::of(&grants, Permission::ViewResidents);
        assert!(s.covers(&path(3, 7, 70, 700)));
        assert!(s.covers(&path(3, 8, 80, 800)));
        assert!(!s.covers(&path(4, 9, 90, 900)));
    }

    #[test]
    fn r4_permission_not_held_gives_empty_scope() {
        let grants = [Grant {
            role: Role::Specialist,
            level: Level::Street,
            unit_id: 1,
        }];
        assert!(Scope::of(&grants, Permission::ViewResidents).is_empty());
        assert!(!Scope::of(&grants, Permission::ViewPeople).is_empty());
    }
}
