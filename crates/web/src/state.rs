use std::sync::Arc;

use onegrid_app::App;

use crate::i18n::Locales;
use crate::metrics::Metrics;

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub templates: Arc<minijinja::Environment<'static>>,
    pub locales: Arc<Locales>,
    pub metrics: Arc<Metrics>,
    /// Anonymous writes per client address.
    pub limiter: Arc<crate::limit::Limiter>,
}

impl AppState {
    pub fn new(app: App) -> Self {
        let locales = Arc::new(Locales::load());
        let templates = Arc::new(crate::html::templates::environment(locales.clone()));
        AppState {
            app,
            templates,
            locales,
            metrics: Arc::new(Metrics::default()),
            limiter: Arc::default(),
        }
    }
}
