//! G1–G2 use cases: propose a micro-grid division of a street, community or grid from its
//! buildings, keep proposals, and accept (one audited transaction) or discard them.
//!
//! The algorithm is the `onegrid-partition` crate; how buildings become its units is in
//! [`divide`]; what accepting changes is decided by `onegrid_domain::division::plan`.
//! Proposals and their decisions are for street administrators only (Permission::Administer
//! on the area); outside their scope a proposal does not exist (404).

mod divide;

pub use divide::{Division, DivisionParams, DivisionUnit, Ground, ProposedPart, Skipped};

use std::collections::{BTreeMap, HashMap, HashSet};

use onegrid_domain::division::{self, Placement, Target};
use onegrid_domain::people::Permission;
use onegrid_store::Tx;
use onegrid_store::audit::{self, NewEvent};
use onegrid_store::partition::{self as store, EndedPost, NewMicroGrid, NewProposal, Proposal};
use onegrid_store::territory::{self, Area};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::locate::AreaRef;
use crate::{Actor, App, AppError};

/// The street's division policy (a setting, key [`POLICY_KEY`]).
pub const POLICY_KEY: &str = "division_policy";

/// Households per micro-grid a proposal aims for when no cap or K is given. 40 is the mean of
/// the demo street (2–5 buildings of 10–14 households per residential micro-grid) and about
/// three building liaisons' worth at the coverage policy's 14 households each.
pub const DEFAULT_HOUSEHOLDS_PER_MICRO_GRID: f64 = 40.0;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DivisionPolicy {
    /// The default cap: most households one micro-grid should hold.
    pub households_per_micro_grid: f64,
}

impl Default for DivisionPolicy {
    fn default() -> Self {
        DivisionPolicy {
            households_per_micro_grid: DEFAULT_HOUSEHOLDS_PER_MICRO_GRID,
        }
    }
}

/// Which fixed groups no part may cross.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Within {
    /// No part crosses a grid: proposals that can be accepted.
    Grid,
    /// Parts may cross grids but not communities (for study; cannot be accepted, since a
    /// micro-grid belongs to one grid).
    Community,
}

/// What to divide and how.
#[derive(Debug, Clone)]
pub struct DivisionRequest {
    /// A grid or community; `None` is the whole street.
    pub area_id: Option<i64>,
    /// Most households per part; default: the street's division policy.
    pub cap: Option<f64>,
    /// Exactly this many parts instead of a cap.
    pub k: Option<usize>,
    pub seed: u64,
    pub within: Within,
    /// Adjacency as CSV `u,v[,shared_m]` over the units in order (buildings with a location,
    /// by code); default: shared boundaries of the buildings' cells.
    pub edges_csv: Option<String>,
}

impl DivisionRequest {
    pub fn new(area_id: Option<i64>) -> Self {
        DivisionRequest {
            area_id,
            cap: None,
            k: None,
            seed: 1,
            within: Within::Grid,
            edges_csv: None,
        }
    }
}

fn validate(req: &DivisionRequest) -> Result<(), AppError> {
    let mut errs = Vec::new();
    if let Some(c) = req.cap
        && !(c.is_finite() && c > 0.0 && c <= 1_000_000.0)
    {
        errs.push(onegrid_domain::FieldError::new(
            "cap",
            "must be a number above 0 (households per micro-grid)",
        ));
    }
    if req.cap.is_some() && req.k.is_some() {
        errs.push(onegrid_domain::FieldError::new("k", "give either cap or k, not both"));
    }
    if req.k == Some(0) {
        errs.push(onegrid_domain::FieldError::new("k", "must be at least 1"));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errs))
    }
}

/// What a proposal's page and the API show.
#[derive(Debug, Clone, Serialize)]
pub struct ProposalView {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub area: Area,
    /// True when the territory changed since the proposal was made (it can no longer be accepted).
    pub stale: bool,
    /// The micro-grids in service now under the proposal's area, with their households.
    pub current_micro_grids: Vec<CurrentMicroGrid>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrentMicroGrid {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub grid_id: Option<i64>,
    pub households: i64,
    pub boundary: Option<Value>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DivisionChoice {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub level: String,
    pub households: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProposalSummary {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub area: AreaRef,
    pub area_level: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Retired {
    pub micro_grid: AreaRef,
    pub successor: AreaRef,
}

/// What accepting did (also stored with the proposal and in the audit log).
#[derive(Debug, Clone, Serialize, Default)]
pub struct AcceptOutcome {
    pub proposal_id: i64,
    pub kept: Vec<AreaRef>,
    pub created: Vec<AreaRef>,
    pub retired: Vec<Retired>,
    /// Rows changed: buildings, households, residents, building posts.
    pub moved: BTreeMap<&'static str, u64>,
    /// Micro-grid leader posts of retired micro-grids, ended the day before.
    pub posts_ended: Vec<EndedPost>,
    /// Enterprises, teams and party members handed from retired micro-grids to successors.
    pub handed_over: BTreeMap<&'static str, u64>,
    /// What a person must still decide: new micro-grids without a leader, party
    /// organisations of retired micro-grids.
    pub attention: Vec<Attention>,
}

/// A point for the administrator after accepting (translated by the UI).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Attention {
    /// A new micro-grid has no micro-grid leader yet.
    NoLeader { micro_grid: AreaRef },
    /// A party organisation belongs to a retired micro-grid; the party decides its future.
    PartyOrganisation {
        code: String,
        name: String,
        micro_grid: AreaRef,
    },
}

fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string()
}

fn require_admin(actor: &Actor, area: &Area) -> Result<(), AppError> {
    actor.require(Permission::Administer)?;
    actor.require_in(Permission::Administer, &area.path())
}

fn area_ref(a: &Area) -> AreaRef {
    AreaRef {
        id: a.id,
        code: a.code.clone(),
        name: a.name.clone(),
    }
}

/// Reads the territory of a division: the whole street, a community or a grid.
async fn load_ground(tx: &mut Tx, street_id: i64, area: Option<&Area>) -> Result<Ground, AppError> {
    let areas = territory::areas_of_street(tx, street_id).await?;
    let mut grids: Vec<Area> = areas
        .iter()
        .filter(|a| a.level == "grid")
        .filter(|g| match area {
            None => true,
            Some(x) if x.level == "grid" => g.id == x.id,
            Some(x) => g.community_id == Some(x.id),
        })
        .cloned()
        .collect();
    grids.sort_by(|a, b| a.code.cmp(&b.code));
    let ids: HashSet<i64> = grids.iter().map(|g| g.id).collect();
    let micro_grids: Vec<Area> = areas
        .into_iter()
        .filter(|a| a.level == "micro_grid" && a.grid_id.is_some_and(|g| ids.contains(&g)))
        .collect();
    let grid_ids: Vec<i64> = grids.iter().map(|g| g.id).collect();
    let candidates = store::buildings_for(tx, street_id, &grid_ids).await?;
    Ok(Ground::new(street_id, grids, micro_grids, candidates))
}

impl App {
    pub async fn division_policy(&self, street_id: i64) -> Result<DivisionPolicy, AppError> {
        let mut tx = self.db.read().await?;
        crate::street_settings::load(&mut tx, street_id, POLICY_KEY).await
    }

    /// The id of a grid or community of the street by its code (for the CLI).
    pub async fn division_area(&self, street_id: i64, code: &str) -> Result<i64, AppError> {
        let mut tx = self.db.read().await?;
        match territory::area_by_code(&mut tx, code).await? {
            Some(a) if a.street_id == street_id && (a.level == "grid" || a.level == "community") => Ok(a.id),
            _ => Err(AppError::field(
                "area",
                format!("no grid or community with code '{code}' in this street"),
            )),
        }
    }

    /// Proposes a division of a street's buildings (or of one of its grids or communities) and
    /// scores it beside the current one. Nothing is stored; the `onegrid partition --street`
    /// command calls this directly (the operator of the installation needs no post).
    pub async fn propose_division(&self, street_id: i64, req: &DivisionRequest) -> Result<Division, AppError> {
        validate(req)?;
        let mut tx = self.db.read().await?;
        territory::street(&mut tx, street_id).await?;
        let area = match req.area_id {
            Some(id) => {
                let a = territory::area(&mut tx, id).await?;
                if a.street_id != street_id || !(a.level == "grid" || a.level == "community") {
                    return Err(AppError::field("area_id", "must be a grid or a community of the street"));
                }
                Some(a)
            }
            None => None,
        };
        let ground = load_ground(&mut tx, street_id, area.as_ref()).await?;
        drop(tx);
        let cap = match req.cap {
            Some(c) => c,
            None => self.division_policy(street_id).await?.households_per_micro_grid,
        };
        let req = req.clone();
        tokio::task::spawn_blocking(move || divide::divide(&ground, &req, cap))
            .await
            .map_err(|e| AppError::Internal(format!("division task: {e}")))?
    }

    /// G1 in the UI and API: proposes a division of a grid or community and keeps it.
    pub async fn create_partition_proposal(
        &self,
        actor: &Actor,
        area_id: i64,
        cap: Option<f64>,
        k: Option<usize>,
        seed: Option<u64>,
    ) -> Result<ProposalView, AppError> {
        let area = {
            let mut tx = self.db.read().await?;
            territory::area(&mut tx, area_id).await?
        };
        require_admin(actor, &area)?;
        if !(area.level == "grid" || area.level == "community") || area.retired_on.is_some() {
            return Err(AppError::field("area_id", "must be a grid or a community"));
        }
        let req = DivisionRequest {
            area_id: Some(area_id),
            cap,
            k,
            seed: seed.unwrap_or(1),
            within: Within::Grid,
            edges_csv: None,
        };
        let mut division = self.propose_division(area.street_id, &req).await?;
        // Show what accepting would do with each part (recomputed when accepting).
        let mut tx = self.db.read().await?;
        let ground = load_ground(&mut tx, area.street_id, Some(&area)).await?;
        let plans = plan_grids(&mut tx, &ground, &division.units).await?;
        drop(tx);
        for p in &mut division.parts {
            p.target = plans.get(&p.grid_id).and_then(|pl| pl.target_of(p.part)).map(|t| json!(t));
        }
        let mut data = serde_json::to_value(&division).map_err(|e| AppError::Internal(e.to_string()))?;
        if let Some(o) = data.as_object_mut() {
            o.remove("params");
        }
        let params = json!(division.params);
        let mut tx = self.db.write().await?;
        let id = store::insert_proposal(
            &mut tx,
            NewProposal {
                street_id: area.street_id,
                area_id,
                params: &params,
                fingerprint: &division.fingerprint,
                data: &data,
                created_by: Some(actor.user.id),
            },
        )
        .await?;
        audit::record(
            &mut tx,
            NewEvent {
                street_id: Some(area.street_id),
                user_id: Some(actor.user.id),
                action: "propose_division",
                entity: "partition_proposal",
                entity_id: Some(id),
                detail: json!({
                    "area": area.code, "params": params, "parts": division.proposed.parts,
                    "current_parts": division.current.parts, "units_moved": division.diff.units_moved,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        self.partition_proposal(actor, id).await
    }

    /// The communities and grids of the user's street (code order, a community before its
    /// grids) that a division may be proposed for.
    pub async fn division_choices(&self, actor: &Actor, street_id: Option<i64>) -> Result<Vec<DivisionChoice>, AppError> {
        actor.require(Permission::Administer)?;
        let Some(street_id) = street_id.or(actor.home_street()) else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        let mut counts: HashMap<i64, i64> = HashMap::new();
        for col in [territory::AreaColumn::Community, territory::AreaColumn::Grid] {
            counts.extend(territory::household_counts(&mut tx, street_id, col).await?);
        }
        let scope = actor.scope(Permission::Administer);
        let mut out: Vec<DivisionChoice> = territory::areas_of_street(&mut tx, street_id)
            .await?
            .into_iter()
            .filter(|a| (a.level == "community" || a.level == "grid") && scope.covers(&a.path()))
            .map(|a| DivisionChoice {
                households: counts.get(&a.id).copied().unwrap_or(0),
                id: a.id,
                code: a.code,
                name: a.name,
                level: a.level,
            })
            .collect();
        out.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(out)
    }

    /// Proposals of the user's street (or of `street_id` for a superuser), newest first.
    pub async fn partition_proposals(&self, actor: &Actor, street_id: Option<i64>) -> Result<Vec<ProposalSummary>, AppError> {
        actor.require(Permission::Administer)?;
        let Some(street_id) = street_id.or(actor.home_street()) else {
            return Ok(Vec::new());
        };
        let mut tx = self.db.read().await?;
        let mut out = Vec::new();
        for p in store::proposals(&mut tx, street_id, 200).await? {
            let area = territory::area(&mut tx, p.area_id).await?;
            if actor.scope(Permission::Administer).covers(&area.path()) {
                out.push(ProposalSummary {
                    area: area_ref(&area),
                    area_level: area.level.clone(),
                    proposal: p,
                });
            }
        }
        Ok(out)
    }

    pub async fn partition_proposal(&self, actor: &Actor, id: i64) -> Result<ProposalView, AppError> {
        let mut tx = self.db.read().await?;
        let proposal = store::proposal(&mut tx, id).await?;
        let area = territory::area(&mut tx, proposal.area_id).await?;
        require_admin(actor, &area)?;
        let ground = load_ground(&mut tx, proposal.street_id, Some(&area)).await?;
        let stale = proposal.status == "open" && ground.fingerprint() != proposal.fingerprint;
        let households: HashMap<i64, i64> =
            territory::household_counts(&mut tx, proposal.street_id, territory::AreaColumn::MicroGrid)
                .await?
                .into_iter()
                .collect();
        let current_micro_grids = ground
            .micro_grids
            .iter()
            .map(|m| CurrentMicroGrid {
                id: m.id,
                code: m.code.clone(),
                name: m.name.clone(),
                grid_id: m.grid_id,
                households: households.get(&m.id).copied().unwrap_or(0),
                boundary: m.boundary.as_deref().and_then(|b| serde_json::from_str(b).ok()),
            })
            .collect();
        Ok(ProposalView {
            proposal,
            area,
            stale,
            current_micro_grids,
        })
    }

    pub async fn discard_partition_proposal(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let mut tx = self.db.write().await?;
        let proposal = store::proposal(&mut tx, id).await?;
        let area = territory::area(&mut tx, proposal.area_id).await?;
        require_admin(actor, &area)?;
        if !store::decide(&mut tx, id, "discarded", Some(actor.user.id), None).await? {
            return Err(AppError::Conflict(format!("the proposal is already {}", proposal.status)));
        }
        audit::record(
            &mut tx,
            NewEvent {
                street_id: Some(proposal.street_id),
                user_id: Some(actor.user.id),
                action: "discard_division",
                entity: "partition_proposal",
                entity_id: Some(id),
                detail: json!({"area": area.code}),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// G2: accepts a proposal in one transaction — micro-grids kept, created and retired as
    /// `onegrid_domain::division::plan` says, buildings with their households, residents and
    /// building posts moved, boundaries set to the parts' cells, posts on retired micro-grids
    /// ended, their enterprises, teams and party members handed to the successor — audited.
    /// A proposal whose territory changed since it was made is refused (409).
    pub async fn accept_partition_proposal(&self, actor: &Actor, id: i64) -> Result<AcceptOutcome, AppError> {
        let mut tx = self.db.write().await?;
        let proposal = store::proposal(&mut tx, id).await?;
        let area = territory::area(&mut tx, proposal.area_id).await?;
        require_admin(actor, &area)?;
        if proposal.status != "open" {
            return Err(AppError::Conflict(format!("the proposal is already {}", proposal.status)));
        }
        let params: DivisionParams =
            serde_json::from_value(proposal.params.clone()).map_err(|e| AppError::Internal(format!("proposal params: {e}")))?;
        if params.within != Within::Grid {
            return Err(AppError::field("within", "only a division within grids can be accepted"));
        }
        let mut lock: Vec<i64> = territory::areas_of_street(&mut tx, proposal.street_id)
            .await?
            .into_iter()
            .filter(|a| a.level == "grid" && (a.id == area.id || a.community_id == Some(area.id)))
            .map(|a| a.id)
            .collect();
        lock.push(area.id);
        store::lock_areas(&mut tx, &lock).await?;
        let ground = load_ground(&mut tx, proposal.street_id, Some(&area)).await?;
        if ground.fingerprint() != proposal.fingerprint {
            return Err(AppError::Conflict(
                "the territory changed since this proposal was made (buildings, households or micro-grids); make a new proposal"
                    .into(),
            ));
        }
        let data = proposal.data.clone().unwrap_or(Value::Null);
        let units: Vec<DivisionUnit> =
            serde_json::from_value(data["units"].clone()).map_err(|e| AppError::Internal(format!("proposal units: {e}")))?;
        let parts: Vec<ProposedPart> =
            serde_json::from_value(data["parts"].clone()).map_err(|e| AppError::Internal(format!("proposal parts: {e}")))?;
        let plans = plan_grids(&mut tx, &ground, &units).await?;
        let grids: HashMap<i64, &Area> = ground.grids.iter().map(|g| (g.id, g)).collect();
        let micro: HashMap<i64, &Area> = ground.micro_grids.iter().map(|m| (m.id, m)).collect();
        let boundary_of: HashMap<u32, String> = parts
            .iter()
            .filter_map(|p| p.boundary.as_ref().map(|b| (p.part, b.to_string())))
            .collect();
        let today = crate::today();
        let mut out = AcceptOutcome {
            proposal_id: id,
            ..Default::default()
        };
        let mut part_area: HashMap<u32, Area> = HashMap::new();
        let add = |m: &mut BTreeMap<&'static str, u64>, rows: &[(&'static str, u64)]| {
            for (t, n) in rows {
                *m.entry(t).or_default() += n;
            }
        };
        for (grid_id, plan) in &plans {
            let grid = grids[grid_id];
            for pp in &plan.parts {
                let current: HashMap<i64, Option<i64>> = units
                    .iter()
                    .filter(|u| u.part == pp.part)
                    .map(|u| (u.building_id, u.micro_grid_id))
                    .collect();
                let target = match &pp.target {
                    Target::Keep { micro_grid_id } => {
                        let m = (*micro[micro_grid_id]).clone();
                        out.kept.push(area_ref(&m));
                        m
                    }
                    Target::New { code } => {
                        let kind = majority_kind(&units, pp.part, &micro);
                        let nn = code.rsplit('-').next().unwrap_or(code);
                        let name = format!("{}·{}", grid.name, nn);
                        let new_id = store::insert_micro_grid(
                            &mut tx,
                            NewMicroGrid {
                                grid,
                                code,
                                name: &name,
                                kind: Some(&kind),
                                boundary: boundary_of.get(&pp.part).map(String::as_str),
                            },
                        )
                        .await?;
                        let m = territory::area(&mut tx, new_id).await?;
                        out.created.push(area_ref(&m));
                        out.attention.push(Attention::NoLeader {
                            micro_grid: area_ref(&m),
                        });
                        m
                    }
                };
                if let (Target::Keep { .. }, Some(b)) = (&pp.target, boundary_of.get(&pp.part)) {
                    store::set_boundary(&mut tx, target.id, b).await?;
                }
                let moving: Vec<i64> = pp
                    .buildings
                    .iter()
                    .copied()
                    .filter(|b| current.get(b).copied().flatten() != Some(target.id))
                    .collect();
                let rows = store::move_buildings(&mut tx, proposal.street_id, &moving, &target).await?;
                add(&mut out.moved, &rows);
                part_area.insert(pp.part, target);
            }
            for r in &plan.retired {
                let old = micro[&r.micro_grid_id];
                let successor = &part_area[&r.successor];
                // Buildings the proposal did not place (no location) follow their micro-grid's successor.
                let left: Vec<i64> = territory::buildings_in(&mut tx, old.id)
                    .await?
                    .into_iter()
                    .map(|b| b.id)
                    .collect();
                let rows = store::move_buildings(&mut tx, proposal.street_id, &left, successor).await?;
                add(&mut out.moved, &rows);
                if !store::retire_micro_grid(&mut tx, old.id, &today).await? {
                    return Err(AppError::Conflict(format!("micro-grid {} was retired meanwhile", old.code)));
                }
                out.posts_ended
                    .extend(store::end_posts_on_micro_grid(&mut tx, old.id, &yesterday()).await?);
                let handed = store::hand_over(&mut tx, old.id, successor.id).await?;
                add(&mut out.handed_over, &handed);
                for (_, code, name) in store::party_orgs_on(&mut tx, old.id).await? {
                    out.attention.push(Attention::PartyOrganisation {
                        code,
                        name,
                        micro_grid: area_ref(old),
                    });
                }
                out.retired.push(Retired {
                    micro_grid: area_ref(old),
                    successor: area_ref(successor),
                });
            }
        }
        let outcome = json!(out);
        if !store::decide(&mut tx, id, "accepted", Some(actor.user.id), Some(&outcome)).await? {
            return Err(AppError::Conflict("the proposal was decided meanwhile".into()));
        }
        audit::record(
            &mut tx,
            NewEvent {
                street_id: Some(proposal.street_id),
                user_id: Some(actor.user.id),
                action: "accept_division",
                entity: "partition_proposal",
                entity_id: Some(id),
                detail: json!({"area": area.code, "outcome": outcome}),
            },
        )
        .await?;
        tx.commit().await?;
        self.locator.rebuild(&self.db).await?;
        Ok(out)
    }
}

/// The kind most of a new part's households had before (a new micro-grid inherits it).
fn majority_kind(units: &[DivisionUnit], part: u32, micro: &HashMap<i64, &Area>) -> String {
    let mut w: BTreeMap<String, i64> = BTreeMap::new();
    for u in units.iter().filter(|u| u.part == part) {
        if let Some(k) = u.micro_grid_id.and_then(|m| micro.get(&m)).and_then(|m| m.kind.clone()) {
            *w.entry(k).or_default() += u.households.max(1);
        }
    }
    w.into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k)
        .unwrap_or_else(|| "residential".into())
}

/// The accept plan of every grid the units lie in.
async fn plan_grids(
    tx: &mut Tx,
    ground: &Ground,
    units: &[DivisionUnit],
) -> Result<BTreeMap<i64, division::AcceptPlan>, AppError> {
    let mut out = BTreeMap::new();
    for grid in &ground.grids {
        let placements: Vec<Placement> = units
            .iter()
            .filter(|u| u.grid_id == grid.id)
            .map(|u| Placement {
                building_id: u.building_id,
                households: u.households,
                current: u.micro_grid_id,
                part: u.part,
            })
            .collect();
        if placements.is_empty() {
            continue;
        }
        let current: Vec<i64> = ground
            .micro_grids
            .iter()
            .filter(|m| m.grid_id == Some(grid.id))
            .map(|m| m.id)
            .collect();
        let in_use: HashSet<String> = store::codes_under(tx, &grid.code).await?.into_iter().collect();
        out.insert(grid.id, division::plan(&grid.code, &placements, &current, &in_use));
    }
    Ok(out)
}
