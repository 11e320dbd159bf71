//! Households: 1–5 residents (mean about 2.5), with relations, ages and surnames that fit
//! together — an elderly widow living alone, a couple with their child, three generations.

use std::collections::HashSet;

use onegrid_domain::territory::ResidentRec;

use crate::names::{full_name, phone, surname};
use crate::rng::Rng;

/// The year ages are counted from.
pub const REF_YEAR: i64 = 2025;
const MIN_YEAR: i64 = 1930;
const MAX_YEAR: i64 = 2024;

struct Member {
    relation: &'static str,
    gender: &'static str,
    year: i64,
    surname: &'static str,
}

fn other_gender(g: &str) -> &'static str {
    if g == "M" { "F" } else { "M" }
}

fn any_gender(rng: &mut Rng) -> &'static str {
    if rng.chance(0.5) { "M" } else { "F" }
}

/// The residents of one household.
pub fn household(rng: &mut Rng, household_code: &str, phones: &mut HashSet<String>) -> Vec<ResidentRec> {
    let size = 1 + rng.weighted(&[20, 35, 25, 13, 7]);
    let mut members: Vec<Member> = Vec::with_capacity(size);
    if size == 1 {
        // Elderly living alone (mostly women), or a young single tenant.
        let (gender, year) = if rng.chance(0.55) {
            (if rng.chance(0.65) { "F" } else { "M" }, rng.range(1932, 1958))
        } else {
            (any_gender(rng), rng.range(1975, 2001))
        };
        members.push(Member {
            relation: "head",
            gender,
            year,
            surname: surname(rng),
        });
    } else {
        let gender = if rng.chance(0.62) { "M" } else { "F" };
        let year = match rng.weighted(&[30, 30, 25, 15]) {
            0 => rng.range(1938, 1955),
            1 => rng.range(1956, 1970),
            2 => rng.range(1971, 1985),
            _ => rng.range(1986, 1998),
        };
        members.push(Member {
            relation: "head",
            gender,
            year,
            surname: surname(rng),
        });
        if rng.chance(if size == 2 { 0.75 } else { 0.88 }) {
            let sy = if gender == "M" {
                year + rng.range(0, 5)
            } else {
                year - rng.range(0, 5)
            };
            members.push(Member {
                relation: "spouse",
                gender: other_gender(gender),
                year: sy.clamp(MIN_YEAR, 2003),
                surname: surname(rng),
            });
        }
    }
    let head_year = members[0].year;
    let head_surname = members[0].surname;
    let family = members.iter().find(|m| m.gender == "M").map_or(head_surname, |m| m.surname);
    while members.len() < size {
        let children = members.iter().filter(|m| m.relation == "child").count();
        let parents = members.iter().filter(|m| m.relation == "parent").count();
        let w_child = if children < 3 { 60 } else { 0 };
        let w_parent = if head_year >= 1956 && parents < 2 { 25 } else { 0 };
        match rng.weighted(&[w_child, w_parent, 15]) {
            0 => {
                let cy = (head_year + rng.range(23, 36)).min(MAX_YEAR - rng.range(0, 2));
                members.push(Member {
                    relation: "child",
                    gender: any_gender(rng),
                    year: cy,
                    surname: family,
                });
            }
            1 => {
                let gender = if rng.chance(0.6) { "F" } else { "M" };
                let py = (head_year - rng.range(22, 34)).max(MIN_YEAR);
                // The head's father shares the head's surname.
                let s = if gender == "M" { head_surname } else { surname(rng) };
                members.push(Member {
                    relation: "parent",
                    gender,
                    year: py,
                    surname: s,
                });
            }
            _ => {
                // A grandchild of older heads, a sibling of younger ones.
                let (year, s) = if head_year <= 1965 {
                    ((head_year + rng.range(48, 62)).min(MAX_YEAR), family)
                } else {
                    ((head_year + rng.range(-6, 6)).clamp(MIN_YEAR, 2006), head_surname)
                };
                members.push(Member {
                    relation: "other",
                    gender: any_gender(rng),
                    year,
                    surname: s,
                });
            }
        }
    }
    // Names are unique within a household: records key residents by (household, name).
    let mut used = std::collections::HashSet::new();
    members
        .into_iter()
        .map(|m| {
            let mut name = full_name(rng, m.surname, m.gender, m.year);
            while !used.insert(name.clone()) {
                name = full_name(rng, m.surname, m.gender, m.year);
            }
            let age = REF_YEAR - m.year;
            let has_phone = match age {
                18.. if m.year < 1942 => rng.chance(0.6),
                18.. => rng.chance(0.93),
                14..=17 => rng.chance(0.5),
                _ => false,
            };
            ResidentRec {
                household_code: household_code.to_string(),
                name,
                gender: m.gender.to_string(),
                birth_year: m.year,
                phone: has_phone.then(|| phone(rng, phones)),
                relation: m.relation.to_string(),
            }
        })
        .collect()
}
