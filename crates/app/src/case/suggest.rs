//! C10: the category suggested for a description, learnt from the street's closed cases. The
//! model is trained on first use and again when it is a quarter of an hour old; training reads
//! the latest 50,000 closed cases and takes well under a second.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use onegrid_domain::case::Suggester;
use onegrid_store::case::lists;
use serde::Serialize;

use crate::{App, AppError};

const MAX_EXAMPLES: i64 = 50_000;
const MAX_AGE: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct SuggesterCache {
    models: Mutex<HashMap<i64, (Instant, Arc<Suggester>)>>,
    /// Held while one request trains, so a burst of requests trains once.
    training: tokio::sync::Mutex<()>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategorySuggestion {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// In [0, 1].
    pub confidence: f64,
}

impl App {
    async fn suggester(&self, street_id: i64) -> Result<Arc<Suggester>, AppError> {
        let fresh = |c: &SuggesterCache| {
            c.models
                .lock()
                .expect("suggester cache")
                .get(&street_id)
                .filter(|(at, _)| at.elapsed() < MAX_AGE)
                .map(|(_, m)| m.clone())
        };
        if let Some(m) = fresh(&self.suggesters) {
            return Ok(m);
        }
        let _one = self.suggesters.training.lock().await;
        if let Some(m) = fresh(&self.suggesters) {
            return Ok(m);
        }
        let mut tx = self.db.read().await?;
        let examples = lists::closed_examples(&mut tx, street_id, MAX_EXAMPLES).await?;
        drop(tx);
        let model = Arc::new(
            tokio::task::spawn_blocking(move || Suggester::train(&examples))
                .await
                .map_err(|e| AppError::Internal(e.to_string()))?,
        );
        self.suggesters
            .models
            .lock()
            .expect("suggester cache")
            .insert(street_id, (Instant::now(), model.clone()));
        Ok(model)
    }

    /// Up to `k` categories for the description, most likely first, among those a case may be
    /// filed under; empty while the street has no closed cases to learn from.
    pub async fn suggest_category(&self, street_id: i64, text: &str, k: usize) -> Result<Vec<CategorySuggestion>, AppError> {
        if text.chars().count() > 2000 {
            return Err(AppError::field("text", "must be at most 2000 characters"));
        }
        if !(1..=10).contains(&k) {
            return Err(AppError::field("k", "must be between 1 and 10"));
        }
        let model = self.suggester(street_id).await?;
        let mut tx = self.db.read().await?;
        let cached = self.street_catalogue(&mut tx, street_id).await?;
        Ok(model
            .suggest(text, k + 5)
            .into_iter()
            .filter(|s| cached.fileable.contains(&s.code))
            .filter_map(|s| {
                cached.catalogue.get(&s.code).map(|c| CategorySuggestion {
                    code: s.code.clone(),
                    zh: c.zh.clone(),
                    en: c.en.clone(),
                    confidence: s.confidence,
                })
            })
            .take(k)
            .collect())
    }
}

impl SuggesterCache {
    /// Forgets every model, so the next suggestion retrains (after a bulk import, in tests).
    pub fn clear(&self) {
        self.models.lock().expect("suggester cache").clear();
    }
}
