use std::sync::Arc;

use minijinja::{Environment, State, UndefinedBehavior, Value};

use crate::i18n::Locales;

#[derive(rust_embed::Embed)]
#[folder = "$CARGO_MANIFEST_DIR/templates"]
struct Templates;

/// Templates are embedded in release builds and read from disk in debug builds (rust-embed),
/// so editing one needs no rebuild while developing.
pub fn environment(locales: Arc<Locales>) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_loader(|name| Ok(Templates::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned())));
    // `t("key")` translates into the page's language (the `lang` variable).
    env.add_function("t", move |state: &State, key: &str| -> String {
        let lang = state.lookup("lang").map(|v| v.to_string()).unwrap_or_else(|| "zh-CN".into());
        locales.t(&lang, key)
    });
    env.add_function("static_url", |path: &str| {
        format!("/static/{}/{path}", crate::assets::VERSION)
    });
    env.add_filter("mask_phone", |v: Value| -> String {
        // R5: phones are masked in lists: 138****5678.
        let s = v.to_string();
        if s.len() == 11 {
            format!("{}****{}", &s[..3], &s[7..])
        } else {
            s
        }
    });
    env.add_filter("datetime", |ms: i64| -> String { super::local_time::show(ms) });
    env
}
