//! Open311 API keys (I3): issued from the console (`onegrid apikey`), one street each, kept only
//! as a SHA-256 (like sessions and API tokens), audited when created and revoked.

use onegrid_store::case::notify::{self as store, Open311Key};
use onegrid_store::territory::{self, Street};
use onegrid_store::{StoreError, Tx};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::accounts::{random_token, token_hash};
use crate::points::record;
use crate::{App, AppError};

/// The street a key is for: the one named by code, or the only street there is.
async fn street_for_key(tx: &mut Tx, code: Option<&str>) -> Result<Street, AppError> {
    if let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) {
        return territory::street_by_code(tx, code)
            .await?
            .ok_or_else(|| AppError::field("street", format!("no street with code '{code}'")));
    }
    let streets = territory::streets(tx).await?;
    match streets.len() {
        0 => Err(AppError::field(
            "street",
            "there is no street yet: load one first (`onegrid demo` or `onegrid import`)",
        )),
        1 => Ok(streets.into_iter().next().expect("one street")),
        _ => Err(AppError::field(
            "street",
            format!(
                "is required: there are several streets ({})",
                streets.iter().map(|s| s.code.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(AppError::field(
            "name",
            "must be 1 to 100 characters, without control characters",
        ));
    }
    Ok(name.to_string())
}

/// The demo street's key: derived from the seed like the demo passwords, so `onegrid demo` can
/// print it on every start although only its hash is stored.
fn demo_key(seed: u64) -> String {
    let h = Sha256::digest(format!("onegrid demo open311 key, seed {seed}").as_bytes());
    let hex: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("demo-open311-{hex}")
}

impl App {
    /// Issues a key for posting Open311 requests to a street (`street` is its code; optional
    /// when there is one street). Returns the key (shown this once) and its record.
    pub async fn create_open311_key(&self, street: Option<&str>, name: &str) -> Result<(String, Open311Key), AppError> {
        let name = check_name(name)?;
        let mut tx = self.db.write().await?;
        let street = street_for_key(&mut tx, street).await?;
        let key = random_token();
        let id = store::add_open311_key(&mut tx, street.id, &name, &token_hash(&key)).await?;
        record(&mut tx, None, street.id, "create", "open311_key", id, json!({"name": name})).await?;
        let row = store::open311_keys(&mut tx)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok((key, row))
    }

    /// Every key, revoked ones too, with the code of its street.
    pub async fn open311_keys(&self) -> Result<Vec<(Open311Key, String)>, AppError> {
        let mut tx = self.db.read().await?;
        let streets = territory::streets(&mut tx).await?;
        Ok(store::open311_keys(&mut tx)
            .await?
            .into_iter()
            .map(|k| {
                let code = streets
                    .iter()
                    .find(|s| s.id == k.street_id)
                    .map(|s| s.code.clone())
                    .unwrap_or_default();
                (k, code)
            })
            .collect())
    }

    /// Revokes a key by id: clients using it get 403 from then on.
    pub async fn revoke_open311_key(&self, id: i64) -> Result<Open311Key, AppError> {
        let mut tx = self.db.write().await?;
        let Some(key) = store::open311_keys(&mut tx).await?.into_iter().find(|k| k.id == id) else {
            return Err(AppError::field("id", format!("there is no API key with id {id}")));
        };
        if !store::revoke_open311_key(&mut tx, id).await? {
            return Err(AppError::field("id", format!("the API key {id} is already revoked")));
        }
        record(
            &mut tx,
            None,
            key.street_id,
            "revoke",
            "open311_key",
            id,
            json!({"name": key.name}),
        )
        .await?;
        let key = store::open311_keys(&mut tx)
            .await?
            .into_iter()
            .find(|k| k.id == id)
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(key)
    }

    /// The demo street's Open311 key (created on first use); `None` once an operator revoked it.
    pub async fn demo_open311_key(&self, street_id: i64, seed: u64) -> Result<Option<String>, AppError> {
        let key = demo_key(seed);
        let hash = token_hash(&key);
        let mut tx = self.db.write().await?;
        if store::open311_key(&mut tx, &hash).await?.is_some() {
            return Ok(Some(key));
        }
        let id = match store::add_open311_key(&mut tx, street_id, "demo", &hash).await {
            Ok(id) => id,
            // The hash is there but revoked.
            Err(StoreError::Conflict(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        record(
            &mut tx,
            None,
            street_id,
            "create",
            "open311_key",
            id,
            json!({"name": "demo", "seed": seed}),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(key))
    }

    /// The key's (id, street) when it is valid: the api_key check of `POST requests` (403 else).
    pub(crate) async fn open311_key_check(&self, key: Option<&str>) -> Result<(i64, i64), AppError> {
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            return Err(AppError::Denied("api_key is required to post requests".into()));
        };
        let mut tx = self.db.read().await?;
        store::open311_key(&mut tx, &token_hash(key))
            .await?
            .ok_or_else(|| AppError::Denied("api_key is not valid (unknown or revoked)".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c9_demo_key_follows_the_seed() {
        assert_eq!(demo_key(7), demo_key(7));
        assert_ne!(demo_key(7), demo_key(8));
        assert!(demo_key(1).starts_with("demo-open311-") && demo_key(1).len() == "demo-open311-".len() + 32);
        assert!(check_name(" ").is_err() && check_name("a\u{7}").is_err() && check_name(&"x".repeat(101)).is_err());
        assert_eq!(check_name(" civic bot ").unwrap(), "civic bot");
    }
}
