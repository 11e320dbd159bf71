//! T3: gathers a street's territory and staffing and runs the coverage rules with the street's
//! policy (a setting).

use std::collections::HashMap;

use onegrid_domain::coverage::{self, AreaNode, BuildingNode, CoverageInput, CoveragePolicy, CoverageReport, Liaison};
use onegrid_domain::geometry::multipolygon_from_geojson;
use onegrid_domain::people::{Permission, Role};
use onegrid_domain::territory::Level;
use onegrid_store::{people, settings, territory};

use crate::{Actor, App, AppError};

pub const POLICY_KEY: &str = "coverage_policy";

impl App {
    pub async fn coverage_policy(&self, street_id: i64) -> Result<CoveragePolicy, AppError> {
        let mut tx = self.db.read().await?;
        crate::street_settings::load(&mut tx, street_id, POLICY_KEY).await
    }

    pub async fn set_coverage_policy(&self, street_id: i64, policy: &CoveragePolicy) -> Result<(), AppError> {
        let mut errs = Vec::new();
        if !(1..=1000).contains(&policy.max_households_per_liaison) {
            errs.push(onegrid_domain::FieldError::new(
                "max_households_per_liaison",
                "must be between 1 and 1000",
            ));
        }
        if !(0..=100).contains(&policy.min_full_time_per_grid) {
            errs.push(onegrid_domain::FieldError::new(
                "min_full_time_per_grid",
                "must be between 0 and 100",
            ));
        }
        if !(0..=100).contains(&policy.min_part_time_per_grid) {
            errs.push(onegrid_domain::FieldError::new(
                "min_part_time_per_grid",
                "must be between 0 and 100",
            ));
        }
        if !(policy.area_tolerance_m2 >= 0.0 && policy.area_tolerance_m2.is_finite()) {
            errs.push(onegrid_domain::FieldError::new("area_tolerance_m2", "must be a number ≥ 0"));
        }
        if !errs.is_empty() {
            return Err(AppError::Invalid(errs));
        }
        let mut tx = self.db.write().await?;
        territory::street(&mut tx, street_id).await?;
        settings::set(
            &mut tx,
            street_id,
            POLICY_KEY,
            &serde_json::to_string(policy).expect("policy serializes"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The coverage report of one street, for a user who may see it.
    pub async fn coverage(&self, actor: &Actor, street_id: i64) -> Result<CoverageReport, AppError> {
        actor.require(Permission::ViewCoverage)?;
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        self.coverage_of_street(street_id).await
    }

    /// The report itself, also used by the `onegrid coverage` command.
    pub async fn coverage_of_street(&self, street_id: i64) -> Result<CoverageReport, AppError> {
        let policy = self.coverage_policy(street_id).await?;
        let mut tx = self.db.read().await?;
        let street = territory::street(&mut tx, street_id).await?;
        let mut areas = Vec::new();
        for a in territory::areas_of_street(&mut tx, street_id).await? {
            let level = Level::parse(&a.level).unwrap_or(Level::MicroGrid);
            let boundary = parse_boundary(a.boundary.as_deref());
            let parent_id = a.parent_id.or((level == Level::Community).then_some(-street_id));
            areas.push(AreaNode {
                id: a.id,
                level,
                parent_id,
                code: a.code,
                name: a.name,
                boundary,
            });
        }
        // The street takes a negative id so it cannot collide with an area id.
        areas.push(AreaNode {
            id: -street_id,
            level: Level::Street,
            parent_id: None,
            code: street.code,
            name: street.name,
            boundary: parse_boundary(street.boundary.as_deref()),
        });
        let buildings = territory::buildings_of_street(&mut tx, street_id).await?;
        let households: HashMap<i64, i64> = territory::building_household_counts(&mut tx, street_id)
            .await?
            .into_iter()
            .collect();
        let mut input = CoverageInput {
            areas,
            buildings: buildings
                .iter()
                .map(|b| BuildingNode {
                    id: b.id,
                    code: b.code.clone(),
                    name: b.name.clone(),
                    micro_grid_id: b.micro_grid_id,
                    location: b.lat.zip(b.lng).map(|(lat, lng)| geo::Point::new(lng, lat)),
                })
                .collect(),
            ..Default::default()
        };
        let mut liaisons: HashMap<i64, Liaison> = HashMap::new();
        for (role, _level, unit_id, person_id, name) in
            people::active_posts_of_street(&mut tx, street_id, &crate::today()).await?
        {
            match Role::parse(&role) {
                Some(Role::MicroGridLeader) => *input.leaders.entry(unit_id).or_default() += 1,
                Some(Role::GridWorker) => *input.full_time.entry(unit_id).or_default() += 1,
                Some(Role::PartTimeWorker) => *input.part_time.entry(unit_id).or_default() += 1,
                Some(Role::BuildingLeader) => {
                    let l = liaisons.entry(person_id).or_insert(Liaison {
                        person_id,
                        name,
                        households: 0,
                    });
                    l.households += households.get(&unit_id).copied().unwrap_or(0);
                }
                _ => {}
            }
        }
        let mut liaisons: Vec<Liaison> = liaisons.into_values().collect();
        liaisons.sort_by_key(|l| l.person_id);
        input.liaisons = liaisons;
        Ok(coverage::check(&input, &policy))
    }
}

fn parse_boundary(text: Option<&str>) -> Option<geo::MultiPolygon<f64>> {
    let v: serde_json::Value = serde_json::from_str(text?).ok()?;
    multipolygon_from_geojson("boundary", &v).ok()
}
