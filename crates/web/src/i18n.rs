//! UI strings in zh-CN (the default) and English. One `key = value` per line; a test fails when
//! a key is in one locale and not the other.

use std::collections::HashMap;

pub const DEFAULT_LANG: &str = "zh-CN";

const ZH_CN: &str = include_str!("../locales/zh-CN.txt");
const EN: &str = include_str!("../locales/en.txt");

pub struct Locales {
    tables: HashMap<&'static str, HashMap<String, String>>,
}

fn parse(text: &str) -> HashMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

impl Locales {
    pub fn load() -> Self {
        Locales {
            tables: HashMap::from([("zh-CN", parse(ZH_CN)), ("en", parse(EN))]),
        }
    }

    /// The string for `key`; a missing key shows as itself, so it is visible rather than blank.
    pub fn t(&self, lang: &str, key: &str) -> String {
        self.tables
            .get(lang)
            .or_else(|| self.tables.get(DEFAULT_LANG))
            .and_then(|t| t.get(key))
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    pub fn has(&self, lang: &str, key: &str) -> bool {
        self.tables.get(lang).is_some_and(|t| t.contains_key(key))
    }
}

pub fn normalize(lang: &str) -> Option<&'static str> {
    match lang {
        "zh-CN" | "zh" | "zh-cn" => Some("zh-CN"),
        "en" | "en-US" | "en-GB" => Some("en"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn i1_every_key_is_in_both_locales() {
        let zh = parse(ZH_CN);
        let en = parse(EN);
        let mut only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(
            only_zh.is_empty() && only_en.is_empty(),
            "only in zh-CN: {only_zh:?}; only in en: {only_en:?}"
        );
        assert!(zh.values().chain(en.values()).all(|v| !v.is_empty()));
    }

    #[test]
    fn i1_every_key_used_in_templates_exists() {
        let zh = parse(ZH_CN);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for part in text.split("t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                if !key.ends_with('.') && !zh.contains_key(key) {
                    missing.push(format!("{}: {key}", path.file_name().unwrap().to_string_lossy()));
                }
            }
        }
        assert!(missing.is_empty(), "keys used but not translated: {missing:?}");
    }
}
