//! R4 in SQL: a record is visible when one of the user's posts sits on one of its ancestors.
//! The ids come from our own database as i64, so writing them into the statement is safe.

use onegrid_domain::people::Scope;
use onegrid_domain::territory::Level;

/// A WHERE fragment for a table that carries the path columns (`street_id`, `community_id`,
/// `grid_id`, `micro_grid_id`, `building_id`), optionally behind a table alias.
pub fn filter(scope: &Scope, alias: &str, has_building: bool) -> String {
    let p = if alias.is_empty() {
        String::new()
    } else {
        format!("{alias}.")
    };
    let mut parts = Vec::new();
    for (level, col) in [
        (Level::Street, "street_id"),
        (Level::Community, "community_id"),
        (Level::Grid, "grid_id"),
        (Level::MicroGrid, "micro_grid_id"),
        (Level::Building, "building_id"),
    ] {
        if col == "building_id" && !has_building {
            continue;
        }
        let ids = scope.set(level).expect("path level");
        if !ids.is_empty() {
            let mut v: Vec<i64> = ids.iter().copied().collect();
            v.sort_unstable();
            let list = v.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",");
            parts.push(format!("{p}{col} IN ({list})"));
        }
    }
    if parts.is_empty() {
        "1 = 0".to_string()
    } else {
        format!("({})", parts.join(" OR "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r4_empty_scope_matches_nothing() {
        assert_eq!(filter(&Scope::default(), "r", true), "1 = 0");
        let mut s = Scope::default();
        s.grids.insert(7);
        s.communities.insert(3);
        assert_eq!(filter(&s, "r", true), "(r.community_id IN (3) OR r.grid_id IN (7))");
    }
}
