//! Issue 4's demo: a year of participation in the demo street. Residents who volunteer become
//! people; each community gets a points store; a year of registered activities (in the
//! categories of P1, with the default rules' amounts) and quarterly redemptions; upcoming
//! volunteer tasks, one of them running now in the first grid; a few awards still waiting for
//! review; and a resident account. Plain records, deterministic from the seed; days count back
//! from the day of loading, which the loader supplies.

use std::collections::{BTreeMap, HashMap, HashSet};

use onegrid_domain::points::store::ItemKind;
use onegrid_domain::points::{Category, PointsPolicy};
use onegrid_domain::territory::{Level, PersonRec, StreetData};

use crate::residents::REF_YEAR;
use crate::rng::Rng;

#[derive(Debug, Clone)]
pub struct Participation {
    /// Residents who volunteer, as people living in their household.
    pub volunteers: Vec<PersonRec>,
    pub items: Vec<DemoItem>,
    /// Credited awards and redemptions, oldest first.
    pub history: Vec<Event>,
    /// Recent awards left for the community staff to review.
    pub pending: Vec<Event>,
    pub tasks: Vec<DemoTask>,
    /// The resident sign-in: a volunteer of the first grid of community 001.
    pub resident: ResidentAccount,
}

#[derive(Debug, Clone)]
pub struct ResidentAccount {
    pub username: String,
    pub password: String,
    pub person_code: String,
}

#[derive(Debug, Clone)]
pub struct DemoItem {
    pub community_code: String,
    pub kind: ItemKind,
    pub name: &'static str,
    pub price: i64,
    pub stock: i64,
    pub per_person_limit: i64,
    /// Venues: the room and the slot (days from loading, hour of day UTC+8, hours long).
    pub venue: Option<(&'static str, i64, i64, i64)>,
}

#[derive(Debug, Clone)]
pub enum Event {
    Award {
        days_ago: i64,
        person_code: String,
        community_code: String,
        category: Category,
        minutes: i64,
        points: i64,
        note: &'static str,
    },
    /// `item` indexes `items`.
    Redeem {
        days_ago: i64,
        person_code: String,
        item: usize,
    },
}

#[derive(Debug, Clone)]
pub struct DemoTask {
    pub community_code: String,
    pub grid_code: Option<String>,
    pub title: &'static str,
    pub content: &'static str,
    pub place: &'static str,
    /// Minutes from loading (negative: already started).
    pub starts_in_minutes: i64,
    pub minutes: i64,
    pub capacity: i64,
    pub points: i64,
    pub category: Category,
    pub skills: Vec<&'static str>,
    pub claimers: Vec<String>,
}

const ACTIVITIES: &[(Category, u32, &[&str])] = &[
    (
        Category::PublicWelfare,
        30,
        &["楼道清扫", "助老送餐", "社区义诊协助", "旧衣回收"],
    ),
    (
        Category::EnvironmentalUpkeep,
        25,
        &["垃圾分类值守", "绿地养护", "清理小广告", "非机动车整理"],
    ),
    (Category::HelpInDifficulty, 14, &["独居老人探访", "陪同就医", "代购生活用品"]),
    (Category::CulturalPublicity, 12, &["反诈宣传", "文艺汇演", "黑板报更新"]),
    (Category::StudyEducation, 12, &["党课学习", "消防培训", "急救培训"]),
    (Category::DisputeMediation, 6, &["邻里纠纷调解", "停车纠纷调解"]),
    (Category::OutstandingContribution, 1, &["火情发现并报告", "见义勇为"]),
];

const GOODS: &[(ItemKind, &str, i64, i64, i64)] = &[
    (ItemKind::Goods, "抽纸一提", 5, 200, 2),
    (ItemKind::Goods, "洗衣液", 15, 100, 1),
    (ItemKind::Goods, "大米五斤", 20, 60, 1),
    (ItemKind::Goods, "绿植盆栽", 8, 60, 2),
    (ItemKind::Goods, "文具套装", 10, 80, 2),
    (ItemKind::Service, "爱心午餐", 10, 40, 2),
    (ItemKind::Service, "托管服务一小时", 8, 20, 2),
    (ItemKind::Service, "义剪理发", 6, 30, 1),
];

/// Title, content, place, category, half the usual places, skills.
type TaskTemplate = (
    &'static str,
    &'static str,
    &'static str,
    Category,
    i64,
    &'static [&'static str],
);

const TASKS: &[TaskTemplate] = &[
    (
        "楼道杂物清理",
        "清理楼道堆物，消除消防隐患",
        "居民区各楼道",
        Category::EnvironmentalUpkeep,
        2,
        &["搬运"],
    ),
    (
        "敬老院陪伴",
        "陪老人聊天、读报",
        "街道敬老院",
        Category::HelpInDifficulty,
        4,
        &["沟通"],
    ),
    (
        "垃圾分类值守",
        "早晚投放时段在垃圾厢房值守",
        "垃圾厢房",
        Category::EnvironmentalUpkeep,
        2,
        &[],
    ),
    (
        "反诈宣传进楼组",
        "发放宣传单，讲解常见骗局",
        "社区活动室",
        Category::CulturalPublicity,
        3,
        &["讲解"],
    ),
    ("助老送餐", "为独居老人送午餐", "社区食堂", Category::PublicWelfare, 2, &[]),
];

/// The community and grid of each household, by walking unit → building → micro-grid → grid.
pub(crate) fn places(d: &StreetData) -> HashMap<&str, (String, String)> {
    let parent: HashMap<&str, (&str, Level)> = d
        .areas
        .iter()
        .filter_map(|a| a.parent_code.as_deref().map(|p| (a.code.as_str(), (p, a.level))))
        .collect();
    let building_mg: HashMap<&str, &str> = d
        .buildings
        .iter()
        .filter_map(|b| b.micro_grid_code.as_deref().map(|m| (b.code.as_str(), m)))
        .collect();
    let unit_building: HashMap<&str, &str> = d.units.iter().map(|u| (u.code.as_str(), u.building_code.as_str())).collect();
    let mut out = HashMap::new();
    for h in &d.households {
        let Some(mg) = unit_building.get(h.unit_code.as_str()).and_then(|b| building_mg.get(b)) else {
            continue;
        };
        let Some((grid, _)) = parent.get(mg) else { continue };
        let Some((community, _)) = parent.get(grid) else { continue };
        out.insert(h.code.as_str(), (community.to_string(), grid.to_string()));
    }
    out
}

pub fn participation(seed: u64, d: &StreetData) -> Participation {
    let mut rng = Rng::stream(seed, "participation");
    let policy = PointsPolicy::default();
    let place = places(d);
    let already: HashSet<(&str, &str)> = d
        .people
        .iter()
        .filter_map(|p| p.household_code.as_deref().map(|h| (h, p.name.as_str())))
        .collect();
    let mut communities: Vec<&str> = d
        .areas
        .iter()
        .filter(|a| a.level == Level::Community)
        .map(|a| a.code.as_str())
        .collect();
    communities.sort();
    let first_grid: String = d
        .areas
        .iter()
        .filter(|a| a.level == Level::Grid && a.parent_code.as_deref() == communities.first().copied())
        .map(|a| a.code.clone())
        .min()
        .unwrap_or_default();

    // About 1 % of adults under 80 volunteer; the first grid gets a few more so its pages show life.
    let mut volunteers = Vec::new();
    let mut home: Vec<(String, String)> = Vec::new();
    for r in &d.residents {
        let age = REF_YEAR - r.birth_year;
        let Some((community, grid)) = place.get(r.household_code.as_str()) else {
            continue;
        };
        let p = if grid == &first_grid { 0.05 } else { 0.01 };
        if !(18..80).contains(&age) || already.contains(&(r.household_code.as_str(), r.name.as_str())) || !rng.chance(p) {
            continue;
        }
        volunteers.push(PersonRec {
            code: format!("V{:06}", volunteers.len() + 1),
            name: r.name.clone(),
            gender: r.gender.clone(),
            phone: r.phone.clone(),
            party_member: false,
            household_code: Some(r.household_code.clone()),
        });
        home.push((community.clone(), grid.clone()));
    }

    let mut items = Vec::new();
    for c in &communities {
        for (kind, name, price, stock, limit) in GOODS {
            items.push(DemoItem {
                community_code: c.to_string(),
                kind: *kind,
                name,
                price: *price,
                stock: *stock,
                per_person_limit: *limit,
                venue: None,
            });
        }
        items.push(DemoItem {
            community_code: c.to_string(),
            kind: ItemKind::Venue,
            name: "舞蹈室（周六上午）",
            price: 10,
            stock: 15,
            per_person_limit: 1,
            venue: Some(("舞蹈室", 5, 9, 2)),
        });
        items.push(DemoItem {
            community_code: c.to_string(),
            kind: ItemKind::Venue,
            name: "书法室（周日下午）",
            price: 5,
            stock: 10,
            per_person_limit: 1,
            venue: Some(("书法室", 6, 14, 2)),
        });
    }
    let items_of: BTreeMap<&str, Vec<usize>> = communities
        .iter()
        .map(|c| {
            (
                *c,
                items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.community_code == *c && i.venue.is_none())
                    .map(|(n, _)| n)
                    .collect(),
            )
        })
        .collect();

    // A year of activities, then a redemption or two in each quarter's exchange days for those
    // who have the points.
    let weights: Vec<u32> = ACTIVITIES.iter().map(|a| a.1).collect();
    let mut timeline: Vec<(i64, usize, Option<Event>)> = Vec::new();
    for (v, p) in volunteers.iter().enumerate() {
        let n = match rng.weighted(&[50, 35, 15]) {
            0 => rng.range(1, 3),
            1 => rng.range(4, 8),
            _ => rng.range(10, 25),
        };
        for _ in 0..n {
            let (category, _, notes) = ACTIVITIES[rng.weighted(&weights)];
            let minutes = match category {
                Category::StudyEducation | Category::DisputeMediation | Category::OutstandingContribution => 0,
                _ => 60 * rng.range(1, 4),
            };
            let points = policy.rule(category).points(minutes);
            let days_ago = rng.range(1, 365);
            let note = *rng.pick(notes);
            timeline.push((
                days_ago,
                v,
                Some(Event::Award {
                    days_ago,
                    person_code: p.code.clone(),
                    community_code: home[v].0.clone(),
                    category,
                    minutes,
                    points,
                    note,
                }),
            ));
        }
    }
    // Exchange days: the first ten days after each quarter.
    for back in [275, 185, 95, 5] {
        for v in 0..volunteers.len() {
            if rng.chance(0.5) {
                timeline.push((back - rng.range(0, 4), v, None));
            }
        }
    }
    timeline.sort_by_key(|(days, v, e)| (std::cmp::Reverse(*days), e.is_none(), *v));
    let mut balance = vec![0i64; volunteers.len()];
    let mut history = Vec::new();
    for (days_ago, v, e) in timeline {
        match e {
            Some(Event::Award { points: 0, .. }) => {}
            Some(e) => {
                if let Event::Award { points, .. } = &e {
                    balance[v] += points;
                }
                history.push(e);
            }
            None => {
                let choices = &items_of[home[v].0.as_str()];
                let item = *rng.pick(choices);
                if balance[v] >= items[item].price {
                    balance[v] -= items[item].price;
                    history.push(Event::Redeem {
                        days_ago,
                        person_code: volunteers[v].code.clone(),
                        item,
                    });
                }
            }
        }
    }

    // The resident account: the first grid's volunteer with the most points, and a few
    // registrations of the first grid waiting for review.
    let in_first: Vec<usize> = (0..volunteers.len()).filter(|&v| home[v].1 == first_grid).collect();
    let resident_v = in_first
        .iter()
        .copied()
        .max_by_key(|&v| (balance[v], std::cmp::Reverse(v)))
        .unwrap_or(0);
    let mut pending = Vec::new();
    for &v in in_first.iter().take(12) {
        let (category, _, notes) = ACTIVITIES[rng.weighted(&weights)];
        let minutes = 60 * rng.range(1, 3);
        let points = policy.rule(category).points(minutes).max(1);
        pending.push(Event::Award {
            days_ago: rng.range(0, 6),
            person_code: volunteers[v].code.clone(),
            community_code: home[v].0.clone(),
            category,
            minutes,
            points,
            note: *rng.pick(notes),
        });
    }

    let mut tasks = Vec::new();
    for (ci, c) in communities.iter().enumerate() {
        for (k, (title, content, place, category, capacity_per, skills)) in TASKS.iter().enumerate() {
            if (ci + k) % 2 == 1 && k != 0 {
                continue;
            }
            let running = ci == 0 && k == 0;
            let starts_in_minutes = if running {
                -30
            } else {
                60 * 24 * rng.range(1, 14) + 60 * rng.range(-4, 4)
            };
            let capacity = 2 * capacity_per + rng.range(0, 4);
            let locals: Vec<usize> = (0..volunteers.len())
                .filter(|&v| home[v].0 == *c && v != resident_v)
                .collect();
            let taken = (rng.range(0, capacity / 2).max(0) as usize).min(locals.len());
            let mut pool = locals.clone();
            rng.shuffle(&mut pool);
            tasks.push(DemoTask {
                community_code: c.to_string(),
                grid_code: running.then(|| first_grid.clone()),
                title,
                content,
                place,
                starts_in_minutes,
                minutes: 60 * rng.range(2, 4),
                capacity,
                points: policy.rule(*category).cap.min(2),
                category: *category,
                skills: skills.to_vec(),
                claimers: pool[..taken].iter().map(|&v| volunteers[v].code.clone()).collect(),
            });
        }
    }

    const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let tail: String = (0..8).map(|_| *rng.pick(CHARS) as char).collect();
    let resident = ResidentAccount {
        username: "resident".into(),
        password: format!("demo-{tail}"),
        person_code: volunteers.get(resident_v).map(|p| p.code.clone()).unwrap_or_default(),
    };
    Participation {
        volunteers,
        items,
        history,
        pending,
        tasks,
        resident,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d4_participation_is_deterministic_and_affordable() {
        let demo = crate::generate(crate::DEFAULT_SEED);
        let a = participation(7, &demo.data);
        let b = participation(7, &demo.data);
        assert_eq!(a.volunteers.len(), b.volunteers.len());
        assert!((150..1000).contains(&a.volunteers.len()), "{} volunteers", a.volunteers.len());
        let awards = a.history.iter().filter(|e| matches!(e, Event::Award { .. })).count();
        let redemptions = a.history.len() - awards;
        assert!(awards > 500 && redemptions > 50, "{awards} awards, {redemptions} redemptions");
        assert!(!a.resident.person_code.is_empty());
        assert_eq!(a.tasks.iter().filter(|t| t.starts_in_minutes < 0).count(), 1);
        // Replaying the history never overdraws anyone.
        let mut bal: HashMap<&str, i64> = HashMap::new();
        for e in &a.history {
            match e {
                Event::Award { person_code, points, .. } => *bal.entry(person_code).or_default() += points,
                Event::Redeem { person_code, item, .. } => {
                    let b = bal.entry(person_code).or_default();
                    *b -= a.items[*item].price;
                    assert!(*b >= 0);
                }
            }
        }
        // Volunteers are new people: no resident is a person twice.
        let people: HashSet<(&str, &str)> = demo
            .data
            .people
            .iter()
            .filter_map(|p| p.household_code.as_deref().map(|h| (h, p.name.as_str())))
            .collect();
        assert!(
            a.volunteers
                .iter()
                .all(|v| !people.contains(&(v.household_code.as_deref().unwrap(), v.name.as_str())))
        );
    }
}
