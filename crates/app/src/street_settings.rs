//! A street's policies, each kept as JSON under its key in the settings table: read with the
//! defaults for what was never set, written by the street's administrators in one audited
//! transaction.

use onegrid_store::{Tx, settings, territory};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::points::record;
use crate::{Actor, App, AppError};

/// The setting `key` of a street; the defaults when it was never set (or no longer reads, after
/// its shape changed).
pub(crate) async fn load<T: DeserializeOwned + Default>(tx: &mut Tx, street_id: i64, key: &str) -> Result<T, AppError> {
    Ok(settings::get(tx, street_id, key)
        .await?
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

impl App {
    /// Saves a checked setting of a street its administrator runs, audited as `action`.
    pub(crate) async fn save_street_setting<T: Serialize>(
        &self,
        actor: &Actor,
        street_id: i64,
        key: &str,
        action: &str,
        value: &T,
    ) -> Result<(), AppError> {
        actor.require_admin_of(street_id)?;
        let json = serde_json::to_value(value).map_err(|e| AppError::Internal(format!("setting {key}: {e}")))?;
        let mut tx = self.db.write().await?;
        territory::street(&mut tx, street_id).await?;
        settings::set(&mut tx, street_id, key, &json.to_string()).await?;
        record(&mut tx, Some(actor), street_id, action, "street", street_id, json).await?;
        tx.commit().await?;
        Ok(())
    }
}
