//! The street's category catalogue, built once and kept until the categories change: every step
//! of every case needs its limits, and rebuilding it from 100-odd rows each time would cost more
//! than the step itself. A cheap stamp query checks it is current, so an edit made by another
//! process is seen at once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use onegrid_domain::case::Catalogue;
use onegrid_store::Tx;
use onegrid_store::case::catalogue::{self as store, CategoryRow};

use crate::{App, AppError};

pub(crate) struct StreetCatalogue {
    pub catalogue: Catalogue,
    pub rows: Vec<CategoryRow>,
    /// Codes a case may be filed under: leaves that are in use.
    pub fileable: HashSet<String>,
}

type Stamp = (i64, i64, i64);

#[derive(Default)]
pub struct CatalogueCache(Mutex<HashMap<i64, (Stamp, Arc<StreetCatalogue>)>>);

impl App {
    pub(crate) async fn street_catalogue(&self, tx: &mut Tx, street_id: i64) -> Result<Arc<StreetCatalogue>, AppError> {
        let stamp = store::stamp(tx, street_id).await?;
        if let Some((s, c)) = self.catalogues.0.lock().expect("catalogue cache").get(&street_id)
            && *s == stamp
        {
            return Ok(c.clone());
        }
        let rows = store::categories(tx, street_id).await?;
        let version = rows.iter().map(|r| r.catalogue_version).max().unwrap_or(0) as u32;
        let departments = store::department_records(tx, street_id).await?;
        // Every row, in use or not, so that old cases still resolve their limits.
        let catalogue = Catalogue::new(
            version,
            String::new(),
            departments,
            rows.iter().map(|r| r.category.clone()).collect(),
        )
        .map_err(|e| AppError::Internal(format!("the categories of street {street_id} are inconsistent: {e}")))?;
        let leaves: HashSet<&str> = catalogue.leaves().map(|c| c.code.as_str()).collect();
        let fileable = rows
            .iter()
            .filter(|r| r.active && leaves.contains(r.category.code.as_str()))
            .map(|r| r.category.code.clone())
            .collect();
        let built = Arc::new(StreetCatalogue {
            catalogue,
            rows,
            fileable,
        });
        self.catalogues
            .0
            .lock()
            .expect("catalogue cache")
            .insert(street_id, (stamp, built.clone()));
        Ok(built)
    }
}

/// What every step of a case in a street is decided with: its catalogue and its settings.
pub(crate) struct Rules {
    pub catalogue: Arc<StreetCatalogue>,
    pub settings: super::CaseSettings,
}

impl App {
    pub(crate) async fn street_rules(&self, tx: &mut Tx, street_id: i64) -> Result<Rules, AppError> {
        Ok(Rules {
            catalogue: self.street_catalogue(tx, street_id).await?,
            settings: super::settings::load(tx, street_id).await?,
        })
    }
}
