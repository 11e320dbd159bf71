//! P6 in SQL: the grid council (members, topics, comments, follows, votes, implementation items
//! and their reports) and micro-update projects (stages, problems, milestones, acceptances).
//! State changes are compare-and-set on the state they were decided from; a second vote by the
//! same member is refused by the unique index on `council_votes (topic_id, person_id)`.

pub mod item;
pub mod member;
pub mod project;
pub mod topic;
pub mod vote;

use onegrid_domain::people::Scope;

/// A scope filter for council tables, which sit on street, community and grid (no micro-grid or
/// building columns).
pub(crate) fn filter(scope: &Scope, alias: &str) -> String {
    let s = Scope {
        micro_grids: Default::default(),
        buildings: Default::default(),
        ..scope.clone()
    };
    crate::scope::filter(&s, alias, false)
}

/// Name of who did something: the person behind the account, else the account's name.
pub(crate) const WHO: &str = "COALESCE(wp.name, wu.username)";
