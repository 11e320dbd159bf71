//! Issue 3's demo: a year of cases in the demo street, across every channel, state and leaf
//! category, with realistic timings: most closed and rated, some still open in every open state,
//! rejected with reasons, merged into an earlier report of the same thing, escalated grid →
//! community → command centre, handled jointly by two or three departments, returned for rework,
//! reopened by the reporter, and a handful whose handling is overdue now.
//!
//! Plain records keyed by codes (micro-grid, grid, community, department, category), never
//! database ids; deterministic for `(seed, now)`. Each case's `steps` are its history after intake,
//! and replay through the domain's state machine from `CaseState::new()` (a test does exactly
//! that). The generator follows the same rules as it goes: who may act at which tier, when a step
//! clock starts, and when the deadline worker would have supervised (督办) a late step.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Days, TimeDelta, Timelike, Utc, Weekday};
use geo::{BoundingRect, Contains, InteriorPoint, MultiPolygon, Point};
use onegrid_domain::case::{
    ActionKind, ActorTier, CaseStatus, Catalogue, Clock, Limit, Step, StepLimits, Tier, WorkCalendar, due_at, next_status,
};
use onegrid_domain::people::Role;
use onegrid_domain::territory::{BuildingRec, Level, MicroGridKind, StreetData};

use crate::case_texts::{self as tx, Place, TOPICS, Topic};
use crate::names;
use crate::rng::Rng;

/// The intake channels of C1, as stored.
pub const CASE_CHANNELS: [&str; 5] = ["resident", "field", "hotline", "open311", "import"];

/// One case as intake recorded it, and what happened to it since.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoCase {
    /// 1, 2, … in the order received.
    pub number: u32,
    /// A leaf code of `Catalogue::builtin()`.
    pub category: String,
    /// One of [`CASE_CHANNELS`].
    pub channel: &'static str,
    pub description: String,
    pub address: String,
    pub micro_grid_code: String,
    /// WGS-84, inside the micro-grid.
    pub lat: f64,
    pub lng: f64,
    /// Both `None`: an anonymous report. Field reports carry the grid worker who found it.
    pub reporter_name: Option<String>,
    pub reporter_phone: Option<String>,
    pub received_at: DateTime<Utc>,
    /// The history after intake, oldest first; all before the `now` the cases were made for.
    pub steps: Vec<DemoStep>,
}

impl DemoCase {
    /// The status after the last step (the loop of C4 followed step by step).
    pub fn status(&self) -> CaseStatus {
        self.steps
            .iter()
            .fold(CaseStatus::Received, |s, step| next_status(s, step.kind).unwrap_or(s))
    }
}

/// One step of a case: the data of an `Action`, with codes where the action carries ids.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoStep {
    pub at: DateTime<Utc>,
    pub by: ActorTier,
    pub kind: ActionKind,
    pub reason: Option<String>,
    pub note: Option<String>,
    /// Dispatch and reassign: to whom.
    pub to: Option<DemoAssignee>,
    /// Rate: 1–5.
    pub rating: Option<u8>,
    /// Complete or waive a sub-task: the department's code.
    pub department: Option<String>,
    /// Supervise: the level reached.
    pub escalation_level: Option<u8>,
    /// Merge: the `number` of the earlier case this one duplicates.
    pub merge_into: Option<u32>,
}

/// Whom a case is dispatched to, by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DemoAssignee {
    /// A grid code.
    Grid(String),
    /// A community code.
    Community(String),
    CommandCentre,
    /// A department code of the catalogue.
    Department(String),
    /// 联办: department codes, one lead.
    Joint {
        lead: String,
        co: Vec<String>,
    },
}

impl DemoAssignee {
    /// The tier that accepts and handles (departments, for joint handling).
    pub fn tier(&self) -> Tier {
        match self {
            DemoAssignee::Grid(_) => Tier::Grid,
            DemoAssignee::Community(_) => Tier::Community,
            DemoAssignee::CommandCentre => Tier::CommandCentre,
            DemoAssignee::Department(_) | DemoAssignee::Joint { .. } => Tier::Department,
        }
    }
}

impl DemoStep {
    fn new(at: DateTime<Utc>, by: ActorTier, kind: ActionKind) -> Self {
        Self {
            at,
            by,
            kind,
            reason: None,
            note: None,
            to: None,
            rating: None,
            department: None,
            escalation_level: None,
            merge_into: None,
        }
    }
    fn reason(mut self, r: impl Into<String>) -> Self {
        self.reason = Some(r.into());
        self
    }
    fn note(mut self, n: &str) -> Self {
        if !n.is_empty() {
            self.note = Some(n.to_string());
        }
        self
    }
    fn to(mut self, a: DemoAssignee) -> Self {
        self.to = Some(a);
        self
    }
    fn department(mut self, d: &str) -> Self {
        self.department = Some(d.to_string());
        self
    }
}

/// About this many cases a year come in one by one; bulk imports and duplicates come on top.
const CASES_A_YEAR: u32 = 4_450;
/// Share of cases that duplicate an earlier one and are merged into it.
const DUPLICATE_SHARE: f64 = 0.025;

/// A year of cases up to `now` in the street `d` (from [`crate::generate`]).
pub fn cases(seed: u64, d: &StreetData, now: DateTime<Utc>) -> Vec<DemoCase> {
    let street = Street::new(seed, d);
    if street.mgs.is_empty() {
        return Vec::new();
    }
    let cat = Catalogue::builtin();
    let g = Gen {
        street: &street,
        cat: &cat,
        cal: WorkCalendar::default(),
        now,
        depts: cat.departments.iter().map(|d| d.code.as_str()).collect(),
    };
    let mut phones: HashSet<String> = d.residents.iter().filter_map(|r| r.phone.clone()).collect();
    let mut drafts: Vec<Draft> = Vec::new();

    // Cases one by one, over the year.
    let mut rng = Rng::stream(seed, "cases");
    let days = year_days(now);
    let day_weights: Vec<u32> = days.iter().map(|d| d.weight).collect();
    let n = CASES_A_YEAR + rng.below(200) as u32;
    for _ in 0..n {
        let day = &days[rng.weighted(&day_weights)];
        let channel = *rng.pick_weighted(day.channels());
        let topic = g.topic(&mut rng, channel, day.month);
        // The part of the day inside the year before now: the first and last days are cut.
        let lo = day.at(0, 0, 0).max(now - TimeDelta::days(365) + TimeDelta::seconds(1));
        let hi = (day.at(0, 0, 0) + TimeDelta::days(1)).min(now);
        let mut received = None;
        for _ in 0..20 {
            let t = day.at(g.hour(&mut rng, channel, topic), rng.below(60) as u32, rng.below(60) as u32);
            if t >= lo && t < hi {
                received = Some(t);
                break;
            }
        }
        // No hour of the channel's day fits (a patrol report on the day cut short): any moment.
        let received = received.unwrap_or_else(|| {
            let secs = (hi - lo).num_seconds().max(1);
            lo + TimeDelta::seconds(rng.below(secs as u64) as i64)
        });
        drafts.push(g.case(&mut rng, &mut phones, topic, channel, received, &Force::default()));
    }

    // Bulk imports: work orders of the city hotline platform, loaded on Monday mornings.
    let mut rng = Rng::stream(seed, "cases-import");
    for day in days.iter().filter(|d| d.weekday == Weekday::Mon) {
        let at = day.at(10, rng.below(30) as u32, 0);
        if at >= now || at <= now - TimeDelta::days(365) {
            continue;
        }
        for i in 0..rng.range(3, 8) {
            let topic = g.topic(&mut rng, "import", day.month);
            let received = at + TimeDelta::seconds(i);
            drafts.push(g.case(&mut rng, &mut phones, topic, "import", received, &Force::default()));
        }
    }

    // A category too rare to come up by chance still comes up once in the year.
    let mut rng = Rng::stream(seed, "cases-rare");
    let seen: HashSet<&str> = drafts.iter().map(|d| d.case.category.as_str()).collect();
    let missing: Vec<&'static Topic> = TOPICS.iter().filter(|t| !seen.contains(t.code)).collect();
    for topic in missing {
        let days: Vec<&Day> = days.iter().filter(|d| topic.season.factor(d.month) > 0.0).collect();
        let Some(day) = (!days.is_empty()).then(|| *rng.pick(&days)) else {
            continue;
        };
        let received = (day.at(10, rng.below(60) as u32, 0)).min(now - TimeDelta::hours(1));
        if received <= now - TimeDelta::days(365) {
            continue;
        }
        drafts.push(g.case(&mut rng, &mut phones, topic, "hotline", received, &Force::default()));
    }

    // Duplicates of earlier cases, merged into them.
    let mut rng = Rng::stream(seed, "cases-duplicates");
    let originals = drafts.len();
    let wanted = (originals as f64 * DUPLICATE_SHARE).round() as usize;
    for _ in 0..wanted {
        for _attempt in 0..30 {
            let target = rng.index(originals);
            if let Some(dup) = g.duplicate(&mut rng, &mut phones, &drafts[target], target) {
                drafts.push(dup);
                break;
            }
        }
    }

    // Planted: every open state, and overdue handling.
    let mut rng = Rng::stream(seed, "cases-planted");
    for plant in PLANTED {
        for _ in 0..plant.count {
            if let Some(c) = g.planted(&mut rng, &mut phones, plant) {
                drafts.push(c);
            }
        }
    }

    // Number in the order received; point merges at their targets' numbers.
    let mut order: Vec<usize> = (0..drafts.len()).collect();
    order.sort_by_key(|&i| (drafts[i].case.received_at, i));
    let mut number = vec![0u32; drafts.len()];
    for (n, &i) in order.iter().enumerate() {
        number[i] = n as u32 + 1;
    }
    let mut out: Vec<Option<DemoCase>> = drafts.iter().map(|_| None).collect();
    for (i, draft) in drafts.into_iter().enumerate() {
        let mut case = draft.case;
        case.number = number[i];
        if let Some(t) = draft.merge_into {
            for s in case.steps.iter_mut().filter(|s| s.kind == ActionKind::Merge) {
                s.merge_into = Some(number[t]);
                s.note = Some(format!("与第{}号案件反映同一问题，合并处理。", number[t]));
            }
        }
        out[number[i] as usize - 1] = Some(case);
    }
    out.into_iter().flatten().collect()
}

/// A case before numbering; `merge_into` indexes the drafts.
struct Draft {
    case: DemoCase,
    merge_into: Option<usize>,
}

/// Choices forced on a planted case.
#[derive(Debug, Clone, Default)]
struct Force {
    /// Stay in this status once reached (the case is waiting there now).
    park: Option<CaseStatus>,
    no_reject: bool,
    department: bool,
    grid: bool,
    rework: bool,
    reopen: bool,
    /// Handling never finishes: overdue now.
    stall: bool,
}

impl Force {
    fn any(&self) -> bool {
        self.park.is_some()
    }
}

struct Plant {
    status: CaseStatus,
    count: usize,
    /// How long ago it was received, in minutes (doubled on each retry until the case gets
    /// as far as `status` before now).
    ago: (i64, i64),
    overdue: bool,
}

const PLANTED: &[Plant] = &[
    Plant {
        status: CaseStatus::Received,
        count: 3,
        ago: (15, 80),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Registered,
        count: 3,
        ago: (120, 400),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Dispatched,
        count: 3,
        ago: (300, 1_200),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Accepted,
        count: 3,
        ago: (1_200, 2_400),
        overdue: false,
    },
    Plant {
        status: CaseStatus::InProgress,
        count: 3,
        ago: (1_440, 3_600),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Handled,
        count: 3,
        ago: (2_880, 5_760),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Verified,
        count: 3,
        ago: (2_880, 5_760),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Returned,
        count: 3,
        ago: (4_320, 8_640),
        overdue: false,
    },
    Plant {
        status: CaseStatus::Reopened,
        count: 3,
        ago: (7_200, 14_400),
        overdue: false,
    },
    Plant {
        status: CaseStatus::InProgress,
        count: 4,
        ago: (14_400, 60_000),
        overdue: true,
    },
    Plant {
        status: CaseStatus::Accepted,
        count: 2,
        ago: (14_400, 60_000),
        overdue: true,
    },
];

/// Categories quick to handle, for the cases planted in an open state.
const QUICK: &[&str] = &["E0102", "E0506", "S0303", "E0201", "E0507", "E0104", "E0511"];
/// Categories handled by departments over days, for the overdue ones.
const SLOW: &[&str] = &["S0506", "E0110", "S0507", "C0108", "E0116", "S0103"];

// ---------------------------------------------------------------------------------------------
// The street, indexed for placing cases.

struct MicroGrid<'a> {
    code: &'a str,
    grid: &'a str,
    community: &'a str,
    name: &'a str,
    kind: MicroGridKind,
    boundary: &'a MultiPolygon<f64>,
    buildings: Vec<&'a BuildingRec>,
    companies: Vec<&'a str>,
    /// Residents of the micro-grid with a phone (indices into `StreetData::residents`).
    residents: Vec<usize>,
    road: Option<String>,
}

struct Street<'a> {
    d: &'a StreetData,
    mgs: Vec<MicroGrid<'a>>,
    weight: Vec<u32>,
    residential: Vec<usize>,
    shops: Vec<usize>,
    works: Vec<usize>,
    /// Grid code → full- and part-time grid workers (name, phone).
    staff: HashMap<&'a str, Vec<(&'a str, Option<&'a str>)>>,
    roads: Vec<String>,
    with_phone: Vec<usize>,
}

/// The road in an address or name: everything up to the first 路.
fn road_of(s: &str) -> Option<String> {
    s.find('路').map(|i| s[..i + '路'.len_utf8()].to_string())
}

impl<'a> Street<'a> {
    fn new(seed: u64, d: &'a StreetData) -> Self {
        let mut rng = Rng::stream(seed, "cases-street");
        let parent: HashMap<&str, &str> = d
            .areas
            .iter()
            .filter_map(|a| a.parent_code.as_deref().map(|p| (a.code.as_str(), p)))
            .collect();
        let unit_building: HashMap<&str, &str> = d.units.iter().map(|u| (u.code.as_str(), u.building_code.as_str())).collect();
        let household_unit: HashMap<&str, &str> = d.households.iter().map(|h| (h.code.as_str(), h.unit_code.as_str())).collect();
        let building_mg: HashMap<&str, &str> = d
            .buildings
            .iter()
            .filter_map(|b| b.micro_grid_code.as_deref().map(|m| (b.code.as_str(), m)))
            .collect();
        let mut residents: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut with_phone = Vec::new();
        for (i, r) in d.residents.iter().enumerate() {
            if r.phone.is_none() {
                continue;
            }
            with_phone.push(i);
            let mg = household_unit
                .get(r.household_code.as_str())
                .and_then(|u| unit_building.get(u))
                .and_then(|b| building_mg.get(b));
            if let Some(mg) = mg {
                residents.entry(mg).or_default().push(i);
            }
        }
        let mut mgs = Vec::new();
        for a in d.areas.iter().filter(|a| a.level == Level::MicroGrid) {
            let (Some(boundary), Some(grid)) = (a.boundary.as_ref(), parent.get(a.code.as_str())) else {
                continue;
            };
            let Some(community) = parent.get(grid) else { continue };
            let buildings: Vec<&BuildingRec> = d
                .buildings
                .iter()
                .filter(|b| b.micro_grid_code.as_deref() == Some(a.code.as_str()) && b.location.is_some())
                .collect();
            let road = buildings
                .iter()
                .find_map(|b| road_of(&b.address))
                .or_else(|| road_of(&a.name));
            mgs.push(MicroGrid {
                code: &a.code,
                grid,
                community,
                name: &a.name,
                kind: a.kind.unwrap_or(MicroGridKind::Residential),
                boundary,
                buildings,
                companies: d
                    .enterprises
                    .iter()
                    .filter(|e| e.micro_grid_code == a.code)
                    .map(|e| e.name.as_str())
                    .collect(),
                residents: residents.remove(a.code.as_str()).unwrap_or_default(),
                road,
            });
        }
        // Some places see more trouble than others: a few hot spots, and more where more live.
        let weight = mgs
            .iter()
            .map(|m| {
                let base = 60 + rng.below(80) as u32 + 25 * m.buildings.len() as u32;
                if rng.chance(0.1) { base * 3 } else { base }
            })
            .collect();
        let of = |kinds: &[MicroGridKind]| -> Vec<usize> { (0..mgs.len()).filter(|&i| kinds.contains(&mgs[i].kind)).collect() };
        let residential = of(&[MicroGridKind::Residential]);
        let shops = of(&[
            MicroGridKind::CommercialBuilding,
            MicroGridKind::BusinessDistrict,
            MicroGridKind::Block,
        ]);
        let works = of(&[MicroGridKind::IndustrialPark, MicroGridKind::CommercialBuilding]);
        let people: HashMap<&str, (&str, Option<&str>)> = d
            .people
            .iter()
            .map(|p| (p.code.as_str(), (p.name.as_str(), p.phone.as_deref())))
            .collect();
        let mut staff: HashMap<&str, Vec<(&str, Option<&str>)>> = HashMap::new();
        for p in d.posts.iter().filter(|p| {
            p.ends_on.is_none() && p.level == Level::Grid && matches!(p.role, Role::GridWorker | Role::PartTimeWorker)
        }) {
            if let Some(person) = people.get(p.person_code.as_str()) {
                staff.entry(p.unit_code.as_str()).or_default().push(*person);
            }
        }
        let mut roads: Vec<String> = mgs.iter().filter_map(|m| m.road.clone()).collect();
        roads.sort();
        roads.dedup();
        Street {
            d,
            mgs,
            weight,
            residential,
            shops,
            works,
            staff,
            roads,
            with_phone,
        }
    }

    fn pick_from(&self, rng: &mut Rng, among: &[usize]) -> usize {
        if among.is_empty() {
            return self.pick_any(rng);
        }
        let w: Vec<u32> = among.iter().map(|&i| self.weight[i]).collect();
        among[rng.weighted(&w)]
    }

    fn pick_any(&self, rng: &mut Rng) -> usize {
        rng.weighted(&self.weight)
    }

    fn micro_grid_for(&self, rng: &mut Rng, place: Place) -> usize {
        match place {
            Place::Home => self.pick_from(rng, &self.residential),
            Place::Shop if rng.chance(0.6) => self.pick_from(rng, &self.shops),
            Place::Works if rng.chance(0.6) => self.pick_from(rng, &self.works),
            Place::Shop | Place::Works => self.pick_from(rng, &self.residential),
            Place::Any => self.pick_any(rng),
        }
    }
}

/// A point inside a polygon: near `near` when given, else anywhere in it.
fn point_in(rng: &mut Rng, poly: &MultiPolygon<f64>, near: Option<Point<f64>>, spread: f64) -> Point<f64> {
    if let Some(c) = near {
        for _ in 0..20 {
            let p = Point::new(c.x() + rng.uniform(-spread, spread), c.y() + rng.uniform(-spread, spread));
            if poly.contains(&p) {
                return p;
            }
        }
        if poly.contains(&c) {
            return c;
        }
    }
    if let Some(r) = poly.bounding_rect() {
        for _ in 0..200 {
            let p = Point::new(rng.uniform(r.min().x, r.max().x), rng.uniform(r.min().y, r.max().y));
            if poly.contains(&p) {
                return p;
            }
        }
    }
    poly.interior_point().unwrap_or_else(|| Point::new(0.0, 0.0))
}

// ---------------------------------------------------------------------------------------------
// The calendar of the year.

const LOCAL: TimeDelta = TimeDelta::hours(8);

struct Day {
    date: chrono::NaiveDate,
    weekday: Weekday,
    month: u32,
    weight: u32,
}

impl Day {
    /// A local time of the day, as UTC.
    fn at(&self, h: u32, m: u32, s: u32) -> DateTime<Utc> {
        self.date
            .and_hms_opt(h.min(23), m.min(59), s.min(59))
            .expect("valid time")
            .and_utc()
            - LOCAL
    }

    fn channels(&self) -> &'static [(&'static str, u32)] {
        match self.weekday {
            Weekday::Sat => &[("resident", 36), ("field", 10), ("hotline", 26), ("open311", 8)],
            Weekday::Sun => &[("resident", 38), ("field", 4), ("hotline", 28), ("open311", 8)],
            _ => &[("resident", 33), ("field", 30), ("hotline", 25), ("open311", 7)],
        }
    }
}

/// The 366 local days that overlap the year before `now`, with how busy each is.
fn year_days(now: DateTime<Utc>) -> Vec<Day> {
    let today = (now + LOCAL).date_naive();
    (0..=365)
        .filter_map(|i| {
            let date = today.checked_sub_days(Days::new(i))?;
            let weekday = date.weekday();
            let month = date.month();
            let w = match weekday {
                Weekday::Sat => 0.75,
                Weekday::Sun => 0.65,
                _ => 1.0,
            } * match month {
                1 => 0.9,
                2 => 0.7,
                6 => 1.1,
                7 | 8 => 1.2,
                5 | 9 => 1.05,
                10 => 0.9,
                12 => 0.95,
                _ => 1.0,
            };
            Some(Day {
                date,
                weekday,
                month,
                weight: (w * 1000.0) as u32,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Generating one case.

struct Gen<'a> {
    street: &'a Street<'a>,
    cat: &'a Catalogue,
    cal: WorkCalendar,
    now: DateTime<Utc>,
    depts: Vec<&'a str>,
}

/// What the slots of a template are filled with, for one case.
struct Slots {
    residential: bool,
    estate: String,
    building: String,
    flat: String,
    number: Option<i64>,
    lane: Option<String>,
    road: String,
    address: String,
    shop: Option<String>,
}

impl Slots {
    fn fill(&self, key: char, rng: &mut Rng) -> String {
        let e = &self.estate;
        let r = &self.road;
        match key {
            'e' => e.clone(),
            'b' => self.building.clone(),
            'h' => self.flat.clone(),
            'r' => r.clone(),
            't' => rng.pick(tx::TIMES_ZH).to_string(),
            's' => self.shop.clone().unwrap_or_else(|| rng.pick(tx::SHOPS_ZH).to_string()),
            'p' => {
                let mut opts: Vec<String> = if self.residential {
                    let k = self.number.unwrap_or(1);
                    let mut v = vec![
                        format!("{e}{k}号楼楼下"),
                        format!("{e}{k}号楼门口"),
                        format!("{e}小区门口"),
                        format!("{e}{}门", rng.pick(&["东", "南", "西", "北"])),
                        format!("{e}垃圾厢房旁边"),
                        format!("{e}中心绿地"),
                        format!("{e}停车场"),
                        format!("{r}靠近{e}的路段"),
                    ];
                    if let Some(l) = &self.lane {
                        v.push(format!("{r}{l}弄弄口"));
                    }
                    v
                } else {
                    vec![
                        format!("{e}门口"),
                        format!("{}附近", self.address),
                        format!("{e}旁边"),
                        format!("{r}上"),
                    ]
                };
                opts.swap_remove(rng.index(opts.len()))
            }
            'P' => {
                let mut opts: Vec<String> = if self.residential {
                    let k = self.number.unwrap_or(1);
                    let mut v = vec![
                        format!("outside Building {k}"),
                        "near the main gate of our compound".to_string(),
                        format!("on {r}"),
                        format!("near the bus stop on {r}"),
                    ];
                    if let Some(l) = &self.lane {
                        v.push(format!("at Lane {l}, {r}"));
                    }
                    v
                } else {
                    vec![format!("outside {e}"), format!("on {r}"), format!("near {}", self.address)]
                };
                opts.swap_remove(rng.index(opts.len()))
            }
            'B' => match (self.residential, self.number) {
                (true, Some(k)) => match (rng.below(3), &self.lane) {
                    (0, Some(l)) => format!("Building {k}, Lane {l} {r}"),
                    (1, _) => format!("Building {k} of {e}"),
                    _ => format!("Building {k}"),
                },
                _ => e.clone(),
            },
            'E' => {
                if rng.chance(0.5) {
                    "our compound".to_string()
                } else {
                    e.clone()
                }
            }
            'S' => self.shop.clone().unwrap_or_else(|| rng.pick(tx::SHOPS_EN).to_string()),
            'T' => rng.pick(tx::TIMES_EN).to_string(),
            _ => String::new(),
        }
    }
}

/// Expands `[a|b]` alternatives and `{x}` slots.
fn expand(tpl: &str, rng: &mut Rng, slots: &Slots) -> String {
    let mut out = String::new();
    let mut chars = tpl.chars();
    while let Some(c) = chars.next() {
        match c {
            '[' => {
                let inner: String = chars.by_ref().take_while(|&c| c != ']').collect();
                let opts: Vec<&str> = inner.split('|').collect();
                let pick = opts[rng.index(opts.len())];
                out.push_str(&expand(pick, rng, slots));
            }
            '{' => {
                let key: String = chars.by_ref().take_while(|&c| c != '}').collect();
                if let Some(k) = key.chars().next() {
                    out.push_str(&slots.fill(k, rng));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Shares of descriptions that read like a sibling category, that are vague, and that mention
/// a second matter.
const SIBLING_SHARE: f64 = 0.06;
const VAGUE_SHARE: f64 = 0.05;
const ASIDE_TOPIC_SHARE: f64 = 0.04;

/// Extra sentences that residents add, whatever the problem.
const ASIDES: &[&str] = &[
    "家里有老人小孩，很担心。",
    "周边居民意见很大。",
    "之前打过物业电话没用。",
    "每天上下班都经过这里。",
];

impl Gen<'_> {
    fn topic(&self, rng: &mut Rng, channel: &str, month: u32) -> &'static Topic {
        let weights: Vec<u32> = TOPICS
            .iter()
            .map(|t| (f64::from(t.weight) * t.season.factor(month) * affinity(t.code, channel) * 100.0).round() as u32)
            .collect();
        &TOPICS[rng.weighted(&weights)]
    }

    /// Hour of day (local) a report comes in through `channel`.
    fn hour(&self, rng: &mut Rng, channel: &str, topic: &Topic) -> u32 {
        const RESIDENT: [u32; 24] = [
            2, 1, 1, 1, 1, 2, 4, 8, 12, 12, 11, 10, 9, 9, 10, 10, 10, 9, 9, 11, 12, 11, 8, 4,
        ];
        const HOTLINE: [u32; 24] = [1, 1, 1, 1, 1, 1, 2, 5, 11, 13, 12, 11, 9, 10, 11, 11, 10, 9, 8, 8, 7, 6, 4, 2];
        const FIELD: [u32; 24] = [0, 0, 0, 0, 0, 0, 0, 0, 6, 12, 12, 8, 2, 6, 12, 12, 10, 4, 0, 0, 0, 0, 0, 0];
        const NIGHT: [u32; 24] = [6, 3, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 8, 10, 12, 10];
        let table = match channel {
            "field" => &FIELD,
            _ if topic.night && rng.chance(0.55) => &NIGHT,
            "hotline" => &HOTLINE,
            _ => &RESIDENT,
        };
        rng.weighted(table) as u32
    }

    fn owner(&self, code: &str) -> String {
        self.cat
            .owner(code)
            .map(|d| d.code.clone())
            .unwrap_or_else(|| "street_office".into())
    }

    fn limits(&self, code: &str) -> StepLimits {
        self.cat.limits(code).expect("every leaf has limits")
    }

    /// Where, and the words for it.
    fn place(&self, rng: &mut Rng, mg: usize, home: bool) -> (Slots, Point<f64>) {
        let m = &self.street.mgs[mg];
        let road = m.road.clone().unwrap_or_else(|| {
            if self.street.roads.is_empty() {
                "主干路".to_string()
            } else {
                rng.pick(&self.street.roads).clone()
            }
        });
        let building = (!m.buildings.is_empty()).then(|| *rng.pick(&m.buildings));
        let residential = m.kind == MicroGridKind::Residential && building.is_some();
        let floor = rng.range(1, 6);
        let unit = rng.range(1, 2);
        let mut slots = Slots {
            residential,
            estate: m.name.to_string(),
            building: m.name.to_string(),
            flat: format!("{}{floor}楼", m.name),
            number: None,
            lane: None,
            road: road.clone(),
            address: format!("{}附近", m.name),
            shop: (!m.companies.is_empty() && rng.chance(0.8)).then(|| rng.pick(&m.companies).to_string()),
        };
        if let Some(b) = building {
            if residential {
                // "海棠苑3号楼" at "澄溪路120弄3号".
                let stem = b.name.trim_end_matches("号楼");
                let estate = stem.trim_end_matches(|c: char| c.is_ascii_digit());
                let k: i64 = stem[estate.len()..].parse().unwrap_or(1);
                slots.estate = estate.to_string();
                slots.number = Some(k);
                slots.building = format!("{estate}{k}号楼");
                slots.flat = format!("{estate}{k}号楼{floor}0{unit}室");
                let after_road = b.address.strip_prefix(road.as_str()).unwrap_or("");
                slots.lane = after_road
                    .split_once('弄')
                    .map(|(l, _)| l.to_string())
                    .filter(|l| !l.is_empty());
            } else {
                slots.estate = b.name.clone();
                slots.building = b.name.clone();
                slots.flat = format!("{}{floor}楼", b.name);
            }
            slots.address = if home {
                format!("{}{floor}0{unit}室", b.address)
            } else {
                match rng.below(3) {
                    0 => b.address.clone(),
                    1 => format!("{}附近", b.address),
                    _ => format!("{}门口", b.address),
                }
            };
        }
        let near = building.filter(|_| home || rng.chance(0.4)).and_then(|b| b.location);
        let spread = if home { 0.00012 } else { 0.0004 };
        let at = point_in(rng, m.boundary, near, spread);
        (slots, at)
    }

    /// What the reporter wrote. Reports are not all clear: some are vague, some read like a
    /// neighbouring category of the same group (the staff who filed them chose differently, as
    /// they do), some mention a second matter on the side.
    fn describe(&self, rng: &mut Rng, topic: &Topic, channel: &str, english: bool, slots: &Slots) -> String {
        let group = topic.code.get(..3).unwrap_or("");
        let roll = rng.f64();
        let topic = if roll < SIBLING_SHARE {
            let siblings: Vec<&Topic> = TOPICS
                .iter()
                .filter(|t| t.code.starts_with(group) && t.code != topic.code)
                .collect();
            if siblings.is_empty() { topic } else { *rng.pick(&siblings) }
        } else {
            topic
        };
        let vague = (SIBLING_SHARE..SIBLING_SHARE + VAGUE_SHARE).contains(&roll);
        if english {
            let tpl = if vague { *rng.pick(tx::VAGUE_EN) } else { *rng.pick(topic.en) };
            let core = expand(tpl, rng, slots);
            let open = *rng.pick(tx::EN_OPEN);
            let core = if open.is_empty() {
                core
            } else {
                let mut c = core.chars();
                c.next()
                    .map(|f| f.to_ascii_lowercase().to_string() + c.as_str())
                    .unwrap_or_default()
            };
            return format!("{open}{core}{}", rng.pick(tx::EN_CLOSE));
        }
        let tpl = if vague {
            *rng.pick(tx::vague_zh(group))
        } else {
            *rng.pick(topic.zh)
        };
        let mut core = expand(tpl, rng, slots);
        if channel != "field" && rng.chance(ASIDE_TOPIC_SHARE) {
            // Street matters are what people mention on the side.
            let street: Vec<&Topic> = TOPICS.iter().filter(|t| t.place == Place::Any).collect();
            let other = *rng.pick(&street);
            let tpl = *rng.pick(other.zh);
            let also = expand(tpl, rng, slots);
            core = format!("{core}。另外，{also}");
        }
        match channel {
            "field" => format!("{}{core}{}", rng.pick(tx::FIELD_OPEN), rng.pick(tx::FIELD_CLOSE)),
            "hotline" => format!("{}{core}{}", rng.pick(tx::HOTLINE_OPEN), rng.pick(tx::HOTLINE_CLOSE)),
            "import" => format!(
                "{}{}{core}{}",
                rng.pick(tx::IMPORT_OPEN),
                rng.pick(tx::HOTLINE_OPEN),
                rng.pick(tx::HOTLINE_CLOSE)
            ),
            _ => {
                let open = *rng.pick(tx::RESIDENT_OPEN);
                let close = *rng.pick(tx::RESIDENT_CLOSE);
                if rng.chance(0.2) {
                    let aside = rng.pick(ASIDES).trim_end_matches('。');
                    let close = if close.starts_with('，') { close } else { "。" };
                    format!("{open}{core}，{aside}{close}")
                } else {
                    format!("{open}{core}{close}")
                }
            }
        }
    }

    fn reporter(
        &self,
        rng: &mut Rng,
        phones: &mut HashSet<String>,
        channel: &str,
        english: bool,
        mg: usize,
    ) -> (Option<String>, Option<String>) {
        let m = &self.street.mgs[mg];
        if channel == "field" {
            return match self.street.staff.get(m.grid) {
                Some(s) if !s.is_empty() => {
                    let (name, phone) = *rng.pick(s);
                    (Some(name.to_string()), phone.map(str::to_string))
                }
                _ => (None, None),
            };
        }
        let anonymous = match channel {
            "resident" => 0.30,
            "open311" => 0.40,
            "hotline" => 0.20,
            _ => 0.30,
        };
        if rng.chance(anonymous) {
            return (None, None);
        }
        if english {
            let phone = rng.chance(0.6).then(|| names::phone(rng, phones));
            return (Some(rng.pick(tx::FOREIGN_NAMES).to_string()), phone);
        }
        let pool = if !m.residents.is_empty() && rng.chance(0.85) {
            &m.residents
        } else {
            &self.street.with_phone
        };
        if pool.is_empty() {
            let surname = names::surname(rng);
            let gender = if rng.chance(0.5) { "M" } else { "F" };
            let name = names::full_name(rng, surname, gender, 1975);
            return (Some(name), Some(names::phone(rng, phones)));
        }
        let r = &self.street.d.residents[*rng.pick(pool)];
        (Some(r.name.clone()), r.phone.clone())
    }

    /// A new case of `topic` received at `received`, lived through to `now`.
    fn case(
        &self,
        rng: &mut Rng,
        phones: &mut HashSet<String>,
        topic: &'static Topic,
        channel: &'static str,
        received: DateTime<Utc>,
        force: &Force,
    ) -> Draft {
        let mg = self.street.micro_grid_for(rng, topic.place);
        let english = match channel {
            "resident" => rng.chance(0.28),
            "open311" => rng.chance(0.6),
            "hotline" => rng.chance(0.02),
            _ => false,
        };
        let (slots, at) = self.place(rng, mg, topic.place == Place::Home);
        let description = self.describe(rng, topic, channel, english, &slots);
        let (reporter_name, reporter_phone) = self.reporter(rng, phones, channel, english, mg);
        let m = &self.street.mgs[mg];
        let ctx = Ctx {
            topic,
            owner: self.owner(topic.code),
            grid: m.grid.to_string(),
            community: m.community.to_string(),
            channel,
            can_rate: match channel {
                "resident" | "open311" => true,
                "hotline" | "import" => reporter_phone.is_some(),
                _ => false,
            },
            english,
        };
        let mut flow = Flow::new(rng, &self.cal, self.limits(topic.code), received, self.now, force.park);
        self.run(&mut flow, &ctx, force);
        flow.finish();
        Draft {
            case: DemoCase {
                number: 0,
                category: topic.code.to_string(),
                channel,
                description,
                address: slots.address,
                micro_grid_code: m.code.to_string(),
                lat: at.y(),
                lng: at.x(),
                reporter_name,
                reporter_phone,
                received_at: received,
                steps: flow.steps,
            },
            merge_into: None,
        }
    }

    /// A second report of what `target` reported, soon after and nearby, merged into it.
    fn duplicate(&self, rng: &mut Rng, phones: &mut HashSet<String>, target: &Draft, index: usize) -> Option<Draft> {
        let t = &target.case;
        if t.steps
            .iter()
            .any(|s| matches!(s.kind, ActionKind::Reject | ActionKind::Merge))
        {
            return None;
        }
        let closed = t
            .steps
            .iter()
            .find(|s| s.kind == ActionKind::Close)
            .map_or(self.now, |s| s.at);
        let end = closed
            .min(t.received_at + TimeDelta::days(2))
            .min(self.now - TimeDelta::hours(2));
        let room = (end - t.received_at).num_minutes();
        if room < 120 {
            return None;
        }
        let received = t.received_at + TimeDelta::minutes(rng.range(20, room / 2));
        let topic = TOPICS.iter().find(|x| x.code == t.category)?;
        let channel = *rng.pick(&["resident", "resident", "hotline", "open311"]);
        let mg = self.street.mgs.iter().position(|m| m.code == t.micro_grid_code)?;
        let english = channel != "hotline" && rng.chance(0.2);
        let (slots, _) = self.place(rng, mg, topic.place == Place::Home);
        let near = Point::new(t.lng, t.lat);
        let at = point_in(rng, self.street.mgs[mg].boundary, Some(near), 0.0003);
        let description = self.describe(rng, topic, channel, english, &slots);
        let (reporter_name, reporter_phone) = self.reporter(rng, phones, channel, english, mg);
        let mut flow = Flow::new(rng, &self.cal, self.limits(topic.code), received, self.now, None);
        let by = if channel == "hotline" {
            ActorTier::CommandCentre
        } else {
            ActorTier::Grid
        };
        if flow.rng.chance(0.5) {
            let at = flow.after(5, 60);
            let at = flow.staff(at);
            flow.push(DemoStep::new(at, by, ActionKind::Register));
        }
        let merge_at = flow.after(10, 240);
        let merge_at = flow.staff(merge_at);
        if merge_at >= end {
            return None;
        }
        if !flow.push(DemoStep::new(merge_at, by, ActionKind::Merge)) {
            return None;
        }
        flow.finish();
        Some(Draft {
            case: DemoCase {
                number: 0,
                category: t.category.clone(),
                channel,
                description,
                address: slots.address,
                micro_grid_code: t.micro_grid_code.clone(),
                lat: at.y(),
                lng: at.x(),
                reporter_name,
                reporter_phone,
                received_at: received,
                steps: flow.steps,
            },
            merge_into: Some(index),
        })
    }

    /// A case waiting in `plant.status` now, retried further back in time until it gets there.
    fn planted(&self, rng: &mut Rng, phones: &mut HashSet<String>, plant: &Plant) -> Option<Draft> {
        let codes = if plant.overdue { SLOW } else { QUICK };
        let code = *rng.pick(codes);
        let topic = TOPICS.iter().find(|t| t.code == code)?;
        let force = Force {
            park: Some(plant.status),
            no_reject: true,
            department: plant.overdue && rng.chance(0.7),
            grid: !plant.overdue,
            rework: plant.status == CaseStatus::Returned,
            reopen: plant.status == CaseStatus::Reopened,
            stall: plant.overdue,
        };
        // Reopening and rating need a reporter who can be reached.
        let channel = if force.reopen {
            "resident"
        } else {
            *rng.pick(&["resident", "field", "hotline", "open311"])
        };
        let ago = rng.range(plant.ago.0, plant.ago.1);
        for attempt in 0..10 {
            let mut trial = rng.clone();
            let received = self.now - TimeDelta::minutes(ago << attempt.min(6)) - TimeDelta::seconds(trial.range(0, 59));
            if received <= self.now - TimeDelta::days(365) {
                break;
            }
            let draft = self.case(&mut trial, phones, topic, channel, received, &force);
            let ok = draft.case.status() == plant.status && (!force.reopen || draft.case.reporter_name.is_some());
            if ok {
                *rng = trial;
                return Some(draft);
            }
            rng.next_u64();
        }
        None
    }
}

/// How likely a topic comes in through a channel: patrols find street problems, residents call
/// about their homes and neighbours.
fn affinity(code: &str, channel: &str) -> f64 {
    match channel {
        "field" => match code {
            "S0401" => 0.1,
            c if c.starts_with("S03") || c == "S0404" => 1.5,
            c if c.starts_with("S05") => 0.3,
            c if c.starts_with("S06") => 0.8,
            c if c.starts_with("S01") || c.starts_with("S02") => 0.4,
            c if c.starts_with('E') || c.starts_with('C') => 1.6,
            _ => 1.0,
        },
        "hotline" | "import" => match code.as_bytes().first() {
            Some(b'S') => 1.3,
            Some(b'C') => 0.7,
            _ => 1.0,
        },
        _ => 1.0,
    }
}

/// What the flow of a case needs to know about it.
struct Ctx {
    topic: &'static Topic,
    owner: String,
    grid: String,
    community: String,
    channel: &'static str,
    /// The reporter can be reached for the return visit (回访): rate and reopen.
    can_rate: bool,
    english: bool,
}

// ---------------------------------------------------------------------------------------------
// The life of a case.

/// The steps of one case as they happen, with the little state the rules need: status, the
/// coordinating level, the assignee's tier, the running step clock and how far it has been
/// supervised. Steps at or after `horizon` (now) do not happen; with `park`, the case stays in
/// that status once it gets there.
struct Flow<'r> {
    rng: &'r mut Rng,
    cal: &'r WorkCalendar,
    limits: StepLimits,
    /// Handled at any hour (emergencies).
    urgent: bool,
    /// Registered and dispatched at any hour: the command centre's duty desk (值班) meets
    /// dispatch limits of an hour or two day and night.
    duty: bool,
    horizon: DateTime<Utc>,
    park: Option<CaseStatus>,
    stopped: bool,
    steps: Vec<DemoStep>,
    t: DateTime<Utc>,
    status: CaseStatus,
    level: Tier,
    assignee: Option<Tier>,
    clock: Option<(DateTime<Utc>, Limit)>,
    supervised: u8,
    late: bool,
    reworks: u32,
    reopens: u32,
}

impl<'r> Flow<'r> {
    fn new(
        rng: &'r mut Rng,
        cal: &'r WorkCalendar,
        limits: StepLimits,
        received: DateTime<Utc>,
        horizon: DateTime<Utc>,
        park: Option<CaseStatus>,
    ) -> Self {
        let h = limits.handle;
        // Emergencies are handled at any hour; everything else in the daytime.
        let urgent = h.clock == Clock::Calendar && h.secs(cal) <= 6 * 3600;
        let d = limits.dispatch;
        let duty = d.clock == Clock::Calendar && d.secs(cal) <= 2 * 3600;
        Flow {
            rng,
            cal,
            limits,
            urgent,
            duty,
            horizon,
            park,
            stopped: false,
            steps: Vec::new(),
            t: received,
            status: CaseStatus::Received,
            level: Tier::Grid,
            assignee: None,
            // Intake starts the dispatch clock (C5: dispatch counts from receipt).
            clock: Some((received, limits.dispatch)),
            supervised: 0,
            late: false,
            reworks: 0,
            reopens: 0,
        }
    }

    fn minutes(&mut self, lo: i64, hi: i64) -> TimeDelta {
        TimeDelta::seconds(self.rng.range(lo * 60, hi * 60))
    }

    /// Some minutes after the last step.
    fn after(&mut self, lo: i64, hi: i64) -> DateTime<Utc> {
        self.t + self.minutes(lo, hi)
    }

    /// Staff act in the daytime, 08:00–20:00, unless the matter is urgent.
    fn staff(&mut self, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.urgent {
            return t;
        }
        self.daytime(t, 8, 20)
    }

    /// The coordinating tier's actions in the dispatch step.
    fn desk(&mut self, t: DateTime<Utc>) -> DateTime<Utc> {
        if self.duty { t } else { self.staff(t) }
    }

    /// Residents rate and reopen between 07:00 and 23:00.
    fn reporter(&mut self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.daytime(t, 7, 23)
    }

    fn daytime(&mut self, t: DateTime<Utc>, from: u32, to: u32) -> DateTime<Utc> {
        let local = t + LOCAL;
        let h = local.hour();
        if (from..to).contains(&h) {
            return t;
        }
        let mut date = local.date_naive();
        if h >= to {
            date = date.succ_opt().unwrap_or(date);
        }
        let start = date.and_hms_opt(from, 0, 0).expect("valid time").and_utc() - LOCAL;
        start + self.minutes(0, 90)
    }

    fn handler_tier(&self) -> Option<Tier> {
        use CaseStatus::*;
        match self.status {
            Received | Registered | Reopened => Some(self.level),
            Dispatched | Accepted | InProgress | Returned => self.assignee,
            Handled | Verified | Closed | Rejected | Merged => None,
        }
    }

    /// What the deadline worker does before `until`: one tier further up told each time the
    /// running step's limit passes again (C5).
    fn supervise_until(&mut self, until: DateTime<Utc>) {
        let (Some((start, limit)), Some(holder)) = (self.clock, self.handler_tier()) else {
            return;
        };
        let most = holder.supervisors().len() as u8;
        while self.supervised < most {
            let level = self.supervised + 1;
            let times = Limit {
                amount: limit.amount * u32::from(level),
                ..limit
            };
            let at = due_at(start, &times, self.cal).max(self.t + TimeDelta::minutes(1));
            if at >= until || at >= self.horizon {
                return;
            }
            let mut s = DemoStep::new(at, ActorTier::System, ActionKind::Supervise);
            s.escalation_level = Some(level);
            self.steps.push(s);
            self.supervised = level;
            self.t = at;
            if self.status != CaseStatus::Received && Step::for_status(self.status) == Some(Step::Handle) {
                self.late = true;
            }
        }
    }

    /// Records a step if it happens before now (and the case is not parked); `false` if not.
    fn push(&mut self, mut s: DemoStep) -> bool {
        if self.stopped {
            return false;
        }
        let to = next_status(self.status, s.kind).unwrap_or_else(|| panic!("demo case flow: {} from {}", s.kind, self.status));
        self.supervise_until(s.at.min(self.horizon));
        s.at = s.at.max(self.t + TimeDelta::seconds(30));
        if s.at >= self.horizon || (self.park == Some(self.status) && to != self.status) {
            self.stopped = true;
            return false;
        }
        let from = self.status;
        match s.kind {
            ActionKind::Dispatch | ActionKind::Reassign => self.assignee = s.to.as_ref().map(DemoAssignee::tier),
            ActionKind::SendBack => self.assignee = None,
            ActionKind::Escalate => {
                self.assignee = None;
                if let Some(next) = s.by.tier().and_then(Tier::escalation_target).filter(|t| t.can_hold()) {
                    self.level = next;
                }
            }
            ActionKind::Reopen => {
                self.assignee = None;
                self.reopens += 1;
            }
            ActionKind::ReturnForRework => self.reworks += 1,
            _ => {}
        }
        self.status = to;
        match Step::for_status(to) {
            None => self.clock = None,
            Some(step) => {
                let new_handler = matches!(s.kind, ActionKind::Dispatch | ActionKind::Reassign | ActionKind::Escalate);
                if Step::for_status(from) != Some(step) || new_handler {
                    self.clock = Some((s.at, self.limits.for_step(step)));
                    self.supervised = 0;
                }
            }
        }
        self.t = s.at;
        self.steps.push(s);
        true
    }

    /// Whatever the deadline worker has done by now to a case still waiting.
    fn finish(&mut self) {
        let until = self.horizon;
        self.supervise_until(until);
    }
}

/// Who handles a dispatched case.
#[derive(Debug, Clone)]
enum Handler {
    Grid,
    Community,
    CommandCentre,
    Department(String),
    Joint { lead: String, co: Vec<String> },
}

impl Handler {
    fn actor(&self) -> ActorTier {
        match self {
            Handler::Grid => ActorTier::Grid,
            Handler::Community => ActorTier::Community,
            Handler::CommandCentre => ActorTier::CommandCentre,
            Handler::Department(_) | Handler::Joint { .. } => ActorTier::Department,
        }
    }

    fn assignee(&self, c: &Ctx) -> DemoAssignee {
        match self {
            Handler::Grid => DemoAssignee::Grid(c.grid.clone()),
            Handler::Community => DemoAssignee::Community(c.community.clone()),
            Handler::CommandCentre => DemoAssignee::CommandCentre,
            Handler::Department(d) => DemoAssignee::Department(d.clone()),
            Handler::Joint { lead, co } => DemoAssignee::Joint {
                lead: lead.clone(),
                co: co.clone(),
            },
        }
    }
}

impl Gen<'_> {
    fn run(&self, f: &mut Flow, c: &Ctx, force: &Force) {
        use ActionKind as K;
        use ActorTier as A;
        // Grid staff check reports from their grid; calls, imports and urgent reports at night go
        // to the command centre's desk.
        let night = !(8..20).contains(&(f.t + LOCAL).hour());
        let registrar = match c.channel {
            "hotline" | "import" => A::CommandCentre,
            "resident" | "open311" if f.duty && night => A::CommandCentre,
            _ => A::Grid,
        };
        if !force.no_reject && c.channel != "field" && f.rng.chance(0.025) {
            let at = f.after(10, 240);
            let at = f.staff(at);
            let reason = *f.rng.pick(tx::REJECT);
            f.push(DemoStep::new(at, A::CommandCentre, K::Reject).reason(reason));
            if c.can_rate && f.rng.chance(0.15) {
                let at = f.after(240, 4_320);
                let at = f.reporter(at);
                let reason = *f.rng.pick(tx::REOPEN_REJECTED);
                f.push(DemoStep::new(at, A::Reporter, K::Reopen).reason(reason));
                self.department(f, c, force);
            }
            return;
        }
        // 核实 and 立案: minutes for staff reports and calls, longer for web reports and imports,
        // but mostly well inside the dispatch limit, which runs from receipt.
        let room = (due_at(f.t, &f.limits.dispatch, f.cal) - f.t).max(TimeDelta::minutes(20));
        let (lo, hi) = match c.channel {
            "field" => (1, 15),
            "hotline" => (3, 40),
            "import" => (20, 600),
            _ => (10, 240),
        };
        let wait = f
            .minutes(lo, hi)
            .min(secs(room, f.rng.uniform(0.05, 0.35)).max(TimeDelta::minutes(lo)));
        let at = f.t + wait;
        let at = if matches!(c.channel, "field" | "hotline") {
            at
        } else {
            f.desk(at)
        };
        f.push(DemoStep::new(at, registrar, K::Register));
        if !force.no_reject && f.rng.chance(0.012) {
            let at = f.after(60, 1_440);
            let at = f.staff(at);
            let reason = *f.rng.pick(tx::REJECT);
            f.push(DemoStep::new(at, A::Community, K::Reject).reason(reason));
            return;
        }
        let to_grid = force.grid || (!force.department && f.rng.chance(f64::from(c.topic.grid) / 100.0));
        if !to_grid {
            self.department(f, c, force);
        } else if !force.any() && f.rng.chance(0.07) {
            let at = self.dispatch_time(f);
            let reason = *f.rng.pick(tx::ESCALATE_GRID);
            f.push(DemoStep::new(at, A::Grid, K::Escalate).reason(reason));
            self.community(f, c, force);
        } else {
            let at = self.dispatch_time(f);
            f.push(DemoStep::new(at, registrar, K::Dispatch).to(Handler::Grid.assignee(c)));
            self.handle(f, c, force, Handler::Grid);
        }
    }

    /// Held at the community: handle it there, or hand it up to the command centre.
    fn community(&self, f: &mut Flow, c: &Ctx, force: &Force) {
        if f.rng.chance(0.45) {
            let at = self.dispatch_time(f);
            let reason = *f.rng.pick(tx::ESCALATE_COMMUNITY);
            f.push(DemoStep::new(at, ActorTier::Community, ActionKind::Escalate).reason(reason));
            self.department(f, c, force);
        } else {
            let at = self.dispatch_time(f);
            f.push(DemoStep::new(at, ActorTier::Community, ActionKind::Dispatch).to(Handler::Community.assignee(c)));
            self.handle(f, c, force, Handler::Community);
        }
    }

    /// The command centre dispatches: to the owning department, jointly, or (consultations) to
    /// itself; sometimes first to the wrong department.
    fn department(&self, f: &mut Flow, c: &Ctx, force: &Force) {
        use ActionKind as K;
        use ActorTier as A;
        let at = self.dispatch_time(f);
        if matches!(c.topic.code, "S0509" | "S0510") && f.rng.chance(0.5) {
            f.push(DemoStep::new(at, A::CommandCentre, K::Dispatch).to(DemoAssignee::CommandCentre));
            self.handle(f, c, force, Handler::CommandCentre);
            return;
        }
        let handler = if !c.topic.co.is_empty() && f.rng.chance(0.35) {
            let mut co: Vec<String> = c.topic.co.iter().map(|d| d.to_string()).collect();
            f.rng.shuffle(&mut co);
            co.truncate(if co.len() > 1 && f.rng.chance(0.45) { 2 } else { 1 });
            Handler::Joint {
                lead: c.owner.clone(),
                co,
            }
        } else {
            Handler::Department(c.owner.clone())
        };
        if !force.any() && f.rng.chance(0.04) {
            // 错误派遣: first to a department it is not theirs, then put right.
            let wrong = loop {
                let d = *f.rng.pick(&self.depts);
                if d != c.owner {
                    break d.to_string();
                }
            };
            f.push(DemoStep::new(at, A::CommandCentre, K::Dispatch).to(DemoAssignee::Department(wrong)));
            if f.rng.chance(0.35) {
                let at = f.after(30, 360);
                let at = f.staff(at);
                f.push(DemoStep::new(at, A::CommandCentre, K::Reassign).to(handler.assignee(c)));
            } else {
                let at = f.after(60, 1_440);
                let at = f.staff(at);
                let owner = self.cat.department(&c.owner).map_or("相关部门", |d| d.zh.as_str());
                let reason = f.rng.pick(tx::SEND_BACK).replace("{dept}", owner);
                f.push(DemoStep::new(at, A::Department, K::SendBack).reason(reason));
                let at = self.dispatch_time(f);
                f.push(DemoStep::new(at, A::CommandCentre, K::Dispatch).to(handler.assignee(c)));
            }
        } else {
            f.push(DemoStep::new(at, A::CommandCentre, K::Dispatch).to(handler.assignee(c)));
        }
        self.handle(f, c, force, handler);
    }

    /// When the coordinating tier acts in the dispatch step (dispatch, or hand the case up):
    /// mostly well within the dispatch limit, now and then late.
    fn dispatch_time(&self, f: &mut Flow) -> DateTime<Utc> {
        let (start, limit) = f.clock.unwrap_or((f.t, f.limits.dispatch));
        let due = due_at(start, &limit, f.cal);
        let at = if f.rng.chance(0.04) {
            let over = f.rng.uniform(0.1, 1.0);
            due + secs(due - start, over)
        } else if due > f.t + TimeDelta::minutes(10) {
            let share = f.rng.uniform(0.1, 0.8);
            f.t + secs(due - f.t, share)
        } else {
            f.after(3, 30)
        };
        let at = at.max(f.t + TimeDelta::minutes(3));
        f.desk(at)
    }

    /// Accept, start, (sub-tasks,) handle, check; again after a failed check.
    fn handle(&self, f: &mut Flow, c: &Ctx, force: &Force, h: Handler) {
        use ActionKind as K;
        use ActorTier as A;
        let actor = h.actor();
        let mut rounds = 0;
        loop {
            let start = f.t;
            let due = due_at(start, &f.limits.handle, f.cal);
            let span = (due - start).max(TimeDelta::minutes(30));
            let p_late = match (&h, span > TimeDelta::days(6)) {
                (Handler::Department(_) | Handler::Joint { .. }, true) => 0.16,
                (Handler::Department(_) | Handler::Joint { .. }, false) => 0.11,
                (_, true) => 0.12,
                _ => 0.07,
            };
            // When the handler will report back; signing for it and starting come before.
            let mut done = if force.stall {
                self.now + TimeDelta::days(60)
            } else if f.rng.chance(p_late) {
                let over = f.rng.uniform(0.1, 1.5);
                due + secs(span, over) + TimeDelta::minutes(30)
            } else {
                let share = f.rng.uniform(0.2, 0.92);
                start + secs(span, share)
            };
            done = f.staff(done).max(start + TimeDelta::minutes(20));
            let ahead = done - start;
            let wait = f.minutes(5, 240).min(secs(ahead, 0.3));
            let at = f.staff(start + wait);
            f.push(DemoStep::new(at, actor, K::Accept));
            if matches!(h, Handler::Grid) && rounds == 0 && !force.any() && f.rng.chance(0.03) {
                // Tried on site, could not solve it: up to the community.
                let at = f.after(10, 600);
                let at = f.staff(at);
                f.push(DemoStep::new(at, actor, K::Start));
                let at = f.after(60, 2_880);
                let at = f.staff(at);
                let reason = *f.rng.pick(tx::ESCALATE_GRID);
                f.push(DemoStep::new(at, A::Grid, K::Escalate).reason(reason));
                self.community(f, c, force);
                return;
            }
            let ahead = (done - f.t).max(TimeDelta::minutes(10));
            let wait = f.minutes(10, 1_440).min(secs(ahead, 0.4));
            let at = f.t + wait;
            let at = f.staff(at);
            f.push(DemoStep::new(at, actor, K::Start));
            if let Handler::Joint { lead, co } = &h {
                if rounds == 0 {
                    for d in co {
                        let left = (done - f.t).max(TimeDelta::minutes(30));
                        let share = f.rng.uniform(0.1, 0.7);
                        let at = f.t + secs(left, share);
                        let at = f.staff(at);
                        if f.rng.chance(0.12) {
                            let reason = *f.rng.pick(tx::WAIVE);
                            f.push(
                                DemoStep::new(at, A::CommandCentre, K::WaiveSubtask)
                                    .department(d)
                                    .reason(reason),
                            );
                        } else {
                            let note = *f.rng.pick(tx::SUBTASK_DONE);
                            f.push(DemoStep::new(at, A::Department, K::CompleteSubtask).department(d).note(note));
                        }
                    }
                }
                let at = (done - f.minutes(5, 60)).max(f.t + TimeDelta::minutes(5));
                let at = f.staff(at);
                let note = *f.rng.pick(tx::SUBTASK_DONE);
                f.push(
                    DemoStep::new(at, A::Department, K::CompleteSubtask)
                        .department(lead)
                        .note(note),
                );
            }
            done = done.max(f.t + TimeDelta::minutes(10));
            let at = f.staff(done);
            if at > due {
                f.late = true;
            }
            let note = *f.rng.pick(tx::handle_notes(c.topic.code));
            f.push(DemoStep::new(at, actor, K::Handle).note(note));

            // 核查 by someone other than the handler.
            let checker = match actor {
                A::Grid if f.rng.chance(0.8) => A::Community,
                A::Grid => A::CommandCentre,
                A::Community => A::Grid,
                A::CommandCentre => A::Community,
                _ if f.rng.chance(0.7) => A::Grid,
                _ => A::CommandCentre,
            };
            let at = f.after(30, 1_440);
            let at = f.staff(at);
            let rework = rounds < 2 && ((force.rework && rounds == 0) || f.rng.chance(if rounds == 0 { 0.06 } else { 0.02 }));
            if rework {
                let reason = *f.rng.pick(tx::REWORK);
                f.push(DemoStep::new(at, checker, K::ReturnForRework).reason(reason));
                rounds += 1;
                continue;
            }
            let note = *f.rng.pick(tx::VERIFY);
            f.push(DemoStep::new(at, checker, K::Verify).note(note));
            break;
        }
        self.close(f, c, force, &h);
    }

    /// 结案, the reporter's rating, and sometimes reopening.
    fn close(&self, f: &mut Flow, c: &Ctx, force: &Force, h: &Handler) {
        use ActionKind as K;
        use ActorTier as A;
        let closer = if f.level == Tier::Grid && matches!(h, Handler::Grid) || f.level == Tier::Community {
            A::Community
        } else {
            A::CommandCentre
        };
        let at = f.after(10, 360);
        let at = f.staff(at);
        f.push(DemoStep::new(at, closer, K::Close));
        let mut rating = None;
        if c.can_rate && f.rng.chance(0.85) {
            let weights: &[u32] = match (f.late, f.reworks > 0, f.reopens > 0) {
                (_, _, true) => &[4, 6, 15, 35, 40],
                (true, _, _) => &[6, 8, 14, 30, 42],
                (_, true, _) => &[5, 7, 15, 30, 43],
                _ => &[3, 3, 7, 25, 62],
            };
            let r = f.rng.weighted(weights) as u8 + 1;
            let note = if r >= 4 {
                *f.rng.pick(tx::RATE_GOOD)
            } else {
                *f.rng.pick(tx::RATE_BAD)
            };
            let at = f.after(60, 4_320);
            let at = f.reporter(at);
            let mut s = DemoStep::new(at, A::Reporter, K::Rate).note(note);
            s.rating = Some(r);
            if f.push(s) {
                rating = Some(r);
            }
        }
        let unhappy = rating.is_some_and(|r| r <= 2);
        if f.reopens == 0 && c.can_rate && (force.reopen || f.rng.chance(0.02) || (unhappy && f.rng.chance(0.35))) {
            let at = f.after(120, 7_200);
            let at = f.reporter(at);
            let reason = if c.english {
                *f.rng.pick(tx::REOPEN_EN)
            } else {
                *f.rng.pick(tx::REOPEN_ZH)
            };
            f.push(DemoStep::new(at, A::Reporter, K::Reopen).reason(reason));
            let again = Force {
                rework: false,
                reopen: false,
                ..force.clone()
            };
            match (h, f.level) {
                (Handler::Grid, Tier::Grid) => {
                    let at = f.after(10, 240);
                    let at = f.staff(at);
                    f.push(DemoStep::new(at, A::Grid, K::Dispatch).to(Handler::Grid.assignee(c)));
                    self.handle(f, c, &again, Handler::Grid);
                }
                (Handler::Community, Tier::Community) => {
                    let at = f.after(10, 240);
                    let at = f.staff(at);
                    f.push(DemoStep::new(at, A::Community, K::Dispatch).to(Handler::Community.assignee(c)));
                    self.handle(f, c, &again, Handler::Community);
                }
                _ => self.department(f, c, &again),
            }
        }
    }
}

fn secs(d: TimeDelta, share: f64) -> TimeDelta {
    TimeDelta::seconds((d.num_seconds() as f64 * share) as i64)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};
    use std::sync::OnceLock;

    use chrono::TimeZone;
    use onegrid_domain::case::{
        Action, Assignee, Assignment, CaseState, JointHandling, Suggester, held_out_accuracy, transition,
    };

    use super::*;
    use crate::{DEFAULT_SEED, generate};

    fn street() -> &'static StreetData {
        static DEMO: OnceLock<StreetData> = OnceLock::new();
        DEMO.get_or_init(|| generate(DEFAULT_SEED).data)
    }

    /// A Saturday morning in Shanghai.
    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 21, 2, 30, 0).unwrap()
    }

    fn demo_cases() -> &'static [DemoCase] {
        static CASES: OnceLock<Vec<DemoCase>> = OnceLock::new();
        CASES.get_or_init(|| {
            let t = std::time::Instant::now();
            let c = cases(DEFAULT_SEED, street(), now());
            eprintln!("cases() took {:?}", t.elapsed());
            c
        })
    }

    /// Fake unit ids for codes, as a store would assign them.
    #[derive(Default)]
    struct Ids(HashMap<String, i64>);

    impl Ids {
        fn of(&mut self, code: &str) -> i64 {
            let next = self.0.len() as i64 + 1;
            *self.0.entry(code.to_string()).or_insert(next)
        }

        fn assignment(&mut self, a: &DemoAssignee) -> Assignment {
            let single = |tier, unit| Assignment::Single(Assignee { tier, unit });
            match a {
                DemoAssignee::Grid(g) => single(Tier::Grid, self.of(g)),
                DemoAssignee::Community(c) => single(Tier::Community, self.of(c)),
                DemoAssignee::CommandCentre => single(Tier::CommandCentre, self.of(STREET)),
                DemoAssignee::Department(d) => single(Tier::Department, self.of(d)),
                DemoAssignee::Joint { lead, co } => {
                    let co: Vec<i64> = co.iter().map(|d| self.of(d)).collect();
                    Assignment::Joint(JointHandling::new(self.of(lead), &co))
                }
            }
        }

        fn action(&mut self, s: &DemoStep) -> Action {
            Action {
                kind: s.kind,
                reason: s.reason.clone(),
                note: s.note.clone(),
                attachments: Vec::new(),
                assignment: s.to.as_ref().map(|a| self.assignment(a)),
                merge_into: s.merge_into.map(i64::from),
                rating: s.rating,
                department: s.department.as_deref().map(|d| self.of(d)),
                escalation_level: s.escalation_level,
            }
        }
    }

    const STREET: &str = "street";

    /// Replays a case through the domain's state machine, step by step.
    fn replay(case: &DemoCase, ids: &mut Ids) -> Result<CaseState, String> {
        let mut state = CaseState::new();
        for (i, s) in case.steps.iter().enumerate() {
            let action = ids.action(s);
            let ev = transition(&state, &action, &s.by, s.at)
                .map_err(|e| format!("case {} step {i} ({} by {}): {e}", case.number, s.kind, s.by))?;
            state = state.apply(&ev);
        }
        Ok(state)
    }

    #[test]
    fn d4_case_topics_match_the_leaf_categories() {
        let cat = Catalogue::builtin();
        let leaves: BTreeSet<&str> = cat.leaves().map(|c| c.code.as_str()).collect();
        let topics: BTreeSet<&str> = TOPICS.iter().map(|t| t.code).collect();
        assert_eq!(topics.len(), TOPICS.len(), "a topic is listed twice");
        assert_eq!(topics, leaves);
        for t in TOPICS {
            let owner = cat.owner(t.code).unwrap().code.as_str();
            for d in t.co {
                assert!(cat.department(d).is_some(), "{}: unknown co-handler {d}", t.code);
                assert_ne!(*d, owner, "{}: the lead is not also a co-handler", t.code);
            }
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{}", t.code);
            assert!(t.grid <= 100);
        }
    }

    #[test]
    fn d4_every_case_replays_through_the_state_machine() {
        let all = demo_cases();
        let mut ids = Ids::default();
        let mut finals: BTreeMap<CaseStatus, usize> = BTreeMap::new();
        let mut failures = Vec::new();
        for c in all {
            match replay(c, &mut ids) {
                Ok(state) => {
                    assert_eq!(state.status, c.status(), "case {}", c.number);
                    *finals.entry(state.status).or_default() += 1;
                }
                Err(e) => failures.push(e),
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases do not replay: {:#?}",
            failures.len(),
            all.len(),
            &failures[..failures.len().min(10)]
        );
        eprintln!("final statuses: {finals:?}");
        for s in CaseStatus::ALL {
            assert!(finals.get(&s).copied().unwrap_or(0) > 0, "no case ends {s}: {finals:?}");
        }
        let closed = finals[&CaseStatus::Closed] as f64 / all.len() as f64;
        assert!(closed > 0.8, "most cases are closed: {closed}");
    }

    #[test]
    fn d4_cases_cover_every_open_state_whenever_now_is() {
        // A Sunday night and a weekday afternoon, with another seed.
        for (seed, now) in [
            (7, Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap()),
            (DEFAULT_SEED, Utc.with_ymd_and_hms(2027, 6, 16, 7, 0, 0).unwrap()),
        ] {
            let all = cases(seed, street(), now);
            let mut ids = Ids::default();
            let mut seen = BTreeSet::new();
            for c in &all {
                let state = replay(c, &mut ids).unwrap();
                seen.insert(state.status);
                assert!(c.steps.iter().all(|s| s.at < now) && c.received_at < now);
            }
            assert_eq!(seen.len(), CaseStatus::ALL.len(), "seed {seed}, now {now}: {seen:?}");
        }
    }

    #[test]
    fn d4_same_seed_and_now_same_cases() {
        let a = demo_cases();
        let b = cases(DEFAULT_SEED, street(), now());
        assert_eq!(a, &b[..]);
        let c = cases(DEFAULT_SEED + 1, street(), now());
        assert_ne!(a, &c[..]);
        let later = cases(DEFAULT_SEED, street(), now() + TimeDelta::days(1));
        assert_ne!(a, &later[..]);
    }

    #[test]
    fn d4_cases_lie_inside_their_micro_grid() {
        let d = street();
        let areas: HashMap<&str, &onegrid_domain::territory::AreaRec> = d.areas.iter().map(|a| (a.code.as_str(), a)).collect();
        let mut used = HashSet::new();
        for c in demo_cases() {
            let mg = areas
                .get(c.micro_grid_code.as_str())
                .unwrap_or_else(|| panic!("case {}: unknown micro-grid", c.number));
            assert_eq!(mg.level, Level::MicroGrid);
            let boundary = mg.boundary.as_ref().unwrap();
            assert!(
                boundary.contains(&Point::new(c.lng, c.lat)),
                "case {} at {},{} is outside {}",
                c.number,
                c.lat,
                c.lng,
                mg.code
            );
            assert!(!c.address.is_empty());
            used.insert(c.micro_grid_code.as_str());
        }
        let micro_grids = d.areas.iter().filter(|a| a.level == Level::MicroGrid).count();
        assert!(
            used.len() * 10 > micro_grids * 9,
            "cases spread over the street: {} of {micro_grids}",
            used.len()
        );
    }

    #[test]
    fn d4_cases_are_a_believable_year() {
        let all = demo_cases();
        let now = now();
        let n = all.len();
        assert!((4_700..5_600).contains(&n), "{n} cases");
        let cat = Catalogue::builtin();
        let leaves: HashSet<&str> = cat.leaves().map(|c| c.code.as_str()).collect();
        let cal = WorkCalendar::default();
        let numbers: Vec<u32> = all.iter().map(|c| c.number).collect();
        assert_eq!(numbers, (1..=n as u32).collect::<Vec<_>>());
        assert!(
            all.windows(2).all(|w| w[0].received_at <= w[1].received_at),
            "numbered in the order received"
        );

        let mut per_category: HashMap<&str, usize> = HashMap::new();
        let mut per_channel: HashMap<&str, usize> = HashMap::new();
        let (mut anonymous, mut english, mut weekday, mut daytime) = (0, 0, 0, 0);
        let (mut escalated_twice, mut joint, mut subtasks, mut reworked, mut reopened, mut rejected, mut merged) =
            (0, 0, 0, 0, 0, 0, 0);
        let (mut supervised, mut sent_back, mut rated, mut low, mut handled, mut on_time) = (0, 0, 0, 0, 0, 0);
        let mut overdue_open = 0;
        let mut register_minutes = Vec::new();
        for c in all {
            assert!(
                leaves.contains(c.category.as_str()),
                "case {}: {} is not a leaf",
                c.number,
                c.category
            );
            assert!(CASE_CHANNELS.contains(&c.channel));
            assert!(c.received_at > now - TimeDelta::days(365) && c.received_at < now);
            assert!(
                c.steps.iter().all(|s| s.at > c.received_at && s.at < now),
                "case {}",
                c.number
            );
            assert!(
                c.steps.windows(2).all(|w| w[0].at <= w[1].at),
                "case {}: steps in time order",
                c.number
            );
            assert!(c.description.chars().count() >= 8, "case {}: {}", c.number, c.description);
            assert!(
                c.reporter_name.is_some() || c.reporter_phone.is_none(),
                "case {}: a phone without a name",
                c.number
            );
            *per_category.entry(c.category.as_str()).or_default() += 1;
            *per_channel.entry(c.channel).or_default() += 1;
            anonymous += usize::from(c.reporter_name.is_none() && c.reporter_phone.is_none());
            let latin = c.description.chars().filter(char::is_ascii_alphabetic).count();
            let cjk = c
                .description
                .chars()
                .filter(|ch| ('\u{4e00}'..='\u{9fff}').contains(ch))
                .count();
            english += usize::from(latin > 2 * cjk);
            let local = c.received_at + LOCAL;
            weekday += usize::from(local.weekday().number_from_monday() <= 5);
            daytime += usize::from((8..20).contains(&local.hour()));
            let kinds: Vec<ActionKind> = c.steps.iter().map(|s| s.kind).collect();
            let count = |k: ActionKind| kinds.iter().filter(|x| **x == k).count();
            escalated_twice += usize::from(count(ActionKind::Escalate) >= 2);
            joint += usize::from(c.steps.iter().any(|s| matches!(s.to, Some(DemoAssignee::Joint { .. }))));
            subtasks += count(ActionKind::CompleteSubtask);
            reworked += usize::from(count(ActionKind::ReturnForRework) > 0);
            reopened += usize::from(count(ActionKind::Reopen) > 0);
            rejected += usize::from(count(ActionKind::Reject) > 0);
            merged += usize::from(count(ActionKind::Merge) > 0);
            supervised += usize::from(count(ActionKind::Supervise) > 0);
            sent_back += usize::from(count(ActionKind::SendBack) > 0);
            for s in c.steps.iter().filter(|s| s.kind == ActionKind::Rate) {
                rated += 1;
                low += usize::from(s.rating.unwrap() <= 2);
            }
            if let Some(r) = c.steps.iter().find(|s| s.kind == ActionKind::Register) {
                register_minutes.push((r.at - c.received_at).num_minutes());
            }
            // Handling against the category's limit, from the last dispatch before the first handle.
            let limits = cat.limits(&c.category).unwrap();
            if let Some(h) = c.steps.iter().position(|s| s.kind == ActionKind::Handle) {
                let d = c.steps[..h]
                    .iter()
                    .rposition(|s| matches!(s.kind, ActionKind::Dispatch | ActionKind::Reassign))
                    .unwrap();
                handled += 1;
                on_time += usize::from(c.steps[h].at <= due_at(c.steps[d].at, &limits.handle, &cal));
            }
            if let Some(s) = c.steps.iter().find(|s| s.kind == ActionKind::Merge) {
                let target = &all[s.merge_into.unwrap() as usize - 1];
                assert!(target.number < c.number && target.category == c.category, "case {}", c.number);
                assert_eq!(target.micro_grid_code, c.micro_grid_code);
                assert!(target.status() != CaseStatus::Merged);
                let closed = target.steps.iter().find(|s| s.kind == ActionKind::Close).map(|s| s.at);
                assert!(closed.is_none_or(|t| s.at < t), "case {} merged into a closed case", c.number);
            }
            let status = c.status();
            if matches!(status, CaseStatus::Accepted | CaseStatus::InProgress) {
                // The handling clock runs from the last dispatch or return for rework.
                let d = c
                    .steps
                    .iter()
                    .rposition(|s| {
                        matches!(
                            s.kind,
                            ActionKind::Dispatch | ActionKind::Reassign | ActionKind::ReturnForRework
                        )
                    })
                    .unwrap();
                if due_at(c.steps[d].at, &limits.handle, &cal) < now {
                    overdue_open += 1;
                    assert!(
                        c.steps[d..].iter().any(|s| s.kind == ActionKind::Supervise),
                        "case {}: overdue but not supervised: {:?}",
                        c.number,
                        c.steps.iter().map(|s| (s.kind, s.at)).collect::<Vec<_>>()
                    );
                }
            }
        }
        let share = |x: usize| x as f64 / n as f64;
        eprintln!(
            "{n} cases: channels {per_channel:?}; anonymous {:.3}, English {:.3}, weekday {:.3}, daytime {:.3}; \
             escalated twice {escalated_twice}, joint {joint} ({subtasks} sub-tasks done), reworked {reworked}, \
             reopened {reopened}, rejected {rejected}, merged {merged}, supervised {supervised}, sent back {sent_back}, \
             rated {rated} ({low} low), handled on time {on_time}/{handled}, overdue open {overdue_open}",
            share(anonymous),
            share(english),
            share(weekday),
            share(daytime)
        );
        assert_eq!(per_category.len(), leaves.len(), "every leaf category occurs");
        let mut counts: Vec<(usize, &str)> = per_category.iter().map(|(k, v)| (*v, *k)).collect();
        counts.sort();
        let common: HashSet<&str> = counts.iter().rev().take(10).map(|(_, k)| *k).collect();
        for c in ["E0102", "E0505", "S0401"] {
            assert!(common.contains(c), "{c} is among the most common: {counts:?}");
        }
        for ch in CASE_CHANNELS {
            assert!(per_channel.get(ch).copied().unwrap_or(0) > n / 50, "{ch}: {per_channel:?}");
        }
        assert!((0.15..0.26).contains(&share(anonymous)), "anonymous {}", share(anonymous));
        assert!((0.11..0.2).contains(&share(english)), "English {}", share(english));
        assert!(share(weekday) > 0.75 && share(daytime) > 0.7);
        assert!(escalated_twice >= 20 && joint >= 40 && subtasks >= 40 && reworked >= 100 && reopened >= 40);
        assert!(rejected >= 50 && merged >= 80 && supervised >= 200 && sent_back >= 20);
        assert!(
            rated > n / 2 && low * 100 > rated * 3 && low * 100 < rated * 15,
            "{rated} rated, {low} low"
        );
        let on_time = on_time as f64 / handled as f64;
        assert!((0.8..0.97).contains(&on_time), "handled on time: {on_time}");
        assert!(overdue_open >= 6, "overdue open {overdue_open}");
        register_minutes.sort();
        let median = register_minutes[register_minutes.len() / 2];
        assert!((2..240).contains(&median), "median minutes to register {median}");
    }

    #[test]
    fn c10_demo_held_out_accuracy() {
        let examples: Vec<(&str, &str)> = demo_cases()
            .iter()
            .map(|c| (c.description.as_str(), c.category.as_str()))
            .collect();
        let t = std::time::Instant::now();
        let model = Suggester::train(&examples);
        let took = t.elapsed();
        let e = held_out_accuracy(&examples, 0.2, 42);
        println!(
            "C10 on the demo cases: trained on {} in {took:?}; held out {}: top-1 {:.3}, top-3 {:.3}",
            e.train + e.test,
            e.test,
            e.top1,
            e.top3
        );
        assert_eq!(model.categories().len(), Catalogue::builtin().leaves().count());
        assert_eq!(e.test, (examples.len() as f64 * 0.2).round() as usize);
        // Measured over splits and seeds: top-1 0.83–0.87, top-3 0.89–0.92 (about one report in
        // seven is vague, reads like a neighbouring category or mentions a second matter).
        assert!(e.top1 > 0.75, "top-1 {:.3}", e.top1);
        assert!(e.top1 < 0.95, "the descriptions are too easy to be realistic: {:.3}", e.top1);
        assert!(e.top3 >= e.top1 + 0.02 && e.top3 > 0.8, "top-3 {:.3}", e.top3);
        // The confidence means something: the surest suggestions are right more often.
        let test: Vec<&DemoCase> = demo_cases().iter().filter(|c| c.number % 5 == 0).collect();
        let train: Vec<(&str, &str)> = demo_cases()
            .iter()
            .filter(|c| c.number % 5 != 0)
            .map(|c| (c.description.as_str(), c.category.as_str()))
            .collect();
        let m = Suggester::train(&train);
        let (mut sure, mut sure_ok, mut unsure, mut unsure_ok) = (0, 0, 0, 0);
        for c in test {
            let s = &m.suggest(&c.description, 1)[0];
            let ok = usize::from(s.code == c.category);
            if s.confidence >= 0.9 {
                (sure, sure_ok) = (sure + 1, sure_ok + ok);
            } else {
                (unsure, unsure_ok) = (unsure + 1, unsure_ok + ok);
            }
        }
        println!("confidence ≥ 0.9: {sure_ok}/{sure} right; below: {unsure_ok}/{unsure} right");
        assert!(sure_ok * unsure > unsure_ok * sure && sure_ok * 10 > sure * 9);
    }
}
