//! D4 acceptance of the generated street: determinism, counts, codes, references, geometry,
//! coverage (only the planted findings), people, party and accounts.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;
use std::time::Instant;

use geo::Contains;
use onegrid_domain::coverage::{AreaNode, BuildingNode, CoverageInput, CoveragePolicy, Liaison, check};
use onegrid_domain::geometry::area_m2;
use onegrid_domain::people::{PartyOrgKind, Role, TeamKind};
use onegrid_domain::territory::{Level, MicroGridKind, StreetData, check_child_code, check_code};

use crate::{DEFAULT_SEED, Demo, PLANTED_FINDINGS, STREET_CODE, generate};

fn demo() -> &'static Demo {
    static DEMO: OnceLock<Demo> = OnceLock::new();
    DEMO.get_or_init(|| {
        let t = Instant::now();
        let d = generate(DEFAULT_SEED);
        eprintln!("generate({DEFAULT_SEED}) took {:?}", t.elapsed());
        d
    })
}

fn same(a: &StreetData, b: &StreetData) -> bool {
    a.areas == b.areas
        && a.buildings == b.buildings
        && a.units == b.units
        && a.households == b.households
        && a.residents == b.residents
        && a.people == b.people
        && a.posts == b.posts
        && a.party_orgs == b.party_orgs
        && a.party_members == b.party_members
        && a.teams == b.teams
        && a.enterprises == b.enterprises
        && a.duties == b.duties
        && a.work_items == b.work_items
}

#[test]
fn d4_same_seed_same_street_other_seed_other_street() {
    let a = demo();
    let b = generate(DEFAULT_SEED);
    assert!(same(&a.data, &b.data));
    assert_eq!(a.accounts, b.accounts);
    let c = generate(DEFAULT_SEED + 1);
    assert!(!same(&a.data, &c.data));
    assert_ne!(a.data.residents, c.data.residents);
    assert_ne!(a.data.areas, c.data.areas);
    assert_ne!(a.accounts, c.accounts);
}

fn active(d: &StreetData) -> impl Iterator<Item = &onegrid_domain::territory::PostRec> {
    d.posts.iter().filter(|p| p.ends_on.is_none())
}

/// Households per building code.
fn households_per_building(d: &StreetData) -> HashMap<&str, i64> {
    let unit_building: HashMap<&str, &str> = d.units.iter().map(|u| (u.code.as_str(), u.building_code.as_str())).collect();
    let mut n: HashMap<&str, i64> = HashMap::new();
    for h in &d.households {
        *n.entry(unit_building[h.unit_code.as_str()]).or_default() += 1;
    }
    n
}

/// The micro-grid a building belongs to by its code (also for the planted unassigned one).
fn code_parent(code: &str) -> &str {
    &code[..code.rfind('-').unwrap()]
}

#[test]
fn d4_counts_match_the_practice() {
    let d = &demo().data;
    let level = |l: Level| d.areas.iter().filter(|a| a.level == l).count();
    assert_eq!(level(Level::Street), 1);
    assert_eq!(level(Level::Community), 9);
    assert_eq!(level(Level::Grid), 41);
    assert!(level(Level::MicroGrid) >= 300);
    let grids_per_community: BTreeMap<&str, usize> =
        d.areas
            .iter()
            .filter(|a| a.level == Level::Grid)
            .fold(BTreeMap::new(), |mut m, a| {
                *m.entry(a.parent_code.as_deref().unwrap()).or_default() += 1;
                m
            });
    let mut sizes: Vec<usize> = grids_per_community.values().copied().collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [4, 4, 4, 4, 5, 5, 5, 5, 5]);
    let kind = |k: MicroGridKind| d.areas.iter().filter(|a| a.kind == Some(k)).count();
    assert_eq!(kind(MicroGridKind::CommercialBuilding), 12);
    assert_eq!(kind(MicroGridKind::BusinessDistrict), 3);
    assert_eq!(kind(MicroGridKind::Block), 6);
    assert_eq!(kind(MicroGridKind::IndustrialPark), 2);
    assert!(
        (11_000..=13_500).contains(&d.households.len()),
        "{} households",
        d.households.len()
    );

    // Buildings: 2–5 per residential micro-grid, 10–14 households each; 0–1 elsewhere.
    let kinds: HashMap<&str, MicroGridKind> = d.areas.iter().filter_map(|a| a.kind.map(|k| (a.code.as_str(), k))).collect();
    let mut per_mg: HashMap<&str, usize> = HashMap::new();
    for b in &d.buildings {
        *per_mg.entry(code_parent(&b.code)).or_default() += 1;
    }
    for (code, k) in &kinds {
        let n = per_mg.get(code).copied().unwrap_or(0);
        match k {
            MicroGridKind::Residential => assert!((2..=5).contains(&n), "{code}: {n} buildings"),
            _ => assert!(n <= 1, "{code}: {n} buildings"),
        }
    }
    let hh = households_per_building(d);
    for b in &d.buildings {
        let n = hh.get(b.code.as_str()).copied().unwrap_or(0);
        if b.kind == "residential" {
            assert!((10..=14).contains(&n), "{}: {n} households", b.code);
            assert_eq!(n, 2 * b.floors);
            assert!((5..=7).contains(&b.floors));
        } else {
            assert!(["commercial", "office"].contains(&b.kind.as_str()));
            assert_eq!(n, 0);
        }
    }

    // Enterprises: 3–15 in every non-residential micro-grid, none in residential ones.
    let mut firms: HashMap<&str, usize> = HashMap::new();
    for e in &d.enterprises {
        *firms.entry(e.micro_grid_code.as_str()).or_default() += 1;
    }
    for (code, k) in &kinds {
        let n = firms.get(code).copied().unwrap_or(0);
        if *k == MicroGridKind::Residential {
            assert_eq!(n, 0);
        } else {
            assert!((3..=15).contains(&n), "{code}: {n} enterprises");
        }
    }

    // Residents: 1–5 per household, mean about 2.5.
    let mut per_household: HashMap<&str, usize> = HashMap::new();
    for r in &d.residents {
        *per_household.entry(r.household_code.as_str()).or_default() += 1;
    }
    assert_eq!(per_household.len(), d.households.len());
    assert!(per_household.values().all(|n| (1..=5).contains(n)));
    let mean = d.residents.len() as f64 / d.households.len() as f64;
    assert!((2.3..=2.7).contains(&mean), "mean household size {mean}");

    // Every role of T5 held by someone.
    let roles: HashSet<Role> = active(d).map(|p| p.role).collect();
    for r in Role::ALL {
        assert!(roles.contains(&r), "{r:?} missing");
    }
    assert_eq!(d.work_items.len(), 55);
    assert_eq!(d.work_items.iter().map(|w| &w.category).collect::<HashSet<_>>().len(), 10);
    for r in Role::ALL {
        assert!((3..=6).contains(&d.duties.iter().filter(|x| x.role == r).count()));
    }
    eprintln!(
        "areas {}, buildings {}, units {}, households {}, residents {}, people {}, posts {} ({} ended), party orgs {}, party members {}, teams {}, enterprises {}",
        d.areas.len(),
        d.buildings.len(),
        d.units.len(),
        d.households.len(),
        d.residents.len(),
        d.people.len(),
        d.posts.len(),
        d.posts.iter().filter(|p| p.ends_on.is_some()).count(),
        d.party_orgs.len(),
        d.party_members.len(),
        d.teams.len(),
        d.enterprises.len()
    );
}

fn unique<'a>(what: &str, codes: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
    let mut set = HashSet::new();
    for c in codes {
        assert!(set.insert(c), "duplicate {what} code {c}");
    }
    set
}

#[test]
fn d4_codes_are_valid_and_hierarchical() {
    let d = &demo().data;
    for a in &d.areas {
        match &a.parent_code {
            None => {
                assert_eq!(a.level, Level::Street);
                assert_eq!(a.code, STREET_CODE);
            }
            Some(p) => check_child_code("code", &a.code, p).unwrap(),
        }
    }
    for b in &d.buildings {
        match &b.micro_grid_code {
            Some(m) => check_child_code("code", &b.code, m).unwrap(),
            None => check_code("code", &b.code).unwrap(),
        }
    }
    for u in &d.units {
        check_child_code("code", &u.code, &u.building_code).unwrap();
    }
    for h in &d.households {
        check_child_code("code", &h.code, &h.unit_code).unwrap();
    }
    let seg = |c: &str| c.rsplit('-').next().unwrap().len();
    assert!(
        d.areas
            .iter()
            .filter(|a| a.level == Level::Community)
            .all(|a| seg(&a.code) == 3)
    );
    assert!(d.areas.iter().filter(|a| a.level >= Level::Grid).all(|a| seg(&a.code) == 2));
    assert!(d.households.iter().all(|h| seg(&h.code) == 4));
    unique("area", d.areas.iter().map(|a| a.code.as_str()));
    unique("building", d.buildings.iter().map(|a| a.code.as_str()));
    unique("unit", d.units.iter().map(|a| a.code.as_str()));
    unique("household", d.households.iter().map(|a| a.code.as_str()));
    for (what, prefix, codes) in [
        ("person", "P", d.people.iter().map(|p| p.code.as_str()).collect::<Vec<_>>()),
        ("party org", "PO-", d.party_orgs.iter().map(|p| p.code.as_str()).collect()),
        ("team", "T-", d.teams.iter().map(|p| p.code.as_str()).collect()),
        ("enterprise", "E-", d.enterprises.iter().map(|p| p.code.as_str()).collect()),
    ] {
        for c in &codes {
            check_code("code", c).unwrap();
            assert!(c.starts_with(prefix), "{what} {c}");
        }
        unique(what, codes.into_iter());
    }
    for (i, p) in d.people.iter().enumerate() {
        assert_eq!(p.code, format!("P{:06}", i + 1));
    }
}

#[test]
fn d4_every_reference_resolves() {
    let d = &demo().data;
    let areas: HashMap<&str, &onegrid_domain::territory::AreaRec> = d.areas.iter().map(|a| (a.code.as_str(), a)).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    for a in &d.areas {
        if let Some(p) = &a.parent_code {
            assert!(seen.contains(p.as_str()), "{} before its parent", a.code);
            assert_eq!(Some(areas[p.as_str()].level), a.level.parent());
        }
        assert_eq!(a.kind.is_some(), a.level == Level::MicroGrid);
        assert!(a.boundary.is_some());
        seen.insert(&a.code);
    }
    let buildings: HashSet<&str> = d.buildings.iter().map(|b| b.code.as_str()).collect();
    for b in &d.buildings {
        if let Some(m) = &b.micro_grid_code {
            assert_eq!(areas[m.as_str()].level, Level::MicroGrid);
        }
        assert!(b.location.is_some());
    }
    let units: HashSet<&str> = d.units.iter().map(|u| u.code.as_str()).collect();
    assert!(d.units.iter().all(|u| buildings.contains(u.building_code.as_str())));
    let households: HashSet<&str> = d.households.iter().map(|h| h.code.as_str()).collect();
    assert!(d.households.iter().all(|h| units.contains(h.unit_code.as_str())));
    assert!(d.residents.iter().all(|r| households.contains(r.household_code.as_str())));
    let people: HashMap<&str, &onegrid_domain::territory::PersonRec> = d.people.iter().map(|p| (p.code.as_str(), p)).collect();
    for p in &d.people {
        if let Some(h) = &p.household_code {
            assert!(households.contains(h.as_str()));
        }
    }
    let unit_at = |level: Level, code: &str| match level {
        Level::Building => buildings.contains(code),
        Level::Unit => units.contains(code),
        Level::Household => households.contains(code),
        _ => areas.get(code).is_some_and(|a| a.level == level),
    };
    for p in &d.posts {
        assert!(people.contains_key(p.person_code.as_str()));
        assert!(p.role.levels().contains(&p.level), "{:?} on {:?}", p.role, p.level);
        assert!(
            unit_at(p.level, &p.unit_code),
            "post on missing {:?} {}",
            p.level,
            p.unit_code
        );
        if let Some(end) = p.ends_on {
            assert!(end > p.starts_on);
        }
    }
    let orgs: HashMap<&str, &onegrid_domain::territory::PartyOrgRec> =
        d.party_orgs.iter().map(|o| (o.code.as_str(), o)).collect();
    for o in &d.party_orgs {
        assert!(unit_at(o.level, &o.unit_code));
        let (level, parent) = match o.kind {
            PartyOrgKind::WorkingCommittee => (Level::Street, None),
            PartyOrgKind::ResidentialOrganisation => (Level::Community, Some(PartyOrgKind::WorkingCommittee)),
            PartyOrgKind::Branch => (Level::MicroGrid, Some(PartyOrgKind::ResidentialOrganisation)),
            PartyOrgKind::CorridorGroup => (Level::Building, Some(PartyOrgKind::Branch)),
        };
        assert_eq!(o.level, level);
        assert_eq!(o.parent_code.as_deref().map(|p| orgs[p].kind), parent);
    }
    let mut members = HashSet::new();
    for m in &d.party_members {
        assert!(people[m.person_code.as_str()].party_member);
        assert!(members.insert(m.person_code.as_str()), "{} registered twice", m.person_code);
        assert!(orgs.contains_key(m.party_org_code.as_str()));
        assert_eq!(areas[m.community_code.as_str()].level, Level::Community);
        let mg = m.micro_grid_code.as_deref().expect("assigned to a micro-grid");
        assert_eq!(areas[mg].level, Level::MicroGrid);
        assert!(mg.starts_with(&format!("{}-", m.community_code)));
    }
    assert!(
        d.people
            .iter()
            .filter(|p| p.party_member)
            .all(|p| members.contains(p.code.as_str()))
    );
    for t in &d.teams {
        assert!(unit_at(t.level, &t.unit_code));
        let leader = t.leader_code.as_deref().unwrap();
        assert!(t.member_codes.iter().any(|m| m == leader));
        assert!(t.member_codes.iter().all(|m| people.contains_key(m.as_str())));
        assert_eq!(t.member_codes.iter().collect::<HashSet<_>>().len(), t.member_codes.len());
    }
    for e in &d.enterprises {
        assert_ne!(areas[e.micro_grid_code.as_str()].kind, Some(MicroGridKind::Residential));
    }
}

#[test]
fn d4_buildings_stand_inside_their_micro_grid() {
    let d = &demo().data;
    let areas: HashMap<&str, &onegrid_domain::territory::AreaRec> = d.areas.iter().map(|a| (a.code.as_str(), a)).collect();
    for b in &d.buildings {
        let mg = b.micro_grid_code.as_deref().unwrap_or(code_parent(&b.code));
        let poly = areas[mg].boundary.as_ref().unwrap();
        assert!(poly.contains(&b.location.unwrap()), "{} outside {mg}", b.code);
    }
}

#[test]
fn d4_polygons_are_closed_counter_clockwise_rings() {
    use geo::Area;
    let d = &demo().data;
    for a in &d.areas {
        let mp = a.boundary.as_ref().unwrap();
        assert_eq!(mp.0.len(), 1);
        let ring = mp.0[0].exterior();
        assert!(ring.is_closed());
        assert!(mp.0[0].interiors().is_empty());
        assert!(mp.0[0].signed_area() > 0.0, "{} is clockwise", a.code);
        if a.level == Level::MicroGrid {
            assert_eq!(ring.0.len(), 5);
        }
        for c in &ring.0 {
            assert!((121.37..121.43).contains(&c.x) && (31.23..31.27).contains(&c.y));
        }
    }
}

pub(crate) fn coverage_input(d: &StreetData) -> CoverageInput {
    let ids: HashMap<&str, i64> = d
        .areas
        .iter()
        .enumerate()
        .map(|(i, a)| (a.code.as_str(), i as i64 + 1))
        .collect();
    let mut input = CoverageInput {
        areas: d
            .areas
            .iter()
            .map(|a| AreaNode {
                id: ids[a.code.as_str()],
                level: a.level,
                parent_id: a.parent_code.as_deref().map(|p| ids[p]),
                code: a.code.clone(),
                name: a.name.clone(),
                boundary: a.boundary.clone(),
            })
            .collect(),
        buildings: d
            .buildings
            .iter()
            .enumerate()
            .map(|(i, b)| BuildingNode {
                id: 100_000 + i as i64,
                code: b.code.clone(),
                name: b.name.clone(),
                micro_grid_id: b.micro_grid_code.as_deref().map(|m| ids[m]),
                location: b.location,
            })
            .collect(),
        ..Default::default()
    };
    let hh = households_per_building(d);
    let mut liaison: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    for p in active(d) {
        match p.role {
            Role::MicroGridLeader => *input.leaders.entry(ids[p.unit_code.as_str()]).or_default() += 1,
            Role::GridWorker => *input.full_time.entry(ids[p.unit_code.as_str()]).or_default() += 1,
            Role::PartTimeWorker => *input.part_time.entry(ids[p.unit_code.as_str()]).or_default() += 1,
            Role::BuildingLeader | Role::SecondBuildingLeader => {
                liaison
                    .entry(p.person_code.as_str())
                    .or_default()
                    .insert(p.unit_code.as_str());
            }
            _ => {}
        }
    }
    for (i, (person, buildings)) in liaison.into_iter().enumerate() {
        input.liaisons.push(Liaison {
            person_id: i as i64,
            name: person.to_string(),
            households: buildings.iter().map(|b| hh.get(b).copied().unwrap_or(0)).sum(),
        });
    }
    input
}

#[test]
fn d4_coverage_finds_only_the_planted_findings() {
    let d = &demo().data;
    let t = Instant::now();
    let report = check(&coverage_input(d), &CoveragePolicy::default());
    eprintln!("coverage check took {:?}", t.elapsed());
    let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule()).collect();
    rules.sort_unstable();
    let mut planted = PLANTED_FINDINGS.to_vec();
    planted.sort_unstable();
    assert_eq!(rules, planted, "{:#?}", report.findings);
    assert_eq!(d.buildings.iter().filter(|b| b.micro_grid_code.is_none()).count(), 1);
}

#[test]
fn d4_street_is_about_6_km2_and_tiled_by_its_micro_grids() {
    let d = &demo().data;
    let street = area_m2(d.areas[0].boundary.as_ref().unwrap());
    assert!((6.0e6 * 0.85..=6.0e6 * 1.15).contains(&street), "street area {street} m²");
    let sum: f64 = d
        .areas
        .iter()
        .filter(|a| a.level == Level::MicroGrid)
        .map(|a| area_m2(a.boundary.as_ref().unwrap()))
        .sum();
    assert!((sum - street).abs() < 1.0, "micro-grids {sum} vs street {street}");
    let centre = d.areas[0].boundary.as_ref().unwrap().0[0]
        .exterior()
        .0
        .iter()
        .fold((0.0, 0.0), |a, c| (a.0 + c.x, a.1 + c.y));
    let n = d.areas[0].boundary.as_ref().unwrap().0[0].exterior().0.len() as f64;
    assert!((centre.0 / n - 121.40).abs() < 0.01 && (centre.1 / n - 31.25).abs() < 0.01);
}

#[test]
fn d4_posts_staff_every_unit_with_history() {
    let d = &demo().data;
    let mut count: HashMap<(Role, &str), usize> = HashMap::new();
    for p in active(d) {
        *count.entry((p.role, p.unit_code.as_str())).or_default() += 1;
    }
    let n = |r: Role, u: &str| count.get(&(r, u)).copied().unwrap_or(0);
    assert_eq!(n(Role::StreetAdmin, STREET_CODE), 2);
    assert_eq!(n(Role::Dispatcher, STREET_CODE), 4);
    assert_eq!(n(Role::DepartmentStaff, STREET_CODE), 6);
    for a in &d.areas {
        let c = a.code.as_str();
        match a.level {
            Level::Community => {
                assert_eq!(n(Role::CommunitySecretary, c), 1);
                assert_eq!(n(Role::CommunityStaff, c), 3);
            }
            Level::Grid => {
                assert_eq!(n(Role::GridChief, c), 1);
                assert_eq!(n(Role::GridWorker, c), 1);
                assert_eq!(n(Role::PartTimeWorker, c), 2);
                assert!((1..=2).contains(&n(Role::Specialist, c)));
            }
            Level::MicroGrid => assert_eq!(n(Role::MicroGridLeader, c), 1),
            _ => {}
        }
    }
    for b in d.buildings.iter().filter(|b| b.kind == "residential") {
        assert_eq!(n(Role::BuildingLeader, &b.code), 1);
        assert_eq!(n(Role::SecondBuildingLeader, &b.code), 1);
    }
    let people: HashMap<&str, &onegrid_domain::territory::PersonRec> = d.people.iter().map(|p| (p.code.as_str(), p)).collect();
    for p in active(d).filter(|p| p.role == Role::PartTimeWorker || p.role == Role::MicroGridLeader) {
        assert!(people[p.person_code.as_str()].party_member);
    }
    // Building leaders mostly live in their building.
    let resident_leaders = active(d)
        .filter(|p| p.role == Role::BuildingLeader)
        .filter(|p| {
            people[p.person_code.as_str()]
                .household_code
                .as_deref()
                .is_some_and(|h| h.starts_with(&format!("{}-", p.unit_code)))
        })
        .count();
    let leaders = active(d).filter(|p| p.role == Role::BuildingLeader).count();
    assert!(resident_leaders * 100 >= leaders * 85, "{resident_leaders}/{leaders}");
    // History: about 5% of posts had an earlier holder, who left before the current one started.
    let ended: Vec<_> = d.posts.iter().filter(|p| p.ends_on.is_some()).collect();
    let current = active(d).count();
    assert!(
        ended.len() * 100 >= current * 3 && ended.len() * 100 <= current * 8,
        "{} of {current}",
        ended.len()
    );
    for e in ended {
        let successor = active(d).any(|p| {
            p.role == e.role && p.unit_code == e.unit_code && p.person_code != e.person_code && e.ends_on.unwrap() < p.starts_on
        });
        assert!(successor, "{e:?} has no successor");
    }
    for p in &d.posts {
        assert!(p.ends_on.is_some() || (2021..=2025).contains(&chrono::Datelike::year(&p.starts_on)));
    }
}

#[test]
fn d4_residents_are_plausible() {
    let d = &demo().data;
    let mut by_household: HashMap<&str, Vec<&onegrid_domain::territory::ResidentRec>> = HashMap::new();
    let mut phones = HashSet::new();
    for r in &d.residents {
        assert!(r.gender == "M" || r.gender == "F");
        assert!((1930..=2024).contains(&r.birth_year));
        assert!((2..=4).contains(&r.name.chars().count()), "{}", r.name);
        assert!(r.name.chars().all(|c| !c.is_ascii()));
        if let Some(p) = &r.phone {
            assert_eq!(p.len(), 11);
            assert!(p.starts_with('1') && (b'3'..=b'9').contains(&p.as_bytes()[1]) && p.bytes().all(|b| b.is_ascii_digit()));
            assert!(phones.insert(p.as_str()), "duplicate phone {p}");
            assert!(2025 - r.birth_year >= 14);
        }
        by_household.entry(r.household_code.as_str()).or_default().push(r);
    }
    for members in by_household.values() {
        let heads: Vec<_> = members.iter().filter(|m| m.relation == "head").collect();
        assert_eq!(heads.len(), 1);
        let head = heads[0];
        assert!(2025 - head.birth_year >= 18);
        assert!(members.iter().filter(|m| m.relation == "spouse").count() <= 1);
        for m in members {
            assert!(["head", "spouse", "child", "parent", "other"].contains(&m.relation.as_str()));
            match m.relation.as_str() {
                "spouse" => assert_ne!(m.gender, head.gender),
                "child" => assert!(m.birth_year >= head.birth_year + 15),
                "parent" => assert!(m.birth_year <= head.birth_year - 15),
                _ => {}
            }
        }
    }
    let adults = d.residents.iter().filter(|r| 2025 - r.birth_year >= 18).count();
    let resident_members = d
        .people
        .iter()
        .filter(|p| p.party_member && p.household_code.is_some())
        .count();
    let share = resident_members as f64 / adults as f64;
    assert!((0.055..0.08).contains(&share), "party share {share}");
}

#[test]
fn d4_party_tree_and_teams() {
    let d = &demo().data;
    let kind = |k: PartyOrgKind| d.party_orgs.iter().filter(|o| o.kind == k).count();
    assert_eq!(kind(PartyOrgKind::WorkingCommittee), 1);
    assert_eq!(kind(PartyOrgKind::ResidentialOrganisation), 9);
    assert_eq!(
        kind(PartyOrgKind::Branch),
        d.areas.iter().filter(|a| a.level == Level::MicroGrid).count()
    );
    let residential = d.buildings.iter().filter(|b| b.kind == "residential").count();
    let corridor = kind(PartyOrgKind::CorridorGroup) as f64 / residential as f64;
    assert!((0.18..0.22).contains(&corridor));
    let team = |k: TeamKind| d.teams.iter().filter(|t| t.kind == k).count();
    assert_eq!(team(TeamKind::GridTeam), 41);
    assert_eq!(team(TeamKind::Patrol), 9);
    assert_eq!(team(TeamKind::JointCommittee), 9);
    assert!((9..=27).contains(&team(TeamKind::MicroTeam)));
    // The "3+N" grid team holds the grid worker and both part-timers.
    for t in d.teams.iter().filter(|t| t.kind == TeamKind::GridTeam) {
        let holders: Vec<&str> = active(d)
            .filter(|p| p.unit_code == t.unit_code && matches!(p.role, Role::GridWorker | Role::PartTimeWorker))
            .map(|p| p.person_code.as_str())
            .collect();
        assert_eq!(holders.len(), 3);
        assert!(holders.iter().all(|h| t.member_codes.iter().any(|m| m == h)));
        assert!(t.member_codes.len() >= 6);
    }
}

#[test]
fn d4_one_account_per_role() {
    let demo = demo();
    let d = &demo.data;
    let expected = [
        (Role::StreetAdmin, "admin"),
        (Role::Dispatcher, "dispatcher"),
        (Role::CommunitySecretary, "secretary"),
        (Role::GridWorker, "gridworker"),
        (Role::PartTimeWorker, "parttime"),
        (Role::MicroGridLeader, "mgleader"),
        (Role::BuildingLeader, "buildingleader"),
        (Role::Specialist, "specialist"),
        (Role::DepartmentStaff, "department"),
        (Role::CommunityStaff, "staff"),
        (Role::GridChief, "gridchief"),
        (Role::SecondBuildingLeader, "buildingleader2"),
    ];
    assert_eq!(demo.accounts.len(), expected.len());
    let community = format!("{STREET_CODE}-001");
    let grid = format!("{community}-01");
    for (a, (role, username)) in demo.accounts.iter().zip(expected) {
        assert_eq!((a.role, a.username.as_str()), (role, username));
        assert!(a.password.len() >= 12 && a.password.starts_with("demo-"));
        let post = active(d)
            .find(|p| p.person_code == a.person_code && p.role == role)
            .unwrap_or_else(|| panic!("{username} holds no {role:?} post"));
        match role {
            Role::CommunitySecretary | Role::CommunityStaff => assert_eq!(post.unit_code, community),
            Role::GridWorker | Role::GridChief | Role::PartTimeWorker => assert_eq!(post.unit_code, grid),
            _ => {}
        }
    }
    let passwords: HashSet<&str> = demo.accounts.iter().map(|a| a.password.as_str()).collect();
    assert_eq!(passwords.len(), expected.len());
    let persons: HashSet<&str> = demo.accounts.iter().map(|a| a.person_code.as_str()).collect();
    assert_eq!(persons.len(), expected.len());
}

#[test]
fn d4_other_seeds_are_consistent_too() {
    for seed in [1, 42] {
        let d = generate(seed).data;
        assert!(
            (11_000..=13_500).contains(&d.households.len()),
            "seed {seed}: {}",
            d.households.len()
        );
        let report = check(&coverage_input(&d), &CoveragePolicy::default());
        let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule()).collect();
        rules.sort_unstable();
        let mut planted = PLANTED_FINDINGS.to_vec();
        planted.sort_unstable();
        assert_eq!(rules, planted, "seed {seed}: {:#?}", report.findings);
    }
}

/// A wider sweep, slow in debug builds: `cargo test --release -p onegrid-demo -- --ignored`
/// (`D4_SEEDS=500` for more seeds).
#[test]
#[ignore]
fn d4_many_seeds_stay_consistent() {
    let n: u64 = std::env::var("D4_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    for seed in 0..n {
        let d = generate(seed).data;
        assert!(
            (11_000..=13_500).contains(&d.households.len()),
            "seed {seed}: {}",
            d.households.len()
        );
        let report = check(&coverage_input(&d), &CoveragePolicy::default());
        let mut rules: Vec<&str> = report.findings.iter().map(|f| f.rule()).collect();
        rules.sort_unstable();
        let mut planted = PLANTED_FINDINGS.to_vec();
        planted.sort_unstable();
        assert_eq!(rules, planted, "seed {seed}: {:#?}", report.findings);
    }
}

#[test]
fn d4_every_micro_grid_is_located_at_its_centroid() {
    use geo::Centroid;
    use onegrid_domain::geometry::AreaIndex;
    let d = &demo().data;
    let mgs: Vec<_> = d.areas.iter().filter(|a| a.level == Level::MicroGrid).collect();
    let index = AreaIndex::new(
        mgs.iter()
            .enumerate()
            .map(|(i, a)| (i as i64, a.boundary.clone().unwrap()))
            .collect(),
    );
    for (i, a) in mgs.iter().enumerate() {
        let c = a.boundary.as_ref().unwrap().centroid().unwrap();
        assert_eq!(index.containing(c.y(), c.x()), vec![i as i64], "{}", a.code);
    }
}
