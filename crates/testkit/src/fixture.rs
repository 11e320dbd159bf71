//! A small street for tests: two communities, three grids, six micro-grids (squares that tile
//! the street), one building each, and accounts for several posts.

use chrono::NaiveDate;
use geo::{MultiPolygon, Point, polygon};
use onegrid_domain::people::Role;
use onegrid_domain::territory::*;

use crate::TestApp;

pub const STREET: &str = "999001-001";
pub const PASSWORD: &str = "test-password-1";

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Option<MultiPolygon<f64>> {
    Some(MultiPolygon(vec![
        polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1), (x: x0, y: y0)],
    ]))
}

fn area(level: Level, code: &str, name: &str, parent: Option<&str>, b: Option<MultiPolygon<f64>>) -> AreaRec {
    AreaRec {
        level,
        code: code.into(),
        name: name.into(),
        parent_code: parent.map(String::from),
        kind: (level == Level::MicroGrid).then_some(MicroGridKind::Residential),
        boundary: b,
    }
}

/// Grid codes in order: G1 and G2 in community 001, G3 in community 002.
pub const GRIDS: [&str; 3] = ["999001-001-001-01", "999001-001-001-02", "999001-001-002-01"];

/// The resident names of each grid, so tests can look for them in responses.
pub fn resident_name(grid: usize, n: usize) -> String {
    format!("{}{}", ["甲", "乙", "丙"][grid], ["一", "二", "三", "四"][n])
}

pub fn street_data() -> StreetData {
    let mut d = StreetData::default();
    d.areas.push(area(
        Level::Street,
        STREET,
        "测试街道",
        None,
        rect(121.0, 31.0, 121.03, 31.02),
    ));
    d.areas.push(area(
        Level::Community,
        "999001-001-001",
        "东社区",
        Some(STREET),
        rect(121.0, 31.0, 121.02, 31.02),
    ));
    d.areas.push(area(
        Level::Community,
        "999001-001-002",
        "西社区",
        Some(STREET),
        rect(121.02, 31.0, 121.03, 31.02),
    ));
    let date = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
    let post = |person: &str, role: Role, level: Level, unit: &str| PostRec {
        person_code: person.into(),
        role,
        level,
        unit_code: unit.into(),
        starts_on: date,
        ends_on: None,
    };
    for (g, code) in GRIDS.iter().enumerate() {
        let x0 = 121.0 + g as f64 * 0.01;
        let community = &code[..14];
        d.areas.push(area(
            Level::Grid,
            code,
            &format!("网格{}", g + 1),
            Some(community),
            rect(x0, 31.0, x0 + 0.01, 31.02),
        ));
        for m in 0..2 {
            let y0 = 31.0 + m as f64 * 0.01;
            let mg = format!("{code}-0{}", m + 1);
            d.areas.push(area(
                Level::MicroGrid,
                &mg,
                &format!("微网格{}-{}", g + 1, m + 1),
                Some(code),
                rect(x0, y0, x0 + 0.01, y0 + 0.01),
            ));
            let b = format!("{mg}-01");
            d.buildings.push(BuildingRec {
                code: b.clone(),
                name: format!("{}号楼", g * 2 + m + 1),
                micro_grid_code: Some(mg.clone()),
                address: format!("测试路{}号", g * 2 + m + 1),
                kind: "residential".into(),
                floors: 6,
                location: Some(Point::new(x0 + 0.005, y0 + 0.005)),
            });
            let u = format!("{b}-1");
            d.units.push(UnitRec {
                code: u.clone(),
                building_code: b.clone(),
                name: "1单元".into(),
            });
            for h in 0..2 {
                let hc = format!("{u}-0{}01", h + 1);
                d.households.push(HouseholdRec {
                    code: hc.clone(),
                    unit_code: u.clone(),
                    room: format!("{}01", h + 1),
                });
                d.residents.push(ResidentRec {
                    household_code: hc,
                    name: resident_name(g, m * 2 + h),
                    gender: "F".into(),
                    birth_year: 1950 + h as i64,
                    phone: Some("13800001234".into()),
                    relation: "head".into(),
                });
            }
            let leader = format!("P-MGL-{g}{m}");
            d.people.push(person(&leader, &format!("微网格长{g}{m}")));
            d.posts.push(post(&leader, Role::MicroGridLeader, Level::MicroGrid, &mg));
            let bl = format!("P-BL-{g}{m}");
            d.people.push(person(&bl, &format!("楼组长{g}{m}")));
            d.posts.push(post(&bl, Role::BuildingLeader, Level::Building, &b));
        }
        let w = format!("P-GW-{g}");
        d.people.push(person(&w, &format!("网格员{}", g + 1)));
        d.posts.push(post(&w, Role::GridWorker, Level::Grid, code));
        for p in 0..2 {
            let pt = format!("P-PT-{g}{p}");
            d.people.push(person(&pt, &format!("兼职{g}{p}")));
            d.posts.push(post(&pt, Role::PartTimeWorker, Level::Grid, code));
        }
    }
    for (code, name, role, level, unit) in [
        ("P-ADMIN", "管理员", Role::StreetAdmin, Level::Street, STREET),
        ("P-SEC", "书记", Role::CommunitySecretary, Level::Community, "999001-001-001"),
        ("P-SPEC", "民警", Role::Specialist, Level::Street, STREET),
    ] {
        d.people.push(person(code, name));
        d.posts.push(post(code, role, level, unit));
    }
    // A past post: the first grid's earlier worker, whose post ended.
    d.people.push(person("P-OLD", "前任网格员"));
    d.posts.push(PostRec {
        ends_on: NaiveDate::from_ymd_opt(2023, 12, 31),
        starts_on: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap(),
        ..post("P-OLD", Role::GridWorker, Level::Grid, GRIDS[0])
    });
    d
}

fn person(code: &str, name: &str) -> PersonRec {
    PersonRec {
        code: code.into(),
        name: name.into(),
        gender: "M".into(),
        phone: Some("13900002222".into()),
        party_member: false,
        household_code: None,
    }
}

/// Loads the street and creates the accounts `admin`, `worker_a` (grid 1), `worker_b` (grid 2),
/// `secretary` (community 001), `specialist` and `old_worker` (post ended), all with `PASSWORD`.
pub async fn load_small_street(t: &TestApp) {
    let mut tx = t.app.db.write().await.unwrap();
    onegrid_store::load::load(&mut tx, &street_data()).await.unwrap();
    tx.commit().await.unwrap();
    for (user, person) in [
        ("admin", "P-ADMIN"),
        ("worker_a", "P-GW-0"),
        ("worker_b", "P-GW-1"),
        ("secretary", "P-SEC"),
        ("specialist", "P-SPEC"),
        ("old_worker", "P-OLD"),
    ] {
        t.app.add_user(user, PASSWORD, Some(person), false).await.unwrap();
    }
    t.app.locator.rebuild(&t.app.db).await.unwrap();
}
