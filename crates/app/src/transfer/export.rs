//! T8 export, in the import formats so a file round-trips. CSV starts with a UTF-8 BOM so
//! spreadsheet programs show Chinese correctly.

use onegrid_domain::people::Permission;
use onegrid_store::territory;
use serde_json::json;

use super::{Format, Kind};
use crate::{Actor, App, AppError};

impl App {
    pub async fn export(&self, actor: &Actor, kind: Kind, format: Format, street_id: i64) -> Result<Vec<u8>, AppError> {
        actor.require(Permission::Transfer)?;
        if !actor.user.superuser && actor.home_street() != Some(street_id) {
            return Err(AppError::NotFound);
        }
        let needed = match kind {
            Kind::Residents | Kind::Households => Permission::ViewResidents,
            Kind::People | Kind::Posts => Permission::ViewPeople,
            _ => Permission::Transfer,
        };
        let scope = actor.scope(needed);
        let mut tx = self.db.read().await?;
        let street = territory::street(&mut tx, street_id).await?;
        if format == Format::GeoJson {
            let features: Vec<serde_json::Value> = match kind {
                Kind::Areas => {
                    let mut f = vec![
                        json!({"type": "Feature", "properties": {"level": "street", "code": street.code, "name": street.name},
                        "geometry": street.boundary.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())}),
                    ];
                    let areas = territory::areas_of_street(&mut tx, street_id).await?;
                    let codes: std::collections::HashMap<i64, String> = areas.iter().map(|a| (a.id, a.code.clone())).collect();
                    for a in &areas {
                        let parent = a
                            .parent_id
                            .and_then(|p| codes.get(&p).cloned())
                            .unwrap_or_else(|| street.code.clone());
                        f.push(json!({"type": "Feature",
                            "properties": {"level": a.level, "code": a.code, "name": a.name, "parent_code": parent, "kind": a.kind},
                            "geometry": a.boundary.as_deref().and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())}));
                    }
                    f
                }
                Kind::Buildings => {
                    let rows = building_rows(&mut tx, street_id).await?;
                    rows.into_iter()
                        .map(|r| json!({"type": "Feature",
                            "properties": {"code": r[0], "name": r[1], "micro_grid_code": r[2], "address": r[3], "kind": r[4], "floors": r[5].parse::<i64>().unwrap_or(1)},
                            "geometry": match (r[6].parse::<f64>(), r[7].parse::<f64>()) { (Ok(lat), Ok(lng)) => json!({"type": "Point", "coordinates": [lng, lat]}), _ => serde_json::Value::Null }}))
                        .collect()
                }
                _ => return Err(AppError::field("format", "GeoJSON export is for areas and buildings")),
            };
            return Ok(serde_json::to_vec_pretty(&json!({"type": "FeatureCollection", "features": features})).expect("json"));
        }
        let rows: Vec<Vec<String>> = match kind {
            Kind::Areas => {
                let mut out = vec![vec![
                    "street".into(),
                    street.code.clone(),
                    street.name.clone(),
                    String::new(),
                    String::new(),
                ]];
                let areas = territory::areas_of_street(&mut tx, street_id).await?;
                let codes: std::collections::HashMap<i64, String> = areas.iter().map(|a| (a.id, a.code.clone())).collect();
                for a in areas {
                    let parent = a
                        .parent_id
                        .and_then(|p| codes.get(&p).cloned())
                        .unwrap_or_else(|| street.code.clone());
                    out.push(vec![a.level, a.code, a.name, parent, a.kind.unwrap_or_default()]);
                }
                out
            }
            Kind::Buildings => building_rows(&mut tx, street_id).await?,
            other => onegrid_store::export::rows(&mut tx, other.as_str(), street_id, &scope).await?,
        };
        let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
        w.write_record(kind.columns())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        for r in rows {
            w.write_record(&r).map_err(|e| AppError::Internal(e.to_string()))?;
        }
        w.into_inner().map_err(|e| AppError::Internal(e.to_string()))
    }
}

async fn building_rows(tx: &mut onegrid_store::Tx, street_id: i64) -> Result<Vec<Vec<String>>, AppError> {
    let mgs: std::collections::HashMap<i64, String> = territory::areas(tx, street_id, "micro_grid", None)
        .await?
        .into_iter()
        .map(|a| (a.id, a.code))
        .collect();
    Ok(territory::buildings_of_street(tx, street_id)
        .await?
        .into_iter()
        .map(|b| {
            vec![
                b.code,
                b.name,
                b.micro_grid_id.and_then(|m| mgs.get(&m).cloned()).unwrap_or_default(),
                b.address,
                b.kind,
                b.floors.to_string(),
                b.lat.map(|v| v.to_string()).unwrap_or_default(),
                b.lng.map(|v| v.to_string()).unwrap_or_default(),
            ]
        })
        .collect())
}
