//! Prints what `generate` produces, how long it takes, and a few sample records:
//! `cargo run --release -p onegrid-demo --example summary [SEED]`.

use std::time::Instant;

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(onegrid_demo::DEFAULT_SEED);
    let t = Instant::now();
    let demo = onegrid_demo::generate(seed);
    let took = t.elapsed();
    let d = &demo.data;
    println!("seed {seed}: generated in {took:?}");
    println!(
        "areas {}, buildings {}, units {}, households {}, residents {}, people {}, posts {} ({} ended), party orgs {}, party members {}, teams {}, enterprises {}, duties {}, work items {}",
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
        d.enterprises.len(),
        d.duties.len(),
        d.work_items.len(),
    );
    for a in d.areas.iter().take(12) {
        println!("{:?} {} {} {:?}", a.level, a.code, a.name, a.kind);
    }
    for a in d
        .areas
        .iter()
        .filter(|a| a.kind.is_some_and(|k| k.as_str() != "residential"))
        .take(25)
    {
        println!("{} {} {:?}", a.code, a.name, a.kind);
    }
    for b in d
        .buildings
        .iter()
        .take(6)
        .chain(d.buildings.iter().filter(|b| b.kind != "residential").take(6))
    {
        println!(
            "{} {} {} {} floors {} {:?}",
            b.code,
            b.name,
            b.address,
            b.kind,
            b.floors,
            b.location.map(|p| (p.x(), p.y()))
        );
    }
    for r in d.residents.iter().take(15) {
        println!(
            "{} {} {} {} {:?} {}",
            r.household_code, r.name, r.gender, r.birth_year, r.phone, r.relation
        );
    }
    for e in d.enterprises.iter().step_by(20) {
        println!("{} {} {}", e.code, e.name, e.industry);
    }
    for o in d.party_orgs.iter().take(3).chain(d.party_orgs.iter().rev().take(2)) {
        println!("{} {} {:?}", o.code, o.name, o.kind);
    }
    for t in d.teams.iter().skip(40).take(6) {
        println!(
            "{} {} {:?} leader {:?} members {}",
            t.code,
            t.name,
            t.kind,
            t.leader_code,
            t.member_codes.len()
        );
    }
    for a in &demo.accounts {
        let p = d.people.iter().find(|p| p.code == a.person_code).unwrap();
        println!("{:<16} {:<16} {:?} {} {}", a.username, a.password, a.role, p.code, p.name);
    }
}
