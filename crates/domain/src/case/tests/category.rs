//! C2: the shipped catalogue and its loader.

use super::*;

fn field_errors(json: &str) -> Vec<String> {
    match Catalogue::from_json(json) {
        Ok(_) => vec![],
        Err(DomainError::Invalid(f)) => f.into_iter().map(|f| format!("{}: {}", f.field, f.reason)).collect(),
    }
}

fn tiny(categories: &str) -> String {
    format!(
        r#"{{"version": 1, "departments": [{{"code": "sanitation", "zh": "环卫", "en": "Sanitation"}}],
            "categories": [{categories}]}}"#
    )
}

const ROOT: &str = r#"{"code": "E01", "kind": "event", "zh": "市容环境", "en": "City appearance", "department": "sanitation", "dispatch": "1wh", "handle": "1wd"}"#;

#[test]
fn c2_builtin_catalogue_is_valid() {
    let c = Catalogue::builtin();
    assert_eq!(c.version, 1);
    assert!(!c.about.is_empty());
}

#[test]
fn c2_catalogue_has_at_least_60_categories_under_8_groups() {
    let c = Catalogue::builtin();
    assert!(c.categories.len() >= 60, "{}", c.categories.len());
    let roots: Vec<_> = c.roots().collect();
    assert!(roots.len() >= 8, "{}", roots.len());
    for r in &roots {
        assert!(c.children(&r.code).count() >= 3, "group {} has few items", r.code);
    }
    for kind in [CategoryKind::Event, CategoryKind::Component, CategoryKind::Social] {
        assert!(roots.iter().any(|r| r.kind == kind));
    }
    // The social-governance groups the brief names.
    for zh in ["矛盾纠纷", "治安隐患", "消防安全", "生态环境", "民生服务", "特殊人群服务"] {
        assert!(roots.iter().any(|r| r.zh == zh), "{zh}");
    }
}

#[test]
fn c2_every_category_resolves_a_department_and_both_limits() {
    let c = Catalogue::builtin();
    for cat in &c.categories {
        assert!(c.owner(&cat.code).is_some(), "{}", cat.code);
        assert!(c.limits(&cat.code).is_some(), "{}", cat.code);
        assert!(!cat.zh.is_empty() && !cat.en.is_empty());
        if let Some(p) = &cat.parent {
            assert!(cat.code.starts_with(p.as_str()));
        }
    }
    assert!(c.leaves().count() >= 100);
    assert!(c.leaves().all(|l| c.children(&l.code).next().is_none()));
}

#[test]
fn c2_event_codes_follow_the_national_event_table() {
    let c = Catalogue::builtin();
    for cat in c.categories.iter().filter(|c| c.kind == CategoryKind::Event) {
        let std = cat.standard_code.as_deref().expect("every event carries its CJ/T 214 code");
        assert_eq!(cat.code, format!("E{std}"));
    }
    assert_eq!(c.get("E0102").unwrap().zh, "暴露垃圾");
    assert_eq!(c.get("E0501").unwrap().zh, "无照经营游商");
    assert_eq!(c.get("C0101").unwrap().standard_code.as_deref(), Some("0101"));
}

#[test]
fn c2_deadlines_carry_the_reference_numbers() {
    let c = Catalogue::builtin();
    let l = |code: &str| {
        let s = c.limits(code).unwrap();
        (s.dispatch.to_string(), s.handle.to_string())
    };
    let pair = |a: &str, b: &str| (a.to_string(), b.to_string());
    // DB11/T 2021-2022.
    assert_eq!(l("E0401"), pair("1h", "2h"), "emergency");
    assert_eq!(l("S0502"), pair("2h", "24h"), "power");
    assert_eq!(l("E0402"), pair("2h", "24h"), "water");
    assert_eq!(l("S0510"), pair("24h", "7d"), "general");
    assert_eq!(l("S0508").1, "15d", "complex");
    // Urban-management events.
    assert_eq!(l("E0102").1, "4wh", "exposed rubbish");
    assert_eq!(l("E0101").1, "4wh", "illegal structure: stop work");
    assert_eq!(l("C0101").1, "6h", "missing manhole cover");
    // Inheritance: other city-appearance problems take the group's numbers and department.
    assert_eq!(l("E0199"), pair("1wh", "1wd"));
    assert_eq!(c.owner("E0199").unwrap().code, "sanitation");
    assert_eq!(c.owner("E0101").unwrap().code, "city_management");
    assert_eq!(c.limits("E0402").unwrap().for_step(Step::Dispatch), Limit::calendar_hours(2));
    assert_eq!(
        c.lineage("E0402").iter().map(|c| c.code.as_str()).collect::<Vec<_>>(),
        ["E0402", "E04"]
    );
}

#[test]
fn c2_loader_accepts_a_small_valid_catalogue() {
    let json = tiny(&format!(
        r#"{ROOT}, {{"code": "E0102", "parent": "E01", "kind": "event", "zh": "暴露垃圾", "en": "Exposed rubbish", "handle": "4wh"}}"#
    ));
    let c = Catalogue::from_json(&json).unwrap();
    assert_eq!(
        c.limits("E0102").unwrap(),
        StepLimits {
            dispatch: Limit::working_hours(1),
            handle: Limit::working_hours(4)
        }
    );
}

#[test]
fn c2_loader_refuses_duplicates_missing_parents_and_bad_deadlines() {
    let leaf = |extra: &str| format!(r#"{ROOT}, {{"kind": "event", "zh": "子", "en": "Sub", {extra}}}"#);
    let has = |json: String, needle: &str| {
        let errs = field_errors(&json);
        assert!(errs.iter().any(|e| e.contains(needle)), "expected `{needle}` in {errs:?}");
    };
    has(tiny(&format!("{ROOT}, {ROOT}")), "appears twice");
    has(
        tiny(&leaf(r#""code": "E0201", "parent": "E02""#)),
        "parent code does not exist",
    );
    has(tiny(&leaf(r#""code": "X0101", "parent": "E01""#)), "extends its parent");
    has(
        tiny(&leaf(r#""code": "E0101", "parent": "E01", "department": "nobody""#)),
        "department code does not exist",
    );
    has(tiny(&leaf(r#""code": "E0101", "parent": "E01", "handle": "0h""#)), "positive");
    has(
        tiny(&leaf(r#""code": "E0101", "parent": "E01", "dispatch": "4 days""#)),
        "unknown unit",
    );
    has(
        tiny(
            r#"{"code": "S01", "kind": "social", "zh": "纠纷", "en": "Disputes", "department": "sanitation", "dispatch": "24h"}"#,
        ),
        "no dispatch and handle limits",
    );
    has(
        tiny(r#"{"code": "S01", "kind": "social", "zh": "纠纷", "en": "Disputes", "dispatch": "24h", "handle": "7d"}"#),
        "no department",
    );
    has(
        tiny(
            &leaf(r#""code": "E0101", "parent": "E01", "kind2": 1"#)
                .replace(r#""kind": "event", "zh": "子""#, r#""kind": "social", "zh": "子""#),
        ),
        "parent's kind",
    );
    has(
        tiny(&format!(
            r#"{ROOT}, {{"code": "E02", "kind": "event", "zh": "", "en": "x", "dispatch": "1h", "handle": "2h", "department": "sanitation"}}"#
        )),
        "zh and en",
    );
    // Every problem at once.
    let many = tiny(&format!(
        "{ROOT}, {ROOT}, {}",
        r#"{"code": "E0301", "parent": "E03", "kind": "event", "zh": "a", "en": "b"}"#
    ));
    assert!(field_errors(&many).len() >= 2);
}

#[test]
fn c2_edited_rows_are_checked_like_the_file() {
    let c = Catalogue::builtin();
    let mut cats = c.categories.clone();
    cats.push(Category {
        code: "E0119".into(),
        parent: Some("E01".into()),
        ..c.get("E0102").unwrap().clone()
    });
    let edited = Catalogue::new(2, String::new(), c.departments.clone(), cats.clone()).unwrap();
    assert_eq!(edited.limits("E0119").unwrap().handle, Limit::working_hours(4));
    cats.push(Category {
        code: "E0120".into(),
        parent: Some("E09".into()),
        ..c.get("E0102").unwrap().clone()
    });
    assert!(Catalogue::new(2, String::new(), c.departments.clone(), cats).is_err());
}
