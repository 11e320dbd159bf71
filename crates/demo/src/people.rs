//! T4–T6: people in every post of T5 (with some post history), the party tree and its members,
//! teams, and the demo sign-in accounts.
//!
//! Who holds what:
//! - street: 2 administrators, 4 dispatchers, 6 department staff;
//! - community: 1 secretary, 3 staff, 1 community police officer (specialist on every grid of
//!   the community);
//! - grid: a grid chief (a community staff member for the 4th and 5th grid, otherwise a
//!   community cadre of their own), 1 full-time grid worker, 2 part-time workers (a resident
//!   party member and an in-service cadre registered in the community), half of the grids a
//!   second specialist (urban management or market supervision);
//! - micro-grid: a leader (a resident party member for residential ones);
//! - residential building: a building leader and a second building leader, residents of the
//!   building as a rule.
//!
//! No one holds building posts on two buildings except the one planted overloaded liaison.

use std::collections::{HashMap, HashSet};

use chrono::{Days, NaiveDate};
use onegrid_domain::people::{PartyOrgKind, Role, TeamKind};
use onegrid_domain::territory::{Level, MicroGridKind, PartyMemberRec, PartyOrgRec, PersonRec, PostRec, TeamRec};

use crate::names::{full_name, phone, surname};
use crate::residents::REF_YEAR;
use crate::rng::Rng;
use crate::{DemoAccount, STREET_CODE, World};

/// Share of posts that had an earlier holder whose post has ended.
const HISTORY_SHARE: f64 = 0.05;
/// Share of adult residents who are party members.
const PARTY_SHARE: f64 = 0.06;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Street,
    Community(usize),
    Grid(usize),
    MicroGrid(usize),
    Building(usize),
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

struct GridStaff {
    chief: usize,
    worker: usize,
    part_time: [usize; 2],
    specialists: Vec<usize>,
}

struct Staff<'w> {
    w: &'w World,
    rng: Rng,
    people: Vec<PersonRec>,
    /// The micro-grid where a party member is registered (报到), or where a resident lives.
    reg_mg: Vec<Option<usize>>,
    home_building: Vec<Option<usize>>,
    active_posts: Vec<u32>,
    of_resident: HashMap<usize, usize>,
    phones: HashSet<String>,
    posts: Vec<PostRec>,
}

impl<'w> Staff<'w> {
    fn unit_code(&self, u: Unit) -> &'w str {
        let w = self.w;
        match u {
            Unit::Street => STREET_CODE,
            Unit::Community(c) => &w.communities[c].code,
            Unit::Grid(g) => &w.grids[g].code,
            Unit::MicroGrid(m) => &w.micro_grids[m].code,
            Unit::Building(b) => &w.data.buildings[b].code,
        }
    }

    fn level(u: Unit) -> Level {
        match u {
            Unit::Street => Level::Street,
            Unit::Community(_) => Level::Community,
            Unit::Grid(_) => Level::Grid,
            Unit::MicroGrid(_) => Level::MicroGrid,
            Unit::Building(_) => Level::Building,
        }
    }

    /// A random micro-grid within a unit.
    fn some_mg(&mut self, u: Unit) -> usize {
        let w = self.w;
        match u {
            Unit::Street => self.rng.index(w.micro_grids.len()),
            Unit::Community(c) => {
                let g = *self.rng.pick(&w.communities[c].grids);
                *self.rng.pick(&w.grids[g].micro_grids)
            }
            Unit::Grid(g) => *self.rng.pick(&w.grids[g].micro_grids),
            Unit::MicroGrid(m) => m,
            Unit::Building(b) => w.buildings[b].micro_grid,
        }
    }

    fn community_of_mg(&self, m: usize) -> usize {
        self.w.grids[self.w.micro_grids[m].grid].community
    }

    fn date(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        let span = (to - from).num_days().max(0);
        from + Days::new(self.rng.range(0, span) as u64)
    }

    fn push_person(&mut self, p: PersonRec, reg: Option<usize>, building: Option<usize>) -> usize {
        self.people.push(p);
        self.reg_mg.push(reg);
        self.home_building.push(building);
        self.active_posts.push(0);
        self.people.len() - 1
    }

    /// Someone who does not live in the street (staff, cadres, officers).
    fn new_person(&mut self, female: f64, years: (i64, i64), party: bool, reg: Option<usize>) -> usize {
        let gender = if self.rng.chance(female) { "F" } else { "M" };
        let year = self.rng.range(years.0, years.1);
        let s = surname(&mut self.rng);
        let name = full_name(&mut self.rng, s, gender, year);
        let phone = phone(&mut self.rng, &mut self.phones);
        let reg = match (party, reg) {
            (true, None) => Some(self.some_mg(Unit::Street)),
            (_, reg) => reg,
        };
        let code = format!("P{:06}", self.people.len() + 1);
        self.push_person(
            PersonRec {
                code,
                name,
                gender: gender.to_string(),
                phone: Some(phone),
                party_member: party,
                household_code: None,
            },
            reg,
            None,
        )
    }

    /// The person record of a resident (created on first use).
    fn resident_person(&mut self, r: usize) -> usize {
        if let Some(&p) = self.of_resident.get(&r) {
            return p;
        }
        let w = self.w;
        let res = &w.data.residents[r];
        let b = w.households[w.resident_household[r]].building;
        let code = format!("P{:06}", self.people.len() + 1);
        let p = self.push_person(
            PersonRec {
                code,
                name: res.name.clone(),
                gender: res.gender.clone(),
                phone: res.phone.clone(),
                party_member: false,
                household_code: Some(res.household_code.clone()),
            },
            Some(w.buildings[b].micro_grid),
            Some(b),
        );
        self.of_resident.insert(r, p);
        p
    }

    fn make_party_member(&mut self, p: usize) {
        self.people[p].party_member = true;
        if self.reg_mg[p].is_none() {
            self.reg_mg[p] = Some(self.some_mg(Unit::Street));
        }
    }

    /// A random resident from `pool`, aged within `ages`, who is not yet a person.
    fn pick_resident(&mut self, pool: &[usize], ages: (i64, i64)) -> Option<usize> {
        let residents = &self.w.data.residents;
        let fits: Vec<usize> = pool
            .iter()
            .copied()
            .filter(|r| !self.of_resident.contains_key(r))
            .filter(|&r| (ages.0..=ages.1).contains(&(REF_YEAR - residents[r].birth_year)))
            .collect();
        (!fits.is_empty()).then(|| *self.rng.pick(&fits))
    }

    fn residents_in_building(&self, b: usize) -> Vec<usize> {
        self.w.buildings[b]
            .households
            .iter()
            .flat_map(|&h| self.w.households[h].residents.iter().copied())
            .collect()
    }

    fn residents_in_mg(&self, m: usize) -> Vec<usize> {
        self.w.micro_grids[m]
            .buildings
            .iter()
            .flat_map(|&b| self.residents_in_building(b))
            .collect()
    }

    fn residents_in_grid(&self, g: usize) -> Vec<usize> {
        self.w.grids[g]
            .micro_grids
            .iter()
            .flat_map(|&m| self.residents_in_mg(m))
            .collect()
    }

    /// A post from 2021–2025; now and then with an earlier holder whose post ended before.
    fn post(&mut self, p: usize, role: Role, u: Unit) {
        let level = Self::level(u);
        debug_assert!(role.levels().contains(&level), "{role:?} on {level:?}");
        let unit_code = self.unit_code(u).to_string();
        let starts_on = self.date(day(2021, 1, 1), day(2025, 12, 31));
        if self.rng.chance(HISTORY_SHARE) {
            let prev = self.earlier_holder(role, u);
            let first = self.date(day(2015, 1, 1), starts_on - Days::new(400));
            let ends_on = starts_on - Days::new(self.rng.range(1, 45) as u64);
            self.posts.push(PostRec {
                person_code: self.people[prev].code.clone(),
                role,
                level,
                unit_code: unit_code.clone(),
                starts_on: first,
                ends_on: Some(ends_on),
            });
        }
        self.posts.push(PostRec {
            person_code: self.people[p].code.clone(),
            role,
            level,
            unit_code,
            starts_on,
            ends_on: None,
        });
        self.active_posts[p] += 1;
    }

    fn earlier_holder(&mut self, role: Role, u: Unit) -> usize {
        if let Unit::Building(b) = u {
            let pool = self.residents_in_building(b);
            if let Some(r) = self.pick_resident(&pool, (30, 90)) {
                return self.resident_person(r);
            }
        }
        let party = matches!(role, Role::PartTimeWorker | Role::MicroGridLeader | Role::CommunitySecretary);
        let reg = party.then(|| self.some_mg(u));
        self.new_person(0.5, (1950, 1985), party, reg)
    }
}

/// Fills people, posts, party organisations and members, and teams; returns the accounts.
pub(crate) fn staff(seed: u64, w: &mut World) -> Vec<DemoAccount> {
    let b = build(seed, w);
    w.data.people = b.people;
    w.data.posts = b.posts;
    w.data.party_orgs = b.orgs;
    w.data.party_members = b.party_members;
    w.data.teams = b.teams;
    b.accounts
}

struct Built {
    people: Vec<PersonRec>,
    posts: Vec<PostRec>,
    orgs: Vec<PartyOrgRec>,
    party_members: Vec<PartyMemberRec>,
    teams: Vec<TeamRec>,
    accounts: Vec<DemoAccount>,
}

fn build(seed: u64, w: &World) -> Built {
    let mut s = Staff {
        w,
        rng: Rng::stream(seed, "people"),
        people: Vec::new(),
        reg_mg: Vec::new(),
        home_building: Vec::new(),
        active_posts: Vec::new(),
        of_resident: HashMap::new(),
        phones: w.data.residents.iter().filter_map(|r| r.phone.clone()).collect(),
        posts: Vec::new(),
    };
    street_posts(&mut s);
    let communities = community_posts(&mut s);
    let grids = grid_posts(&mut s, &communities);
    let mg_leaders = micro_grid_leaders(&mut s);
    let (building_leaders, overloaded) = building_leaders(&mut s);
    resident_party_members(&mut s);
    let (orgs, corridor) = party_orgs(&mut s);
    let party_members = party_members(&mut s, &corridor);
    let teams = teams(&mut s, &communities, &grids, &mg_leaders, &building_leaders);
    let accounts = accounts(&s, seed, overloaded);
    Built {
        people: s.people,
        posts: s.posts,
        orgs,
        party_members,
        teams,
        accounts,
    }
}

/// 2 administrators, 4 dispatchers, 6 department staff.
fn street_posts(s: &mut Staff) {
    for _ in 0..2 {
        let p = s.new_person(0.4, (1972, 1990), true, None);
        s.post(p, Role::StreetAdmin, Unit::Street);
    }
    for _ in 0..4 {
        let party = s.rng.chance(0.4);
        let p = s.new_person(0.55, (1985, 1998), party, None);
        s.post(p, Role::Dispatcher, Unit::Street);
    }
    for _ in 0..6 {
        let party = s.rng.chance(0.5);
        let p = s.new_person(0.45, (1970, 1995), party, None);
        s.post(p, Role::DepartmentStaff, Unit::Street);
    }
}

struct CommunityStaff {
    secretary: usize,
    staff: [usize; 3],
    /// The community police officer, a specialist on every grid of the community.
    police: usize,
}

/// A secretary and three staff per community, and its police officer.
fn community_posts(s: &mut Staff) -> Vec<CommunityStaff> {
    let w = s.w;
    let mut out = Vec::with_capacity(w.communities.len());
    for c in 0..w.communities.len() {
        let reg = s.some_mg(Unit::Community(c));
        let sec = s.new_person(0.6, (1966, 1985), true, Some(reg));
        s.post(sec, Role::CommunitySecretary, Unit::Community(c));
        let mut three = [0; 3];
        for slot in &mut three {
            let party = s.rng.chance(0.5);
            let reg = s.some_mg(Unit::Community(c));
            *slot = s.new_person(0.7, (1978, 1998), party, Some(reg));
            s.post(*slot, Role::CommunityStaff, Unit::Community(c));
        }
        let reg = s.some_mg(Unit::Community(c));
        let police = s.new_person(0.15, (1975, 1992), true, Some(reg));
        out.push(CommunityStaff {
            secretary: sec,
            staff: three,
            police,
        });
    }
    out
}

/// Per grid: the chief, "1 full-time + 2 part-time", and 1–2 specialists.
fn grid_posts(s: &mut Staff, communities: &[CommunityStaff]) -> Vec<GridStaff> {
    let w = s.w;
    let mut grid_staff = Vec::with_capacity(w.grids.len());
    for g in 0..w.grids.len() {
        let c = w.grids[g].community;
        let k = w.communities[c].grids.iter().position(|&x| x == g).unwrap();
        let chief = if k >= 3 {
            communities[c].staff[k - 3]
        } else {
            let party = s.rng.chance(0.7);
            let reg = s.some_mg(Unit::Grid(g));
            s.new_person(0.55, (1965, 1990), party, Some(reg))
        };
        s.post(chief, Role::GridChief, Unit::Grid(g));
        let reg = s.some_mg(Unit::Grid(g));
        let party = s.rng.chance(0.4);
        let worker = s.new_person(0.65, (1985, 2000), party, Some(reg));
        s.post(worker, Role::GridWorker, Unit::Grid(g));
        // A resident party member of the grid, and an in-service cadre registered here.
        let pool = s.residents_in_grid(g);
        let first = match s.pick_resident(&pool, (28, 68)) {
            Some(r) => s.resident_person(r),
            None => {
                let reg = s.some_mg(Unit::Grid(g));
                s.new_person(0.5, (1965, 1995), true, Some(reg))
            }
        };
        s.make_party_member(first);
        let reg = s.some_mg(Unit::Grid(g));
        let second = s.new_person(0.45, (1975, 1996), true, Some(reg));
        for p in [first, second] {
            s.post(p, Role::PartTimeWorker, Unit::Grid(g));
        }
        let mut specialists = vec![communities[c].police];
        if s.rng.chance(0.5) {
            let party = s.rng.chance(0.5);
            specialists.push(s.new_person(0.3, (1978, 1995), party, None));
        }
        for &p in &specialists {
            s.post(p, Role::Specialist, Unit::Grid(g));
        }
        grid_staff.push(GridStaff {
            chief,
            worker,
            part_time: [first, second],
            specialists,
        });
    }
    grid_staff
}

/// Micro-grid leaders: resident party members (branch secretaries) or, for commercial
/// buildings, districts, blocks and parks, party-building officers.
fn micro_grid_leaders(s: &mut Staff) -> Vec<usize> {
    let w = s.w;
    let mut mg_leader = Vec::with_capacity(w.micro_grids.len());
    for m in 0..w.micro_grids.len() {
        let p = if w.micro_grids[m].kind == MicroGridKind::Residential {
            let pool = s.residents_in_mg(m);
            match s.pick_resident(&pool, (45, 78)).or_else(|| s.pick_resident(&pool, (25, 90))) {
                Some(r) => s.resident_person(r),
                None => s.new_person(0.5, (1965, 1990), true, Some(m)),
            }
        } else {
            s.new_person(0.5, (1975, 1995), true, Some(m))
        };
        s.make_party_member(p);
        s.post(p, Role::MicroGridLeader, Unit::MicroGrid(m));
        mg_leader.push(p);
    }
    mg_leader
}

/// A building leader and a second building leader per residential building, by building.
/// Planted: one leader also leads a second building of the same micro-grid; returns them too.
fn building_leaders(s: &mut Staff) -> (HashMap<usize, (usize, usize)>, usize) {
    let w = s.w;
    let pairs: Vec<(usize, usize)> = w
        .micro_grids
        .iter()
        .filter_map(|mg| {
            let res: Vec<usize> = mg
                .buildings
                .iter()
                .copied()
                .filter(|&b| w.buildings[b].residential && b != w.unassigned_building)
                .collect();
            (res.len() >= 2).then(|| (res[0], res[1]))
        })
        .collect();
    let (lead_a, lead_b) = *s.rng.pick(&pairs);
    let mut building_leaders: HashMap<usize, (usize, usize)> = HashMap::new();
    let mut overloaded = usize::MAX;
    for b in 0..w.buildings.len() {
        if !w.buildings[b].residential {
            continue;
        }
        let pool = s.residents_in_building(b);
        let leader = if b == lead_b {
            overloaded = building_leaders[&lead_a].0;
            overloaded
        } else {
            match s.rng.chance(0.93).then(|| s.pick_resident(&pool, (40, 82))).flatten() {
                Some(r) => {
                    let p = s.resident_person(r);
                    if s.rng.chance(0.35) {
                        s.make_party_member(p);
                    }
                    p
                }
                // A property-management employee who does not live here.
                None => s.new_person(0.6, (1965, 1990), false, None),
            }
        };
        s.post(leader, Role::BuildingLeader, Unit::Building(b));
        let second = match s.pick_resident(&pool, (20, 50)).or_else(|| s.pick_resident(&pool, (18, 90))) {
            Some(r) => s.resident_person(r),
            None => s.new_person(0.5, (1980, 2000), false, None),
        };
        if s.rng.chance(0.4) {
            s.make_party_member(second);
        }
        s.post(second, Role::SecondBuildingLeader, Unit::Building(b));
        building_leaders.insert(b, (leader, second));
    }
    (building_leaders, overloaded)
}

/// Party members among the residents: about 6% of adults.
fn resident_party_members(s: &mut Staff) {
    let w = s.w;
    let mut adults: Vec<usize> = (0..w.data.residents.len())
        .filter(|&r| REF_YEAR - w.data.residents[r].birth_year >= 18)
        .collect();
    let target = (adults.len() as f64 * PARTY_SHARE).round() as usize;
    let mut members = s.of_resident.values().filter(|&&p| s.people[p].party_member).count();
    s.rng.shuffle(&mut adults);
    for r in adults {
        if members >= target {
            break;
        }
        if !s.of_resident.contains_key(&r) {
            let p = s.resident_person(r);
            s.make_party_member(p);
            members += 1;
        }
    }
}

/// T4: the party tree; returns the buildings with a corridor party group too.
fn party_orgs(s: &mut Staff) -> (Vec<PartyOrgRec>, HashSet<usize>) {
    let w = s.w;
    let mut orgs = Vec::new();
    let wc = format!("PO-{STREET_CODE}");
    orgs.push(PartyOrgRec {
        code: wc.clone(),
        name: format!("中共{}工作委员会", w.street_name),
        kind: PartyOrgKind::WorkingCommittee,
        parent_code: None,
        level: Level::Street,
        unit_code: STREET_CODE.to_string(),
    });
    for c in &w.communities {
        orgs.push(PartyOrgRec {
            code: format!("PO-{}", c.code),
            name: format!("中共{}党总支部委员会", c.name),
            kind: PartyOrgKind::ResidentialOrganisation,
            parent_code: Some(wc.clone()),
            level: Level::Community,
            unit_code: c.code.clone(),
        });
    }
    for mg in &w.micro_grids {
        orgs.push(PartyOrgRec {
            code: format!("PO-{}", mg.code),
            name: format!("{}微网格党支部", mg.name),
            kind: PartyOrgKind::Branch,
            parent_code: Some(format!("PO-{}", w.communities[w.grids[mg.grid].community].code)),
            level: Level::MicroGrid,
            unit_code: mg.code.clone(),
        });
    }
    let mut corridor: Vec<usize> = (0..w.buildings.len())
        .filter(|&b| w.buildings[b].residential && b != w.unassigned_building)
        .collect();
    s.rng.shuffle(&mut corridor);
    corridor.truncate((corridor.len() as f64 * 0.2).round() as usize);
    corridor.sort_unstable();
    let corridor: HashSet<usize> = corridor.into_iter().collect();
    for b in 0..w.buildings.len() {
        if corridor.contains(&b) {
            let rec = &w.data.buildings[b];
            orgs.push(PartyOrgRec {
                code: format!("PO-{}", rec.code),
                name: format!("{}楼道党小组", rec.name),
                kind: PartyOrgKind::CorridorGroup,
                parent_code: Some(format!("PO-{}", w.micro_grids[w.buildings[b].micro_grid].code)),
                level: Level::Building,
                unit_code: rec.code.clone(),
            });
        }
    }
    (orgs, corridor)
}

/// Party members registered at their home community and assigned to a micro-grid.
fn party_members(s: &mut Staff, corridor: &HashSet<usize>) -> Vec<PartyMemberRec> {
    let w = s.w;
    let mut party_members = Vec::new();
    for p in 0..s.people.len() {
        if !s.people[p].party_member {
            continue;
        }
        let m = match s.reg_mg[p] {
            Some(m) => m,
            None => {
                let m = s.some_mg(Unit::Street);
                s.reg_mg[p] = Some(m);
                m
            }
        };
        let org = match s.home_building[p] {
            Some(b) if corridor.contains(&b) => format!("PO-{}", w.data.buildings[b].code),
            _ => format!("PO-{}", w.micro_grids[m].code),
        };
        let registered_on = s.date(day(2016, 1, 1), day(2025, 12, 31));
        party_members.push(PartyMemberRec {
            person_code: s.people[p].code.clone(),
            party_org_code: org,
            community_code: w.communities[s.community_of_mg(m)].code.clone(),
            micro_grid_code: Some(w.micro_grids[m].code.clone()),
            registered_on,
        });
    }
    party_members
}

/// T6: a "3+N" team per grid; micro-teams, a patrol team and the joint committee per community.
fn teams(
    s: &mut Staff,
    communities: &[CommunityStaff],
    grids: &[GridStaff],
    mg_leaders: &[usize],
    building_leaders: &HashMap<usize, (usize, usize)>,
) -> Vec<TeamRec> {
    let w = s.w;
    let code = |s: &Staff, p: usize| s.people[p].code.clone();
    let mut teams = Vec::new();
    for (g, gs) in grids.iter().enumerate() {
        let mut members = vec![gs.worker, gs.part_time[0], gs.part_time[1]];
        members.extend(&gs.specialists);
        let mut volunteers: Vec<usize> = w.grids[g]
            .micro_grids
            .iter()
            .flat_map(|&m| {
                let mut v = vec![mg_leaders[m]];
                v.extend(
                    w.micro_grids[m]
                        .buildings
                        .iter()
                        .filter_map(|b| building_leaders.get(b))
                        .map(|x| x.0),
                );
                v
            })
            .collect();
        s.rng.shuffle(&mut volunteers);
        let n = s.rng.range(2, 4) as usize;
        add_distinct(&mut members, volunteers, n);
        teams.push(TeamRec {
            code: format!("T-{}", w.grids[g].code),
            name: format!("{}“3+N”团队", w.grids[g].name),
            kind: TeamKind::GridTeam,
            level: Level::Grid,
            unit_code: w.grids[g].code.clone(),
            leader_code: Some(code(s, gs.worker)),
            member_codes: members.iter().map(|&p| code(s, p)).collect(),
        });
    }
    const MICRO_TEAMS: &[&str] = &[
        "“海棠管家”为老服务队",
        "银发巡逻队",
        "邻里帮帮团",
        "“老娘舅”调解队",
        "绿色账户环保队",
        "“第二梯队”青年突击队",
        "暖心陪伴队",
        "楼道自治三人小组",
        "“红管家”志愿服务队",
        "加装电梯议事小组",
    ];
    for (c, info) in w.communities.iter().enumerate() {
        let mut leaders = Vec::new();
        let mut pool = Vec::new();
        for &g in &info.grids {
            for &m in &w.grids[g].micro_grids {
                if w.micro_grids[m].kind == MicroGridKind::Residential {
                    leaders.push(mg_leaders[m]);
                }
                for b in &w.micro_grids[m].buildings {
                    if let Some(&(l, second)) = building_leaders.get(b) {
                        pool.extend([l, second]);
                    }
                }
            }
        }
        pool.extend((0..s.people.len()).filter(|&p| {
            s.people[p].party_member && s.home_building[p].is_some() && s.reg_mg[p].is_some_and(|m| s.community_of_mg(m) == c)
        }));
        pool.sort_unstable();
        pool.dedup();
        let ccode = &info.code;
        let mut names = MICRO_TEAMS.to_vec();
        s.rng.shuffle(&mut names);
        for (k, name) in names.iter().take(s.rng.range(1, 3) as usize).enumerate() {
            let leader = *s.rng.pick(&leaders);
            let mut members = vec![leader];
            let mut candidates = pool.clone();
            s.rng.shuffle(&mut candidates);
            let n = s.rng.range(5, 11) as usize;
            add_distinct(&mut members, candidates, n);
            teams.push(TeamRec {
                code: format!("T-{ccode}-M{}", k + 1),
                name: format!("{}{name}", info.short),
                kind: TeamKind::MicroTeam,
                level: Level::Community,
                unit_code: ccode.clone(),
                leader_code: Some(code(s, leader)),
                member_codes: members.iter().map(|&p| code(s, p)).collect(),
            });
        }
        let mut members = vec![communities[c].police];
        let mut candidates = pool.clone();
        s.rng.shuffle(&mut candidates);
        let n = s.rng.range(8, 15) as usize;
        add_distinct(&mut members, candidates, n);
        teams.push(TeamRec {
            code: format!("T-{ccode}-P"),
            name: format!("{}平安志愿者巡逻队", info.short),
            kind: TeamKind::Patrol,
            level: Level::Community,
            unit_code: ccode.clone(),
            leader_code: Some(code(s, communities[c].police)),
            member_codes: members.iter().map(|&p| code(s, p)).collect(),
        });
        let mut members = vec![communities[c].secretary];
        members.extend(communities[c].staff);
        let chiefs: Vec<usize> = info.grids.iter().map(|&g| grids[g].chief).collect();
        add_distinct(&mut members, chiefs, usize::MAX);
        let mut l = leaders.clone();
        s.rng.shuffle(&mut l);
        add_distinct(&mut members, l, 2);
        teams.push(TeamRec {
            code: format!("T-{ccode}-J"),
            name: format!("{}“一体两委”联席会议", info.name),
            kind: TeamKind::JointCommittee,
            level: Level::Community,
            unit_code: ccode.clone(),
            leader_code: Some(code(s, communities[c].secretary)),
            member_codes: members.iter().map(|&p| code(s, p)).collect(),
        });
    }
    teams
}

/// Appends up to `n` of `candidates` that are not members yet.
fn add_distinct(members: &mut Vec<usize>, candidates: Vec<usize>, n: usize) {
    let mut added = 0;
    for p in candidates {
        if added == n {
            break;
        }
        if !members.contains(&p) {
            members.push(p);
            added += 1;
        }
    }
}

/// One account per role, each a person holding an active post of that role, on community 001
/// or grid 001-01 where the role sits there, preferring people with that one post only.
fn accounts(s: &Staff, seed: u64, overloaded: usize) -> Vec<DemoAccount> {
    let c1 = s.w.communities[0].code.clone();
    let g1 = s.w.grids[s.w.communities[0].grids[0]].code.clone();
    let street = STREET_CODE.to_string();
    let wanted: [(Role, &str, &String); 12] = [
        (Role::StreetAdmin, "admin", &street),
        (Role::Dispatcher, "dispatcher", &street),
        (Role::CommunitySecretary, "secretary", &c1),
        (Role::GridWorker, "gridworker", &g1),
        (Role::PartTimeWorker, "parttime", &g1),
        (Role::MicroGridLeader, "mgleader", &g1),
        (Role::BuildingLeader, "buildingleader", &g1),
        (Role::Specialist, "specialist", &g1),
        (Role::DepartmentStaff, "department", &street),
        (Role::CommunityStaff, "staff", &c1),
        (Role::GridChief, "gridchief", &g1),
        (Role::SecondBuildingLeader, "buildingleader2", &g1),
    ];
    let index: HashMap<&str, usize> = s.people.iter().enumerate().map(|(i, p)| (p.code.as_str(), i)).collect();
    let mut rng = Rng::stream(seed, "accounts");
    let mut taken: HashSet<usize> = HashSet::new();
    let mut out = Vec::new();
    for (role, username, prefix) in wanted {
        let within = |code: &str| code == prefix.as_str() || code.starts_with(&format!("{prefix}-"));
        let best = s
            .posts
            .iter()
            .enumerate()
            .filter(|(_, p)| p.role == role && p.ends_on.is_none())
            .map(|(i, p)| (i, index[p.person_code.as_str()], p))
            .filter(|&(_, person, _)| person != overloaded && !taken.contains(&person))
            .min_by_key(|&(i, person, p)| (!within(&p.unit_code), s.active_posts[person] > 1, i))
            .map(|(_, person, _)| person)
            .expect("every role is held");
        taken.insert(best);
        const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
        let tail: String = (0..8).map(|_| *rng.pick(CHARS) as char).collect();
        out.push(DemoAccount {
            role,
            username: username.to_string(),
            password: format!("demo-{tail}"),
            person_code: s.people[best].code.clone(),
        });
    }
    out
}
