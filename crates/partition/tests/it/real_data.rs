//! G1 on the real data sets in ../shared/data (skipped with a note when absent):
//! 3,109 US counties into 20 parts, and 412 Helsinki buildings under a cap of 150.

use crate::common::data_dir;
use onegrid_partition::{Control, Options, Problem, exchange, partition, score};

fn load(name: &str) -> Option<Problem> {
    let dir = data_dir()?;
    let units = std::fs::read_to_string(dir.join(format!("{name}.geojson"))).unwrap();
    let data = exchange::parse_units_geojson(&units).unwrap();
    let edges = std::fs::read_to_string(dir.join(format!("{name}.edges.csv"))).unwrap();
    let edges = exchange::parse_edges_csv(&edges, data.units.len()).unwrap();
    Some(data.into_problem(edges))
}

#[test]
fn g1_real_counties_k20_contiguous_and_balanced() {
    let Some(p) = load("us_counties") else { return };
    assert_eq!(p.units.len(), 3109);
    let a = partition(&p, &Options::parts(20), &Control::default()).unwrap();
    let r = score(&p, &a.parts, None).unwrap();
    assert_eq!(r.parts, 20);
    assert_eq!(r.non_contiguous, 0);
    assert!(r.max_over_target <= 1.05 + 1e-9, "max/target {}", r.max_over_target);
    assert!(r.mean_polsby_popper.unwrap() > 0.35, "{r}");
}

#[test]
fn g1_real_helsinki_cap150_contiguous_and_under_cap() {
    let Some(p) = load("helsinki_buildings") else { return };
    let a = partition(&p, &Options::cap(150.0), &Control::default()).unwrap();
    let r = score(&p, &a.parts, Some(150.0)).unwrap();
    assert_eq!(r.non_contiguous, 0);
    assert_eq!(r.over_cap, r.over_cap_unavoidable, "{r}");
    let lower = r.parts_lower_bound.unwrap();
    assert!(r.parts <= lower + lower / 5, "{} parts, lower bound {lower}", r.parts);
}

#[test]
fn g1_real_helsinki_derived_adjacency_matches_the_edge_file() {
    let Some(dir) = data_dir() else { return };
    let units = std::fs::read_to_string(dir.join("helsinki_buildings.geojson")).unwrap();
    let data = exchange::parse_units_geojson(&units).unwrap();
    let file = std::fs::read_to_string(dir.join("helsinki_buildings.edges.csv")).unwrap();
    let given = exchange::parse_edges_csv(&file, data.units.len()).unwrap();
    let derived = data.derive_edges();
    let key = |e: &onegrid_partition::Edge| (e.u.min(e.v), e.u.max(e.v));
    let set: std::collections::HashSet<_> = derived.iter().map(key).collect();
    let found = given.iter().filter(|e| set.contains(&key(e))).count();
    assert!(
        found as f64 >= 0.95 * given.len() as f64,
        "{found} of {} edges found",
        given.len()
    );
    assert!(
        derived.len() as f64 <= 1.1 * given.len() as f64,
        "{} derived vs {}",
        derived.len(),
        given.len()
    );
}
